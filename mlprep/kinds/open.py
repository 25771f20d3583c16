"""Open cards: the user answers in words, sees the reference and grades themself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlprep.kinds import Kind, KindContext, Outcome, Verdict
from mlprep.model import Card

if TYPE_CHECKING:
    from mlprep.sessions.ports import AskPrompter


class OpenKind(Kind):
    name = "open"
    label = "open"

    def matches(self, card: Card) -> bool:
        return True  # the fallback: every card has a question and an answer

    def attempt(self, card: Card, prompter: AskPrompter, ctx: KindContext) -> Outcome:
        return Outcome(prompter.ask_open(later=ctx.collect_only), Verdict(None))
