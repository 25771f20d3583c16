"""The Typer command line: parses, calls the core, prints. Heavy imports stay inside commands."""
