"""Scale benchmark for the daily loop. Prints numbers; asserts nothing.

For 1k cards / 10k events and 10k cards / 100k events it reports:
  - `mlprep --version` start-up (the yardstick),
  - time from `mlprep review --plain` start to the first card printed, cold (no snapshot, no deck
    cache: the first run after an upgrade or a merge) and warm (every later run),
  - the peak memory of that process (cold: parsing every deck and replaying every event),
  - the time to record one answer (append + fsync + state update), median of 200.
Goals: first card within 2x of --version; an answer under 5 ms; peak memory under 80 MiB.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from startup import bench_env  # noqa: E402  (bench/ is this script's own directory)


def first_card(env: dict[str, str]) -> tuple[float, float]:
    """Seconds until the first card's line appears, and the peak RSS in MiB."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "mlprep", "review", "--plain"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    elapsed = None
    for line in process.stdout:
        if line.startswith("[1/"):
            elapsed = time.perf_counter() - start
    _, status, usage = os.wait4(process.pid, 0)
    if elapsed is None:
        raise SystemExit("mlprep review printed no card")
    return elapsed, usage.ru_maxrss / 1024


def version_time(env: dict[str, str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mlprep", "--version"], env=env, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def record_time(home: Path) -> float:
    from datetime import UTC, datetime

    from mlprep.model import Grade
    from mlprep.progress import ProgressStore

    store = ProgressStore(home / "progress").load()
    samples = []
    for number in range(200):
        start = time.perf_counter()
        store.record(f"bench-00-c{number:05d}", Grade.GOOD, "review", 1000, datetime.now(UTC))
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    runs = 9
    print(
        f"{'collection':<22}{'--version':>10}{'first card':>12}{'ratio':>7}{'peak MiB':>10}"
        f"{'answer':>9}"
    )
    for cards, reviews in ((1_000, 10_000), (10_000, 100_000)):
        home = Path(tempfile.mkdtemp(prefix="mlprep-bench-"))
        try:
            subprocess.run(
                [
                    sys.executable,
                    str(HERE / "make_collection.py"),
                    "--cards",
                    str(cards),
                    "--reviews",
                    str(reviews),
                    "--home",
                    str(home),
                ],
                check=True,
                capture_output=True,
            )
            env = bench_env(str(home))
            cold, cold_mem = first_card(env)
            warm_runs, versions = [], []
            for _ in range(runs):  # interleaved, so that machine noise hits both alike
                warm_runs.append(first_card(env))
                versions.append(version_time(env, 1))
            warm = statistics.median(t for t, _ in warm_runs)
            peak = max(m for _, m in warm_runs)
            version = statistics.median(versions)
            answer = record_time(home)
            label = f"{cards // 1000}k cards/{reviews // 1000}k ev"
            print(
                f"{label + ' (warm)':<22}{version * 1000:>8.0f}ms{warm * 1000:>10.0f}ms"
                f"{warm / version:>6.2f}x{peak:>10.1f}{answer * 1000:>7.2f}ms"
            )
            print(
                f"{label + ' (cold)':<22}{'':>10}{cold * 1000:>10.0f}ms{cold / version:>6.2f}x"
                f"{cold_mem:>10.1f}"
            )
        finally:
            shutil.rmtree(home, ignore_errors=True)
    print("goals: first card (warm) <= 2.00x --version; answer < 5 ms; peak < 80 MiB")


if __name__ == "__main__":
    main()
