"""`mlprep review` and `mlprep flash`: the spaced-repetition loop."""

import random
from typing import Annotated

import typer

from mlprep.cli.common import Count, DeckDirs, DeckSlugs, Plain, Seed, Tags, guarded, state
from mlprep.errors import ExitCode


@guarded
def review(
    ctx: typer.Context,
    decks: DeckSlugs = None,
    new: Annotated[
        int, typer.Option("--new", min=0, metavar="N", help="New cards allowed today.")
    ] = 20,
    max_reviews: Annotated[
        int, typer.Option("--max-reviews", min=0, metavar="N", help="Reviews allowed today.")
    ] = 200,
    tag: Tags = None,
    plain: Plain = False,
    deck_dirs: DeckDirs = None,
) -> None:
    """Review every card that spaced repetition says is due.

    Learning cards come first, then due reviews, then up to --new new cards. Choice and
    numeric cards are graded at once; open cards you grade yourself. With an interview plan
    (mlprep plan) and no deck or tag given, the plan picks the day's cards instead.

    \b
    Examples:
      mlprep review
      mlprep review trees ensembles --new 10
    """
    from mlprep.scheduler import Limits, build_queue, next_due
    from mlprep.sessions import INTERRUPTED
    from mlprep.sessions.recording import Recorder
    from mlprep.sessions.review import run_review
    from mlprep.ui.text import review_summary

    app = state(ctx)
    cards = app.library(deck_dirs or ()).select(decks or (), tag or ())
    with app.progress() as store:
        now = app.env.now()
        queue = build_queue(cards, store.states, now, Limits(new, max_reviews))
        planned = _planned_queue(app, store, now, decks, tag, deck_dirs)
        queue = planned if planned is not None else queue
        prompter = app.prompter(plain)
        if not queue:
            prompter.notice(
                "Nothing is due. " + _next_due_text(next_due(cards, store.states, now), now)
            )
            return
        prompter.notice(
            f"Review: {len(queue.learning)} learning, {len(queue.reviews)} due, "
            f"{len(queue.new)} new"
        )
        recorder = Recorder(store, "review", app.env.now)
        rng = random.Random(int(now.timestamp()))  # varied option order, repeatable in tests
        result = run_review(queue, prompter, recorder, app.env.now, rng, app.env.clock)
        upcoming = next_due(cards, store.states, app.env.now())
        for line in review_summary(result):
            prompter.notice(line)
        prompter.notice(_next_due_text(upcoming, app.env.now()))
    if result.stopped == INTERRUPTED:
        raise typer.Exit(int(ExitCode.INTERRUPTED))


def _planned_queue(app, store, now, decks, tags, deck_dirs):
    """With an interview plan (and no deck or tag chosen here), today's work under the plan."""
    from mlprep.cli.plan import active_plan, plan_cards, plan_model
    from mlprep.plan import plan_queue

    current = active_plan(store, now)
    if current is None or decks or tags:
        return None
    cards = plan_cards(app, app.library(deck_dirs or ()), current)
    app.env.stderr.write(f"Following your interview plan: {current.days_left(now)} days left.\n")
    return plan_queue(current, cards, store.states, now, *plan_model(store))


def _next_due_text(upcoming, now) -> str:
    from mlprep.ui.text import when

    if upcoming is None:
        return "No cards are scheduled yet: answer some with `mlprep review` or `mlprep quiz`."
    due, count = upcoming
    return f"Next card due {when(due, now)} ({count} due by the end of that day)."


@guarded
def flash(
    ctx: typer.Context,
    decks: DeckSlugs = None,
    count: Count = 20,
    tag: Tags = None,
    seed: Seed = None,
    plain: Plain = False,
    deck_dirs: DeckDirs = None,
) -> None:
    """Flip through flashcards and grade yourself.

    Keys: Enter shows the answer; 1-4 grade it (Again, Hard, Good, Easy); s skips; u undoes
    the last grade; q quits. Every grade feeds the review schedule.

    \b
    Examples:
      mlprep flash trees
      mlprep flash nn cnn -n 40
    """
    from mlprep.decks import sample
    from mlprep.sessions import INTERRUPTED
    from mlprep.sessions.flash import run_flash
    from mlprep.sessions.recording import Recorder
    from mlprep.ui.text import flash_summary

    app = state(ctx)
    cards = sample(app.library(deck_dirs or ()).select(decks or (), tag or ()), count, seed)
    with app.progress() as store:
        prompter = app.prompter(plain)
        result = run_flash(cards, prompter, Recorder(store, "flash", app.env.now), app.env.clock)
        for line in flash_summary(result):
            prompter.notice(line)
    if result.stopped == INTERRUPTED:
        raise typer.Exit(int(ExitCode.INTERRUPTED))
