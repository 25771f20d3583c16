"""Fast paths stay fast: --help, --version and decks never import the interactive stack."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "questionary",
    "prompt_toolkit",
    "rich.markdown",
    "markdown_it",
    "fsrs",
    "genanki",
    "numpy",  # only the commands that run a coding drill import it
)

PROBE = """
import json, sys
sys.argv = ["mlprep", *json.loads(sys.argv[1])]
from mlprep.cli.app import main
try:
    main()
except SystemExit:
    pass
print("\\nMODULES=" + json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [["--help"], ["--version"], ["decks"], ["decks", "--json"], ["code", "--help"], ["validate"]],
)
def test_fast_commands_do_not_import_the_interactive_stack(args, mlprep_home):
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True, check=True
    )
    modules = json.loads(done.stderr.rsplit("MODULES=", 1)[1])
    loaded = [m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY]
    assert loaded == []


def loaded_modules(args: list[str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stderr.rsplit("MODULES=", 1)[1])


@pytest.mark.parametrize("args", [["decks"], ["tags"], ["--version"]])
def test_listing_from_the_deck_cache_imports_only_what_it_needs(args, mlprep_home):
    """With the deck cache in place (the fixture copies it in), listing decks or tags parses no
    YAML, reads no card, and loads neither the sessions, SQLite nor the other commands."""
    modules = loaded_modules(args)
    unwanted = ("yaml", "mlprep.schema", "mlprep.sessions", "mlprep.kinds", "sqlite3", "rich")
    assert [m for m in modules if m.split(".")[0] in unwanted or m in unwanted] == []
    others = {"mlprep.cli.study", "mlprep.cli.quiz", "mlprep.cli.progress", "mlprep.cli.stats"}
    assert others.isdisjoint(modules)


def test_a_review_without_sql_cards_or_a_plan_imports_neither_sqlite_nor_the_planner(
    mlprep_home,
):
    from tests.conftest import FIXTURES

    args = ["review", "mini", "--plain", "--decks", str(FIXTURES / "decks")]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        check=True,
        input="",
    )
    assert "[1/" in done.stdout  # a card was asked
    modules = json.loads(done.stderr.rsplit("MODULES=", 1)[1])
    assert [m for m in modules if m.startswith(("sqlite3", "mlprep.sqlsandbox"))] == []
    assert "mlprep.plan" not in modules
