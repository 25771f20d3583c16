"""The bridge from a session to the progress store: every answer is saved as it is given."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from mlprep.model import Card, Grade
from mlprep.progress import ProgressStore
from mlprep.reviewlog import ReviewEvent


class Recorder:
    def __init__(self, store: ProgressStore, mode: str, now: Callable[[], datetime]) -> None:
        self.store = store
        self.mode = mode
        self.now = now

    def __call__(
        self, card: Card, grade: Grade, ms: int, suggested: Grade | None = None
    ) -> ReviewEvent:
        return self.store.record(card.id, grade, self.mode, ms, self.now(), suggested)

    def undo(self, event: ReviewEvent) -> None:
        self.store.undo(event, self.now())
