"""Shared fixtures: every test gets its own MLPREP_HOME, and a CLI runner with a fake clock."""

from __future__ import annotations

import itertools
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlprep.cli.app import app
from mlprep.cli.state import Environment

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
FIXED_NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def parsed_builtin_decks(tmp_path_factory) -> Path:
    """The deck cache of the built-in decks, built once per test run."""
    from mlprep.decks import load_library
    from mlprep.paths import builtin_content_dir

    cache = tmp_path_factory.mktemp("deck-cache")
    load_library([builtin_content_dir() / "decks"], [], cache)
    return cache / "decks.pickle"


@pytest.fixture(autouse=True)
def mlprep_home(tmp_path, monkeypatch, parsed_builtin_decks) -> Path:
    home = tmp_path / "home"
    # a warm deck cache, so a command does not parse every built-in deck in every test
    (home / "cache").mkdir(parents=True)
    shutil.copy(parsed_builtin_decks, home / "cache")
    monkeypatch.setenv("MLPREP_HOME", str(home))
    monkeypatch.delenv("MLPREP_DECKS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "80")  # output is laid out for the terminal's width
    monkeypatch.setenv("LINES", "24")
    return home


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def fake_clock(step: float = 1.0):
    """A monotonic clock that advances `step` seconds every time it is read."""
    counter = itertools.count()
    return lambda: next(counter) * step


@pytest.fixture
def cli():
    """Run mlprep in-process: cli(args, input) -> Result with separate stdout and stderr."""

    def run(*args: str, input: str | None = None) -> Result:
        runner = CliRunner()
        env = Environment(clock=fake_clock(), now=lambda: FIXED_NOW)
        result = runner.invoke(app, list(args), input=input, obj=env, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def deck_dir(tmp_path) -> Path:
    """A writable copy of the fixture decks."""
    target = tmp_path / "decks"
    shutil.copytree(FIXTURES / "decks", target)
    return target


@pytest.fixture(scope="module")
def decks():
    """The fixture decks the export tests render: one of each card kind, plus code and markup."""
    from mlprep.decks import load_files

    report = load_files(
        [FIXTURES / "decks" / "mini.yaml", FIXTURES / "export" / "demo.yaml"], builtin=False
    )
    assert report.problems == []
    return report.decks
