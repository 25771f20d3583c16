"""The append-only review log: one JSON line per answer, the source of truth for progress.

Each line is written whole under an exclusive lock, then flushed and fsynced, so a crash loses
at most the answer being written and two sessions at once both keep every answer. A torn last
line (a crash mid-write) is dropped and repaired; a complete last line that only lacks its
newline is kept and terminated; anything else unreadable stops with a clear error and the file
is left as it is.

Format 2 lines may carry `state`: the card's scheduling state right after the event (the
CardState row), so that start-up takes each card's last state instead of replaying its
history. The log stays the source of truth: a replay of the answers gives the same states.
"""

from __future__ import annotations

import calendar
import codecs
import contextlib
import errno
import fcntl
import functools
import io
import itertools
import json
import operator
import os
import re
import stat
import uuid
from collections.abc import Callable, Iterator, Set
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, cast

from mlprep.errors import ProgressError, cannot_read
from mlprep.lazypattern import lazy_compile
from mlprep.model import Grade

LOG_FORMAT_VERSION = 2  # 2 added the optional `answer`, `suggested`, `state`,
# `kind` and `data` (format 1 lines load)
# Events from outside (merges, imports, hand edits) must lie in this range; far-off dates would
# overflow the scheduler's date arithmetic.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
ANSWER_LIMIT = 4096  # characters of an answer the log keeps
TRUNCATED = " [...truncated]"
# Answers in these modes are logged (history, stats) but change no card's schedule.
NON_SCHEDULING_MODES = frozenset({"drill"})
_NON_SCHEDULING = frozenset(mode.encode() for mode in NON_SCHEDULING_MODES)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # keeps tab and newline
# a CSI sequence (arrows, Home, Delete, colours: ESC [ parameters final) or an SS3 one (ESC O
# and a letter: arrows in application mode)
_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|O[@-~])")
# Events that are not answers carry a `kind` and their payload in `data`: the interview plan
# and fitted scheduler parameters live in the log too, so they merge across machines like
# answers do. Such an event has card "@<kind>", grade 0, mode <kind>, ms 0.
SETTING_KINDS = ("plan", "params")
MAX_DATA_CHARS = 4096


def clean_answer(text: str) -> str:
    """An answer as the log keeps it: terminal escape sequences (an arrow key read raw is
    "\x1b[D") and control characters (NUL) removed, newlines kept, at most ANSWER_LIMIT
    characters (a longer one ends with TRUNCATED)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x1b" in text:  # (removing only the ESC left "[D" in the answer)
        text = _ESCAPE_SEQUENCE.sub("", text)
    text = _CONTROL.sub("", text)
    if len(text) > ANSWER_LIMIT:
        text = text[: ANSWER_LIMIT - len(TRUNCATED)] + TRUNCATED
    return text


@dataclass(frozen=True, slots=True)  # slots: a full replay holds every event in memory
class ReviewEvent:
    """One line of the review log: an answer, an undo, or a non-answer event (`kind`)."""

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
    # format 2: the card's state after this event (a CardState row; empty on an undo that
    # leaves the card new again). Optional: format 1 lines and some undo events have none.
    state: tuple | None = None
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
            at=time_text(at),
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
        # getattr over the fields, not dataclasses.asdict: that deep-copies every value, which
        # a merge rewriting thousands of lines pays for
        data = {}
        for name in _FIELD_NAMES:
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        return json.dumps(data, separators=(",", ":"), sort_keys=True)

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.at.replace("Z", "+00:00"))


_FIELD_NAMES = tuple(field.name for field in fields(ReviewEvent))

# One line exactly as this program writes it (sorted keys, no spaces, a millisecond UTC time),
# with nothing to doubt: the light path of a rebuild reads such lines without building events.
# Any other line goes through json and full validation.
# A time as this program writes it, each field in its range (a line naming hour 24 or minute 75
# is read in full, which names it; a day past its month's end is caught where a time is read)
_TIME_SHAPE = (
    rb"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z"
)
FAST_LINE_SOURCE = (
    rb'\{(?:"answer":"(?:[^"\\]|\\.)*",)?'
    rb'"at":"(' + _TIME_SHAPE + rb')","card":"([a-z0-9-]{1,200})",'
    rb'"grade":([1-4]),"id":"([0-9a-f]{1,64})","mode":"([a-z_]{1,20})","ms":\d{1,15}'
    rb'(?:,"state":(\[[^\]]*\]))?(?:,"suggested":([1-4]))?,"v":[12]\}\n'
)
FAST_LINE = lazy_compile(FAST_LINE_SOURCE)
# groups of a FAST_LINE match
AT, CARD, GRADE, ID, MODE, STATE, SUGGESTED = range(1, 8)
# FAST_LINE over a block of lines: the block has as many matches as lines only when each line
# is one whole match (no match then holds two newlines, and each starts a line)
_FAST_LINES = lazy_compile(rb"(?m)^" + FAST_LINE_SOURCE)
# the same lines without their groups, for only counting them (about twice as fast: no marks
# to keep and no tuple for each line)
_FAST_LINES_COUNTED = lazy_compile(
    lambda: re.sub(rb"(?<!\\)\((?!\?)", b"(?:", rb"(?m)^" + FAST_LINE_SOURCE)
)
SCAN_BLOCK = 1 << 20  # bytes a pass over the log reads at a time
# bytes of log from which a cold scan is split between two processes (below it, a fork and
# sending a half's result back cost more than the half saves)
PARALLEL_SCAN = 8 << 20
# the part of the log the child scans: less than half, as it also takes its cards' stored
# states (given a digest: see scan_last) and sends them back
CHILD_SHARE = 0.40


def line_blocks(handle: BinaryIO, position: int = 0) -> Iterator[tuple[int, bytes, int]]:
    """A file read from its current place (byte `position`) in blocks of about SCAN_BLOCK
    bytes cut after a newline: (offset, data, size), the block's whole lines being
    data[:size] (not copied out: a block is large). The last block may be an unfinished line
    (its size is then len(data))."""
    rest = b""
    while True:
        data = handle.read(SCAN_BLOCK)
        if not data:
            break
        data = rest + data
        cut = data.rfind(b"\n") + 1
        rest = data[cut:]
        if cut:
            yield position, data, cut
            position += cut
    if rest:
        yield position, rest, len(rest)


class _Bounded:
    """The first `size` bytes of a file from its current place, for line_blocks."""

    def __init__(self, handle: BinaryIO, size: int) -> None:
        self.handle = handle
        self.left = size

    def read(self, size: int) -> bytes:
        data = self.handle.read(min(size, self.left))
        self.left -= len(data)
        return data


# FAST_LINE over a block, capturing of each line only what a rebuild keeps, in two objects: the
# line from its time on (`"at":"<time>","card":...,"v":2`, a fixed-width time at the same place
# in each, so that such lines sort by time) and its card. Fewer objects per line than
# FAST_LINE's seven groups, and one to free where a later line of the card replaces it.
# Lines of modes that change no schedule (drill answers) do not match. Possessive repeats
# (`*+`) match what the plain ones match here (the character after each cannot be one it
# repeats), without keeping places to backtrack to: a tenth faster.
_LIGHT_LINES_SOURCE = rb"(?m)^" + FAST_LINE_SOURCE.replace(
    rb'"at":"(' + _TIME_SHAPE + rb')"',
    rb'("at":"' + _TIME_SHAPE + rb'"',
).replace(rb'"grade":([1-4])', rb'"grade":[1-4]').replace(
    rb'"id":"([0-9a-f]{1,64})"', rb'"id":"[0-9a-f]{1,64}+"'
).replace(
    rb'"mode":"([a-z_]{1,20})"',
    rb'"mode":"(?!(?:' + b"|".join(sorted(_NON_SCHEDULING)) + rb')")[a-z_]{1,20}+"',
).replace(rb'"suggested":([1-4])', rb'"suggested":[1-4]').replace(
    rb'"ms":\d{1,15}', rb'"ms":\d{1,15}+'
).replace(rb"{1,200})", rb"{1,200}+)").replace(rb"(\[[^\]]*\])", rb"\[[^\]]*+\]").replace(
    rb',"v":[12]\}', rb',"v":[12])\}'
)
_LIGHT_LINES = lazy_compile(_LIGHT_LINES_SOURCE)  # (a test checks its two groups)
_AT_OF_LINE = slice(6, 30)  # the time in such a line (after `"at":"`)
_STATE_OF_LINE = b',"state":'
# each stored state, and each time, in lines as this program writes them (a line's first
# "at": an answer before it has its quotes escaped)
STATES_OF_LINES = lazy_compile(rb',"state":(\[[^\]]*+\])')
TIMES_OF_LINES = lazy_compile(rb'"at":"(.{24})"')
_AT_OF_LINE_ITEM = operator.itemgetter(_AT_OF_LINE)
_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)
_CARD_FIELD = lazy_compile(rb'"card"\s*:\s*"([^"\\]*)"')
_ID_FIELD = lazy_compile(rb'"id"\s*:\s*"([^"\\]*)"')
# the card and id fields as this program writes them, for skimming a block of lines at once
_CARD_FIELDS = lazy_compile(rb'"card":"([^"\\\n]*)"')
_ID_FIELDS = lazy_compile(rb'"id":"([^"\\\n]*)"')


# a time whose day its month may lack (the pattern's days go to 31 in every month)
_LATE_DAYS = lazy_compile(rb'"at":"(\d{4})-(?:02-(?:29|3[01])|(?:0[469]|11)-31)T')


def utf8_text(data: bytes, size: int | None = None) -> bool:
    """Whether `data` (its first `size` bytes, if given) is UTF-8 text: lines that are not
    are read in full, which names them (the patterns look at their shape only)."""
    if data.isascii():
        return True
    try:
        codecs.utf_8_decode(data if size is None else data[:size], "strict", True)
    except UnicodeDecodeError:
        return False
    return True


def impossible_day(lines: bytes) -> bool:
    """Whether some line of `lines` is dated a day its month lacks (February 30th, April 31st,
    February 29th of a common year), which the lines' pattern lets pass. Only such dates are
    looked at: a block of lines holds few or none."""
    for found in _LATE_DAYS.finditer(lines):
        year, day = int(found.group(1)), found.group(0)[-3:-1]
        if day != b"29" or not calendar.isleap(year):
            return True
    return False


# What the lines' pattern lets pass and full validation may not: a year outside 1970-2199, a
# control character in an answer (escaped, or a raw C1 one), an answer longer than the log
# keeps (4,097 characters or escapes at least). Each is its own search, with a literal start
# the search skips to (one pattern of them all took five times as long).
_DOUBTS = tuple(
    lazy_compile(pattern)
    for pattern in (
        rb'"at":"(?!19[7-9]\d|2[01]\d\d)',
        rb"\\u00(?:[01][0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])",
        rb"\xc2[\x80-\x9f]",
        rb'"answer":"(?:[^"\\]|\\.){%d}' % (ANSWER_LIMIT + 1),
    )
)


def doubtful(lines: bytes) -> bool:
    """Whether some line of `lines`, though of the pattern's shape, may fail full validation
    (see _DOUBTS and impossible_day): such lines are validated one by one."""
    return impossible_day(lines) or any(doubt.search(lines) for doubt in _DOUBTS)


def epoch_of_key(at: bytes) -> float:
    """The UTC epoch seconds of a time key (a time as this program writes it)."""
    return datetime.fromisoformat(at.decode()).timestamp()


def epoch_of_key_or_none(at: bytes) -> float | None:
    """epoch_of_key, or None for a key of the right shape that names no date (the patterns
    check a time's shape only: month 13 passes them)."""
    try:
        return epoch_of_key(at)
    except ValueError:
        return None


def time_text(moment: datetime) -> str:
    """A moment as this program writes times ("2026-03-02T09:00:00.000Z": UTC, cut to the
    millisecond; fixed width, so such times sort as text and as bytes)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def at_key(event: ReviewEvent) -> bytes | None:
    """The event's time as this program writes it (sortable as bytes), or None if that form
    would lose precision."""
    moment = event.when.astimezone(UTC)
    if moment.microsecond % 1000:
        return None
    return time_text(moment).encode()


@dataclass
class LastLines:
    """What a light pass over the log found: per card (as bytes), its last line's time key, the
    state stored there (JSON bytes, None if none) and whether it was an undo; the cards whose
    last stored state cannot be trusted (an undo without a state, events out of time order),
    the offset past the last whole line, the last event's id and the number of events."""

    last: dict[bytes, tuple[bytes, bytes | None, bool]]
    suspect: set[bytes]
    end: int
    last_id: str | None
    count: int
    settings: list[ReviewEvent] = field(default_factory=list)  # plan and parameter events
    # where scan_last was given a digest: what it made of the last lines of a part of the log
    # read by a child, and those lines' cards (no longer in `last`)
    digested: list = field(default_factory=list)
    done: frozenset[bytes] = frozenset()

    def followed_by(self, later: LastLines) -> LastLines:
        """These lines and then `later` ones (of the rest of the log), when no card goes back
        in time from one to the other."""
        self.last.update(later.last)
        return LastLines(
            self.last,
            self.suspect | later.suspect,
            later.end,
            later.last_id or self.last_id,
            self.count + later.count,
            self.settings + later.settings,
            self.digested + later.digested,
            self.done | later.done,
        )

    def digested_by(self, digest: Callable[[LastLines], object]) -> LastLines:
        """These lines with their cards' last lines replaced by what `digest` makes of them."""
        return replace(self, last={}, digested=[digest(self)], done=frozenset(self.last))


@dataclass
class _LastScan:
    """A scan_last pass so far; `latest` is the latest time key of a scheduling line taken in
    (a block that starts before it may send a card back in time: it is taken row by row)."""

    # each card's last line: read line by line, as LastLines keeps it...
    last: dict[bytes, tuple[bytes, bytes | None, bool]] = field(default_factory=dict)
    # ...or taken from a block: the line from its time on, as _LIGHT_LINES captures it (no
    # new object per line). A card is in one of the two.
    rows: dict[bytes, bytes] = field(default_factory=dict)
    suspect: set[bytes] = field(default_factory=set)
    settings: list[ReviewEvent] = field(default_factory=list)
    end: int = 0
    last_id: bytes | None = None
    count: int = 0
    latest: bytes = b""
    earliest: bytes = b"\xff"  # ...and the earliest (b"\xff": none yet)
    stopped: bool = False  # at a torn last line

    def time_of(self, card: bytes) -> bytes | None:
        """The time key of the card's last line so far."""
        previous = self.last.get(card)
        if previous is not None:
            return previous[0]
        line = self.rows.get(card)
        return None if line is None else line[_AT_OF_LINE]

    def put(self, card: bytes, at: bytes, state: bytes | None, undo: bool) -> None:
        self.last[card] = (at, state, undo)
        self.rows.pop(card, None)

    def put_rows(self, lines: list[bytes], found: list[tuple[bytes, bytes]]) -> None:
        """Each card's line of a block whose lines are in time order, the later winning."""
        self.rows.update(zip(map(_SECOND, found), lines, strict=True))
        if self.last:
            for card in self.last.keys() & set(map(_SECOND, found)):
                del self.last[card]

    def forget(self, cards: Set[bytes]) -> None:
        """Drop these cards' last lines (where later ones are known)."""
        self.rows = {card: self.rows[card] for card in self.rows.keys() - cards}
        self.last = {card: self.last[card] for card in self.last.keys() - cards}

    def last_lines(self) -> dict[bytes, tuple[bytes, bytes | None, bool]]:
        last = self.last
        lines = list(self.rows.values())
        # the usual case, each line storing a state: every state found in one pass over the
        # lines laid end to end (a line holds one at most, and it ends in that line: the
        # lines are _LIGHT_LINES' captures)
        states = STATES_OF_LINES.findall(b"\n".join(lines))
        if len(states) == len(lines):
            times = map(_AT_OF_LINE_ITEM, lines)
            last.update(zip(self.rows, zip(times, states, itertools.repeat(False)), strict=True))
            return last
        for card, line in self.rows.items():
            start = line.find(_STATE_OF_LINE)
            if start < 0:
                last[card] = (line[_AT_OF_LINE], None, False)
            else:
                start += len(_STATE_OF_LINE)
                state = line[start : line.index(b"]", start) + 1]
                last[card] = (line[_AT_OF_LINE], state, False)
        return last

    def finish(self) -> LastLines:
        found = self.last_id.decode() if self.last_id else None
        return LastLines(
            self.last_lines(), self.suspect, self.end, found, self.count, self.settings
        )


def schedules(event: ReviewEvent) -> bool:
    """Does this event change its card's schedule? Not an undo, not a drill answer, not a
    plan or parameters event."""
    return not event.undoes and not event.kind and event.mode not in NON_SCHEDULING_MODES


_REQUIRED = ("id", "card", "grade", "mode", "ms", "at")
_OPTIONAL = {"v", "undoes", "answer", "suggested", "state", "kind", "data"}
_KNOWN_KEYS = frozenset(_REQUIRED) | _OPTIONAL


class EventStream:
    """Iterates a log's events from an offset; afterwards `end` is the offset just past the last
    whole line."""

    def __init__(self, log: ReviewLog, offset: int) -> None:
        self.log = log
        self.offset = offset
        self.end = offset
        self.last_id: str | None = None  # of the last event read

    def __iter__(self) -> Iterator[ReviewEvent]:
        log = self.log
        with log._open() as handle:
            if handle is None:
                self.end = 0
                return
            handle.seek(self.offset)
            for line in handle:
                event = log.parse_line(line, self.end)
                if event is None:
                    if line.endswith(b"\n"):  # a blank line
                        self.end += len(line)
                        continue
                    break  # a torn last line
                self.end += len(line)
                self.last_id = event.id
                yield event


_decode = json.JSONDecoder().raw_decode


def _fast_event(line: bytes, found: re.Match) -> ReviewEvent | None:
    """The event on a line FAST_LINE matched, whose format that match has already checked;
    None if the remaining checks fail (the caller then validates in full, for the message)."""
    from mlprep.scheduler import row_problem

    at = found.group(AT)
    if not b"1970" <= at[:4] < b"2200":
        return None
    try:  # the match showed one object and nothing after it: no need to look for more
        data = _decode(line.decode())[0]
    except (ValueError, RecursionError):  # e.g. a damaged state row: named by the full path
        return None
    if not data.keys() <= _KNOWN_KEYS:
        return None
    answer = data.get("answer")
    if answer is not None and (
        type(answer) is not str or len(answer) > ANSWER_LIMIT or _CONTROL.search(answer)
    ):
        return None
    state = data.get("state")
    stamp = epoch_of_key_or_none(at)  # (the pattern checks the shape only: February 31st)
    if stamp is None:
        return None
    if state is not None:
        if row_problem(state) or state[5] != stamp:
            return None
        data["state"] = tuple(state)
    return ReviewEvent(**data)


def complete_event(line: bytes) -> ReviewEvent | None:
    """The event on a last line that lacks only its newline, or None if it is torn."""
    try:
        return event_from_dict(json.loads(line), "")
    except (ValueError, ProgressError, RecursionError):
        return None


def torn(line: bytes) -> bool:
    """Whether a last line without its newline was cut short by an interrupted write: it is
    not whole JSON. One that is (a line edited by hand, its newline left out) is damaged like
    any other line, not dropped as unfinished."""
    try:
        json.loads(line)
    except (ValueError, RecursionError):
        return True
    return False


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
    if data.get("state") is not None:
        data = {**data, "state": tuple(data["state"])}
    return ReviewEvent(**data)


def not_a_progress_file(path: Path, mode: int) -> ProgressError:
    """The error for a progress file that is something else (a named pipe, a device)."""
    from mlprep.fileio import kind_of

    return ProgressError(
        f"{path} is {kind_of(mode)}, not a regular file; move it away "
        "(mlprep keeps its progress in regular files)"
    )


def _whole(value: object) -> bool:
    """An integer as JSON gives one: not a bool, not a float (1.0)."""
    return type(value) is int


def _short_text(value: object, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit


# the longest id, card id and mode a log line may hold
_TEXT_LIMITS = {"id": 64, "card": 200, "mode": 20}


def _field_problem(data: dict) -> str | None:
    """What is wrong with an event's fields, if anything (they come from files and imports)."""
    for key, limit in _TEXT_LIMITS.items():
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
    if suggested is not None and not (_whole(suggested) and suggested in (1, 2, 3, 4)):
        return "'suggested' must be a grade 1-4"
    grade, ms = data["grade"], data["ms"]
    if not (_whole(grade) and grade in ((0,) if undoes or kind else (1, 2, 3, 4))):
        # (1.0 is no grade: a float indexes nothing, and it stopped a merge with a TypeError)
        return (
            "'grade' must be 0 for an undo or a setting"
            if undoes or kind
            else ("'grade' must be a whole number 1-4")
        )
    if isinstance(ms, bool) or not isinstance(ms, int) or ms < 0:
        return "'ms' must be a whole number of milliseconds, 0 or more"
    try:
        moment = datetime.fromisoformat(str(data["at"]).replace("Z", "+00:00"))
    except ValueError:
        return f"'at' is not a time: {str(data['at'])[:40]!r}"
    if not isinstance(data["at"], str) or moment.utcoffset() is None:
        return "'at' must be an ISO time with a time zone"
    if not EARLIEST <= moment < LATEST:
        return f"'at' must lie between {EARLIEST.year} and {LATEST.year}"
    state = data.get("state")
    if state is not None:
        from mlprep.scheduler import row_problem

        if undoes and state == []:
            return None
        problem = row_problem(state)
        if problem:
            return f"'state': {problem}"
        if not undoes and state[5] != moment.timestamp():
            return "'state' is not the state after this event"
    return None


@contextlib.contextmanager
def locked(lock_path: Path, waiting: Callable[[], object] | None = None) -> Iterator[None]:
    """An exclusive advisory lock shared by every mlprep process using this data dir;
    `waiting` is called first if another process holds it (a merge or an import holds it for
    seconds: a blank screen meanwhile looked like a hang)."""
    fd: int | None
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        fd = _read_only_lock(lock_path, error)
    if fd is None:  # a read-only data dir without a lock file: nothing can write there
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _saved(events: list[ReviewEvent]) -> str:
    """What a failed append did not save, in words ("your plan" rather than "your answer"
    when a plan was being set on a full disk)."""
    kinds = {event.kind for event in events if event.kind}
    if kinds and all(event.kind for event in events):
        return "your " + " and ".join(sorted(PLAIN_KINDS.get(kind, kind) for kind in kinds))
    if events and all(event.undoes for event in events):
        return "the undo"
    return "your answer" if len(events) == 1 else "your answers"


# settings as a message names them
PLAIN_KINDS = {"plan": "plan", "params": "fitted parameters"}


def _read_only_lock(lock_path: Path, error: OSError) -> int | None:
    """In a data dir that cannot be written (a read-only mount, a backup), the lock file
    opened for reading, which flock takes as well (None where there is none: then no process
    can write the log either); a ProgressError for anything else. Reading the progress
    (stats, plan, export) refused at once; anything that writes still says what failed."""
    if error.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
        from mlprep.fileio import refusal

        raise ProgressError(
            f"cannot use the progress dir {lock_path.parent}: {refusal(lock_path, error)}"
        ) from None
    try:
        return os.open(lock_path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except OSError:
        raise ProgressError(
            f"cannot use the progress dir {lock_path.parent}: {error.strerror or error}"
        ) from None


class ReviewLog:
    """Append-only JSON-lines log of every answer."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_suffix(".lock")
        self.warnings: list[str] = []
        # recent()'s last answer, with the file's identity, size and time it was read at
        self._recent: tuple[tuple[int, int, int, int], list[ReviewEvent]] | None = None

    def append(self, event: ReviewEvent) -> None:
        self.append_many([event])

    def append_many(self, events: list[ReviewEvent]) -> int:
        """Append under the lock; returns the log's size afterwards."""
        try:
            with locked(self.lock_path):
                self.repair_tail()
                return self.append_locked(events)
        except OSError as error:
            raise ProgressError(
                f"cannot save {_saved(events)} to {self.path}: {error.strerror or error}"
            ) from None

    def append_locked(self, events: list[ReviewEvent]) -> int:
        """Append whole lines, fsynced, for a caller holding the lock (after repair_tail).
        Returns the log's size afterwards; raises ProgressError and leaves no partial line.
        A line this log's reader would refuse is not written: it would stop every later
        command at that line (a card id longer than the reader takes, a plan naming many
        decks)."""
        lines = [event.to_json() for event in events]
        for event, line in zip(events, lines, strict=True):
            # (what a caller passes in, checked as the reader checks it: the rest of a line
            # this program works out itself; a full check costs a recording a sixth more)
            if _TEXT_LIMITS["card"] < len(event.card) or event.data is not None:
                problem = _field_problem(json.loads(line))
                if problem:
                    raise ProgressError(f"not saved: it could not be read back ({problem})")
        data = "".join(line + "\n" for line in lines).encode()
        try:
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
                f"cannot save {_saved(events)} to {self.path}: {error.strerror or error}"
            ) from None
        return start + len(data)

    def repair_tail(self, truncate: bool = True) -> None:
        """Make the log end with a newline before anything is appended: a last line that is a
        whole event only lacking its newline gets one; a torn line (a crash mid-write) is cut,
        unless `truncate` is false. Call under the lock."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return
        except OSError as error:
            raise ProgressError(cannot_read(self.path, error)) from None
        if size == 0:
            return
        try:
            with open(self.path, "rb+") as handle:
                handle.seek(size - 1)
                if handle.read(1) == b"\n":
                    return
                start = self._last_line_start(handle, size)
                handle.seek(start)
                tail = handle.read(size - start)
                if complete_event(tail) is not None:
                    handle.seek(size)
                    handle.write(b"\n")
                elif not torn(tail):  # whole but not an event: named, left as it is
                    event_from_dict(json.loads(tail), functools.partial(self.where_byte, start))
                elif truncate:
                    handle.truncate(start)
                    self.warnings.append(
                        f"{self.path}: dropped an unfinished last line (left by an interrupted "
                        "write)"
                    )
                else:
                    return
                handle.flush()
                os.fsync(handle.fileno())
        except IsADirectoryError:
            raise self.not_a_file() from None

    def not_a_file(self) -> ProgressError:
        return ProgressError(f"{self.path} is a directory, not a review log; move it away")

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

    def scan_last(
        self, offset: int = 0, digest: Callable[[LastLines], object] | None = None
    ) -> LastLines:
        """One light pass: each card's last line, read without building events where a line is
        exactly as this program writes it. Any other line is validated in full (and a bad one
        raises ProgressError naming file:line); a torn last line is skipped with a warning.

        `digest`, if given, is what the caller will make of the last lines: a child reading
        part of the log applies it to that part's lines and sends back only its result (in
        `digested`, those cards in `done` instead of `last`), so that the work is shared too.

        The log is read in blocks of whole lines. A block whose every line is as this program
        writes it, in time order, with no drill answer, is taken in with one regular-expression
        pass and C-level dict updates (no Python step per line); any other block line by line.
        A long log is read in two halves at once, the second by a forked child process (see
        _scan_halves)."""
        from mlprep import forkwork

        split = None
        if self.size() - offset >= PARALLEL_SCAN and forkwork.spare_core():
            split = self._split_point(offset)
        if split is not None:
            return self._scan_halves(offset, split, digest)
        return self._scan_into(_LastScan(), offset).finish()

    def _scan_into(self, scan: _LastScan, offset: int, stop: int | None = None) -> _LastScan:
        """`scan` carried on over the log's lines from byte `offset` (a line start) to byte
        `stop` (another, or the end)."""
        with self._open() as handle:
            if handle is None:
                return scan
            handle.seek(offset)
            reader = handle if stop is None else cast(BinaryIO, _Bounded(handle, stop - offset))
            for position, data, size in line_blocks(reader, offset):
                if not self._scan_block(scan, data, size, position):
                    scan.stopped = True
                    break
        return scan

    def _split_point(self, offset: int) -> int | None:
        """Where the log's second half starts: the first line start after CHILD_SHARE of its
        bytes (None when the log has no line start there, or nothing after it)."""
        size = self.size()
        middle = offset + int((size - offset) * (1 - CHILD_SHARE))
        with self._open() as handle:
            if handle is None:
                return None
            handle.seek(middle)
            newline = handle.read(1 << 16).find(b"\n")
        split = middle + newline + 1
        return split if newline >= 0 and split < size else None

    def _scan_halves(
        self, offset: int, split: int, digest: Callable[[LastLines], object] | None = None
    ) -> LastLines:
        """scan_last with the lines from byte `split` on (a line start) scanned by a forked
        child while this process scans those before it; the same result as one pass.

        Each half's last line of each card is taken, the second half's winning. A card whose
        time goes back across the split would be suspect in one pass; no card can when the
        second half's earliest time is not before the first half's latest. When it is, or
        the child fails, the second half is scanned here, carrying on from the first. The first
        bad line in file order is the one reported: the child's error is raised only once the
        first half has been read without one."""
        from mlprep import forkwork

        def second_half() -> tuple[LastLines, bytes, list[str]]:
            warned = len(self.warnings)
            scan = self._scan_into(_LastScan(end=split), split)
            lines = scan.finish()
            if digest is not None:
                lines = lines.digested_by(digest)
            return lines, scan.earliest, self.warnings[warned:]

        child = forkwork.start(second_half, expected=(ProgressError,))
        if child is None:
            return self._scan_into(_LastScan(), offset).finish()
        try:
            first = self._scan_into(_LastScan(), offset, split)
            second = None if first.stopped else child.result()
        except forkwork.Failed:
            second = None
        finally:
            child.close()
        if second is not None and second[1] >= first.latest:
            later, _, warnings = second
            self.warnings.extend(warnings)
            first.forget(later.last.keys() | later.done)  # (their last lines are later)
            return first.finish().followed_by(later)
        # the child failed, or a card may go back in time across the split
        if not first.stopped:
            self._scan_into(first, split)
        return first.finish()

    def _scan_block(self, scan: _LastScan, data: bytes, size: int, position: int) -> bool:
        """Take a block of lines, the first `size` bytes of `data` (not copied out: a block is
        large), starting at byte `position` of the log, into `scan`; False when the scan stops
        there (a torn last line)."""
        if data[size - 1] != 10 or not utf8_text(data, size):  # (10: a newline)
            return self._scan_lines(scan, data[:size], position)
        found = _LIGHT_LINES.findall(data, 0, size)
        if not found or len(found) != data.count(b"\n", 0, size):
            return self._scan_lines(scan, data[:size], position)
        # every line is as this program writes it: one answer that reschedules its card
        lines = list(map(_FIRST, found))
        # lines in order sort by time (equal times may not: then they are taken one by one)
        if lines[0][_AT_OF_LINE] >= scan.latest and lines == sorted(lines):
            # in time order, also after every earlier line: no card goes back in time
            scan.put_rows(lines, found)
            first, final = lines[0][_AT_OF_LINE], lines[-1][_AT_OF_LINE]
        else:
            suspect, rows, last = scan.suspect, scan.rows, scan.last
            for line, card in found:
                at = line[_AT_OF_LINE]
                previous = scan.time_of(card)
                if previous is not None and previous > at:
                    suspect.add(card)  # out of time order: only a replay orders it
                rows[card] = line
                if last:
                    last.pop(card, None)
            first, final = min(lines)[_AT_OF_LINE], max(lines)[_AT_OF_LINE]
        scan.latest = max(scan.latest, final)
        scan.earliest = min(scan.earliest, first)
        scan.count += len(found)
        scan.end = position + size
        tail = data[data.rfind(b"\n", 0, size - 1) + 1 : size]
        scan.last_id = FAST_LINE.match(tail).group(ID)  # type: ignore[union-attr]
        return True

    def _scan_lines(self, scan: _LastScan, block: bytes, position: int) -> bool:
        """_scan_block, line by line."""
        suspect = scan.suspect
        match = FAST_LINE.match
        end = position
        try:
            for line in io.BytesIO(block):
                found = match(line)
                if found is not None and utf8_text(line):
                    at, card, _, last_id, mode, state, _ = found.groups()
                    end += len(line)
                    scan.count += 1
                    scan.last_id = last_id
                    if mode in _NON_SCHEDULING:
                        continue  # logged, but changes no schedule
                    previous = scan.time_of(card)
                    if previous is not None and previous > at:
                        suspect.add(card)  # out of time order: only a replay orders it
                    scan.put(card, at, state, False)
                    scan.latest = max(scan.latest, at)
                    scan.earliest = min(scan.earliest, at)
                    continue
                event = self.parse_line(line, end)
                if event is None:
                    if not line.strip() and line.endswith(b"\n"):
                        end += len(line)
                        continue
                    return False
                end += len(line)
                scan.count += 1
                scan.last_id = event.id.encode()
                if event.kind:
                    scan.settings.append(event)
                    continue
                if not event.undoes and not schedules(event):
                    continue
                card = event.card.encode()
                key = at_key(event)
                previous = scan.time_of(card)
                if (
                    key is None
                    or (previous is not None and key is not None and previous > key)
                    or (event.undoes and event.state is None)
                ):
                    suspect.add(card)
                state = None if event.state is None else json.dumps(list(event.state)).encode()
                scan.put(card, key or b"", state, bool(event.undoes))
                if key is not None:  # (a card without one is replayed: it stays suspect)
                    scan.latest = max(scan.latest, key)
                    scan.earliest = min(scan.earliest, key)
            return True
        finally:
            scan.end = end

    def blocks(self) -> Iterator[tuple[int, bytes]]:
        """The log in blocks of whole lines (about SCAN_BLOCK bytes each), with the offset each
        starts at; only the last block may end without a newline (an unfinished last line)."""
        with self._open() as handle:
            if handle is None:
                return
            for position, data, size in line_blocks(handle):
                yield position, data[:size]

    @staticmethod
    def fast_rows(block: bytes) -> list[tuple[bytes, ...]] | None:
        """The FAST_LINE groups of every line of a block of whole lines when every line is
        exactly as this program writes it (one regular-expression pass, no Python step per
        line); None when some line needs a closer look."""
        if not block.endswith(b"\n"):
            return None
        found = _FAST_LINES.findall(block)
        return found if len(found) == block.count(b"\n") else None

    @staticmethod
    def fast_count(block: bytes) -> int | None:
        """How many lines a block of whole lines has when every one is exactly as this
        program writes it (as fast_rows, without the groups); None when some line needs a
        closer look."""
        if not block.endswith(b"\n"):
            return None
        count = _FAST_LINES_COUNTED.subn(b"", block)[1]
        return count if count == block.count(b"\n") else None

    def events_of(self, cards: set[str]) -> list[ReviewEvent]:
        """Every event of these cards, fully validated (the rest of the log is only skimmed:
        a block whose lines each name one card and none of these is skipped whole)."""
        wanted = {card.encode() for card in cards}
        events: list[ReviewEvent] = []
        search = _CARD_FIELD.search
        for start, block in self.blocks():
            named = _CARD_FIELDS.findall(block)
            # one card field a line, each the line's own: one object a line (a setting's
            # data may name a card too, and a spaced line none)
            count = block.count(b"\n")
            aligned = len(named) == count and block.count(b"{") == count and block.endswith(b"\n")
            if aligned and wanted.isdisjoint(named):
                continue
            position = start
            for number, line in enumerate(io.BytesIO(block)):
                if aligned:  # one card a line: the line's own (a light check)
                    hit = named[number] in wanted
                else:
                    found = search(line)
                    hit = (
                        found is not None
                        and found.group(1) in wanted
                        or (found is None and bool(line.strip()))
                    )
                if hit:
                    event = self.parse_line(line, position)
                    if event is None:
                        return events
                    if event.card in cards:
                        events.append(event)
                position += len(line)
        return events

    def absent(self, ids: set[str], start: int = 0, end: int | None = None) -> set[str]:
        """Which of `ids` the log does not hold (a light pass; an unreadable log raises), or,
        given `start` and `end` (offsets where lines start), which of them its lines between
        those offsets do not hold. The set given is emptied of the others as the log is read
        and returned, not copied: from a copy of a long history, few are left."""
        missing = ids
        search = _ID_FIELD.search
        with self._open() as handle:
            if handle is None:
                return missing
            handle.seek(start)
            for position, data, size in line_blocks(handle, start):
                if end is not None and position >= end:
                    break
                block = data[: size if end is None else min(size, end - position)]
                named = _ID_FIELDS.findall(block)
                if len(named) == block.count(b"\n") and block.endswith(b"\n"):
                    missing.difference_update(map(bytes.decode, named))
                    continue  # (a light check: one id a line)
                for line in io.BytesIO(block):
                    found = search(line)
                    if found is None:
                        if line.strip():
                            self.parse_line(line, position)  # raises on a corrupt line
                    else:
                        missing.discard(found.group(1).decode())
                    position += len(line)
        return missing

    @contextlib.contextmanager
    def _open(self) -> Iterator:
        """The log open for reading (None: there is none yet); anything but a regular file is
        refused before a byte is read (a named pipe there made export, reset and a card's
        history wait for ever)."""
        try:
            # O_NONBLOCK: opening a named pipe must not wait for a writer
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            yield None
            return
        except IsADirectoryError:
            raise self.not_a_file() from None
        except OSError as error:
            raise ProgressError(cannot_read(self.path, error)) from None
        try:
            mode = os.fstat(fd).st_mode
            if stat.S_ISDIR(mode):
                raise self.not_a_file()
            if not stat.S_ISREG(mode):
                raise not_a_progress_file(self.path, mode)
            handle = os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise
        with handle:
            yield handle

    def parse_line(self, line: bytes, position: int) -> ReviewEvent | None:
        """A fully validated event from one line starting at byte `position`; None for a blank
        line or a torn last line (with a warning); ProgressError for anything else."""
        if not line.endswith(b"\n"):
            event = complete_event(line)
            if event is not None or not line.strip():
                return event
            if torn(line):
                self.warnings.append(
                    f"{self.where_byte(position)}: ignored an unfinished last line "
                    "(left by an interrupted write)"
                )
                return None
            # (whole JSON that is no event: validated below, which names what is wrong)
        if not line.strip():
            return None
        found = FAST_LINE.match(line)
        if found is not None:
            event = _fast_event(line, found)
            if event is not None:
                return event
        where = functools.partial(self.where_byte, position)
        try:
            data = json.loads(line)
        except (ValueError, RecursionError):
            raise ProgressError(
                f"{where()}: corrupt line in the review log; fix or remove it (the "
                "file was left untouched)"
            ) from None
        return event_from_dict(data, where)

    def where_byte(self, position: int) -> str:
        """file:line for the line starting at byte `position` (counted on the error path)."""
        with open(self.path, "rb") as handle:
            before = handle.read(position).count(b"\n")
        return f"{self.path}:{before + 1}"

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
        answers to measure answer times without reading a long history. Read again only once
        the log has changed (a planned review asks at its start for its queue and for the
        day's minutes, and again for tomorrow's load after its last answer)."""
        try:
            found = self.path.stat()
        except FileNotFoundError:
            return []
        key = (found.st_ino, found.st_size, found.st_mtime_ns, max_bytes)
        if self._recent is not None and self._recent[0] == key:
            return list(self._recent[1])
        start = max(0, found.st_size - max_bytes)
        if start:
            with open(self.path, "rb") as handle:
                handle.seek(start)
                handle.readline()  # the rest of a line cut in two
                start = handle.tell()
        events = self.read_from(start)[0]
        self._recent = (key, events)
        return list(events)

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
