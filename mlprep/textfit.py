"""Small wording helpers the sessions and the views share: grade labels, a duration, text cut
to a width. Kept apart from both so that listing decks imports neither."""

from __future__ import annotations

from mlprep.model import Grade

GRADE_LABELS = tuple(grade.label for grade in Grade)


def duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{seconds:02d}s"


def shorten(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: max(0, width - 3)].rstrip() + "..."
