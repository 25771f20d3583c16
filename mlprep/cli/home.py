"""`mlprep` with no command, in a terminal: a home menu that loops until Quit."""

from __future__ import annotations

import typer

from mlprep.cli.common import guarded
from mlprep.cli.state import AppState
from mlprep.errors import ExitCode


def due_count(app: AppState) -> int:
    from mlprep.scheduler import build_queue

    cards = app.library().all_cards()
    with app.progress() as store:
        return len(build_queue(cards, store.states, app.env.now()))


@guarded
def home(ctx: typer.Context) -> None:
    """Offer the daily loop first; every other mode is one pick away."""
    from mlprep.cli import content, practice, quiz, stats, study
    from mlprep.ui.prompts import ask_menu

    app: AppState = ctx.obj
    while True:
        due = due_count(app)
        options = {
            f"Review ({due} due)": lambda: study.review(ctx),
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
