"""Start `python -m mlprep` for the terminal tests without paying for Python's start-up each time.

A program in a terminal imports the interactive stack (prompt_toolkit, questionary, rich, typer:
about 0.3 s of CPU) before it draws anything, and the terminal tests start about sixty of them.
Each test worker keeps one server process that has imported that stack (and no mlprep module:
what mlprep does at import, and everything that reads the environment, the working directory or
the terminal, happens in each program as it does in a real start). A test starts a small
launcher in its terminal instead of Python with mlprep; the launcher hands the server its
terminal (the file descriptors, over a Unix socket), its arguments, environment and working
directory, and the server forks a child that runs mlprep's `main` there:

- the terminal is the program's controlling terminal, in its own session, so Ctrl-C typed into
  it reaches the program as SIGINT and a resized window as SIGWINCH, straight from the kernel;
- the launcher waits for the program and ends the way it ended (the same exit status, or killed
  by the same signal), so the test sees what it would see of the real program; signals sent to
  the launcher are passed on to the program.

What a start-up itself does (which modules a command imports, how long it takes, the packaged
entry point) is tested with real processes (tests/cli/test_startup.py and others), and so is
everything about a process being killed or two processes writing at once: those tests start
Python themselves. MLPREP_TEST_EXEC=1 makes every program here a real `python -m mlprep` too.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

# What the interactive programs import besides mlprep. None of these reads the environment at
# import except as ENVIRONMENT_READ_AT_IMPORT lists; typer's help and error screens
# (typer.rich_utils) read more of it, so they are left for each program to import.
PRELOAD = (
    "asyncio",
    "concurrent.futures",
    "ctypes",
    "decimal",
    "difflib",
    "fractions",
    "hashlib",
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
    "typer",
    "typer._click.decorators",
    "typer.completion",
    "typer.core",
    "typer.main",
    "wcwidth",
    "yaml",
)

# Variables the preloaded modules (or Python's own start-up) read once: a program whose
# environment differs from the server's in one of these is started for real instead.
ENVIRONMENT_READ_AT_IMPORT = (
    "TYPER_USE_RICH",
    "TYPER_STANDARD_TRACEBACK",
    "_TYPER_STANDARD_TRACEBACK",
    "WCWIDTH_PYTHON",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
)

# The launcher runs in the test's terminal: `python -I -S` with nothing but built-in modules,
# a few milliseconds. Its protocol: it sends a length and a marshalled request, with its
# standard streams attached (SCM_RIGHTS); the server answers the program's pid (or 0: it could
# not start it, and the launcher starts the program itself), then its wait status.
LAUNCHER = r"""
import _signal as signal, _socket, fcntl, marshal, os, sys, termios
path, args = sys.argv[1], sys.argv[2:]
real = [sys.executable, "-m", "mlprep", *args]
tty = os.isatty(0)
try:
    conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    conn.connect(path)
except OSError:
    os.execv(sys.executable, real)
request = marshal.dumps((args, dict(os.environ), os.getcwd(), tty))
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
    os.execv(sys.executable, real)
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
    """The server of one test run, in `directory`: started by the process that starts the
    test workers (so that it is no worker's child: some tests check that a worker has no child
    process left), or detached from a run without workers."""

    def __init__(self, directory: Path, detach: bool) -> None:
        directory.mkdir(exist_ok=True)
        (directory / "environment.json").write_text(json.dumps(dict(os.environ)))
        # stdin stays open while this process lives: the server ends when it reads EOF there
        self.process = subprocess.Popen(
            [
                sys.executable,
                __file__,
                str(directory / "socket"),
                *(["--detach"] if detach else []),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=Path(__file__).resolve().parent.parent,
        )
        if detach:
            self.process.wait()  # the server itself runs on, in a child it left behind

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait()


_directory: list[Path] = []  # where this run's server is


def use(directory: Path) -> None:
    """Start programs through the server in `directory` (once it is listening there)."""
    _directory[:] = [directory]


@functools.cache
def _environment(directory: Path) -> dict[str, str]:
    return json.loads((directory / "environment.json").read_text())


def mlprep_command(args: Sequence[str], env: Mapping[str, str]) -> tuple[str, list[str]]:
    """(program, arguments) that start `python -m mlprep *args` with the environment `env`:
    through the run's server where that runs the program as a real start would."""
    real = (sys.executable, ["-m", "mlprep", *args])
    if os.environ.get("MLPREP_TEST_EXEC") or os.name != "posix" or not _directory:
        return real
    socket = _directory[0] / "socket"
    if not socket.exists():  # (the server renames it into place once it listens)
        return real
    started_with = _environment(_directory[0])
    watched = set(ENVIRONMENT_READ_AT_IMPORT)
    watched |= {name for name in (*env, *started_with) if name.startswith("PYTHON")}
    if any(env.get(name) != started_with.get(name) for name in watched):
        return real
    return sys.executable, ["-I", "-S", "-c", LAUNCHER, str(socket), *args]


def spawn_mlprep(args: Sequence[str], env: Mapping[str, str], **options):
    """pexpect.spawn of `python -m mlprep *args` in a new terminal (see mlprep_command)."""
    import pexpect

    program, arguments = mlprep_command(args, env)
    return pexpect.spawn(program, arguments, env=dict(env), **options)


# ---- the server --------------------------------------------------------------------------


def _serve(path: str, detach: bool) -> None:
    import importlib
    import marshal
    import select
    import signal
    import socket

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
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
    waiting: dict[int, socket.socket] = {}
    while True:
        readable, _, _ = select.select([listener, wake_read, 0], [], [])
        if 0 in readable and not os.read(0, 4096):
            return  # the test worker is gone
        if wake_read in readable:
            os.read(wake_read, 4096)
        while waiting:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            conn = waiting.pop(pid, None)
            if conn is not None:
                try:
                    conn.sendall(status.to_bytes(4, "little", signed=True))
                except OSError:
                    pass
                conn.close()
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
                os.close(wake_read)
                os.close(wake_write)
                _run_program(request, fds)  # never returns
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
    """In the forked child: become the program the launcher would have started, run mlprep's
    main, and end the way `python -m mlprep` ends."""
    import io
    import locale
    import runpy
    import signal
    import time

    code = 1
    try:
        args, env, cwd, tty = request
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if tty:
            import fcntl
            import termios

            os.setsid()
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
        sys.argv = ["-m", *args]
        sys.path[0] = cwd
        code = _main(runpy)
    finally:
        os._exit(code)


def _main(runpy) -> int:
    import signal
    import threading
    import traceback

    try:
        runpy.run_module("mlprep", run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exit:
        code = _exit_code(exit.code)
    except KeyboardInterrupt:
        _finish(threading)
        # as Python ends on a KeyboardInterrupt nobody caught: killed by SIGINT
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
        return 130
    except BaseException:
        traceback.print_exc()
        code = 1
    if not _finish(threading) and code == 0:
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
    _serve(sys.argv[1], "--detach" in sys.argv[2:])
