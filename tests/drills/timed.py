"""Drills checked with a shorter budget on their timed cases.

A timed case (`max_seconds`, the pairwise distances at 2000 x 2000 x 64) stops a Python loop
when its CPU budget runs out: at the drill's own 2 s, each too-slow solution spins a core for
2.5 s before its verdict. The tests give those cases a budget of 0.6 s instead (stopped at
1.1 s, with the harness's half a second of grace): the loops they must reject run
for many seconds at any budget, and a right answer needs about 0.04 s of CPU time. CPU time is
not immune to a busy machine after all: on a virtual machine whose host is busy the same
answer was charged 0.3 s, and a quarter of a second failed the deck's own answer. The drill's
own budget is left as it is for everything but these measurements."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from mlprep import coderun
from mlprep.drills.cases import SUITES, seed_for

TIMED_CASE_BUDGET = 0.6  # seconds of CPU time


def cases_with_short_budget(card_id: str) -> list:
    cases = SUITES[card_id].make_cases(np.random.default_rng(seed_for(card_id)))
    return [
        replace(case, max_seconds=min(case.max_seconds, TIMED_CASE_BUDGET))
        if case.max_seconds
        else case
        for case in cases
    ]


def check_many(
    batch: list[tuple[str, list[Path]]], limits: coderun.Limits | None = None
) -> list[list[coderun.Verdict]]:
    """`coderun.check_many`, with the timed cases on the short budget."""
    groups = [
        coderun.Group(card_id, SUITES[card_id], cases_with_short_budget(card_id), paths)
        for card_id, paths in batch
    ]
    return coderun.run_groups(groups, limits or coderun.Limits())
