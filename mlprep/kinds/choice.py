"""Single-choice and several-choices cards: options shuffled, graded at once, feedback per
option (wrong picks, missed right options, the `why` of each picked option)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlprep.cardparts import Choice
from mlprep.kinds import Kind, KindContext, Outcome, Verdict
from mlprep.model import Card, Grade
from mlprep.textfit import in_words

if TYPE_CHECKING:
    from mlprep.sessions.ports import AskPrompter


def option_feedback(shown: tuple[Choice, ...], picked: set[int]) -> tuple[str, ...]:
    """One line per picked option (right or wrong, and its why), then the numbers of the
    missed right ones (when several are right; the verdict lists the right options). After a
    right answer only picks with a why are mentioned. Numbers as shown."""
    correct = {i for i, c in enumerate(shown) if c.correct} == picked
    lines = []
    for i in sorted(picked):
        choice = shown[i]
        if correct and not choice.why:
            continue
        verdict = "right" if choice.correct else "wrong"
        why = f" {choice.why}" if choice.why else ""
        lines.append(f"You picked {i + 1}) {_clause(choice.text)} - {verdict}.{why}")
    several = sum(c.correct for c in shown) > 1
    missed = [str(i + 1) for i, c in enumerate(shown) if several and c.correct and i not in picked]
    if missed:  # (by number: the verdict lists the right options right above)
        lines.append(f"You missed {in_words(missed)}.")
    return tuple(lines)


def _clause(text: str) -> str:
    """An option's text inside a sentence of feedback: without its own closing full stop
    (not "over-read. - right."); an ellipsis, ? and ! stay."""
    text = text.rstrip()
    if text.endswith(".") and not text.endswith(".."):
        return text[:-1]
    return text


class SingleChoiceKind(Kind):
    name = "single"
    label = "single choice"

    def front(self, card: Card, prompter: AskPrompter) -> None:
        prompter.show_options([c.text for c in card.choices])

    def attempt(self, card: Card, prompter: AskPrompter, ctx: KindContext) -> Outcome:
        shown = list(card.choices)
        ctx.rng.shuffle(shown)
        picked = set(prompter.choose([c.text for c in shown], several=card.is_multi))
        correct = {i for i, c in enumerate(shown) if c.correct} == picked
        verdict = Verdict(
            correct,
            Grade.GOOD if correct else Grade.AGAIN,
            feedback=option_feedback(tuple(shown), picked),
        )
        # the options picked, one after another ("split.; Each tree" read as a typo)
        journal = "; ".join(_clause(shown[i].text) for i in sorted(picked))
        return Outcome(journal, verdict, tuple(shown))

    def reveal(self, card: Card, prompter: AskPrompter, outcome: Outcome | None = None) -> None:
        shown = outcome.shown if outcome and outcome.shown else card.choices
        prompter.show_options([c.text for c in shown], [c.correct for c in shown])
        prompter.show_answer(card)


class MultiChoiceKind(SingleChoiceKind):
    name = "multi"
    label = "several choices"
