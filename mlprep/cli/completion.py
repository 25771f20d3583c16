"""Shell completion (bash, zsh, fish) through click's completion protocol.

Nothing here runs at an ordinary start: `main()` registers the shells only when the shell asks
for completions (the `_MLPREP_COMPLETE` variable is set), and the callbacks below load the decks
(from the parsed-deck cache) only when a deck, tag or card id is being completed.
"""

from __future__ import annotations

import os

COMPLETE_VAR = "_MLPREP_COMPLETE"
SHELLS = ("bash", "zsh", "fish")


def enable() -> None:
    """Register typer's bash, zsh and fish completion classes (cheap, but not free)."""
    from typer._completion_classes import completion_init

    completion_init()


def asked() -> bool:
    return COMPLETE_VAR in os.environ


def script(shell: str) -> str:
    """The snippet a shell's start-up file sources to complete `mlprep`."""
    from typer._click import shell_completion
    from typer.main import get_command

    from mlprep.cli.app import app

    enable()
    complete = shell_completion.get_completion_class(shell)
    assert complete is not None
    # (no blank first line: zsh reads "#compdef mlprep" from the first line of the file)
    return complete(get_command(app), {}, "mlprep", COMPLETE_VAR).source().lstrip("\n")


def _library():
    from mlprep.cli.state import AppState, Environment

    return AppState(env=Environment(), data_dir=None, debug=False).library(())


def deck_names(incomplete: str) -> list[str]:
    try:
        return [d for d in _library().decks if d.startswith(incomplete.lower())]
    except Exception:  # a completion never prints an error into the command line
        return []


def tag_names(incomplete: str) -> list[str]:
    try:
        return [t for t in _library().tag_counts() if t.startswith(incomplete.lower())]
    except Exception:
        return []


def card_ids(incomplete: str) -> list[str]:
    try:
        library = _library()
        ids = (c.id for deck in library.decks.values() for c in deck.cards)
        return sorted(i for i in ids if i.startswith(incomplete))
    except Exception:
        return []


def drill_ids(incomplete: str) -> list[str]:
    """The coding drills' card ids (`mlprep code`, `code check`)."""
    try:
        library = _library()
        ids = (c.id for deck in library.decks.values() for c in deck.cards if c.kind == "code")
        return sorted(i for i in ids if i.startswith(incomplete))
    except Exception:
        return []


def drills_and_decks(incomplete: str) -> list[str]:
    return drill_ids(incomplete) + deck_names(incomplete)
