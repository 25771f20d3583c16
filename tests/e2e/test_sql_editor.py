"""The SQL editor in a real terminal: continuation lines, commands below a query, Tab
completion of the database's names, history across runs, the verdict on its own line."""

from __future__ import annotations

import json

import pexpect

from tests.conftest import FIXTURES
from tests.e2e.test_quiz_terminal import exit_status, spawn

SQL = ["sql", "--decks", str(FIXTURES / "sqldecks"), "--tag", "fixture-sql", "-n", "1"]
UP = "\x1b[A"
CODE = "\x1b\\[[0-9;?]*[A-Za-z]"


def test_editing_completion_commands_and_history_across_runs(mlprep_home):
    child = spawn([*SQL, "--seed", "1"], mlprep_home, NO_COLOR="1")
    child.expect("The ids of the three users")
    child.expect("sql>")
    child.send("SELECT id FROM users WHERE sig\t")  # Tab completes the column name
    child.expect("nup_date")  # the rest of signup_date is drawn
    child.send(" IS NOT NULL\r")
    child.expect("\\.\\.\\.>")
    child.send(".hint\r")  # a command on a continuation line runs; the query stays
    child.expect("Hint: ORDER BY id, then LIMIT 3.")
    child.expect("IS NOT NULL")
    child.send("ORDER BY id LIMIT 3;\r")
    # the verdict starts on its own line, with only terminal codes before it
    child.expect(f"LIMIT 3;({CODE}|\r)*\n({CODE})*Correct! Your result:")
    assert exit_status(child) == 0
    history = (mlprep_home / "sql_history").read_text()
    assert "+SELECT id FROM users WHERE signup_date IS NOT NULL\n+ORDER BY id LIMIT 3;" in history
    assert ".hint" not in history  # commands are not queries

    child = spawn([*SQL, "--seed", "1"], mlprep_home)  # a new run remembers the query
    child.expect("sql>")
    child.send(UP)
    child.expect("\x1b\\[[0-9;]*mLIMIT")  # highlighted as SQL (NO_COLOR is not set here)
    child.send("\r")
    child.expect("Correct! Your result:")
    child.expect(pexpect.EOF)
    child.close()
    lines = (mlprep_home / "progress" / "reviews.jsonl").read_text().splitlines()
    assert [json.loads(x)["grade"] for x in lines] == [2, 3]  # (the first after a .hint: Hard)


def test_ctrl_c_clears_a_half_typed_query_and_at_an_empty_prompt_stops(mlprep_home):
    """Ctrl-C half way through a query ended the whole session; psql and sqlite3 clear the
    line."""
    child = spawn([*SQL, "--seed", "1"], mlprep_home, NO_COLOR="1")
    child.expect("sql>")
    child.send("SELECT * FROM orde")
    child.expect("orde")
    child.sendcontrol("c")
    child.send("SELECT id FROM users ORDER BY id LIMIT 3;\r")  # the line was cleared
    child.expect("Correct! Your result:")
    assert exit_status(child) == 0
    child = spawn([*SQL, "--seed", "1"], mlprep_home, NO_COLOR="1")
    child.expect("sql>")
    child.sendcontrol("c")  # nothing typed: it stops
    child.expect("Stopped \\(interrupted\\)")
    assert exit_status(child) == 130
