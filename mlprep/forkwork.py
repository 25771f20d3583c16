"""One piece of work done in a forked child process while this process does another.

Most machines mlprep runs on have two cores or more, and a cold start spends most of its time
in one pass over a long log that splits cleanly in two. A forked child shares this process's
memory as it was at the fork (nothing is pickled on the way there) and sends back only its
result, pickled through a pipe.

Where fork is missing (Windows) or fails, `start` returns None and the caller does the work
itself, as it should where no core is free (see spare_core). A child that dies or fails in an
unexpected way gives `Failed`, so the caller can do the work again itself. An exception the
work raises on purpose (a ProgressError naming a bad line, say) comes back as that exception.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable
from typing import BinaryIO, Generic, TypeVar

T = TypeVar("T")


class Failed(Exception):
    """The child gave no result (it died, or its result could not be sent)."""


class Forked(Generic[T]):
    """A child process working on `work()`; `result()` waits for its value."""

    def __init__(self, pid: int, reader: int) -> None:
        self.pid = pid
        self.reader = reader

    def result(self) -> T:
        """The work's value, or the exception it raised (re-raised here), or Failed."""
        try:
            with os.fdopen(self.reader, "rb") as pipe:
                data = pipe.read()
            self.reader = -1
            try:
                ok, value = pickle.loads(data)
            except Exception:  # a child killed mid-write leaves a cut-off pickle
                raise Failed("the child process stopped before sending its result") from None
        finally:
            self.close()
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Stop the child if it still runs (the caller gave up on it) and reap it."""
        if self.reader >= 0:
            os.close(self.reader)
            self.reader = -1
        if self.pid:
            reap(self.pid, kill=True)
            self.pid = 0


def spare_core() -> bool:
    """Is a core free for a child now? At least two usable, and either fewer processes running
    at this moment than there are cores (this one among them: one is left idle; Linux tells)
    or the last minute's load average not keeping (nearly) all of them busy. Either is enough:
    the average still counts the work of the minute before (an install, the command just run)
    on cores idle now, and the count of this moment catches another program at one instant
    of its work (a terminal drawing). On a busy machine, by both, a child only competes with
    this process, which also pays for its result."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # (not on every system)
        cores = os.cpu_count() or 1
    if cores < 2:
        return False
    running = _running_now()
    if running is not None and running < cores:
        return True
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        load = 0.0
    return load < cores - 0.25


def _running_now() -> int | None:
    """How many processes (threads) are running or ready to run at this moment, this one
    among them: the fourth field of /proc/loadavg ("running/total"). None where unknown."""
    try:
        with open("/proc/loadavg", "rb") as handle:
            return int(handle.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return None


def start(
    work: Callable[[], T], expected: tuple[type[BaseException], ...] = ()
) -> Forked[T] | None:
    """`work` running in a forked child; None where this system cannot fork. Exceptions of
    the `expected` types come back from `result()` as they were raised; any other makes it
    raise Failed."""

    def send(pipe: BinaryIO) -> None:
        try:
            outcome: tuple[bool, object] = (True, work())
        except expected as error:
            outcome = (False, error)
        pipe.write(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))

    child = fork_writer(send)
    return None if child is None else Forked(*child)


def fork_writer(write: Callable[[BinaryIO], object]) -> tuple[int, int] | None:
    """A forked child that runs `write` on the write end of a pipe and leaves without running
    any exit handler (status 0 if `write` returned, 1 if it raised: the reader then sees the
    output stop short). Returns the child's pid and the pipe's read end, or None where this
    system cannot fork or a fork fails (e.g. out of processes or memory: the caller works
    alone)."""
    if not hasattr(os, "fork"):
        return None
    reader, writer = os.pipe()

    def child() -> bool:
        os.close(reader)
        with os.fdopen(writer, "wb") as pipe:
            write(pipe)
        return True

    pid = _forked(child)
    os.close(writer)
    if pid is None:
        os.close(reader)
        return None
    return pid, reader


def in_background(work: Callable[[], bool]) -> int | None:
    """`work` in a forked child this process goes on without waiting for: the child's pid
    (see finished), or None where this system cannot fork or a fork fails (the caller then
    does the work itself). The child lets go of the terminal: its standard streams go to
    /dev/null (a pipe or a terminal this process writes to is not kept open by it) and Ctrl-C
    is left to this process (the work is short and leaves nothing half-done behind it). It
    exits with status 0 if `work()` returned True, 1 otherwise."""

    def child() -> bool:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        nowhere = os.open(os.devnull, os.O_RDWR)
        for stream in (0, 1, 2):
            os.dup2(nowhere, stream)
        return work()

    return _forked(child)


def _forked(child: Callable[[], bool]) -> int | None:
    """fork(), the child running `child()` and then leaving without running any exit handler
    (status 0 if it returned True, 1 if it returned False or raised). The child's pid here;
    None where this system cannot fork or the fork fails (out of processes or memory)."""
    if not hasattr(os, "fork"):
        return None
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:
        status = 1
        try:
            status = 0 if child() else 1
        finally:
            os._exit(status)  # (BaseException too: a child never returns to the caller)
    return pid


def finished(pid: int, wait: bool = False) -> bool | None:
    """Whether a child of in_background did its work (True) or not (False), reaping it; None
    while it is still working (unless `wait`). A child that is no longer there to reap (it
    was reaped elsewhere) counts as done."""
    try:
        done, status = os.waitpid(pid, 0 if wait else os.WNOHANG)
    except ChildProcessError:
        return True
    if not done:
        return None
    return os.waitstatus_to_exitcode(status) == 0


def reap(pid: int, kill: bool) -> None:
    """Wait for a child of fork_writer to end, stopping it first if `kill`."""
    if kill:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
