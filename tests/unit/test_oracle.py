"""The benchmark's ceiling models the simulated learner it bounds."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bench.learner import Learner, seconds
from bench.oracle import bound
from mlprep.memory import AGAIN, DEFAULT_PARAMETERS
from mlprep.scheduler import LEARNING, RELEARNING, Scheduler

START = datetime(2027, 3, 1, 18, tzinfo=UTC)
DAYS = 10  # study days; the interview on the morning after the last


@pytest.fixture(scope="module")
def ceiling():
    return bound(DEFAULT_PARAMETERS, DAYS, 1800.0, 1421)


@pytest.fixture(scope="module")
def first_views():
    """1,000 new cards seen by a simulated learner at 18:00 on day 0, each through its
    learning steps as a review session asks them: (expected recall on the interview morning,
    seconds)."""
    learner, scheduler, rng = Learner(DEFAULT_PARAMETERS, 5), Scheduler(), random.Random(5)
    out = []
    for n in range(1000):
        card, at, spent, state = f"c{n}", START, 0.0, None
        while state is None or state.state in (LEARNING, RELEARNING):
            kind = "first" if state is None else "step"
            grade = learner.answer(card, (at - START).total_seconds() / 86400 + 0.75)
            spent += seconds(rng, kind)
            state = scheduler.review(state, card, grade, at)
            at = max(at + timedelta(seconds=30), state.due)
            assert grade > AGAIN or kind == "first"  # the same day, steps are recalled
        out.append((learner.expected_recall([card], DAYS + 0.375), spent))
    return out


def test_a_new_cards_recall_and_cost_match_the_learner(first_views, ceiling):
    recall = sum(r for r, _ in first_views) / len(first_views)
    spent = sum(s for _, s in first_views) / len(first_views)
    assert recall == pytest.approx(ceiling["recall_first_day"], abs=0.02)
    assert spent == pytest.approx(ceiling["new_card_seconds"], rel=0.05)


def test_with_default_parameters_no_review_beats_a_new_card(ceiling):
    assert ceiling["review_excess"] == 0
    # so the ceiling is every day's 1,800 s priced at what new cards first seen then earn
    assert ceiling["bound"] == pytest.approx(1800 * sum(ceiling["prices"]))
    assert ceiling["prices"] == sorted(ceiling["prices"])  # a later first view earns more
