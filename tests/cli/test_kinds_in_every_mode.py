"""The kind x mode table: every kind of card, in every study mode, in plain mode.

Each cell runs the real command on one card of the fixture deck (tests/fixtures/kinds) and
compares the whole transcript with tests/fixtures/transcripts/<mode>-<kind>.txt; the lines in
MUST_SHOW name what each cell is there to prove. Regenerate the transcripts after a deliberate
change with MLPREP_UPDATE_TRANSCRIPTS=1 and read the diff.
"""

from __future__ import annotations

import json
import os
import time

import pytest

from tests.conftest import FIXTURES

KINDS = ("single", "multi", "number", "open", "sql")
MODES = ("quiz", "review", "flash", "mock", "drill")
# (relative, from the fixtures: a review's closing line repeats --decks as typed)
DECKS = ["--decks", "kinds"]
TRANSCRIPTS = FIXTURES / "transcripts"

# What a user types to each kind when asked (a wrong pick for choices, to see feedback).
ANSWERS = {
    "single": "1\n",
    "multi": "1 2\n",
    "number": "1/2\n",
    "open": "A small change moves the root split\n3\n",
    "sql": "SELECT COUNT(*) AS n FROM users;\n",
}
FLASH_INPUT = "\n3\n"  # reveal, then Good

MUST_SHOW = {
    ("flash", "single"): ["  1) Gini impurity", "* 1) Gini impurity"],  # front, then marked
    ("flash", "multi"): ["Options (* marks the right ones):", "* 2) Entropy"],
    ("flash", "number"): ["Answer: 0.5 (within 0.001)"],
    ("flash", "sql"): ["Table:", "Reference solution:", "Its result:", "40"],
    ("flash", "open"): ["Reference answer:"],
    ("quiz", "single"): ["Mean squared error - wrong. MSE is CART's criterion for"],
    ("quiz", "multi"): ["Accuracy of the parent node - wrong. Accuracy is a", "You missed 3."],
    ("quiz", "number"): ["Correct.", "Comes back in 10 minutes."],
    ("quiz", "open"): ["How well did you know it? 1 Again 1m · 2 Hard 6m · 3 Good 10m"],
    ("quiz", "sql"): ["Table:", "CREATE TABLE users (", "Correct! Your result:"],
    ("review", "sql"): ["Table:", "Correct! Your result:"],
    ("review", "multi"): ["You missed"],
    ("mock", "sql"): ["Correct: the result matches the reference."],
    ("mock", "single"): ["Not quite. The answer:", "- wrong."],
    ("mock", "open"): ["Reference answer:", "Grade (1-4): 3"],
    ("drill", "sql"): ["Drill answers are kept in your history; no schedule changed."],
}


def command(mode: str, kind: str) -> list[str]:
    tag = ["--tag", f"kind-{kind}"]
    if mode == "mock":
        return ["mock", "-d", "kinds", *tag, "-n", "1", "--seed", "1", "--deck-dir", *DECKS[1:]]
    if mode == "review":
        return ["review", "kinds", *tag, "--new", "1", "--seed", "1", *DECKS]
    if mode == "drill":
        return ["drill", "kinds", *tag, "--seed", "1", *DECKS]
    return [mode, "kinds", *tag, "--seed", "1", "--plain", *DECKS]


@pytest.fixture(autouse=True)
def in_the_fixtures(monkeypatch):
    monkeypatch.chdir(FIXTURES)


def events(home):
    path = home / "progress" / "reviews.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("mode", MODES)
def test_every_kind_works_in_every_mode(cli, mlprep_home, mode, kind):
    if mode == "drill":  # a drill asks cards already studied
        assert cli(*command("quiz", kind), input=ANSWERS[kind]).exit_code == 0
    typed = FLASH_INPUT if mode == "flash" else ANSWERS[kind]
    result = cli(*command(mode, kind), input=typed)
    assert (result.exit_code, result.stderr) == (0, "")
    out = result.stdout
    for mock_file in (mlprep_home / "mock").glob("*.md"):  # a path that differs per run
        out = out.replace(str(mock_file), "<saved>")
    golden = TRANSCRIPTS / f"{mode}-{kind}.txt"
    if os.environ.get("MLPREP_UPDATE_TRANSCRIPTS"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out)
    assert out == golden.read_text()
    at = 0
    for line in MUST_SHOW.get((mode, kind), []):
        found = out.find(line, at)
        assert found >= 0, f"{mode}/{kind}: {line!r} missing or out of order"
        at = found + len(line)
    logged = [e for e in events(mlprep_home) if e["mode"] == mode]
    assert logged and logged[0]["card"] == f"kinds-{kind}"
    if mode != "flash":  # flash asks nothing to type; every other mode keeps the answer
        assert logged[0]["answer"]


def test_a_drill_changes_no_schedule(cli, mlprep_home, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")  # the history shows local times
    time.tzset()
    cli(*command("quiz", "number"), input="7\n")
    state_file = mlprep_home / "progress" / "state.json"
    before = json.loads(state_file.read_text())["cards"]
    result = cli("drill", "kinds", "--wrong-since", "1", *DECKS, input="0.5\n")
    assert "Drill: 1 card answered wrong in the last day\n" in result.stdout
    assert "Comes back" not in result.stdout  # nothing is rescheduled, so nothing is said
    assert json.loads(state_file.read_text())["cards"] == before
    assert [(e["mode"], e["grade"], e.get("answer")) for e in events(mlprep_home)] == [
        ("quiz", 1, "7"),
        ("drill", 3, "0.5"),
    ]
    # the answer shows in the card's history, with its mode
    shown = cli("show", "kinds-number", "--history", *DECKS).stdout
    assert shown.endswith(
        "History of kinds-number: 2 answers\n"
        "2026-11-25 09:00  quiz    Again\n"
        "    7\n"
        "2026-11-25 09:00  drill   Good\n"
        "    0.5\n"
    )


def test_a_cards_history_is_wrapped_to_a_narrow_terminal(cli, monkeypatch):
    long = "a long typed answer that cannot fit in a narrow terminal on one line"
    cli(*command("quiz", "open"), input=long + "\n2\n")
    monkeypatch.setenv("COLUMNS", "40")
    shown = cli("show", "kinds-open", "--history", *DECKS).stdout
    history = shown[shown.index("History of") :].splitlines()
    assert all(len(line) <= 40 for line in history)
    assert " ".join(line.strip() for line in history[2:]) == long


def test_drill_with_nothing_studied_says_so(cli):
    result = cli("drill", "kinds", *DECKS, input="")
    assert (result.exit_code, result.stdout) == (
        0,
        "Nothing to drill: no card in that selection was answered yet. Try `mlprep quiz`\n"
        "or `mlprep review` first.\n",
    )


def test_a_bidi_override_in_a_recorded_answer_is_shown_as_an_escape(cli):
    """A typed (or merged) answer holding U+202E reversed the terminal's text after it when
    the card's history listed it."""
    cli(*command("quiz", "open"), input="Gini \u202eevil text\n2\n")
    shown = cli("show", "kinds-open", "--history", *DECKS).stdout
    assert "\u202e" not in shown
    assert shown.endswith("    Gini \\u202eevil text\n")
