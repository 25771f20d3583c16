"""The answer journal (progress log format 2): answers kept bounded and clean, format 1 logs
still load and merge, drill answers change no schedule, a recorder returns the new state."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from mlprep.model import Card, Grade
from mlprep.progress import ProgressStore
from mlprep.reviewlog import ANSWER_LIMIT, TRUNCATED, clean_answer
from mlprep.sessions.recording import ProgressRecorder

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CARD = Card(id="c1", q="q?", a="a.", deck="d")


def log_of(path):
    return [json.loads(line) for line in (path / "reviews.jsonl").read_text().splitlines()]


def test_a_megabyte_answer_with_control_characters_is_stored_truncated_and_clean(tmp_path):
    store = ProgressStore(tmp_path).load()
    typed = "\x1b[31mred\x1b[0m\x00 and a bell\x07\r\nsecond line\t" + "x" * 1_000_000
    store.record("c1", Grade.GOOD, "quiz", 10, T0, answer=typed)
    (event,) = log_of(tmp_path)
    assert len(event["answer"]) == ANSWER_LIMIT
    assert event["answer"].startswith("red and a bell\nsecond line\t")
    assert event["answer"].endswith(TRUNCATED)
    assert "\x1b" not in event["answer"] and "\x00" not in event["answer"]
    # and it reads back (the log's own checks accept what was written)
    assert ProgressStore(tmp_path).load().events()[0].answer == event["answer"]


def test_clean_answer_keeps_short_text_as_typed():
    assert clean_answer("Gini; entropy\nline two") == "Gini; entropy\nline two"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("abc\x1b[D\x1b[DX", "abcX"),  # arrow keys read raw (a terminal without line editing)
        ("cross\x1b[1;5C entropy", "cross entropy"),  # Ctrl+Right
        ("x\x1bOAy", "xy"),  # an arrow in application mode
        ("\x1b[31mred\x1b[0m", "red"),
        ("a lone \x1b escape", "a lone  escape"),
    ],
)
def test_clean_answer_drops_whole_escape_sequences(typed, kept):
    assert clean_answer(typed) == kept


def test_a_format_1_log_loads_and_merges_with_format_2_events(tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    (old / "reviews.jsonl").write_text(
        '{"at":"2026-03-01T09:00:00.000Z","card":"c1","grade":3,"id":"a1","mode":"quiz",'
        '"ms":5,"v":1}\n'
    )
    store = ProgressStore(old).load()
    assert store.states["c1"].reps == 1
    new = ProgressStore(tmp_path / "new").load()
    new.record("c1", Grade.AGAIN, "review", 7, T0, answer="I forgot", suggested=Grade.HARD)
    assert store.merge(new.events()) == 1
    events = store.events()
    assert [(e.id == "a1", e.v, e.answer, e.suggested) for e in events] == [
        (True, 1, None, None),
        (False, 2, "I forgot", 2),
    ]
    assert ProgressStore(old).load().states["c1"].reps == 2


def test_drill_answers_are_logged_but_never_reschedule_even_after_a_rebuild(tmp_path):
    store = ProgressStore(tmp_path).load()
    recorder = ProgressRecorder(store, "review", lambda: T0)
    after_review = recorder.record(CARD, Grade.GOOD, 5, answer="x")
    assert after_review is not None and after_review.reps == 1
    drill = ProgressRecorder(store, "drill", lambda: T0 + timedelta(hours=1))
    assert drill.preview(CARD) == {} and not drill.reschedules
    assert drill.record(CARD, Grade.AGAIN, 5, answer="y") == after_review
    store.checkpoint()
    (tmp_path / "state.json").unlink()  # a full rebuild replays the log
    rebuilt = ProgressStore(tmp_path).load()
    assert rebuilt.states["c1"] == after_review
    assert [e["mode"] for e in log_of(tmp_path)] == ["review", "drill"]


def test_the_recorder_previews_each_grade_and_undoes_its_last_answer(tmp_path):
    store = ProgressStore(tmp_path).load()
    recorder = ProgressRecorder(store, "flash", lambda: T0)
    due = recorder.preview(CARD)
    assert list(due) == list(Grade)
    assert due[Grade.AGAIN] < due[Grade.HARD] < due[Grade.GOOD] < due[Grade.EASY]
    state = recorder.record(CARD, Grade.GOOD, 5)
    assert state is not None and state.due == due[Grade.GOOD]
    assert recorder.undo_last() == "c1"
    assert "c1" not in store.states and recorder.undo_last() is None
