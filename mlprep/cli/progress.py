"""`mlprep progress ...`: where progress lives, export, import, merge and reset."""

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mlprep.cli import completion
from mlprep.cli.common import DeckDirs, state
from mlprep.errors import MlprepError, ProgressError, UsageError, cannot_read
from mlprep.textfit import in_words
from mlprep.textsafe import printable

if TYPE_CHECKING:
    from mlprep.exportdoc import ExportDocument
    from mlprep.reviewlog import ReviewEvent

app = typer.Typer(
    help="Look after your progress: where it is, export, import, merge, reset.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _a_path(value: str) -> str:
    if not value.strip():  # ("" would be read as the current directory)
        raise typer.BadParameter("is empty; give a file's path, or - for standard I/O")
    return value


FileArg = Annotated[
    str,
    typer.Argument(metavar="FILE", help="A file, or - for standard I/O.", callback=_a_path),
]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


def _events(answers: int, undos: int, settings: int, new: str = "") -> str:
    """What events moved: "2 answers", "1 new answer, 1 undo and 1 plan or parameter
    change" (an undone grade is an answer and an undo, not two answers)."""
    parts = [f"{answers:,} {new}answer{'s' * (answers != 1)}"]
    if undos:
        parts.append(f"{undos:,} undo{'s' * (undos != 1)}")
    if settings:
        parts.append(f"{settings:,} plan or parameter change{'s' * (settings != 1)}")
    return in_words(parts)


def _named(file: str) -> str:
    """A FILE argument as a message names it ("-": standard input)."""
    return "standard input" if file == "-" else printable(file)


def _read_source(name: str) -> bytes:
    """The file's bytes (UTF-8 checked, a byte order mark from an editor dropped): kept as
    bytes, since an export of a long history is large and read only in part."""
    try:
        if name == "-":
            stream = sys.stdin
            buffer = getattr(stream, "buffer", None)
            data = buffer.read() if buffer is not None else stream.read().encode()
        else:
            from mlprep.fileio import read_regular
            from mlprep.limits import MAX_PROGRESS_IMPORT_BYTES

            data = read_regular(name, MAX_PROGRESS_IMPORT_BYTES)
        if not data.isascii():
            data.decode("utf-8")  # raises for what is not UTF-8
    except UnicodeDecodeError as error:
        from mlprep.fileio import not_utf8_at, not_utf8_text

        raise MlprepError(not_utf8_text(_named(name), *not_utf8_at(data, error.start))) from None
    except OSError as error:
        raise MlprepError(cannot_read(name, error)) from None
    return data.removeprefix(b"\xef\xbb\xbf")


def _confirm(app_state, question: str, yes: bool) -> None:
    if yes:
        return
    if not app_state.env.is_terminal():
        raise UsageError(f"{question} Add --yes to confirm when not in a terminal.")
    try:
        answer = input(f"{question} [y/N]: ")
    except EOFError:  # Ctrl-D: no answer, so the default, no (Ctrl-C interrupts as anywhere)
        app_state.env.stdout.write("\n")
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        app_state.env.stdout.write("Nothing changed.\n")
        raise typer.Exit(0)


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Print where progress and user decks are kept.

    \b
    Example:
      mlprep progress path
    """
    paths = state(ctx).paths
    out = state(ctx).env.stdout
    out.write(f"data dir:    {printable(paths.data_dir)}\n")
    out.write(f"review log:  {printable(paths.review_log)}\n")
    out.write(f"user decks:  {printable(paths.user_decks_dir)}\n")


@app.command("export")
def export(
    ctx: typer.Context,
    file: FileArg,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Write every answer ever recorded to one JSON document.

    \b
    Examples:
      mlprep progress export backup.json
      mlprep progress export - > backup.json
    """
    from mlprep.fileio import atomic_write_with, refuse_non_regular
    from mlprep.progress import ProgressStore

    app_state = state(ctx)
    store = ProgressStore(app_state.paths.progress_dir)
    now = app_state.env.now()
    checked = app_state.paths.cache_dir / "log.checked"  # blocks an earlier export checked
    if file == "-":
        # a stream cannot be taken back: a damaged line stops the export before any of it is
        # written (the second pass skips the blocks the first found whole; see logcheck)
        for _ in store.export_bytes(now, checked):
            pass
        for chunk in store.export_chunks(now, checked):  # a long history is streamed
            app_state.env.stdout.write(chunk)
        _warn(app_state, store)
        return
    app_state.refuse_own_file(Path(file))
    try:  # (said first: --force would not help, only a regular file is ever replaced)
        refuse_non_regular(Path(file))
    except OSError as error:
        raise MlprepError(f"cannot write {file}: {error.strerror}") from None
    if Path(file).exists() and not force:
        raise MlprepError(f"{file} already exists; add --force to overwrite it.")
    # (a typo in the path made a stray tree of directories, as deck exports once did)
    directory = Path(os.path.realpath(file)).parent
    if not directory.is_dir():
        why = "is a file, not a directory" if directory.exists() else "does not exist"
        raise MlprepError(f"cannot write {file}: {directory} {why}.")
    try:
        atomic_write_with(
            Path(file), lambda handle: handle.writelines(store.export_bytes(now, checked))
        )
    except OSError as error:
        raise MlprepError(f"cannot write {file}: {error.strerror}") from None
    answers = store.exported - store.exported_settings - store.exported_undos
    moved = _events(answers, store.exported_undos, store.exported_settings)
    _warn(app_state, store)
    app_state.note(f"Exported {moved} to {file}.")


def _warn(app_state, store) -> None:
    """What reading the log noticed and left out (an unfinished last line), said once."""
    for warning in dict.fromkeys(store.warnings):
        app_state.warn(warning)
    store.warnings.clear()


@app.command("merge")
def merge(ctx: typer.Context, file: FileArg) -> None:
    """Add the answers of an export from another machine to yours.

    Answers already present are skipped, so merging the same file twice changes nothing.
    FILE may also be a review log itself (a backup from progress/backups/).

    \b
    Example:
      mlprep progress merge laptop.json
    """
    from mlprep.exportdoc import (
        not_utf8_message,
        read_export_document,
        read_export_file,
        read_log_lines,
    )
    from mlprep.progress import ProgressStore

    app_state = state(ctx)
    incoming: ExportDocument | list[ReviewEvent]
    data = _read_source(file) if file == "-" else None
    try:
        if data is not None:
            # (checked as it is merged; its errors name it as the messages do)
            incoming = read_export_document(data, _named(file))
        else:
            try:  # a long history is read in parts, not held in memory
                incoming = read_export_file(Path(file), file)
            except UnicodeDecodeError:  # (in a part: where, from the file as a whole; not a
                # ProgressError, which would have it read again as a log)
                raise MlprepError(not_utf8_message(Path(file), file)) from None
            except OSError as error:
                raise MlprepError(cannot_read(file, error)) from None
    except ProgressError as error:
        # a review log as mlprep keeps it (a backup that reset or import made) merges as an
        # export of it would, as import takes one; anything else is named by the export's error
        data = _read_source(file) if data is None else data
        incoming = read_log_lines(data, _named(file), error, app_state.warn)
    store = ProgressStore(app_state.paths.progress_dir, notify=app_state.say_progress)
    added = store.merge(incoming)
    answers = added - store.merged_settings - store.merged_undos
    moved = _events(answers, store.merged_undos, store.merged_settings, new="new ")
    app_state.tell(
        f"Merged {moved} from {_named(file)} ({len(incoming) - added:,} already present).",
        whole=(_named(file),),
    )


@app.command("import")
def import_(ctx: typer.Context, file: FileArg, yes: Yes = False) -> None:
    """Replace your progress with an export.

    Your current review log is backed up first.

    \b
    Example:
      mlprep progress import backup.json --yes
    """
    from mlprep.exportdoc import read_export, read_log_lines
    from mlprep.progress import ProgressStore

    app_state = state(ctx)
    data = _read_source(file)
    if len(data) >= LONG_READ_BYTES:  # (checking every answer takes seconds: said first)
        app_state.say_progress(
            f"Reading {len(data) / 1e6:.0f} MB of answers from {_named(file)}..."
        )
    try:
        incoming = read_export(data, _named(file))
    except ProgressError as error:
        # a review log as mlprep keeps it (a backup that reset or import made) is restored
        # the same way; anything else is named by the export's error
        incoming = read_log_lines(data, _named(file), error, app_state.warn)
    store = ProgressStore(app_state.paths.progress_dir, notify=app_state.say_progress)
    if store.log.size():
        _confirm(app_state, "Replace all your progress with this file?", yes)
    backup = store.replace_all(incoming, app_state.env.now())
    note = f" (previous log backed up to {backup})" if backup else ""
    unique = {event.id: event for event in incoming}.values()  # (an id twice is one event)
    settings = sum(1 for event in unique if event.kind)
    undos = sum(1 for event in unique if event.undoes)
    app_state.tell(
        f"Imported {_events(len(unique) - settings - undos, undos, settings)} from "
        f"{_named(file)}{printable(note)}.",
        whole=(_named(file), *([printable(str(backup))] if backup else [])),
    )


@app.command("reset")
def reset(
    ctx: typer.Context,
    deck: Annotated[
        str | None,
        typer.Argument(
            metavar="[DECK]", help="Only this deck's cards.", autocompletion=completion.deck_names
        ),
    ] = None,
    yes: Yes = False,
    deck_dirs: DeckDirs = None,
) -> None:
    """Forget your progress (all of it, or one deck's), after a backup.

    \b
    Examples:
      mlprep progress reset trees
      mlprep progress reset --yes
    """
    from mlprep.progress import ProgressStore

    app_state = state(ctx)
    card_ids = None
    scope = "all your progress"
    if deck:
        chosen = app_state.library(deck_dirs or ()).deck(deck)
        card_ids = {card.id for card in chosen.cards}
        scope = f"your progress on '{chosen.id}'"
    store = ProgressStore(app_state.paths.progress_dir)
    if not store.answered(card_ids):  # (said before asking to confirm a reset of nothing)
        app_state.tell("Nothing to reset.")
        return
    _confirm(app_state, f"Forget {scope}? A backup is kept.", yes)
    removed, backup = store.reset(card_ids, app_state.env.now())
    if not removed:
        app_state.tell("Nothing to reset.")
        return
    app_state.tell(
        f"Removed {removed} answer{'s' * (removed != 1)}; backup: {printable(backup)}",
        whole=(printable(backup),),
    )


LONG_READ_BYTES = 16_000_000  # an import of this many bytes takes seconds before it can count
