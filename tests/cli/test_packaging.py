"""The wheel carries every built-in deck, and the guide to writing one, inside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from tests.conftest import REPO


def test_the_wheel_contains_the_package_and_every_deck(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("mlprep-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    decks = sorted(p.name for p in (REPO / "content" / "decks").glob("*.yaml"))
    assert decks, "no built-in decks found"
    for deck in decks:
        assert f"mlprep/content/decks/{deck}" in names
    for sql in (REPO / "content" / "sql").glob("*.sql"):
        assert f"mlprep/content/sql/{sql.name}" in names
    assert "mlprep/cli/app.py" in names
    assert "mlprep/docs/deck-format.md" in names  # (mlprep decks --guide)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "mlprep = mlprep.cli.launch:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
