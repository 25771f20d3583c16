"""Running a user's drill file: every way code can go wrong is a one-line verdict, never a
hang or a traceback of mlprep; user decks' code cards carry their own tests."""

from __future__ import annotations

import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mlprep import coderun
from mlprep.coderun import Limits, UntrustedDeck, check_card, check_file, same
from mlprep.decks import load_files
from mlprep.drillfile import stub_source
from tests.forkserver import command, drills_through_server

# (name, source, the verdict's error) for code that cannot be graded case by case
BROKEN = {
    "infinite loop": (
        "def softmax(x, axis=-1):\n    while True:\n        pass\n",
        "did not finish within {limit} s on softmax(x=array([1., 2., 3.])) "
        "(an infinite loop, or far too slow)",
    ),
    "huge allocation": (
        "import numpy as np\ndef softmax(x, axis=-1):\n    return np.ones((10**6, 10**6))\n",
        "ran out of memory (limit 3 GiB)",
    ),
    "sys.exit": (
        "import sys\ndef softmax(x, axis=-1):\n    sys.exit(2)\n",
        "the code called sys.exit(2); return a value instead",
    ),
    "syntax error": (
        "def softmax(x, axis=-1)\n    return x\n",
        "syntax error: expected ':' (line 1)",
    ),
    "missing function": (
        "def soft_max(x, axis=-1):\n    return x\n",
        "the file does not define a function named softmax (found: soft_max)",
    ),
    "wrong signature": (
        "def softmax(x):\n    return x\n",
        "wrong signature: softmax(x) cannot be called as the tests call it "
        "(got an unexpected keyword argument 'axis')",
    ),
    "missing import": (
        "import torch\ndef softmax(x, axis=-1):\n    return x\n",
        "cannot import torch: drills have the standard library and numpy",
    ),
    # installed where the tests run, but no part of a drill: its one-liner is no answer
    "installed library": (
        "from scipy.special import softmax as sp\ndef softmax(x, axis=-1):\n"
        "    return sp(x, axis=axis)\n",
        "cannot import scipy: drills have the standard library and numpy",
    ),
    "megabytes of printing": (
        "def softmax(x, axis=-1):\n    while True:\n        print('x' * 1000)\n",
        "printed more than 1,000,000 characters; remove the prints in loops",
    ),
    "fork": (
        "import os\ndef softmax(x, axis=-1):\n    while True:\n        os.fork()\n",
        "tried to start a process; drills run in one process",
    ),
    "subprocess": (
        "import subprocess\ndef softmax(x, axis=-1):\n    subprocess.run(['true'])\n",
        "tried to start a process; drills run in one process",
    ),
    "error at import": (
        "import numpy as np\nnp.frobnicate()\ndef softmax(x, axis=-1):\n    return x\n",
        "AttributeError at line 2 while loading the file: "
        "module 'numpy' has no attribute 'frobnicate'",
    ),
    "unchanged stub": (
        "def softmax(x, axis=-1):\n    raise NotImplementedError\n",
        "not implemented yet: softmax still raises NotImplementedError",
    ),
}


# What the harness limits in a process of its own (memory, output, processes): these run in a
# harness started for real. The rest are verdicts on what the code itself does, the same from
# a harness the test run's server forks with numpy already imported (tests/forkserver.py).
LIMITED = {"huge allocation", "megabytes of printing", "fork", "subprocess"}


@pytest.fixture
def harness_from_a_server():
    with drills_through_server():
        yield


@pytest.fixture(scope="module")
def endless_limit() -> float:
    """Seconds the endless loop spins a core for before it is stopped: half a second for a
    harness from the server, which begins the first case within milliseconds; a second for
    one started for real (MLPREP_TEST_EXEC), which first imports numpy. Either is room enough
    to have begun the first case on a busy machine."""
    harness = [sys.executable, "-I", str(coderun.HARNESS)]
    served = command("harness", harness, coderun._child_env()) != harness
    return 0.5 if served else 1.0


@pytest.fixture(scope="module")
def broken_verdicts(tmp_path_factory, endless_limit):
    root = tmp_path_factory.mktemp("broken")

    def run(item):
        name, (source, _) = item
        path = root / f"{name.replace(' ', '_')}.py"
        path.write_text(source)
        # the endless loop is stopped at its limit; the rest get room to finish
        seconds = endless_limit if name == "infinite loop" else 4
        return name, check_file("coding-softmax", path, Limits(seconds=seconds))

    verdicts = {}
    with drills_through_server(), ThreadPoolExecutor(max_workers=2) as pool:
        verdicts.update(pool.map(run, [i for i in BROKEN.items() if i[0] not in LIMITED]))
    with ThreadPoolExecutor(max_workers=2) as pool:
        verdicts.update(pool.map(run, [i for i in BROKEN.items() if i[0] in LIMITED]))
    return verdicts


@pytest.mark.parametrize("name", BROKEN)
def test_code_that_cannot_run_gets_a_one_line_verdict(broken_verdicts, endless_limit, name):
    verdict = broken_verdicts[name]
    assert not verdict.passed
    assert verdict.error == BROKEN[name][1].replace("{limit}", f"{endless_limit:g}")
    assert verdict.failures == []
    assert verdict.not_implemented == (name == "unchanged stub")


def test_a_verdict_as_json_has_the_documented_shape(broken_verdicts):
    assert broken_verdicts["sys.exit"].as_json() == {
        "card": "coding-softmax",
        "passed": False,
        "tests": 14,
        "failures": [],
        "error": "the code called sys.exit(2); return a value instead",
    }


@pytest.mark.usefixtures("harness_from_a_server")
def test_an_exception_fails_its_case_with_the_input_and_the_line(tmp_path):
    path = tmp_path / "raises.py"
    path.write_text("def softmax(x, axis=-1):\n    return x.shape[5]\n")
    verdict = check_file("coding-softmax", path)
    assert verdict.failed_count == verdict.tests == 14
    first = verdict.failures[0]
    assert first.case == "softmax(x=array([7.]))  [one element]"
    assert first.expected == "array([1.])"
    assert first.got == "raised IndexError at line 2: tuple index out of range"


@pytest.mark.usefixtures("harness_from_a_server")
def test_the_stub_is_not_implemented_yet_and_shows_the_question(tmp_path):
    deck = load_files([Path("content/decks/coding.yaml")], builtin=True).decks[0]
    card = next(c for c in deck.cards if c.id == "coding-iou")
    source = stub_source(card)
    assert source.startswith("# coding-iou\n#\n# Implement `box_iou(a, b)`")
    assert "\nimport numpy as np\n\n\ndef box_iou(a, b):\n    raise NotImplementedError\n" in source
    path = tmp_path / "stub.py"
    path.write_text(source)
    verdict = check_card(card, path)
    assert verdict.not_implemented
    assert verdict.summary == "Not implemented yet: box_iou still raises NotImplementedError."


USER_DECK = """\
id: mine
title: Mine
cards:
  - id: mine-clip
    type: code
    signature: clip01(x)
    q: Clip an array to [0, 1].
    a: "`np.clip(x, 0, 1)`"
    solution: |
      import numpy as np
      def clip01(x):
          return np.clip(x, 0.0, 1.0)
    tests: |
      import numpy as np
      def cases(rng):
          return [(rng.normal(size=4),), {"args": (np.array([-1.0, 2.0]),)}]
"""


@pytest.fixture
def user_card(tmp_path):
    (tmp_path / "mine.yaml").write_text(USER_DECK)
    report = load_files([tmp_path / "mine.yaml"], builtin=False)
    assert report.problems == []
    return report.decks[0].cards[0]


@pytest.mark.usefixtures("harness_from_a_server")
def test_a_user_deck_code_card_runs_its_own_tests_only_when_trusted(tmp_path, user_card):
    right = tmp_path / "right.py"
    right.write_text("def clip01(x):\n    return x.clip(0, 1)\n")
    wrong = tmp_path / "wrong.py"
    wrong.write_text("def clip01(x):\n    return abs(x).clip(0, 1)\n")
    with pytest.raises(UntrustedDeck, match="--trust-deck"):
        check_card(user_card, right)
    assert check_card(user_card, right, trusted=True).passed
    verdict = check_card(user_card, wrong, trusted=True)
    assert verdict.failed_count == 2
    assert verdict.failures[0].case == "clip01(x=array([-1.,  2.]))"
    assert verdict.failures[0].expected == "array([0., 1.])"
    assert verdict.failures[0].got == "array([1., 1.])"


def test_a_user_deck_code_card_needs_its_tests_and_solution(tmp_path):
    text = USER_DECK.split("    solution:")[0]
    (tmp_path / "bad.yaml").write_text(text)
    report = load_files([tmp_path / "bad.yaml"], builtin=False)
    assert [str(p) for p in report.problems] == [
        f"{tmp_path / 'bad.yaml'}:4: card 'mine-clip': 'solution' is missing or empty",
        f"{tmp_path / 'bad.yaml'}:4: card 'mine-clip': 'tests' is missing or empty",
    ]


def test_generic_comparison_for_deck_tests():
    import numpy as np

    assert same(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12])) is None
    assert same(np.array([1, 2]), np.array([1.0, 2.0])) == (
        "dtype float64, expected an integer array"
    )
    assert same((1.0, [1, 2]), (1.0, [1, 3])) == "item 2: item 2: value differs"
    assert same("abc", "abd") == "value differs"


@pytest.mark.usefixtures("harness_from_a_server")
def test_the_child_gets_the_inputs_but_never_the_expected_outputs(tmp_path, monkeypatch):
    import mlprep.coderun as coderun
    from mlprep.drills.harness import decode

    sent = []
    real_spawn = coderun._spawn

    def spy(payload, seconds):
        sent.append(decode(payload))
        return real_spawn(payload, seconds)

    monkeypatch.setattr(coderun, "_spawn", spy)
    path = tmp_path / "iou.py"
    path.write_text("def box_iou(a, b):\n    return 0.0\n")
    check_file("coding-iou", path)
    [message] = sent
    assert set(message) == {"jobs", "limits", "case_sets"}
    assert message["jobs"] == [{"path": str(path.resolve()), "function": "box_iou", "case_set": 0}]
    [cases] = message["case_sets"]
    assert all(set(case) == {"args", "kwargs", "max_seconds"} for case in cases)


def test_the_child_runs_isolated_in_a_scratch_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("MLPREP_SECRET", "x")
    # the scratch directory is made in this process's temporary directory (the child's own
    # environment does not carry TMPDIR, so it could not say where that is)
    scratch_root = os.path.realpath(tempfile.gettempdir())
    path = tmp_path / "spy.py"
    path.write_text(
        "import os, sys\n"
        "def causal_mask(n):\n"
        "    raise ValueError(repr((sorted(k for k in os.environ if 'MLPREP' in k),"
        f" os.getcwd().startswith({scratch_root!r} + os.sep),"
        " sys.flags.isolated)))\n"
    )
    verdict = check_file("coding-causal-mask", path)
    assert verdict.failures[0].got == "raised ValueError at line 3: ([], True, 1)"


@pytest.mark.usefixtures("harness_from_a_server")
def test_terminal_codes_from_the_code_are_shown_as_escapes(tmp_path):
    from mlprep.coderun import verdict_lines

    path = tmp_path / "esc.py"
    path.write_text("def causal_mask(n):\n    raise ValueError('\\x1b[2J\\u202e')\n")
    lines = verdict_lines(check_file("coding-causal-mask", path))
    assert "  got:      raised ValueError at line 2: \\x1b[2J\\u202e" in lines


def test_a_verdict_fits_a_narrow_terminal_whole():
    """A long message or value has no place to break: it is folded to the width, whole,
    rather than run past the terminal's edge."""
    from mlprep.coderun import Failure, Verdict, verdict_lines

    got = "ValueError: operands could not be broadcast together with shapes (3,4) (4,3)"
    failure = Failure(
        case="softmax(np.array([[1.0, 2.0, 3.0, 4.0]] * 3))",
        expected="[[...]]",
        got=got,
        reason="raised",
    )
    verdict = Verdict("coding-softmax", False, 5, [failure], failed_count=1)
    lines = verdict_lines(verdict, 40)
    assert all(len(line) <= 40 for line in lines)
    shown = "".join("".join(line.split()) for line in lines)
    assert shown.endswith("got:" + "".join(got.split()))


def test_the_step_keys_fit_a_narrow_terminal():
    import io

    from mlprep.ui.codeio import LineCodePrompter

    for width, prompt in (
        (80, "[r]etry, [a]nswer (recorded as Again), [n]ext, [q]uit: "),
        (40, "[r]etry [a]nswer [n]ext [q]uit: "),
    ):
        out = io.StringIO()
        prompter = LineCodePrompter(io.StringIO("n\n"), out, {}, width=width)
        assert prompter.next_step() == "next"
        assert out.getvalue() == prompt


def test_the_standard_library_and_numpy_are_all_there_to_import(tmp_path):
    """What a drill may import is told by where it is installed: numpy's submodules and the
    standard library's private modules are on no list of names (numpy.testing and zoneinfo
    need one), yet are no library someone else wrote."""
    path = tmp_path / "softmax.py"
    path.write_text(
        "import numpy as np\nimport numpy.testing\nimport zoneinfo\n"
        "def softmax(x, axis=-1):\n"
        "    zoneinfo.ZoneInfo('Europe/Paris')\n"
        "    numpy.testing.assert_equal(1, 1)\n"
        "    z = x - np.max(x, axis=axis, keepdims=True)\n"
        "    e = np.exp(z)\n"
        "    return e / np.sum(e, axis=axis, keepdims=True)\n"
    )
    with drills_through_server():
        verdict = check_file("coding-softmax", path)
    assert verdict.passed, verdict.summary


def test_a_failures_reason_is_wrapped_between_words():
    """At 60 columns "overflow encountered in exp" was folded as "... in e" / "xp"."""
    from mlprep.coderun import Failure, Verdict, verdict_lines

    reason = "RuntimeWarning: overflow encountered in exp for the large inputs of the test"
    failure = Failure(case="softmax(x=array([1000.]))", expected="1.0", got="nan", reason=reason)
    verdict = Verdict("coding-softmax", False, 3, failures=[failure], failed_count=1)
    lines = verdict_lines(verdict, 40)
    assert lines[lines.index("  got:      nan") + 1 :] == [
        "  why:      RuntimeWarning: overflow",
        "            encountered in exp for the",
        "            large inputs of the test",
    ]
