"""`mlprep import`: a CSV or TSV of questions and answers becomes one of your decks."""

from typing import Annotated

import typer

from mlprep.cli.common import state
from mlprep.errors import ContentError, MlprepError, UsageError, unreadable_input
from mlprep.textsafe import printable

MAX_SLUG = 64  # a deck id is a file name (SLUG.yaml) and the start of every card id
LONG_IMPORT_BYTES = 1_000_000  # a file this large takes long enough to say so first


def import_deck(
    ctx: typer.Context,
    file: Annotated[
        str,
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
    header_row: Annotated[
        bool | None,
        typer.Option(
            "--header/--no-header",
            help="The first row is column names, not a card (--header), or is a card"
            " (--no-header). Default: guessed, and said when a row is skipped.",
        ),
    ] = None,
) -> None:
    """Make a deck from a CSV or TSV of questions and answers.

    Each row is a question, an answer and optional space-separated tags. The
    separator is detected; Anki's "Notes in Plain Text" export (with its #
    header lines and HTML) works as it is. Cards get the ids SLUG-001, SLUG-002,
    ... in file order. Bad rows are reported as FILE:LINE (the first ten) and
    nothing is written until every row is good (exit 3). Line breaks in an
    answer are kept (written as Markdown line breaks, a \\ at the line's end).

    \b
    Examples:
      mlprep import flashcards.csv --deck my-cards
      mlprep import anki-notes.txt --deck anki-ml --title "ML from Anki"
    """
    from mlprep.fileio import atomic_write, kind_of, read_regular
    from mlprep.importcsv import convert
    from mlprep.limits import MAX_CSV_BYTES
    from mlprep.model import SLUG, SLUG_RULE

    slug = deck.strip()
    if not SLUG.match(slug):
        raise UsageError(f"deck id '{printable(deck)}' must be {SLUG_RULE}.")
    if len(slug) > MAX_SLUG:
        raise UsageError(f"deck id is {len(slug)} characters long; at most {MAX_SLUG}.")
    if title is not None:
        title = check_title(title)
    if not file:
        raise UsageError("FILE is empty; give the path of a CSV or TSV file.")
    app = state(ctx)
    library = app.library()
    target = app.paths.user_decks_dir / f"{slug}.yaml"
    existing = library.decks.get(slug)
    if existing and existing.builtin:
        raise UsageError(f"'{slug}' is a built-in deck; choose another --deck.")
    if existing and existing.path and existing.path.resolve() != target.resolve():
        raise UsageError(f"deck '{slug}' already exists in {existing.path}; choose another --deck.")
    if target.exists():
        # (only an earlier import of this deck is replaced: the file may hold a deck of
        # another id, written by hand, which --force replaced without a word)
        occupant = next(
            (d for d in library.decks.values() if d.path and d.path.resolve() == target.resolve()),
            None,
        )
        if occupant is None or occupant.id != slug:
            if occupant:
                held = f"holds your deck '{occupant.id}', not deck '{slug}'"
            elif not target.is_file():
                held = f"is {kind_of(target.stat().st_mode)}"
            else:
                held = f"holds a file that is not a deck, not deck '{slug}'"
            raise UsageError(f"{target} {held}; choose another --deck (nothing was replaced).")
        if not force:
            raise UsageError(
                f"you already have a deck '{slug}' ({target}); add --force to replace it."
            )
    try:
        data = read_regular(file, MAX_CSV_BYTES)
    except OSError as error:
        raise unreadable_input(file, error) from None
    if len(data) >= LONG_IMPORT_BYTES:
        app.say_progress(f"Importing {file} ({len(data) / 1e6:.1f} MB)...")

    earlier = [(card.id, card.q) for card in existing.cards] if existing else None
    with app.progress() as store:  # (ids with answers in the log: never a new question's)
        reserved = {card for card in store.states if card.startswith(f"{slug}-")}
    result = convert(data, file, slug, title, str(target), header_row, earlier, reserved)
    new_deck = result.deck
    if result.problems or new_deck is None:
        app.list_problems(result.problems)
        count = len(result.problems)
        raise ContentError(f"{count} problem{'s' * (count != 1)} in {file}; nothing was imported.")
    used = {c.id: d.id for d in library.decks.values() if d.id != slug for c in d.cards}
    clash = next((card.id for card in new_deck.cards if card.id in used), None)
    if clash:
        raise UsageError(
            f"card id '{clash}' is used by deck '{used[clash]}'; choose another --deck."
        )
    try:
        atomic_write(target, result.text.encode())
    except OSError as error:
        from mlprep.fileio import refusal

        # ("File exists" named neither the file in place of the decks directory nor a move)
        raise MlprepError(f"cannot write {target}: {refusal(target, error)}") from None
    cards = len(new_deck.cards)
    out = app.env.stdout
    if result.header:
        names = printable(", ".join(result.header.cells))
        guess = "; if it is a card, import again with --no-header" * result.header_guessed
        out.write(f"Skipped line {result.header.line}, a header row ({names}){guess}.\n")
    for note in result.notes:
        out.write(f"{printable(note)}\n")
    if earlier:
        kept = len({card.id for card in new_deck.cards} & {card_id for card_id, _ in earlier})
        out.write(
            f"Kept the ids, and so your progress, of {kept} question{'s' * (kept != 1)} "
            f"already in '{slug}'.\n"
        )
    out.write(
        f"Imported {cards} card{'s' * (cards != 1)} into deck '{slug}' ({target}).\n"
        f"Start with: mlprep quiz {slug}\n"
    )


def check_title(title: str) -> str:
    """The --title value, or a usage error naming the option (not the file)."""
    from mlprep.textsafe import BIDI

    if not title.strip():
        raise UsageError("--title is empty; leave it out to take the title from FILE.")
    bad = next((char for char in title if ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F), None)
    if bad is not None:
        raise UsageError(f"--title contains a control character (U+{ord(bad):04X}).")
    if any("\ud800" <= char <= "\udfff" for char in title):
        raise UsageError("--title is not valid text in the terminal's encoding.")
    found = BIDI.search(title)
    if found:
        code = ord(found.group())
        raise UsageError(f"--title contains a bidirectional override (U+{code:04X}).")
    return title.strip()
