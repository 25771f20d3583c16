"""A timed mock interview: questions mixed across topics and weighted toward weak cards, answers
typed and kept hidden until the end, then a transcript to self-grade and a scorecard per topic.
"""

from __future__ import annotations

import contextlib
import random
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from mlprep.errors import UsageError
from mlprep.kinds import Outcome, UnusableCard, kind_of
from mlprep.model import Card, Grade
from mlprep.scheduler import CardState
from mlprep.sessions.base import (
    SessionContext,
    SessionResult,
    Stop,
    duration,
    grade_preview,
)
from mlprep.sessions.ports import ProgressView, Prompter, Recorder, TimeUp
from mlprep.textfit import mean_grade_text, time_allowed


@dataclass
class MockAnswer:
    card: Card
    answer: str
    seconds: float
    grade: Grade | None = None
    outcome: Outcome | None = None
    cut: bool = False  # time ran out while it was being typed: what was typed is the answer


@dataclass
class MockResult(SessionResult):
    id: str = ""
    started_at: str = ""
    minutes: float = 0.0
    answers: list[MockAnswer] = field(default_factory=list)

    @property
    def end_label(self) -> str:
        return str(self.stopped) if self.stopped else "finished"

    def scorecard(self) -> list[tuple[str, int, int, float | None]]:
        """Per deck: (deck, questions, graded Good or Easy, mean grade 1-4 of graded; None
        where none is graded)."""
        by_deck: dict[str, list[MockAnswer]] = defaultdict(list)
        for answer in self.answers:
            by_deck[answer.card.deck].append(answer)
        rows = []
        for deck, answers in sorted(by_deck.items()):
            grades = [a.grade for a in answers if a.grade is not None]
            good = sum(g >= Grade.GOOD for g in grades)
            mean = sum(grades) / len(grades) if grades else None
            rows.append((deck, len(answers), good, mean))
        return rows

    def summary(self) -> list[str]:
        answered = len(self.answers)
        # (the saved transcript's "quit": ended with Ctrl-C, the answers then graded)
        said = "ended early" if self.stopped is Stop.QUIT else self.end_label
        lines = [
            "",
            f"Mock interview: {answered} of {self.planned} question{'s' * (self.planned != 1)} in "
            f"{duration(self.seconds)} ({said}).",
        ]
        return lines + scorecard_lines(self)


def scorecard_lines(result: MockResult) -> list[str]:
    rows = result.scorecard()
    if not rows:
        return ["No questions were answered."]
    width = max(len("topic"), *(len(deck) for deck, *_ in rows))
    lines = [f"{'topic':<{width}}  questions  good+  mean grade"]
    for deck, asked, good, mean in rows:
        lines.append(f"{deck:<{width}}  {asked:>9}  {good:>5}  {mean_grade_text(mean):>10}")
    return lines


def weakness(state: CardState | None, progress: ProgressView, now: datetime) -> float:
    """How much a card deserves a place: unseen cards 1.5; studied cards 1 plus up to 2 for
    low predicted recall, 1 per lapse and up to 3 for FSRS's difficulty (1 to 10: a card
    missed while still being learned has no lapse and, just answered, high recall, and came
    up less often than an unseen one; its difficulty shows the miss)."""
    if state is None:
        return 1.5
    hard = (state.difficulty - 1.0) / 3.0 if state.difficulty is not None else 0.0
    return 1.0 + 2.0 * (1.0 - progress.retrievability(state, now)) + state.lapses + hard


def pick_questions(
    cards: Sequence[Card],
    progress: ProgressView,
    now: datetime,
    count: int,
    rng: random.Random,
) -> list[Card]:
    """A weighted sample without replacement (Efraimidis-Spirakis keys), then interleaved by
    deck so that consecutive questions change topic. Up to a third of the questions (at
    least one) go to weak cards (studied, weaker than an unseen card) where there are any:
    weights alone gave them a card's share among thousands unseen, and early on they almost
    never came up. Every kind of card may be asked: its kind takes the answer (options, a
    number, a query) and grades it in the transcript."""
    states = progress.states
    cards = [c for c in cards if kind_of(c).in_mock]
    weights = {c.id: weakness(states.get(c.id), progress, now) for c in cards}
    keyed = sorted(((rng.random() ** (1.0 / weights[c.id]), c.id, c) for c in cards), reverse=True)
    unseen = weakness(None, progress, now)
    weak = [item for item in keyed if item[1] in states and weights[item[1]] > unseen]
    reserved = weak[: max(1, count // 3)] if count else []
    taken = {card_id for _, card_id, _ in reserved}
    rest = [item for item in keyed if item[1] not in taken]
    chosen = [card for _, _, card in [*reserved, *rest][:count]]
    by_deck: dict[str, list[Card]] = defaultdict(list)
    for card in chosen:
        by_deck[card.deck].append(card)
    mixed = []
    while any(by_deck.values()):
        for deck in sorted(by_deck, key=lambda d: -len(by_deck[d])):
            if by_deck[deck]:
                mixed.append(by_deck[deck].pop(0))
    return mixed


@contextlib.contextmanager
def no_alarm(seconds: float) -> Iterator[None]:
    yield


def run_mock(
    cards: Sequence[Card],
    prompter: Prompter,
    recorder: Recorder,
    minutes: float,
    context: SessionContext,
    alarm: Callable[[float], contextlib.AbstractContextManager] = no_alarm,
) -> MockResult:
    """Ask until the questions or the time run out; then self-grade the transcript (answers
    a kind grades, e.g. options and queries, get their verdict there instead)."""
    clock = context.clock
    result = MockResult(
        id=uuid.uuid4().hex,
        started_at=context.now().isoformat(),
        minutes=minutes,
        planned=len(cards),
    )
    started = clock()
    deadline = started + minutes * 60
    collect = context.kind_context(collect_only=True)
    ended: float | None = None  # when it ended, before any typing on was waited out
    try:
        with alarm(minutes * 60):
            for position, card in enumerate(cards, start=1):
                left = deadline - clock()
                if left <= 0:
                    raise TimeUp
                prompter.show_mock_question(card, position, len(cards), left)
                asked = clock()
                try:
                    outcome = kind_of(card).attempt(card, prompter, collect)
                except UnusableCard as unusable:
                    prompter.notice(unusable.message)
                    continue
                answered = clock()
                ended_early = getattr(prompter, "ended_early", False)
                cut = answered >= deadline
                # an answer the interview ended before anything was typed is no answer (to grade,
                # it would schedule the card): only what was typed is kept
                if not ((cut or ended_early) and _blank(outcome.journal)):
                    result.answers.append(
                        MockAnswer(card, outcome.journal, answered - asked, None, outcome, cut)
                    )
                if cut:
                    raise TimeUp  # time ran out during this answer; what was typed is kept
                if ended_early:
                    raise KeyboardInterrupt  # Ctrl-C during this answer; what was typed is kept
    except TimeUp:
        result.stopped = Stop.TIME_UP
        ended = min(clock(), deadline)  # (an answer ended past it took the time allowed)
        prompter.notice("\nTime is up.")
        _settle(prompter)
    except KeyboardInterrupt:
        # ending the interview early still grades what was answered; Ctrl-C again leaves
        result.stopped = Stop.QUIT if result.answers else Stop.INTERRUPTED
        ended = clock()
        if result.answers:
            prompter.notice("\nInterview ended early (Ctrl-C again leaves without grading).")
        _settle(prompter)
    except EOFError:
        result.stopped = Stop.END_OF_INPUT
    result.seconds = (clock() if ended is None else ended) - started
    if not result.answers:
        return result
    # input that has ended grades nothing more, but what a kind grades itself (options,
    # numbers, queries) is graded all the same, as when the interview is ended early
    input_ended = result.stopped is Stop.END_OF_INPUT
    # (each answer's outcome is set as it is given)
    yours = any(item.outcome.verdict.grade is None for item in result.answers if item.outcome)
    if not yours:  # options, numbers and queries only: each is graded already
        prompter.notice("\nTranscript: each answer with its verdict and the reference.")
    elif input_ended:
        prompter.notice("\nTranscript: the input has ended, so answers you grade stay ungraded.")
    else:
        prompter.notice("\nTranscript: compare each answer with the reference and grade yourself.")
    asking = not input_ended  # (Ctrl-D at a grade: the rest is not asked, still recorded)
    interrupted = False  # (Ctrl-C: nothing more shown; what a kind graded is still recorded)
    for position, item in enumerate(result.answers, start=1):
        kind = kind_of(item.card)
        assert item.outcome is not None
        verdict = item.outcome.verdict
        if interrupted:
            if verdict.grade is not None:
                item.grade = verdict.grade
                _record(recorder, item, verdict)
            continue
        try:
            prompter.show_transcript_item(item.card, item.answer, position, len(result.answers))
            if item.cut:  # (as the saved transcript says it)
                prompter.notice("(time ran out while you typed it)")
            if verdict.grade is not None:
                kind.feedback(item.card, prompter, item.outcome)
                item.grade = verdict.grade
            elif not asking:
                kind.reveal(item.card, prompter, item.outcome)
                continue
            else:
                kind.reveal(item.card, prompter, item.outcome)
                preview = grade_preview(recorder, item.card, context.now())
                item.grade = prompter.ask_grade(preview, verdict.suggested)
        except EOFError:
            asking = False  # this answer and the other self-graded ones stay ungraded
            continue
        except KeyboardInterrupt:
            result.stopped = Stop.INTERRUPTED  # grades given so far are saved
            interrupted = True
            if verdict.grade is not None:  # (an options or number answer: graded all the same)
                item.grade = verdict.grade
                _record(recorder, item, verdict)
            continue
        _record(recorder, item, verdict)
    return result


def _blank(answer: object) -> bool:
    """Whether a typed answer holds nothing (an answer of another kind, such as options, never
    does)."""
    return isinstance(answer, str) and not answer.strip()


def _record(recorder: Recorder, item, verdict) -> None:
    recorder.record(
        item.card, item.grade, round(item.seconds * 1000), item.answer, suggested=verdict.suggested
    )


@dataclass
class MockSession:
    """Questions are picked when the session starts, from the progress it runs with."""

    cards: Sequence[Card]
    minutes: float
    count: int
    alarm: Callable[[float], contextlib.AbstractContextManager] = no_alarm
    mode: str = "mock"
    reschedules: bool = True

    def pick(self, context: SessionContext) -> list[Card]:
        return pick_questions(self.cards, context.progress, context.now(), self.count, context.rng)

    def run(self, prompter: Prompter, recorder: Recorder, context: SessionContext) -> MockResult:
        questions = self.pick(context)
        if not questions:
            if self.cards and not any(kind_of(card).in_mock for card in self.cards):
                raise UsageError(
                    "A mock interview asks no coding drills (they are written in an editor): "
                    "practise them with `mlprep code`."
                )
            raise UsageError("No interview questions match that selection.")
        count = len(questions)
        prompter.notice(
            f"Mock interview: {count} question{'s' * (count != 1)}, {time_allowed(self.minutes)}."
        )
        prompter.notice("Answer as you would aloud; the reference answers come at the end.")
        return run_mock(questions, prompter, recorder, self.minutes, context, self.alarm)


def _settle(prompter: object) -> None:
    """Once the interview ends mid-answer (time up, Ctrl-C), a terminal's prompter drops the
    keys still being typed, so that they reach neither the grading nor the shell."""
    settle = getattr(prompter, "settle_input", None)
    if settle is not None:
        settle()
