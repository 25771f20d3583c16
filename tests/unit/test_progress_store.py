"""The progress store: snapshot + log, rebuild, merge, reset, undo, faults."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from mlprep.errors import ProgressError
from mlprep.exportdoc import export_document, read_export
from mlprep.model import Grade
from mlprep.progress import ProgressStore, effective
from mlprep.reviewlog import ReviewEvent
from mlprep.scheduler import Scheduler

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def answer_many(store, count, start=T0, prefix="c"):
    events = []
    for number in range(count):
        at = start + timedelta(hours=7 * number)
        grade = Grade((number * 7) % 4 + 1)
        events.append(store.record(f"{prefix}{number % 5}", grade, "review", 900, at))
    return events


def fresh(path):
    return ProgressStore(path).load()


def test_states_after_reload_equal_a_full_replay(tmp_path):
    store = fresh(tmp_path)
    events = answer_many(store, 30)
    store.checkpoint()
    expected = Scheduler().replay(events)
    assert store.states == expected
    assert fresh(tmp_path).states == expected
    snapshot = json.loads((tmp_path / "state.json").read_text())
    assert snapshot["format"] == 2 and snapshot["last_id"] == events[-1].id
    assert snapshot["log_offset"] == (tmp_path / "reviews.jsonl").stat().st_size


def test_the_tail_after_the_snapshot_is_replayed(tmp_path):
    store = fresh(tmp_path)
    answer_many(store, 10)
    store.checkpoint()
    later = answer_many(ProgressStore(tmp_path).load(), 10, T0 + timedelta(days=40), "d")
    # the second store never checkpointed: the snapshot is behind the log
    reloaded = fresh(tmp_path)
    assert set(reloaded.states) == {f"c{i}" for i in range(5)} | {f"d{i}" for i in range(5)}
    assert reloaded.states == Scheduler().replay(ProgressStore(tmp_path).events())
    assert later[-1].id in (tmp_path / "state.json").read_text()


@pytest.mark.parametrize("damage", ["missing", "garbage", "truncated", "stale"])
def test_a_missing_or_corrupt_snapshot_is_rebuilt_from_the_log(tmp_path, damage):
    store = fresh(tmp_path)
    answer_many(store, 12)
    store.checkpoint()
    good = dict(store.states)
    snapshot = tmp_path / "state.json"
    if damage == "missing":
        snapshot.unlink()
    elif damage == "garbage":
        snapshot.write_text("not json")
    elif damage == "truncated":
        snapshot.write_bytes(snapshot.read_bytes()[:40])
    else:  # points at an event the log no longer has
        data = json.loads(snapshot.read_text())
        data["last_id"] = "0" * 32
        data["cards"] = {}
        snapshot.write_text(json.dumps(data))
    reloaded = fresh(tmp_path)
    assert reloaded.states == good
    assert json.loads(snapshot.read_text())["format"] == 2


def test_a_format_1_snapshot_is_read_and_migrated(tmp_path):
    store = fresh(tmp_path)
    answer_many(store, 6)
    store.checkpoint()
    snapshot = tmp_path / "state.json"
    current = json.loads(snapshot.read_text())

    def iso(ts):
        return datetime.fromtimestamp(ts, UTC).isoformat()

    fields = (
        "state",
        "due",
        "stability",
        "difficulty",
        "step",
        "last_review",
        "first_review",
        "reps",
        "lapses",
    )
    old_cards = {}
    for card_id, row in current["cards"].items():
        values = dict(zip(fields, row, strict=True))
        for key in ("due", "last_review", "first_review"):
            values[key] = iso(values[key])
        old_cards[card_id] = values
    snapshot.write_text(json.dumps({**current, "format": 1, "cards": old_cards}))
    migrated = fresh(tmp_path)
    assert migrated.states == store.states
    assert json.loads(snapshot.read_text()) == current  # rewritten in the current format


def test_a_snapshot_from_a_newer_version_is_an_error_and_kept(tmp_path):
    store = fresh(tmp_path)
    answer_many(store, 3)
    snapshot = tmp_path / "state.json"
    snapshot.write_text('{"format": 9}')
    with pytest.raises(ProgressError, match=r"state\.json: written by a newer mlprep \(format 9\)"):
        ProgressStore(tmp_path).load()
    assert snapshot.read_text() == '{"format": 9}'


def test_a_corrupt_middle_line_stops_and_leaves_the_log_alone(tmp_path):
    store = fresh(tmp_path)
    answer_many(store, 3)
    log = tmp_path / "reviews.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    lines[1] = "{broken\n"
    log.write_text("".join(lines))
    (tmp_path / "state.json").unlink()
    before = log.read_bytes()
    with pytest.raises(ProgressError, match=r"reviews\.jsonl:2: corrupt line"):
        ProgressStore(tmp_path).load()
    assert log.read_bytes() == before


def test_a_torn_last_line_is_dropped_with_a_warning_then_repaired(tmp_path):
    store = fresh(tmp_path)
    kept = answer_many(store, 4)
    log = tmp_path / "reviews.jsonl"
    with open(log, "ab") as handle:
        handle.write(b'{"at":"2026-03-0')
    reloaded = fresh(tmp_path)
    assert reloaded.states == Scheduler().replay(kept)
    assert any("unfinished last line" in w for w in reloaded.warnings)
    reloaded.record("c9", Grade.GOOD, "review", 1, T0 + timedelta(days=90))
    assert all(json.loads(line) for line in log.read_text().splitlines())
    assert len(log.read_text().splitlines()) == 5


def test_undo_takes_back_the_last_answer_everywhere(tmp_path):
    store = fresh(tmp_path)
    first = store.record("c1", Grade.GOOD, "flash", 1, T0)
    before = dict(store.states)
    second = store.record("c1", Grade.AGAIN, "flash", 1, T0 + timedelta(minutes=11))
    store.undo(second, T0 + timedelta(minutes=12))
    assert store.states == before
    store.checkpoint()
    assert fresh(tmp_path).states == Scheduler().replay([first])
    (tmp_path / "state.json").unlink()
    assert fresh(tmp_path).states == Scheduler().replay([first])


def test_merge_is_idempotent_and_commutative(tmp_path):
    a, b = fresh(tmp_path / "a"), fresh(tmp_path / "b")
    events_a = answer_many(a, 15, T0, "x")
    events_b = answer_many(b, 15, T0 + timedelta(minutes=30), "x")
    doc_a = export_document(events_a, T0)
    doc_b = export_document(events_b, T0)

    def load(doc):
        return read_export(json.dumps(doc), "doc.json")

    assert fresh(tmp_path / "a").merge(load(doc_b)) == 15
    assert fresh(tmp_path / "a").merge(load(doc_b)) == 0  # the same file twice: no change
    assert fresh(tmp_path / "b").merge(load(doc_a)) == 15
    merged_a, merged_b = fresh(tmp_path / "a"), fresh(tmp_path / "b")
    assert merged_a.states == merged_b.states
    assert (tmp_path / "a" / "reviews.jsonl").read_bytes() == (
        tmp_path / "b" / "reviews.jsonl"
    ).read_bytes()


def test_reset_one_deck_keeps_a_backup(tmp_path):
    store = fresh(tmp_path)
    answer_many(store, 10)
    original = (tmp_path / "reviews.jsonl").read_bytes()
    removed, backup = store.reset({"c0", "c1"}, T0)
    assert removed == 4
    assert backup.read_bytes() == original
    assert set(fresh(tmp_path).states) == {"c2", "c3", "c4"}


def test_read_export_rejects_what_is_not_an_export():
    with pytest.raises(ProgressError, match=r"^x\.json: not a progress export \(invalid JSON"):
        read_export("{", "x.json")
    for empty in ("", " \n"):  # (it said "invalid JSON: Expecting value: line 1 column 1")
        with pytest.raises(ProgressError, match=r"^x\.json: empty, not a progress export"):
            read_export(empty, "x.json")
    with pytest.raises(ProgressError, match=r"^x\.json: written by a newer mlprep"):
        read_export('{"kind": "mlprep-progress", "format": 2, "events": []}', "x.json")
    for header, what in (("", "no 'format'"), ('"format": 1.0, ', "a 'format' that is not")):
        with pytest.raises(ProgressError, match=rf"^x\.json: not a progress export \({what}"):
            read_export('{"kind": "mlprep-progress", ' + header + '"events": []}', "x.json")
    with pytest.raises(ProgressError, match="not a whole number"):
        read_export('{"kind": "mlprep-progress", "format": true, "events": []}', "x.json")
    with pytest.raises(ProgressError, match=r"^x\.json: event 1: not a review event"):
        read_export('{"kind": "mlprep-progress", "format": 1, "events": [{"v": 1}]}', "x.json")


def test_a_write_that_cannot_finish_leaves_no_partial_line(tmp_path):
    """RLIMIT_FSIZE makes the write short, as a full disk would."""
    store = fresh(tmp_path)
    answer_many(store, 2)
    size = (tmp_path / "reviews.jsonl").stat().st_size
    script = f"""
import resource, signal
from datetime import datetime, UTC
from mlprep.progress import ProgressStore
from mlprep.model import Grade
from mlprep.errors import ProgressError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, ({size + 20}, {size + 20}))
store = ProgressStore(__import__("pathlib").Path({str(tmp_path)!r}))
try:
    store.record("c1", Grade.GOOD, "review", 1, datetime(2026, 5, 1, tzinfo=UTC))
except ProgressError as error:
    print(error)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.startswith(f"cannot save your answer to {tmp_path / 'reviews.jsonl'}: ")
    assert (tmp_path / "reviews.jsonl").stat().st_size == size
    assert len(ProgressStore(tmp_path).events()) == 2


def test_every_line_stores_the_state_a_replay_gives(tmp_path):
    store = fresh(tmp_path)
    events = answer_many(store, 20)
    undone = store.record("c1", Grade.AGAIN, "flash", 1, T0 + timedelta(days=30))
    store.undo(undone, T0 + timedelta(days=30, minutes=1))
    lines = [json.loads(line) for line in (tmp_path / "reviews.jsonl").read_text().splitlines()]
    assert all(line["v"] == 2 and "state" in line for line in lines)
    assert store.stale_states() == []
    assert store.states == Scheduler().replay(
        [e for e in ProgressStore(tmp_path).events() if not e.undoes and e.id != undone.id]
    )
    assert ProgressStore(tmp_path).events()[:20] == events  # handed back as saved


def test_an_answer_dated_before_the_last_one_reorders_its_card(tmp_path):
    store = fresh(tmp_path)
    answer_many(store, 10)
    past = store.record("c2", Grade.GOOD, "quiz", 1, T0 - timedelta(days=3))
    store.record("c2", Grade.HARD, "quiz", 1, T0 + timedelta(days=60))
    assert past.state is None  # its state depends on answers logged before it
    expected = Scheduler().replay(store.events())
    assert store.states == expected
    assert fresh(tmp_path).states == expected
    (tmp_path / "state.json").unlink()
    assert fresh(tmp_path).states == expected


def test_a_stored_state_that_disagrees_with_a_replay_is_found(tmp_path):
    store = fresh(tmp_path)
    answer_many(store, 10)
    log = tmp_path / "reviews.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    data = json.loads(lines[4])
    data["state"][2] += 1.0  # stability
    lines[4] = json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n"
    log.write_text("".join(lines))
    assert [e.id for e in ProgressStore(tmp_path).stale_states()] == [data["id"]]


def test_a_cold_start_takes_the_stored_states_without_replaying(tmp_path, monkeypatch):
    store = fresh(tmp_path)
    answer_many(store, 30)
    expected = dict(store.states)
    (tmp_path / "state.json").unlink()

    def no_replay(*args):
        raise AssertionError("replayed")

    monkeypatch.setattr(Scheduler, "review", no_replay)
    assert fresh(tmp_path).states == expected


def test_a_cold_start_takes_or_replays_each_kind_of_last_line(tmp_path, monkeypatch):
    """A card's last line may be an undo back to new (it stores []), an undo back to an
    earlier state (stored), or an answer whose stored state was written at another time (not
    taken: the card's lines are read in full, and that one is named)."""
    store = fresh(tmp_path)
    answer_many(store, 20)
    first = store.record("n1", Grade.GOOD, "review", 5, T0 + timedelta(days=9))
    store.undo(first, T0 + timedelta(days=9, minutes=1))  # n1: new again
    store.record("b1", Grade.GOOD, "review", 5, T0 + timedelta(days=9))
    second = store.record("b1", Grade.EASY, "review", 5, T0 + timedelta(days=10))
    store.undo(second, T0 + timedelta(days=10, minutes=1))  # b1: back to its first answer
    expected = dict(store.states)
    assert "n1" not in expected and expected["b1"].reps == 1
    (tmp_path / "state.json").unlink()
    replayed = []
    replay_cards = ProgressStore._replay_cards
    monkeypatch.setattr(
        ProgressStore,
        "_replay_cards",
        lambda self, cards: replayed.append(cards) or replay_cards(self, cards),
    )
    assert fresh(tmp_path).states == expected
    assert not any(replayed)  # every state as stored: no card replayed
    log = tmp_path / "reviews.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    data = json.loads(lines[19])  # c4's last answer
    assert data["card"] == "c4"
    data["state"][5] += 60.0  # its last review a minute later than the line says
    lines[19] = json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n"
    log.write_text("".join(lines))
    (tmp_path / "state.json").unlink()
    with pytest.raises(ProgressError, match=r"reviews\.jsonl:20: .*'state' is not the state af"):
        fresh(tmp_path)


def test_a_cold_starts_snapshot_holds_its_states(tmp_path):
    """The rows a cold start writes (most as read from the log, replayed cards' from their
    new states) are those its states give."""
    store = fresh(tmp_path)
    answer_many(store, 20)
    store.record("c2", Grade.GOOD, "quiz", 1, T0 - timedelta(days=3))  # c2 replayed
    first = store.record("n1", Grade.GOOD, "review", 5, T0 + timedelta(days=9))
    store.undo(first, T0 + timedelta(days=9, minutes=1))  # n1: new again
    (tmp_path / "state.json").unlink()
    cold = fresh(tmp_path)
    written = json.loads((tmp_path / "state.json").read_bytes())
    assert sorted(written["cards"]) == sorted(cold.states) == [f"c{n}" for n in range(5)]
    cold._write_snapshot()
    assert json.loads((tmp_path / "state.json").read_bytes()) == written


@pytest.mark.parametrize(
    ("damage", "error"),
    [
        # a date of the right shape that is no date
        (lambda line: re.sub(r'"at":"2026-\d\d', '"at":"2026-13', line), ""),
        (lambda line: re.sub(r"T\d\d:", "T24:", line, count=1), ""),
        (lambda line: re.sub(r"(T\d\d):\d\d", r"\1:75", line, count=1), ""),
        (lambda line: line.replace('"state":["', '"state":[}"'), "corrupt line"),
    ],
    ids=["impossible date", "hour 24", "minute 75", "damaged state"],
)
def test_a_damaged_last_line_of_a_card_is_named_on_a_cold_start(tmp_path, damage, error):
    store = fresh(tmp_path)
    answer_many(store, 10)
    log = tmp_path / "reviews.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    lines[9] = damage(lines[9])
    log.write_text("".join(lines))
    (tmp_path / "state.json").unlink()
    with pytest.raises(ProgressError, match=r"reviews\.jsonl:10: " + error):
        fresh(tmp_path)


@pytest.mark.parametrize(
    ("pattern", "replacement"),
    [(r'"at":"2026-\d\d', '"at":"2026-13'), (r"T\d\d:", "T24:"), (r"(T\d\d):\d\d", r"\1:75")],
    ids=["month 13", "hour 24", "minute 75"],
)
def test_an_impossible_date_in_the_log_is_named_when_stats_are_counted(
    tmp_path, pattern, replacement
):
    store = fresh(tmp_path)
    answer_many(store, 10)
    store.checkpoint()  # the snapshot holds every line: only the count reads them again
    log = tmp_path / "reviews.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    lines[4] = re.sub(pattern, replacement, lines[4], count=1)  # (the same length)
    log.write_text("".join(lines))
    (tmp_path / "totals.json").unlink(missing_ok=True)  # counted from the whole log
    with pytest.raises(ProgressError, match=r"reviews\.jsonl:5: "):
        ProgressStore(tmp_path).answer_totals()


def test_a_format_1_log_still_loads(tmp_path):
    store = fresh(tmp_path)
    answer_many(store, 12)
    expected = dict(store.states)
    log = tmp_path / "reviews.jsonl"
    old = []
    for line in log.read_text().splitlines():
        data = json.loads(line)
        del data["state"]
        old.append(json.dumps({**data, "v": 1}, separators=(",", ":"), sort_keys=True))
    log.write_text("\n".join(old) + "\n")
    (tmp_path / "state.json").unlink()
    assert fresh(tmp_path).states == expected


def test_two_sessions_on_one_card_keep_the_chain_of_states(tmp_path):
    first, second = fresh(tmp_path), fresh(tmp_path)
    for number in range(6):
        store = (first, second)[number % 2]
        store.record("c1", Grade((number % 4) + 1), "review", 1, T0 + timedelta(days=number))
    assert first.stale_states() == []
    expected = Scheduler().replay(first.events())
    assert second.states == expected  # each took in the other's answers before its own
    (tmp_path / "state.json").unlink()
    assert fresh(tmp_path).states == expected


def test_a_merge_replays_only_the_cards_with_new_answers(tmp_path, monkeypatch):
    here, there = fresh(tmp_path / "here"), fresh(tmp_path / "there")
    answer_many(here, 20, T0, "a")
    answer_many(there, 6, T0 + timedelta(minutes=30), "a")  # interleaves with a0..a4
    mine = answer_many(there, 5, T0, "b")
    incoming = read_export(json.dumps(export_document(there.events(), T0)), "x.json")
    replayed = []
    review = Scheduler.review_row_us  # (what review() and every replay go through)
    monkeypatch.setattr(
        Scheduler,
        "review_row_us",
        lambda self, prev, card, *a: replayed.append(card) or review(self, prev, card, *a),
    )
    target = ProgressStore(tmp_path / "here")
    assert target.merge([e for e in incoming if e.card.startswith("a")]) == 6
    assert set(replayed) == {f"a{i}" for i in range(5)}  # the five cards that got answers
    monkeypatch.setattr(Scheduler, "review_row_us", review)
    assert target.merge(incoming) == len(mine)
    assert target.stale_states() == []
    merged = target.events()
    assert [e.when for e in merged] == sorted(e.when for e in merged)
    assert target.states == Scheduler().replay(merged)
    (tmp_path / "here" / "state.json").unlink()
    assert fresh(tmp_path / "here").states == target.states


def test_temp_files_left_by_a_killed_writer_are_removed_at_start(tmp_path):
    store = fresh(tmp_path)
    answer_many(store, 3)
    stale = [tmp_path / ".reviews.jsonl.k1ll3d.tmp", tmp_path / ".state.json.abc123.tmp"]
    for path in stale:
        path.write_text("half a merge")
    keep = tmp_path / "notes.tmp"
    keep.write_text("not ours")
    fresh(tmp_path)
    assert [path.exists() for path in stale] == [False, False]
    assert keep.exists()


def test_a_whole_unended_last_event_survives_the_next_start_and_answer(tmp_path):
    store = fresh(tmp_path)
    events = answer_many(store, 3)
    log = tmp_path / "reviews.jsonl"
    log.write_bytes(log.read_bytes()[:-1])  # the last newline never reached the disk
    (tmp_path / "state.json").unlink()
    reloaded = fresh(tmp_path)
    assert log.read_bytes().endswith(b"}\n")  # ended at start
    assert reloaded.warnings == [] and reloaded.states == Scheduler().replay(events)
    reloaded.record("c4", Grade.GOOD, "review", 1, T0 + timedelta(days=9))
    assert [e.id for e in ProgressStore(tmp_path).events()][:3] == [e.id for e in events]


def test_the_streamed_export_is_the_export_document(tmp_path):
    store = fresh(tmp_path)
    events = answer_many(store, 5)
    store.undo(events[-1], T0 + timedelta(days=9))
    log = tmp_path / "reviews.jsonl"
    log.write_bytes(log.read_bytes()[:-1])  # a whole last event without its newline
    text = "".join(ProgressStore(tmp_path).export_chunks(T0))
    assert json.loads(text) == export_document(ProgressStore(tmp_path).events(), T0)
    assert read_export(text, "x.json") == ProgressStore(tmp_path).events()
    empty = ProgressStore(tmp_path / "none")
    assert json.loads("".join(empty.export_chunks(T0)))["events"] == []
    assert empty.exported == 0


def test_a_merge_checks_the_new_events_and_skips_those_already_here(tmp_path):
    from mlprep.exportdoc import read_export_document

    store = fresh(tmp_path)
    mine = answer_many(store, 4)
    other = ProgressStore(tmp_path / "other").load()
    theirs = answer_many(other, 2, T0 + timedelta(minutes=5), "x")
    items = [json.loads(e.to_json()) for e in mine + theirs]
    items[0]["grade"] = "not checked: this answer is already here"
    document = read_export_document(json.dumps(export_document([], T0) | {"events": items}), "f")
    assert ProgressStore(tmp_path).merge(document) == 2
    assert ProgressStore(tmp_path).events() == sorted(mine + theirs, key=lambda e: (e.when, e.id))
    items.append({**items[-1], "id": "f" * 32, "at": "9999-01-01T00:00:00Z"})
    before = (tmp_path / "reviews.jsonl").read_bytes()
    with pytest.raises(ProgressError, match=r"^f: event 7: not a review event \('at' must lie"):
        ProgressStore(tmp_path).merge(ExportDocumentOf(items))
    assert (tmp_path / "reviews.jsonl").read_bytes() == before


def ExportDocumentOf(items):  # noqa: N802  (reads like the class it builds)
    from mlprep.exportdoc import ExportDocument

    return ExportDocument(items, "f")


def test_drill_answers_store_no_state_and_leave_schedules_alone(tmp_path):
    from mlprep.reviewlog import schedules

    store = fresh(tmp_path)
    answer_many(store, 6)
    drill = store.record("c1", Grade.AGAIN, "drill", 1, T0 + timedelta(days=20))
    assert drill.state is None
    drilled = store.record("c2", Grade.AGAIN, "drill", 1, T0 + timedelta(days=21))
    store.undo(drilled, T0 + timedelta(days=21, minutes=1))
    store.record("c1", Grade.GOOD, "review", 1, T0 + timedelta(days=22))
    expected = Scheduler().replay(
        [e for e in effective(ProgressStore(tmp_path).events()) if schedules(e)]
    )
    assert store.states == expected
    assert store.stale_states() == []
    (tmp_path / "state.json").unlink()
    assert fresh(tmp_path).states == expected


def test_a_streamed_export_merges_reading_only_its_new_lines(tmp_path):
    from mlprep.exportdoc import read_export_document

    here, there = fresh(tmp_path / "here"), fresh(tmp_path / "there")
    answer_many(here, 6)
    text = "".join(here.export_chunks(T0))
    ProgressStore(tmp_path / "there").merge(read_export_document(text, "a.json"))
    answer_many(there, 3, T0 + timedelta(minutes=9), "z")
    text = "".join(ProgressStore(tmp_path / "there").export_chunks(T0))
    lines = text.split("\n")
    lines[1] = lines[1][:30] + "garbage," + lines[1][30:]  # an answer already here: not read
    document = read_export_document("\n".join(lines), "b.json")
    assert document.lines and len(document) == 9
    assert ProgressStore(tmp_path / "here").merge(document) == 3
    assert fresh(tmp_path / "here").states == Scheduler().replay(
        ProgressStore(tmp_path / "there").events()
    )
    lines = text.split("\n")
    lines[2] = lines[2].replace('"grade":', '"grade":x')  # new to an empty store: read, refused
    with pytest.raises(ProgressError, match=r"^c\.json: event 2: not a review event \(invalid"):
        ProgressStore(tmp_path / "empty").merge(read_export_document("\n".join(lines), "c.json"))
    assert not (tmp_path / "empty" / "reviews.jsonl").exists()
    two_on_a_line = text.replace("},\n{", "},{", 1)  # not one event per line: read as JSON
    document = read_export_document(two_on_a_line, "d.json")
    assert not document.lines and len(document) == 9


@pytest.mark.parametrize("block", [64, 300, 1000, 1 << 20])
def test_passes_over_the_log_agree_whatever_its_blocks(tmp_path, monkeypatch, block):
    """Merge, export and a cold start read the log in blocks of whole lines, taking a block of
    lines as this program writes them at once and other lines one by one. Blocks that split
    the log anywhere (a line longer than a block, blocks with and without odd lines) give the
    same files and states as one block holding everything."""
    import shutil

    from mlprep import reviewlog
    from mlprep.exportdoc import read_export_document

    base = fresh(tmp_path / "base")
    events = answer_many(base, 24, T0, "a")
    base.undo(events[-1], T0 + timedelta(days=8))
    base.record("a1", Grade.GOOD, "drill", 5, T0 + timedelta(days=9))  # stores no state
    base.record("a2", Grade.HARD, "quiz", 5, T0 + timedelta(days=9, hours=1), answer="x" * 90)
    log = tmp_path / "base" / "reviews.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    data = json.loads(lines[3])
    del data["state"]  # a format 1 line in the middle: read in full
    lines[3] = json.dumps({**data, "v": 1}) + "\n"
    log.write_text("".join(lines))
    there = fresh(tmp_path / "there")
    answer_many(there, 9, T0 + timedelta(minutes=90), "a")  # interleaves with the answers here
    document = json.dumps(export_document(there.events(), T0))

    def run(name: str, size: int):
        monkeypatch.setattr(reviewlog, "SCAN_BLOCK", size)
        # small blocks: the cold start's scan split between two processes too
        monkeypatch.setattr(reviewlog, "PARALLEL_SCAN", 0 if size < 1 << 20 else 1 << 40)
        shutil.copytree(tmp_path / "base", tmp_path / name)
        store = ProgressStore(tmp_path / name)
        store.merge(read_export_document(document, "there.json"))
        exported = "".join(store.export_chunks(T0))
        (tmp_path / name / "state.json").unlink()
        return (tmp_path / name / "reviews.jsonl").read_bytes(), exported, fresh(tmp_path / name)

    merged, exported, cold = run("small", block)
    assert (merged, exported) == run("whole", 1 << 30)[:2]
    answers = [e for e in effective(cold.events()) if e.mode != "drill"]
    assert cold.states == Scheduler().replay(answers)
    assert cold.stale_states() == []


def test_an_export_file_is_read_in_passes_and_a_change_in_between_is_caught(tmp_path, monkeypatch):
    from mlprep.exportdoc import read_export_file
    from mlprep.reviewlog import ReviewLog

    there = fresh(tmp_path / "there")
    answer_many(there, 5)
    # braces in an answer: that line's block is checked line by line
    there.record("c9", Grade.GOOD, "review", 5, T0 + timedelta(days=3), answer="{'a': 1} }{")
    path = tmp_path / "there.json"
    path.write_text("".join(there.export_chunks(T0)))
    document = read_export_file(path, "there.json")
    assert document.items.data is None  # the lines stay in the file until needed
    assert fresh(tmp_path / "here").merge(document) == 6
    assert ProgressStore(tmp_path / "here").events() == there.events()

    changed = read_export_file(path, "there.json")
    text = path.read_text()
    first_id = there.events()[0].id
    absent = ReviewLog.absent

    def change_then_absent(self, ids, *args, **kwargs):
        # between laying out the lines (ids and places) and reading those to add
        path.write_text(text.replace(first_id, "f" * len(first_id)))  # same places, other ids
        return absent(self, ids, *args, **kwargs)

    monkeypatch.setattr(ReviewLog, "absent", change_then_absent)
    with pytest.raises(ProgressError, match="changed while it was being read"):
        fresh(tmp_path / "elsewhere").merge(changed)


def test_snapshot_and_totals_documents_read_back_as_json_wrote_them():
    from mlprep.progress import _json_bytes

    document = {
        "format": 1,
        "last_id": "é\u2028",
        "cards": {"a": ["review", 1770655732.138, 0.212, 6.4133, None, 1e-07, 1.5e16, 1, 0]},
    }
    assert json.loads(_json_bytes(document)) == document
    # an integer orjson cannot write: json writes it instead
    huge = {"settings": {"plan": {"data": {"n": 2**70}}}}
    assert _json_bytes(huge) == json.dumps(huge, separators=(",", ":")).encode()


def test_an_export_line_not_starting_an_object_is_read_as_json_and_braces_line_by_line(tmp_path):
    from mlprep.exportdoc import read_export_document

    here = fresh(tmp_path / "here")
    answer_many(here, 3)
    here.record("b1", Grade.GOOD, "quiz", 5, T0 + timedelta(days=9), answer="{x} and {y}")
    text = "".join(here.export_chunks(T0))
    braces = read_export_document(text, "a.json")  # an answer with braces: line by line
    assert braces.lines and len(braces) == 4
    assert [event.answer for event in braces.events()][-1] == "{x} and {y}"
    lines = text.split("\n")
    lines[2] = " " + lines[2]  # a line that does not start an object: the whole file as JSON
    indented = read_export_document("\n".join(lines), "b.json")
    assert not indented.lines and len(indented) == 4
    assert [e.id for e in indented.events()] == [e.id for e in braces.events()]


def test_the_export_in_bytes_is_the_export_text_in_utf8(tmp_path):
    store = fresh(tmp_path)
    answer_many(store, 3)
    store.record("c9", Grade.GOOD, "review", 5, T0 + timedelta(days=3), answer="bayes: p(θ|x)")
    store.record_setting("plan", {"interview": "2026-04-01", "minutes": 30}, T0)
    whole = b"".join(store.export_bytes(T0))  # every line passed through
    assert json.loads(whole) == export_document(store.events(), T0)
    log = tmp_path / "reviews.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    # a line written by hand (spaces after the colons): not passed through, written anew
    lines[1] = json.dumps(json.loads(lines[1])).encode() + b"\n"
    log.write_bytes(b"".join(lines))
    again = ProgressStore(tmp_path)
    data = b"".join(again.export_bytes(T0))
    assert again.exported == 5
    assert data.decode() == "".join(ProgressStore(tmp_path).export_chunks(T0))
    assert "p(θ|x)" in json.loads(data)["events"][3]["answer"]
    assert b'", "card": "' not in data  # the hand-written line as this program writes it
    assert json.loads(data) == export_document(ProgressStore(tmp_path).events(), T0)


def test_an_export_names_a_line_of_the_log_that_is_not_utf8(tmp_path):
    store = fresh(tmp_path)
    for day in range(3):
        store.record("c1", Grade.GOOD, "quiz", 5, T0 + timedelta(days=day), answer="ok")
    log = tmp_path / "reviews.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(b'"answer":"ok"', b'"answer":"o\xff"')  # as long as before
    log.write_bytes(b"".join(lines))
    with pytest.raises(ProgressError, match=r"reviews\.jsonl:2: corrupt line"):
        b"".join(ProgressStore(tmp_path).export_bytes(T0))


def marked(path, mark):
    return ProgressStore(path / "progress", checked_mark=mark).load()


def counting_row_checks(monkeypatch) -> list[int]:
    """How many rows each full check of a snapshot's rows looked at, from now on."""
    import mlprep.progress as progress_module

    calls: list[int] = []
    real = progress_module.rows_problem
    monkeypatch.setattr(
        progress_module, "rows_problem", lambda rows: calls.append(len(rows)) or real(rows)
    )
    return calls


def test_a_snapshot_this_program_wrote_is_not_checked_again(tmp_path, monkeypatch):
    mark = tmp_path / "cache" / "snapshot.checked"
    store = marked(tmp_path, mark)
    answer_many(store, 12)
    store.checkpoint()  # writes the snapshot and its mark
    good = dict(store.states)
    checks = counting_row_checks(monkeypatch)
    assert marked(tmp_path, mark).states == good
    assert checks == []  # the same bytes: their rows passed when they were written
    assert ProgressStore(tmp_path / "progress").load().states == good
    assert checks == [5]  # a store without a mark checks every time


def test_a_snapshot_changed_after_its_mark_is_checked_in_full(tmp_path, monkeypatch):
    mark = tmp_path / "cache" / "snapshot.checked"
    store = marked(tmp_path, mark)
    answer_many(store, 12)
    store.checkpoint()
    good = dict(store.states)
    snapshot = tmp_path / "progress" / "state.json"
    data = json.loads(snapshot.read_text())
    row = data["cards"]["c1"]
    row[7], row[8] = 1, 2  # more lapses than reviews: a row no writer of ours makes
    damaged = json.dumps(data, separators=(",", ":"))
    snapshot.write_text(damaged)
    checks = counting_row_checks(monkeypatch)
    reloaded = marked(tmp_path, mark)
    assert checks[:1] == [5] and reloaded.states == good  # checked, refused, rebuilt
    assert reloaded.warnings == [f"{snapshot}: unreadable; rebuilt from the review log"]
    done = len(checks)
    assert marked(tmp_path, mark).states == good and len(checks) == done  # the rebuilt: marked


def test_a_mark_from_another_version_is_not_trusted(tmp_path, monkeypatch):
    import mlprep.progress as progress_module

    mark = tmp_path / "cache" / "snapshot.checked"
    store = marked(tmp_path, mark)
    answer_many(store, 12)
    store.checkpoint()
    monkeypatch.setattr(progress_module, "__version__", "99.0")
    checks = counting_row_checks(monkeypatch)
    marked(tmp_path, mark)
    assert checks == [5]  # checked in full (its checks may differ from this version's)
    marked(tmp_path, mark)
    assert checks == [5]  # and marked for this version


def test_a_merge_says_each_thing_it_noticed_once(tmp_path):
    """A merge reads the log several times (its state, the ids it holds, the pass): an
    unfinished last line is reported once, not at each reading."""
    store = fresh(tmp_path)
    for number in range(4):
        store.record(f"c{number}", Grade.GOOD, "review", 1, T0 + timedelta(hours=number))
    with open(tmp_path / "reviews.jsonl", "a") as log:
        log.write('{"at":"2026-03-03T09:00:00.000Z","card":"c1"')  # (a crash mid-write)
    new = [ReviewEvent.new("c1", Grade.HARD, "review", 1, T0 + timedelta(minutes=30))]
    target = ProgressStore(tmp_path)
    assert target.merge(new) == 1
    unfinished = [w for w in target.warnings if "unfinished last line" in w]
    assert len(unfinished) == 1, target.warnings
