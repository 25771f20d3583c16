"""A timed mock interview: questions mixed across topics and weighted toward weak cards, answers
typed and kept hidden until the end, then a transcript to self-grade and a scorecard per topic.
"""

from __future__ import annotations

import contextlib
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from mlprep.model import Card, CardType, Grade
from mlprep.scheduler import CardState, Scheduler
from mlprep.sessions import END_OF_INPUT, INTERRUPTED
from mlprep.sessions.quiz import Recorder

TIME_UP = "time up"


class TimeUp(Exception):
    """Raised (from a timer) when the interview's time runs out, even mid-answer."""


class MockPrompter(Protocol):
    def show_mock_question(
        self, card: Card, position: int, total: int, seconds_left: float
    ) -> None: ...
    def ask_mock_answer(self) -> str: ...
    def show_transcript_item(self, card: Card, answer: str, position: int, total: int) -> None: ...
    def ask_grade(self) -> Grade: ...
    def notice(self, message: str) -> None: ...


@dataclass
class MockAnswer:
    card: Card
    answer: str
    seconds: float
    grade: Grade | None = None


@dataclass
class MockResult:
    id: str
    started_at: str
    minutes: float
    planned: int
    answers: list[MockAnswer] = field(default_factory=list)
    seconds: float = 0.0
    ended: str = "finished"  # or TIME_UP, INTERRUPTED, END_OF_INPUT

    def scorecard(self) -> list[tuple[str, int, int, float]]:
        """Per deck: (deck, questions, graded Good or Easy, mean grade 1-4 of graded)."""
        by_deck: dict[str, list[MockAnswer]] = defaultdict(list)
        for answer in self.answers:
            by_deck[answer.card.deck].append(answer)
        rows = []
        for deck, answers in sorted(by_deck.items()):
            grades = [a.grade for a in answers if a.grade is not None]
            good = sum(g >= Grade.GOOD for g in grades)
            mean = sum(grades) / len(grades) if grades else 0.0
            rows.append((deck, len(answers), good, mean))
        return rows


def weakness(state: CardState | None, scheduler: Scheduler, now: datetime) -> float:
    """How much a card deserves a place: unseen cards 1.5; studied cards 1 plus up to 2 for
    low predicted recall plus 1 per lapse."""
    if state is None:
        return 1.5
    return 1.0 + 2.0 * (1.0 - scheduler.retrievability(state, now)) + state.lapses


def pick_questions(
    cards: Sequence[Card],
    states: dict[str, CardState],
    scheduler: Scheduler,
    now: datetime,
    count: int,
    rng: random.Random,
) -> list[Card]:
    """A weighted sample without replacement (Efraimidis-Spirakis keys), then interleaved by
    deck so that consecutive questions change topic."""
    # an interviewer asks open questions: option lists, SQL and coding exercises stay out
    askable = [c for c in cards if c.type is CardType.OPEN and not c.choices]
    keyed = sorted(
        (
            (rng.random() ** (1.0 / weakness(states.get(c.id), scheduler, now)), c.id, c)
            for c in askable
        ),
        reverse=True,
    )
    chosen = [card for _, _, card in keyed[:count]]
    by_deck: dict[str, list[Card]] = defaultdict(list)
    for card in chosen:
        by_deck[card.deck].append(card)
    mixed = []
    while any(by_deck.values()):
        for deck in sorted(by_deck, key=lambda d: -len(by_deck[d])):
            if by_deck[deck]:
                mixed.append(by_deck[deck].pop(0))
    return mixed


@contextlib.contextmanager
def no_alarm(seconds: float) -> Iterator[None]:
    yield


def run_mock(
    cards: Sequence[Card],
    prompter: MockPrompter,
    record: Recorder,
    minutes: float,
    now: Callable[[], datetime],
    clock: Callable[[], float] = time.monotonic,
    alarm: Callable[[float], contextlib.AbstractContextManager] = no_alarm,
) -> MockResult:
    """Ask until the questions or the time run out; then self-grade the transcript."""
    result = MockResult(
        id=uuid.uuid4().hex, started_at=now().isoformat(), minutes=minutes, planned=len(cards)
    )
    started = clock()
    deadline = started + minutes * 60
    try:
        with alarm(minutes * 60):
            for position, card in enumerate(cards, start=1):
                left = deadline - clock()
                if left <= 0:
                    raise TimeUp
                prompter.show_mock_question(card, position, len(cards), left)
                asked = clock()
                answer = prompter.ask_mock_answer()
                result.answers.append(MockAnswer(card, answer, clock() - asked))
    except TimeUp:
        result.ended = TIME_UP
        prompter.notice("\nTime is up.")
    except KeyboardInterrupt:
        result.ended = INTERRUPTED
    except EOFError:
        result.ended = END_OF_INPUT
    result.seconds = clock() - started
    if result.ended in (INTERRUPTED, END_OF_INPUT):
        return result
    prompter.notice("\nTranscript: compare each answer with the reference and grade yourself.")
    try:
        for position, item in enumerate(result.answers, start=1):
            prompter.show_transcript_item(item.card, item.answer, position, len(result.answers))
            item.grade = prompter.ask_grade()
            record(item.card, item.grade, round(item.seconds * 1000))
    except KeyboardInterrupt:
        result.ended = INTERRUPTED  # grades given so far are saved; the rest stay ungraded
    except EOFError:
        pass
    return result
