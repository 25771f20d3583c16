"""The merge's streaming pass gives exactly the files and states the general path gives (read
the affected cards' events, replay them, rewrite the log), on random interleavings."""

from __future__ import annotations

import json
import random
import re
import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from mlprep import logmerge, reviewlog
from mlprep.errors import ProgressError
from mlprep.logmerge import Careful
from mlprep.model import Grade
from mlprep.progress import ProgressStore, effective
from mlprep.reviewlog import ReviewEvent, schedules
from mlprep.scheduler import Scheduler
from tests.mergepaths import general_merges

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CARDS = [f"k{number}" for number in range(6)]


def history(rng: random.Random, directory, count: int, drills: bool) -> None:
    """Answers on a few cards at random times (some in the same millisecond)."""
    store = ProgressStore(directory).load()
    moment = T0
    for _ in range(count):
        moment += timedelta(minutes=rng.choice([0, 0, 1, 30, 600, 3000]))
        mode = "drill" if drills and rng.random() < 0.15 else rng.choice(["review", "quiz"])
        answer = rng.choice([None, None, "a } { brace", "plain words"])
        store.record(rng.choice(CARDS), Grade(rng.randint(1, 4)), mode, 5, moment, answer)
    store.checkpoint()


def incoming(rng: random.Random, directory, count: int) -> list[ReviewEvent]:
    """New answers spread over the log's period: some at the very time of a line there, some
    with a time finer than a millisecond, on cards with and without answers here."""
    times = [event.when for event in ProgressStore(directory).events()] or [T0]
    events = []
    for _ in range(count):
        pick = rng.random()
        if pick < 0.3:
            moment = rng.choice(times)  # the same millisecond as an answer here
        elif pick < 0.4:
            moment = rng.choice(times) + timedelta(microseconds=rng.randint(1, 999))
        else:
            moment = T0 + timedelta(minutes=rng.uniform(-60, 60 * 24 * 40))
        card = rng.choice([*CARDS, "fresh"])
        events.append(ReviewEvent.new(card, Grade(rng.randint(1, 4)), "review", 5, moment))
    return events


def merged(tmp_path, name, events, streaming: bool, monkeypatch):
    shutil.copytree(tmp_path / "base", tmp_path / name)
    with monkeypatch.context() as patch:
        if not streaming:

            def general(self, added, *unchecked):
                raise Careful

            patch.setattr(ProgressStore, "_merge_streaming", general)
        store = ProgressStore(tmp_path / name)
        store.merge(events)
    return store


@pytest.mark.parametrize("seed", range(40))
def test_the_streaming_merge_writes_what_a_replay_writes(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    monkeypatch.setattr(reviewlog, "SCAN_BLOCK", rng.choice([200, 1000, 1 << 20]))
    # every other seed with the looks at blocks taken ahead by a second process (lookahead)
    monkeypatch.setattr(logmerge, "MIN_BYTES", 0 if seed % 2 else 1 << 62)
    history(rng, tmp_path / "base", rng.randint(0, 40), drills=seed % 4 == 0)
    events = incoming(rng, tmp_path / "base", rng.randint(1, 12))
    taken = general_merges(monkeypatch)
    fast = merged(tmp_path, "fast", events, True, monkeypatch)
    if seed % 4:
        assert not taken  # no drills: the streaming pass took every one of these
    slow = merged(tmp_path, "slow", events, False, monkeypatch)
    log = (tmp_path / "fast" / "reviews.jsonl").read_bytes()
    assert log == (tmp_path / "slow" / "reviews.jsonl").read_bytes()
    assert fast.states == slow.states
    assert fast.stale_states() == []
    answers = [e for e in effective(fast.events()) if schedules(e)]
    assert fast.states == Scheduler().replay(answers)
    assert ProgressStore(tmp_path / "fast").load().states == fast.states
    (tmp_path / "fast" / "state.json").unlink()
    assert ProgressStore(tmp_path / "fast").load().states == fast.states


def test_an_undo_on_an_affected_card_takes_the_general_path(tmp_path, monkeypatch):
    store = ProgressStore(tmp_path / "base").load()
    first = store.record("k1", Grade.GOOD, "review", 5, T0)
    store.record("k1", Grade.GOOD, "review", 5, T0 + timedelta(days=2))
    store.undo(first, T0 + timedelta(days=3))  # (out of place: its card is replayed)
    store.record("k2", Grade.HARD, "review", 5, T0 + timedelta(days=4))
    new = ReviewEvent.new("k1", Grade.EASY, "review", 5, T0 + timedelta(days=1))
    fast = merged(tmp_path, "fast", [new], True, monkeypatch)
    slow = merged(tmp_path, "slow", [new], False, monkeypatch)
    assert (tmp_path / "fast" / "reviews.jsonl").read_bytes() == (
        tmp_path / "slow" / "reviews.jsonl"
    ).read_bytes()
    assert fast.states == slow.states and fast.stale_states() == []


def test_a_line_whose_state_a_replay_would_change_is_rewritten(tmp_path, monkeypatch):
    """Stored states are trusted up to a card's first new answer only: from there on every
    line gets the state the replay gives, and one that disagrees is found."""
    store = ProgressStore(tmp_path / "base").load()
    for day in range(6):
        store.record("k1", Grade.GOOD, "review", 5, T0 + timedelta(days=day * 3))
    log = tmp_path / "base" / "reviews.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    event = reviewlog.complete_event(lines[4].encode())
    assert event is not None and event.state is not None
    damaged = replace(event, state=(*event.state[:2], event.state[2] + 1.0, *event.state[3:]))
    lines[4] = damaged.to_json() + "\n"
    log.write_text("".join(lines))
    assert [e.id for e in ProgressStore(tmp_path / "base").stale_states()] == [event.id]
    new = ReviewEvent.new("k1", Grade.HARD, "review", 5, T0 + timedelta(days=4))
    fast = merged(tmp_path, "fast", [new], True, monkeypatch)
    assert fast.stale_states() == []


def merge_into_damaged_log(tmp_path, days: int, damage, new: ReviewEvent, error: str) -> None:
    """Answers to k0 and k1 on alternate days, line 6 damaged by `damage` (a function of the
    line) after the snapshot took it in: merging `new` must stop with `error` and leave the log
    as it was."""
    from mlprep.errors import ProgressError

    store = ProgressStore(tmp_path).load()
    for day in range(days):
        store.record(f"k{day % 2}", Grade.GOOD, "review", 5, T0 + timedelta(days=day))
    store.checkpoint()  # the snapshot covers the damaged line: only the merge reads it
    log = tmp_path / "reviews.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    lines[5] = damage(lines[5])
    log.write_text("".join(lines))
    before = log.read_bytes()
    with pytest.raises(ProgressError, match=error):
        ProgressStore(tmp_path).merge([new])
    assert log.read_bytes() == before


@pytest.mark.parametrize("damage", ['"state":[}', '"grade":x'])
def test_a_corrupt_line_of_a_card_with_new_answers_stops_the_merge(tmp_path, damage):
    new = ReviewEvent.new("k1", Grade.HARD, "review", 5, T0 + timedelta(days=2, hours=1))
    merge_into_damaged_log(
        tmp_path,
        8,
        lambda line: line.replace(damage.split(":")[0] + ":", damage, 1),
        new,
        r"reviews\.jsonl:6: corrupt line",
    )


@pytest.mark.parametrize("bad", ['.00"Z', ".000+0"])
def test_a_line_whose_time_cannot_be_read_stops_the_merge(tmp_path, bad):
    """A time that is not one as this program writes it (a quote in it, an offset) is not
    taken on a light look, even in the middle of a block in time order: the line is read in
    full and named."""
    # (an answer to the other card: that line would be copied as it is on a light look)
    new = ReviewEvent.new("k0", Grade.HARD, "review", 5, T0 + timedelta(days=1, hours=1))
    merge_into_damaged_log(
        tmp_path,
        12,
        lambda line: line.replace('.000Z"', bad + '"', 1),
        new,
        r"reviews\.jsonl:6: ",
    )


# a time of the right shape that names no date, sorting after the later lines (the light look
# finds the block out of order) or still in order (the look takes it, the replay reads it)
_MONTH_13 = (r'"at":"(\d{4})-\d\d', r'"at":"\1-13')
_HOUR_24 = (r"T\d\d:", "T24:")


@pytest.mark.parametrize(
    ("damage", "card", "day"),
    [
        (_MONTH_13, "k1", 2),
        (_MONTH_13, "k1", 8),
        (_MONTH_13, "k0", 2),
        (_HOUR_24, "k1", 2),
        (_HOUR_24, "k1", 8),
    ],
    ids=[
        "month 13, replayed",
        "month 13, resumed from",
        "month 13, another card's",
        "hour 24, replayed",
        "hour 24, resumed from",
    ],
)
def test_a_line_naming_no_date_stops_the_merge_with_its_place(tmp_path, damage, card, day):
    """A line with a time that names no date, which the merge replays, resumes from or has
    to read to place the new answer: the merge stops naming the line, not with "unexpected
    ValueError". (An in-order line the merge copies unread is named by the next full read.)"""
    new = ReviewEvent.new(card, Grade.HARD, "review", 5, T0 + timedelta(days=day, hours=1))
    merge_into_damaged_log(
        tmp_path,
        12,
        lambda line: re.sub(*damage, line, count=1),
        new,
        r"reviews\.jsonl:6: not a review event \('at' is not a time",
    )


def test_a_merge_into_a_long_history_says_so_before_it_starts(tmp_path, monkeypatch):
    from mlprep import progress

    heard: list[str] = []
    store = ProgressStore(tmp_path, notify=heard.append).load()
    for day in range(4):
        store.record("k0", Grade.GOOD, "review", 5, T0 + timedelta(days=day))
    size = (tmp_path / "reviews.jsonl").stat().st_size
    monkeypatch.setattr(progress, "LONG_MERGE_BYTES", size)
    new = [
        ReviewEvent.new("k1", Grade.GOOD, "review", 5, T0 + timedelta(days=1, hours=n))
        for n in (1, 2)
    ]
    assert store.merge(new) == 2
    assert heard == ["Merging 2 new answers..."]  # (a log under 1 MB: its size not said)
    monkeypatch.setattr(progress, "LONG_MERGE_BYTES", size * 2)  # (now longer: still under)
    heard.clear()
    assert store.merge([ReviewEvent.new("k1", Grade.EASY, "review", 5, T0)]) == 1
    assert heard == []


def test_a_merge_of_many_new_answers_says_so_before_it_starts(tmp_path, monkeypatch):
    """388,000 new answers merged into a short log took 25 s without a word."""
    from mlprep import progress

    heard: list[str] = []
    store = ProgressStore(tmp_path, notify=heard.append).load()
    store.record("k0", Grade.GOOD, "review", 5, T0)
    monkeypatch.setattr(progress, "LONG_MERGE_EVENTS", 3)
    new = [ReviewEvent.new("k1", Grade.GOOD, "review", 5, T0 + timedelta(hours=n)) for n in (1, 2)]
    assert store.merge(new) == 2
    assert heard == []
    new = [
        ReviewEvent.new("k2", Grade.GOOD, "review", 5, T0 + timedelta(hours=n)) for n in (1, 2, 3)
    ]
    assert store.merge(new) == 3
    assert heard == ["Merging 3 new answers..."]


def long_gap_history(directory) -> None:
    """k1 answered on six days, long before the answers merged in below; k0 every day."""
    store = ProgressStore(directory).load()
    for day in range(30):
        if day < 6:
            store.record("k1", Grade.GOOD, "review", 5, T0 + timedelta(days=day, hours=1))
        store.record("k0", Grade.HARD, "review", 5, T0 + timedelta(days=day, hours=2))
    store.checkpoint()


def test_a_card_last_answered_before_its_new_answer_resumes_from_its_last_line_alone(
    tmp_path, monkeypatch
):
    """Its older lines are kept unread (a new answer on a card last seen months ago needs only
    the state on its last line), and the log is what the general path writes."""
    long_gap_history(tmp_path / "base")
    new = ReviewEvent.new("k1", Grade.EASY, "review", 5, T0 + timedelta(days=40))
    read = []
    affected = logmerge.StreamingMerge._affected
    monkeypatch.setattr(
        logmerge.StreamingMerge,
        "_affected",
        lambda self, line, position: read.append(line) or affected(self, line, position),
    )
    fast = merged(tmp_path, "fast", [new], True, monkeypatch)
    assert [line[7:31] for line in read] == [b"2026-03-07T10:00:00.000Z"]  # its day-5 line
    slow = merged(tmp_path, "slow", [new], False, monkeypatch)
    assert (tmp_path / "fast" / "reviews.jsonl").read_bytes() == (
        tmp_path / "slow" / "reviews.jsonl"
    ).read_bytes()
    assert fast.states == slow.states and fast.states["k1"].reps == 7


def test_a_snapshot_that_puts_a_cards_last_answer_later_than_the_log_does_is_not_followed(
    tmp_path, monkeypatch
):
    """Where the snapshot's time of a card's last answer is later than its last line's, the
    line it would resume from is never found: the general path takes the merge."""
    long_gap_history(tmp_path / "base")
    snapshot = tmp_path / "base" / "state.json"
    document = json.loads(snapshot.read_text())
    document["cards"]["k1"][5] += 10 * 86400.0  # its last answer ten days later
    snapshot.write_text(json.dumps(document))
    new = ReviewEvent.new("k1", Grade.EASY, "review", 5, T0 + timedelta(days=40))
    taken = general_merges(monkeypatch)
    merged(tmp_path, "fast", [new], True, monkeypatch)
    assert taken == [1]
    merged(tmp_path, "slow", [new], False, monkeypatch)
    assert (tmp_path / "fast" / "reviews.jsonl").read_bytes() == (
        tmp_path / "slow" / "reviews.jsonl"
    ).read_bytes()


@pytest.mark.parametrize("seed", range(3))
def test_a_rewritten_state_is_written_as_json_writes_it(seed):
    """The pass writes each replayed state with orjson where that gives json's bytes; a
    number in exponent form (which the two write differently), a NaN or an infinity goes
    the slow way. Any row: what json.dumps writes."""
    rng = random.Random(seed)

    def number():
        return rng.choice(
            [
                rng.uniform(0, 40_000),
                rng.uniform(1e9, 2e9),
                10.0 ** rng.randint(-9, 18) * rng.random(),
                rng.choice([0.0, -0.0, 1e-5, 1e16, 1e-4, float("nan"), float("inf")]),
            ]
        )

    for _ in range(3000):
        row = (
            rng.choice(["learning", "review", "relearning", "Zeta", "new"]),
            number(),
            rng.choice([None, number()]),
            rng.choice([None, number()]),
            rng.choice([None, 0, 1, 2]),
            number(),
            number(),
            rng.randint(0, 10**6),
            rng.choice([0, 3, True]),
        )
        expected = json.dumps(list(row), separators=(",", ":")).encode()
        assert logmerge._row_json(row) == expected, row


def _setting(kind: str, data: dict, at: datetime) -> ReviewEvent:
    return ReviewEvent.setting(kind, data, at)


@pytest.mark.parametrize(
    ("kind", "data", "problem"),
    [
        ("params", {"parameters": [0.0] * 21}, "not 21 numbers within FSRS's ranges"),
        ("plan", {"interview": "2026-04-01", "minutes": -3, "decks": []}, "'minutes' must be"),
        ("plan", {"interview": "2026-04-01", "minutes": 30, "decks": "trees"}, "'decks' must"),
        ("plan", {"interview": "2127-01-10", "minutes": 30, "decks": []}, "within two years"),
        ("plan", {"interview": "soon", "minutes": 30, "decks": []}, "must be a date"),
        ("plan", {"interview": "2026-04-01", "minutes": 30, "decks": ["Not A Slug!"]}, "'decks'"),
    ],
)
def test_a_merged_setting_this_program_would_not_make_is_refused_before_writing(
    tmp_path, kind, data, problem
):
    """Out-of-range parameters were written and then stopped every command (optimize --reset
    included); a plan with minutes -3, a string of decks or a date a century away replaced
    the user's own plan."""
    store = ProgressStore(tmp_path).load()
    store.record("c1", Grade.GOOD, "review", 1000, T0)
    before = store.log.path.read_bytes()
    bad = _setting(kind, data, T0 + timedelta(days=1))
    fine = ReviewEvent.new("c2", Grade.GOOD, "review", 1000, T0 + timedelta(hours=1))
    with pytest.raises(ProgressError, match=re.escape(problem)) as raised:
        store.merge([fine, bad])
    assert "nothing was merged" in str(raised.value)
    assert store.log.path.read_bytes() == before


def test_out_of_range_parameters_already_in_the_log_fall_back_to_the_defaults(tmp_path):
    store = ProgressStore(tmp_path).load()
    store.log.append(_setting("params", {"parameters": [0.0] * 21}, T0))
    store.log.append(ReviewEvent.new("c1", Grade.GOOD, "review", 1000, T0 + timedelta(hours=1)))
    loaded = ProgressStore(tmp_path).load()
    assert "the latest fitted parameters are unusable; using the defaults" in loaded.warnings
    assert loaded.states["c1"].reps == 1
