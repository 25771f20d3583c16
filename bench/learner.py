"""A simulated learner whose memory follows FSRS-6 with known parameters (for the plan
benchmark and the optimizer's tests): it answers from its true memory, takes realistic times,
and can produce a realistic review history."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from mlprep.memory import AGAIN, EASY, GOOD, HARD, Memory

# The learner's first grade on a card never seen, and its grade when it recalls one
# (fsrs-rs' simulator defaults, from many users' logs)
FIRST_GRADES = ((AGAIN, 0.24), (HARD, 0.094), (GOOD, 0.495), (EASY, 0.171))
RECALL_GRADES = ((HARD, 0.224), (GOOD, 0.632), (EASY, 0.144))
# Median seconds per answer and their spread (log-normal): a first view means reading the
# answer; reviews of interview cards take a while to say out loud
SECONDS = {"first": (30.0, 0.5), "step": (12.0, 0.5), "review": (16.0, 0.6), "lapse": (24.0, 0.5)}

# A learner who forgets faster than the default parameters predict, and grows stability
# more slowly: the fitted-parameters benchmark learns these from a simulated log
FORGETFUL = (
    0.15, 0.9, 1.8, 6.0, 6.6, 0.9, 2.8, 0.005, 1.6, 0.2, 0.85, 1.6, 0.07, 0.3, 1.7,
    0.55, 1.8, 0.5, 0.1, 0.07, 0.35,
)  # fmt: skip


def pick(rng: random.Random, table) -> int:
    x = rng.random()
    for grade, p in table:
        x -= p
        if x <= 0:
            return grade
    return table[-1][0]


def seconds(rng: random.Random, kind: str) -> float:
    median, spread = SECONDS[kind]
    return min(300.0, median * math.exp(rng.gauss(0, spread)))


# Days start at 04:00, as the optimizer and Anki count them (mlprep.optimize.day_of)
ROLLOVER = 4 / 24


def day_number(at: float) -> int:
    """The review day of a moment `at` days after a midnight."""
    return math.floor(at - ROLLOVER)


def elapsed_days(at: float, last: float) -> int:
    """Whole days between two moments' review days: FSRS's unit of time. A review 20 hours
    after the last one on the next day is a one-day interval; two answers the same day are
    zero days apart (FSRS's short-term formula)."""
    return day_number(at) - day_number(last)


@dataclass
class Trace:
    stability: float
    difficulty: float
    last: float  # days


class Learner:
    def __init__(self, parameters, seed: int = 0) -> None:
        self.memory = Memory(parameters)
        self.rng = random.Random(seed)
        self.traces: dict[str, Trace] = {}

    def answer(self, card: str, at: float) -> int:
        """The learner's grade for `card` at `at` days; its true memory changes accordingly."""
        trace = self.traces.get(card)
        if trace is None:
            grade = pick(self.rng, FIRST_GRADES)
            self.traces[card] = Trace(*self.memory.first(grade), at)
            return grade
        elapsed = elapsed_days(at, trace.last)
        recalled = self.rng.random() < self.memory.recall(elapsed, trace.stability)
        grade = pick(self.rng, RECALL_GRADES) if recalled else AGAIN
        trace.stability, trace.difficulty = self.memory.review(
            trace.stability, trace.difficulty, elapsed, grade
        )
        trace.last = at
        return grade

    def expected_recall(self, cards, at: float) -> float:
        """Expected number of `cards` recalled at `at` days (unseen cards: none)."""
        total = 0.0
        for card in cards:
            trace = self.traces.get(card)
            if trace is not None:
                total += self.memory.recall(elapsed_days(at, trace.last), trace.stability)
        return total


def review_history(
    parameters, cards: int, days: int, new_per_day: int, seed: int = 1, start=None
) -> list[tuple[str, int, datetime, int]]:
    """A realistic history (card, grade, time, ms): a learner with `parameters` studies
    `new_per_day` new cards a day and every due card, scheduled by FSRS at 90% with the
    default parameters and Anki's learning steps, at a random hour each day."""
    from mlprep.scheduler import Scheduler

    rng = random.Random(seed)
    learner = Learner(parameters, seed)
    scheduler = Scheduler()
    start = start or datetime(2025, 1, 6, tzinfo=UTC)
    states: dict = {}
    history = []
    next_new = 0
    for day in range(days):
        moment = start + timedelta(days=day, hours=7 + rng.random() * 12)
        due = sorted((s.due_ts, cid) for cid, s in states.items() if s.due_ts <= moment.timestamp())
        todo = [cid for _, cid in due]
        for _ in range(new_per_day):
            if next_new < cards:
                todo.append(f"card-{next_new}")
                next_new += 1
        while todo:
            card = todo.pop(0)
            at_days = (moment - start).total_seconds() / 86400
            kind = "first" if card not in states else "review"
            grade = learner.answer(card, at_days)
            ms = int(seconds(rng, kind if grade > AGAIN else "lapse") * 1000)
            history.append((card, grade, moment, ms))
            states[card] = scheduler.review(states.get(card), card, grade, moment)
            moment += timedelta(milliseconds=ms)
            if states[card].due_ts <= (moment + timedelta(minutes=20)).timestamp():
                todo.append(card)  # a learning step, later in the session
                moment += timedelta(minutes=1)
    return history
