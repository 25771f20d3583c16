"""The Recorder that sessions use (see `sessions.ports`): every answer goes to the progress store
as it is given, with what the user answered; the new card state comes back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from mlprep.model import Card, Grade
from mlprep.progress import ProgressStore
from mlprep.reviewlog import NON_SCHEDULING_MODES, ReviewEvent
from mlprep.scheduler import CardState, StateColumns


class ProgressRecorder:
    """Records into a ProgressStore under one mode; in a mode of NON_SCHEDULING_MODES (drill)
    answers are logged without changing any schedule."""

    def __init__(self, store: ProgressStore, mode: str, now: Callable[[], datetime]) -> None:
        self.store = store
        self._mode = mode
        self.now = now
        self._reschedules = mode not in NON_SCHEDULING_MODES
        self._events: list[ReviewEvent] = []  # this session's answers, for undo

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def reschedules(self) -> bool:
        return self._reschedules

    def record(
        self,
        card: Card,
        grade: Grade,
        ms: int,
        answer: str | None = None,
        suggested: Grade | None = None,
    ) -> CardState | None:
        event = self.store.record(
            card.id,
            grade,
            self._mode,
            ms,
            self.now(),
            answer=answer,
            suggested=suggested,
        )
        self._events.append(event)
        return self.store.states.get(card.id)

    def undo_last(self) -> str | None:
        if not self._events:
            return None
        event = self._events.pop()
        self.store.undo(event, self.now())
        return event.card

    def preview(self, card: Card) -> Mapping[Grade, datetime]:
        if not self._reschedules:
            return {}
        now = self.now()
        previous = self.store.states.get(card.id)
        return {
            grade: self.store.scheduler.review(previous, card.id, int(grade), now).due
            for grade in Grade
        }


class StoreView:
    """The read-only ProgressView of a store: states and recall predictions."""

    def __init__(self, store: ProgressStore) -> None:
        self.store = store

    @property
    def states(self) -> Mapping[str, CardState]:
        return self.store.states

    def state_columns(self) -> StateColumns | None:
        return self.store.state_columns()

    def retrievability(self, state: CardState, now: datetime) -> float:
        return self.store.scheduler.retrievability(state, now)

    def events(self) -> list[ReviewEvent]:
        return self.store.events()
