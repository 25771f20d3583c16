"""What a card may hold beyond its question and answer: choices, an expected number, a
rubric, keypoints and misconceptions. Frozen dataclasses with no I/O; imports nothing of
mlprep. `mlprep.model` names them too; they live apart so that a command that shows no such
card never creates their classes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    """One option of a choice card; `why` is shown when the user picks it."""

    text: str
    correct: bool = False
    why: str = ""  # why this option is right or wrong, shown when the user picks it


@dataclass(frozen=True)
class Keypoint:
    """One claim a full answer makes, with the short phrases that show it is made.

    A phrase is a few content words; `a|b` gives alternatives for one word position.
    """

    point: str
    match: tuple[str, ...]


@dataclass(frozen=True)
class Misconception:
    """A wrong claim candidates really make, the phrases that state it, and its correction."""

    claim: str
    match: tuple[str, ...]
    correction: str


@dataclass(frozen=True)
class Expect:
    """A numeric answer: right when |given - value| <= tolerance (plus rounding slack)."""

    value: float
    tolerance: float = 0.0

    def accepts(self, given: float) -> bool:
        return abs(given - self.value) <= self.tolerance + 1e-9


@dataclass(frozen=True)
class Rubric:
    """What a strong and a weak answer to an open card say."""

    strong: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
