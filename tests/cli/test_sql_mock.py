"""`mlprep sql` and `mlprep mock` in plain mode: transcripts, grades, history, export."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES

SQL = ["--decks", str(FIXTURES / "sqldecks"), "--tag", "fixture-sql", "--seed", "1"]
MOCK = ["--deck-dir", str(FIXTURES / "decks"), "-d", "mini", "-n", "2", "--seed", "1"]


def log_lines(home):
    return [json.loads(x) for x in (home / "progress" / "reviews.jsonl").read_text().splitlines()]


def test_sql_session_refusals_timeouts_order_and_grades(cli, mlprep_home):
    queries = (
        "DELETE FROM users;\n"
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r) SELECT count(*) FROM r;\n"
        "select id from (select id from users order by id limit 3)\norder by id desc;\n"
        ".hint\n"
        "SELECT id FROM users ORDER BY id LIMIT 3;\n"
        "select nosuch from users;\n"
        ".answer\n"
    )
    result = cli("sql", *SQL, "--time-limit", "0.3", input=queries)
    assert result.exit_code == 0
    assert result.stdout == SQL_SESSION
    assert [(e["card"], e["grade"], e["mode"]) for e in log_lines(mlprep_home)] == [
        ("sqlmini-first-users", 2, "sql"),  # right after wrong tries: Hard
        ("sqlmini-count-users", 1, "sql"),  # revealed: Again
    ]


def test_sql_right_first_time_is_good_and_skip_is_not_graded(cli, mlprep_home):
    result = cli("sql", *SQL, input="SELECT id FROM users ORDER BY id LIMIT 3;\n.skip\n")
    assert result.stdout.endswith(
        "sql> .skip\n\n2 of 2 questions in 0m04s:\n"
        "1 right first time, 0 right after a retry, 0 revealed, 1 skipped.\n"
    )
    assert [(e["card"], e["grade"]) for e in log_lines(mlprep_home)] == [("sqlmini-first-users", 3)]


def test_sql_commands_and_quit(cli):
    result = cli("sql", *SQL, input=".tables\n.schema products\n.bogus\n.quit\n")
    out = result.stdout
    assert "Tables: order_items, orders, products, users" in out
    assert "CREATE TABLE products (" in out
    assert "Unknown command .bogus; try .tables, .schema, .hint, .answer, .skip, .quit." in out
    assert "Stopped (quit); your results are saved." in out
    assert result.exit_code == 0


def test_sql_with_no_matching_questions_is_a_usage_error(cli):
    result = cli("sql", "--tag", "no-such-tag")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: No SQL questions match that selection.\n",
    )


def test_mock_interview_transcript_history_and_export(cli, mlprep_home, tmp_path):
    export = tmp_path / "mock.md"
    result = cli(
        "mock", *MOCK, "--minutes", "5", "--export", str(export), input="Greedy splits\n0.5\n3\n4\n"
    )
    assert result.exit_code == 0
    (saved,) = (mlprep_home / "mock").glob("*.json")
    assert result.stdout == MOCK_SESSION + f"Saved to {saved}\nTranscript written to {export}\n"
    history = json.loads(saved.read_text())
    assert history["format"] == 1 and history["ended"] == "finished"
    assert [(a["card"], a["answer"], a["grade"]) for a in history["answers"]] == [
        ("mini-open", "Greedy splits", 3),
        ("mini-number", "0.5", 4),
    ]
    assert [(e["card"], e["grade"], e["mode"]) for e in log_lines(mlprep_home)] == [
        ("mini-open", 3, "mock"),
        ("mini-number", 4, "mock"),
    ]
    markdown = export.read_text()
    assert "## 1. Why are single deep trees unstable?" in markdown
    assert "**Your answer**\n\nGreedy splits\n" in markdown
    assert "| mini | 2 | 2 | 3.5 |" in markdown


def test_mock_refuses_to_overwrite_an_export(cli, tmp_path):
    export = tmp_path / "mock.md"
    export.write_text("keep me")
    result = cli("mock", *MOCK, "--export", str(export), input="")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {export} already exists; choose another file for --export.\n"
    assert export.read_text() == "keep me"


SQL_SESSION = """\

[1/2] sqlmini-first-users (database shop)
The ids of the three users with the smallest ids, smallest first.

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  country TEXT,
  signup_date TEXT NOT NULL
);

End a query with ; or an empty line.
Commands: .tables  .schema [TABLE]  .hint  .answer  .skip  .quit
sql> DELETE FROM users;
Error: DELETE is not allowed: practice queries only read the data (SELECT or
WITH ... SELECT). Try again (.hint, .answer, .skip).
sql> WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r) SELECT count(*) FROM r;
Error: query stopped after 0.3 s (time limit); is there a recursive CTE without
an end? Try again (.hint, .answer, .skip).
sql> select id from (select id from users order by id limit 3)
...> order by id desc;
Not quite.
Expected (first rows)    Yours (first rows)
id                       id
--                       --
1                        3
2                        2
3                        1
Order: right rows, wrong order: row 1 should be (1,), not (3,).
Try again, or .hint / .answer / .skip.
sql> .hint
Hint: ORDER BY id, then LIMIT 3.
sql> SELECT id FROM users ORDER BY id LIMIT 3;
Correct! Your result:
id
--
1
2
3

[2/2] sqlmini-count-users (database shop)
How many users are there? Return one column, the count.

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  country TEXT,
  signup_date TEXT NOT NULL
);

End a query with ; or an empty line.
Commands: .tables  .schema [TABLE]  .hint  .answer  .skip  .quit
sql> select nosuch from users;
Error: no such column: nosuch. Try again (.hint, .answer, .skip).
sql> .answer
Reference solution:
  SELECT COUNT(*) FROM users;
  COUNT(*) over the users table.

2 of 2 questions in 0m05s:
0 right first time, 1 right after a retry, 1 revealed, 0 skipped.
"""

MOCK_SESSION = """\
Mock interview: 2 questions, 5 minutes.
Answer as you would aloud; the reference answers come at the end.

Question 1/2 (4:59 left)
Why are single deep trees unstable?
Your answer (Enter when done): Greedy splits

Question 2/2 (4:56 left)
What is the Gini impurity of a 50/50 binary node?
Your answer (Enter when done): 0.5

Transcript: compare each answer with the reference and grade yourself.

[1/2] mini-open (mini)
Why are single deep trees unstable?
Your answer:
  Greedy splits
Reference answer:
  Each split is chosen greedily, so a small change in the data can change the
  root split and everything below it.
How well did you know it? 1) Again  2) Hard  3) Good  4) Easy
Grade (1-4): 3

[2/2] mini-number (mini)
What is the Gini impurity of a 50/50 binary node?
Your answer:
  0.5
Reference answer:
  0.5: 1 - (0.25 + 0.25).
How well did you know it? 1) Again  2) Hard  3) Good  4) Easy
Grade (1-4): 4

Mock interview: 2 of 2 questions in 0m07s (finished).
topic  questions  good+  mean grade
mini           2      2         3.5
"""
