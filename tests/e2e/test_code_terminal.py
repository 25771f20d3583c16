"""`mlprep code` in a real pseudo-terminal with a real editor (vim): the stub opens, the user
replaces it with a solution and quits, the tests run and the drill is graded."""

from __future__ import annotations

import json
import shutil

import pexpect
import pytest

from tests.e2e.test_quiz_terminal import exit_status, spawn

SOLUTION = """\
import numpy as np

def one_hot(y, num_classes):
    return np.eye(num_classes)[y]
"""


@pytest.mark.skipif(shutil.which("vim") is None, reason="needs vim")
def test_a_drill_edited_in_vim_is_tested_and_recorded(mlprep_home, tmp_path, monkeypatch):
    solution = tmp_path / "solution.py"
    solution.write_text(SOLUTION)
    monkeypatch.setenv("EDITOR", "vim -u NONE -N")
    monkeypatch.delenv("VISUAL", raising=False)
    child = spawn(["code", "coding-one-hot"], mlprep_home)
    child.expect("coding-one-hot")
    child.expect("raise NotImplementedError")  # vim shows the stub
    child.send(f"\x1b:%d\r:0r {solution}\r:wq\r")
    child.expect("Passed: all 5 tests.")
    child.expect("Recorded: Good.")
    child.expect("1 drill: 1 Good.")
    assert exit_status(child) == 0
    assert (mlprep_home / "code" / "coding-one-hot.py").read_text().strip() == SOLUTION.strip()
    events = [
        json.loads(line)
        for line in (mlprep_home / "progress" / "reviews.jsonl").read_text().splitlines()
    ]
    assert [(e["card"], e["grade"], e["mode"]) for e in events] == [("coding-one-hot", 3, "code")]


@pytest.mark.skipif(shutil.which("vim") is None, reason="needs vim")
def test_after_a_failed_run_one_key_picks_the_next_step(mlprep_home, tmp_path, monkeypatch):
    """In a terminal the step after a failed run is one key press, as its labels say: "a"
    alone shows the reference answer and records Again (no Enter needed)."""
    wrong = tmp_path / "wrong.py"
    wrong.write_text(SOLUTION.replace("np.eye(num_classes)[y]", "np.eye(num_classes)[y] * 2"))
    monkeypatch.setenv("EDITOR", "vim -u NONE -N")
    monkeypatch.delenv("VISUAL", raising=False)
    child = spawn(["code", "coding-one-hot"], mlprep_home)
    child.expect("raise NotImplementedError")
    child.send(f"\x1b:%d\r:0r {wrong}\r:wq\r")
    child.expect(r"\[q\]uit: ")
    child.send("x")
    child.expect("Please press r, a, n or q.")
    child.expect(r"\[q\]uit: ")
    child.send("a")
    child.expect("Reference answer:")
    child.expect("Recorded: Again.")
    child.expect("1 drill: 1 Again.")
    assert exit_status(child) == 0


def test_ctrl_c_at_the_next_step_stops_on_a_line_of_its_own(mlprep_home, tmp_path, monkeypatch):
    """The summary after Ctrl-C at the one-key prompt went on that prompt's line, broken
    mid-word at the terminal's edge."""
    from tests.cli.test_code_command import editor_copying

    wrong = tmp_path / "wrong.py"
    wrong.write_text(SOLUTION.replace("np.eye(num_classes)[y]", "np.eye(num_classes)[y] * 2"))
    monkeypatch.setenv("EDITOR", editor_copying(wrong))  # (an editor that writes it at once)
    monkeypatch.delenv("VISUAL", raising=False)
    child = spawn(["code", "coding-one-hot"], mlprep_home)
    child.expect(r"\[q\]uit: ")
    child.sendcontrol("c")
    child.expect("\r\nStopped \\(interrupted\\)\\.")
    # (the drill stopped at was tried and failed: not "not reached", not "No drills done")
    child.expect("1 drill: 1 failed \\(not recorded\\).")
    assert exit_status(child) == 130


def test_a_termination_signal_while_the_editor_is_open_leaves_the_editor_alone(
    mlprep_home, tmp_path
):
    """SIGTERM to mlprep while the editor had the terminal made mlprep kill the editor on
    its way out, leaving the editor's screen and raw mode behind; it now ends mlprep alone
    (as before mlprep handled the signal), and the editor puts the terminal back itself."""
    import os
    import signal
    import sys
    import time

    started = tmp_path / "editor.pid"
    editor = tmp_path / "editor.sh"
    editor.write_text(f"#!/bin/sh\necho $$ > {started}\nexec sleep 30\n")
    editor.chmod(0o755)
    env = dict(os.environ, MLPREP_HOME=str(mlprep_home), EDITOR=str(editor), TERM="xterm")
    child = pexpect.spawn(
        sys.executable, ["-m", "mlprep", "code", "coding-one-hot"], env=env, timeout=20
    )
    for _ in range(200):
        if started.exists() and started.read_text().strip():
            break
        time.sleep(0.05)
    editor_pid = int(started.read_text())
    child.kill(signal.SIGTERM)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGTERM  # ended outright, not through an exit
    try:
        os.kill(editor_pid, 0)  # the editor is still there, to end as it will
    finally:
        os.kill(editor_pid, signal.SIGKILL)
