"""The daily review: learning cards, then due reviews, then new cards, scheduled by FSRS.

A card answered Again (or still in its learning steps) comes back in the same session once it
is due again, or early when nothing else is left, as in Anki.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from mlprep.model import Card, Grade
from mlprep.scheduler import LEARNING, RELEARNING, DueQueue
from mlprep.sessions import until_stopped
from mlprep.sessions.quiz import CardResult, answer_and_record
from mlprep.sessions.recording import Recorder
from mlprep.ui.prompts import Prompter


@dataclass
class ReviewResult:
    planned: int
    results: list[CardResult] = field(default_factory=list)
    seconds: float = 0.0
    stopped: str | None = None

    def count(self, grade: Grade) -> int:
        return sum(r.grade == grade for r in self.results)


def run_review(
    queue: DueQueue,
    prompter: Prompter,
    record: Recorder,
    now: Callable[[], datetime],
    rng: random.Random,
    clock: Callable[[], float] = time.monotonic,
) -> ReviewResult:
    pending: list[Card] = queue.cards
    again: list[tuple[datetime, Card]] = []  # cards back in learning, with their due time
    result = ReviewResult(planned=len(pending))
    started = clock()
    shown = 0
    with until_stopped(result):
        while pending or again:
            card = _next_card(pending, again, now())
            shown += 1
            prompter.show_question(card, shown, shown + len(pending) + len(again))
            result.results.append(answer_and_record(card, prompter, rng, record, clock))
            state = record.store.states[card.id]
            if state.state in (LEARNING, RELEARNING):
                again.append((state.due, card))
                again.sort(key=lambda pair: pair[0])
    result.seconds = clock() - started
    return result


def _next_card(pending: list[Card], again: list[tuple[datetime, Card]], now: datetime) -> Card:
    """A learning card that is due comes first; otherwise the next queued card; when only
    learning cards remain, the soonest one (learning ahead)."""
    if again and (again[0][0] <= now or not pending):
        return again.pop(0)[1]
    return pending.pop(0)
