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
from mlprep.storedrows import StoredRows, states_doubtful

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FITTED = [0.4, 1.0, 3.0, 12.0, 6.0, 0.6, 2.5, 0.01, 1.7, 0.2, 0.9, 1.6, 0.07, 0.3, 1.5]
FITTED += [0.5, 2.0, 0.5, 0.1, 0.07, 0.2]


def _history(directory, seed: int, params_at: int | None) -> list[str]:
    """A log of 12 cards' answers in time order, with undos (back to a state, and back to new),
    drill answers, a plan and (at answer `params_at`) new parameters, after which c-9 to c-11
    are no longer answered (their stored states are then older than the parameters); returns
    its lines."""
    rng = random.Random(seed)
    store = ProgressStore(directory).load()
    moment = T0
    cards = 12
    for number in range(90):
        moment += timedelta(hours=rng.choice([1, 5, 30]))
        if number == params_at:
            store.record_setting("params", {"parameters": FITTED}, moment)
            cards = 9
            continue
        if number == 7:
            store.record_setting("plan", {"interview": "2026-09-01"}, moment)
            continue
        card = f"c-{rng.randrange(cards)}"
        mode = "drill" if rng.random() < 0.05 else "review"
        event = store.record(card, Grade(rng.randrange(1, 5)), mode, 900, moment)
        if rng.random() < 0.06:
            store.undo(event, moment + timedelta(seconds=1))
    store.checkpoint()
    return (directory / "reviews.jsonl").read_text().splitlines(keepends=True)


def _replayed(directory, parameters=None) -> dict:
    """The states a replay of the log's answers gives: what a rebuild must give."""
    events = effective(ReviewLog(directory / "reviews.jsonl").read())
    return Scheduler(parameters=parameters).replay([e for e in events if schedules(e)])


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


def _splits_around_every_kind(lines: list[str]) -> list[int]:
    """Where a split makes the child's part begin on, and right after, the first line of each
    kind (an undo, a drill answer, a plan, new parameters), and at a few other places."""
    starts = [0, *_line_starts(lines)]
    kinds = ('"undoes"', '"mode":"drill"', '"kind":"plan"', '"kind":"params"')
    places = set(range(5, len(lines), 17))
    for kind in kinds:
        first = next((n for n, line in enumerate(lines) if kind in line), None)
        if first is not None:
            places.update({first, first + 1})
    return [starts[n] for n in sorted(places) if 0 < n < len(lines)]


def _line_starts(lines: list[str]) -> list[int]:
    starts, at = [], 0
    for line in lines[:-1]:
        at += len(line.encode())
        starts.append(at)
    return starts


@pytest.mark.parametrize("params_at", [None, 20, 70])
def test_a_split_rebuild_takes_the_states_one_pass_takes(tmp_path, monkeypatch, params_at):
    """Wherever the split lands (before or after the new parameters, on an undo, a drill answer,
    a setting), the states are one pass's and a replay's; the child's part is taken there.
    The cards last answered before the parameters are replayed with them, from either part."""
    lines = _history(tmp_path, 4, params_at)
    one_pass = ProgressStore(tmp_path)
    (tmp_path / "state.json").unlink()
    one_pass.load()
    expected = _replayed(tmp_path, FITTED if params_at is not None else None)
    assert one_pass.states == expected
    if params_at is not None:  # (a stored state computed without the parameters differs)
        stored = Scheduler().replay(
            [e for e in effective(one_pass.log.read()) if schedules(e) and e.card == "c-10"]
        )
        assert stored["c-10"] != expected["c-10"]
    splits = _splits_around_every_kind(lines)
    for split in splits:
        store, digested = _split_load(tmp_path, monkeypatch, split)
        assert store.states == expected, split
        assert digested  # (an ordered log: the child's part is taken there)


def test_parameters_set_between_two_milliseconds_cut_after_the_last_answer_before_them(
    tmp_path,
):
    """A parameters event whose time is finer than a millisecond (read in full) still sends
    the cards answered before it to replay, one answered in the same millisecond just before
    it too, and no other."""
    store = ProgressStore(tmp_path).load()
    store.record("c-1", Grade.GOOD, "review", 900, T0)
    store.record("c-3", Grade.GOOD, "review", 900, T0 + timedelta(days=1))
    event = store.record_setting("params", {"parameters": FITTED}, T0 + timedelta(days=1))
    store.record("c-2", Grade.GOOD, "review", 900, T0 + timedelta(days=2))
    store.checkpoint()
    path = tmp_path / "reviews.jsonl"
    line = json.dumps(json.loads(event.to_json()) | {"at": "2026-03-03T09:00:00.000123Z"})
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], lines[1], line, lines[3]]) + "\n")
    (tmp_path / "state.json").unlink()
    again = ProgressStore(tmp_path).load()
    assert again.states == _replayed(tmp_path, FITTED)
    for card, line in (("c-1", lines[0]), ("c-3", lines[1])):  # (stored without them)
        assert again.states[card].to_row() != json.loads(line)["state"]
    assert again.states["c-2"].to_row() == json.loads(lines[3])["state"]  # (taken as stored)


def test_a_child_whose_digest_fails_leaves_its_part_to_this_process(tmp_path, monkeypatch):
    import os

    lines = _history(tmp_path, 2, None)
    parent = os.getpid()
    of = StoredRows.of

    def failing(lines):
        if os.getpid() != parent:
            raise RuntimeError("a digest that fails in the child")
        return of(lines)

    monkeypatch.setattr(StoredRows, "of", failing)
    store, digested = _split_load(tmp_path, monkeypatch, _line_starts(lines)[40])
    assert not digested and store.states == _replayed(tmp_path)


@pytest.mark.parametrize("ending", ["answer", "undo back to new"])
def test_a_card_sent_back_in_time_in_the_first_part_is_replayed_though_the_child_took_it(
    tmp_path, monkeypatch, ending
):
    """A card whose answers go back in time in the log's first part, and whose last line is
    in the child's part (an answer, or an undo of the answer sent back storing no state):
    its stored state is not taken, and it is not taken for new: only a replay orders its
    answers."""
    from dataclasses import replace

    from mlprep.reviewlog import ReviewEvent

    store = ProgressStore(tmp_path).load()
    store.record("c-1", Grade.GOOD, "review", 900, T0 + timedelta(days=3))
    for day in range(6):
        store.record(f"c-{day + 2}", Grade.GOOD, "review", 900, T0 + timedelta(days=4 + day))
    store.checkpoint()
    path = tmp_path / "reviews.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    # an answer of c-1 before its first one, then c-1's last line in the later part: an
    # answer whose state was computed without the one sent back (as another machine
    # appending it would), or an undo of the one sent back
    scheduler = store.scheduler
    sent_back = ReviewEvent.new("c-1", Grade.AGAIN, "review", 900, T0)
    sent_back = replace(sent_back, state=tuple(scheduler.review(None, "c-1", 1, T0).to_row()))
    last_at = datetime(2026, 3, 12, 9, tzinfo=UTC)
    if ending == "answer":
        later = ReviewEvent.new("c-1", Grade.GOOD, "review", 900, last_at)
        row = scheduler.review(store.states["c-1"], "c-1", 3, last_at).to_row()
        later = replace(later, state=tuple(row))
    else:
        later = replace(ReviewEvent.undo(sent_back, last_at), state=())
    text = lines[:2] + [sent_back.to_json() + "\n"] + lines[2:] + [later.to_json() + "\n"]
    path.write_text("".join(text))
    split = sum(len(line.encode()) for line in text[:4])
    split_store, digested = _split_load(tmp_path, monkeypatch, split)
    assert digested
    replayed = _replayed(tmp_path)
    assert split_store.states == replayed and "c-1" in replayed
    if ending == "answer":
        assert replayed["c-1"].to_row() != list(later.state)  # (trusting it would be wrong)


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
        b"no-such-day": (b"2026-02-30T09:00:00.000Z", row, False),
    }
    lines = reviewlog.LastLines(last, {b"suspect"}, 0, None, len(last))
    stored = StoredRows.of(lines)
    assert stored.rows == {"ok": good, "undone": good}
    assert stored.replay == {"late", "torn", "negative", "no-state", "suspect", "no-such-day"}
    assert stored.times == [at, b"2026-03-05T09:00:00.000Z"]
    # the same where every row passes the checks (then checked column by column)
    fine = [b"ok", b"late", b"undone", b"new-again", b"no-such-day"]
    alike = StoredRows.of(reviewlog.LastLines({c: last[c] for c in fine}, set(), 0, None, 5))
    assert (alike.rows, alike.replay) == ({"ok": good, "undone": good}, {"late", "no-such-day"})
    stored.replay_before(datetime(2026, 3, 2, tzinfo=UTC))
    assert stored.rows == {"undone": good} and "ok" in stored.replay
    assert stored.times == [b"2026-03-05T09:00:00.000Z"]
    back = StoredRows.of(lines)
    joined = back.joined(StoredRows({"x": good}, set(), [at]))
    joined.distrust({b"ok", b"new-again"})  # (an undo back to new: replayed all the same)
    assert joined.rows == {"undone": good, "x": good} and {"ok", "new-again"} <= joined.replay
    assert joined.times == [b"2026-03-05T09:00:00.000Z", at]
    import pickle

    again = pickle.loads(pickle.dumps(back))
    assert (again.rows, again.replay, again.times) == (back.rows, back.replay, back.times)


def _answered(directory, count: int) -> list[bytes]:
    """Lines of `count` answers as this program writes them, each with its state."""
    store = ProgressStore(directory).load()
    for number in range(count):
        store.record(f"c-{number % 3}", Grade(3), "review", 900, T0 + timedelta(hours=number))
    return (directory / "reviews.jsonl").read_bytes().splitlines(keepends=True)


@pytest.mark.parametrize("with_older_lines", [False, True])
def test_a_damaged_or_misplaced_stored_state_on_any_line_is_doubted(tmp_path, with_older_lines):
    """What export looks for before passing lines on whole (import checks every line's state;
    a rebuild only each card's last). Lines of an older format store no state."""
    lines = _answered(tmp_path, 6)
    if with_older_lines:
        lines[2:2] = [
            reviewlog.ReviewEvent(**{**json.loads(lines[1]), "id": "e" * 32, "state": None, "v": 1})
            .to_json()
            .encode()
            + b"\n"
        ]
    assert not states_doubtful(b"".join(lines))
    for place in range(len(lines)):
        data = json.loads(lines[place])
        if "state" not in data:
            continue
        for state in (
            [*data["state"][:2], -5.0, *data["state"][3:]],  # stability out of range
            [*data["state"][:5], data["state"][5] - 60, *data["state"][6:]],  # another time
            data["state"][:8],
        ):
            changed = json.dumps({**data, "state": state}, separators=(",", ":")).encode()
            broken = lines[:place] + [changed + b"\n"] + lines[place + 1 :]
            assert states_doubtful(b"".join(broken)), (place, state)
