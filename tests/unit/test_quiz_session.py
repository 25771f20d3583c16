"""Quiz session logic through a scripted prompter: no terminal involved."""

from __future__ import annotations

import random

from mlprep.decks import load_files
from mlprep.model import Grade
from mlprep.sessions.base import SessionContext, Stop
from mlprep.sessions.quiz import run_quiz
from tests.conftest import FIXTURES, fake_clock
from tests.fakes import MemoryRecorder, ScriptedPrompter

CARDS = {c.id: c for c in load_files([FIXTURES / "decks"], builtin=True).decks[0].cards}


def quiz(ids, prompter):
    recorder = MemoryRecorder()
    context = SessionContext(clock=fake_clock(0.5), rng=random.Random(1))
    result = run_quiz([CARDS[i] for i in ids], prompter, recorder, context)
    return result, recorder.grades


def test_each_kind_of_card_is_graded_and_recorded_as_it_happens():
    prompter = ScriptedPrompter(["Gini impurity"], ["Entropy"], 0.5004, "greedy splits", Grade.HARD)
    result, recorded = quiz(["mini-single", "mini-multi", "mini-number", "mini-open"], prompter)
    assert recorded == [
        ("mini-single", Grade.GOOD, 500),
        ("mini-multi", Grade.AGAIN, 500),  # one of two correct options is wrong
        ("mini-number", Grade.GOOD, 500),  # within the 0.001 tolerance
        ("mini-open", Grade.HARD, 500),
    ]
    assert [r.correct for r in result.results] == [True, False, True, None]
    assert result.correct_count == 2 and len(result.auto_graded) == 3
    assert [c.id for c in result.revisit] == ["mini-multi", "mini-open"]
    assert result.results[3].answer == "greedy splits"
    assert "answer mini-open" in prompter.shown
    assert result.stopped is None
    assert result.seconds == 4.5  # nine clock reads, half a second apart


def test_ctrl_c_keeps_what_was_answered():
    prompter = ScriptedPrompter(["Gini impurity"], KeyboardInterrupt())
    result, recorded = quiz(["mini-single", "mini-multi", "mini-open"], prompter)
    assert result.stopped == Stop.INTERRUPTED
    assert [r.card.id for r in result.results] == ["mini-single"]
    assert recorded == [("mini-single", Grade.GOOD, 500)]


def test_end_of_input_stops_cleanly():
    result, recorded = quiz(["mini-open"], ScriptedPrompter())
    assert result.stopped == Stop.END_OF_INPUT and recorded == [] and result.results == []
