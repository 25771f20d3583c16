"""Start-up benchmark: wall time of fast commands beside a minimal Typer app's.

Prints numbers; it asserts nothing. Goal: `mlprep decks` within 1.3x of hello-world Typer, with
the built-in decks and with 10,000 cards of user decks (the deck cache warm, as after any
earlier run). Run with `make bench` (or `python bench/startup.py --runs 20 --cards 0,10000`).
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


def measure(commands: dict[str, list[str]], env: dict[str, str], runs: int) -> dict:
    """Per command: the median wall-clock seconds, the least CPU seconds (user + system: a busy
    machine inflates it less than the wall clock) and the peak MiB. Runs are interleaved (one
    of each per round) so that a busy moment slows every command alike, not just one."""
    samples: dict[str, list[tuple[float, float, float]]] = {label: [] for label in commands}
    for argv in commands.values():  # warm-up: page cache, .pyc files, mlprep's deck cache
        subprocess.run(argv, env=env, capture_output=True, check=True)
    for _ in range(runs):
        for label, argv in commands.items():
            start = time.perf_counter()
            process = subprocess.Popen(
                argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            _, status, usage = os.wait4(process.pid, 0)
            if status:
                raise SystemExit(f"{' '.join(argv)} failed (status {status})")
            cpu = usage.ru_utime + usage.ru_stime
            samples[label].append((time.perf_counter() - start, cpu, usage.ru_maxrss / 1024))
    return {
        label: (
            statistics.median(wall for wall, _, _ in got),
            min(cpu for _, cpu, _ in got),
            max(peak for _, _, peak in got),
        )
        for label, got in samples.items()
    }


def bench_env(home: str) -> dict[str, str]:
    """The environment of a normal install: bytecode caching on (some sandboxes and CI images
    set PYTHONDONTWRITEBYTECODE, which makes every run recompile mlprep from source)."""
    env = dict(os.environ, MLPREP_HOME=home)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def user_decks(home: Path, cards: int) -> None:
    """`cards` cards of generated user decks, as bench/make_collection.py writes them. In a
    child process: a child forked from a larger parent would report the parent's peak memory."""
    if cards:
        code = (
            "import sys; from pathlib import Path; from make_collection import write_decks; "
            "write_decks(Path(sys.argv[1]), int(sys.argv[2]))"
        )
        subprocess.run(
            [sys.executable, "-c", code, str(home), str(cards)],
            cwd=Path(__file__).resolve().parent,
            check=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--cards", default="0,10000", help="user-deck cards for each round (0: built-in only)"
    )
    args = parser.parse_args()
    for cards in (int(n) for n in args.cards.split(",")):
        bench(cards, args.runs)
    print("goal: mlprep decks <= 1.30x")


def bench(cards: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as home:
        env = bench_env(home)
        user_decks(Path(home), cards)
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
        figures = measure(commands, env, runs)
    wall_0, cpu_0, _ = figures["typer hello-world"]
    extra = f"{cards:,} cards of user decks" if cards else "built-in decks only"
    print(f"\n{extra}: median wall time, least CPU time, peak memory; ratios to the Typer app")
    print(f"{'command':<24}{'wall':>8}{'':>7}{'cpu':>8}{'':>7}{'peak':>8}")
    for label, (wall, cpu, peak) in figures.items():
        print(
            f"{label:<24}{wall * 1000:>6.0f}ms{wall / wall_0:>6.2f}x"
            f"{cpu * 1000:>6.0f}ms{cpu / cpu_0:>6.2f}x{peak:>5.0f}MiB"
        )


if __name__ == "__main__":
    main()
