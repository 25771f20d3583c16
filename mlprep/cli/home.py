"""`mlprep` with no command, in a terminal: a home menu that loops until Quit (q or Esc).

Typing an entry's number picks it; every submenu has Back (q)."""

from __future__ import annotations

from collections.abc import Callable

import typer

from mlprep.cli.common import echo_error
from mlprep.cli.state import AppState
from mlprep.errors import ExitCode, MlprepError
from mlprep.fileio import is_terminal

BACK = "Back"


def review_label(app: AppState) -> tuple[int, str]:
    """Today's review size and its menu entry, in the words the review's first line uses
    ("Review: 7 due, 20 new"; "Review (interview in 9 days): 7 due, 20 new" with a plan)."""
    from mlprep.cli.plan import active_plan, plan_cards, plan_model
    from mlprep.plan import plan_queue
    from mlprep.scheduler import build_queue
    from mlprep.sessions.review import queue_counts

    library = app.library()
    now = app.env.now()
    with app.progress() as store:
        current = active_plan(store, now)
        # (a plan none of whose decks is loaded leaves review as usual: no countdown)
        cards = plan_cards(app, library, current) if current is not None else None
        if current is None or cards is None:
            queue = build_queue(library.all_cards(), store.states, now)
            return len(queue), _review_entry(None, queue_counts(queue), len(queue))
        queue = plan_queue(current, cards, store.states, now, *plan_model(store, now))
        days = 0 if current.is_interview_date(now) else current.days_left(now)
        return len(queue), _review_entry(days, queue_counts(queue), len(queue))


def _review_entry(days: int | None, counts: str, total: int) -> str:
    """ "Review (interview in 9 days): 7 due, 20 new", in fewer words where the menu's width
    would cut it (at 50 columns the counts were lost: "20 learni..."): the countdown shorter,
    then left out; where the counts still do not fit, the cards in all ("Review (9d): 27
    cards") rather than a count cut short. `days`: the plan's days left, 0 on the interview's
    date before the plan ends at 04:00, None without a plan."""
    import shutil

    from mlprep.textfit import columns

    countdowns = [""]
    if days == 0:  # (the plan's last day, between midnight and 04:00 on the interview's date)
        countdowns = [" (interview today)", " (today)", ""]
    elif days is not None:
        left = "1 day" if days == 1 else f"{days} days"
        countdowns = [f" (interview in {left})", f" ({left} left)", f" ({days}d)", ""]
    room = shutil.get_terminal_size((80, 24)).columns - 7  # (as ask_menu: "» 1) " and more)
    for summary in (counts, f"{total} card{'s' * (total != 1)}"):
        for countdown in countdowns:
            entry = f"Review{countdown}: {summary}"
            if columns(entry) <= room:
                return entry
    return entry


def home(ctx: typer.Context) -> None:
    """Offer the daily loop first; every other mode is one pick away."""
    from mlprep.cli import code, content, drill, practice, quiz, stats, study
    from mlprep.ui.prompts import ask_menu

    app: AppState = ctx.obj

    def with_deck(command: Callable[..., None]) -> Callable[[], None]:
        def run() -> None:
            deck = pick_deck(app)
            if deck is not None:
                command(ctx, decks=[deck])

        return run

    while True:
        _, review_entry = review_label(app)
        options: dict[str, Callable[[], None]] = {
            review_entry: lambda: study.review(ctx),
            "Quiz a deck": with_deck(quiz.quiz),
            "Flashcards": with_deck(study.flash),
            "Drill weak cards": lambda: drill.drill(ctx),
            "SQL practice": lambda: practice.sql(ctx),
            "Coding drills": lambda: code.practice(ctx),
            "Mock interview": lambda: practice.mock(ctx),
            "Stats": then_wait(app, lambda: stats.stats(ctx)),
            "Decks": then_wait(app, lambda: content.decks(ctx)),
        }
        try:
            choice = ask_menu("What would you like to do?", list(options), back="Quit")
        except KeyboardInterrupt:
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except EOFError:  # Ctrl-D: the end of the input, as Quit
            return
        if choice is None:
            return
        try:
            options[choice]()
        except typer.Exit as stop:
            if stop.exit_code not in (0, int(ExitCode.INTERRUPTED)):
                raise
        except KeyboardInterrupt:
            app.env.stderr.write("\nInterrupted.\n")
        except EOFError:  # (Ctrl-D at the deck picker: no more input, as Quit)
            return
        except MlprepError as error:  # say what went wrong and stay in the menu
            echo_error(app, error.message)


def then_wait(app: AppState, show: Callable[[], None]) -> Callable[[], None]:
    """`show`, then a key press before the menu comes back: drawn at once under a long
    listing, the menu scrolled the stats' table, forecast and calendar off the screen."""

    def run() -> None:
        show()
        if not (is_terminal(app.env.stdin) and is_terminal(app.env.stdout)):
            return
        from mlprep.ui.keys import read_key

        app.env.stdout.write("\nPress any key to go back to the menu.")
        app.env.stdout.flush()
        try:
            read_key(app.env.stdin)
        except EOFError:  # (Ctrl-D: back as well)
            pass
        finally:
            app.env.stdout.write("\n")

    return run


def pick_deck(app: AppState) -> str | None:
    """A deck by slug, or None for Back."""
    from mlprep.ui.prompts import ask_menu

    decks = sorted(app.library().decks.values(), key=lambda d: d.id)
    width = min(max((len(d.id) for d in decks), default=0), 20)  # (a long id pushes its own line)
    labels = {f"{d.id:<{width}}  {d.title} ({len(d.cards)})": d.id for d in decks}
    choice = ask_menu("Which deck?", list(labels), back=BACK)
    return None if choice is None else labels[choice]
