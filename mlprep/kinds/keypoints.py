"""Open cards with keypoints: the typed answer is checked against the claims a full answer
makes (mlprep.grader), and the checklist and a suggested grade come with the reference.

The user still grades: the suggestion is the default of the self-grade prompt and is kept in
the review log beside the grade. An empty answer is self-graded as on any open card.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlprep.kinds import KindContext, Outcome, Verdict
from mlprep.kinds.open import OpenKind
from mlprep.model import Card

if TYPE_CHECKING:
    from mlprep.sessions.ports import AskPrompter


class KeypointsKind(OpenKind):
    label = "open, checked against keypoints"

    def matches(self, card: Card) -> bool:
        return card.kind == "open" and bool(card.keypoints)

    def attempt(self, card: Card, prompter: AskPrompter, ctx: KindContext) -> Outcome:
        answer = prompter.ask_open(later=ctx.collect_only)
        if not answer.strip():
            return Outcome(answer, Verdict(None))
        # the stemmer and fuzzy matcher load here, not when a command starts
        from mlprep.grader import checklist_lines, grade_answer

        grading = grade_answer(card, answer)
        # (one line a point: the prompters wrap them to the terminal, hanging under the box)
        lines = ["Your answer against the keypoints:", *checklist_lines(grading, None)]
        return Outcome(answer, Verdict(None, suggested=grading.suggested, feedback=tuple(lines)))
