"""Reading single key presses from a terminal (POSIX), for flashcard shortcuts."""

from __future__ import annotations

import os
import select
import termios
import tty
from typing import TextIO


def read_key(stream: TextIO) -> str:
    """One key press, lower-cased; 'enter', 'space' and 'escape' by name.

    Ctrl-C raises KeyboardInterrupt, read as a key rather than sent as a signal (as at every
    other prompt, which prompt_toolkit reads in raw mode): the terminal's signal goes to the
    whole foreground process group, and a program that started mlprep (`make run`) would stop
    with an error of its own. Ctrl-D or a closed input raises EOFError."""
    fd = stream.fileno()
    saved = termios.tcgetattr(fd)
    try:
        # TCSANOW: setcbreak's default (TCSAFLUSH) throws away keys typed before the switch,
        # e.g. a grade pressed while the card was still being drawn
        tty.setcbreak(fd, termios.TCSANOW)
        mode = termios.tcgetattr(fd)
        mode[tty.LFLAG] &= ~termios.ISIG
        termios.tcsetattr(fd, termios.TCSANOW, mode)
        data = os.read(fd, 1)
        if data == b"\x1b":  # swallow the rest of an arrow or function key sequence
            while select.select([fd], [], [], 0.02)[0]:
                data += os.read(fd, 8)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
    if data == b"\x03":
        raise KeyboardInterrupt
    if not data or data == b"\x04":
        raise EOFError
    if data in (b"\r", b"\n"):
        return "enter"
    if data == b" ":
        return "space"
    if data.startswith(b"\x1b"):
        return "escape"
    return data.decode(errors="ignore").lower()


def flush_input(stream: TextIO) -> None:
    """Drop keys typed but not yet read, so that they reach neither the next prompt nor the
    shell after mlprep exits (e.g. an answer still being typed when time ran out)."""
    try:
        if stream.isatty():
            termios.tcflush(stream.fileno(), termios.TCIFLUSH)
    except (OSError, ValueError, AttributeError, termios.error):
        pass
