"""What rich makes of the output stream (its width, whether it is a terminal), found as rich
finds it without importing rich: commands whose output is plain lines print them directly."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlprep.cli.state import AppState


def console_width(app: AppState) -> int:
    """The width the output's rich console (ui.render.make_console) has, measured as rich
    measures it, without importing rich (which would take a tenth of the command's time):
    COLUMNS (with LINES: whatever the terminal), 80 on a dumb terminal, else the first of
    stdin, stdout and stderr that is a terminal; 80 columns at most."""
    environ = os.environ  # rich reads the process's environment

    def number(name: str) -> int | None:
        text = environ.get(name)
        return int(text) if text is not None and text.isascii() and text.isdigit() else None

    columns = number("COLUMNS")
    if columns == 0:
        return 80  # no width at all: the console takes 80 (see ui.render)
    if columns is not None and number("LINES") is not None:
        return min(80, columns)
    if environ.get("TERM", "").lower() in ("dumb", "unknown") and is_terminal(app):
        return 80
    if columns is not None:
        return min(80, columns)
    width = None
    for descriptor in (0, 1, 2):
        try:
            width = os.get_terminal_size(descriptor).columns
        except (AttributeError, ValueError, OSError):  # not a terminal
            continue
        break
    return min(80, width or 80)


def is_terminal(app: AppState) -> bool:
    """rich's Console.is_terminal for the output stream."""
    environ = os.environ
    compatible = environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force = environ.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    try:
        return bool(app.env.stdout.isatty())
    except (AttributeError, ValueError):
        return False


def prints_styles(app: AppState) -> bool:
    """Whether rich would print colours or bold to the output stream: only to a terminal
    that is not a dumb one (TERM=dumb or unknown); a pipe or file gets plain text."""
    term = os.environ.get("TERM", "").lower()
    return is_terminal(app) and term not in ("dumb", "unknown")
