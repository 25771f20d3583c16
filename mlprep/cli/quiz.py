"""`mlprep quiz`: ask cards once, grade them, record every answer."""

from typing import Annotated

import typer

from mlprep.cli.common import Count, DeckDirs, DeckSlugs, Plain, Seed, Tags, state


def quiz(
    ctx: typer.Context,
    decks: DeckSlugs = None,
    count: Count = 10,
    tag: Tags = None,
    difficulty: Annotated[
        int | None,
        typer.Option("--difficulty", min=1, max=3, metavar="1-3", help="Only this difficulty."),
    ] = None,
    seed: Seed = None,
    plain: Plain = False,
    deck_dirs: DeckDirs = None,
) -> None:
    """Quiz yourself on one or more decks.

    Choice, numeric and SQL cards are graded at once; open cards you grade yourself.

    \b
    Examples:
      mlprep quiz trees
      mlprep quiz trees ensembles -n 20 --tag boosting
      printf '1\\n\\n3\\n' | mlprep quiz trees -n 2 --seed 1
    """
    from mlprep.cli.session import finish, run_session
    from mlprep.decks import sample
    from mlprep.sessions.quiz import QuizSession

    app = state(ctx)
    library = app.library(deck_dirs or ())
    cards = sample(library.select(decks or (), tag or (), difficulty=difficulty), count, seed)
    finish(run_session(app, QuizSession(cards), plain, seed))
