"""Start-up benchmark: wall time of fast commands beside a minimal Typer app's.

Prints numbers; it asserts nothing. Goal: `mlprep decks` within 1.5x of hello-world Typer.
Run with `make bench` (or `python bench/startup.py --runs 20`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HELLO = """
import typer
app = typer.Typer()
@app.command()
def hello(name: str = "world"):
    print(f"hello {name}")
app()
"""


def wall_time(argv: list[str], env: dict[str, str], runs: int) -> float:
    """Median wall-clock seconds over `runs` runs, after one warm-up run."""
    subprocess.run(argv, env=env, capture_output=True, check=True)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, MLPREP_HOME=home)
        hello = Path(home) / "hello.py"
        hello.write_text(HELLO)
        baseline = wall_time([sys.executable, str(hello), "--name", "x"], env, args.runs)
        print(f"{'command':<28}{'median':>10}{'vs hello':>10}")
        print(f"{'typer hello-world':<28}{baseline * 1000:>8.0f}ms{1.0:>9.2f}x")
        for label, argv in [
            ("mlprep --version", ["--version"]),
            ("mlprep --help", ["--help"]),
            ("mlprep decks", ["decks"]),
            ("mlprep decks --json", ["decks", "--json"]),
        ]:
            seconds = wall_time([sys.executable, "-m", "mlprep", *argv], env, args.runs)
            print(f"{label:<28}{seconds * 1000:>8.0f}ms{seconds / baseline:>9.2f}x")
    print("goal: mlprep decks <= 1.50x")


if __name__ == "__main__":
    main()
