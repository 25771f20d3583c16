"""Ctrl-C while SQLite is busy with an endless query ends the session at once (exit 130)."""

from __future__ import annotations

import os
import termios
import time

import pytest

pexpect = pytest.importorskip("pexpect")

from tests.conftest import FIXTURES, warm_deck_cache  # noqa: E402
from tests.forkserver import spawn_mlprep  # noqa: E402

ENDLESS = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n;"


def running_endless_query(mlprep_home):
    """`mlprep sql` in a terminal with the endless query running: the child."""
    env = dict(os.environ, MLPREP_HOME=str(mlprep_home), TERM="xterm", COLUMNS="80")
    env.update(NO_COLOR="1", PROMPT_TOOLKIT_NO_CPR="1")
    args = ["sql", "--decks", str(FIXTURES / "sqldecks"), "--tag", "fixture-sql", "-n", "1"]
    warm_deck_cache(mlprep_home, args)
    child = spawn_mlprep(
        [*args, "--time-limit", "60"],
        env,
        encoding="utf-8",
        timeout=20,  # far below the 60 s limit: only Ctrl-C can end the query in time
        dimensions=(30, 80),
    )
    child.expect("sql>")
    child.send(ENDLESS + "\r")
    child.expect_exact("FROM n;")  # the editor drew it
    child.expect_exact("\x1b[?2004l")  # and is handing the terminal back: the query runs
    # A Ctrl-C that lands before the query runs is lost (one before the editor has let go of
    # the terminal is a key it ignores): the first one goes once the terminal sends signals
    # again (its settings, as pexpect's waitnoecho reads them) and a moment more, when the
    # query has started, so that it ends the endless query instead of one a second later
    give_up = time.monotonic() + 10
    while not termios.tcgetattr(child.child_fd)[3] & termios.ISIG:
        assert time.monotonic() < give_up, "the editor never gave the terminal back"
        time.sleep(0.005)
    time.sleep(0.1)
    return child


def test_ctrl_c_stops_an_endless_query_and_the_session(mlprep_home):
    child = running_endless_query(mlprep_home)
    for _ in range(20):  # (again a second later, should it have been lost all the same)
        child.sendintr()
        if child.expect(["interrupted", pexpect.TIMEOUT], timeout=1) == 0:
            break
    child.expect(pexpect.EOF)
    output = child.before or ""
    child.close()
    assert "Traceback" not in output
    assert child.exitstatus == 130


def test_what_follows_a_ctrl_c_during_a_query_starts_at_the_lines_start(mlprep_home):
    """The terminal echoes "^C" where the cursor is: the message began after it, two columns
    in, and at 40 columns wrapped as "Not counted as / a / try."."""
    child = running_endless_query(mlprep_home)
    for _ in range(20):
        child.sendintr()
        if child.expect(["Query stopped", pexpect.TIMEOUT], timeout=1) == 0:
            break
    assert (child.before or "").endswith("\r")  # (after the echoed ^C, if any)
    child.sendintr()  # (at the prompt: the session ends)
    child.expect(pexpect.EOF)
    child.close()
