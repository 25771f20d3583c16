"""Whether a feature left a child process behind: the children this test's process has now
that it did not have when the test started (a test worker may still hold, unwaited for,
children of earlier tests' commands, which a check for any child at all would count)."""

from __future__ import annotations

import glob
import os

import pytest

_before: set[int] | None = None


def children() -> set[int] | None:
    """This process's children, running or ended and not yet waited for (listed by Linux
    under /proc); None where that list cannot be read."""
    pids: set[int] = set()
    paths = glob.glob(f"/proc/{os.getpid()}/task/*/children")
    try:
        for path in paths:
            with open(path) as listing:
                pids.update(map(int, listing.read().split()))
    except (OSError, ValueError):
        return None
    return pids if paths else None


@pytest.fixture(autouse=True)
def children_at_start():
    """(autouse in a test module that imports it) the children before each test."""
    global _before
    _before = children()
    yield


def no_process_left() -> None:
    """No child that this test started is still running or left to be waited for."""
    now = children()
    if now is None or _before is None:  # (no list: no child at all may be left)
        with pytest.raises(ChildProcessError):
            os.waitpid(-1, os.WNOHANG)
        return
    assert now - _before == set()
