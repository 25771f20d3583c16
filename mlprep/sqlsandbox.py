"""SQLite practice databases: load a sample, run a user's query safely, compare results.

A sample database is a plain SQL script, ``content/sql/<name>.sql``, run once into an in-memory
template. Every query then runs on a fresh in-memory copy of that template, under an authorizer
that only lets it read, with a time limit and a row cap. The user's SQL is untrusted: it must not
open, read or create a file, load code, or change what the next query sees.

Write policy: statements that write (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, BEGIN, ...) are
refused, with a message that says so. Every practice question is a query, and with one statement
per run on a throwaway copy a write could never be seen anyway; refusing it is clearer than
answering "0 rows". The throwaway copy stays as a second line of defence.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import signal
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mlprep.errors import ContentError, MlprepError, UsageError
from mlprep.fileio import read_regular
from mlprep.limits import (
    MAX_SQL_COLUMNS,
    MAX_SQL_HEAP_BYTES,
    MAX_SQL_RESULT_BYTES,
    MAX_SQL_SCRIPT_BYTES,
    MAX_SQL_TEXT_BYTES,
    MAX_SQL_VALUE_BYTES,
)
from mlprep.model import Card
from mlprep.paths import builtin_content_dir


class SqlError(MlprepError):
    """The query cannot run: SQLite's own message, or why the sandbox refused it."""


class QueryTimeout(SqlError):
    """The query ran past its time limit and was stopped."""


class UnknownDatabase(UsageError):
    """No sample database has that name."""


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    truncated: bool = False  # the query had more rows than max_rows; only the first were kept


def builtin_sql_dir() -> Path:
    return builtin_content_dir() / "sql"


def database_names(directory: Path | None = None) -> list[str]:
    directory = builtin_sql_dir() if directory is None else directory
    return sorted(p.stem for p in directory.glob("*.sql") if p.is_file())


# --- the sandbox ------------------------------------------------------------------------------

# A query may read, call functions, recurse, and use a few read-only pragmas; nothing else.
_ALLOWED_ACTIONS = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE})
_ALLOWED_PRAGMAS = frozenset(
    "table_info table_xinfo table_list index_list index_info index_xinfo foreign_key_list".split()
)
# readfile/writefile/edit exist only in the sqlite3 shell, but deny them should a build have them;
# fts3_tokenizer (compiled into common builds) returns and accepts raw C pointers.
_DENIED_FUNCTIONS = frozenset({"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"})
_STATEMENT_NAMES = {
    getattr(sqlite3, name): name.removeprefix("SQLITE_").replace("_", " ")
    for name in dir(sqlite3)
    if name.startswith(("SQLITE_CREATE_", "SQLITE_DROP_"))
} | {
    sqlite3.SQLITE_INSERT: "INSERT",
    sqlite3.SQLITE_UPDATE: "UPDATE",
    sqlite3.SQLITE_DELETE: "DELETE",
    sqlite3.SQLITE_ALTER_TABLE: "ALTER TABLE",
    sqlite3.SQLITE_ANALYZE: "ANALYZE",
    sqlite3.SQLITE_REINDEX: "REINDEX",
    sqlite3.SQLITE_SAVEPOINT: "SAVEPOINT",
    sqlite3.SQLITE_ATTACH: "ATTACH (or VACUUM)",  # VACUUM [INTO file] attaches its target
    sqlite3.SQLITE_DETACH: "DETACH",
}
_PROGRESS_STEPS = 1_000  # SQLite VM steps between two looks at the clock (and at Ctrl-C)


def _noting_interrupts(
    callback: Callable[..., Any], interrupted: list[bool], refusal: object
) -> Callable[..., Any]:
    """`callback`, except that a Ctrl-C inside it is noted in `interrupted` and the statement
    is stopped (`refusal` returned, or an error raised when it is None)."""

    def guarded(*args: Any) -> Any:
        try:
            return callback(*args)
        except KeyboardInterrupt:
            interrupted.append(True)
            if refusal is None:
                raise RuntimeError("interrupted") from None
            return refusal

    return guarded


class _CtrlCNoted:
    """While a statement runs, a Ctrl-C (SIGINT) is noted in `interrupted` before the handler
    in place raises it, wherever it lands: in a callback before its guard (_noting_interrupts)
    could catch it, sqlite3 swallowed it and the statement failed as refused ("not authorized").
    `install`, then `restore` in a `finally` (one Ctrl-C landing just after the handler is
    installed would leave a `with`'s exit unrun)."""

    def __init__(self, interrupted: list[bool]) -> None:
        self.interrupted = interrupted
        self.previous: Any = None

    def install(self) -> None:
        previous = signal.getsignal(signal.SIGINT)
        if not callable(previous):  # (ignored, or the system's default: nothing is raised)
            return

        def noted(signum: int, frame: Any) -> None:
            self.interrupted.append(True)
            previous(signum, frame)

        self.previous = previous  # (first: restore puts it back whatever comes next)
        try:
            signal.signal(signal.SIGINT, noted)
        except ValueError:  # not the main thread, which alone receives signals
            self.previous = None

    def restore(self) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
            self.previous = None


def _authorizer(refusals: list[str]) -> Callable[..., int]:
    """An authorizer that notes why it refused, so the error says more than 'not authorized'."""

    def check(action: int, arg1: str | None, arg2: str | None, db: str | None, src: str | None):
        if action in _ALLOWED_ACTIONS:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_FUNCTION:
            if (arg2 or "").lower() not in _DENIED_FUNCTIONS:
                return sqlite3.SQLITE_OK
            refusals.append(f"the function {arg2}() is not allowed in practice queries")
        elif action == sqlite3.SQLITE_PRAGMA:
            if (arg1 or "").lower() in _ALLOWED_PRAGMAS:
                return sqlite3.SQLITE_OK
            allowed = ", ".join(sorted(_ALLOWED_PRAGMAS))
            refusals.append(
                f"PRAGMA {arg1} is not allowed in practice queries (allowed: {allowed})"
            )
        elif action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master":
            # SQLite asks this when a query first uses a table-valued function (json_each,
            # pragma_table_info); a real write to sqlite_master is refused by SQLite itself.
            return sqlite3.SQLITE_OK
        else:
            what = _STATEMENT_NAMES.get(action)
            if action == sqlite3.SQLITE_TRANSACTION:
                what = arg1  # BEGIN, COMMIT or ROLLBACK
            elif arg1 in ("sqlite_master", "sqlite_temp_master"):  # CREATE and DROP write there
                what = {sqlite3.SQLITE_INSERT: "CREATE", sqlite3.SQLITE_DELETE: "DROP"}.get(action)
            refusals.append(
                f"{what or 'this statement'} is not allowed: practice queries only read the data"
                " (SELECT or WITH ... SELECT)"
            )
        return sqlite3.SQLITE_DENY

    return check


# Every practice query runs under SQLite's own limits, so that no single function call can build
# a gigabyte and no query can hold more than a bounded amount of memory or touch the disk.
_LIMITS = {
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,  # no ATTACH, no VACUUM INTO, by any path
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_SQL_VALUE_BYTES,  # per string, blob or row: zeroblob(1e9)
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: MAX_SQL_TEXT_BYTES,
    sqlite3.SQLITE_LIMIT_COLUMN: MAX_SQL_COLUMNS,  # result columns (and table columns)
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1_000,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 100,
}
# SQLite's printf('%.*c', 2147483647, 'x') loops over the full width in one step even when the
# result is too big to keep: tens of seconds the time limit and Ctrl-C cannot cut short.
_PRINTF_SPEC = re.compile(r"%[-+ 0#,!]*(\*|\d*)(?:\.(\*|\d*))?(?:ll|l)?(.)", re.DOTALL)
_printf_helper: sqlite3.Connection | None = None


def _as_int(value: object) -> int:
    try:
        return abs(int(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return 0 if not isinstance(value, float) else MAX_SQL_VALUE_BYTES + 1  # inf, nan


def _bounded_printf(refusals: list[str]) -> Callable[..., str | None]:
    """printf()/format() that refuses a width or precision over the value limit up front, then
    lets SQLite's own printf (on a separate connection) do the formatting."""

    def printf(fmt: object, *args: object) -> str | None:
        global _printf_helper
        if fmt is None:
            return None
        position = 0
        for spec in _PRINTF_SPEC.finditer(str(fmt)):
            width, precision, conversion = spec.groups()
            if conversion == "%":
                continue
            for part in (width, precision):
                if part == "*":
                    size = _as_int(args[position]) if position < len(args) else 0
                    position += 1
                elif part:
                    size = int(part) if len(part) < 12 else MAX_SQL_VALUE_BYTES + 1
                else:
                    size = 0
                # (a width of the limit itself makes a string SQLite's limit refuses: the
                # call gave NULL without a word)
                if size >= MAX_SQL_VALUE_BYTES:
                    refusals.append(
                        f"printf() width or precision {size} is over the limit"
                        f" ({MAX_SQL_VALUE_BYTES - 1} characters)"
                    )
                    raise ValueError(refusals[-1])
            position += 1
        if _printf_helper is None:
            _printf_helper = sqlite3.connect(":memory:", check_same_thread=False)
            _printf_helper.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_SQL_VALUE_BYTES)
        marks = ", ?" * len(args)
        return _printf_helper.execute(f"SELECT printf(?{marks})", (fmt, *args)).fetchone()[0]

    return printf


def _size(row: tuple) -> int:
    """Roughly the bytes a fetched row holds in Python."""
    return 64 + sum(len(v) if isinstance(v, str | bytes) else 16 for v in row)


def split_statements(sql: str) -> list[str]:
    """The non-empty statements in the text, without their `;`. Semicolons inside strings,
    quoted identifiers and comments do not split; empty statements (`;;`, a trailing comment)
    are dropped. A mistake here is caught by sqlite3, which refuses a second statement."""
    statements: list[str] = []
    start, has_code, i, n = 0, False, 0, len(sql)
    while i < n:
        ch = sql[i]
        if sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end + 1
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif ch in "'\"`[":  # a doubled quote ('it''s') scans as two strings in a row: same thing
            end = sql.find("]" if ch == "[" else ch, i + 1)
            i = n if end < 0 else end + 1
            has_code = True
        else:
            if ch == ";":
                if has_code:
                    statements.append(sql[start:i])
                start, has_code = i + 1, False
            elif not ch.isspace():
                has_code = True
            i += 1
    if has_code:
        statements.append(sql[start:])
    return statements


_TEMPLATES: dict[Path, tuple[tuple[int, int], SampleDatabase]] = {}


class SampleDatabase:
    """One sample database: a template loaded once; every query runs on a fresh copy of it."""

    def __init__(self, path: Path, template: sqlite3.Connection) -> None:
        self.path = path
        self.name = path.stem
        self._template = template

    @classmethod
    def load(cls, path: Path) -> SampleDatabase:
        """Run the SQL script at path into an in-memory template, once per process (and again if
        the file changes)."""
        path = Path(path).resolve()
        try:
            stat = path.stat()
            script = read_regular(path, MAX_SQL_SCRIPT_BYTES).decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            reason = getattr(e, "strerror", None) or str(e)
            raise ContentError(f"{path}: cannot read the sample database: {reason}") from None
        key = (stat.st_size, stat.st_mtime_ns)
        cached = _TEMPLATES.get(path)
        if cached and cached[0] == key:
            return cached[1]
        template = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        template.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        try:
            template.executescript(script)
        except sqlite3.Error as e:
            template.close()
            raise ContentError(f"{path}: {e}") from None
        database = cls(path, template)
        _TEMPLATES[path] = (key, database)
        return database

    @classmethod
    def named(cls, name: str, directory: Path | None = None) -> SampleDatabase:
        """The database `<directory>/<name>.sql` (built-in by default)."""
        directory = builtin_sql_dir() if directory is None else directory
        known = database_names(directory)
        if name not in known:
            choices = ", ".join(known) if known else f"none found in {directory}"
            raise UnknownDatabase(f"no sample database named '{name}' (known: {choices})")
        return cls.load(directory / f"{name}.sql")

    def _copy(self) -> sqlite3.Connection:
        """A fresh in-memory copy of the template, locked down for an untrusted query."""
        conn = sqlite3.connect(":memory:", isolation_level=None)
        self._template.backup(conn)
        for limit, value in _LIMITS.items():
            conn.setlimit(limit, value)
        # sorts, DISTINCT and temporary tables stay in memory, under the heap limit: never a
        # file in $TMPDIR. The heap limit is process-wide and a pragma can only lower it; no
        # other SQLite use in a practice session comes near it.
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute(f"PRAGMA hard_heap_limit = {MAX_SQL_HEAP_BYTES}")
        if hasattr(conn, "enable_load_extension"):  # absent when Python is built without it
            conn.enable_load_extension(False)
        return conn

    def run(self, sql: str, time_limit: float = 2.0, max_rows: int = 1000) -> QueryResult:
        """Run one statement of untrusted SQL on a fresh copy; at most max_rows rows are kept."""
        statements = split_statements(sql)
        if not statements:
            raise SqlError("the query is empty")
        if len(statements) > 1:
            raise SqlError(f"run one statement at a time (this text holds {len(statements)})")
        if len(statements[0].encode("utf-8", "surrogatepass")) > MAX_SQL_TEXT_BYTES:
            raise SqlError(f"the query is longer than {MAX_SQL_TEXT_BYTES} bytes")
        try:
            sql.encode("utf-8")
        except UnicodeEncodeError:  # undecodable input bytes, kept as lone surrogates
            raise SqlError("the query holds bytes that are not UTF-8 text; retype it") from None
        conn = self._copy()
        refusals: list[str] = []
        # sqlite3 swallows an exception raised inside a callback and reports only that the
        # statement failed ("not authorized to use function: COUNT"): a Ctrl-C that lands in
        # one is noted here and raised again below.
        interrupted: list[bool] = []
        for name in ("printf", "format"):
            printf = _noting_interrupts(_bounded_printf(refusals), interrupted, None)
            conn.create_function(name, -1, printf, deterministic=True)
        authorizer = _authorizer(refusals)
        conn.set_authorizer(_noting_interrupts(authorizer, interrupted, sqlite3.SQLITE_DENY))
        started = time.monotonic()
        timed_out = False

        def over_time() -> int:  # a non-zero return makes SQLite abort with "interrupted"
            nonlocal timed_out
            timed_out = time.monotonic() - started > time_limit
            return timed_out

        conn.set_progress_handler(_noting_interrupts(over_time, interrupted, 1), _PROGRESS_STEPS)
        ctrl_c = _CtrlCNoted(interrupted)
        try:
            try:
                ctrl_c.install()
                cursor = conn.execute(statements[0])
                rows, columns = self._rows(cursor, max_rows)
            finally:
                ctrl_c.restore()
        except sqlite3.Error as e:
            if interrupted:  # Ctrl-C inside one of our callbacks
                raise KeyboardInterrupt from None
            if timed_out:
                # (a join without its condition ran out of time as often: it pairs every row)
                why = (
                    "is there a recursive CTE without an end?"
                    if re.search(r"\brecursive\b", sql, re.IGNORECASE)
                    else "is a join missing its condition (every row paired with every row)?"
                )
                raise QueryTimeout(
                    f"query stopped after {float(time_limit)!r} s (time limit); {why}"
                ) from None
            if str(e) == "interrupted":  # Ctrl-C inside SQLite surfaces as this; honour it
                raise KeyboardInterrupt from None
            if refusals:  # the last is the most specific: ANALYZE, after the insert it does
                raise SqlError(refusals[-1]) from None
            if isinstance(e, sqlite3.DataError) or str(e) == "string or blob too big":
                raise SqlError(
                    f"a value is larger than {MAX_SQL_VALUE_BYTES} bytes (the limit per value"
                    " and per row)"
                ) from None
            if str(e).startswith("too many columns"):
                raise SqlError(f"{e} (at most {MAX_SQL_COLUMNS})") from None
            raise SqlError(str(e)) from None
        except MemoryError:  # SQLite reached the heap limit (SQLITE_NOMEM)
            mb = MAX_SQL_HEAP_BYTES // 1_000_000
            raise SqlError(f"the query needs more than {mb} MB of memory") from None
        finally:
            conn.close()
        return QueryResult(columns, tuple(rows[:max_rows]), truncated=len(rows) > max_rows)

    @staticmethod
    def _rows(cursor: sqlite3.Cursor, max_rows: int) -> tuple[list, tuple[str, ...]]:
        """Up to max_rows + 1 rows of a running statement (one more tells that there are
        more), read one at a time, so that a budget can stop a huge result early; and its
        column names."""
        rows, held = [], 0
        for row in cursor:
            held += _size(row)
            if held > MAX_SQL_RESULT_BYTES:
                mb = MAX_SQL_RESULT_BYTES // 1_000_000
                raise SqlError(f"the result is larger than {mb} MB; select fewer or smaller values")
            rows.append(row)
            if len(rows) > max_rows:
                break
        return rows, tuple(d[0] for d in cursor.description or ())

    # --- inspection, for a practice UI: trusted SQL on the template ---------------------------

    def tables(self) -> list[str]:
        """The tables and views a query can read, by name."""
        rows = self._template.execute(
            "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')"
            " AND substr(name, 1, 7) != 'sqlite_' ORDER BY name"
        )
        return [name for (name,) in rows]

    def _table_name(self, table: str) -> str:
        for name in self.tables():
            if name.lower() == table.lower():  # SQLite names are case-insensitive
                return name
        raise SqlError(f"no such table: {table} (tables: {', '.join(self.tables())})")

    def schema(self, table: str | None = None) -> str:
        """The CREATE statements of the database, or of one table and its indexes."""
        sql = "SELECT sql FROM sqlite_schema WHERE sql NOT NULL AND substr(name, 1, 7) != 'sqlite_'"
        params: tuple[str, ...] = ()
        if table is not None:
            sql += " AND tbl_name = ?"
            params = (self._table_name(table),)
        rows = self._template.execute(sql + " ORDER BY rowid", params)
        return "\n\n".join(f"{create};" for (create,) in rows)

    def tables_used(self, card: Card) -> list[str]:
        """The tables a SQL card's reference solution reads: the ones its user needs to see."""
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", card.solution.lower()))
        return [table for table in self.tables() if table.lower() in words]

    def schema_for(self, card: Card) -> str:
        """The CREATE statements of the tables a SQL card's question needs."""
        return "\n".join(self.schema(table) for table in self.tables_used(card))

    def sample_rows(self, table: str, n: int = 5) -> QueryResult:
        """The first n rows of a table."""
        quoted = '"' + self._table_name(table).replace('"', '""') + '"'
        return self.run(f"SELECT * FROM {quoted} LIMIT {max(int(n), 0)}", max_rows=max(n, 1))


# a reference solution's time limit, wherever it runs (validate, sessions): it is trusted
# content, so it is given room (a user's query has 2 s by default)
SOLUTION_TIME_LIMIT = 10.0


def solution_problem(
    card: Card, directory: Path | None = None, time_limit: float = SOLUTION_TIME_LIMIT
) -> str | None:
    """Why a `type: sql` card's reference solution cannot serve as the expected result (it
    fails, names an unknown database, runs past the time limit, returns more rows than are
    compared, or leaves the order of an `ordered` result undefined), or None when it serves."""
    try:
        result = SampleDatabase.named(card.db, directory).run(card.solution, time_limit=time_limit)
    except MlprepError as error:
        return f"the solution does not run: {error.message}"
    if result.truncated:
        return (
            f"the solution returns more than {len(result.rows):,} rows, and answers are "
            "compared on that many at most; narrow the question"
        )
    if card.ordered and not orders_its_rows(card.solution):
        return "'ordered: true', but the solution has no ORDER BY: its row order is not defined"
    return None


_ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)

# what a query whose rows come in the order asked, by chance, is told
UNORDERED = (
    "Order: right rows, in the order asked, but your query has no ORDER BY of its own (one in"
    " a subquery or a window orders nothing of the result): without one the order is whatever"
    " the database happens to give (another run or engine may differ). Add the ORDER BY the"
    " question asks for."
)


def orders_its_rows(query: str) -> bool:
    """Whether a query's own clauses (not a window's, a subquery's or a CTE's) hold an ORDER
    BY: only that defines the order of its result."""
    return bool(_ORDER_BY.search(_outermost(query)))


def judge(expected: QueryResult, actual: QueryResult, ordered: bool, query: str) -> Comparison:
    """compare, for a user's query: where the order is asked, rows in that order from a query
    with no ORDER BY of its own are no match either (unordered: see UNORDERED)."""
    comparison = compare(expected, actual, ordered=ordered)
    if comparison.match and ordered and not orders_its_rows(query):
        return replace(comparison, match=False, unordered=True)
    return comparison


# comments and quoted text, which no ORDER BY in them makes an order
_NOT_SQL = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", re.DOTALL)
_PARENTHESES = re.compile(r"\([^()]*\)")


def _outermost(sql: str) -> str:
    """The query's own clauses: without comments, quoted text and whatever is in parentheses
    (an ORDER BY in a window, a subquery or a CTE orders nothing of the result)."""
    text = _NOT_SQL.sub(" ", sql)
    while True:
        inner = _PARENTHESES.sub(" ", text)
        if inner == text:
            return text
        text = inner


# --- comparing results ------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    match: bool
    missing: list[tuple] = field(default_factory=list)  # expected rows the query did not return
    extra: list[tuple] = field(default_factory=list)  # returned rows that were not expected
    column_problem: str | None = None  # a different number of columns
    order_problem: str | None = None  # the right rows in the wrong order (ordered=True only)
    size_problem: str | None = None  # one result was cut at max_rows and the other was not
    # right values under the answer's names for other columns ("new_users" holding the
    # returning users): values alone matched, the names say the columns are swapped
    name_problem: str | None = None
    # right values of the wrong type ('0' as text where the answer has the number 0): the
    # rows look alike on screen
    type_problem: str | None = None
    # the right rows in the order asked, from a query with no ORDER BY (see UNORDERED)
    unordered: bool = False


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _close(a: object, b: object, rel_tol: float, abs_tol: float) -> bool:
    if _is_number(a) and _is_number(b) and not (isinstance(a, int) and isinstance(b, int)):
        return math.isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol)  # type: ignore[arg-type]
    return a == b  # NULL == NULL, strings and blobs exactly, two integers exactly


def _rows_close(a: tuple, b: tuple, rel_tol: float, abs_tol: float) -> bool:
    return len(a) == len(b) and all(
        _close(x, y, rel_tol, abs_tol) for x, y in zip(a, b, strict=True)
    )


def _unpaired(
    expected: Sequence[tuple], actual: Sequence[tuple], rel_tol: float, abs_tol: float
) -> tuple[list[int], list[int]]:
    """Pair each expected row with a close actual row, as many pairs as possible; return the
    indexes left unpaired on each side.

    Closeness with a tolerance is not transitive, so rounding floats to a grid for hashing would
    split two close values that straddle a grid line, and greedy pairing can pair the wrong two.
    This is a maximum bipartite matching (Kuhn's augmenting paths) started from the exact matches
    found by hashing (1 == 1.0 in Python), so the usual case does no search at all. The candidates
    for a row are the rows of the same shape (same non-numeric values in the same places) whose
    value in one numeric column is within tolerance, found by bisection.
    """
    mine: list[int | None] = [None] * len(expected)  # expected index -> actual index
    partner: list[int | None] = [None] * len(actual)  # actual index -> expected index
    free: dict[tuple, list[int]] = defaultdict(list)
    for j in reversed(range(len(actual))):
        free[actual[j]].append(j)
    for i, row in enumerate(expected):
        if free.get(row):
            j = free[row].pop()
            mine[i], partner[j] = j, i

    def leftovers() -> tuple[list[int], list[int]]:
        return [i for i, j in enumerate(mine) if j is None], [
            j for j, i in enumerate(partner) if i is None
        ]

    unpaired_actual = partner.count(None)
    if not unpaired_actual or None not in mine:
        return leftovers()
    members: dict[tuple, list[int]] = defaultdict(list)
    for j, row in enumerate(actual):
        members[_shape(row)].append(j)
    groups: dict[tuple, tuple[int | None, list[tuple[float, int]]]] = {}
    for shape, js in members.items():
        # bisect on the numeric column that tells this group's rows apart best
        numeric = [p for p, v in enumerate(shape) if v is _NUMBER]
        pos = max(numeric, key=lambda p: len({actual[j][p] for j in js}), default=None)
        groups[shape] = (pos, sorted((0 if pos is None else actual[j][pos], j) for j in js))
    candidates: dict[tuple, list[int]] = {}  # equal rows share one list (1 and 1.0 do not)

    def near(i: int) -> list[int]:
        row = expected[i]
        key = (row, tuple(map(type, row)))
        if key not in candidates:
            pos, group = groups.get(_shape(row), (None, []))
            v = 0 if pos is None else row[pos]
            # |v - w| <= max(rel_tol * max(|v|, |w|), abs_tol) implies |v - w| <= width
            width = 0.0 if math.isinf(v) else max(abs_tol, rel_tol * abs(v) / (1 - rel_tol))
            width = width * (1 + 1e-9) + 1e-300  # slack for the rounding of v - width
            lo = bisect.bisect_left(group, (v - width, -1))
            hi = bisect.bisect_right(group, (v + width, len(actual)))
            candidates[key] = [
                j for _, j in group[lo:hi] if _rows_close(row, actual[j], rel_tol, abs_tol)
            ]
        return candidates[key]

    def augment(i: int, seen: set[int]) -> bool:
        """Find a free actual row for expected row i, moving other pairs along a path if need be."""
        stack, parent, found = [i], {}, None
        while stack and found is None:
            u = stack.pop()
            for j in near(u):
                if j not in seen:
                    seen.add(j)
                    parent[j] = u
                    partner_j = partner[j]
                    if partner_j is None:
                        found = j
                        break
                    stack.append(partner_j)
        if found is None:
            return False
        while found is not None:  # flip the path: each expected row on it takes its new partner
            u = parent[found]
            previous = mine[u]
            mine[u], partner[found] = found, u
            found = previous
        return True

    seen: set[int] = set()
    for i in range(len(expected)):
        if not unpaired_actual:
            break
        if mine[i] is None and augment(i, seen):
            unpaired_actual -= 1
            seen = set()  # rows reached by a failed search stay useless until a pair changes
    return leftovers()


_NUMBER = object()  # stands for "a number" in a row's shape


def _shape(row: tuple) -> tuple:
    return tuple(_NUMBER if _is_number(v) else v for v in row)


MAX_PERMUTED_COLUMNS = 6  # beyond this, columns are matched by name only (6! = 720 orders)


def _columns(result: QueryResult, order: Sequence[int]) -> QueryResult:
    return QueryResult(
        columns=tuple(result.columns[j] for j in order),
        rows=tuple(tuple(row[j] for j in order) for row in result.rows),
        truncated=result.truncated,
    )


def _column_orders(expected: QueryResult, actual: QueryResult) -> Iterator[tuple[int, ...]]:
    """Orders of the actual columns worth trying against the expected ones, likeliest first.

    A question names the columns it wants but rarely their order, so `SELECT name, id` answers
    "return id and name". Same names in another order come first; then any order in which each
    column holds the same values as the expected column it stands for (as a sorted multiset).
    """
    want = [name.lower() for name in expected.columns]
    got = [name.lower() for name in actual.columns]
    if sorted(want) == sorted(got) and len(set(got)) == len(got) and want != got:
        yield tuple(got.index(name) for name in want)
    n = len(want)
    if n < 2 or n > MAX_PERMUTED_COLUMNS:
        return

    def values(result: QueryResult, j: int) -> list:
        return sorted((row[j] for row in result.rows), key=_sort_key)

    got_values = [values(actual, j) for j in range(n)]
    fits = [
        [j for j in range(n) if _same_values(values(expected, i), got_values[j])] for i in range(n)
    ]
    for order in itertools.product(*fits):
        if len(set(order)) == n and list(order) != list(range(n)):
            yield order


def _sort_key(value: object) -> tuple[int, Any]:
    """Sorts any mix of SQLite values: numbers, then NULLs, then text, then blobs."""
    if _is_number(value):
        return (0, value)
    if value is None:
        return (1, 0)
    return (2, value) if isinstance(value, str) else (3, bytes(value))  # type: ignore[call-overload]


def _same_values(a: list, b: list) -> bool:
    return len(a) == len(b) and all(
        x == y or (_is_number(x) and _is_number(y) and _close(x, y, 1e-9, 1e-6))
        for x, y in zip(a, b, strict=True)
    )


def compare(
    expected: QueryResult,
    actual: QueryResult,
    ordered: bool,
    rel_tol: float = 1e-9,
    abs_tol: float = 1e-6,
) -> Comparison:
    """Compare a query's result with the expected one.

    Columns may come in another order and go by other names (aliases differ), but a column
    named as an expected one must hold its values (see _named). Rows are compared as a
    multiset (duplicates count), and also by position when `ordered`. NULL equals NULL; a
    number equals another within tolerance when either is a float (two integers must be
    equal); text and blobs must be equal.
    """
    result = _compare_in_order(expected, actual, ordered, rel_tol, abs_tol)
    if result.column_problem:
        return result
    named = _named(expected, actual)
    identity = tuple(range(len(actual.columns)))
    if result.match and _keeps_names(named, identity):
        return result
    misnamed = identity if result.match else None  # values that match under other names
    for order in _column_orders(expected, actual):
        permuted = _compare_in_order(expected, _columns(actual, order), ordered, rel_tol, abs_tol)
        if not permuted.match:
            continue
        if _keeps_names(named, order):
            return permuted
        misnamed = misnamed or order
    if misnamed is not None:
        return replace(result, match=False, name_problem=_swapped(expected, actual, misnamed))
    retyped = _retyped(expected, actual)
    if retyped is not None and compare(expected, retyped[0], ordered, rel_tol, abs_tol).match:
        return replace(result, type_problem=retyped[1])
    return result


def _retyped(expected: QueryResult, actual: QueryResult) -> tuple[QueryResult, str] | None:
    """The actual result with each text column that holds numbers where the expected column
    holds numbers (in place) read as numbers, and what was read so; None if there is none."""
    columns = list(zip(*actual.rows, strict=True)) if actual.rows else []
    wanted = list(zip(*expected.rows, strict=True)) if expected.rows else []
    if len(columns) != len(wanted):
        return None
    changed = []
    for i, (mine, theirs) in enumerate(zip(columns, wanted, strict=True)):
        if any(isinstance(v, str) for v in mine) and all(
            v is None or _is_number(v) for v in theirs
        ):
            numbers = [_number_in(v) for v in mine]
            if any(n is _NOT_A_NUMBER for n in numbers):
                continue
            columns[i] = tuple(numbers)
            changed.append(actual.columns[i])
    if not changed:
        return None
    rows = tuple(zip(*columns, strict=True))
    said = ", ".join(changed[:3])
    return (
        replace(actual, rows=rows),
        f"your {said} hold{'s' * (len(changed) == 1)} text where the answer has numbers",
    )


_NOT_A_NUMBER = object()


def _number_in(value: object) -> object:
    """A text's number ('12' -> 12, '0.5' -> 0.5), a non-text value as it is, or _NOT_A_NUMBER."""
    if not isinstance(value, str):
        return value
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        return _NOT_A_NUMBER
    return number if math.isfinite(number) else _NOT_A_NUMBER


def _named(expected: QueryResult, actual: QueryResult) -> dict[int, int]:
    """The actual columns that bear the name of an expected one (either way, in any case, each
    name once on each side): actual position -> expected position. Values may stand in for
    unnamed columns (`COUNT(*)` for `n`), but a column named as the answer names one is that
    one: it must hold that column's values."""
    want = [name.lower() for name in expected.columns]
    got = [name.lower() for name in actual.columns]
    return {
        j: want.index(name)
        for j, name in enumerate(got)
        if got.count(name) == 1 and want.count(name) == 1
    }


def _keeps_names(named: dict[int, int], order: Sequence[int]) -> bool:
    """Whether an order of the actual columns (expected position i <- actual order[i]) puts each
    named column under its own name."""
    return all(order[i] == j for j, i in named.items())


def _swapped(expected: QueryResult, actual: QueryResult, order: Sequence[int]) -> str:
    """'your new_users holds what returning_users should': the first columns whose name the
    matching order contradicts (never a value)."""
    named = _named(expected, actual)
    said = [  # (in the order of the user's columns)
        f"your {actual.columns[j]} holds what {expected.columns[i]} should"
        for j, i in sorted((j, i) for i, j in enumerate(order))
        if j in named and named[j] != i
    ]
    return "; ".join(said[:2]) + (f" (and {len(said) - 2} more)" if len(said) > 2 else "")


def _compare_in_order(
    expected: QueryResult,
    actual: QueryResult,
    ordered: bool,
    rel_tol: float,
    abs_tol: float,
) -> Comparison:
    if not 0 <= rel_tol < 1:
        raise ValueError("rel_tol must be in [0, 1)")
    want, got = len(expected.columns), len(actual.columns)
    if want != got:
        problem = f"expected {_count(want, 'column')}, the query returned {got}"
        return Comparison(match=False, column_problem=problem)
    missing, extra = _unpaired(expected.rows, actual.rows, rel_tol, abs_tol)
    size_problem = None
    if actual.truncated != expected.truncated:
        cut = actual if actual.truncated else expected
        who = "the query" if actual.truncated else "the expected result"
        size_problem = (
            f"{who} has more than {_count(len(cut.rows), 'row')}; only those were compared"
        )
    order_problem = None
    if ordered and not missing and not extra:
        for position, (e, a) in enumerate(zip(expected.rows, actual.rows, strict=True), start=1):
            if not _rows_close(e, a, rel_tol, abs_tol):
                order_problem = (
                    f"right rows, wrong order: row {position} should be {e!r}, not {a!r}"
                )
                break
    return Comparison(
        match=not (missing or extra or order_problem or size_problem),
        missing=[expected.rows[i] for i in missing],
        extra=[actual.rows[j] for j in extra],
        order_problem=order_problem,
        size_problem=size_problem,
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
