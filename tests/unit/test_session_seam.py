"""The session seam: kinds, the review's deck interleaving, selection by kind, interval text,
and the import rule that sessions and kinds never reach for the terminal."""

from __future__ import annotations

import random
import re
from datetime import timedelta
from pathlib import Path

import pytest

from mlprep.decks import Library, load_files
from mlprep.kinds import kind_of
from mlprep.kinds.choice import option_feedback
from mlprep.model import Card, Choice
from mlprep.sessions.base import comes_back, long_interval, short_interval
from mlprep.sessions.review import interleave_decks
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2] / "mlprep"


@pytest.fixture(scope="module")
def library():
    library = Library()
    report = load_files([FIXTURES / "kinds", FIXTURES / "sqldecks", FIXTURES / "decks"], False)
    library.add(report.decks)
    return library


def test_every_card_has_one_kind_and_select_filters_by_it(library):
    assert {c.id: c.kind for c in library.select(["kinds"])} == {
        "kinds-single": "single",
        "kinds-multi": "multi",
        "kinds-number": "number",
        "kinds-open": "open",
        "kinds-sql": "sql",
    }
    sql = library.select(kinds=["sql"])
    assert sorted(c.id for c in sql) == ["kinds-sql", "sqlmini-count-users", "sqlmini-first-users"]
    assert [c.id for c in library.select(tags=["fixture-sql"], kinds=["sql"])] == [
        "sqlmini-count-users",
        "sqlmini-first-users",
    ]
    assert {type(kind_of(c)).__name__ for c in library.select(["kinds"])} == {
        "SingleChoiceKind",
        "MultiChoiceKind",
        "NumberKind",
        "OpenKind",
        "SqlKind",
    }


def test_new_cards_are_drawn_across_decks_in_turn_and_repeatably():
    cards = [Card(id=f"{d}-{i}", q="q", a="a", deck=d) for d in "abc" for i in range(4)]
    first = interleave_decks(cards, random.Random(3))
    assert first == interleave_decks(cards, random.Random(3))
    assert sorted(c.id for c in first) == sorted(c.id for c in cards)
    for start in range(0, 12, 3):  # every round of three holds one card of each deck
        assert sorted(c.deck for c in first[start : start + 3]) == ["a", "b", "c"]
    assert first != interleave_decks(cards, random.Random(4))


def test_decks_of_different_sizes_take_turns_until_each_runs_out():
    sizes = {"a": 1, "b": 4, "c": 2}
    cards = [Card(id=f"{d}-{i}", q="q", a="a", deck=d) for d, n in sizes.items() for i in range(n)]
    mixed = interleave_decks(cards, random.Random(5))
    rng = random.Random(5)  # the same draws: each deck's shuffle, then the decks' order
    by_deck = {d: [c for c in cards if c.deck == d] for d in sizes}
    for deck_cards in by_deck.values():
        rng.shuffle(deck_cards)
    order = sorted(by_deck)
    rng.shuffle(order)
    rounds = [[by_deck[d][r] for d in order if r < len(by_deck[d])] for r in range(4)]
    assert mixed == [card for round_ in rounds for card in round_]
    assert [c.deck for c in mixed[-2:]] == ["b", "b"]  # the largest deck ends alone


def test_option_feedback_names_wrong_picks_missed_options_and_why():
    shown = (
        Choice("A", True, "A is right because."),
        Choice("B", False, "B confuses bias with variance."),
        Choice("C", True),
    )
    assert option_feedback(shown, {0, 1}) == (
        "You picked 1) A - right. A is right because.",
        "You picked 2) B - wrong. B confuses bias with variance.",
        "You missed 3.",
    )
    assert option_feedback(shown, {0, 2}) == ("You picked 1) A - right. A is right because.",)


def test_option_feedback_reads_as_sentences_when_the_options_are_sentences():
    """A picked option's own full stop is not doubled; the missed ones are named by number
    (the verdict lists the right options in full just above)."""
    shown = (
        Choice("Trees can be read as rules.", True),
        Choice("Splits are chosen greedily...", True),
        Choice("Is depth a regularizer?", True),
        Choice("Leaves are always pure.", False, "Not with a depth limit."),
    )
    assert option_feedback(shown, {3}) == (
        "You picked 4) Leaves are always pure - wrong. Not with a depth limit.",
        "You missed 1, 2 and 3.",
    )
    assert option_feedback(shown, {0, 1, 3})[-1] == "You missed 3."
    assert (
        option_feedback(shown[1:], {0})[0] == "You picked 1) Splits are chosen greedily... - right."
    )


def test_the_options_picked_are_kept_one_after_another_as_a_phrase():
    """What a select-all answer keeps (the mock's transcript and export show it): the
    options picked, without their own full stops ("split.; Each tree")."""
    import random

    from mlprep.kinds import KindContext, kind_of
    from mlprep.model import Card

    card = Card(
        id="m",
        q="Which hold?",
        a="1 and 2.",
        choices=(
            Choice("Trees can be read as rules.", True),
            Choice("Splits are chosen greedily...", True),
            Choice("Leaves are always pure", False),
        ),
    )

    class Picking:
        def choose(self, options, several=False):
            return [options.index(text) for text in options if not text.startswith("Leaves")]

    outcome = kind_of(card).attempt(card, Picking(), KindContext(rng=random.Random(1)))
    assert sorted(outcome.journal.split("; ")) == [
        "Splits are chosen greedily...",
        "Trees can be read as rules",
    ]


@pytest.mark.parametrize(
    ("delta", "short", "long"),
    [
        (timedelta(minutes=10), "10m", "10 minutes"),
        (timedelta(hours=5), "5h", "5 hours"),
        (timedelta(days=3), "3d", "3 days"),
        (timedelta(days=75), "2.5mo", "2 months"),
        (timedelta(days=400), "1.1y", "1 year"),
    ],
)
def test_intervals_read_as_grade_buttons_and_sentences(delta, short, long):
    assert short_interval(delta) == short
    assert long_interval(delta) == long


def test_sessions_and_kinds_never_import_the_terminal_side():
    banned = re.compile(r"^\s*(from|import) (mlprep\.ui|mlprep\.cli|typer|rich|questionary)\b")
    for folder in ("sessions", "kinds"):
        for path in (ROOT / folder).glob("*.py"):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                assert not banned.match(line), f"{path.name}:{number}: {line.strip()}"


def test_a_runaway_or_refused_query_is_a_try_with_its_reason(library):
    from mlprep.kinds import KindContext
    from tests.fakes import ScriptedPrompter

    card = library.card("sqlmini-count-users")
    runaway = (
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r) SELECT count(*) FROM r;"
    )
    prompter = ScriptedPrompter(runaway, "DROP TABLE users;", "SELECT COUNT(*) FROM users;")
    outcome = kind_of(card).attempt(card, prompter, KindContext(sql_time_limit=0.05))
    notices = [line for line in prompter.shown if isinstance(line, str)]
    assert notices[0].startswith("Error: query stopped after 0.05 s (time limit)")
    assert notices[0].endswith(" 2 more tries (empty to give up).")
    assert notices[1].startswith("Error: DROP is not allowed")
    assert notices[1].endswith(" 1 more try (empty to give up).")
    # right at the third try: Hard, as `mlprep sql` grades it
    assert (outcome.verdict.correct, outcome.verdict.grade, outcome.attempts) == (True, 2, 3)


def test_a_wrong_result_says_how_many_tries_are_left(library):
    """A wrong result used a try as an error does, but only the third one said so ("Not
    solved in 3 tries")."""
    from mlprep.kinds import KindContext
    from tests.fakes import ScriptedPrompter

    card = library.card("sqlmini-count-users")
    wrong = "SELECT COUNT(*) - 1 FROM users;"
    prompter = ScriptedPrompter(wrong, wrong, wrong)
    outcome = kind_of(card).attempt(card, prompter, KindContext())
    notices = [line for line in prompter.shown if isinstance(line, str)]
    assert notices == [
        "mismatch",
        "2 more tries (empty to give up).",
        "mismatch",
        "1 more try (empty to give up).",
        "mismatch",
    ]
    assert outcome.verdict.feedback == ("Not solved in 3 tries.",)


@pytest.mark.parametrize(
    ("stopped", "code"),
    [(None, None), ("quit", 0), ("end of input", 0), ("time up", 0), ("interrupted", 130)],
)
def test_each_way_a_session_stops_has_its_exit_code(stopped, code):
    import typer

    from mlprep.cli.session import finish
    from mlprep.sessions.base import SessionResult, Stop

    result = SessionResult(stopped=Stop(stopped) if stopped else None)
    if code:
        with pytest.raises(typer.Exit) as raised:
            finish(result)
        assert raised.value.exit_code == code
    else:
        finish(result)  # returns: exit status 0


@pytest.mark.parametrize("size", [0, 1, 2, 3, 17, 64, 65, 1000])
def test_a_decks_shuffle_is_randoms_shuffle(size):
    from mlprep.sessions.review import _shuffle

    for seed in range(3):
        ours, theirs = list(range(size)), list(range(size))
        mine, reference = random.Random(seed), random.Random(seed)
        _shuffle(mine, ours)
        reference.shuffle(theirs)
        assert ours == theirs
        assert mine.random() == reference.random()  # as many draws taken


@pytest.mark.parametrize(
    ("later", "says"),
    [
        (timedelta(minutes=10), "in 10 minutes (1 due by the end of today)."),
        (timedelta(days=1), "tomorrow (1 due by the end of tomorrow)."),
        (timedelta(days=3), "; 1 due by the end of that day."),  # after "(Sat 28 Nov)"
        # 00:10 local is still today's review day (days start at 04:00), 04:10 is tomorrow's
        (timedelta(hours=12, minutes=10), "Next card due in 12 hours (1 due by the end of today)."),
        (timedelta(hours=16, minutes=10), "Next card due tomorrow (1 due by the end of tomorrow)."),
        # 02:00 on Sat 28 Nov: in Friday's review day, named by it
        (
            timedelta(days=2, hours=14),
            "Next card due in 2 days (Fri 27 Nov); 1 due by the end of that day.",
        ),
    ],
)
def test_the_next_due_card_names_its_day(later, says):
    from datetime import datetime
    from types import SimpleNamespace

    from mlprep.scheduler import CardState
    from mlprep.sessions.base import SessionContext
    from mlprep.sessions.review import next_due_text

    # local noon: ten minutes on is the same local day, a day on the next, in any time zone
    now = datetime(2026, 11, 25, 12, 0).astimezone()
    due = (now + later).timestamp()
    state = CardState("c", "learning", due, 3.0, 5.0, None, now.timestamp(), now.timestamp(), 1, 0)
    context = SessionContext(now=lambda: now, progress=SimpleNamespace(states={"c": state}))
    assert next_due_text([Card(id="c", q="q", a="a")], context).endswith(says)


def test_a_card_minutes_away_in_tomorrows_day_says_when_that_day_starts():
    """At 03:50 a card due at 04:10 is minutes away and yet tomorrow's: "1 due by the end of
    tomorrow" alone read as a day away."""
    from datetime import datetime
    from types import SimpleNamespace

    from mlprep.scheduler import CardState
    from mlprep.sessions.base import SessionContext
    from mlprep.sessions.review import next_due_text

    now = datetime(2026, 11, 26, 3, 50).astimezone()
    due = (now + timedelta(minutes=20)).timestamp()
    state = CardState("c", "learning", due, 3.0, 5.0, None, now.timestamp(), now.timestamp(), 1, 0)
    context = SessionContext(now=lambda: now, progress=SimpleNamespace(states={"c": state}))
    assert next_due_text([Card(id="c", q="q", a="a")], context) == (
        "Next card due in 20 minutes (1 due by the end of tomorrow, whose day starts at 04:00)."
    )


def test_the_mock_question_header_and_its_countdown_show_the_same_time_left():
    import io

    from mlprep.textfit import clock_text
    from mlprep.ui.prompts import PlainPrompter

    shown = io.StringIO()
    PlainPrompter(io.StringIO(), shown, echo=False).show_mock_question(
        Card(id="c", q="Why?", a="a"), 2, 3, 11.4
    )
    assert "Question 2/3 (0:12 left)" in shown.getvalue()
    assert clock_text(11.4) == "0:12"  # the countdown before each answer
    assert (clock_text(0.2), clock_text(0), clock_text(300)) == ("0:01", "0:00", "5:00")


def test_cards_due_beyond_the_days_limit_are_not_called_unscheduled():
    """An empty queue with cards already due (today's reviews used up) says so, not "no cards
    are scheduled yet"."""
    from datetime import datetime, timedelta
    from types import SimpleNamespace

    from mlprep.scheduler import CardState
    from mlprep.sessions.base import SessionContext
    from mlprep.sessions.review import next_due_text

    now = datetime(2026, 11, 25, 12, 0).astimezone()
    due = (now - timedelta(days=2)).timestamp()
    seen = (now - timedelta(days=9)).timestamp()
    states = {
        card: CardState(card, "review", due, 3.0, 5.0, None, seen, seen, 1, 0)
        for card in ("c", "d")
    }
    context = SessionContext(now=lambda: now, progress=SimpleNamespace(states=states))
    cards = [Card(id="c", q="q", a="a"), Card(id="d", q="q", a="a")]
    assert next_due_text(cards, context) == (
        "Nothing more today: 2 cards are due beyond today's limit of reviews (`mlprep review"
        " --max-reviews N` sets it)."
    )
    assert next_due_text(cards[:1], context) == (
        "Nothing more today: 1 card is due beyond today's limit of reviews (`mlprep review"
        " --max-reviews N` sets it)."
    )
    # an interview plan's queue chooses among due cards: none is held by a limit
    assert next_due_text(cards, context, limited=False).startswith("No cards are scheduled")


def test_a_narrow_quiz_summary_keeps_the_ends_of_its_card_ids():
    """At 40 columns ids give way first, to their ends: cards of one deck share its prefix,
    and rows cut to "ensembles-..." could not be told apart."""
    from mlprep.model import Grade
    from mlprep.sessions.base import CardResult
    from mlprep.sessions.quiz import QuizResult

    ids = [
        "ensembles-bootstrap-small-n-compute",
        "ensembles-bagging-variance-of-means",
        "ensembles-gbm-shrinkage",
    ]
    results = [
        CardResult(
            Card(id=i, q="A question long enough to be cut?", a="a"), Grade.AGAIN, False, "", 1
        )
        for i in ids
    ]
    # (under 60 columns, a card's id and question have a line each)
    rows = QuizResult(planned=3, results=results, width=40).summary()[3:9]
    assert [row.split()[1] for row in rows[0::2]] == [
        "...es-bootstrap-small-n-compute",
        "...es-bagging-variance-of-means",
        "ensembles-gbm-shrinkage",
    ]
    assert rows[1] == "         A question long enough to be..."
    assert all(len(row) <= 40 for row in rows)
    rows = QuizResult(planned=3, results=results[2:], width=70).summary()[3:4]
    assert rows == ["  wrong  ensembles-gbm-shrinkage  A question long enough to be cut?"]
    # at 80 columns an id up to 36 characters is whole, to give to `mlprep show`
    rows = QuizResult(planned=3, results=results, width=80).summary()[3:6]
    assert [row.split()[1] for row in rows] == ids  # (none over 36)


def test_a_summary_cuts_a_question_at_a_words_end():
    """A row ended mid-word ("by default for cla..."); an id or a value is cut where it must."""
    from mlprep.model import Grade
    from mlprep.sessions.base import CardResult
    from mlprep.sessions.quiz import QuizResult
    from mlprep.textfit import fit

    q = "Which impurity measure does CART use by default for classification?"
    result = CardResult(Card(id="c-1", q=q, a="a"), Grade.AGAIN, False, "", 1)
    row = QuizResult(planned=1, results=[result], width=60).summary()[3]
    assert row == "  wrong  c-1  Which impurity measure does CART use by..."
    assert fit("enterprise annual plan", 19) == "enterprise annua..."  # (a value: as it fits)
    assert fit("enterprise annual plan", 19, at_word=True) == "enterprise..."
    assert fit("abcdefghijklmnopqrstuvwxyz", 10, at_word=True) == "abcdefg..."  # (no space)
    # a cut just after a full stop gives three dots, not four
    assert fit('Trees are sold as "easy to interpret". How far?', 41, at_word=True) == (
        'Trees are sold as "easy to interpret"...'
    )
    # a long hyphenated word is cut at a hyphen, not inside a part
    option = "Over all target functions, all learners have equal off-training-set error"
    assert (
        fit(option, 68, at_word=True)
        == "Over all target functions, all learners have equal off-training..."
    )


def test_a_session_stopped_before_any_answer_says_nothing_is_saved():
    """ "your graded answers are saved" was said when there were none."""
    from mlprep.model import Grade
    from mlprep.sessions.base import CardResult, Stop
    from mlprep.sessions.flash import FlashResult
    from mlprep.sessions.quiz import QuizResult
    from mlprep.sessions.review import ReviewResult

    stop = Stop("interrupted")
    assert QuizResult(planned=2, stopped=stop).summary()[1] == (
        "Stopped (interrupted) after 0 of 2 cards."
    )
    assert QuizResult(planned=1, stopped=stop).summary()[1] == (
        "Stopped (interrupted) after 0 of 1 card."  # (not "of 1 cards")
    )
    assert ReviewResult(planned=2, stopped=stop).summary()[1] == "Stopped (interrupted)."
    assert FlashResult(planned=2, stopped=stop).summary()[1] == "Stopped (interrupted)."
    answered = [CardResult(Card(id="c", q="q?", a="a"), Grade.GOOD, None, "", 1)]
    assert QuizResult(planned=2, stopped=stop, results=answered).summary()[1] == (
        "Stopped (interrupted) after 1 of 2 cards; your graded answers are saved."
    )
    assert ReviewResult(planned=2, stopped=stop, results=answered).summary()[1] == (
        "Stopped (interrupted); your graded answers are saved."
    )


def test_when_a_card_comes_back_is_counted_from_its_answer():
    """As its grade's label counted it: a Hard's 5.5 minutes read "6m" on the label and, said
    after a drill's tests had run, "Comes back in 5 minutes"."""
    from mlprep.scheduler import CardState

    answered = 1_790_000_000.0
    state = CardState("c", "learning", answered + 330, 1.0, 5.0, 0, answered, answered, 1, 0)
    assert short_interval(timedelta(seconds=330)) == "6m"
    assert comes_back(state) == "Comes back in 6 minutes."
    assert comes_back(None) == ""
