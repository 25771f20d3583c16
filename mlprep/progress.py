"""The progress store: the review log (source of truth) plus a snapshot of card states.

The snapshot is derived: it records the card states after the first `log_offset` bytes of the
log, so start-up reads the snapshot and replays only the log's tail. A missing or corrupt
snapshot is rebuilt from the log; a snapshot from a newer mlprep is an error and stays untouched.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from mlprep.errors import ProgressError
from mlprep.fileio import atomic_copy, atomic_write, gc_paused
from mlprep.model import Grade
from mlprep.reviewlog import ReviewEvent, ReviewLog, event_from_dict, locked, schedules
from mlprep.scheduler import CardState, Scheduler

LONG_REPLAY = 5000  # answers; rebuilding more than this takes long enough to say so
SNAPSHOT_FORMAT = 2  # 1: {card: {field: value}} with ISO times; 2: {card: [row]} with epoch times
EXPORT_KIND = "mlprep-progress"
EXPORT_FORMAT = 1


class ProgressStore:
    def __init__(
        self,
        directory: Path,
        scheduler: Scheduler | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.directory = directory
        self.notify = notify or (lambda message: None)  # for long work, e.g. a full rebuild
        self.log = ReviewLog(directory / "reviews.jsonl")
        self.snapshot_path = directory / "state.json"
        self.backup_dir = directory / "backups"
        self.scheduler = scheduler or Scheduler()
        self.states: dict[str, CardState] = {}
        self.warnings: list[str] = []
        self._before: dict[str, CardState | None] = {}  # for undo: the state before an event

    # -- loading --------------------------------------------------------------------------
    def load(self) -> ProgressStore:
        """Bring `states` up to date with the log, and the snapshot up to date with both."""
        with locked(self.log.lock_path):
            self._load_locked()
        self.warnings.extend(self.log.warnings)
        self.log.warnings.clear()
        return self

    def _load_locked(self) -> None:
        snapshot = self._read_snapshot()
        if snapshot is not None:
            offset, states, version, last_id = snapshot
            tail, end = self.log.read_from(offset)
            if self._applies_in_order(tail, states):
                # in (time, id) order, exactly as a full replay applies them
                for event in sorted(tail, key=lambda e: (e.when, e.id)):
                    if not schedules(event):
                        continue
                    states[event.card] = self.scheduler.review(
                        states.get(event.card), event.card, event.grade, event.when
                    )
                self.states = states
                if tail or version < SNAPSHOT_FORMAT:
                    self._write_snapshot(end, tail[-1].id if tail else last_id)
                return
        self.states, end, last_id = self._rebuild()
        self._write_snapshot(end, last_id)

    def _rebuild(self) -> tuple[dict[str, CardState], int, str | None]:
        """Card states from the whole log. A first streaming pass finds undone answers and
        whether the log is in (time, id) order, as appending and merging keep it; then the
        answers are applied as they are read, holding no more than the states in memory.
        A log out of order is sorted in memory instead."""
        undone: set[str] = set()
        count = 0
        in_order = True
        previous: tuple | None = None
        scan = self.log.stream(0)
        for event in scan:
            count += 1
            key = (event.when, event.id)
            in_order = in_order and (previous is None or previous <= key)
            previous = key
            if event.undoes:
                undone.add(event.undoes)
        if count >= LONG_REPLAY:
            self.notify(f"Rebuilding card states from {count:,} answers (once)...")
        with gc_paused():  # many objects, no garbage cycles
            if not in_order:
                events, end = self.log.read_from(0)
                last_id = events[-1].id if events else None
                scheduling = [e for e in effective(events) if schedules(e)]
                return self.scheduler.replay(scheduling), end, last_id
            states: dict[str, CardState] = {}
            replay = self.log.stream(0)
            for event in replay:
                if schedules(event) and event.id not in undone:
                    states[event.card] = self.scheduler.review(
                        states.get(event.card), event.card, event.grade, event.when
                    )
            return states, replay.end, replay.last_id

    @staticmethod
    def _applies_in_order(tail: list[ReviewEvent], states: dict[str, CardState]) -> bool:
        """Can the tail simply be applied on top of the snapshot? Not if it holds an undo or an
        event older than its card's last review (then the card's history must be replayed)."""
        latest = {card: state.last_ts for card, state in states.items()}
        for event in sorted(tail, key=lambda e: (e.when, e.id)):
            if not event.undoes and not schedules(event):
                continue
            moment = event.when.timestamp()
            if event.undoes or (event.card in latest and moment < latest[event.card]):
                return False
            latest[event.card] = moment
        return True

    def _read_snapshot(self) -> tuple[int, dict[str, CardState], int, str | None] | None:
        try:
            raw = self.snapshot_path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise ProgressError(f"cannot read {self.snapshot_path}: {error.strerror}") from None
        try:
            with gc_paused():
                data = json.loads(raw)
            version = data["format"]
        except (ValueError, KeyError, TypeError):
            self.warnings.append(f"{self.snapshot_path}: unreadable; rebuilt from the review log")
            return None
        if not isinstance(version, int) or version > SNAPSHOT_FORMAT:
            raise ProgressError(
                f"{self.snapshot_path}: written by a newer mlprep (format {version}); upgrade "
                "mlprep. The file was left untouched."
            )
        try:
            offset = int(data["log_offset"])
            upgrade = _SNAPSHOT_UPGRADES.get(version, CardState.from_row)
            with gc_paused():
                states = {cid: upgrade(cid, row) for cid, row in data["cards"].items()}
            last_id = data["last_id"]
        except (KeyError, TypeError, ValueError, AttributeError):
            self.warnings.append(f"{self.snapshot_path}: unreadable; rebuilt from the review log")
            return None
        if not self._log_matches(offset, last_id):
            return None  # the log was rewritten (merge, import, reset) or replaced
        return offset, states, version, last_id

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

    def _write_snapshot(self, offset: int, last_id: str | None) -> None:
        document = {
            "format": SNAPSHOT_FORMAT,
            "log_offset": offset,
            "last_id": last_id,
            "cards": {cid: state.to_row() for cid, state in sorted(self.states.items())},
        }
        try:
            atomic_write(self.snapshot_path, json.dumps(document, separators=(",", ":")).encode())
        except OSError as error:
            # The log already holds every answer; a stale snapshot only costs start-up time.
            self.warnings.append(f"cannot update {self.snapshot_path}: {error.strerror}")

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
        """Append one answer to the log (fsynced) and update the card's state in memory.
        `answer` is kept bounded and cleaned (`reviewlog.clean_answer`); an answer in a mode
        that does not reschedule (`reviewlog.NON_SCHEDULING_MODES`, e.g. drill) is logged and
        leaves the state as it was."""
        event = ReviewEvent.new(card_id, grade, mode, ms, at, answer=answer, suggested=suggested)
        self.log.append(event)
        previous = self.states.get(card_id)
        self._before[event.id] = previous
        if schedules(event):
            self.states[card_id] = self.scheduler.review(previous, card_id, int(grade), event.when)
        return event

    def undo(self, event: ReviewEvent, at: datetime) -> None:
        """Cancel a recorded answer: an undo event goes into the log, the state goes back."""
        self.log.append(ReviewEvent.undo(event, at))
        previous = self._before.pop(event.id, None)
        if not schedules(event):
            return
        if previous is None:
            self.states.pop(event.card, None)
        else:
            self.states[event.card] = previous

    def checkpoint(self) -> None:
        """Fold everything logged so far (by any session) into the snapshot."""
        self.load()

    # -- whole-log operations -------------------------------------------------------------
    def events(self) -> list[ReviewEvent]:
        with locked(self.log.lock_path):
            return self.log.read()

    def merge(self, incoming: Iterable[ReviewEvent]) -> int:
        """Union of events by id, then a replay. Returns how many events were new."""
        with locked(self.log.lock_path):
            current = self.log.read()
            known = {event.id for event in current}
            added = [event for event in incoming if event.id not in known]
            added = list({event.id: event for event in added}.values())
            if added:
                self.log.rewrite(sorted(current + added, key=lambda e: (e.when, e.id)))
                self._load_locked()
        return len(added)

    def replace_all(self, events: list[ReviewEvent], now: datetime) -> Path | None:
        """Make `events` the whole history (import); the old log is backed up first."""
        with locked(self.log.lock_path):
            backup = self._backup(now)
            self.log.rewrite(sorted(events, key=lambda e: (e.when, e.id)))
            self._load_locked()
        return backup

    def reset(self, card_ids: set[str] | None, now: datetime) -> tuple[int, Path | None]:
        """Forget the history of `card_ids` (all cards if None), after a backup.
        Returns (events removed, backup path)."""
        with locked(self.log.lock_path):
            current = self.log.read()
            kept = [] if card_ids is None else [e for e in current if e.card not in card_ids]
            removed = len(current) - len(kept)
            if not removed:
                return 0, None
            backup = self._backup(now)
            self.log.rewrite(kept)
            self._load_locked()
        return removed, backup

    def _backup(self, now: datetime) -> Path | None:
        if not self.log.path.exists():
            return None
        stamp = now.strftime("%Y%m%dT%H%M%S")
        target = self.backup_dir / f"reviews-{stamp}.jsonl"
        counter = 1
        while target.exists():
            counter += 1
            target = self.backup_dir / f"reviews-{stamp}-{counter}.jsonl"
        try:
            atomic_copy(self.log.path, target)  # a failed backup leaves nothing behind
        except OSError as error:
            raise ProgressError(f"cannot back up {self.log.path}: {error.strerror}") from None
        return target


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
    """The answers that count: undo events and the answers they cancel are dropped."""
    events = list(events)
    undone = {event.undoes for event in events if event.undoes}
    return [e for e in events if not e.undoes and e.id not in undone]


def export_document(events: Iterable[ReviewEvent], now: datetime) -> dict:
    return {
        "kind": EXPORT_KIND,
        "format": EXPORT_FORMAT,
        "exported_at": now.isoformat(),
        "events": [json.loads(event.to_json()) for event in events],
    }


def read_export(text: str, source: str) -> list[ReviewEvent]:
    """Events from an export document; a clear error for anything else."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ProgressError(f"{source}: not a progress export (invalid JSON: {error})") from None
    if not isinstance(data, dict) or data.get("kind") != EXPORT_KIND:
        raise ProgressError(f"{source}: not a progress export (made by `mlprep progress export`)")
    version = data.get("format")
    if not isinstance(version, int) or version > EXPORT_FORMAT:
        raise ProgressError(
            f"{source}: written by a newer mlprep (export format {version}); upgrade mlprep"
        )
    if not isinstance(data.get("events"), list):
        raise ProgressError(f"{source}: 'events' must be a list")
    return [
        event_from_dict(item, f"{source}: event {number}")
        for number, item in enumerate(data["events"], start=1)
    ]
