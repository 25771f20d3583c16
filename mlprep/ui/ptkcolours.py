"""prompt_toolkit's colours on a terminal that has none.

prompt_toolkit draws with 256-colour codes on any terminal it does not know to have fewer
colours (it knows "dumb", "linux" and "eterm-color"). A VT100 reads the codes' numbers as
attributes it does know: the 5 of "38;5;67" is blink. The terminal's terminfo entry says how many
colours it has; where it has none, prompt_toolkit is asked to draw without colour.
"""

from __future__ import annotations

import functools
import os

# prompt_toolkit's own variable for its colour depth (and NO_COLOR, which it also honours)
DEPTH_VARIABLE = "PROMPT_TOOLKIT_COLOR_DEPTH"


@functools.cache
def limit_colours() -> None:
    """Set prompt_toolkit's colour depth to none when the terminal (TERM) has no colours
    according to its terminfo entry (vt100, vt220, xterm-mono). A depth or NO_COLOR already
    in the environment stands; a terminal without an entry keeps prompt_toolkit's default."""
    if DEPTH_VARIABLE in os.environ or os.environ.get("NO_COLOR"):
        return
    colours = terminfo_colours(os.environ.get("TERM"))
    if colours is not None and colours < 8:  # (-1: the entry has no colours at all)
        os.environ[DEPTH_VARIABLE] = "DEPTH_1_BIT"  # (attributes only: bold, reverse)


def terminfo_colours(term: str | None) -> int | None:
    """The number of colours the terminfo entry of `term` gives (-1: none), or None when there
    is no such entry or no curses to read it with."""
    if not term:
        return None
    try:
        import curses
    except ImportError:  # (Python built without curses)
        return None
    descriptor = os.open(os.devnull, os.O_WRONLY)  # (setupterm wants one; no terminal needed)
    try:
        curses.setupterm(term, descriptor)
        return curses.tigetnum("colors")
    except curses.error:  # no terminfo entry for it
        return None
    finally:
        os.close(descriptor)
