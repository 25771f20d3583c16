"""SQL practice: write a query, run it in the sandbox, compare it with the reference result.

Right on the first try is Good, right after a wrong try is Hard, giving up (.answer) is Again;
a skipped question is not graded. Every outcome goes to the scheduler as it happens.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from mlprep.model import Card, Grade
from mlprep.sessions import until_stopped
from mlprep.sessions.quiz import Recorder
from mlprep.sqlsandbox import Comparison, QueryResult, SampleDatabase, SqlError, compare

QUIT = "quit"
COMMANDS = (".tables", ".schema", ".hint", ".answer", ".skip", ".quit")


class SqlPrompter(Protocol):
    def show_sql_question(self, card: Card, position: int, total: int, schema: str) -> None: ...
    def read_query(self) -> str: ...
    def notice(self, message: str) -> None: ...
    def show_rows(self, title: str, result: QueryResult) -> None: ...
    def show_mismatch(
        self, expected: QueryResult, actual: QueryResult, comparison: Comparison
    ) -> None: ...
    def show_solution(self, card: Card) -> None: ...


@dataclass
class SqlOutcome:
    card: Card
    grade: Grade | None  # None: skipped
    attempts: int


@dataclass
class SqlResult:
    planned: int
    outcomes: list[SqlOutcome] = field(default_factory=list)
    seconds: float = 0.0
    stopped: str | None = None


def tables_used(card: Card, database: SampleDatabase) -> list[str]:
    """The sample tables the reference solution reads: the ones a user needs to see."""
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", card.solution.lower()))
    return [table for table in database.tables() if table.lower() in words]


def practise_card(card: Card, prompter: SqlPrompter, time_limit: float) -> tuple[Grade | None, int]:
    """One question until it is answered right, revealed, skipped or quit: (grade, attempts)."""
    database = SampleDatabase.named(card.db)
    expected = database.run(card.solution, time_limit=max(time_limit, 10.0))
    attempts = 0
    while True:
        query = prompter.read_query().strip()
        command = query.split()[0].lower() if query.startswith(".") else None
        if command == ".quit":
            raise _Quit
        if command == ".skip":
            return None, attempts
        if command == ".answer":
            prompter.show_solution(card)
            return Grade.AGAIN, attempts
        if command == ".hint":
            prompter.notice("Hint: " + first_sentence(card.a))
            continue
        if command == ".tables":
            prompter.notice("Tables: " + ", ".join(database.tables()))
            continue
        if command == ".schema":
            parts = query.split()
            try:
                prompter.notice(database.schema(parts[1] if len(parts) > 1 else None))
            except SqlError as error:
                prompter.notice(f"Error: {error.message}")
            continue
        if command is not None:
            prompter.notice(f"Unknown command {command}; try {', '.join(COMMANDS)}.")
            continue
        if not query:
            continue
        attempts += 1
        try:
            actual = database.run(query, time_limit=time_limit)
        except SqlError as error:
            reason = error.message.rstrip(".")
            ending = "" if reason.endswith("?") else "."
            prompter.notice(f"Error: {reason}{ending} Try again (.hint, .answer, .skip).")
            continue
        comparison = compare(expected, actual, ordered=card.ordered)
        if comparison.match:
            prompter.show_rows("Correct! Your result:", actual)
            return (Grade.GOOD if attempts == 1 else Grade.HARD), attempts
        prompter.show_mismatch(expected, actual, comparison)


def first_sentence(text: str) -> str:
    """The approach without the numbers that follow it: the answer's first sentence."""
    match = re.match(r"(.+?[.;:])(\s|$)", " ".join(text.split()))
    return match.group(1) if match else text


class _Quit(Exception):
    pass


def run_sql_practice(
    cards: Sequence[Card],
    prompter: SqlPrompter,
    record: Recorder,
    time_limit: float = 2.0,
    clock: Callable[[], float] = time.monotonic,
) -> SqlResult:
    result = SqlResult(planned=len(cards))
    started = clock()
    with until_stopped(result):
        try:
            for position, card in enumerate(cards, start=1):
                database = SampleDatabase.named(card.db)
                schema = "\n".join(database.schema(t) for t in tables_used(card, database))
                prompter.show_sql_question(card, position, len(cards), schema)
                asked = clock()
                grade, attempts = practise_card(card, prompter, time_limit)
                if grade is not None:
                    record(card, grade, round((clock() - asked) * 1000))
                result.outcomes.append(SqlOutcome(card, grade, attempts))
        except _Quit:
            result.stopped = QUIT
    result.seconds = clock() - started
    return result
