"""`mlprep review` and `mlprep flash`: the spaced-repetition loop."""

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from mlprep.cli.common import Count, DeckDirs, DeckSlugs, Plain, Seed, Tags, TrustDeck, state


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
    seed: Seed = None,
    plain: Plain = False,
    deck_dirs: DeckDirs = None,
    trust_deck: TrustDeck = False,
) -> None:
    """Review every card that spaced repetition says is due.

    Learning cards come first, then due reviews, then up to --new new cards drawn from every
    selected deck in turn. Choice, numeric and SQL cards are graded at once; open cards you
    grade yourself. With an interview plan (mlprep plan) and no deck or tag given, the plan
    picks the day's cards instead (--new and --max-reviews, when given, cap its day).

    \b
    Examples:
      mlprep review
      mlprep review trees ensembles --new 10
    """
    from mlprep.cli.session import finish, run_session
    from mlprep.scheduler import Limits
    from mlprep.sessions.review import ReviewSession

    app = state(ctx)
    library = app.library(deck_dirs or ())
    # deck by deck, each card built when first used: the queue needs only their ids
    cards = library.selection(decks or (), tag or ())
    again = _same_review(ctx, decks or [], tag or [], deck_dirs or [], (new, max_reviews))
    session = ReviewSession(cards, Limits(new, max_reviews), seed, again=again)
    if not decks and not tag:
        from mlprep.cli.plan import planned_review

        session = planned_review(app, session, library)
        if session.queue_builder is not None and _given(ctx, "new", "max_reviews"):
            # only what was given caps the plan's day: the other's default is FSRS's, not the
            # plan's (--max-reviews alone held the plan's 23 new cards to --new's 20, less today's)
            unbounded = 1 << 30
            given = Limits(
                new if _given(ctx, "new") else unbounded,
                max_reviews if _given(ctx, "max_reviews") else unbounded,
            )
            session = replace(session, builder_limits=given)
    else:
        from mlprep.cli.plan import say_the_plan_is_set_aside

        say_the_plan_is_set_aside(app)
    # option order varies from run to run, repeatably in tests (the clock is fixed there)
    order_seed = seed if seed is not None else int(app.env.now().timestamp())
    finish(run_session(app, session, plain, order_seed, trust_deck=trust_deck))


def _same_review(
    ctx: typer.Context,
    decks: list[str],
    tags: list[str],
    deck_dirs: list[Path],
    limits: tuple[int, int],
) -> str:
    """The command that reviews the same selection within the same limits, with the same
    data dir and trust, as the closing line suggests it (a bare `mlprep review` went on with
    every deck, 18 new cards where `review trees --new 3` had 1 left)."""
    import shlex

    app = state(ctx)
    words = ["mlprep"]
    if app.data_dir is not None:
        words += ["--data-dir", str(app.data_dir)]
    words += ["review", *decks]
    words += [part for name in tags for part in ("--tag", name)]
    words += [part for folder in deck_dirs for part in ("--decks", str(folder))]
    new, max_reviews = limits
    if _given(ctx, "new"):
        words += ["--new", str(new)]
    if _given(ctx, "max_reviews"):
        words += ["--max-reviews", str(max_reviews)]
    if ctx.params.get("trust_deck"):
        words.append("--trust-deck")
    return shlex.join(words)


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
    from mlprep.cli.session import finish, run_session
    from mlprep.decks import sample
    from mlprep.sessions.flash import FlashSession

    app = state(ctx)
    cards = sample(app.library(deck_dirs or ()).select(decks or (), tag or ()), count, seed)
    finish(run_session(app, FlashSession(cards), plain, seed))


def _given(ctx: typer.Context, *names: str) -> bool:
    """Whether any of these options was typed on the command line (not left at its default:
    click's ParameterSource, by name, as Typer's own copy of click has it)."""
    return any(
        getattr(ctx.get_parameter_source(name), "name", None) == "COMMANDLINE" for name in names
    )
