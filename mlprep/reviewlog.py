"""The append-only review log: one JSON line per answer, the source of truth for progress.
 Each line is written whole under an exclusive lock, then
flushed and fsynced, so a crash loses at most the answer being written and two sessions at once
both keep every answer. A torn last line (a crash mid-write) is dropped and repaired; anything
else unreadable stops with a clear error and the file is left as it is.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import json
import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from mlprep.errors import ProgressError
from mlprep.model import Grade

LOG_FORMAT_VERSION = 2  # 2 added optional `answer`, `suggested`, `kind`, `data` (1 loads)
ANSWER_LIMIT = 4096  # characters of an answer the log keeps
TRUNCATED = " [...truncated]"
# Answers in these modes are logged (history, stats) but change no card's schedule.
NON_SCHEDULING_MODES = frozenset({"drill"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # keeps tab and newline
# Events that are not answers carry a `kind` and their payload in `data`: the interview plan
# and fitted scheduler parameters live in the log too, so they merge across machines like
# answers do. Such an event has card "@<kind>", grade 0, mode <kind>, ms 0.
SETTING_KINDS = ("plan", "params")
MAX_DATA_CHARS = 4096


def clean_answer(text: str) -> str:
    """An answer as the log keeps it: control characters (terminal escapes, NUL) removed,
    newlines kept, at most ANSWER_LIMIT characters (a longer one ends with TRUNCATED)."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > ANSWER_LIMIT:
        text = text[: ANSWER_LIMIT - len(TRUNCATED)] + TRUNCATED
    return text


@dataclass(frozen=True, slots=True)  # slots: a full replay holds every event in memory
class ReviewEvent:
    id: str
    card: str
    grade: int
    mode: str
    ms: int
    at: str  # ISO 8601, UTC
    v: int = LOG_FORMAT_VERSION
    undoes: str | None = None  # set on an undo event: the id of the event it cancels
    answer: str | None = None  # what the user answered (clean_answer), when they typed or picked
    suggested: int | None = None  # a grader's suggested grade (1-4) for a self-graded answer
    kind: str | None = None  # set on a non-answer event: "plan" or "params"
    data: dict | None = None  # a non-answer event's payload

    @classmethod
    def new(
        cls,
        card: str,
        grade: Grade,
        mode: str,
        ms: int,
        at: datetime,
        answer: str | None = None,
        suggested: Grade | None = None,
    ) -> ReviewEvent:
        return cls(
            id=uuid.uuid4().hex,
            card=card,
            grade=int(grade),
            mode=mode,
            ms=max(0, int(ms)),
            at=at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            answer=None if answer is None else clean_answer(answer),
            suggested=None if suggested is None else int(suggested),
        )

    @classmethod
    def undo(cls, event: ReviewEvent, at: datetime) -> ReviewEvent:
        """An event cancelling `event` (the log is append-only, so undo is recorded too)."""
        return replace(cls.new(event.card, Grade.AGAIN, "undo", 0, at), grade=0, undoes=event.id)

    @classmethod
    def setting(cls, kind: str, data: dict, at: datetime) -> ReviewEvent:
        """A non-answer event: the latest of each kind is in force (see SETTING_KINDS)."""
        base = cls.new(f"@{kind}", Grade.AGAIN, kind, 0, at)
        return replace(base, grade=0, kind=kind, data=data)

    @property
    def is_answer(self) -> bool:
        return self.kind is None and self.undoes is None

    def to_json(self) -> str:
        data = {k: v for k, v in asdict(self).items() if v is not None}
        return json.dumps(data, separators=(",", ":"), sort_keys=True)

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.at.replace("Z", "+00:00"))


def schedules(event: ReviewEvent) -> bool:
    """Does this event change its card's schedule? Not an undo, not a drill answer, not a
    plan or parameters event."""
    return not event.undoes and not event.kind and event.mode not in NON_SCHEDULING_MODES


_REQUIRED = ("id", "card", "grade", "mode", "ms", "at")
_OPTIONAL = {"v", "undoes", "answer", "suggested", "kind", "data"}


class EventStream:
    """Iterates a log's events from an offset; afterwards `end` is the offset just past the last
    whole line."""

    def __init__(self, log: ReviewLog, offset: int) -> None:
        self.log = log
        self.offset = offset
        self.end = offset
        self.last_id: str | None = None  # of the last event read

    def __iter__(self) -> Iterator[ReviewEvent]:
        log, offset = self.log, self.offset
        try:
            handle = open(log.path, "rb")  # closed by the with below
        except FileNotFoundError:
            self.end = 0
            return
        except OSError as error:
            raise ProgressError(f"cannot read {log.path}: {error.strerror}") from None
        with handle:
            handle.seek(offset)
            for index, line in enumerate(handle):
                if not line.endswith(b"\n"):
                    if line.strip():
                        log.warnings.append(
                            f"{log._where(offset, index)}: ignored an unfinished last line "
                            "(left by an interrupted write)"
                        )
                    break
                self.end += len(line)
                if not line.strip():
                    continue
                where = functools.partial(log._where, offset, index)  # only used on errors
                try:
                    data = json.loads(line)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    raise ProgressError(
                        f"{where()}: corrupt line in the review log; fix or remove it (the "
                        "file was left untouched)"
                    ) from None
                event = event_from_dict(data, where)
                self.last_id = event.id
                yield event


def event_from_dict(data: object, where: str | Callable[[], str]) -> ReviewEvent:
    """A validated event; `where` (or a function giving it) locates the data in messages."""
    if callable(where):
        try:
            return event_from_dict(data, "")
        except ProgressError:
            return event_from_dict(data, where())
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
    missing = [key for key in _REQUIRED if key not in data]
    unknown = sorted(set(data) - set(_REQUIRED) - _OPTIONAL)
    if missing or unknown:
        what = f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(unknown)}"
        raise ProgressError(f"{where}: not a review event ({what})")
    problem = _field_problem(data)
    if problem:
        raise ProgressError(f"{where}: not a review event ({problem})")
    return ReviewEvent(**data)


def _short_text(value: object, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit


def _field_problem(data: dict) -> str | None:
    """What is wrong with an event's fields, if anything (they come from files and imports)."""
    for key, limit in (("id", 64), ("card", 200), ("mode", 20)):
        if not _short_text(data[key], limit):
            return f"'{key}' must be text of 1-{limit} characters"
    undoes = data.get("undoes")
    if undoes is not None and not _short_text(undoes, 64):
        return "'undoes' must be an event id"
    kind = data.get("kind")
    if kind is not None or "data" in data:
        if kind not in SETTING_KINDS:
            return f"'kind' must be one of {', '.join(SETTING_KINDS)}"
        payload = data.get("data")
        if not isinstance(payload, dict) or len(json.dumps(payload)) > MAX_DATA_CHARS:
            return f"'data' must be an object of at most {MAX_DATA_CHARS} characters"
    answer = data.get("answer")
    if answer is not None and not (
        isinstance(answer, str) and len(answer) <= ANSWER_LIMIT and not _CONTROL.search(answer)
    ):
        return f"'answer' must be text of at most {ANSWER_LIMIT} characters, no control codes"
    suggested = data.get("suggested")
    if suggested is not None and (isinstance(suggested, bool) or suggested not in (1, 2, 3, 4)):
        return "'suggested' must be a grade 1-4"
    grade, ms = data["grade"], data["ms"]
    if isinstance(grade, bool) or grade not in ((0,) if undoes or kind else (1, 2, 3, 4)):
        return "bad grade"
    if isinstance(ms, bool) or not isinstance(ms, int) or ms < 0:
        return "'ms' must be a whole number"
    try:
        moment = datetime.fromisoformat(str(data["at"]).replace("Z", "+00:00"))
    except ValueError:
        return f"'at' is not a time: {str(data['at'])[:40]!r}"
    if not isinstance(data["at"], str) or moment.utcoffset() is None:
        return "'at' must be an ISO time with a time zone"
    return None


@contextlib.contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """An exclusive advisory lock shared by every mlprep process using this data dir."""
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise ProgressError(
            f"cannot use the progress dir {lock_path.parent}: {error.strerror or error}"
        ) from None
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
                start = os.fstat(fd).st_size
                try:
                    written = os.write(fd, data)
                    if written != len(data):
                        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                    os.fsync(fd)
                except OSError:
                    with contextlib.suppress(OSError):
                        os.ftruncate(fd, start)  # leave no half-written line behind
                    raise
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

    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def read(self) -> list[ReviewEvent]:
        """Every event in the log (see read_from)."""
        return self.read_from(0)[0]

    def read_from(self, offset: int) -> tuple[list[ReviewEvent], int]:
        """The events from byte `offset` on, and the offset just past the last whole line."""
        stream = self.stream(offset)
        events = list(stream)
        return events, stream.end

    def stream(self, offset: int = 0) -> EventStream:
        """The events from byte `offset` on, read line by line (a long history need not fit in
        memory). A torn last line is skipped with a warning; any other bad line raises
        ProgressError naming the file and line."""
        return EventStream(self, offset)

    def _where(self, offset: int, index: int) -> str:
        """file:line for the index-th line after `offset` (counting earlier lines only here,
        on the error path)."""
        before = 0
        if offset:
            with open(self.path, "rb") as handle:
                before = handle.read(offset).count(b"\n")
        return f"{self.path}:{before + index + 1}"

    def recent(self, max_bytes: int = 256 * 1024) -> list[ReviewEvent]:
        """The events in the last `max_bytes` of the log (whole lines only): enough recent
        answers to measure answer times without reading a long history."""
        size = self.size()
        start = max(0, size - max_bytes)
        if start == 0:
            return self.read()
        with open(self.path, "rb") as handle:
            handle.seek(start)
            handle.readline()  # the rest of a line cut in two
            start = handle.tell()
        return self.read_from(start)[0]

    def rewrite(self, events: list[ReviewEvent]) -> None:
        """Replace the whole log atomically (merge, import, reset). Call under the lock."""
        from mlprep.fileio import atomic_write

        data = "".join(event.to_json() + "\n" for event in events).encode()
        try:
            atomic_write(self.path, data)
        except OSError as error:
            raise ProgressError(
                f"cannot write {self.path}: {error.strerror or error}; it was left as it was"
            ) from None
