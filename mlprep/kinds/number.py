"""Numeric cards: a number typed as people type it, right within the card's tolerance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlprep.kinds import Kind, KindContext, Outcome, Verdict
from mlprep.model import Card, Grade
from mlprep.textfit import number_text

if TYPE_CHECKING:
    from mlprep.sessions.ports import AskPrompter


GAVE_UP = "?"  # the answer the journal keeps for a number not known


def expected_text(card: Card) -> str:
    """'0.5' or '0.5 (within 0.001)'."""
    assert card.expect is not None
    within = card.expect.tolerance
    return number_text(card.expect.value) + (f" (within {number_text(within)})" if within else "")


class NumberKind(Kind):
    name = "number"
    label = "number"

    def attempt(self, card: Card, prompter: AskPrompter, ctx: KindContext) -> Outcome:
        assert card.expect is not None
        value = prompter.ask_number(later=ctx.collect_only)
        if value is None:  # not known ("?", as the journal keeps it): wrong, the answer shown
            return Outcome(GAVE_UP, Verdict(False, Grade.AGAIN))
        correct = card.expect.accepts(value)
        return Outcome(number_text(value), Verdict(correct, Grade.GOOD if correct else Grade.AGAIN))

    def feedback(self, card: Card, prompter: AskPrompter, outcome: Outcome) -> None:
        if outcome.journal == GAVE_UP:  # asked to see it: shown, not called "Not quite"
            self.reveal(card, prompter, outcome)
        else:
            super().feedback(card, prompter, outcome)

    def reveal(self, card: Card, prompter: AskPrompter, outcome: Outcome | None = None) -> None:
        prompter.notice(f"Answer: {expected_text(card)}")
        prompter.show_answer(card)
