"""Quiz session logic through a scripted prompter: no terminal involved."""

from __future__ import annotations

import random

from mlprep.decks import load_files
from mlprep.model import Grade
from mlprep.sessions import END_OF_INPUT, INTERRUPTED
from mlprep.sessions.quiz import run_quiz
from tests.conftest import FIXTURES, fake_clock

CARDS = {c.id: c for c in load_files([FIXTURES / "decks"], builtin=True).decks[0].cards}


class ScriptedPrompter:
    """Answers from a script; each entry answers the next ask: a list of option texts for a
    choice, a float for a number, text for an open answer, a Grade for a self-grade, or an
    exception to raise."""

    def __init__(self, *script):
        self.script = list(script)
        self.shown: list[str] = []

    def next(self):
        if not self.script:
            raise EOFError
        answer = self.script.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def notice(self, message):
        self.shown.append(message)

    def show_question(self, card, position, total):
        self.shown.append(f"Q {position}/{total} {card.id}")

    def choose(self, options, several):
        wanted = self.next()
        return [options.index(text) for text in wanted]

    def ask_number(self):
        return self.next()

    def ask_open(self):
        return self.next()

    def show_verdict(self, card, correct, shown):
        self.shown.append(f"verdict {correct}")

    def show_answer(self, card):
        self.shown.append(f"answer {card.id}")

    def ask_grade(self):
        return self.next()


def quiz(ids, prompter):
    recorded = []
    result = run_quiz(
        [CARDS[i] for i in ids],
        prompter,
        lambda card, grade, ms: recorded.append((card.id, grade, ms)),
        random.Random(1),
        fake_clock(0.5),
    )
    return result, recorded


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
    assert result.stopped == INTERRUPTED
    assert [r.card.id for r in result.results] == ["mini-single"]
    assert recorded == [("mini-single", Grade.GOOD, 500)]


def test_end_of_input_stops_cleanly():
    result, recorded = quiz(["mini-open"], ScriptedPrompter())
    assert result.stopped == END_OF_INPUT and recorded == [] and result.results == []
