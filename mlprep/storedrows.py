"""Each card's state as its last log line stores it, decoded and checked: what a rebuild takes
instead of replaying the scheduler (see ProgressStore._rebuild).

A long log's cards are taken in two parts: those whose last lines a forked child read (it
takes them there, while this process still reads the log's first part: see
ReviewLog.scan_last's digest) and the others, taken here. The parts hold different cards and
are joined afterwards; what makes a card doubtful across the parts (a card going back in time
from one part to the other, the latest parameters) is applied to the joined whole.
"""

from __future__ import annotations

import itertools
import json
import marshal
import operator
import re
from collections.abc import Set
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import orjson

from mlprep.reviewlog import (
    STATES_OF_LINES,
    TIMES_OF_LINES,
    LastLines,
    epoch_of_key_or_none,
    time_text,
)
from mlprep.scheduler import row_problem, rows_problem

_FIRST, _SECOND, _SIXTH = operator.itemgetter(0), operator.itemgetter(1), operator.itemgetter(5)


@dataclass
class StoredRows:
    """Trusted state rows (as a snapshot holds them) by card id; the cards whose state only a
    replay gives; the time key of the line each row was stored on, in the rows' order (only a
    change of parameters asks for them)."""

    rows: dict[str, list] = field(default_factory=dict)
    replay: set[str] = field(default_factory=set)
    times: list[bytes] = field(default_factory=list)

    @classmethod
    def of(cls, lines: LastLines) -> StoredRows:
        """The rows stored on `lines.last` where they can be trusted: the card's last line an
        answer storing a state (or an undo storing the state it went back to) that decodes,
        passes the row checks and, for an answer, was produced at the answer's time. Every
        other card goes to `replay`, but one an undo made new again (it has no state).
        Built column by column with built-ins: one row per studied card, tens of thousands."""
        last, suspect = lines.last, lines.suspect
        doubtful = {card for card, (_, stored, undo) in last.items() if stored is None or undo}
        doubtful.update(suspect & last.keys())
        # the usual card: its last line an answer that stores the state it produced
        cards = [card for card in last if card not in doubtful]
        entries = list(map(last.__getitem__, cards))
        replay: set[str] = set()
        undone: list[bytes] = []
        for card in doubtful:  # (few)
            _, row, _ = last[card]
            if card in suspect or row is None:
                replay.add(card.decode())
            elif row != b"[]":  # else the undo made the card new again
                undone.append(card)
        times = list(map(_FIRST, entries)) + [last[card][0] for card in undone]
        rows = _decoded_rows(list(map(_SECOND, entries)) + [last[card][1] for card in undone])
        keep = _trusted(rows, times, len(cards))
        ids = list(map(bytes.decode, cards + undone))
        replay.update(itertools.compress(ids, map(operator.not_, keep)))
        return cls(
            dict(itertools.compress(zip(ids, rows, strict=True), keep)),
            replay,
            list(itertools.compress(times, keep)),
        )

    def replay_before(self, moment: datetime) -> None:
        """Send the cards whose last line comes before `moment` (the latest parameters: states
        stored before them were computed without them) to replay."""
        since = key_from(moment)
        earlier = [card for card, at in zip(self.rows, self.times, strict=True) if at < since]
        self._to_replay(earlier)

    def joined(self, other: StoredRows) -> StoredRows:
        """These rows and `other`'s (of other cards)."""
        return StoredRows(
            self.rows | other.rows, self.replay | other.replay, self.times + other.times
        )

    def distrust(self, cards: Set[bytes]) -> None:
        """Send these cards (as the log holds their ids) to replay, whatever their rows say: a
        card whose answers go back in time is ordered only by a replay (one whose last line
        is an undo back to new, too, has its other answers)."""
        self._to_replay(list(map(bytes.decode, cards)))

    def _to_replay(self, cards: list[str]) -> None:
        self.replay.update(cards)
        if not self.rows.keys() & set(cards):
            return
        kept = [
            (card, at)
            for card, at in zip(self.rows, self.times, strict=True)
            if card not in self.replay
        ]
        self.rows = {card: self.rows[card] for card, _ in kept}
        self.times = [at for _, at in kept]

    def __reduce__(self) -> tuple:
        # sent back by a child (see the module's doc): marshal writes and reads rows of
        # numbers and names several times faster than pickle
        return (_unmarshalled, (marshal.dumps((self.rows, self.replay, self.times)),))


def _unmarshalled(data: bytes) -> StoredRows:
    return StoredRows(*marshal.loads(data))


def key_from(moment: datetime) -> bytes:
    """The time key of the first millisecond not before `moment`: a line's time comes before
    `moment` exactly when its key sorts below this one (a time finer than a millisecond, as a
    setting read in full may have, is rounded up, not cut)."""
    moment = moment.astimezone(UTC)
    finer = moment.microsecond % 1000
    if finer:
        moment += timedelta(microseconds=1000 - finer)
    return time_text(moment).encode()


# each line's time and stored state together, for lines of which only some store a state
# (older ones did not)
_AT_AND_STATE = re.compile(rb'(?m)^\{[^\n]*?"at":"(.{24})",[^\n]*?,"state":(\[[^\]\n]*+\])')


def states_doubtful(lines: bytes) -> bool:
    """Whether the stored state on some line of `lines` (lines the log's pattern takes: no
    undo among them) may fail the checks an import makes of it: damaged, or not the state at
    its line's time. A rebuild takes only each card's last state and checks it; an export
    passes every line on, and a backup that import refuses is no backup."""
    states = STATES_OF_LINES.findall(lines)
    if not states:
        return False
    times = TIMES_OF_LINES.findall(lines)
    if len(times) != len(states):  # (two quick looks pair up only when every line has both)
        found = _AT_AND_STATE.findall(lines)
        times, states = list(map(_FIRST, found)), list(map(_SECOND, found))
    try:
        rows = orjson.loads(b"[" + b",".join(states) + b"]")
    except orjson.JSONDecodeError:  # (read line by line, which names the line)
        return True
    return not all(_trusted(rows, times, len(rows)))


def _trusted(rows: list, times: list[bytes], answers: int) -> list[bool]:
    """Which decoded rows to keep: each passes the row checks and, of the first `answers` (the
    others an undo stored: it goes back further), was produced at its line's time."""
    if rows_problem(rows):  # (one check over all columns; only then row by row)
        checked = [not row_problem(row) for row in rows]
        return [
            ok and row[5] == epoch_of_key_or_none(at)
            for ok, row, at in zip(checked[:answers], rows, times, strict=False)
        ] + checked[answers:]
    moments = map(datetime.fromisoformat, map(bytes.decode, times[:answers]))
    epochs: list[float | None]
    try:  # (as epoch_of_key, written out at C speed: one call a card fewer)
        epochs = list(map(datetime.timestamp, moments))
    except ValueError:  # a time of the right shape but no such day (February 30): row by row
        epochs = list(map(epoch_of_key_or_none, times[:answers]))
    return list(map(operator.eq, map(_SIXTH, rows[:answers]), epochs)) + [True] * (
        len(rows) - answers
    )


def _decoded_rows(stored: list[bytes]) -> list:
    """Stored state rows (JSON bytes) decoded at once; a row that does not decode is None."""
    try:
        return orjson.loads(b"[" + b",".join(stored) + b"]")
    except (ValueError, RecursionError):  # a damaged row: that card is read in full
        # (or one orjson refuses, NaN or a huge number: json reads it, the checks refuse it)
        return [_row_or_none(item) for item in stored]


def _row_or_none(stored: bytes) -> object:
    try:
        return json.loads(stored)
    except (ValueError, RecursionError):
        return None
