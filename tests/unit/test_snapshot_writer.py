"""A start that rebuilt the snapshot from the log writes it in a child process, while the first
card is shown (ProgressStore._write_snapshot_soon): the child holds the log's lock until the
snapshot is written, writes what this process would have written, and one that cannot write
leaves the snapshot to this process."""

from __future__ import annotations

import fcntl
import os
import shutil
from datetime import UTC, datetime, timedelta

import pytest

from mlprep import forkwork, progress
from mlprep.model import Grade
from mlprep.progress import ProgressStore

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def history(tmp_path):
    """A log of 40 answers on 12 cards, with no snapshot."""
    directory = tmp_path / "history"
    store = ProgressStore(directory).load()
    for number in range(40):
        at = T0 + timedelta(hours=5 * number)
        store.record(f"c{number % 12}", Grade(number % 4 + 1), "review", 900, at)
    store.checkpoint()
    (directory / "state.json").unlink()
    return directory


@pytest.fixture
def in_background(monkeypatch):
    """The rebuilt snapshot goes to a child (a core is free; any size of snapshot)."""
    monkeypatch.setattr(forkwork, "spare_core", lambda: True)
    monkeypatch.setattr(progress, "BACKGROUND_SNAPSHOT_ROWS", 1)


def lock_is_free(directory) -> bool:
    fd = os.open(directory / "reviews.lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def snapshot_written_here(history, tmp_path, monkeypatch) -> bytes:
    """The snapshot one process writes when it rebuilds from this history (taken before the
    test's own load writes one there)."""
    assert not (history / "state.json").exists()
    directory = tmp_path / "here"
    shutil.copytree(history, directory)
    with monkeypatch.context() as patch:
        patch.setattr(forkwork, "spare_core", lambda: False)
        store = ProgressStore(directory).load()
    assert store._writer is None
    return (directory / "state.json").read_bytes()


def test_the_child_holds_the_lock_until_it_has_written_the_snapshot(
    history, tmp_path, monkeypatch, in_background
):
    expected = snapshot_written_here(history, tmp_path, monkeypatch)
    reader, writer = os.pipe()
    write_snapshot = ProgressStore._write_snapshot

    def when_told(self, rows=None):
        os.read(reader, 1)  # (the child writes only once the test has looked)
        write_snapshot(self, rows)

    monkeypatch.setattr(ProgressStore, "_write_snapshot", when_told)
    store = ProgressStore(history).load()
    assert store._writer is not None  # (the load returned: the snapshot is not written yet)
    assert not (history / "state.json").exists()
    assert not lock_is_free(history)
    os.write(writer, b"x")
    store._reap_writer(wait=True)
    assert lock_is_free(history)
    assert (history / "state.json").read_bytes() == expected
    os.close(reader)
    os.close(writer)


def test_the_next_answer_waits_for_the_snapshot_and_is_kept_with_it(
    history, tmp_path, monkeypatch, in_background
):
    expected = snapshot_written_here(history, tmp_path, monkeypatch)
    store = ProgressStore(history).load()
    assert store._writer is not None
    store.record("c3", Grade.GOOD, "review", 900, T0 + timedelta(days=30))
    assert (history / "state.json").read_bytes() == expected  # (before the answer)
    store.checkpoint()
    reloaded = ProgressStore(history).load()
    assert reloaded.states == store.states
    assert reloaded.states["c3"].last_ts == (T0 + timedelta(days=30)).timestamp()


def test_a_child_that_cannot_write_leaves_the_snapshot_to_this_process(
    history, tmp_path, monkeypatch, in_background
):
    expected = snapshot_written_here(history, tmp_path, monkeypatch)
    parent = os.getpid()
    atomic_write = progress.atomic_write

    def full_disk_in_the_child(path, data):
        if os.getpid() != parent:
            raise OSError(28, "No space left on device")
        atomic_write(path, data)

    monkeypatch.setattr(progress, "atomic_write", full_disk_in_the_child)
    store = ProgressStore(history).load()
    assert store._writer is not None
    store._reap_writer(wait=True)
    assert not (history / "state.json").exists()
    store.checkpoint()
    assert (history / "state.json").read_bytes() == expected


def test_a_small_snapshot_is_written_here(history, monkeypatch):
    monkeypatch.setattr(forkwork, "spare_core", lambda: True)  # (the threshold as it is)
    store = ProgressStore(history).load()
    assert store._writer is None
    assert (history / "state.json").exists()
