"""Shared fixtures: every test gets its own MLPREP_HOME, and a CLI runner with a fake clock."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlprep.cli.app import app
from mlprep.cli.state import Environment

FIXTURES = Path(__file__).parent / "fixtures"
collect_ignore = ["fixtures"]  # drill solutions named *_test.py there are data, not tests
REPO = Path(__file__).resolve().parent.parent

# Hundreds of tests start `python -m mlprep`: with PYTHONDONTWRITEBYTECODE set (as some shells
# and containers do) each of them would compile mlprep from source again, about 0.1 s a start.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def _temporary_files_in_memory() -> None:
    """Test data dirs on a memory file system where there is one (unless TMPDIR says where).
    The app syncs every answer and snapshot to disk; on a disk that other work keeps busy those
    syncs were half the wall time of the progress tests. Renames, hard links, locks, modes and
    SIGKILL behave the same in memory, and no test is about surviving a power cut."""
    shm = "/dev/shm"
    if "TMPDIR" in os.environ or not os.path.isdir(shm):
        return
    if not os.access(shm, os.W_OK | os.X_OK):
        return
    fs = os.statvfs(shm)
    if fs.f_flag & os.ST_NOEXEC:
        return  # scripts the tests write (a stand-in mlprep, an editor) must be able to run
    if fs.f_bavail * fs.f_frsize < 2 * 1024**3:
        return  # a small one (a container's 64 MB): a run writes a few hundred MB at its peak
    os.environ["TMPDIR"] = shm
    tempfile.tempdir = None  # asked again, gettempdir now reads TMPDIR


_temporary_files_in_memory()
FIXED_NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.hookimpl(wrapper=True, optionalhook=True)
def pytest_xdist_auto_num_workers(config):
    """`-n auto`: one worker more than there are cores. Many tests spend part of their time
    waiting (for a program's first screen, a session's clock, a child killed at its time
    limit); a spare worker keeps the cores busy meanwhile. PYTEST_XDIST_AUTO_NUM_WORKERS, when
    set, still says exactly how many."""
    count = yield
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return count
    return count + 1


# The files that take longest, about longest first. With `--dist loadfile` a file runs on one
# worker, and the workers take files in collection order (`make test` passes
# --no-loadscope-reorder, or xdist would order them by their number of tests): these go out
# first, so the run ends on short files that fill the workers evenly, not on one long file
# that leaves the other workers idle. A file that grows to seconds belongs here.
LONGEST_FILES = (
    # Each of these forks the worker a hundred times (merges sharing their pass with a second
    # process, split scans of the log), and a fork costs what the process holds: they run
    # first, on fresh workers, before other files' parsed decks and imports fill them.
    "tests/unit/test_merge_shared_pass.py",
    "tests/unit/test_review_log.py",
    "tests/unit/test_content.py",  # every reference answer graded (about 3 s)
    "tests/unit/test_drills.py",  # every drill run, scikit-learn imported
    "tests/cli/test_startup.py",  # real start-ups, measured
    "tests/cli/test_faults.py",
    "tests/e2e/test_widths.py",  # 19 programs in a terminal
    "tests/e2e/test_sessions_terminal.py",
    "tests/unit/test_independent_drills.py",
    "tests/unit/test_coderun.py",  # harnesses started for real, stopped at their limits
    "tests/e2e/test_mock_clock.py",  # a session clock running out (waiting, mostly)
    "tests/unit/test_export_markdown.py",
    "tests/unit/test_progress_properties.py",
    "tests/e2e/test_progress_faults.py",
    "tests/cli/test_plan_command.py",
    "tests/unit/test_sqlsandbox.py",
    "tests/cli/test_code_command.py",
    "tests/cli/test_progress_hostile.py",
)


def pytest_collection_modifyitems(items):
    rank = {path: index for index, path in enumerate(LONGEST_FILES)}
    # a stable sort: every other file, and the tests within a file, keep their order
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))


# the run's directory above every worker's own, and the built-in decks' cache in it, once known
_SHARED: list[Path] = []


def _shared_deck_cache(
    shared: Path, name: str, user_dirs: Sequence[Path] = (), first: Callable[[], object] = list
) -> Path:
    """The deck cache of the built-in decks and `user_dirs`, built once per test run: by the
    first worker that asks for it, while the others wait (and `first` is called before, while
    they wait). With `user_dirs`, it starts from the run's cache of the built-in decks, as a
    command on those decks finds its home's: only their own decks are parsed (a worker that
    had not read the built-in decks yet spent a third of a second parsing them again)."""
    import fcntl

    from mlprep.decks import load_library
    from mlprep.paths import builtin_content_dir

    cache = shared / name
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        first()
        if not (cache / "decks.pickle").exists():
            cache.mkdir(exist_ok=True)
            builtin = shared / "deck-cache" / "decks.pickle"
            if user_dirs and builtin.exists():
                shutil.copyfile(builtin, cache / "decks.pickle")
            load_library([builtin_content_dir() / "decks"], list(user_dirs), cache)
    return cache / "decks.pickle"


def _shared_decks(shared: Path) -> None:
    """The built-in decks parsed once for the whole run: the report of that parse, which some
    tests read (tests/builtin.py), then the deck cache every test's home links to, made from
    the decks the parse gave (a process keeps the decks it parsed), not from a second parse."""
    from tests.builtin import report_in

    _shared_deck_cache(shared, "deck-cache", first=lambda: report_in(shared))


_building: list = []
_server: list = []


def pytest_sessionstart(session):
    """With parallel workers, the process that starts them builds the built-in decks' cache
    while they start and collect (about a second each), so none of them waits for it at its
    first test. (A worker that finds no cache, or a run without workers, builds it itself.)
    It also starts the run's server of mlprep programs for the terminal tests
    (tests/forkserver.py), which each worker finds in the run's directory above its own."""
    from mlprep.coderun import _child_env
    from tests import forkserver

    base = session.config._tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    for profile in forkserver.PRELOAD:
        forkserver.use(shared / f"{profile}-server", profile)
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    workers = getattr(session.config.option, "numprocesses", None)
    _server.append(forkserver.Server(base / "mlprep-server", "mlprep", detach=not workers))
    # a drill's harness runs with the environment coderun gives it, as `python -I`
    harness = forkserver.Server(
        base / "harness-server", "harness", not workers, _child_env(), isolated=True
    )
    _server.append(harness)
    if not workers:
        return
    import threading

    # the directory the workers' own go in (xdist gives each worker this base + its name)
    build = threading.Thread(target=_shared_decks, args=(base,))
    build.start()
    _building.append(build)


def pytest_sessionfinish(session):
    for build in _building:
        build.join()
    for server in _server:
        server.stop()


@pytest.fixture(scope="session")
def parsed_builtin_decks(tmp_path_factory) -> Path:
    """The deck cache of the built-in decks, built once per test run (the workers share the
    run's directory above their own)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    built = _shared_deck_cache(shared, "deck-cache")
    _SHARED[:] = [shared, built]
    before = built.read_bytes()
    yield built
    # every home links to this one file (see mlprep_home): a test that wrote into its home's
    # cache in place instead of replacing it would have changed it for every later test
    assert built.read_bytes() == before, "a test wrote into the shared deck cache in place"


def run_directory() -> Path | None:
    """The test run's directory above every worker's own (where what the whole run shares is
    kept), once the first test has started; None before."""
    return _SHARED[0] if _SHARED else None


def warm_deck_cache(home: Path, args: Sequence[str]) -> None:
    """Before a command on fixture decks (`--decks` or `--deck-dir` under tests/fixtures): a
    deck cache in its home that holds them too, as a second run finds it, so the command does
    not parse the decks (a program: import the YAML parser too) and save a cache first. Only
    in a home whose cache is still the one every test starts with: a cache the test made or
    damaged stays as it is; and commands on other decks run as they would."""
    dirs = [
        Path(args[i + 1]) for i, arg in enumerate(args[:-1]) if arg in ("--decks", "--deck-dir")
    ]
    if not dirs or not _SHARED or not all(d.is_relative_to(FIXTURES) for d in dirs):
        return
    target = home / "cache" / _SHARED[1].name
    try:
        if not os.path.samefile(target, _SHARED[1]):
            return
    except OSError:
        return
    name = "deck-cache-" + "-".join(d.relative_to(FIXTURES).as_posix() for d in dirs)
    built = _shared_deck_cache(_SHARED[0], name.replace("/", "_"), dirs)
    target.unlink()
    try:
        os.link(built, target)  # (the app replaces its cache file, never writes into it)
    except OSError:  # a file system without hard links
        shutil.copy(built, target)


@pytest.fixture(scope="session", autouse=True)
def no_second_core_unless_asked():
    """Code run inside a test worker takes no second core for its speed-ups (a forked child
    reading half a long log, parsing half the decks) unless the test asks for one: forking a
    worker of a few hundred MB costs more than the child saves on a test's small files, and
    whether a core is free depends on what the other workers do at that moment. The results
    are the same either way; the tests of those speed-ups set forkwork.spare_core themselves
    (their monkeypatch puts this back), and test_forkwork puts the real one back to test it.
    Once for the session: a fixture per test is a fixture's cost per test."""
    from mlprep import forkwork

    real = forkwork.spare_core
    forkwork.spare_core = lambda: False
    yield
    forkwork.spare_core = real


@pytest.fixture(autouse=True)
def mlprep_home(tmp_path, monkeypatch, parsed_builtin_decks) -> Path:
    home = tmp_path / "home"
    # A warm deck cache, so a command does not parse every built-in deck in every test. A hard
    # link, not a copy: the app replaces its cache file (a new file renamed over the old one),
    # so what one test's commands save never reaches the shared file.
    (home / "cache").mkdir(parents=True)
    try:
        os.link(parsed_builtin_decks, home / "cache" / parsed_builtin_decks.name)
    except OSError:  # a file system without hard links
        shutil.copy(parsed_builtin_decks, home / "cache")
    monkeypatch.setenv("MLPREP_HOME", str(home))
    monkeypatch.delenv("MLPREP_DECKS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "80")  # output is laid out for the terminal's width
    monkeypatch.setenv("LINES", "24")
    return home


@pytest.fixture(scope="session", autouse=True)
def click_command_built_once():
    """CliRunner turns the Typer app into a click command on every invoke, which costs more
    than most commands themselves; the command is the same every time, so build it once."""
    import typer.testing

    build = typer.testing._get_command
    built: dict[int, object] = {}

    def get_command(typer_app):
        if id(typer_app) not in built:
            built[id(typer_app)] = (typer_app, build(typer_app))
        return built[id(typer_app)][1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", get_command)
        yield


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def moved_progress(cli, home, tmp_path) -> tuple[str, str, str]:
    """What an export of the progress in `home`, a merge of it into an empty log and an import
    of it say, in that order (each message on one line)."""
    export = tmp_path / "mine.json"
    exported = cli("progress", "export", str(export)).stderr
    log = home / "progress" / "reviews.jsonl"
    log.unlink()
    merged = cli("progress", "merge", str(export)).stdout
    log.unlink()
    imported = cli("progress", "import", str(export), "--yes").stdout
    exported, merged, imported = (" ".join(text.split()) for text in (exported, merged, imported))
    return exported, merged, imported


def fake_clock(step: float = 1.0):
    """A monotonic clock that advances `step` seconds every time it is read."""
    counter = itertools.count()
    return lambda: next(counter) * step


@pytest.fixture
def cli(mlprep_home):
    """Run mlprep in-process: cli(args, input) -> Result with separate stdout and stderr."""

    def run(*args: str, input: str | None = None) -> Result:
        warm_deck_cache(mlprep_home, args)
        runner = CliRunner()
        env = Environment(clock=fake_clock(), now=lambda: FIXED_NOW)
        result = runner.invoke(app, list(args), input=input, obj=env, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def deck_dir(tmp_path) -> Path:
    """A writable copy of the fixture decks."""
    target = tmp_path / "decks"
    shutil.copytree(FIXTURES / "decks", target)
    return target


@pytest.fixture(scope="module")
def decks():
    """The fixture decks the export tests render: one of each card kind, plus code and markup."""
    from mlprep.decks import load_files

    report = load_files(
        [FIXTURES / "decks" / "mini.yaml", FIXTURES / "export" / "demo.yaml"], builtin=False
    )
    assert report.problems == []
    return report.decks
