"""`mlprep` with no command, in a terminal: a home menu that loops until Quit."""

from __future__ import annotations

import typer

from mlprep.cli.common import guarded
from mlprep.cli.state import AppState
from mlprep.errors import ExitCode


def review_label(app: AppState) -> tuple[int, str]:
    """Today's review size and its menu entry (with the countdown when an interview is
    planned)."""
    from mlprep.cli.plan import active_plan, plan_cards, plan_model
    from mlprep.plan import plan_queue
    from mlprep.scheduler import build_queue

    library = app.library()
    now = app.env.now()
    with app.progress() as store:
        current = active_plan(store, now)
        if current is None:
            due = len(build_queue(library.all_cards(), store.states, now))
            return due, f"Review ({due} due)"
        cards = plan_cards(app, library, current)
        due = len(plan_queue(current, cards, store.states, now, *plan_model(store)))
        days = current.days_left(now)
        left = "1 day" if days == 1 else f"{days} days"
        return due, f"Review ({due} today; interview in {left})"


@guarded
def home(ctx: typer.Context) -> None:
    """Offer the daily loop first; every other mode is one pick away."""
    from mlprep.cli import content, practice, quiz, stats, study
    from mlprep.ui.prompts import ask_menu

    app: AppState = ctx.obj
    while True:
        _, review_entry = review_label(app)
        options = {
            review_entry: lambda: study.review(ctx),
            "Quiz a deck": lambda: quiz.quiz(ctx, decks=[pick_deck(app)]),
            "Flashcards": lambda: study.flash(ctx, decks=[pick_deck(app)]),
            "SQL practice": lambda: practice.sql(ctx),
            "Mock interview": lambda: practice.mock(ctx),
            "Stats": lambda: stats.stats(ctx),
            "Decks": lambda: content.decks(ctx),
        }
        options["Quit"] = None
        try:
            choice = ask_menu("What would you like to do?", list(options))
        except (KeyboardInterrupt, EOFError):
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        action = options[choice]
        if action is None:
            return
        try:
            action()
        except typer.Exit as stop:
            if stop.exit_code not in (0, int(ExitCode.INTERRUPTED)):
                raise


def pick_deck(app: AppState) -> str:
    from mlprep.ui.prompts import ask_menu

    decks = sorted(app.library().decks.values(), key=lambda d: d.id)
    labels = {f"{d.id:<14} {d.title} ({len(d.cards)})": d.id for d in decks}
    return labels[ask_menu("Which deck?", list(labels))]
