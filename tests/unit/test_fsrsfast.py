"""The plain-arithmetic review gives exactly fsrs' states, fuzz included, whatever the grades,
the gaps between answers and the fitted parameters."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from mlprep.memory import DEFAULT_PARAMETERS
from mlprep.scheduler import Scheduler

T0 = datetime(2025, 1, 6, 8, 30, tzinfo=UTC)
GAPS = [
    timedelta(seconds=20),
    timedelta(minutes=1),
    timedelta(minutes=10),
    timedelta(hours=5),
    timedelta(hours=23, minutes=59),
    timedelta(days=1),
    timedelta(days=3),
    timedelta(days=17),
    timedelta(days=90),
    timedelta(days=700),
]


def parameter_sets():
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    rng = random.Random(5)
    yield None
    for _ in range(3):  # fitted-looking parameters: the defaults moved by up to a fifth
        yield [
            min(high, max(low, round(p * rng.uniform(0.8, 1.2), 4)))
            for p, low, high in zip(
                DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
            )
        ]


@pytest.mark.parametrize("parameters", list(parameter_sets()))
def test_the_fast_review_gives_fsrs_states(parameters):
    scheduler = Scheduler(parameters)
    assert scheduler._fast is not None  # the installed fsrs is the one it follows
    rng = random.Random(11)
    checked = 0
    for card in range(150):
        card_id = f"deck-c{card}"
        fast = slow = None
        moment = T0 + timedelta(minutes=rng.randint(0, 10_000))
        for _ in range(rng.randint(1, 25)):
            grade = rng.choices((1, 2, 3, 4), weights=(2, 2, 5, 1))[0]
            fast = scheduler.review(fast, card_id, grade, moment)
            slow = scheduler.review_with_fsrs(slow, card_id, grade, moment)
            assert fast == slow
            checked += 1
            moment += rng.choice(GAPS) * rng.uniform(0.5, 1.5)
    assert checked > 1000
