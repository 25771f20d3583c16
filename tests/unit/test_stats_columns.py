"""build_report works over card ids, deck indexes and columns of states; these tests hold it
to the plain card-by-card computation it replaced (kept here as the reference), on random
collections: cached and parsed decks, a deck chosen twice, cards with the same tag twice,
states of cards no deck holds, due times around midnight in several time zones, quiz answers
either side of the 30-day window, and more and fewer than ten cards with lapses."""

from __future__ import annotations

import itertools
import os
import random
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from mlprep.cardindex import CardList
from mlprep.days import review_day, review_day_of
from mlprep.model import Card, CardIndex, Deck
from mlprep.scheduler import (
    LEARNING,
    MASTERED_STABILITY_DAYS,
    RELEARNING,
    CardState,
    Scheduler,
    end_of_day,
)
from mlprep.stats import (
    ACCURACY_DAYS,
    CALENDAR_WEEKS,
    FORECAST_DAYS,
    STATS_FORMAT,
    WEAK_RECALL,
    WEAKEST,
    AnswerTotals,
    DeckStats,
    ReviewDays,
    StatsReport,
    WeakCard,
    WeakTag,
    _mean,
    _total,
    build_report,
    grader_agreement,
    in_learning,
    missed_while_learning,
    streak,
    weakest_tags,
)


class ListSource:
    """A CardSource over cards in memory, as the deck cache file is one on disk."""

    def __init__(self, cards: list[Card]) -> None:
        self.cards = cards

    def ids(self):
        return tuple(card.id for card in self.cards)

    def index(self):
        return CardIndex.of(self.cards)

    def card(self, position):
        return self.cards[position]


def reference_deck_stats(deck, states, totals, now, recall_of) -> DeckStats:
    tonight = end_of_day(now).timestamp()
    counts: Counter[str] = Counter()
    recalls = []
    quiz = [0, 0]
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


def reference_per_day(per_quarter) -> Counter:
    """ReviewDays.per_day as first written: quarter by quarter, each through review_day_of."""
    by_day: Counter = Counter()
    for quarter, count in per_quarter.items():
        by_day[review_day_of(quarter * 900)] += count
    return by_day


def reference_report(decks, states, totals, now, scheduler) -> StatsReport:
    """build_report as it was first written: card by card."""
    wanted = {card.id: deck for deck in decks for card in deck.cards}
    studied = [cid for cid in wanted if cid in states]
    recall_of = scheduler.retrievabilities(
        (states[cid] for cid in studied if not in_learning(states[cid])), now
    )
    rows = [reference_deck_stats(deck, states, totals, now, recall_of) for deck in decks]
    today = review_day(now)
    day_of = ReviewDays()
    due_days = Counter(max(today, day_of(states[cid].due_ts)) for cid in studied)
    forecast = [
        ((today + timedelta(days=i)).isoformat(), due_days.get(today + timedelta(days=i), 0))
        for i in range(FORECAST_DAYS)
    ]
    per_quarter = Counter(
        itertools.chain.from_iterable(totals.quarters.get(cid, ()) for cid in wanted)
    )
    per_day = reference_per_day(per_quarter)
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
    named = {cid for *_, cid in weakest}
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
    weak_tags = weakest_tags(tags)  # (which tags, in which order: the same rule)
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


def collection(seed: int):
    """Random decks (cached and parsed), states, answer totals and a moment to report at."""
    rng = random.Random(seed)
    now = datetime(2026, 3, 28, 23, 40, tzinfo=UTC) + timedelta(
        days=rng.randrange(0, 400), minutes=rng.choice([0, 20, 45, 90, 600])
    )
    decks = []
    for number in range(rng.randrange(1, 6)):
        name = f"deck{number}"
        cards = []
        for n in range(rng.randrange(0, 80)):
            tags = tuple(rng.sample(["x", "y", "z", "w"], rng.randrange(0, 3)))
            if rng.random() < 0.05:
                tags += tags[:1]  # the same tag twice
            cards.append(Card(id=f"{name}-{n}", q=f"question {n}", a="a", deck=name, tags=tags))
        if rng.random() < 0.5:
            cards_of = CardList(len(cards), name, ListSource(cards))
        else:
            cards_of = tuple(cards)
        decks.append(Deck(id=name, title=name.title(), cards=cards_of))
    if rng.random() < 0.3:
        decks.append(decks[0])  # a deck named twice on the command line
    ids = [card.id for deck in decks for card in deck.cards] + ["gone-1", "gone-2"]
    lapses_wanted = rng.choice([0, 1, 3, 30])  # how many cards may lapse
    states = {}
    totals = AnswerTotals()
    now_s = now.timestamp()
    for cid in rng.sample(ids, int(len(ids) * rng.random())):
        name = rng.choice(["learning", "review", "relearning"])
        # due around today's and the window's midnights, long ago, far ahead
        due = now_s + rng.choice(
            [-86400 * 400, -3600, 0, 3600 * rng.uniform(-30, 30), 86400 * rng.uniform(0, 31)]
        )
        due += rng.choice([0, 0.4, 0.9996])
        last = now_s - rng.choice([0, 60, 86400 * rng.uniform(0, 90)])
        stability = None if rng.random() < 0.1 else rng.choice([0.5, 1.0, 21.0, 40.0, 300.0])
        reps = rng.randrange(0, 20)
        lapses = min(reps, rng.randrange(0, 5)) if lapses_wanted and rng.random() < 0.3 else 0
        step = rng.choice([None, 0, 1]) if name != "review" else None
        states[cid] = CardState(cid, name, due, stability, 5.0, step, last, last, reps, lapses)
    for cid in ids:
        for _ in range(rng.randrange(0, 12)):
            at = round((now_s - rng.uniform(0, 86400 * 200)) * 1000)
            mode = rng.choice(["review", "quiz", "flash"])
            suggested = rng.choice([None, None, 1, 3])
            totals.add(cid, at, mode, rng.randrange(1, 5), suggested)
    return decks, states, totals, now


@pytest.fixture(params=["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"])
def zone(request):
    yield from in_zone(request.param)


def in_zone(name: str):
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    yield name
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.parametrize("seed", range(12))
def test_build_report_gives_what_the_card_by_card_computation_gives(seed, zone):
    decks, states, totals, now = collection(seed)
    scheduler = Scheduler()
    expected = reference_report(decks, states, totals, now, scheduler)
    assert build_report(decks, states, totals, now, scheduler) == expected


def test_the_weakest_cards_are_found_when_more_than_ten_have_lapses():
    # only the cards with the most lapses are looked at then; ties on lapses are broken as
    # before (missed while learning, then recall, then id)
    decks, _, totals, now = collection(3)
    cards = [card for deck in decks for card in deck.cards]
    states = {}
    for number, card in enumerate(cards[:30]):
        states[card.id] = CardState(
            card.id, "review", now.timestamp(), 5.0, 5.0, None, 1e9, 1e9, 9, 1 + number % 4
        )
    report = build_report(decks, states, totals, now, Scheduler())
    assert len(report.weakest_cards) == WEAKEST
    assert [w.lapses for w in report.weakest_cards] == [4] * 7 + [3] * 3
    assert report == reference_report(decks, states, totals, now, Scheduler())


def test_grader_agreement_counts_each_decks_cards():
    decks, _, totals, _ = collection(5)
    expected = []
    for deck in decks:
        rows = [totals.agreement.get(card.id) for card in deck.cards]
        graded = sum(row[0] for row in rows if row)
        if graded:
            expected.append((deck.id, graded, sum(row[1] for row in rows if row)))
    found = [(a.deck, a.graded, a.agreed) for a in grader_agreement(decks, totals)]
    assert found == expected and found


@pytest.mark.parametrize(
    "name",
    [
        "UTC",
        "Europe/Berlin",  # summer time, changed at 01:00 UTC
        "America/Santiago",  # changes at local midnight
        "Australia/Lord_Howe",  # half an hour of summer time
        "Asia/Kathmandu",  # +05:45
        "Africa/Monrovia",  # -00:44:30 until 1972: not whole quarter hours
        "Pacific/Apia",  # skipped a whole day in 2011
    ],
)
def test_answers_per_local_day_are_counted_as_quarter_by_quarter(name):
    for _ in in_zone(name):
        rng = random.Random(name)
        for start in ("1971-06-01", "2011-12-20", "2026-03-20", "2026-10-20"):
            base = int(datetime.fromisoformat(start + "T00:00:00+00:00").timestamp()) // 900
            per_quarter = Counter(base + rng.randrange(0, 96 * 20) for _ in range(3000))
            assert ReviewDays().per_day(per_quarter) == reference_per_day(per_quarter)
            # a few quarter hours only, and a spread too wide to lay out
            sparse = Counter({base: 2, base + 95: 1, base + 96 * 400: 5})
            assert ReviewDays().per_day(sparse) == reference_per_day(sparse)
            wide = Counter({base: 1, base + 96 * 366 * 30: 3})
            assert ReviewDays().per_day(wide) == reference_per_day(wide)
