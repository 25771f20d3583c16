"""Flashcards: question, reveal, self-grade; with undo of the last grade, skip and quit."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from mlprep.model import Card, Grade
from mlprep.reviewlog import ReviewEvent
from mlprep.sessions import until_stopped
from mlprep.sessions.recording import Recorder
from mlprep.ui.prompts import FlashAction, Prompter

QUIT = "quit"


@dataclass
class FlashResult:
    planned: int
    graded: dict[str, Grade] = field(default_factory=dict)  # card id -> latest grade
    skipped: list[str] = field(default_factory=list)
    undone: int = 0
    seconds: float = 0.0
    stopped: str | None = None  # QUIT, INTERRUPTED or END_OF_INPUT when cut short


def run_flash(
    cards: Sequence[Card],
    prompter: Prompter,
    record: Recorder,
    clock: Callable[[], float] = time.monotonic,
) -> FlashResult:
    result = FlashResult(planned=len(cards))
    history: list[tuple[int, ReviewEvent]] = []  # what undo can take back, newest last
    started = clock()
    position = 0
    with until_stopped(result):
        while position < len(cards):
            card = cards[position]
            shown_at = clock()
            action = prompter.flash_front(card, position + 1, len(cards), bool(history))
            if action is FlashAction.REVEAL:
                prompter.show_answer(card)
                action = prompter.flash_grade(bool(history))
            if isinstance(action, Grade):
                event = record(card, action, round((clock() - shown_at) * 1000))
                history.append((position, event))
                result.graded[card.id] = action
                if card.id in result.skipped:
                    result.skipped.remove(card.id)
                position += 1
            elif action is FlashAction.SKIP:
                if card.id not in result.skipped:
                    result.skipped.append(card.id)
                position += 1
            elif action is FlashAction.UNDO and history:
                position, event = history.pop()
                record.undo(event)
                result.graded.pop(event.card, None)
                result.undone += 1
                prompter.notice(f"Undid the grade of {event.card}.")
            elif action is FlashAction.QUIT:
                result.stopped = QUIT
                break
    result.seconds = clock() - started
    return result
