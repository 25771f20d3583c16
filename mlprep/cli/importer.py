"""`mlprep import`: a CSV or TSV of questions and answers becomes one of your decks."""

from pathlib import Path
from typing import Annotated

import typer

from mlprep.cli.common import state
from mlprep.errors import ContentError, MlprepError, UsageError
from mlprep.textsafe import printable


def import_deck(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="A .csv or .tsv file, or an Anki plain-text export (.txt)."
        ),
    ],
    deck: Annotated[
        str,
        typer.Option("--deck", metavar="SLUG", help="The new deck's id, e.g. my-cards."),
    ],
    title: Annotated[
        str | None,
        typer.Option("--title", metavar="TITLE", help="The deck's title (default: from FILE)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace your own deck of the same id.")
    ] = False,
) -> None:
    """Make a deck from a CSV or TSV of questions and answers.

    Each row is a question, an answer and optional space-separated tags. The
    separator is detected; Anki's "Notes in Plain Text" export (with its #
    header lines and HTML) works as it is. Cards get the ids SLUG-001, SLUG-002,
    ... in file order. Bad rows are all reported as FILE:LINE and nothing is
    written until every row is good (exit 3).

    \b
    Examples:
      mlprep import flashcards.csv --deck my-cards
      mlprep import anki-notes.txt --deck anki-ml --title "ML from Anki"
    """
    from mlprep.fileio import atomic_write, read_regular
    from mlprep.importcsv import convert
    from mlprep.limits import MAX_CSV_BYTES
    from mlprep.schema import SLUG

    slug = deck.strip()
    if not SLUG.match(slug):
        raise UsageError(f"deck id '{deck}' must be lower-case letters, digits and '-'.")
    app = state(ctx)
    library = app.library()
    target = app.paths.user_decks_dir / f"{slug}.yaml"
    existing = library.decks.get(slug)
    if existing and existing.builtin:
        raise UsageError(f"'{slug}' is a built-in deck; choose another --deck.")
    if existing and existing.path and existing.path.resolve() != target.resolve():
        raise UsageError(f"deck '{slug}' already exists in {existing.path}; choose another --deck.")
    if target.exists() and not force:
        raise UsageError(f"you already have a deck '{slug}' ({target}); add --force to replace it.")
    try:
        data = read_regular(file, MAX_CSV_BYTES)
    except OSError as error:
        raise MlprepError(f"cannot read {file}: {error.strerror or error}") from None

    new_deck, text, problems, header = convert(data, str(file), slug, title, str(target))
    if problems or new_deck is None:
        for problem in problems:
            app.env.stderr.write(f"{printable(str(problem))}\n")
        count = len(problems)
        raise ContentError(f"{count} problem{'s' * (count != 1)} in {file}; nothing was imported.")
    used = {c.id: d.id for d in library.decks.values() if d.id != slug for c in d.cards}
    clash = next((card.id for card in new_deck.cards if card.id in used), None)
    if clash:
        raise UsageError(
            f"card id '{clash}' is used by deck '{used[clash]}'; choose another --deck."
        )
    try:
        atomic_write(target, text.encode())
    except OSError as error:
        raise MlprepError(f"cannot write {target}: {error.strerror or error}") from None
    cards = len(new_deck.cards)
    if header:
        names = printable(f"{header.q}, {header.a}")
        app.env.stdout.write(f"Skipped line {header.line}, a header row ({names}).\n")
    app.env.stdout.write(
        f"Imported {cards} card{'s' * (cards != 1)} into deck '{slug}' ({target}).\n"
        f"Start with: mlprep quiz {slug}\n"
    )
