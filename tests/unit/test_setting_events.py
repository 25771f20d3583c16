"""Plan and parameter events: kept in the log beside the answers, the latest in force."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from mlprep.errors import ProgressError
from mlprep.model import Grade
from mlprep.progress import ProgressStore, effective
from mlprep.reviewlog import ReviewLog
from mlprep.scheduler import Scheduler

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FITTED = [0.4, 1.0, 3.0, 12.0, 6.0, 0.6, 2.5, 0.01, 1.7, 0.2, 0.9, 1.6, 0.07, 0.3, 1.5]
FITTED += [0.5, 2.0, 0.5, 0.1, 0.07, 0.2]


def answer_many(store, count, start=T0):
    return [
        store.record(f"c{n % 5}", Grade(n % 4 + 1), "review", 900, start + timedelta(days=n))
        for n in range(count)
    ]


def test_a_plan_event_is_kept_and_survives_the_snapshot(tmp_path):
    store = ProgressStore(tmp_path).load()
    answers = answer_many(store, 6)
    store.record_setting(
        "plan", {"interview": "2026-04-01", "minutes": 30, "decks": []}, T0 + timedelta(days=7)
    )
    states = dict(store.states)
    line = json.loads((tmp_path / "reviews.jsonl").read_text().splitlines()[-1])
    assert {k: line[k] for k in ("card", "grade", "kind", "mode", "ms", "data", "v")} == {
        "card": "@plan",
        "grade": 0,
        "kind": "plan",
        "mode": "plan",
        "ms": 0,
        "data": {"interview": "2026-04-01", "minutes": 30, "decks": []},
        "v": 2,
    }
    again = ProgressStore(tmp_path).load()  # from the snapshot
    assert again.setting("plan") == {"interview": "2026-04-01", "minutes": 30, "decks": []}
    assert again.states == states == Scheduler().replay(answers)
    (tmp_path / "state.json").unlink()  # from the log alone
    assert ProgressStore(tmp_path).load().setting("plan") == {
        "interview": "2026-04-01",
        "minutes": 30,
        "decks": [],
    }
    assert effective(again.events()) == answers


def test_the_latest_plan_wins_whatever_order_merges_leave(tmp_path):
    from mlprep.reviewlog import ReviewEvent

    later = ReviewEvent.setting(
        "plan", {"interview": "2026-05-01", "minutes": 30, "decks": []}, T0 + timedelta(days=2)
    )
    earlier = ReviewEvent.setting(
        "plan", {"interview": "2026-04-01", "minutes": 30, "decks": []}, T0 + timedelta(days=1)
    )
    # a log appended out of time order (a clock set back between the two)
    tmp_path.joinpath("reviews.jsonl").write_text(later.to_json() + "\n" + earlier.to_json() + "\n")
    store = ProgressStore(tmp_path).load()
    assert store.setting("plan") == later.data
    other = ProgressStore(tmp_path / "other").load()
    other.merge([earlier, later])
    assert other.setting("plan") == {"interview": "2026-05-01", "minutes": 30, "decks": []}


def test_parameters_replay_every_card_with_them(tmp_path):
    store = ProgressStore(tmp_path).load()
    answers = answer_many(store, 12)
    store.record_setting("params", {"parameters": FITTED}, T0 + timedelta(days=30))
    expected = Scheduler(FITTED).replay(answers)
    assert expected != Scheduler().replay(answers)
    assert store.states == expected
    assert store.scheduler.parameters == tuple(FITTED)
    assert ProgressStore(tmp_path).load().states == expected
    # later answers are scheduled with them too
    store.record("c1", Grade.GOOD, "review", 900, T0 + timedelta(days=31))
    assert ProgressStore(tmp_path).load().scheduler.parameters == tuple(FITTED)


@pytest.mark.parametrize(
    "extra, problem",
    [
        ({"kind": "dance", "data": {}}, "'kind' must be one of plan, params"),
        ({"kind": "plan", "data": [1]}, "'data' must be an object"),
        ({"kind": "plan"}, "'data' must be an object"),
    ],
)
def test_bad_setting_events_are_named(tmp_path, extra, problem):
    event = {"at": "2026-01-01T00:00:00Z", "card": "@x", "grade": 0, "id": "a", "mode": "plan"}
    (tmp_path / "reviews.jsonl").write_text(json.dumps({**event, "ms": 0, "v": 2, **extra}) + "\n")
    with pytest.raises(ProgressError, match=f":1: not a review event \\({problem}"):
        ReviewLog(tmp_path / "reviews.jsonl").read()


def test_resetting_progress_keeps_the_plan(tmp_path):
    store = ProgressStore(tmp_path).load()
    answer_many(store, 4)
    store.record_setting(
        "plan", {"interview": "2026-04-01", "minutes": 30, "decks": []}, T0 + timedelta(days=7)
    )
    removed, _ = store.reset(None, T0 + timedelta(days=8))
    assert removed == 4 and store.states == {}
    assert ProgressStore(tmp_path).load().setting("plan") == {
        "interview": "2026-04-01",
        "minutes": 30,
        "decks": [],
    }


def test_recent_reads_whole_events_from_the_end_of_the_log(tmp_path):
    store = ProgressStore(tmp_path).load()
    answers = answer_many(store, 40)
    log = ReviewLog(tmp_path / "reviews.jsonl")
    assert log.recent() == answers
    tail = log.recent(max_bytes=1000)  # cuts into a line: that line is skipped
    assert 0 < len(tail) < 40 and tail == answers[-len(tail) :]


def test_a_rebuild_from_the_log_alone_replays_what_new_parameters_changed(tmp_path):
    store = ProgressStore(tmp_path).load()
    answer_many(store, 10)
    store.record_setting("params", {"parameters": FITTED}, T0 + timedelta(days=20))
    store.record("c1", Grade.GOOD, "review", 900, T0 + timedelta(days=21))  # after: stored
    expected = dict(store.states)
    (tmp_path / "state.json").unlink()
    again = ProgressStore(tmp_path).load()
    assert again.states == expected and again.scheduler.parameters == tuple(FITTED)


def test_settings_events_are_not_counted_as_answers(tmp_path):
    store = ProgressStore(tmp_path).load()
    answer_many(store, 3)
    store.record_setting(
        "plan", {"interview": "2026-04-01", "minutes": 30, "decks": []}, T0 + timedelta(days=7)
    )
    totals = store.answer_totals()
    assert sorted(totals.quarters) == ["c0", "c1", "c2"]


def test_a_setting_made_while_a_later_dated_one_is_in_force_takes_effect(tmp_path):
    """A plan set on a machine whose clock was ahead (merged here) stayed in force over a plan
    cleared or set here afterwards ("Plan cleared", and the plan went on): the new event is
    dated just after it, here and wherever it is merged."""
    ahead = ProgressStore(tmp_path / "ahead").load()
    ahead.record_setting("plan", {"interview": "2026-04-01", "minutes": 30}, T0 + timedelta(days=1))
    store = ProgressStore(tmp_path / "here").load()
    store.merge(ahead.events())
    store.record_setting("plan", {"cleared": True}, T0)
    assert store.setting("plan") == {"cleared": True}
    assert ProgressStore(tmp_path / "here").load().setting("plan") == {"cleared": True}
    ahead.merge(store.events())
    assert ProgressStore(tmp_path / "ahead").load().setting("plan") == {"cleared": True}
    later = [event.when for event in store.events() if event.kind]
    assert later[1] - later[0] == timedelta(milliseconds=1)


@pytest.mark.parametrize("how", ["fitted here", "merged before", "merged together"])
def test_a_merge_gives_the_states_an_import_of_the_same_history_gives(tmp_path, how):
    """Answers merged after fitted parameters resumed a card from the state stored on its last
    line before them, which was computed without those parameters (a replay, as an import
    makes, uses them from the card's first answer): the states, and the lines they were
    written to, then differed from an import's of the very same history."""
    from mlprep.reviewlog import ReviewEvent

    here = ProgressStore(tmp_path / "here").load()
    for day in range(3):
        here.record("c1", Grade.GOOD, "review", 900, T0 + timedelta(days=day))
    fitted = {"parameters": FITTED, "source": "history"}
    params = ReviewEvent.setting("params", fitted, T0 + timedelta(days=10))
    there = ProgressStore(tmp_path / "there").load()
    later = [
        there.record("c1", Grade.GOOD, "review", 900, T0 + timedelta(days=12 + day))
        for day in range(2)
    ]
    if how == "fitted here":  # (as optimize records them: the lines keep their states)
        here.record_setting("params", fitted, params.when)
        here.merge(later)
    elif how == "merged before":
        here.merge([params])
        here.merge(later)
    else:
        here.merge([params, *later])
    imported = ProgressStore(tmp_path / "imported").load()
    imported.replace_all(here.events(), T0 + timedelta(days=20))
    assert here.states == imported.states
    assert here.states == Scheduler(FITTED).replay(effective(here.events()))
    (tmp_path / "here" / "state.json").unlink()  # rebuilt from the lines' stored states
    assert ProgressStore(tmp_path / "here").load().states == imported.states
