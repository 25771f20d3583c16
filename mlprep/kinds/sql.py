"""SQL cards: the tables the question needs are shown, the user's query runs in the sandbox
(mlprep.sqlsandbox) and its result is compared with the reference solution's, as in
`mlprep sql`: right at the first try is Good, right after a wrong try Hard, giving up (an empty
query) or three wrong tries Again. A query the sandbox refuses or stops (too slow, writes, bad
SQL) counts as a try, with the reason in one line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlprep.kinds import Kind, KindContext, Outcome, UnusableCard, Verdict
from mlprep.model import Card, Grade

if TYPE_CHECKING:
    from mlprep.sessions.ports import AskPrompter
    from mlprep.sqlsandbox import SampleDatabase, SqlError

# mlprep.sqlsandbox (and SQLite) is imported when an SQL card is asked, not by every session

MAX_TRIES = 3


def error_line(error: SqlError) -> str:
    reason = error.message.rstrip(".")
    return f"Error: {reason}{'' if reason.endswith('?') else '.'}"


class SqlKind(Kind):
    name = "sql"
    label = "SQL"

    def front(self, card: Card, prompter: AskPrompter) -> None:
        prompter.show_schema(_database(card).schema_for(card))

    def attempt(self, card: Card, prompter: AskPrompter, ctx: KindContext) -> Outcome:
        from mlprep.sqlsandbox import SOLUTION_TIME_LIMIT, UNORDERED, SqlError, judge

        database = _database(card)
        try:
            expected = database.run(card.solution, time_limit=SOLUTION_TIME_LIMIT)
        except SqlError as error:  # (a user deck's card: the built-in solutions are tested)
            raise UnusableCard(
                card, f"its reference solution does not run: {error.message}"
            ) from None
        prompter.show_schema(database.schema_for(card))
        tries = 1 if ctx.collect_only else MAX_TRIES
        attempts = 0
        query = ""
        while attempts < tries:
            typed = prompter.ask_query().strip()
            if not typed:
                break  # gave up
            query = typed
            attempts += 1
            try:
                actual = database.run(query, time_limit=ctx.sql_time_limit)
            except SqlError as error:
                if ctx.collect_only:
                    return Outcome(query, _wrong((error_line(error),)), attempts=attempts)
                left = tries - attempts
                more = f" {left} more tr{'y' if left == 1 else 'ies'} (empty to give up)."
                prompter.notice(error_line(error) + (more if left else ""))
                continue
            comparison = judge(expected, actual, card.ordered, query)
            if comparison.match:
                if not ctx.collect_only:
                    prompter.show_rows("Correct! Your result:", actual)
                grade = Grade.GOOD if attempts == 1 else Grade.HARD
                said = ("Correct: the result matches the reference.",) if ctx.collect_only else ()
                return Outcome(query, Verdict(True, grade, feedback=said), attempts=attempts)
            if ctx.collect_only and comparison.unordered:
                return Outcome(query, _wrong((UNORDERED,)), attempts=attempts)
            if ctx.collect_only:
                problem = (
                    comparison.column_problem
                    or comparison.name_problem
                    or comparison.type_problem
                    or "the rows differ from the reference"
                )
                return Outcome(query, _wrong((f"Result: {problem}.",)), attempts=attempts)
            prompter.show_mismatch(expected, actual, comparison)
            left = tries - attempts
            if left:  # (as after an error: a wrong result used a try too)
                prompter.notice(f"{left} more tr{'y' if left == 1 else 'ies'} (empty to give up).")
        if not query:
            return Outcome(query, _wrong(("No query given.",)))
        tries_text = f"{attempts} tr{'y' if attempts == 1 else 'ies'}"
        return Outcome(query, _wrong((f"Not solved in {tries_text}.",)), attempts=attempts)

    def feedback(self, card: Card, prompter: AskPrompter, outcome: Outcome) -> None:
        for line in outcome.verdict.feedback:
            prompter.notice(line)
        if not outcome.verdict.correct:
            self.reveal(card, prompter, outcome)

    def reveal(self, card: Card, prompter: AskPrompter, outcome: Outcome | None = None) -> None:
        from mlprep.sqlsandbox import SOLUTION_TIME_LIMIT, SampleDatabase, SqlError

        prompter.show_code("Reference solution:", card.solution.strip())
        try:
            result = SampleDatabase.named(card.db).run(
                card.solution, time_limit=SOLUTION_TIME_LIMIT
            )
        except SqlError as error:
            prompter.notice(error_line(error))
        else:
            prompter.show_rows("Its result:", result)
        prompter.show_answer(card)


def _database(card: Card) -> SampleDatabase:
    """The card's sample database; one it names that does not exist makes it unusable."""
    from mlprep.sqlsandbox import SampleDatabase, UnknownDatabase

    try:
        return SampleDatabase.named(card.db)
    except UnknownDatabase as error:
        raise UnusableCard(card, error.message) from None


def _wrong(feedback: tuple[str, ...]) -> Verdict:
    return Verdict(False, Grade.AGAIN, feedback=feedback)


__all__ = ["SqlKind"]
