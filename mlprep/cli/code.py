"""`mlprep code`: coding drills. Write the function in your editor; mlprep runs its tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from mlprep.cli import completion
from mlprep.cli.common import DeckDirs, TrustDeck, state
from mlprep.errors import ExitCode, UsageError
from mlprep.fileio import is_terminal


class _DefaultToPractice(TyperGroup):
    """`mlprep code check ...` is the subcommand; anything else is a practice session, so
    `mlprep code coding-softmax` and `mlprep code` work as written."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["practice", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_DefaultToPractice,
    help="Coding drills: write the function, mlprep runs and grades it.",
    rich_markup_mode=None,
    # (\b: the examples keep their lines; rewrapped, a card id broke at its hyphen)
    epilog="Without a command, `mlprep code [CARD_ID | DECK]...` is `mlprep code practice`.\n\n"
    "\b\nExamples:\n  mlprep code coding-softmax\n  mlprep code check coding-nms nms.py --json",
)


@app.command("practice")
def practice(
    ctx: typer.Context,
    targets: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[CARD_ID | DECK]...",
            help="Drills or decks (default: the coding drills that are due, then new ones).",
            autocompletion=completion.drills_and_decks,
            show_default=False,
        ),
    ] = None,
    count: Annotated[
        int, typer.Option("-n", "--count", min=1, metavar="N", help="At most N drills.")
    ] = 5,
    trust_deck: TrustDeck = False,
    deck_dirs: DeckDirs = None,
) -> None:
    """Practise coding drills in your editor, graded by tests.

    Shows the drill, writes a stub to <data dir>/code/<card id>.py (unless you have one),
    opens $VISUAL or $EDITOR, and runs the tests when the editor closes. Then: retry, see
    the answer (graded Again), or go to the next drill. Passing the first time is Good,
    after retries Hard. Every grade feeds the review schedule.

    \b
    Examples:
      mlprep code coding-softmax
      mlprep code coding -n 3
    """
    from mlprep.cli.session import finish
    from mlprep.coderun import check_card, require_numpy
    from mlprep.sessions.base import SessionContext
    from mlprep.sessions.coding import CodeSession
    from mlprep.sessions.recording import ProgressRecorder, StoreView
    from mlprep.ui.codeio import LineCodePrompter

    app_state = state(ctx)
    env = app_state.env
    library = app_state.library(deck_dirs or ())
    require_numpy()

    def pick(progress, now):
        cards = _pick(library, targets or [], progress.states, now, count)
        _refuse_untrusted(cards, trust_deck)
        return cards

    session = CodeSession(
        pick,
        lambda card, path: check_card(card, path, trusted=trust_deck),
        app_state.paths.data_dir / "code",
    )
    prompter = LineCodePrompter(env.stdin, env.stdout, env.environ, echo=not is_terminal(env.stdin))
    # the study runner's steps (cli.session), with a prompter that opens the editor (its
    # own protocol: CodePrompter)
    with app_state.progress() as store:
        store.check_writable()  # (said before the first drill is written, not after)
        recorder = ProgressRecorder(store, session.mode, env.now)
        context = SessionContext(now=env.now, clock=env.clock, progress=StoreView(store))
        result = session.run(prompter, recorder, context)
        for line in result.summary():
            prompter.notice(line)
    finish(result)


def _unknown(library, target: str) -> str:
    """No drill or deck of that name, with the closest drill or deck where one is close (as
    every other command suggests one)."""
    import difflib

    from mlprep.decks import closest_id

    drills = [card.id for card in library.select(kinds=("code",))]
    deck = difflib.get_close_matches(target, list(library.decks), n=1, cutoff=0.6)
    close = closest_id(target, drills) or (deck[0] if deck else None)
    hint = f" Did you mean '{close}'?" if close else " See `mlprep code --help`."
    return f"No coding drill or deck '{target}'.{hint}"


def _pick(library, targets: list[str], states, now, count: int) -> list:
    """Named cards as given; named decks (or every deck) by the schedule: due drills first,
    then new ones."""
    from mlprep.model import CardType
    from mlprep.scheduler import Limits, build_queue

    named, decks = [], []
    for target in targets:
        if target in library.decks:
            decks.append(target)
        else:
            try:
                named.append(library.card(target))
            except UsageError:
                raise UsageError(_unknown(library, target)) from None
    for card in named:
        if card.type is not CardType.CODE:
            raise UsageError(_not_a_drill(card))
    if named and not decks:
        return named
    try:
        pool = library.select(decks, kinds=("code",))
    except UsageError:  # (none in those decks: said below, naming the deck)
        pool = []
    if not pool:
        raise UsageError(
            f"Deck '{decks[0]}' has no coding drills." if decks else "No coding drills."
        )
    # the session's size, not a daily allowance: new drills were refused once 20 cards of any
    # deck had been new today ("No coding drill is due" with every drill still new)
    drills = {card.id: states[card.id] for card in pool if card.id in states}
    unlimited = Limits(len(pool), len(pool))
    queue = build_queue(pool, drills, now, unlimited).cards[:count]
    return named + [c for c in queue if c not in named]


def _refuse_untrusted(cards, trust_deck: bool) -> None:
    from mlprep.coderun import UntrustedDeck, runs_tests

    for card in cards:
        if not runs_tests(card, trust_deck):
            raise UntrustedDeck(card)


@app.command("check")
def check(
    ctx: typer.Context,
    card_id: Annotated[
        str,
        typer.Argument(
            metavar="CARD_ID", help="The drill's card id.", autocompletion=completion.drill_ids
        ),
    ],
    file: Annotated[Path, typer.Argument(metavar="FILE.py", help="Your solution.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
    record: Annotated[
        bool,
        typer.Option("--record", help="Record the result in your progress (passed: Good)."),
    ] = False,
    trust_deck: TrustDeck = False,
    deck_dirs: DeckDirs = None,
) -> None:
    """Run a drill's tests on a file and print the verdict.

    Exit status: 0 passed, 1 failed (or the code could not run), 2 unknown card or
    missing file. Nothing is recorded unless --record is given (passed: Good,
    failed: Again; an unchanged stub records nothing).

    \b
    Examples:
      mlprep code check coding-softmax softmax.py
      mlprep code check coding-nms nms.py --json
    """
    from mlprep.coderun import check_card, verdict_lines
    from mlprep.drillfile import journal
    from mlprep.model import CardType, Grade
    from mlprep.sessions.recording import ProgressRecorder

    app_state = state(ctx)
    env = app_state.env
    card = app_state.library(deck_dirs or ()).card(card_id)
    if card.type is not CardType.CODE:
        raise UsageError(_not_a_drill(card))
    if not file.is_file():
        problem = "not a regular file" if file.exists() else "no such file"
        raise UsageError(f"{file}: {problem}.")
    verdict = check_card(card, file, trusted=trust_deck)
    if as_json:
        env.stdout.write(json.dumps(verdict.as_json(), indent=2) + "\n")
    else:
        import shutil

        # (the terminal's width, to 80: a failing case's values hang under their label)
        width = max(20, min(80, shutil.get_terminal_size((80, 24)).columns))
        for line in verdict_lines(verdict, width):
            env.stdout.write(line + "\n")
    if record and not verdict.not_implemented:
        grade = Grade.GOOD if verdict.passed else Grade.AGAIN
        with app_state.progress() as store:
            ProgressRecorder(store, "code", env.now).record(card, grade, 0, journal(file))
        if not as_json:
            env.stdout.write(f"Recorded: {grade.label}.\n")
    env.stdout.flush()
    if not verdict.passed:
        raise typer.Exit(int(ExitCode.ERROR))


def _not_a_drill(card) -> str:
    """(Drills are the cards of `type: code`; this one's kind says what it is.)"""
    return f"Card '{card.id}' is not a coding drill; it is a card of kind {card.kind}."
