"""Patterns compiled when first used: the same answers as re.compile, and no compile before."""

import subprocess
import sys

from mlprep import reviewlog
from mlprep.lazypattern import LazyPattern


def test_a_lazy_pattern_compiles_on_first_use_and_answers_as_the_compiled_one():
    built = []

    def source() -> bytes:
        built.append(1)
        return rb"(\d+)-(\w+)"

    pattern = LazyPattern(source)
    assert built == [] and "_compiled" not in vars(pattern)
    assert pattern.findall(b"1-a 22-bb") == [(b"1", b"a"), (b"22", b"bb")]
    assert pattern.match(b"7-x").group(2) == b"x"
    assert pattern.groups == 2
    assert built == [1]  # compiled once, however many attributes are used


def test_the_log_patterns_capture_what_their_readers_expect():
    # (these counts were checked at import when the patterns were compiled there)
    assert reviewlog.FAST_LINE.groups == 7
    assert reviewlog._LIGHT_LINES.groups == 2
    assert reviewlog._FAST_LINES_COUNTED.groups == 0


def test_importing_the_log_module_compiles_none_of_its_line_patterns():
    names = ["FAST_LINE", "_FAST_LINES", "_FAST_LINES_COUNTED", "_LIGHT_LINES", "_CARD_FIELDS"]
    code = (
        "import mlprep.reviewlog as log; "
        f"print([name for name in {names!r} if '_compiled' in vars(getattr(log, name))])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
