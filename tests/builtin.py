"""The built-in decks as the tests share them: parsed once per test process, and each card's
reference answer graded once (grading every card takes seconds, and several modules check
what the grader makes of the reference answers)."""

from __future__ import annotations

import functools

from mlprep.decks import LoadReport, load_files
from mlprep.grader import Grading, grade_answer
from mlprep.model import Card
from mlprep.paths import builtin_content_dir


@functools.cache
def builtin_report() -> LoadReport:
    return load_files([builtin_content_dir() / "decks"], builtin=True)


@functools.cache
def reference_grading(card: Card) -> Grading:
    """What the grader makes of the card's own reference answer."""
    return grade_answer(card, card.a)
