"""Interview plans: dates and minutes, today's queue, the outlook's figures."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from mlprep.errors import UsageError
from mlprep.memory import Memory
from mlprep.model import Card
from mlprep.plan import (
    PRIOR_ANSWERS,
    Costs,
    Plan,
    Planner,
    Track,
    check_minutes,
    costs_from_events,
    outlook,
    parse_interview,
    plan_queue,
)
from mlprep.scheduler import CardState

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
COSTS = Costs(new=60.0, review=20.0, relearn=10.0)


def cards(deck: str, count: int) -> list[Card]:
    return [Card(f"{deck}-{n}", "q?", "a.", deck=deck) for n in range(count)]


@pytest.fixture
def utc(monkeypatch):
    """Local time is UTC (the interview morning and review days are local)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def seen(card_id: str, days_ago: float, stability: float, state: str = "review") -> CardState:
    last = (NOW - timedelta(days=days_ago)).timestamp()
    return CardState(
        card_id, state, last + stability * 86400, stability, 5.0, None, last, last, 2, 0
    )


@pytest.mark.parametrize(
    "text, message",
    [
        ("2026-11-25", "--interview 2026-11-25: the date must be after today (2026-11-25)"),
        ("2026-11-01", "--interview 2026-11-01: the date must be after today (2026-11-25)"),
        ("next friday", "--interview 'next friday': not a date; use YYYY-MM-DD"),
        ("2026-02-30", "--interview '2026-02-30': not a date; use YYYY-MM-DD"),
        ("2030-01-01", "--interview 2030-01-01: more than two years away"),
    ],
)
def test_bad_dates_are_usage_errors(text, message):
    with pytest.raises(UsageError) as error:
        parse_interview(text, NOW)
    assert error.value.message == message


def test_tomorrow_is_one_day_left():
    plan = Plan(parse_interview("2026-11-26", NOW), 30)
    assert plan.days_left(NOW) == 1 and plan.active(NOW)
    assert not plan.active(NOW + timedelta(days=1))  # on the day the plan ends


@pytest.mark.parametrize("minutes", [0, -5, 601, 100000])
def test_absurd_minutes_are_usage_errors(minutes):
    with pytest.raises(UsageError, match=f"--minutes {minutes}: give 1 to 600 minutes a day"):
        check_minutes(minutes)


def test_a_plan_round_trips_through_its_event_data():
    plan = Plan(date(2026, 12, 9), 45, ("trees", "svm"))
    assert Plan.from_data(plan.to_data()) == plan
    assert Plan.from_data({"cleared": True}) is None
    assert Plan.from_data({"interview": "soon", "minutes": 3}) is None


def test_new_cards_fill_the_minutes_alternating_decks():
    plan = Plan(date(2026, 12, 16), 5)  # 300 s: five new cards at 60 s
    queue = plan_queue(plan, cards("a", 6) + cards("b", 6), {}, NOW, Memory(), COSTS)
    assert [c.id for c in queue.new] == ["a-0", "b-0", "a-1", "b-1", "a-2"]
    assert queue.reviews == () and queue.learning == ()


def test_a_coding_drill_or_an_sql_question_costs_more_than_a_quick_card():
    """A plan of every deck gave 57 new cards a day to 30 minutes, coding drills costed as a
    45-second card among them; a drill takes ten cards' time and an SQL question three."""
    from mlprep.model import CardType

    drills = [replace(c, type=CardType.CODE) for c in cards("code", 5)]
    queries = [
        replace(c, type=CardType.SQL, db="shop", solution="SELECT 1;") for c in cards("q", 5)
    ]
    plan = Plan(date(2026, 12, 16), 25)  # 1,500 s: five queries at 180 s, then one drill
    queue = plan_queue(plan, drills + queries, {}, NOW, Memory(), COSTS)
    assert sorted(c.id for c in queue.new) == ["code-0", "q-0", "q-1", "q-2", "q-3", "q-4"]
    quick = plan_queue(plan, cards("a", 30), {}, NOW, Memory(), COSTS)
    assert len(quick.new) == 25  # (60 s each)


def test_reviews_go_to_the_biggest_gain_per_minute():
    plan = Plan(date(2026, 12, 3), 1)  # 60 s: three reviews at 20 s, no room for a new card
    deck = cards("a", 5)
    states = {
        "a-0": seen("a-0", 1, 30.0),  # fresh and strong: little to gain
        "a-1": seen("a-1", 6, 2.0),  # weak: much to gain
        "a-2": seen("a-2", 3, 5.0),
        "a-3": seen("a-3", 10, 3.0),  # weakest
    }
    queue = plan_queue(plan, deck, states, NOW, Memory(), Costs(new=90, review=20, relearn=0))
    assert [c.id for c in queue.reviews] == ["a-3", "a-1", "a-2"]
    assert queue.new == ()


def test_time_already_spent_today_and_due_learning_steps_come_off_the_minutes():
    plan = Plan(date(2026, 12, 16), 3)  # 180 s
    deck = cards("a", 10)
    states = {
        "a-0": seen("a-0", 0.1, 0.01, "learning"),  # answered today, step due: 60 s + 20 s
    }
    queue = plan_queue(plan, deck, states, NOW, Memory(), COSTS)
    assert [c.id for c in queue.learning] == ["a-0"]
    assert [c.id for c in queue.new] == ["a-1"]  # 180 - 60 - 20 leaves room for one


def test_a_review_forgotten_today_spent_its_relearning_too():
    """The day was planned with each review's expected relearning, but only a review's time
    was counted as spent: after the planned 80 reviews, review said "Still to do today: 10
    due", and the day ran to 39 of its 30 minutes."""
    from mlprep.plan import lapses_today

    plan = Plan(date(2026, 12, 16), 2)  # 120 s
    deck = cards("a", 10)
    reviewed = seen("a-0", 0.05, 0.01, "relearning")
    reviewed = replace(reviewed, first_ts=(NOW - timedelta(days=9)).timestamp())
    states = {"a-0": reviewed}  # a review answered today, forgotten: 20 s + 10 s relearning

    def answer(card, hours_ago, grade, mode="review", number=0, undoes=None):
        return SimpleNamespace(
            id=f"{card}-{hours_ago}-{number}",
            card=card,
            when=NOW - timedelta(hours=hours_ago),
            grade=grade,
            mode=mode,
            kind=None,
            undoes=undoes,
        )

    events = [
        answer("a-0", 24 * 9, 3),  # learnt nine days ago
        answer("a-0", 1.2, 1),  # forgotten today: a lapse
        answer("a-0", 1.0, 1),  # within the day: a relearning step, not another lapse
        answer("a-1", 2.0, 1, mode="drill"),  # a drill schedules nothing
        answer("a-2", 3.0, 1),  # undone below
        answer("a-2", 2.9, 1, undoes="a-2-3.0-0"),
        answer("a-3", 30.0, 1),  # yesterday
    ]
    assert lapses_today(events, NOW) == (("a-0", 1),)
    # 120 s less the review (20 s) and the relearning step due now (20 s): 80 s, a new card
    # of 75 s fits; less the lapse's relearning as well (10 s): 70 s, it does not
    costs = replace(COSTS, new=75.0)
    without = plan_queue(plan, deck, states, NOW, Memory(), costs)
    assert [c.id for c in without.learning] == ["a-0"] and [c.id for c in without.new] == ["a-1"]
    lapsed = replace(costs, lapsed_today=lapses_today(events, NOW))
    assert plan_queue(plan, deck, states, NOW, Memory(), lapsed).new == ()


def test_the_last_days_go_to_the_weakest_cards():
    planner = Planner(Memory(), COSTS)
    strong = Track(Card("s", "q", "a"), 40.0, 5.0, -2.0)
    weak = Track(Card("w", "q", "a"), 2.0, 5.0, -5.0)
    new = Track(Card("n", "q", "a"))
    chosen = planner.day([strong, weak, new], 0.0, 1.0, 40.0, -0.5)
    assert [c.track.card.id for c in chosen] == ["w"]  # 40 s: the weak card's review
    assert chosen[0].gain > 0.1  # from about 0.81 recalled on the day to about 0.97


def test_the_outlook_predicts_recall_now_and_if_followed():
    plan = Plan(date(2026, 12, 9), 10)  # 14 days, 600 s a day
    deck = cards("a", 30) + cards("b", 20)
    states = {"a-0": seen("a-0", 2, 3.0)}
    view = outlook(plan, deck, states, NOW, Memory(), COSTS)
    assert view.days_left == 14 and len(view.load) == 14
    assert [(d.deck, d.cards, d.seen) for d in view.decks] == [("a", 30, 1), ("b", 20, 0)]
    a, b = view.decks
    assert a.now == pytest.approx(Memory().recall(2 + 14, 3.0), abs=0.01)  # 09:00 to 09:00
    assert b.now == 0
    assert view.followed / view.cards > 0.8  # 140 minutes cover 50 cards and more
    assert view.load[0].new == 10 and view.load[0].minutes == pytest.approx(10)
    assert sum(load.new for load in view.load) == 49  # every unseen card, once
    data = view.to_json()
    assert data["days_left"] == 14 and data["unseen"] == 49 and data["cards"] == 50
    assert data["daily_load"][0] == {"day": "2026-11-25", "minutes": 10.0, "new": 10, "reviews": 0}
    assert 0 < data["recalled_now"] < 0.02 < 0.8 < data["recalled_if_followed"] <= 1
    assert data["review_follows_plan"] is True and data["note"] is None


def test_no_cards_have_no_recall_share_in_json():
    """0.0 read as "nothing will be recalled" of a plan with nothing to recall."""
    data = outlook(Plan(date(2026, 12, 9), 10), [], {}, NOW, Memory(), COSTS).to_json()
    assert data["recalled_now"] is None and data["recalled_if_followed"] is None
    assert data["note"] == "no card is planned, so no recall is predicted"


def test_the_first_days_load_is_the_outlooks_without_projecting_every_day():
    from mlprep.plan import daily_load

    plan = Plan(date(2026, 12, 9), 10)
    deck = cards("a", 30) + cards("b", 20)
    states = {"a-0": seen("a-0", 2, 3.0)}
    whole = outlook(plan, deck, states, NOW, Memory(), COSTS).load
    assert daily_load(plan, deck, states, NOW, Memory(), COSTS, 2) == whole[:2]
    assert daily_load(Plan(date(2026, 11, 26), 10), deck, states, NOW, Memory(), COSTS, 2) == [
        outlook(Plan(date(2026, 11, 26), 10), deck, states, NOW, Memory(), COSTS).load[0]
    ]  # (the interview comes first)


def test_todays_load_counts_the_learning_cards_a_review_asks_first():
    """The outlook's today is what a review with the plan asks (plan_today): the cards in
    their learning steps first, their time out of the day's budget, then the chosen work."""
    from mlprep.plan import plan_today

    plan = Plan(date(2026, 12, 9), 10)  # 600 s a day
    deck = cards("a", 30)
    # answered yesterday, still in their learning steps and overdue (not answered today)
    last = (NOW - timedelta(days=1)).timestamp()
    states = {
        f"a-{n}": CardState(f"a-{n}", "learning", last + 600, 0.5, 5.0, 0, last, last, 1, 0)
        for n in range(6)
    }
    learning, chosen = plan_today(plan, deck, states, NOW, Memory(), COSTS)
    assert [card.id for card in learning] == [f"a-{n}" for n in range(6)]
    today = outlook(plan, deck, states, NOW, Memory(), COSTS).load[0]
    assert (today.new, today.reviews) == (sum(c.new for c in chosen), 6)
    assert today.new == 8  # (600 s - 6 x 20 s) / 60 s a new card
    assert today.minutes == pytest.approx((6 * 20 + 8 * 60) / 60)


def test_answer_costs_come_from_the_users_own_times():
    def event(card, ms, grade=3, hours=0.0):
        when = NOW + timedelta(hours=hours)
        return SimpleNamespace(card=card, ms=ms, grade=grade, when=when, kind=None, undoes=None)

    events = [event(f"c{n}", 30000, 1 if n < 3 else 3) for n in range(12)]
    events += [event(f"c{n}", 12000, hours=0.2) for n in range(12)]  # learning steps
    events += [event(f"c{n}", 12000, hours=0.3) for n in range(3)]  # the Again cards' second
    events += [event(f"c{n}", 20000, hours=48) for n in range(12)]  # reviews, days later
    events += [event(f"c{n}", 30000, 1, hours=96) for n in range(12)]  # forgotten reviews
    events += [event(f"c{n}", 12000, hours=96.2) for n in range(12)]  # relearning steps
    events.append(event("c1", 3_600_000, hours=200))  # a break: capped at 4x the median
    costs = costs_from_events(events)
    default = Costs()

    def toward(measured, usual, count):  # (each measure shrunk toward the usual: PRIOR_ANSWERS)
        return (count * measured + PRIOR_ANSWERS * usual) / (count + PRIOR_ANSWERS)

    review = toward((12 * 20 + 4 * 20) / 13, default.review, 13)
    # 3 of 12 first answers were Again, 9 Good; 15 learning steps at 12 s on the first day;
    # a forgotten review takes 30 s instead of a review's time, and one 12 s relearning step
    assert costs == Costs(
        new=pytest.approx(toward(30 + 12 * 15 / 12, default.new, 12)),
        review=pytest.approx(review),
        relearn=pytest.approx(toward(30 - review + 12, default.relearn * review / 15, 12)),
        first_grades=pytest.approx(
            tuple(
                toward(measured, usual, 12)
                for measured, usual in zip((0.25, 0, 0.75, 0), default.first_grades, strict=True)
            )
        ),
    )
    assert costs_from_events(events[:5]) == Costs()  # too few: defaults


def test_a_few_quick_answers_move_the_costs_only_a_little():
    """Eighteen answers of 3-7 s (or scripted ones at 0 s) made a plan of 378 new cards a
    day; with hundreds of answers the user's own times count most."""

    def event(card, ms, hours=0.0):
        when = NOW + timedelta(hours=hours)
        return SimpleNamespace(card=card, ms=ms, grade=3, when=when, kind=None, undoes=None)

    few = [event(f"c{n}", 0) for n in range(12)] + [event("c0", 0, 48) for _ in range(6)]
    assert costs_from_events(few).new > 0.75 * Costs().new
    many = [event(f"c{n}", 5000) for n in range(1000)]
    assert costs_from_events(many).new < 0.2 * Costs().new


def test_with_two_days_left_and_no_time_to_consolidate_unseen_cards_are_still_introduced(utc):
    # today and tomorrow left, 300 s a day: no time to see every card, let alone review it
    # again; a card seen today is still recalled on the day far more often than not
    plan = Plan(date(2026, 11, 27), 5)
    deck = cards("a", 30)
    states = {f"a-{n}": seen(f"a-{n}", 3, 2.0) for n in range(10)}
    queue = plan_queue(plan, deck, states, NOW, Memory(), COSTS)
    assert [c.id for c in queue.new] == ["a-10", "a-11", "a-12", "a-13", "a-14"]
    assert queue.reviews == ()


def test_a_review_that_cannot_raise_recall_on_the_day_is_not_chosen_over_one_that_can(utc):
    plan = Plan(date(2026, 11, 28), 1)  # 60 s: room for two more reviews
    deck = cards("a", 3)
    states = {
        "a-0": seen("a-0", 5, 900.0),  # recalled on the day whatever happens
        "a-1": seen("a-1", 9, 4.0),  # fading: a review now lifts it on the day
        # answered this morning (20 s of the 60): once more today would add only a step
        "a-2": replace(seen("a-2", 2 / 24, 0.5), first_ts=NOW.timestamp() - 9 * 86400),
    }
    queue = plan_queue(plan, deck, states, NOW, Memory(), Costs(new=90, review=20, relearn=0))
    assert [c.id for c in queue.reviews] == ["a-1"]


def test_recall_on_the_day_counts_whole_review_days(utc):
    # answered at 18:00 on the 24th; on the morning of the 26th that is two days, as FSRS
    # (and the optimizer that fits it) counts days, not the 1.6 of the clock
    plan = Plan(date(2026, 11, 26), 30)
    states = {"a-0": seen("a-0", 15 / 24, 2.0)}
    view = outlook(plan, cards("a", 1), states, NOW, Memory(), COSTS)
    assert view.decks[0].now == pytest.approx(Memory().recall(2, 2.0))
    assert view.decks[0].now != pytest.approx(Memory().recall(1.625, 2.0), abs=1e-3)


@pytest.mark.parametrize(
    ("recalled", "cards", "shown"),
    [(99.54, 100, "99%"), (100.0, 100, "100%"), (0.3, 100, "1%"), (0.0, 100, "0%"), (0, 0, "-")],
)
def test_a_predicted_share_never_rounds_to_certainty(recalled, cards, shown):
    from mlprep.ui.plan_text import share_text

    assert share_text(recalled, cards) == shown


def test_a_deck_the_plan_gives_no_time_is_named_not_left_at_a_silent_zero():
    """A plan of four decks gave coding drills no minute in 14 days, shown only as 0%."""
    from mlprep.plan import DeckOutlook, Outlook
    from mlprep.ui.plan_text import outlook_lines

    view = Outlook(
        Plan(date(2026, 12, 16), 25, ("coding", "trees")),
        14,
        decks=[DeckOutlook("coding", 40, 0, 0.0, 0.0), DeckOutlook("trees", 42, 0, 0.0, 41.0)],
    )
    text = " ".join(outlook_lines(view))
    assert "No time goes to coding in these minutes" in text
    assert (
        "Give the plan more than 25 minutes a day (mlprep plan --minutes N), or plan it alone: "
        "mlprep plan coding makes the plan that deck only."
    ) in text
    view.plan = Plan(date(2026, 12, 16), 1, ("coding", "trees"))
    assert "Give the plan more than 1 minute a day" in " ".join(outlook_lines(view))
    view.decks[0] = DeckOutlook("coding", 40, 0, 0.0, 12.0)
    assert "No time goes to" not in " ".join(outlook_lines(view))
