"""Our FSRS-6 formulas agree with the `fsrs` package that schedules, and with fsrs-rs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import fsrs
import fsrs_rs_python
import pytest

from mlprep.memory import DEFAULT_PARAMETERS, Memory

FITTED = (0.15, 0.9, 1.8, 6.0, 6.6, 0.9, 2.8, 0.005, 1.6, 0.2, 0.85, 1.6, 0.07, 0.3, 1.7)
FITTED += (0.55, 1.8, 0.5, 0.1, 0.07, 0.35)


def test_the_three_share_one_parameter_layout_and_defaults():
    assert tuple(fsrs.Scheduler().parameters) == DEFAULT_PARAMETERS
    assert fsrs_rs_python.DEFAULT_PARAMETERS == pytest.approx(DEFAULT_PARAMETERS, abs=1e-6)
    assert len(DEFAULT_PARAMETERS) == 21


@pytest.mark.parametrize("parameters", [DEFAULT_PARAMETERS, FITTED])
def test_stability_difficulty_and_recall_match_fsrs(parameters):
    scheduler = fsrs.Scheduler(
        parameters=parameters, learning_steps=(), relearning_steps=(), enable_fuzzing=False
    )
    memory = Memory(parameters)
    card = fsrs.Card(card_id=1)
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    state = None
    for grade, days in [(3, 0), (3, 0), (1, 3), (3, 0), (3, 4), (4, 10), (2, 30), (1, 2)]:
        moment += timedelta(days=days)
        recall = scheduler.get_card_retrievability(card, moment)
        card, _ = scheduler.review_card(card, fsrs.Rating(grade), review_datetime=moment)
        if state is None:
            state = memory.first(grade)
        else:
            assert memory.recall(days, state[0]) == pytest.approx(recall, abs=1e-9)
            state = memory.review(*state, days, grade)
        assert state == pytest.approx((card.stability, card.difficulty), rel=1e-9)


def test_the_interval_is_where_recall_falls_to_the_target():
    memory = Memory()
    days = memory.interval(10.0, 0.9)
    assert days == pytest.approx(10.0)  # stability is the 90% interval, by definition
    assert memory.recall(memory.interval(3.0, 0.8), 3.0) == pytest.approx(0.8)
