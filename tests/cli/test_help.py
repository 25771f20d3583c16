"""Every command has a one-line summary, an example, and a place in the README."""

from __future__ import annotations

import pytest

from mlprep.cli import app
from tests.conftest import REPO

COMMANDS = sorted(app.COMMANDS)


def test_the_command_list_is_what_we_expect():
    assert {"quiz", "decks", "show", "search", "validate"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(cli, name):
    result = cli(name, "--help")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Usage: mlprep {name} ")
    summary = lines[2].strip()
    assert summary.endswith(".") and len(summary) <= 60
    assert "Example" in result.stdout and f"mlprep {name}" in result.stdout.split("Example")[1]
    assert all(len(line) <= 80 for line in lines)


def test_every_command_is_in_the_readme():
    readme = (REPO / "README.md").read_text()
    assert [name for name in COMMANDS if f"mlprep {name}" not in readme] == []


def test_top_level_help_lists_every_command(cli):
    out = cli("--help").stdout
    for name in COMMANDS:
        assert f"\n  {name} " in out


def test_the_listed_summary_is_the_commands_own():
    """`mlprep --help` lists summaries without importing the commands; they must not drift
    from each command's own help. (Every command in one test, which lists those that drift.)"""
    drifted = {}
    for name in [*app.COMMANDS, *app.GROUPS]:
        own = app.build_command(name).get_short_help_str(limit=200)
        if own != app.summary(name):
            drifted[name] = (own, app.summary(name))
    assert drifted == {}


def test_no_help_breaks_a_word_at_its_hyphen(monkeypatch):
    """Examples keep their lines (a card id broke at its hyphen when a help text was rewrapped
    to a terminal's 80 columns). Every command and group at 80 columns as a terminal gets them
    (a test runner forces its own width), in one test that lists those that break. (Narrower,
    a compound word such as "space-separated" may break at its hyphen, as in print.)"""
    import re

    broken = {}
    monkeypatch.setenv("COLUMNS", "80")
    for name in [*app.COMMANDS, *app.GROUPS]:
        command = app.build_command(name)
        context = command.context_class(command, info_name=name, max_content_width=80)
        lines = command.get_help(context).splitlines()
        ends = [line for line in lines if re.search(r"\w-$", line)]
        if ends:
            broken[name] = ends
    assert broken == {}


def test_help_is_wrapped_to_a_narrow_terminal(cli, monkeypatch):
    """Help was laid out at least 50 columns wide (click's floor): at 44 it ran past the edge.
    (Below 40 it stays 38 wide: its option column left the descriptions a word a line.)"""
    monkeypatch.setenv("COLUMNS", "44")
    lines = cli("quiz", "--help").stdout.splitlines()
    prose = lines[: lines.index("Options:")]
    examples = [line for line in prose if line.lstrip().startswith(("mlprep ", "printf "))]
    assert all(len(line) <= 44 for line in prose if line not in examples)  # (verbatim)
    assert "  Quiz yourself on one or more decks." in prose
    monkeypatch.setenv("COLUMNS", "30")
    commands = cli("--help").stdout.splitlines()
    assert "  review      Review every card..." in commands  # (not "Review...")
