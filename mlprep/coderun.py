"""Run a user's drill solution in a separate, limited Python process and grade it.

The parent (this module) builds the inputs and the expected outputs; the child
(mlprep/drills/harness.py, started as `python -I harness.py`) gets the path of the user's
file, the function name and the inputs only, calls the function and sends back what it
returned. The comparison happens here, so nothing the child can read holds an expected value.

The child runs with a wall-clock timeout, CPU, address-space, file-size and process limits,
its own session (killed as a group), numpy's thread pools at one thread, standard streams on
/dev/null and Python-level prints capped. It is a guard against mistakes (an infinite loop, a
huge allocation, a print in a loop, a stray fork), not a sandbox against hostile code; code
from a deck someone else wrote runs only with --trust-deck.

numpy is imported only when a drill actually runs, so no other command starts slower.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlprep.errors import MlprepError, UsageError
from mlprep.model import Card, CardType

HARNESS = Path(__file__).parent / "drills" / "harness.py"
# seconds of wall-clock time for one run of all a drill's tests: a few times what the slowest
# drill needs, so that other work on the machine does not turn a right answer into a timeout
TIME_LIMIT = 8.0
MEMORY_LIMIT = 3 * 1024**3  # address space of the child (numpy itself maps ~0.5 GiB)
OUTPUT_LIMIT = 1_000_000  # characters the user's code may print
MAX_FAILURES = 5  # failures reported, smallest inputs first
VECTORISE = "vectorise: no Python loops over elements, no (n, m, d) temporaries"


@dataclass(frozen=True)
class Failure:
    case: str  # the call, with its inputs
    expected: str
    got: str
    reason: str  # why `got` is wrong, in a few words
    size: int = 0  # how many input elements (to show the smallest failing input first)

    def as_json(self) -> dict[str, str]:
        """The documented shape: case, expected, got. Where the values alone do not show what
        is wrong (an input modified in place, a dtype, the time), `got` ends with the reason."""
        got = self.got
        if self.reason != "raised" and not self.reason.startswith(
            ("values differ", "value differs")
        ):
            got = f"{got}  ({self.reason})"
        return {"case": self.case, "expected": self.expected, "got": got}


@dataclass
class Verdict:
    card_id: str
    passed: bool
    tests: int
    failures: list[Failure] = field(default_factory=list)
    error: str | None = None  # a verdict on the whole file (syntax, timeout, missing function)
    not_implemented: bool = False
    failed_count: int = 0
    printed: str = ""  # the first lines the code printed, for the user
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "card": self.card_id,
            "passed": self.passed,
            "tests": self.tests,
            "failures": [f.as_json() for f in self.failures],
            "error": self.error,
        }

    @property
    def summary(self) -> str:
        if self.passed:
            return (
                "Passed: its one test." if self.tests == 1 else f"Passed: all {self.tests} tests."
            )
        if self.not_implemented:
            return f"{(self.error or '')[:1].upper()}{(self.error or '')[1:]}."
        if self.error:
            return f"Error: {self.error}"
        return f"Failed {self.failed_count} of {self.tests} tests."


@dataclass(frozen=True)
class Limits:
    seconds: float = TIME_LIMIT
    memory: int = MEMORY_LIMIT
    output: int = OUTPUT_LIMIT


def numpy_available() -> bool:
    return importlib.util.find_spec("numpy") is not None


def require_numpy() -> None:
    if not numpy_available():
        raise MlprepError(
            f"coding drills need numpy, which is not installed; install it with: "
            f"{sys.executable} -m pip install numpy"
        )


def has_drill(card_id: str) -> bool:
    """Whether a built-in test suite exists for this card (no numpy needed to ask)."""
    from mlprep.drills import DRILL_IDS

    return card_id in DRILL_IDS


def check_file(card_id: str, path: Path, limits: Limits | None = None) -> Verdict:
    """Run the built-in tests of one drill on the user's file."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    require_numpy()
    from mlprep.drills.cases import SUITES, seed_for

    suite = SUITES.get(card_id)
    if suite is None:
        raise UsageError(f"no built-in tests for card '{card_id}'")
    import numpy as np

    cases = suite.make_cases(np.random.default_rng(seed_for(card_id)))
    return run_case_set(card_id, path, suite, cases, limits or Limits())


def check_files(card_id: str, paths: list[Path], limits: Limits | None = None) -> list[Verdict]:
    """Several files against one drill in one child process."""
    return check_many([(card_id, paths)], limits)[0]


def run_case_set(card_id: str, path: Path, suite: Any, cases: list[Any], limits: Limits) -> Verdict:
    return run_cases(card_id, [path], suite, cases, limits)[0]


class UntrustedDeck(UsageError):
    """A drill whose tests come from a deck (code) that the user has not said to trust."""

    def __init__(self, card: Card) -> None:
        super().__init__(
            f"card '{card.id}' comes from a deck that is not built in; its tests are code. "
            "Run it with --trust-deck if you trust that deck."
        )


def check_card(
    card: Card, path: Path, trusted: bool = False, limits: Limits | None = None
) -> Verdict:
    """Run a code card's tests on the user's file: a built-in drill's packaged tests, or the
    tests and solution a deck's card carries (code from the deck: only when `trusted`)."""
    if card.type is not CardType.CODE:
        raise UsageError(f"card '{card.id}' is not a coding drill")
    if _packaged(card):
        return check_file(card.id, path, limits)
    if not trusted:
        raise UntrustedDeck(card)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    require_numpy()
    limits = limits or Limits()
    suite = DeckSuite(card.function, _param_names(card.signature))
    generated = _generate(card, limits)
    if isinstance(generated, str):
        verdict = Verdict(card.id, passed=False, tests=0)
        verdict.error = f"the deck's tests for '{card.id}' do not run: {generated}"
        return verdict
    cases, expected = generated
    return run_cases(card.id, [path], suite, cases, limits, dict(enumerate(expected)))[0]


def runs_tests(card: Card, trusted: bool) -> bool:
    """Whether check_card would run the card's tests (and not refuse a deck's code)."""
    return _packaged(card) or trusted


def _packaged(card: Card) -> bool:
    """A built-in drill, whose tests come with mlprep (not from a deck)."""
    return not card.tests and card.id in _drill_ids()


@dataclass(frozen=True)
class DeckSuite:
    """The tests of a code card from a deck: cases and expected values come from the card's
    own `tests` and `solution`, compared generically."""

    function: str
    param_names: list[str]
    reference: Any = None
    check: Any = None

    @staticmethod
    def compare(expected: Any, got: Any) -> str | None:
        return same(expected, got)


def same(expected: Any, got: Any) -> str | None:
    """Generic comparison for deck tests: arrays by shape, dtype family and allclose; numbers
    with the drills' tolerance; containers item by item; anything else by ==."""
    import numpy as np

    from mlprep.drills.cases import array, number

    if isinstance(expected, np.ndarray):
        kind = "f" if expected.dtype.kind in "fc" else expected.dtype.kind
        return array(kind)(expected, got)
    if isinstance(expected, bool | np.bool_):
        return (
            None
            if isinstance(got, bool | np.bool_) and bool(got) == bool(expected)
            else ("value differs")
        )
    if isinstance(expected, float | np.floating):
        return number()(expected, got)
    if isinstance(expected, tuple | list):
        if not isinstance(got, tuple | list) or len(got) != len(expected):
            return f"expected a {type(expected).__name__} of {len(expected)} items"
        for index, (e, g) in enumerate(zip(expected, got, strict=True)):
            reason = same(e, g)
            if reason:
                return f"item {index + 1}: {reason}"
        return None
    try:
        return None if bool(expected == got) else "value differs"
    except Exception:  # noqa: BLE001 - an incomparable value is a wrong value
        return "value differs"


def _param_names(signature: str) -> list[str]:
    import ast

    try:
        tree = ast.parse(f"def {signature}:\n    pass\n")
        node = tree.body[0]
        assert isinstance(node, ast.FunctionDef)
    except (SyntaxError, AssertionError):
        return []
    args = node.args
    return [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]


def _generate(card: Card, limits: Limits) -> tuple[list[Any], list[Any]] | str:
    """Run the card's `tests` (cases) and `solution` (expected values) in a limited child."""
    from mlprep.drills.cases import Case
    from mlprep.drills.harness import decode, encode

    message = {
        "mode": "generate",
        "tests": card.tests,
        "solution": card.solution,
        "function": card.function,
        "seed": _stable_seed(card.id),
        "limits": _limits_message(limits, 1),
    }
    status, raw = _spawn(encode(message), limits.seconds)
    if status != "ok":
        return status
    try:
        reply = decode(raw)["jobs"][0]
    except Exception:  # noqa: BLE001
        return "they sent back something unreadable"
    if reply.get("status") != "generated":
        return _file_problem(reply, card.function, limits) or "unknown failure"
    cases = [Case(tuple(c["args"]), dict(c["kwargs"])) for c in reply["cases"]]
    return cases, list(reply["expected"])


def _stable_seed(text: str) -> int:
    return sum((i + 1) * ord(c) for i, c in enumerate(text))


def _limits_message(limits: Limits, files: int) -> dict[str, int]:
    return {
        "memory": limits.memory,
        "cpu": int(limits.seconds * files) + 2,
        "file_size": 10_000_000,
        "output": limits.output,
    }


def _drill_ids() -> frozenset[str]:
    from mlprep.drills import DRILL_IDS

    return DRILL_IDS


def run_cases(
    card_id: str,
    paths: list[Path],
    suite: Any,
    cases: list[Any],
    limits: Limits,
    expected: dict[int, Any] | None = None,
) -> list[Verdict]:
    group = Group(card_id, suite, cases, paths, {} if expected is None else expected)
    return run_groups([group], limits)[0]


@dataclass
class Group:
    """Files checked against one drill's cases; `expected` fills in as the references run,
    and `draws` with each reference's random generators' next numbers after it (a user deck's
    card, whose expected values come from its own solution run apart, has none)."""

    card_id: str
    suite: Any
    cases: list[Any]
    paths: list[Path]
    expected: dict[int, Any] = field(default_factory=dict)
    draws: dict[int, list[float]] = field(default_factory=dict)

    def reference(self, index: int) -> None:
        """Run the reference for case `index` unless its expected value is known."""
        if index not in self.expected:
            self.expected[index], self.draws[index] = _reference_run(self.suite, self.cases[index])


def check_many(
    batch: list[tuple[str, list[Path]]], limits: Limits | None = None
) -> list[list[Verdict]]:
    """Files for several drills in one child process: one numpy start-up for all of them
    (the project's own tests measure every drill this way)."""
    require_numpy()
    import numpy as np

    from mlprep.drills.cases import SUITES, seed_for

    groups = []
    for card_id, paths in batch:
        suite = SUITES[card_id]
        cases = suite.make_cases(np.random.default_rng(seed_for(card_id)))
        groups.append(Group(card_id, suite, cases, paths))
    return run_groups(groups, limits or Limits())


def run_groups(groups: list[Group], limits: Limits) -> list[list[Verdict]]:
    from mlprep.drills.harness import decode, encode

    files = sum(len(g.paths) for g in groups)
    message = {
        "case_sets": [
            [
                {"args": list(c.args), "kwargs": c.kwargs, "max_seconds": c.max_seconds}
                for c in g.cases
            ]
            for g in groups
        ],
        "jobs": [
            {"path": str(p.resolve()), "function": g.suite.function, "case_set": index}
            for index, g in enumerate(groups)
            for p in g.paths
        ],
        "limits": _limits_message(limits, files),
    }
    start = time.monotonic()

    def references() -> None:
        for g in groups:
            for i in range(len(g.cases)):
                g.reference(i)

    # the references run while the child does (numpy releases the GIL in its kernels)
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(references)
        status, raw = _spawn(encode(message), limits.seconds * files)
        future.result()
    seconds = time.monotonic() - start
    verdicts = [
        [Verdict(g.card_id, passed=False, tests=len(g.cases), seconds=seconds) for _ in g.paths]
        for g in groups
    ]
    flat = [v for per_group in verdicts for v in per_group]
    if status != "ok":
        if status.startswith("did not finish"):
            started = _frames(raw)[0]
            slow = None
            if files == 1 and started is not None and started < len(groups[0].cases):
                case = groups[0].cases[started]
                status += f" on {_case_label(groups[0].suite, case, started)}"
                slow = case.max_seconds
            if slow:
                status += f"; it must take under {slow:g} s: {VECTORISE}"
            else:
                status += " (an infinite loop, or far too slow)"
        for verdict in flat:
            verdict.error = status
        return verdicts
    try:
        replies = decode(raw)["jobs"]
        assert isinstance(replies, list) and len(replies) == files
    except Exception:  # noqa: BLE001 - whatever the child sent, the verdict is one line
        for verdict in flat:
            verdict.error = "the drill process sent back something unreadable"
        return verdicts
    replies_left = iter(replies)
    for g, per_group in zip(groups, verdicts, strict=True):
        for verdict in per_group:
            _judge(verdict, next(replies_left), g, limits)
    return verdicts


def _judge(verdict: Verdict, reply: Any, group: Group, limits: Limits) -> None:
    suite, cases = group.suite, group.cases
    if not isinstance(reply, dict):
        verdict.error = "the drill process sent back something unreadable"
        return
    problem = _file_problem(reply, suite.function, limits)
    if problem is not None:
        verdict.error = problem
        verdict.not_implemented = reply.get("status") == "not-implemented"
        return
    verdict.printed = str(reply.get("printed", ""))
    failures = []
    results = reply.get("results")
    if not isinstance(results, list) or len(results) != len(cases):
        verdict.error = "the drill process sent back something unreadable"
        return
    for index, (case, result) in enumerate(zip(cases, results, strict=True)):
        group.reference(index)
        failure = _grade(suite, case, result, group.expected[index], group.draws.get(index))
        if failure is not None:
            failures.append(failure)
    if results and all(r.get("raised") == "MemoryError" for r in results):
        verdict.error = f"ran out of memory (limit {limits.memory / 1024**3:g} GiB)"
        return
    failures.sort(key=lambda f: f.size)
    verdict.failed_count = len(failures)
    verdict.failures = failures[:MAX_FAILURES]
    verdict.passed = not failures


def _child_env() -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LC_ALL": "C.UTF-8",
        # one thread each: the limits below count threads, and timing stays predictable
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    return env


def _spawn(payload: bytes, seconds: float) -> tuple[str, bytes | memoryview]:
    """Run the harness; ("ok", reply bytes) or (one-line reason, b"")."""
    with tempfile.TemporaryDirectory(prefix="mlprep-drill-") as workdir:
        try:
            child = subprocess.Popen(
                [sys.executable, "-I", str(HARNESS)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd=workdir,
                env=_child_env(),
                start_new_session=True,
            )
        except OSError as error:
            raise MlprepError(f"cannot start Python to run the drill: {error}") from None
        try:
            out, _ = child.communicate(payload, timeout=seconds)
        except subprocess.TimeoutExpired:
            _kill_group(child)
            out, _ = child.communicate()  # what it sent before: which case was running
            return f"did not finish within {seconds:g} s", out
        finally:
            _kill_group(child)
    code = child.returncode
    if code < 0:
        signum = -code
        if signum == signal.SIGXCPU:
            return f"used more than {seconds:g} s of CPU time", b""
        if signum == signal.SIGXFSZ:
            return "wrote too large a file", b""
        name = signal.Signals(signum).name if signum in signal.Signals._value2member_map_ else ""
        return f"the drill process was killed ({name or signum})", b""
    reply = _frames(out)[1]
    if reply is None:
        return f"the drill process ended without an answer (exit code {code})", b""
    return "ok", reply


def _case_label(suite: Any, case: Any, index: int) -> str:
    if case.note:
        return f"the case '{case.note}'"
    call = describe_call(suite, case)
    if "\n" not in call and len(call) <= 50:
        return call
    return f"test case {index + 1}"


def _frames(out: bytes | memoryview) -> tuple[int | None, memoryview | None]:
    """The child's stream: b"S" + case index before each call, b"R" + the reply at the end.
    Gives (the last case started, the reply or None: a view of `out`, which may hold a
    drill's large results)."""
    started = None
    offset = 0
    while offset < len(out):
        tag = out[offset : offset + 1]
        if tag == b"S" and offset + 5 <= len(out):
            started = int.from_bytes(out[offset + 1 : offset + 5], "little")
            offset += 5
        elif tag == b"R":
            return started, memoryview(out)[offset + 1 :]
        else:
            break
    return started, None


def _kill_group(child: subprocess.Popen) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    child.wait()


def _file_problem(reply: dict, function: str, limits: Limits) -> str | None:
    status = reply.get("status")
    if status == "ran":
        return None
    if status == "no-numpy":
        return f"numpy is not installed for {sys.executable}; install it with: pip install numpy"
    if status == "not-implemented":
        detail = str(reply.get("message") or "")
        return f"not implemented yet: {function} still raises NotImplementedError" + (
            f" ({detail})" if detail else ""
        )
    if status == "syntax":
        return f"syntax error: {reply.get('message')}"
    if status == "missing":
        defined = reply.get("defined") or []
        found = f" (found: {', '.join(defined)})" if defined else ""
        return f"the file does not define a function named {function}{found}"
    if status == "not-callable":
        return f"{function} is a {reply.get('type')}, not a function"
    if status == "signature":
        return (
            f"wrong signature: {function}{reply.get('signature')} cannot be called as the "
            f"tests call it ({reply.get('message')})"
        )
    if status == "import":
        return f"cannot import {reply.get('module')}: drills have the standard library and numpy"
    if status == "exit":
        return f"the code called sys.exit({reply.get('code')}); return a value instead"
    if status == "memory":
        return f"ran out of memory (limit {limits.memory / 1024**3:g} GiB)"
    if status == "output":
        return f"printed more than {limits.output:,} characters; remove the prints in loops"
    if status == "process":
        return "tried to start a process; drills run in one process"
    if status == "unreadable":
        return f"cannot read {reply.get('message')}"
    if status == "crash":
        where = f" at line {reply['where']}" if reply.get("where") else ""
        return f"{reply.get('raised')}{where} {reply.get('when')}: {reply.get('message')}"
    if status == "unsendable":
        return f"the result cannot be sent back: {reply.get('message')}"
    return "the drill process answered in an unknown way"


def _reference_run(suite: Any, case: Any) -> tuple[Any, list[float]]:
    """The reference's value for a case, and each random generator's next number after it
    (the case's SeededRng built afresh as numpy generators)."""
    import copy

    import numpy as np

    from mlprep.drills.harness import SeededRng

    args, rngs = [], []
    for arg in case.args:
        if isinstance(arg, SeededRng):
            rngs.append(np.random.default_rng(arg.seed))
            args.append(rngs[-1])
        else:
            args.append(copy.deepcopy(arg))
    value = suite.reference(*args, **copy.deepcopy(case.kwargs))
    return value, [float(rng.random()) for rng in rngs]


def _grade(
    suite: Any, case: Any, result: Any, expected: Any, draws: list[float] | None = None
) -> Failure | None:
    from mlprep.drills.harness import Opaque

    if not isinstance(result, dict):
        return Failure(describe_call(suite, case), show(expected), "?", "unreadable result")
    size = _size(case.args) + _size(list(case.kwargs.values()))
    if result.get("raised") == "MemoryError":
        hint = " (vectorise without (n, m, d) temporaries)" if case.max_seconds else ""
        return Failure(
            describe_call(suite, case),
            show(expected),
            "raised MemoryError",
            f"ran out of memory (limit {MEMORY_LIMIT / 1024**3:g} GiB){hint}",
            size,
        )
    if result.get("raised") == "TooSlow":
        return Failure(
            describe_call(suite, case),
            show(expected),
            str(result.get("message")),
            f"too slow: must finish within {case.max_seconds:g} s ({VECTORISE})",
            size,
        )
    if "raised" in result:
        where = f" at line {result['where']}" if result.get("where") else ""
        message = f": {result['message']}" if result.get("message") else ""
        return Failure(
            describe_call(suite, case),
            show(expected),
            f"raised {result['raised']}{where}{message}",
            "raised",
            size,
        )
    got = result["value"]
    if isinstance(got, Opaque):
        return Failure(
            describe_call(suite, case),
            show(expected),
            repr(got),
            f"returned a {got.type_name}",
            size,
        )
    reason = suite.compare(expected, got)
    if reason is None and suite.check is not None:
        reason = suite.check(got)
    if reason is None and result.get("modified"):
        reason = f"modified its input {', '.join(result['modified'])} in place"
    if reason is None and draws is not None and result.get("next_draws") is not None:
        if draws != result["next_draws"]:
            reason = (
                "drew from the random generator more or fewer times than the drill asks"
                " (its next number after the call differs)"
            )
    if reason is None and case.max_seconds is not None and result["seconds"] > case.max_seconds:
        reason = (
            f"took {result['seconds']:.1f} s; must finish within {case.max_seconds:g} s"
            f" ({VECTORISE})"
        )
    if reason is None:
        return None
    return Failure(describe_call(suite, case), show(expected), show(got), reason, size)


def _size(values: Any) -> int:
    import numpy as np

    total = 0
    for value in values:
        if isinstance(value, np.ndarray):
            total += value.size
        elif isinstance(value, list | tuple | set):
            total += max(1, _size(list(value)))
        else:
            total += 1
    return total


def show(value: Any) -> str:
    """A short, readable repr (numpy's summarising for big arrays)."""
    import numpy as np

    with np.printoptions(threshold=40, edgeitems=3, precision=8, linewidth=66):
        if isinstance(value, tuple):
            text = "(" + ", ".join(show(v) for v in value) + ("," if len(value) == 1 else "") + ")"
        else:
            text = repr(value)
    return text if len(text) <= 2000 else text[:2000] + " ..."


def describe_call(suite: Any, case: Any) -> str:
    import inspect

    names = getattr(suite, "param_names", None)
    if names is None:
        try:
            names = list(inspect.signature(suite.reference).parameters)
        except (TypeError, ValueError):
            names = []
    parts = []
    for index, value in enumerate(case.args):
        name = names[index] if index < len(names) else ""
        parts.append(f"{name}={show(value)}" if name else show(value))
    parts += [f"{key}={show(value)}" for key, value in case.kwargs.items()]
    text = f"{suite.function}({', '.join(parts)})"
    return f"{text}  [{case.note}]" if case.note else text


# -- the verdict as plain text (commands and card kinds print these lines) ----------------


def verdict_lines(verdict: Verdict, width: int = 80) -> list[str]:
    """The verdict as plain lines: the summary, then the smallest failing case. Messages and
    values come from the code that ran: control characters are shown as escapes."""
    from mlprep.textsafe import printable

    lines = textwrap.wrap(verdict.summary, width) or [verdict.summary]
    if verdict.passed or verdict.error or not verdict.failures:
        if verdict.printed and not verdict.passed:
            lines.append("Your code printed:")
            lines += _block(verdict.printed.rstrip()[:500], "  ", width)
    else:
        failure = verdict.failures[0]
        lines.append("The smallest failing case:")
        lines += _block(failure.case, "  ", width)
        lines += _labelled("expected", failure.expected, width)
        lines += _labelled("got", failure.got, width)
        if failure.reason != "raised":
            lines += _labelled("why", failure.reason, width, prose=True)
    return [printable(line) for line in lines]


def _block(text: str, indent: str, width: int = 0) -> list[str]:
    rows = [indent + line for line in text.splitlines()] or [indent]
    return [part for row in rows for part in _fold(row, width, indent)]


def _labelled(label: str, text: str, width: int = 0, prose: bool = False) -> list[str]:
    """A labelled value, folded where it is too long; `prose` (a reason in words) is wrapped
    between words instead ("overflow encountered in e / xp" was folded mid-word)."""
    head = f"  {label}:".ljust(12)
    rows = text.splitlines() or [""]
    if prose and width:
        wrapped = textwrap.wrap(
            " ".join(rows), width, initial_indent=head, subsequent_indent=" " * 12
        )
        if wrapped:
            return [part for row in wrapped for part in _fold(row, width, " " * 12)]
    rows = [head + rows[0]] + [" " * 12 + row for row in rows[1:]]
    return [part for row in rows for part in _fold(row, width, " " * 12)]


def _fold(row: str, width: int, indent: str) -> list[str]:
    """A long message or value has no place to break: folded to `width` (0: any width)."""
    from mlprep.textfit import folded

    return folded(row, width, indent) if width else [row]
