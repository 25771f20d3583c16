"""A warm review's queue from the states' columns (the snapshot's index or rows) and the cached
decks' card ids is the queue build_queue gives from CardStates and cards: same cards, same
order, same limits; and the store keeps its snapshot undecoded until its states are used."""

from __future__ import annotations

import array
import marshal
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from mlprep.cardindex import CardList, LazyCard, Selection
from mlprep.decks import Library
from mlprep.errors import UsageError
from mlprep.model import Card, CardIndex, Deck
from mlprep.progress import ProgressStore
from mlprep.scheduler import (
    LEARNING,
    RELEARNING,
    Limits,
    Scheduler,
    StateColumns,
    build_queue,
    end_of_day,
    queue_positions,
    start_of_day,
    states_from_rows,
)
from mlprep.sessions.base import SessionContext
from mlprep.sessions.recording import StoreView
from mlprep.sessions.review import (
    ReviewSession,
    interleave_decks,
    interleave_positions,
    queue_from_columns,
)
from tests.fakes import MemoryRecorder, ScriptedPrompter


class ListSource:
    """A CardSource over cards in memory (as the deck cache file is one on disk), counting
    the cards it is asked for."""

    def __init__(self, cards: list[Card]) -> None:
        self.cards = cards
        self.read: list[int] = []

    def ids(self):
        return tuple(card.id for card in self.cards)

    def index(self):
        return CardIndex.of(self.cards)

    def card(self, position):
        self.read.append(position)
        return self.cards[position]


def board(seed: int):
    """Decks of random sizes (one empty, names not in sorted order) as cached decks, and the
    states of a random share of their cards: answered minutes to weeks ago, some today, some
    due just either side of the learn-ahead window and of midnight. With a `now` that moves
    around midnight from seed to seed."""
    rng = random.Random(seed)
    now = datetime(2026, 3, 1, 23, 50, tzinfo=UTC).astimezone() + timedelta(
        days=seed, minutes=rng.choice([0, 15, 45, 600])
    )
    names = rng.sample(["trees", "ensembles", "nn", "sql", "stats", "bayes"], rng.randrange(2, 7))
    decks = []
    for name in names:
        size = 0 if name == names[-1] and seed % 3 == 0 else rng.randrange(1, 60)
        cards = [
            Card(id=f"{name}-{n}", q="q", a="a", deck=name, tags=(rng.choice("xyz"),))
            for n in range(size)
        ]
        decks.append(Deck(id=name, title=name, cards=CardList(size, name, ListSource(cards))))
    scheduler = Scheduler()
    states = {}
    every_id = [f"{deck.id}-{n}" for deck in decks for n in range(len(deck.cards))]
    # a few states of cards no deck holds any more: they count towards today's limits
    every_id += [f"gone-{n}" for n in range(5)]
    for card in rng.sample(every_id, int(len(every_id) * rng.random())):
        ago = rng.sample([1, 5, 30, 600, 3000, 20000, 40000, 80000], rng.randrange(1, 4))
        state = None
        for minutes in sorted(ago, reverse=True):
            state = scheduler.review(
                state, card, rng.randrange(1, 5), now - timedelta(minutes=minutes)
            )
        states[card] = state
    tonight = end_of_day(now).timestamp()
    for card, state in list(states.items()):
        if rng.random() < 0.3 and state.state in (LEARNING, RELEARNING):
            due = now + timedelta(minutes=rng.choice([5, 19, 20, 21, 90]))
            states[card] = replace(state, due_ts=due.timestamp())
        elif rng.random() < 0.3:
            states[card] = replace(state, due_ts=tonight + rng.choice([-600, -1, 0, 1, 3600]))
    today = start_of_day(now).timestamp()
    seen_today = sum(1 for s in states.values() if s.first_ts >= today)
    reviewed_today = sum(1 for s in states.values() if s.first_ts < today <= s.last_ts)
    limits = Limits(
        new_per_day=max(0, seen_today + rng.randrange(-2, 40)),
        reviews_per_day=max(0, reviewed_today + rng.choice([-1, 0, 2, 10_000])),
    )
    rows = {card: state.to_row() for card, state in states.items()}
    library = Library()
    library.add(decks)
    return library, rows, now, limits, rng


def failing_seeds(check, seeds) -> list[tuple[int, str]]:
    """The seeds whose `check` fails, with its message: every seed in one test (a test each
    cost more than the check)."""
    failing = []
    for seed in seeds:
        try:
            check(seed)
        except AssertionError as error:
            failing.append((seed, str(error)[:500]))
    return failing


def test_the_queue_from_columns_is_build_queues_queue():
    assert failing_seeds(queue_from_columns_is_build_queues_queue, range(40)) == []


def queue_from_columns_is_build_queues_queue(seed):
    library, rows, now, limits, rng = board(seed)
    wanted = rng.choice([(), ("x",), ("x", "y")])  # whole decks, or some cards of each
    names = rng.sample(sorted(library.decks), rng.randrange(0, len(library.decks)))
    try:
        selection = library.selection(names, wanted)
    except UsageError:  # nothing matches (an empty deck, a tag no card has): every card
        names, wanted = [], ()
        selection = library.selection()
    cards = library.select(names, wanted)
    assert list(selection) == cards
    order_seed = rng.randrange(1000)
    expected = build_queue(
        interleave_decks(cards, random.Random(order_seed)), states_from_rows(rows), now, limits
    )
    queue = queue_from_columns(selection, StateColumns.of_rows(rows), order_seed, now, limits)
    assert queue == expected
    # the very cards the selection holds, not copies
    held = {id(card) for card in selection}
    assert all(id(card) in held for card in queue.cards)


def test_queue_positions_agrees_with_build_queue_in_any_order():
    assert failing_seeds(queue_positions_agrees_with_build_queue, range(20)) == []


def queue_positions_agrees_with_build_queue(seed):
    library, rows, now, limits, rng = board(seed)
    cards = library.select()
    rng.shuffle(cards)
    ids = [card.id for card in cards]
    learning, reviews, new = queue_positions(ids, StateColumns.of_rows(rows), now, limits)
    expected = build_queue(cards, states_from_rows(rows), now, limits)
    assert [cards[i] for i in learning] == list(expected.learning)
    assert [cards[i] for i in reviews] == list(expected.reviews)
    assert [cards[i] for i in new] == list(expected.new)


def test_the_queue_reads_only_the_cards_it_holds():
    library, rows, now, limits, _ = board(1)
    selection = library.selection()
    queue = queue_from_columns(selection, StateColumns.of_rows(rows), 7, now, limits)
    read = sum(len(deck.cards.source.read) for deck in library.decks.values())
    assert read == 0  # ids only: no card's text was read
    built = sum(card is not None for deck in library.decks.values() for card in deck.cards._cards)
    assert built == len(queue)


def test_a_selection_of_parsed_decks_leaves_the_queue_to_build_queue():
    cards = tuple(Card(id=f"p-{n}", q="q", a="a", deck="p") for n in range(3))
    selection = Selection([(cards, None)])
    assert selection.indexed() is None
    assert (
        queue_from_columns(selection, StateColumns.of_rows({}), 1, datetime.now(UTC), Limits())
        is None
    )
    assert list(selection) == list(cards) and selection[1] is cards[1] and len(selection) == 3


def test_a_selection_is_the_sequence_of_its_cards():
    library, _, _, _, _ = board(2)
    selection = library.selection(tags=("x",))
    cards = library.select(tags=("x",))
    assert len(selection) == len(cards) and selection == cards
    assert [selection.card_at(i) for i in range(len(selection))] == cards
    assert all(isinstance(card, LazyCard) for card in selection)


def columns_as_lists(columns):
    return [
        list(column)
        for column in (
            columns.card_ids,
            columns.states,
            columns.dues,
            columns.lasts,
            columns.firsts,
        )
    ]


@pytest.mark.parametrize("indexed", [False, True])
def test_a_loaded_store_builds_its_states_from_the_snapshot_when_first_used(tmp_path, indexed):
    """Without a mark, from the rows it checked; with one (a snapshot this program wrote),
    from the snapshot's index, decoding the snapshot only when the states are used."""
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    mark = tmp_path / "cache" / "snapshot.checked" if indexed else None
    store = ProgressStore(tmp_path / "progress", checked_mark=mark).load()
    for n in range(5):
        store.record(f"c{n}", 1 + n % 4, "review", 1000, at + timedelta(minutes=n))
    store.record_setting("plan", {"interview": "2026-04-01", "minutes": 30}, at)
    store.checkpoint()
    expected = dict(store.states)
    loaded = ProgressStore(tmp_path / "progress", checked_mark=mark).load()
    columns = loaded.state_columns()
    rows = {card: state.to_row() for card, state in sorted(expected.items())}
    assert columns_as_lists(columns) == columns_as_lists(StateColumns.of_rows(rows))
    assert all(card in columns.studied for card in expected) and "c9" not in columns.studied
    assert loaded.setting("plan") == {"interview": "2026-04-01", "minutes": 30}
    assert loaded.states == expected  # built now, the same states
    assert loaded.state_columns() is None  # (nothing is kept beside the states)
    # an answer after a load takes the card's state from the snapshot
    again = ProgressStore(tmp_path / "progress", checked_mark=mark).load()
    again.record("c1", 1, "review", 1000, at + timedelta(days=3))
    assert again.states["c1"].reps == 2 and again.states["c0"] == expected["c0"]


def test_a_torn_or_foreign_index_means_a_full_check(tmp_path, monkeypatch):
    import mlprep.progress as progress_module

    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    mark = tmp_path / "cache" / "snapshot.checked"
    store = ProgressStore(tmp_path / "progress", checked_mark=mark).load()
    store.record("c1", 3, "review", 1000, at)
    store.checkpoint()
    expected = dict(store.states)
    whole = mark.read_bytes()
    checks = []
    real = progress_module.rows_problem
    monkeypatch.setattr(
        progress_module, "rows_problem", lambda rows: checks.append(1) or real(rows)
    )
    for damaged in (whole[: len(whole) // 2], b"2 0.1.0 100 0badf00d\n", b""):
        mark.write_bytes(damaged)
        loaded = ProgressStore(tmp_path / "progress", checked_mark=mark).load()
        assert loaded.states == expected and loaded.warnings == []
    assert len(checks) == 3  # each checked in full (and indexed again)
    assert marshal.loads(mark.read_bytes()) == marshal.loads(whole)  # the same index


def test_a_review_shows_the_same_first_card_from_columns_as_from_states(tmp_path):
    """Through the session: the store's columns (a warm start, from the snapshot's index or
    its rows) and its built states (after an answer) give the same counts and first card."""
    library, rows, now, limits, _ = board(5)
    mark = tmp_path / "cache" / "snapshot.checked"
    store = ProgressStore(tmp_path / "progress").load()
    store.states = states_from_rows(rows)
    store.checkpoint()  # written as a snapshot...

    def first_card(progress):
        prompter = ScriptedPrompter()  # no answers: the session stops at its first card
        context = SessionContext(now=lambda: now, progress=StoreView(progress))
        ReviewSession(library.selection(), limits, seed=3).run(prompter, MemoryRecorder(), context)
        return prompter.shown

    from_rows = first_card(ProgressStore(tmp_path / "progress", checked_mark=mark).load())
    indexed = ProgressStore(tmp_path / "progress", checked_mark=mark).load()  # (marked now)
    assert isinstance(indexed.state_columns().dues, array.array)  # ...read from its index
    from_index = first_card(indexed)
    built = ProgressStore(tmp_path / "progress").load()
    built.states  # noqa: B018  # (built before the session starts)
    assert built.state_columns() is None
    assert from_rows == from_index == first_card(built)
    assert from_rows  # (something was shown)


@pytest.mark.parametrize("seed", range(6))
def test_positions_interleave_as_the_cards_do(seed):
    library, _, _, _, rng = board(seed)
    selection = library.selection()
    runs, _ = selection.indexed()
    order = list(interleave_positions(runs, random.Random(seed)))
    assert [selection.card_at(i) for i in order] == interleave_decks(
        list(selection), random.Random(seed)
    )


@pytest.mark.parametrize("seed", range(6))
def test_queue_positions_takes_new_cards_in_the_order_given(seed):
    library, rows, now, limits, rng = board(seed)
    cards = library.select()
    order = list(range(len(cards)))
    rng.shuffle(order)
    columns = StateColumns.of_rows(rows)
    parts = queue_positions([card.id for card in cards], columns, now, limits, iter(order))
    expected = build_queue([cards[i] for i in order], states_from_rows(rows), now, limits)
    assert tuple(tuple(cards[i] for i in part) for part in parts) == (
        expected.learning,
        expected.reviews,
        expected.new,
    )


@pytest.mark.parametrize("seed", range(4))
def test_cards_at_builds_the_cards_card_at_gives(seed):
    library, _, _, _, rng = board(seed)
    whole = library.selection()
    tagged = library.selection(tags=("x",))
    for selection in (whole, tagged):
        positions = rng.sample(range(len(selection)), len(selection) // 2)
        some = selection.card_at(positions[0]) if positions else None  # one built already
        built = selection.cards_at(positions)
        assert built == [selection.card_at(p) for p in positions]
        assert all(a is b for a, b in zip(built, map(selection.card_at, positions), strict=True))
        assert some is None or built[0] is some
        assert built == [list(selection)[p] for p in positions]
    plain = tuple(Card(id=f"p-{n}", q="q", a="a", deck="p") for n in range(4))
    mixed = Selection([(plain, [3, 1]), (plain, None)])
    assert mixed.cards_at([5, 0, 1]) == [plain[3], plain[3], plain[1]]


def test_a_card_list_builds_only_the_cards_asked_for():
    cards = [Card(id=f"d-{n}", q="q", a="a", deck="d") for n in range(10)]
    source = ListSource(cards)
    card_list = CardList(10, "d", source)
    first = card_list[7]
    got = card_list.cards_at([7, 2, 9, 2])
    assert source.read == []  # built from the ids alone
    assert [card.id for card in got] == ["d-7", "d-2", "d-9", "d-2"] and got[0] is first
    assert got[1] is got[3] is card_list[2]
    assert sum(card is not None for card in card_list._cards) == 3 and card_list._missing == 7
    assert got == [cards[7], cards[2], cards[9], cards[2]]
    assert list(card_list) == cards and card_list._missing == 0
