"""Flashcards, the home menu, SQL practice and a mock interview in a real pseudo-terminal."""

from __future__ import annotations

import json
import re

import pexpect
import pytest

from tests.conftest import FIXTURES, REPO
from tests.e2e.test_quiz_terminal import DOWN, ENTER, deliberately, exit_status, spawn

MINI = ["--decks", str(FIXTURES / "decks")]
MOCK = ["mock", "--deck-dir", str(FIXTURES / "decks"), "-d", "mini", "-n", "2", "--seed", "1"]


def events(home):
    lines = (home / "progress" / "reviews.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_flashcards_reveal_grade_undo_quit(mlprep_home):
    child = spawn(["flash", "mini", "--seed", "5", *MINI], mlprep_home)
    child.expect("1/4 · mini")
    # a choice card's front lists its options; the back marks the right one
    child.expect("1\\) Gini impurity")
    child.expect("2\\) Mean squared error")
    child.expect("3\\) Hinge loss")
    # nothing to undo yet: u is not offered (it did nothing)
    child.expect("Enter: show answer · s: skip · q: quit")
    deliberately(child, ENTER)
    child.expect("✔ 1\\) Gini impurity")
    child.expect("Reference answer")
    # the grade keys say when each grade brings the card back
    child.expect("1 Again 1m · 2 Hard 6m · 3 Good 10m · 4 Easy \\d+d · s skip · q quit")
    child.send("3")  # a single key, no Enter
    child.expect("2/4 · mini")
    child.expect("Enter: show answer · s: skip · u: undo last grade · q: quit")
    child.send("u")
    child.expect("Undid the grade of mini-single.")
    child.expect("1/4 · mini")
    child.expect("Enter: show answer")
    deliberately(child, " ")  # space reveals too
    child.expect("Reference answer")
    child.expect("4 Easy")
    child.send("4")
    child.expect("2/4 · mini")
    child.expect("Enter: show answer")
    child.send("q")
    child.expect("Stopped \\(quit\\); your grades are saved.")
    child.expect("Graded 1 of 4 cards")
    assert exit_status(child) == 0
    assert [(e["card"], e["grade"], e["mode"]) for e in events(mlprep_home)] == [
        ("mini-single", 3, "flash"),
        ("mini-single", 0, "undo"),
        ("mini-single", 4, "flash"),
    ]


def test_the_home_menu_shows_the_due_count_and_runs_a_mode(mlprep_home):
    child = spawn([], mlprep_home)
    child.expect("What would you like to do\\?")
    child.expect("Review: 0 due, 20 new")  # twenty new cards a day by default
    child.expect("4\\) Drill weak cards")
    child.send(DOWN * 8)  # Review -> ... -> Decks
    child.send(ENTER)
    child.expect("decks, \\d+ cards")
    # the listing stays on screen until a key is pressed (the menu scrolled it away)
    child.expect("Press any key to go back to the menu.")
    with pytest.raises(pexpect.TIMEOUT):
        child.expect("What would you like to do\\?", timeout=0.5)
    child.send("x")
    child.expect("What would you like to do\\?")
    child.send("9")  # a number key picks at once: Decks
    child.expect("decks, \\d+ cards")
    child.expect("Press any key to go back to the menu.")
    child.send(ENTER)
    child.expect("What would you like to do\\?")
    child.send("8")  # Stats, kept on screen the same way
    child.expect("Press any key to go back to the menu.")
    child.send(" ")
    child.expect("What would you like to do\\?")
    child.send("2")  # Quiz a deck -> the deck menu, then Back
    child.expect("Which deck\\?")
    child.expect("1\\) ")
    child.send("\x1b")  # Esc leaves the submenu, back home; the history says so
    child.expect(r"Which deck\? (\x1b\[[0-9;]*m)*q\) Back")
    child.expect("What would you like to do\\?")
    child.send("q")  # q quits the home menu
    child.expect(r"What would you like to do\? (\x1b\[[0-9;]*m)*q\) Quit")
    assert exit_status(child) == 0


def test_a_deck_past_the_ninth_is_picked_by_typing_its_number(mlprep_home):
    child = spawn([], mlprep_home)
    child.expect("What would you like to do\\?")
    child.expect("q\\) Quit")  # the way out is its own key, not a tenth number
    child.send("2")  # Quiz a deck
    child.expect("Which deck\\?")
    child.expect("number or arrows and Enter")
    child.expect(r"14\) \S+ +\S")
    # the numbers are right-aligned and the decks' ids padded (to the longest, interpretability,
    # the 13th): the deck titles start in one column
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before + child.after).splitlines()
    entries = [found for line in drawn if (found := re.search(r"(\d+)\) \S+ +", line))]
    assert {int(found.group(1)) for found in entries} >= set(range(1, 15))
    assert len({found.end(1) for found in entries}) == 1  # the numbers' last digits
    assert len({found.end() for found in entries}) == 1  # the titles
    # (the menu is longer than the terminal: trees, the 30th, is below its last line)
    decks = sorted(path.stem for path in (REPO / "content" / "decks").glob("*.yaml"))
    number = str(decks.index("trees") + 1)
    assert len(number) == 2
    child.send(number)  # its first digit alone only points, as other numbers begin with it
    child.expect("Quiz: trees - ")
    child.send("\x03")
    child.expect("What would you like to do\\?")
    child.send("q")
    assert exit_status(child) == 0


def test_one_sql_question_end_to_end(mlprep_home):
    child = spawn(
        [
            "sql",
            "--decks",
            str(FIXTURES / "sqldecks"),
            "--tag",
            "fixture-sql",
            "-n",
            "1",
            "--seed",
            "1",
        ],
        mlprep_home,
    )
    child.expect("The ids of the three users")
    child.expect("sql>")
    child.send("SELECT id FROM users\r")
    child.expect("\\.\\.\\.>")
    child.send("ORDER BY id DESC LIMIT 3;\r")
    child.expect("Not quite.")
    child.expect("3 rows of the answer missing")
    child.expect("sql>")
    child.send("SELECT id FROM users ORDER BY id LIMIT 3;\r")
    child.expect("Correct! Your result:")
    child.expect("Right: 0 first time, 1 after a retry")
    assert exit_status(child) == 0
    assert [(e["card"], e["grade"], e["mode"]) for e in events(mlprep_home)] == [
        ("sqlmini-first-users", 2, "sql")
    ]


def test_a_two_question_mock_interview(mlprep_home, tmp_path):
    export = tmp_path / "t.md"
    child = spawn([*MOCK, "--minutes", "5", "--export", str(export)], mlprep_home)
    child.expect("Question 1/2 \\((5:00|4:5\\d) left\\)")  # (rounded up, as the countdown)
    child.expect("Select all that apply")
    child.send("1 2\r")
    child.expect("Question 2/2")
    child.expect("Answer \\(a number, \\? to skip\\)")
    child.send("1/2\r")
    child.expect("Transcript")
    child.expect("Not quite. The answers:")  # options are graded in the transcript
    child.expect("You picked 2\\) Accuracy of the parent node - wrong.")
    child.expect("Correct.")
    child.expect("mini           2      1         2.0")
    assert exit_status(child) == 0
    assert "Accuracy of the parent node" in export.read_text()
    assert [(e["card"], e["grade"]) for e in events(mlprep_home)] == [
        ("mini-multi", 1),
        ("mini-number", 3),
    ]


def test_time_running_out_ends_the_interview_cleanly(mlprep_home):
    child = spawn([*MOCK, "--minutes", "0.02"], mlprep_home)
    child.expect("Question 1/2")
    child.send("I am still typ")  # mid-answer when the 1.2 s run out
    child.expect("Time is up.")
    child.expect("0 of 2 questions")
    assert exit_status(child) == 0
    history = list((mlprep_home / "mock").glob("*.json"))
    assert len(history) == 1
    assert json.loads(history[0].read_text())["ended"] == "time up"


def test_review_meets_a_sql_card_runs_the_query_and_grades_it(mlprep_home):
    sql_decks = ["--decks", str(FIXTURES / "sqldecks")]
    child = spawn(["review", "sqlmini", "--new", "2", "--seed", "1", *sql_decks], mlprep_home)
    child.expect("Review: 0 learning, 0 due, 2 new")
    child.expect("The ids of the three users")
    child.expect("CREATE TABLE users")  # the table the question needs
    child.expect("sql>")
    child.send("SELECT id FROM users" + ENTER)  # no ';' yet: the query goes on
    child.expect("\\.\\.\\.>")
    child.send("ORDER BY id DESC LIMIT 3;" + ENTER)
    child.expect("Not quite.")
    child.expect("3 rows of the answer missing")
    child.expect("sql>")
    child.send("DELETE FROM users;" + ENTER)  # refused: a try, with the reason
    child.expect("Error: DELETE is not allowed")
    child.expect("1 more try")
    child.expect("sql>")
    child.send("SELECT id FROM users ORDER BY id LIMIT 3;" + ENTER)
    child.expect("Correct! Your result:")
    child.expect("Comes back in")
    child.expect("How many users are there")
    child.expect("sql>")
    deliberately(child, ENTER)  # an empty query gives up: the solution and its result are shown
    child.expect("No query given.")
    child.expect("Reference solution:")
    child.expect("Its result:")
    child.expect("40")
    # Ctrl-C at the next card's prompt: answers so far are saved (sent once the prompt is up:
    # one that lands while the next card is being set up may only be noted, not acted on)
    child.expect("sqlmini-count-users")
    child.expect("sql>")
    child.send("\x03")
    child.expect("Stopped \\(interrupted\\)")
    assert exit_status(child) == 130
    assert [(e["card"], e["grade"], e["mode"], e["answer"]) for e in events(mlprep_home)] == [
        ("sqlmini-first-users", 2, "review", "SELECT id FROM users ORDER BY id LIMIT 3;"),
        ("sqlmini-count-users", 1, "review", ""),
    ]


def test_number_keys_mark_options_and_pick_one(mlprep_home):
    kinds = ["--decks", str(FIXTURES / "kinds"), "--seed", "1"]
    # seed 1 shows: 1) Entropy 2) Accuracy of the parent node 3) Gini impurity
    child = spawn(["quiz", "kinds", "--tag", "kind-multi", *kinds], mlprep_home)
    child.expect("Select all that apply")
    child.send("1")
    child.send("3")
    child.send(ENTER)
    child.expect("Correct")
    child.expect(pexpect.EOF)
    child.close()
    # seed 1 shows: 1) Mean squared error 2) Hinge loss 3) Gini impurity
    child = spawn(["quiz", "kinds", "--tag", "kind-single", *kinds], mlprep_home)
    child.expect("Your answer: (?:\x1b\\[[0-9;]*m)*\\(1-3 or arrows, then Enter\\)")
    child.send("3")  # points at 3; Enter takes it
    child.send(ENTER)
    child.expect("Correct")
    child.expect(pexpect.EOF)
    child.close()
    assert [(e["card"], e["grade"], e["answer"]) for e in events(mlprep_home)] == [
        ("kinds-multi", 3, "Entropy; Gini impurity"),
        ("kinds-single", 3, "Gini impurity"),
    ]


def test_the_home_menu_opens_a_coding_drill(mlprep_home, monkeypatch):
    monkeypatch.setenv("EDITOR", "true")  # an editor that leaves the stub as it is
    monkeypatch.delenv("VISUAL", raising=False)
    child = spawn([], mlprep_home)
    child.expect("6\\) Coding drills")
    child.send("6")
    child.expect("\\[1/\\d+\\] coding-")
    child.expect("Not implemented yet")
    child.expect("\\[q\\]uit: ")
    child.send("q")  # one key, as its label says
    child.expect("What would you like to do\\?")
    child.send("q")
    assert exit_status(child) == 0
    assert not (mlprep_home / "progress" / "reviews.jsonl").exists()


def test_ctrl_d_at_the_home_menu_and_the_deck_picker_quits_quietly(mlprep_home):
    """Ctrl-D ends the input at a menu as at a text prompt: it was ignored at answers, and at
    the home menu it exited as an interruption (130)."""
    for keys in ("\x04", "2\x04"):  # the home menu; Quiz a deck, then the deck picker
        child = spawn([], mlprep_home)
        child.expect("What would you like to do\\?")
        child.send(keys)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0, keys
