"""A coding-drill session: show the drill, let the user edit their file, run the tests, and
grade by outcome: right the first time is Good, right after retries Hard, revealed Again.

The session talks to a CodePrompter (showing, editing, asking what next) and a checker; it
never touches a terminal or a process itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from mlprep.coderun import Verdict
from mlprep.drillfile import ensure_stub, file_trouble, grade_for, journal
from mlprep.errors import UsageError
from mlprep.model import Card, Grade
from mlprep.scheduler import CardState
from mlprep.sessions.base import (
    SessionContext,
    SessionResult,
    Stop,
    comes_back,
    stopped_line,
    until_stopped,
)
from mlprep.sessions.ports import ProgressView, Recorder

Check = Callable[[Card, Path], Verdict]
Pick = Callable[[ProgressView, datetime], Sequence[Card]]

RETRY, REVEAL, NEXT, QUIT = "retry", "reveal", "next", "quit"


class CodePrompter(Protocol):
    def show_drill(self, card: Card, path: Path, position: int, total: int) -> None: ...

    def edit(self, path: Path) -> None:
        """Let the user change the file (an editor, or Enter once they are done)."""

    def show_verdict(self, verdict: Verdict) -> None: ...

    def next_step(self) -> str:
        """RETRY, REVEAL, NEXT or QUIT."""

    def show_answer(self, card: Card) -> None: ...

    def notice(self, message: str) -> None: ...
    def after_ctrl_c(self) -> None:
        """A Ctrl-C came where nothing was reading (the tests running): the next line starts
        clean (a terminal echoed "^C" there)."""


@dataclass(frozen=True)
class DrillResult:
    card: Card
    grade: Grade | None  # None: skipped, nothing recorded
    attempts: int


@dataclass
class CodeResult(SessionResult):
    results: list[DrillResult] = field(default_factory=list)

    def count(self, grade: Grade) -> int:
        return sum(r.grade == grade for r in self.results)

    def summary(self) -> list[str]:
        return summary_lines(self)


def drill_one(
    card: Card,
    path: Path,
    prompter: CodePrompter,
    check: Check,
    recorder: Recorder,
    clock: Callable[[], float] = time.monotonic,
    tries: list[int] | None = None,
) -> tuple[Grade | None, int, bool]:
    """One drill until it passes, is revealed, skipped or the user quits:
    (grade recorded or None, attempts, quit). `tries` holds the attempts so far as they are
    made (a stop by Ctrl-C or Ctrl-D leaves the return value unmade)."""
    started = clock()
    attempts = 0
    while True:
        prompter.edit(path)
        prompter.notice("Running the tests...")  # (a slow answer takes seconds)
        try:
            verdict = check(card, path)
        except KeyboardInterrupt:
            prompter.after_ctrl_c()
            raise
        except UsageError as error:
            # the file removed or replaced meanwhile (an editor's rename, a mistake): said,
            # then the next step is asked as after a failed run (it ended the session)
            prompter.notice(file_trouble(path, error))
            verdict = None
        if verdict is not None and not verdict.not_implemented:
            attempts += 1  # an untouched stub is not an attempt
            if tries is not None:
                tries.append(attempts)
        if verdict is not None:
            prompter.show_verdict(verdict)
        if verdict is not None and verdict.passed:
            grade = grade_for(attempts)
            state = recorder.record(card, grade, int((clock() - started) * 1000), journal(path))
            prompter.notice(_recorded(grade, state, recorder))
            return grade, attempts, False
        step = prompter.next_step()
        if step == REVEAL:
            state = recorder.record(
                card, Grade.AGAIN, int((clock() - started) * 1000), journal(path)
            )
            prompter.show_answer(card)
            prompter.notice(_recorded(Grade.AGAIN, state, recorder))
            return Grade.AGAIN, attempts, False
        if step in (NEXT, QUIT):
            return None, attempts, step == QUIT


def _recorded(grade: Grade, state: CardState | None, recorder: Recorder) -> str:
    """'Recorded: Good. Comes back in 10 minutes.' (when, as quiz and review say it)."""
    back = comes_back(state) if recorder.reschedules else ""
    return f"Recorded: {grade.label}." + (f" {back}" if back else "")


def run_code_session(
    cards: Sequence[Card],
    prompter: CodePrompter,
    check: Check,
    recorder: Recorder,
    stub_dir: Path,
    clock: Callable[[], float] = time.monotonic,
) -> CodeResult:
    result = CodeResult(planned=len(cards))
    with until_stopped(result):
        for position, card in enumerate(cards, start=1):
            path = ensure_stub(card, stub_dir)
            prompter.show_drill(card, path, position, len(cards))
            tries: list[int] = []
            try:
                grade, attempts, quit_ = drill_one(
                    card, path, prompter, check, recorder, clock, tries
                )
            except (KeyboardInterrupt, EOFError):
                # (stopped in the middle of it: counted as failed if it was tried)
                result.results.append(DrillResult(card, None, tries[-1] if tries else 0))
                raise
            result.results.append(DrillResult(card, grade, attempts))
            if quit_:
                result.stopped = Stop.QUIT
                break
    return result


@dataclass
class CodeSession:
    """`mlprep code`: drills chosen when the session starts (`pick` sees the progress), each
    edited in the user's editor and graded by its tests."""

    pick: Pick
    check: Check
    stub_dir: Path
    mode: str = "code"
    reschedules: bool = True

    def run(
        self, prompter: CodePrompter, recorder: Recorder, context: SessionContext
    ) -> CodeResult:
        cards = self.pick(context.progress, context.now())
        return run_code_session(cards, prompter, self.check, recorder, self.stub_dir, context.clock)


def summary_lines(result: CodeResult) -> list[str]:
    done = [r for r in result.results if r.grade is not None]
    if not result.planned:
        return ["No coding drill is due. Name one, e.g. mlprep code coding-softmax."]
    # ("" first: a stop may come in the middle of a prompt's line, after its "^C")
    stopped = [""] if result.stopped and result.stopped is not Stop.QUIT else []
    if result.stopped:
        # (the drills never shown: the one stopped at is counted below, with its outcome)
        left = result.planned - len(result.results)
        unreached = (
            f" with {left} of {result.planned} drill{'s' * (result.planned != 1)} not reached"
            if left
            else ""
        )
        stopped.append(stopped_line(result.stopped, "graded drills", bool(done), unreached))
    if not result.results:
        return [*stopped, "No drills done."]
    parts = [
        f"{result.count(g)} {g.label}"
        for g in (Grade.GOOD, Grade.HARD, Grade.AGAIN)
        if result.count(g)
    ]
    # left ungraded: after a failed run (tried), or before any run of the user's code
    failed = sum(1 for r in result.results if r.grade is None and r.attempts)
    skipped = len(result.results) - len(done) - failed
    if failed:
        parts.append(f"{failed} failed (not recorded)")
    if skipped:
        parts.append(f"{skipped} skipped")
    noun = "drill" if len(result.results) == 1 else "drills"
    return [*stopped, f"{len(result.results)} {noun}: {', '.join(parts)}."]
