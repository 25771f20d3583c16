"""Which cards `mlprep drill` asks: the weakest first, ranked as `mlprep stats` ranks them."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

from mlprep.model import Card
from mlprep.scheduler import CardState, Scheduler
from mlprep.sessions.drill import pick_drill

NOW = datetime(2026, 11, 25, 12, 0).astimezone()


def _state(card: str, state: str, stability: float, step, days_ago: float, reps: int, lapses: int):
    last = (NOW - timedelta(days=days_ago)).timestamp()
    return CardState(card, state, NOW.timestamp(), stability, 5.0, step, last, last, reps, lapses)


def _progress(*states: CardState):
    scheduler = Scheduler()
    return SimpleNamespace(
        states={state.card_id: state for state in states},
        retrievability=scheduler.retrievability,
    )


def test_a_card_missed_today_comes_before_one_answered_right_today():
    """Answered today, both cards' predicted recall is 1.0: the one answered wrong while
    first learning it is the weaker (it came after the right one in id order before)."""
    progress = _progress(
        _state("a-right", "learning", 2.3, 1, 0, 1, 0),
        _state("b-wrong", "learning", 0.2, 0, 0, 1, 0),
    )
    cards = [Card(id="a-right", q="q", a="a"), Card(id="b-wrong", q="q", a="a")]
    assert [c.id for c in pick_drill(cards, progress, NOW)] == ["b-wrong", "a-right"]


def test_lapses_then_missed_while_learning_then_lowest_recall():
    progress = _progress(
        _state("forgotten", "review", 3.0, None, 30, 4, 0),  # low recall, no lapse
        _state("fresh", "review", 40.0, None, 1, 3, 0),  # high recall
        _state("lapsed", "relearning", 5.0, 0, 1, 6, 2),
        _state("missed", "learning", 0.2, 0, 0, 1, 0),
    )
    cards = [Card(id=i, q="q", a="a") for i in ("fresh", "forgotten", "missed", "lapsed")]
    assert [c.id for c in pick_drill(cards, progress, NOW)] == [
        "lapsed",
        "missed",
        "forgotten",
        "fresh",
    ]
    assert [c.id for c in pick_drill(cards, progress, NOW, weakest=2)] == ["lapsed", "missed"]


def test_a_hard_grade_while_learning_is_not_a_miss():
    """Again and Hard both leave a new card on its first learning step; only Again is a
    miss (stats' "missed while learning", and the drill's order)."""
    from datetime import UTC

    from mlprep.model import Grade
    from mlprep.stats import missed_while_learning

    scheduler = Scheduler()
    at = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    again = scheduler.review(None, "c", Grade.AGAIN, at)
    hard = scheduler.review(None, "c", Grade.HARD, at)
    good = scheduler.review(None, "c", Grade.GOOD, at)
    good_then_again = scheduler.review(good, "c", Grade.AGAIN, at)
    assert (again.step, hard.step) == (0, 0)
    assert missed_while_learning(again) and missed_while_learning(good_then_again)
    assert not missed_while_learning(hard)
    assert not missed_while_learning(scheduler.review(None, "c", Grade.GOOD, at))


def test_the_heading_counts_only_the_weak_cards_as_weak():
    """A card just graded Easy (recall 1.0, no lapse) was drilled as 'Drill: 1 weak card'."""
    from mlprep.sessions.drill import _heading

    progress = _progress(
        _state("lapsed", "relearning", 5.0, 0, 1, 6, 2),
        _state("forgotten", "review", 3.0, None, 30, 4, 0),  # recall under 90%
        _state("fresh", "review", 40.0, None, 1, 3, 0),
    )
    cards = {c: Card(id=c, q="q", a="a") for c in ("lapsed", "forgotten", "fresh")}
    assert _heading([cards["lapsed"], cards["forgotten"]], progress, NOW) == "Drill: 2 weak cards"
    assert _heading(list(cards.values()), progress, NOW) == (
        "Drill: 3 cards, weakest first (2 weak)"
    )
    assert _heading([cards["fresh"]], progress, NOW) == (
        "Drill: 1 card you have answered, weakest first (none is weak yet)"
    )


def test_a_card_in_its_learning_steps_is_weak_only_by_a_lapse_or_a_miss():
    """Long after a Good while learning, its predicted recall was low and drill called it weak
    where stats, which reads recall only of cards past their steps, did not."""
    from mlprep.sessions.drill import _heading

    progress = _progress(_state("stale", "learning", 2.3, 1, 20, 1, 0))
    card = Card(id="stale", q="q", a="a")
    assert _heading([card], progress, NOW) == (
        "Drill: 1 card you have answered, weakest first (none is weak yet)"
    )
