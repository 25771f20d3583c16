from __future__ import annotations

import contextlib
import os
import random

import pytest

from mlprep.errors import ContentError, ExitCode
from mlprep.sqlsandbox import (
    Comparison,
    QueryResult,
    QueryTimeout,
    SampleDatabase,
    SqlError,
    UnknownDatabase,
    _compare_in_order,
    _rows_close,
    compare,
    database_names,
    split_statements,
)

SCRIPT = """\
-- a tiny sample database, so that these tests do not depend on content/sql
CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, team TEXT);
CREATE INDEX people_team ON people (team);
CREATE TABLE scores (person_id INTEGER NOT NULL REFERENCES people (id), score REAL);
INSERT INTO people VALUES (1, 'Ada', 'ml'), (2, 'Bob', NULL), (3, 'Cy', 'ml');
INSERT INTO scores VALUES (1, 0.5), (1, 1.5), (3, NULL);
"""
PEOPLE = ((1, "Ada", "ml"), (2, "Bob", None), (3, "Cy", "ml"))
READ_ONLY = "practice queries only read the data (SELECT or WITH ... SELECT)"
ENDLESS = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) "


@pytest.fixture
def db(tmp_path, monkeypatch) -> SampleDatabase:
    monkeypatch.chdir(tmp_path)  # so a relative file name would land where we look
    path = tmp_path / "tiny.sql"
    path.write_text(SCRIPT, encoding="utf-8")
    return SampleDatabase.load(path)


def everyone(db: SampleDatabase) -> tuple[tuple, ...]:
    return db.run("SELECT * FROM people ORDER BY id").rows


# --- running queries ---------------------------------------------------------------------------


def test_a_query_gives_columns_and_rows(db):
    result = db.run("SELECT p.name, s.score FROM people p JOIN scores s ON s.person_id = p.id")
    assert result == QueryResult(
        ("name", "score"), (("Ada", 0.5), ("Ada", 1.5), ("Cy", None)), truncated=False
    )


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT count(*) FROM people;",
        "SELECT count(*) FROM people ;  -- done\n",
        "SELECT count(*) FROM people; /* done */ ;\n\n",
        "-- how many?\nSELECT count(*) FROM people",
    ],
)
def test_trailing_semicolons_and_comments_are_fine(db, sql):
    assert db.run(sql).rows == ((3,),)


@pytest.mark.parametrize(
    ("text", "statements"),
    [
        ("SELECT 1", ["SELECT 1"]),
        ("SELECT 1;", ["SELECT 1"]),
        ("SELECT ';'", ["SELECT ';'"]),
        ("SELECT 'it''s; fine'", ["SELECT 'it''s; fine'"]),
        ('SELECT 1 AS "a;b"', ['SELECT 1 AS "a;b"']),
        ("SELECT [a;b] FROM t", ["SELECT [a;b] FROM t"]),
        ("SELECT 1 -- ; SELECT 2", ["SELECT 1 -- ; SELECT 2"]),
        ("SELECT /* ; */ 1;;", ["SELECT /* ; */ 1"]),
        ("SELECT 1; SELECT 2;", ["SELECT 1", " SELECT 2"]),
        (";; -- nothing", []),
        ("", []),
    ],
)
def test_split_statements(text, statements):
    assert split_statements(text) == statements


def test_more_than_one_statement_is_refused(db):
    with pytest.raises(SqlError) as caught:
        db.run("SELECT 1; DELETE FROM people")
    assert caught.value.message == "run one statement at a time (this text holds 2)"
    assert everyone(db) == PEOPLE


@pytest.mark.parametrize("sql", ["", "  ", ";", "-- just a comment"])
def test_an_empty_query_is_refused(db, sql):
    with pytest.raises(SqlError) as caught:
        db.run(sql)
    assert caught.value.message == "the query is empty"


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT nope FROM people", "no such column: nope"),
        ("SELECT * FROM nobody", "no such table: nobody"),
        ("SELEC 1", 'near "SELEC": syntax error'),
    ],
)
def test_sqlite_errors_pass_through(db, sql, message):
    with pytest.raises(SqlError) as caught:
        db.run(sql)
    assert caught.value.message == message
    assert caught.value.exit_code == ExitCode.ERROR


def test_result_rows_are_capped(db):
    capped = db.run(ENDLESS + "SELECT x FROM n", max_rows=5)  # stops reading: no time limit hit
    assert capped == QueryResult(("x",), ((1,), (2,), (3,), (4,), (5,)), truncated=True)
    exact = db.run("SELECT id FROM people ORDER BY id", max_rows=3)
    assert exact == QueryResult(("id",), ((1,), (2,), (3,)), truncated=False)


def test_an_endless_query_is_stopped_by_the_time_limit(db):
    with pytest.raises(QueryTimeout) as caught:
        db.run(ENDLESS + "SELECT max(x) FROM n", time_limit=0.05)
    assert caught.value.message == (
        "query stopped after 0.05 s (time limit); is there a recursive CTE without an end?"
    )
    assert everyone(db) == PEOPLE  # the next query runs as usual
    # a join without its condition is told as much, not asked about a recursive CTE
    crossed = "SELECT count(*) FROM " + ", ".join(f"people p{n}" for n in range(14))
    with pytest.raises(QueryTimeout) as crossed_out:
        db.run(crossed, time_limit=0.05)
    assert crossed_out.value.message == (
        "query stopped after 0.05 s (time limit); is a join missing its condition (every row"
        " paired with every row)?"
    )


def test_table_valued_functions_and_read_only_pragmas_work(db):
    assert db.run("SELECT value FROM json_each('[1, 2]')").rows == ((1,), (2,))
    assert db.run("SELECT name FROM pragma_table_info('people')").rows == (
        ("id",),
        ("name",),
        ("team",),
    )
    assert db.run("PRAGMA index_list(people)").rows == ((0, "people_team", 0, "c", 0),)


# --- writes and escapes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "what"),
    [
        ("DELETE FROM people", "DELETE"),
        ("UPDATE people SET name = 'Eve'", "UPDATE"),
        ("INSERT INTO people VALUES (4, 'Dee', NULL)", "INSERT"),
        ("WITH x AS (SELECT 4, 'Dee', NULL) INSERT INTO people SELECT * FROM x", "INSERT"),
        ("DROP TABLE people", "DROP"),
        ("CREATE TABLE t (x)", "CREATE"),
        ("CREATE TEMP VIEW v AS SELECT 1", "CREATE"),
        ("CREATE VIRTUAL TABLE f USING fts5(x)", "CREATE"),
        ("ALTER TABLE people ADD COLUMN age INTEGER", "ALTER TABLE"),
        ("BEGIN", "BEGIN"),
    ],
)
def test_writes_are_refused_and_change_nothing(db, sql, what):
    with pytest.raises(SqlError) as caught:
        db.run(sql)
    assert caught.value.message == f"{what} is not allowed: {READ_ONLY}"
    assert everyone(db) == PEOPLE
    assert db.tables() == ["people", "scores"]


def test_each_query_gets_a_fresh_copy(db):
    # The second line of defence, should a write ever get past the authorizer.
    copy = db._copy()
    copy.execute("DELETE FROM people")
    assert copy.execute("SELECT count(*) FROM people").fetchone() == (0,)
    copy.close()
    assert everyone(db) == PEOPLE


def test_attach_cannot_create_or_open_a_file(db, tmp_path):
    for sql in [
        f"ATTACH '{tmp_path / 'evil.db'}' AS evil",
        "ATTACH 'file:evil2.db?mode=rwc' AS evil",
        "ATTACH 'relative.db' AS evil",
    ]:
        with pytest.raises(SqlError) as caught:
            db.run(sql)
        assert caught.value.message == f"ATTACH (or VACUUM) is not allowed: {READ_ONLY}"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["tiny.sql"]


def test_vacuum_into_cannot_create_a_file(db, tmp_path):
    for sql in [f"VACUUM INTO '{tmp_path / 'copy.db'}'", "VACUUM INTO 'copy2.db'", "VACUUM"]:
        with pytest.raises(SqlError) as caught:
            db.run(sql)
        assert caught.value.message == f"ATTACH (or VACUUM) is not allowed: {READ_ONLY}"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["tiny.sql"]


@pytest.mark.parametrize(
    "sql", ["SELECT load_extension('x')", "SELECT LOAD_EXTENSION('/tmp/x.so', 'init')"]
)
def test_extensions_cannot_be_loaded(db, sql):
    with pytest.raises(SqlError) as caught:
        db.run(sql)
    assert (
        caught.value.message == "the function load_extension() is not allowed in practice queries"
    )


def test_fts3_tokenizer_pointers_are_refused(db):
    with pytest.raises(SqlError) as caught:
        db.run("SELECT fts3_tokenizer('simple')")
    assert caught.value.message in {
        "the function fts3_tokenizer() is not allowed in practice queries",
        "no such function: fts3_tokenizer",  # a build without FTS3
    }


@pytest.mark.parametrize(
    "sql", ["SELECT readfile('/etc/passwd')", "SELECT writefile('out.txt', 'data')"]
)
def test_shell_file_functions_do_not_exist_or_are_refused(db, sql, tmp_path):
    name = sql.split("(")[0].removeprefix("SELECT ")
    with pytest.raises(SqlError) as caught:
        db.run(sql)
    assert caught.value.message in {
        f"no such function: {name}",
        f"the function {name}() is not allowed in practice queries",
    }
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["tiny.sql"]


@pytest.mark.parametrize(
    ("sql", "pragma"),
    [
        ("PRAGMA writable_schema = 1", "writable_schema"),
        ("PRAGMA database_list", "database_list"),
        ("PRAGMA journal_mode = WAL", "journal_mode"),
        ("SELECT * FROM pragma_function_list", "function_list"),
    ],
)
def test_other_pragmas_are_refused(db, sql, pragma):
    with pytest.raises(SqlError) as caught:
        db.run(sql)
    assert caught.value.message == (
        f"PRAGMA {pragma} is not allowed in practice queries (allowed: foreign_key_list,"
        " index_info, index_list, index_xinfo, table_info, table_list, table_xinfo)"
    )


def test_huge_values_are_refused_before_they_fill_memory(db):
    with pytest.raises(SqlError) as caught:
        db.run("SELECT length(zeroblob(1000000000))")
    assert caught.value.message == (
        "a value is larger than 100000 bytes (the limit per value and per row)"
    )


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        # one printf call would loop 2^31 times inside SQLite, out of reach of the time limit
        (
            "SELECT printf('%.*c', 2147483647, 'x')",
            "printf() width or precision 2147483647 is over the limit (99999 characters)",
        ),
        (
            "SELECT format('%2147483647d', 1)",
            "printf() width or precision 2147483647 is over the limit (99999 characters)",
        ),
        (
            "SELECT printf('%d %.*c', 1, '99999999', 'x')",
            "printf() width or precision 99999999 is over the limit (99999 characters)",
        ),
        # (the limit itself gave NULL without a word)
        (
            "SELECT printf('%100000d', 1)",
            "printf() width or precision 100000 is over the limit (99999 characters)",
        ),
        (
            "SELECT " + ", ".join(["zeroblob(99999)"] * 1999) + " FROM (SELECT 1)",
            "too many columns in result set (at most 100)",
        ),
        (
            ENDLESS + "SELECT " + ", ".join(["zeroblob(99999)"] * 99) + " FROM n",
            "the result is larger than 32 MB; select fewer or smaller values",
        ),
        (
            ENDLESS + "SELECT count(DISTINCT randomblob(90000)) FROM n",
            "the query needs more than 64 MB of memory",
        ),
        (
            ENDLESS + "SELECT x FROM n ORDER BY randomblob(90000)",
            "the query needs more than 64 MB of memory",
        ),
    ],
    ids=[
        "printf-star",
        "format-width",
        "printf-text-star",
        "printf-the-limit",
        "columns",
        "result",
        "distinct",
        "sort",
    ],
)
def test_one_query_cannot_take_minutes_or_gigabytes(db, sql, message):
    with pytest.raises(SqlError) as caught:
        db.run(sql, time_limit=30)
    assert caught.value.message == message


def test_a_query_over_the_text_limit_is_named_as_such(db):
    with pytest.raises(SqlError) as caught:
        db.run("SELECT 1" + " " * 200_000)
    assert caught.value.message == "the query is longer than 100000 bytes"


def test_printf_still_formats(db):
    sql = "SELECT printf('%5.2f|%d|%s|%%|%*d|%-4s|', 3.14159, 7, 'ab', 4, 3, 'x'), printf(NULL)"
    assert db.run(sql).rows == ((" 3.14|7|ab|%|   3|x   |", None),)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_temporary_storage_stays_in_memory(db, monkeypatch):
    """A DISTINCT over 10 MB spills to a temp file in $TMPDIR unless temp storage is in memory;
    SQLite unlinks such files at once, so look at open descriptors while the query runs."""
    import time as real_time

    from mlprep import sqlsandbox

    temp_files = set()
    # a temp file SQLite opens takes a descriptor that was not open when the query started
    # (the test opens and closes none meanwhile), so only those are looked at in each check
    # (the listing's own descriptor is closed again by the time it is returned)
    fds = "/proc/self/fd"
    open_before = {fd for fd in os.listdir(fds) if os.path.exists(f"{fds}/{fd}")}

    class Watch:
        @staticmethod
        def monotonic() -> float:  # the time-limit check runs every 1000 SQLite steps
            for fd in set(os.listdir(fds)) - open_before:
                with contextlib.suppress(OSError):
                    if "etilqs" in os.readlink(f"{fds}/{fd}"):
                        temp_files.add(fd)
            return real_time.monotonic()

    monkeypatch.setattr(sqlsandbox, "time", Watch)
    sql = (
        "SELECT count(DISTINCT y) FROM ("
        + ENDLESS
        + "SELECT randomblob(500) AS y FROM n LIMIT 20000)"
    )
    assert db.run(sql, time_limit=30).rows == ((20000,),)
    assert temp_files == set()


def test_text_that_is_not_utf8_is_a_clear_error(db):
    with pytest.raises(SqlError) as caught:
        db.run("SELECT 'caf\udce9'")
    assert caught.value.message == "the query holds bytes that are not UTF-8 text; retype it"


# --- loading -----------------------------------------------------------------------------------


def test_unknown_database_names_the_known_ones(tmp_path):
    (tmp_path / "tiny.sql").write_text(SCRIPT, encoding="utf-8")
    (tmp_path / "shop.sql").write_text(SCRIPT, encoding="utf-8")
    for name in ["nope", "../tiny", "tiny.sql"]:
        with pytest.raises(UnknownDatabase) as caught:
            SampleDatabase.named(name, tmp_path)
        assert caught.value.message == f"no sample database named '{name}' (known: shop, tiny)"
        assert caught.value.exit_code == ExitCode.USAGE
    assert SampleDatabase.named("tiny", tmp_path).tables() == ["people", "scores"]


def test_unknown_database_with_none_known(tmp_path):
    with pytest.raises(UnknownDatabase) as caught:
        SampleDatabase.named("shop", tmp_path)
    assert (
        caught.value.message == f"no sample database named 'shop' (known: none found in {tmp_path})"
    )


def test_a_broken_script_is_a_content_error(tmp_path):
    path = tmp_path / "broken.sql"
    path.write_text("CREATE TABLE t (x);\nINSERT INTO t VALUES (1, 2);\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        SampleDatabase.load(path)
    assert caught.value.message == f"{path}: table t has 1 columns but 2 values were supplied"


def test_templates_are_cached_per_file_until_it_changes(tmp_path):
    path = tmp_path / "tiny.sql"
    path.write_text(SCRIPT, encoding="utf-8")
    first = SampleDatabase.load(path)
    assert SampleDatabase.load(path) is first
    path.write_text(SCRIPT + "INSERT INTO people VALUES (4, 'Dee', NULL);\n", encoding="utf-8")
    second = SampleDatabase.load(path)
    assert second is not first
    assert second.run("SELECT count(*) FROM people").rows == ((4,),)


# --- inspection --------------------------------------------------------------------------------


def test_tables_schema_and_sample_rows(db):
    assert db.name == "tiny"
    assert db.tables() == ["people", "scores"]
    people = (
        "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, team TEXT);\n\n"
        "CREATE INDEX people_team ON people (team);"
    )
    assert db.schema("people") == people
    assert db.schema("PEOPLE") == people  # SQLite names are case-insensitive
    assert db.schema() == people + (
        "\n\nCREATE TABLE scores (person_id INTEGER NOT NULL REFERENCES people (id), score REAL);"
    )
    assert db.sample_rows("people", 2) == QueryResult(
        ("id", "name", "team"), PEOPLE[:2], truncated=False
    )
    for call in [lambda: db.schema("nobody"), lambda: db.sample_rows("nobody", 2)]:
        with pytest.raises(SqlError) as caught:
            call()
        assert caught.value.message == "no such table: nobody (tables: people, scores)"


@pytest.mark.parametrize(
    "name",
    database_names()
    or [pytest.param(None, marks=pytest.mark.skip(reason="no content/sql/*.sql yet"))],
)
def test_builtin_databases_load(name):
    db = SampleDatabase.named(name)
    assert db.tables() != []
    assert db.run(f'SELECT count(*) FROM "{db.tables()[0]}"').rows[0][0] >= 0


# --- comparing results -------------------------------------------------------------------------


def rows(*rows: tuple, columns: int | None = None, truncated: bool = False) -> QueryResult:
    width = columns if columns is not None else len(rows[0]) if rows else 1
    return QueryResult(tuple(f"c{i}" for i in range(width)), tuple(rows), truncated)


MATCH = Comparison(match=True)


def test_order_is_ignored_unless_asked_for():
    expected = rows((1, "a"), (2, "b"), (3, "c"))
    shuffled = rows((2, "b"), (3, "c"), (1, "a"))
    assert compare(expected, shuffled, ordered=False) == MATCH
    assert compare(expected, expected, ordered=True) == MATCH
    assert compare(expected, shuffled, ordered=True) == Comparison(
        match=False, order_problem="right rows, wrong order: row 1 should be (1, 'a'), not (2, 'b')"
    )


def test_wrong_rows_are_reported_not_the_order():
    assert compare(rows((1,), (2,)), rows((2,), (3,)), ordered=True) == Comparison(
        match=False, missing=[(1,)], extra=[(3,)]
    )


def test_column_names_are_not_compared_but_their_number_is():
    named = QueryResult(("n_orders",), ((3,),))
    assert compare(named, QueryResult(("COUNT(o.id)",), ((3,),)), ordered=False) == MATCH
    assert compare(rows((1, 2)), rows((1, 2, 3)), ordered=False) == Comparison(
        match=False, column_problem="expected 2 columns, the query returned 3"
    )
    assert compare(rows((1,)), rows((1, 2)), ordered=False).column_problem == (
        "expected 1 column, the query returned 2"
    )


def test_nulls_equal_nulls_only():
    assert compare(rows((None, 1)), rows((None, 1.0)), ordered=True) == MATCH
    assert compare(rows((None,)), rows((0,)), ordered=False) == Comparison(
        match=False, missing=[(None,)], extra=[(0,)]
    )
    assert compare(rows(("",)), rows((None,)), ordered=False).match is False


def test_numbers_compare_within_tolerance_text_exactly():
    assert compare(rows((1 / 3,)), rows((0.3333333333,)), ordered=False) == MATCH
    assert compare(rows((1,)), rows((1.0,)), ordered=False) == MATCH
    assert compare(rows((0.1 + 0.2,)), rows((0.3,)), ordered=False) == MATCH
    assert compare(rows((1 / 3,)), rows((0.3333,)), ordered=False).match is False
    # two integers must be equal, even where a relative tolerance would forgive them
    assert compare(rows((10**12,)), rows((10**12 + 1,)), ordered=False).match is False
    assert compare(rows(("a",)), rows(("A",)), ordered=False).match is False
    assert compare(rows(("1",)), rows((1,)), ordered=False).match is False


def test_close_values_across_a_rounding_boundary_match():
    # Rounded to 7 significant digits these would be 0.1234565 and 0.1234566: a scheme that
    # hashes rounded floats would call them different.
    assert compare(rows((0.12345654999,)), rows((0.12345655001,)), ordered=False) == MATCH


def test_tolerant_matching_pairs_rows_as_well_as_possible():
    # 0.9e-6 is close to both 0.0 and 1.5e-6 and -0.5e-6 only to 0.0: pairing the first with
    # 0.0 would leave the second alone.
    assert compare(rows((0.9e-6,), (-0.5e-6,)), rows((0.0,), (1.5e-6,)), ordered=False) == MATCH
    # An exact pair (0.0 with 0.0) must give way too.
    assert compare(rows((0.0,), (-0.9e-6,)), rows((0.0,), (0.9e-6,)), ordered=False) == MATCH


def test_duplicate_rows_count():
    expected = rows((1,), (1,), (2,))
    assert compare(expected, rows((1,), (2,), (1,)), ordered=False) == MATCH
    assert compare(expected, rows((1,), (2,), (2,)), ordered=False) == Comparison(
        match=False, missing=[(1,)], extra=[(2,)]
    )
    assert compare(expected, rows((1,), (2,)), ordered=False) == Comparison(
        match=False, missing=[(1,)]
    )


def test_empty_results():
    assert compare(rows(columns=2), rows(columns=2), ordered=True) == MATCH
    assert compare(rows((1, 2)), rows(columns=2), ordered=False) == Comparison(
        match=False, missing=[(1, 2)]
    )


def test_a_truncated_result_never_matches_a_whole_one():
    assert compare(rows((1,), (2,)), rows((1,), (2,), truncated=True), ordered=False) == (
        Comparison(
            match=False, size_problem="the query has more than 2 rows; only those were compared"
        )
    )


def test_matching_agrees_with_brute_force():
    """The most rows that can be paired, found by trying every pairing of small random results."""

    def most_pairs(expected, actual, used=frozenset()):
        if not expected:
            return 0
        first, rest = expected[0], expected[1:]
        best = most_pairs(rest, actual, used)
        for j, row in enumerate(actual):
            if j not in used and _rows_close(first, row, 1e-9, 1e-6):
                best = max(best, 1 + most_pairs(rest, actual, used | {j}))
        return best

    values = [0, 1, 1.0, 0.3, 0.1 + 0.2, 0.9e-6, -0.5e-6, 1.5e-6, 2.4e-6, None, "a", 10**9 + 1]
    rng = random.Random(20261125)
    for _ in range(2000):
        width = rng.randint(1, 2)
        expected = [
            tuple(rng.choice(values) for _ in range(width)) for _ in range(rng.randint(0, 5))
        ]
        actual = [tuple(rng.choice(values) for _ in range(width)) for _ in range(rng.randint(0, 5))]
        # In column order: another order of the columns may pair more rows (tested below).
        result = _compare_in_order(
            rows(*expected, columns=width), rows(*actual, columns=width), False, 1e-9, 1e-6
        )
        pairs = most_pairs(expected, actual)
        assert (len(expected) - len(result.missing), len(actual) - len(result.extra)) == (
            pairs,
            pairs,
        ), (expected, actual)


def test_columns_in_another_order_match_when_their_values_do():
    expected = QueryResult(("id", "name"), ((1, "Ann"), (2, "Bo"), (3, "Cy")))
    by_name = QueryResult(("name", "id"), (("Bo", 2), ("Ann", 1), ("Cy", 3)))
    renamed = QueryResult(("who", "n"), (("Ann", 1), ("Bo", 2), ("Cy", 3)))
    assert compare(expected, by_name, ordered=False) == MATCH
    assert compare(expected, renamed, ordered=False) == MATCH
    assert not compare(
        expected, QueryResult(("who", "n"), (("Bo", 2), ("Ann", 1), ("Cy", 3))), ordered=True
    ).match


def test_columns_with_nulls_and_mixed_types_can_be_reordered():
    expected = QueryResult(("a", "b"), ((None, 1), ("x", 2.0), (b"\x00", 3)))
    swapped = QueryResult(("b", "a"), ((1, None), (2, "x"), (3, b"\x00")))
    assert compare(expected, swapped, ordered=True) == MATCH


def test_swapped_columns_must_still_pair_the_same_values_in_each_row():
    expected = QueryResult(("a", "b"), ((1, 2), (2, 1), (3, 3)))
    # Column a's and b's values are the same multiset, so only the rows tell the orders apart.
    assert compare(expected, QueryResult(("b", "a"), ((2, 1), (1, 2), (3, 3))), False) == MATCH
    wrong = QueryResult(("a", "b"), ((1, 1), (2, 2), (3, 3)))
    assert not compare(expected, wrong, ordered=False).match
    # The report describes the rows in the order the query gave them.
    assert compare(expected, wrong, ordered=False).extra == [(1, 1), (2, 2)]


@pytest.mark.parametrize("where", ["_authorizer", "_bounded_printf"])
def test_ctrl_c_inside_a_sqlite_callback_is_an_interruption_not_a_refusal(monkeypatch, where):
    import mlprep.sqlsandbox as sandbox

    def interrupted(*args):
        raise KeyboardInterrupt

    database = SampleDatabase.named("shop")
    monkeypatch.setattr(sandbox, where, lambda refusals: interrupted)
    with pytest.raises(KeyboardInterrupt):
        database.run("SELECT COUNT(*), printf('%d', 1) FROM users")


@pytest.mark.parametrize("where", ["_authorizer", "_bounded_printf"])
def test_a_ctrl_c_landing_anywhere_in_a_callback_is_an_interruption(monkeypatch, where):
    """A real Ctrl-C (SIGINT) can land in a callback before its own guard catches it, as at
    its first instruction: sqlite3 swallowed it and the query failed with "not authorized"
    (2 tries in 20 with Ctrl-C pressed within a millisecond of the query's start)."""
    import signal

    import mlprep.sqlsandbox as sandbox

    def pressed(*args):
        signal.raise_signal(signal.SIGINT)

    database = SampleDatabase.named("shop")
    monkeypatch.setattr(sandbox, "_noting_interrupts", lambda callback, *_: callback)
    monkeypatch.setattr(sandbox, where, lambda refusals: pressed)
    with pytest.raises(KeyboardInterrupt):
        database.run("SELECT COUNT(*), printf('%d', 1) FROM users")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_time_limit_is_a_timeout_not_an_interruption():
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT max(i) FROM n"
    with pytest.raises(QueryTimeout):
        SampleDatabase.named("shop").run(endless, time_limit=0.05)


def test_right_values_under_swapped_names_are_not_a_match():
    """Values alone were compared, in any order of the columns: new and returning users the
    wrong way round, or a manager's salary under the employee's name, were "Correct!"."""
    expected = QueryResult(
        ("day", "new_users", "returning_users"), (("06-03", 2, 7), ("06-04", 1, 5))
    )
    swapped = QueryResult(
        ("day", "new_users", "returning_users"), (("06-03", 7, 2), ("06-04", 5, 1))
    )
    comparison = compare(expected, swapped, ordered=True)
    assert not comparison.match
    assert comparison.name_problem == (
        "your new_users holds what returning_users should; your returning_users holds what"
        " new_users should"
    )
    # the same values under names of its own, or none, in any order: the values decide
    for columns in (("d", "n", "r"), ("day", "n_new", "n_back"), ("DAY", "r", "n")):
        answer = QueryResult(columns, swapped.rows)
        assert compare(expected, answer, ordered=True).match, columns
    # named right, in another order: a match
    reordered = QueryResult(
        ("returning_users", "day", "new_users"), ((7, "06-03", 2), (5, "06-04", 1))
    )
    assert compare(expected, reordered, ordered=True).match
    # right values in place, but a name that says another column
    misnamed = QueryResult(("day", "returning_users", "x"), expected.rows)
    assert compare(expected, misnamed, ordered=True).name_problem == (
        "your returning_users holds what new_users should"
    )


def test_right_values_of_the_wrong_type_say_so():
    """strftime('%w') gives text: the rows looked exactly like the answer's on screen, and
    nothing said what was wrong."""
    expected = QueryResult(("dow", "n_orders"), ((0, 18), (1, 19), (2, 23)))
    as_text = QueryResult(("dow", "n_orders"), (("0", 18), ("1", 19), ("2", 23)))
    comparison = compare(expected, as_text, ordered=True)
    assert not comparison.match
    assert comparison.type_problem == "your dow holds text where the answer has numbers"
    # text that is no number, or other values: no such claim
    wrong = QueryResult(("dow", "n_orders"), (("0", 18), ("1", 19), ("2", 99)))
    assert compare(expected, wrong, ordered=True).type_problem is None
    words = QueryResult(("dow", "n_orders"), (("Sun", 18), ("Mon", 19), ("Tue", 23)))
    assert compare(expected, words, ordered=True).type_problem is None


def test_a_float_shows_the_digits_that_tell_it_from_a_rounded_one():
    """At 6 significant digits an unrounded average (111045.4545...) showed as 111045, the
    answer's rounded 111045.5 the same: nothing told the user what was wrong."""
    from mlprep.ui.text import cell

    assert cell(2443200 / 22) == "111054.545455"
    assert cell(111045.5) == "111045.5"
    assert cell(0.1 + 0.2) == "0.3"  # (a float's last-bit noise stays hidden)
    assert cell(1e-7) == "1e-07"


def test_a_very_long_column_name_is_cut_in_the_shape_of_a_result():
    """A 5,000-character alias was printed whole in "Yours: 1 row (...)": sixty lines."""
    import io

    from mlprep.ui.prompts import PlainPrompter

    expected = QueryResult(("n",), ((1,),))
    actual = QueryResult(("x" * 5000,), ((2,),))
    out = io.StringIO()
    PlainPrompter(io.StringIO(), out, echo=False, width=80).show_mismatch(
        expected, actual, compare(expected, actual, ordered=False)
    )
    assert out.getvalue().splitlines()[1] == f"Yours: 1 row ({'x' * 37}...); the answer: 1 row (n)."


def test_a_wrong_result_s_rows_show_column_names_that_fit_whole():
    """The rows of a wrong try cut "n_distinct_discounts" to "n_distinct_disc..." where the
    same result, right, showed it whole."""
    import io

    from mlprep.ui.prompts import PlainPrompter

    names = ("n_orders", "n_with_discount", "n_distinct_discounts")
    expected = QueryResult(names, ((134, 18, 2),))
    actual = QueryResult(names, ((18, 134, 2),))
    out = io.StringIO()
    PlainPrompter(io.StringIO(), out, echo=False, width=80).show_mismatch(
        expected, actual, compare(expected, actual, ordered=False)
    )
    assert "  n_orders  n_with_discount  n_distinct_discounts\n" in out.getvalue()
