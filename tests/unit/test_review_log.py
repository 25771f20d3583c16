"""The append-only review log: fsynced lines, torn-tail repair, clear errors on corruption."""

from __future__ import annotations

import functools
import json
import os
from datetime import UTC, datetime

import pytest

from mlprep.errors import ProgressError
from mlprep.model import Grade
from mlprep.reviewlog import ReviewEvent, ReviewLog

NOW = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)


def event(card="c-1", grade=Grade.GOOD):
    return ReviewEvent.new(card, grade, "quiz", 1234, NOW)


def test_events_round_trip_one_json_line_each(tmp_path):
    log = ReviewLog(tmp_path / "p" / "reviews.jsonl")
    first, second = event(), event("c-2", Grade.AGAIN)
    log.append(first)
    log.append(second)
    lines = log.path.read_text().splitlines()
    assert json.loads(lines[0]) == {
        "at": "2026-01-02T03:04:05.678Z",
        "card": "c-1",
        "grade": 3,
        "id": first.id,
        "mode": "quiz",
        "ms": 1234,
        "v": 2,
    }
    assert log.read() == [first, second]
    assert first.when == NOW


def test_a_torn_last_line_is_ignored_then_repaired(tmp_path):
    log = ReviewLog(tmp_path / "reviews.jsonl")
    kept = event()
    log.append(kept)
    with open(log.path, "a") as handle:
        handle.write('{"at":"2026-01-0')
    assert log.read() == [kept]
    assert log.warnings == [
        f"{log.path}:2: ignored an unfinished last line (left by an interrupted write)"
    ]
    later = event("c-3")
    log.append(later)
    assert ReviewLog(log.path).read() == [kept, later]


def test_a_corrupt_middle_line_is_an_error_and_the_file_is_untouched(tmp_path):
    log = ReviewLog(tmp_path / "reviews.jsonl")
    log.append(event())
    with open(log.path, "a") as handle:
        handle.write("garbage\n")
    log.append(event("c-2"))
    before = log.path.read_bytes()
    with pytest.raises(ProgressError, match=r"reviews\.jsonl:2: corrupt line in the review log"):
        log.read()
    assert log.path.read_bytes() == before


def test_a_newer_format_is_refused(tmp_path):
    log = ReviewLog(tmp_path / "reviews.jsonl")
    log.path.write_text('{"v": 3, "id": "x"}\n')
    with pytest.raises(ProgressError, match=r":1: written by a newer mlprep \(log format 3\)"):
        log.read()


def test_an_unwritable_data_dir_is_a_clear_error(tmp_path):
    blocker = tmp_path / "progress"
    blocker.write_text("a file where the progress dir should be")
    log = ReviewLog(blocker / "reviews.jsonl")
    with pytest.raises(ProgressError, match=r"^cannot use the progress dir .*progress: "):
        log.append(event())
    assert blocker.read_text() == "a file where the progress dir should be"


def test_a_whole_last_event_lacking_only_its_newline_is_kept_and_ended(tmp_path):
    log = ReviewLog(tmp_path / "reviews.jsonl")
    first, second = event(), event("c-2")
    log.append(first)
    with open(log.path, "a") as handle:
        handle.write(second.to_json())  # no newline: cut off right at the end
    assert log.read() == [first, second]
    assert log.warnings == []
    third = event("c-3")
    log.append(third)
    assert log.path.read_text().count("\n") == 3
    assert ReviewLog(log.path).read() == [first, second, third]
    assert log.warnings == []


def test_deeply_nested_json_in_the_log_is_a_corrupt_line(tmp_path):
    log = ReviewLog(tmp_path / "reviews.jsonl")
    log.append(event())
    with open(log.path, "a") as handle:
        handle.write("[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(ProgressError, match=r"reviews\.jsonl:2: corrupt line in the review log"):
        log.read()


def test_an_answer_with_control_codes_in_the_log_is_refused(tmp_path):
    log = ReviewLog(tmp_path / "reviews.jsonl")
    log.append(event())
    line = json.loads(event("c-2").to_json()) | {"answer": "\x1b]0;PWNED\x07"}
    with open(log.path, "a") as handle:
        handle.write(json.dumps(line, separators=(",", ":"), sort_keys=True) + "\n")
    with pytest.raises(ProgressError, match=r"reviews\.jsonl:2: not a review event \('answer'"):
        log.read()


def _mixed_log(path, seed, ordered=False):
    """A log of many kinds of lines: as this program writes them (in and out of time order
    unless `ordered`, with and without a state), drill answers, undos, a setting, and lines
    in another layout."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_mixed_lines(seed, ordered))


@functools.cache
def _mixed_lines(seed, ordered):
    """The text of the mixed log of a seed, made once for every block size and split it is
    scanned with."""
    import random
    from dataclasses import replace
    from datetime import timedelta

    from mlprep.scheduler import Scheduler

    rng = random.Random(seed)
    scheduler = Scheduler()  # one for every line: a new one looks up the fsrs version again
    lines = []
    moment = NOW
    for number in range(400):
        step = timedelta(milliseconds=rng.choice([0, 1, 500, 60_000]))
        back = timedelta(days=1) if rng.random() < 0.2 else timedelta(seconds=90)
        moment = moment + step if ordered or rng.random() > 0.03 else moment - back
        card = f"c-{rng.randrange(30)}"
        mode = "drill" if rng.random() < 0.03 else "quiz"
        answer = ReviewEvent.new(card, Grade(rng.randrange(1, 5)), mode, 10, moment)
        if rng.random() < 0.8:
            row = scheduler.review(None, card, int(answer.grade), moment).to_row()
            answer = replace(answer, state=tuple(row))
        kind = rng.random()
        if kind < 0.03:
            undo = ReviewEvent.undo(answer, moment)
            lines.append(replace(undo, state=() if rng.random() < 0.5 else None).to_json())
        elif kind < 0.04:
            lines.append(ReviewEvent.setting("plan", {"n": number}, moment).to_json())
        elif kind < 0.06:  # the same event, keys in another order: read in full
            lines.append(json.dumps(json.loads(answer.to_json()), sort_keys=False, indent=None))
        elif kind < 0.07:
            lines.append("")
        else:
            lines.append(answer.to_json())
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("block", [64, 700, 1 << 20])
def test_the_block_scan_finds_what_a_line_by_line_scan_finds(tmp_path, monkeypatch, seed, block):
    import mlprep.reviewlog as reviewlog

    log = ReviewLog(tmp_path / "p" / "reviews.jsonl")
    _mixed_log(log.path, seed)
    reference = reviewlog._LastScan()
    assert log._scan_lines(reference, log.path.read_bytes(), 0)
    monkeypatch.setattr(reviewlog, "SCAN_BLOCK", block)
    scanned = log.scan_last()
    assert scanned.last == reference.last
    assert scanned.suspect == reference.suspect
    assert (scanned.end, scanned.count) == (reference.end, reference.count)
    assert scanned.last_id == reference.last_id.decode()
    assert scanned.settings == reference.settings
    assert scanned.end == log.path.stat().st_size


@pytest.mark.parametrize("stateless", [None, 0, 67, 79])
def test_the_states_of_a_blocks_lines_are_taken_as_line_by_line(tmp_path, monkeypatch, stateless):
    """Cards' last lines that all store a state have them taken in one pass over the lines; a
    last line without one (that of c-2, or of c-1: the log's last) sends them line by line:
    either way, as read line by line."""
    from dataclasses import replace
    from datetime import timedelta

    import mlprep.reviewlog as reviewlog
    from mlprep.scheduler import Scheduler

    scheduler, lines = Scheduler(), []
    for number in range(80):
        moment = NOW + timedelta(minutes=number)
        answer = ReviewEvent.new(f"c-{number % 13}", Grade(number % 4 + 1), "quiz", 5, moment)
        if number != stateless:
            row = scheduler.review(None, answer.card, int(answer.grade), moment).to_row()
            answer = replace(answer, state=tuple(row))
        lines.append(answer.to_json() + "\n")
    log = ReviewLog(tmp_path / "p" / "reviews.jsonl")
    log.path.parent.mkdir(parents=True)
    log.path.write_text("".join(lines))
    reference = reviewlog._LastScan()
    assert log._scan_lines(reference, log.path.read_bytes(), 0)
    scan = reviewlog._LastScan()
    assert log._scan_block(scan, log.path.read_bytes(), log.path.stat().st_size, 0)
    assert scan.rows and not scan.last  # (taken as a block)
    assert scan.finish().last == reference.last


def _line_starts(path):
    data = path.read_bytes()
    return [number + 1 for number, byte in enumerate(data[:-1]) if byte == ord("\n")]


def _same_scan(scanned, reference):
    assert scanned.last == reference.last
    assert scanned.suspect == reference.suspect
    assert (scanned.end, scanned.count) == (reference.end, reference.count)
    assert scanned.last_id == reference.last_id.decode()
    assert scanned.settings == reference.settings


@pytest.mark.parametrize("ordered", [True, False])
@pytest.mark.parametrize("seed", range(3))
def test_a_scan_split_between_two_processes_finds_what_one_pass_finds(
    tmp_path, monkeypatch, seed, ordered
):
    """Wherever the split lands (on an undo, a drill answer, a setting, a blank line, a line
    in another layout, a card's first or last line), the two halves give one pass's result:
    taking the child's half when no card can go back in time across the split (an ordered
    log), scanning the second half here when one may."""
    import mlprep.reviewlog as reviewlog

    log = ReviewLog(tmp_path / "p" / "reviews.jsonl")
    _mixed_log(log.path, seed, ordered)
    reference = reviewlog._LastScan()
    assert log._scan_lines(reference, log.path.read_bytes(), 0)
    monkeypatch.setattr(reviewlog, "SCAN_BLOCK", 700)
    here = []  # the second half scanned by this process: the child's result was not taken
    scan_into = ReviewLog._scan_into

    def watched(self, scan, offset, stop=None):
        if offset and stop is None:
            here.append(offset)
        return scan_into(self, scan, offset, stop)

    monkeypatch.setattr(ReviewLog, "_scan_into", watched)
    splits = _line_starts(log.path)[seed::23]
    for split in splits:
        _same_scan(log._scan_halves(0, split), reference)
    if ordered:
        assert here == []


@pytest.mark.parametrize("ordered", [True, False])
def test_a_split_scan_with_a_digest_sends_back_the_digest_of_the_childs_lines(
    tmp_path, monkeypatch, ordered
):
    """With a digest, the child's half comes back as the digest of its cards' last lines, those
    cards no longer among this process's (or, where the second half is read here after all,
    as lines): together, one pass's lines."""
    import mlprep.reviewlog as reviewlog

    log = ReviewLog(tmp_path / "p" / "reviews.jsonl")
    _mixed_log(log.path, 4, ordered)
    reference = reviewlog._LastScan()
    assert log._scan_lines(reference, log.path.read_bytes(), 0)
    monkeypatch.setattr(reviewlog, "SCAN_BLOCK", 700)
    digests = 0
    for split in _line_starts(log.path)[::29]:
        scanned = log._scan_halves(0, split, lambda lines: (dict(lines.last), os.getpid()))
        together = dict(scanned.last)
        for digest, pid in scanned.digested:
            assert pid != os.getpid()  # (taken where the lines were read)
            assert together.keys().isdisjoint(digest) and set(digest) == scanned.done
            together.update(digest)
            digests += 1
        assert together == reference.last
        assert scanned.suspect == reference.suspect
        assert (scanned.end, scanned.count) == (reference.end, reference.count)
        assert scanned.settings == reference.settings
    assert digests or not ordered


def test_a_card_sent_back_in_time_across_the_split_is_suspect(tmp_path):
    from datetime import timedelta

    log = ReviewLog(tmp_path / "p" / "reviews.jsonl")
    later = ReviewEvent.new("c-1", Grade.GOOD, "quiz", 1, NOW + timedelta(days=1))
    others = [ReviewEvent.new(f"c-{n}", Grade.GOOD, "quiz", 1, NOW) for n in range(2, 5)]
    earlier = ReviewEvent.new("c-1", Grade.GOOD, "quiz", 1, NOW)
    log.path.parent.mkdir(parents=True)
    log.path.write_text("".join(e.to_json() + "\n" for e in [later, *others, earlier]))
    split = _line_starts(log.path)[2]
    scanned = log._scan_halves(0, split)
    assert scanned.suspect == {b"c-1"}
    assert scanned.last[b"c-1"][0] == b"2026-01-02T03:04:05.678Z"


def _numbered_log(path, lines=40):
    from datetime import timedelta

    path.parent.mkdir(parents=True, exist_ok=True)
    events = [
        ReviewEvent.new(f"c-{n % 7}", Grade.GOOD, "quiz", 1, NOW + timedelta(minutes=n))
        for n in range(lines)
    ]
    path.write_text("".join(e.to_json() + "\n" for e in events))


@pytest.mark.parametrize(
    ("bad", "split", "named"),
    [
        ([30], 20, 31),  # in the child's half only
        ([5, 30], 20, 6),  # in both: the first in file order
        ([20], 20, 21),  # the child's first line
        ([19], 20, 20),  # this process's last line
    ],
)
def test_a_bad_line_in_either_half_stops_the_split_scan_naming_it(tmp_path, bad, split, named):
    log = ReviewLog(tmp_path / "p" / "reviews.jsonl")
    _numbered_log(log.path)
    lines = log.path.read_text().splitlines(keepends=True)
    for number in bad:
        lines[number] = lines[number][:30] + "\n"
    log.path.write_text("".join(lines))
    before = log.path.read_bytes()
    with pytest.raises(ProgressError, match=rf"reviews\.jsonl:{named}: corrupt line"):
        log._scan_halves(0, _line_starts(log.path)[split - 1])
    assert log.path.read_bytes() == before


def test_a_torn_last_line_in_the_childs_half_is_skipped_with_a_warning(tmp_path):
    log = ReviewLog(tmp_path / "p" / "reviews.jsonl")
    _numbered_log(log.path)
    whole = log.path.stat().st_size
    with open(log.path, "a") as handle:
        handle.write('{"at":"2026-01-0')
    scanned = log._scan_halves(0, _line_starts(log.path)[19])
    assert (scanned.end, scanned.count) == (whole, 40)
    assert log.warnings == [
        f"{log.path}:41: ignored an unfinished last line (left by an interrupted write)"
    ]


def test_a_split_scan_whose_child_dies_scans_the_second_half_itself(tmp_path, monkeypatch):
    import os

    import mlprep.reviewlog as reviewlog
    from mlprep import forkwork

    log = ReviewLog(tmp_path / "p" / "reviews.jsonl")
    _mixed_log(log.path, 1, ordered=True)
    reference = reviewlog._LastScan()
    assert log._scan_lines(reference, log.path.read_bytes(), 0)
    start = forkwork.start
    monkeypatch.setattr(forkwork, "start", lambda work, expected: start(lambda: os._exit(3)))
    _same_scan(log._scan_halves(0, _line_starts(log.path)[100]), reference)


def test_a_long_log_is_scanned_in_two_halves_where_a_core_is_free(tmp_path, monkeypatch):
    import mlprep.reviewlog as reviewlog
    from mlprep import forkwork

    monkeypatch.setattr(forkwork, "spare_core", lambda: True)

    log = ReviewLog(tmp_path / "p" / "reviews.jsonl")
    _mixed_log(log.path, 2, ordered=True)
    reference = reviewlog._LastScan()
    assert log._scan_lines(reference, log.path.read_bytes(), 0)
    halves = []
    scan_halves = ReviewLog._scan_halves
    monkeypatch.setattr(
        ReviewLog, "_scan_halves", lambda self, *a: halves.append(a[:2]) or scan_halves(self, *a)
    )
    monkeypatch.setattr(reviewlog, "PARALLEL_SCAN", log.path.stat().st_size + 1)
    _same_scan(log.scan_last(), reference)
    assert halves == []
    monkeypatch.setattr(reviewlog, "PARALLEL_SCAN", log.path.stat().st_size)
    _same_scan(log.scan_last(), reference)
    middle = int(log.path.stat().st_size * (1 - reviewlog.CHILD_SHARE))
    assert halves == [(0, log.path.read_bytes().index(b"\n", middle) + 1)]
    monkeypatch.setattr(forkwork, "spare_core", lambda: False)  # a busy machine: one pass
    _same_scan(log.scan_last(), reference)
    assert len(halves) == 1


def test_a_block_scan_of_ordered_lines_flags_a_card_sent_back_by_a_later_block(
    tmp_path, monkeypatch
):
    from datetime import timedelta

    import mlprep.reviewlog as reviewlog

    log = ReviewLog(tmp_path / "p" / "reviews.jsonl")
    later = ReviewEvent.new("c-1", Grade.GOOD, "quiz", 1, NOW + timedelta(days=1))
    earlier = ReviewEvent.new("c-1", Grade.GOOD, "quiz", 1, NOW)
    log.path.parent.mkdir(parents=True)
    log.path.write_text(later.to_json() + "\n" + earlier.to_json() + "\n")
    monkeypatch.setattr(reviewlog, "SCAN_BLOCK", 16)  # one line a block
    assert log.scan_last().suspect == {b"c-1"}


def test_counting_lines_as_written_agrees_with_reading_their_fields():
    import random

    rng = random.Random(3)
    written = [
        b'{"at":"2026-02-09T15:11:59.575Z","card":"bench-18-c09355","grade":3,"id":"ae0d",'
        b'"mode":"review","ms":9803,"state":["learning",1.5,2.3,2.1,1,1.5,1.5,1,0],"v":2}\n',
        b'{"answer":"p(\\u03b8|x) \\"q\\"","at":"2026-02-09T15:12:19.383Z","card":"c-1",'
        b'"grade":1,"id":"91b4","mode":"drill","ms":12,"suggested":2,"v":2}\n',
        b'{"answer":"a, b]","at":"2026-02-09T15:12:19.383Z","card":"c-2","grade":4,'
        b'"id":"ff","mode":"review","ms":1,"v":1}\n',
        b'{"at":"2026-02-09T15:12:19.383Z","card":"c-3","grade":2,"id":"0","mode":"quiz",'
        b'"ms":0,"state":[],"v":2}\n',
    ]
    assert all(ReviewLog.fast_rows(line) for line in written)
    outcomes = set()
    for _ in range(400):
        lines = [rng.choice(written) for _ in range(rng.randint(0, 6))]
        if lines and rng.random() < 0.7:  # one line changed somewhere: a byte, or a newline
            number = rng.randrange(len(lines))
            line = bytearray(lines[number])
            at = rng.randrange(len(line))
            line[at : at + 1] = rng.choice([b" ", b"\n", b'"', b"]", b"x", b"", b"\n{"])
            lines[number] = bytes(line)
        block = b"".join(lines)
        rows = ReviewLog.fast_rows(block)
        assert ReviewLog.fast_count(block) == (None if rows is None else len(rows)), block
        outcomes.add(rows is None)
    assert outcomes == {True, False}


def test_an_event_the_reader_would_refuse_is_never_written(tmp_path):
    """Whatever asks (a deck's over-long card id, a plan naming many decks), a line that
    would stop every later read at it is refused, and the log stays as it was."""
    from mlprep.progress import ProgressStore

    store = ProgressStore(tmp_path).load()
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    store.record("fine-card", Grade.GOOD, "review", 1000, at)
    before = store.log.path.read_bytes()
    with pytest.raises(ProgressError, match=r"could not be read back \('card' must be text"):
        store.record("x" * 201, Grade.GOOD, "review", 1000, at)
    with pytest.raises(ProgressError, match=r"could not be read back \('data' must be"):
        store.record_setting("plan", {"decks": ["d" * 5000]}, at)
    assert store.log.path.read_bytes() == before
    assert [event.card for event in ProgressStore(tmp_path).load().events()] == ["fine-card"]


def test_a_failed_append_names_what_was_not_saved(tmp_path, monkeypatch):
    """On a full disk, setting a plan said "cannot save your answer"."""
    import errno

    from mlprep.progress import ProgressStore

    store = ProgressStore(tmp_path).load()
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    plan = {"interview": "2026-04-01", "minutes": 30, "decks": []}
    with pytest.raises(ProgressError, match=r"^cannot save your plan to .*: No space left"):
        store.record_setting("plan", plan, at)
    with pytest.raises(ProgressError, match=r"^cannot save your answer to .*: No space left"):
        store.record("c1", Grade.GOOD, "review", 1000, at)
    # and where the log's last line cannot be ended first (a read-only log)
    monkeypatch.undo()

    def read_only():
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(store.log, "repair_tail", read_only)
    with pytest.raises(ProgressError, match=r"^cannot save your plan to .*: Read-only"):
        store.record_setting("plan", plan, at)
    with pytest.raises(ProgressError, match=r"^cannot save your answer to .*: Read-only"):
        store.record("c1", Grade.GOOD, "review", 1000, at)


def test_recent_answers_are_read_again_only_once_the_log_changed(tmp_path, monkeypatch):
    """A planned review asks for them at its start twice (its queue, the day's minutes)."""
    log = ReviewLog(tmp_path / "reviews.jsonl")
    at = datetime(2026, 11, 25, 9, tzinfo=UTC)
    log.append(ReviewEvent.new("c1", Grade.GOOD, "review", 5, at))
    reads = []
    read_from = ReviewLog.read_from
    monkeypatch.setattr(
        ReviewLog, "read_from", lambda self, offset: reads.append(offset) or read_from(self, offset)
    )
    first = log.recent()
    first.clear()  # (a caller's list: the next answer is whole)
    assert [event.card for event in log.recent()] == ["c1"] and len(reads) == 1
    log.append(ReviewEvent.new("c2", Grade.GOOD, "review", 5, at))
    assert [event.card for event in log.recent()] == ["c1", "c2"] and len(reads) == 2
    assert ReviewLog(tmp_path / "none.jsonl").recent() == []
