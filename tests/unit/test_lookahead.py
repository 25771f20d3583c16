"""The merge's looks at blocks of the log taken ahead in a second process give the files the
pass gives when it looks for itself, also when that process stops midway or cuts the blocks
otherwise, and it is always waited for."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta

import pytest

from mlprep import logmerge, lookahead, reviewlog
from mlprep.logmerge import StreamingMerge
from mlprep.model import Grade
from mlprep.progress import ProgressStore
from mlprep.reviewlog import ReviewEvent

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def base(tmp_path, monkeypatch):
    monkeypatch.setattr(reviewlog, "SCAN_BLOCK", 600)  # (a few lines a block)
    store = ProgressStore(tmp_path / "base").load()
    for number in range(60):
        at = T0 + timedelta(hours=5 * number)
        store.record(f"k{number % 7}", Grade(number % 4 + 1), "review", 5, at)
    store.checkpoint()
    return tmp_path / "base"


NEW = [
    ReviewEvent.new(f"k{n % 3}", Grade(n % 4 + 1), "review", 5, T0 + timedelta(hours=31 * n))
    for n in range(1, 9)
]


def merged(tmp_path, name: str, ahead: bool, monkeypatch) -> bytes:
    shutil.copytree(tmp_path / "base", tmp_path / name)
    with monkeypatch.context() as patch:
        patch.setattr(logmerge, "MIN_BYTES", 0 if ahead else 1 << 62)
        ProgressStore(tmp_path / name).merge(NEW)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no process left behind
    return (tmp_path / name / "reviews.jsonl").read_bytes()


def test_looks_taken_ahead_give_the_same_log(tmp_path, base, monkeypatch):
    sent = []
    send = lookahead.Looks._send
    monkeypatch.setattr(
        lookahead.Looks, "_send", lambda self, end: sent.append(1) or send(self, end)
    )
    assert merged(tmp_path, "ahead", True, monkeypatch) == merged(
        tmp_path, "itself", False, monkeypatch
    )
    assert not sent  # (only the child sends: this process never did)


def test_a_look_ahead_that_stops_midway_is_taken_over(tmp_path, base, monkeypatch):
    parent = os.getpid()
    look = StreamingMerge._look
    calls = []

    def stopping(self, start, block):
        calls.append(start)
        if os.getpid() != parent and len(calls) == 3:
            raise RuntimeError("the second process stops")
        return look(self, start, block)

    monkeypatch.setattr(StreamingMerge, "_look", stopping)
    ahead = merged(tmp_path, "ahead", True, monkeypatch)
    assert calls  # the blocks after the third were looked at here
    assert ahead == merged(tmp_path, "itself", False, monkeypatch)


def test_a_look_ahead_at_other_blocks_is_not_used(tmp_path, base, monkeypatch):
    cut = lookahead.line_blocks
    monkeypatch.setattr(lookahead, "line_blocks", lambda handle: cut(handle, 7))  # other starts
    used = []
    get = lookahead.Looks.get
    monkeypatch.setattr(
        lookahead.Looks,
        "get",
        lambda self, start, block: used.append(self.reader) or get(self, start, block),
    )
    ahead = merged(tmp_path, "ahead", True, monkeypatch)
    assert used[0] is not None and used[-1] is None  # (read from the child once, then not)
    assert ahead == merged(tmp_path, "itself", False, monkeypatch)


def test_a_merge_that_stops_waits_for_its_second_process(tmp_path, base, monkeypatch):
    def careful(self, data):
        raise logmerge.Careful

    monkeypatch.setattr(StreamingMerge, "_new", careful)  # (the general path takes over)
    assert merged(tmp_path, "ahead", True, monkeypatch) == merged(
        tmp_path, "itself", False, monkeypatch
    )
