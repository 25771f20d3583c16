"""Every built-in SQL card's reference solution runs in the sandbox on its database."""

from __future__ import annotations

import re

import pytest

from mlprep.decks import load_files
from mlprep.model import CardType
from mlprep.paths import builtin_content_dir
from mlprep.sqlsandbox import SampleDatabase

REPORT = load_files([builtin_content_dir() / "decks"], builtin=True)
SQL_CARDS = [card for deck in REPORT.decks for card in deck.cards if card.type == CardType.SQL]


def has_outer_order_by(sql: str) -> bool:
    """True when the statement itself ends in ORDER BY: not only a window's or a subquery's."""
    # Drop strings and comments (one pass, so a quote in a comment or `--` in a string is right),
    # then every parenthesised part, innermost first.
    text = re.sub(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", " ", sql, flags=re.S)
    while (inner := re.sub(r"\([^()]*\)", " ", text)) != text:
        text = inner
    return re.search(r"\border\s+by\b", text, flags=re.I) is not None


def by_id(cards):
    return [pytest.param(card, id=card.id) for card in cards]


def test_the_builtin_decks_have_sql_cards():
    assert SQL_CARDS, [str(problem) for problem in REPORT.problems]


@pytest.mark.parametrize("card", by_id(SQL_CARDS))
def test_solution_runs_and_returns_rows(card):
    result = SampleDatabase.named(card.db).run(card.solution)
    assert result.rows != ()
    assert not result.truncated  # the whole reference result fits under the row cap


@pytest.mark.parametrize("card", by_id(card for card in SQL_CARDS if card.ordered))
def test_ordered_solution_has_order_by(card):
    assert has_outer_order_by(card.solution)


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
