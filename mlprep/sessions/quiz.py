"""A quiz: each card asked once through its kind; choice, number and SQL cards graded at once,
open cards self-graded. Every answer is recorded as soon as it is graded, so an interrupted
quiz keeps what was answered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mlprep.inline import without_marks
from mlprep.model import Card
from mlprep.sessions.base import (
    CardResult,
    SessionContext,
    SessionResult,
    answer_card,
    duration,
    shorten,
    stopped_line,
    until_stopped,
)
from mlprep.sessions.ports import Prompter, Recorder
from mlprep.textfit import columns, within

__all__ = ["CardResult", "QuizResult", "QuizSession", "run_quiz"]


@dataclass
class QuizResult(SessionResult):
    results: list[CardResult] = field(default_factory=list)
    width: int = 80
    # cards a stopped quiz did not reach that stay to be revisited (see QuizSession)
    unreached: list[Card] = field(default_factory=list)
    reached: int = 0  # how many cards were put on screen (the last perhaps not answered)

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
        cards = [r.card for r in self.results if r.needs_revisit] + self.unreached
        return list({card.id: card for card in cards}.values())

    def summary(self) -> list[str]:
        answered = len(self.results)
        lines = [""]
        if self.stopped:
            after = f" after {answered} of {self.planned} card{'s' * (self.planned != 1)}"
            lines.append(stopped_line(self.stopped, "graded answers", bool(answered), after))
        lines.append(
            f"Answered {answered} card{'s' * (answered != 1)} in {duration(self.seconds)}."
        )
        if not answered:
            return lines
        auto = self.auto_graded
        parts = []
        if auto:
            percent = round(100 * self.correct_count / len(auto))
            parts.append(f"{self.correct_count} of {len(auto)} right ({percent}%)")
        if self.self_graded:
            counts: dict[str, int] = {}
            for r in self.self_graded:
                counts[r.grade.label] = counts.get(r.grade.label, 0) + 1
            graded = ", ".join(f"{n} {label}" for label, n in counts.items())
            parts.append(f"self-graded: {graded}")
        lines.append("Score: " + "; ".join(parts) + ".")
        # narrow terminals: ids give way first (to their ends, which tell the cards of a deck
        # apart: "...-small-n-compute"), then the question
        # (whole at 80 columns up to 36 characters: an id is what `mlprep show` takes)
        id_width = min(36, max(8, self.width // 2 - 4), max(len(r.card.id) for r in self.results))
        for r in self.results:
            question = without_marks(r.card.q)
            if self.width < NARROW:  # (a line each: a row left a few letters of both)
                lines.append(f"  {result_label(r):<6} {_id_end(r.card.id, self.width - 9)}")
                lines.append(" " * 9 + shorten(question, self.width - 9, at_word=True))
                continue
            head = f"  {result_label(r):<6} {_id_end(r.card.id, id_width):<{id_width}}  "
            lines.append(head + shorten(question, self.width - len(head), at_word=True))
        revisit = self.revisit
        if revisit:
            lines.append(f"Revisit ({len(revisit)}): " + ", ".join(card.id for card in revisit))
        else:
            lines.append("Nothing to revisit. Well done.")
        return lines


# narrower than this, a summary gives each card's id and question a line each
NARROW = 60


def result_label(result: CardResult) -> str:
    """'right', 'wrong', or the self-grade, for one answered card."""
    if result.correct is None:
        return result.grade.label
    return "right" if result.correct else "wrong"


def run_quiz(
    cards: Sequence[Card], prompter: Prompter, recorder: Recorder, context: SessionContext
) -> QuizResult:
    result = QuizResult(planned=len(cards))
    started = context.clock()
    with until_stopped(result):
        for position, card in enumerate(cards, start=1):
            result.reached = position
            prompter.show_question(card, position, len(cards))
            answered = answer_card(card, prompter, recorder, context)
            if answered is not None:
                result.results.append(answered)
    result.seconds = context.clock() - started
    return result


@dataclass
class QuizSession:
    cards: Sequence[Card]
    mode: str = "quiz"
    reschedules: bool = True
    # a quiz of the cards to revisit: those it does not reach when stopped stay on the list
    # (stopped after two of six, it said "Nothing to revisit" and the other four were lost)
    keep_unreached: bool = False

    def run(self, prompter: Prompter, recorder: Recorder, context: SessionContext) -> QuizResult:
        names = ", ".join(dict.fromkeys(card.deck for card in self.cards))
        count = len(self.cards)
        prompter.notice(f"Quiz: {names} - {count} card{'s' * (count != 1)}")
        result = run_quiz(self.cards, prompter, recorder, context)
        if self.keep_unreached and result.stopped:
            # the card it stopped at and those after it (not one skipped as unusable: the
            # count of answers fell short of the cards reached by one a skip)
            result.unreached = list(self.cards[max(result.reached - 1, 0) :])
        return result


def _id_end(card_id: str, width: int) -> str:
    """A card id in `width` columns, its end kept and "..." in place of its start."""
    if columns(card_id) <= width:
        return card_id
    return "..." + within(card_id[::-1], width - 3)[::-1]
