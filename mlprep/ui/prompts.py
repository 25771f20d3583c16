"""How sessions talk to a person: the Prompter protocol and its two implementations.

PlainPrompter reads lines and writes plain text (pipes, scripts, screen readers, --plain).
QuestionaryPrompter draws with rich and asks with questionary (interactive terminals).
Both raise KeyboardInterrupt on Ctrl-C and EOFError at the end of input.
"""

from __future__ import annotations

import functools
import re
import shutil
import sys
import time
import types
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO, cast

from mlprep.fileio import back_to_line_start, is_terminal
from mlprep.inline import without_marks
from mlprep.model import Card, Grade
from mlprep.sessions.ports import FlashAction, Prompter
from mlprep.textfit import (
    clock_text,
    columns,
    fit,
    fit_keeping_count,
    folded_code,
    in_words,
    within,
)
from mlprep.textsafe import clean_input, printable
from mlprep.ui.text import (
    GRADE_LABELS,
    break_between,
    hanging,
    inline_parts,
    numbered,
    numbered_subset,
    schema_lines,
    shorten,
    table_lines,
    wrap,
)

if TYPE_CHECKING:
    from rich.console import Console

    from mlprep.cardparts import Choice
    from mlprep.sqlsandbox import Comparison, QueryResult

__all__ = ["FlashAction", "PlainPrompter", "Prompter", "QuestionaryPrompter", "ask_menu"]


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
# typed for a number: the user does not know it and wants to see the answer
GIVE_UP = "?"


def _give_up_hint(later: bool) -> str:
    """What typing GIVE_UP does: the answer comes at once, or at the end (a mock)."""
    return f"{GIVE_UP} to skip" if later else f"{GIVE_UP} to see it"


FRONT_HINT = "Enter: show answer · s: skip · u: undo last grade · q: quit"
BACK_GRADES = "1 Again · 2 Hard · 3 Good · 4 Easy"
BACK_ACTIONS = " · s skip · u undo · q quit"


def _answer_key(card: Card) -> str:
    """A number card's answer (a choice card's right options are listed under the verdict)."""
    from mlprep.kinds.number import expected_text

    return expected_text(card)


def _grade_from(text: str) -> Grade | None:
    text = text.strip()
    if text in ("1", "2", "3", "4"):
        return Grade(int(text))
    if text.capitalize() in GRADE_LABELS:
        return Grade(GRADE_LABELS.index(text.capitalize()) + 1)
    return None


def _line_editing(stdin: TextIO) -> bool:
    """Whether plain prompts read lines through GNU readline (loaded here, once): when they
    read the process's own terminal and write to it (as input() does), where readline can be
    had."""
    if stdin is not sys.stdin:
        return False
    try:
        if not (stdin.isatty() and sys.stdout.isatty()):
            return False
        import readline  # noqa: F401  (input() edits lines once it is loaded)
    except (ImportError, OSError, ValueError):  # (no readline; a closed stream)
        return False
    return True


class PlainPrompter:
    """Numbered options, one answer a line, no terminal codes."""

    def __init__(self, stdin: TextIO, stdout: TextIO, echo: bool, width: int | None = None) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.echo = echo  # repeat answers read from a pipe so the transcript reads well
        self.fixed_width = width

    @property
    def width(self) -> int:
        """At most 80 columns, fewer in a narrow terminal ($COLUMNS, else 80 for pipes); asked
        anew each time so that a resized terminal gets lines of its new width."""
        return self.fixed_width or min(80, shutil.get_terminal_size((80, 24)).columns)

    # -- output --------------------------------------------------------------------------
    def say(self, *lines: str) -> None:
        for line in lines:  # lines quote decks, query results and SQLite's errors: no escapes
            self.stdout.write(printable(line, multiline=True) + "\n")
        self.stdout.flush()

    def after_ctrl_c(self) -> None:
        back_to_line_start(self.stdout)

    def notice(self, message: str) -> None:
        """A message as it is; a single line longer than the width is wrapped (an indented or
        checklist line hanging under its text)."""
        while message.startswith("\n"):  # blank lines before a message, then the message wrapped
            self.say("")
            message = message[1:]
        if "\n" in message:
            self.say(message)
        else:
            self.say(*hanging(message, self.width))

    def show_question(self, card: Card, position: int, total: int) -> None:
        level = f", difficulty {card.difficulty}" if card.difficulty else ""
        # (wrapped: an id is one word, and a long one with its deck passed 80 columns)
        self.say("", *wrap(f"[{position}/{total}] {card.id} ({card.deck}{level})", self.width))
        self.say(*wrap(card.q, self.width, deck=True))

    def show_options(self, options: Sequence[str], marked: Sequence[bool] = ()) -> None:
        if not marked:
            self.say(*numbered(options, self.width))
            return
        self.say("Options (* marks the right ones):")
        for line, number in zip(
            numbered(options, self.width), _option_starts(options, self.width), strict=True
        ):
            right = number is not None and marked[number]
            self.say("* " + line[2:] if right else line)

    def show_verdict(
        self, card: Card, correct: bool, shown: Sequence[Choice], feedback: Sequence[str] = ()
    ) -> None:
        if correct:
            self.say("Correct.")
        elif shown:
            right = [(i, c) for i, c in enumerate(shown, start=1) if c.correct]
            self.say("Not quite. The answer:" if len(right) == 1 else "Not quite. The answers:")
            self.say(*numbered_subset(right, self.width))
        else:
            self.say(f"Not quite. The answer: {_answer_key(card)}")
        for line in feedback:
            self.say(*wrap(line, self.width - 2, "  ", deck=True))
        self.say(*wrap(card.a, self.width, "  ", deck=True))
        if card.explain:
            self.say(*wrap(card.explain, self.width, "  ", deck=True))

    def show_answer(self, card: Card) -> None:
        self.say("Reference answer:", *wrap(card.a, self.width, "  ", deck=True))
        if card.explain:
            self.say("Why:", *wrap(card.explain, self.width, "  ", deck=True))
        if card.rubric:
            for title, sign, items in (
                ("A strong answer has:", "+", card.rubric.strong),
                ("A weak answer has:", "-", card.rubric.weak),
            ):
                lines = [
                    line
                    for item in items
                    for line in hanging(f"  {sign} {without_marks(item)}", self.width)
                ]
                if lines:
                    self.say(title, *lines)

    def show_schema(self, schema: str) -> None:
        if schema:
            # (SQLite keeps each statement's leading keywords upper case: "CREATE TABLE")
            tables = sum(line.startswith("CREATE TABLE ") for line in schema.splitlines())
            heading = "Table:" if tables == 1 else "Tables:"
            self.say(heading, *schema_lines(schema, self.width))

    def show_code(self, title: str, code: str) -> None:
        # (a line wider than the terminal goes on under its own start, further in, rather
        # than past the edge: as `mlprep sql` shows a solution)
        width = self.width
        self.say(
            title, *(row for line in code.splitlines() for row in folded_code(line, width, "  "))
        )

    def show_rows(self, title: str, result: QueryResult) -> None:
        # (cells as wide as the terminal allows, to 40 columns: "COUNT(DISTINCT user_id)"
        # was cut at 18 with room to spare)
        lines = table_lines(
            result.columns, result.rows, truncated=result.truncated, width=self.width, max_cell=40
        )
        self.say(*wrap(title, self.width), *lines)

    def show_mismatch(
        self, expected: QueryResult, actual: QueryResult, comparison: Comparison
    ) -> None:
        """What helps without giving the answer away: the shapes of both results, the user's
        own rows that should not be there, how many rows are missing; never a reference value."""
        self.say("Not quite.")
        self.say(
            *wrap(
                f"Yours: {_shape(actual)}; the answer: {_shape(expected)}.",
                self.width,
            )
        )
        problems = (comparison.column_problem, comparison.name_problem, comparison.type_problem)
        for problem in problems:
            if problem:
                self.say(*wrap(f"Columns: {problem}.", self.width))
        if comparison.extra:
            self.say(
                *wrap(
                    f"{_rows(len(comparison.extra))} of yours should not be there, e.g.:",
                    self.width,
                ),
                *(
                    "  " + line
                    for line in table_lines(  # (cells as wide as the result's: show_rows)
                        actual.columns, comparison.extra, limit=3, width=self.width - 2, max_cell=40
                    )
                ),
            )
        if comparison.missing:
            missing = f"{_rows(len(comparison.missing))} of the answer missing from yours."
            self.say(*wrap(missing, self.width))
        if comparison.order_problem:
            # the sandbox names the expected row; say only where the order first goes wrong
            where = re.search(r"row (\d+)", comparison.order_problem)
            at = f" (first at row {where.group(1)})" if where else ""
            self.say(f"Order: right rows, wrong order{at}.")
        if comparison.size_problem:
            self.say(*wrap(f"Size: {comparison.size_problem}.", self.width))
        if comparison.unordered:
            from mlprep.sqlsandbox import UNORDERED

            self.say(*wrap(UNORDERED, self.width))

    # -- input ---------------------------------------------------------------------------
    def read(self, prompt: str) -> str:
        if columns(prompt) > self.width:  # (the terminal broke it mid-word: "by s" / "paces")
            *before, prompt = wrap(prompt.rstrip(), self.width)
            self.say(*before)
            prompt += " "
        try:
            line = self._read_line(prompt)
        except UnicodeDecodeError:  # a strict decoder met bytes that are not UTF-8
            line = "\ufffd\n"
        if not line:
            self.say("")
            raise EOFError
        answer = clean_input(line.rstrip("\r\n"))
        if self.echo:
            self.stdout.write(printable(answer) + "\n")
            self.stdout.flush()
        return answer

    def _read_line(self, prompt: str) -> str:
        """A line typed after `prompt`, with its newline ("" at the end of input). In a
        terminal the line can be edited (arrows, Home/End, history), as a screen reader's user
        expects: an arrow key read raw wrote "^[[D" into the answer."""
        if _line_editing(self.stdin):
            try:
                return input(prompt) + "\n"
            except EOFError:
                return ""
        self.stdout.write(prompt)
        self.stdout.flush()
        return self.stdin.readline()

    def choose(self, options: Sequence[str], several: bool) -> list[int]:
        self.say(*numbered(options, self.width))
        count = len(options)
        prompt = (
            f"Select all that apply (numbers 1-{count}, separated by spaces): "
            if several
            else f"Answer (1-{count}): "
        )
        from mlprep.grading import parse_option_numbers  # (its patterns: once a card asks)

        while True:
            typed = self.read(prompt)
            try:
                return parse_option_numbers(typed, count, several)
            except ValueError as reason:
                self.ask_again(f"  Please {reason}.", typed)

    def ask_number(self, later: bool = False) -> float | None:
        from mlprep.grading import parse_number  # (its patterns: once a card asks)

        def ask() -> str:
            return self.read(f"Answer (a number, {_give_up_hint(later)}): ")

        while True:
            # (in a terminal, a double-tapped Enter meant for the prompt before is dropped)
            typed = unhurried(ask) if is_terminal(self.stdin) else ask()
            if typed.strip() == GIVE_UP:
                return None
            try:
                return parse_number(typed)
            except ValueError as reason:
                self.ask_again(f"  Please enter a number ({reason}).", typed)

    def ask_again(self, request: str, typed: str) -> None:
        """Say why the answer `typed` was not taken, before it is asked again."""
        self.notice(request)

    def ask_open(self, later: bool = False) -> str:
        if later:
            return self.read("Your answer (Enter when done): ")
        return self.read("Your answer (Enter to reveal): ")

    def ask_line(self, prompt: str) -> str:
        return self.read(prompt)

    def ask_query(self) -> str:
        self.say(*wrap(QUERY_HINT, self.width))
        return read_query(lambda first: self.read("sql> " if first else "...> "), self.notice)

    def ask_grade(self, preview: str = "", suggested: Grade | None = None) -> Grade:
        if preview:
            self.say(*break_between(f"How well did you know it? {preview}", self.width))
        else:
            options = "  ".join(f"{i}) {label}" for i, label in enumerate(GRADE_LABELS, start=1))
            self.say(*break_between(f"How well did you know it? {options}", self.width, "  "))
        if suggested is not None:
            self.say(f"Suggested: {int(suggested)} {suggested.label} (Enter takes it)")
        while True:
            text = self.read("Grade (1-4): ").strip()
            if not text and suggested is not None:
                self.say(f"Graded {suggested.label}.")  # (Enter alone shows no grade)
                return suggested
            grade = _grade_from(text)
            if grade is not None:
                return grade
            self.notice("  Please enter 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).")

    def flash_front(self, card: Card, position: int, total: int) -> None:
        head = wrap(f"[{position}/{total}] {card.id} ({card.deck})", self.width)
        self.say("", *head, *wrap(card.q, self.width, deck=True))

    def flash_key(self, can_undo: bool) -> FlashAction:
        keys = _flash_keys(can_undo)
        while True:
            text = self.read(f"Enter to show the answer ({keys}): ").strip().lower()
            if not text:
                return FlashAction.REVEAL
            action = FLASH_KEYS.get(text[:1])
            if action in (FlashAction.SKIP, FlashAction.QUIT) or (
                action is FlashAction.UNDO and can_undo
            ):
                assert isinstance(action, FlashAction)
                return action
            if action is FlashAction.UNDO:
                self.say("  There is nothing to undo yet.")
            else:
                self.say(f"  Please press Enter, s{', u' if can_undo else ''} or q.")

    def flash_grade(self, can_undo: bool, preview: str = "") -> Grade | FlashAction:
        if preview:
            self.say(preview)
        keys = _flash_keys(can_undo)
        while True:
            text = self.read(f"Grade 1 Again, 2 Hard, 3 Good, 4 Easy ({keys}): ")
            action = FLASH_KEYS.get(text.strip().lower()[:1])
            if action is FlashAction.UNDO and not can_undo:
                self.say("  There is nothing to undo yet.")
            elif action is not None:
                return action
            else:
                self.say(f"  Please enter 1-4, s{', u' if can_undo else ''} or q.")

    # -- mock interview ------------------------------------------------------------------
    def show_mock_question(
        self, card: Card, position: int, total: int, seconds_left: float
    ) -> None:
        self.say("", f"Question {position}/{total} ({clock_text(seconds_left)} left)")
        self.say(*wrap(card.q, self.width, deck=True))

    def show_transcript_item(self, card: Card, answer: str, position: int, total: int) -> None:
        head = wrap(f"[{position}/{total}] {card.id} ({card.deck})", self.width)
        self.say("", *head, *wrap(card.q, self.width, deck=True))
        self.say("Your answer:", *wrap(answer or "(no answer)", self.width, "  ", deck=True))


def _rows(n: int) -> str:
    return f"{n} row{'' if n == 1 else 's'}"


def _shape(result: QueryResult) -> str:
    more = "+" if result.truncated else ""
    # (a name as long as a paragraph, a 5,000-character alias, took sixty lines)
    names = ", ".join(fit(printable(str(name)), 40) for name in result.columns)
    return f"{_rows(len(result.rows))}{more} ({names})"


def _option_starts(options: Sequence[str], width: int) -> list[int | None]:
    """For each line `numbered` gives: the option index it starts, or None (a wrapped rest)."""
    starts: list[int | None] = []
    for index, option in enumerate(options):
        lines = numbered([option], width)
        starts += [index] + [None] * (len(lines) - 1)
    return starts


class QuestionaryPrompter:
    """Arrow-key prompts (questionary) and rich panels, for interactive terminals."""

    def __init__(self, console: Console, stdin: TextIO) -> None:
        from mlprep.ui import render

        self.render = render
        self.console = console
        self.stdin = stdin
        writer = cast(TextIO, _ConsoleWriter(console))
        self.lines = PlainPrompter(stdin, writer, echo=False)  # follows the terminal's width

    @property
    def width(self) -> int:
        """The terminal's width as it is now, at most 80 (as the plain prompter's): what a
        session's summary rows are cut to."""
        return min(80, self.console.width)

    @property
    def q(self) -> types.ModuleType:
        """questionary, imported at the first prompt, not before the first card is drawn: its
        prompt_toolkit is most of a session's start-up, and the card can be read meanwhile."""
        return _questionary()

    def notice(self, message: str) -> None:
        # a long line wrapped here, hanging under its text (rich would start each further
        # line at the left edge); blank lines before it as they are
        while message.startswith("\n"):
            self.console.print()
            message = message[1:]
        lines = hanging(message, self.console.width) if "\n" not in message else [message]
        for line in lines:
            self.console.print(line, markup=False, highlight=False)

    def show_question(self, card: Card, position: int, total: int) -> None:
        self.console.print()
        self.console.print(self.render.question_panel(card, position, total))

    def show_options(self, options: Sequence[str], marked: Sequence[bool] = ()) -> None:
        self.console.print(self.render.option_list(options, marked))

    def choose(self, options: Sequence[str], several: bool) -> list[int]:
        # The menu shows the options numbered and shortened to one line each, because
        # prompt_toolkit menus cut long lines at the terminal's edge; when that shortens one,
        # the full options are printed (wrapped) above it, and otherwise the menu alone is enough.
        width = max(20, self.console.width - 8)
        if any(shorten(text, width - 4) != text for text in options):  # "10) " is 4 wide
            self.console.print(self.render.option_list(options))
        choices = [
            self.q.Choice(title=menu_title(shorten(f"{i}) {text}", width, True)), value=i - 1)
            for i, text in enumerate(options, start=1)
        ]
        if several:
            message = "Select all that apply:"
            question = self.q.checkbox(
                message,
                choices=choices,
                instruction=_fitting_hint(
                    message,
                    f"(1-{len(options)} or space marks, Enter submits)"
                    if len(options) <= 9
                    else "(number or space marks, Enter submits)",
                    "(space marks, Enter submits)",
                    "(Space, Enter)",  # (40 columns: still which keys)
                ),
                validate=lambda chosen: bool(chosen) or "Mark at least one option.",
                erase_when_done=True,
            )
            _number_keys_toggle(question, len(choices))
            _end_of_input_on_ctrl_d(question)
            picked = sorted(question.unsafe_ask())
            if len(picked) == 1:
                _answered(message, f"{picked[0] + 1}) {options[picked[0]]}")
            else:
                _answered(message, in_words([str(index + 1) for index in picked]))
            return picked
        # an answer is graded and scheduled: a number only points, and Enter takes it (a picked
        # number's habitual Enter answered the next question before it was read)
        # (narrow: still how to choose, not only "(then Enter)")
        short = f"(1-{len(options)}, arrows; Enter)" if len(options) <= 9 else "(arrows; Enter)"
        hint = _fitting_hint("Your answer:", f"(1-{len(options)} or arrows, then Enter)", short)
        titles = [shorten(text, width - 4, at_word=True) for text in options]
        index = select("Your answer:", titles, instruction=hint, confirm=True)
        assert index is not None
        return [index]

    def ask_number(self, later: bool = False) -> float | None:
        from mlprep.grading import parse_number  # (its patterns: once a card asks)

        def valid(text: str) -> bool | str:
            if text.strip() == GIVE_UP:
                return True
            try:
                parse_number(text)
            except ValueError as reason:
                # (on the bottom line, which does not wrap: the longest that fits)
                width = shutil.get_terminal_size((80, 24)).columns
                said = (
                    f"Please enter a number ({reason}), or {_give_up_hint(later)}.",
                    f"A number, please ({reason}).",
                    f"A number, or {_give_up_hint(later)}.",
                )
                return next((line for line in said if columns(line) < width), said[-1])
            return True

        typed = self._answer(f"Your answer (a number, {_give_up_hint(later)}):", validate=valid)
        return None if typed.strip() == GIVE_UP else parse_number(typed)

    def ask_open(self, later: bool = False) -> str:
        hint = "Enter when done" if later else "Enter to reveal"
        message = f"Your answer ({hint}):"
        # (erased when done: the terminal wrapped it mid-word; _answered_text leaves it
        # wrapped between words instead)
        answer = self._answer(message, erase=True)  # (a stray Enter is dropped there)
        _answered_text(message, answer)
        return answer

    def _answer(self, message: str, erase: bool = False, **options) -> str:
        """A typed answer. Ctrl-C ends the session as ever, but leaves what was typed on
        screen, marked not graded (an erased prompt lost a long answer from sight as well as
        from the log; a number typed stayed, with nothing to say it was not taken)."""
        from prompt_toolkit.filters import Condition
        from prompt_toolkit.key_binding import KeyBindings

        typed: list[str] = []
        keys = KeyBindings()
        shown = time.monotonic()

        @keys.add("c-c")
        def _(event) -> None:
            typed.append(event.current_buffer.text)
            event.app.exit(exception=KeyboardInterrupt())

        @Condition
        def stray() -> bool:
            from prompt_toolkit.application import get_app

            return too_soon(shown) and not get_app().current_buffer.text.strip()

        # an Enter that comes with nothing typed as the prompt appears was meant for the one
        # before (a double-tapped Enter): dropped, as menus drop it (a number prompt said
        # "Please enter a number (nothing typed ...)" to an answer not yet begun)
        @keys.add("enter", filter=stray, eager=True)
        def _(event) -> None:
            pass

        question = self.q.text(message, erase_when_done=erase, key_bindings=keys, **options)
        try:
            return question.unsafe_ask()
        except KeyboardInterrupt:
            if typed and typed[-1].strip():
                if erase:
                    _answered_text(message, typed[-1])
                self.console.print(self.render.hint("(not graded: the session was stopped)"))
            raise

    def ask_line(self, prompt: str) -> str:
        return self.q.text(prompt.rstrip()).unsafe_ask()

    def ask_query(self) -> str:
        self.console.print(self.render.hint(QUERY_HINT))

        def line(first: bool) -> str:
            ask = self.q.text("sql>" if first else "...>").unsafe_ask
            return unhurried(ask) if first else ask()  # (an empty first line gives up)

        return read_query(line, self.notice)

    def show_verdict(
        self, card: Card, correct: bool, shown: Sequence[Choice], feedback: Sequence[str] = ()
    ) -> None:
        if correct or not shown:
            key = None if correct else _answer_key(card)
            self.console.print(self.render.verdict(correct, key))
        else:  # the right options, numbered as shown, one under another
            right = [(i, c.text) for i, c in enumerate(shown, start=1) if c.correct]
            label = "The answer:" if len(right) == 1 else "The answers:"
            self.console.print(self.render.verdict(False, None, label))
            self.console.print(self.render.numbered_options(right))
        for line in feedback:
            self.console.print(self.render.feedback(line))
        self.console.print(self.render.answer_body(card))

    def show_answer(self, card: Card) -> None:
        self.console.print(self.render.answer_panel(card))

    def show_schema(self, schema: str) -> None:
        self.lines.show_schema(schema)

    def show_code(self, title: str, code: str) -> None:
        self.console.print(self.render.code_block(title, code))

    def show_rows(self, title: str, result: QueryResult) -> None:
        self.lines.show_rows(title, result)

    def show_mismatch(
        self, expected: QueryResult, actual: QueryResult, comparison: Comparison
    ) -> None:
        self.lines.show_mismatch(expected, actual, comparison)

    def ask_grade(self, preview: str = "", suggested: Grade | None = None) -> Grade:
        """One key: 1-4 (or a/h/g/e), Enter for Good (or the suggested grade), as in Anki."""
        default = suggested or Grade.GOOD
        # "Grade:" rather than a question, so that the intervals fit one 80-column line
        text = preview or "1 Again · 2 Hard · 3 Good · 4 Easy"
        keys = f"Grade: {text} (Enter: {default.label})"
        self.console.print(self.render.hint(keys, self.console.width))
        shown = time.monotonic()
        while True:
            key = self._read_key()
            if key == "enter" and too_soon(shown):
                continue  # (typed before the answer it grades was shown)
            grade = default if key == "enter" else FLASH_KEYS.get(key)
            if isinstance(grade, Grade):
                self._graded(grade)
                return grade

    def _graded(self, grade: Grade) -> None:
        """The grade a key picked, left on screen (the key itself is not echoed)."""
        self.console.print(self.render.hint(f"Graded {grade.label}.", self.console.width))

    def _read_key(self) -> str:
        from mlprep.ui.keys import read_key

        return read_key(self.stdin)

    def flash_front(self, card: Card, position: int, total: int) -> None:
        self.console.print()
        self.console.print(self.render.question_panel(card, position, total))

    def flash_key(self, can_undo: bool) -> FlashAction:
        # (u is not offered where there is nothing to undo: it would do nothing)
        hint = FRONT_HINT if can_undo else FRONT_HINT.replace(" · u: undo last grade", "")
        self.console.print(self.render.hint(hint, self.console.width))
        shown = time.monotonic()
        while True:
            key = self._read_key()
            if key in ("enter", "space") and too_soon(shown):
                continue  # (meant for the card before: it would show this one's answer unread)
            if key in ("enter", "space"):
                return FlashAction.REVEAL
            action = FLASH_KEYS.get(key)
            if action is FlashAction.UNDO and not can_undo:
                continue
            if isinstance(action, FlashAction):
                return action

    def flash_grade(self, can_undo: bool, preview: str = "") -> Grade | FlashAction:
        actions = BACK_ACTIONS if can_undo else BACK_ACTIONS.replace(" · u undo", "")
        keys = (preview or BACK_GRADES) + actions
        self.console.print(self.render.hint(keys, self.console.width))
        while True:
            action = FLASH_KEYS.get(self._read_key())
            if action is FlashAction.UNDO and not can_undo:
                continue
            if isinstance(action, Grade):
                self._graded(action)
            if action is not None and action is not FlashAction.REVEAL:
                return action

    def show_mock_question(
        self, card: Card, position: int, total: int, seconds_left: float
    ) -> None:
        self.lines.show_mock_question(card, position, total, seconds_left)

    def show_transcript_item(self, card: Card, answer: str, position: int, total: int) -> None:
        self.lines.show_transcript_item(card, answer, position, total)


class _ConsoleWriter:
    """A text stream that prints through a rich console as plain text (no markup)."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def write(self, text: str) -> int:
        self.console.file.write(text)
        return len(text)

    def flush(self) -> None:
        self.console.file.flush()


def _end_of_input_on_ctrl_d(question) -> None:
    """Ctrl-D at a menu ends the input, as it does at a text prompt (a session stops as at
    the end of piped input); menus ignored it."""
    bindings = question.application.key_bindings
    if bindings is None:
        return

    @bindings.add("c-d", eager=True)
    def _(event) -> None:
        event.app.exit(exception=EOFError())


def _number_keys_toggle(question, count: int) -> None:
    """Typing an option's number marks or unmarks it (and points at it): at once where no
    longer number begins with it, as a menu's number picks (see select); else it points at
    it, and a further digit or space decides."""
    control = _inquirer_control(question)
    if control is None:  # another questionary layout: arrows and space still work
        return
    typing = _TypedNumber(count, control)

    def typed(digit: str):
        def handler(event) -> None:
            number, whole = typing.add(digit)
            if whole:
                value = control.choices[number - 1].value
                if value in control.selected_options:
                    control.selected_options.remove(value)
                else:
                    control.selected_options.append(value)
                typing.clear()
                if control.selected_options:  # ("Mark at least one option." said no longer
                    control.error_message = None  # holds: as space clears it by validating)

        return handler

    for digit in "0123456789":
        question.application.key_bindings.add(digit, eager=True)(typed(digit))


# prompt_toolkit's styles for inline_parts' kinds
_MENU_STYLES = {"code": "bold fg:ansicyan", "bold": "bold", "italic": "italic", "": ""}


def menu_title(text: str) -> str | list[tuple[str, str]]:
    """A menu entry whose `inline code` shows as code and whose emphasis shows as bold or
    italic (prompt_toolkit formatted text, never parsed as markup); plain text stays a
    plain string."""
    parts = inline_parts(text)
    if all(kind == "" for kind, _ in parts):
        return text
    return [(_MENU_STYLES[kind], part) for kind, part in parts]


@functools.cache
def _questionary() -> types.ModuleType:
    """questionary (heavy: prompt_toolkit), imported when a prompt is first asked, with
    prompt_toolkit's default key bindings shared by every prompt from then on."""
    import questionary

    from mlprep.ui.ptkbindings import share_default_bindings
    from mlprep.ui.ptkcolours import limit_colours

    share_default_bindings()
    limit_colours()
    return questionary


def select(
    message: str,
    titles: Sequence[str],
    leave: bool = False,
    instruction: str = "",
    back: str | None = None,
    confirm: bool = False,
):
    """An arrow-key menu whose entries are numbered. Typing an entry's number picks it: at
    once where no longer number begins with it (any of 1-9 in a menu of nine), else the
    pointer moves to it and Enter (or a further digit: 3 then 1 is 31) picks; with `confirm`,
    a number only ever moves the pointer, and Enter picks. With `leave`, q and Esc return
    None, and so does `back`, a last entry shown as "q) back". Returns the index picked."""
    from prompt_toolkit.keys import Keys

    questionary = _questionary()
    digits = len(str(len(titles)))  # (numbers right-aligned: " 9)" above "10)")
    choices = [
        questionary.Choice(title=menu_title(f"{i:>{digits}}) {title}"), value=i - 1)
        for i, title in enumerate(titles, start=1)
    ]
    if back is not None:
        choices.append(questionary.Choice(title=f"{'q':>{digits}}) {back}", value=-1))
    # (erased when done: _answered leaves a line of the question and the answer instead)
    question = questionary.select(
        message, choices=choices, instruction=instruction or None, erase_when_done=True
    )
    bindings = question.application.key_bindings
    assert bindings is not None
    typing = _TypedNumber(len(titles), _inquirer_control(question))

    def typed(digit: str):
        def handler(event) -> None:
            number, whole = typing.add(digit)
            if whole and not confirm:
                event.app.exit(result=number - 1)

        return handler

    for digit in "0123456789":
        bindings.add(digit, eager=True)(typed(digit))
    if typing.control is not None:
        _refuse_a_stray_enter(bindings, typing)
    _end_of_input_on_ctrl_d(question)
    if leave:
        for key in ("q", Keys.Escape):
            bindings.add(key, eager=True)(lambda event: event.app.exit(result=-1))
    index = question.unsafe_ask()
    if index is None or index < 0:
        if back is not None:  # (the way out is in the history too, as any other answer)
            _answered(message, f"q) {back}")
        return None
    _answered(message, f"{index + 1}) {titles[index]}")
    return index


# An Enter this soon after a prompt appears, before any other key, was meant for the one before
# it: a double-tapped Enter answered the next question unseen (a menu's first option, an empty
# answer that revealed an open card, an empty query that gave an SQL card up, a grade).
STRAY_ENTER_SECONDS = 0.3


def _flash_keys(can_undo: bool) -> str:
    """A plain flash prompt's keys: u only where there is a grade to undo, as in a terminal."""
    return "s skip, u undo, q quit" if can_undo else "s skip, q quit"


def too_soon(shown: float) -> bool:
    """Whether an Enter now, its prompt having appeared at `shown` (time.monotonic), came too
    soon to be meant for it (see STRAY_ENTER_SECONDS)."""
    return time.monotonic() - shown < STRAY_ENTER_SECONDS


def unhurried(ask: Callable[[], str]) -> str:
    """`ask()`'s text, asked again while it is empty and came as the prompt appeared."""
    while True:
        shown = time.monotonic()
        text = ask()
        if text.strip() or not too_soon(shown):
            return text


def _refuse_a_stray_enter(bindings, typing: _TypedNumber) -> None:
    """Enter takes the pointed entry, as questionary's own binding does, except a stray one
    (see STRAY_ENTER_SECONDS), which is dropped."""
    from prompt_toolkit.keys import Keys

    control = typing.control
    shown = time.monotonic()

    @bindings.add(Keys.ControlM, eager=True)
    def enter(event) -> None:
        untouched = typing.pointed_at is None and control.pointed_at == 0
        if untouched and too_soon(shown):
            return
        control.is_answered = True
        event.app.exit(result=control.get_pointed_at().value)


class _TypedNumber:
    """The digits typed in a menu of `count` numbered entries, read as the number of one;
    the menu's pointer (its questionary `control`, if found) goes to the entry they name."""

    def __init__(self, count: int, control) -> None:
        self.count = count
        self.control = control
        self.digits = ""
        self.pointed_at: int | None = None  # where the digits put the pointer

    def clear(self) -> None:
        self.digits = ""
        self.pointed_at = None

    def add(self, digit: str) -> tuple[int, bool]:
        """The entry's number the digits now name (0: none), and whether to take it at once:
        it is whole (no entry's number is longer and begins with it) and was typed from its
        first digit. A digit that continues no entry's number begins a new one, which is
        only pointed at: a slip (3 then 5 of 31 entries) must not start entry 5."""
        if self.control is not None and self.control.pointed_at != self.pointed_at:
            self.clear()  # the arrows moved the pointer since: a new number
        digits = self.digits + digit
        if self._names_one(digits):
            self.digits = digits
            number, whole = int(digits), int(digits) * 10 > self.count
        elif self._names_one(digit):
            self.digits = digit
            number, whole = int(digit), False
        else:
            self.clear()
            return 0, False
        if self.control is not None:
            self.control.pointed_at = self.pointed_at = number - 1
        return number, whole

    def _names_one(self, digits: str) -> bool:
        return not digits.startswith("0") and int(digits) <= self.count


def _inquirer_control(question):
    """The questionary control that holds a menu's choices and its pointer (None for
    another layout: number keys then pick only whole numbers)."""
    from questionary.prompts.common import InquirerControl

    controls = question.application.layout.find_all_controls()
    return next((c for c in controls if isinstance(c, InquirerControl)), None)


def _answered(message: str, answer: str) -> None:
    """The line a menu leaves once answered: its question and the answer, cut to the
    terminal's width. (questionary's own line repeats the option's menu title after the
    question: wider than the terminal by the question's length.)"""
    from prompt_toolkit import print_formatted_text
    from prompt_toolkit.formatted_text import FormattedText
    from questionary.constants import DEFAULT_STYLE

    room = shutil.get_terminal_size((80, 24)).columns - columns(f"? {message} ") - 1
    line = [("class:qmark", "?"), ("class:question", f" {message} ")]
    line += _cut(_answer_tokens(answer), max(room, 4))
    print_formatted_text(FormattedText(line), style=DEFAULT_STYLE)


def _answered_text(message: str, answer: str) -> None:
    """The lines a typed answer leaves: its question and the whole answer, wrapped between
    words to the terminal's width, the further lines indented under the question."""
    from prompt_toolkit import print_formatted_text
    from prompt_toolkit.formatted_text import FormattedText
    from questionary.constants import DEFAULT_STYLE

    from mlprep.ui.text import hanging

    width = max(20, shutil.get_terminal_size((80, 24)).columns - 1)
    # (the answer's line breaks, a pasted answer's, read as spaces: they were shown as "\n")
    lines = hanging("  " + printable(" ".join(f"{message} {answer}".split())), width)
    first = lines[0][2:]
    tokens: list[tuple[str, str]] = [("class:qmark", "?")]
    if first.startswith(message):
        tokens += [("class:question", f" {message}"), ("class:answer", first[len(message) :])]
    else:  # (a terminal narrower than the question)
        tokens.append(("class:answer", f" {first}"))
    for line in lines[1:]:
        tokens += [("", "\n"), ("class:answer", line)]
    print_formatted_text(FormattedText(tokens), style=DEFAULT_STYLE)


def _answer_tokens(answer: str) -> list[tuple[str, str]]:
    """An answered line's answer as styled text: its `inline code` as the menu shows it."""
    title = menu_title(" ".join(answer.split()))
    if isinstance(title, str):
        return [("class:answer", title)]
    return [("class:answer " + style if style else "class:answer", text) for style, text in title]


def _cut(tokens: list[tuple[str, str]], room: int) -> list[tuple[str, str]]:
    """Styled text cut to `room` columns, with "..." where it is longer."""
    if sum(columns(text) for _, text in tokens) <= room:
        return tokens
    cut: list[tuple[str, str]] = []
    left = room - 3
    for style, text in tokens:
        kept = within(text, left)
        cut.append((style, kept))
        left -= columns(kept)
        if kept != text:
            break
    cut[-1] = (cut[-1][0], cut[-1][1].rstrip())
    return [*cut, ("class:answer", "...")]


def _fitting_hint(message: str, *hints: str) -> str:
    """The first of `hints` that fits on the question's line, or none (" ": questionary would
    show its own): a hint wider than the terminal would break mid-word."""
    width = shutil.get_terminal_size((80, 24)).columns
    return next((hint for hint in hints if columns(f"? {message} {hint}") < width), " ")


def ask_menu(message: str, options: list[str], back: str | None = None) -> str | None:
    """A menu (terminals only): an entry's number picks it, q/Esc leave. Returns the chosen
    label, or None when the user leaves (q, Esc, or the `back` entry)."""
    if not options:
        hint = "(q or Esc leaves)"
    elif len(options) <= 9:
        hint = f"(1-{len(options)} or arrows and Enter; q or Esc leaves)"
    else:
        hint = "(number or arrows and Enter; q or Esc leaves)"
    # the hint follows the question on its line: where that is wider than the terminal (it
    # would break mid-word), the part about leaving, or nothing
    hint = _fitting_hint(message, hint, "(q or Esc leaves)", "(q leaves)")
    # each entry on one line (prompt_toolkit would cut it at the edge without a sign), its
    # count kept where its title is cut
    room = shutil.get_terminal_size((80, 24)).columns - len(str(len(options))) - 6
    titles = [fit_keeping_count(option, max(room, 10)) for option in options]
    index = select(message, titles, leave=True, instruction=hint, back=back)
    return None if index is None else options[index]


QUERY_HINT = "End a query with ; or an empty line (an empty first line gives up)."


# what a line that starts with "." gets at a card's SQL prompt
COMMANDS_ELSEWHERE = (
    "Commands such as .tables work in `mlprep sql`; here, type a query (the tables it needs "
    "are shown above)."
)


def read_query(ask: Callable[[bool], str], say: Callable[[str], None]) -> str:
    """A query's lines, read with `ask(first line?)`, until one ends with ';' or an empty
    line ends the query begun, as `mlprep sql` reads them (an empty line there ran the query,
    and here only added a line); "" when the first line is empty (the user gives up). A line
    that starts with "." is one of `mlprep sql`'s commands, as it reads them: not a line of
    the query; `say` tells where they work, and the query typed so far goes on (run as SQL,
    it was a syntax error that cost a try)."""
    lines: list[str] = []
    while True:
        line = ask(not lines)
        if not line.strip():
            return "\n".join(lines)
        if line.lstrip().startswith("."):
            say(COMMANDS_ELSEWHERE)
            continue
        lines.append(line)
        if line.rstrip().endswith(";"):
            return "\n".join(lines)
