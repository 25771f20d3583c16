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


def wall_times(commands: dict[str, list[str]], env: dict[str, str], runs: int) -> dict:
    """Median wall-clock seconds per command. Runs are interleaved (one of each per round) so
    that a busy moment on the machine slows every command alike, not just one."""
    samples: dict[str, list[float]] = {label: [] for label in commands}
    for argv in commands.values():  # warm-up: page cache, .pyc files, mlprep's deck cache
        subprocess.run(argv, env=env, capture_output=True, check=True)
    for _ in range(runs):
        for label, argv in commands.items():
            start = time.perf_counter()
            subprocess.run(argv, env=env, capture_output=True, check=True)
            samples[label].append(time.perf_counter() - start)
    return {label: statistics.median(times) for label, times in samples.items()}


def bench_env(home: str) -> dict[str, str]:
    """The environment of a normal install: bytecode caching on (some sandboxes and CI images
    set PYTHONDONTWRITEBYTECODE, which makes every run recompile mlprep from source)."""
    env = dict(os.environ, MLPREP_HOME=home)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = bench_env(home)
        hello = Path(home) / "hello.py"
        hello.write_text(HELLO)
        mlprep = [sys.executable, "-m", "mlprep"]
        commands = {
            "typer hello-world": [sys.executable, str(hello), "--name", "x"],
            "mlprep --version": [*mlprep, "--version"],
            "mlprep --help": [*mlprep, "--help"],
            "mlprep decks": [*mlprep, "decks"],
            "mlprep decks --json": [*mlprep, "decks", "--json"],
        }
        medians = wall_times(commands, env, args.runs)
    baseline = medians["typer hello-world"]
    print(f"{'command':<28}{'median':>10}{'vs hello':>10}")
    for label, seconds in medians.items():
        print(f"{label:<28}{seconds * 1000:>8.0f}ms{seconds / baseline:>9.2f}x")
    print("goal: mlprep decks <= 1.50x")


if __name__ == "__main__":
    main()
