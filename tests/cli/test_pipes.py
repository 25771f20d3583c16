"""Output into a pipe: no colour codes, and a reader that goes away is not an error message."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.forkserver import command


def test_a_closed_pipe_stops_quietly(mlprep_home):
    env = dict(os.environ, MLPREP_HOME=str(mlprep_home))
    done = subprocess.run(
        f"{sys.executable} -m mlprep export --all --format md -o - | head -n 1",
        shell=True,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.stdout.startswith("# ")
    assert "Error" not in done.stderr and "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr


def test_piped_stats_and_quiz_have_no_terminal_codes(mlprep_home):
    env = dict(os.environ, MLPREP_HOME=str(mlprep_home))
    quiz = subprocess.run(
        command(
            "mlprep",
            [sys.executable, "-m", "mlprep", "quiz", "trees", "-n", "2", "--seed", "1"],
            env,
        ),
        input="1\n\n3\n",
        env=env,
        capture_output=True,
        text=True,
    )
    stats = subprocess.run(
        command("mlprep", [sys.executable, "-m", "mlprep", "stats", "trees"], env),
        env=env,
        capture_output=True,
        text=True,
    )
    for output in (quiz.stdout, stats.stdout):
        assert "\x1b[" not in output
        assert all(
            len(line) <= 80
            for line in output.splitlines()
            if not line.startswith(("Select all", "Answer (", "Your answer", "Grade ("))
        )
    assert "Answered 2 cards" in quiz.stdout
    assert stats.stdout.startswith("deck ")
