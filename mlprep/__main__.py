from mlprep.cli.app import main

main()
