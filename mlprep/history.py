"""Finished mock interviews, one JSON file each in <data dir>/mock/."""

from __future__ import annotations

import json
from pathlib import Path

from mlprep.errors import ProgressError
from mlprep.fileio import atomic_write
from mlprep.reviewlog import ReviewEvent

HISTORY_FORMAT = 1


def save_mock(result, directory: Path) -> Path:
    """Write the interview (questions, answers, grades, timing) atomically; return its path."""
    document = {
        "format": HISTORY_FORMAT,
        "id": result.id,
        "started_at": result.started_at,
        "minutes": result.minutes,
        "seconds": round(result.seconds, 3),
        "ended": result.end_label,
        "planned": result.planned,
        "answers": [
            {
                "card": item.card.id,
                "deck": item.card.deck,
                "answer": item.answer,
                "seconds": round(item.seconds, 3),
                "grade": int(item.grade) if item.grade else None,
            }
            for item in result.answers
        ],
    }
    stamp = result.started_at[:19].replace(":", "").replace("-", "")
    path = directory / f"{stamp}-{result.id[:8]}.json"
    try:
        atomic_write(path, (json.dumps(document, indent=1) + "\n").encode())
    except OSError as error:
        from mlprep.fileio import refusal

        raise ProgressError(
            f"cannot save the interview to {path}: {refusal(path, error)}"
        ) from None
    return path


def card_history(events: list[ReviewEvent], card_id: str) -> list[ReviewEvent]:
    """The answers given to one card, oldest first; undone answers and undo events left out."""
    undone = {event.undoes for event in events if event.undoes}
    answers = [e for e in events if e.card == card_id and not e.undoes and e.id not in undone]
    return sorted(answers, key=lambda e: e.when)  # stable: ties keep the log order
