"""`mlprep drill`: extra practice on weak cards that changes no schedule."""

from typing import Annotated

import typer

from mlprep.cli.common import (
    DeckDirs,
    DeckSlugs,
    Plain,
    Seed,
    Tags,
    TrustDeck,
    between,
    state,
)


def drill(
    ctx: typer.Context,
    decks: DeckSlugs = None,
    weakest: Annotated[
        int | None,
        typer.Option(
            "--weakest",
            min=1,
            metavar="N",
            help=(
                "The N weakest cards, as `mlprep stats` ranks them: most lapses, then missed "
                "while learning, then lowest predicted recall (default 10)."
            ),
        ),
    ] = None,
    wrong_since: Annotated[
        float | None,
        typer.Option(
            "--wrong-since",
            metavar="DAYS",
            callback=between(0, 36500, "days"),  # (inf or nan would be no limit at all)
            help="Only cards answered wrong (Again) in the last DAYS days.",
        ),
    ] = None,
    tag: Tags = None,
    seed: Seed = None,
    plain: Plain = False,
    deck_dirs: DeckDirs = None,
    trust_deck: TrustDeck = False,
) -> None:
    """Drill your weakest cards without touching the schedule.

    Asks the cards you know least (or got wrong lately) as a quiz. Answers are kept in your
    history (mode drill, see `mlprep show CARD --history`) but no card's next review moves.

    \b
    Examples:
      mlprep drill
      mlprep drill trees --weakest 5
      mlprep drill --wrong-since 7
    """
    from mlprep.cli.session import finish, run_session
    from mlprep.sessions.drill import DrillSession

    app = state(ctx)
    cards = app.library(deck_dirs or ()).select(decks or (), tag or ())
    session = DrillSession(cards, weakest, wrong_since)
    finish(run_session(app, session, plain, seed, trust_deck=trust_deck))
