"""File helpers under faults: full disks, special files, size limits."""

from __future__ import annotations

import errno
import os
import shutil
from datetime import UTC, datetime

import pytest

from mlprep.errors import ProgressError
from mlprep.fileio import atomic_copy, atomic_write, atomic_write_with, read_regular
from mlprep.model import Grade
from mlprep.progress import ProgressStore

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def full_disk(monkeypatch):
    """Copies fail half-way with ENOSPC, whichever way shutil copies."""

    def fail(source, target, *args, **kwargs):
        target.write(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfileobj", fail)
    monkeypatch.setattr(shutil, "_fastcopy_sendfile", fail, raising=False)


def test_a_failed_backup_leaves_nothing(tmp_path, full_disk):
    store = ProgressStore(tmp_path).load()
    store.record("c1", Grade.GOOD, "review", 900, T0)
    log = (tmp_path / "reviews.jsonl").read_bytes()
    with pytest.raises(ProgressError, match="cannot back up .*: No space left on device"):
        store.reset(None, T0)
    assert list((tmp_path / "backups").iterdir()) == []
    assert (tmp_path / "reviews.jsonl").read_bytes() == log


def test_atomic_copy_copies_bytes_and_times(tmp_path):
    source = tmp_path / "a"
    source.write_bytes(b"data")
    os.utime(source, (1_000_000, 1_000_000))
    atomic_copy(source, tmp_path / "sub" / "b")
    assert (tmp_path / "sub" / "b").read_bytes() == b"data"
    assert (tmp_path / "sub" / "b").stat().st_mtime == 1_000_000


def test_read_regular_refuses_what_is_not_a_regular_file_before_reading(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(OSError) as caught:
        read_regular(tmp_path / "pipe", 10)  # would block forever if it opened for reading
    assert caught.value.strerror == "a named pipe, not a regular file"
    with pytest.raises(OSError) as caught:
        read_regular(tmp_path, 10)
    assert caught.value.strerror == "a directory, not a regular file"


def test_read_regular_enforces_the_limit(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"x" * 11)
    assert read_regular(path, 11) == b"x" * 11
    with pytest.raises(OSError) as caught:
        read_regular(path, 10)
    assert caught.value.strerror == "larger than the 10 bytes limit"


def test_atomic_write_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    private = tmp_path / "reviews.jsonl"
    private.write_bytes(b"old")
    private.chmod(0o600)
    atomic_write(private, b"new")
    assert private.read_bytes() == b"new"
    assert private.stat().st_mode & 0o777 == 0o600


def test_atomic_write_refuses_to_replace_a_named_pipe(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(OSError) as caught:
        atomic_write(tmp_path / "pipe", b"x")
    assert "named pipe, not a regular file" in caught.value.strerror
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["pipe"]


def test_work_while_syncing_sees_the_old_file_and_a_failed_sync_keeps_it(tmp_path, monkeypatch):
    """atomic_write_with(while_syncing=...): the work runs while the new file goes to disk,
    with the old one still in place; a sync that fails, or work that fails, leaves the old
    file and no temp file."""
    (tmp_path / "data").mkdir()
    target = tmp_path / "data" / "log"
    target.write_bytes(b"old")
    seen = []
    atomic_write_with(
        target, lambda handle: handle.write(b"new"), lambda: seen.append(target.read_bytes())
    )
    assert seen == [b"old"] and target.read_bytes() == b"new"

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", no_space)
        with pytest.raises(OSError, match="No space"):
            atomic_write_with(target, lambda handle: handle.write(b"newer"), lambda: None)
    assert target.read_bytes() == b"new"

    def failing() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write_with(target, lambda handle: handle.write(b"newest"), failing)
    assert target.read_bytes() == b"new"
    assert [path.name for path in target.parent.iterdir()] == ["log"]


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"ok\n" * 5 + b"\xff", (6, "ff")),
        # a character cut by the first block's end is whole, and lines go on being counted
        (b"a" * ((1 << 20) - 1) + "é".encode() + b"\nx\ny\xffz\n", (3, "ff")),
        (b"fine\n" + "é".encode(), None),
        (b"cut " + "é".encode()[:1], (1, "c3")),  # (the file ends inside a character)
    ],
)
def test_where_a_file_stops_being_utf8_is_found_by_line(data, where):
    import io

    from mlprep.fileio import first_not_utf8

    assert first_not_utf8(io.BytesIO(data)) == where
