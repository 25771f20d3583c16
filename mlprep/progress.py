"""The progress store: the review log (source of truth) plus a snapshot of card states.

The snapshot is derived: it records the card states after the first `log_offset` bytes of the
log, so start-up reads the snapshot and replays only the log's tail. A missing or corrupt
snapshot is rebuilt from the log; a snapshot from a newer mlprep is an error and stays untouched.
"""

from __future__ import annotations

import array
import bisect
import contextlib
import functools
import io
import itertools
import json
import marshal
import operator
import os
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import fields, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from mlprep import __version__
from mlprep.errors import ProgressError, cannot_read
from mlprep.exportdoc import ExportDocument, export_head
from mlprep.fileio import atomic_copy, atomic_write, atomic_write_with, gc_paused
from mlprep.memory import DEFAULT_SOURCE
from mlprep.model import Grade
from mlprep.reviewlog import (
    AT,
    CARD,
    FAST_LINE,
    GRADE,
    ID,
    MODE,
    PLAIN_KINDS,
    STATE,
    SUGGESTED,
    ReviewEvent,
    ReviewLog,
    doubtful,
    epoch_of_key,
    epoch_of_key_or_none,
    event_from_dict,
    locked,
    not_a_progress_file,
    schedules,
    utf8_text,
)
from mlprep.scheduler import (
    LEARNING,
    RELEARNING,
    REVIEW,
    CardState,
    Scheduler,
    StateColumns,
    row_problem,
    rows_problem,
    states_from_rows,
)
from mlprep.storedrows import StoredRows, states_doubtful

if TYPE_CHECKING:  # stats is imported only where totals are read: start-up time
    from mlprep.stats import AnswerTotals

LONG_REPLAY = 5000  # answers; rebuilding more than this takes long enough to say so
# a log a merge takes about a second or more to go through (it says so before it starts)
LONG_MERGE_BYTES = 64 << 20
# so many new answers take seconds to check and replay, whatever the size of the log (a
# merge of 388,000 new answers into a short log said nothing for 25 s)
LONG_MERGE_EVENTS = 20_000
# cards in a rebuilt snapshot from which a start writes it in the background (when a core is
# free): below this, writing it takes about as long as forking a child to write it
BACKGROUND_SNAPSHOT_ROWS = 5000
SNAPSHOT_FORMAT = 2  # 1: {card: {field: value}} with ISO times; 2: {card: [row]} with epoch times
# the largest snapshot index read (see _read_index: about 37 bytes a studied card, 1.8 MB at 50k)
MARK_LIMIT = 1 << 30
TOTALS_FORMAT = 2  # 2 added the grader agreement counts
_SECOND = operator.itemgetter(1)
_FIRST = operator.itemgetter(0)
_COLUMN = {i: operator.itemgetter(i) for i in (1, 5, 6)}  # a row's due, last and first times
# a CardState as the snapshot stores it (CardState.to_row, as a tuple: made in C)
_SNAPSHOT_ROW = operator.attrgetter(*(f.name for f in fields(CardState) if f.name != "card_id"))
_ROW_FIELDS = [f.name for f in fields(CardState) if f.name != "card_id"]  # a row's, in order
_REPS, _FIRST_TS, _LAST_TS = map(_ROW_FIELDS.index, ("reps", "first_ts", "last_ts"))


class SnapshotRows:
    """A snapshot's checked states, not yet built into CardStates: its rows (card id ->
    CardState.to_row), or its bytes still to decode (bytes whose rows passed every check
    when they were marked), with the states' columns when the snapshot's index gave them."""

    __slots__ = ("rows", "data", "columns")

    def __init__(
        self,
        rows: dict[str, list] | None = None,
        data: bytes = b"",
        columns: StateColumns | None = None,
    ) -> None:
        self.rows, self.data, self.columns = rows, data, columns

    def decoded_rows(self) -> dict[str, list]:
        if self.rows is None:
            with gc_paused():
                self.rows = orjson.loads(self.data)["cards"]
            self.data = b""
        return self.rows

    def state_columns(self) -> StateColumns:
        if self.columns is None:
            self.columns = StateColumns.of_rows(self.decoded_rows())
        return self.columns


# The snapshot's index (beside its mark): what a warm start needs of the snapshot it marks,
# kept so that the snapshot itself is decoded only once its states are used. Marshalled:
# (tag, mark, log offset, last id, settings as JSON, card ids, state names, and due, last and
# first review times as arrays of doubles).
_INDEX_TAG = "mlprep snapshot index 1"
_STATE_NAMES = {name: name for name in (LEARNING, REVIEW, RELEARNING)}  # one object a name


class ProgressStore:
    def __init__(
        self,
        directory: Path,
        scheduler: Scheduler | None = None,
        notify: Callable[[str], None] | None = None,
        checked_mark: Path | None = None,
    ) -> None:
        self.directory = directory
        # where the mark of the last snapshot known to pass every check is kept (see
        # _snapshot_mark); None: every load checks the snapshot's rows in full
        self.checked_mark = checked_mark
        self.notify = notify or (lambda message: None)  # for long work, e.g. a full rebuild
        self._told_waiting = False
        self.log = ReviewLog(directory / "reviews.jsonl")
        self.snapshot_path = directory / "state.json"
        self.totals_path = directory / "totals.json"
        self._loaded = False
        self._snapshot_end = -1  # the log offset the snapshot on disk was written at
        self._writer: int | None = None  # a child writing the snapshot (_write_snapshot_soon)
        self.exported = 0  # events an export wrote
        self.exported_settings = 0  # of them, plans and parameters (not answers)
        self.exported_undos = 0  # of them, undos (an undone grade is an answer and an undo)
        self.merged_settings = 0  # plans and parameters among the events a merge added
        self.merged_undos = 0  # and undos
        self.backup_dir = directory / "backups"
        self.scheduler = scheduler or Scheduler()
        self._states: dict[str, CardState] = {}
        # the snapshot's checked states until `states` is first used: a review's first card
        # needs only its queue, which is built from their columns
        self._pending: SnapshotRows | None = None
        # the latest non-answer event of each kind ("plan", "params"): see ReviewEvent.setting
        self.settings: dict[str, ReviewEvent] = {}
        self.warnings: list[str] = []
        # for undo: the card's state before and after each answer recorded here
        self._before: dict[str, tuple[CardState | None, CardState | None]] = {}
        self._end = 0  # the log offset `states` reflects...
        self._last_id: str | None = None  # ...and the id of the event just before it

    @property
    def states(self) -> dict[str, CardState]:
        """Card id -> state of every studied card; the snapshot's rows become CardStates the
        first time this is used (start-up builds none of them)."""
        if self._pending is not None:
            rows = self._pending.decoded_rows()
            with gc_paused():  # thousands of objects, none of them in a cycle
                self._states = states_from_rows(rows)
            self._pending = None
        return self._states

    @states.setter
    def states(self, states: dict[str, CardState]) -> None:
        self._states, self._pending = states, None

    def state_columns(self) -> StateColumns | None:
        """The snapshot's states column by column, while `states` has not been built from
        them yet; None afterwards."""
        return None if self._pending is None else self._pending.state_columns()

    # -- loading --------------------------------------------------------------------------
    def load(self) -> ProgressStore:
        """Bring `states` up to date with the log, and the snapshot up to date with both."""
        with self._lock():
            self._load_locked(background=True)
        self._collect_warnings()
        return self

    def _collect_warnings(self) -> None:
        # (a command may read the log more than once, a merge up to four times: each thing
        # it noticed is said once)
        self.warnings.extend(w for w in dict.fromkeys(self.log.warnings) if w not in self.warnings)
        self.log.warnings.clear()

    def _load_locked(self, background: bool = False) -> None:
        """(`background`: a snapshot rebuilt from the log may be written by a child process
        while this one goes on: see _write_snapshot_soon; only where nothing else is written
        under this hold of the lock.)"""
        self._loaded = True
        self._check_kinds()
        with contextlib.suppress(OSError):  # a read-only data dir still loads
            self._remove_stale_temp_files()
            self.log.repair_tail(truncate=False)
        snapshot = self._read_snapshot()
        if snapshot is not None:
            offset, states, version, last_id = snapshot
            self._end, self._last_id = offset, last_id
            if isinstance(states, SnapshotRows):
                self._states, self._pending = {}, states
            else:
                self.states = states
            self._snapshot_end = offset
            if self._apply_tail() or version < SNAPSHOT_FORMAT:
                self._write_snapshot()
            return
        rows = self._rebuild()
        if not background or not self._write_snapshot_soon(rows):
            self._write_snapshot(rows)

    def _remove_stale_temp_files(self) -> None:
        """Temp files of the log and snapshot are only written under the lock we hold, so any
        still here were left by a process killed mid-write (e.g. during a merge)."""
        # (.<name>.*.tmp, matched by hand: one listing, no glob patterns compiled at start-up)
        prefixes = tuple(
            f".{name}."
            for name in (self.log.path.name, self.snapshot_path.name, self.totals_path.name)
        )
        try:
            entries = os.listdir(self.directory)
        except OSError:  # no progress yet (or unreadable: the load itself says so)
            return
        for entry in entries:
            if entry.endswith(".tmp") and any(
                entry.startswith(prefix) and len(entry) >= len(prefix) + 4 for prefix in prefixes
            ):
                with contextlib.suppress(OSError):
                    (self.directory / entry).unlink()

    def check_writable(self) -> None:
        """Raise ProgressError where the log is there but cannot be written (a read-only
        mount, its permissions): said before a session's first question, not after its
        first answer. (No log yet: the first answer makes the directory and says so.)"""
        try:
            # (O_NONBLOCK: a FIFO in its place would wait for a reader)
            os.close(os.open(self.log.path, os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK))
        except FileNotFoundError:
            return
        except OSError as error:
            raise ProgressError(
                f"cannot save your answers to {self.log.path}: {error.strerror or error}"
            ) from None

    def _prepare_append(self, what: str = "your answer") -> None:
        """Under the lock, before appending `what` ("your plan": what a failure names): end
        the log with a newline, take in what other sessions saved."""
        self._reap_writer(wait=True)  # (holding the lock: a snapshot writer is done with it)
        try:
            self.log.repair_tail()
        except OSError as error:
            raise ProgressError(
                f"cannot save {what} to {self.log.path}: {error.strerror or error}"
            ) from None
        self._catch_up()

    def _rebuild(self) -> Mapping[str, Sequence]:
        """Card states from the whole log in one light pass: each card's state is the one
        stored on its last line. Only cards whose last state cannot be trusted (format 1 lines,
        an undo without a state, events out of time order) are replayed, from their own
        events. Returns every state as a snapshot row (for _write_snapshot: most are the rows
        as read)."""
        with gc_paused():  # a row tuple per line, none of them garbage in a cycle
            scan = self.log.scan_last(digest=StoredRows.of)
            # plan and parameter events (cards "@plan", "@params") are read first: states
            # stored before the latest parameters were computed without them, so those cards
            # are replayed
            self.settings = {}
            self._use_settings(scan.settings)
            params = self.settings.get("params")
            self.states, self._end, self._last_id = {}, scan.end, scan.last_id
            # this process's cards joined with those a child took (see scan_last's digest)
            stored = functools.reduce(StoredRows.joined, scan.digested, StoredRows.of(scan))
            if params is not None:
                stored.replay_before(params.when)
            stored.distrust(scan.suspect)  # (out of time order, maybe across the parts)
        if not stored.replay:
            # the states are built from these rows on first use (a start's first card needs
            # only the queue, which their columns give)
            self._pending = SnapshotRows(rows=stored.rows)
            return stored.rows
        self.states = states_from_rows(stored.rows)
        self._replay_cards(stored.replay)
        rows: dict[str, Sequence] = {**stored.rows}
        for card in stored.replay:
            if card in self.states:
                rows[card] = _SNAPSHOT_ROW(self.states[card])
        return rows

    def _replay_cards(self, cards: set[str]) -> None:
        """Recompute these cards' states from their own events (in time order, undo applied)."""
        if not cards:
            return
        events = self.log.events_of(cards)
        if len(events) >= LONG_REPLAY:
            self.notify(f"Rebuilding card states from {len(events):,} answers (once)...")
        with gc_paused():  # many objects, no garbage cycles
            replayed = self.scheduler.replay([e for e in effective(events) if schedules(e)])
        for card in cards:
            if card in replayed:
                self.states[card] = replayed[card]
            else:
                self.states.pop(card, None)

    def _apply_tail(self) -> bool:
        """Apply the events appended since `_end` (by this or another session), fully
        validated since they are new. Returns whether there were any."""
        stream = self.log.stream(self._end)
        suspect: set[str] = set()
        count = 0
        parameters = self.scheduler.parameters
        for event in stream:
            count += 1
            if event.kind:
                self._use_settings([event])
            else:
                self._apply(event, suspect)
        self._end = stream.end
        self._last_id = stream.last_id or self._last_id
        if self.scheduler.parameters != parameters:
            self._rebuild()  # new parameters: every card's state is recomputed with them
        else:
            self._replay_cards(suspect)
        return count > 0

    def _apply(self, event: ReviewEvent, suspect: set[str]) -> None:
        """Take the state an event stored when it follows on from what we hold for its card;
        otherwise (out of order, a broken chain, no state) mark the card for a replay."""
        card = event.card
        if card in suspect:
            return
        if not event.undoes and not schedules(event):
            return  # a drill answer: logged, no schedule changes
        previous = self.states.get(card)
        moment = event.when
        if previous is not None and moment.timestamp() < previous.last_ts:
            suspect.add(card)
        elif event.undoes:
            if event.state is None:
                suspect.add(card)
            elif event.state == ():
                self.states.pop(card, None)
            else:
                self.states[card] = CardState(card, *event.state)
        elif not schedules(event):
            return  # a drill answer: logged, no schedule changes
        elif event.state is None:
            self.states[card] = self.scheduler.review(previous, card, event.grade, moment)
        else:
            state = CardState(card, *event.state)
            reps, first = (previous.reps, previous.first_ts) if previous else (0, state.last_ts)
            if state.reps == reps + 1 and state.first_ts == first:
                self.states[card] = state
            else:  # written without knowing an answer given elsewhere: replay
                suspect.add(card)

    def _catch_up(self) -> None:
        """Under the lock: take in what other sessions appended since we last looked."""
        if self.log.size() == self._end:
            return
        if self._log_matches(self._end, self._last_id):
            self._apply_tail()
        else:  # the log was rewritten (merge, import, reset)
            self._load_locked()

    def _lock(self) -> contextlib.AbstractContextManager[None]:
        """The log's lock; said once, when another mlprep holds it, that this one waits."""
        return locked(self.log.lock_path, waiting=self._say_waiting)

    def _say_waiting(self) -> None:
        if not self._told_waiting:
            self._told_waiting = True
            self.notify("Waiting for another mlprep to finish with your progress...")

    def _check_kinds(self) -> None:
        """Each progress file, where there is one, is a regular file: with /dev/zero linked
        in place of state.json mlprep read on to 13 GB, and a named pipe there never
        answered."""
        for path in (self.log.path, self.snapshot_path, self.totals_path):
            try:
                mode = os.stat(path).st_mode
            except FileNotFoundError:
                continue
            except OSError as error:
                raise ProgressError(cannot_read(path, error)) from None
            # (a directory is named where each file is read, as what it is not)
            if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
                raise not_a_progress_file(path, mode)

    def _read_snapshot(
        self,
    ) -> tuple[int, dict[str, CardState] | SnapshotRows, int, str | None] | None:
        """The snapshot's offset, states (as its checked rows, in the current format), format
        and last event id; None (with a warning) when it is missing or fails any check, so
        that it is rebuilt from the log."""
        try:
            raw = self.snapshot_path.read_bytes()
        except FileNotFoundError:
            return None
        except IsADirectoryError:
            raise ProgressError(
                f"{self.snapshot_path} is a directory, not a snapshot; move it away"
            ) from None
        except OSError as error:
            raise ProgressError(cannot_read(self.snapshot_path, error)) from None
        mark = self._snapshot_mark(raw)
        index = self._read_index() if mark is not None else None
        checked = index is not None and index[1] == mark
        if checked:  # bytes read and checked before: their index has what a start needs
            assert index is not None
            return self._indexed_snapshot(raw, index)
        try:
            with gc_paused():
                data = orjson.loads(raw)  # read at every start: twice as fast as json's
            version = data["format"]
        except (ValueError, KeyError, TypeError, RecursionError):
            version = None
        if type(version) is int and version > SNAPSHOT_FORMAT:
            raise ProgressError(
                f"{self.snapshot_path}: written by a newer mlprep (format {version}); upgrade "
                "mlprep. The file was left untouched."
            )
        loaded = self._snapshot_contents(data, version, checked) if type(version) is int else None
        if loaded is None:
            self.warnings.append(f"{self.snapshot_path}: unreadable; rebuilt from the review log")
            return None
        offset, states, last_id = loaded
        if not self._log_matches(offset, last_id):
            return None  # the log was rewritten (merge, import, reset) or replaced
        try:
            settings = data.get("settings", {})
            self.settings = {
                kind: event_from_dict(item, str(self.snapshot_path))
                for kind, item in settings.items()
                if kind == item.get("kind")
            }
        except (ProgressError, AttributeError, TypeError):
            self.warnings.append(f"{self.snapshot_path}: unreadable; rebuilt from the review log")
            return None
        self._use_settings(())
        if mark is not None and version == SNAPSHOT_FORMAT:
            self._write_index(mark, data)
        return offset, states, version, last_id

    def _indexed_snapshot(
        self, raw: bytes, index: tuple
    ) -> tuple[int, SnapshotRows, int, str | None] | None:
        """_read_snapshot's answer for bytes whose index matches: the offset, last id and
        settings from the index, the states' columns from it too, and the rows left in `raw`
        until the states are used."""
        _, _, offset, last_id, settings, ids, names, dues, lasts, firsts = index
        if not self._log_matches(offset, last_id):
            return None  # the log was rewritten (merge, import, reset) or replaced
        try:
            self.settings = {
                kind: event_from_dict(item, str(self.snapshot_path))
                for kind, item in orjson.loads(settings).items()
                if kind == item.get("kind")
            }
        except (ProgressError, AttributeError, TypeError, ValueError):
            self.warnings.append(f"{self.snapshot_path}: unreadable; rebuilt from the review log")
            return None
        self._use_settings(())
        times = (array.array("d", column) for column in (dues, lasts, firsts))
        columns = StateColumns(ids, names, *times)
        return offset, SnapshotRows(data=raw, columns=columns), SNAPSHOT_FORMAT, last_id

    def _snapshot_mark(self, data: bytes) -> str | None:
        """What identifies a snapshot's bytes: its format, this mlprep's version, its length and
        CRC-32. The same bytes pass the same checks, so a snapshot this program wrote or checked
        once need not have its rows checked again at every start (a third of reading it); any
        other bytes (an edit, damage, another version's file) are checked in full."""
        if self.checked_mark is None:
            return None
        return f"{SNAPSHOT_FORMAT} {__version__} {len(data)} {zlib.crc32(data):08x}\n"

    def _read_index(self) -> tuple | None:
        """The snapshot index kept beside the mark (see _INDEX_TAG), if whole."""
        assert self.checked_mark is not None
        from mlprep.fileio import read_regular

        try:
            # (a regular file only: a named pipe put there made every command wait for ever)
            data = read_regular(self.checked_mark, MARK_LIMIT)
            with gc_paused():
                index = marshal.loads(data)
        except Exception:  # lost, torn or from another program: only an accelerator
            return None
        if not (isinstance(index, tuple) and len(index) == 10 and index[0] == _INDEX_TAG):
            return None
        ids, names, dues, lasts, firsts = index[5:]
        count = len(ids) if isinstance(ids, tuple) and isinstance(names, tuple) else -1
        if count != len(names) or any(
            not isinstance(column, bytes) or len(column) != 8 * count
            for column in (dues, lasts, firsts)
        ):
            return None
        return index

    def _write_index(self, mark: str, document: dict) -> None:
        """Keep `mark` with the index of the snapshot `document` it marks (only an
        accelerator: an index lost or torn means a full check)."""
        assert self.checked_mark is not None
        rows = document["cards"].values()
        try:
            index = (
                _INDEX_TAG,
                mark,
                document["log_offset"],
                document["last_id"],
                orjson.dumps(document.get("settings", {})),
                tuple(document["cards"]),
                tuple(map(_STATE_NAMES.__getitem__, map(_FIRST, rows))),
                *(array.array("d", map(_COLUMN[i], rows)).tobytes() for i in (1, 5, 6)),
            )
        except (KeyError, TypeError, ValueError, OverflowError):  # not rows we can index
            return
        # written whole and renamed into place: two sessions writing it at once leave one
        # index or the other, never a mix (no fsync: losing it only costs a full check)
        path = self.checked_mark
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(marshal.dumps(index))
            os.replace(temp, path)
        except OSError:
            with contextlib.suppress(OSError):
                temp.unlink()

    @staticmethod
    def _snapshot_contents(
        data: dict, version: int, checked: bool = False
    ) -> tuple[int, dict[str, CardState] | SnapshotRows, str | None] | None:
        """Offset, states and last id of a snapshot whose every part passes its checks (its
        rows' checks skipped when the same bytes were `checked` before); in the current
        format the states are its rows, checked and not yet built."""
        offset, last_id, cards = data.get("log_offset"), data.get("last_id"), data.get("cards")
        if type(offset) is not int or offset < 0 or not isinstance(cards, dict):
            return None
        if not (last_id is None or isinstance(last_id, str)) or (offset == 0) != (last_id is None):
            return None
        upgrade = _SNAPSHOT_UPGRADES.get(version)
        try:
            with gc_paused():
                if upgrade is None:  # the current format: checked column by column
                    if not checked and rows_problem(list(cards.values())):
                        return None
                    return offset, SnapshotRows(cards), last_id
                states = {}
                for card_id, row in cards.items():
                    state = upgrade(card_id, row)
                    if row_problem(state.to_row()):
                        return None
                    states[card_id] = state
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
            return None
        return offset, states, last_id

    def _log_matches(self, offset: int, last_id: str | None) -> bool:
        """Does the log still hold, just before `offset`, the event the snapshot ended with?"""
        if offset == 0:
            return last_id is None
        if self.log.size() < offset:
            return False
        with open(self.log.path, "rb") as handle:
            handle.seek(max(0, offset - 4096))
            head = handle.read(offset - max(0, offset - 4096))
        if not head.endswith(b"\n") or not isinstance(last_id, str):
            return False
        # events are short (their fields are bounded), so the last one lies in these bytes
        return f'"id":"{last_id}"'.encode() in head.rstrip(b"\n").rsplit(b"\n", 1)[-1]

    def _write_snapshot(self, rows: Mapping[str, Sequence] | None = None) -> None:
        """The snapshot of `states`, whose rows (CardState.to_row) are given when known."""
        self._snapshot_end = self._end
        if rows is None and self._pending is not None:
            rows = self._pending.decoded_rows()  # (the states, not built yet)
        cards: dict[str, Sequence]
        if rows is None:
            states = self.states
            cards = {card: _SNAPSHOT_ROW(states[card]) for card in sorted(states)}
        else:
            cards = {card: rows[card] for card in sorted(rows)}
        document = {
            "format": SNAPSHOT_FORMAT,
            "log_offset": self._end,
            "last_id": self._last_id,
            "cards": cards,
        }
        if self.settings:  # the latest plan and parameters, so start-up need not scan the log
            document["settings"] = {k: json.loads(e.to_json()) for k, e in self.settings.items()}
        data = _json_bytes(document)
        try:
            atomic_write(self.snapshot_path, data)
        except OSError as error:
            # The log already holds every answer; a stale snapshot only costs start-up time.
            self.warnings.append(f"cannot update {self.snapshot_path}: {error.strerror}")
            return
        mark = self._snapshot_mark(data)  # rows written from checked states
        if mark is not None:
            self._write_index(mark, document)

    def _write_snapshot_soon(self, rows: Mapping[str, Sequence]) -> bool:
        """_write_snapshot(rows) in a forked child, where a core is free and the snapshot is
        large: a start that had to rebuild it shows its first card while it is written (a
        tenth of a second at 50,000 cards). False where it was not started (the caller writes
        it). Called under the log's lock, which the child inherits (an flock belongs to the
        open file the child shares) and keeps until it has written the snapshot: until then no
        process changes the log or the snapshot, and this one waits for it at its next write.
        A child that could not write it leaves it to the next checkpoint here (which says why)."""
        from mlprep import forkwork

        if len(rows) < BACKGROUND_SNAPSHOT_ROWS or not forkwork.spare_core():
            return False

        def write() -> bool:
            warned = len(self.warnings)
            self._write_snapshot(rows)
            return len(self.warnings) == warned

        pid = forkwork.in_background(write)
        if pid is None:
            return False
        self._writer = pid
        self._snapshot_end = self._end  # (being written)
        return True

    def _reap_writer(self, wait: bool = False) -> None:
        """Take in how the snapshot's writer in the background ended, if it has: one that
        could not write it leaves the snapshot to be written here."""
        if self._writer is None:
            return
        from mlprep import forkwork

        done = forkwork.finished(self._writer, wait)
        if done is not None:
            self._writer = None
            if not done:
                self._snapshot_end = -1

    # -- recording ------------------------------------------------------------------------
    def record(
        self,
        card_id: str,
        grade: Grade,
        mode: str,
        ms: int,
        at: datetime,
        answer: str | None = None,
        suggested: Grade | None = None,
    ) -> ReviewEvent:
        """Append one answer, with the card state it produces, to the log (fsynced) and update
        the card's state in memory. Answers other sessions saved meanwhile are taken in first,
        so the stored state always follows from every earlier answer. `answer` is kept bounded
        and cleaned (`reviewlog.clean_answer`); an answer in a mode that does not reschedule
        (`reviewlog.NON_SCHEDULING_MODES`, e.g. drill) is logged, stores no state and leaves
        the card's state as it was."""
        event = ReviewEvent.new(card_id, grade, mode, ms, at, answer=answer, suggested=suggested)
        with self._lock():
            self._prepare_append()
            previous = self.states.get(card_id)
            if not schedules(event):
                self._end = self.log.append_locked([event])
                self._last_id = event.id
                state = previous
                in_order = True
            else:
                state = self.scheduler.review(previous, card_id, int(grade), event.when)
                # answers in one millisecond (a frozen clock) keep the order they were given
                in_order = previous is None or previous.last_ts <= state.last_ts
                if in_order:
                    event = replace(event, state=tuple(state.to_row()))
                self._end = self.log.append_locked([event])
                self._last_id = event.id
                self.states[card_id] = state
            if not in_order:  # an answer dated before the card's last one: replay the card
                self._replay_cards({card_id})
        self._collect_warnings()
        self._before[event.id] = (previous, self.states.get(card_id))
        return event

    def record_setting(self, kind: str, data: dict, at: datetime) -> ReviewEvent:
        """Append a plan or parameters event; new parameters recompute every card's state.

        The latest event of a kind is in force. Where the one in force is dated at or after
        `at` (set on a machine whose clock was ahead, and merged here), this one is dated a
        millisecond after it instead: the user's latest choice takes effect, here and on every
        machine it is merged into (at equal times which wins would depend on the order)."""
        with self._lock():
            self._prepare_append("your " + PLAIN_KINDS.get(kind, kind))
            current = self.settings.get(kind)
            if current is not None and current.when >= at:
                at = current.when + timedelta(milliseconds=1)
            event = ReviewEvent.setting(kind, data, at)
            self._end = self.log.append_locked([event])
            self._last_id = event.id
            parameters = self.scheduler.parameters
            self._use_settings([event])
            if self.scheduler.parameters != parameters:
                self._rebuild()
            self._write_snapshot()
        self._collect_warnings()
        return event

    def setting(self, kind: str) -> dict | None:
        """The payload of the latest event of `kind`, if any."""
        event = self.settings.get(kind)
        return event.data if event is not None else None

    def _use_settings(self, events: Iterable[ReviewEvent]) -> None:
        """Keep the latest event of each kind (at equal times, the one later in the log) and
        schedule with the latest parameters."""
        for event in events:
            if event.kind:
                current = self.settings.get(event.kind)
                if current is None or current.when <= event.when:
                    self.settings[event.kind] = event
        self.scheduler = self.scheduler.with_parameters(self._parameters())

    def _parameters(self) -> list[float] | None:
        """The latest fitted parameters, if usable (else the defaults, with a warning)."""
        data = self.setting("params")
        if not data or data.get("source") == DEFAULT_SOURCE:  # (none, or optimize --reset)
            return None
        from mlprep.optimize import usable

        # (ranges too: out-of-range parameters, merged from elsewhere, stopped every command)
        if not usable(data.get("parameters")):
            self.warnings.append("the latest fitted parameters are unusable; using the defaults")
            return None
        return data["parameters"]

    def undo(self, event: ReviewEvent, at: datetime) -> None:
        """Cancel a recorded answer: an undo event goes into the log, the state goes back."""
        before, produced = self._before.pop(event.id, (None, None))
        with self._lock():
            self._prepare_append("the undo")
            current = self.states.get(event.card)
            if not schedules(event):  # a drill answer changed nothing: neither does its undo
                before = produced = current
            known = current is produced  # nothing happened to the card since
            row = (tuple(before.to_row()) if before else ()) if known else None
            cancel = replace(ReviewEvent.undo(event, at), state=row)
            self._end = self.log.append_locked([cancel])
            self._last_id = cancel.id
            if known:
                if before is None:
                    self.states.pop(event.card, None)
                else:
                    self.states[event.card] = before
            else:
                self._replay_cards({event.card})
        self._collect_warnings()

    def checkpoint(self) -> None:
        """Fold everything logged so far (by any session) into the snapshot; nothing to do
        (not even reading the snapshot again) when it is current."""
        if not self._loaded:
            self.load()
            return
        self._reap_writer()
        if self._end == self._snapshot_end and self.log.size() == self._end:
            # nothing new (seen without the lock, which a snapshot being written in the
            # background holds: see _write_snapshot_soon)
            self._collect_warnings()
            return
        with self._lock():
            self._catch_up()
            if self._end != self._snapshot_end:
                self._write_snapshot()
        self._collect_warnings()

    def export_chunks(self, now: datetime, checked: Path | None = None) -> Iterator[str]:
        """export_bytes as text."""
        for chunk in self.export_bytes(now, checked):
            yield str(chunk, "utf-8")

    def export_bytes(
        self, now: datetime, checked: Path | None = None
    ) -> Iterator[bytes | memoryview]:
        """The export document (see exportdoc.export_document), piece by piece in UTF-8, so
        that a long history is never held in memory whole; lines as this program writes them
        are passed through as they are. `exported` counts the events so far. With `checked`
        (a file in the cache dir), blocks of the log found to hold only such lines by an
        earlier export are not checked again (see logcheck)."""
        from mlprep.logcheck import CheckedBlocks

        known = CheckedBlocks(checked) if checked is not None else None
        self.exported = self.exported_settings = self.exported_undos = 0
        yield export_head(now)
        match = FAST_LINE.match
        lines_before = 0  # the log's lines before the block (to name a line by its number)
        for start, block in self.log.blocks():
            found, crc = known.lines(start, block) if known is not None else (None, 0)
            if found is None:
                found = self.log.fast_count(block)
                if found and (not utf8_text(block) or doubtful(block) or states_doubtful(block)):
                    found = None  # read line by line, which names the line that is not
                if found:
                    if known is not None:
                        known.add(start, block, crc, found)
            if found:  # every line as this program writes it: passed through whole
                yield b"\n" if self.exported == 0 else b",\n"
                # the block's lines joined by commas, without copying it once more to cut the
                # last one's
                yield memoryview(block.replace(b"\n", b",\n"))[:-2]
                self.exported += found
                lines_before += found
                continue
            position = start
            for number, line in enumerate(io.BytesIO(block), start=lines_before + 1):
                where = f"{self.log.path}:{number}"
                fine = match(line) is not None and utf8_text(line) and not doubtful(line)
                if fine and not states_doubtful(line):
                    data = line[:-1]
                elif fine:  # (its stored state is damaged: the rest is what an import takes)
                    data = self._without_state(line, where)
                else:
                    event = self.log.parse_line(line, position)
                    if event is None:
                        position += len(line)
                        continue
                    if event.kind:  # (a setting import and merge would refuse: named here)
                        _check_settings([event], where, "exported")
                    data = event.to_json().encode()
                    self.exported_settings += bool(event.kind)
                    self.exported_undos += bool(event.undoes)
                position += len(line)
                yield (b"\n" if self.exported == 0 else b",\n") + data
                self.exported += 1
            lines_before += block.count(b"\n")
        if known is not None:
            known.save()
        self._collect_warnings()  # (an unfinished last line, left out: said, as stats says it)
        yield b"\n]}\n"

    def _without_state(self, line: bytes, where: str) -> bytes:
        """An answer's line (at `where`, file:line) whose stored state fails its checks, as an
        export writes it: the answer without that state (derived, as import and merge work it
        out again from the answers), said in a warning; the rest of the line validated in
        full."""
        data = json.loads(line)
        del data["state"]
        event = event_from_dict(data, where)
        self.log.warnings.append(
            f"{where}: its stored state is damaged; exported without it (an import works it "
            "out again)"
        )
        return event.to_json().encode()

    # -- totals for stats -----------------------------------------------------------------
    def answer_totals(self) -> AnswerTotals:
        """What `stats` needs from the whole history (see AnswerTotals). Kept in totals.json,
        derived like the snapshot: brought up to date with the log's tail, recounted in one
        light pass when missing, damaged or when the log was rewritten."""
        with self._lock():
            if not self._loaded:
                self._load_locked()
            stored = self._read_totals()
            if stored is not None and stored[0] == self._end:
                return stored[2]
            if stored is not None and self._log_matches(stored[0], stored[1]):
                totals, recount = stored[2], set()
                for event in self.log.stream(stored[0]):
                    if event.kind:
                        continue  # a plan or parameters event, not an answer
                    if event.undoes:
                        recount.add(event.card)
                    else:
                        totals.add_event(event)
            else:
                totals, recount = self._count_all()
            if recount:
                from mlprep.stats import AnswerTotals

                again = AnswerTotals.from_events(effective(self.log.events_of(recount)))
                for card in recount:
                    totals.forget(card)
                totals.update(again)
            self._write_totals(totals)
        self._collect_warnings()
        return totals

    def _count_all(self) -> tuple[AnswerTotals, set[str]]:
        """Totals from one light pass over the whole log, and the cards with an undo (to be
        recounted from their own events)."""
        from mlprep.stats import AnswerTotals

        totals = AnswerTotals()
        quarters, quiz = totals.quarters, totals.quiz
        recount: set[str] = set()
        hours: dict[bytes, int] = {}  # "YYYY-MM-DDTHH" -> epoch ms
        match = FAST_LINE.match
        position = 0
        with self.log._open() as handle, gc_paused():
            for line in handle or ():
                found = match(line)
                position += len(line)
                if found is None:
                    event = self.log.parse_line(line, position - len(line))
                    if event is None or event.kind:
                        continue
                    if event.undoes:
                        recount.add(event.card)
                    else:
                        totals.add_event(event)
                    continue
                at, card, grade, mode, suggested = found.group(AT, CARD, GRADE, MODE, SUGGESTED)
                if suggested is not None:
                    totals.agree(card.decode(), grade == suggested)
                hour = hours.get(at[:13])
                if hour is None:
                    try:
                        hour = hours[at[:13]] = round(epoch_of_key(at[:13] + b":00:00Z") * 1000)
                    except ValueError:  # a time's shape, no date (month 13): named in full
                        self.log.parse_line(line, position - len(line))
                        continue
                name = card.decode()
                minute = int(at[14:16])
                quarter = (hour // 60000 + minute) // 15
                answers = quarters.get(name)
                if answers is None:
                    quarters[name] = [quarter]
                else:
                    answers.append(quarter)
                if mode == b"quiz":
                    ms = hour + minute * 60000 + int(at[17:19]) * 1000 + int(at[20:23])
                    quiz.setdefault(name, []).append(ms if grade >= b"3" else -ms)
        return totals, recount

    def _read_totals(self) -> tuple[int, str | None, AnswerTotals] | None:
        try:
            with gc_paused():
                data = orjson.loads(self.totals_path.read_bytes())  # (ValueError if bad)
            offset, last_id = data["log_offset"], data["last_id"]
            quarters, quiz, agreement = data["quarters"], data["quiz"], data["agreement"]
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None  # missing or damaged: recounted
        if data.get("format") != TOTALS_FORMAT or type(offset) is not int or offset < 0:
            return None
        if not isinstance(last_id, str | None) or offset > self._end:
            return None
        # lists of whole numbers, and none that no answer gives (a time past the year 9999
        # stopped stats): else recounted
        if not (
            _int_lists(quarters, 0, _LAST_QUARTER)
            and _int_lists(quiz, -_LAST_MS, _LAST_MS)
            and _int_lists(agreement)
            and all(len(row) == 2 for row in agreement.values())
            and all(0 <= agreed <= answered for answered, agreed in agreement.values())
        ):
            return None
        from mlprep.stats import AnswerTotals

        return offset, last_id, AnswerTotals(quarters, quiz, agreement)

    def _write_totals(self, totals: AnswerTotals) -> None:
        document = {
            "format": TOTALS_FORMAT,
            "log_offset": self._end,
            "last_id": self._last_id,
            "quarters": totals.quarters,
            "quiz": totals.quiz,
            "agreement": totals.agreement,
        }
        try:
            atomic_write(self.totals_path, _json_bytes(document))
        except OSError as error:
            self.warnings.append(f"cannot update {self.totals_path}: {error.strerror}")

    # -- whole-log operations -------------------------------------------------------------
    def events(self) -> list[ReviewEvent]:
        with self._lock():
            return self.log.read()

    def merge(self, incoming: Iterable[ReviewEvent] | ExportDocument) -> int:
        """Union of events by id. Returns how many events were new.

        Only the cards that receive new answers are replayed, and their lines get the states
        that replay gives; the log is rewritten in time order in one streaming pass. All
        of it is worked out before the log is replaced, so a failure leaves the files as they
        were. Of an ExportDocument, only the events not already here are validated (and any
        bad one stops the merge before anything is written)."""
        from mlprep.logmerge import Careful  # (only a merge needs the merging code)

        with self._lock():
            self._load_locked()
            added, unchecked, copied = self._new_events(incoming)
            if not added:
                return 0
            _check_settings(added, incoming.source if isinstance(incoming, ExportDocument) else "")
            added.sort(key=_order)
            if self._end >= LONG_MERGE_BYTES or len(added) >= LONG_MERGE_EVENTS:
                into = (
                    f" into {self._end / (1 << 20):.0f} MB of history"
                    if self._end >= 1 << 20
                    else ""
                )
                self.notify(f"Merging {len(added):,} new answers{into}...")
            replays_all = any(event.kind == "params" for event in added)
            if replays_all:
                # parameters from elsewhere may change the ones in force, which a replay uses
                # from every card's first answer: every card is replayed
                if unchecked:  # (the ids the streaming pass would have looked for)
                    added = self._still_absent(added)
                    if not added:
                        return 0
                self._merge_replaying_all(added)
            else:
                try:
                    self._merge_streaming(added, unchecked, copied)
                except Careful:
                    if unchecked:  # stopped before it checked every id: check them all here
                        added = self._still_absent(added)
                        if not added:
                            return 0
                        try:
                            self._merge_streaming(added)
                        except Careful:
                            self._merge_replaying(added)
                    else:
                        self._merge_replaying(added)
            self.merged_settings = sum(1 for event in added if event.kind)
            self.merged_undos = sum(1 for event in added if event.undoes)
            if self.merged_settings and not replays_all:  # a plan from elsewhere (a full
                # replay took the merged settings in already)
                self._rebuild()
            self._write_snapshot()
        self._collect_warnings()
        return len(added)

    def _still_absent(self, added: list[ReviewEvent]) -> list[ReviewEvent]:
        """`added` without the events the log holds after all (their ids not yet looked for
        in the part of the log an export is a copy of: see _new_events)."""
        missing = self.log.absent({event.id for event in added})
        return [event for event in added if event.id in missing]

    def _merge_streaming(
        self, added: list[ReviewEvent], unchecked: Set[bytes] = frozenset(), copied: int = 0
    ) -> None:
        """The common case of a merge in one pass over the log (see logmerge); raises Careful,
        with nothing written, where the general path is needed (or where a line of the log
        holds one of the `unchecked` ids)."""
        from mlprep.logmerge import StreamingMerge
        from mlprep.storedrows import key_from

        answered = self._answer_counts({event.card for event in added})
        settled = self._settled()
        merging = StreamingMerge(
            self.log,
            self.scheduler,
            added,
            unchecked,
            copied,
            answered,
            key_from(settled) if settled is not None else b"",
        )
        counted: list[AnswerTotals | None] = []  # (no undo on an affected card here)
        try:
            with gc_paused():
                atomic_write_with(
                    self.log.path,
                    lambda handle: merging.write(handle.write),
                    # (the old log is still in place: the totals are checked against it)
                    while_syncing=lambda: counted.append(self._totals_after_merge(added, [])),
                )
        except OSError as error:
            raise ProgressError(
                f"cannot write {self.log.path}: {error.strerror or error}; it was left as it was"
            ) from None
        self._end, self._last_id = merging.size, merging.last_id
        if counted[0] is not None:  # stats need not recount the merged log
            self._write_totals(counted[0])
        self._put_states(merging.final)

    def _answer_counts(self, cards: set[str]) -> dict[str, tuple[int, float, float]]:
        """How many answers each of these cards has had (those studied), and the first's and
        the last's times, from the snapshot's rows where the states are not built yet."""
        if self._pending is not None:
            rows = self._pending.decoded_rows()
            return {
                card: (rows[card][_REPS], rows[card][_FIRST_TS], rows[card][_LAST_TS])
                for card in cards & rows.keys()
            }
        states = self.states
        return {
            card: (states[card].reps, states[card].first_ts, states[card].last_ts)
            for card in cards & states.keys()
        }

    def _put_states(self, states: dict[str, CardState | None]) -> None:
        """Set these cards' states (None: none), in the snapshot's rows where the states are
        not built yet (a merge need not build every card's state to change a few)."""
        if self._pending is not None:
            rows = self._pending.decoded_rows()
            for card, state in states.items():
                if state is None:
                    rows.pop(card, None)
                else:
                    rows[card] = list(_SNAPSHOT_ROW(state))
            self._pending.columns = None  # (they no longer describe the rows)
            return
        for card, state in states.items():
            if state is None:
                self.states.pop(card, None)
            else:
                self.states[card] = state

    def _merge_replaying(self, added: list[ReviewEvent]) -> None:
        """The general path of a merge: the affected cards' events are read and replayed,
        then the log is rewritten (sorted whole if it is out of time order)."""
        affected = {event.card for event in added}
        with gc_paused():
            existing = self.log.events_of(affected)
            rows, final = replay_rows(self.scheduler, existing, added, self._settled())
        added = [replace(e, state=rows[e.id]) for e in added]
        totals = self._totals_after_merge(added, existing)
        try:
            # lines whose state the replay changed (the others are copied as they are)
            stale = {e.id.encode() for e in existing if rows.get(e.id) != e.state}
            self._end, self._last_id = self._write_merged(added, affected, rows, stale)
            if totals is not None:  # stats need not recount the merged log
                self._write_totals(totals)
            self._put_states({card: final.get(card) for card in affected})
        except _OutOfOrder:
            # a log appended out of time order (a clock set back): sort it whole
            self._merge_replaying_all(added)

    def _merge_replaying_all(self, added: list[ReviewEvent]) -> None:
        """The log and `added` sorted whole, in time order with ties kept as they stand, and
        every line given its state from a replay with the parameters in force after the
        merge (as an import of them gives)."""
        events = sorted(self.log.read() + added, key=lambda event: event.when)
        self._use_settings(event for event in added if event.kind)
        with gc_paused():
            rows, final = replay_rows(self.scheduler, events)
        events = [replace(event, state=rows[event.id]) for event in events]
        self.log.rewrite(events)
        self._end, self._last_id = self.log.size(), events[-1].id
        self.states = {card: state for card, state in final.items() if state}

    def _settled(self) -> datetime | None:
        """When the parameters in force were set (None: the defaults, all along): states
        stored before then were computed without them."""
        params = self.settings.get("params")
        return params.when if params is not None else None

    def _new_events(
        self, incoming: Iterable[ReviewEvent] | ExportDocument
    ) -> tuple[list[ReviewEvent], set[bytes], int]:
        """The incoming events the log does not hold yet, once each, validated; the ids of
        those not yet checked against the log's first part, and where that part ends: the
        part an export is a byte copy of (see ExportDocument.match), whose lines hold those
        ids only if the export names an id twice (the merge's pass over the log checks them).
        A document is released afterwards: it can be large, and the rest of the merge needs
        only these."""
        unchecked: set[str] = set()
        copied = 0
        if isinstance(incoming, ExportDocument):
            copied = incoming.match(self.log.path)
            missing = self.log.absent(incoming.ids(), start=copied)
            try:
                added = incoming.events(only=missing)
            except ProgressError:
                if not copied:
                    raise
                # a bad event may be one the copied part holds (then it is not read at all)
                added = incoming.events(only=self.log.absent(missing, end=copied))
                copied = 0
            if copied:
                unchecked = missing
            incoming.release()
        else:
            events = list(incoming)
            new = self.log.absent({event.id for event in events})
            added = [event for event in events if event.id in new]
        added = list({event.id: event for event in added}.values())
        unchecked_ids = {event.id.encode() for event in added if event.id in unchecked}
        return added, unchecked_ids, copied if unchecked_ids else 0

    def _totals_after_merge(
        self, added: list[ReviewEvent], existing: list[ReviewEvent]
    ) -> AnswerTotals | None:
        """The stored answer totals with `added` counted in, when they were current and no
        undo is involved (else None: the next `stats` recounts)."""
        stored = self._read_totals()
        if stored is None or stored[0] != self._end or not self._log_matches(*stored[:2]):
            return None
        new_ids = {event.id for event in added}
        if any(event.undoes for event in added) or any(
            event.undoes in new_ids for event in existing
        ):
            return None
        totals = stored[2]
        for event in added:
            if not event.kind:
                totals.add_event(event)
        return totals

    def _write_merged(
        self,
        added: list[ReviewEvent],
        affected: set[str],
        rows: dict[str, tuple | None],
        stale: set[bytes],
    ) -> tuple[int, str | None]:
        """Stream the log into a new file with `added` slotted in by time and the `stale`
        lines (ids) of `affected` cards given their replayed states (`rows`); replace the log
        with it. Returns the
        new size and last id. Raises _OutOfOrder (writing nothing) if the log is not sorted.

        A block of lines all as this program writes them is handled with one regular-
        expression pass and slices; other lines one by one."""
        from mlprep.logmerge import epoch_of_line, floor_key

        affected_bytes = {card.encode() for card in affected}
        # each new event with the time key of the lines it goes after: those up to the same
        # millisecond (answers in the same millisecond: those already here first, as replayed)
        pending = [(floor_key(event), _order_key(event), event) for event in added]
        pending.reverse()  # pop() from the end gives the earliest
        previous: float | None = None  # the time of the last line written
        last_id: str | None = None
        size = 0

        def new_line(event: ReviewEvent) -> bytes:
            nonlocal last_id
            last_id = event.id
            return (event.to_json() + "\n").encode()

        def swap(line: bytes, position: int) -> bytes | None:
            """A line of the old log as it goes into the new one (an affected card's line
            with its replayed state); None for a blank or torn line, which is dropped. Sets
            `previous` and `last_id`, and writes new events that go before it."""
            nonlocal previous, last_id
            found = FAST_LINE.match(line)
            # (a time of the right shape naming no date: the line is read in full, and named)
            when = None if found is None else epoch_of_key_or_none(found.group(AT))
            if (
                found is not None
                and when is not None
                and (
                    found.group(CARD) not in affected_bytes
                    or found.group(ID) not in stale
                    or found.group(STATE) is not None
                    and rows.get(found.group(ID).decode()) is not None
                )
            ):
                raw_id = found.group(ID)
                key, event = (when, raw_id.decode()), None
                if found.group(CARD) in affected_bytes and raw_id in stale:  # the new state
                    row = rows[key[1]] or ()  # not None: checked above
                    state = json.dumps(list(row), separators=(",", ":"))
                    begin, end = found.span(STATE)
                    line = line[:begin] + state.encode() + line[end:]
            else:
                event = self.log.parse_line(line, position)
                if event is None:  # a blank line, or a torn last line: dropped
                    return None
                key = _order_key(event)
            if previous is not None and key[0] < previous:
                raise _OutOfOrder
            previous = key[0]
            if event is not None and event.card in affected:
                line = (replace(event, state=rows[event.id]).to_json() + "\n").encode()
            elif not line.endswith(b"\n"):
                line += b"\n"  # a whole last event that only lacked its newline
            last_id = key[1]
            return line

        def write(destination) -> None:
            nonlocal previous, last_id, size

            def put(data: bytes) -> None:
                nonlocal size
                destination.write(data)
                size += len(data)

            for start, block in self.log.blocks():
                found = self.log.fast_rows(block)
                ats = [row[AT - 1] for row in found] if found else []
                first = epoch_of_key_or_none(ats[0]) if ats else None
                last = epoch_of_key_or_none(ats[-1]) if ats else None
                if (
                    first is None
                    or last is None
                    or not all(map(operator.le, ats, ats[1:]))
                    or previous is not None
                    and first < previous
                ):
                    # lines to look at one by one (or out of order: swap() raises)
                    position = start
                    for line in io.BytesIO(block):
                        time_key = epoch_of_line(line)
                        while pending and time_key is not None and pending[-1][1][0] < time_key:
                            put(new_line(pending.pop()[2]))
                        written = swap(line, position)
                        position += len(line)
                        if written is not None:
                            put(written)
                    continue
                assert found is not None  # (ats is empty otherwise)
                lines = block.split(b"\n")
                lines.pop()  # the empty piece after the last newline
                # affected cards' lines get their replayed states
                for index in [i for i, row in enumerate(found) if row[ID - 1] in stale]:
                    lines[index] = swap(lines[index] + b"\n", start)[:-1]  # type: ignore[index]
                # new events go before the first line later than them
                done = 0
                while pending and pending[-1][0] < ats[-1]:
                    index = bisect.bisect_right(ats, pending[-1][0], lo=done)
                    if index > done:
                        put(b"\n".join(lines[done:index]) + b"\n")
                        done = index
                    put(new_line(pending.pop()[2]))
                put(b"\n".join(lines[done:]) + b"\n")
                previous = last
                last_id = found[-1][ID - 1].decode()
            while pending:
                put(new_line(pending.pop()[2]))

        try:
            atomic_write_with(self.log.path, write)
        except OSError as error:
            raise ProgressError(
                f"cannot write {self.log.path}: {error.strerror or error}; it was left as it was"
            ) from None
        return size, last_id

    def replace_all(self, events: list[ReviewEvent], now: datetime) -> Path | None:
        """Make `events` the whole history (import); the old log is backed up first. The
        states stored with the events are recomputed, not trusted."""
        _check_settings(events, "", done="imported")  # (as a merge checks them)
        if len(events) >= LONG_REPLAY:
            self.notify(f"Importing {len(events):,} answers: each one is checked and replayed...")
        events = sorted({event.id: event for event in events}.values(), key=_order)
        self.settings = {}
        self._use_settings(event for event in events if event.kind)
        with gc_paused():
            rows, final = replay_rows(self.scheduler, events)
        events = [replace(event, state=rows[event.id]) for event in events]
        with self._lock():
            backup = self._backup(now)
            self.log.rewrite(events)
            self.states = {card: state for card, state in final.items() if state is not None}
            self._end, self._last_id = self.log.size(), events[-1].id if events else None
            self._write_snapshot()
        return backup

    def reset(self, card_ids: set[str] | None, now: datetime) -> tuple[int, Path | None]:
        """Forget the history of `card_ids` (all cards if None), after a backup.
        Returns (events removed, backup path)."""
        with self._lock():
            current = self.log.read()
            # the plan and fitted parameters are settings, not progress: they stay
            kept = [
                e for e in current if e.kind or (card_ids is not None and e.card not in card_ids)
            ]
            removed = len(current) - len(kept)
            if not removed:
                return 0, None
            backup = self._backup(now)
            self.log.rewrite(kept)
            self._load_locked()
        return removed, backup

    def answered(self, card_ids: set[str] | None) -> bool:
        """Whether the log holds an answer to any of `card_ids` (to any card if None): what
        reset would forget (read until the first one)."""
        with self._lock():
            return any(
                not event.kind and (card_ids is None or event.card in card_ids)
                for event in self.log.stream(0)
            )

    def stale_states(self) -> list[ReviewEvent]:
        """The events whose stored state differs from what a replay of the whole log gives
        (events storing none, and answers later undone, are not counted). Empty for a healthy
        log."""
        with self._lock():
            events = self.log.read()
        rows, _ = replay_rows(self.scheduler, events)
        return [
            e
            for e in events
            if e.state is not None and rows[e.id] is not None and e.state != rows[e.id]
        ]

    def _backup(self, now: datetime) -> Path | None:
        if not self.log.path.exists():
            return None
        self._check_kinds()  # (a named pipe as the log made the copy wait for ever)
        stamp = now.strftime("%Y%m%dT%H%M%S")
        target = self.backup_dir / f"reviews-{stamp}.jsonl"
        counter = 1
        while target.exists():
            counter += 1
            target = self.backup_dir / f"reviews-{stamp}-{counter}.jsonl"
        try:
            atomic_copy(self.log.path, target)  # a failed backup leaves nothing behind
        except OSError as error:
            from mlprep.fileio import refusal

            raise ProgressError(
                f"cannot back up {self.log.path}: {refusal(target, error)}"
            ) from None
        return target


class _OutOfOrder(Exception):
    """The log is not in time order, so it cannot be merged in one streaming pass."""


def _json_bytes(document: dict) -> bytes:
    """A snapshot or totals document as compact JSON: orjson writes a large one ten times faster
    than json (both read back the same values); json for what orjson refuses (an integer over
    64 bits in a setting, say)."""
    try:
        return orjson.dumps(document)
    except TypeError:
        return json.dumps(document, separators=(",", ":")).encode()


def _order(event: ReviewEvent) -> tuple:
    return (event.when, event.id)


def _order_key(event: ReviewEvent) -> tuple[float, str]:
    return (event.when.timestamp(), event.id)


def replay_rows(
    scheduler: Scheduler,
    events: Iterable[ReviewEvent],
    added: Sequence[ReviewEvent] = (),
    settled: datetime | None = None,
) -> tuple[dict[str, tuple | None], dict[str, CardState | None]]:
    """Replay each card's events in time order (see Scheduler.replay). Returns the state row
    every event should store (an undo stores the state it goes back to, () for none; an undone
    answer stores nothing) and each card's final state.

    `events` are in log order; `added` are events new to the log (a merge). A card's events
    before its first added one keep their stored states when that is safe (see _resume_point;
    `settled`: when the parameters in force were set), and its replay starts from there."""
    by_card: dict[str, list[ReviewEvent]] = {}
    for event in events:
        by_card.setdefault(event.card, []).append(event)
    new_by_card: dict[str, list[ReviewEvent]] = {}
    for event in added:
        new_by_card.setdefault(event.card, []).append(event)
    rows: dict[str, tuple | None] = {}
    final: dict[str, CardState | None] = {}
    for card in by_card.keys() | new_by_card.keys():
        existing, new = by_card.get(card, []), new_by_card.get(card, [])
        kept, state = _resume_point(existing, new, settled)
        for event in kept:
            rows[event.id] = event.state
        kept_ids = {event.id for event in kept}
        history = [event for event in existing if event.id not in kept_ids] + new
        history.sort(key=lambda event: event.when)  # stable: ties keep the log's order
        undone = {event.undoes for event in history if event.undoes}
        for event in history:
            if event.undoes:
                rows[event.id] = tuple(state.to_row()) if state else ()
            elif event.id in undone or not schedules(event):
                rows[event.id] = None  # cancelled, or a drill answer: no state of its own
            else:
                state = scheduler.review(state, card, event.grade, event.when)
                rows[event.id] = tuple(state.to_row())
        final[card] = state
    return rows, final


def _resume_point(
    existing: list[ReviewEvent], new: list[ReviewEvent], settled: datetime | None = None
) -> tuple[list[ReviewEvent], CardState | None]:
    """The events of a card that come before its first new one and can keep their stored
    states, and the state after them: none, unless the card's events are in time order in the
    log, the last of them stores a state computed with the parameters in force (it comes at
    or after `settled`, when they were set: a full replay uses them from the first answer),
    and no later undo cancels one of them."""
    if not new or not existing:
        return [], None
    since = min(event.when for event in new)
    if any(
        later.when < earlier.when for earlier, later in zip(existing, existing[1:], strict=False)
    ):
        return [], None  # out of order: only a full replay orders it
    kept = [event for event in existing if event.when < since]
    if not kept or kept[-1].state is None:
        return [], None
    if settled is not None and kept[-1].when < settled:
        return [], None  # stored before the parameters in force: computed without them
    ids = {event.id for event in kept}
    if any(event.undoes in ids for event in existing[len(kept) :] + new):
        return [], None
    row = kept[-1].state
    return kept, (CardState(kept[-1].card, *row) if row else None)


def _state_from_v1(card_id: str, fields: dict) -> CardState:
    """Snapshot format 1 kept ISO 8601 times in a mapping per card."""

    def epoch(text: str) -> float:
        return datetime.fromisoformat(text).timestamp()

    return CardState(
        card_id,
        fields["state"],
        epoch(fields["due"]),
        fields["stability"],
        fields["difficulty"],
        fields["step"],
        epoch(fields["last_review"]),
        epoch(fields["first_review"]),
        int(fields["reps"]),
        int(fields["lapses"]),
    )


# How to read each older snapshot format (the snapshot is rewritten in the current one).
_SNAPSHOT_UPGRADES = {1: _state_from_v1}


def effective(events: Iterable[ReviewEvent]) -> list[ReviewEvent]:
    """The answers that count: undo events and the answers they cancel are dropped, and so are
    non-answer events (plan, parameters)."""
    events = list(events)
    undone = {event.undoes for event in events if event.undoes}
    return [e for e in events if e.is_answer and e.id not in undone]


# the last quarter hour and millisecond of the year 9999 (the last a datetime holds)
_LAST_MS = 253_402_300_799_999
_LAST_QUARTER = _LAST_MS // 900_000


def _int_lists(table: object, low: int | None = None, high: int | None = None) -> bool:
    """Whether `table` maps keys to lists of integers (not true/false), all within low..high
    where given. Checked with built-ins over the numbers laid end to end: a table of stored
    totals holds hundreds of thousands."""
    if not isinstance(table, dict) or not set(map(type, table.values())) <= {list}:
        return False
    numbers = list(itertools.chain.from_iterable(table.values()))
    if not set(map(type, numbers)) <= {int}:
        return False
    if not numbers or low is None or high is None:
        return True
    return min(numbers) >= low and max(numbers) <= high


def _check_settings(events: list[ReviewEvent], source: str, done: str = "merged") -> None:
    """Refuse, before anything is written, a merged plan or parameters event that this
    program would not have made: the latest of each kind wins, so such a plan would replace
    the user's own, and out-of-range parameters stopped every command."""
    settings = [event for event in events if event.kind]
    if not settings:
        return  # (answers only: the checks' modules are not even imported)
    from mlprep.optimize import usable
    from mlprep.plan import plan_problem

    for event in settings:
        problem = None
        if event.kind == "plan":
            problem = plan_problem(event.data or {}, event.when)
        elif event.kind == "params" and (event.data or {}).get("source") != DEFAULT_SOURCE:
            if not usable((event.data or {}).get("parameters")):
                problem = "its parameters are not 21 numbers within FSRS's ranges"
        if problem:
            where = f"{source}: " if source else ""
            raise ProgressError(
                f"{where}the {event.kind} event {event.id} cannot be used ({problem}); "
                f"nothing was {done}"
            )
