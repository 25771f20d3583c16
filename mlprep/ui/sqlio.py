"""SQL practice I/O: line by line for pipes and --plain, with an editor in a terminal
(mlprep.ui.sqledit: multi-line editing, history, highlighting, completion)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlprep.model import Card
from mlprep.textfit import folded_code
from mlprep.ui.prompts import PlainPrompter
from mlprep.ui.text import schema_lines, wrap

if TYPE_CHECKING:
    from mlprep.sqlsandbox import SampleDatabase
    from mlprep.ui.sqledit import SqlEditor

# (two paragraphs, each wrapped to the terminal as a whole)
HELP = (
    "End a query with ; or an empty line. Only results with the answer's columns count as "
    "tries; .run QUERY never counts.",
    "Commands: .tables .schema [TABLE] .hint .answer .skip .quit",
)


class SqlLinePrompter(PlainPrompter):
    pending: list[str]  # a query's lines typed before a command on a continuation line

    def use_database(self, database: SampleDatabase) -> None:
        pass

    def notice(self, message: str) -> None:
        self.say(*(wrap(message, self.width) or [""]))

    def show_sql_question(self, card: Card, position: int, total: int, schema: str) -> None:
        level = f", difficulty {card.difficulty}" if card.difficulty else ""
        self.pending = []
        self.say(
            "", *wrap(f"[{position}/{total}] {card.id} (database {card.db}{level})", self.width)
        )
        self.say(*wrap(card.q, self.width, deck=True))
        if schema:
            self.say("", *schema_lines(schema, self.width))
        self.say("")
        for line in HELP:
            self.say(*wrap(line, self.width))

    def read_query(self) -> str:
        """Lines until one ends with ';' or an empty line ends a non-empty query; a line
        starting with '.' is a command on its own, also on a continuation line (the lines
        typed before it wait for the next read)."""
        lines: list[str] = getattr(self, "pending", [])
        self.pending = []
        while True:
            line = self.read("sql> " if not lines else "...> ")
            if line.strip().startswith("."):
                self.pending = lines
                return line.strip()
            if not line.strip():
                if lines:
                    return "\n".join(lines)
                continue
            lines.append(line)
            if line.rstrip().endswith(";"):
                return "\n".join(lines)

    def show_mismatch(self, expected, actual, comparison) -> None:
        super().show_mismatch(expected, actual, comparison)
        self.say("Try again, or .hint / .answer / .skip.")

    def show_solution(self, card: Card) -> None:
        self.say("Reference solution:")
        for line in card.solution.strip().splitlines():
            self.say(*folded_code(line, self.width, "  "))
        self.say("Answer:", *wrap(card.a, self.width, "  ", deck=True))
        if card.explain:
            self.say("Why:", *wrap(card.explain, self.width, "  ", deck=True))


class SqlEditorPrompter(SqlLinePrompter):
    """SQL practice in a terminal: queries are typed in an editor (arrows, history, Tab)."""

    def __init__(self, editor: SqlEditor, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.editor = editor

    def use_database(self, database: SampleDatabase) -> None:
        words = list(database.tables())
        for table in database.tables():
            words += database.sample_rows(table, 0).columns
        self.editor.complete_with(words)

    def read_query(self) -> str:
        lines = getattr(self, "pending", [])
        kept = "".join(line + "\n" for line in lines)  # the cursor goes on below them
        self.pending = []
        text, rest = self.editor.read(kept)
        if text.startswith("."):
            self.pending = rest.splitlines() if rest.strip() else []
        return text
