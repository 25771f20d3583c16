"""TERM=dumb: a terminal that cannot move the cursor gets plain numbered prompts."""

from __future__ import annotations

import io
import os

import pytest

pexpect = pytest.importorskip("pexpect")

from tests.conftest import FIXTURES, warm_deck_cache  # noqa: E402
from tests.e2e.test_quiz_terminal import exit_status  # noqa: E402
from tests.forkserver import spawn_mlprep  # noqa: E402

CURSOR_MOVES = ("\x1b[?25l", "\x1b[A", "\x1b[K", "\x1b[6n")  # hide cursor, up, erase, position


def test_a_dumb_terminal_gets_plain_prompts_without_cursor_codes(mlprep_home):
    env = dict(os.environ, MLPREP_HOME=str(mlprep_home), TERM="dumb", COLUMNS="80", LINES="30")
    args = ["quiz", "mini", "-n", "1", "--seed", "5", "--decks", str(FIXTURES / "decks")]
    warm_deck_cache(mlprep_home, args)
    child = spawn_mlprep(
        args,
        env,
        encoding="utf-8",
        timeout=20,
        dimensions=(30, 80),
    )
    child.logfile_read = seen = io.StringIO()
    child.expect("Which impurity measure")
    child.expect(r"1\) Gini impurity")  # numbered options: the plain prompter
    child.expect(r"Answer \(1-3\):")
    child.sendline("1")
    child.expect("Correct")
    assert exit_status(child) == 0
    assert not any(code in seen.getvalue() for code in CURSOR_MOVES)


@pytest.mark.parametrize(
    "args",
    [["sql", "-n", "1", "--seed", "3"], ["mock", "trees", "-n", "1", "--seed", "3"]],
    ids=["sql", "mock"],
)
def test_the_sql_editor_and_the_mock_clock_give_way_to_plain_lines(mlprep_home, args):
    """Both draw with prompt_toolkit, which wrote cursor codes to a terminal that cannot
    read them; on TERM=dumb they are plain line prompts, as every other mode's are."""
    env = dict(os.environ, MLPREP_HOME=str(mlprep_home), TERM="dumb", COLUMNS="80", LINES="30")
    warm_deck_cache(mlprep_home, args)
    child = spawn_mlprep(args, env, encoding="utf-8", timeout=20, dimensions=(30, 80))
    child.logfile_read = seen = io.StringIO()  # (all of it, not only what the last expect passed)
    if args[0] == "sql":
        child.expect("sql> ")
        child.sendline(".quit")
        child.expect(r"Stopped \(quit\)\.")
    else:
        child.expect("Mock interview")
        child.expect(r"Answer \(1-4\): ")  # (the question this seed asks first)
        child.sendline("2")
        child.expect(r"[Gg]rade")
        child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert "\x1b" not in seen.getvalue()


def test_mlprep_alone_in_a_dumb_terminal_says_why_it_lists_the_commands(mlprep_home):
    """It printed the help with no word of the menu it would draw elsewhere."""
    env = dict(os.environ, MLPREP_HOME=str(mlprep_home), TERM="dumb", COLUMNS="80", LINES="30")
    child = spawn_mlprep([], env, encoding="utf-8", timeout=20, dimensions=(30, 80))
    child.expect(r"The menu needs a terminal that can move its cursor \(TERM=dumb\)\.")
    child.expect("Usage: mlprep")
    assert exit_status(child) == 0
