"""The progress store: an append-only review log, one JSON line per answer.

The log is the source of truth. Each line is written whole under an exclusive lock, then
flushed and fsynced, so a crash loses at most the answer being written and two sessions at once
both keep every answer. A torn last line (a crash mid-write) is dropped and repaired; anything
else unreadable stops with a clear error and the file is left as it is.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path

from mlprep.errors import ProgressError

LOG_FORMAT_VERSION = 1


class Grade(IntEnum):
    """The four answers the scheduler understands (the same numbers as FSRS ratings)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


@dataclass(frozen=True)
class ReviewEvent:
    id: str
    card: str
    grade: int
    mode: str
    ms: int
    at: str  # ISO 8601, UTC
    v: int = LOG_FORMAT_VERSION

    @classmethod
    def new(cls, card: str, grade: Grade, mode: str, ms: int, at: datetime) -> ReviewEvent:
        return cls(
            id=uuid.uuid4().hex,
            card=card,
            grade=int(grade),
            mode=mode,
            ms=max(0, int(ms)),
            at=at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), sort_keys=True)

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.at.replace("Z", "+00:00"))


def _event_from(data: object, where: str) -> ReviewEvent:
    if not isinstance(data, dict):
        raise ProgressError(f"{where}: not a review event")
    version = data.get("v")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ProgressError(f"{where}: not a review event (no format version)")
    if version > LOG_FORMAT_VERSION:
        raise ProgressError(
            f"{where}: written by a newer mlprep (log format {version}); upgrade mlprep. "
            "The file was left untouched."
        )
    try:
        event = ReviewEvent(**data)
    except TypeError as error:
        raise ProgressError(f"{where}: not a review event ({error})") from None
    if event.grade not in (1, 2, 3, 4) or not event.card or not event.id:
        raise ProgressError(f"{where}: not a review event (bad grade, card or id)")
    return event


@contextlib.contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """An exclusive advisory lock shared by every mlprep process using this data dir."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


class ReviewLog:
    """Append-only JSON-lines log of every answer."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_suffix(".lock")
        self.warnings: list[str] = []

    def append(self, event: ReviewEvent) -> None:
        self.append_many([event])

    def append_many(self, events: list[ReviewEvent]) -> None:
        data = "".join(event.to_json() + "\n" for event in events).encode()
        try:
            with locked(self.lock_path):
                self._repair_torn_tail()
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    written = os.write(fd, data)
                    if written != len(data):
                        raise OSError(28, "short write (disk full?)")
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except OSError as error:
            raise ProgressError(
                f"cannot save your answer to {self.path}: {error.strerror or error}"
            ) from None

    def _repair_torn_tail(self) -> None:
        """Cut a last line left without its newline by a crash, so the next append starts clean."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return
        if size == 0:
            return
        with open(self.path, "rb+") as handle:
            handle.seek(size - 1)
            if handle.read(1) == b"\n":
                return
            start = self._last_line_start(handle, size)
            handle.truncate(start)
            handle.flush()
            os.fsync(handle.fileno())
            self.warnings.append(
                f"{self.path}: dropped an unfinished last line (left by an interrupted write)"
            )

    @staticmethod
    def _last_line_start(handle, size: int) -> int:
        block = 4096
        pos = size
        while pos > 0:
            step = min(block, pos)
            pos -= step
            handle.seek(pos)
            chunk = handle.read(step)
            newline = chunk.rfind(b"\n")
            if newline != -1:
                return pos + newline + 1
        return 0

    def read(self) -> list[ReviewEvent]:
        """Every event in the log. A torn last line is skipped with a warning; any other bad
        line raises ProgressError naming the file and line."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as error:
            raise ProgressError(f"cannot read {self.path}: {error.strerror}") from None
        lines = raw.split(b"\n")
        torn = lines.pop()  # b"" when the file ends with a newline
        events = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{self.path}:{number}"
            try:
                data = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise ProgressError(
                    f"{where}: corrupt line in the review log; fix or remove it "
                    "(the file was left untouched)"
                ) from None
            events.append(_event_from(data, where))
        if torn.strip():
            self.warnings.append(
                f"{self.path}:{len(lines) + 1}: ignored an unfinished last line "
                "(left by an interrupted write)"
            )
        return events
