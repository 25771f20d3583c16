"""A merge's pass shared with a second process (logmerge.StreamingMerge.write with a child
from lookahead) writes the very bytes and states the general path writes (and the pass alone),
on logs with the lines a block is read line by line for, with any split of the cards between
the processes, and leaves no process behind."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
from datetime import UTC, datetime, timedelta

import pytest

from mlprep import logmerge, reviewlog
from mlprep.exportdoc import ExportDocument, read_export_file
from mlprep.logmerge import Careful, StreamingMerge
from mlprep.model import Grade
from mlprep.progress import ProgressStore
from mlprep.reviewlog import ReviewEvent
from tests.mergepaths import general_merges
from tests.processes import children_at_start, no_process_left  # noqa: F401  (autouse)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CARDS = [f"k{number}" for number in range(8)]


def record_history(directory, rng: random.Random, count: int, drills: bool = False) -> None:
    store = ProgressStore(directory).load()
    moment = T0
    for _ in range(count):
        moment += timedelta(minutes=rng.choice([0, 0, 1, 30, 600, 3000]))
        mode = "drill" if drills and rng.random() < 0.2 else rng.choice(["review", "quiz"])
        answer = rng.choice([None, "a } { brace", 'q "at":"x"'])
        store.record(rng.choice(CARDS), Grade(rng.randint(1, 4)), mode, 5, moment, answer)
    store.checkpoint()


def new_events(directory, rng: random.Random, count: int, cards=None) -> list[ReviewEvent]:
    times = [event.when for event in ProgressStore(directory).events()] or [T0]
    events = []
    for _ in range(count):
        pick = rng.random()
        if pick < 0.3:
            moment = rng.choice(times)
        elif pick < 0.4:
            moment = rng.choice(times) + timedelta(microseconds=rng.randint(1, 999))
        else:
            moment = T0 + timedelta(minutes=rng.uniform(-60, 60 * 24 * 40))
        card = rng.choice(cards or [*CARDS, "fresh"])
        events.append(ReviewEvent.new(card, Grade(rng.randint(1, 4)), "review", 5, moment))
    return events


class Run:
    """One merge of `events` into a copy of `base`: by the general path, by the pass alone,
    or by the pass shared with a second process (with the cards of `split` replayed there)."""

    def __init__(self, tmp_path, monkeypatch, base) -> None:
        self.tmp_path = tmp_path
        self.monkeypatch = monkeypatch
        self.base = base

    def merge(self, name: str, events, how: str, split=None):
        directory = self.tmp_path / name
        shutil.copytree(self.base, directory)
        with self.monkeypatch.context() as patch:
            if how == "general":

                def general(self, added, *unchecked):
                    raise Careful

                patch.setattr(ProgressStore, "_merge_streaming", general)
            taken = general_merges(patch)
            patch.setattr(logmerge, "MIN_BYTES", 0 if how == "shared" else 1 << 62)
            if split is not None:
                share = StreamingMerge._share

                def forced(self, size):
                    share(self, size)
                    for card in self.cards.values():
                        card.side = int(split(card.id))

                patch.setattr(StreamingMerge, "_share", forced)
            if how == "general":

                def whole(self, log_path):  # (every event line read by id)
                    if self.pending is not None:
                        self._lay_out(self.pending[0], 0)
                    return 0

                patch.setattr(ExportDocument, "match", whole)
            store = ProgressStore(directory)
            store.merge(events(directory) if callable(events) else events)
        no_process_left()
        return store, (directory / "reviews.jsonl").read_bytes(), bool(taken)

    def check(self, events, *splits, streamed: bool = True) -> None:
        """All three ways give the same log and states, the pass shared once for each of
        `splits` (none given: the split as it is; a failure names the split by its place
        among them); `streamed`: the pass (alone and shared) took the merge without the
        general path. The general path and the pass alone do not depend on the split: they
        run once for all of them."""
        slow, slow_log, _ = self.merge("general", events, "general")
        alone, alone_log, alone_general = self.merge("alone", events, "alone")
        assert slow.stale_states() == []  # (the general path's states are the replay's)
        assert alone_log == slow_log
        assert alone.states == slow.states
        if streamed:
            assert not alone_general
        for number, split in enumerate(splits or (None,), start=1):
            shared, shared_log, shared_general = self.merge("shared", events, "shared", split)
            assert shared_log == slow_log, f"split {number}"
            assert shared.states == slow.states, f"split {number}"
            assert [w.replace("/shared/", "/") for w in shared.warnings] == [
                w.replace("/alone/", "/") for w in alone.warnings
            ], f"split {number}"
            if streamed:
                assert not shared_general, f"split {number}"
            shutil.rmtree(self.tmp_path / "shared")
        for name in ("general", "alone"):
            shutil.rmtree(self.tmp_path / name)


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setattr(reviewlog, "SCAN_BLOCK", 400)
    return Run(tmp_path, monkeypatch, tmp_path / "base")


SPLITS = {
    "by cost": None,  # (StreamingMerge._share as it is)
    "alternate": lambda card: card[-1:] in "13579",
    "all-child": lambda card: True,
    "none-child": lambda card: False,
}


@pytest.mark.parametrize("seed", range(2))
def test_random_shared(run, seed):
    """Each split of SPLITS (a failure names its place there) on one history and merge: the
    general path and the pass alone do not depend on the split."""
    rng = random.Random(seed)
    record_history(run.base, rng, 60, drills=False)
    events = new_events(run.base, rng, 10)
    run.check(events, *SPLITS.values())


def spaced(line: str) -> str:
    """The same event as another program may write it (spaces after separators)."""
    return json.dumps(json.loads(line), sort_keys=True) + "\n"


def format_one(line: str) -> str:
    data = json.loads(line)
    data.pop("state", None)
    data["v"] = 1
    return json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n"


def odd_log(
    run, rng: random.Random, odd_cards: set[str], ending: str, replayable: bool = False
) -> None:
    """A history with odd lines on `odd_cards`: lines spaced out, format 1 lines, blank
    lines, settings events, drill answers, undos, and an `ending` (torn, no newline, or
    none); `replayable`: only lines the streaming pass replays (spaced, blank, settings)."""
    store = ProgressStore(run.base).load()
    moment = T0
    for number in range(70):
        moment += timedelta(minutes=rng.choice([0, 1, 30, 600]))
        card = rng.choice(CARDS)
        drill = card in odd_cards and rng.random() < 0.3 and not replayable
        mode = "drill" if drill else "review"
        answered = store.record(card, Grade(rng.randint(1, 4)), mode, 5, moment)
        if number % 17 == 5:
            store.record_setting("plan", {"minutes": number}, moment)
        if card in odd_cards and number % 11 == 3 and not replayable:
            store.undo(answered, moment + timedelta(seconds=1))
            moment += timedelta(seconds=1)
    store.checkpoint()
    log = run.base / "reviews.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    out = []
    for line in lines:
        card = json.loads(line)["card"]
        if card in odd_cards and rng.random() < 0.3:
            line = spaced(line) if replayable else rng.choice([spaced, format_one])(line)
        out.append(line)
        if rng.random() < 0.05:
            out.append(rng.choice(["\n", "   \n"]))
    if ending != "whole":
        while not out[-1].strip():  # (the ending on an event's line)
            out.pop()
    text = "".join(out)
    if ending == "torn":
        text += '{"at":"2026-'
    elif ending == "no newline":
        text = text[:-1]
    log.write_text(text)


@pytest.mark.parametrize("ending", ["torn", "no newline", "whole"])
@pytest.mark.parametrize("seed", range(2))
def test_odd_lines(run, seed, ending):
    rng = random.Random(seed)
    odd = {"k6", "k7"}  # lines only of unaffected cards
    odd_log(run, rng, odd, ending)
    events = new_events(run.base, rng, 10, cards=["k0", "k1", "k2", "k3", "fresh"])
    run.check(events, SPLITS["alternate"], SPLITS["all-child"])


@pytest.mark.parametrize("ending", ["torn", "no newline", "whole"])
@pytest.mark.parametrize("seed", range(2))
def test_odd_lines_affected(run, seed, ending):
    rng = random.Random(seed)
    odd = {"k0", "k1"}
    odd_log(run, rng, odd, ending)
    events = new_events(run.base, rng, 10, cards=["k0", "k1", "k2", "k3", "fresh"])
    run.check(events, SPLITS["alternate"], SPLITS["all-child"], streamed=False)


def setting_naming_a_later_time(run, between: bool) -> list[ReviewEvent]:
    """k0's answer, then a setting whose data holds `"at":"<k2's time>"`, then (`between`)
    k1's answer, then k2's; new answers to k1 (`between`) and k3 just before k2's line."""
    run.monkeypatch.setattr(reviewlog, "SCAN_BLOCK", 1 << 20)  # (all in one block)
    store = ProgressStore(run.base).load()
    later = T0 + timedelta(hours=3)
    key = later.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    store.record("k0", Grade.GOOD, "review", 5, T0)
    store.record_setting("params", {"at": key}, T0 + timedelta(hours=1))
    if between:
        store.record("k1", Grade.GOOD, "review", 5, T0 + timedelta(hours=2))
    store.record("k2", Grade.GOOD, "review", 5, later)
    store.checkpoint()
    events = [
        ReviewEvent.new("k3", Grade.EASY, "review", 5, T0 + timedelta(minutes=170)),
        ReviewEvent.new("k0", Grade.GOOD, "review", 5, T0 + timedelta(hours=5)),
        ReviewEvent.new("k2", Grade.GOOD, "review", 5, T0 + timedelta(hours=6)),
    ]
    if between:
        events.insert(0, ReviewEvent.new("k1", Grade.HARD, "review", 5, later - timedelta(1)))
    return sorted(events, key=lambda event: (event.when, event.id))


def test_a_setting_naming_a_later_time_does_not_move_a_new_answer(run):
    """A new answer goes before the first line with a later time, whichever process
    replayed the lines before it (here the child, k1's): a time named in a setting's data is
    not taken for that line's (the pass leaves such a block to the general path)."""
    events = setting_naming_a_later_time(run, between=True)
    run.check(events, lambda card: card == "k1", streamed=False)


def test_a_setting_naming_a_later_time_does_not_move_a_new_answer_alone(run):
    events = setting_naming_a_later_time(run, between=False)
    run.check(events, lambda card: False, streamed=False)


def test_the_general_path_reads_every_answer_of_a_card_in_a_block_of_odd_lines(run):
    run.monkeypatch.setattr(reviewlog, "SCAN_BLOCK", 1 << 20)
    store = ProgressStore(run.base).load()
    store.record("k0", Grade.GOOD, "review", 5, T0)
    store.record("k6", Grade.GOOD, "review", 5, T0 + timedelta(hours=1))
    store.record("k0", Grade.AGAIN, "review", 5, T0 + timedelta(hours=2))
    store.record_setting("plan", {"card": "k5", "minutes": 30}, T0 + timedelta(hours=3))
    store.checkpoint()
    log = run.base / "reviews.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    lines[1] = spaced(lines[1])  # (as another program writes it)
    log.write_text("".join(lines))
    events = [
        ReviewEvent.new(c, Grade.GOOD, "review", 5, T0 + timedelta(days=1)) for c in CARDS[:3]
    ]
    run.check(events, SPLITS["alternate"])


@pytest.mark.parametrize("ending", ["torn", "no newline", "whole"])
@pytest.mark.parametrize("seed", range(2))
def test_odd_lines_of_affected_cards_replayed_by_either_process(run, seed, ending):
    """Lines of affected cards read in full (spaced out), blank lines and settings among
    them: each process replays its own cards' lines, and the parent alone drops the blank
    and torn lines and ends a last line."""
    rng = random.Random(seed)
    odd_log(run, rng, {"k0", "k1", "k2"}, ending, replayable=True)
    events = new_events(run.base, rng, 10, cards=["k0", "k1", "k2", "k3", "fresh"])
    run.check(events, SPLITS["alternate"], lambda card: card in ("k0", "k2"))


@pytest.mark.parametrize("seed", range(2))
def test_drill_answers_with_a_second_process(run, seed):
    """Drill answers store no state and change none: the replay passes over them."""
    rng = random.Random(seed)
    record_history(run.base, rng, 50, drills=True)
    events = new_events(run.base, rng, 8)
    run.check(events, SPLITS["alternate"], streamed=False)


@pytest.mark.parametrize("child", ["k0", "k1"])
def test_a_drill_answer_after_a_new_answer_is_replayed_over(run, child):
    store = ProgressStore(run.base).load()
    for hours, card, mode in [
        (0, "k0", "review"),
        (0, "k1", "drill"),
        (2, "k0", "drill"),
        (2, "k1", "review"),
        (3, "k0", "review"),
        (3, "k2", "review"),
        (4, "k1", "drill"),
    ]:
        store.record(card, Grade.HARD, mode, 5, T0 + timedelta(hours=hours))
    store.checkpoint()
    events = [
        ReviewEvent.new("k0", Grade.EASY, "review", 5, T0 + timedelta(hours=1)),
        ReviewEvent.new("k1", Grade.AGAIN, "review", 5, T0 + timedelta(hours=3)),
        ReviewEvent.new("k2", Grade.GOOD, "review", 5, T0 + timedelta(hours=4)),
        ReviewEvent.new("k1", Grade.GOOD, "drill", 5, T0 + timedelta(hours=4)),
    ]
    run.check(sorted(events, key=lambda e: (e.when, e.id)), lambda card: card == child)


@pytest.mark.parametrize("spaced_line", [False, True])
@pytest.mark.parametrize("block", [300, 1 << 20])
def test_new_answers_of_both_sides_in_one_millisecond(run, spaced_line, block):
    """New answers of the two sides' cards at one place (the same millisecond as lines
    here, and after the last line) keep their order (time, then id) in the merged log,
    whether the block is looked at lightly or read line by line."""
    run.monkeypatch.setattr(reviewlog, "SCAN_BLOCK", block)
    store = ProgressStore(run.base).load()
    for number in range(12):
        store.record(CARDS[number % 4], Grade.GOOD, "review", 5, T0 + timedelta(hours=number // 3))
    store.checkpoint()
    if spaced_line:
        log = run.base / "reviews.jsonl"
        lines = log.read_text().splitlines(keepends=True)
        lines[4] = spaced(lines[4])
        log.write_text("".join(lines))
    same = [T0 + timedelta(hours=1), T0 + timedelta(hours=1, microseconds=300)]
    events = [
        ReviewEvent.new(CARDS[number % 5], Grade(number % 4 + 1), "review", 5, moment)
        for number in range(10)
        for moment in [same[number % 2], T0 + timedelta(hours=9)]
    ]
    run.check(events, SPLITS["alternate"])


def exported_with(directory, extra: list[str]):
    """An export document of the log in `directory` with these event lines added."""
    text = "".join(ProgressStore(directory).export_chunks(T0)).removesuffix("\n]}\n")
    text += "".join(",\n" + line for line in extra) + "\n]}\n"

    def document(into):
        path = into.parent / f"{into.name}.json"
        path.write_text(text)
        return read_export_file(path, "x.json")

    return document


@pytest.mark.parametrize("twin_at", [2, 30])
def test_an_export_naming_a_copied_id_again_with_a_second_process(run, twin_at):
    """An export of this log with new answers, one of them an event whose id a copied line
    holds (in the first blocks or later ones): found by whichever look holds it, and the
    event is not added twice."""
    rng = random.Random(5)
    record_history(run.base, rng, 40)
    lines = (run.base / "reviews.jsonl").read_text().splitlines()
    early = json.loads(lines[twin_at])
    twin = early | {"grade": early["grade"] % 4 + 1, "at": "2026-03-05T10:00:00.000Z"}
    twin.pop("state")
    extra = [event.to_json() for event in new_events(run.base, rng, 6)]
    run.check(exported_with(run.base, [*extra, json.dumps(twin)]), SPLITS["alternate"])
    run.check(exported_with(run.base, extra), SPLITS["alternate"])


def test_an_export_merged_where_the_log_is_empty_with_a_second_process(run):
    run.base.mkdir()
    events = [
        ReviewEvent.new(card, Grade.GOOD, "review", 5, T0 + timedelta(hours=number))
        for number, card in enumerate(CARDS)
    ]
    run.check(events, SPLITS["alternate"])
    (run.base / "reviews.jsonl").write_text("")
    run.check(events, SPLITS["alternate"])
    (run.base / "reviews.jsonl").write_text("\n\n")
    run.check(events, SPLITS["alternate"])


@pytest.mark.parametrize("shared", [False, True])
@pytest.mark.parametrize(
    "line, damage",
    [(14, '"at":"2026-03-02T11:00:00.00"Z"'), (16, '"grade":x'), (11, '"grade":x')],
)
def test_a_corrupt_line_stops_a_merge_a_second_process_shares(run, shared, line, damage):
    """A line that cannot be read (a time on any line, read line by line; a grade on a
    line of a card replayed from before it, by whichever process replays it) stops the
    merge with its file and line, as the pass alone does, the log left as it was."""
    from mlprep.errors import ProgressError

    store = ProgressStore(run.base).load()
    for number in range(30):
        store.record(CARDS[number % 5], Grade.GOOD, "review", 5, T0 + timedelta(hours=number))
    store.checkpoint()
    log = run.base / "reviews.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    field = damage.split(":")[0]
    lines[line] = re.sub(field + r':("[^"]*"|\d)', lambda _: damage, lines[line], count=1)
    log.write_text("".join(lines))
    before = log.read_bytes()
    events = [
        ReviewEvent.new(card, Grade.HARD, "review", 5, T0 + timedelta(hours=7, minutes=30))
        for card in CARDS[:3]
    ]
    run.monkeypatch.setattr(logmerge, "MIN_BYTES", 0 if shared else 1 << 62)

    def k1_there(self, size):  # (k1's lines replayed by the second process)
        for card in self.cards.values():
            card.side = int(card.id == "k1")

    run.monkeypatch.setattr(StreamingMerge, "_share", k1_there)
    with pytest.raises(ProgressError, match=rf"reviews\.jsonl:{line + 1}: "):
        ProgressStore(run.base).merge(events)
    assert log.read_bytes() == before
    no_process_left()


@pytest.mark.parametrize("where", ["_changes", "_tail", "totals"])
def test_an_interrupted_merge_leaves_no_process_and_the_log_as_it_was(run, where):
    """Ctrl-C in this process midway through the pass (or while it counts the totals as the
    new log goes to disk): the child is stopped and waited for, and nothing is written."""
    parent = os.getpid()
    rng = random.Random(3)
    record_history(run.base, rng, 60)
    log = run.base / "reviews.jsonl"
    before = log.read_bytes()
    events = new_events(run.base, rng, 8, cards=CARDS[:4])
    ProgressStore(run.base).load()
    files = sorted(path.name for path in run.base.iterdir())
    calls = []

    def interrupting(original):
        def method(self, *args):
            calls.append(1)
            if os.getpid() == parent and (len(calls) >= 3 or where != "_changes"):
                raise KeyboardInterrupt
            return original(self, *args)

        return method

    if where == "totals":
        run.monkeypatch.setattr(
            ProgressStore, "_totals_after_merge", interrupting(ProgressStore._totals_after_merge)
        )
    else:
        original = getattr(StreamingMerge, where)
        run.monkeypatch.setattr(StreamingMerge, where, interrupting(original))
    run.monkeypatch.setattr(logmerge, "MIN_BYTES", 0)
    with pytest.raises(KeyboardInterrupt):
        ProgressStore(run.base).merge(events)
    assert calls
    no_process_left()
    assert log.read_bytes() == before
    assert sorted(path.name for path in run.base.iterdir()) == files


@pytest.mark.parametrize("when", ["first block", "ending"])
@pytest.mark.parametrize("how", ["exits", "killed", "raises"])
def test_a_second_process_that_dies_leaves_the_merge_to_the_general_path(run, when, how):
    """A child that dies before its first result or after its last block's (at its ending)
    is lost: this process cannot take its cards over, the general path writes the log."""
    import signal

    rng = random.Random(11)
    record_history(run.base, rng, 40)
    events = new_events(run.base, rng, 8, cards=CARDS[:5])
    name = "_their_block" if when == "first block" else "_their_ending"

    def dying(self, *args):
        if how == "exits":
            os._exit(3)
        if how == "killed":
            os.kill(os.getpid(), signal.SIGKILL)
        raise MemoryError

    run.monkeypatch.setattr(StreamingMerge, name, dying)  # (only the child calls it)
    slow, slow_log, _ = run.merge("general", events, "general")
    shared, shared_log, general_taken = run.merge("shared", events, "shared", SPLITS["alternate"])
    assert general_taken
    assert shared_log == slow_log and shared.states == slow.states


def streamed(path, events, shared: bool, split, monkeypatch) -> tuple[bytes, dict]:
    """StreamingMerge.write itself over the log at `path` (as it is: no store repairs its
    last line first), alone or shared with a child replaying the cards `split` picks."""
    from mlprep.reviewlog import ReviewLog
    from mlprep.scheduler import Scheduler

    with monkeypatch.context() as patch:
        patch.setattr(logmerge, "MIN_BYTES", 0 if shared else 1 << 62)

        def forced(self, size):
            for card in self.cards.values():
                card.side = int(split(card.id))

        patch.setattr(StreamingMerge, "_share", forced)
        merging = StreamingMerge(ReviewLog(path), Scheduler(), sorted(events, key=_order))
        pieces: list[bytes] = []
        merging.write(pieces.append)
    no_process_left()
    return b"".join(pieces), {"final": merging.final, "last": merging.last_id}


def _order(event: ReviewEvent) -> tuple:
    return (event.when, event.id)


@pytest.mark.parametrize("last_card", ["k0", "k1", "k5"])
@pytest.mark.parametrize("ending", ["no newline", "spaced, no newline", "torn", "blank"])
def test_a_last_line_as_a_crash_left_it_with_a_second_process(run, last_card, ending):
    """The last line as the pass meets it where nothing repaired it: a whole event without
    its newline (of a card either process replays, or of none) gets one, once; a torn line
    or a blank one is dropped, once; new answers after it follow it."""
    store = ProgressStore(run.base).load()
    for number in range(20):
        card = CARDS[number % 3] if number < 19 else last_card
        store.record(card, Grade.GOOD, "review", 5, T0 + timedelta(hours=number))
    log = run.base / "reviews.jsonl"
    text = log.read_text()
    if ending == "spaced, no newline":
        lines = text.splitlines(keepends=True)
        text = "".join(lines[:-1]) + spaced(lines[-1])
    if ending == "torn":
        text += '{"at":"2026-03-09T'
    elif ending == "blank":
        text += "  \n"
    else:
        text = text[:-1]
    log.write_text(text)
    events = [
        ReviewEvent.new(card, Grade.HARD, "review", 5, T0 + timedelta(hours=hours))
        for card, hours in [("k0", 3.5), ("k1", 10.5), ("k2", 30), ("k6", 30), ("k1", 31)]
    ]
    for split in [lambda card: card in ("k1", "k6"), lambda card: card in ("k0", "k2")]:
        alone = streamed(log, events, False, split, run.monkeypatch)
        shared = streamed(log, events, True, split, run.monkeypatch)
        assert shared == alone
        assert shared[0].endswith(b"\n") and b"\n\n" not in shared[0]
        assert shared[0].count(b"\n") == 20 + len(events)  # (each event once)


@pytest.mark.parametrize("shared", [False, True])
def test_a_format_one_line_after_a_new_answer_is_replayed_once(run, shared):
    store = ProgressStore(run.base).load()
    for hours, card in [(0, "k0"), (0, "k1"), (2, "k0"), (3, "k2"), (4, "k0"), (5, "k0")]:
        store.record(card, Grade.GOOD, "review", 5, T0 + timedelta(hours=hours))
    store.checkpoint()
    log = run.base / "reviews.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    assert '"card":"k0"' in lines[4]
    lines[4] = format_one(lines[4])  # k0's answer at 4h, as format 1 stored it
    log.write_text("".join(lines))
    events = [
        ReviewEvent.new(card, Grade.HARD, "review", 5, T0 + timedelta(hours=1, minutes=n))
        for n, card in enumerate(CARDS[:3])
    ]
    run.check(events, SPLITS["alternate"] if shared else lambda card: False)
