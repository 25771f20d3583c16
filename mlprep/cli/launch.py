"""The program's entry point (`mlprep`, `python -m mlprep`).

Loading the command line takes a tenth of a second; a Ctrl-C in that time stopped an import
(or Typer reading the commands' signatures) and printed its traceback. Here it ends as a
Ctrl-C does once a command runs: one line, exit status 130."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from mlprep.cli.app import main as run

        # (the commands catch a Ctrl-C themselves: this one came while Typer was still
        # building the command line from their signatures)
        run()
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")  # (as the program says it: see cli.common)
        raise SystemExit(130) from None
