"""`mlprep sql` (SQL practice on a sandboxed database) and `mlprep mock` (a timed interview)."""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mlprep.cli import completion
from mlprep.cli.common import DeckDirs, Plain, Seed, Tags, between, state
from mlprep.errors import MlprepError, UsageError
from mlprep.fileio import is_terminal

if TYPE_CHECKING:
    from mlprep.cli.state import AppState
    from mlprep.decks import Library
    from mlprep.model import Card

Count = Annotated[
    int, typer.Option("-n", "--count", min=1, metavar="N", help="How many questions.")
]


def sql(
    ctx: typer.Context,
    count: Count = 5,
    tag: Tags = None,
    seed: Seed = None,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit",
            metavar="SECONDS",
            callback=between(0.1, 60, "seconds"),
            help="Stop a query after this long (0.1 to 60).",
        ),
    ] = 2.0,
    deck_dirs: DeckDirs = None,
    plain: Plain = False,
) -> None:
    """Practise SQL on a real database; results are checked.

    Each question shows the tables it needs. Type a query (end it with ; or an empty line);
    it runs on a throwaway copy of the sample database and its result is compared with the
    reference solution's. Only a query whose result has the answer's columns counts as a
    try; errors, other shapes and `.run QUERY` are exploring. In a terminal the prompt is an
    editor: arrows, history (Up), Tab completes table and column names, Esc Enter runs.
    Commands: .tables, .schema [TABLE], .run QUERY, .hint, .answer, .skip, .quit.

    \b
    Examples:
      mlprep sql
      mlprep sql -n 3 --tag window
    """
    from mlprep.cli.session import finish, run_session
    from mlprep.decks import sample
    from mlprep.sessions.sqlpractice import SqlSession
    from mlprep.ui.sqlio import SqlEditorPrompter, SqlLinePrompter

    app = state(ctx)
    library = app.library(deck_dirs or ())
    pool = library.select(tags=tag or (), kinds=("sql",))
    cards = _runnable(app, library, sample(pool, None, seed), count)
    env = app.env
    prompter: SqlLinePrompter
    if env.can_draw() and not plain:  # (an editor draws: not on TERM=dumb)
        from mlprep.ui.sqledit import SqlEditor

        editor = SqlEditor(history=app.paths.data_dir / "sql_history")
        prompter = SqlEditorPrompter(editor, env.stdin, env.stdout, echo=False)
    else:
        prompter = SqlLinePrompter(env.stdin, env.stdout, echo=not is_terminal(env.stdin))
    result = run_session(app, SqlSession(cards), prompter=prompter, sql_time_limit=time_limit)
    finish(result)


def _runnable(app: "AppState", library: "Library", cards: "list[Card]", count: int) -> "list[Card]":
    """The first `count` cards whose reference solution runs; each broken one is a warning
    naming its file, line and card, and is skipped (as a broken deck is)."""
    from mlprep.sqlsandbox import solution_problem

    chosen: list[Card] = []
    for card in cards:
        if len(chosen) == count:
            break
        reason = solution_problem(card)
        if reason is None:
            chosen.append(card)
            continue
        deck = library.decks.get(card.deck)
        where = f"{deck.path}:{card.line}" if deck and deck.path else card.deck
        app.warn(f"{where}: card '{card.id}': {reason} (card skipped)")
    if not chosen:
        raise UsageError("No SQL question with a working solution matches that selection.")
    return chosen


def _fit_path(path: str, width: int) -> str:
    """A path as it is when it fits, else its end (the file name matters most), never wrapped."""
    return path if len(path) <= width else "..." + path[len(path) - max(width - 3, 20) :]


def _alarm(seconds: float):
    """Raise TimeUp in the main thread when the interview's time runs out, even while the
    user is typing (POSIX interval timer)."""
    import contextlib
    import signal

    from mlprep.sessions.ports import TimeUp

    @contextlib.contextmanager
    def timer():
        def ring(signum, frame):
            raise TimeUp

        previous = signal.signal(signal.SIGALRM, ring)
        signal.setitimer(signal.ITIMER_REAL, max(0.001, seconds))
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    return timer()


def mock(
    ctx: typer.Context,
    minutes: Annotated[
        float,
        typer.Option(
            "--minutes",
            "-m",
            metavar="M",
            callback=between(0.01, 600, "minutes"),
            help="Time allowed (up to 600).",
        ),
    ] = 20.0,
    decks: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[DECK]...",
            help="Deck slugs (default: every deck but sql).",
            show_default=False,
            autocompletion=completion.deck_names,
        ),
    ] = None,
    count: Count = 8,
    tag: Tags = None,
    seed: Seed = None,
    export: Annotated[
        Path | None,
        typer.Option("--export", metavar="FILE.md", help="Also write the transcript here."),
    ] = None,
    deck_dirs: DeckDirs = None,
    plain: Plain = False,
    # the earlier spellings, kept working for scripts: -d/--deck DECK for the deck arguments,
    # --deck-dir DIR for --decks DIR (as every other command takes it)
    picked: Annotated[
        list[str] | None, typer.Option("-d", "--deck", hidden=True, show_default=False)
    ] = None,
    more_dirs: Annotated[
        list[Path] | None, typer.Option("--deck-dir", hidden=True, show_default=False)
    ] = None,
) -> None:
    """Sit a timed mock interview, then grade your answers.

    Questions are mixed across topics and weighted toward your weak cards (low predicted
    recall, lapses, cards you missed); up to a third of them are weak cards, where you have
    any. Answers stay hidden until the end; then choice, numeric and SQL answers get their
    verdict and you grade the rest beside the reference answer, and a scorecard per topic
    follows. The interview is saved to your history; time running out ends it cleanly.

    \b
    Examples:
      mlprep mock
      mlprep mock trees ensembles --minutes 10 -n 5 --export mock.md
    """
    from mlprep.cli.session import finish, run_session
    from mlprep.fileio import atomic_write
    from mlprep.history import save_mock
    from mlprep.sessions.base import Stop
    from mlprep.sessions.mock import MockResult, MockSession
    from mlprep.ui.prompts import PlainPrompter
    from mlprep.ui.text import mock_markdown

    app = state(ctx)
    env = app.env
    library = app.library([*(deck_dirs or ()), *(more_dirs or ())])
    decks = [*(decks or ()), *(picked or ())]
    cards = library.select(decks or [d for d in library.decks if d != "sql"], tag or ())
    if export is not None:
        _check_transcript_file(export)
    records = app.paths.data_dir / "mock"
    if records.exists() and not records.is_dir():  # (said before the interview: it was lost)
        raise MlprepError(
            f"cannot save interviews in {records}: it is a file, not a directory; move it away"
        )
    if records.is_dir() and not os.access(records, os.W_OK | os.X_OK):  # (the same)
        raise MlprepError(f"cannot save interviews in {records}: permission denied")
    if export and not export.parent.is_dir():  # (said before the interview, not after it)
        # (the directories were made, as root /nonexistent; export -o refuses them)
        where = export.parent
        reason = (
            f"{where} is a file, not a directory"
            if where.exists()
            else (f"no such directory {where}")
        )
        raise UsageError(f"cannot write {export}: {reason}")
    prompter: PlainPrompter
    if env.can_draw() and not plain:  # (the clock is drawn: not on TERM=dumb, nor --plain)
        from mlprep.ui.mockclock import MockClockPrompter

        # the prompter shows the clock and ends an answer when time runs out
        prompter = MockClockPrompter(env.stdin, env.stdout)
        session = MockSession(cards, minutes, count)
    else:
        prompter = PlainPrompter(env.stdin, env.stdout, echo=not is_terminal(env.stdin))
        session = MockSession(cards, minutes, count, _alarm)
    try:
        result = run_session(app, session, seed=seed, prompter=prompter)
    finally:
        from mlprep.ui.keys import flush_input

        flush_input(env.stdin)  # keys typed in the last moments never reach the shell
    assert isinstance(result, MockResult)
    if not result.answers and result.stopped is not Stop.TIME_UP:
        finish(result)  # (left before any answer: no interview to keep; a time-up is one)
        return
    record = save_mock(result, records)
    # beside the record, the transcript to read again (the record holds ids and grades only)
    saved = record.with_suffix(".md")
    try:
        atomic_write(saved, mock_markdown(result).encode())
    except OSError as error:
        app.warn(f"cannot write {saved}: {error.strerror}; the interview is kept in {record}")
        saved = record
    shown = str(saved)
    if not env.is_terminal() or len(f"Saved to {shown}") <= prompter.width:
        prompter.say(f"Saved to {shown}")
    elif len(shown) <= prompter.width:  # whole on a line of its own, to copy
        prompter.say("Saved to", shown)
    else:  # on screen the end of a long path (the file name matters most); in pipes all
        prompter.say(f"Saved to {_fit_path(shown, prompter.width - len('Saved to '))}")
    if export:
        try:
            atomic_write(export, mock_markdown(result).encode())
        except OSError as error:
            raise MlprepError(f"cannot write {export}: {error.strerror}") from None
        prompter.say(f"Transcript written to {export}")
    finish(result)


def _check_transcript_file(export: Path) -> None:
    """Refuse, before the interview, an --export the transcript cannot go to as asked: it is
    Markdown, so its name ends as `export` takes for one Markdown file."""
    from mlprep.export import SINGLE_GUIDE_SUFFIXES

    if str(export) == "-":  # (elsewhere standard output: here the interview itself is there)
        raise UsageError(
            "--export -: the interview is on standard output; give a file name (FILE.md)."
        )
    if export.suffix.lower() not in SINGLE_GUIDE_SUFFIXES:
        raise UsageError(
            f"--export {export}: the transcript is Markdown, written to a .md, .markdown or "
            ".txt file."
        )
    if export.exists():
        raise UsageError(f"{export} already exists; choose another file for --export.")
