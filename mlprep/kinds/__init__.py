"""Card kinds: each kind owns how its cards are asked, graded, revealed and journaled.

Every study mode (quiz, review, flash, mock, drill, the home menu) goes through these, so a
card behaves the same everywhere and a mode never tests what sort of card it holds.

A kind is a `Kind` subclass in its own module, listed in `_kinds()` below; `kind_of(card)` gives
the first whose `matches(card)` is true. Its hooks, all talking to an `AskPrompter`
(mlprep.sessions.ports):

- `front(card, prompter)`: what a flashcard's front shows besides the question (options,
  tables);
- `attempt(card, prompter, ctx) -> Outcome`: ask the card and grade what can be graded. An
  auto-graded kind sets `verdict.grade`; a self-graded one leaves it None (and may set
  `verdict.suggested`, e.g. from keypoints). With `ctx.collect_only` (the mock interview) it
  takes one answer and shows no feedback;
- `feedback(card, prompter, outcome)`: after an auto-graded answer: the verdict, per-option
  feedback, the reference;
- `reveal(card, prompter, outcome=None)`: the reference answer, marked (flash's back, an open
  card after it was answered, the mock transcript);
- the `Outcome.journal` text is what the review log keeps of the answer.

To add a kind: `Card.kind` names a card by its `type` (as `type: code` gives "code", served
by `kinds/code.py`); write `kinds/<name>.py` with a `Kind` subclass and list it in `_kinds()`
below (a new way of asking is one more method on `AskPrompter` and both prompters, as
`ask_line` is for coding drills).

To grade open answers by keypoints: a `KeypointsKind(OpenKind)` whose `matches` wants
`card.keypoints` (OpenKind matches every card) and whose `attempt` returns
`Verdict(correct=None, suggested=..., feedback=(...))`, listed before `OpenKind`; the base
`reveal` shows the feedback under the reference, and the self-grade prompt offers `suggested`
as its default (the journal keeps it too).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mlprep.cardparts import Choice
from mlprep.errors import ContentError
from mlprep.model import Card, Grade

if TYPE_CHECKING:
    from mlprep.sessions.ports import AskPrompter


@dataclass(frozen=True)
class KindContext:
    rng: random.Random = field(default_factory=random.Random)  # option order
    sql_time_limit: float = 2.0  # seconds a user's query may run
    collect_only: bool = False  # take one answer, show nothing of its grade (mock interview)
    code_dir: Path | None = None  # where coding drills' files live (<data dir>/code)
    trust_deck: bool = False  # run code cards from decks that are not built in


@dataclass(frozen=True)
class Verdict:
    correct: bool | None  # None: the user grades the answer
    grade: Grade | None = None  # the program's grade, when it grades
    suggested: Grade | None = None  # a grader's suggestion for a self-grade
    feedback: tuple[str, ...] = ()  # lines shown with the verdict


class UnusableCard(ContentError):
    """A card that cannot be asked as it stands (a user deck's SQL card whose reference
    solution does not run): the session skips it and says why, instead of ending there."""

    def __init__(self, card: Card, reason: str) -> None:
        super().__init__(
            f"Skipped {card.id}: {reason} (`mlprep validate` names the file and line)."
        )


@dataclass(frozen=True)
class Outcome:
    journal: str  # what the user answered, as the review log keeps it
    verdict: Verdict
    shown: tuple[Choice, ...] = ()  # options in the order they were shown
    attempts: int = 1


class Kind:
    """The behaviour shared by every kind; subclasses override what differs."""

    name = ""  # Card.kind value
    label = ""  # how the README and messages name it
    in_mock = True  # whether a mock interview asks it (answered aloud, within its time)

    def matches(self, card: Card) -> bool:
        return card.kind == self.name

    def front(self, card: Card, prompter: AskPrompter) -> None:
        """Nothing beyond the question by default."""

    def attempt(self, card: Card, prompter: AskPrompter, ctx: KindContext) -> Outcome:
        raise NotImplementedError

    def feedback(self, card: Card, prompter: AskPrompter, outcome: Outcome) -> None:
        correct = bool(outcome.verdict.correct)
        prompter.show_verdict(card, correct, outcome.shown, outcome.verdict.feedback)

    def reveal(self, card: Card, prompter: AskPrompter, outcome: Outcome | None = None) -> None:
        """The reference answer; after a self-graded answer, the grader's feedback lines
        (a keypoint grader's covered and missed points) follow it."""
        prompter.show_answer(card)
        if outcome is not None and outcome.verdict.correct is None:
            for line in outcome.verdict.feedback:
                prompter.notice(line)


def _kinds() -> list[Kind]:
    from mlprep.kinds.choice import MultiChoiceKind, SingleChoiceKind
    from mlprep.kinds.code import CodeKind
    from mlprep.kinds.keypoints import KeypointsKind
    from mlprep.kinds.number import NumberKind
    from mlprep.kinds.open import OpenKind
    from mlprep.kinds.sql import SqlKind

    return [
        SqlKind(),
        CodeKind(),
        NumberKind(),
        MultiChoiceKind(),
        SingleChoiceKind(),
        KeypointsKind(),  # before OpenKind, which takes every card
        OpenKind(),
    ]


_KINDS: list[Kind] = []


def all_kinds() -> list[Kind]:
    if not _KINDS:
        _KINDS.extend(_kinds())
    return _KINDS


def kind_of(card: Card) -> Kind:
    for kind in all_kinds():
        if kind.matches(card):
            return kind
    return all_kinds()[-1]  # an unknown kind is asked as an open question
