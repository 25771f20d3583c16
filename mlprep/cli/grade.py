"""`mlprep grade`: check an answer read from standard input against a card's keypoints."""

import json
from typing import Annotated

import typer

from mlprep.cli import completion
from mlprep.cli.common import DeckDirs, state
from mlprep.errors import UsageError
from mlprep.fileio import is_terminal

MAX_INPUT = 1_000_000  # characters read from stdin; the grader looks at far fewer


def _read_answer(stream) -> str:
    """The whole of stdin as text; bytes that are not UTF-8 become replacement characters."""
    raw = getattr(stream, "buffer", None)
    if raw is not None:
        return raw.read(MAX_INPUT * 4).decode("utf-8", errors="replace")[:MAX_INPUT]
    return stream.read(MAX_INPUT)


def grade(
    ctx: typer.Context,
    card_id: Annotated[
        str,
        typer.Argument(
            metavar="CARD_ID",
            help="An open card with keypoints.",
            autocompletion=completion.card_ids,
        ),
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON instead of a checklist.")
    ] = False,
    deck_dirs: DeckDirs = None,
) -> None:
    """Check a typed answer against a card's keypoints.

    Reads the answer from standard input. Prints which keypoints the answer makes (quoting
    the words of yours that made them), which it misses, any misconception it states, a
    score from 0 to 1 and the suggested grade. Offline: nothing leaves your machine.

    \b
    Examples:
      echo "bagging reduces variance" | mlprep grade ensembles-bagging-definition
      mlprep grade trees-gini-definition --json < answer.txt
    """
    app = state(ctx)
    card = app.library(deck_dirs or ()).card(card_id)
    from mlprep.grader import can_grade, checklist_lines, grade_answer

    if not can_grade(card):
        raise UsageError(f"Card '{card.id}' has no keypoints to grade against.")
    stdin = app.env.stdin
    if is_terminal(stdin):  # (typed at a prompt, not piped: say how to end it)
        app.note("Type your answer, then press Ctrl-D on a line of its own.")
    answer = _read_answer(stdin)
    grading = grade_answer(card, answer)
    if not answer.strip() and not as_json:  # (a script's empty answer is graded, quietly)
        app.warn(
            f"the answer was empty (give it on standard input: echo ... | mlprep grade {card.id})"
        )
    if as_json:
        app.env.stdout.write(json.dumps(grading.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    app.env.stdout.write("\n".join(checklist_lines(grading)) + "\n")
