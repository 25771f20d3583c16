"""A rebuild's stored states taken in two parts (a child's half of the log taken by the child)
give what one pass over the whole log gives, and what a replay of the answers gives."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from mlprep import forkwork, reviewlog
from mlprep.model import Grade
from mlprep.progress import ProgressStore, effective
from mlprep.reviewlog import ReviewLog, schedules
from mlprep.scheduler import Scheduler
from mlprep.storedrows import StoredRows

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FITTED = [0.4, 1.0, 3.0, 12.0, 6.0, 0.6, 2.5, 0.01, 1.7, 0.2, 0.9, 1.6, 0.07, 0.3, 1.5]
FITTED += [0.5, 2.0, 0.5, 0.1, 0.07, 0.2]


def _history(directory, seed: int, params_at: int | None) -> list[str]:
    """A log of 12 cards' answers in time order, with undos (back to a state, and back to new),
    drill answers, a plan and (at answer `params_at`) new parameters; returns its lines."""
    rng = random.Random(seed)
    store = ProgressStore(directory).load()
    moment = T0
    for number in range(90):
        moment += timedelta(hours=rng.choice([1, 5, 30]))
        if number == params_at:
            store.record_setting("params", {"parameters": FITTED}, moment)
            continue
        if number == 7:
            store.record_setting("plan", {"interview": "2026-09-01"}, moment)
            continue
        card = f"c-{rng.randrange(12)}"
        mode = "drill" if rng.random() < 0.05 else "review"
        event = store.record(card, Grade(rng.randrange(1, 5)), mode, 900, moment)
        if rng.random() < 0.06:
            store.undo(event, moment + timedelta(seconds=1))
    store.checkpoint()
    return (directory / "reviews.jsonl").read_text().splitlines(keepends=True)


def _split_load(directory, monkeypatch, split: int) -> tuple[ProgressStore, bool]:
    """The store loaded from its log alone, the log's lines from byte `split` on read by a
    child; and whether the child's part came back taken (else this process read it)."""
    (directory / "state.json").unlink(missing_ok=True)
    monkeypatch.setattr(forkwork, "spare_core", lambda: True)
    monkeypatch.setattr(reviewlog, "PARALLEL_SCAN", 0)
    monkeypatch.setattr(ReviewLog, "_split_point", lambda self, offset: split)
    scans = []
    scan_last = ReviewLog.scan_last

    def watched(self, *args, **kwargs):
        scans.append(scan_last(self, *args, **kwargs))
        return scans[-1]

    monkeypatch.setattr(ReviewLog, "scan_last", watched)
    store = ProgressStore(directory).load()
    monkeypatch.undo()
    return store, bool(scans[0].digested)


def _line_starts(lines: list[str]) -> list[int]:
    starts, at = [], 0
    for line in lines[:-1]:
        at += len(line.encode())
        starts.append(at)
    return starts


@pytest.mark.parametrize("params_at", [None, 20, 70])
def test_a_split_rebuild_takes_the_states_one_pass_takes(tmp_path, monkeypatch, params_at):
    """Wherever the split lands (before or after the new parameters, on an undo, a drill answer,
    a setting), the states are one pass's and a replay's; the child's part is taken there."""
    lines = _history(tmp_path, 4, params_at)
    one_pass = ProgressStore(tmp_path)
    (tmp_path / "state.json").unlink()
    one_pass.load()
    events = effective(ReviewLog(tmp_path / "reviews.jsonl").read())
    scheduler = Scheduler(parameters=FITTED if params_at is not None else None)
    assert one_pass.states == scheduler.replay([e for e in events if schedules(e)])
    taken = 0
    for split in _line_starts(lines)[::3]:
        store, digested = _split_load(tmp_path, monkeypatch, split)
        assert store.states == one_pass.states, split
        taken += digested
    assert taken >= len(lines) // 3 - 1  # (an ordered log: every split but at most one)


def test_a_card_sent_back_in_time_in_the_first_part_is_replayed_though_the_child_took_it(
    tmp_path, monkeypatch
):
    """A card whose answers go back in time in the log's first part, and whose last line is
    in the child's part: its stored state is not taken (only a replay orders its answers)."""
    store = ProgressStore(tmp_path).load()
    store.record("c-1", Grade.GOOD, "review", 900, T0 + timedelta(days=3))
    for day in range(6):
        store.record(f"c-{day + 2}", Grade.GOOD, "review", 900, T0 + timedelta(days=4 + day))
    store.checkpoint()
    path = tmp_path / "reviews.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    # an answer of c-1 before its first one, then c-1's last answer in the later part, its
    # state computed without the answer sent back (as another machine appending it would)
    scheduler = store.scheduler
    sent_back = json.loads(lines[0])
    sent_back.update(at="2026-03-02T09:00:00.000Z", id="f" * 32, grade=1)
    sent_back["state"] = scheduler.review(None, "c-1", 1, T0).to_row()
    last_at = datetime(2026, 3, 12, 9, tzinfo=UTC)
    later = dict(sent_back, id="e" * 32, at="2026-03-12T09:00:00.000Z", grade=3)
    later["state"] = scheduler.review(store.states["c-1"], "c-1", 3, last_at).to_row()
    text = lines[:2] + [json.dumps(sent_back, separators=(",", ":")) + "\n"] + lines[2:]
    text += [json.dumps(later, separators=(",", ":"), sort_keys=True) + "\n"]
    path.write_text("".join(text))
    split = sum(len(line.encode()) for line in text[:4])
    split_store, digested = _split_load(tmp_path, monkeypatch, split)
    assert digested
    (tmp_path / "state.json").unlink()
    events = effective(ReviewLog(path).read())
    replayed = Scheduler().replay([e for e in events if schedules(e)])
    assert split_store.states == replayed
    assert replayed["c-1"].to_row() != later["state"]  # (trusting it would be wrong)


def test_stored_rows_are_kept_only_where_they_can_be_trusted():
    """Rows that do not decode, fail the checks or were not produced at their line's time go to
    replay; an undo's row is kept though it was produced earlier; an undo back to new has none."""
    good = [
        "review",
        1772442000.0,
        2.3,
        2.1,
        None,
        1772442000.0 - 86400,
        1772442000.0 - 86400,
        1,
        0,
    ]
    at = b"2026-03-01T09:00:00.000Z"
    row = json.dumps(good).encode()
    last = {
        b"ok": (at, row, False),
        b"late": (b"2026-03-01T09:00:00.001Z", row, False),
        b"torn": (at, row[:-3], False),
        b"negative": (at, row.replace(b"2.3,", b"-2.3,"), False),
        b"undone": (b"2026-03-05T09:00:00.000Z", row, True),
        b"new-again": (at, b"[]", True),
        b"no-state": (at, None, False),
        b"suspect": (at, row, False),
        b"month-13": (b"2026-13-01T09:00:00.000Z", row, False),
    }
    lines = reviewlog.LastLines(last, {b"suspect"}, 0, None, len(last))
    stored = StoredRows.of(lines)
    assert stored.rows == {"ok": good, "undone": good}
    assert stored.replay == {"late", "torn", "negative", "no-state", "suspect", "month-13"}
    assert stored.times == at + b"\n" + b"2026-03-05T09:00:00.000Z"
    # the same where every row passes the checks (then checked column by column)
    fine = {card: last[card] for card in (b"ok", b"late", b"undone", b"new-again")}
    alike = StoredRows.of(reviewlog.LastLines(fine, set(), 0, None, len(fine)))
    assert (alike.rows, alike.replay) == ({"ok": good, "undone": good}, {"late"})
    stored.replay_before(b"2026-03-02T00:00:00.000Z")
    assert stored.rows == {"undone": good} and "ok" in stored.replay
    back = StoredRows.of(lines)
    assert back.joined(StoredRows({"x": good}, set(), at)).times.count(b"\n") == 2
    import pickle

    again = pickle.loads(pickle.dumps(back))
    assert (again.rows, again.replay, again.times) == (back.rows, back.replay, back.times)
