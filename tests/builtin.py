"""The built-in decks as the tests share them: parsed once per test run, and each card's
reference answer graded once per test process (grading every card takes seconds, and several
modules check what the grader makes of the reference answers)."""

from __future__ import annotations

import functools
import os
import pickle
from pathlib import Path

from mlprep.decks import LoadReport, load_files
from mlprep.grader import Grading, grade_answer
from mlprep.model import Card
from mlprep.paths import builtin_content_dir


def _parse() -> LoadReport:
    return load_files([builtin_content_dir() / "decks"], builtin=True)


@functools.cache
def builtin_report() -> LoadReport:
    """The report of parsing every built-in deck, once per test run where the run has a
    directory above every worker's own (tests/conftest.py): the other workers read it there
    instead of parsing the whole bank again (about half a second each)."""
    from tests.conftest import run_directory

    shared = run_directory()
    return _parse() if shared is None else report_in(shared)


def report_in(shared: Path) -> LoadReport:
    """The report saved in the run's directory `shared`: parsed and saved by the first
    process that asks (the one that starts the workers, when there are workers), read by the
    others."""
    import fcntl

    saved = shared / "builtin-report.pickle"
    with open(shared / "builtin-report.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if saved.exists():
            with open(saved, "rb") as file:
                return pickle.load(file)
        report = _parse()
        partial = saved.with_suffix(".partial")
        partial.write_bytes(pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, saved)
        return report


@functools.cache
def reference_grading(card: Card) -> Grading:
    """What the grader makes of the card's own reference answer."""
    return grade_answer(card, card.a)
