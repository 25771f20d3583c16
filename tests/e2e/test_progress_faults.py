"""Real processes against one data dir: concurrent sessions and SIGKILL mid-session."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

from mlprep.progress import ProgressStore
from mlprep.scheduler import Scheduler
from tests.conftest import FIXTURES

WRITER = """
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from mlprep.model import Grade
from mlprep.progress import ProgressStore

directory, prefix, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
store = ProgressStore(directory).load()
start = datetime(2026, 1, 1, tzinfo=UTC)
for number in range(count):
    store.record(f"{prefix}{number % 7}", Grade(number % 4 + 1), "review", 5,
                 start + timedelta(minutes=number))
    print(number, flush=True)
    if number % 5 == 4:
        store.checkpoint()
store.checkpoint()
"""


def writer(directory, prefix, count):
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(directory), prefix, str(count)],
        stdout=subprocess.PIPE,
        text=True,
    )


def test_two_sessions_at_once_keep_every_answer(tmp_path):
    first, second = writer(tmp_path, "a", 150), writer(tmp_path, "b", 150)
    assert first.wait(60) == 0 and second.wait(60) == 0
    store = ProgressStore(tmp_path).load()
    events = store.events()
    assert len(events) == 300
    assert len({e.id for e in events}) == 300
    assert store.states == Scheduler().replay(events)


def test_sigkill_at_any_moment_loses_at_most_the_answer_being_written(tmp_path):
    rng = random.Random(2026)
    acknowledged_total = 0
    for round_number in range(8):
        process = writer(tmp_path, f"r{round_number}-", 100_000)
        acknowledged = 0
        wanted = rng.randint(1, 60)
        while acknowledged < wanted:
            process.stdout.readline()
            acknowledged += 1
        time.sleep(rng.random() / 100)  # land the kill anywhere: mid-append, mid-snapshot
        process.send_signal(signal.SIGKILL)
        process.wait()
        acknowledged_total += acknowledged
        store = ProgressStore(tmp_path).load()  # every file still parses (or is rebuilt)
        events = store.events()
        # each acknowledged answer is on disk; the kill may add one or more unacknowledged
        assert len(events) >= acknowledged_total
        acknowledged_total = len(events)
        assert store.states == Scheduler().replay(events)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) <= 8  # a killed atomic write may leave its temp file, never the target


def test_a_killed_cli_quiz_keeps_the_answers_given(tmp_path):
    env = dict(os.environ, MLPREP_HOME=str(tmp_path))
    process = subprocess.Popen(
        [sys.executable, "-m", "mlprep", "quiz", "mini", "-n", "4", "--seed", "5", "--plain",
         "--decks", str(FIXTURES / "decks")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    process.stdin.write("1\n")
    process.stdin.flush()
    while "Correct." not in process.stdout.readline():
        pass
    process.send_signal(signal.SIGKILL)
    process.wait()
    events = ProgressStore(tmp_path / "progress").load().events()
    assert [(e.card, e.grade) for e in events] == [("mini-single", 3)]
