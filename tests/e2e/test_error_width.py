"""An error in a terminal fits its width (80 columns at most); piped, it stays one line."""

from __future__ import annotations

import os
import subprocess
import sys

import pexpect
import pytest

from tests.forkserver import command, spawn_mlprep


def long_missing_file(tmp_path):
    deep = tmp_path / ("a-rather-long-directory-name-" * 3) / "and-another-level-below-it"
    return deep / "questions-exported-from-a-spreadsheet.csv"


@pytest.mark.parametrize("columns", [100, 60])
def test_an_error_wraps_to_the_terminal(tmp_path, columns):
    missing = long_missing_file(tmp_path)
    env = dict(os.environ, MLPREP_HOME=str(tmp_path / "home"), TERM="xterm-256color")
    for name in ("COLUMNS", "LINES"):
        env.pop(name, None)
    child = spawn_mlprep(
        ["import", str(missing), "--deck", "sheet"],
        env,
        encoding="utf-8",
        timeout=20,
        dimensions=(30, columns),
    )
    child.expect(pexpect.EOF)
    child.close()
    lines = child.before.replace("\r\n", "\n").rstrip("\n").split("\n")
    assert child.exitstatus != 0
    assert lines[0].startswith("Error: ")
    assert len(lines) > 1 and max(map(len, lines)) <= min(columns, 80)
    # nothing is lost: the lines joined again give the whole path
    assert str(missing) in "".join(line.removeprefix("  ") for line in lines)


def test_a_piped_error_stays_one_line(tmp_path):
    missing = long_missing_file(tmp_path)
    env = dict(os.environ, MLPREP_HOME=str(tmp_path / "home"))
    result = subprocess.run(
        command(
            "mlprep",
            [sys.executable, "-m", "mlprep", "import", str(missing), "--deck", "sheet"],
            env,
        ),
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1 and str(missing) in result.stderr
