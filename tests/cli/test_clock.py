"""MLPREP_NOW: a clock for tests and demos that every command reads."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from mlprep.cli.app import app
from mlprep.cli.state import Environment
from tests import forkserver
from tests.conftest import FIXTURES

MINI = ["--decks", str(FIXTURES / "decks")]


def run(args, now: str | None, input: str | None = None):
    environ = dict(os.environ)
    if now is not None:
        environ["MLPREP_NOW"] = now
    result = CliRunner().invoke(app, args, input=input, obj=Environment(environ=environ))
    return result


def test_answers_are_recorded_at_the_given_moment(mlprep_home):
    result = run(["review", "mini", "--new", "1", *MINI], "2031-03-04T05:06:07+02:00", "2\n")
    assert result.exit_code == 0, result.output
    line = (mlprep_home / "progress" / "reviews.jsonl").read_text().splitlines()[0]
    at = datetime.fromisoformat(json.loads(line)["at"].replace("Z", "+00:00"))
    start = datetime(2031, 3, 4, 3, 6, 7, tzinfo=UTC)
    assert start <= at and (at - start).total_seconds() < 60  # the clock runs on from there


def test_without_it_the_real_clock_is_used(mlprep_home):
    assert run(["review", "mini", "--new", "1", *MINI], None, "2\n").exit_code == 0
    line = (mlprep_home / "progress" / "reviews.jsonl").read_text().splitlines()[0]
    at = datetime.fromisoformat(json.loads(line)["at"].replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - at).total_seconds()) < 600


@pytest.mark.parametrize("bad", ["tomorrow", "2031-03-04T05:06:07", "2031-13-01T00:00Z"])
def test_a_bad_value_is_one_line_and_exit_2(bad, mlprep_home):
    result = run(["decks"], bad)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: MLPREP_NOW={bad!r} is not an ISO date-time with a time zone "
        "(e.g. 2026-11-25T09:00:00+00:00)\n"
    )
    assert result.stdout == ""


@pytest.mark.parametrize(
    "far",
    [
        "9999-12-31T23:59:59+00:00",
        "2300-01-01T00:00:00Z",
        # (in 2200 in UTC: its answers were recorded, then refused by every later command)
        "2199-12-31T23:59:59-12:00",
        "9999-12-31T23:59:59-12:00",
        "1971-01-01T00:00:00+14:00",
    ],
)
def test_a_moment_no_answer_may_be_at_is_one_line_and_exit_2(far, mlprep_home):
    """(9999 overflowed in stats; 2300 recorded answers that the app's own merge refused.)"""
    result = run(["stats"], far)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: MLPREP_NOW={far!r} is not between 1971 and 2199 (UTC)\n"


def test_the_real_program_reads_it(mlprep_home):
    import subprocess
    import sys

    env = dict(os.environ, MLPREP_NOW="2020-01-01T08:00:00+00:00", TZ="UTC")
    command = [sys.executable, "-m", "mlprep", "plan", "--interview", "2020-01-10", "--json"]
    done = subprocess.run(
        forkserver.command("mlprep", command, env),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["days_left"] == 9  # in 2020, not today


def test_on_the_interview_day_plan_says_what_it_worked_toward(mlprep_home, monkeypatch):
    """It said only that the plan had ended: not the recall the plan worked toward."""
    monkeypatch.setenv("TZ", "UTC")
    assert (
        run(["plan", "--interview", "2031-03-10", "mini", *MINI], "2031-03-06T08:00:00Z").exit_code
        == 0
    )
    run(
        ["quiz", "mini", "-n", "4", "--seed", "5", *MINI],
        "2031-03-06T08:05:00Z",
        "1\n1 2\n0.5\nx\n3\n",
    )
    day = run(["plan", *MINI], "2031-03-10T07:30:00Z")
    assert day.exit_code == 0
    lines = day.stdout.splitlines()
    assert lines[:4] == [
        "The plan for the interview on 2031-03-10 has ended: review schedules as usual.",
        "",
        "Predicted share recalled this morning (09:00):",
        "deck  cards   seen  recalled",
    ]
    assert lines[4].startswith("mini      4      3") and lines[4].endswith("%")
    data = json.loads(run(["plan", "--json", *MINI], "2031-03-10T07:30:00Z").stdout)
    assert data["plan"] is None and data["ended"] == "2031-03-10"
    assert 0.0 < data["recalled"]["mini"] < 1.0
    # the day after, the plan is only over
    after = run(["plan", *MINI], "2031-03-11T07:30:00Z").stdout
    assert (
        after == "The plan for the interview on 2031-03-10 has ended: review schedules as usual.\n"
    )


def test_on_the_interview_day_cards_first_answered_after_09_are_not_counted(
    mlprep_home, monkeypatch
):
    """After 09:00 on the interview day, a card first answered since counted as recalled at
    09:00 (its state was a minute old): a deck studied that afternoon showed 100%."""
    monkeypatch.setenv("TZ", "UTC")
    planned = run(["plan", "--interview", "2031-03-10", "mini", *MINI], "2031-03-06T08:00:00Z")
    assert planned.exit_code == 0
    run(["quiz", "mini", "-n", "4", "--seed", "5", *MINI], "2031-03-10T14:00:00Z", "1\n1 2\n0.5\n")
    day = run(["plan", *MINI], "2031-03-10T14:30:00Z")
    assert "mini      4      0        0%" in day.stdout.splitlines()
    data = json.loads(run(["plan", "--json", *MINI], "2031-03-10T14:30:00Z").stdout)
    assert data["recalled"] == {"mini": 0.0}
