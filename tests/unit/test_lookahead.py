"""A second process that shares a merge's pass (the looks at the log's blocks and the replays
of half of the cards) gives the files the pass gives alone; when it stops midway or cuts the
blocks otherwise, the general path gives them; and it is always waited for."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta

import pytest

from mlprep import logmerge, reviewlog
from mlprep.logmerge import StreamingMerge
from mlprep.model import Grade
from mlprep.progress import ProgressStore
from mlprep.reviewlog import ReviewEvent
from mlprep.scheduler import Scheduler
from tests.mergepaths import general_merges
from tests.processes import children_at_start, no_process_left  # noqa: F401  (autouse)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def base(tmp_path, monkeypatch):
    monkeypatch.setattr(reviewlog, "SCAN_BLOCK", 600)  # (a few lines a block)
    store = ProgressStore(tmp_path / "base").load()
    for number in range(60):
        at = T0 + timedelta(hours=5 * number)
        store.record(f"k{number % 7}", Grade(number % 4 + 1), "review", 5, at)
    store.checkpoint()
    return tmp_path / "base"


NEW = [
    ReviewEvent.new(f"k{n % 3}", Grade(n % 4 + 1), "review", 5, T0 + timedelta(hours=31 * n))
    for n in range(1, 9)
]


def merged(tmp_path, name: str, ahead: bool, monkeypatch) -> bytes:
    shutil.copytree(tmp_path / "base", tmp_path / name)
    with monkeypatch.context() as patch:
        patch.setattr(logmerge, "MIN_BYTES", 0 if ahead else 1 << 62)
        ProgressStore(tmp_path / name).merge(NEW)
    no_process_left()
    return (tmp_path / name / "reviews.jsonl").read_bytes()


def test_a_second_process_sharing_the_work_gives_the_same_log(tmp_path, base, monkeypatch):
    replayed_here = []
    review = Scheduler.review_row_us
    monkeypatch.setattr(
        Scheduler,
        "review_row_us",
        lambda self, row, card, *a: replayed_here.append(card) or review(self, row, card, *a),
    )
    taken = general_merges(monkeypatch)
    ahead = merged(tmp_path, "ahead", True, monkeypatch)
    assert not taken
    here = set(replayed_here)
    replayed_here.clear()
    assert ahead == merged(tmp_path, "itself", False, monkeypatch)
    # (the child replayed the other cards: this process saw only its own)
    assert here and here < set(replayed_here) == {event.card for event in NEW}


def test_a_second_process_that_stops_midway_leaves_the_merge_to_the_general_path(
    tmp_path, base, monkeypatch
):
    parent = os.getpid()
    look = StreamingMerge._look
    calls = []

    def stopping(self, start, block):
        calls.append(start)
        if os.getpid() != parent and len(calls) == 3:
            raise RuntimeError("the second process stops")
        return look(self, start, block)

    monkeypatch.setattr(StreamingMerge, "_look", stopping)
    taken = general_merges(monkeypatch)
    ahead = merged(tmp_path, "ahead", True, monkeypatch)
    assert taken  # (its cards' replays cannot be taken over midway)
    assert ahead == merged(tmp_path, "itself", False, monkeypatch)


def test_a_second_process_that_cuts_other_blocks_is_not_used(tmp_path, base, monkeypatch):
    parent, blocks = os.getpid(), reviewlog.ReviewLog.blocks

    def other_starts(log):
        if os.getpid() == parent:
            yield from blocks(log)
            return
        with open(log.path, "rb") as handle:  # (the child: blocks that start elsewhere)
            for position, data, size in reviewlog.line_blocks(handle, 7):
                yield position, data[:size]

    monkeypatch.setattr(reviewlog.ReviewLog, "blocks", other_starts)
    taken = general_merges(monkeypatch)
    ahead = merged(tmp_path, "ahead", True, monkeypatch)
    assert taken
    assert ahead == merged(tmp_path, "itself", False, monkeypatch)


def test_a_card_the_second_process_cannot_replay_stops_the_streaming_merge(
    tmp_path, base, monkeypatch
):
    """An undo of an affected card is seen by whichever process replays that card."""
    store = ProgressStore(tmp_path / "base").load()
    # k0: the third affected card, which the second process replays
    answer = store.record("k0", Grade.GOOD, "review", 5, T0 + timedelta(days=20))
    store.undo(answer, T0 + timedelta(days=20, hours=1))
    taken = general_merges(monkeypatch)
    ahead = merged(tmp_path, "ahead", True, monkeypatch)
    assert taken
    assert ahead == merged(tmp_path, "itself", False, monkeypatch)


def test_a_merge_that_stops_waits_for_its_second_process(tmp_path, base, monkeypatch):
    def careful(self, data):
        raise logmerge.Careful

    monkeypatch.setattr(StreamingMerge, "_new", careful)  # (the general path takes over)
    assert merged(tmp_path, "ahead", True, monkeypatch) == merged(
        tmp_path, "itself", False, monkeypatch
    )


def test_the_work_is_shared_by_its_cost(tmp_path):
    """The child takes the looks at every block; it replays cards only where this process's
    part would otherwise take longer, and then cards spread over the whole log, not its
    first ones."""
    store = ProgressStore(tmp_path).load()
    added = [
        ReviewEvent.new(f"c{n}", Grade.GOOD, "review", 5, T0 + timedelta(minutes=n))
        for n in range(300)
    ]
    # 3,000 lines of affected cards, answered over the day before and the day after the
    # new answers (about half of them replayed)
    first, last = (T0 - timedelta(days=1)).timestamp(), (T0 + timedelta(days=1)).timestamp()
    answered = {f"c{n}": (9, first, last) for n in range(300)}

    def sides(size: int) -> list[int]:
        merging = StreamingMerge(store.log, Scheduler(), added, answered=answered)
        merging._share(size)
        return [card.side for card in merging.cards.values()]

    assert sum(sides(1 << 30)) == 0  # a large log, few answers: the looks are its part
    shared = sides(1 << 20)  # a small log: about half of the cards
    assert 120 <= sum(shared) <= 150
    assert 40 <= sum(shared[:100]) <= 60 and 40 <= sum(shared[-100:]) <= 60
    middle = sides(10 << 20)  # in between: fewer
    assert 0 < sum(middle) < sum(shared)
