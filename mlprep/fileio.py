"""File helpers: crash-safe writes (a reader sees the old file or the new one, never half of
either), fast loading of large derived files, and whether a standard stream is a terminal."""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TextIO


def fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable (a no-op where directories cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temp file in the same directory, fsync it, rename it over `path`, fsync the
    directory. Raises OSError; the original file is untouched and no temp file is left."""
    atomic_write_with(path, lambda handle: handle.write(data))


def atomic_write_with(
    path: Path,
    write: Callable[[BinaryIO], object],
    while_syncing: Callable[[], object] | None = None,
) -> None:
    """atomic_write for content too large to hold at once: `write(handle)` streams it. Any
    exception from `write` (or `while_syncing`) leaves the original file untouched and no
    temp file. `while_syncing()` runs in this thread while another waits for the new file
    to reach the disk (tens of milliseconds for a long log, in which this process would
    otherwise only wait); the original is still in place while it runs.

    Only a regular file is ever replaced: renaming over a device node, a named pipe or a
    directory would turn /dev/null or a pipe someone reads into a plain file. A symbolic
    link is written through, as a shell's `>` does: its target is replaced, the link kept."""
    path = Path(os.path.realpath(path))
    refuse_non_regular(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # not at start-up: it imports random

    try:  # a file replaced keeps its permissions (a private log stays private)
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = 0o666 & ~_umask()  # mkstemp makes 0600; give a new file normal permissions
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            if while_syncing is None:
                os.fsync(handle.fileno())
            else:
                _sync_while(handle.fileno(), while_syncing)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def _sync_while(fd: int, work: Callable[[], object]) -> None:
    """os.fsync(fd) in a thread (it lets go of the interpreter while the disk works) while
    `work()` runs here; the first error of either is raised, once both are done."""
    import threading

    failed: list[OSError] = []

    def sync() -> None:
        try:
            os.fsync(fd)
        except OSError as error:
            failed.append(error)

    syncing = threading.Thread(target=sync, name="fsync")
    syncing.start()
    try:
        work()
    finally:
        syncing.join()
    if failed:
        raise failed[0]


def atomic_copy(source: Path, target: Path) -> None:
    """Copy `source` to `target` the way atomic_write writes: `target` appears complete or not
    at all. A copy that fails (a full disk) leaves nothing that looks like a good backup."""
    target = Path(os.path.realpath(target))
    refuse_non_regular(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle, open(source, "rb") as original:
            shutil.copyfileobj(original, handle, 1 << 20)
            handle.flush()
            os.fsync(handle.fileno())
        shutil.copystat(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(target.parent)


@contextlib.contextmanager
def gc_paused():
    """Unpickling thousands of small objects triggers the cyclic GC over and over; none of them
    is garbage, so pause it (this halves the time to load a large cache or snapshot)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # what was loaded lives as long as the command: set it aside, or the first
            # collection afterwards walks every one of those objects again
            gc.freeze()
            gc.enable()


def kind_of(mode: int) -> str:
    """What a file that is not a regular one is, in words ("a named pipe")."""
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def refuse_non_regular(path: Path) -> None:
    """Raise OSError if `path` exists (following links) and is not a regular file."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    except OSError:
        return  # unreadable metadata: the write itself will say what is wrong
    if not stat.S_ISREG(info.st_mode):
        reason = f"{kind_of(info.st_mode)}, not a regular file; only regular files are replaced"
        raise OSError(errno.EEXIST, reason, str(path))


def not_a_directory(path: Path) -> str:
    """ "PATH is a file, not a directory", or what else it is ("a character device")."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return f"{path} is not a directory"
    return f"{path} is {'a file' if stat.S_ISREG(mode) else kind_of(mode)}, not a directory"


def refusal(path: Path, error: OSError) -> str:
    """Why the system refused to make or open `path`, in words that say what to move: a
    file where a directory on the way should be, or a directory where the file should be
    ("File exists" and "Is a directory" named neither)."""
    for parent in reversed(path.parents):  # (from the top)
        if parent.exists() and not parent.is_dir():
            return f"{not_a_directory(parent)}; move it away"
    if path.is_dir():
        return f"{path} is a directory, not a file; move it away"
    return error.strerror or str(error)


def size_text(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:g} MB"
    return f"{size / 1000:g} KB" if size >= 1000 else f"{size} bytes"


def read_regular(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes.

    Anything else raises OSError with a readable strerror, before reading a byte: a named pipe
    (reading would wait forever), a device such as /dev/zero (it never ends), a directory, or a
    file over the limit (parsing it would take minutes and gigabytes).
    """
    with open_regular(path, limit) as handle:
        data = handle.read(limit + 1)  # the file may have grown since fstat
    if len(data) > limit:
        raise _too_big(path, limit)
    return data


def open_regular(path: Path | str, limit: int) -> BinaryIO:
    """A regular file of at most `limit` bytes, open for reading (see read_regular), for a
    caller that reads it in parts."""
    # O_NONBLOCK: opening a named pipe must not wait for a writer; regular files ignore it
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, f"{kind_of(info.st_mode)}, not a regular file", str(path))
        if info.st_size > limit:
            raise _too_big(path, limit)
        return os.fdopen(os.dup(fd), "rb")
    finally:
        os.close(fd)


def _too_big(path: Path | str, limit: int) -> OSError:
    return OSError(errno.EFBIG, f"larger than the {size_text(limit)} limit", str(path))


def not_utf8_at(data: bytes, start: int) -> tuple[int, str]:
    """The line (1-based) of byte `start` of `data`, where its text stops being UTF-8, and
    that byte in hex."""
    return data.count(b"\n", 0, start) + 1, data[start : start + 1].hex() or "?"


def not_utf8_problem(byte: str) -> str:
    """What is wrong with a file whose text stops being UTF-8 at `byte`."""
    return f"not UTF-8 text (byte 0x{byte}); save the file as UTF-8"


def not_utf8_text(name: str, line: int, byte: str) -> str:
    """The message for a file whose text stops being UTF-8 at `byte` on `line`."""
    return f"{name}:{line}: {not_utf8_problem(byte)}"


def first_not_utf8(handle: BinaryIO) -> tuple[int, str] | None:
    """Where a file (read from its current place) stops being UTF-8 text, as not_utf8_at
    gives it; None if it is UTF-8 throughout. Read in blocks through one decoder: what it holds
    back of a character cut by a block's end (a few bytes, none of them a line break) comes
    before the next block in the error's bytes, so lines are counted block by block."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    while True:
        data = handle.read(1 << 20)
        try:
            decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            at, byte = not_utf8_at(error.object, error.start)
            return line + at - 1, byte
        if not data:
            return None
        line += data.count(b"\n")


def is_terminal(stream: object) -> bool:
    """Whether a stream is a terminal: not a pipe or a file, nor a stream closed or replaced
    (a test's), whose isatty fails or is missing."""
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


def back_to_line_start(stream: TextIO) -> None:
    """After a Ctrl-C where nothing was reading, a terminal shows the "^C" it echoed and the
    cursor after it: the next line written would start there, two columns in (and wrap past
    the width). Back to the line's start, the line written covers it."""
    if is_terminal(stream):
        stream.write("\r")
        stream.flush()
