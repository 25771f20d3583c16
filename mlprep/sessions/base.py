"""What every study session shares: the Stop reasons, the result base, the stop handling, the
context a session runs in, and answering one card through its kind.

A mode is one module in `mlprep.sessions` with a session class (`mode`, `reschedules`,
`run(prompter, recorder, context) -> result`), its result (a `SessionResult` with `summary()`
lines) and its loop. `mlprep.cli.session.run_session` runs any of them.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from mlprep.model import Card, Grade
from mlprep.sessions.ports import ProgressView, Prompter, Recorder
from mlprep.textfit import GRADE_LABELS as GRADE_LABELS
from mlprep.textfit import duration as duration
from mlprep.textfit import shorten as shorten

if TYPE_CHECKING:
    from mlprep.kinds import KindContext
    from mlprep.reviewlog import ReviewEvent
    from mlprep.scheduler import CardState


class Stop(StrEnum):
    """Why a session ended before its last card."""

    INTERRUPTED = "interrupted"  # Ctrl-C: exit 130
    END_OF_INPUT = "end of input"
    QUIT = "quit"
    TIME_UP = "time up"


@dataclass
class SessionResult:
    """What any session gives back: how many cards it planned, how long it ran, why it
    stopped (None: it reached its end)."""

    planned: int = 0
    seconds: float = 0.0
    stopped: Stop | None = None

    def summary(self) -> list[str]:
        return []


@contextlib.contextmanager
def until_stopped(result: SessionResult) -> Iterator[None]:
    """Run a session's loop; Ctrl-C or the end of input stops it and is noted on `result`
    (answers are saved as they are given, so nothing is lost)."""
    try:
        yield
    except KeyboardInterrupt:
        result.stopped = Stop.INTERRUPTED
    except EOFError:
        result.stopped = Stop.END_OF_INPUT


class _NoProgress:
    states: Mapping[str, CardState] = {}

    def retrievability(self, state: CardState, now: datetime) -> float:
        return 0.0

    def events(self) -> list[ReviewEvent]:
        return []


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SessionContext:
    """The world a session runs in: time, randomness, progress to choose cards by."""

    now: Callable[[], datetime] = _utc_now
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)
    progress: ProgressView = field(default_factory=_NoProgress)
    sql_time_limit: float = 2.0
    code_dir: Path | None = None  # coding drills' files; None: code cards are self-graded
    trust_deck: bool = False  # the user agreed to run user decks' code cards' tests

    def kind_context(self, collect_only: bool = False) -> KindContext:
        from mlprep.kinds import KindContext

        return KindContext(
            self.rng, self.sql_time_limit, collect_only, self.code_dir, self.trust_deck
        )


class Session(Protocol):
    mode: str  # the journal's name for it: quiz, review, flash, mock, drill, sql
    reschedules: bool  # False: answers are logged but change no schedule (drill)

    def run(
        self, prompter: Prompter, recorder: Recorder, context: SessionContext
    ) -> SessionResult: ...


# -- one card, asked and graded ------------------------------------------------------------
@dataclass(frozen=True)
class CardResult:
    """One card asked and graded: the answer, its grade and the state it gave the card."""

    card: Card
    grade: Grade
    correct: bool | None  # None: self-graded
    answer: str
    seconds: float
    state: CardState | None = None  # the card's state after the answer

    @property
    def needs_revisit(self) -> bool:
        return self.correct is False or self.grade <= Grade.HARD


def answer_card(
    card: Card, prompter: Prompter, recorder: Recorder, context: SessionContext
) -> CardResult | None:
    """Ask a card through its kind; the answer is recorded the moment it is graded (before
    any feedback), timed from the question. Auto-graded answers end with when the card comes
    back; self-grades show that for each grade on the prompt. None: the card cannot be asked
    as it stands (UnusableCard), and the session goes on without it, having said why."""
    # the kinds are imported here, once the first card is on screen (start-up time)
    from mlprep.kinds import UnusableCard, kind_of

    kind = kind_of(card)
    asked = context.clock()
    try:
        outcome = kind.attempt(card, prompter, context.kind_context())
    except UnusableCard as unusable:
        prompter.notice(unusable.message)
        return None
    verdict = outcome.verdict
    if verdict.grade is not None:
        seconds = context.clock() - asked
        state = recorder.record(card, verdict.grade, round(seconds * 1000), outcome.journal)
        kind.feedback(card, prompter, outcome)
        line = comes_back(state) if recorder.reschedules else ""
        if line:
            prompter.notice(line)
        return CardResult(card, verdict.grade, verdict.correct, outcome.journal, seconds, state)
    kind.reveal(card, prompter, outcome)
    grade = prompter.ask_grade(grade_preview(recorder, card, context.now()), verdict.suggested)
    seconds = context.clock() - asked
    state = recorder.record(
        card, grade, round(seconds * 1000), outcome.journal, suggested=verdict.suggested
    )
    return CardResult(card, grade, None, outcome.journal, seconds, state)


# -- when a card comes back ------------------------------------------------------------------
def short_interval(delta: timedelta) -> str:
    """10m, 5h, 3d, 2.5mo, 1.2y: the length of an interval as a grade button shows it."""
    seconds = max(0.0, delta.total_seconds())
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")


def grade_preview(recorder: Recorder, card: Card, now: datetime) -> str:
    """'1 Again 10m · 2 Hard 1d · 3 Good 3d · 4 Easy 8d', or '' when grades change nothing."""
    due = recorder.preview(card)
    if not due:
        return ""
    return " · ".join(
        f"{int(grade)} {grade.label} {short_interval(due[grade] - now)}" for grade in Grade
    )


def comes_back(state: CardState | None) -> str:
    """'Comes back in 10 minutes.': counted from the answer, as the grade's label counted it
    (from the time it was said, 5.5 minutes read as 6 on the label and as 5 after a drill's
    tests had run)."""
    if state is None:
        return ""
    return f"Comes back in {long_interval(state.due - state.last_review)}."


def long_interval(delta: timedelta) -> str:
    """'10 minutes', '5 hours', '3 days', '2 months' (rounded)."""
    seconds = max(0.0, delta.total_seconds())
    # a unit once there is a whole one (1.5 for months: "1 month" reads oddly for 31 days)
    for unit, size, least in (("year", 365, 1.0), ("month", 30, 1.5), ("day", 1, 0.75)):
        size *= 86400
        if seconds >= size * least:
            count = round(seconds / size)
            return f"{count} {unit}{'s' * (count != 1)}"
    if seconds >= 3600:
        count = round(seconds / 3600)
        return f"{count} hour{'s' * (count != 1)}"
    count = max(1, round(seconds / 60))
    return f"{count} minute{'s' * (count != 1)}"


# -- text shared by the summaries (no terminal codes) ---------------------------------------
def stopped_line(stopped: Stop, what: str, saved: bool, detail: str = "") -> str:
    """ "Stopped (quit) after 2 of 5 cards; your graded answers are saved.": `what` is said
    to be saved only where something was (it was said when nothing was answered)."""
    return f"Stopped ({stopped}){detail}{f'; your {what} are saved' if saved else ''}."


def grade_counts(grades: list[Grade]) -> str:
    return ", ".join(f"{sum(g == grade for g in grades)} {grade.label}" for grade in Grade)
