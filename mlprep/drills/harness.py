"""The child side of a drill run: load the user's file, call their function on each input,
send back what it returned. It never sees the expected outputs, which stay in the parent.

This file runs as a script (`python -I harness.py`) and imports nothing of mlprep, so the
user's code shares a process with the standard library and numpy only. The wire format
(`encode`/`decode`) is also imported by the parent, so numpy is imported lazily here.

Protocol: the parent writes one message on stdin: {"path", "function", "limits", "cases":
[{"args": [...], "kwargs": {...}}]}. The child answers on the file descriptor it was started
with (fd 1 duplicated before the user's code runs) with {"status": ..., "results": [...]}.
"""

from __future__ import annotations

import json
import struct
import sys
from typing import Any

# -- wire format: JSON with binary blobs for arrays (no pickle: the parent reads what the
# user's code produced, and unpickling that would run code in the parent) ------------------

_SAFE_KINDS = "biufc"


def encode(value: object) -> bytes:
    blobs: list[Any] = []  # each array's bytes (a view of its memory: joined once, below)

    def walk(item: object) -> object:
        np = sys.modules.get("numpy")
        if item is None or isinstance(item, bool | str):
            return item
        if isinstance(item, int):
            if abs(item) >= 2**63:
                return {"__bigint__": str(item)}
            return item
        if isinstance(item, float):
            if item != item or item in (float("inf"), float("-inf")):
                return {"__float__": repr(item)}
            return item
        if isinstance(item, list):
            return [walk(x) for x in item]
        if isinstance(item, tuple):
            return {"__tuple__": [walk(x) for x in item]}
        if isinstance(item, set | frozenset):
            return {"__set__": [walk(x) for x in item]}
        if isinstance(item, dict):
            return {"__dict__": [[walk(k), walk(v)] for k, v in item.items()]}
        if isinstance(item, SeededRng):
            return {"__rng__": item.seed}
        if np is not None:
            if isinstance(item, np.generic):
                return {"__scalar__": walk(np.asarray(item))}
            if isinstance(item, np.ndarray):
                if item.dtype.kind in _SAFE_KINDS:
                    # (not np.ascontiguousarray: it makes a 0-d array, as a numpy number
                    # is sent, one of shape (1,), and np.float32(0.5) came back as an array)
                    array = item if item.flags.c_contiguous else np.array(item, order="C")
                    blobs.append(memoryview(array.reshape(-1).view(np.uint8)))
                    return {
                        "__nd__": array.dtype.str,
                        "shape": list(array.shape),
                        "blob": len(blobs) - 1,
                    }
                if item.dtype.kind in "UO" and item.size <= 100_000:
                    return {
                        "__ndlist__": walk(item.tolist()),
                        "dtype": item.dtype.str,
                        "shape": list(item.shape),
                    }
        return {"__other__": type(item).__name__, "repr": _short_repr(item)}

    header = json.dumps(walk(value)).encode()
    parts = [struct.pack("<QQ", len(header), len(blobs)), header]
    for blob in blobs:
        parts.append(struct.pack("<Q", len(blob)))
        parts.append(blob)
    return b"".join(parts)


class SeededRng:
    """Stands for `numpy.random.default_rng(seed)` on the wire; each side builds its own."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def __repr__(self) -> str:
        return f"np.random.default_rng({self.seed})"


class Opaque:
    """A value of a type the wire does not carry (a function, a custom object)."""

    def __init__(self, type_name: str, text: str) -> None:
        self.type_name = type_name
        self.text = text

    def __repr__(self) -> str:
        return self.text


def decode(data: bytes | memoryview) -> Any:
    import numpy as np

    data = memoryview(data)  # (its slices are views: an array's bytes are copied once)
    header_len, count = struct.unpack_from("<QQ", data, 0)
    offset = 16
    header = json.loads(bytes(data[offset : offset + header_len]))
    offset += header_len
    blobs: list[memoryview] = []
    for _ in range(count):
        (size,) = struct.unpack_from("<Q", data, offset)
        offset += 8
        blobs.append(data[offset : offset + size])
        offset += size

    def walk(item: Any) -> Any:
        if isinstance(item, list):
            return [walk(x) for x in item]
        if not isinstance(item, dict):
            return item
        if "__nd__" in item:
            dtype = np.dtype(item["__nd__"])
            if dtype.kind not in _SAFE_KINDS:
                raise ValueError("unsupported dtype")
            array = np.frombuffer(blobs[item["blob"]], dtype=dtype).reshape(item["shape"])
            return array.copy()
        if "__ndlist__" in item:
            dtype = np.dtype(item["dtype"])
            if dtype.kind not in "UO":
                raise ValueError("unsupported dtype")
            return np.array(walk(item["__ndlist__"]), dtype=dtype).reshape(item["shape"])
        if "__tuple__" in item:
            return tuple(walk(x) for x in item["__tuple__"])
        if "__set__" in item:
            return {walk(x) for x in item["__set__"]}
        if "__dict__" in item:
            return {walk(k): walk(v) for k, v in item["__dict__"]}
        if "__scalar__" in item:
            return walk(item["__scalar__"])[()]
        if "__float__" in item:
            return float(item["__float__"])
        if "__bigint__" in item:
            return int(item["__bigint__"])
        if "__rng__" in item:
            rng = np.random.default_rng(item["__rng__"])
            return rng
        if "__other__" in item:
            return Opaque(str(item["__other__"]), str(item["repr"]))
        raise ValueError("unknown value on the wire")

    return walk(header)


def _short_repr(item: object) -> str:
    try:
        text = repr(item)
    except Exception:  # a user's __repr__ may raise
        text = f"<{type(item).__name__}>"
    return text[:200]


# -- the child ---------------------------------------------------------------------------


class ProcessBlocked(RuntimeError):
    """Raised when drill code tries to start a process."""


class TooMuchOutput(Exception):
    pass


class TooSlow(Exception):
    pass


def _too_slow(signum: int, frame: object) -> None:
    raise TooSlow


class _CappedWriter:
    """Stands in for sys.stdout/sys.stderr: keeps the first lines for the verdict and stops
    the code once it has printed more than the cap."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.size = 0
        self.kept: list[str] = []

    def write(self, text: str) -> int:
        text = str(text)
        self.size += len(text)
        if self.size > self.cap:
            raise TooMuchOutput
        if sum(len(t) for t in self.kept) < 2000:
            self.kept.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _block_processes() -> None:
    import os

    def blocked(*args: object, **kwargs: object) -> None:
        raise ProcessBlocked("starting processes is not allowed in a drill")

    for name in (
        "fork",
        "forkpty",
        "system",
        "popen",
        "posix_spawn",
        "posix_spawnp",
        "spawnv",
        "spawnve",
        "spawnvp",
        "spawnvpe",
        "execv",
        "execve",
        "execvp",
        "execvpe",
        "execl",
        "execle",
        "execlp",
        "execlpe",
        "kill",
        "killpg",
    ):
        if hasattr(os, name):
            setattr(os, name, blocked)
    try:
        import _posixsubprocess

        setattr(_posixsubprocess, "fork_exec", blocked)  # noqa: B010 - typed stubs disagree
    except ImportError:
        pass


def _limit(limits: dict) -> None:
    import resource

    def cap(which: int, value: int) -> None:
        try:
            soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass

    cap(resource.RLIMIT_AS, int(limits["memory"]))
    try:  # SIGXCPU at the soft limit (a clear verdict), SIGKILL a second later
        resource.setrlimit(resource.RLIMIT_CPU, (int(limits["cpu"]), int(limits["cpu"]) + 1))
    except (ValueError, OSError):
        pass
    cap(resource.RLIMIT_FSIZE, int(limits["file_size"]))
    cap(resource.RLIMIT_CORE, 0)
    # no new processes or threads; root ignores this, which _block_processes covers
    cap(resource.RLIMIT_NPROC, 0)


def _same(before: object, after: object) -> bool:
    import numpy as np

    if isinstance(before, np.ndarray):
        return (
            isinstance(after, np.ndarray)
            and before.shape == after.shape
            and bool(np.array_equal(before, after, equal_nan=before.dtype.kind in "fc"))
        )
    if isinstance(before, list | tuple):
        return (
            type(before) is type(after)
            and len(before) == len(after)
            and all(_same(b, a) for b, a in zip(before, after, strict=False))
        )
    if isinstance(before, np.random.Generator):
        return True
    try:
        return bool(before == after)
    except Exception:
        return False


def _snapshot(value: object) -> object:
    import copy

    import numpy as np

    if isinstance(value, np.random.Generator):
        return value
    return copy.deepcopy(value)


class _StandardLibraryAndNumpy:
    """What the user's code may import: the standard library and numpy, as on any machine
    mlprep runs on. Whatever else the environment has (scikit-learn, scipy) is no part of a
    drill: its one-liner is no answer. A module is told by where it is installed, not by its
    name (the standard library's own private modules are on no list). (A guard against
    mistakes, as the limits are.)"""

    def __init__(self) -> None:
        import sysconfig

        paths = sysconfig.get_paths()
        self.installed = tuple({paths["purelib"], paths["platlib"]})

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        from importlib.machinery import PathFinder

        top = name.partition(".")[0]
        if top == "numpy" or "." in name:  # (a submodule: its package was let in, or not)
            return None
        spec = PathFinder.find_spec(name, path)  # type: ignore[arg-type]
        origin = (spec.origin or "") if spec is not None else ""
        if origin.startswith(self.installed):
            raise ModuleNotFoundError(f"No module named {top!r}", name=top)
        return None  # (found the usual way)


def _run(message: dict, out: int) -> dict:
    """One file against the cases: a reply with every case's result, or a verdict on the
    whole file (syntax, missing function, sys.exit, ...). `out` is the reply's descriptor."""
    import copy
    import inspect
    import os
    import signal
    import time
    import warnings

    try:
        import numpy as np
    except ImportError:
        return {"status": "no-numpy"}
    _limit(message["limits"])
    _block_processes()

    path = message["path"]
    name = message["function"]
    writer = _CappedWriter(int(message["limits"]["output"]))
    sys.stdout = sys.stderr = writer
    try:
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
    except UnicodeDecodeError as error:
        byte = error.object[error.start : error.start + 1].hex()
        where = f"a byte 0x{byte} at position {error.start}"
        said = f"{path}: not UTF-8 text ({where}); save it as UTF-8"
        return {"status": "unreadable", "message": said}
    except OSError as error:
        return {"status": "unreadable", "message": f"{path}: {error.strerror or error}"}
    try:
        code = compile(source, path, "exec")
    except SyntaxError as error:
        return {
            "status": "syntax",
            "message": f"{error.msg} (line {error.lineno})",
            "line": error.lineno,
        }
    namespace: dict = {"__name__": "drill", "__file__": path}
    sys.meta_path.insert(0, _StandardLibraryAndNumpy())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            exec(code, namespace)
    except BaseException as error:  # SystemExit, ImportError, a top-level bug
        return _crash(error, "while loading the file", path, writer)
    function = namespace.get(name)
    if function is None:
        defined = sorted(
            k for k, v in namespace.items() if inspect.isfunction(v) and not k.startswith("_")
        )
        return {"status": "missing", "defined": defined}
    if not callable(function):
        return {"status": "not-callable", "type": type(function).__name__}
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        signature = None

    results: list[dict[str, Any]] = []
    for index, case in enumerate(message["cases"]):
        # tell the parent which case runs, so a timeout can name it
        os.write(out, b"S" + struct.pack("<I", index))
        # fresh copies per file: an earlier file may have mutated them or drawn from an rng
        args = copy.deepcopy(list(case["args"]))
        kwargs = copy.deepcopy(dict(case["kwargs"]))
        if signature is not None:
            try:
                signature.bind(*args, **kwargs)
            except TypeError as error:
                return {"status": "signature", "message": str(error), "signature": str(signature)}
        before = [_snapshot(a) for a in args] + [_snapshot(v) for v in kwargs.values()]
        budget = case.get("max_seconds")
        if budget:
            # a Python loop is interrupted here; the parent's timeout covers C loops.
            # CPU time, not wall time: other work on the machine must not fail a drill
            signal.signal(signal.SIGPROF, _too_slow)
            signal.setitimer(signal.ITIMER_PROF, budget + 0.5)
        start = time.process_time()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", RuntimeWarning)
                with np.errstate(divide="warn", over="warn", invalid="warn", under="ignore"):
                    value = function(*args, **kwargs)
        except TooSlow:
            results.append(
                {
                    "raised": "TooSlow",
                    "message": f"still running after {budget + 0.5:g} s of CPU time",
                }
            )
            continue
        except NotImplementedError as error:
            return {"status": "not-implemented", "message": str(error)}
        except RuntimeWarning as error:
            results.append({"raised": "RuntimeWarning", "message": str(error)})
            continue
        except MemoryError:
            # the call's frames are gone, and its memory with them: the next case can run
            results.append({"raised": "MemoryError", "message": ""})
            continue
        except (TooMuchOutput, ProcessBlocked, SystemExit, KeyboardInterrupt) as error:
            return _crash(error, "while running", path, writer)
        except RecursionError:
            results.append({"raised": "RecursionError", "message": "maximum recursion depth"})
            continue
        except Exception as error:
            results.append(
                {
                    "raised": type(error).__name__,
                    "message": str(error)[:300],
                    "where": _user_line(error, path),
                }
            )
            continue
        finally:
            if budget:
                signal.setitimer(signal.ITIMER_PROF, 0)
        elapsed = time.process_time() - start
        after = list(args) + list(kwargs.values())
        names = list(signature.parameters) if signature is not None else []
        modified = [
            (names[i] if i < len(names) else f"argument {i + 1}")
            if i < len(args)
            else list(kwargs)[i - len(args)]
            for i, (b, a) in enumerate(zip(before, after, strict=True))
            if not _same(b, a)
        ]
        reply = {"value": value, "seconds": elapsed, "modified": modified}
        # each random generator's next number after the call: whether the code drew from it
        # as often as the drill asks ("exactly one call rng.random(x.shape)"), which its
        # outputs alone may not show (with p = 0 dropout's mask is all ones either way)
        draws = [float(a.random()) for a in after if isinstance(a, np.random.Generator)]
        if draws:
            reply["next_draws"] = draws
        results.append(reply)
    return {"status": "ran", "results": results, "printed": "".join(writer.kept)[:2000]}


def _generate(message: dict) -> dict:
    """A deck's own tests: `cases(rng)` gives the inputs, its `solution` the expected values.
    Both are the deck's code, run here under the same limits as a user's file."""
    import copy
    import warnings

    import numpy as np

    _limit(message["limits"])
    _block_processes()
    writer = _CappedWriter(int(message["limits"]["output"]))
    sys.stdout = sys.stderr = writer
    namespace: dict = {"__name__": "deck_tests"}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            exec(compile(message["tests"], "<deck tests>", "exec"), namespace)
            raw_cases = list(namespace["cases"](np.random.default_rng(message["seed"])))
            exec(compile(message["solution"], "<deck solution>", "exec"), namespace)
            solution = namespace[message["function"]]
            cases, expected = [], []
            for item in raw_cases:
                if isinstance(item, dict):
                    args, kwargs = tuple(item.get("args", ())), dict(item.get("kwargs", {}))
                elif isinstance(item, tuple):
                    args, kwargs = item, {}
                else:
                    args, kwargs = (item,), {}
                cases.append({"args": list(args), "kwargs": kwargs})
                expected.append(solution(*copy.deepcopy(args), **copy.deepcopy(kwargs)))
    except BaseException as error:  # noqa: BLE001 - the deck's code failed: one line
        return _crash(error, "in the deck's tests", "<deck tests>", writer)
    return {"status": "generated", "cases": cases, "expected": expected}


def _user_line(error: BaseException, path: str) -> int | None:
    import traceback

    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == path:
            line = frame.lineno
    return line


def _crash(error: BaseException, when: str, path: str, writer: _CappedWriter) -> dict:
    if isinstance(error, TooMuchOutput):
        return {"status": "output", "cap": writer.cap}
    if isinstance(error, ProcessBlocked):
        return {"status": "process"}
    if isinstance(error, MemoryError):
        return {"status": "memory"}
    if isinstance(error, SystemExit):
        return {"status": "exit", "code": repr(error.code)}
    if isinstance(error, ModuleNotFoundError):
        return {"status": "import", "module": error.name or str(error)}
    return {
        "status": "crash",
        "when": when,
        "raised": type(error).__name__,
        "message": str(error)[:300],
        "where": _user_line(error, path),
    }


def main() -> None:
    import os

    # The answer goes to a private copy of fd 1; the user's code writes to /dev/null at the
    # OS level and to a capped buffer at the Python level.
    result_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.set_inheritable(result_fd, False)
    data = sys.stdin.buffer.read()
    message = decode(data)
    jobs: list[dict[str, Any]]
    replies: list[dict[str, Any]]
    if message.get("mode") == "generate":
        try:
            replies = [_generate(message)]
        except BaseException as error:  # noqa: BLE001
            replies = [
                {
                    "status": "crash",
                    "when": "in the harness",
                    "raised": type(error).__name__,
                    "message": str(error)[:300],
                    "where": None,
                }
            ]
        jobs = []
    else:
        jobs = message["jobs"]
        replies = []
    for job in jobs:
        cases = message["case_sets"][job.pop("case_set")]
        job = dict(job, limits=message["limits"], cases=cases)
        try:
            replies.append(_run(job, result_fd))
        except BaseException as error:  # noqa: BLE001 - a last-resort verdict, no traceback
            replies.append(
                {
                    "status": "crash",
                    "when": "in the harness",
                    "raised": type(error).__name__,
                    "message": str(error)[:300],
                    "where": None,
                }
            )
    reply = {"jobs": replies}
    try:
        payload = encode(reply)
    except BaseException as error:  # noqa: BLE001
        unsendable = {"status": "unsendable", "message": f"{type(error).__name__}: {error}"}
        payload = encode({"jobs": [unsendable for _ in replies]})
    with os.fdopen(result_fd, "wb") as out:
        out.write(b"R")
        out.write(payload)
    os._exit(0)


if __name__ == "__main__":
    main()
