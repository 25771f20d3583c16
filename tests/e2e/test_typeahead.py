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
