"""The SQL editor of `mlprep sql` in a terminal (prompt_toolkit): a query may span lines and
is edited with the arrow keys; Enter on a line ending with ';' (or on an empty line after the
query) runs it, Esc Enter runs it anywhere; a line starting with '.' is a command, whatever was
typed above it stays for the next prompt. Queries are remembered across runs in a history file
(Up/Down), Tab completes table and column names of the question's database, and SQL is
highlighted unless NO_COLOR is set.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import WordCompleter
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.output import ColorDepth

from mlprep.ui.ptkbindings import share_default_bindings
from mlprep.ui.ptkcolours import limit_colours

KEYWORDS = (
    "SELECT FROM WHERE GROUP BY ORDER HAVING LIMIT JOIN LEFT INNER ON AS AND OR NOT IN IS NULL "
    "DISTINCT COUNT SUM AVG MIN MAX CASE WHEN THEN ELSE END WITH OVER PARTITION DESC ASC "
    "UNION ALL LIKE BETWEEN EXISTS ROW_NUMBER RANK DENSE_RANK LAG LEAD COALESCE"
).split()


def _history(path: Path | None) -> History:
    if path is None:
        return InMemoryHistory()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
        regular = stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return InMemoryHistory()  # a read-only data dir costs the history, not the session
    if not regular:
        # a directory there gave a traceback and a stuck prompt, a named pipe a frozen
        # terminal: the session goes on without a kept history
        return InMemoryHistory()
    return FileHistory(str(path))


def _bindings() -> KeyBindings:
    keys = KeyBindings()

    @keys.add("enter")
    def _enter(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        document = buffer.document
        line = document.current_line.strip()
        lines = buffer.text.split("\n")
        if line.startswith("."):
            rest = lines[: document.cursor_position_row] + lines[document.cursor_position_row + 1 :]
            event.app.exit(result=(line, "\n".join(rest).strip("\n")))
        elif not buffer.text.strip():
            event.app.exit(result=("", ""))
        elif line.endswith(";") or (
            # (the line the cursor is on: Enter inside a recalled query adds a line; running
            # it whole, because its last line ends with ";", cost a try)
            not line and document.cursor_position_row == document.line_count - 1
        ):
            buffer.text = buffer.text.rstrip()
            buffer.validate_and_handle()  # runs it and keeps it in the history
        else:
            buffer.insert_text("\n")

    @keys.add("c-c")
    def _interrupt(event: KeyPressEvent) -> None:
        # a query half typed is cleared, as psql and sqlite3 do (it ended the whole session);
        # at an empty prompt Ctrl-C stops
        if event.current_buffer.text:
            event.current_buffer.reset()
            return
        # a Ctrl-C typed just after Enter reaches the editor while it is closing: ignore it
        # there rather than fail; once the query runs, Ctrl-C interrupts it as usual
        if event.app.is_running and not event.app.is_done:
            event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    @keys.add("escape", "enter")
    def _run(event: KeyPressEvent) -> None:
        event.current_buffer.validate_and_handle()

    return keys


class SqlEditor:
    def __init__(self, history: Path | None = None, color: bool | None = None) -> None:
        if color is None:
            color = "NO_COLOR" not in os.environ
        share_default_bindings()
        limit_colours()
        self.words: list[str] = []
        lexer = None
        if color:
            from prompt_toolkit.lexers import PygmentsLexer
            from pygments.lexers.sql import SqlLexer  # type: ignore[import-untyped]

            lexer = PygmentsLexer(SqlLexer)
        self.session: PromptSession = PromptSession(
            history=_history(history),
            multiline=True,
            key_bindings=_bindings(),
            lexer=lexer,
            completer=WordCompleter(lambda: self.words, ignore_case=True),
            complete_while_typing=False,
            prompt_continuation=lambda width, line, soft: "" if soft else "...> ",
            color_depth=None if color else ColorDepth.MONOCHROME,
        )

    def complete_with(self, names: Iterable[str]) -> None:
        """Tab completes these (table and column names) and SQL keywords."""
        self.words = sorted(set(names)) + list(KEYWORDS)

    def read(self, text: str = "") -> tuple[str, str]:
        """(query or command, the lines kept for the next read when a command was typed
        below a query)."""
        result = self.session.prompt("sql> ", default=text)
        if isinstance(result, tuple):
            return result
        return result.strip(), ""
