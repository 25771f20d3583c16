"""Flashcards, the home menu, SQL practice and a mock interview in a real pseudo-terminal."""

from __future__ import annotations

import json

import pexpect

from tests.conftest import FIXTURES
from tests.e2e.test_quiz_terminal import DOWN, ENTER, spawn

MINI = ["--decks", str(FIXTURES / "decks")]
MOCK = ["mock", "--deck-dir", str(FIXTURES / "decks"), "-d", "mini", "-n", "2", "--seed", "1"]


def events(home):
    lines = (home / "progress" / "reviews.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_flashcards_reveal_grade_undo_quit(mlprep_home):
    child = spawn(["flash", "mini", "--seed", "5", *MINI], mlprep_home)
    child.expect("1/4 · mini")
    child.expect("Enter: show answer")
    child.send(ENTER)
    child.expect("Reference answer")
    child.expect("1 Again · 2 Hard · 3 Good · 4 Easy")
    child.send("3")  # a single key, no Enter
    child.expect("2/4 · mini")
    child.expect("Enter: show answer")
    child.send("u")
    child.expect("Undid the grade of mini-single.")
    child.expect("1/4 · mini")
    child.expect("Enter: show answer")
    child.send(" ")  # space reveals too
    child.expect("Reference answer")
    child.expect("4 Easy")
    child.send("4")
    child.expect("2/4 · mini")
    child.expect("Enter: show answer")
    child.send("q")
    child.expect("Stopped \\(quit\\); your grades are saved.")
    child.expect("Graded 1 of 4 cards")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert [(e["card"], e["grade"], e["mode"]) for e in events(mlprep_home)] == [
        ("mini-single", 3, "flash"),
        ("mini-single", 0, "undo"),
        ("mini-single", 4, "flash"),
    ]


def test_the_home_menu_shows_the_due_count_and_runs_a_mode(mlprep_home):
    child = spawn([], mlprep_home)
    child.expect("What would you like to do\\?")
    child.expect("Review \\(20 due\\)")  # twenty new cards a day by default
    for _ in range(3):  # Review -> Quiz a deck -> Flashcards -> SQL practice
        child.send(DOWN)
    child.send(DOWN + DOWN + DOWN)  # -> Mock interview -> Stats -> Decks
    child.send(ENTER)
    child.expect("decks, \\d+ cards")
    child.expect("What would you like to do\\?")
    child.send(DOWN * 7 + ENTER)  # Quit is last
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


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
    child.expect("sql> ")
    child.send("SELECT id FROM users\r")
    child.expect("\\.\\.\\.> ")
    child.send("ORDER BY id DESC LIMIT 3;\r")
    child.expect("Not quite.")
    child.expect("Missing 3 row")
    child.expect("sql> ")
    child.send("SELECT id FROM users ORDER BY id LIMIT 3;\r")
    child.expect("Correct! Your result:")
    child.expect("0 right first time, 1 right after a retry")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert [(e["card"], e["grade"], e["mode"]) for e in events(mlprep_home)] == [
        ("sqlmini-first-users", 2, "sql")
    ]


def test_a_two_question_mock_interview(mlprep_home, tmp_path):
    export = tmp_path / "t.md"
    child = spawn([*MOCK, "--minutes", "5", "--export", str(export)], mlprep_home)
    child.expect("Question 1/2 \\(4:5\\d left\\)")
    child.expect("Your answer")
    child.send("Greedy splits change with the data\r")
    child.expect("Question 2/2")
    child.expect("Your answer")
    child.send("one half\r")
    child.expect("Transcript")
    child.expect("Grade \\(1-4\\): ")
    child.send("3\r")
    child.expect("Grade \\(1-4\\): ")
    child.send("1\r")
    child.expect("mini           2      1         2.0")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "one half" in export.read_text()
    assert [(e["card"], e["grade"]) for e in events(mlprep_home)] == [
        ("mini-open", 3),
        ("mini-number", 1),
    ]


def test_time_running_out_ends_the_interview_cleanly(mlprep_home):
    child = spawn([*MOCK, "--minutes", "0.02"], mlprep_home)
    child.expect("Question 1/2")
    child.send("I am still typ")  # mid-answer when the 1.2 s run out
    child.expect("Time is up.")
    child.expect("0 of 2 questions")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    history = list((mlprep_home / "mock").glob("*.json"))
    assert len(history) == 1
    assert json.loads(history[0].read_text())["ended"] == "time up"
