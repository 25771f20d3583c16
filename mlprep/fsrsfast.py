"""fsrs' Scheduler.review_card as plain arithmetic, for replays of many answers.

The same operations in the same order as fsrs (version VERIFIED; tests check it against fsrs
review by review, fuzz included), on plain numbers instead of fsrs objects and datetimes: a
merge or an import replays thousands of answers, and building fsrs' objects for each took most
of the time. Any other fsrs version is used through fsrs itself (see Scheduler.review).

Times are whole microseconds since the epoch (what a datetime holds, without building one):
fsrs' datetime arithmetic on them is integer arithmetic, to the microsecond.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta

VERIFIED = "6.3."  # the fsrs versions this follows (their review_card was read line by line)
LEARNING, REVIEW, RELEARNING = 1, 2, 3  # fsrs.State values
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4  # fsrs.Rating values
_E = math.e  # fsrs writes math.e ** x, which can differ from math.exp(x) in the last bit
_STABILITY_MIN = 0.001
_MIN_DIFFICULTY, _MAX_DIFFICULTY = 1.0, 10.0
_FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))
DAY_US = 86_400_000_000  # a day in microseconds


def _us(interval: timedelta) -> int:
    return interval // timedelta(microseconds=1)


class FastReview:
    """review_card of one fsrs.Scheduler's settings (its parameters, retention, steps,
    maximum interval and fuzzing)."""

    def __init__(self, scheduler) -> None:
        self.w = tuple(scheduler.parameters)
        self.retention = scheduler.desired_retention
        self.learning = _Steps(scheduler.learning_steps)
        self.relearning = _Steps(scheduler.relearning_steps)
        self.maximum = scheduler.maximum_interval
        self.fuzzing = scheduler.enable_fuzzing
        self.decay = scheduler._DECAY
        self.factor = scheduler._FACTOR
        # parts of the formulas below that depend on the settings alone, worked out once by
        # the very same operations (the same numbers, to the last bit, as at every review)
        w = self.w
        self._easy_d = self._initial_d(EASY, clamp=False)
        self._mean_reversion = w[7] * self._easy_d
        self._kept_d = 1 - w[7]
        self._interval_scale = (self.retention ** (1 / self.decay)) - 1
        self._again_short = _E ** (w[17] * w[18])
        self._e_w8 = _E ** (w[8])

    def review(
        self,
        state: int,
        step: int | None,
        stability: float | None,
        difficulty: float | None,
        last_review: int | None,
        rating: int,
        at: int,
        draw: Callable[[], float],
    ) -> tuple[int, int | None, float, float, int]:
        """The card's state, step, stability, difficulty and due after `rating` at `at`
        (times in microseconds; `draw` gives fsrs' random() for the fuzz)."""
        if state == LEARNING and step is None:
            step = 0  # (as fsrs.Card does)
        # (timedelta.days: whole days, rounded down)
        days_since = (at - last_review) // DAY_US if last_review is not None else None
        interval: int  # microseconds
        if state == LEARNING:
            assert step is not None
            if stability is None or difficulty is None:
                stability = self._clamp_s(self.w[rating - 1])
                difficulty = self._initial_d(rating, clamp=True)
            else:
                stability, difficulty = self._memory(
                    stability, difficulty, days_since, last_review, at, rating
                )
            state, step, interval = self._steps(self.learning, state, step, stability, rating)
        elif state == REVIEW:
            assert stability is not None and difficulty is not None
            stability, difficulty = self._memory(
                stability, difficulty, days_since, last_review, at, rating
            )
            if rating == AGAIN:
                if len(self.relearning) == 0:
                    interval = self._next_interval(stability) * DAY_US
                else:
                    state, step = RELEARNING, 0
                    interval = self.relearning[step]
            else:
                interval = self._next_interval(stability) * DAY_US
        elif state == RELEARNING:
            assert stability is not None and difficulty is not None and step is not None
            stability, difficulty = self._memory(
                stability, difficulty, days_since, last_review, at, rating
            )
            state, step, interval = self._steps(self.relearning, state, step, stability, rating)
        else:
            raise ValueError(f"Unknown card state: {state}")
        if self.fuzzing and state == REVIEW:
            interval = self._fuzzed(interval, draw)
        return state, step, stability, difficulty, at + interval

    def _memory(
        self,
        stability: float,
        difficulty: float,
        days_since: int | None,
        last_review: int | None,
        at: int,
        rating: int,
    ) -> tuple[float, float]:
        """Stability and difficulty after a rating of a card already seen: the same-day
        update within a day of the last review, otherwise the one from recall (the new
        stability from the old difficulty in both)."""
        if days_since is not None and days_since < 1:
            stability = self._short_term(stability, rating)
        else:
            r = self._recall(last_review, stability, at)
            stability = self._next_s(difficulty, stability, r, rating)
        return stability, self._next_d(difficulty, rating)

    def _steps(
        self, steps: _Steps, state: int, step: int, stability: float, rating: int
    ) -> tuple[int, int | None, int]:
        """A learning or relearning card's next state, step and interval (microseconds)."""
        if len(steps) == 0 or (step >= len(steps) and rating in (HARD, GOOD, EASY)):
            return REVIEW, None, self._next_interval(stability) * DAY_US
        if rating == AGAIN:
            return state, 0, steps[0]
        if rating == HARD:
            if step == 0:
                return state, step, steps.hard_first
            return state, step, steps[step]
        if rating == GOOD:
            if step + 1 == len(steps):
                return REVIEW, None, self._next_interval(stability) * DAY_US
            return state, step + 1, steps[step + 1]
        if rating == EASY:
            return REVIEW, None, self._next_interval(stability) * DAY_US
        raise ValueError(f"Unknown rating: {rating}")

    def _recall(self, last_review: int | None, stability: float, at: int) -> float:
        if last_review is None or stability is None:
            return 0
        elapsed_days = max(0, (at - last_review) // DAY_US)
        return (1 + self.factor * elapsed_days / stability) ** self.decay

    @staticmethod
    def _clamp_s(stability: float) -> float:
        return max(stability, _STABILITY_MIN)

    @staticmethod
    def _clamp_d(difficulty: float) -> float:
        return min(max(difficulty, _MIN_DIFFICULTY), _MAX_DIFFICULTY)

    def _initial_d(self, rating: int, clamp: bool) -> float:
        w = self.w
        difficulty = w[4] - (_E ** (w[5] * (rating - 1))) + 1
        return self._clamp_d(difficulty) if clamp else difficulty

    def _next_interval(self, stability: float) -> int:
        interval = (stability / self.factor) * self._interval_scale
        return min(max(round(interval), 1), self.maximum)

    def _short_term(self, stability: float, rating: int) -> float:
        w = self.w
        increase = (_E ** (w[17] * (rating - 3 + w[18]))) * (stability ** -w[19])
        if rating in (HARD, GOOD, EASY):
            increase = max(increase, 1.0)
        return self._clamp_s(stability * increase)

    def _next_d(self, difficulty: float, rating: int) -> float:
        # fsrs: arg_1 = initial_d(EASY, unclamped); w[7] * arg_1 + (1 - w[7]) * arg_2
        delta = -(self.w[6] * (rating - 3))
        arg_2 = difficulty + (10.0 - difficulty) * delta / 9.0
        return self._clamp_d(self._mean_reversion + self._kept_d * arg_2)

    def _next_s(self, difficulty: float, stability: float, r: float, rating: int) -> float:
        w = self.w
        if rating == AGAIN:
            long_term = (
                w[11]
                * (difficulty ** -w[12])
                * (((stability + 1) ** (w[13])) - 1)
                * (_E ** ((1 - r) * w[14]))
            )
            short_term = stability / self._again_short  # (_E ** (w[17] * w[18]))
            stability = min(long_term, short_term)
        elif rating in (HARD, GOOD, EASY):
            hard_penalty = w[15] if rating == HARD else 1
            easy_bonus = w[16] if rating == EASY else 1
            stability = stability * (
                1
                + self._e_w8  # (_E ** (w[8]))
                * (11 - difficulty)
                * (stability ** -w[9])
                * ((_E ** ((1 - r) * w[10])) - 1)
                * hard_penalty
                * easy_bonus
            )
        else:
            raise ValueError(f"Unknown rating: {rating}")
        return self._clamp_s(stability)

    def _fuzzed(self, interval: int, draw: Callable[[], float]) -> int:
        days = interval // DAY_US
        if days < 2.5:
            return interval
        # fsrs adds factor * max(min(days, end) - start, 0.0) for each of _FUZZ_RANGES, in
        # order, to 1.0 (the last range's end is infinite: min gives days)
        length = float(days)
        delta = (
            1.0
            + 0.15 * max(min(length, 7.0) - 2.5, 0.0)
            + 0.1 * max(min(length, 20.0) - 7.0, 0.0)
            + 0.05 * max(length - 20.0, 0.0)
        )
        low = round(days - delta)
        high = round(days + delta)
        low = max(2, low)
        high = min(high, self.maximum)
        low = min(low, high)
        fuzzed = (draw() * (high - low + 1)) + low
        return min(round(fuzzed), self.maximum) * DAY_US


class _Steps(tuple):
    """Learning or relearning steps in microseconds, with the step a Hard at the first step
    waits (fsrs: the first step times 1.5 if it is the only one, else the mean of the first
    two; worked out once, in timedelta arithmetic as fsrs does it)."""

    hard_first: int

    def __new__(cls, steps) -> _Steps:
        made = super().__new__(cls, map(_us, steps))
        if len(steps) == 1:
            made.hard_first = _us(steps[0] * 1.5)
        elif len(steps) >= 2:
            made.hard_first = _us((steps[0] + steps[1]) / 2.0)
        return made
