"""`mlprep export`: decks to a Markdown study guide, an Anki package or JSON."""

from typing import Annotated

import typer

from mlprep.cli import completion
from mlprep.cli.common import DeckDirs, state
from mlprep.errors import UsageError
from mlprep.export import STDOUT, ExportFormat
from mlprep.fileio import is_terminal
from mlprep.textsafe import printable


def export(
    ctx: typer.Context,
    decks: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[DECK]...",
            help="Deck slugs to export.",
            show_default=False,
            autocompletion=completion.deck_names,
        ),
    ] = None,
    all_decks: Annotated[bool, typer.Option("--all", help="Export every deck.")] = False,
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", help="md: study guide; anki: .apkg; json: everything."),
    ] = ...,  # type: ignore[assignment]  # typer: a required option
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            metavar="PATH",
            help="Where to write; - for standard output (md, json). Defaults: md: "
            "mlprep-guide/ (a file per deck; a name ending in .md: one file), anki: "
            "mlprep.apkg, json: mlprep.json.",
            show_default=False,
        ),
    ] = None,
    no_answers: Annotated[
        bool, typer.Option("--no-answers", help="md only: a practice sheet, questions only.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    deck_dirs: DeckDirs = None,
) -> None:
    """Export decks to Markdown, Anki or JSON.

    Existing files are kept unless --force is given.

    \b
    Examples:
      mlprep export trees --format md
      mlprep export --all --format md -o guide.md
      mlprep export --all --format anki -o mlprep.apkg
      mlprep export sql --format json -o - > sql.json
    """
    from mlprep.export import build, write

    if decks and all_decks:
        raise UsageError("name the decks to export or give --all, not both.")
    if not decks and not all_decks:
        raise UsageError("name the decks to export, or give --all for every deck.")
    app = state(ctx)
    library = app.library(deck_dirs or ())
    if all_decks:
        chosen = list(library.decks.values())
    else:  # each deck once, in the order named
        chosen = list({deck.id: deck for deck in map(library.deck, decks or ())}.values())
    err = app.env.stderr
    progress = len(chosen) > 1 and is_terminal(err)

    def on_deck(deck) -> None:
        if progress:
            err.write(f"exported {deck.id} ({_cards(len(deck.cards))})\n")
            err.flush()

    files = build(chosen, fmt, output, no_answers, on_deck, app.env.now().timestamp())
    if output == STDOUT:
        app.env.stdout.write(files[0].data.decode())
        app.env.stdout.flush()
        where = "standard output"
    else:
        for file in files:
            assert file.path is not None  # files written to disk have paths
            app.refuse_own_file(file.path)
        write(files, force)
        first = files[0].path
        assert first is not None  # files written to disk have paths
        where = str(first) if len(files) == 1 else f"{first.parent}/"
    total = sum(len(deck.cards) for deck in chosen)
    deck_word = "deck" if len(chosen) == 1 else "decks"
    err.write(f"Exported {len(chosen)} {deck_word} ({_cards(total)}) to {printable(where)}.\n")


def _cards(count: int) -> str:
    return f"{count} card{'s' * (count != 1)}"
