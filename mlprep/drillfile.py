"""The user's file of a coding drill: the stub it starts from, what the review log keeps of
it, the grade its attempts earn, and what to say when it is gone or replaced. Shared by
`mlprep code` (sessions.coding) and coding drills met in review, quiz and drill (kinds.code).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from mlprep.errors import MlprepError, UsageError
from mlprep.model import Card, Grade

JOURNAL_CHARS = 4000  # the review log keeps at most 4096 characters of an answer


def journal(path: Path) -> str:
    """What the review log keeps of a drill's answer: the start of the user's file."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")[:JOURNAL_CHARS]
    except OSError:
        return ""


def stub_source(card: Card) -> str:
    """The file a drill starts from: the question as comments, numpy imported, the signature
    and a body that says it is not written yet."""
    lines = [f"# {card.id}", "#"]
    for index, paragraph in enumerate(card.q.strip().split("\n\n")):
        if index:
            lines.append("#")
        lines += [f"# {line}" for line in textwrap.wrap(" ".join(paragraph.split()), 76)]
    lines += [
        "#",
        f"# Check it: mlprep code check {card.id} <this file>",
        "",
        "import numpy as np",
        "",
        "",
        f"def {card.signature.strip()}:",
        "    raise NotImplementedError",
        "",
    ]
    return "\n".join(lines)


def ensure_stub(card: Card, directory: Path) -> Path:
    """`<directory>/<card id>.py`, written from the stub unless the user already has one."""
    path = directory / f"{card.id}.py"
    if not path.exists():
        if directory.exists() and not directory.is_dir():
            raise MlprepError(
                f"{directory} is a file, not a directory: your drill files are kept"
                " there; move it away"
            )
        from mlprep.fileio import atomic_write

        try:
            directory.mkdir(parents=True, exist_ok=True)
            atomic_write(path, stub_source(card).encode())
        except OSError as error:  # (named as the drill's file, not the temporary one beside it)
            raise MlprepError(f"cannot write {path}: {error.strerror or error}") from None
    return path


def grade_for(attempts: int) -> Grade:
    return Grade.GOOD if attempts <= 1 else Grade.HARD


def file_trouble(path: Path, error: UsageError) -> str:
    """What to say when the drill's file could not be checked (removed or replaced while the
    user edited it: an editor's rename, a mistake), so that they can put it right and run
    the tests again."""
    if path.exists():  # (a directory or a pipe: not "no such file")
        from mlprep.fileio import kind_of

        return f"{path} is {kind_of(path.stat().st_mode)}; move it away and try again."
    return f"{error.message}; save your function there and try again."
