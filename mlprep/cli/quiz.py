"""`mlprep quiz`: ask cards once, grade them, record every answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mlprep.cli.common import Count, DeckDirs, DeckSlugs, Plain, Seed, Tags, TrustDeck, state
from mlprep.errors import UsageError

if TYPE_CHECKING:
    from mlprep.decks import Library
    from mlprep.model import Card


_DIFFICULTIES = {"easy": 1, "medium": 2, "hard": 3}


def _difficulty(value: str) -> int:
    """1-3, or its name: "hard" was "not a valid int range"."""
    text = value.strip()
    # (a number of thousands of digits is more than int() reads: no number of 1-3 anyway)
    number = _DIFFICULTIES.get(text.lower()) or (
        int(text) if text.isdigit() and len(text) < 9 else 0
    )
    if not 1 <= number <= 3:
        shown = value if len(value) <= 30 else value[:30] + "..."
        raise typer.BadParameter(f"{shown!r} is not 1 (easy), 2 (medium) or 3 (hard).")
    return number


def quiz(
    ctx: typer.Context,
    decks: DeckSlugs = None,
    count: Count = 10,
    tag: Tags = None,
    difficulty: Annotated[
        int | None,
        typer.Option(
            "--difficulty",
            metavar="1-3",
            parser=_difficulty,
            help="Only this difficulty: 1 (easy), 2 (medium) or 3 (hard).",
        ),
    ] = None,
    seed: Seed = None,
    plain: Plain = False,
    deck_dirs: DeckDirs = None,
    trust_deck: TrustDeck = False,
    revisit: Annotated[
        bool,
        typer.Option("--revisit", help='Ask again the cards the last quiz listed under "Revisit".'),
    ] = False,
) -> None:
    """Quiz yourself on one or more decks.

    Choice, numeric and SQL cards are graded at once; open cards you grade yourself. The
    cards to revisit at the end are remembered: `mlprep quiz --revisit` asks them again.

    \b
    Examples:
      mlprep quiz trees
      mlprep quiz trees ensembles -n 20 --tag boosting
      printf '1\\n\\n3\\n' | mlprep quiz trees -n 2 --seed 1
      mlprep quiz --revisit
    """
    from mlprep.cli.session import finish, run_session
    from mlprep.decks import sample
    from mlprep.sessions.quiz import QuizResult, QuizSession

    app = state(ctx)
    library = app.library(deck_dirs or ())
    revisit_file = app.paths.data_dir / "revisit.json"
    if revisit:
        if decks or tag or difficulty:
            raise UsageError("--revisit asks the last quiz's cards; drop the decks and filters.")
        cards = _revisit_cards(revisit_file, library)
    else:
        cards = sample(library.select(decks or (), tag or (), difficulty=difficulty), count, seed)
    session = QuizSession(cards, keep_unreached=revisit)
    result = run_session(app, session, plain, seed, trust_deck=trust_deck)
    if isinstance(result, QuizResult) and result.results:
        _save_revisit(revisit_file, [card.id for card in result.revisit])
    finish(result)


def _save_revisit(path: Path, ids: list[str]) -> None:
    from mlprep.fileio import atomic_write

    try:
        atomic_write(path, json.dumps({"cards": ids}).encode())
    except OSError:
        pass  # the list is a convenience; the answers themselves are already saved


def _revisit_cards(path: Path, library: Library) -> list[Card]:
    from mlprep.fileio import read_regular

    try:
        # (a regular file of sane size: a named pipe there waited for ever)
        ids = json.loads(read_regular(path, 16 << 20))["cards"]
    except FileNotFoundError:
        raise UsageError("No quiz to revisit yet; run mlprep quiz first.") from None
    except OSError:
        if path.exists() and not path.is_file():
            from mlprep.fileio import kind_of

            # (not "damaged; run mlprep quiz": a quiz can never write it there)
            what = kind_of(path.stat().st_mode)
            raise UsageError(f"{path} is {what}; move it away, then run mlprep quiz") from None
        ids = None
    except (ValueError, KeyError, TypeError):
        ids = None
    if not isinstance(ids, list):  # ({"cards": 5} gave "unexpected TypeError")
        raise UsageError(f"{path} is damaged; run mlprep quiz to write a new one.")
    known = {card.id: card for deck in library.decks.values() for card in deck.cards}
    cards = [known[i] for i in ids if isinstance(i, str) and i in known]
    if not cards and ids:  # (it said the last quiz had nothing wrong)
        count = f"{len(ids)} card{'s' * (len(ids) != 1)}"
        raise UsageError(
            f"None of the {count} to revisit is in the decks loaded (a deck removed since, or "
            "loaded with --decks then); run mlprep quiz to make a new list."
        )
    if not cards:
        raise UsageError("Nothing to revisit: the last quiz had no wrong or hard answers.")
    return cards
