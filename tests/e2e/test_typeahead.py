"""A key typed before a single-key prompt is ready is read by it, not thrown away."""

import sys

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
        child.send("\x03")
        child.expect("interrupted")
        child.expect(r"status=(\d+)")
        assert "the-shell-got-SIGINT" not in child.before  # (its trap runs before this line)
        assert child.match.group(1) == "130"
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
