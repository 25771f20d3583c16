"""Coding drills in review, quiz and drill: the drill, its signature and the path of the
user's file are shown; the user edits the file in their own editor and presses Enter, and the
drill's tests run (mlprep.coderun). Passing at the first run is Good, after failed runs Hard;
asking for the answer is Again. `mlprep code` does the same with the editor opened for you.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from mlprep.errors import MlprepError, UsageError
from mlprep.kinds import Kind, KindContext, Outcome, Verdict
from mlprep.model import Card, Grade
from mlprep.textsafe import printable

if TYPE_CHECKING:
    from mlprep.sessions.ports import AskPrompter


# what shows the answer at the drill's prompt ("a", as the prompt says, or the word)
_ANSWER_WORDS = frozenset({"a", "answer"})


class CodeKind(Kind):
    name = "code"
    label = "coding drill"
    in_mock = False  # written in an editor, not answered aloud

    def front(self, card: Card, prompter: AskPrompter) -> None:
        prompter.notice(f"Write: def {card.signature.strip()}")

    def attempt(self, card: Card, prompter: AskPrompter, ctx: KindContext) -> Outcome:
        from mlprep.coderun import UntrustedDeck, check_card, runs_tests, verdict_lines
        from mlprep.drillfile import ensure_stub, file_trouble, grade_for
        from mlprep.drillfile import journal as _journal

        if ctx.collect_only or ctx.code_dir is None:
            return Outcome(prompter.ask_open(later=ctx.collect_only), Verdict(None))
        path = ensure_stub(card, ctx.code_dir)
        prompter.notice(f"Write: def {card.signature.strip()}")
        shown = printable(path)
        where = f"File:  {shown}"
        # a path is never broken across lines; a long one goes on a line of its own
        prompter.notice(where if len(where) <= 78 else f"File:\n  {shown}")
        attempts = 0
        while True:
            typed = prompter.ask_line(
                "Edit the file, save it; Enter runs the tests, a + Enter shows the answer: "
            ).strip()
            if typed and typed.lower() not in _ANSWER_WORDS:
                # (anything else ran the tests: "s" to skip, say, looked like it did nothing)
                prompter.notice(
                    "Enter runs the tests; a + Enter shows the answer (recorded as Again)."
                )
                continue
            if typed:
                feedback = ("Answer shown: recorded as Again.",)
                return Outcome(
                    _journal(path),
                    Verdict(False, Grade.AGAIN, feedback=feedback),
                    attempts=attempts,
                )
            if runs_tests(card, ctx.trust_deck):  # (a slow answer takes seconds)
                prompter.notice("Running the tests...")
            try:
                verdict = check_card(card, path, trusted=ctx.trust_deck)
            except UntrustedDeck:
                for line in (
                    "This drill comes from a deck that is not built in: its tests are code and run",
                    "only with --trust-deck (as in `mlprep review --trust-deck`). Grade yourself",
                    "this time.",
                ):
                    prompter.notice(line)
                return Outcome(_journal(path), Verdict(None), attempts=attempts)
            except UsageError as error:
                if path.is_file():
                    raise
                # the file removed or replaced meanwhile: said, to put right and run again
                prompter.notice(file_trouble(path, error))
                continue
            except MlprepError as error:  # numpy missing
                for line in textwrap.wrap(f"{error.message} Grade yourself this time.", 78):
                    prompter.notice(line)
                return Outcome(_journal(path), Verdict(None), attempts=attempts)
            if not verdict.not_implemented:
                attempts += 1  # an untouched stub is not an attempt
            for line in verdict_lines(verdict, prompter.width):
                prompter.notice(line)
            if verdict.passed:
                return Outcome(
                    _journal(path), Verdict(True, grade_for(attempts)), attempts=max(1, attempts)
                )

    def feedback(self, card: Card, prompter: AskPrompter, outcome: Outcome) -> None:
        for line in outcome.verdict.feedback:
            prompter.notice(line)
        if not outcome.verdict.correct:
            self.reveal(card, prompter, outcome)
