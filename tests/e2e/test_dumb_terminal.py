"""TERM=dumb: a terminal that cannot move the cursor gets plain numbered prompts."""

from __future__ import annotations

import os

import pytest

pexpect = pytest.importorskip("pexpect")

from tests.conftest import FIXTURES, warm_deck_cache  # noqa: E402
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
    child.expect("Which impurity measure")
    child.expect(r"1\) Gini impurity")  # numbered options: the plain prompter
    child.expect(r"Answer \(1-3\):")
    child.sendline("1")
    child.expect("Correct")
    child.expect(pexpect.EOF)
    seen = child.before
    child.close()
    assert child.exitstatus == 0
    assert not any(code in seen for code in CURSOR_MOVES)
