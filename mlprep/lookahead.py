"""A second process that goes through a file's blocks alongside this one.

A merge's pass over the review log takes a light look at each block (one pattern search for
every line's time, card and id, then checks on them), replays the affected cards' answers and
rewrites the block. On a machine that can fork, a child forked for the pass reads the file on
its own and does part of that work for each block (its look, and the replays of some of the
cards), sending the results through a pipe in block order, then a last result once the file
is done; the pass finds each block's results ready and only does its own part and the writing.

The child's work is a function of the blocks and of what both processes knew when it was
forked, so it gives what this process would have. Where fork is missing or the file is small,
there is no child. A child that stops, fails or disagrees about where a block starts is Lost:
its part of the work cannot be taken over midway, so the caller takes another way.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

from mlprep.forkwork import fork_writer, reap

MIN_BYTES = 8 << 20  # a smaller file is gone through faster than a process starts
PIPE_BYTES = 1 << 20  # the most an unprivileged process may ask of Linux by default


class Lost(Exception):
    """The child stopped or went its own way: its results cannot be had."""


class _Stopped:
    """What a child sends when its work raised one of the expected exceptions."""


class Alongside:
    """A child running `work(start, block)` for each of the `blocks()` of a file (whole lines,
    each with the offset it starts at) and then `ending()`, when `wanted` and the system can
    fork; `running` tells whether there is one. `get(start)` gives its result for the block
    starting at byte `start`, `finish()` the ending's; both raise Lost if the child cannot
    give it (an exception of `expected` types in the child is sent as such, and also raises
    Lost)."""

    def __init__(
        self,
        blocks: Callable[[], Iterable[tuple[int, bytes]]],
        work: Callable[[int, bytes], Any],
        ending: Callable[[], Any],
        wanted: bool,
        expected: tuple[type[BaseException], ...] = (),
    ) -> None:
        self.blocks = blocks
        self.work = work
        self.ending = ending
        self.wanted = wanted and hasattr(os, "fork")
        self.expected = expected
        self.reader: Any = None
        self.pid = 0
        self.done = False  # the ending was received: the child has nothing left to do

    @property
    def running(self) -> bool:
        return self.reader is not None

    def __enter__(self) -> Alongside:
        child = fork_writer(self._send) if self.wanted else None
        if child is not None:  # (else no child: the caller works alone)
            self.pid, read_end = child
            try:
                _widen(read_end)
                self.reader = open(read_end, "rb")  # noqa: SIM115  (closed on exit)
            except BaseException:  # (Ctrl-C, say: __exit__ is not called for __enter__)
                os.close(read_end)
                self._stop()
                raise
        return self

    def _send(self, pipe: BinaryIO) -> None:
        """The child's work: each block's result in order, then the ending's (an expected
        exception ends the output with _Stopped; any other, short: both mean Lost)."""
        try:
            for position, block in self.blocks():
                pickle.dump((position, self.work(position, block)), pipe, protocol=5)
            pickle.dump((None, self.ending()), pipe, protocol=5)
        except self.expected:
            pickle.dump((None, _Stopped()), pipe, protocol=5)

    def _next(self, start: int | None) -> Any:
        if self.reader is None:
            raise Lost
        try:
            position, result = pickle.load(self.reader)
        except (EOFError, pickle.UnpicklingError, ValueError, OSError):
            position, result = -1, None
        if position != start or isinstance(result, _Stopped):
            self._stop()  # (it stopped, or saw other blocks: nothing more of it is used)
            raise Lost
        return result

    def get(self, start: int) -> Any:
        """The child's result for the block starting at byte `start`."""
        return self._next(start)

    def finish(self) -> Any:
        """The child's ending, once every block's result was taken."""
        ending = self._next(None)
        self.done = True
        return ending

    def _stop(self) -> None:
        if self.reader is not None:
            self.reader.close()
            self.reader = None
        if self.pid:
            reap(self.pid, kill=not self.done)  # (its work is of no use any more)
            self.pid = 0

    def __exit__(self, *exc: object) -> None:
        self._stop()


def _widen(pipe: int) -> None:
    """Let the pipe hold a few blocks' results (Linux: 64 KiB by default, less than one), so
    that the child can work ahead of a block that costs this process more."""
    try:
        import fcntl

        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass  # (elsewhere, or beyond the system's limit: the pipe as it is)
