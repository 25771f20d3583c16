"""What every command shares: the terminal environment and the options given before it.

Tests replace the Environment (streams, clock, environment variables) instead of monkeypatching.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from mlprep.errors import OutputError, UsageError
from mlprep.fileio import is_terminal
from mlprep.paths import Paths, builtin_content_dir, env_deck_dirs, resolve_paths
from mlprep.textsafe import printable

SHOWN_PROBLEMS = 10  # problems of a file named one by one (AppState.list_problems)
_UNBROKEN_SPACE = "\ue000"  # (a private-use character: see AppState.tell)

if TYPE_CHECKING:
    from rich.console import Console

    from mlprep.decks import Library
    from mlprep.progress import ProgressStore
    from mlprep.sessions.ports import Prompter


NOW_VARIABLE = "MLPREP_NOW"


def parse_now(text: str) -> datetime:
    """The moment MLPREP_NOW names: an ISO 8601 date-time with a time zone."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise UsageError(
            f"{NOW_VARIABLE}={text[:40]!r} is not an ISO date-time with a time zone "
            "(e.g. 2026-11-25T09:00:00+00:00)"
        )
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # (9999-12-31 at -12:00 is past the last datetime in UTC)
        moment = None
    # the years an answer's time may be in (see reviewlog), in UTC as the log keeps them:
    # 2199-12-31T23:59:59-12:00 is in 2200 there
    if moment is None or not 1970 < moment.year < 2200:
        raise UsageError(f"{NOW_VARIABLE}={text[:40]!r} is not between 1971 and 2199 (UTC)")
    return moment


class _Clock:
    """The current time: the real one, or, when MLPREP_NOW is set (for tests and demos), a
    clock that starts at that moment and runs on from there (answers given one after another
    keep their order)."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ
        self.start: tuple[datetime, float] | None = None

    def __call__(self) -> datetime:
        text = self.environ.get(NOW_VARIABLE)
        if not text:
            return datetime.now(UTC)
        if self.start is None:
            self.start = (parse_now(text), time.monotonic())
        moment, started = self.start
        return moment + timedelta(seconds=time.monotonic() - started)


@dataclass
class Environment:
    """The outside world as commands see it. Streams default to whatever sys has at use time,
    so CliRunner's captured streams are honoured."""

    stdin_: TextIO | None = None
    stdout_: TextIO | None = None
    stderr_: TextIO | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = None  # type: ignore[assignment]  # set in __post_init__

    def __post_init__(self) -> None:
        if self.now is None:
            self.now = _Clock(self.environ)

    @property
    def stdin(self) -> TextIO:
        stream = self.stdin_ or sys.stdin
        if getattr(stream, "errors", None) == "strict":
            # bytes that are not UTF-8 must not end a session: keep them (as lone surrogates,
            # which the prompters turn into U+FFFD) instead of raising mid-line
            with contextlib.suppress(AttributeError, ValueError, OSError):
                stream.reconfigure(errors="surrogateescape")  # type: ignore[union-attr]
        return stream

    @property
    def stdout(self) -> TextIO:
        return _Output(self.stdout_ or sys.stdout)  # type: ignore[return-value]

    @property
    def stderr(self) -> TextIO:
        return self.stderr_ or sys.stderr

    def is_terminal(self) -> bool:
        try:
            return self.stdin.isatty() and self.stdout.isatty()
        except (AttributeError, ValueError):
            return False

    def can_draw(self) -> bool:
        """A terminal that understands cursor movement, as arrow-key menus need. TERM=dumb
        (Emacs shells, some screen readers and CI logs) gets plain line prompts instead."""
        term = self.environ.get("TERM", "")
        return self.is_terminal() and term.lower() not in ("dumb", "unknown")


# the most characters written to standard output at once (at most 64 KB of UTF-8: a pipe's
# whole buffer)
PIECE_CHARS = 1 << 14


class _Output:
    """Standard output whose write errors (a full disk, /dev/full, an I/O error) become one
    clear error instead of a crash. A closed pipe stays a BrokenPipeError: it ends quietly."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def _guard(self, action: Callable[[], object]) -> object:
        try:
            return action()
        except BrokenPipeError:
            raise
        except OSError as error:
            reason = error.strerror or str(error)
            raise OutputError(f"cannot write to standard output: {reason}") from None

    def write(self, text: str) -> int:
        if len(text) <= PIECE_CHARS:
            return self._guard(lambda: self._stream.write(text))  # type: ignore[return-value]
        # A large text goes out in pieces, each flushed: where the reader of a pipe goes away
        # during one long write, the system takes part of it and Python drops the rest
        # without an error (an export to `| head` said it had exported everything). The next
        # piece then meets the closed pipe.
        for start in range(0, len(text), PIECE_CHARS):
            self._guard(functools.partial(self._stream.write, text[start : start + PIECE_CHARS]))
            self.flush()
        return len(text)

    def writelines(self, lines) -> None:
        self._guard(lambda: self._stream.writelines(lines))

    def flush(self) -> None:
        self._guard(self._stream.flush)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@dataclass
class AppState:
    """The environment and the options given before the command."""

    env: Environment
    data_dir: Path | None = None
    debug: bool = False
    _store: ProgressStore | None = field(default=None, repr=False)

    @cached_property
    def paths(self) -> Paths:
        return resolve_paths(self.data_dir, self.env.environ)

    def say_progress(self, message: str) -> None:
        self.note(message)

    def note(self, message: str) -> None:
        """A line for the user on stderr (so that a pipe gets the results alone): wrapped to
        the terminal's width when stderr is one ("8 days le" / "ft." at 40 columns), one line
        in a pipe or a log, as it was."""
        text = printable(message)
        if is_terminal(self.env.stderr):
            import textwrap

            from mlprep.cli.terminal import console_width

            width = console_width(self)
            lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
            text = "\n".join(lines) or text
        self.env.stderr.write(text + "\n")
        self.env.stderr.flush()

    def tell(self, *paragraphs: str, whole: Sequence[str] = ()) -> None:
        """Plain lines on stdout, each paragraph wrapped to the output's width (80 columns at
        most, a narrower terminal's own). The texts in `whole` (paths, commands) are never
        broken, spaces in them included; a word longer than a line is left whole."""
        import textwrap

        from mlprep.cli.terminal import console_width

        width = console_width(self)
        for paragraph in paragraphs:
            for kept in whole:  # (a character no one types holds the spaces of a path)
                paragraph = paragraph.replace(kept, kept.replace(" ", _UNBROKEN_SPACE))
            lines = textwrap.wrap(paragraph, width, break_long_words=False, break_on_hyphens=False)
            self.env.stdout.write("\n".join(lines or [""]).replace(_UNBROKEN_SPACE, " ") + "\n")

    def list_problems(self, problems: Sequence[object]) -> None:
        """A file's problems on stderr, one a line: the first SHOWN_PROBLEMS, then how many
        more (a file in another layout is wrong on every line: the first few say how)."""
        for problem in problems[:SHOWN_PROBLEMS]:
            self.env.stderr.write(printable(str(problem)) + "\n")
        more = len(problems) - SHOWN_PROBLEMS
        if more > 0:
            self.env.stderr.write(f"... and {more} more problem{'s' * (more != 1)}\n")

    def refuse_own_file(self, target: Path) -> None:
        """A usage error for an output file among mlprep's own (its data dir: the review log,
        snapshot, totals, backups, revisit list, saved interviews and drills; its cache): an
        export given one with --force replaced the whole history with a zip file."""
        where = Path(os.path.realpath(target))
        # (the whole data dir: the revisit list, saved interviews and drills live there too)
        for own in (self.paths.data_dir, self.paths.cache_dir):
            if where.is_relative_to(os.path.realpath(own)):
                raise UsageError(
                    f"{printable(str(target))} is among mlprep's own files ({printable(str(own))});"
                    " write the export somewhere else"
                )

    def warn(self, message: str) -> None:
        self.note(f"warning: {message}")

    def library(self, deck_dirs: Sequence[Path] = ()) -> Library:
        """Built-in decks, then the user deck dir, MLPREP_DECKS and --decks; broken user decks
        are reported on stderr and skipped."""
        from mlprep.decks import load_library

        user_dirs = []
        if self.paths.user_decks_dir.is_dir():
            user_dirs.append(self.paths.user_decks_dir)
        user_dirs += env_deck_dirs(self.env.environ) + list(deck_dirs)
        library = load_library(
            [builtin_content_dir() / "decks"],
            user_dirs,
            self.paths.cache_dir,
            notify=self.say_progress,
        )
        for given in deck_dirs:
            # `--decks trees` meant as "the trees deck" (as `mlprep mock --decks` once took it)
            if str(given) in library.decks and not given.exists():
                raise UsageError(
                    f"--decks takes a directory of decks, and there is no {given}; to pick "
                    f"the deck '{given}', give its name without --decks."
                )
        by_file: dict[str, list] = {}
        for problem in library.warnings:
            by_file.setdefault(problem.path, []).append(problem)
        for path, problems in by_file.items():
            first = str(problems[0])
            skipped = "" if "skipped" in first else " (deck skipped)"
            # (loading checks what loading needs; validate also runs SQL solutions and
            # compares card ids across decks, so it may find more than these)
            more = (
                f" (+{len(problems) - 1} more found while loading; "
                f"`mlprep validate {path}` checks everything)"
            )
            self.warn(f"{first}{skipped}{more if len(problems) > 1 else ''}")
        return library

    @contextlib.contextmanager
    def progress(self) -> Iterator[ProgressStore]:
        """The loaded progress store; its snapshot is brought up to date when the block ends,
        however it ends (the log already holds every answer)."""
        from mlprep.progress import ProgressStore

        store = self._store
        if store is None:
            # one store per command: a second block (review checks for a plan, then runs)
            # only takes in what was logged since, instead of loading everything again
            store = self._store = ProgressStore(
                self.paths.progress_dir,
                notify=self.say_progress,
                checked_mark=self.paths.cache_dir / "snapshot.checked",
            )
        store.checkpoint()  # loads the first time; afterwards takes in new answers
        try:
            yield store
        finally:
            try:
                store.checkpoint()
            finally:
                for warning in dict.fromkeys(store.warnings):
                    self.warn(warning)
                store.warnings.clear()

    def console(self, stderr: bool = False) -> Console:
        from mlprep.ui.render import make_console

        return make_console(self.env.stderr if stderr else self.env.stdout, self.env.environ)

    def prompter(self, plain: bool) -> Prompter:
        """Arrow-key prompts in a terminal; numbered plain prompts otherwise or with --plain."""
        from mlprep.ui.prompts import PlainPrompter, QuestionaryPrompter

        if plain or not self.env.can_draw():
            echo = not is_terminal(self.env.stdin)
            return PlainPrompter(self.env.stdin, self.env.stdout, echo=echo)
        return QuestionaryPrompter(self.console(), self.env.stdin)
