"""`mlprep tags` and the one message for a --tag that lives in other decks."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES

MINI = ["--decks", str(FIXTURES / "decks")]


def test_tags_lists_each_tag_with_its_card_count(cli):
    result = cli("tags", "mini", *MINI)
    assert result.exit_code == 0
    assert result.stdout == "testing  4   impurity 3   numeric  1   variance 1\n4 tags.\n"


def test_a_deck_without_tags_says_so_once(cli, tmp_path):
    (tmp_path / "bare.yaml").write_text(
        "id: bare\ntitle: Bare\ncards:\n  - id: bare-1\n    q: A question?\n    a: An answer.\n"
    )
    result = cli("tags", "bare", "--decks", str(tmp_path))
    assert (result.exit_code, result.stdout) == (0, "No tags.\n")


def test_tags_fill_fewer_columns_in_a_narrow_terminal(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "26")
    result = cli("tags", "mini", *MINI)
    assert result.stdout == "testing  4   numeric  1\nimpurity 3   variance 1\n4 tags.\n"


def test_a_long_tag_is_listed_whole(cli, tmp_path):
    """Tags over 22 characters were cut ("curse-of-dimensiona..."): the list is what --tag
    takes."""
    (tmp_path / "long.yaml").write_text(
        "id: long\ntitle: Long\ncards:\n  - id: long-1\n    q: A question?\n    a: An answer.\n"
        "    tags: [curse-of-dimensionality, distributional-hypothesis, knn]\n"
    )
    result = cli("tags", "long", "--decks", str(tmp_path))
    words = result.stdout.split()
    assert {"curse-of-dimensionality", "distributional-hypothesis"} <= set(words)
    assert "..." not in result.stdout


def test_tags_json(cli):
    data = json.loads(cli("tags", "mini", "--json", *MINI).stdout)
    assert data == [
        {"tag": "testing", "cards": 4},
        {"tag": "impurity", "cards": 3},
        {"tag": "numeric", "cards": 1},
        {"tag": "variance", "cards": 1},
    ]


@pytest.mark.parametrize("command", ["quiz", "flash", "review", "drill"])
def test_a_tag_of_another_deck_says_where_it_is(cli, command):
    result = cli(command, "trees", "--tag", "boosting", "--plain")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: tag 'boosting' is in ensembles, not in trees.\n",
    )


def test_a_tag_nowhere_still_suggests_the_nearest(cli):
    result = cli("quiz", "mini", "--tag", "impurty", *MINI)
    assert result.stderr == "Error: No card has tag 'impurty'. Did you mean 'impurity'?\n"
