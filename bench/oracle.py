"""An upper bound on what any schedule held to a daily budget can recall on the interview day.

Used by the plan benchmark to tell "the plan could do better" from "no schedule at 30 minutes
a day can": it knows the simulated learner's true memory (bench/learner.py) and mean answer
times, which no real schedule does.

The bound is Lagrangian. Put a price on each day's seconds: lambda_d, what a second of day d
earns when spent on new cards, i.e. the expected recall on the day of a card first seen on
day d (after its learning steps) divided by what it costs. Any schedule's expected total is
then at most

    sum over days of lambda_d * budget   +   cards * mu

where mu is the most a single card can earn beyond the price of the seconds spent on it,
over every way of studying it (first seen on any day, then reviewed on any later day). New
cards earn exactly their price, so mu > 0 only if some review earns more per second than a
new card on its day. Reviews are searched up to one per card (two did not pay either, with
the default parameters); mu is 0 with those and about 0.006 with the forgetful learner's.
It bounds the expectation: three simulated learners land a few cards either side of it.
Budgets hold on average (the bench lets the answer in progress finish: a few seconds more).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from bench.learner import FIRST_GRADES, RECALL_GRADES, SECONDS
from mlprep.memory import AGAIN, EASY, GOOD, HARD, Memory

LEARNING_STEPS = 2  # Anki's 1 and 10 minutes, as the scheduler uses
RELEARNING_STEPS = 1
DEPTH = 8  # Hard answers keep a card on its step; longer chains than this are negligible


def mean_seconds(kind: str) -> float:
    median, spread = SECONDS[kind]
    return median * math.exp(spread**2 / 2)  # log-normal mean (the 300 s cap: negligible)


# (probability, stability, difficulty, seconds)
Outcome = tuple[float, float, float, float]


def steps(memory: Memory, s: float, d: float, step: int, last: int, p: float, depth=0):
    """Outcomes of the learning (or relearning) steps from `step` of `last` steps: the
    learner recalls within the day, so each answer is Hard (stay), Good (next) or Easy."""
    if step >= last or depth >= DEPTH:
        return [(p, s, d, 0.0)]
    out = []
    cost = mean_seconds("step")
    for grade, q in RECALL_GRADES:
        s2, d2 = memory.review(s, d, 0, grade)
        following = {HARD: step, GOOD: step + 1, EASY: last}[grade]
        for p2, s3, d3, c in steps(memory, s2, d2, following, last, p * q, depth + 1):
            out.append((p2, s3, d3, c + cost))
    return out


def first_view(memory: Memory) -> list[Outcome]:
    """A new card's first answer and its learning steps."""
    out = []
    for grade, q in FIRST_GRADES:
        s, d = memory.first(grade)
        step = {AGAIN: 0, HARD: 0, GOOD: 1, EASY: LEARNING_STEPS}[grade]
        for p, s2, d2, c in steps(memory, s, d, step, LEARNING_STEPS, q):
            out.append((p, s2, d2, c + mean_seconds("first")))
    return out


def review(memory: Memory, s: float, d: float, elapsed: int) -> list[Outcome]:
    """A review `elapsed` days after the last answer: recalled, or forgotten and relearned."""
    r = memory.recall(elapsed, s)
    out = []
    for grade, q in RECALL_GRADES:
        out.append((r * q, *memory.review(s, d, elapsed, grade), mean_seconds("review")))
    s2, d2 = memory.review(s, d, elapsed, AGAIN)
    for p, s3, d3, c in steps(memory, s2, d2, 0, RELEARNING_STEPS, 1 - r):
        out.append((p, s3, d3, c + mean_seconds("lapse")))
    return out


def merged(outcomes: list[Outcome]) -> list[tuple[float, float, float]]:
    """Outcomes with the same memory as one, their chances added (stability to 4 decimals;
    difficulty to 2, where it changes the next review's growth by far less than that)."""
    table: dict[tuple[float, float], float] = {}
    for p, s, d, _ in outcomes:
        key = (round(s, 4), round(d, 2))
        table[key] = table.get(key, 0.0) + p
    return [(p, s, d) for (s, d), p in table.items()]


def bound(parameters: Sequence[float], days: int, budget: float, cards: int) -> dict:
    """The bound for `cards` cards, `days` study days (the interview on the morning after
    the last) and `budget` seconds a day."""
    memory = Memory(parameters)
    learned = first_view(memory)
    cost_new = sum(p * c for p, _, _, c in learned)
    value_new = [
        sum(p * memory.recall(days - day, s) for p, s, _, _ in learned) for day in range(days)
    ]
    price = [v / cost_new for v in value_new]
    # mu: the best one card can do beyond the price of its seconds. Introducing it earns its
    # price exactly (0); a review on day r after a first view on day a adds its gain less
    # the price of its seconds on day r
    # the best review for each way the first view can go (a schedule sees the grades), if
    # any earns more than its seconds' price
    mu = 0.0
    reviewed = {}  # (first-view outcome, days since): each review's outcomes, once
    for a in range(days):
        extra = 0.0
        for index, (p, s, d) in enumerate(merged(learned)):
            before = memory.recall(days - a, s)
            best = 0.0
            for r in range(a + 1, days):
                after = reviewed.get((index, r - a))
                if after is None:
                    after = reviewed[index, r - a] = [
                        (q, s2, q * c) for q, s2, _, c in review(memory, s, d, r - a)
                    ]
                gain = sum(q * memory.recall(days - r, s2) for q, s2, _ in after) - before
                best = max(best, gain - price[r] * sum(c for _, _, c in after))
            extra += p * best
        mu = max(mu, extra)
    capacity = budget * days / cost_new
    return {
        "bound": budget * sum(price) + cards * mu,
        "new_card_seconds": cost_new,
        "recall_first_day": value_new[0],
        "recall_last_day": value_new[-1],
        "review_excess": mu,
        "new_cards_possible": capacity,
        "prices": price,
    }
