"""Flashcards: question (with the options or tables the card's kind shows), reveal, self-grade;
with undo of the last grade, skip and quit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mlprep.kinds import UnusableCard, kind_of
from mlprep.model import Card, Grade
from mlprep.sessions.base import (
    SessionContext,
    SessionResult,
    Stop,
    duration,
    grade_counts,
    grade_preview,
    stopped_line,
    until_stopped,
)
from mlprep.sessions.ports import FlashAction, Prompter, Recorder


@dataclass
class FlashResult(SessionResult):
    graded: dict[str, Grade] = field(default_factory=dict)  # card id -> latest grade
    skipped: list[str] = field(default_factory=list)
    undone: int = 0

    def summary(self) -> list[str]:
        lines = [""]
        graded = len(self.graded)
        if self.stopped:
            lines.append(stopped_line(self.stopped, "grades", bool(graded)))
        lines.append(
            f"Graded {graded} of {self.planned} card{'s' * (self.planned != 1)} in "
            f"{duration(self.seconds)}: "
            f"{grade_counts(list(self.graded.values()))}."
        )
        if self.skipped:
            lines.append(f"Skipped ({len(self.skipped)}): " + ", ".join(self.skipped))
        return lines


def run_flash(
    cards: Sequence[Card], prompter: Prompter, recorder: Recorder, context: SessionContext
) -> FlashResult:
    result = FlashResult(planned=len(cards))
    history: list[int] = []  # positions of the grades undo can take back, newest last
    started = context.clock()
    position = 0
    with until_stopped(result):
        while position < len(cards):
            card = cards[position]
            kind = kind_of(card)
            shown_at = context.clock()
            prompter.flash_front(card, position + 1, len(cards))
            try:
                kind.front(card, prompter)
            except UnusableCard as unusable:  # (a user deck's SQL card without its database)
                prompter.notice(unusable.message)
                position += 1
                continue
            action: Grade | FlashAction = prompter.flash_key(bool(history))
            if action is FlashAction.REVEAL:
                kind.reveal(card, prompter)
                preview = grade_preview(recorder, card, context.now())
                action = prompter.flash_grade(bool(history), preview)
            if isinstance(action, Grade):
                recorder.record(card, action, round((context.clock() - shown_at) * 1000))
                history.append(position)
                result.graded[card.id] = action
                if card.id in result.skipped:
                    result.skipped.remove(card.id)
                position += 1
            elif action is FlashAction.SKIP:
                if card.id not in result.skipped:
                    result.skipped.append(card.id)
                position += 1
            elif action is FlashAction.UNDO and history:
                position = history.pop()
                undone = recorder.undo_last()
                if undone:
                    result.graded.pop(undone, None)
                result.undone += 1
                prompter.notice(f"Undid the grade of {undone}.")
            elif action is FlashAction.QUIT:
                result.stopped = Stop.QUIT
                break
    result.seconds = context.clock() - started
    return result


@dataclass
class FlashSession:
    cards: Sequence[Card]
    mode: str = "flash"
    reschedules: bool = True

    def run(self, prompter: Prompter, recorder: Recorder, context: SessionContext) -> FlashResult:
        # (a header as quiz, drill and mock have: which decks, how many cards)
        names = ", ".join(dict.fromkeys(card.deck for card in self.cards))
        count = len(self.cards)
        if count:
            prompter.notice(f"Flashcards: {names} - {count} card{'s' * (count != 1)}")
        return run_flash(self.cards, prompter, recorder, context)
