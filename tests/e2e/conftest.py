"""What every pseudo-terminal test shares."""

from __future__ import annotations

import time

import pytest

pexpect = pytest.importorskip("pexpect")

EXIT_WAIT = 20.0  # seconds a program whose terminal has closed gets to finish exiting


@pytest.fixture(autouse=True)
def exit_status_is_kept(monkeypatch):
    """pexpect's close() sleeps 0.1 s after closing the terminal, then kills the program if it
    is still running. A program that has closed its terminal (the test saw EOF) but is still
    exiting on a busy machine would lose its exit status to that kill: wait for the exit
    instead, and then there is nothing to sleep for."""
    close = pexpect.spawn.close

    def close_after_exit(self, force=True):
        if self.flag_eof:
            deadline = time.monotonic() + EXIT_WAIT
            while self.isalive() and time.monotonic() < deadline:
                time.sleep(0.005)
            if not self.isalive():
                self.ptyproc.delayafterclose = 0
        close(self, force)

    monkeypatch.setattr(pexpect.spawn, "close", close_after_exit)


@pytest.fixture(autouse=True)
def keys_sent_without_a_pause(monkeypatch):
    """pexpect sleeps 50 ms before every send, for programs that flush their input when they
    ask for a password. Every key here is sent after the screen that asks for it was seen (or
    on purpose ahead of it: typed-ahead keys must be kept), so the pause only made the e2e
    tests wait, about 20 s in all."""
    init = pexpect.spawn.__init__

    def init_without_pause(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.delaybeforesend = None

    monkeypatch.setattr(pexpect.spawn, "__init__", init_without_pause)
