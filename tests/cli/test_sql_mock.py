"""`mlprep sql` and `mlprep mock` in plain mode: transcripts, grades, history, export."""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import FIXTURES

SQL = ["--decks", str(FIXTURES / "sqldecks"), "--tag", "fixture-sql", "--seed", "1"]
MOCK = ["mini", "--decks", str(FIXTURES / "decks"), "-n", "4", "--seed", "1"]


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
    result = cli("sql", *SQL, "--time-limit", "0.1", input=queries)
    assert result.exit_code == 0
    assert result.stdout == SQL_SESSION
    assert [(e["card"], e["grade"], e["mode"]) for e in log_lines(mlprep_home)] == [
        ("sqlmini-first-users", 2, "sql"),  # right after wrong tries: Hard
        ("sqlmini-count-users", 1, "sql"),  # revealed: Again
    ]


def test_ctrl_c_while_a_query_runs_stops_the_query_not_the_session(cli, mlprep_home, monkeypatch):
    """It ended the whole session (exit 130), where psql, which the editor's keys follow,
    stops the query and stays."""
    from mlprep.sqlsandbox import SampleDatabase

    real = SampleDatabase.run

    def run(self, query, *args, **kwargs):
        if "RECURSIVE" in query:
            raise KeyboardInterrupt  # (as the sandbox raises it for a Ctrl-C mid-query)
        return real(self, query, *args, **kwargs)

    monkeypatch.setattr(SampleDatabase, "run", run)
    endless = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r) SELECT 1;\n"
    right = "SELECT id FROM users ORDER BY id LIMIT 3;\n"
    result = cli("sql", *SQL, "-n", "1", input=endless + right)
    assert result.exit_code == 0
    assert "Query stopped (Ctrl-C). Not counted as a try." in result.stdout
    assert [(e["card"], e["grade"]) for e in log_lines(mlprep_home)] == [("sqlmini-first-users", 3)]


def test_sql_right_first_time_is_good_and_skip_is_not_graded(cli, mlprep_home):
    result = cli("sql", *SQL, input="SELECT id FROM users ORDER BY id LIMIT 3;\n.skip\n")
    assert result.stdout.endswith(
        "sql> .skip\n\n2 of 2 questions in 0m04s:\n"
        "Right: 1 first time, 0 after a retry, 0 with a hint; 0 revealed, 1 skipped.\n"
    )
    assert [(e["card"], e["grade"]) for e in log_lines(mlprep_home)] == [("sqlmini-first-users", 3)]


def test_right_after_a_hint_is_hard_and_counted_apart_from_a_retry(cli, mlprep_home):
    result = cli("sql", *SQL, input=".hint\nSELECT id FROM users ORDER BY id LIMIT 3;\n.skip\n")
    assert result.stdout.endswith(
        "sql> .skip\n\n2 of 2 questions in 0m04s:\n"
        "Right: 0 first time, 0 after a retry, 1 with a hint; 0 revealed, 1 skipped.\n"
    )
    assert [(e["card"], e["grade"]) for e in log_lines(mlprep_home)] == [("sqlmini-first-users", 2)]


def test_exploring_is_free_and_a_mismatch_keeps_the_answer_hidden(cli, mlprep_home):
    queries = (
        "SELECT id, name FROM users LIMIT 2;\n"  # another shape: explored, not a try
        ".run SELECT id FROM users LIMIT 1;\n"  # the answer's shape, but .run: not a try
        "SELECT id FROM users ORDER BY id LIMIT 3;\n"
        "SELECT count(*) + 1 FROM users;\n"  # the answer's shape: a wrong try
        ".answer\n"
    )
    out = cli("sql", *SQL, input=queries).stdout
    assert "Your result (not checked: the answer has 1 column):" in out
    assert "Your result (.run: not checked, not counted):" in out
    assert (
        "Not quite.\n"
        "Yours: 1 row (count(*) + 1); the answer: 1 row (COUNT(*)).\n"
        "1 row of yours should not be there, e.g.:\n"
        "  count(*) + 1\n"
        "  ------------\n"
        "  41\n"
        "1 row of the answer missing from yours.\n"
    ) in out
    revealed = out.index("Reference solution:")
    assert "40\n" not in out[:revealed]  # the expected count is not shown before .answer...
    assert "Its result:\nCOUNT(*)\n--------\n40\n" in out[revealed:]  # ...and is after it
    assert [(e["card"], e["grade"]) for e in log_lines(mlprep_home)] == [
        ("sqlmini-first-users", 3),  # right at the first try: exploring cost nothing
        ("sqlmini-count-users", 1),
    ]


def test_a_command_on_a_continuation_line_keeps_the_query_typed_so_far(cli, mlprep_home):
    queries = "SELECT id FROM users\n.hint\nORDER BY id LIMIT 3;\n.skip\n"
    out = cli("sql", *SQL, input=queries).stdout
    assert (
        "sql> SELECT id FROM users\n...> .hint\nHint: ORDER BY id, then LIMIT 3.\n"
        "...> ORDER BY id LIMIT 3;\nCorrect! Your result:\n"
    ) in out
    # (right after a hint: Hard)
    assert [(e["card"], e["grade"]) for e in log_lines(mlprep_home)] == [("sqlmini-first-users", 2)]


def test_sql_commands_and_quit(cli):
    result = cli("sql", *SQL, input=".tables\n.schema products\n.bogus\n.quit\n")
    out = result.stdout
    assert "Tables: order_items, orders, products, users" in out
    assert "CREATE TABLE products (" in out
    assert (
        "Unknown command .bogus; try .tables, .schema, .run, .hint, .answer, .skip,\n.quit.\n"
    ) in out
    assert "Stopped (quit).\n" in out  # (nothing was answered: nothing said to be saved)
    assert result.exit_code == 0


def test_what_leaves_other_shells_says_how_to_leave_this_one(cli):
    """ "quit" was SQLite's 'near "quit": syntax error', with no word of .quit."""
    result = cli("sql", *SQL, input="quit\n\n\\q\n\nexit;\n.quit\n")
    assert result.stdout.count("To leave, type .quit (or press Ctrl-D).\n") == 3
    assert "syntax error" not in result.stdout
    assert "Stopped (quit).\n" in result.stdout and result.exit_code == 0


def test_schema_of_one_table_is_headed_table_and_of_all_tables(cli):
    """`.schema TABLE` headed its one table "Tables:"."""
    out = cli("sql", *SQL, input=".schema products\n.schema\n.quit\n").stdout
    assert (
        "sql> .schema products\nTable:\nCREATE TABLE products (\n  id INTEGER PRIMARY KEY,\n"
        "  name TEXT NOT NULL,\n  category TEXT NOT NULL,\n  price REAL NOT NULL\n);\n"
        "sql> .schema\nTables:\nCREATE TABLE users (\n"
    ) in out


def test_run_with_no_query_says_what_it_needs(cli):
    """.run alone printed nothing at all."""
    out = cli("sql", *SQL, input=".run\n.quit\n").stdout
    assert "sql> .run\nGive .run the query to run: .run SELECT ...\nsql> .quit\n" in out


def test_sql_with_no_matching_questions_is_a_usage_error(cli):
    result = cli("sql", "--tag", "zzzz")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: No card has tag 'zzzz'. `mlprep tags` lists them.\n",
    )


def test_mock_interview_transcript_history_and_export(cli, mlprep_home, tmp_path):
    export = tmp_path / "mock.md"
    result = cli("mock", *MOCK, "--minutes", "5", "--export", str(export), input=MOCK_INPUT)
    assert result.exit_code == 0
    (saved,) = (mlprep_home / "mock").glob("*.json")
    # the transcript to read again is kept beside the record (which holds ids and grades)
    transcript = saved.with_suffix(".md")
    assert result.stdout == (
        MOCK_SESSION + f"Saved to {transcript}\nTranscript written to {export}\n"
    )
    assert transcript.read_text() == export.read_text()
    history = json.loads(saved.read_text())
    assert history["format"] == 1 and history["ended"] == "finished"
    # every kind is asked; options and numbers are graded in the transcript, open answers
    # by the user
    assert [(a["card"], a["answer"], a["grade"]) for a in history["answers"]] == [
        ("mini-multi", "Gini impurity; Entropy", 3),
        ("mini-number", "2", 1),
        ("mini-open", "Greedy splits", 4),
        ("mini-single", "Gini impurity", 3),
    ]
    assert [(e["card"], e["grade"], e["mode"], e["answer"]) for e in log_lines(mlprep_home)] == [
        ("mini-multi", 3, "mock", "Gini impurity; Entropy"),
        ("mini-number", 1, "mock", "2"),
        ("mini-open", 4, "mock", "Greedy splits"),
        ("mini-single", 3, "mock", "Gini impurity"),
    ]
    markdown = export.read_text()
    assert "## 3. Why are single deep trees unstable?" in markdown
    assert "**Your answer**\n\nGreedy splits\n" in markdown
    assert "| mini | 4 | 3 | 2.8 |" in markdown
    # what the transcript showed, to study from later: the options, the number, the verdict
    assert (
        "**Options** (✔ right)\n\n1. ✔ Gini impurity\n2. Accuracy of the parent node\n"
        "3. ✔ Entropy\n\n**Verdict:** right\n"
    ) in markdown
    assert "\n2\n\n**Expected:** 0.5 (within 0.001)\n\n**Verdict:** wrong\n" in markdown


MOCK_INPUT = "1 3\n2\nGreedy splits\n1\n4\n"


def test_mock_refuses_to_overwrite_an_export(cli, tmp_path):
    export = tmp_path / "mock.md"
    export.write_text("keep me")
    result = cli("mock", *MOCK, "--export", str(export), input="")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {export} already exists; choose another file for --export.\n"
    assert export.read_text() == "keep me"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("-", "the interview is on standard output; give a file name (FILE.md)."),
        ("mock.json", "the transcript is Markdown, written to a .md, .markdown or .txt file."),
    ],
)
def test_mock_refuses_an_export_it_would_not_write_as_named(
    cli, tmp_path, monkeypatch, name, reason
):
    """`--export -` wrote a file named "-" (elsewhere "-" is standard output), and
    `--export mock.json` wrote Markdown into it without a word: both are said before the
    interview starts."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = cli("mock", *MOCK, "--export", name, input=MOCK_INPUT)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: --export {name}: {reason}\n"
    assert list(work.iterdir()) == []


def test_mock_refuses_an_export_into_a_missing_directory_before_it_starts(cli, tmp_path):
    """It made the directories (as root, /nonexistent), where export -o refuses them."""
    export = tmp_path / "missing" / "mock.md"
    result = cli("mock", *MOCK, "--export", str(export), input="")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (f"Error: cannot write {export}: no such directory {export.parent}\n")
    assert not export.parent.exists()


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

End a query with ; or an empty line. Only results with the answer's columns
count as tries; .run QUERY never counts.
Commands: .tables .schema [TABLE] .hint .answer .skip .quit
sql> DELETE FROM users;
Error: DELETE is not allowed: practice queries only read the data (SELECT or
WITH ... SELECT). Not counted as a try.
sql> WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r) SELECT count(*) FROM r;
Error: query stopped after 0.1 s (time limit); is there a recursive CTE without
an end? Not counted as a try.
sql> select id from (select id from users order by id limit 3)
...> order by id desc;
Not quite.
Yours: 3 rows (id); the answer: 3 rows (id).
Order: right rows, wrong order (first at row 1).
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
Comes back in 6 minutes.

[2/2] sqlmini-count-users (database shop)
How many users are there? Return one column, the count.

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  country TEXT,
  signup_date TEXT NOT NULL
);

End a query with ; or an empty line. Only results with the answer's columns
count as tries; .run QUERY never counts.
Commands: .tables .schema [TABLE] .hint .answer .skip .quit
sql> select nosuch from users;
Error: no such column: nosuch. Not counted as a try.
sql> .answer
Reference solution:
  SELECT COUNT(*) FROM users;
Answer:
  COUNT(*) over the users table.
Its result:
COUNT(*)
--------
40
Comes back in 1 minute.

2 of 2 questions in 0m05s:
Right: 0 first time, 0 after a retry, 1 with a hint; 1 revealed, 0 skipped.
"""

MOCK_SESSION = """\
Mock interview: 4 questions, 5 minutes.
Answer as you would aloud; the reference answers come at the end.

Question 1/4 (4:59 left)
Which of these are impurity measures?
  1) Gini impurity
  2) Accuracy of the parent node
  3) Entropy
Select all that apply (numbers 1-3, separated by spaces): 1 3

Question 2/4 (4:56 left)
What is the Gini impurity of a 50/50 binary node?
Answer (a number, ? to skip): 2

Question 3/4 (4:53 left)
Why are single deep trees unstable?
Your answer (Enter when done): Greedy splits

Question 4/4 (4:50 left)
Which impurity measure does CART use by default for classification?
  1) Gini impurity
  2) Hinge loss
  3) Mean squared error
Answer (1-3): 1

Transcript: compare each answer with the reference and grade yourself.

[1/4] mini-multi (mini)
Which of these are impurity measures?
Your answer:
  Gini impurity; Entropy
Correct.
  Gini impurity and entropy.
  Information gain is a drop in entropy, not an impurity itself.

[2/4] mini-number (mini)
What is the Gini impurity of a 50/50 binary node?
Your answer:
  2
Not quite. The answer: 0.5 (within 0.001)
  0.5: 1 - (0.25 + 0.25).

[3/4] mini-open (mini)
Why are single deep trees unstable?
Your answer:
  Greedy splits
Reference answer:
  Each split is chosen greedily, so a small change in the data can change the
  root split and everything below it.
How well did you know it? 1 Again 1m · 2 Hard 6m · 3 Good 10m · 4 Easy 6d
Grade (1-4): 4

[4/4] mini-single (mini)
Which impurity measure does CART use by default for classification?
Your answer:
  Gini impurity
Correct.
  Gini impurity.

Mock interview: 4 of 4 questions in 0m13s (finished).
topic  questions  good+  mean grade
mini           4      3         2.8
"""


def test_a_mock_of_coding_drills_alone_says_where_they_are_practised(cli):
    result = cli("mock", "coding", input="")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: A mock interview asks no coding drills (they are written in an editor): "
        "practise them with `mlprep code`.\n",
    )
    assert cli("mock", "coding", "trees", "-n", "1", input="").exit_code == 0


def test_mock_takes_decks_as_every_command_does_and_its_earlier_spellings(cli):
    """`mlprep mock DECK... --decks DIR` as quiz takes them; `-d DECK` and `--deck-dir DIR`,
    the earlier spellings, still work; a minute is one minute."""
    now = cli("mock", *MOCK, "-n", "1", "--minutes", "1", input="")
    earlier = ["--deck-dir", str(FIXTURES / "decks"), "-d", "mini", "-n", "1", "--seed", "1"]
    before = cli("mock", *earlier, "--minutes", "1", input="")
    assert now.exit_code == before.exit_code == 0
    # the same interview (but for where each is saved)
    assert now.stdout.splitlines()[:-1] == before.stdout.splitlines()[:-1]
    assert now.stdout.splitlines()[:5] == [
        "Mock interview: 1 question, 1 minute.",
        "Answer as you would aloud; the reference answers come at the end.",
        "",
        "Question 1/1 (0:59 left)",
        "Which of these are impurity measures?",
    ]


def test_a_deck_given_as_a_deck_directory_is_a_usage_error_that_says_how(cli):
    for command in ("mock", "quiz", "stats"):
        result = cli(command, "--decks", "trees", input="")
        assert (result.exit_code, result.stdout) == (2, ""), command
        assert result.stderr == (
            "Error: --decks takes a directory of decks, and there is no trees; to pick the "
            "deck 'trees', give its name without --decks.\n"
        )
    # a directory that is missing and names no deck is still skipped with a warning
    result = cli("stats", "--decks", "no-such-dir")
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: no-such-dir: no such file or directory")


def test_sql_and_quiz_select_the_same_way(cli):
    """Deck tags count for `sql --tag` as for `quiz --tag` (one selection in the library)."""
    sql = cli("sql", "--tag", "sql", "-n", "1", "--seed", "1", input="")
    assert sql.exit_code == 0 and "[1/1] sql-" in sql.stdout
    quiz = cli("quiz", "sql", "--tag", "sql", "-n", "1", "--seed", "1", input="")
    assert quiz.exit_code == 0 and "[1/1] sql-" in quiz.stdout
    # a tag only other kinds of card carry is named as such ("No cards match that selection")
    other = cli("sql", "--tag", "boosting", input="")
    assert (other.exit_code, other.stderr) == (2, "Error: No sql card has tag 'boosting'.\n")


def test_a_mock_whose_input_ends_still_grades_what_grades_itself(cli, mlprep_home):
    """Input ending mid-interview ends it as Ctrl-C does: options and numbers answered so far
    get their verdict and are recorded; nothing is asked, so no open answer is graded."""
    result = cli("mock", *MOCK, "--minutes", "5", input="1 3\n2\n")
    assert result.exit_code == 0
    # (the two answers given grade themselves: there is nothing to grade, nor to leave so;
    # with a third, an open one, there is)
    other = ["--data-dir", str(mlprep_home / "other")]  # (the same questions, unanswered)
    typed = cli(*other, "mock", *MOCK, "--minutes", "5", input="1 3\n2\nGreedy splits\n").stdout
    assert "Transcript: the input has ended, so answers you grade stay ungraded." in typed
    assert "Transcript: each answer with its verdict and the reference." in result.stdout
    assert "grade" not in result.stdout.split("Transcript:")[1].split("\n")[0]
    assert [(e["card"], e["grade"], e["mode"]) for e in log_lines(mlprep_home)] == [
        ("mini-multi", 3, "mock"),
        ("mini-number", 1, "mock"),
    ]


def test_an_sql_card_fits_a_narrow_terminal_in_quiz_and_practice(cli, tmp_path, monkeypatch):
    """The schema's long column lines go on indented under themselves in quiz (as they did
    only in `mlprep sql`), and `.schema` shows statements, not a paragraph."""
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "narrow.yaml").write_text(
        "id: narrow\ntitle: N\ncards:\n  - id: narrow-1\n    type: sql\n    db: shop\n"
        "    q: How many orders?\n    a: COUNT(*).\n    solution: SELECT COUNT(*) FROM orders;\n"
        "    tags: [narrow]\n"
    )
    monkeypatch.setenv("COLUMNS", "40")
    quiz = cli("quiz", "narrow", "--plain", "--decks", str(decks), input="\n")
    practice = cli(
        "sql", "--tag", "narrow", "--plain", "--decks", str(decks), input=".schema orders\n.quit\n"
    )
    for result in (quiz, practice):
        lines = result.stdout.splitlines()
        assert all(len(line) <= 40 for line in lines), [x for x in lines if len(x) > 40]
        assert "  user_id INTEGER NOT NULL REFERENCES" in lines and "    users(id)," in lines


def test_a_mock_with_no_answer_keeps_no_history_file(cli, mlprep_home):
    result = cli("mock", *MOCK, input="")
    assert result.exit_code == 0
    assert "Saved to" not in result.stdout
    assert not (mlprep_home / "mock").exists() or not list((mlprep_home / "mock").iterdir())


def test_input_ending_at_a_grade_still_records_what_later_answers_graded_themselves(
    cli, mlprep_home
):
    """Ctrl-D (or the end of input) at the first self-grade of the transcript left the
    answers after it ungraded, a right choice answer among them."""
    answers = "1 3\n0.5\nsplits are greedy\n1\n"  # (the input ends at the open card's grade)
    mini = ["--decks", str(FIXTURES / "decks")]
    result = cli("mock", "mini", *mini, "-n", "4", "--seed", "1", input=answers)
    assert result.exit_code == 0
    assert [(e["card"], e["grade"]) for e in log_lines(mlprep_home)] == [
        ("mini-multi", 3),
        ("mini-number", 3),
        ("mini-single", 3),  # (after the open card left ungraded)
    ]


def test_right_after_a_hint_is_hard_not_good(cli, mlprep_home):
    """A hint that gives the approach (or, as some did, the values) made a first try "right
    first time", Good."""
    result = cli("sql", *SQL, "-n", "1", input=".hint\nSELECT id FROM users ORDER BY id LIMIT 3;\n")
    assert "Hint: ORDER BY id, then LIMIT 3.\n" in result.stdout
    assert [(e["card"], e["grade"]) for e in log_lines(mlprep_home)] == [("sqlmini-first-users", 2)]


def test_rows_in_order_by_chance_are_not_an_answer_to_an_ordered_question(cli, mlprep_home):
    """A query with no ORDER BY was "Correct!" where SQLite happened to return the rows in the
    order asked: another run or engine may not, and an interviewer asks what orders them."""
    queries = (
        "SELECT id FROM users WHERE id <= 3;\nSELECT id FROM users WHERE id <= 3 ORDER BY id;\n"
    )
    out = cli("sql", *SQL, "-n", "1", input=queries).stdout
    assert (
        "sql> SELECT id FROM users WHERE id <= 3;\n"
        "Not quite.\n"
        "Yours: 3 rows (id); the answer: 3 rows (id).\n"
        "Order: right rows, in the order asked, but your query has no ORDER BY of its own\n"
        "(one in a subquery or a window orders nothing of the result): without one the\n"
        "order is whatever the database happens to give (another run or engine may\n"
        "differ). Add the ORDER BY the question asks for.\n"
        "Try again, or .hint / .answer / .skip.\n"
        "sql> SELECT id FROM users WHERE id <= 3 ORDER BY id;\nCorrect! Your result:\n"
    ) in out
    assert [(e["card"], e["grade"]) for e in log_lines(mlprep_home)] == [("sqlmini-first-users", 2)]


def test_only_the_query_s_own_order_by_orders_its_rows():
    from mlprep.sqlsandbox import orders_its_rows

    assert orders_its_rows("SELECT id FROM t ORDER BY id")
    assert orders_its_rows("WITH a AS (SELECT 1) SELECT * FROM a\norder  by 1")
    assert not orders_its_rows("SELECT id, ROW_NUMBER() OVER (ORDER BY id) FROM t")
    assert not orders_its_rows("WITH a AS (SELECT id FROM t ORDER BY id) SELECT * FROM a")
    assert not orders_its_rows("SELECT 'order by' -- ORDER BY id\nFROM t")


def test_in_a_quiz_too_rows_in_order_by_chance_cost_a_try(cli, mlprep_home):
    args = ["quiz", "--decks", str(FIXTURES / "sqldecks"), "sqlmini", "-n", "1", "--seed", "1"]
    unordered, ordered = "SELECT id FROM users WHERE id <= 3", "ORDER BY id"
    out = cli(*args, "--plain", input=f"{unordered};\n{unordered} {ordered};\n").stdout
    assert "no ORDER BY of its own\n(one in a subquery" in out
    assert "2 more tries (empty to give up).\n" in out
    assert [(e["card"], e["grade"]) for e in log_lines(mlprep_home)] == [("sqlmini-first-users", 2)]


def test_a_command_of_mlprep_sql_in_a_quiz_is_named_and_costs_no_try(cli, mlprep_home):
    """`.tables` at a quiz's SQL card was read on into the next line and run as SQL: a syntax
    error that cost one of the three tries."""
    args = ["quiz", "--decks", str(FIXTURES / "sqldecks"), "sqlmini", "-n", "1", "--seed", "1"]
    right = "SELECT id FROM users WHERE id <= 3 ORDER BY id;"
    out = " ".join(cli(*args, "--plain", input=f".tables\n{right}\n").stdout.split())
    assert "Commands such as .tables work in `mlprep sql`; here, type a query" in out
    assert "syntax error" not in out and "more tries" not in out
    # below a query begun, too: the command is no line of it, and the query goes on
    begun = "SELECT id\n.schema users\nFROM users WHERE id <= 3 ORDER BY id;\n"
    out = " ".join(cli(*args, "--plain", input=begun).stdout.split())
    assert "Commands such as .tables work in `mlprep sql`" in out and "syntax error" not in out
    assert [(e["card"], e["grade"]) for e in log_lines(mlprep_home)] == [
        ("sqlmini-first-users", 3),
        ("sqlmini-first-users", 3),
    ]


def test_mock_refuses_to_start_where_its_record_cannot_be_saved(cli, mlprep_home):
    """A file in place of the mock directory was said after the whole interview, and the
    record and transcript were lost."""
    (mlprep_home / "mock").write_text("")
    result = cli("mock", *MOCK, input="1 3\n")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: cannot save interviews in {mlprep_home / 'mock'}: it is a file, not a "
        "directory; move it away\n"
    )


def test_mock_takes_plain_as_the_other_sessions_do(cli):
    """`mock --plain` was "No such option: --plain" (quiz, review and sql take it)."""
    plain = cli("mock", *MOCK, "--minutes", "5", "--plain", input=MOCK_INPUT)
    assert plain.exit_code == 0, plain.stderr
    assert plain.stdout.startswith(MOCK_SESSION)  # (as without it, here where nothing is drawn)


def test_mock_says_its_records_cannot_be_saved_before_the_interview(cli, mlprep_home, monkeypatch):
    """A mock/ directory the user may not write to was found only when the interview was
    over: its transcript was lost. (Tests run as root, whom no permission stops: the check's
    answer is given here.)"""
    records = mlprep_home / "mock"
    records.mkdir()
    access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: path != records and access(path, mode))
    result = cli("mock", *MOCK, input=MOCK_INPUT)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: cannot save interviews in {records}: permission denied\n"
    assert not (mlprep_home / "progress" / "reviews.jsonl").exists()
