"""Commands that look at the question bank: decks, tags, show, search, validate."""

import os
import shutil
from pathlib import Path
from typing import Annotated

import typer

from mlprep.cli import completion as complete
from mlprep.cli.common import DeckDirs, state
from mlprep.cli.completion import SHELLS
from mlprep.cli.terminal import prints_styles
from mlprep.errors import ExitCode, MlprepError, cannot_read
from mlprep.textsafe import printable


def decks(
    ctx: typer.Context,
    deck_dirs: DeckDirs = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    guide: Annotated[
        bool, typer.Option("--guide", help="Print how to write a deck of your own, and exit.")
    ] = False,
) -> None:
    """List the decks you can study.

    Your own decks go in the data directory's decks/ folder (`mlprep progress path` shows
    where) or in any directory given with --decks; `--guide` says how to write one.

    \b
    Examples:
      mlprep decks
      mlprep decks --guide | less
    """
    app = state(ctx)
    if guide:
        _print_guide(app)
        return
    library = app.library(deck_dirs or ())
    rows = sorted(library.decks.values(), key=lambda d: (not d.builtin, d.id))
    if as_json:
        import json

        data = [
            {
                "id": deck.id,
                "title": deck.title,
                "description": deck.description,
                "cards": len(deck.cards),
                "tags": sorted(deck.all_tags()),
                "source": "built-in" if deck.builtin else str(deck.path),
            }
            for deck in rows
        ]
        app.env.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    from mlprep.ui.text import decks_lines, hanging

    total = sum(len(deck.cards) for deck in rows)
    width = min(80, shutil.get_terminal_size((80, 24)).columns)  # asked now: follows resizes
    footer = (
        f"{len(rows)} deck{'s' * (len(rows) != 1)}, {total} card{'s' * (total != 1)}."
        " Try: mlprep quiz trees"
    )
    lines = [*decks_lines(rows, width), *hanging(footer, width)]
    app.env.stdout.write("\n".join(lines) + "\n")


def _print_guide(app) -> None:
    """The deck-writing guide: as Markdown in a terminal, as its text in a pipe."""
    from mlprep.paths import deck_guide_path

    path = deck_guide_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise MlprepError(cannot_read(path, error)) from None
    console = app.console()
    if not console.is_terminal:
        app.env.stdout.write(text)
        return
    from mlprep.ui.render import guide

    console.print(guide(text))


def tags(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[DECK]...",
            show_default=False,
            help="Only these decks.",
            autocompletion=complete.deck_names,
        ),
    ] = None,
    deck_dirs: DeckDirs = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a list.")] = False,
) -> None:
    """List the tags for --tag, with how many cards carry each.

    \b
    Examples:
      mlprep tags
      mlprep tags trees ensembles
      mlprep quiz trees --tag impurity
    """
    app = state(ctx)
    counts = app.library(deck_dirs or ()).tag_counts(names or ())
    if as_json:
        import json

        data = [{"tag": tag, "cards": n} for tag, n in counts.items()]
        app.env.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    from mlprep.ui.text import tags_lines

    width = min(80, shutil.get_terminal_size((80, 24)).columns)  # asked now: follows resizes
    total = f"{len(counts)} tag{'s' * (len(counts) != 1)}."
    lines = [*tags_lines(counts, width), *([total] if counts else [])]
    app.env.stdout.write("\n".join(lines) + "\n")


def show(
    ctx: typer.Context,
    card_id: Annotated[
        str,
        typer.Argument(
            metavar="CARD_ID",
            help="A card id, as `mlprep search` lists them.",
            autocompletion=complete.card_ids,
        ),
    ],
    deck_dirs: DeckDirs = None,
    history: Annotated[
        bool,
        typer.Option("--history", help="Also list your past answers: date, mode, grade, answer."),
    ] = False,
) -> None:
    """Show one card with its answer.

    Shows the question, choices, answer, explanation, follow-ups and references; with
    --history, every answer you gave it, oldest first.

    \b
    Examples:
      mlprep show trees-gini-max
      mlprep show trees-gini-max --history
    """
    from mlprep.ui.render import card_detail

    app = state(ctx)
    card = app.library(deck_dirs or ()).card(card_id)
    # (unstyled, a pipe's or a file's text keeps its backticks: the one sign of inline code)
    app.console().print(card_detail(card, marks=not prints_styles(app)))
    if history:
        from mlprep.history import card_history
        from mlprep.progress import ProgressStore
        from mlprep.ui.text import history_lines

        events = card_history(ProgressStore(app.paths.progress_dir).events(), card.id)
        lines = history_lines(card.id, events, app.console().width)
        app.env.stdout.write("\n" + "\n".join(lines) + "\n")


def _some_words(value: str) -> str:
    if not value.strip():  # (every card has every word of nothing)
        raise typer.BadParameter("is empty; give the words to search for")
    return value


def search(
    ctx: typer.Context,
    text: Annotated[
        str,
        typer.Argument(
            metavar="TEXT",
            help="Words that must all appear (case-insensitive).",
            callback=_some_words,
        ),
    ],
    deck_dirs: DeckDirs = None,
    limit: Annotated[
        int, typer.Option("-n", "--limit", min=1, metavar="N", help="Show at most N.")
    ] = 20,
) -> None:
    """Find cards by words: question, answer, explanation, tags.

    Every word must appear, in the question, answer, explanation or tags (a choice card's
    options are not searched); best matches (question hits) first.

    \b
    Example:
      mlprep search "out of bag"
    """
    from mlprep.ui.render import search_table

    found = state(ctx).library(deck_dirs or ()).search(text, None)
    console = state(ctx).console()
    if not found:
        console.print(f"No cards match '{printable(text)}'.")
        return
    console.print(search_table(found[:limit], console.width))
    if len(found) > limit:  # (on stderr: the cards alone go down a pipe)
        state(ctx).note(f"{limit} of {len(found)} matches; -n {len(found)} shows them all.")


def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATH]...",
            help="Deck files or directories (default: every deck mlprep loads).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check deck files for problems.

    Reports every problem at once as path:line: card 'id': problem.

    Exits 0 when clean, 3 when problems were found.

    \b
    Examples:
      mlprep validate
      mlprep validate my-decks/
    """
    from mlprep.decks import deck_files, load_files, shared_id_problems, solution_problems
    from mlprep.paths import builtin_content_dir, env_deck_dirs

    app = state(ctx)
    builtin_dir = builtin_content_dir() / "decks"
    # each file once, however often it is named (twice, it counted as two decks)
    paths = list({os.path.realpath(path): path for path in paths or ()}.values()) or None
    given = list(paths or ())  # (only these are named for holding no deck)
    if not paths:
        paths = [builtin_dir]
        if app.paths.user_decks_dir.is_dir():
            paths.append(app.paths.user_decks_dir)
        paths += env_deck_dirs(app.env.environ)
    report = load_files(paths, builtin=False, notify=app.say_progress)
    unloaded = _unloaded_names(given)
    report.problems += unloaded
    # the built-in decks load first, so a deck that reuses their ids would be skipped later
    checked = {Path(p).resolve() for p, _, _ in report.card_ids}
    others = [f for f in deck_files(builtin_dir) if f.resolve() not in checked]
    reference = load_files(others, builtin=True) if others else None
    loaded = {str(deck.path) for deck in report.decks}
    # (a file no command loads is named for that alone: its SQL is not run)
    broken = sorted({p.path for p in report.problems} - loaded - {p.path for p in unloaded})
    problems = (
        report.problems
        + shared_id_problems(report, reference)
        + solution_problems(report.decks, broken)
    )
    problems.sort(key=lambda p: (p.path, p.line or 0))
    out = app.env.stdout
    for problem in problems:
        out.write(f"{printable(str(problem))}\n")
    cards = sum(len(deck.cards) for deck in report.decks)
    if problems:
        files = len({p.path for p in problems})
        out.write(
            f"{len(problems)} problem{'s' * (len(problems) != 1)} in {files} "
            f"file{'s' * (files != 1)}.\n"
        )
        raise typer.Exit(int(ExitCode.INVALID_CONTENT))
    decks = len(report.decks)
    out.write(
        f"OK: {decks} deck{'s' * (decks != 1)}, {cards} card{'s' * (cards != 1)}, no problems.\n"
    )


def _unloaded_names(paths: list[Path]) -> list:
    """What validate is named that no command would load: a directory with no deck file in
    it, and files named *.YAML or *.Yml (decks are *.yaml and *.yml, in lower case)."""
    from mlprep.decks import DECK_SUFFIXES, deck_files
    from mlprep.model import Problem

    problems = []
    for path in paths:
        named = [path]
        if path.is_dir():
            if not deck_files(path):
                problems.append(Problem(str(path), "no deck files (*.yaml or *.yml) in it"))
            named = [p for p in path.rglob("*") if p.is_file()]
        for file in named:
            suffix = file.suffix
            if suffix.lower() in DECK_SUFFIXES and suffix not in DECK_SUFFIXES:
                reason = f"named {suffix}: decks are loaded only from *.yaml and *.yml files"
                problems.append(Problem(str(file), reason))
    return problems


def completion_script(
    ctx: typer.Context,
    shell: Annotated[
        str,
        typer.Argument(
            metavar="SHELL",
            help="bash, zsh or fish.",
            autocompletion=lambda incomplete: [s for s in SHELLS if s.startswith(incomplete)],
        ),
    ],
) -> None:
    """Print the shell code that completes mlprep's commands.

    Completes commands, options, deck slugs, tags and card ids. Load it from your shell's
    start-up file.

    \b
    Examples:
      mlprep completion bash > ~/.local/share/bash-completion/completions/mlprep
      mlprep completion zsh > ~/.zfunc/_mlprep
      mlprep completion fish > ~/.config/fish/completions/mlprep.fish
    """
    from mlprep.cli.completion import script
    from mlprep.errors import UsageError

    if shell not in SHELLS:
        raise UsageError(f"No completion for '{shell}'; choose bash, zsh or fish.")
    # (through the app's stdout, whose write errors are one line, as every command's are)
    state(ctx).env.stdout.write(script(shell) + "\n")
