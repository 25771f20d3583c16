"""`mlprep stats`: progress at a glance."""

import json
from collections.abc import Sequence
from typing import Annotated

import typer

from mlprep.cli.common import DeckDirs, DeckSlugs, state
from mlprep.cli.terminal import console_width, prints_styles

NO_PROGRESS = (
    "No progress yet.\nStart with `mlprep review` for today's cards, or `mlprep quiz trees`."
)


def no_progress(elsewhere: int, decks: Sequence[str] = (), planned: bool = False) -> str:
    """What stats says without progress on the decks shown (`decks`: those named); `elsewhere`:
    how many cards were answered that are in none of the decks loaded; `planned`: an
    interview plan is in force (its review is where to start)."""
    if decks:  # (not "quiz trees" for `stats vision`)
        from mlprep.textfit import in_words

        named, plural = " ".join(decks), "s" * (len(decks) > 1)
        start = "mlprep review" if planned else f"mlprep quiz {named}"
        return (
            f"No progress yet on the {in_words(list(decks))} deck{plural}.\nStart with `{start}`."
        )
    if not elsewhere:
        return NO_PROGRESS
    cards = f"{elsewhere:,} card{'s' * (elsewhere != 1)}"
    return (
        f"No progress yet on the decks here: the {cards} you have answered "
        f"{'is' if elsewhere == 1 else 'are'} in none of them (decks loaded before with "
        "--decks or MLPREP_DECKS, or answers merged from a machine with other decks: they "
        "count again once those decks are here)."
    )


def stats(
    ctx: typer.Context,
    decks: DeckSlugs = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (see docs/stats.md).")
    ] = False,
    deck_dirs: DeckDirs = None,
) -> None:
    """Show your progress: counts, recall, forecast, streak.

    Per deck: cards, new / learning / review, mastered (stability of 21 days or more), due
    today, predicted recall now and quiz accuracy over 30 days; then the 30-day due forecast,
    a 26-week calendar of answers, the current streak, the weakest cards and tags, and how
    often your grade for a typed answer agreed with the grader's suggestion.

    \b
    Examples:
      mlprep stats
      mlprep stats trees --json
    """
    from mlprep.stats import build_report, grader_agreement

    app = state(ctx)
    library = app.library(deck_dirs or ())
    chosen = (
        [library.deck(name) for name in dict.fromkeys(decks)]  # (a deck named twice: once)
        if decks
        else sorted(library.decks.values(), key=lambda d: d.id)
    )
    chosen_ids = [deck.id for deck in chosen] if decks else []
    with app.progress() as store:
        totals = store.answer_totals()
        report = build_report(chosen, store.states, totals, app.env.now(), store.scheduler)
        report.agreement = grader_agreement(chosen, totals)
        # answers to cards of no deck loaded here are kept but count nowhere: a "No progress
        # yet" says why
        elsewhere = 0 if decks or report.has_progress else len(store.states)
        from mlprep.cli.plan import active_plan

        planned = active_plan(store, app.env.now()) is not None
    if planned and not as_json and report.has_progress:
        # (the due counts below are FSRS's; under a plan review asks the plan's day instead)
        app.note("An interview plan is in force: review asks what `mlprep plan` shows for today.")
    if as_json:
        app.env.stdout.write(json.dumps(report.to_json(), indent=2) + "\n")
        return
    if not prints_styles(app):  # plain text: laid out here, rich is not even loaded
        from mlprep.ui.stats_text import stats_lines, wrapped

        width = console_width(app)
        lines = (
            stats_lines(report, width)
            if report.has_progress
            else wrapped(no_progress(elsewhere, chosen_ids, planned), width)
        )
        if lines is not None:
            # (rich pads the lines it lays out; text for a file or a pipe has no padding)
            app.env.stdout.write("".join(line.rstrip() + "\n" for line in lines))
            return
    console = app.console()
    if not report.has_progress:
        console.print(no_progress(elsewhere, chosen_ids, planned))
        return
    from mlprep.ui.render import stats_view

    console.print(stats_view(report, console.width))
