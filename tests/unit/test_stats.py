"""Stats on a hand-built history whose figures are known."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from mlprep.decks import load_files
from mlprep.model import Grade
from mlprep.progress import ProgressStore, effective
from mlprep.stats import build_report, streak
from mlprep.ui.render import HEAT_LEVELS, calendar_heatmap, heat_level, make_console, stats_view
from tests.conftest import FIXTURES

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
MINI = load_files([FIXTURES / "decks"], builtin=True).decks


def render_text(renderable) -> str:
    console = make_console(file=io.StringIO(), env={"NO_COLOR": "1"})
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


@pytest.fixture
def report(tmp_path):
    store = ProgressStore(tmp_path).load()
    # mini-number: Easy 40 days ago (graduates, stability 8.3 d), Easy 10 days ago (136 d)
    store.record("mini-number", Grade.EASY, "review", 1, NOW - timedelta(days=40))
    store.record("mini-number", Grade.EASY, "review", 1, NOW - timedelta(days=10))
    # mini-single: wrong in a quiz 45 days ago (outside the 30-day window), right 2 hours ago
    store.record("mini-single", Grade.AGAIN, "quiz", 1, NOW - timedelta(days=45))
    store.record("mini-single", Grade.GOOD, "quiz", 1, NOW - timedelta(hours=2))
    # mini-multi: wrong in a quiz an hour ago; mini-open: never seen
    store.record("mini-multi", Grade.AGAIN, "quiz", 1, NOW - timedelta(hours=1))
    events = effective(store.events())
    return build_report(MINI, store.states, events, NOW, store.scheduler), store


def test_per_deck_counts(report):
    report, store = report
    (row,) = report.decks
    assert (row.cards, row.new, row.learning, row.review) == (4, 1, 2, 1)
    assert round(store.states["mini-number"].stability) == 136
    assert row.mastered == 1  # stability of 21 days or more
    assert (row.quiz_right, row.quiz_answers, row.quiz_accuracy) == (1, 2, 0.5)
    assert row.due_today == 2  # the two learning cards; mini-number is due in October
    # recall: (1 + F * 10 / 136) ** -0.1542 for mini-number; the two learning cards have none
    factor = 0.9 ** (1 / -0.1542) - 1
    number_recall = (1 + factor * 10 / store.states["mini-number"].stability) ** -0.1542
    assert row.recall == pytest.approx(number_recall)
    assert report.total.cards == 4 and report.total.mastered == 1


def test_forecast_calendar_and_streak(report):
    report, _ = report
    assert len(report.forecast) == 30
    assert report.forecast[0] == ("2026-06-15", 2)
    assert sum(n for _, n in report.forecast) == 2  # mini-number is due after 30 days
    assert len(report.calendar) == 26 * 7
    assert report.calendar[-1] == ("2026-06-15", 2)
    assert dict(report.calendar)["2026-06-05"] == 1
    assert dict(report.calendar)["2026-05-06"] == 1
    assert dict(report.calendar)["2026-05-01"] == 1
    assert sum(n for _, n in report.calendar) == 5
    assert report.streak == 1


def test_a_card_missed_while_learning_is_a_weak_spot_without_a_recall_figure(report):
    report, store = report
    # mini-multi: one Again, no lapse yet; mini-single's last answer was Good
    assert store.states["mini-multi"].lapses == 0
    assert [(w.card, w.lapses, w.recall, w.state) for w in report.weakest_cards] == [
        ("mini-multi", 0, None, "learning")
    ]
    assert report.weakest_tags and all(t.missed == 1 for t in report.weakest_tags)
    assert report.has_progress


def test_no_lapses_no_misses_and_high_recall_means_no_weak_spots(tmp_path):
    store = ProgressStore(tmp_path).load()
    store.record("mini-number", Grade.EASY, "review", 1, NOW - timedelta(days=40))
    store.record("mini-number", Grade.EASY, "review", 1, NOW - timedelta(days=10))
    store.record("mini-single", Grade.GOOD, "quiz", 1, NOW - timedelta(hours=2))
    report = build_report(MINI, store.states, effective(store.events()), NOW, store.scheduler)
    assert report.weakest_cards == [] and report.weakest_tags == []


def test_right_after_a_first_again_recall_is_not_100_percent(tmp_path):
    store = ProgressStore(tmp_path).load()
    store.record("mini-open", Grade.AGAIN, "review", 1, NOW - timedelta(minutes=1))
    report = build_report(MINI, store.states, effective(store.events()), NOW, store.scheduler)
    assert report.decks[0].recall is None and report.total.recall is None
    (weak,) = report.weakest_cards
    assert (weak.card, weak.recall, weak.state) == ("mini-open", None, "learning")
    text = render_text(stats_view(report))
    assert "100%" not in text
    line = next(line for line in text.splitlines() if line.startswith("mini-open"))
    assert line.split()[:3] == ["mini-open", "0", "learning"]


def test_a_weak_cards_inline_code_shows_as_the_quiz_shows_it(tmp_path):
    """The weakest cards' questions kept their backticks ("Implement `cross_entropy_grad(..."),
    which the quiz's panel shows as code."""
    from dataclasses import replace

    store = ProgressStore(tmp_path).load()
    store.record("mini-open", Grade.AGAIN, "review", 1, NOW - timedelta(minutes=1))
    report = build_report(MINI, store.states, effective(store.events()), NOW, store.scheduler)
    coded = replace(report.weakest_cards[0], question="Implement `softmax(x)` and *why*?")
    report = replace(report, weakest_cards=[coded])
    for width in (80, 40):  # (a table, and each card on two lines)
        text = render_text(stats_view(report, width))
        assert "Implement softmax(x) and why?" in " ".join(text.split())
        assert "`" not in text


def test_the_busiest_day_takes_the_darkest_heat_level():
    assert heat_level(0, 9) == 0
    assert heat_level(1, 9) == 1
    assert heat_level(9, 9) == len(HEAT_LEVELS) - 1
    assert heat_level(1, 1) == len(HEAT_LEVELS) - 1
    assert sorted({heat_level(n, 10) for n in range(11)}) == list(range(len(HEAT_LEVELS)))
    text = render_text(calendar_heatmap([("2026-06-14", 2), ("2026-06-15", 8)]))
    lines = text.splitlines()
    assert HEAT_LEVELS[-1] in lines[0]  # Monday the 15th, the busiest day
    assert HEAT_LEVELS[-1] not in lines[6] and HEAT_LEVELS[2] in lines[6]  # Sunday, 2 of 8


def test_weakest_cards_rank_lapses_first(tmp_path):
    store = ProgressStore(tmp_path).load()
    for card, grades in (("mini-single", (4, 1, 3, 1, 3)), ("mini-multi", (4, 1, 3))):
        moment = NOW - timedelta(days=120)
        for grade in grades:
            store.record(card, Grade(grade), "review", 1, moment)
            moment += timedelta(days=9)
    report = build_report(MINI, store.states, effective(store.events()), NOW, store.scheduler)
    assert [(w.card, w.lapses) for w in report.weakest_cards] == [
        ("mini-single", 2),
        ("mini-multi", 1),
    ]
    assert report.weakest_tags[0].tag == "impurity" and report.weakest_tags[0].lapses == 3


def test_streak_counts_back_from_today_or_yesterday():
    today = datetime(2026, 6, 15).date()
    days = {today - timedelta(days=n) for n in (1, 2, 3, 5)}
    assert streak(days, today) == 3
    assert streak(days | {today}, today) == 4
    assert streak(set(), today) == 0


def totals_as_sets(totals):
    return (
        {card: sorted(v) for card, v in totals.quarters.items()},
        {card: sorted(v) for card, v in totals.quiz.items()},
        totals.agreement,
    )


def test_stored_totals_match_the_events_and_follow_the_log(tmp_path, monkeypatch):
    from mlprep.stats import AnswerTotals

    store = ProgressStore(tmp_path).load()
    moment = NOW - timedelta(days=50)
    for number in range(12):
        mode = "quiz" if number % 3 else "review"
        suggested = Grade(number % 3 + 1) if number % 2 else None  # some answers were graded
        event = store.record(
            f"mini-{number % 4}", Grade(number % 4 + 1), mode, 1, moment, suggested=suggested
        )
        if number == 7:
            store.undo(event, moment + timedelta(seconds=5))
        moment += timedelta(hours=31, minutes=7)

    def expected():
        return totals_as_sets(AnswerTotals.from_events(effective(store.events())))

    assert totals_as_sets(store.answer_totals()) == expected()  # counted in one pass
    assert expected()[2]  # some answers carry the grader's suggestion
    assert (tmp_path / "totals.json").exists()

    def no_recount():
        raise AssertionError("recounted the whole log")

    later = ProgressStore(tmp_path).load()
    monkeypatch.setattr(later, "_count_all", no_recount)
    event = later.record("mini-1", Grade.GOOD, "quiz", 1, NOW)
    later.undo(event, NOW + timedelta(seconds=1))
    later.record(
        "mini-2", Grade.AGAIN, "quiz", 1, NOW + timedelta(seconds=2), suggested=Grade.AGAIN
    )
    assert totals_as_sets(later.answer_totals()) == expected()  # only the tail was read
    (tmp_path / "totals.json").write_text('{"format": 1, "quarters": 7}')
    assert totals_as_sets(ProgressStore(tmp_path).answer_totals()) == expected()


@pytest.mark.parametrize(
    ("table", "damage"),
    [
        ("quarters", 10**13),  # a time some hundred million years on (stats stopped on it)
        ("quarters", -1),
        ("quiz", 10**16),
        ("agreement", None),  # more answers graded as suggested than suggested
        ("quarters", 2.5),  # not a whole number
        ("quiz", True),  # true/false, not a number
        ("quarters", "12"),  # text
    ],
    ids=[
        "quarter far on",
        "quarter before 1970",
        "quiz time far on",
        "agreement",
        "a fraction",
        "true",
        "text",
    ],
)
def test_stored_totals_holding_numbers_no_answer_gives_are_recounted(tmp_path, table, damage):
    import json

    from mlprep.stats import AnswerTotals

    store = ProgressStore(tmp_path).load()
    for number in range(6):
        store.record(
            "mini-1", Grade.GOOD, "quiz", 1, NOW - timedelta(days=number), suggested=Grade.GOOD
        )
    store.answer_totals()
    path = tmp_path / "totals.json"
    stored = json.loads(path.read_text())
    if damage is None:
        stored["agreement"]["mini-1"] = [1, 2]
    else:
        stored[table]["mini-1"][2] = damage
    path.write_text(json.dumps(stored))
    expected = totals_as_sets(AnswerTotals.from_events(effective(store.events())))
    assert totals_as_sets(ProgressStore(tmp_path).load().answer_totals()) == expected
    assert json.loads(path.read_text()) != stored  # (written again, as counted)


def test_a_merge_counts_its_new_answers_into_the_stored_totals(tmp_path, monkeypatch):
    import json

    from mlprep.exportdoc import export_document, read_export
    from mlprep.stats import AnswerTotals

    here, there = ProgressStore(tmp_path / "here").load(), ProgressStore(tmp_path / "there").load()
    moment = NOW - timedelta(days=20)
    for number in range(16):
        store = here if number % 2 else there
        store.record(f"mini-{number % 3}", Grade(number % 4 + 1), "quiz", 1, moment)
        moment += timedelta(hours=9)
    here.answer_totals()  # totals.json current before the merge
    document = json.dumps(export_document(there.events(), NOW))
    assert here.merge(read_export(document, "there.json")) == 8

    def no_recount():
        raise AssertionError("recounted the whole log")

    later = ProgressStore(tmp_path / "here").load()
    monkeypatch.setattr(later, "_count_all", no_recount)
    assert totals_as_sets(later.answer_totals()) == totals_as_sets(
        AnswerTotals.from_events(effective(later.events()))
    )
    stored = json.loads((tmp_path / "here" / "totals.json").read_text())
    assert stored["log_offset"] == (tmp_path / "here" / "reviews.jsonl").stat().st_size


def test_the_report_is_the_same_from_events_or_from_totals(report):
    report, store = report
    again = build_report(MINI, store.states, store.answer_totals(), NOW, store.scheduler)
    assert again == report


def test_recall_is_fsrs_own_figure(report):
    import fsrs

    from mlprep.scheduler import _as_fsrs_card

    _, store = report
    for state in store.states.values():
        for days in (0, 0.5, 1, 3.7, 40, 400):
            now = NOW + timedelta(days=days)
            own = fsrs.Scheduler().get_card_retrievability(_as_fsrs_card(state), now)
            assert store.scheduler.retrievability(state, now) == own


def test_grader_agreement_per_deck():
    from types import SimpleNamespace

    from mlprep.stats import AnswerTotals, grader_agreement

    def event(card, grade, suggested=None):
        return SimpleNamespace(card=card, grade=grade, suggested=suggested, mode="review", when=NOW)

    events = [
        event("mini-open", 3, 3),
        event("mini-open", 2, 3),
        event("mini-open", 1, 1),
        event("mini-single", 3),  # auto-graded: no suggestion, not counted
        event("elsewhere", 3, 3),  # a card of another deck
    ]
    (row,) = grader_agreement(MINI, AnswerTotals.from_events(events))
    assert (row.deck, row.graded, row.agreed) == ("mini", 3, 2)
    assert row.share == pytest.approx(2 / 3)
    assert grader_agreement(MINI, AnswerTotals.from_events(events[3:])) == []


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"])
def test_review_day_of_an_epoch_time_is_the_review_day_of_that_moment(zone, monkeypatch):
    """The fast form stats uses gives the review day the datetime form gives, around the
    hours days start at and daylight-saving changes (Lord Howe shifts by half an hour)."""
    import time

    from mlprep.days import review_day, review_day_of
    from mlprep.stats import ReviewDays

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        start = datetime(2026, 3, 25, tzinfo=UTC).timestamp()
        many = ReviewDays()
        for quarter in range(0, 40 * 96):  # every quarter hour of 40 days
            moment = start + quarter * 900
            expected = review_day(datetime.fromtimestamp(moment, UTC))
            assert review_day_of(moment) == expected
            assert many(moment) == expected
            assert many(moment + 899.5) == review_day(datetime.fromtimestamp(moment + 899.5, UTC))
        # the same days for counts per quarter hour, summed per day at once
        quarters = {int(start) // 900 + q: q % 7 + 1 for q in range(0, 40 * 96, 5)}
        expected_days: Counter = Counter()
        for quarter, count in quarters.items():
            expected_days[review_day(datetime.fromtimestamp(quarter * 900, UTC))] += count
        assert ReviewDays().per_day(quarters) == expected_days
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_weak_card_whose_question_has_a_line_break_keeps_one_row(tmp_path):
    """A question written on two lines ("512×512\\ninput") broke the table's row in three."""
    from dataclasses import replace

    (deck,) = MINI
    cards = tuple(
        replace(card, q="Why are single\ndeep trees\n\nunstable?")
        if card.id == "mini-open"
        else card
        for card in deck.cards
    )
    decks = [replace(deck, cards=cards)]
    store = ProgressStore(tmp_path).load()
    store.record("mini-open", Grade.AGAIN, "review", 1, NOW - timedelta(minutes=1))
    report = build_report(decks, store.states, effective(store.events()), NOW, store.scheduler)
    assert report.weakest_cards[0].question == "Why are single deep trees unstable?"
    text = render_text(stats_view(report))
    (row,) = [line for line in text.splitlines() if line.startswith("mini-open")]
    assert row.endswith("Why are single deep trees unstable?")


@pytest.mark.parametrize("zone", ["Etc/GMT+12", "Pacific/Kiritimati", "Europe/Helsinki"])
def test_the_forecast_counts_each_card_on_its_review_day_in_zones_far_from_utc(zone, monkeypatch):
    """_forecast works out the review day only of times near its window: at UTC-12 a review
    day starts 16 hours after its UTC date does, at UTC+14 10 hours before it (Helsinki
    changes its clocks at 04:00, where review days start)."""
    import time

    from mlprep.days import review_day
    from mlprep.stats import FORECAST_DAYS, ReviewDays, _forecast

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        for now in (
            datetime(2026, 3, 28, 23, 30, tzinfo=UTC),
            datetime(2026, 10, 24, 13, tzinfo=UTC),
        ):
            today = review_day(now)
            dues = [now.timestamp() + quarter * 900 - 86400 for quarter in range(96 * 33)]
            expected: Counter = Counter()
            for due in dues:
                expected[max(today, review_day(datetime.fromtimestamp(due, UTC)))] += 1
            window = [(today + timedelta(days=n)).isoformat() for n in range(FORECAST_DAYS)]
            assert _forecast(dues, today, ReviewDays()) == [
                (day, expected[date.fromisoformat(day)]) for day in window
            ]
    finally:
        monkeypatch.undo()
        time.tzset()
