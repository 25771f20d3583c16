"""The plain-arithmetic review gives exactly fsrs' states, fuzz included, whatever the grades,
the gaps between answers and the fitted parameters."""

from __future__ import annotations

import functools
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


def test_the_fuzz_range_is_fsrs_own_for_every_interval(monkeypatch):
    """fsrsfast writes fsrs' loop over its fuzz ranges out in full: the same bounds for every
    interval up to the maximum, at both ends of the draw and between."""
    import fsrs.scheduler

    scheduler = Scheduler()
    fast = scheduler._fast
    days = [*range(0, 400), *range(400, scheduler.fsrs.maximum_interval + 2, 7)]
    for number in (0.0, 0.4999, 0.999999):
        draw = functools.partial(float, number)
        monkeypatch.setattr(fsrs.scheduler, "random", draw)
        for day in days:
            interval = timedelta(days=day)
            expected = scheduler.fsrs._get_fuzzed_interval(interval=interval)
            fuzzed = fast._fuzzed(interval // timedelta(microseconds=1), draw)
            assert fuzzed == expected // timedelta(microseconds=1), day


def test_a_fuzz_draw_is_what_a_new_generator_gives():
    from mlprep.scheduler import _seeded_draw

    rng = random.Random(4)
    for seed in [0, 1, 2**32, 2**56 - 1, *(rng.getrandbits(56) for _ in range(300))]:
        assert _seeded_draw(seed) == random.Random(seed).random()


def test_the_fsrs_version_read_beside_the_package_is_the_installed_one():
    from importlib.metadata import version

    from mlprep.scheduler import _fsrs_version

    assert _fsrs_version() == version("fsrs")
