"""How sessions talk to a person: the Prompter protocol and its two implementations.

PlainPrompter reads lines and writes plain text (pipes, scripts, screen readers, --plain).
QuestionaryPrompter draws with rich and asks with questionary (interactive terminals).
Both raise KeyboardInterrupt on Ctrl-C and EOFError at the end of input.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING, Protocol, TextIO

from mlprep.grading import parse_number, parse_option_numbers
from mlprep.model import Card, Choice, Grade
from mlprep.ui.text import GRADE_LABELS, numbered, numbered_subset, shorten, wrap

if TYPE_CHECKING:
    from rich.console import Console

    from mlprep.grader import Grading


class FlashAction(Enum):
    REVEAL = "reveal"
    SKIP = "skip"
    UNDO = "undo"
    QUIT = "quit"


# Flashcard keys, shared by both prompters: a grade or an action.
FLASH_KEYS: dict[str, Grade | FlashAction] = {
    "1": Grade.AGAIN,
    "a": Grade.AGAIN,
    "2": Grade.HARD,
    "h": Grade.HARD,
    "3": Grade.GOOD,
    "g": Grade.GOOD,
    "4": Grade.EASY,
    "e": Grade.EASY,
    "s": FlashAction.SKIP,
    "u": FlashAction.UNDO,
    "q": FlashAction.QUIT,
}
FRONT_HINT = "Enter: show answer · s: skip · u: undo last grade · q: quit"
BACK_HINT = "1 Again · 2 Hard · 3 Good · 4 Easy · s skip · u undo · q quit"
GRADE_HINT = "How well did you know it? 1 Again · 2 Hard · 3 Good · 4 Easy (Enter: Good)"


def suggested_grade_hint(suggested: Grade) -> str:
    return f"Suggested: {suggested.label}. Enter accepts · 1 Again · 2 Hard · 3 Good · 4 Easy"


class Prompter(Protocol):
    def show_question(self, card: Card, position: int, total: int) -> None: ...

    def choose(self, options: Sequence[str], several: bool) -> list[int]:
        """Zero-based indexes of the chosen options (one unless `several`)."""

    def ask_number(self) -> float: ...

    def ask_open(self) -> str:
        """A free-text answer; empty is allowed."""

    def show_verdict(self, card: Card, correct: bool, shown: Sequence[Choice]) -> None:
        """Right or wrong for an auto-graded card; `shown` is the options in displayed order."""

    def show_answer(self, card: Card) -> None:
        """The reference answer of an open card."""

    def ask_grade(self, suggested: Grade | None = None) -> Grade:
        """The user's grade; Enter accepts `suggested` (Good when there is none)."""

    def show_checklist(self, grading: Grading) -> None:
        """What a typed answer made and missed of the card's keypoints."""

    def notice(self, message: str) -> None: ...

    def flash_front(self, card: Card, position: int, total: int, can_undo: bool) -> FlashAction:
        """Show a flashcard's question; wait for reveal, skip, undo or quit."""

    def flash_grade(self, can_undo: bool) -> Grade | FlashAction:
        """After the answer is shown: a grade, or skip, undo or quit."""


def _answer_key(card: Card, shown: Sequence[Choice]) -> str:
    if shown:
        return "; ".join(f"{i}) {c.text}" for i, c in enumerate(shown, start=1) if c.correct)
    assert card.expect is not None
    tolerance = f" (within {card.expect.tolerance:g})" if card.expect.tolerance else ""
    return f"{card.expect.value:g}{tolerance}"


class PlainPrompter:
    """Numbered options, one answer a line, no terminal codes."""

    def __init__(self, stdin: TextIO, stdout: TextIO, echo: bool, width: int | None = None) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.echo = echo  # repeat answers read from a pipe so the transcript reads well
        # at most 80 columns, fewer in a narrow terminal ($COLUMNS, else 80 for pipes)
        self.width = width or min(80, shutil.get_terminal_size((80, 24)).columns)

    # -- output --------------------------------------------------------------------------
    def say(self, *lines: str) -> None:
        for line in lines:
            self.stdout.write(line + "\n")
        self.stdout.flush()

    def notice(self, message: str) -> None:
        self.say(message)

    def show_question(self, card: Card, position: int, total: int) -> None:
        level = f", difficulty {card.difficulty}" if card.difficulty else ""
        self.say("", f"[{position}/{total}] {card.id} ({card.deck}{level})")
        self.say(*wrap(card.q, self.width))

    def show_verdict(self, card: Card, correct: bool, shown: Sequence[Choice]) -> None:
        if correct:
            self.say("Correct.")
        elif shown:
            right = [(i, c) for i, c in enumerate(shown, start=1) if c.correct]
            self.say("Not quite. The answer:" if len(right) == 1 else "Not quite. The answers:")
            self.say(*numbered_subset(right, self.width))
        else:
            self.say(f"Not quite. The answer: {_answer_key(card, shown)}")
        self.say(*wrap(card.a, self.width, "  "))
        if card.explain:
            self.say(*wrap(card.explain, self.width, "  "))

    def show_answer(self, card: Card) -> None:
        self.say("Reference answer:", *wrap(card.a, self.width, "  "))
        if card.explain:
            self.say("Why:", *wrap(card.explain, self.width, "  "))
        if card.rubric:
            if card.rubric.strong:
                self.say("A strong answer has:", *(f"  + {item}" for item in card.rubric.strong))
            if card.rubric.weak:
                self.say("A weak answer has:", *(f"  - {item}" for item in card.rubric.weak))

    # -- input ---------------------------------------------------------------------------
    def read(self, prompt: str) -> str:
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say("")
            raise EOFError
        answer = line.rstrip("\r\n")
        if self.echo:
            self.stdout.write(answer + "\n")
            self.stdout.flush()
        return answer

    def choose(self, options: Sequence[str], several: bool) -> list[int]:
        self.say(*numbered(options, self.width))
        count = len(options)
        prompt = (
            f"Select all that apply (numbers 1-{count}, separated by spaces): "
            if several
            else f"Answer (1-{count}): "
        )
        while True:
            try:
                return parse_option_numbers(self.read(prompt), count, several)
            except ValueError as reason:
                self.say(f"  Please {reason}.")

    def ask_number(self) -> float:
        while True:
            try:
                return parse_number(self.read("Answer (a number): "))
            except ValueError as reason:
                self.say(f"  Please enter a number ({reason}).")

    def ask_open(self) -> str:
        return self.read("Your answer (Enter to reveal): ")

    def show_checklist(self, grading: Grading) -> None:
        from mlprep.ui.text import checklist_lines

        self.say("Your answer against the keypoints:", *checklist_lines(grading, self.width))

    def ask_grade(self, suggested: Grade | None = None) -> Grade:
        options = "  ".join(f"{i}) {label}" for i, label in enumerate(GRADE_LABELS, start=1))
        self.say(f"How well did you know it? {options}")
        prompt = f"Grade (1-4, Enter: {suggested.label}): " if suggested else "Grade (1-4): "
        while True:
            text = self.read(prompt).strip()
            if not text and suggested:
                return suggested
            if text in ("1", "2", "3", "4"):
                return Grade(int(text))
            if text.capitalize() in GRADE_LABELS:
                return Grade(GRADE_LABELS.index(text.capitalize()) + 1)
            self.say("  Please enter 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).")

    def flash_front(self, card: Card, position: int, total: int, can_undo: bool) -> FlashAction:
        self.say("", f"[{position}/{total}] {card.id} ({card.deck})", *wrap(card.q, self.width))
        while True:
            text = self.read("Enter to show the answer (s skip, u undo, q quit): ").strip().lower()
            if not text:
                return FlashAction.REVEAL
            action = FLASH_KEYS.get(text[:1])
            if action in (FlashAction.SKIP, FlashAction.QUIT) or (
                action is FlashAction.UNDO and can_undo
            ):
                return action
            reason = "there is nothing to undo" if action is FlashAction.UNDO else "unknown key"
            self.say(f"  Please press Enter, s, u or q ({reason}).")

    def flash_grade(self, can_undo: bool) -> Grade | FlashAction:
        while True:
            text = self.read("Grade 1 Again, 2 Hard, 3 Good, 4 Easy (s skip, u undo, q quit): ")
            action = FLASH_KEYS.get(text.strip().lower()[:1])
            if action is FlashAction.UNDO and not can_undo:
                self.say("  There is nothing to undo yet.")
            elif action is not None:
                return action
            else:
                self.say("  Please enter 1-4, s, u or q.")

    # -- mock interview (line-based in every terminal) -----------------------------------
    def show_mock_question(
        self, card: Card, position: int, total: int, seconds_left: float
    ) -> None:
        minutes, seconds = divmod(max(0, int(seconds_left)), 60)
        self.say("", f"Question {position}/{total} ({minutes}:{seconds:02d} left)")
        self.say(*wrap(card.q, self.width))

    def ask_mock_answer(self) -> str:
        return self.read("Your answer (Enter when done): ")

    def show_transcript_item(self, card: Card, answer: str, position: int, total: int) -> None:
        self.say("", f"[{position}/{total}] {card.id} ({card.deck})", *wrap(card.q, self.width))
        self.say("Your answer:", *wrap(answer or "(no answer)", self.width, "  "))
        self.show_answer(card)


class QuestionaryPrompter:
    """Arrow-key prompts (questionary) and rich panels, for interactive terminals."""

    def __init__(self, console: Console, stdin: TextIO) -> None:
        import questionary  # heavy (prompt_toolkit): only when a session really starts

        from mlprep.ui import render

        self.q = questionary
        self.render = render
        self.console = console
        self.stdin = stdin

    def notice(self, message: str) -> None:
        self.console.print(message, markup=False, highlight=False)

    def show_question(self, card: Card, position: int, total: int) -> None:
        self.console.print()
        self.console.print(self.render.question_panel(card, position, total))

    def choose(self, options: Sequence[str], several: bool) -> list[int]:
        # The full options are printed (wrapped); the menu shows them numbered and shortened to
        # one line each, because prompt_toolkit menus cut long lines at the terminal's edge.
        self.console.print(self.render.option_list(options))
        width = max(20, self.console.width - 8)
        choices = [
            self.q.Choice(title=shorten(f"{i}) {text}", width), value=i - 1)
            for i, text in enumerate(options, start=1)
        ]
        if several:
            picked = self.q.checkbox(
                "Select all that apply:",
                choices=choices,
                instruction="(space marks, Enter submits)",
                validate=lambda chosen: bool(chosen) or "Mark at least one option.",
            ).unsafe_ask()
            return sorted(picked)
        return [self.q.select("Your answer:", choices=choices).unsafe_ask()]

    def ask_number(self) -> float:
        def valid(text: str) -> bool | str:
            try:
                parse_number(text)
            except ValueError as reason:
                return f"Please enter a number ({reason})."
            return True

        return parse_number(self.q.text("Your answer (a number):", validate=valid).unsafe_ask())

    def ask_open(self) -> str:
        return self.q.text("Your answer (Enter to reveal):").unsafe_ask()

    def show_verdict(self, card: Card, correct: bool, shown: Sequence[Choice]) -> None:
        key = None if correct else _answer_key(card, shown)
        self.console.print(self.render.verdict(correct, key))
        self.console.print(self.render.answer_body(card))

    def show_answer(self, card: Card) -> None:
        self.console.print(self.render.answer_panel(card))

    def show_checklist(self, grading: Grading) -> None:
        self.console.print(self.render.checklist(grading))

    def ask_grade(self, suggested: Grade | None = None) -> Grade:
        """One key: 1-4 (or a/h/g/e); Enter accepts the suggestion, else Good, as in Anki."""
        hint = GRADE_HINT if suggested is None else suggested_grade_hint(suggested)
        self.console.print(self.render.hint(hint))
        while True:
            key = self._read_key()
            if key == "enter":
                return suggested or Grade.GOOD
            grade = FLASH_KEYS.get(key)
            if isinstance(grade, Grade):
                return grade

    def _read_key(self) -> str:
        from mlprep.ui.keys import read_key

        return read_key(self.stdin)

    def _key(self, allowed: set[str], can_undo: bool) -> Grade | FlashAction:
        while True:
            key = self._read_key()
            if key in allowed:
                return FlashAction.REVEAL
            action = FLASH_KEYS.get(key)
            if action is FlashAction.UNDO and not can_undo:
                continue
            if action is not None and (isinstance(action, FlashAction) or not allowed):
                return action

    def flash_front(self, card: Card, position: int, total: int, can_undo: bool) -> FlashAction:
        self.console.print()
        self.console.print(self.render.question_panel(card, position, total))
        self.console.print(self.render.hint(FRONT_HINT))
        return self._key({"enter", "space"}, can_undo)

    def flash_grade(self, can_undo: bool) -> Grade | FlashAction:
        self.console.print(self.render.hint(BACK_HINT))
        return self._key(set(), can_undo)


def ask_menu(message: str, options: list[str]) -> str:
    """An arrow-key menu (terminals only); returns the chosen label."""
    import questionary

    return questionary.select(message, choices=options).unsafe_ask()
