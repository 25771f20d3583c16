"""Start Python programs for the tests without paying for Python's start-up each time.

A program in a terminal imports the interactive stack (prompt_toolkit, questionary, rich, typer:
about 0.3 s of CPU) before it draws anything, and the terminal tests start about sixty of them;
a drill's harness imports numpy before it runs a line of the drill. The test run keeps one
server process per kind of program (a profile: "mlprep", "harness") that has imported those
modules (and no mlprep module: what mlprep does at import, and everything that reads the
environment, the working directory or the terminal, happens in each program as it does in a
real start). A test starts a small launcher instead of Python with the program; the launcher
hands the server its standard streams (the file descriptors, over a Unix socket), its command
line, environment and working directory, and the server forks a child that runs the module or
script there, in a session of its own:

- a terminal is the program's controlling terminal, so Ctrl-C typed into it reaches the
  program as SIGINT and a resized window as SIGWINCH, straight from the kernel;
- the launcher waits for the program and ends the way it ended (the same exit status, or killed
  by the same signal), so the test sees what it would see of the real program; signals sent to
  the launcher are passed on to the program, and a launcher killed outright (SIGKILL) has the
  server kill the program's process group.

What a start-up itself does (which modules a command imports, how long it takes, the packaged
entry point, how a harness is isolated and limited) is tested with real processes
(tests/cli/test_startup.py, tests/unit/test_coderun.py and others), and so is everything about
a process being killed or two processes writing at once: those tests start Python themselves.
MLPREP_TEST_EXEC=1 starts every program for real.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import os
import subprocess
import sys
import types
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

# What the interactive programs import besides mlprep. None of these reads the environment at
# import except as ENVIRONMENT_READ_AT_IMPORT lists; typer's help and error screens
# (typer.rich_utils) read more of it, so they are left for each program to import.
PRELOAD_MLPREP = (
    "asyncio",
    "concurrent.futures",
    "csv",
    "ctypes",
    "decimal",
    "difflib",
    "fractions",
    "hashlib",
    "html.parser",
    "json",
    "logging",
    "pickle",
    "queue",
    "secrets",
    "shlex",
    "sqlite3",
    "ssl",
    "subprocess",
    "tempfile",
    "uuid",
    "xml.parsers.expat",
    "gc",
    "statistics",
    "tty",
    "fsrs",
    "markdown_it",
    "orjson",
    "prompt_toolkit",
    "prompt_toolkit.application",
    "prompt_toolkit.auto_suggest",
    "prompt_toolkit.buffer",
    "prompt_toolkit.completion",
    "prompt_toolkit.document",
    "prompt_toolkit.filters",
    "prompt_toolkit.formatted_text",
    "prompt_toolkit.history",
    "prompt_toolkit.input",
    "prompt_toolkit.input.posix_utils",
    "prompt_toolkit.input.vt100",
    "prompt_toolkit.key_binding.bindings.search",
    "prompt_toolkit.key_binding",
    "prompt_toolkit.keys",
    "prompt_toolkit.layout",
    "prompt_toolkit.lexers",
    "prompt_toolkit.output",
    "prompt_toolkit.patch_stdout",
    "prompt_toolkit.shortcuts",
    "prompt_toolkit.styles",
    "prompt_toolkit.validation",
    "prompt_toolkit.widgets",
    "pygments",
    "pygments.lexers",
    "pygments.lexers.sql",
    "pygments.styles",
    "questionary",
    "rapidfuzz.distance",
    "rapidfuzz.fuzz",
    "rapidfuzz.process",
    "rich",
    "rich._unicode_data.unicode17-0-0",  # the table a width is measured with (chosen later)
    "rich.console",
    "rich.markdown",
    "rich.markup",
    "rich.padding",
    "rich.panel",
    "rich.rule",
    "rich.syntax",
    "rich.table",
    "rich.text",
    "shellingham",
    "snowballstemmer",
    "typer",
    "typer._click.decorators",
    "typer.completion",
    "typer.core",
    "typer.main",
    "wcwidth",
    "yaml",
    # mlprep's own modules that a session imports (about 35 ms a program): none of them reads
    # the environment, the terminal or the clock while it is imported, so a program forked
    # with them is the program started for real
    "mlprep.cli.app",
    "mlprep.cli.session",
    "mlprep.sessions.recording",
    "mlprep.sessions.review",
    "mlprep.sessions.quiz",
    "mlprep.kinds",
    "mlprep.cardparts",
    "mlprep.decks",
    "mlprep.ui.prompts",
    "mlprep.progress",
    "mlprep.grading",
    # the interview planner and the coding drills' cases compute with numpy (a tenth of a
    # second to import, in every program that plans or checks a drill)
    "numpy",
)

# What a drill's harness (mlprep/drills/harness.py, `python -I`) imports, numpy above all.
PRELOAD_HARNESS = (
    "copy",
    "inspect",
    "json",
    "resource",
    "signal",
    "struct",
    "time",
    "traceback",
    "warnings",
    "numpy",
)
PRELOAD = {"mlprep": PRELOAD_MLPREP, "harness": PRELOAD_HARNESS}

# Variables the preloaded modules (or Python's own start-up) read once: a program whose
# environment differs from the server's in one of these is started for real instead.
ENVIRONMENT_READ_AT_IMPORT = (
    "TYPER_USE_RICH",
    "TYPER_STANDARD_TRACEBACK",
    "_TYPER_STANDARD_TRACEBACK",
    "WCWIDTH_PYTHON",
    "RAPIDFUZZ_IMPLEMENTATION",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
)
# ... and every variable of these families: Python's own, and numpy's and its BLAS thread
# pools' (read when numpy is imported)
READ_AT_IMPORT_PREFIXES = ("PYTHON", "NPY_", "NUMPY_", "OPENBLAS_", "GOTO_", "OMP_", "MKL_")

# The launcher runs in the test's terminal: `python -I -S` with nothing but built-in modules,
# a few milliseconds. Its protocol: it sends a length and a marshalled request, with its
# standard streams attached (SCM_RIGHTS); the server answers the program's pid (or 0: it could
# not start it, and the launcher starts the program itself), then its wait status.
LAUNCHER = r"""
import _signal as signal, _socket, fcntl, marshal, os, sys, termios
path, real = sys.argv[1], sys.argv[2:]
tty = os.isatty(0)
try:
    conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    conn.connect(path)
except OSError:
    os.execv(real[0], real)
request = marshal.dumps((real, dict(os.environ), os.getcwd(), tty))
if tty:
    # give the terminal up, for the program to make it its own (a session leader that lets
    # its terminal go is sent SIGHUP, which is not for this one)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    fcntl.ioctl(0, termios.TIOCNOTTY)
fds = b"".join(fd.to_bytes(4, sys.byteorder) for fd in (0, 1, 2))
conn.sendmsg(
    [len(request).to_bytes(8, "little") + request],
    [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, fds)],
)
def receive(size):
    data = b""
    while len(data) < size:
        part = conn.recv(size - len(data))
        if not part:
            os._exit(70)  # the server went away
        data += part
    return data
pid = int.from_bytes(receive(4), "little", signed=True)
if pid <= 0:
    if tty:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    os.execv(real[0], real)
def pass_on(signum, frame):
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass
for signum in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM, signal.SIGQUIT,
               signal.SIGUSR1, signal.SIGUSR2, signal.SIGCONT):
    signal.signal(signum, pass_on)
code = os.waitstatus_to_exitcode(int.from_bytes(receive(4), "little", signed=True))
if code < 0:
    signal.signal(-code, signal.SIG_DFL)
    os.kill(os.getpid(), -code)
    os._exit(128 - code)
os._exit(code)
"""


class Server:
    """One server of a test run, in `directory`, with the modules of `profile` imported and
    the environment `env` (the current one by default): started by the process that starts
    the test workers (so that it is no worker's child: some tests check that a worker has no
    child process left), or detached from a run without workers. `isolated`: run as `python
    -I`, for programs started that way."""

    def __init__(
        self,
        directory: Path,
        profile: str,
        detach: bool,
        env: Mapping[str, str] | None = None,
        isolated: bool = False,
    ) -> None:
        env = dict(os.environ if env is None else env)
        directory.mkdir(exist_ok=True)
        (directory / "environment.json").write_text(json.dumps(env))
        command = [sys.executable, *(["-I"] if isolated else []), __file__]
        command += [str(directory / "socket"), profile] + (["--detach"] if detach else [])
        # stdin stays open while this process lives: the server ends when it reads EOF there
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
        )
        if detach:
            self.process.wait()  # the server itself runs on, in a child it left behind

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait()


_directories: dict[str, Path] = {}  # where this run's servers are, by profile


def use(directory: Path, profile: str) -> None:
    """Start programs of `profile` through the server in `directory` (once it listens)."""
    _directories[profile] = directory


@functools.cache
def _environment(directory: Path) -> dict[str, str]:
    return json.loads((directory / "environment.json").read_text())


def command(profile: str, argv: Sequence[str], env: Mapping[str, str]) -> list[str]:
    """The command that runs `argv` (a Python program) with the environment `env`: through
    the run's server of `profile` where that runs the program as `argv` would, else `argv`."""
    argv = list(argv)
    if "-c" in argv:
        return argv  # (the server runs modules and scripts)
    directory = _directories.get(profile)
    if os.environ.get("MLPREP_TEST_EXEC") or os.name != "posix" or directory is None:
        return argv
    socket = directory / "socket"
    if not socket.exists():  # (the server renames it into place once it listens)
        return argv
    started_with = _environment(directory)
    if profile == "mlprep":
        watched = set(ENVIRONMENT_READ_AT_IMPORT)
        watched |= {
            name for name in (*env, *started_with) if name.startswith(READ_AT_IMPORT_PREFIXES)
        }
        if any(env.get(name) != started_with.get(name) for name in watched):
            return argv
    elif dict(env) != started_with:
        return argv
    return [sys.executable, "-I", "-S", "-c", LAUNCHER, str(socket), *argv]


def mlprep_command(args: Sequence[str], env: Mapping[str, str]) -> tuple[str, list[str]]:
    """(program, arguments) that start `python -m mlprep *args` with the environment `env`."""
    program, *arguments = command("mlprep", [sys.executable, "-m", "mlprep", *args], env)
    return program, arguments


def spawn_mlprep(args: Sequence[str], env: Mapping[str, str], **options):
    """pexpect.spawn of `python -m mlprep *args` in a new terminal (see mlprep_command)."""
    import pexpect

    program, arguments = mlprep_command(args, env)
    return pexpect.spawn(program, arguments, env=dict(env), **options)


@contextlib.contextmanager
def drills_through_server() -> Iterator[None]:
    """Within: mlprep.coderun starts a drill's harness through the run's server, which has
    numpy imported (a harness started for real spends most of its time importing it)."""
    import pytest

    from mlprep import coderun

    real = subprocess.Popen

    def popen(args, **options):
        if list(args) == [sys.executable, "-I", str(coderun.HARNESS)]:
            args = command("harness", args, options.get("env") or os.environ)
        return real(args, **options)

    with_server = types.SimpleNamespace(**{**vars(subprocess), "Popen": popen})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(coderun, "subprocess", with_server)
        yield


# ---- the server --------------------------------------------------------------------------


def _serve(path: str, profile: str, detach: bool) -> None:
    import importlib
    import marshal
    import select
    import signal
    import socket

    # mlprep from this checkout, the code the tests import: the interpreter may have another
    # copy on its path (a shared environment's editable install of another checkout), which
    # a program started here must not run. The entry goes again before any program runs:
    # their own modules come through the package's path, as in a program started here.
    checkout = str(Path(__file__).resolve().parent.parent)
    sys.path.insert(0, checkout)
    for name in PRELOAD[profile]:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    sys.path.remove(checkout)
    import gc

    # What the server imported lives as long as every child: set it aside from the collector,
    # or each child's first full collection walks it and, by marking it, copies most of the
    # server's memory page by page (a tenth of the forked programs' CPU)
    gc.freeze()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".new")
    listener.listen(16)
    if detach and os.fork() != 0:
        os._exit(0)  # the server runs on in this child, no child of the test process
    os.rename(path + ".new", path)
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C for pytest ends it through pytest
    waiting: dict[int, socket.socket] = {}  # running programs, by pid: their launchers
    running = 0
    while True:
        readable, _, _ = select.select([listener, wake_read, 0, *waiting.values()], [], [])
        if 0 in readable and not os.read(0, 4096):
            return  # the test run is over
        if wake_read in readable:
            os.read(wake_read, 4096)
        while running:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            running -= 1
            conn = waiting.pop(pid, None)
            if conn is not None:
                try:
                    conn.sendall(status.to_bytes(4, "little", signed=True))
                except OSError:
                    pass
                conn.close()
        for pid, conn in list(waiting.items()):
            if conn in readable and not conn.recv(1):
                # the launcher was killed (SIGKILL cannot be passed on): so is its program,
                # with everything it started
                try:
                    os.killpg(pid, signal.SIGKILL)
                except OSError:
                    pass
                conn.close()
                del waiting[pid]
        if listener in readable:
            conn, _ = listener.accept()
            try:
                request, fds = _receive(conn, marshal)
            except (OSError, ValueError, EOFError):
                conn.close()
                continue
            pid = os.fork()
            if pid == 0:
                listener.close()
                conn.close()
                for other in waiting.values():
                    other.close()
                os.close(wake_read)
                os.close(wake_write)
                _run_program(request, fds)  # never returns
            running += 1
            for fd in fds:
                os.close(fd)
            try:
                conn.sendall(pid.to_bytes(4, "little", signed=True))
            except OSError:
                pass
            waiting[pid] = conn


def _receive(conn, marshal):
    import socket

    head, fds, _, _ = socket.recv_fds(conn, 8, 3)
    if len(head) < 8 or len(fds) != 3:
        for fd in fds:
            os.close(fd)
        raise ValueError("a request without its streams")
    size = int.from_bytes(head, "little")
    data = b""
    while len(data) < size:
        part = conn.recv(size - len(data))
        if not part:
            raise EOFError
        data += part
    return marshal.loads(data), fds


def _run_program(request, fds) -> None:
    """In the forked child: become the program the launcher would have started (`python
    [-I] -m module ...` or `python [-I] script ...`), run it, and end the way Python ends."""
    import io
    import locale
    import runpy
    import signal
    import time

    code = 1
    try:
        argv, env, cwd, tty = request
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.setsid()  # its own process group, which the server kills if the launcher is killed
        if tty:
            import fcntl
            import termios

            fcntl.ioctl(fds[0], termios.TIOCSCTTY, 0)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        time.tzset()
        locale.setlocale(locale.LC_CTYPE, "")
        # the standard streams as Python makes them for these file descriptors
        encoding = env.get("PYTHONIOENCODING") or locale.getpreferredencoding(False)
        errors = "strict"
        if locale.setlocale(locale.LC_CTYPE) in ("C", "POSIX"):
            errors = "surrogateescape"

        def stream(fd, mode, errors, line_buffering):
            raw = io.FileIO(fd, mode, closefd=False)
            buffered = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
            return io.TextIOWrapper(
                buffered, encoding, errors, newline="\n", line_buffering=line_buffering
            )

        sys.stdin = sys.__stdin__ = stream(0, "r", errors, False)
        sys.stdout = sys.__stdout__ = stream(1, "w", errors, os.isatty(1))
        sys.stderr = sys.__stderr__ = stream(2, "w", "backslashreplace", True)
        options = 1
        while argv[options] in ("-I", "-S", "-E", "-s"):
            options += 1
        if argv[options] == "-m":
            module = argv[options + 1]
            sys.argv = ["-m", *argv[options + 2 :]]
            if not sys.flags.safe_path:
                sys.path.insert(0, cwd)
            code = _main(lambda: runpy.run_module(module, run_name="__main__", alter_sys=True))
        else:
            script = argv[options]
            sys.argv = [script, *argv[options + 1 :]]
            if not sys.flags.safe_path:
                sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
            code = _main(lambda: runpy.run_path(script, run_name="__main__"))
    finally:
        os._exit(code)


def _main(run) -> int:
    import signal
    import threading
    import traceback

    try:
        run()
        code = 0
    except SystemExit as exit:
        code = _exit_code(exit.code)
    except KeyboardInterrupt:
        traceback.print_exc()
        _finish(threading)
        # as Python ends on a KeyboardInterrupt nobody caught: killed by SIGINT
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
        return 130
    except BaseException:
        traceback.print_exc()
        code = 1
    if not _finish(threading):
        code = 120  # as Python does when it cannot flush standard output at exit
    return code


def _exit_code(value) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xFF
    print(value, file=sys.stderr)
    return 1


def _finish(threading) -> bool:
    """What Python does on its way out: wait for threads, run atexit, flush the streams."""
    threading._shutdown()
    atexit._run_exitfuncs()
    flushed = True
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            flushed = False
    return flushed


if __name__ == "__main__":
    if not sys.flags.safe_path:
        del sys.path[0]  # this file's directory, which a program would not have
    _serve(sys.argv[1], sys.argv[2], "--detach" in sys.argv[3:])
