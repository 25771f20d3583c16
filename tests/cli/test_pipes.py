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


def test_closed_standard_streams_end_input_or_fail_in_one_line(mlprep_home):
    """A closed input reads as ended; a closed output is one line and exit 1, as a full disk
    (both failed with an AttributeError). Real processes: the streams are closed at start."""
    env = dict(os.environ, MLPREP_HOME=str(mlprep_home))
    program = f"{sys.executable} -m mlprep"
    quiz = subprocess.run(
        f"{program} quiz trees -n 1 <&-", shell=True, env=env, capture_output=True, text=True
    )
    assert quiz.returncode == 0 and "Stopped (end of input)" in quiz.stdout
    decks = subprocess.run(
        f"{program} decks >&-", shell=True, env=env, capture_output=True, text=True
    )
    assert (decks.returncode, decks.stderr) == (
        1,
        "Error: cannot write to standard output: it is closed\n",
    )


def test_a_terminal_that_cannot_show_a_character_gets_a_question_mark(mlprep_home):
    """In an ASCII locale, "·" and the stats chart's blocks stopped quiz and stats with a
    UnicodeEncodeError (an open answer typed but not graded was lost)."""
    env = dict(
        os.environ,
        MLPREP_HOME=str(mlprep_home),
        LC_ALL="C",
        PYTHONUTF8="0",
        PYTHONCOERCECLOCALE="0",
    )
    env.pop("PYTHONIOENCODING", None)
    program = [sys.executable, "-m", "mlprep"]
    quiz = subprocess.run(
        [*program, "quiz", "trees", "-n", "2", "--seed", "1"],
        input=b"1\n\n3\n",
        env=env,
        capture_output=True,
    )
    assert quiz.returncode == 0, quiz.stderr
    assert b"Answered 2 cards" in quiz.stdout
    stats = subprocess.run([*program, "stats"], env=env, capture_output=True)
    assert stats.returncode == 0, stats.stderr


def test_an_export_whose_reader_goes_away_midway_does_not_say_it_exported(mlprep_home):
    """A reader that takes a little and goes away (`| head`) cut the export's one long write
    short, and Python dropped the rest without an error: "Exported 31 decks (1421 cards) to
    standard output.", exit 0. The rest now meets the closed pipe: quiet, exit 1."""
    env = dict(os.environ, MLPREP_HOME=str(mlprep_home))
    export = subprocess.Popen(
        [sys.executable, "-m", "mlprep", "export", "--all", "--format", "md", "-o", "-"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert export.stdout is not None
    assert os.read(export.stdout.fileno(), 10).startswith(b"# ")
    export.stdout.close()
    _, stderr = export.communicate(timeout=60)
    assert (export.returncode, stderr) == (1, b"")
