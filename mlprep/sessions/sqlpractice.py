"""SQL practice: write a query, run it in the sandbox, compare it with the reference result.

Queries run freely: only a *try* counts, and a try is a query whose result has the
reference's shape (the same number of columns). Errors, refused queries, results of another
shape and queries run with `.run` are exploring and cost nothing. Right on the first try is
Good, right after a wrong try is Hard, giving up (.answer) is Again; a skipped question is not
graded. Every outcome goes to the scheduler as it happens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from mlprep.inline import without_marks
from mlprep.kinds.sql import error_line
from mlprep.model import Card, Grade
from mlprep.sessions.base import (
    SessionContext,
    SessionResult,
    Stop,
    comes_back,
    duration,
    stopped_line,
    until_stopped,
)
from mlprep.sessions.ports import Recorder
from mlprep.sqlsandbox import (
    SOLUTION_TIME_LIMIT,
    Comparison,
    QueryResult,
    SampleDatabase,
    SqlError,
    judge,
)

COMMANDS = (".tables", ".schema", ".run", ".hint", ".answer", ".skip", ".quit")
# what people type to leave other shells (psql's \q, a Python prompt's exit)
_LEAVING_WORDS = frozenset({"q", "quit", "exit", "\\q", "exit()", "quit()", ":q"})


class SqlPrompter(Protocol):
    def show_sql_question(self, card: Card, position: int, total: int, schema: str) -> None: ...
    def read_query(self) -> str: ...
    def notice(self, message: str) -> None: ...
    def show_schema(self, schema: str) -> None: ...
    def show_rows(self, title: str, result: QueryResult) -> None: ...
    def show_mismatch(
        self, expected: QueryResult, actual: QueryResult, comparison: Comparison
    ) -> None: ...
    def show_solution(self, card: Card) -> None: ...
    def use_database(self, database: SampleDatabase) -> None: ...
    def after_ctrl_c(self) -> None:
        """A Ctrl-C came where nothing was reading (a query running): the next line starts
        clean (a terminal echoed "^C" there)."""


@dataclass
class SqlOutcome:
    card: Card
    grade: Grade | None  # None: skipped
    attempts: int
    query: str = ""  # the last query run
    hinted: bool = False  # a hint was shown before it was answered


@dataclass
class SqlResult(SessionResult):
    outcomes: list[SqlOutcome] = field(default_factory=list)

    def summary(self) -> list[str]:
        outcomes = self.outcomes
        lines = [""]
        if self.stopped:
            saved = any(o.grade is not None for o in outcomes)
            lines.append(stopped_line(self.stopped, "results", saved))
        first = sum(o.grade is Grade.GOOD for o in outcomes)
        later = sum(o.grade is Grade.HARD and not o.hinted for o in outcomes)
        hinted = sum(o.grade is Grade.HARD and o.hinted for o in outcomes)
        revealed = sum(o.grade is Grade.AGAIN for o in outcomes)
        skipped = sum(o.grade is None for o in outcomes)
        questions = f"question{'s' * (self.planned != 1)}"
        lines.append(f"{len(outcomes)} of {self.planned} {questions} in {duration(self.seconds)}:")
        lines.append(
            f"Right: {first} first time, {later} after a retry, {hinted} with a hint; "
            f"{revealed} revealed, {skipped} skipped."
        )
        return lines


def practise_card(card: Card, prompter: SqlPrompter, time_limit: float) -> SqlOutcome:
    """One question until it is answered right (Hard after a retry or a hint), revealed
    (Again), skipped (no grade) or quit."""
    database = SampleDatabase.named(card.db)
    expected = database.run(card.solution, time_limit=max(time_limit, SOLUTION_TIME_LIMIT))
    prompter.use_database(database)
    attempts = 0
    last = ""
    hinted = False
    while True:
        query = prompter.read_query().strip()
        command = query.split()[0].lower() if query.startswith(".") else None
        if command == ".quit":
            raise _Quit
        if command == ".skip":
            return SqlOutcome(card, None, attempts, last, hinted)
        if command == ".answer":
            prompter.show_solution(card)
            prompter.show_rows("Its result:", expected)  # (as flash, mock and review show it)
            return SqlOutcome(card, Grade.AGAIN, attempts, last, hinted)
        if command == ".hint":
            prompter.notice("Hint: " + without_marks(hint_text(card.a)))
            hinted = True  # (right after a hint is not right unaided: Hard at best)
            continue
        if command == ".tables":
            prompter.notice("Tables: " + ", ".join(database.tables()))
            continue
        if command == ".schema":
            parts = query.split()
            try:
                # (as statements, not a paragraph of prose)
                prompter.show_schema(database.schema(parts[1] if len(parts) > 1 else None))
            except SqlError as error:
                prompter.notice(f"Error: {error.message}")
            continue
        exploring = command == ".run"
        if exploring:
            query = query[len(".run") :].strip()
            if not query:
                prompter.notice("Give .run the query to run: .run SELECT ...")
                continue
        elif command is not None:
            prompter.notice(f"Unknown command {command}; try {', '.join(COMMANDS)}.")
            continue
        if not query:
            continue
        if query.rstrip(";").strip().lower() in _LEAVING_WORDS:
            # ("quit" was SQLite's "near "quit": syntax error", with no word of .quit)
            prompter.notice("To leave, type .quit (or press Ctrl-D).")
            continue
        try:
            actual = database.run(query, time_limit=time_limit)
        except SqlError as error:
            prompter.notice(f"{error_line(error)} Not counted as a try.")
            continue
        except KeyboardInterrupt:
            # Ctrl-C while a query runs stops the query, as psql's does; at the prompt, it
            # still ends the session
            prompter.after_ctrl_c()
            prompter.notice("Query stopped (Ctrl-C). Not counted as a try.")
            continue
        if exploring or len(actual.columns) != len(expected.columns):
            prompter.show_rows(_explored(len(expected.columns), exploring), actual)
            continue
        attempts += 1
        last = query
        comparison = judge(expected, actual, card.ordered, query)
        if comparison.match:
            prompter.show_rows("Correct! Your result:", actual)
            grade = Grade.GOOD if attempts == 1 and not hinted else Grade.HARD
            return SqlOutcome(card, grade, attempts, last, hinted)
        prompter.show_mismatch(expected, actual, comparison)


def _explored(columns: int, asked: bool) -> str:
    if asked:
        return "Your result (.run: not checked, not counted):"
    plural = "s" if columns != 1 else ""
    return f"Your result (not checked: the answer has {columns} column{plural}):"


def first_sentence(text: str) -> str:
    """The approach without the numbers that follow it: the answer's first sentence (ended by
    ".", ";" or ":" outside parentheses: "(anchor id = 1; step: ...)" goes on)."""
    line = " ".join(text.split())
    depth = 0
    for at, char in enumerate(line):
        depth += (char == "(") - (char == ")")
        if char in ".;:" and depth <= 0 and line[at + 1 : at + 2] in ("", " "):
            return line[:at] + "."  # (a sentence, though it went on after ";" or ":")
    return line


# a result in the answer's words: a bold value ("**4.96**"), a count in parentheses ("(20)")
_BOLD_VALUE = re.compile(r"\*\*[^*]*\d[^*]*\*\*")
_COUNT = re.compile(r"\s*\(\s*[\d.,]+\s*\)")


def hint_text(answer: str) -> str:
    """The hint: the answer's first sentence, with the results it states left out (a hint
    that said "so one SELECT gives 134, 18 and 2" gave the answer away)."""
    hint = _BOLD_VALUE.sub("…", first_sentence(answer)).replace(" (…)", "")
    return _COUNT.sub("", hint).replace("….", "…")


class _Quit(Exception):
    pass


def run_sql_practice(
    cards: Sequence[Card],
    prompter: SqlPrompter,
    recorder: Recorder,
    context: SessionContext,
) -> SqlResult:
    result = SqlResult(planned=len(cards))
    clock = context.clock
    started = clock()
    with until_stopped(result):
        try:
            for position, card in enumerate(cards, start=1):
                schema = SampleDatabase.named(card.db).schema_for(card)
                prompter.show_sql_question(card, position, len(cards), schema)
                asked = clock()
                outcome = practise_card(card, prompter, context.sql_time_limit)
                if outcome.grade is not None:
                    state = recorder.record(
                        card, outcome.grade, round((clock() - asked) * 1000), outcome.query or None
                    )
                    if recorder.reschedules and state is not None:  # (as quiz and review say)
                        prompter.notice(comes_back(state))
                result.outcomes.append(outcome)
        except _Quit:
            result.stopped = Stop.QUIT
    result.seconds = clock() - started
    return result


@dataclass
class SqlSession:
    cards: Sequence[Card]
    mode: str = "sql"
    reschedules: bool = True

    def run(self, prompter, recorder: Recorder, context: SessionContext) -> SqlResult:
        return run_sql_practice(self.cards, prompter, recorder, context)
