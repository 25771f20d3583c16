from __future__ import annotations

import json

from tests.conftest import FIXTURES

MINI = ["--decks", str(FIXTURES / "decks")]


def test_no_progress_says_how_to_start(cli):
    result = cli("stats", *MINI)
    assert result.exit_code == 0
    assert result.stdout == (
        "No progress yet.\nStart with `mlprep review` for today's cards, or `mlprep quiz trees`.\n"
    )
    # with decks named, how to start on those (it said `mlprep quiz trees` for `stats mini`)
    cli("quiz", "trees", "-n", "1", "--seed", "1", input="1\n")
    assert cli("stats", "mini", *MINI).stdout == (
        "No progress yet on the mini deck.\nStart with `mlprep quiz mini`.\n"
    )
    assert cli("stats", "mini", "ensembles", *MINI).stdout == (
        "No progress yet on the mini and ensembles decks.\n"
        "Start with `mlprep quiz mini ensembles`.\n"
    )
    # under an interview plan, its review is where to start (it said quiz)
    assert cli("plan", "--interview", "2026-12-09", "mini", *MINI).exit_code == 0
    assert cli("stats", "mini", *MINI).stdout == (
        "No progress yet on the mini deck.\nStart with `mlprep review`.\n"
    )


def test_stats_after_a_quiz(cli):
    cli("quiz", "mini", "-n", "2", "--seed", "5", *MINI, input="1\n1 2\n")
    result = cli("stats", "mini", *MINI)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "deck",
        "cards",
        "new",
        "learn",
        "review",
        "mastered",
        "due",
        "recall",
        "quiz",
    ]
    # both cards are still learning: no predicted recall yet (not a misleading 100%)
    assert lines[1].split() == ["mini", "4", "2", "2", "0", "0", "2", "-", "100%"]
    assert "Current streak: 1 day" in result.stdout
    assert all(len(line) <= 80 for line in lines)
    assert "\x1b[" not in result.stdout

    data = json.loads(cli("stats", "mini", "--json", *MINI).stdout)
    assert data["format"] == 1
    assert data["decks"][0]["quiz_right"] == 2 and data["decks"][0]["quiz_answers"] == 2
    assert data["calendar"][-1] == ["2026-11-25", 2]
    assert set(data) == {
        "format",
        "generated_at",
        "decks",
        "total",
        "forecast",
        "calendar",
        "streak",
        "weakest_cards",
        "weakest_tags",
        "agreement",
    }


def test_stats_in_colour_is_the_plain_text_with_styles(cli, monkeypatch):
    # a pipe gets the text laid out without rich; a terminal (FORCE_COLOR: rich takes the
    # output for one) gets rich's rendering: the same characters, with styles
    import re

    cli("quiz", "mini", "-n", "2", "--seed", "5", *MINI, input="1\n2\n")
    for columns in ("80", "44", "23"):
        monkeypatch.setenv("COLUMNS", columns)
        monkeypatch.delenv("FORCE_COLOR", raising=False)
        plain = cli("stats", "mini", *MINI).stdout
        monkeypatch.setenv("FORCE_COLOR", "1")
        styled = cli("stats", "mini", *MINI).stdout
        assert "\x1b[" in styled and "\x1b[" not in plain
        # (a terminal's lines keep rich's padding at their ends; a pipe's do not)
        unstyled = re.sub(r"\x1b\[[0-9;]*m", "", styled)
        assert "".join(line.rstrip() + "\n" for line in unstyled.splitlines()) == plain
        assert max(map(len, plain.splitlines())) <= int(columns)


def test_a_deck_named_twice_counts_once(cli):
    once = cli("stats", "trees", "--json").stdout
    assert cli("stats", "trees", "trees", "--json").stdout == once
