"""Drill: ask the weakest cards (ranked as stats ranks them: most lapses, then answered wrong
while first learning, then lowest predicted recall) or the ones answered wrong recently, as a
quiz. Answers are logged (mode `drill`) and shown in a card's history, but no schedule
changes: a drill is extra practice, not a review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from mlprep.model import Card, Grade
from mlprep.sessions.base import SessionContext
from mlprep.sessions.ports import ProgressView, Prompter, Recorder
from mlprep.sessions.quiz import QuizResult, run_quiz
from mlprep.stats import in_learning, is_weak, missed_while_learning

DEFAULT_COUNT = 10


def wrong_since(progress: ProgressView, since: datetime) -> dict[str, datetime]:
    """Cards answered Again (or wrong) at or after `since`, with the latest such moment."""
    latest: dict[str, datetime] = {}
    undone = set()
    events = progress.events()
    for event in events:
        if event.undoes:
            undone.add(event.undoes)
    for event in events:
        if event.grade == Grade.AGAIN and event.id not in undone and event.when >= since:
            latest[event.card] = max(event.when, latest.get(event.card, event.when))
    return latest


def pick_drill(
    cards: Sequence[Card],
    progress: ProgressView,
    now: datetime,
    weakest: int | None = None,
    wrong_days: float | None = None,
) -> list[Card]:
    """Studied cards, weakest first, as stats lists its weakest cards (most lapses, then
    answered wrong while first learning, then lowest predicted recall); with
    `wrong_days`, only those answered wrong in that many days. At most `weakest` (default
    10, or every recently wrong card)."""
    states = progress.states
    pool = [card for card in cards if card.id in states]
    if wrong_days is not None:
        wrong = wrong_since(progress, now - timedelta(days=wrong_days))
        pool = [card for card in pool if card.id in wrong]
    ranked = sorted(
        pool,
        key=lambda c: (
            -states[c.id].lapses,
            not missed_while_learning(states[c.id]),
            round(progress.retrievability(states[c.id], now), 6),
            c.id,
        ),
    )
    limit = weakest if weakest is not None else (None if wrong_days is not None else DEFAULT_COUNT)
    return ranked if limit is None else ranked[:limit]


def _heading(chosen: Sequence[Card], progress: ProgressView, now: datetime) -> str:
    """'Drill: 3 weak cards', or, where not all of them are weak as stats counts weak cards
    (stats.is_weak), how many are: a card just graded Easy was drilled as 'Drill: 1 weak
    card'."""
    states = progress.states
    weak = 0
    for card in chosen:
        state = states[card.id]
        # (recall as stats reads it: of cards past their learning steps)
        recall = None if in_learning(state) else progress.retrievability(state, now)
        weak += is_weak(state.lapses, missed_while_learning(state), recall)
    count = f"{len(chosen)} card{'s' * (len(chosen) != 1)}"
    if weak == len(chosen):
        return f"Drill: {len(chosen)} weak card{'s' * (len(chosen) != 1)}"
    if not weak:
        return f"Drill: {count} you have answered, weakest first (none is weak yet)"
    return f"Drill: {count}, weakest first ({weak} weak)"


@dataclass
class DrillResult(QuizResult):
    def summary(self) -> list[str]:
        if not self.planned:
            return []
        return [*super().summary(), "Drill answers are kept in your history; no schedule changed."]


@dataclass
class DrillSession:
    cards: Sequence[Card]
    weakest: int | None = None
    wrong_days: float | None = None
    mode: str = "drill"
    reschedules: bool = False

    def run(self, prompter: Prompter, recorder: Recorder, context: SessionContext) -> DrillResult:
        chosen = pick_drill(
            self.cards, context.progress, context.now(), self.weakest, self.wrong_days
        )
        if not chosen:
            what = "answered wrong lately" if self.wrong_days is not None else "answered yet"
            prompter.notice(
                f"Nothing to drill: no card in that selection was {what}. "
                "Try `mlprep quiz` or `mlprep review` first."
            )
            return DrillResult()
        count = f"{len(chosen)} card{'s' * (len(chosen) != 1)}"
        if self.wrong_days is not None:  # (not all of them weak: answered wrong lately)
            days = self.wrong_days
            since = "day" if days == 1 else f"{days:g} days"  # (not "the last 1 day")
            prompter.notice(f"Drill: {count} answered wrong in the last {since}")
        else:
            prompter.notice(_heading(chosen, context.progress, context.now()))
        quiz = run_quiz(chosen, prompter, recorder, context)
        result = DrillResult(planned=quiz.planned, seconds=quiz.seconds, stopped=quiz.stopped)
        result.results = quiz.results
        return result
