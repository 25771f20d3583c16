"""Coding drills in a terminal or a pipe: plain text out, one line in, the user's editor.

The editor is $VISUAL, else $EDITOR; it gets the terminal until it exits. Without either,
the user is told the file's path and presses Enter when they have saved it.
"""

from __future__ import annotations

import contextlib
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TextIO

from mlprep.coderun import Verdict, verdict_lines
from mlprep.fileio import back_to_line_start, is_terminal
from mlprep.model import Card
from mlprep.textsafe import printable
from mlprep.ui.text import wrap

# the session's next steps (mlprep.sessions.coding names them)
STEPS = {"r": "retry", "a": "reveal", "n": "next", "q": "quit"}


def editor_command(environ: Mapping[str, str]) -> list[str] | None:
    for name in ("VISUAL", "EDITOR"):
        value = environ.get(name, "").strip()
        if value:
            try:
                return shlex.split(value)
            except ValueError:
                return [value]
    return None


_MISTAKES = re.compile(r"^\s*(?:classic )?mistakes:\s*", re.IGNORECASE)


class LineCodePrompter:
    """Drills with plain prompts: works the same in a terminal, a pipe and a test."""

    def __init__(
        self,
        stdin: TextIO,
        stdout: TextIO,
        environ: Mapping[str, str],
        echo: bool = False,
        width: int | None = None,
        open_editor: bool = True,
    ) -> None:
        self.open_editor = open_editor  # False: the user edits elsewhere and presses Enter
        self.stdin = stdin
        self.stdout = stdout
        self.environ = environ
        self.echo = echo
        self.width = width or min(80, shutil.get_terminal_size((80, 24)).columns)
        self.warned_no_editor = False

    def say(self, *lines: str) -> None:
        for line in lines:
            self.stdout.write(line + "\n")
        self.stdout.flush()

    def notice(self, message: str) -> None:
        self.say(*wrap(message, self.width))

    def after_ctrl_c(self) -> None:
        back_to_line_start(self.stdout)

    def read(self, prompt: str) -> str:
        self.stdout.write(prompt)
        self.stdout.flush()
        try:
            line = self.stdin.readline()
        except KeyboardInterrupt:
            self.say("")  # (as at the end of input)
            raise
        if not line:
            self.say("")
            raise EOFError
        answer = line.rstrip("\r\n")
        if self.echo:
            self.say(answer)
        return answer

    def show_drill(self, card: Card, path: Path, position: int, total: int) -> None:
        level = f", difficulty {card.difficulty}" if card.difficulty else ""
        self.say("", *wrap(f"[{position}/{total}] {card.id} ({card.deck}{level})", self.width))
        self.say(*wrap(card.q, self.width, deck=True))
        self.say(*wrap(f"Write: def {card.signature.strip()}", self.width))
        # a path is never broken (whole, to copy: it is one word); one too long for the line
        # goes on a line of its own, as in a review's code card
        where = f"File:  {printable(path)}"
        self.say(where if len(where) <= self.width else f"File:\n  {printable(path)}")

    def edit(self, path: Path) -> None:
        command = editor_command(self.environ) if self.open_editor else None
        if command is not None:
            try:
                with _signals_left_to_default():
                    done = subprocess.run([*command, str(path)], check=False)
                if done.returncode == 0:
                    return
                # (the tests ran at once on a file it may never have opened)
                self.notice(
                    f"The editor {command[0]!r} stopped with an error (status "
                    f"{done.returncode}). Edit the file above in any editor, save it, then "
                    "come back here."
                )
            except OSError as error:
                self.notice(f"Cannot start the editor {command[0]!r}: {error.strerror}.")
        elif self.open_editor and not self.warned_no_editor:
            self.warned_no_editor = True
            self.notice(
                "No editor is set ($VISUAL or $EDITOR). Edit the file above in any editor, "
                "save it, then come back here."
            )
        prompt = f"Press Enter to run the tests on {path.name} "
        self.read(prompt if len(prompt) < self.width else "Press Enter to run the tests ")

    def show_verdict(self, verdict: Verdict) -> None:
        self.say(*verdict_lines(verdict, self.width))

    def next_step(self) -> str:
        prompt = "[r]etry, [a]nswer (recorded as Again), [n]ext, [q]uit: "
        if len(prompt) >= self.width:  # (a narrow terminal broke it inside a key's label)
            prompt = "[r]etry [a]nswer [n]ext [q]uit: "
        if is_terminal(self.stdin):  # one key press, as the keys' labels say
            from mlprep.ui.keys import read_key

            while True:
                self.stdout.write(prompt)
                self.stdout.flush()
                try:
                    key = read_key(self.stdin)
                except (EOFError, KeyboardInterrupt):
                    self.say("")  # (the summary that follows starts on a line of its own)
                    raise
                if key in STEPS:
                    self.say(key)
                    return STEPS[key]
                self.say("", "  Please press r, a, n or q.")
        while True:
            text = self.read(prompt)
            key = text.strip().lower()[:1]
            if key in STEPS:
                return STEPS[key]
            self.say("  Please type r, a, n or q.")

    def show_answer(self, card: Card) -> None:
        self.say("Reference answer:", *wrap(card.a, self.width, "  ", deck=True))
        if card.explain:
            # the deck's text names its mistakes itself ("Mistakes: ..."): not twice
            self.say(
                "Mistakes to avoid:",
                *wrap(_MISTAKES.sub("", card.explain), self.width, "  ", deck=True),
            )


@contextlib.contextmanager
def _signals_left_to_default() -> Iterator[None]:
    """While the editor has the terminal, SIGTERM and SIGHUP end mlprep outright, as before
    mlprep handled them (see cli.app): raised as an exit here, it made subprocess.run kill the
    editor, whose alternate screen and raw mode stayed behind; left alone, the editor puts the
    terminal back as it ends."""
    import signal

    saved = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            saved[number] = signal.signal(number, signal.SIG_DFL)
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
