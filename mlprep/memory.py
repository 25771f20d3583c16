"""The FSRS-6 memory model on plain floats: how recall fades and how a review changes a memory.

The `fsrs` package schedules the real reviews; planning and simulation need the same formulas
thousands of times per second without building `fsrs.Card`s, so they live here too (tests check
them against the package). Times are in days.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# the "source" of a parameters event that goes back to DEFAULT_PARAMETERS (`optimize --reset`)
DEFAULT_SOURCE = "default"
# fsrs' FSRS-6 defaults (21 parameters); fsrs-rs uses the same layout and values
DEFAULT_PARAMETERS: tuple[float, ...] = (
    0.212,
    1.2931,
    2.3065,
    8.2956,
    6.4133,
    0.8334,
    3.0194,
    0.001,
    1.8722,
    0.1666,
    0.796,
    1.4835,
    0.0614,
    0.2629,
    1.6483,
    0.6014,
    1.8729,
    0.5425,
    0.0912,
    0.0658,
    0.1542,
)
PARAMETER_COUNT = 21
STABILITY_MIN = 0.001
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


class Memory:
    """FSRS-6 with one parameter set: stability S (days), difficulty D (1-10)."""

    def __init__(self, parameters: Sequence[float] | None = None) -> None:
        w = tuple(parameters) if parameters is not None else DEFAULT_PARAMETERS
        if len(w) != PARAMETER_COUNT:
            raise ValueError(f"FSRS-6 takes {PARAMETER_COUNT} parameters, not {len(w)}")
        self.w = w
        self.decay = -w[20]
        self.factor = 0.9 ** (1 / self.decay) - 1

    def recall(self, elapsed_days: float, stability: float) -> float:
        """The probability of recalling a memory of `stability` after `elapsed_days`."""
        return (1 + self.factor * max(0.0, elapsed_days) / stability) ** self.decay

    def interval(self, stability: float, retention: float) -> float:
        """Days until recall falls to `retention`."""
        return stability / self.factor * (retention ** (1 / self.decay) - 1)

    def first(self, grade: int) -> tuple[float, float]:
        """(S, D) after the first answer ever."""
        return max(self.w[grade - 1], STABILITY_MIN), self._clamp_d(self._initial_d(grade))

    def review(
        self, stability: float, difficulty: float, elapsed_days: float, grade: int
    ) -> tuple[float, float]:
        """(S, D) after answering with `grade` `elapsed_days` after the last answer: the
        same-day formula under a day, the long-term one otherwise (as fsrs does)."""
        w = self.w
        next_d = self._next_d(difficulty, grade)
        if elapsed_days < 1:
            gain = math.exp(w[17] * (grade - 3 + w[18])) * stability ** -w[19]
            if grade > AGAIN:
                gain = max(gain, 1.0)
            return max(stability * gain, STABILITY_MIN), next_d
        r = self.recall(elapsed_days, stability)
        if grade == AGAIN:
            long_term = (
                w[11]
                * difficulty ** -w[12]
                * ((stability + 1) ** w[13] - 1)
                * math.exp((1 - r) * w[14])
            )
            short = stability / math.exp(w[17] * w[18])
            return max(min(long_term, short), STABILITY_MIN), next_d
        bonus = (w[15] if grade == HARD else 1.0) * (w[16] if grade == EASY else 1.0)
        grown = stability * (
            1
            + math.exp(w[8])
            * (11 - difficulty)
            * stability ** -w[9]
            * (math.exp((1 - r) * w[10]) - 1)
            * bonus
        )
        return max(grown, STABILITY_MIN), next_d

    def _initial_d(self, grade: int) -> float:
        return self.w[4] - math.exp(self.w[5] * (grade - 1)) + 1

    def _next_d(self, difficulty: float, grade: int) -> float:
        delta = -(self.w[6] * (grade - 3))
        damped = difficulty + (10.0 - difficulty) * delta / 9.0
        reverted = self.w[7] * self._initial_d(EASY) + (1 - self.w[7]) * damped
        return self._clamp_d(reverted)

    @staticmethod
    def _clamp_d(difficulty: float) -> float:
        return min(max(difficulty, 1.0), 10.0)
