"""Fitting FSRS to a history: refusal, the time split, acceptance, and reading revlog CSVs."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from bench.learner import review_history
from mlprep.errors import ContentError
from mlprep.memory import DEFAULT_PARAMETERS
from mlprep.optimize import (
    NotEnoughHistory,
    Review,
    by_card,
    fit,
    predictions,
    read_revlog,
    score,
)

# A learner who forgets much faster than the defaults predict
SHARP = (0.1, 0.3, 0.8, 3.0, 7.5, 0.9, 2.5, 0.01, 1.2, 0.3, 0.6, 1.8, 0.1, 0.35, 1.9)
SHARP += (0.5, 1.6, 0.5, 0.1, 0.07, 0.6)
T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def sharp_history():
    return [Review(*row) for row in review_history(SHARP, cards=300, days=60, new_per_day=10)]


@pytest.fixture(scope="module")
def sharp_fit(sharp_history):
    return fit(sharp_history)


def test_below_400_reviews_it_refuses_politely():
    reviews = [Review(f"c{n}", 3, T0 + timedelta(days=n), 5000) for n in range(399)]
    with pytest.raises(NotEnoughHistory) as refusal:
        fit(reviews)
    assert refusal.value.message == (
        "399 reviews so far; fitting needs at least 400 (keep reviewing, then try again). "
        "Your parameters are unchanged."
    )


def test_a_uniform_history_is_refused():
    # 500 reviews, every one remembered: nothing to learn forgetting from
    reviews = [
        Review(f"c{n % 50}", 3, T0 + timedelta(days=n // 50, hours=n % 50 / 10), 5000)
        for n in range(500)
    ]
    with pytest.raises(NotEnoughHistory, match="too short or too uniform to fit"):
        fit(reviews)


def test_fitted_parameters_that_predict_the_newest_reviews_better_are_accepted(
    sharp_history, sharp_fit
):
    result = sharp_fit
    assert result.reviews == len(sharp_history) > 2000
    assert result.train_reviews + result.test_reviews == result.reviews
    assert result.test_reviews == pytest.approx(0.3 * result.reviews, abs=2)
    assert len(result.fitted) == 21 and result.current == DEFAULT_PARAMETERS
    assert result.after.log_loss < result.before.log_loss and result.better
    data = result.to_json()
    assert data["better"] is True and len(data["parameters"]) == 21
    # the fit learnt this learner's fast forgetting: smaller first stabilities (two months of
    # reviews at 90% retention say little about the decay's shape, so that is not asserted)
    assert all(result.fitted[g] < DEFAULT_PARAMETERS[g] for g in range(4))


def test_parameters_that_do_no_better_are_not_accepted(sharp_history):
    truth = fit(sharp_history, current=SHARP)  # the learner's own memory is hard to beat
    assert truth.before.log_loss < truth.after.log_loss and not truth.better


def test_scores_are_log_loss_and_binned_calibration():
    result = score([(0.9, 1), (0.9, 0), (0.5, 1), (0.5, 1)])
    assert result.reviews == 4
    expected = -(math.log(0.9) + math.log(0.1) + 2 * math.log(0.5)) / 4
    assert result.log_loss == pytest.approx(expected)
    # bins: 0.9 predicted, 0.5 observed; 0.5 predicted, 1.0 observed
    assert result.calibration == pytest.approx(math.sqrt((2 * 0.4**2 + 2 * 0.5**2) / 4))


def test_predictions_score_only_reviews_a_day_or_more_apart():
    history = by_card(
        [
            Review("c", 3, T0, 1000),
            Review("c", 3, T0 + timedelta(minutes=10), 1000),  # same day: not scored
            Review("c", 1, T0 + timedelta(days=3), 1000),
        ]
    )
    ((p, recalled),) = predictions(history, DEFAULT_PARAMETERS, T0)
    assert recalled == 0 and 0.5 < p < 1


HEADER = "card_id,review_rating,review_time,review_duration\n"


def test_a_good_revlog_is_read():
    text = HEADER + "a,3,2026-01-05T09:00:00+01:00,1200\na,1,2026-01-07T10:00:00Z,800\n\n"
    assert read_revlog("r.csv", text) == [
        Review("a", 3, datetime(2026, 1, 5, 8, tzinfo=UTC), 1200),
        Review("a", 1, datetime(2026, 1, 7, 10, tzinfo=UTC), 800),
    ]


def test_every_bad_line_is_reported_by_number():
    text = HEADER + (
        "a,3,2026-01-05T09:00:00Z,1200\n"
        "a,5,2026-01-06T09:00:00Z,1200\n"
        "b,3,2026-01-06T09:00:00,1200\n"
        "a,2,2026-01-04T09:00:00Z,100\n"
        "c,3,yesterday,1\n"
        "c,3,2026-01-06T09:00:00Z,1.5\n"
        "d,3\n"
    )
    with pytest.raises(ContentError) as error:
        read_revlog("r.csv", text)
    assert error.value.message == "6 bad lines in r.csv; nothing was applied."
    assert error.value.problems == [
        "r.csv:3: review_rating must be 1-4, not '5'",
        "r.csv:4: review_time has no time zone: '2026-01-06T09:00:00'",
        "r.csv:5: out of order: card a was already reviewed later (2026-01-05T09:00:00+00:00)",
        "r.csv:6: review_time is neither milliseconds since 1970 nor an ISO time: 'yesterday'",
        "r.csv:7: review_duration must be whole milliseconds, not '1.5'",
        "r.csv:8: expected 4 columns, found 2",
    ]


def test_review_times_in_milliseconds_are_read_exactly():
    text = HEADER + "a,3,1714091302123,1200\nb,3,0,1\nc,3,7258118400000,1\nd,3,1714091302,1\n"
    with pytest.raises(ContentError) as error:
        read_revlog("r.csv", text)
    assert error.value.problems == [
        "r.csv:4: review_time is after 2200: '7258118400000'",
        "r.csv:5: review_time looks like seconds since 1970: '1714091302'; the FSRS layout has "
        "milliseconds",
    ]
    first, second = read_revlog("r.csv", text.rsplit("c,", 1)[0])
    assert first.at == datetime(2024, 4, 26, 0, 28, 22, 123000, tzinfo=UTC)
    assert second.at == datetime(1970, 1, 1, tzinfo=UTC)


def test_missing_columns_are_named():
    with pytest.raises(ContentError, match=r"^r.csv:1: missing columns review_time, review_d"):
        read_revlog("r.csv", "card_id,review_rating\na,3\n")
    with pytest.raises(ContentError, match=r"^r.csv: empty file"):
        read_revlog("r.csv", "")


def test_progress_is_said_once_past_a_second_and_then_each_second():
    import time

    from mlprep.optimize import Ticker

    said: list[str] = []
    Ticker(said.append, time.monotonic(), "Fitting...")()  # just started: nothing
    assert said == []
    ticker = Ticker(said.append, time.monotonic() - 5, "Fitting...")
    ticker()
    ticker()  # within the same second: once is enough
    assert said == ["Fitting... 5 s"]


def test_our_predictions_agree_with_fsrs_rs_on_which_parameters_fit_better(sharp_history):
    from fsrs_rs_python import FSRS

    from mlprep.optimize import _items

    histories = by_card(sharp_history)
    items = _items(histories, None)
    start = min(review.at for review in sharp_history)
    ours = {
        name: score(predictions(histories, params, start)).log_loss
        for name, params in (("default", DEFAULT_PARAMETERS), ("truth", SHARP))
    }
    theirs = {
        name: FSRS(list(params)).evaluate(items).log_loss
        for name, params in (("default", DEFAULT_PARAMETERS), ("truth", SHARP))
    }
    assert ours["truth"] < ours["default"] and theirs["truth"] < theirs["default"]
    assert ours["default"] == pytest.approx(theirs["default"], abs=0.03)


def test_the_fsrs_package_also_predicts_the_newest_reviews_better_with_the_fit(
    sharp_history, sharp_fit
):
    from bench.fsrs_check import fsrs_score

    result = sharp_fit
    ordered = sorted(review.at for review in sharp_history)
    split = ordered[int(len(ordered) * 0.7)]
    before = fsrs_score(sharp_history, DEFAULT_PARAMETERS, split)
    after = fsrs_score(sharp_history, result.fitted, split)
    assert before.reviews == after.reviews > 300
    assert after.log_loss < before.log_loss


def test_the_users_own_answers_are_fitted_on_local_review_days(monkeypatch):
    """The log keeps UTC: read as UTC, answers at 19:00 and 21:00 in California (03:00 and
    05:00 UTC the next morning) fell on two days, 04:00 UTC being where a day started."""
    import time

    from mlprep.model import Grade
    from mlprep.optimize import by_card, reviews_of
    from mlprep.reviewlog import ReviewEvent

    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        evening = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # 19:00 on the 25th, local
        events = [
            ReviewEvent.new("c", Grade.GOOD, "review", 5000, evening),
            ReviewEvent.new("c", Grade.GOOD, "review", 5000, evening + timedelta(hours=2)),
            ReviewEvent.new("c", Grade.GOOD, "drill", 5000, evening + timedelta(hours=3)),
        ]
        reviews = reviews_of(events)
        assert len(reviews) == 2  # (a drill's answer schedules nothing)
        (first, second) = by_card(reviews)["c"]
        assert first[1] == second[1]  # one day
    finally:
        monkeypatch.undo()
        time.tzset()
