"""`make run` through make itself, with a stand-in mlprep that exits as the real one would."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make_run(tmp_path: Path, code: int) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "mlprep"
    fake.write_text(f"#!/bin/sh\nexit {code}\n")
    fake.chmod(0o755)
    stamp = tmp_path / "installed"
    stamp.touch()  # newer than pyproject.toml: nothing to install
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-C",
            str(ROOT),
            "run",
            f"BIN={bin_dir}",
            f"STAMP={stamp}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_leaving_make_run_with_ctrl_c_is_not_an_error(tmp_path):
    result = make_run(tmp_path, 130)
    assert result.returncode == 0
    assert "Error" not in result.stdout + result.stderr


def test_make_run_still_fails_when_mlprep_fails(tmp_path):
    result = make_run(tmp_path, 1)
    assert result.returncode == 2
    assert "Error 1" in result.stderr
