"""`mlprep plan`: an interview date, and how ready you will be on the day."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer

from mlprep.cli.common import DeckDirs, DeckSlugs, state
from mlprep.cli.terminal import console_width
from mlprep.errors import UsageError
from mlprep.textfit import in_words

if TYPE_CHECKING:
    from datetime import datetime

    from mlprep.cli.state import AppState
    from mlprep.decks import Library
    from mlprep.model import Card
    from mlprep.plan import DayLoad, Outlook, Plan
    from mlprep.progress import ProgressStore
    from mlprep.sessions.review import ReviewSession


def plan(
    ctx: typer.Context,
    decks: DeckSlugs = None,
    interview: Annotated[
        str | None,
        typer.Option(
            "--interview", metavar="YYYY-MM-DD", help="Set a plan for an interview on this date."
        ),
    ] = None,
    minutes: Annotated[
        int | None,
        typer.Option("--minutes", metavar="N", help="Minutes a day for the plan (default 30)."),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="End the plan.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    deck_dirs: DeckDirs = None,
) -> None:
    """Plan for an interview date; review then aims at that day.

    With --interview, sets the plan (the decks given, or every deck). With a plan in force,
    --interview, --minutes or decks change what they name and keep the rest (to plan every
    deck again, --clear it first). Otherwise shows the plan: days left, cards planned, seen
    and unseen, the predicted share recalled on the day per deck (now, and if the plan is
    followed) and the daily load until then. Until the day, `mlprep review` picks each
    day's work to recall the most on the day within the minutes; afterwards normal
    scheduling resumes.

    \b
    Examples:
      mlprep plan --interview 2026-12-18 --minutes 45 trees ensembles
      mlprep plan --minutes 60
      mlprep plan
      mlprep plan --clear
    """
    from mlprep.plan import CLEARED, Plan, check_minutes, parse_interview

    app = state(ctx)
    now = app.env.now()
    if clear and (interview or minutes is not None or decks):
        raise UsageError("--clear takes no date, minutes or decks")
    if interview is not None or minutes is not None or decks:
        day = parse_interview(interview, now) if interview is not None else None
        daily = check_minutes(minutes) if minutes is not None else None
        with app.progress() as store:
            current = active_plan(store, now)  # (what is not given is kept from it)
        before = current.decks if current is not None else None
        if current is None:
            if day is None:
                raise UsageError("give --interview YYYY-MM-DD to set a plan")
            current = Plan(day, 30)  # (a new plan: 30 minutes a day, every deck)
        library = app.library(deck_dirs or ())  # after the checks: loading decks takes a while
        chosen = tuple(dict.fromkeys(library.deck(name).id for name in decks or ()))
        new_plan = Plan(day or current.interview, daily or current.minutes, chosen or current.decks)
        _check_size(new_plan.to_data())
        with app.progress() as store:
            store.record_setting("plan", new_plan.to_data(), now)
            # (the decks kept from the plan in force may be gone: planned without, or none)
            cards = plan_cards(app, library, new_plan)
            if not as_json:
                set_line = (
                    "Plan set."
                    if cards is None
                    else "Plan set. `mlprep review` now works toward the day."
                )
                app.env.stdout.write(f"{set_line}\n")
                if chosen and before is not None and set(chosen) != set(before):
                    # (decks given replace the plan's: `plan bayes` to add a deck dropped four)
                    command = ""
                    if before:
                        command = f"mlprep plan {' '.join(sorted({*before, *chosen}))}"
                        how = f"to keep them too, name them all: {command}"
                        was = in_words(list(before))
                    else:
                        how = "to plan every deck again, --clear the plan and set it anew"
                        was = "every deck"
                    app.tell(
                        f"Decks: {in_words(list(chosen))}, in place of {was} ({how}).",
                        whole=(command,) if command else (),
                    )
                app.env.stdout.write("\n")
            _show(app, store, new_plan, cards, now, as_json)
        return
    with app.progress() as store:
        current = saved_plan(store)
        if clear:
            if current is not None:
                store.record_setting("plan", CLEARED, now)
            if as_json:  # (a script asked for JSON: what is planned now, and whether it changed)
                app.env.stdout.write(
                    json.dumps({"plan": None, "cleared": current is not None}) + "\n"
                )
            elif current is None:
                app.env.stdout.write("No plan to clear.\n")
            else:
                app.env.stdout.write("Plan cleared: review schedules as usual again.\n")
            return
        if current is not None and not current.active(now):
            when = current.interview.isoformat()
            ended = f"The plan for the interview on {when} has ended: review schedules as usual."
            # on the day itself, what the plan worked toward: the share recalled at 09:00
            ready = _readiness(app, store, current, now, deck_dirs)
            if as_json:
                document: dict = {"plan": None, "ended": when}
                if ready is not None:
                    document["recalled"] = {
                        deck.deck: round(deck.now / deck.cards, 4)
                        for deck in ready.decks
                        if deck.cards
                    }
                app.env.stdout.write(json.dumps(document) + "\n")
            else:
                app.tell(ended)
                if ready is not None:
                    from mlprep.ui.plan_text import readiness_lines

                    lines = readiness_lines(ready, console_width(app))
                    app.env.stdout.write("\n".join(lines) + "\n")
            return
        if current is None:
            if as_json:
                app.env.stdout.write(json.dumps({"plan": None}) + "\n")
            else:
                app.tell("No interview planned. Set one: mlprep plan --interview YYYY-MM-DD")
            return
        library = app.library(deck_dirs or ())
        _show(app, store, current, plan_cards(app, library, current), now, as_json)


def _readiness(
    app: AppState, store: ProgressStore, current: Plan, now: datetime, deck_dirs: DeckDirs
) -> Outlook | None:
    """The plan's outlook on the interview day itself (its recall "now" is at 09:00 today),
    or None on a later day or with none of its decks loaded."""
    if not current.ended_today(now):
        return None  # (after midnight the next day, "this morning" would be the day after)
    from mlprep.plan import outlook

    cards = plan_cards(app, app.library(deck_dirs or ()), current)
    if not cards:
        return None
    return outlook(current, cards, store.states, now, *plan_model(store, now))


def _show(
    app: AppState,
    store: ProgressStore,
    current: Plan,
    cards: list[Card] | None,
    now: datetime,
    as_json: bool,
) -> None:
    """The outlook; for a plan none of whose decks is loaded (`cards` None), what review
    says of it: it goes on as usual (an outlook of no cards read as a plan in force)."""
    from mlprep.plan import Outlook, outlook, unloaded_text
    from mlprep.ui.plan_text import interview_line, outlook_lines

    if cards is None:
        view = Outlook(current, current.days_left(now), missing=current.decks)
        if as_json:
            app.env.stdout.write(json.dumps(view.to_json(), indent=2) + "\n")
            return
        text = unloaded_text(current.decks)
        other, clear = "mlprep plan DECK...", "mlprep plan --clear"
        app.tell(
            interview_line(view),
            f"{text[0].upper()}{text[1:]}.",
            f"To plan decks that are loaded: {other} (the date and minutes stay).",
            f"To end the plan: {clear}",
            whole=[other, clear],
        )
        return
    memory, costs = plan_model(store, now)
    view = outlook(current, cards, store.states, now, memory, costs)
    if as_json:
        app.env.stdout.write(json.dumps(view.to_json(), indent=2) + "\n")
        return
    app.env.stdout.write("\n".join(outlook_lines(view, console_width(app))) + "\n")


def plan_model(store: ProgressStore, now: datetime):
    """The memory model and answer costs the plan works with: the scheduler's parameters and
    the user's recent answer times (and which reviews were forgotten today, at `now`)."""
    from mlprep.memory import Memory
    from mlprep.plan import costs_from_events, lapses_today

    recent = store.log.recent()
    costs = replace(costs_from_events(recent), lapsed_today=lapses_today(recent, now))
    return Memory(store.scheduler.parameters), costs


def plan_cards(app: AppState, library: Library, current: Plan) -> list[Card] | None:
    """The plan's cards; a planned deck that is no longer there is skipped with a warning
    (a user deck may have been removed since the plan was set, or a plan merged from another
    machine names decks this one lacks). None when none of its decks is loaded: then review
    goes on as usual, and each caller says so in its own place (unloaded_text)."""
    present = [deck for deck in current.decks if deck in library.decks]
    if current.decks and not present:
        return None
    for deck in current.decks:
        if deck not in library.decks:
            app.warn(f"the plan's deck '{deck}' is not loaded; planning without it")
    return library.select(present)


def say_the_plan_is_set_aside(app: AppState) -> None:
    """A review of named decks or tags under an active plan: said, as it schedules by FSRS,
    not by the plan (whose cards and day are the planned decks')."""
    with app.progress() as store:
        if active_plan(store, app.env.now()) is None:
            return
    app.note(
        "Reviewing as FSRS schedules, not by your interview plan (plain `mlprep review` "
        "follows it)."
    )


def planned_review(app: AppState, session: ReviewSession, library: Library) -> ReviewSession:
    """`session` following the interview plan, if one is active: the plan's cards (from the
    library the review loaded), and each day's queue from the plan (see plan.plan_queue)."""
    now = app.env.now()
    with app.progress() as store:
        current = active_plan(store, now)
        if current is None:
            _say_if_the_plan_ended_today(app, store, now)
            return session
    from mlprep.plan import daily_load, plan_queue, seconds_answered_today, unloaded_text

    cards = plan_cards(app, library, current)
    if cards is None:  # every planned deck is gone: the plan has nothing to give
        app.warn(f"{unloaded_text(current.decks)}; `mlprep plan --clear` ends the plan")
        return session
    days = current.days_left(now)
    app.note(f"Following your interview plan: {days} day{'s' * (days != 1)} left.")

    def build(cards, states, moment):
        # the answer times as they are at this moment: what a stopped review says is still to
        # do today is what the next review finds (its own answers change the costs)
        memory, costs = plan_model(store, moment)
        return plan_queue(current, cards, states, moment, memory, costs)

    def tomorrow(cards, states, moment):
        # the plan's load for tomorrow as `mlprep plan` shows it at this moment, not FSRS's
        # due count: the plan, not the due dates, makes tomorrow's review
        if current.days_left(moment) <= 1:
            # (between midnight and 04:00 the plan's last day is still going on)
            when = "This morning" if current.is_interview_date(moment) else "Tomorrow"
            return f"{when} is the interview: the plan ends and review schedules as usual."
        memory, costs = plan_model(store, moment)
        load = daily_load(current, cards, states, moment, memory, costs, 2)[1]
        return tomorrow_text(load)

    morning = "this morning" if current.is_interview_date(now) else "tomorrow"
    done = (
        "Today's planned work is done; come back tomorrow "
        f"({days - 1} day{'s' * (days != 2)} left after today)."
        if days > 1
        else f"Today's planned work is done. Good luck {morning}!"
    )
    from mlprep.sessions.review import DayBudget

    # what the day's minutes are said to be used up for: tomorrow's plan, or on its last day
    # the interview
    after = "tomorrow's plan picks up what is left." if days > 1 else f"the interview is {morning}."
    budget = DayBudget(
        current.minutes, seconds_answered_today(store.log.recent(), now, cards), after
    )
    return replace(
        session,
        cards=cards,
        queue_builder=build,
        done_notice=done,
        tomorrow=tomorrow,
        day_budget=budget,
    )


def tomorrow_text(load: DayLoad) -> str:
    """'Tomorrow your plan asks 49 reviews and 2 new cards (about 12 minutes).'"""
    if not load.new and not load.reviews:
        return "Tomorrow your plan asks nothing (`mlprep plan` shows the days after)."
    parts = []
    if load.reviews:
        parts.append(f"{load.reviews} review{'s' * (load.reviews != 1)}")
    if load.new:
        parts.append(f"{load.new} new card{'s' * (load.new != 1)}")
    minutes = max(1, round(load.minutes))  # (as `mlprep plan` rounds them; at least one)
    return (
        f"Tomorrow your plan asks {' and '.join(parts)} "
        f"(about {minutes} minute{'s' * (minutes != 1)})."
    )


def _say_if_the_plan_ended_today(app: AppState, store: ProgressStore, now: datetime) -> None:
    """On the interview day, that review is FSRS's again: its backlog and a day's new cards
    from every deck arrived that morning without a word."""
    ended = saved_plan(store)
    if ended is not None and ended.ended_today(now):
        app.note(
            "Interview day: the plan has ended and review schedules as usual "
            "(`--new 0` leaves new cards for later). Good luck!"
        )


def saved_plan(store: ProgressStore) -> Plan | None:
    """The plan the log holds, ended or not (None: none, or cleared)."""
    data = store.setting("plan")
    if not data:  # no plan was ever set: the planner need not even be imported
        return None
    from mlprep.plan import Plan

    return Plan.from_data(data)


def active_plan(store: ProgressStore, now: datetime) -> Plan | None:
    current = saved_plan(store)
    return current if current is not None and current.active(now) else None


def _check_size(data: dict) -> None:
    """A plan is one event of the review log, whose data the log reads back only up to a
    size: naming dozens of decks with long ids went past it (and no command could read the
    log any more)."""
    from mlprep.reviewlog import MAX_DATA_CHARS

    if len(json.dumps(data)) > MAX_DATA_CHARS:
        raise UsageError(
            f"a plan can name decks whose ids take up to about {MAX_DATA_CHARS:,} characters "
            f"in all; these take more: name fewer decks, or none to plan every deck"
        )
