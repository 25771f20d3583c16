"""A look at each block of a file, taken ahead in a second process.

A merge's pass over the review log first takes a light look at each block (one pattern search
for every line's time, card and id, then checks on them) and then rewrites it. The looks need
nothing from the rewriting, so on a machine with a second core a child process forked for the
pass reads the file on its own and sends each block's look through a pipe: the pass finds it
ready and only rewrites. Where fork is missing, the file is small, or the child stops or
disagrees about where a block starts, the pass takes the look itself: the same function either
way, so the result never depends on which process took it.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from mlprep.forkwork import fork_writer, reap
from mlprep.reviewlog import line_blocks

MIN_BYTES = 8 << 20  # a smaller file is looked at faster than a process starts


class Looks:
    """`look(start, block)` for each block of whole lines of `path` (as line_blocks cuts
    them), taken ahead by a child process when that pays; `get` gives the look at a block."""

    def __init__(self, path: Path, look: Callable[[int, bytes], Any], ahead: bool) -> None:
        self.path = path
        self.look = look
        self.ahead = ahead and hasattr(os, "fork")
        self.reader: Any = None
        self.pid = 0

    def __enter__(self) -> Looks:
        child = fork_writer(self._send) if self.ahead else None
        if child is not None:  # (else no process to spare: the pass looks for itself)
            self.pid, read_end = child
            self.reader = open(read_end, "rb")  # noqa: SIM115  (closed on exit)
        return self

    def _send(self, pipe: BinaryIO) -> None:
        """The child's work: each block's look, in order (a failure ends the output short:
        the parent then looks for itself)."""
        with open(self.path, "rb") as handle:
            for position, data, size in line_blocks(handle):
                block = data if size == len(data) else data[:size]
                look = self.look(position, block)
                pickle.dump((position, look), pipe, protocol=5)

    def get(self, start: int, block: bytes) -> Any:
        """The look at the block starting at byte `start`."""
        if self.reader is not None:
            try:
                position, look = pickle.load(self.reader)
                if position == start:
                    return look
            except (EOFError, pickle.UnpicklingError, ValueError, OSError):
                pass
            self._stop()  # (it stopped, or saw other blocks: no look of it is used again)
        return self.look(start, block)

    def _stop(self) -> None:
        if self.reader is not None:
            self.reader.close()  # (a child still writing gets a broken pipe and ends)
            self.reader = None
        if self.pid:
            reap(self.pid, kill=False)  # (closing the pipe ended it, or it has finished)
            self.pid = 0

    def __exit__(self, *exc: object) -> None:
        self._stop()
