"""Reading single key presses from a terminal (POSIX), for flashcard shortcuts."""

from __future__ import annotations

import contextlib
import os
import select
import sys
import termios
import time
import tty
from collections.abc import Iterator
from typing import TextIO


def read_key(stream: TextIO) -> str:
    """One key press, lower-cased; 'enter', 'space' and 'escape' by name.

    Ctrl-C raises KeyboardInterrupt, read as a key rather than sent as a signal (as at every
    other prompt, which prompt_toolkit reads in raw mode): the terminal's signal goes to the
    whole foreground process group, and a program that started mlprep (`make run`) would stop
    with an error of its own. Ctrl-D or a closed input raises EOFError."""
    fd = stream.fileno()
    data = _typed_ahead(fd)
    if data is None:
        data = _read_raw(fd)
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


@contextlib.contextmanager
def _key_by_key(fd: int) -> Iterator[None]:
    """The terminal giving keys one by one, unechoed, Ctrl-C among them (a key, not a signal);
    as it was afterwards."""
    saved = termios.tcgetattr(fd)
    try:
        # TCSANOW: setcbreak's default (TCSAFLUSH) throws away keys typed before the switch,
        # e.g. a grade pressed while the card was still being drawn
        tty.setcbreak(fd, termios.TCSANOW)
        mode = termios.tcgetattr(fd)
        mode[tty.LFLAG] &= ~termios.ISIG
        termios.tcsetattr(fd, termios.TCSANOW, mode)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _read_raw(fd: int) -> bytes:
    """The bytes of one key press from the terminal itself."""
    with _key_by_key(fd):
        data = os.read(fd, 1)
        if data == b"\x1b":  # swallow the rest of an arrow or function key sequence
            while select.select([fd], [], [], 0.02)[0]:
                data += os.read(fd, 8)
    return data


class _Terminal:
    """Names the terminal's input as prompt_toolkit's own Vt100Input does, for its store of
    keys typed ahead (see _typed_ahead)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def typeahead_hash(self) -> str:
        return f"fd-{self.fd}"


def _typed_ahead(fd: int) -> bytes | None:
    """The first key that a prompt_toolkit prompt read from this terminal but did not use,
    if any: it reads what is there in one go, and keeps what comes after its Enter for the
    next prompt_toolkit prompt. A grade typed at once after an answer ("x", Enter, "4") was
    thus not read by the grade prompt, which reads the terminal itself, but went to the next
    question's menu. The other keys stay where they were, in order."""
    module = sys.modules.get("prompt_toolkit.input.typeahead")
    if module is None:  # (no prompt_toolkit prompt ran: nothing is kept)
        return None
    terminal = _Terminal(fd)
    pending = module.get_typeahead(terminal)
    if not pending:
        return None
    module.store_typeahead(terminal, pending[1:])
    return pending[0].data.encode(errors="ignore")


def flush_input(stream: TextIO) -> None:
    """Drop keys typed but not yet read, so that they reach neither the next prompt nor the
    shell after mlprep exits (e.g. an answer still being typed when time ran out)."""
    try:
        if stream.isatty():
            termios.tcflush(stream.fileno(), termios.TCIFLUSH)
            module = sys.modules.get("prompt_toolkit.input.typeahead")
            if module is not None:  # (and those a prompt_toolkit prompt read and kept)
                module.clear_typeahead(_Terminal(stream.fileno()))
    except (OSError, ValueError, AttributeError, termios.error):
        pass


# After the mock's time runs out, keys still being typed are dropped until the typing stops
# for this long (a person mid-sentence goes on for a second or so after the clock stops), and
# for at most the second figure: they went on into the grading prompt, or into the shell.
QUIET_SECONDS = 0.7
LONGEST_SECONDS = 3.0


def drop_typing(stream: TextIO) -> None:
    """Read and drop keys until none came for QUIET_SECONDS (at most LONGEST_SECONDS), then
    drop what is pending (flush_input). Keys are read one by one, not by lines, and not
    echoed: a sentence typed on is neither shown nor taken."""
    try:
        if not stream.isatty():
            return
        fd = stream.fileno()
    except (OSError, ValueError, AttributeError):
        return
    # (key by key: a Ctrl-C among the keys typed on is one of them, dropped; as a signal it
    # ended the interview before its transcript recorded what was graded)
    with contextlib.suppress(OSError, ValueError, termios.error), _key_by_key(fd):
        start = last = time.monotonic()
        while True:
            now = time.monotonic()
            wait = min(QUIET_SECONDS - (now - last), LONGEST_SECONDS - (now - start))
            if wait <= 0:
                break
            ready, _, _ = select.select([fd], [], [], wait)
            if ready:
                os.read(fd, 4096)
                last = time.monotonic()
    flush_input(stream)
