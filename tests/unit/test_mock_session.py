"""Mock interview logic: question choice, the deadline, grading after the end."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

from mlprep.model import Card, Grade
from mlprep.scheduler import Scheduler
from mlprep.sessions.base import SessionContext, Stop
from mlprep.sessions.mock import pick_questions, run_mock, weakness
from tests.conftest import fake_clock
from tests.fakes import MemoryRecorder


class Progress:
    def __init__(self, states, scheduler):
        self.states, self.scheduler = states, scheduler

    def retrievability(self, state, now):
        return self.scheduler.retrievability(state, now)

    def events(self):
        return []


NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)


def card(deck, number, **extra):
    return Card(
        id=f"{deck}-{number}", q=f"{deck} question {number}?", a="answer", deck=deck, **extra
    )


class Interviewee:
    def __init__(self, answers, grades):
        self.answers, self.grades, self.shown = list(answers), list(grades), []

    def show_mock_question(self, card, position, total, seconds_left):
        self.shown.append((card.id, round(seconds_left)))

    def ask_open(self, later=False):
        assert later
        return self.answers.pop(0)

    def show_transcript_item(self, card, answer, position, total):
        self.shown.append(("transcript", card.id, answer))

    def ask_grade(self, preview="", suggested=None):
        return self.grades.pop(0)

    def show_answer(self, card):
        self.shown.append(("answer", card.id))

    def notice(self, message):
        self.shown.append(message)


def test_weak_cards_are_picked_more_often_and_topics_alternate():
    scheduler = Scheduler()
    cards = [card("a", i) for i in range(10)] + [card("b", i) for i in range(10)]
    lapsed = scheduler.review(None, "a-0", 4, NOW - timedelta(days=60))
    lapsed = scheduler.review(lapsed, "a-0", 1, NOW - timedelta(days=30))
    states = {"a-0": lapsed}
    progress = Progress(states, scheduler)
    assert weakness(lapsed, progress, NOW) > weakness(None, progress, NOW) == 1.5
    # missed while still being learned (no lapse, just answered): weaker than an unseen card,
    # and than one answered Good
    missed = scheduler.review(None, "a-1", 1, NOW - timedelta(minutes=5))
    known = scheduler.review(None, "a-2", 3, NOW - timedelta(minutes=5))
    assert weakness(missed, progress, NOW) > 1.5 * weakness(None, progress, NOW)
    assert weakness(missed, progress, NOW) > weakness(known, progress, NOW)
    picks = Counter()
    for seed in range(400):
        chosen = pick_questions(cards, progress, NOW, 4, random.Random(seed))
        picks.update(c.id for c in chosen)
        decks = [c.deck for c in chosen]
        repeats = sum(x == y for x, y in zip(decks, decks[1:], strict=False))
        most = max(Counter(decks).values())
        assert repeats == max(0, 2 * most - len(decks) - 1)  # as alternating as possible
    assert picks["a-0"] > max(count for cid, count in picks.items() if cid != "a-0")


def test_every_kind_of_card_may_be_asked_in_an_interview():
    from mlprep.model import CardType, Choice

    cards = [
        card("a", 1, choices=(Choice("x", True), Choice("y"))),
        card("a", 2, type=CardType.SQL, db="shop", solution="SELECT 1"),
        card("a", 3),
    ]
    progress = Progress({}, Scheduler())
    chosen = pick_questions(cards, progress, NOW, 5, random.Random(1))
    assert sorted(c.id for c in chosen) == ["a-1", "a-2", "a-3"]


def test_the_deadline_ends_the_interview_and_answers_are_graded_after():
    cards = [card("a", i) for i in range(5)]
    person = Interviewee(["first", "second", "third"], [Grade.GOOD, Grade.AGAIN])
    recorder = MemoryRecorder()
    # the fake clock advances 10 s per read, three reads a question: the 1-minute interview
    # ends before question 3
    context = SessionContext(now=lambda: NOW, clock=fake_clock(10))
    result = run_mock(cards, person, recorder, 1, context)
    recorded = recorder.grades
    assert result.stopped == Stop.TIME_UP
    assert [a.answer for a in result.answers] == ["first", "second"]
    assert [(cid, g) for cid, g, _ in recorded] == [("a-0", Grade.GOOD), ("a-1", Grade.AGAIN)]
    assert ("transcript", "a-0", "first") in person.shown
    assert result.scorecard() == [("a", 2, 1, 2.0)]


def test_a_weak_card_has_a_place_among_thousands_unseen():
    """Weights alone gave a card missed while learning its share among 1,400 unseen cards:
    it almost never came up in a mock."""
    scheduler = Scheduler()
    cards = [card("a", i) for i in range(1400)]
    missed = scheduler.review(None, "a-7", 1, NOW - timedelta(minutes=5))
    progress = Progress({"a-7": missed}, scheduler)
    picked = [
        "a-7" in {c.id for c in pick_questions(cards, progress, NOW, 3, random.Random(seed))}
        for seed in range(20)
    ]
    assert all(picked)
    no_weak = Progress({}, scheduler)
    assert len(pick_questions(cards, no_weak, NOW, 3, random.Random(0))) == 3


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class SlowTypist(Interviewee):
    """Answers take `typing` seconds; the keys typed on once it has ended take 3 s to drop."""

    def __init__(self, clock, typing, answers, grades, stop=None):
        super().__init__(answers, grades)
        self.clock, self.typing, self.stop = clock, typing, stop

    def ask_open(self, later=False):
        self.clock.now += self.typing
        if self.stop:
            raise self.stop
        return super().ask_open(later)

    def settle_input(self):
        self.clock.now += 3.0


def test_the_time_taken_is_the_interviews_not_the_wait_for_typing_to_stop():
    """A 12-second interview said it took 0m14s of 12 seconds: the time kept counting while
    the keys typed on after its end were dropped, and past the deadline in an answer."""
    clock = Clock()
    person = SlowTypist(clock, 20.0, ["past the end"], [Grade.GOOD])
    context = SessionContext(now=lambda: NOW, clock=clock)
    result = run_mock([card("a", 1), card("a", 2)], person, MemoryRecorder(), 0.2, context)
    assert result.stopped == Stop.TIME_UP and result.answers[0].cut
    assert result.seconds == 12.0

    clock = Clock()
    person = SlowTypist(clock, 5.0, [], [], stop=KeyboardInterrupt())
    context = SessionContext(now=lambda: NOW, clock=clock)
    result = run_mock([card("a", 1)], person, MemoryRecorder(), 0.2, context)
    assert result.stopped == Stop.INTERRUPTED
    assert result.seconds == 5.0


def test_an_answer_the_time_ran_out_on_before_anything_was_typed_is_no_answer():
    """A blank open answer when time ran out was graded and scheduled in a terminal (the
    transcript said "(no answer)" and asked for a grade); piped, the same was no answer."""
    clock = Clock()
    person = SlowTypist(clock, 20.0, ["   "], [Grade.GOOD])
    context = SessionContext(now=lambda: NOW, clock=clock)
    recorder = MemoryRecorder()
    result = run_mock([card("a", 1), card("a", 2)], person, recorder, 0.2, context)
    assert result.stopped == Stop.TIME_UP
    assert result.answers == [] and recorder.recorded == []
    assert person.grades == [Grade.GOOD]  # (no grade was asked)


class CtrlCTypist(Interviewee):
    """Ends the interview with Ctrl-C during an answer, as the terminal's timed prompt does:
    the text typed so far comes back and `ended_early` is set."""

    ended_early = False

    def ask_open(self, later=False):
        answer = super().ask_open(later)
        self.ended_early = True
        return answer


def test_an_answer_ctrl_c_ended_before_anything_was_typed_is_no_answer():
    context = SessionContext(now=lambda: NOW, clock=Clock())
    result = run_mock([card("a", 1)], CtrlCTypist([""], []), MemoryRecorder(), 5, context)
    assert result.stopped == Stop.INTERRUPTED and result.answers == []

    context = SessionContext(now=lambda: NOW, clock=Clock())
    person = CtrlCTypist(["half an answer"], [Grade.HARD])
    result = run_mock([card("a", 1)], person, MemoryRecorder(), 5, context)
    assert [item.answer for item in result.answers] == ["half an answer"]
    assert result.stopped == Stop.QUIT


def test_a_topic_with_no_grade_has_no_mean_in_the_scorecard_or_the_transcript():
    """An answered but ungraded topic showed "-" on screen and 0.0 in the saved transcript,
    a mean no grade from 1 to 4 can give."""
    from mlprep.sessions.mock import MockAnswer, MockResult, scorecard_lines
    from mlprep.ui.text import mock_markdown

    result = MockResult(planned=2, seconds=30.0, started_at="2026-12-07T09:00:00", minutes=1)
    result.answers = [
        MockAnswer(card("a", 1), "graded", 10.0, Grade.GOOD),
        MockAnswer(card("b", 1), "left ungraded", 10.0),
    ]
    assert result.scorecard() == [("a", 1, 1, 3.0), ("b", 1, 0, None)]
    assert scorecard_lines(result)[1:] == [
        "a              1      1         3.0",
        "b              1      0           -",
    ]
    markdown = mock_markdown(result)
    assert "| a | 1 | 1 | 3.0 |\n| b | 1 | 0 | - |\n" in markdown
