"""The mock interview in a terminal: every answer is typed after a live countdown (the prompt
starts with the time left and is redrawn every second; a bottom toolbar would vanish in
terminals that do not report the cursor position). When the time runs out mid-answer, the
text typed so far is taken as the answer; keys still pending are dropped so that they reach
neither the grading prompts nor the shell.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import Callable
from typing import TextIO

from mlprep.model import Card
from mlprep.textfit import clock_text, columns
from mlprep.ui.keys import drop_typing, flush_input
from mlprep.ui.prompts import PlainPrompter, too_soon
from mlprep.ui.text import hanging


class MockClockPrompter(PlainPrompter):
    def __init__(
        self, stdin: TextIO, stdout: TextIO, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(stdin, stdout, echo=False)
        self.clock = clock
        self.deadline: float | None = None
        self.grading = False  # the transcript: answers are typed without the clock
        # Ctrl-C pressed with an answer half typed: it is taken, then the interview ends (as
        # when time runs out; run_mock reads this after each answer)
        self.ended_early = False

    def show_mock_question(
        self, card: Card, position: int, total: int, seconds_left: float
    ) -> None:
        self.deadline = self.clock() + seconds_left
        super().show_mock_question(card, position, total, seconds_left)

    def show_transcript_item(self, card: Card, answer: str, position: int, total: int) -> None:
        if not self.grading:
            self.grading = True
            flush_input(self.stdin)
        super().show_transcript_item(card, answer, position, total)

    def settle_input(self) -> None:
        """A person typing when the interview ends (the clock stops, or their own Ctrl-C)
        goes on for a moment: those keys are dropped until the typing stops, so that they
        reach neither the grading nor the shell."""
        drop_typing(self.stdin)

    def ask_again(self, request: str, typed: str) -> None:
        """Once the time is up, an answer that cannot be taken (nothing typed, or no option's
        number) ends the question, without a "Please ..." for a prompt that will not come
        again; what was typed is named as not taken."""
        from mlprep.sessions.ports import TimeUp

        if self.deadline is not None and not self.grading and self.deadline <= self.clock():
            if typed.strip():
                self.notice(f"  Not taken as an answer: {typed.strip()}")
            raise TimeUp
        if self.ended_early:  # (what was typed is no answer: the interview ends here)
            self.notice(f"  Not taken as an answer: {typed.strip()}")
            raise KeyboardInterrupt
        super().ask_again(request, typed)

    def read(self, prompt: str) -> str:
        if self.deadline is None or self.grading:
            return super().read(prompt)
        from mlprep.sessions.ports import TimeUp

        deadline = self.deadline
        if deadline - self.clock() <= 0:
            raise TimeUp
        while True:
            shown = time.monotonic()
            text, timed_out, interrupted = _timed_prompt(prompt, lambda: deadline - self.clock())
            if text.strip() or timed_out or interrupted or not too_soon(shown):
                break
        self._answered(f"[{clock_text(max(0.0, deadline - self.clock()))}] {prompt}", text)
        if timed_out:
            flush_input(self.stdin)
        if interrupted:
            if not text.strip():
                raise KeyboardInterrupt
            self.ended_early = True
        return text

    def _answered(self, prompt: str, text: str) -> None:
        """The answer as it stays on screen, wrapped between words with its further lines
        indented (the terminal broke the typed line mid-word; the prompt erases it)."""
        width = max(20, shutil.get_terminal_size((80, 24)).columns - 1)
        lines = hanging("  " + " ".join(f"{prompt}{text}".split()), width)
        lines[0] = lines[0][2:]
        # a prompt that fits is not broken: it goes on a line of its own
        if not lines[0].startswith(prompt.strip()) and columns(prompt.rstrip()) <= width:
            answer = " ".join(text.split())
            lines = [prompt.rstrip(), *(hanging("  " + answer, width) if answer else ())]
        self.say(*lines)


def _timed_prompt(prompt: str, left: Callable[[], float]) -> tuple[str, bool, bool]:
    """A prompt that starts with the time left: (text, time ran out, Ctrl-C was pressed)."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.output import ColorDepth

    from mlprep.ui.ptkbindings import share_default_bindings
    from mlprep.ui.ptkcolours import limit_colours

    share_default_bindings()
    limit_colours()
    timed_out = interrupted = False
    keys = KeyBindings()

    @keys.add("c-c")
    def _(event) -> None:  # the text typed so far goes with the Ctrl-C
        nonlocal interrupted
        interrupted = True
        event.app.exit(result=event.current_buffer.text)

    session: PromptSession = PromptSession(
        refresh_interval=1.0,
        key_bindings=keys,
        erase_when_done=True,  # (the answer is shown again, wrapped between words)
        color_depth=ColorDepth.MONOCHROME if "NO_COLOR" in os.environ else None,
    )

    async def ring() -> None:
        nonlocal timed_out
        await asyncio.sleep(max(0.0, left()))
        timed_out = True
        session.app.exit(result=session.default_buffer.text)

    def start() -> None:
        session.app.create_background_task(ring())

    text = session.prompt(lambda: f"[{clock_text(left())}] {prompt}", pre_run=start)
    return text, timed_out, interrupted
