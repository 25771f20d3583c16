"""Line-based SQL practice I/O (used in terminals and pipes alike: SQL is typed as lines)."""

from __future__ import annotations

from mlprep.model import Card
from mlprep.ui.prompts import PlainPrompter
from mlprep.ui.text import side_by_side, table_lines, wrap

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

    def show_rows(self, title: str, result) -> None:
        self.say(title, *table_lines(result.columns, result.rows))

    def show_mismatch(self, expected, actual, comparison) -> None:
        self.say("Not quite.")
        if comparison.column_problem:
            self.say(f"  Columns: {comparison.column_problem}.")
        left = ["Expected (first rows)", *table_lines(expected.columns, expected.rows, limit=6)]
        right = ["Yours (first rows)", *table_lines(actual.columns, actual.rows, limit=6)]
        self.say(*side_by_side(left, right, self.width))
        if comparison.missing:
            self.say(
                f"Missing {len(comparison.missing)} row(s), e.g.:",
                *(
                    "  " + line
                    for line in table_lines(expected.columns, comparison.missing, limit=3)
                ),
            )
        if comparison.extra:
            self.say(
                f"Extra {len(comparison.extra)} row(s), e.g.:",
                *("  " + line for line in table_lines(actual.columns, comparison.extra, limit=3)),
            )
        if comparison.order_problem:
            self.say(f"Order: {comparison.order_problem}.")
        if comparison.size_problem:
            self.say(f"Size: {comparison.size_problem}.")
        self.say("Try again, or .hint / .answer / .skip.")

    def show_solution(self, card: Card) -> None:
        self.say(
            "Reference solution:", *("  " + line for line in card.solution.strip().splitlines())
        )
        self.say(*wrap(card.a, self.width, "  "))
        if card.explain:
            self.say(*wrap(card.explain, self.width, "  "))
