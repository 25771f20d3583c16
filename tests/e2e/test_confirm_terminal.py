"""A confirmation asked in a terminal: y goes ahead, Enter or Ctrl-D declines (exit 0, nothing
changed), Ctrl-C interrupts (exit 130, nothing changed)."""

from __future__ import annotations

import json
import os

import pytest

pexpect = pytest.importorskip("pexpect")

from tests.forkserver import spawn_mlprep  # noqa: E402

ANSWER = {
    "at": "2026-11-20T09:00:00.000Z",
    "card": "trees-gini-max",
    "grade": 3,
    "id": "0" * 32,
    "mode": "quiz",
    "ms": 1000,
    "v": 1,
}


def reset(mlprep_home, key: str):
    env = dict(os.environ, MLPREP_HOME=str(mlprep_home), TERM="xterm", COLUMNS="80")
    child = spawn_mlprep(
        ["progress", "reset"], env, encoding="utf-8", timeout=20, dimensions=(24, 80)
    )
    child.expect_exact("Forget all your progress? A backup is kept. [y/N]: ")
    child.send(key)
    if key == "\x03" and child.expect([pexpect.EOF, pexpect.TIMEOUT], timeout=3) == 1:
        # a SIGINT that lands after the prompt is written and before input() reads is only
        # noted, and the read waits (Python's own race, invisible to a person): a second
        # Ctrl-C interrupts it
        child.send(key)
    child.expect(pexpect.EOF)
    child.close()
    return child


@pytest.mark.parametrize(
    ("key", "code", "said"),
    [("\r", 0, "Nothing changed."), ("\x04", 0, "Nothing changed."), ("\x03", 130, "")],
    ids=["enter", "ctrl-d", "ctrl-c"],
)
def test_declining_or_interrupting_changes_nothing(mlprep_home, key, code, said):
    log = mlprep_home / "progress" / "reviews.jsonl"
    log.parent.mkdir(parents=True)
    log.write_text(json.dumps(ANSWER, separators=(",", ":")) + "\n")
    child = reset(mlprep_home, key)
    assert child.exitstatus == code, child.before
    assert said in child.before
    assert json.loads(log.read_text()) == ANSWER


def test_y_goes_ahead(mlprep_home):
    log = mlprep_home / "progress" / "reviews.jsonl"
    log.parent.mkdir(parents=True)
    log.write_text(json.dumps(ANSWER, separators=(",", ":")) + "\n")
    child = reset(mlprep_home, "y\r")
    assert child.exitstatus == 0
    assert "Removed 1 answer" in child.before
    assert log.read_text() == ""
