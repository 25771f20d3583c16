"""Every built-in SQL card's reference solution runs in the sandbox on its database."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
import yaml

from mlprep.decks import LoadReport, deck_files, load_files
from mlprep.errors import MlprepError
from mlprep.model import Card, CardType
from mlprep.paths import builtin_content_dir
from mlprep.sqlsandbox import SampleDatabase, judge

# Classic wrong answers to the built-in SQL cards: card id -> [{mistake, sql}].
SQL_TRAPS = Path(__file__).resolve().parent.parent / "fixtures" / "sql_traps.yaml"
# Right answers in other styles than the solutions, by another hand: card id -> [{style, sql}].
SQL_ALTERNATIVES = SQL_TRAPS.with_name("sql_alternatives.yaml")


# Read when a test first asks, not by every parallel worker that collects the module: only
# the built-in deck files that say "sql" somewhere (a card's `type: sql` says it), not the
# whole bank. Each check goes through every card in one test and lists the cards that fail
# it (a test each cost more than the check).
@functools.cache
def sql_report() -> LoadReport:
    return load_files(
        [
            path
            for path in deck_files(builtin_content_dir() / "decks")
            if "sql" in path.read_text(encoding="utf-8").lower()
        ],
        builtin=True,
    )


@functools.cache
def sql_cards() -> list[Card]:
    return [card for deck in sql_report().decks for card in deck.cards if card.type == CardType.SQL]


def has_outer_order_by(sql: str) -> bool:
    """True when the statement itself ends in ORDER BY: not only a window's or a subquery's."""
    # Drop strings and comments (one pass, so a quote in a comment or `--` in a string is right),
    # then every parenthesised part, innermost first.
    text = re.sub(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", " ", sql, flags=re.S)
    while (inner := re.sub(r"\([^()]*\)", " ", text)) != text:
        text = inner
    return re.search(r"\border\s+by\b", text, flags=re.I) is not None


def test_the_builtin_decks_have_sql_cards():
    assert sql_cards(), [str(problem) for problem in sql_report().problems]


def test_every_solution_runs_and_returns_rows():
    wrong = []
    for card in sql_cards():
        try:
            result = SampleDatabase.named(card.db).run(card.solution)
        except MlprepError as error:
            wrong.append((card.id, error.message))
            continue
        # no rows, or more than the row cap (the whole reference result must fit under it)
        if result.rows == () or result.truncated:
            wrong.append((card.id, f"{len(result.rows)} rows", result.truncated))
    assert wrong == []


def judged(fixture: Path, label: str) -> list[tuple[str, str, bool | str]]:
    """Each query of a fixture (card id -> [{label, sql}]) run on its card's database: (card
    id, its label, whether the judge matched it with the solution's result, or why it does
    not run)."""
    queries = yaml.safe_load(fixture.read_text(encoding="utf-8"))
    cards = {card.id: card for card in sql_cards()}
    assert sorted(set(queries) - set(cards)) == []
    outcomes: list[tuple[str, str, bool | str]] = []
    for card_id, entries in queries.items():
        card = cards[card_id]
        db = SampleDatabase.named(card.db)
        expected = db.run(card.solution)
        for entry in entries:
            try:
                actual = db.run(entry["sql"])
            except MlprepError as error:
                outcomes.append((card_id, entry[label], f"does not run: {error.message}"))
                continue
            matched = judge(expected, actual, card.ordered, entry["sql"]).match
            outcomes.append((card_id, entry[label], matched))
    return outcomes


def test_every_known_wrong_query_is_judged_wrong():
    """Each wrong query in the fixture must differ from its card's solution on the sample data:
    if the data holds no row that shows the mistake (a tie, a NULL, a zero, a second year), a
    candidate who makes it is told "Correct!"."""
    outcomes = judged(SQL_TRAPS, "mistake")
    assert [(card, mistake, got) for card, mistake, got in outcomes if got is not False] == []


def test_every_right_answer_in_another_style_is_judged_right():
    """Right answers written from the questions alone (a CTE for a subquery, NOT EXISTS for
    an anti-join, other aliases and column orders, an ORDER BY nobody asked for) must be told
    "Correct!": a question that can be read two ways, or a comparison stricter than the
    question, fails a candidate who answered it."""
    outcomes = judged(SQL_ALTERNATIVES, "style")
    assert {card for card, _, _ in outcomes} == {card.id for card in sql_cards()}  # every card
    assert [(card, style, got) for card, style, got in outcomes if got is not True] == []


def test_every_ordered_solution_has_order_by():
    ordered = [card for card in sql_cards() if card.ordered]
    assert ordered
    assert [card.id for card in ordered if not has_outer_order_by(card.solution)] == []


@pytest.mark.parametrize(
    ("sql", "ordered"),
    [
        ("SELECT x FROM t ORDER BY x DESC", True),
        ("select x from t\norder   by 1;", True),
        ("WITH a AS (SELECT x FROM t ORDER BY x) SELECT x FROM a ORDER BY x", True),
        ("WITH a AS (SELECT x FROM t ORDER BY x) SELECT x FROM a", False),
        ("SELECT ROW_NUMBER() OVER (ORDER BY x) FROM t", False),
        ("SELECT 'order by' FROM t", False),
        ("SELECT x FROM t -- order by x", False),
        ("SELECT x FROM t /* don't order by */", False),
        ("SELECT x AS border_by FROM t", False),
    ],
)
def test_has_outer_order_by(sql, ordered):
    assert has_outer_order_by(sql) is ordered


# Solutions must run on SQLite 3.31 (Ubuntu 20.04; Debian 11 and RHEL 9 ship 3.34, Ubuntu 22.04
# 3.37). Each entry: what is refused, and the release that brought it.
NEWER_THAN_3_31 = {
    r"\bFULL\s+(OUTER\s+)?JOIN\b": "FULL JOIN (3.39)",
    r"\bRIGHT\s+(OUTER\s+)?JOIN\b": "RIGHT JOIN (3.39)",
    r"->": "the -> and ->> operators (3.38)",
    r"\bRETURNING\b": "RETURNING (3.35)",
    r"\bMATERIALIZED\b": "MATERIALIZED hints (3.35)",
    r"\bUPDATE\b[^;]*\bFROM\b": "UPDATE FROM (3.33)",
    r"\b(unixepoch|format|timediff|octet_length|unhex|string_agg|concat|concat_ws|median|"
    r"percentile(_cont|_disc)?)\s*\(": "a function added after 3.31",
    r"\biif\s*\(": "iif() (3.32)",
    # Math functions (3.35) exist only in builds compiled with them.
    r"\b(ln|log|log2|log10|exp|pow|power|sqrt|floor|ceil|ceiling|trunc|sign|pi|mod|acos|asin|"
    r"atan|atan2|cos|sin|tan|degrees|radians)\s*\(": "a math function (3.35, optional)",
}


def newer_features(sql: str) -> list[str]:
    text = re.sub(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", " ", sql, flags=re.S)
    return [what for pattern, what in NEWER_THAN_3_31.items() if re.search(pattern, text, re.I)]


def test_every_solution_runs_on_sqlite_3_31():
    newer = {card.id: newer_features(card.solution) for card in sql_cards()}
    assert {card: features for card, features in newer.items() if features} == {}


def test_sample_databases_build_on_sqlite_3_31():
    from mlprep.sqlsandbox import builtin_sql_dir

    for script in sorted(builtin_sql_dir().glob("*.sql")):
        assert newer_features(script.read_text()) == [], script.name


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM a FULL OUTER JOIN b ON a.id = b.id",
        "SELECT * FROM a RIGHT JOIN b USING (id)",
        "SELECT unixepoch(t) FROM a",
        "SELECT iif(x > 0, 1, 0) FROM a",
        "SELECT data ->> '$.k' FROM a",
        "SELECT LN(x) FROM a",
    ],
)
def test_the_portability_check_refuses_newer_sql(sql):
    assert newer_features(sql)


def test_the_portability_check_ignores_strings_and_comments():
    assert newer_features("SELECT 'full join', x -- right join\nFROM a") == []
