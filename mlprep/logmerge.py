"""A merge's common case in one streaming pass over the review log.

The log is in time order and each answer's line stores the state it produced, so a card that
receives new answers needs replaying only from its first new answer on, starting from the state
stored on its last line before that. This pass slots the new events in by time and replays each
affected card as its lines go by: one read of the log, one write, and no event built for the
lines it copies (blocks of them are checked lightly: one time and card a line, in time order;
a block with nothing to change is written whole). Where the merge has not yet looked for the
new events' ids in the part of the log an export copies (see exportcopy), the same light look
takes each line's id, and a line holding one of them raises Careful. On a large log a second
process shares the pass (see StreamingMerge.write): it takes the looks and replays as many of
the affected cards as keeps the two processes' parts about equal.

It gives the lines exactly what the general path (replay_rows, then a rewrite) gives them.
Whatever it is not sure of (an undo on an affected card, a resume point without a usable
state, a log out of time order) raises Careful before the log is replaced; the merge then
takes the general path.
"""

from __future__ import annotations

import bisect
import io
import itertools
import json
import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import fields
from datetime import UTC, datetime
from typing import NamedTuple

import orjson

from mlprep.errors import ProgressError
from mlprep.lookahead import MIN_BYTES, Alongside, Lost
from mlprep.reviewlog import (
    AT,
    CARD,
    FAST_LINE,
    GRADE,
    ID,
    MODE,
    NON_SCHEDULING_MODES,
    STATE,
    ReviewEvent,
    ReviewLog,
    epoch_of_key_or_none,
    event_from_dict,
    time_text,
)
from mlprep.scheduler import CardState, Scheduler, micros, row_problem

# the time and card of each line as this program writes them (a light check of a block: one
# a line, each time as long as "2026-03-02T09:00:00.000Z", with no quote in it, in order).
# `.{24}` and the possessive repeats make the regular-expression engine's work lighter than
# `[^"\n]*` (the times are checked for quotes afterwards, all at once).
_AT_CARD = re.compile(rb'"at":"(.{24})","card":"([^"\\\n]*+)",')
# the same with each line's id, where ids are to be checked (see StreamingMerge): 32 of
# any characters, as long as this program's ids (the block is read line by line where one
# is not: the ids taken are checked for quotes and backslashes, all at once)
_AT_CARD_ID = re.compile(_AT_CARD.pattern + rb'"grade":[1-4],"id":"(.{32})"')
# an id anywhere in a line (any that reviewlog's id skim could take for the line's)
_ANY_ID = re.compile(rb'"id"\s*:\s*"([^"\\]*)"')
_NON_SCHEDULING = frozenset(mode.encode() for mode in NON_SCHEDULING_MODES)


class Careful(Exception):
    """Something the streaming pass does not handle: the merge takes the general path."""


class _Card:
    """An affected card on its way through the log."""

    __slots__ = ("id", "since", "resume", "replaying", "state", "side", "unread_before")

    def __init__(self, card_id: str, since: int) -> None:
        self.id = card_id
        self.since = since  # its first new answer's time (microseconds since the epoch):
        # lines before it keep their states
        self.resume: tuple[bytes, bytes | tuple | None] | None = None  # last kept (at, state)
        # the time key before which its lines are passed by unread (b"": none are; see
        # StreamingMerge._unread_before)
        self.unread_before = b""
        self.replaying = False
        self.state: tuple | None = None  # its state row (CardState.to_row, as a tuple)
        self.side = 0  # which process replays it, when two share the work


_NUMBERS = frozenset({int, float, type(None)})
_FLOAT_OR_NONE = frozenset({float, type(None)})
_INT_OR_NONE = frozenset({int, type(None)})


def _row_json(row: tuple) -> bytes:
    """json.dumps(list(row), separators=(",", ":")), a few times faster for a state row: a
    name, then numbers and nulls. orjson writes a number as json does (the shortest digits
    that read back the same) from 0.0001 up to 10**15; a row with any other (0.00001 is
    "1e-05" in json and "0.00001" in orjson), a NaN or an infinity is written as json
    writes it."""
    if len(row) == 9:  # the usual row
        name, due, stability, difficulty, step, last, first, reps, lapses = row
        if (
            type(name) is str
            and type(due) is type(last) is type(first) is float
            and type(stability) in _FLOAT_OR_NONE
            and type(difficulty) in _FLOAT_OR_NONE
            and type(step) in _INT_OR_NONE
            and type(reps) is type(lapses) is int
            and name.isascii()
            and name.isalpha()
            and _ALIKE <= abs(due) < _ALIKE_BELOW
            and _ALIKE <= abs(last) < _ALIKE_BELOW
            and _ALIKE <= abs(first) < _ALIKE_BELOW
            and (stability is None or _ALIKE <= abs(stability) < _ALIKE_BELOW)
            and (difficulty is None or _ALIKE <= abs(difficulty) < _ALIKE_BELOW)
        ):
            return orjson.dumps(row)
    head = row[0]
    if type(head) is str and head.isascii() and head.isalpha() and len(row) > 1:
        # a list's repr puts ", " between numbers and writes null as None
        numbers = row[1:]
        if set(map(type, numbers)) <= _NUMBERS:
            body = repr(list(numbers)).replace(", ", ",").replace("None", "null")
            if "inf" not in body and "nan" not in body:
                return f'["{head}",{body[1:]}'.encode()
    return json.dumps(list(row), separators=(",", ":")).encode()


# the magnitudes of floats that orjson writes as json does (see _row_json)
_ALIKE, _ALIKE_BELOW = 1e-4, 1e15


_FIELD_NAMES = tuple(field.name for field in fields(ReviewEvent))
_ENCODE = json.JSONEncoder(separators=(",", ":"), sort_keys=True).encode  # (as to_json's)


def _line_of(event: ReviewEvent, row: tuple | None) -> bytes:
    """The log line of `event` storing state `row`: replace(event, state=row).to_json() and a
    newline, without building the event."""
    data = {}
    for name in _FIELD_NAMES:
        value = row if name == "state" else getattr(event, name)
        if value is not None:
            data[name] = value
    return (_ENCODE(data) + "\n").encode()


def _stored_row(state: bytes) -> tuple:
    """A line's state row as json reads it (orjson first: several times faster, and the
    same numbers; json for what orjson refuses); Careful if it is not JSON."""
    try:
        return tuple(orjson.loads(state))
    except (ValueError, TypeError):
        try:
            return tuple(json.loads(state))
        except (ValueError, TypeError, RecursionError):
            raise Careful from None


class _Look(NamedTuple):
    """What the light look at a block of lines found (see StreamingMerge._look)."""

    times: bytes  # every line's time, one after another (_AT_SIZE bytes each)
    hits: list[int]  # the lines of affected cards (their numbers in the block)...
    hit_cards: list[bytes]  # ...and their cards
    twice: bool  # a line holds one of the ids not yet checked
    first: float  # the first and last lines' times (epoch seconds)
    last: float


_AT_SIZE = 24  # bytes of a time as this program writes it: "2026-03-02T09:00:00.000Z"


class _Times(Sequence):
    """The times of a block's lines as a sequence (for bisect), cut from them when asked."""

    def __init__(self, joined: bytes) -> None:
        self.joined = joined

    def __len__(self) -> int:
        return len(self.joined) // _AT_SIZE

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        return self.joined[index * _AT_SIZE : (index + 1) * _AT_SIZE]


class StreamingMerge:
    """Merge `added` (sorted by time then id; no settings, no undos, none already in the log)
    into `log`. `write(destination)` streams the new log; afterwards `final` holds each
    affected card's state (None: no state) and `size`, `last_id` describe the new log.

    `unchecked`: ids of `added` not yet checked against the log's first `copied` bytes (see
    ProgressStore.merge): a line that holds one of them raises Careful."""

    def __init__(
        self,
        log: ReviewLog,
        scheduler: Scheduler,
        added: list[ReviewEvent],
        unchecked: Set[bytes] = frozenset(),
        copied: int = 0,
        answered: Mapping[str, tuple[int, float, float]] | None = None,
        settled: bytes = b"",
    ) -> None:
        if any(event.kind or event.undoes for event in added):
            raise Careful
        # the time key from which stored states were computed with the parameters in force
        # (see storedrows.key_from; b"": the defaults all along): one stored before it is no
        # resume point
        self.settled = settled
        self.unchecked = unchecked
        self.copied = copied  # where the log's part an export is a copy of ends
        # of each studied card, how many answers the log holds, the first's and the last's
        # times (epoch seconds): how much of the pass it costs, about
        self.answered = answered or {}
        self.log = log
        self.scheduler = scheduler
        self.cards: dict[bytes, _Card] = {}  # by id, as the log's lines hold it
        for event in added:
            key = event.card.encode()
            if key not in self.cards:
                self.cards[key] = _Card(event.card, micros(event.when))  # (added: time order)
        self.affected = self.cards.keys()
        self._unread_before()
        # each new event with the time key of the lines it goes after: those up to the same
        # millisecond (answers in the same millisecond: those already here first)
        # (and its place among them: where both processes slot new events in at one place,
        # their order)
        self.pending = [
            (floor_key(event), event.when.timestamp(), number, event)
            for number, event in enumerate(added)
        ]
        self.pending.reverse()  # pop() from the end gives the earliest
        # which cards this process replays: all of them (None), or, with a child sharing the
        # work (see write), those of one side (0 here, 1 there; see _share)
        self.side: int | None = None
        self.own: Set[bytes] = self.affected  # the cards this process replays
        self.previous: float | None = None  # the time of the last line of the old log so far
        self.last: bytes | None = None  # the last line written
        self.size = 0
        self.last_id: str | None = None
        self.final: dict[str, CardState | None] = {}

    def _unread_before(self) -> None:
        """Of a card whose last answer (as the snapshot has it) comes before its first new
        one, only the last line is needed: it resumes from there, and its earlier lines are
        kept as they are. Those more than a second before that answer (the snapshot holds its
        time as a float) are passed by unread (a new answer on a card last seen months ago
        needs nothing of its dozens of older lines). If its last line is not found after all
        (a snapshot that does not describe this log), the card has nothing to resume from:
        Careful (see _step)."""
        for card in self.cards.values():
            answers, _, last = self.answered.get(card.id, (0, 0.0, 0.0))
            if answers and last * 1e6 < card.since:
                try:
                    moment = datetime.fromtimestamp(math.floor(last) - 1, UTC)
                except (OverflowError, OSError, ValueError):
                    continue  # (every line is read)
                card.unread_before = time_text(moment).encode()
        # (the same, by the cards' ids as the log holds them: looked up for every line of an
        # affected card in the pass)
        self.unread = {key: card.unread_before for key, card in self.cards.items()}

    # -- the replay ---------------------------------------------------------------------------
    def _step(self, card: _Card, when: int, grade: int, scheduling: bool) -> tuple | None:
        """The row an answer of an affected card stores (None: an answer that does not
        schedule), replaying from its resume point; `when` in microseconds."""
        if not card.replaying:
            card.replaying = True
            if card.resume is not None:
                if card.resume[0] < self.settled:
                    raise Careful  # (computed without the parameters: a full replay of it)
                card.state = self._resumed(*card.resume)
            elif card.unread_before:
                raise Careful  # (its last line was not where the snapshot said)
        if not scheduling:
            return None
        card.state = self.scheduler.review_row_us(card.state, card.id, grade, when)
        return card.state

    @staticmethod
    def _resumed(at: bytes, stored: bytes | tuple | None) -> tuple:
        """The state stored on a card's last line before its first new answer."""
        if stored is None:
            raise Careful  # (a format 1 line, a drill answer): only a full replay knows
        if isinstance(stored, bytes):
            row = _stored_row(stored)
            if row_problem(row) or row[5] != _epoch_of_key(at):
                raise Careful
            stored = row
        if not stored:
            raise Careful
        return tuple(stored)

    def _mine(self, card: bytes) -> bool:
        """Whether this process replays the card (an affected one)."""
        return card in self.own

    def _take_side(self, side: int) -> None:
        self.side = side
        self.own = {key for key, card in self.cards.items() if card.side == side}

    def _new(self, event: ReviewEvent) -> bytes:
        card = self.cards[event.card.encode()]
        scheduling = event.mode not in NON_SCHEDULING_MODES
        row = self._step(card, micros(event.when), event.grade, scheduling)
        return _line_of(event, row)

    def _affected(self, line: bytes, position: int) -> bytes:
        """A line (with its newline) of an affected card as it goes into the new log."""
        found = FAST_LINE.match(line)
        if found is None:
            return self._affected_in_full(line, position)
        at, raw_card, grade, mode, state = found.group(AT, CARD, GRADE, MODE, STATE)
        card = self.cards.get(raw_card)
        if card is None:
            raise Careful  # (a block whose light check misplaced a line)
        when = _micros_of_key(at)
        if not card.replaying and when < card.since:
            card.resume = (at, state)
            return line
        row = self._step(card, when, int(grade), mode not in _NON_SCHEDULING)
        if state is not None and row is not None:
            text = _row_json(row)
            if text == state or _stored_row(state) == row:
                return line  # (the same state, written alike or not)
            begin, end = found.span(STATE)
            return line[:begin] + text + line[end:]
        if state is None and row is None:
            return line
        if state is not None:
            _stored_row(state)  # (a line whose state is not JSON: Careful)
        # a line without a state that now gets one (as format 1 wrote it), or the other way
        # round: written again from its event, with the row just replayed
        return _line_of(self._event_of(line, position), row)

    def _affected_in_full(self, line: bytes, position: int) -> bytes:
        """_affected of a line not exactly as this program writes it: read in full."""
        event = self._event_of(line, position)
        card = self.cards.get(event.card.encode())
        if event.undoes or event.kind or card is None:
            raise Careful
        when = micros(event.when)
        if not card.replaying and when < card.since:
            card.resume = (b"", event.state)
            return (event.to_json() + "\n").encode()
        row = self._step(card, when, event.grade, event.mode not in NON_SCHEDULING_MODES)
        return _line_of(event, row)

    def _event_of(self, line: bytes, position: int) -> ReviewEvent:
        event = self.log.parse_line(line, position)
        if event is None:
            raise Careful  # (not reached: blank and torn lines are dropped before)
        return event

    # -- the pass ----------------------------------------------------------------------------
    def write(self, put: Callable[[bytes], object]) -> None:
        """Stream the new log to `put`.

        On a large log a forked child goes through the blocks alongside (see lookahead): it
        takes each block's light look and replays the cards of one side, this process those
        of the other, both going through the blocks in the same way, and this one writes what
        both changed. A child that is lost midway leaves its cards unreplayed: Careful."""

        def out(data: bytes) -> None:
            if data:
                put(data)
                self.size += len(data)
                self.last = data[data.rfind(b"\n", 0, -1) + 1 :]

        size = self.log.size()
        alongside = Alongside(
            self.log.blocks,
            self._their_block,
            self._their_ending,
            size >= MIN_BYTES and len(self.cards) > 2,
            expected=(Careful, ProgressError),
        )
        self.scheduler.prepare()  # (once, not in each process)
        self._share(size)
        with alongside:
            if alongside.running:
                self._take_side(0)
            for start, block in self.log.blocks():
                if alongside.running:
                    look, theirs = self._theirs(alongside.get, start)
                    changes = self._changes(start, block, look)
                    changes = sorted(changes + theirs) if theirs else changes
                else:
                    changes = self._changes(start, block, self._look(start, block))
                out(_changed(block, changes))
            tail = self._tail()
            if alongside.running:
                their_tail, their_final = self._theirs(alongside.finish)
                tail = sorted(tail + their_tail)
                self.final.update(their_final)
            for _, line in tail:
                out(line)
        self._finish()

    def _share(self, size: int) -> None:
        """Choose the cards the child replays (side 1) so that its part of the pass, the looks
        at the blocks included, takes about as long as this process's part, the writing
        included, block after block: cards are given to it in turn, in the order of their first
        new answers, while its share of their lines is below its due."""
        lines = [self._cost(card) for card in self.cards.values()]
        work = sum(lines)
        looks, writing = size * _LOOK_SECONDS, size * _WRITE_SECONDS
        due = min(max((work + writing - looks) / (2 * work), 0.0), 0.5)
        theirs = total = 0.0
        for card, cost in zip(self.cards.values(), lines, strict=True):
            card.side = int(theirs < due * (total + cost))
            theirs += cost * card.side
            total += cost

    def _cost(self, card: _Card) -> float:
        """What a card's lines cost the pass, about: those after its first new answer are
        replayed (as many as its answers spread evenly between its first and its last, and
        the new one), the others only looked at."""
        answers, first, last = self.answered.get(card.id, (0, 0.0, 0.0))
        since = card.since / 1e6
        later = 0.0 if last < since else answers * min(1.0, (last - since) / max(last - first, 1.0))
        kept = 1 if card.unread_before else answers - later  # (the others passed by unread)
        return kept * _KEPT_SECONDS + (later + 1) * _REPLAYED_SECONDS

    @staticmethod
    def _theirs(receive: Callable[..., tuple], *where: int) -> tuple:
        try:
            return receive(*where)
        except Lost:
            raise Careful from None  # (its cards' replays cannot be taken over midway)

    def _their_block(self, start: int, block: bytes) -> tuple[_Look | None, list[_Change]]:
        """The child's work on a block: its look and the changes of side 1's cards."""
        if self.side != 1:
            self._take_side(1)
        look = self._look(start, block)
        return look, self._changes(start, block, look)

    def _their_ending(self) -> tuple[list[tuple[int, bytes]], dict[str, CardState | None]]:
        """The child's last result: side 1's new events after the last line, and the states
        its cards end with."""
        self._take_side(1)  # (also where the log has no block at all)
        tail = self._tail()
        self._finish_states()
        return tail, self.final

    def _changes(self, start: int, block: bytes, look: _Look | None) -> list[_Change]:
        """What changes in a block (sorted), given its light look."""
        if look is not None and (self.previous is None or look.first >= self.previous):
            if look.twice:
                raise Careful  # an id named twice in the export (see __init__)
            times = _Times(look.times)
            changes = []
            # a block with no line to change and no new event to slot in is written as it
            # is (most of the log, when few cards have new answers)
            if look.hits or self.pending and self.pending[-1][0] < times[-1]:
                changes = self._block(start, block, times, look.hits, look.hit_cards)
            self.previous = look.last
            return changes
        return self._lines(start, block)

    def _look(self, start: int, block: bytes) -> _Look | None:
        """The light look at a block: None unless each line has one time, card (and id, where
        ids are checked) as this program writes them, in time order among themselves. Uses
        nothing the pass changes (it may be taken ahead, in another process: lookahead)."""
        # (the lines from `copied` on were looked for the new ids in before the pass)
        unchecked = self.unchecked if start < self.copied else frozenset()
        found = (_AT_CARD_ID if unchecked else _AT_CARD).findall(block)
        if not found:
            return None
        ats, cards, *ids = zip(*found, strict=True)
        count = block.count(b"\n")
        times = b"".join(ats)
        if (
            len(found) != count
            or not block.endswith(b"\n")
            or b'"' in times
            or not all(map(operator.le, ats, ats[1:]))
            or (unchecked and not self._ids_taken(start, block, count, ids[0]))
        ):
            return None
        first, last = epoch_of_key_or_none(ats[0]), epoch_of_key_or_none(ats[-1])
        if first is None or last is None:
            return None
        hits = list(itertools.compress(range(count), map(self.affected.__contains__, cards)))
        twice = bool(unchecked) and not unchecked.isdisjoint(ids[0])
        return _Look(times, hits, [cards[index] for index in hits], twice, first, last)

    def _ids_taken(self, start: int, block: bytes, count: int, ids: tuple) -> bool:
        """Whether the ids the light check took from a block's lines (one a line) are whole
        and all that its lines hold: no quote or backslash in them, as many "id" keys as
        lines (known for the blocks of the part of the log an export is a copy of:
        exportcopy counted them in the very same blocks)."""
        taken = b"".join(ids)
        if b'"' in taken or b"\\" in taken:
            return False
        return start + len(block) <= self.copied or block.count(b'"id"') == count

    def _block(
        self, start: int, block: bytes, ats: _Times, hits: list, hit_cards: list
    ) -> list[_Change]:
        """The changes of a block of lines, each with one time and card, in time order;
        `hits`: the lines of affected cards (their numbers), `hit_cards` their cards.

        A line is found by its time (and card) from where the last one found ends: as the
        light look vouched, each line holds them once, in this form, in time order; a new
        event goes before the first line with a later time."""
        changes: list[_Change] = []
        after = 0  # where the last line found ends
        hit = 0

        def line_of(needle: bytes) -> tuple[int, int]:
            found = block.find(needle, after)
            if found < 0:
                raise Careful  # (not reached: the look found the line)
            return block.rfind(b"\n", 0, found) + 1, block.index(b"\n", found) + 1

        def line_start(index: int) -> int:
            """Where the block's line `index` starts: the first line with its time (those
            before it have earlier times), found as a line this program writes (its time
            named elsewhere, as in a setting's data, is not taken for it: Careful)."""
            if not index:
                return 0
            begin = line_of(b'"at":"' + ats[index] + b'"')[0]
            found = FAST_LINE.match(block, begin)
            if found is None or found.group(AT) != ats[index]:
                raise Careful
            return begin

        own, times = self.own, ats.joined
        unread = self.unread

        def through(limit: int) -> None:
            nonlocal hit, after
            while hit < len(hits) and hits[hit] < limit:
                card, index = hit_cards[hit], hits[hit]
                hit += 1
                if card not in own:
                    continue  # (the other process's)
                time = times[index * _AT_SIZE : (index + 1) * _AT_SIZE]
                if time < unread[card]:
                    continue  # a line kept as it is, before the one the card resumes from
                begin, after = line_of(b'"at":"' + time + b'","card":"' + card + b'",')
                line = block[begin:after]
                written = self._affected(line, start + begin)
                if written is not line:
                    changes.append((begin, after, _LINE, written))

        done = 0
        while self.pending and self.pending[-1][0] < ats[-1]:
            index = bisect.bisect_right(ats, self.pending[-1][0], lo=done)
            through(index)
            _, _, number, event = self.pending.pop()
            if self._mine(event.card.encode()):
                begin = line_start(index)
                changes.append((begin, begin, number, self._new(event)))
            done = index
        through(len(ats))
        return changes

    def _lines(self, start: int, block: bytes) -> list[_Change]:
        """The changes of a block read line by line (odd lines; out of time order: Careful)."""
        changes: list[_Change] = []
        position = 0
        for line in io.BytesIO(block):
            if self.unchecked and not self.unchecked.isdisjoint(_ANY_ID.findall(line)):
                raise Careful
            key = epoch_of_line(line)
            while self.pending and key is not None and self.pending[-1][1] < key:
                _, _, number, event = self.pending.pop()
                if self._mine(event.card.encode()):
                    changes.append((position, position, number, self._new(event)))
            written = self._line(line, start + position)
            if written is not line:
                changes.append((position, position + len(line), _LINE, written or b""))
            position += len(line)
        return changes

    def _line(self, line: bytes, position: int) -> bytes | None:
        """A line as it goes into the new log (None: dropped). Where two processes share the
        work, each changes only its own cards' lines, and the one of side 0 the others."""
        found = FAST_LINE.match(line)
        if found is not None:
            self._in_order(_epoch_of_key(found.group(AT)))
            if self._mine(found.group(CARD)):  # (its own cards are affected ones)
                return self._affected(line, position)
            return line
        event = self.log.parse_line(line, position)
        if event is None:  # a blank line, or a torn last line: dropped
            return None if not self.side else line
        self._in_order(event.when.timestamp())
        card = event.card.encode()
        if card in self.affected:
            if not self._mine(card):
                return line
            return self._affected(line if line.endswith(b"\n") else line + b"\n", position)
        if self.side:
            return line
        return line if line.endswith(b"\n") else line + b"\n"  # (a whole last event)

    def _in_order(self, key: float) -> None:
        if self.previous is not None and key < self.previous:
            raise Careful  # a log appended out of time order (a clock set back)
        self.previous = key

    def _tail(self) -> list[tuple[int, bytes]]:
        """This process's new events after the log's last line, with their places."""
        tail = []
        while self.pending:
            _, _, number, event = self.pending.pop()
            if self._mine(event.card.encode()):
                tail.append((number, self._new(event)))
        return tail

    def _finish_states(self) -> None:
        for card in self.cards.values():
            if self.side is None or card.side == self.side:
                row = card.state
                self.final[card.id] = None if row is None else CardState(card.id, *row)

    def _finish(self) -> None:
        self._finish_states()
        if self.last is None:
            return
        found = FAST_LINE.match(self.last)
        if found is not None:
            self.last_id = found.group(ID).decode()
        else:
            try:
                self.last_id = event_from_dict(json.loads(self.last), "").id
            except (ValueError, RecursionError, ProgressError):
                raise Careful from None


# what a merge's pass costs, for sharing it between two processes (see StreamingMerge._share;
# measured on a 2-core machine, only their ratios matter): each byte of log looked at, each
# byte written, and each line of an affected card found and kept as it is (before its first
# new answer) or replayed and rewritten (from it on)
_LOOK_SECONDS = 4e-9
_WRITE_SECONDS = 1.3e-9
_KEPT_SECONDS = 10e-6
_REPLAYED_SECONDS = 40e-6

# a change of a block: (where it begins, where it ends, its place, the bytes that replace the
# block's from begin to end). A new event is inserted (end == begin; its place among the new
# events); a line is replaced (or dropped: no bytes) whole. Sorted, they are in file order.
_Change = tuple[int, int, int, bytes]
_LINE = -1  # the place of a replaced line (it sorts after new events inserted before it)


def _changed(block: bytes, changes: list[_Change]) -> bytes:
    """The block with its changes made (sorted, none overlapping)."""
    if not changes:
        return block
    pieces: list[bytes | memoryview] = []
    view = memoryview(block)
    copied = 0  # where the block is copied up to
    for begin, end, _, data in changes:
        if begin > copied:
            pieces.append(view[copied:begin])
        pieces.append(data)
        copied = end
    if copied < len(block):
        pieces.append(view[copied:])
    return b"".join(pieces)


def _micros_of_key(at: bytes) -> int:
    """micros of a time key (a time as this program writes it); Careful for one of that shape
    that names no date (month 13: the general path names its line)."""
    try:
        return micros(datetime.fromisoformat(at.decode()))
    except ValueError:
        raise Careful from None


def _epoch_of_key(at: bytes) -> float:
    """epoch_of_key, Careful where _micros_of_key is."""
    found = epoch_of_key_or_none(at)
    if found is None:
        raise Careful
    return found


def floor_key(event: ReviewEvent) -> bytes:
    """The event's time cut to the millisecond, as this program writes times: a line with a
    time key up to this one is not later than the event."""
    return time_text(event.when).encode()


def epoch_of_line(line: bytes) -> float | None:
    """The time of a line's event, for placing new events before it (None if it has none
    that can be read; the line is then checked in full)."""
    found = FAST_LINE.match(line)
    if found is not None:
        return epoch_of_key_or_none(found.group(AT))
    try:
        return event_from_dict(json.loads(line), "").when.timestamp()
    except (ValueError, RecursionError, ProgressError):
        return None
