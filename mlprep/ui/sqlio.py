"""Line-based SQL practice I/O (used in terminals and pipes alike: SQL is typed as lines)."""

from __future__ import annotations

from mlprep.model import Card
from mlprep.ui.prompts import PlainPrompter
from mlprep.ui.text import wrap

HELP = (
    "End a query with ; or an empty line.",
    "Commands: .tables  .schema [TABLE]  .hint  .answer  .skip  .quit",
)


class SqlLinePrompter(PlainPrompter):
    def notice(self, message: str) -> None:
        self.say(*(wrap(message, self.width) or [""]))

    def show_sql_question(self, card: Card, position: int, total: int, schema: str) -> None:
        level = f", difficulty {card.difficulty}" if card.difficulty else ""
        self.say("", f"[{position}/{total}] {card.id} (database {card.db}{level})")
        self.say(*wrap(card.q, self.width))
        if schema:
            self.say("", *schema.splitlines())
        self.say("", *HELP)

    def read_query(self) -> str:
        """Lines until one ends with ';' or an empty line ends a non-empty query; a line
        starting with '.' is a command on its own."""
        lines: list[str] = []
        while True:
            line = self.read("sql> " if not lines else "...> ")
            if not lines and line.strip().startswith("."):
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
        self.say(
            "Reference solution:", *("  " + line for line in card.solution.strip().splitlines())
        )
        self.say(*wrap(card.a, self.width, "  "))
        if card.explain:
            self.say(*wrap(card.explain, self.width, "  "))
