"""A key typed before a single-key prompt is ready is read by it, not thrown away."""

import sys
import termios
import time

import pexpect

PROGRAM = """
import sys, time
from mlprep.ui.keys import read_key
print("busy", flush=True)
time.sleep(0.5)  # the key arrives while the terminal is still in line mode
print("key=" + read_key(sys.stdin), flush=True)
"""


def test_a_key_typed_ahead_of_the_prompt_is_read_by_it():
    child = pexpect.spawn(sys.executable, ["-c", PROGRAM], encoding="utf-8", timeout=10)
    try:
        child.expect("busy")
        child.send("3")
        child.expect(r"key=(\S*)")
        assert child.match.group(1) == "3"
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)


def wait_for_single_keys(child, timeout: float = 10) -> None:
    """Until the program in the terminal has switched it to single keys without signals (the
    terminal's settings, as pexpect's waitnoecho reads them): a Ctrl-C sent before that is a
    signal to the whole process group, whatever the program does next."""
    give_up = time.monotonic() + timeout
    while termios.tcgetattr(child.child_fd)[3] & termios.ISIG:
        assert time.monotonic() < give_up, "the terminal never left line mode"
        time.sleep(0.01)


def test_ctrl_c_at_a_single_key_prompt_is_a_key_not_a_signal_to_the_program_that_started_it():
    """At a grade prompt, Ctrl-C stops mlprep (KeyboardInterrupt) without the terminal sending
    SIGINT to the process group: a shell or `make run` that started it goes on (make would
    otherwise stop with "*** Interrupt" of its own)."""
    program = """
import sys
from mlprep.ui.keys import read_key
print("ready", flush=True)
try:
    read_key(sys.stdin)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(130)
"""
    script = (
        f"trap 'echo the-shell-got-SIGINT' INT; {sys.executable} -c \"$PROGRAM\"; echo status=$?"
    )
    child = pexpect.spawn(
        "/bin/sh", ["-c", script], env={"PROGRAM": program}, encoding="utf-8", timeout=10
    )
    try:
        child.expect("ready")
        wait_for_single_keys(child)  # ("ready" is printed before read_key switches)
        child.send("\x03")
        child.expect("interrupted")
        child.expect(r"status=(\d+)")
        assert "the-shell-got-SIGINT" not in child.before  # (its trap runs before this line)
        assert child.match.group(1) == "130"
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
