"""Scale benchmark: every daily command at 1k/10k, 10k/100k and 50k/500k (cards/answers).

Prints medians of whole-process wall time and peak memory, with ratios against a minimal Typer
app, `mlprep --version` and, when a Python with the `anki` package is given (--anki-python;
`make bench` makes one in .venv-anki), Anki's own backend opening a collection of the same size
and fetching its first due card. Runs are interleaved so that a busy moment on the machine
slows every command alike. Asserts nothing.

    python bench/scale.py --sizes 1k,10k --runs 5 [--dir DIR] [--anki-python PATH]

"first card" is `mlprep review --plain` until the first card is printed: warm (snapshot and
deck cache in place), cold (no snapshot: after a merge, an import or a lost file) and first run
(no snapshot and no deck cache either). "merge" merges an export holding 1% new answers that
interleave with the log's over its whole period (the hard case: logs of a class), "new ones all
recent" as many answers from the last three days (two machines of one user since they last
synced); "plan" shows an interview plan 30 days away over every card;
"answer" is recording one answer (append, fsync, state), in process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from startup import HELLO, bench_env  # noqa: E402

SIZES = {"1k": (1_000, 10_000), "10k": (10_000, 100_000), "50k": (50_000, 500_000)}
MLPREP = [sys.executable, "-m", "mlprep"]


def run(argv: list[str], env: dict, until: str | None = None) -> tuple[float, float]:
    """Wall seconds (until a line starting with `until` is printed, if given) and peak MiB."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    elapsed = None
    for line in process.stdout:
        if until and elapsed is None and line.startswith(until):
            elapsed = time.perf_counter() - start
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    if elapsed is None:
        elapsed = time.perf_counter() - start
        if until or status:
            raise SystemExit(f"{' '.join(argv)} failed (status {status}): {errors[-500:]}")
    return elapsed, usage.ru_maxrss / 1024


def make_collection(home: Path, cards: int, reviews: int) -> None:
    if (home / "progress" / "reviews.jsonl").exists():
        return  # kept from an earlier run with --dir
    subprocess.run(
        [sys.executable, str(HERE / "make_collection.py"), "--cards", str(cards)]
        + ["--reviews", str(reviews), "--home", str(home)],
        check=True,
        capture_output=True,
    )


def merge_file(home: Path, path: Path, count: int, days: float = 300) -> None:
    """Another machine's export: this log plus `count` answers of its own, spread over the
    last `days` of the log's period (so that they interleave with the answers already here:
    over the whole period, a class's logs; over the last few days, two machines of one user
    since they last synced)."""
    rng = random.Random(7)
    cards = sorted({json.loads(line)["card"] for line in _sample_lines(home, 2000)})
    now = datetime.now(UTC)
    events = []
    for _ in range(count):
        moment = now - timedelta(seconds=rng.uniform(0, days * 86400))
        events.append(
            {
                "at": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "card": rng.choice(cards),
                "grade": rng.choice((1, 3, 3, 4)),
                "id": uuid.UUID(int=rng.getrandbits(128)).hex,
                "mode": "review",
                "ms": 3000,
                "v": 1,
            }
        )
    with open(home / "progress" / "reviews.jsonl") as log, open(path, "w") as out:
        out.write('{"kind": "mlprep-progress", "format": 1, "exported_at": "", "events": [\n')
        for line in log:
            out.write(line.rstrip("\n") + ",\n")
        out.write(",\n".join(json.dumps(event) for event in events) + "\n]}\n")


def _sample_lines(home: Path, count: int) -> list[str]:
    with open(home / "progress" / "reviews.jsonl") as handle:
        return [line for _, line in zip(range(count), handle, strict=False)]


def record_time(home: Path, scratch: Path) -> float:
    from mlprep.model import Grade
    from mlprep.progress import ProgressStore

    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(home / "progress", scratch)
    store = ProgressStore(scratch).load()
    samples = []
    for number in range(200):
        start = time.perf_counter()
        store.record(f"bench-00-c{number:05d}", Grade.GOOD, "review", 1000, datetime.now(UTC))
        samples.append(time.perf_counter() - start)
    shutil.rmtree(scratch, ignore_errors=True)
    return statistics.median(samples)


def bench_size(label: str, base: Path, runs: int, anki_python: str | None) -> None:
    cards, reviews = SIZES[label]
    home = base / f"mlprep-{label}"
    make_collection(home, cards, reviews)
    env = bench_env(str(home))
    progress = home / "progress"
    scratch = base / f"scratch-{label}"
    merge_json = base / f"merge-{label}.json"
    merge_file(home, merge_json, reviews // 100)
    recent_json = base / f"merge-recent-{label}.json"
    merge_file(home, recent_json, reviews // 100, days=3)
    hello = base / "hello.py"
    hello.write_text(HELLO)
    anki_dir = base / f"anki-{label}"
    if anki_python and not (anki_dir / "bench.anki2").exists():
        subprocess.run(
            [anki_python, str(HERE / "anki_first_card.py"), "build", str(anki_dir)]
            + [str(cards), str(reviews)],
            check=True,
            capture_output=True,
        )

    # `plan` needs an interview plan: set in a copy, so the other commands run without one
    plan_home = base / f"plan-{label}"
    if not plan_home.exists():
        shutil.copytree(home, plan_home)
        day = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
        run([*MLPREP, "plan", "--interview", day], bench_env(str(plan_home)))

    def merge(export: Path) -> tuple[float, float]:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.copytree(home, scratch, ignore=shutil.ignore_patterns("cache"))
        return run([*MLPREP, "progress", "merge", str(export)], bench_env(str(scratch)))

    def cold() -> tuple[float, float]:
        (progress / "state.json").unlink(missing_ok=True)
        return run([*MLPREP, "review", "--plain"], env, until="[1/")

    commands = {
        "typer hello-world": lambda: run([sys.executable, str(hello)], env),
        "mlprep --version": lambda: run([*MLPREP, "--version"], env),
        "mlprep decks": lambda: run([*MLPREP, "decks"], env),
        "first card, warm": lambda: run([*MLPREP, "review", "--plain"], env, until="[1/"),
        "first card, cold": cold,
        "stats": lambda: run([*MLPREP, "stats"], env),
        "stats --json": lambda: run([*MLPREP, "stats", "--json"], env),
        "progress export": lambda: run(
            [*MLPREP, "progress", "export", str(base / "export.json"), "--force"], env
        ),
        "progress merge (1% new)": lambda: merge(merge_json),
        "  new ones all recent": lambda: merge(recent_json),
        "plan": lambda: run([*MLPREP, "plan"], bench_env(str(plan_home))),
    }
    if anki_python:
        commands["anki: open, first card"] = lambda: run(
            [anki_python, str(HERE / "anki_first_card.py"), "first", str(anki_dir)], env
        )
    # the first run ever: no deck cache, no snapshot, no totals
    shutil.rmtree(home / "cache", ignore_errors=True)
    for name in ("state.json", "totals.json"):
        (progress / name).unlink(missing_ok=True)
    first_ever = run([*MLPREP, "review", "--plain"], env, until="[1/")
    run([*MLPREP, "stats"], env)  # totals in place, as after any earlier stats
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(command())
    answer = record_time(home, scratch)
    shutil.rmtree(scratch, ignore_errors=True)

    medians = {name: statistics.median(t for t, _ in got) for name, got in samples.items()}
    peaks = {name: max(m for _, m in got) for name, got in samples.items()}
    hello_s, version_s = medians["typer hello-world"], medians["mlprep --version"]
    anki_s = medians.get("anki: open, first card")
    anki_mem = peaks.get("anki: open, first card")
    print(f"\n{cards:,} cards, {reviews:,} answers (median of {runs})")
    header = f"{'command':<26}{'time':>9}{'peak':>9}{'/hello':>8}{'/--version':>11}"
    print(header + (f"{'/anki':>7}{'mem/anki':>10}" if anki_s else ""))
    for name in commands:
        line = (
            f"{name:<26}{medians[name] * 1000:>7.0f}ms{peaks[name]:>6.0f}MiB"
            f"{medians[name] / hello_s:>7.2f}x{medians[name] / version_s:>10.2f}x"
        )
        if anki_s:
            line += f"{medians[name] / anki_s:>6.2f}x{peaks[name] / anki_mem:>9.2f}x"
        print(line)
    print(f"{'first card, first run':<26}{first_ever[0] * 1000:>7.0f}ms{first_ever[1]:>6.0f}MiB")
    print(f"{'record one answer':<26}{answer * 1000:>7.2f}ms (in process, median of 200)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1k,10k,50k")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, help="keep collections here between runs")
    parser.add_argument("--anki-python", help="a Python with the anki package")
    args = parser.parse_args()
    anki = args.anki_python
    if anki and (
        not Path(anki).exists()
        or subprocess.run([anki, "-c", "import anki"], capture_output=True).returncode
    ):
        print(f"{anki} cannot import anki: the Anki comparison is skipped")
        anki = None
    elif not anki:
        print("no --anki-python: the Anki comparison is skipped")
    base = args.dir or Path(tempfile.mkdtemp(prefix="mlprep-scale-"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        for label in args.sizes.split(","):
            bench_size(label.strip(), base, args.runs, anki)
    finally:
        if not args.dir:
            shutil.rmtree(base, ignore_errors=True)
    print(
        "\ngoals: at 10k/100k every command <= anki's time at <= half its memory; at 50k/500k "
        "every command < 1 s and 150 MiB; decks <= 1.3x hello; warm first card <= 1.5x --version"
    )


if __name__ == "__main__":
    main()
