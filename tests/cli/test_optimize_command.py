"""mlprep optimize: your own history, an external revlog, --apply, bad files."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from bench.learner import review_history
from tests.conftest import FIXTURES
from tests.unit.test_optimize import SHARP

HEADER = "card_id,review_rating,review_time,review_duration\n"


@pytest.fixture(scope="module")
def revlog(tmp_path_factory):
    rows = review_history(SHARP, cards=300, days=60, new_per_day=10)
    path = tmp_path_factory.mktemp("revlog") / "revlog.csv"
    ordered = sorted(rows, key=lambda row: (row[0], row[2]))
    path.write_text(
        HEADER + "".join(f"{c},{g},{at.isoformat()},{ms}\n" for c, g, at, ms in ordered)
    )
    return path


def log_lines(home):
    path = home / "progress" / "reviews.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_a_short_history_is_refused_politely(cli, mlprep_home):
    result = cli("optimize")
    assert (result.exit_code, result.stdout) == (
        0,
        "Not fitted: 0 reviews so far; fitting needs at least 400 (keep reviewing, then\n"
        "try again). Your parameters are unchanged.\n",
    )
    assert json.loads(cli("optimize", "--json").stdout)["applied"] is False
    assert log_lines(mlprep_home) == []


def test_drill_answers_are_not_reviews_to_fit(cli, mlprep_home):
    """A drill changes no schedule: its answers are neither counted nor fitted."""
    mini = ["--decks", str(FIXTURES / "decks")]
    cli("flash", "mini", "--plain", *mini, input="\n1\n" * 2)
    cli("drill", "mini", "--plain", *mini, input="1\n1\n2\n")
    assert {e["mode"] for e in log_lines(mlprep_home)} == {"flash", "drill"}
    result = cli("optimize")
    assert result.stdout.startswith("Not fitted: 2 reviews so far;")


def test_a_revlog_is_fitted_and_reported_without_changing_anything(cli, mlprep_home, revlog):
    result = cli("optimize", "--revlog", str(revlog))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Fitted FSRS to 2,") and lines[2] == ""  # (two lines, wrapped)
    assert lines[3] == "On the newest reviews     log loss  calibration error"
    assert lines[4].startswith("parameters in use") and lines[5].startswith("fitted parameters")
    assert lines[-1] == "Better. Nothing was changed: add --apply to use these parameters."
    data = json.loads(cli("optimize", "--revlog", str(revlog), "--json").stdout)
    assert len(data["parameters"]) == 21 and data["better"] is True and data["applied"] is False
    assert data["after"]["log_loss"] < data["before"]["log_loss"]
    assert log_lines(mlprep_home) == []


def test_the_report_wraps_its_sentences_and_keeps_its_table_rows(cli, revlog, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    lines = cli("optimize", "--revlog", str(revlog)).stdout.splitlines()
    table = lines.index("On the newest reviews     log loss  calibration error")
    assert lines[table + 1].startswith("parameters in use ") and lines[table + 1].count(".") == 2
    sentences = lines[:table] + lines[table + 3 :]
    assert max(map(len, sentences)) <= 40 and len(sentences) > 4


def test_apply_puts_the_parameters_in_the_log_and_the_scheduler_uses_them(cli, mlprep_home, revlog):
    result = cli("optimize", "--revlog", str(revlog), "--apply", "--json")
    data = json.loads(result.stdout)
    assert data["applied"] is True
    (event,) = log_lines(mlprep_home)
    assert event["kind"] == "params" and event["data"]["source"] == "revlog"
    assert [round(x, 4) for x in event["data"]["parameters"]] == data["parameters"]
    # now the parameters in use are the fitted ones: fitting again compares against them
    again = json.loads(cli("optimize", "--revlog", str(revlog), "--json").stdout)
    assert again["current_parameters"] == data["parameters"]


def test_reset_goes_back_to_the_default_parameters(cli, mlprep_home, revlog):
    from mlprep.progress import ProgressStore

    assert cli("optimize", "--reset").stdout == (
        "Already on FSRS's default parameters: nothing was changed.\n"
    )
    assert log_lines(mlprep_home) == []
    assert json.loads(cli("optimize", "--revlog", str(revlog), "--apply", "--json").stdout)[
        "applied"
    ]
    result = cli("optimize", "--reset")
    assert (result.exit_code, result.stdout) == (
        0,
        "Back to FSRS's default parameters: every card is rescheduled.\n",
    )
    reset = log_lines(mlprep_home)[-1]
    assert (reset["kind"], reset["data"]) == ("params", {"parameters": None, "source": "default"})
    store = ProgressStore(mlprep_home / "progress")
    assert store.scheduler.parameters is None
    assert cli("stats").stderr == ""  # (no "unusable parameters" warning: a reset is not one)
    assert json.loads(cli("optimize", "--reset", "--json").stdout) == {"reset": False}
    assert len(log_lines(mlprep_home)) == 2
    result = cli("optimize", "--reset", "--apply")
    assert (result.exit_code, result.stderr) == (2, "Error: --reset goes alone (it fits nothing)\n")


def test_a_bad_revlog_reports_every_line_and_applies_nothing(cli, mlprep_home, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "a,3,2026-01-05T09:00:00Z,1\na,0,2026-01-06T09:00:00Z,1\nb,3,x,1\n")
    result = cli("optimize", "--revlog", str(bad), "--apply")
    assert result.exit_code == 3
    assert result.stderr == (
        f"{bad}:3: review_rating must be 1-4, not '0'\n"
        f"{bad}:4: review_time is neither milliseconds since 1970 nor an ISO time: 'x'\n"
        f"Error: 2 bad lines in {bad}; nothing was applied.\n"
    )
    assert log_lines(mlprep_home) == []


def test_a_revlog_as_the_fsrs_projects_write_it_fits_the_same(cli, revlog, tmp_path):
    # their layout: times in milliseconds since the epoch, a review_state column, other order
    fsrs_layout = tmp_path / "fsrs.csv"
    rows = []
    for line in revlog.read_text().splitlines()[1:]:
        card, rating, moment, duration = line.split(",")
        ms = int(datetime.fromisoformat(moment).timestamp() * 1000)
        rows.append(f"{card},{ms},{rating},1,{duration}\n")
    header = "card_id,review_time,review_rating,review_state,review_duration\n"
    fsrs_layout.write_text(header + "".join(rows))
    theirs = json.loads(cli("optimize", "--revlog", str(fsrs_layout), "--json").stdout)
    ours = json.loads(cli("optimize", "--revlog", str(revlog), "--json").stdout)
    assert theirs["parameters"] == ours["parameters"]


def test_a_file_in_another_layout_names_its_first_bad_lines_and_counts_the_rest(
    cli, mlprep_home, tmp_path
):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "".join(f"c{i},3,yesterday,1\n" for i in range(15)))
    result = cli("optimize", "--revlog", str(bad))
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == 12
    assert (
        lines[0]
        == f"{bad}:2: review_time is neither milliseconds since 1970 nor an ISO time: 'yesterday'"
    )
    assert lines[-2:] == [
        "... and 5 more problems",
        f"Error: 15 bad lines in {bad}; nothing was applied.",
    ]


def test_apply_needs_a_revlog(cli):
    result = cli("optimize", "--apply")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --apply goes with --revlog")


def test_your_own_history_is_fitted_and_applied_when_better(cli, mlprep_home):
    from mlprep.model import Grade
    from mlprep.reviewlog import ReviewEvent, ReviewLog

    rows = review_history(SHARP, cards=300, days=60, new_per_day=10)
    log = ReviewLog(mlprep_home / "progress" / "reviews.jsonl")
    log.append_many([ReviewEvent.new(c, Grade(g), "review", ms, at) for c, g, at, ms in rows])
    result = cli("optimize")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "Better: applied. Review now schedules with your fitted parameters."
    )
    assert log_lines(mlprep_home)[-1]["data"]["source"] == "history"
    assert cli("optimize", "--json").stdout.count('"applied": false') == 1  # no better again


def test_a_short_revlog_is_named_not_told_to_keep_reviewing(cli, revlog, tmp_path):
    """Another tool's history of 2 reviews said "2 reviews so far ... keep reviewing"."""
    short = tmp_path / "short.csv"
    short.write_text("".join(revlog.read_text().splitlines(keepends=True)[:3]))
    result = cli("optimize", "--revlog", str(short))
    said = " ".join(result.stdout.split())  # (a long path goes on a line of its own)
    assert said.startswith(f"Not fitted: {short} holds 2 reviews; fitting needs at least 400.")
    assert "keep reviewing" not in said
    short.write_text("".join(revlog.read_text().splitlines(keepends=True)[:2]))
    one = " ".join(cli("optimize", "--revlog", str(short)).stdout.split())
    assert one.startswith(f"Not fitted: {short} holds 1 review; fitting needs at least 400.")
