"""A quiz: each card asked once; choice and numeric cards graded at once, open cards self-graded.

Every answer is handed to `record` as soon as it is given, so an interrupted quiz keeps what was
answered.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from mlprep.model import Card, Choice, Grade
from mlprep.sessions import until_stopped
from mlprep.ui.prompts import Prompter

Recorder = Callable[[Card, Grade, int], None]  # card, grade, milliseconds taken


@dataclass(frozen=True)
class CardResult:
    card: Card
    grade: Grade
    correct: bool | None  # None: self-graded
    answer: str
    seconds: float

    @property
    def needs_revisit(self) -> bool:
        return self.correct is False or self.grade <= Grade.HARD


@dataclass
class QuizResult:
    planned: int
    results: list[CardResult] = field(default_factory=list)
    seconds: float = 0.0
    stopped: str | None = None  # INTERRUPTED or END_OF_INPUT when cut short

    @property
    def auto_graded(self) -> list[CardResult]:
        return [r for r in self.results if r.correct is not None]

    @property
    def correct_count(self) -> int:
        return sum(bool(r.correct) for r in self.auto_graded)

    @property
    def self_graded(self) -> list[CardResult]:
        return [r for r in self.results if r.correct is None]

    @property
    def revisit(self) -> list[Card]:
        return [r.card for r in self.results if r.needs_revisit]


def shuffled_choices(card: Card, rng: random.Random) -> list[Choice]:
    choices = list(card.choices)
    rng.shuffle(choices)
    return choices


def ask_card(
    card: Card, prompter: Prompter, rng: random.Random, save: Callable[..., None]
) -> tuple[Grade, bool | None, str]:
    """Ask one card and grade it: (grade, correct or None when self-graded, answer given).

    `save` is called with the grade the moment it is known, before any feedback is shown."""
    if card.is_choice:
        shown = shuffled_choices(card, rng)
        picked = prompter.choose([c.text for c in shown], several=card.is_multi)
        correct = {i for i, c in enumerate(shown) if c.correct} == set(picked)
        grade = Grade.GOOD if correct else Grade.AGAIN
        save(grade)
        prompter.show_verdict(card, correct, shown)
        return grade, correct, "; ".join(shown[i].text for i in picked)
    if card.is_numeric:
        value = prompter.ask_number()
        correct = card.expect.accepts(value)
        grade = Grade.GOOD if correct else Grade.AGAIN
        save(grade)
        prompter.show_verdict(card, correct, ())
        return grade, correct, f"{value:g}"
    answer = prompter.ask_open()
    prompter.show_answer(card)
    grade, suggested = grade_open_answer(card, answer, prompter)
    save(grade, suggested)
    return grade, None, answer


def check_open_answer(card: Card, answer: str):
    """The keypoint grading of a typed answer (mlprep.grader.Grading), or None for an empty
    answer or a card without keypoints: those are self-graded as before."""
    if not answer.strip() or not card.keypoints:
        return None
    from mlprep.grader import grade_answer  # stemmer and fuzzy matcher: only when needed

    return grade_answer(card, answer)


def grade_open_answer(card: Card, answer: str, prompter) -> tuple[Grade, Grade | None]:
    """After the reference answer: the checklist and the suggested grade, preselected.
    Returns the user's grade and the suggestion (None when self-graded)."""
    grading = check_open_answer(card, answer)
    if grading is None:
        return prompter.ask_grade(), None
    prompter.show_checklist(grading)
    return prompter.ask_grade(grading.suggested), grading.suggested


def record_answer(
    record: Recorder, card: Card, grade: Grade, ms: int, suggested: Grade | None
) -> None:
    """Record an answer; the suggestion goes along only when there is one."""
    if suggested is None:
        record(card, grade, ms)
    else:
        record(card, grade, ms, suggested)  # type: ignore[call-arg]


def answer_and_record(
    card: Card, prompter: Prompter, rng: random.Random, record: Recorder, clock: Callable[[], float]
) -> CardResult:
    """Ask a card; its answer is recorded as soon as it is graded, timed from the question."""
    asked = clock()
    seconds = 0.0

    def save(grade: Grade, suggested: Grade | None = None) -> None:
        nonlocal seconds
        seconds = clock() - asked
        record_answer(record, card, grade, round(seconds * 1000), suggested)

    grade, correct, answer = ask_card(card, prompter, rng, save)
    return CardResult(card, grade, correct, answer, seconds)


def run_quiz(
    cards: Sequence[Card],
    prompter: Prompter,
    record: Recorder,
    rng: random.Random,
    clock: Callable[[], float] = time.monotonic,
) -> QuizResult:
    result = QuizResult(planned=len(cards))
    started = clock()
    with until_stopped(result):
        for position, card in enumerate(cards, start=1):
            prompter.show_question(card, position, len(cards))
            result.results.append(answer_and_record(card, prompter, rng, record, clock))
    result.seconds = clock() - started
    return result
