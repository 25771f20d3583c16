"""`mlprep quiz`: ask cards once, grade them, record every answer."""

import random
from typing import Annotated

import typer

from mlprep.cli.common import Count, DeckDirs, DeckSlugs, Plain, Seed, Tags, guarded, state
from mlprep.errors import ExitCode


@guarded
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

    Choice and numeric cards are graded at once; open cards you grade yourself.

    \b
    Examples:
      mlprep quiz trees
      mlprep quiz trees ensembles -n 20 --tag boosting
      printf '1\\n\\n3\\n' | mlprep quiz trees -n 2 --seed 1
    """
    from mlprep.decks import sample
    from mlprep.sessions import INTERRUPTED
    from mlprep.sessions.quiz import run_quiz
    from mlprep.sessions.recording import Recorder
    from mlprep.ui.text import quiz_summary

    app = state(ctx)
    library = app.library(deck_dirs or ())
    cards = sample(library.select(decks or (), tag or (), difficulty), count, seed)
    with app.progress() as store:
        prompter = app.prompter(plain)
        names = ", ".join(dict.fromkeys(card.deck for card in cards))
        prompter.notice(f"Quiz: {names} - {len(cards)} card{'s' * (len(cards) != 1)}")
        recorder = Recorder(store, "quiz", app.env.now)
        result = run_quiz(cards, prompter, recorder, random.Random(seed), app.env.clock)
        for line in quiz_summary(result):
            prompter.notice(line)
    if result.stopped == INTERRUPTED:
        raise typer.Exit(int(ExitCode.INTERRUPTED))
