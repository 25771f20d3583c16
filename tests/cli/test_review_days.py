"""One day for everything that counts days: it runs from 04:00 to 04:00 local time, so a
session past midnight still belongs to the evening it started in (for the day's limits, the
streak and the calendar), and an interview plan still has its last day at 01:00 on the
interview's date."""

from __future__ import annotations

import json
import os
import time

import pytest
from typer.testing import CliRunner

from mlprep.cli.app import app
from mlprep.cli.state import Environment
from tests.conftest import FIXTURES

DECKS = ["--decks", "decks"]


@pytest.fixture(autouse=True)
def in_paris(monkeypatch):
    """Local time an hour ahead of UTC (these tests name local times), in FIXTURES (the
    closing lines repeat --decks as typed)."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    monkeypatch.chdir(FIXTURES)
    yield
    monkeypatch.undo()
    time.tzset()


def at(now: str, *args: str, typed: str = ""):
    """Run mlprep at `now` (a local time in Paris, November: UTC+1)."""
    environ = dict(os.environ, MLPREP_NOW=f"{now}+01:00")
    return CliRunner().invoke(app, list(args), input=typed, obj=Environment(environ=environ))


def test_new_cards_taken_before_midnight_count_against_the_day_after_it():
    review = ["review", "mini", "--new", "2", "--seed", "5", *DECKS]
    assert at("2026-11-25T23:30:00", *review, typed="3\n1\n").exit_code == 0
    after_midnight = at("2026-11-26T00:30:00", *review)
    assert after_midnight.stdout.splitlines()[0] == "Review: 2 learning, 0 due, 0 new"
    next_morning = at("2026-11-26T04:30:00", *review)
    assert next_morning.stdout.splitlines()[0] == "Review: 2 learning, 0 due, 2 new"


def test_answers_either_side_of_midnight_are_one_day_of_the_streak_and_calendar():
    flash = ["flash", "mini", "--plain", *DECKS]
    assert at("2026-11-25T22:00:00", *flash, typed="\n3\n").exit_code == 0
    assert at("2026-11-26T02:00:00", *flash, typed="\n3\n\n3\n").exit_code == 0
    report = json.loads(at("2026-11-26T02:30:00", "stats", "--json", *DECKS).stdout)
    assert report["streak"] == 1
    assert report["calendar"][-2:] == [["2026-11-24", 0], ["2026-11-25", 3]]
    later = json.loads(at("2026-11-26T09:00:00", "stats", "--json", *DECKS).stdout)
    assert later["calendar"][-2:] == [["2026-11-25", 3], ["2026-11-26", 0]]
    assert later["streak"] == 1  # (today is not over: yesterday's streak still counts)


def test_a_plan_still_has_its_last_day_at_one_in_the_morning_of_the_interview():
    plan = ["--minutes", "2", "mini", *DECKS]
    assert at("2026-11-25T10:00:00", "plan", "--interview", "2026-11-27", *plan).exit_code == 0
    small_hours = json.loads(at("2026-11-27T01:00:00", "plan", "--json", *DECKS).stdout)
    assert (small_hours["days_left"], len(small_hours["daily_load"])) == (1, 1)
    assert small_hours["daily_load"][0]["day"] == "2026-11-26"
    review = at("2026-11-27T01:00:00", "review", *DECKS)
    assert "Following your interview plan: 1 day left." in review.stderr
    morning = at("2026-11-27T05:00:00", "review", *DECKS)
    assert "Interview day: the plan has ended" in morning.stderr


def test_the_plans_load_says_whose_day_its_first_row_is_in_the_small_hours():
    """At 01:00 on Thursday the first row is Wednesday's, with no word of why."""
    plan = ["--minutes", "2", "mini", *DECKS]
    assert at("2026-11-25T10:00:00", "plan", "--interview", "2026-11-29", *plan).exit_code == 0
    heading = "Daily load if followed (minutes"
    night = at("2026-11-26T01:00:00", "plan", *DECKS).stdout.splitlines()
    shown = night[night.index(next(line for line in night if line.startswith(heading))) :]
    assert shown[0] == "Daily load if followed (minutes; Wed 25 Nov runs to 04:00 this morning):"
    assert shown[1].startswith("Wed 25 Nov ")
    evening = at("2026-11-25T22:00:00", "plan", *DECKS).stdout
    assert "Daily load if followed (minutes):\nWed 25 Nov " in evening


def test_the_plans_minutes_spent_before_midnight_are_spent_after_it():
    plan = ["--minutes", "2", "mini", *DECKS]
    assert at("2026-11-25T10:00:00", "plan", "--interview", "2026-11-29", *plan).exit_code == 0
    evening = json.loads(at("2026-11-25T22:00:00", "plan", "--json", *DECKS).stdout)
    assert evening["daily_load"][0] == {"day": "2026-11-25", "minutes": 1.5, "new": 2, "reviews": 0}
    assert at("2026-11-25T23:00:00", "review", *DECKS, typed="3\n1\n").exit_code == 0
    # the two new cards taken: what is left of the day is their learning steps
    night = json.loads(at("2026-11-26T00:30:00", "plan", "--json", *DECKS).stdout)
    assert night["daily_load"][0] == {"day": "2026-11-25", "minutes": 0.5, "new": 0, "reviews": 2}


def test_new_cards_come_in_the_same_order_all_day_past_midnight():
    review = ["review", "mini", "--new", "4", *DECKS]
    first = [
        at(now, *review).stdout.splitlines()[2]
        for now in ("2026-11-25T23:30:00", "2026-11-26T00:30:00")
    ]
    assert first[0].startswith("[1/4] mini-") and first[1] == first[0]


def test_between_midnight_and_four_on_the_interview_date_the_interview_is_this_morning():
    plan = ["--minutes", "2", "mini", *DECKS]
    assert at("2026-11-25T10:00:00", "plan", "--interview", "2026-11-27", *plan).exit_code == 0
    # every planned card learnt (Easy): the plan's last day has nothing left to ask
    assert (
        at("2026-11-26T23:00:00", "flash", "mini", "--plain", *DECKS, typed="\n4\n" * 4).exit_code
        == 0
    )
    evening = at("2026-11-26T23:30:00", "review", *DECKS)
    assert evening.stdout == "Today's planned work is done. Good luck tomorrow!\n"
    night = at("2026-11-27T01:30:00", "review", *DECKS)
    assert night.stdout == "Today's planned work is done. Good luck this morning!\n"
    too_soon = at("2026-11-27T01:30:00", "plan", "--interview", "2026-11-26", *DECKS)
    assert too_soon.exit_code == 2
    assert too_soon.stderr == (
        "Error: --interview 2026-11-26: the date must be after today (2026-11-26; days start "
        "at 04:00)\n"
    )
