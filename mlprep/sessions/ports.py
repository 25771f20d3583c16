"""The ports of a study session: what it needs from a person (Prompter) and from the progress
store (Recorder, ProgressView). Sessions and card kinds depend on these protocols only; `ui`
implements the prompters, `sessions.recording` the recorder, `cli.session` wires them.

Prompter contract (both the plain and the interactive prompter):
- every `ask_*`/`choose`/`read_*` call raises KeyboardInterrupt on Ctrl-C and EOFError at the
  end of input; sessions turn those into a `Stop`;
- deck text is shown as text, never as terminal markup;
- `notice` prints one message as it is (summaries, feedback lines, "comes back in ...").

Recorder contract: `record(card, grade, ms, answer=None, suggested=None)` appends one event
to the review log (fsynced) and returns the card's state afterwards; in a mode that does not
reschedule (drill) the event is logged and the state is unchanged. `answer` is what the user
answered, as text (the store bounds and cleans it); `suggested` is a grader's suggested grade
for a self-graded answer. `undo_last()` cancels this session's latest answer and returns the
card id it was for. `preview(card)` gives, per grade, when the card would come back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from mlprep.model import Card, Grade

if TYPE_CHECKING:
    from mlprep.cardparts import Choice
    from mlprep.reviewlog import ReviewEvent
    from mlprep.scheduler import CardState, StateColumns
    from mlprep.sqlsandbox import Comparison, QueryResult


class TimeUp(Exception):
    """Raised (from a timer, or by a prompter that sees the deadline passed) when a mock
    interview's time runs out, even mid-answer."""


class FlashAction(Enum):
    REVEAL = "reveal"
    SKIP = "skip"
    UNDO = "undo"
    QUIT = "quit"


class AskPrompter(Protocol):
    """What a card kind needs to ask a card, give feedback and reveal the reference."""

    @property
    def width(self) -> int:
        """The columns a line may take now (at most 80): what a kind lays out lines of its
        own to (a drill's failing case, whose values hang under their label)."""
        ...

    def notice(self, message: str) -> None: ...

    def show_options(self, options: Sequence[str], marked: Sequence[bool] = ()) -> None:
        """Numbered options (the front of a choice card); `marked` flags the right ones."""

    def choose(self, options: Sequence[str], several: bool) -> list[int]:
        """Show the options, return zero-based indexes of the chosen ones (one unless
        `several`)."""

    def ask_number(self, later: bool = False) -> float | None:
        """A number typed; None when the user does not know it (the answer is shown then, or
        at the end with `later`: a mock interview)."""

    def ask_open(self, later: bool = False) -> str:
        """A free-text answer; empty is allowed. `later`: the reference comes at the end (mock
        interview), not right after."""

    def ask_line(self, prompt: str) -> str:
        """One line of input after `prompt` (Enter alone gives ""): a coding drill waits on it
        while the user edits their file."""

    def ask_query(self) -> str:
        """A SQL query; in plain mode lines until one ends with ';'. Empty: the user gives
        up."""

    def show_verdict(
        self, card: Card, correct: bool, shown: Sequence[Choice], feedback: Sequence[str] = ()
    ) -> None:
        """Right or wrong for an auto-graded card, then `feedback` lines, then the reference
        answer; `shown` is the options in displayed order."""

    def show_answer(self, card: Card) -> None:
        """The reference answer (and explanation, rubric) of a card."""

    def show_schema(self, schema: str) -> None:
        """The CREATE statements of the tables a SQL question needs."""

    def show_rows(self, title: str, result: QueryResult) -> None: ...

    def show_mismatch(
        self, expected: QueryResult, actual: QueryResult, comparison: Comparison
    ) -> None: ...

    def show_code(self, title: str, code: str) -> None:
        """A titled block of code (a reference solution), shown verbatim."""

    def ask_grade(self, preview: str = "", suggested: Grade | None = None) -> Grade:
        """A self-grade; `preview` tells when each grade brings the card back, `suggested`
        is the grader's suggestion (the default)."""


class Prompter(AskPrompter, Protocol):
    """Everything the study modes ask of a person: cards, flashcards and the mock interview."""

    def show_question(self, card: Card, position: int, total: int) -> None: ...

    def flash_front(self, card: Card, position: int, total: int) -> None:
        """A flashcard's header and question (the kind adds options or tables after it)."""

    def flash_key(self, can_undo: bool) -> FlashAction:
        """Wait on a flashcard's front: reveal, skip, undo or quit."""

    def flash_grade(self, can_undo: bool, preview: str = "") -> Grade | FlashAction:
        """After the answer is shown: a grade, or skip, undo or quit."""

    def show_mock_question(
        self, card: Card, position: int, total: int, seconds_left: float
    ) -> None: ...

    def show_transcript_item(self, card: Card, answer: str, position: int, total: int) -> None:
        """A mock transcript entry: the question and what the user answered."""


class Recorder(Protocol):
    """Where a session's answers go (see the module docstring)."""

    @property
    def mode(self) -> str: ...

    @property
    def reschedules(self) -> bool:
        """False when answers change no schedule (drill)."""

    def record(
        self,
        card: Card,
        grade: Grade,
        ms: int,
        answer: str | None = None,
        suggested: Grade | None = None,
    ) -> CardState | None: ...

    def undo_last(self) -> str | None: ...

    def preview(self, card: Card) -> Mapping[Grade, datetime]:
        """When each grade would bring the card back; empty when nothing is rescheduled."""


class ProgressView(Protocol):
    """Read-only progress for choosing cards: states by card id and recall predictions."""

    @property
    def states(self) -> Mapping[str, CardState]: ...

    def retrievability(self, state: CardState, now: datetime) -> float: ...

    def events(self) -> list[ReviewEvent]:
        """Every event of the review log, oldest first."""


@runtime_checkable
class StateColumnSource(Protocol):
    """Progress that can also give its states as columns (a ProgressView of a store that has
    not built its states yet): a review builds its first queue from them."""

    def state_columns(self) -> StateColumns | None:
        """The studied cards' states, column by column; None when not at hand."""
