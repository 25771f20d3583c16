"""Fault injection: hostile values on every input path, run through the real CLI.

Each table row is one hostile input. For every row the command must end with one clear message
naming what and where, the right exit code, no traceback, no raw terminal escape, and every file
it was given (and the data dir) unchanged. New input paths add a table here.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlprep.cli.app import app
from mlprep.cli.state import Environment
from tests.conftest import FIXED_NOW, FIXTURES, fake_clock

GOOD_CARD = "  - id: c1\n    q: Why?\n    a: Because.\n"
HEAD = "id: hostile\ntitle: Hostile\ncards:\n"


def deck(card_extra: str = "", head: str = HEAD) -> str:
    return head + GOOD_CARD + card_extra


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None):
    runner = CliRunner()
    environment = Environment(clock=fake_clock(), now=lambda: FIXED_NOW)
    result = runner.invoke(
        app, list(args), input=input, obj=environment, env=env, catch_exceptions=True
    )
    # a crash inside the command shows up as an exception CliRunner caught: that is a failure
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def tree_digest(*roots: Path) -> dict[str, str]:
    """Every regular file under the roots with a digest of its bytes."""
    digest = {}
    for root in roots:
        if not root.exists():
            continue
        paths = [root] if not root.is_dir() else sorted(root.rglob("*"))
        for path in paths:
            if path.is_file() and not path.is_symlink():
                digest[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def assert_clean(result, code: int, message: str | re.Pattern[str]) -> None:
    """One clear message, the right exit code, no traceback, no raw escape or bidi control."""
    output = result.stdout + result.stderr
    assert result.exit_code == code, output
    assert "Traceback" not in output
    assert "Error: unexpected" not in output, output
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", output), output
    if isinstance(message, re.Pattern):
        assert message.search(output), output
    else:
        assert message in output, output


# --- deck files ---------------------------------------------------------------------------------

HOSTILE_DECKS = [
    pytest.param(
        deck('    keypoints:\n      - point: "x\\e[2J"\n        match: [a]\n'),
        8,
        "'point' contains a control character (U+001B)",
        id="escape-in-keypoint",
    ),
    pytest.param(
        deck(
            "    misconceptions:\n      - claim: c\n"
            '        match: ["a\\u202eb"]\n        correction: d\n'
        ),
        9,
        "'match' contains a bidirectional override (U+202E)",
        id="bidi-in-match",
    ),
    pytest.param(
        deck('    choices:\n      - {text: a, correct: true, why: "\\u2067"}\n      - {text: b}\n'),
        8,
        "'why' contains a bidirectional override (U+2067)",
        id="bidi-in-why",
    ),
    pytest.param(deck("    difficulty: " + "9" * 5000 + "\n"), 7, "too many digits", id="huge-int"),
    pytest.param(
        deck("    expect: {value: " + "9" * 4000 + "}\n"),
        7,
        "expect value must be a finite number",
        id="int-too-big-for-float",
    ),
    pytest.param(
        deck("    difficulty: " + "9" * 400 + "\n"), 7, "not 9999999999", id="long-int-shortened"
    ),
    pytest.param(deck("    expect: {value: .nan}\n"), 7, "finite number", id="expect-nan"),
    pytest.param(
        deck("    expect: {value: 1, tolerance: .inf}\n"), 7, "finite number", id="tolerance-inf"
    ),
    pytest.param(deck("    expect: {value: -.inf}\n"), 7, "finite number", id="expect-minus-inf"),
    pytest.param(deck("    1: x\n"), 7, "key '1' is a number; keys must be text", id="int-key"),
    pytest.param(deck("    [a]: y\n"), 7, "a key is a list; keys must be text", id="list-key"),
    pytest.param(deck("    ? {a: 1}\n    : y\n"), 7, "a key is a mapping", id="mapping-key"),
    pytest.param(deck("", head="id: x\ntitle: T\ncards: " + "[" * 3000), 3, "nesting", id="deep"),
    pytest.param(deck("    !!python/object:os.system x: 1\n"), 7, "unsupported YAML tag", id="tag"),
    pytest.param(
        deck('    "\\e]0;PWNED\\a\\e[2J": 1\n'), 7, "unknown key '\\x1b]0;PWNED", id="escape-in-key"
    ),
    pytest.param(deck('    tags: ["\\e[2J"]\n'), 7, "tag '\\x1b[2J'", id="escape-in-tag"),
    pytest.param(
        deck('    q: "Is \\u202e this right?"\n').replace("    q: Why?\n", "", 1),
        6,
        "bidirectional override (U+202E)",
        id="bidi-override",
    ),
    pytest.param(
        deck('    explain: "a\\u2066b"\n'), 7, "bidirectional override (U+2066)", id="bidi-isolate"
    ),
    # (Markdown shows "&#x202e;" as the character itself)
    pytest.param(
        deck("    explain: run &#x202e;txt.exe\n"),
        7,
        "bidirectional override (U+202E) written as a character reference",
        id="bidi-as-reference",
    ),
]


@pytest.mark.parametrize(("text", "line", "message"), HOSTILE_DECKS)
def test_hostile_deck_is_named_by_validate(tmp_path, text, line, message):
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    before = tree_digest(tmp_path)
    result = run("validate", str(path))
    assert_clean(result, 3, message)
    assert f"{path}:{line}:" in result.stdout
    assert tree_digest(tmp_path) == before


@pytest.mark.parametrize(("text", "line", "message"), HOSTILE_DECKS)
def test_hostile_user_deck_is_one_warning_and_skipped(tmp_path, text, line, message):
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "hostile.yaml").write_text(text, encoding="utf-8")
    before = tree_digest(decks)
    result = run("decks", "--decks", str(decks))
    assert_clean(result, 0, "(deck skipped)")
    assert len(result.stderr.splitlines()) == 1
    assert "Hostile" not in result.stdout
    assert tree_digest(decks) == before


def test_deck_dir_from_environment_with_hostile_deck(tmp_path):
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "x.yaml").write_text(deck('    "\\e[2J": 1\n'), encoding="utf-8")
    result = run("decks", env={"MLPREP_DECKS": str(decks)})
    assert_clean(result, 0, "unknown key '\\x1b[2J'")
    assert os.environ.get("MLPREP_DECKS") is None


# --- special and oversized files, on every command that reads a file ------------------------------


def special_file(tmp_path: Path, kind: str) -> Path:
    if kind == "fifo":
        path = tmp_path / "pipe.yaml"
        os.mkfifo(path)
        return path
    if kind == "device":
        return Path("/dev/zero")
    if kind == "directory":
        path = tmp_path / "dir.csv"
        path.mkdir()
        return path
    path = tmp_path / "huge.yaml"  # sparse: instant to make, over every size limit
    with open(path, "wb") as handle:
        handle.truncate(1_000_000_001)
    return path


SPECIAL = [
    ("fifo", "a named pipe, not a regular file"),
    ("device", "a character device, not a regular file"),
    ("huge", "larger than the"),
]


@pytest.mark.parametrize(("kind", "message"), SPECIAL)
def test_validate_reads_only_regular_files_within_limits(tmp_path, kind, message):
    path = special_file(tmp_path, kind)
    result = run("validate", str(path))
    assert_clean(result, 3, f"{path}: cannot read deck: {message}")


@pytest.mark.parametrize(
    ("kind", "message"), [*SPECIAL, ("directory", "a directory, not a regular file")]
)
def test_import_reads_only_regular_files_within_limits(tmp_path, kind, message):
    path = special_file(tmp_path, kind)
    result = run("import", str(path), "--deck", "mine")
    assert_clean(result, 3 if kind == "huge" else 1, f"Error: cannot read {path}: ")
    assert message in result.stderr


@pytest.mark.parametrize(("kind", "message"), SPECIAL)
def test_progress_merge_reads_only_regular_files(tmp_path, kind, message, mlprep_home):
    path = special_file(tmp_path, kind)
    result = run("progress", "merge", str(path))
    assert_clean(result, 1, f"Error: cannot read {path}: {message}")
    assert not (mlprep_home / "progress").exists()


@pytest.mark.parametrize(("kind", "message"), SPECIAL)
def test_optimize_reads_only_regular_revlogs_within_limits(tmp_path, kind, message):
    """(/dev/zero filled memory; a named pipe waited forever.)"""
    path = special_file(tmp_path, kind)
    result = run("optimize", "--revlog", str(path))
    assert_clean(result, 3 if kind == "huge" else 1, f"Error: cannot read {path}: {message}")


@pytest.mark.parametrize("days", ["1e9", "inf", "nan", "-1"])
def test_wrong_since_is_a_number_of_days_in_range(days):
    result = run("drill", "--wrong-since", days)
    assert_clean(result, 2, "is not between 0 and 36500 days.")


def test_deck_over_the_card_limit(tmp_path):
    from mlprep.limits import MAX_DECK_CARDS

    cards = "".join(f"  - {{id: c{i}, q: q, a: a}}\n" for i in range(MAX_DECK_CARDS + 1))
    path = tmp_path / "many.yaml"
    path.write_text(HEAD + cards)
    result = run("validate", str(path))
    assert_clean(result, 3, f"{path}:3: {MAX_DECK_CARDS + 1} cards; a deck holds at most")


# --- standard output that cannot be written -----------------------------------------------------


class FullStream(io.StringIO):
    """Standard output on a full disk: every write and flush fails as /dev/full does."""

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def flush(self) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize(
    "args",
    [
        ["decks"],
        ["decks", "--json"],
        ["validate", str(FIXTURES / "decks")],
        ["search", "gini"],
        ["show", "trees-gini-max"],
        ["stats"],
        ["export", "trees", "--format", "md", "-o", "-"],
        ["export", "trees", "--format", "json", "-o", "-"],
        ["progress", "export", "-"],
        ["progress", "path"],
    ],
    ids=" ".join,
)
def test_a_full_stdout_is_one_line_and_exit_1(args, mlprep_home):
    environment = Environment(stdout_=FullStream(), clock=fake_clock(), now=lambda: FIXED_NOW)
    result = CliRunner().invoke(app, args, obj=environment)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert result.stderr == "Error: cannot write to standard output: No space left on device\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    # (a command's help went through the error boundary as "unexpected OSError")
    [["decks"], ["--help"], ["quiz", "-h"], ["completion", "bash"]],
    ids=" ".join,
)
def test_dev_full_in_a_real_process(args, mlprep_home):
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "mlprep", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ, MLPREP_HOME=str(mlprep_home)),
        )
    assert done.returncode == 1
    assert done.stderr == "Error: cannot write to standard output: No space left on device\n"


# --- command-line values --------------------------------------------------------------------

BAD_OPTIONS = [
    (["mock", "--minutes", "inf"], "inf is not between 0.01 and 600 minutes"),
    (["mock", "--minutes", "nan"], "nan is not between 0.01 and 600 minutes"),
    (["mock", "--minutes", "1e9"], "1e+09 is not between 0.01 and 600 minutes"),
    (["mock", "--minutes", "-1"], "-1 is not between"),
    (["mock", "--minutes", "0"], "0 is not between"),
    (["sql", "--time-limit", "nan"], "nan is not between 0.1 and 60 seconds"),
    (["sql", "--time-limit", "inf"], "inf is not between 0.1 and 60 seconds"),
    (["sql", "--time-limit", "-inf"], "-inf is not between"),
    (["sql", "--time-limit", "1e300"], "1e+300 is not between"),
    (["quiz", "trees", "-n", "9" * 5000], f"'{'9' * 30}...' has more digits than a number may"),
    (["quiz", "trees", "--seed", "-" + "9" * 5000], f"'-{'9' * 29}...' has more digits than a"),
    (["quiz", "trees", "--difficulty", "9" * 5000], f"'{'9' * 30}...' is not 1 (easy), 2 (medium)"),
    (["plan", "--minutes", "1" + "0" * 4299], f"--minutes 1{'0' * 11}...: give 1 to"),
    (["quiz", "trees", "-n", "9" * 4999 + "x"], f"'{'9' * 30}...' is not a whole number."),
    (["quiz", "trees", "-n", "0"], "0 is too small: at least 1."),
    (["quiz", "trees", "--seed", "1.5"], "'1.5' is not a whole number."),
    (["quiz", "nosuchdeck\x1b[2J"], "No deck 'nosuchdeck\\x1b[2J'"),
    (["show", "card\u202eid"], "No card 'card\\u202eid'"),
    (["search", "x", "-n", "-3"], "-3 is too small: at least 1."),
    (["mock", "--minutes", "abc"], "'abc' is not a number."),
]


@pytest.mark.parametrize(("args", "message"), BAD_OPTIONS, ids=lambda v: repr(v)[:40])
def test_bad_command_line_values_are_usage_errors(args, message, mlprep_home):
    result = run(*args, input="")
    assert_clean(result, 2, message)
    assert not (mlprep_home / "progress").exists()


# --- SQL text typed at `mlprep sql` ---------------------------------------------------------

SQL_SESSION = ["sql", "--decks", str(FIXTURES / "sqldecks"), "--tag", "fixture-sql", "-n", "1"]
ENDLESS = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) "
HOSTILE_SQL = [
    ("SELECT printf('%.*c', 2147483647, 'x');", "printf() width or precision 2147483647"),
    ("SELECT zeroblob(1000000000);", "a value is larger than 100000 bytes"),
    (ENDLESS + "SELECT count(DISTINCT randomblob(90000)) FROM n;", "more than 64 MB of memory"),
    ("SELECT " + ", ".join(["1"] * 500) + ";", "too many columns in result set (at most 100)"),
    ("ATTACH 'x.db' AS x;", "ATTACH (or VACUUM) is not allowed"),
    ("SELECT load_extension('/tmp/x');", "load_extension() is not allowed"),
    ("SELECT '\x1b]0;PWNED\x07';", "\\x1b]0;PWNED\\x07"),
    ("SELEC 1;", 'near "SELEC": syntax error'),
]


@pytest.mark.parametrize(("query", "message"), HOSTILE_SQL, ids=lambda v: repr(v)[:30])
def test_hostile_sql_is_one_error_and_the_session_goes_on(query, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(*SQL_SESSION, "--time-limit", "30", input=f"{query}\n.quit\n")
    assert_clean(result, 0, message)
    assert "Stopped (quit)" in result.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["home"]


def test_sql_input_that_is_not_utf8_does_not_end_the_session():
    result = run(*SQL_SESSION, input=b"SELECT 'caf\xe9';\n.quit\n")  # type: ignore[arg-type]
    assert_clean(result, 0, "Stopped (quit)")


BROKEN_SOLUTIONS = """id: badsql
title: Bad SQL
cards:
  - id: bad-syntax
    type: sql
    db: shop
    q: Q?
    a: A.
    solution: SELEC 1
    tags: [broken]
  - id: bad-db
    type: sql
    db: nosuchdb
    q: Q?
    a: A.
    solution: SELECT 1
    tags: [broken]
  - id: fine
    type: sql
    db: shop
    q: Q?
    a: A.
    solution: SELECT 1
    tags: [broken]
"""


def test_validate_runs_every_sql_solution(tmp_path):
    from mlprep.sqlsandbox import database_names

    path = tmp_path / "badsql.yaml"
    path.write_text(BROKEN_SOLUTIONS)
    result = run("validate", str(path))
    assert_clean(result, 3, "2 problems in 1 file.")
    assert result.stdout.splitlines()[:2] == [
        f"{path}:4: card 'bad-syntax': the solution does not run: near \"SELEC\": syntax error",
        f"{path}:11: card 'bad-db': the solution does not run: no sample database named"
        f" 'nosuchdb' (known: {', '.join(database_names())})",
    ]


def test_validate_runs_the_sql_solutions_of_a_file_with_other_problems_too(tmp_path):
    """One run reports every problem: a deck with an unknown key in one card still has the
    solutions of its other cards run (they were checked only once that key was removed)."""
    path = tmp_path / "badsql.yaml"
    path.write_text(BROKEN_SOLUTIONS.rstrip("\n") + "\n    colour: blue\n")
    result = run("validate", str(path))
    assert_clean(result, 3, "3 problems in 1 file.")
    assert [line.split("': ")[0] for line in result.stdout.splitlines()[:3]] == [
        f"{path}:4: card 'bad-syntax",
        f"{path}:11: card 'bad-db",
        f"{path}:25: card 'fine",
    ]


def test_an_endless_solution_is_stopped_and_named():
    from mlprep.model import Card, CardType
    from mlprep.sqlsandbox import solution_problem

    card = Card(
        id="x",
        q="q",
        a="a",
        type=CardType.SQL,
        db="shop",
        solution=ENDLESS + "SELECT max(x) FROM n",
    )
    assert solution_problem(card, time_limit=0.1) == (
        "the solution does not run: query stopped after 0.1 s (time limit);"
        " is there a recursive CTE without an end?"
    )


def test_sql_skips_cards_whose_solution_fails_naming_file_and_card(tmp_path):
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "badsql.yaml").write_text(BROKEN_SOLUTIONS)
    result = run("sql", "--decks", str(decks), "--tag", "broken", "-n", "3", input=".skip\n")
    assert_clean(result, 0, "1 skipped")
    warnings = sorted(result.stderr.splitlines())
    assert [w.split(": the solution")[0] for w in warnings] == [
        f"warning: {decks / 'badsql.yaml'}:11: card 'bad-db'",
        f"warning: {decks / 'badsql.yaml'}:4: card 'bad-syntax'",
    ]
    assert all(w.endswith("(card skipped)") for w in warnings)


# --- CSV and TSV imports ------------------------------------------------------------------------

HOSTILE_CSV = [
    pytest.param(
        "q,a\nx," + "y" * 200_000 + "\n",
        "big.csv:2: cannot read this row: a cell is longer than 128 KB (the limit)",
        id="huge-cell",
    ),
    pytest.param(
        "a,b,c,d,e\nf,g,h,i,j\n",
        "big.csv:1: too many columns (5); expected question, answer and optional tags",
        id="five-columns",
    ),
    pytest.param(
        "q1,a1\nq\x1b[2J,a2\n",
        "big.csv:2: the question contains a control character (U+001B)",
        id="escape-in-cell",
    ),
    pytest.param(
        'q1,a1\n"q\u202e",a2\n',
        "big.csv:2: the question contains a bidirectional override (U+202E)",
        id="bidi-in-cell",
    ),
    pytest.param(
        "q1,a1\nq2,a\x07\n", "big.csv:2: the answer contains a control character", id="bell"
    ),
    pytest.param(b"q1,a1\nq\xff,a2\n", "big.csv:2: not UTF-8 text", id="not-utf8"),
    pytest.param(
        'q1,"a1\nq2,a2\n',
        'big.csv:1: cannot read this row: a quoted cell is never closed (a " is missing)',
        id="open-quote",
    ),
    pytest.param("", "big.csv: no cards found", id="empty"),
]


@pytest.mark.parametrize(("content", "message"), HOSTILE_CSV)
def test_hostile_csv_names_the_csv_line_and_imports_nothing(
    content, message, tmp_path, mlprep_home
):
    source = tmp_path / "big.csv"
    if isinstance(content, str):
        source.write_text(content, encoding="utf-8")
    else:
        source.write_bytes(content)
    before = tree_digest(source)
    result = run("import", str(source), "--deck", "mine")
    assert_clean(result, 3, message.replace("big.csv", str(source)))
    assert "mine.yaml" not in result.stderr
    assert result.stderr.endswith(f"in {source}; nothing was imported.\n")
    assert tree_digest(source) == before
    assert not (mlprep_home / "decks" / "mine.yaml").exists()


def test_crlf_csv_with_multi_line_cells_imports(tmp_path, mlprep_home):
    source = tmp_path / "windows.csv"
    source.write_bytes(b'question,answer\r\n"multi\r\nline q",ans\r\nq2,"a\r\nb"\r\n')
    result = run("import", str(source), "--deck", "win")
    assert_clean(result, 0, "Imported 2 cards into deck 'win'")
    text = (mlprep_home / "decks" / "win.yaml").read_text()
    assert "\r" not in text
    assert "    q: |-\n      multi\n      line q\n" in text


# --- output files that are not regular files ----------------------------------------------------


def not_regular(tmp_path: Path, kind: str, name: str) -> Path:
    path = tmp_path / name
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    else:  # a link to a named pipe: the link is followed, the pipe is what would be replaced
        os.mkfifo(tmp_path / "target")
        path.symlink_to(tmp_path / "target")
    return path


@pytest.mark.parametrize("kind", ["fifo", "directory", "link-to-fifo"])
@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["export", "trees", "--format", "md", "--force", "-o"], "out.md"),
        (["export", "trees", "--format", "json", "--force", "-o"], "out.json"),
        (["export", "trees", "--format", "anki", "--force", "-o"], "out.apkg"),
        (["progress", "export", "--force"], "progress.json"),
    ],
    ids=lambda v: v if isinstance(v, str) else v[1],
)
def test_force_never_replaces_a_file_that_is_not_regular(tmp_path, kind, args, name):
    path = not_regular(tmp_path, kind, name)
    mode = os.stat(path).st_mode
    result = run(*args, str(path))
    assert_clean(result, 1, f"Error: cannot write {path}: ")
    assert "not a regular file; only regular files are replaced" in result.stderr
    assert os.stat(path).st_mode == mode
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    "args",
    [["export", "trees", "--format", "json", "-o"], ["progress", "export"]],
    ids=["deck export", "progress export"],
)
def test_a_directory_in_the_way_is_named_as_such_without_asking_for_force(tmp_path, args):
    path = not_regular(tmp_path, "directory", "out.json")
    result = run(*args, str(path))
    assert_clean(result, 1, f"Error: cannot write {path}: ")
    assert "a directory, not a regular file" in result.stderr
    assert "--force" not in result.stderr  # (it would not help)


@pytest.mark.parametrize("dangling", [False, True], ids=["to a file", "dangling"])
def test_an_export_through_a_symbolic_link_writes_its_target_and_keeps_the_link(tmp_path, dangling):
    target = tmp_path / "kept" / "progress.json"
    target.parent.mkdir()
    if not dangling:
        target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    result = run("progress", "export", "--force", str(link))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text())["kind"] == "mlprep-progress"
    assert sorted(p.name for p in target.parent.iterdir()) == ["progress.json"]  # no temp left


# --- progress exports to merge or import --------------------------------------------------------

GOOD_EVENT = {
    "at": "2026-11-20T09:00:00.000Z",
    "card": "trees-gini-max",
    "grade": 3,
    "id": "f1bee23c776e461da5edcb57e5cb6656",
    "mode": "quiz",
    "ms": 1,
    "v": 1,
}


def export_text(*events: dict, **top) -> str:
    document = {"kind": "mlprep-progress", "format": 1, "events": list(events)} | top
    return json.dumps(document)


def event(**changes) -> dict:
    return GOOD_EVENT | changes


HOSTILE_EXPORTS = [
    pytest.param("{", "not a progress export (invalid JSON", id="invalid-json"),
    pytest.param("[]", "not a progress export (made by `mlprep progress export`)", id="a-list"),
    pytest.param(
        export_text(event(grade=7)),
        "event 1: not a review event ('grade' must be a whole number 1-4)",
        id="grade",
    ),
    pytest.param(export_text(event(grade="x")), "event 1: not a review event", id="grade-text"),
    pytest.param(export_text(event(id="x" * 100_000)), "'id' must be text of 1-64", id="long-id"),
    pytest.param(
        export_text(event()).replace('"ms": 1', '"ms": ' + "9" * 5000),
        "not a progress export (invalid JSON",
        id="huge-int",
    ),
    pytest.param(export_text(event(ms=float("nan"))), "'ms' must be a whole number", id="nan"),
    pytest.param(
        export_text(event(ms=-5)),
        "'ms' must be a whole number of milliseconds, 0 or more",  # (-5 is a whole number)
        id="negative-ms",
    ),
    pytest.param(
        json.dumps({"kind": "mlprep-progress", "format": 1, "events": {}}),
        "'events' must be a list",
        id="events-map",
    ),
    pytest.param("[" * 200_000 + "]" * 200_000, "not a progress export", id="deep"),
    pytest.param(
        export_text(event(at="9999-12-31T23:59:59.999Z")),
        "event 1",
        id="year-9999",
    ),
    pytest.param(
        json.dumps({"kind": "mlprep-progress", "format": "2", "events": []}),
        "format",
        id="format-text",
    ),
]


@pytest.fixture(scope="module")
def quizzed_progress(tmp_path_factory, parsed_builtin_decks):
    """The progress dir of one answered quiz question, made once for the module."""
    home = tmp_path_factory.mktemp("quizzed") / "home"
    (home / "cache").mkdir(parents=True)
    os.link(parsed_builtin_decks, home / "cache" / parsed_builtin_decks.name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLPREP_HOME", str(home))
        patch.delenv("MLPREP_DECKS", raising=False)
        patch.setenv("COLUMNS", "80")
        result = run("quiz", "trees", "-n", "1", "--seed", "1", input="1\n3\n")
        assert result.exit_code == 0, result.output
    return home / "progress"


@pytest.mark.parametrize(("text", "message"), HOSTILE_EXPORTS)
@pytest.mark.parametrize("command", ["merge", "import"])
def test_hostile_progress_exports_change_nothing(
    text, message, command, tmp_path, mlprep_home, quizzed_progress
):
    shutil.copytree(quizzed_progress, mlprep_home / "progress")  # one answer recorded
    before = tree_digest(mlprep_home / "progress")
    assert before
    source = tmp_path / "in.json"
    source.write_text(text)
    args = ["progress", command, str(source)] + (["--yes"] if command == "import" else [])
    result = run(*args)
    assert_clean(result, 1, f"Error: {source}: ")
    assert message in result.stderr
    assert tree_digest(mlprep_home / "progress") == before
    assert_clean(run("stats"), 0, "")


def test_a_progress_export_with_a_byte_order_mark_merges(tmp_path):
    source = tmp_path / "in.json"
    source.write_text("\ufeff" + export_text(event()), encoding="utf-8")
    result = run("progress", "merge", str(source))
    assert_clean(result, 0, "")
    assert "1" in result.stdout + result.stderr


# --- the review log and the snapshot, damaged on disk ---------------------------------------------

LOG_LINE = json.dumps(GOOD_EVENT, separators=(",", ":")) + "\n"
NEWER_LINE = json.dumps(GOOD_EVENT | {"v": 99}, separators=(",", ":"))
HOSTILE_LOGS = [
    pytest.param(LOG_LINE + "not json\n", 1, "reviews.jsonl:2: corrupt line", id="garbage"),
    pytest.param(LOG_LINE + "\x00" * 100 + "\n", 1, "reviews.jsonl:2: corrupt line", id="nul"),
    pytest.param(LOG_LINE.replace('"v":1', '"v":99'), 1, "newer mlprep", id="newer"),
    pytest.param(LOG_LINE[:40], 0, "ignored an unfinished last line", id="unfinished"),
    pytest.param(  # (whole, but no event: damaged, not unfinished; it was dropped)
        LOG_LINE + LOG_LINE.replace('"grade":3', '"grade":7').replace("f1b", "f2b").rstrip(),
        1,
        "reviews.jsonl:2: not a review event ('grade' must be",
        id="whole-last-line-without-newline",
    ),
    pytest.param(
        LOG_LINE.replace('"ms":1', '"ms":' + "9" * 5000),
        1,
        "reviews.jsonl:1: corrupt line",
        id="huge-int",
    ),
    pytest.param(
        "[" * 100_000 + "]" * 100_000 + "\n",
        1,
        "reviews.jsonl:1",
        id="deep",
    ),
]
SNAPSHOT = {
    "format": 2,
    "log_offset": len(LOG_LINE),
    "last_id": GOOD_EVENT["id"],
    "cards": {"trees-gini-max": ["learning", 1.8e9, 0.2, 6.4, 0, 1.79e9, 1.79e9, 1, 0]},
}
HOSTILE_SNAPSHOTS = [
    pytest.param("{", id="garbage"),
    pytest.param(
        json.dumps(SNAPSHOT).replace('"log_offset": ' + str(len(LOG_LINE)), '"log_offset": NaN'),
        id="nan",
    ),
    pytest.param(json.dumps(SNAPSHOT | {"log_offset": -100}), id="negative-offset"),
    pytest.param(json.dumps(SNAPSHOT | {"format": "2"}), id="format-text"),
    pytest.param(
        json.dumps(
            SNAPSHOT
            | {"cards": {"trees-gini-max": ["learning", 1e300, 0.2, 6.4, 0, 1.79e9, 1.79e9, 1, 0]}}
        ),
        id="due-1e300",
    ),
    pytest.param(
        json.dumps(SNAPSHOT | {"cards": {"trees-gini-max": ["a"] * 9}}),
        id="strings",
    ),
]


def progress_dir_with(mlprep_home: Path, log: str, snapshot: str | None = None) -> Path:
    progress = mlprep_home / "progress"
    progress.mkdir(parents=True)
    (progress / "reviews.jsonl").write_text(log, encoding="utf-8")
    if snapshot is not None:
        (progress / "state.json").write_text(snapshot, encoding="utf-8")
    return progress


@pytest.mark.parametrize(("log", "code", "message"), HOSTILE_LOGS)
def test_a_damaged_review_log_is_named_and_left_as_it_is(log, code, message, mlprep_home):
    progress = progress_dir_with(mlprep_home, log)
    result = run("stats")
    assert_clean(result, code, message)
    assert (progress / "reviews.jsonl").read_text(encoding="utf-8") == log


LINE_2 = (
    '{"at":"2026-11-20T09:01:00.000Z","card":"trees-gini-max","grade":3,'
    '"id":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","mode":"quiz","ms":1,"v":2}\n'
)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"answer":123,' + LINE_2[1:], "reviews.jsonl:2: not a review event ('answer' must be"),
        ('{"answer":[1],' + LINE_2[1:], "reviews.jsonl:2: not a review event ('answer' must be"),
        (LINE_2.replace("2026-11-20", "2026-02-31"), "reviews.jsonl:2: not a review event ('at'"),
    ],
    ids=["number-answer", "list-answer", "february-31st"],
)
@pytest.mark.parametrize("command", [["stats"], ["progress", "export", "-"]])
def test_a_line_that_merge_refuses_is_refused_by_every_command(line, message, command, mlprep_home):
    """A line of the right shape with a number for its answer, or dated February 31st, was
    passed through by export (and the number by stats and quiz): merge and import then refused
    the backup it made, and the commands disagreed about one log."""
    progress = progress_dir_with(mlprep_home, LOG_LINE + line + LOG_LINE.replace("f1b", "f2b"))
    log = (progress / "reviews.jsonl").read_text()
    result = run(*command)
    assert_clean(result, 1, message)
    assert result.stdout == ""
    assert (progress / "reviews.jsonl").read_text() == log


T2 = 1795165260.0  # LINE_2's time


def with_state(line: str, state: str) -> str:
    """The line with a stored state (any state: the line's pattern takes any list)."""
    return line.replace(',"v":2', f',"state":{state},"v":2')


PARAMS_LINE = (
    '{"card":"@params","data":{"parameters":[1,2],"source":"history"},"grade":0,'
    '"id":"0c1b2c3d4e5f60718293a4b5c6d7e8f9","kind":"params","mode":"params","ms":0,'
    '"at":"2026-11-20T09:02:00.000Z","v":2}\n'
)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (LINE_2.replace("2026-11-20", "2300-11-20"), "reviews.jsonl:2: not a review event ('at'"),
        ('{"answer":"a\\u0001b",' + LINE_2[1:], "reviews.jsonl:2: not a review event ('answer'"),
        ('{"answer":"' + "x" * 4097 + '",' + LINE_2[1:], "reviews.jsonl:2: not a review event"),
        (PARAMS_LINE, "reviews.jsonl:2: the params event 0c1b2c3d4e5f60718293a4b5c6d7e8f9 cannot"),
    ],
    ids=["year-2300", "control-code", "too-long", "unusable-parameters"],
)
def test_an_export_refuses_what_import_would(line, message, mlprep_home, tmp_path):
    """Each of these passed the lines' pattern, so export wrote them, and import and merge
    then refused the backup it had made."""
    progress_dir_with(mlprep_home, LOG_LINE + line + LOG_LINE.replace("f1b", "f2b"))
    result = run("progress", "export", str(tmp_path / "backup.json"))
    assert_clean(result, 1, message)
    assert not (tmp_path / "backup.json").exists()


@pytest.mark.parametrize(
    "state",
    [
        f'["review",{T2 + 86400},-5.0,5.0,null,{T2},{T2},1,0]',  # stability out of range
        f'["review",{T2 + 86400},2.0,5.0,null,{T2 - 60},{T2 - 60},1,0]',  # of another time
        f'["review",{T2 + 86400},2.0,5.0,null,{T2},{T2}]',  # too short
    ],
    ids=["damaged-state", "state-of-another-time", "short-state"],
)
def test_an_export_leaves_out_a_damaged_stored_state_and_says_so(state, mlprep_home, tmp_path):
    """Export passed such a line on, and import and merge then refused the backup (a state on
    a card's earlier line is used by no command, which take each card's last). The state is
    derived: the answer goes out without it, and the backup restores."""
    lines = LOG_LINE + with_state(LINE_2, state) + LOG_LINE.replace("f1b", "f2b")
    progress_dir_with(mlprep_home, lines)
    backup = tmp_path / "backup.json"
    result = run("progress", "export", str(backup))
    assert_clean(result, 0, "Exported 3 answers")
    where = mlprep_home / "progress" / "reviews.jsonl"
    assert result.stderr.startswith(
        f"warning: {where}:2: its stored state is damaged; exported without it (an import "
        "works it out again)\n"
    )
    exported = json.loads(backup.read_text())["events"]
    assert [("state" in event, event["card"]) for event in exported][1] == (False, "trees-gini-max")
    restored = tmp_path / "restored"
    again = run("progress", "import", str(backup), "--yes", env={"MLPREP_HOME": str(restored)})
    assert_clean(again, 0, "Imported 3 answers")


@pytest.mark.parametrize("damaged", [(9900,), (2, 9900)], ids=["second-block", "both-blocks"])
def test_a_damaged_state_past_the_first_block_is_named_by_its_line(damaged, mlprep_home, tmp_path):
    """The log is read in blocks of about a megabyte: a line is named by the lines counted in
    the blocks before its own (which were counted again from the file's start for each)."""
    state = f'["review",{T2 + 86400},-5.0,5.0,null,{T2},{T2},1,0]'
    lines = [LINE_2.replace("0a1b2c3d4e5f60718293a4b5c6d7e8f9", f"{n:032x}") for n in range(10_000)]
    for number in damaged:
        lines[number - 1] = with_state(lines[number - 1], state)
    assert len("".join(lines[:9000])) > 1 << 20  # (line 9900 is in the second block)
    progress_dir_with(mlprep_home, "".join(lines))
    result = run("progress", "export", str(tmp_path / "backup.json"))
    assert_clean(result, 0, "Exported 10,000 answers")
    where = mlprep_home / "progress" / "reviews.jsonl"
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert [line.split(": its stored state")[0] for line in warnings] == [
        f"warning: {where}:{number}" for number in damaged
    ]


def test_an_export_says_it_left_out_an_unfinished_last_line(mlprep_home, tmp_path):
    """Stats and quiz said so; export dropped it without a word."""
    progress_dir_with(mlprep_home, LOG_LINE + LINE_2[:40])
    result = run("progress", "export", str(tmp_path / "x.json"))
    assert result.exit_code == 0
    assert result.stderr == (
        f"warning: {mlprep_home / 'progress' / 'reviews.jsonl'}:2: ignored an unfinished last "
        f"line (left by an interrupted write)\nExported 1 answer to {tmp_path / 'x.json'}.\n"
    )


@pytest.mark.parametrize("command", [["stats"], ["review", "trees", "--plain"]])
def test_a_line_that_is_not_utf8_is_named_by_every_command(command, mlprep_home):
    """stats and review took it in without a word (its shape is all they looked at), where
    export and merge stopped at it."""
    for seed in ("1", "2"):  # (lines as this program writes them: each with its state)
        run("quiz", "trees", "-n", "1", "--seed", seed, "--plain", input="1\n")
    log = mlprep_home / "progress" / "reviews.jsonl"
    first, second = log.read_bytes().splitlines(keepends=True)
    start = second.index(b'"answer":"') + len(b'"answer":"')
    log.write_bytes(first + second[:start] + b"\xff" + second[start + 1 :])  # (as long)
    for derived in ("state.json", "totals.json"):  # (read from the log, as a cold start)
        (log.parent / derived).unlink(missing_ok=True)
    result = run(*command, input="")
    assert_clean(result, 1, "reviews.jsonl:2: corrupt line in the review log")


def test_an_answer_never_drops_a_whole_last_line_that_is_no_event(mlprep_home):
    """A last line edited by hand (a grade of 7, its newline left out, as editors leave it)
    was called unfinished and cut off at the next answer, no copy kept."""
    damaged = LOG_LINE.replace('"grade":3', '"grade":7').replace("f1b", "f2b").rstrip()
    progress = progress_dir_with(mlprep_home, LOG_LINE + damaged)
    result = run("quiz", "trees", "-n", "1", "--seed", "1", "--plain", input="1\n")
    assert_clean(result, 1, "reviews.jsonl:2: not a review event ('grade' must be")
    assert (progress / "reviews.jsonl").read_text() == LOG_LINE + damaged


def test_an_export_to_standard_output_writes_nothing_when_a_line_is_damaged(mlprep_home):
    # a stream cannot be taken back: half a document would look like a backup and not be one
    progress_dir_with(mlprep_home, LOG_LINE * 3 + "not json\n" + LOG_LINE)
    result = run("progress", "export", "-")
    assert_clean(result, 1, "reviews.jsonl:4: corrupt line")
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("damage", "message"),
    [("not json", "corrupt line in the review log"), (NEWER_LINE, "written by a newer mlprep")],
    ids=["garbage", "newer"],
)
def test_a_damaged_line_in_the_half_a_child_reads_is_named_alike(
    damage, message, mlprep_home, monkeypatch
):
    """A long log is read in two halves at once, the later by a forked child: damage in the
    child's half stops a cold start as one pass stops it, naming the line (the lines are as
    mlprep writes them, each with its state: nothing else reads them again)."""
    from datetime import datetime, timedelta

    from mlprep import forkwork, reviewlog
    from mlprep.scheduler import Scheduler

    monkeypatch.setattr(reviewlog, "PARALLEL_SCAN", 0)
    monkeypatch.setattr(forkwork, "spare_core", lambda: True)
    forked = []
    start = forkwork.start
    monkeypatch.setattr(forkwork, "start", lambda *a, **k: forked.append(1) or start(*a, **k))
    first = datetime.fromisoformat(GOOD_EVENT["at"])
    row = Scheduler().review(None, GOOD_EVENT["card"], 3, first).to_row()
    lines = []
    for number in range(6000):  # the damage at line 4001: after the split, before the tail
        at = first + timedelta(seconds=number)  # a card read at start-up (its last answer)
        moment = at.timestamp()  # its first answer, each time: the state of one at `at`
        state = [row[0], moment + 600, *row[2:5], moment, moment, *row[7:]]
        stamp = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        line = GOOD_EVENT | {"at": stamp, "id": f"{number:032x}", "state": state, "v": 2}
        lines.append(json.dumps(line, separators=(",", ":"), sort_keys=True) + "\n")
    lines[4000] = damage + "\n"
    whole = "".join(lines)
    progress = progress_dir_with(mlprep_home, whole)
    assert len(whole) - len("".join(lines[:4001])) > 256 * 1024  # (recent answers: not read)
    result = run("review", "--plain")
    assert_clean(result, 1, f"reviews.jsonl:4001: {message}")
    assert forked == [1]
    assert (progress / "reviews.jsonl").read_text(encoding="utf-8") == whole


@pytest.mark.parametrize("snapshot", HOSTILE_SNAPSHOTS)
def test_a_damaged_snapshot_is_rebuilt_from_the_log(snapshot, mlprep_home):
    progress = progress_dir_with(mlprep_home, LOG_LINE, snapshot)
    result = run("stats")
    assert_clean(result, 0, "rebuilt from the review log")
    assert (progress / "reviews.jsonl").read_text() == LOG_LINE


# --- environment variables ------------------------------------------------------------------------

HOSTILE_ENVIRONMENT = [
    (
        {"MLPREP_HOME": "{tmp}/file"},
        ["stats"],
        1,
        "cannot use the progress dir {tmp}/file/progress",
    ),
    ({"MLPREP_HOME": "/dev/null"}, ["stats"], 1, "cannot use the progress dir /dev/null/progress"),
    ({"MLPREP_HOME": "{tmp}/file/\x1b[2J"}, ["stats"], 1, "{tmp}/file/\\x1b[2J/progress"),
    ({"MLPREP_DECKS": "{tmp}/nowhere"}, ["decks"], 0, "{tmp}/nowhere: no such file or directory"),
    (
        {"MLPREP_DECKS": "/dev/zero"},
        ["decks"],
        0,
        "/dev/zero: cannot read deck: a character device",
    ),
    ({"MLPREP_DECKS": "{tmp}/\x1b]0;x\x07"}, ["decks"], 0, "{tmp}/\\x1b]0;x\\x07: no such file"),
    ({"COLUMNS": "abc"}, ["quiz", "trees", "-n", "1", "--seed", "1"], 0, "Score"),
    ({"COLUMNS": "0"}, ["quiz", "trees", "-n", "1", "--seed", "1"], 0, "Score"),
    ({"COLUMNS": "-5"}, ["quiz", "trees", "-n", "1", "--seed", "1"], 0, "Score"),
    ({"COLUMNS": "9" * 30}, ["quiz", "trees", "-n", "1", "--seed", "1"], 0, "Score"),
    ({"COLUMNS": "1"}, ["quiz", "trees", "-n", "1", "--seed", "1"], 0, "Score"),
    ({"LINES": "x"}, ["stats"], 0, ""),
]


@pytest.mark.parametrize(
    ("environ", "args", "code", "message"), HOSTILE_ENVIRONMENT, ids=lambda v: repr(v)[:30]
)
def test_hostile_environment_values(environ, args, code, message, tmp_path):
    (tmp_path / "file").write_text("a file, not a directory")
    before = tree_digest(tmp_path)
    env = {name: value.replace("{tmp}", str(tmp_path)) for name, value in environ.items()}
    result = run(*args, env=env, input="1\n3\n")
    assert_clean(result, code, message.replace("{tmp}", str(tmp_path)))
    after = {k: v for k, v in tree_digest(tmp_path).items() if "/home/" not in k}
    assert after == {k: v for k, v in before.items() if "/home/" not in k}


def test_search_text_is_echoed_as_printable_text():
    result = run("search", "\x1b[2Jgini\u202e")
    assert_clean(result, 0, "No cards match '\\x1b[2Jgini\\u202e'.")


def test_file_names_in_messages_are_printable(tmp_path):
    target = tmp_path / "out\x1b[2J.json"
    result = run("progress", "export", str(target))
    assert_clean(result, 0, "Exported 0 answers to")
    assert "out\\x1b[2J.json" in result.stderr


def test_a_deck_path_with_escapes_is_listed_printably(tmp_path):
    decks = tmp_path / "dir\x1b[2J"
    decks.mkdir()
    (decks / "ok.yaml").write_text(deck())
    result = run("decks", "--decks", str(decks))
    assert_clean(result, 0, "Yours are in")
    assert "dir\\x1b[2J." in "".join(result.stdout.splitlines())  # (the folder, as text)


def test_validate_refuses_solutions_that_cannot_serve_as_the_reference(tmp_path):
    """A solution whose rows are cut at the comparison's limit, or an 'ordered' one with no
    ORDER BY (its order is the database's whim), could mark a right answer wrong."""
    path = tmp_path / "sqlx.yaml"
    path.write_text(
        "id: sqlx\ntitle: X\ncards:\n"
        "  - id: sqlx-many\n    type: sql\n    db: shop\n    q: Q?\n    a: A.\n"
        "    solution: WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n"
        " WHERE x < 2000) SELECT x FROM n\n"
        "  - id: sqlx-unordered\n    type: sql\n    db: shop\n    q: Q?\n    a: A.\n"
        "    solution: SELECT id FROM users\n    ordered: true\n"
        "  - id: sqlx-fine\n    type: sql\n    db: shop\n    q: Q?\n    a: A.\n"
        "    solution: SELECT id FROM users ORDER BY id\n    ordered: true\n"
        "  - id: sqlx-window\n    type: sql\n    db: shop\n    q: Q?\n    a: A.\n"
        "    solution: SELECT id, ROW_NUMBER() OVER (ORDER BY id) FROM users -- order by n\n"
        "    ordered: true\n"
    )
    result = run("validate", str(path))
    assert_clean(result, 3, "3 problems in 1 file.")
    assert result.stdout.splitlines()[:2] == [
        f"{path}:4: card 'sqlx-many': the solution returns more than 1,000 rows, and answers"
        " are compared on that many at most; narrow the question",
        f"{path}:10: card 'sqlx-unordered': 'ordered: true', but the solution has no ORDER BY:"
        " its row order is not defined",
    ]
    # an ORDER BY in a window (or a comment, a subquery) orders nothing of the result
    assert result.stdout.splitlines()[2].startswith(f"{path}:24: card 'sqlx-window': 'ordered")


def test_a_deck_that_is_not_utf8_is_named_with_its_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"id: l\ntitle: L\ncards:\n  - id: l-1\n    q: caf\xe9?\n    a: A.\n")
    result = run("validate", str(path))
    assert_clean(result, 3, f"{path}:5: not UTF-8 text (byte 0xe9); save the file as UTF-8")


@pytest.mark.parametrize(
    ("name", "make", "kind"),
    [
        ("state.json", "/dev/null", "a character device"),
        ("totals.json", "/dev/null", "a character device"),
        ("reviews.jsonl", "/dev/null", "a character device"),
        ("state.json", "fifo", "a named pipe"),
    ],
)
def test_a_progress_file_that_is_not_a_regular_file_is_named_at_once(
    cli, mlprep_home, name, make, kind
):
    """/dev/zero linked in place of state.json made mlprep read on to 13 GB; a named pipe
    there waited for ever (that case in a process of its own, which a hang cannot stop)."""
    progress = mlprep_home / "progress"
    progress.mkdir(parents=True, exist_ok=True)
    if name != "reviews.jsonl":
        (progress / "reviews.jsonl").write_text("")
    target = progress / name
    if make == "fifo":
        os.mkfifo(target)
        done = subprocess.run(
            [sys.executable, "-m", "mlprep", "stats"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=dict(os.environ, MLPREP_HOME=str(mlprep_home)),
            timeout=60,
        )
        exit_code, stderr = done.returncode, done.stderr
    else:
        target.symlink_to(make)
        result = cli("stats")
        exit_code, stderr = result.exit_code, result.stderr
    assert exit_code == 1
    assert stderr == (
        f"Error: {target} is {kind}, not a regular file; move it away "
        "(mlprep keeps its progress in regular files)\n"
    )


def test_waiting_for_another_mlprep_says_so(cli, mlprep_home):
    """A merge or an import holds the log's lock for seconds; meanwhile another command
    showed nothing at all, as if it hung."""
    import fcntl
    import threading

    progress = mlprep_home / "progress"
    progress.mkdir(parents=True, exist_ok=True)
    (progress / "reviews.jsonl").write_text("")
    holder = os.open(progress / "reviews.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)  # (flock locks are per open file: this one holds it)
    threading.Timer(0.3, os.close, [holder]).start()  # (closing releases it)
    result = cli("stats")
    assert result.exit_code == 0
    assert result.stderr == "Waiting for another mlprep to finish with your progress...\n"
    assert result.stdout.startswith("No progress yet.")  # (then it went on)


def test_a_read_only_data_dir_still_shows_progress(cli, mlprep_home, monkeypatch):
    """On a read-only mount even stats and plan refused ("cannot use the progress dir"):
    taking the lock opened its file for writing. Reading needs no writing; an answer still
    says it cannot be saved."""
    mini = ["--decks", str(FIXTURES / "decks")]
    cli("quiz", "mini", "--plain", "-n", "1", "--seed", "5", *mini, input="1\n")
    progress = mlprep_home / "progress"
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):
        writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND)
        if writing and str(path).startswith(str(mlprep_home)):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    stats = cli("stats", *mini)
    assert stats.exit_code == 0
    assert "mini" in stats.stdout
    assert cli("plan", *mini).stdout.startswith("No interview planned.")
    # a session says so before its first question, not after the first answer
    answer = cli("quiz", "mini", "--plain", "-n", "1", "--seed", "5", *mini, input="1\n")
    assert (answer.exit_code, answer.stdout) == (1, "")
    assert answer.stderr.endswith(
        f"Error: cannot save your answers to {progress / 'reviews.jsonl'}: Read-only file system\n"
    )
    plan = cli("plan", "--interview", "2026-12-20", *mini)
    assert (plan.exit_code, plan.stderr) == (
        1,
        f"Error: cannot save your plan to {progress / 'reviews.jsonl'}: Read-only file system\n",
    )
    # a coding drill too, before the drill is written (it said so only at its first grade)
    drill = cli("code", "coding-softmax", input="\n")
    assert (drill.exit_code, drill.stdout) == (1, "")
    assert drill.stderr.endswith(
        f"Error: cannot save your answers to {progress / 'reviews.jsonl'}: Read-only file system\n"
    )


@pytest.mark.parametrize(
    ("where", "args", "code"),
    [("cache/decks.pickle", ["decks"], 0), ("revisit.json", ["quiz", "--revisit"], 2)],
)
def test_a_named_pipe_in_place_of_a_cache_or_revisit_file_waits_for_nothing(
    mlprep_home, where, args, code
):
    """A named pipe as the deck cache or the revisit list hung every command (or the quiz)."""
    target = mlprep_home / where
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)  # (the warm deck cache the tests share)
    os.mkfifo(target)
    done = in_a_process(mlprep_home, *args)
    assert done.returncode == code, done.stderr
    assert "unexpected" not in done.stderr


def in_a_process(home: Path, *args: str) -> subprocess.CompletedProcess:
    """mlprep in a process of its own, which a hang cannot stop: the timeout does."""
    return subprocess.run(
        [sys.executable, "-m", "mlprep", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=dict(os.environ, MLPREP_HOME=str(home)),
        timeout=60,
    )


def test_a_named_pipe_as_the_review_log_is_named_by_every_command(cli, mlprep_home, tmp_path):
    """Export (to a file or standard output), reset and a card's history waited for ever on
    a named pipe in place of the log, where stats named it."""
    log = mlprep_home / "progress" / "reviews.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    export = tmp_path / "in.json"
    export.write_text('{"kind": "mlprep-progress", "format": 1, "exported_at": "", "events": []}')
    os.mkfifo(log)
    for args in (
        ["progress", "export", str(tmp_path / "out.json")],
        ["progress", "export", "-"],
        ["progress", "reset", "--yes"],
        ["progress", "import", str(export), "--yes"],  # (its backup's copy waited)
        ["show", "trees-gini-max", "--history"],
    ):
        done = in_a_process(mlprep_home, *args)
        assert (done.returncode, done.stderr) == (
            1,
            f"Error: {log} is a named pipe, not a regular file; move it away "
            "(mlprep keeps its progress in regular files)\n",
        ), args
    assert stat.S_ISFIFO(log.lstat().st_mode)  # (left where it was)


def test_named_pipes_in_place_of_the_cache_marks_wait_for_nothing(cli, mlprep_home):
    """The snapshot's and the log's check marks are only accelerators (the cache may be
    deleted), yet a named pipe in place of either made review, stats and export wait for ever."""
    assert cli("quiz", "trees", "-n", "1", input="1\n").exit_code == 0
    cache = mlprep_home / "cache"
    for name in ("snapshot.checked", "log.checked"):
        (cache / name).unlink(missing_ok=True)
        os.mkfifo(cache / name)
    for args in (["stats"], ["progress", "export", "-"], ["review", "--plain"]):
        done = in_a_process(mlprep_home, *args)
        assert done.returncode == 0, (args, done.stderr)
        assert done.stderr == "", args


def test_a_file_the_system_refuses_is_named_in_one_line_not_as_a_bug(cli, mlprep_home, monkeypatch):
    """A log made unreadable (a `sudo mlprep`, a chmod) was "unexpected PermissionError: ...
    (run with --debug for details)", as if mlprep had a bug."""
    from mlprep.progress import ProgressStore

    log = mlprep_home / "progress" / "reviews.jsonl"

    def refused(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(log))

    monkeypatch.setattr(ProgressStore, "load", refused)
    result = cli("stats")
    assert (result.exit_code, result.stderr) == (1, f"Error: {log}: Permission denied\n")


def test_a_file_where_the_drill_directory_goes_is_named(cli, mlprep_home, monkeypatch):
    (mlprep_home / "code").write_text("not a directory")
    monkeypatch.setenv("EDITOR", "true")
    result = cli("code", "coding-softmax", input="")
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {mlprep_home / 'code'} is a file, not a directory: your drill files are kept"
        " there; move it away\n",
    )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["quiz", "-n", "0"],
            "Invalid value for '-n' / '--count': 0 is too small: at least 1. See `mlprep quiz -h`.",
        ),
        (
            ["export", "trees"],
            "Missing option '--format'. Choose from: md, anki, json. See `mlprep export -h`.",
        ),
        (["--bogus"], "No such option: --bogus. See `mlprep -h`."),
        # the program's own options after a command: where they go
        (
            ["quiz", "trees", "--debug"],
            "No such option: --debug. --debug is mlprep's own, before any command: "
            "`mlprep --debug quiz ...`.",
        ),
        (
            ["progress", "export", "x.json", "--data-dir", "d"],
            "No such option: --data-dir. --data-dir is mlprep's own, before any command: "
            "`mlprep --data-dir DIR progress export ...`.",
        ),
        (["progress", "bogus"], "No such command 'bogus'. See `mlprep progress -h`."),
        # an option without its value has no context of its own (this was a traceback)
        (["quiz", "trees", "-n"], "Option '-n' requires an argument. See `mlprep quiz -h`."),
        (["--data-dir"], "Option '--data-dir' requires an argument. See `mlprep -h`."),
        # (an empty one named the working directory: progress/ and cache/ were made there)
        (
            ["--data-dir", "", "stats"],
            "Invalid value for '--data-dir': give a directory; an empty value names none. "
            "See `mlprep -h`.",
        ),
    ],
)
def test_a_usage_error_is_one_line_with_where_help_is(cli, args, line):
    """Usage errors took four lines: the usage, a hint, a blank line and the error."""
    result = cli(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: {line}\n")


def test_a_group_named_alone_shows_its_help_not_an_error(cli):
    """`mlprep progress` printed its whole help flattened into one "Error:" line, then its
    help as an error (on standard error, exit 2): it is the help -h gives."""
    result = cli("progress")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == cli("progress", "-h").stdout
    assert result.stdout.startswith("Usage: mlprep progress [OPTIONS] COMMAND [ARGS]...\n")
    assert "\nCommands:\n" in result.stdout


def test_a_deck_directory_entry_that_cannot_be_read_is_named_not_skipped(tmp_path):
    """A link whose target had moved (a synced folder) and a named pipe in the deck directory
    were passed over without a word: the deck was gone, and `validate` called the directory
    fine."""
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "good.yaml").write_text(
        "id: good\ntitle: Good\ncards:\n  - id: good-a\n    q: Q?\n    a: A.\n"
    )
    (decks / "mine.yaml").symlink_to(tmp_path / "moved" / "mine.yaml")
    os.mkfifo(decks / "pipe.yml")
    (decks / "folder.yaml").mkdir()  # (a directory is looked into, not read)
    result = run("validate", str(decks))
    assert result.exit_code == 3
    assert result.stdout == (
        f"{decks / 'mine.yaml'}: cannot read deck: it links to {tmp_path / 'moved' / 'mine.yaml'},"
        " which is not there\n"
        f"{decks / 'pipe.yml'}: cannot read deck: a named pipe, not a regular file\n"
        "2 problems in 2 files.\n"
    )
    listed = run("decks", env={"MLPREP_DECKS": str(decks)})
    assert listed.exit_code == 0
    assert f"warning: {decks / 'mine.yaml'}: cannot read deck: it links to" in listed.stderr


BROKEN_SQL_DECK = """\
id: my-sql
title: My SQL
cards:
  - id: my-sql-broken
    type: sql
    db: shop
    q: Which country has the most users?
    a: Group by country.
    solution: |
      SELECT country, COUNT(*) AS n FROM users GROUP BY country ORDER BY n DESC LIMIT 1;
      SELECT 1
  - id: my-sql-nowhere
    type: sql
    db: elsewhere
    q: How many users are there?
    a: COUNT(*).
    solution: SELECT COUNT(*) FROM users
  - id: my-sql-users
    type: sql
    db: shop
    q: How many users are there?
    a: COUNT(*).
    solution: SELECT COUNT(*) FROM users
"""


@pytest.mark.parametrize(
    "mode", [["quiz", "my-sql"], ["review", "my-sql"], ["mock", "my-sql"], ["flash", "my-sql"]]
)
def test_a_user_sql_card_that_cannot_be_asked_is_skipped_and_the_session_goes_on(mlprep_home, mode):
    """A user deck's SQL card whose reference solution does not run (or whose database does
    not exist) ended quiz, review and mock at that card ("Error: run one statement at a
    time"), every time review reached it, and a mock lost the answers already given."""
    decks = mlprep_home / "decks"
    decks.mkdir(parents=True, exist_ok=True)
    (decks / "my-sql.yaml").write_text(BROKEN_SQL_DECK)
    extra = ["-n", "3", "--seed", "1"] if mode[0] != "review" else []
    typed = "\n3\n" if mode[0] == "flash" else "SELECT COUNT(*) FROM users;\n"
    result = run(*mode, *extra, input=typed)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    output = " ".join(result.stdout.split())
    assert "Skipped my-sql-nowhere: no sample database named 'elsewhere'" in output
    if mode[0] == "flash":  # (self-graded: a solution that does not run is shown as such)
        assert "Graded 1 of 3 cards" in output
        return
    assert (
        "Skipped my-sql-broken: its reference solution does not run: run one statement at a "
        "time (this text holds 2) (`mlprep validate` names the file and line)."
    ) in output
    lines = (mlprep_home / "progress" / "reviews.jsonl").read_text().splitlines()
    assert [json.loads(line)["card"] for line in lines] == ["my-sql-users"]


def test_a_revisit_that_skipped_an_unusable_card_keeps_no_card_answered_right(mlprep_home):
    """A revisit quiz that skipped a card it could not ask (and so had one answer fewer than
    cards) listed its last card, answered right, to revisit again."""
    decks = mlprep_home / "decks"
    decks.mkdir(parents=True, exist_ok=True)
    (decks / "my-sql.yaml").write_text(BROKEN_SQL_DECK)
    (mlprep_home / "revisit.json").write_text('{"cards": ["my-sql-nowhere", "my-sql-users"]}')
    result = run("quiz", "--revisit", input="SELECT COUNT(*) FROM users;\n")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "Nothing to revisit. Well done." in result.stdout
    assert json.loads((mlprep_home / "revisit.json").read_text()) == {"cards": []}


@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        (
            "progress/reviews.lock/",
            ["stats"],
            "cannot use the progress dir {home}/progress: {home}/progress/reviews.lock is a "
            "directory, not a file; move it away",
        ),
        (
            "progress/backups",
            ["progress", "reset", "--yes"],
            "cannot back up {home}/progress/reviews.jsonl: {home}/progress/backups is a file, "
            "not a directory; move it away",
        ),
    ],
)
def test_a_file_or_directory_in_the_way_is_named(cli, mlprep_home, make, args, message):
    """'Is a directory' and 'File exists' named neither what was in the way nor where."""
    assert cli("flash", "trees", "-n", "1", input="\n3\n").exit_code == 0  # (an answer)
    (mlprep_home / "progress" / "reviews.lock").unlink()
    target = mlprep_home / make
    target.mkdir() if make.endswith("/") else target.write_text("")
    result = cli(*args, input="")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: " + message.format(home=mlprep_home) + "\n",
    )


def test_a_deck_file_over_the_limit_is_refused_unread_at_every_command(cli, mlprep_home):
    """Never cached (it is refused), an over-size deck was parsed ahead at every command,
    each saying "Reading 1 deck files (4 MB) into the deck cache (once)..."."""
    from mlprep.decks import LONG_PARSE_BYTES

    decks = mlprep_home / "decks"
    decks.mkdir(parents=True, exist_ok=True)
    big = decks / "big.yaml"  # (long enough to be announced, were it parsed)
    big.write_text("id: big\ntitle: Big\ncards: []\n" + "#" * LONG_PARSE_BYTES + "\n")
    for _ in range(2):
        result = in_a_process(mlprep_home, "decks")
        assert result.returncode == 0
        assert result.stderr == (
            f"warning: {big}: cannot read deck: larger than the 4 MB limit (deck skipped)\n"
        )
