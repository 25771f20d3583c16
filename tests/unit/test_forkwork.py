"""Work done in a forked child: its value, its expected errors, and a child that fails."""

from __future__ import annotations

import os
import time

import pytest

from mlprep import forkwork
from mlprep.errors import ProgressError

# the real test of a free core (the run puts a stand-in in its place once its tests start:
# tests/conftest.py), taken as this module is imported, before that
REAL_SPARE_CORE = forkwork.spare_core


@pytest.fixture(autouse=True)
def real_spare_core(monkeypatch):
    monkeypatch.setattr(forkwork, "spare_core", REAL_SPARE_CORE)


def test_the_childs_value_comes_back_and_the_child_is_reaped():
    parent = os.getpid()
    child = forkwork.start(lambda: (os.getpid(), {b"card": (b"at", None, False)}))
    assert child is not None
    pid = child.pid
    worker, value = child.result()
    assert worker == pid != parent
    assert value == {b"card": (b"at", None, False)}
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped


def test_an_expected_error_is_raised_here_as_the_child_raised_it():
    def work():
        raise ProgressError("reviews.jsonl:7: corrupt line")

    child = forkwork.start(work, expected=(ProgressError,))
    assert child is not None
    with pytest.raises(ProgressError, match=r"^reviews\.jsonl:7: corrupt line$"):
        child.result()


@pytest.mark.parametrize(
    "work",
    [lambda: os._exit(3), lambda: 1 / 0, lambda: lambda: None],  # dies; fails; unpicklable
    ids=["dies", "unexpected error", "unpicklable value"],
)
def test_a_child_that_gives_no_result_fails(work):
    child = forkwork.start(work, expected=(ProgressError,))
    assert child is not None
    with pytest.raises(forkwork.Failed):
        child.result()


def test_closing_stops_a_child_still_at_work(monkeypatch):
    import signal

    statuses = []
    waitpid = os.waitpid

    def watched(pid, options):
        statuses.append(waitpid(pid, options)[1])
        return pid, statuses[-1]

    child = forkwork.start(lambda: time.sleep(30))
    assert child is not None
    monkeypatch.setattr(os, "waitpid", watched)
    child.close()
    assert len(statuses) == 1 and os.WIFSIGNALED(statuses[0])
    assert os.WTERMSIG(statuses[0]) == signal.SIGKILL


def test_without_fork_the_caller_works_alone(monkeypatch):
    monkeypatch.delattr(os, "fork")
    assert forkwork.start(lambda: 1) is None


@pytest.mark.parametrize(
    ("cores", "load", "spare"),
    [(1, 0.0, False), (2, 0.3, True), (2, 1.6, True), (2, 1.8, False), (2, 5.0, False)],
)
def test_a_core_is_spare_with_two_and_a_load_leaving_one_free(monkeypatch, cores, load, spare):
    """Where the processes running now are unknown (not Linux): the last minute's load."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, 0.0, 0.0))
    monkeypatch.setattr(forkwork, "_running_now", lambda: None)
    assert forkwork.spare_core() is spare


@pytest.mark.parametrize(
    ("cores", "running", "load", "spare"),
    [
        (1, 1, 0.0, False),
        (2, 1, 9.0, True),  # a busy minute just ended: the cores are idle now
        (2, 2, 0.5, True),  # another program at one instant: the minute was quiet
        (2, 2, 1.8, False),
        (4, 3, 9.0, True),
        (4, 4, 3.8, False),
    ],
)
def test_a_core_is_spare_when_fewer_run_now_than_there_are_cores_or_the_minute_was_quiet(
    monkeypatch, cores, running, load, spare
):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, 0.0, 0.0))
    monkeypatch.setattr(forkwork, "_running_now", lambda: running)
    assert forkwork.spare_core() is spare


def test_the_processes_running_now_are_read_where_linux_tells():
    if not os.path.exists("/proc/loadavg"):
        pytest.skip("no /proc/loadavg here")
    running = forkwork._running_now()
    assert running is not None and running >= 1  # (this process, at the least)


def test_work_in_the_background_says_how_it_went_and_leaves_the_output_alone(capfd):
    def work(result):
        def run():
            os.write(1, b"from the child\n")
            os.write(2, b"to stderr\n")
            return result

        return run

    done = forkwork.in_background(work(True))
    failed = forkwork.in_background(work(False))
    assert done is not None and failed is not None
    assert forkwork.finished(done, wait=True) is True
    assert forkwork.finished(failed, wait=True) is False
    assert capfd.readouterr() == ("", "")  # (the child's streams go nowhere)
    assert forkwork.finished(done) is True  # (already reaped)


def test_work_in_the_background_is_not_waited_for():
    reader, writer = os.pipe()

    def work():
        return os.read(reader, 1) == b"x"  # until the parent says so

    pid = forkwork.in_background(work)
    assert pid is not None
    assert forkwork.finished(pid) is None  # still working
    os.write(writer, b"x")
    assert forkwork.finished(pid, wait=True) is True
    os.close(reader)
    os.close(writer)
