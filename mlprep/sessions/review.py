"""The daily review: learning cards, then due reviews, then new cards, scheduled by FSRS.

New cards are drawn across the selected decks in turn (each deck's order shuffled by a seed,
so a day's review is repeatable), never one deck after another. A card answered Again (or
still in its learning steps) comes back in the same session once it is due again, or early
when nothing else is left, as in Anki.
"""

from __future__ import annotations

import itertools
import operator
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import NamedTuple, cast

from mlprep.cardindex import Selection
from mlprep.days import DAY_STARTS_TEXT, end_of_day, review_day
from mlprep.model import Card, Grade
from mlprep.scheduler import (
    LEARNING,
    RELEARNING,
    CardState,
    DueQueue,
    Limits,
    StateColumns,
    build_queue,
    done_today,
    next_due,
    queue_positions,
)
from mlprep.sessions.base import (
    CardResult,
    SessionContext,
    SessionResult,
    answer_card,
    duration,
    grade_counts,
    long_interval,
    stopped_line,
    until_stopped,
)
from mlprep.sessions.ports import ProgressView, Prompter, Recorder, StateColumnSource


@dataclass
class ReviewResult(SessionResult):
    """A review's answers and when its next card falls due."""

    results: list[CardResult] = field(default_factory=list)
    next_due: str = ""  # when the next card falls due, as a sentence

    def count(self, grade: Grade) -> int:
        return sum(r.grade == grade for r in self.results)

    def summary(self) -> list[str]:
        if not self.planned:
            return []  # nothing was due; the session said so
        answered = len(self.results)
        lines = [""]
        if self.stopped:
            lines.append(stopped_line(self.stopped, "graded answers", bool(answered)))
        grades = grade_counts([r.grade for r in self.results])
        cards = len({r.card.id for r in self.results})
        # (a card seen again in its learning steps is one card answered twice: "Reviewed 4
        # cards" for one card seen four times read as four cards)
        what = f"{cards} card{'s' * (cards != 1)}"
        if answered != cards:
            what += f" ({answered} answers)"
        lines.append(f"Reviewed {what} in {duration(self.seconds)}: {grades}.")
        if self.next_due:
            lines.append(self.next_due)
        return lines


def interleave_decks(cards: Sequence[Card], rng: random.Random) -> list[Card]:
    """Every card once, decks taking turns (each deck's cards in a seeded shuffle), so the
    first new cards of a review come from every selected deck."""
    by_deck: dict[str, list[Card]] = {}
    for deck, run in itertools.groupby(cards, key=_DECK):  # (a deck's cards come together)
        by_deck.setdefault(deck, []).extend(run)
    for deck_cards in by_deck.values():
        _shuffle(rng, deck_cards)
    order = sorted(by_deck)
    rng.shuffle(order)
    # round by round: each deck's next card, in the decks' shuffled order (None: a deck that
    # has run out of cards)
    rounds = itertools.zip_longest(*(by_deck[deck] for deck in order))
    return [card for round_ in rounds for card in round_ if card is not None]


def interleave_positions(runs: Sequence[tuple[str, int]], rng: random.Random) -> Iterator[int]:
    """interleave_decks on cards known only by position: `runs` gives each run of cards'
    deck and length, the runs laid end to end; gives every position once, in the order
    interleave_decks gives those cards (the same draws of `rng`, all drawn at once), as they
    are asked for (a review reads only as far as its new cards)."""
    by_deck: dict[str, list[int]] = {}
    start = 0
    for deck, count in runs:
        by_deck.setdefault(deck, []).extend(range(start, start + count))
        start += count
    for deck_positions in by_deck.values():
        _shuffle(rng, deck_positions)
    order = sorted(by_deck)
    rng.shuffle(order)
    rounds = itertools.zip_longest(*(by_deck[deck] for deck in order))
    return (position for round_ in rounds for position in round_ if position is not None)


_DECK = operator.attrgetter("deck")


def _shuffle(rng: random.Random, items: list) -> None:
    """rng.shuffle(items), the same draws and swaps, in a third of the time: its loop with
    the bounded draw written out (a start-up cost when a deck has thousands of cards)."""
    if type(rng) is not random.Random:
        rng.shuffle(items)
        return
    draw = rng.getrandbits
    for i in reversed(range(1, len(items))):
        bound = i + 1
        bits = bound.bit_length()
        j = draw(bits)
        while j >= bound:
            j = draw(bits)
        items[i], items[j] = items[j], items[i]


def queue_counts(queue: DueQueue, always_learning: bool = False) -> str:
    """'2 learning, 7 due, 20 new': what a review holds, in the words the home menu's entry and
    the review's first line share."""
    learning = f"{len(queue.learning)} learning, " if queue.learning or always_learning else ""
    return f"{learning}{len(queue.reviews)} due, {len(queue.new)} new"


def next_due_text(
    cards: Sequence[Card], context: SessionContext, limited: bool = True, empty: bool = False
) -> str:
    """When the next card is due, once today's queue is done or `empty` ("Nothing is due. Next
    card due tomorrow (7 due by the end of tomorrow)."), or why nothing more is asked today.
    `limited`: the queue was FSRS's within the day's limits (not an interview plan's choice)."""
    now = context.now()
    states = cast(dict, context.progress.states)
    # reviews due today that today's queue left out: its limit is used up
    tonight = end_of_day(now).timestamp()
    held = 0
    if limited:
        held = sum(
            1
            for card in cards
            if (state := states.get(card.id)) is not None
            and state.state not in (LEARNING, RELEARNING)
            and state.due_ts < tonight
        )
    if held:
        cards_are = "card is" if held == 1 else "cards are"
        return (
            f"Nothing more today: {held} {cards_are} due beyond today's limit of reviews "
            "(`mlprep review --max-reviews N` sets it)."
        )
    return ("Nothing is due. " if empty else "") + _next_card_due(cards, states, now)


def _next_card_due(cards: Sequence[Card], states: dict, now: datetime) -> str:
    """When the next of `cards` falls due after now, and how many that day."""
    upcoming = next_due(cards, states, now)
    if upcoming is None:
        if states and not any(card.id in states for card in cards):
            # (others are scheduled: these are all new, and today's new cards are used up)
            return (
                "None of these cards is scheduled yet, and no new ones are left for today "
                "(`--new` sets how many)."
            )
        return "No cards are scheduled yet: answer some with `mlprep review` or `mlprep quiz`."
    due, count = upcoming
    days = (review_day(due) - review_day(now)).days
    day = {0: "today", 1: "tomorrow"}.get(days, "that day")
    moment = when(due, now)
    by_then = f"{count} due by the end of {day}"
    if days == 1 and moment.startswith("in ") and moment.endswith(("minutes", "minute")):
        # (late at night: minutes away, yet tomorrow's; "1 due by the end of tomorrow" alone
        # read as a day away)
        by_then += f", whose day starts at {DAY_STARTS_TEXT}"
    # ("in 9 days (Sat 03 Apr)" has its parenthesis already)
    return f"Next card due {moment}" + (
        f"; {by_then}." if moment.endswith(")") else f" ({by_then})."
    )


def when(moment: datetime, now: datetime) -> str:
    """'now', 'in 10 minutes', 'in 3 hours', 'tomorrow', 'in 12 days' (review days: from
    04:00 local time, as the queue counts them)."""
    seconds = (moment - now).total_seconds()
    if seconds < 30:
        return "now"
    if seconds < 3600:
        minutes = max(1, round(seconds / 60))
        return f"in {minutes} minute{'s' * (minutes != 1)}"
    days = (review_day(moment) - review_day(now)).days
    if days == 0:
        hours = round(seconds / 3600)
        return f"in {hours} hour{'s' * (hours != 1)}"
    if days == 1:
        return "tomorrow"
    return f"in {days} days ({review_day(moment):%a %d %b})"


def run_review(
    queue: DueQueue,
    prompter: Prompter,
    recorder: Recorder,
    context: SessionContext,
    budget: DayBudget | None = None,
) -> ReviewResult:
    """Ask the queue. `budget`: an interview plan's day; once today's answers take up its
    minutes, that is said (once), with cards still to come: the plan chose the day's work by
    usual answer times, and a slower day would otherwise run on past its minutes without a
    word."""
    # the learning cards whose step has not ended come back when it does, or once nothing
    # else is left, like those answered in this review ("Comes back in 10 minutes", then a
    # review started at once asked it first, before every due and new card)
    now = context.now().timestamp()
    steps = list(zip(_due_times(queue.learning, context.progress), queue.learning, strict=True))
    again = sorted(((due, card) for due, card in steps if due > now), key=lambda pair: pair[0])
    pending = [card for due, card in steps if due <= now] + [*queue.reviews, *queue.new]
    result = ReviewResult(planned=len(queue))
    started = context.clock()
    shown = 0
    used = budget.used if budget is not None else 0.0
    told = budget is None
    if budget is not None:
        from mlprep.plan import answer_seconds  # (a review without a plan needs no planner)

        if used >= budget.minutes * 60:  # (by earlier answers today)
            told = True
            prompter.notice(budget.used_up(used))
    with until_stopped(result):
        while pending or again:
            now = context.now().timestamp()
            early = again[0][0] - now if again and not pending else 0.0
            card = _next_card(pending, again, now)
            if early > 0:  # ("Comes back in 10 minutes", then it came back at once)
                wait = long_interval(timedelta(seconds=early))
                prompter.notice(f"Back early (due in {wait}): nothing else is left to review.")
            shown += 1
            prompter.show_question(card, shown, shown + len(pending) + len(again))
            answered = answer_card(card, prompter, recorder, context)
            if answered is None:
                continue  # (unusable as it stands: said, and left due)
            result.results.append(answered)
            state = answered.state
            if state is not None and state.state in (LEARNING, RELEARNING):
                again.append((state.due_ts, card))
                again.sort(key=lambda pair: pair[0])
            if not told and budget is not None:
                used += answer_seconds(answered.seconds)
                if used >= budget.minutes * 60 and (pending or again):
                    told = True
                    prompter.notice(budget.used_up(used))
    result.seconds = context.clock() - started
    return result


class DayBudget(NamedTuple):
    """An interview plan's day, for a review: its minutes, the seconds of answers to its cards
    already given today, and what follows the day (said when the minutes are used up)."""

    minutes: int
    used: float
    after: str  # "tomorrow's plan picks up what is left."

    def used_up(self, used: float) -> str:
        """ "Today's 30 planned minutes are used up: your answers today took 32 minutes. ..." """
        took = max(1, round(used / 60))
        planned = f"{self.minutes} planned minute{'s are' if self.minutes != 1 else ' is'}"
        return (
            f"Today's {planned} used up: your answers today took {took} minute"
            f"{'s' * (took != 1)}. You can stop here; {self.after}"
        )


def _due_times(cards: Sequence[Card], progress: ProgressView) -> list[float]:
    """When each of these studied cards is due (epoch seconds), from the states' columns where
    the states are not built yet (a review's start builds none)."""
    columns = progress.state_columns() if isinstance(progress, StateColumnSource) else None
    if columns is not None:
        wanted = {card.id for card in cards}
        dues = {
            card_id: due
            for card_id, due in zip(columns.card_ids, columns.dues, strict=True)
            if card_id in wanted
        }
    else:
        states = progress.states
        dues = {card.id: states[card.id].due_ts for card in cards if card.id in states}
    return [dues.get(card.id, 0.0) for card in cards]


def _next_card(pending: list[Card], again: list[tuple[float, Card]], now: float) -> Card:
    """A learning card that is due comes first; otherwise the next queued card; when only
    learning cards remain, the soonest one (learning ahead)."""
    if again and (again[0][0] <= now or not pending):
        return again.pop(0)[1]
    return pending.pop(0)


def queue_from_columns(
    cards: Selection, columns: StateColumns, seed: int, now: datetime, limits: Limits
) -> DueQueue | None:
    """build_queue(interleave_decks(cards, Random(seed)), states, now, limits) from the cached
    decks' card ids and the states' columns, building only the queued cards: a warm start at
    10,000 cards builds neither a card nor a state it does not ask. None when a deck of
    `cards` is not a cached one (its cards are at hand anyway)."""
    indexed = cards.indexed()
    if indexed is None:
        return None
    runs, ids = indexed
    order = interleave_positions(runs, random.Random(seed))
    learning, reviews, new = queue_positions(ids, columns, now, limits, order)
    queued = cards.cards_at([*learning, *reviews, *new])
    after_learning, after_reviews = len(learning), len(learning) + len(reviews)
    return DueQueue(
        tuple(queued[:after_learning]),
        tuple(queued[after_learning:after_reviews]),
        tuple(queued[after_reviews:]),
    )


QueueBuilder = Callable[[Sequence[Card], dict[str, CardState], datetime], DueQueue]
TomorrowText = Callable[[Sequence[Card], dict[str, CardState], datetime], str]


@dataclass
class ReviewSession:
    """A spaced-repetition review of `cards`: the day's queue, asked in turn."""

    cards: Sequence[Card]
    limits: Limits = field(default_factory=Limits)
    seed: int | None = None  # orders new cards; default: the day, so a day's review repeats
    mode: str = "review"
    reschedules: bool = True
    # builds the day's queue instead of FSRS's due dates (an interview plan: plan.plan_queue)
    queue_builder: QueueBuilder | None = None
    done_notice: str = ""  # what to say when the builder has nothing for today
    # limits the user gave that also cap a builder's day (--new, --max-reviews with a plan)
    builder_limits: Limits | None = None
    # what the builder gives tomorrow, as the closing line once today's work is done (an
    # interview plan: its load for tomorrow; FSRS's next due card is not what it will ask)
    tomorrow: TomorrowText | None = None
    # the command that goes on with today's queue: this one's decks, tags and limits
    again: str = "mlprep review"
    # an interview plan's minutes a day, and the seconds of answers given today before this
    # review: said once when today's answers take them up (see run_review)
    day_budget: DayBudget | None = None

    def run(self, prompter: Prompter, recorder: Recorder, context: SessionContext) -> ReviewResult:
        now = context.now()
        seed = self.seed if self.seed is not None else review_day(now).toordinal()
        queue = self._queue(context.progress, seed, now)
        if not queue:
            whole = None
            if self.builder_limits is not None:  # (the limits given may be what left nothing)
                whole = replace(self, builder_limits=None)._queue(context.progress, seed, now)
            if whole:
                prompter.notice(
                    "Nothing within --new and --max-reviews; today's plan still holds "
                    f"{queue_counts(whole, always_learning=True)}."
                )
            else:
                prompter.notice(
                    self.done_notice
                    or next_due_text(self.cards, context, self.queue_builder is None, empty=True)
                )
            return ReviewResult()
        prompter.notice(f"Review: {queue_counts(queue, always_learning=True)}")
        result = run_review(queue, prompter, recorder, context, self.day_budget)
        left = None
        if result.stopped or self.queue_builder is not None:
            # stopped part way: what today's queue still holds, in the words of its first line
            # (the next card due after now would skip the cards already due; with a plan, the
            # plan's day, not FSRS's next due card). A plan's day is asked again even when
            # the review ran out: its answers re-time the day's work, which may now hold more
            left = self._queue(context.progress, seed, context.now())
        if left:
            counts = queue_counts(left, always_learning=True)
            if self.again == "mlprep review":
                result.next_due = f"Still to do today: {counts} (`mlprep review` goes on)."
            else:  # (a line of its own: wrapped, a copied command took a line break along)
                result.next_due = f"Still to do today: {counts}; this goes on:\n  {self.again}"
        elif self.tomorrow is not None:
            states = cast(dict, context.progress.states)
            result.next_due = self.tomorrow(self.cards, states, context.now())
        else:
            result.next_due = next_due_text(self.cards, context, self.queue_builder is None)
        return result

    def _queue(self, progress: ProgressView, seed: int, now: datetime) -> DueQueue:
        """Today's queue: the builder's, or FSRS's due cards within the limits (from the states'
        columns, when the store has not built its states yet)."""
        if self.queue_builder is None and isinstance(self.cards, Selection):
            columns = progress.state_columns() if isinstance(progress, StateColumnSource) else None
            if columns is not None:
                queue = queue_from_columns(self.cards, columns, seed, now, self.limits)
                if queue is not None:
                    return queue
        ordered = interleave_decks(self.cards, random.Random(seed))
        states = cast(dict, progress.states)
        if self.queue_builder is not None:
            queue = self.queue_builder(ordered, states, now)
            cap = self.builder_limits
            if cap is None:
                return queue
            # the caps are the day's, as without a plan: what today has had counts against them
            new_today, reviews_today = done_today(states, now)
            reviews = queue.reviews[: max(0, cap.reviews_per_day - reviews_today)]
            new = queue.new[: max(0, cap.new_per_day - new_today)]
            return DueQueue(queue.learning, reviews, new)
        return build_queue(ordered, states, now, self.limits)
