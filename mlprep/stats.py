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
from itertools import compress, repeat
from operator import attrgetter, ge, gt, is_not, itemgetter, lt
from typing import Any

from mlprep.cardindex import card_ids
from mlprep.days import DAY_STARTS_SECONDS, review_day, review_day_of
from mlprep.model import Deck
from mlprep.scheduler import (
    LEARNING,
    LEARNING_STEPS,
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


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


class ReviewDays:
    """review_day_of for many times (stats asks it for every studied card and every quarter
    hour with answers): the local zone's offset is looked up once per UTC day and used for
    every time in that day, unless the offset changes within the day (then each time is
    looked up). The offsets kept are the zone's less the hour review days start at: a time
    plus its offset, in whole days, is then its review day's number."""

    def __init__(self) -> None:
        self._offsets: dict[int, int | None] = {}  # UTC day number -> offset, None if it changes
        self._dates: dict[int, date] = {}  # review day number -> date

    def __call__(self, epoch_seconds: float) -> date:
        seconds = math.floor(epoch_seconds)
        offset = self._offset(seconds // 86400)
        if offset is None:
            return review_day_of(seconds)
        return self._date((seconds + offset) // 86400)

    def _offset(self, utc_day: int) -> int | None:
        try:
            return self._offsets[utc_day]
        except KeyError:
            start = time.localtime(utc_day * 86400).tm_gmtoff
            end = time.localtime(utc_day * 86400 + 86399).tm_gmtoff
            offset = self._offsets[utc_day] = start - DAY_STARTS_SECONDS if start == end else None
            return offset

    def _date(self, number: int) -> date:
        day = self._dates.get(number)
        if day is None:
            day = self._dates[number] = date.fromordinal(number + _EPOCH_ORDINAL)
        return day

    def per_day(self, per_quarter: Mapping[int, int]) -> Counter[date]:
        """Counts per quarter hour (epoch seconds // QUARTER) summed per review day: what
        calling this for each quarter gives (a long history has tens of thousands of quarter
        hours with answers). A UTC day with one offset of whole quarter hours is cut where its
        review day starts and each part summed at once, from the counts laid out quarter by
        quarter; any other day is taken quarter by quarter."""
        if not per_quarter or min(per_quarter.values()) <= 0:
            return self._per_day_loop(per_quarter)
        first, last = min(per_quarter), max(per_quarter)
        if last - first > _DENSE_QUARTERS:
            return self._per_day_loop(per_quarter)
        counts = list(map(per_quarter.get, range(first, last + 1), repeat(0)))
        by_number: Counter[int] = Counter()
        by_day: Counter[date] = Counter()
        per_utc_day = 86400 // QUARTER
        for utc_day in range(first // per_utc_day, last // per_utc_day + 1):
            start = max(utc_day * per_utc_day, first)
            end = min((utc_day + 1) * per_utc_day, last + 1)
            day = counts[start - first : end - first]
            if not any(day):
                continue
            offset = self._offsets[utc_day] if utc_day in self._offsets else self._offset(utc_day)
            if offset is None or offset % QUARTER:
                for quarter, count in zip(range(start, end), day, strict=True):
                    if count:
                        seconds = quarter * QUARTER
                        if offset is None:
                            by_day[review_day_of(seconds)] += count
                        else:
                            by_number[(seconds + offset) // 86400] += count
                continue
            shift = offset // QUARTER  # review day number of a quarter: (quarter + shift) // 96
            # the quarter a review day starts at (04:00 local) in this UTC day, and its number
            starts = utc_day * per_utc_day + (-(utc_day * per_utc_day + shift)) % per_utc_day
            number = (starts + shift) // per_utc_day
            cut = min(max(starts - start, 0), len(day))
            before, after = sum(day[:cut]), sum(day[cut:])
            if before:
                by_number[number - 1] += before
            if after:
                by_number[number] += after
        for number, count in by_number.items():
            by_day[self._date(number)] += count
        return by_day

    def _per_day_loop(self, per_quarter: Mapping[int, int]) -> Counter[date]:
        """per_day, quarter by quarter."""
        by_number: Counter[int] = Counter()
        by_day: Counter[date] = Counter()
        offsets = self._offsets
        for quarter, count in per_quarter.items():
            seconds = quarter * QUARTER
            utc_day = seconds // 86400
            offset = offsets[utc_day] if utc_day in offsets else self._offset(utc_day)
            if offset is None:
                by_day[review_day_of(seconds)] += count
            else:
                by_number[(seconds + offset) // 86400] += count
        for number, count in by_number.items():
            by_day[self._date(number)] += count
        return by_day


QUARTER = 900  # seconds: every time zone's offset is a multiple of a quarter hour
# at most this many quarter hours between the first and last answer are laid out one by one
# (twenty years: a few megabytes); a wider spread (a damaged time) is taken quarter by quarter
_DENSE_QUARTERS = 96 * 366 * 20


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


# Again sends a learning card back to the first step, due after that step; Hard keeps it on
# the first step but due later, halfway to the second step. A wait under the midpoint of the
# two is Again's (the times are floats: not compared for equality).
_AGAIN_WAIT = (3 * LEARNING_STEPS[0] + LEARNING_STEPS[1]).total_seconds() / 4


def missed_while_learning(state: CardState) -> bool:
    """A card still on its first learning steps whose last answer sent it back to the first
    step: answered wrong (Again, not Hard) before it was ever learnt, so it has no lapse to
    show for it."""
    return (
        state.state == LEARNING
        and not state.step
        and state.reps > 0
        and state.due_ts - state.last_ts < _AGAIN_WAIT
    )


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def epoch_ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


_STATE = attrgetter("state")
_DUE = attrgetter("due_ts")
_STABILITY = attrgetter("stability")
_LAPSES = attrgetter("lapses")
_LEARNING_NAMES = frozenset((LEARNING, RELEARNING))
# seconds: a time's review day is its UTC time moved by its zone's offset less the 4 hours
# days start at: at most 16 hours back (no zone is more than 12 hours behind UTC; exactly 16
# there, which _forecast's bounds allow) and 10 ahead (none is more than 14 hours ahead)
_MARGIN = 12 * 3600 + DAY_STARTS_SECONDS


def _deck_stats(
    deck: Deck,
    ids: Sequence[str],
    known: list[CardState],
    totals: AnswerTotals,
    tonight: float,
    since: float,
    recall_of: dict[str, float],
) -> DeckStats:
    """A deck's row from its card ids and the states of its studied cards (in deck order),
    counted column by column with built-ins (a deck can hold thousands of cards): due before
    `tonight`, quiz answers since `since` (epoch seconds, epoch milliseconds)."""
    names = list(map(_STATE, known))
    learning = names.count(LEARNING) + names.count(RELEARNING)
    # (stability or 0) >= 21: None and 0.0 fall out, as they would fail the comparison
    mastered = sum(map(ge, filter(None, map(_STABILITY, known)), repeat(MASTERED_STABILITY_DAYS)))
    recalls = [recall for recall in map(recall_of.get, ids) if recall is not None]
    answers = itertools.chain.from_iterable(map(totals.quiz.get, ids, repeat(())))
    recent = [answer for answer in answers if abs(answer) >= since]
    right = sum(map(gt, recent, repeat(0)))
    return DeckStats(
        deck=deck.id,
        title=deck.title,
        cards=len(ids),
        new=len(ids) - len(known),
        learning=learning,
        review=len(known) - learning,
        mastered=mastered,
        due_today=sum(map(lt, map(_DUE, known), repeat(tonight))),
        recall=_mean(recalls),
        quiz_accuracy=right / len(recent) if recent else None,
        quiz_right=right,
        quiz_answers=len(recent),
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


def _forecast(dues: list[float], today: date, day_of: ReviewDays) -> list[tuple[str, int]]:
    """Cards due on each of the next FORECAST_DAYS days, those due earlier counted today.
    Only a time near the window needs its review day worked out: one more than 16 hours
    before today's UTC date ends is on today's review day or earlier in every time zone, and
    one 16 hours past the window's last UTC day is after it."""
    number = today.toordinal() - _EPOCH_ORDINAL
    low = (number + 1) * 86400 - _MARGIN
    high = (number + FORECAST_DAYS) * 86400 + _MARGIN
    counts: Counter[date] = Counter({today: sum(map(lt, dues, repeat(low)))})
    counts.update(max(today, day_of(due)) for due in dues if low <= due < high)
    return [
        ((today + timedelta(days=i)).isoformat(), counts.get(today + timedelta(days=i), 0))
        for i in range(FORECAST_DAYS)
    ]


def is_weak(lapses: int, missed: bool, recall: float | None) -> bool:
    """A weak spot, as stats lists them and drill counts them: a lapse, a miss while first
    learning, or a predicted recall under WEAK_RECALL (`recall`: None for a card still in its
    learning steps, whose recall says little yet)."""
    return lapses > 0 or missed or (recall is not None and recall < WEAK_RECALL)


def _weakest(
    studied: list[str],
    known: list[CardState],
    missed: set[str],
    recall_of: dict[str, float],
) -> list[tuple[int, bool, float, str]]:
    """The WEAKEST weak cards' sort keys: lapses first, then cards missed while learning,
    then the lowest predicted recall. When WEAKEST cards have a lapse, no card with fewer
    lapses than the WEAKEST-th most can be among them: only those are looked at."""
    lapses = list(map(_LAPSES, known))
    cut = sorted(lapses)[-WEAKEST] if len(lapses) >= WEAKEST else 0
    if cut > 0:
        chosen = [i for i, count in enumerate(lapses) if count >= cut]
    else:
        chosen = [
            i
            for i, cid in enumerate(studied)
            if is_weak(lapses[i], cid in missed, recall_of.get(cid))
        ]
    return sorted(
        (-lapses[i], studied[i] not in missed, recall_of.get(studied[i], 0.0), studied[i])
        for i in chosen
    )[:WEAKEST]


def _tag_cards(
    decks: Sequence[Deck], ids_of: list[Sequence[str]], known_of: list[list]
) -> dict[str, list[str]]:
    """Each tag's studied cards, deck after deck in card order. Neighbouring cards mostly
    carry the same tags: a run of them is added at once."""
    tag_cards: dict[str, list[str]] = defaultdict(list)
    for deck, ids, got in zip(decks, ids_of, known_of, strict=True):
        if not any(map(is_not, got, repeat(None))):
            continue  # (its index is not even read)
        studied = compress(zip(deck.index.tags, ids, strict=True), map(is_not, got, repeat(None)))
        for tags, run in itertools.groupby(studied, key=itemgetter(0)):
            cards = list(map(itemgetter(1), run))
            if len(set(tags)) < len(tags):  # a tag twice: the card is listed twice in a row
                for tag in tags:
                    tag_cards[tag]
                for card in cards:
                    for tag in tags:
                        tag_cards[tag].append(card)
                continue
            for tag in tags:
                tag_cards[tag] += cards
    return tag_cards


def weakest_tags(tags: Iterable[WeakTag]) -> list[WeakTag]:
    """The WEAKEST tags with lapses, misses while learning or recall under WEAK_RECALL: most
    lapses first, then most misses, then lowest recall."""
    return sorted(
        (t for t in tags if is_weak(t.lapses, t.missed > 0, t.recall)),
        key=lambda t: (-t.lapses, -t.missed, 1.0 if t.recall is None else t.recall, t.tag),
    )[:WEAKEST]


def build_report(
    decks: Sequence[Deck],
    states: dict[str, CardState],
    answers: AnswerTotals | Iterable,
    now: datetime,
    scheduler: Scheduler | None = None,
) -> StatsReport:
    """Figures for `decks`; `answers` are the answer totals, or the effective review events
    (undo already applied). Worked out from the decks' card ids and index (no card is
    built) and over columns of the states, with built-ins where a step is per card."""
    scheduler = scheduler or Scheduler()
    totals = answers if isinstance(answers, AnswerTotals) else AnswerTotals.from_events(answers)
    ids_of = [card_ids(deck.cards) for deck in decks]
    got_of = [list(map(states.get, ids)) for ids in ids_of]
    wanted = dict.fromkeys(itertools.chain.from_iterable(ids_of))
    studied = list(filter(states.__contains__, wanted))
    known = list(map(states.__getitem__, studied))
    # Predicted recall is the forgetting curve of a learnt card; a card on its (re)learning
    # steps was just seen (the curve says 100%) but is not learnt, so it has no figure.
    recall_of = scheduler.retrievabilities(
        [state for state in known if state.state not in _LEARNING_NAMES], now
    )
    tonight = end_of_day(now).timestamp()
    since = (now - timedelta(days=ACCURACY_DAYS)).timestamp() * 1000
    rows = [
        _deck_stats(deck, ids, list(filter(None, got)), totals, tonight, since, recall_of)
        for deck, ids, got in zip(decks, ids_of, got_of, strict=True)
    ]
    today = review_day(now)
    day_of = ReviewDays()
    forecast = _forecast(list(map(_DUE, known)), today, day_of)
    quarters = totals.quarters
    per_quarter = Counter(itertools.chain.from_iterable(map(quarters.get, wanted, repeat(()))))
    # (a quarter hour lies within one review day: every zone's offset is whole quarters)
    per_day = day_of.per_day(per_quarter)
    first = today - timedelta(weeks=CALENDAR_WEEKS) + timedelta(days=1)
    calendar = [
        ((first + timedelta(days=i)).isoformat(), per_day.get(first + timedelta(days=i), 0))
        for i in range((today - first).days + 1)
    ]
    missed = {
        cid
        for cid, state in zip(studied, known, strict=True)
        if state.state == LEARNING and missed_while_learning(state)
    }
    weakest = _weakest(studied, known, missed, recall_of)
    deck_of = {}  # the deck of each of the weakest cards, and its place there
    named = {cid for *_, cid in weakest}  # only these cards' text is read
    for deck, ids in zip(decks, ids_of, strict=True):
        for place, cid in enumerate(ids):
            if cid in named:
                deck_of[cid] = (deck, place)
    weak = [
        WeakCard(
            cid,
            deck_of[cid][0].id,
            -lapses,
            recall_of.get(cid),
            # (on one line: a question's line breaks broke the table's row)
            " ".join(deck_of[cid][0].cards[deck_of[cid][1]].q.split()),
            states[cid].state,
        )
        for lapses, _, _, cid in weakest
    ]
    tags = [
        WeakTag(
            tag,
            len(ids),
            sum(map(_LAPSES, map(states.__getitem__, ids))),
            _mean([recall for recall in map(recall_of.get, ids) if recall is not None]),
            sum(map(missed.__contains__, ids)),
        )
        for tag, ids in _tag_cards(decks, ids_of, got_of).items()
    ]
    weak_tags = weakest_tags(tags)
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
        for count in map(totals.agreement.get, card_ids(deck.cards)):
            if count:
                graded += count[0]
                agreed += count[1]
        if graded:
            rows.append(Agreement(deck.id, graded, agreed))
    return rows
