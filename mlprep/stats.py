"""The figures behind `mlprep stats`: per-deck counts, forecast, calendar, streak, weak spots.

Pure computation over decks, card states and review events; rendering lives in mlprep.ui.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from mlprep.model import Deck
from mlprep.scheduler import (
    LEARNING,
    MASTERED_STABILITY_DAYS,
    RELEARNING,
    CardState,
    Scheduler,
    end_of_day,
)

STATS_FORMAT = 1
FORECAST_DAYS = 30
CALENDAR_WEEKS = 26
ACCURACY_DAYS = 30
WEAKEST = 10
WEAK_RECALL = 0.9  # a learnt card below this predicted recall is a weak spot


@dataclass
class DeckStats:
    deck: str
    title: str
    cards: int
    new: int
    learning: int
    review: int
    mastered: int
    due_today: int
    recall: float | None  # mean predicted recall of the studied cards, now
    quiz_accuracy: float | None  # share of quiz answers graded Good/Easy, last 30 days
    quiz_right: int
    quiz_answers: int


@dataclass
class WeakCard:
    card: str
    deck: str
    lapses: int
    recall: float | None  # None while the card is still in (re)learning
    question: str
    state: str = "review"  # the scheduler's state: learning, relearning or review


@dataclass
class WeakTag:
    tag: str
    cards: int
    lapses: int
    recall: float | None  # mean over its cards in review; None when none are
    missed: int = 0  # cards answered wrong while first learning them (no lapse yet)


@dataclass
class Agreement:
    """How often the user's grade for an open answer matched the grader's suggestion."""

    deck: str
    graded: int  # answers that carried a suggested grade
    agreed: int

    @property
    def share(self) -> float:
        return self.agreed / self.graded if self.graded else 0.0


@dataclass
class StatsReport:
    format: int
    generated_at: str
    decks: list[DeckStats]
    total: DeckStats
    forecast: list[tuple[str, int]]  # (ISO day, cards due that day), today first
    calendar: list[tuple[str, int]]  # (ISO day, answers that day), oldest first, 26 weeks
    streak: int  # consecutive days with an answer, ending today (or yesterday)
    weakest_cards: list[WeakCard] = field(default_factory=list)
    weakest_tags: list[WeakTag] = field(default_factory=list)
    agreement: list[Agreement] = field(default_factory=list)  # decks with graded answers

    @property
    def has_progress(self) -> bool:
        return self.total.cards > self.total.new

    def to_json(self) -> dict:
        return asdict(self)


def local_day(moment: datetime) -> date:
    return moment.astimezone().date()


def local_day_of(epoch_seconds: float) -> date:
    """local_day of a UTC epoch time, without building a datetime."""
    local = time.localtime(math.floor(epoch_seconds))
    return date(local.tm_year, local.tm_mon, local.tm_mday)


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


class LocalDays:
    """local_day_of for many times (stats asks it for every studied card and every quarter
    hour with answers): the local zone's offset is looked up once per UTC day and used for
    every time in that day, unless the offset changes within the day (then each time is
    looked up)."""

    def __init__(self) -> None:
        self._offsets: dict[int, int | None] = {}  # UTC day number -> offset, None if it changes
        self._dates: dict[int, date] = {}  # local day number -> date

    def __call__(self, epoch_seconds: float) -> date:
        seconds = math.floor(epoch_seconds)
        offset = self._offset(seconds // 86400)
        if offset is None:
            return local_day_of(seconds)
        return self._date((seconds + offset) // 86400)

    def _offset(self, utc_day: int) -> int | None:
        try:
            return self._offsets[utc_day]
        except KeyError:
            start = time.localtime(utc_day * 86400).tm_gmtoff
            end = time.localtime(utc_day * 86400 + 86399).tm_gmtoff
            offset = self._offsets[utc_day] = start if start == end else None
            return offset

    def _date(self, number: int) -> date:
        day = self._dates.get(number)
        if day is None:
            day = self._dates[number] = date.fromordinal(number + _EPOCH_ORDINAL)
        return day

    def per_day(self, per_quarter: Mapping[int, int]) -> Counter[date]:
        """Counts per quarter hour (epoch seconds // QUARTER) summed per local day: what
        calling this for each quarter gives, in one loop of arithmetic (a long history has
        tens of thousands of quarter hours with answers)."""
        by_number: Counter[int] = Counter()
        by_day: Counter[date] = Counter()
        offsets = self._offsets
        for quarter, count in per_quarter.items():
            seconds = quarter * QUARTER
            utc_day = seconds // 86400
            offset = offsets[utc_day] if utc_day in offsets else self._offset(utc_day)
            if offset is None:
                by_day[local_day_of(seconds)] += count
            else:
                by_number[(seconds + offset) // 86400] += count
        for number, count in by_number.items():
            by_day[self._date(number)] += count
        return by_day


QUARTER = 900  # seconds: every time zone's offset is a multiple of a quarter hour


@dataclass
class AnswerTotals:
    """What `stats` needs from the history, per card, kept small enough to store and load fast
    whatever the length of the log: the quarter hours its answers were given in (epoch seconds
    // 900, for the calendar and streak in any time zone) and its quiz answers (epoch
    milliseconds, negative when the answer was wrong). Undone answers are not counted."""

    quarters: dict[str, list[int]] = field(default_factory=dict)
    quiz: dict[str, list[int]] = field(default_factory=dict)
    # per card, [answers the grader suggested a grade for, answers graded as it suggested]
    agreement: dict[str, list[int]] = field(default_factory=dict)

    def add(
        self, card: str, epoch_ms: int, mode: str, grade: int, suggested: int | None = None
    ) -> None:
        self.quarters.setdefault(card, []).append(epoch_ms // (QUARTER * 1000))
        if mode == "quiz":
            self.quiz.setdefault(card, []).append(epoch_ms if grade >= 3 else -epoch_ms)
        if suggested is not None:
            self.agree(card, grade == suggested)

    def agree(self, card: str, agreed: bool) -> None:
        row = self.agreement.setdefault(card, [0, 0])
        row[0] += 1
        row[1] += agreed

    def forget(self, card: str) -> None:
        self.quarters.pop(card, None)
        self.quiz.pop(card, None)
        self.agreement.pop(card, None)

    def update(self, other: AnswerTotals) -> None:
        """Take `other`'s figures for every card it has (cards that were recounted)."""
        self.quarters.update(other.quarters)
        self.quiz.update(other.quiz)
        self.agreement.update(other.agreement)

    @classmethod
    def from_events(cls, events: Iterable) -> AnswerTotals:
        """Totals of effective events (undo already applied)."""
        totals = cls()
        for event in events:
            totals.add_event(event)
        return totals

    def add_event(self, event: Any) -> None:
        """Count one effective answer (a ReviewEvent, or anything shaped like one)."""
        self.add(
            event.card,
            epoch_ms(event.when),
            event.mode,
            event.grade,
            getattr(event, "suggested", None),
        )


def in_learning(state: CardState) -> bool:
    return state.state in (LEARNING, RELEARNING)


def missed_while_learning(state: CardState) -> bool:
    """A card still on its first learning steps whose last answer sent it back to the first
    step: answered wrong before it was ever learnt, so it has no lapse to show for it."""
    return state.state == LEARNING and not state.step and state.reps > 0


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def epoch_ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def _deck_stats(
    deck: Deck,
    states: dict[str, CardState],
    totals: AnswerTotals,
    now: datetime,
    recall_of: dict[str, float],
) -> DeckStats:
    tonight = end_of_day(now).timestamp()
    counts: Counter[str] = Counter()
    recalls = []
    quiz = [0, 0]  # right, answered
    since = (now - timedelta(days=ACCURACY_DAYS)).timestamp() * 1000
    for card in deck.cards:
        state = states.get(card.id)
        if state is None:
            counts["new"] += 1
        else:
            kind = "learning" if state.state in (LEARNING, RELEARNING) else "review"
            counts[kind] += 1
            counts["mastered"] += (state.stability or 0) >= MASTERED_STABILITY_DAYS
            counts["due"] += state.due_ts < tonight
            if card.id in recall_of:
                recalls.append(recall_of[card.id])
        for answer in totals.quiz.get(card.id, ()):
            if abs(answer) >= since:
                quiz[1] += 1
                quiz[0] += answer > 0
    return DeckStats(
        deck=deck.id,
        title=deck.title,
        cards=len(deck.cards),
        new=counts["new"],
        learning=counts["learning"],
        review=counts["review"],
        mastered=counts["mastered"],
        due_today=counts["due"],
        recall=_mean(recalls),
        quiz_accuracy=quiz[0] / quiz[1] if quiz[1] else None,
        quiz_right=quiz[0],
        quiz_answers=quiz[1],
    )


def _total(rows: Sequence[DeckStats], recall_all: list[float]) -> DeckStats:
    quiz_answers = sum(r.quiz_answers for r in rows)
    quiz_right = sum(r.quiz_right for r in rows)
    return DeckStats(
        deck="total",
        title="All decks",
        cards=sum(r.cards for r in rows),
        new=sum(r.new for r in rows),
        learning=sum(r.learning for r in rows),
        review=sum(r.review for r in rows),
        mastered=sum(r.mastered for r in rows),
        due_today=sum(r.due_today for r in rows),
        recall=_mean(recall_all),
        quiz_accuracy=quiz_right / quiz_answers if quiz_answers else None,
        quiz_right=quiz_right,
        quiz_answers=quiz_answers,
    )


def streak(days_with_answers: set[date], today: date) -> int:
    """Consecutive days with at least one answer, ending today; a streak that ended yesterday
    still counts (today is not over yet)."""
    day = today if today in days_with_answers else today - timedelta(days=1)
    count = 0
    while day in days_with_answers:
        count += 1
        day -= timedelta(days=1)
    return count


def build_report(
    decks: Sequence[Deck],
    states: dict[str, CardState],
    answers: AnswerTotals | Iterable,
    now: datetime,
    scheduler: Scheduler | None = None,
) -> StatsReport:
    """Figures for `decks`; `answers` are the answer totals, or the effective review events
    (undo already applied)."""
    scheduler = scheduler or Scheduler()
    totals = answers if isinstance(answers, AnswerTotals) else AnswerTotals.from_events(answers)
    wanted = {card.id: deck for deck in decks for card in deck.cards}
    studied = [cid for cid in wanted if cid in states]
    # Predicted recall is the forgetting curve of a learnt card; a card on its (re)learning
    # steps was just seen (the curve says 100%) but is not learnt, so it has no figure.
    recall_of = scheduler.retrievabilities(
        (states[cid] for cid in studied if not in_learning(states[cid])), now
    )
    rows = [_deck_stats(deck, states, totals, now, recall_of) for deck in decks]
    today = local_day(now)
    day_of = LocalDays()
    due_days = Counter(max(today, day_of(states[cid].due_ts)) for cid in studied)
    forecast = [
        ((today + timedelta(days=i)).isoformat(), due_days.get(today + timedelta(days=i), 0))
        for i in range(FORECAST_DAYS)
    ]
    per_quarter = Counter(
        itertools.chain.from_iterable(totals.quarters.get(cid, ()) for cid in wanted)
    )
    # (a quarter hour lies within one local day: every zone's offset is whole quarters)
    per_day = day_of.per_day(per_quarter)
    first = today - timedelta(weeks=CALENDAR_WEEKS) + timedelta(days=1)
    calendar = [
        ((first + timedelta(days=i)).isoformat(), per_day.get(first + timedelta(days=i), 0))
        for i in range((today - first).days + 1)
    ]

    def is_weak(cid: str) -> bool:
        state = states[cid]
        return bool(
            state.lapses or missed_while_learning(state) or recall_of.get(cid, 1.0) < WEAK_RECALL
        )

    # lapses first, then cards missed while learning, then the lowest predicted recall
    weakest = sorted(
        (
            -states[cid].lapses,
            not missed_while_learning(states[cid]),
            recall_of.get(cid, 0.0),
            cid,
        )
        for cid in studied
        if is_weak(cid)
    )[:WEAKEST]
    named = {cid for *_, cid in weakest}  # only these cards' text is read
    question = {card.id: card.q for deck in decks for card in deck.cards if card.id in named}
    weak = [
        WeakCard(cid, wanted[cid].id, -lapses, recall_of.get(cid), question[cid], states[cid].state)
        for lapses, _, _, cid in weakest
    ]
    tag_cards: dict[str, list[str]] = defaultdict(list)
    for deck in decks:
        for card in deck.cards:
            if card.id in states:
                for tag in card.tags:
                    tag_cards[tag].append(card.id)
    tags = [
        WeakTag(
            tag,
            len(ids),
            sum(states[i].lapses for i in ids),
            _mean([recall_of[i] for i in ids if i in recall_of]),
            sum(missed_while_learning(states[i]) for i in ids),
        )
        for tag, ids in tag_cards.items()
    ]
    weak_tags = sorted(
        (
            t
            for t in tags
            if t.lapses or t.missed or (t.recall is not None and t.recall < WEAK_RECALL)
        ),
        key=lambda t: (-t.lapses, -t.missed, 1.0 if t.recall is None else t.recall, t.tag),
    )[:WEAKEST]
    return StatsReport(
        format=STATS_FORMAT,
        generated_at=now.isoformat(),
        decks=rows,
        total=_total(rows, list(recall_of.values())),
        forecast=forecast,
        calendar=calendar,
        streak=streak(set(per_day), today),
        weakest_cards=weak,
        weakest_tags=weak_tags,
    )


def grader_agreement(decks: Sequence[Deck], totals: AnswerTotals) -> list[Agreement]:
    """Per deck, the answers graded against keypoints and how many the user graded as the
    grader suggested; decks without such answers are left out."""
    rows = []
    for deck in decks:
        graded = agreed = 0
        for card in deck.cards:
            count = totals.agreement.get(card.id)
            if count:
                graded += count[0]
                agreed += count[1]
        if graded:
            rows.append(Agreement(deck.id, graded, agreed))
    return rows
