"""A cached deck's cards as its index, with each card's full text read only when it is used.

Start-up needs a card's id, kind, tags, difficulty and line to list, select and schedule;
the question, answer, choices and the rest are needed only for the cards a command shows.
`CardList` is the deck's card sequence built from the index; its `LazyCard`s read the rest
of themselves from a `CardSource` (the deck cache file) the first time any of it is used.
Listing decks needs only how many cards each has, and building a review's queue only the
cards' ids: the ids are read from the source the first time a card is asked for, the rest of
the index the first time any of it is.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import fields
from functools import cached_property
from itertools import compress, repeat
from operator import is_
from typing import Any, Protocol, overload

from mlprep.model import Card, CardIndex, CardType

# what a LazyCard knows without reading its card; every other field is read on first use
INDEX_FIELDS = ("id", "deck", "type", "difficulty", "tags", "line")
_TYPES = {card_type.value: card_type for card_type in CardType}  # a kind names sql and code


class CardSource(Protocol):
    def ids(self) -> tuple[str, ...]:
        """The deck's card ids, in order (CardIndex.ids, read on its own)."""
        ...

    def index(self) -> CardIndex:
        """The deck's card index (as many entries as the deck has cards)."""
        ...

    def card(self, position: int) -> Card:
        """The full card at this position of the deck."""
        ...


class LazyCard(Card):
    """A card known by its place in its deck's index; the rest of it is read the first time
    it is used.

    It is a Card everywhere (equal to, and hashing like, the card it stands for). It holds
    only its deck's card list and its position (tens of bytes: a review of every card of a
    large collection builds one per card); building one by its fields (as
    `dataclasses.replace` does) gives a plain Card.
    """

    # the id and deck are slots of their own, not read from the index on each use: every
    # command that builds a queue or looks states up reads the id of every card it selected,
    # and a review or plan that takes turns between decks reads every card's deck
    __slots__ = ("_cards", "_position", "_card", "id", "deck")
    _cards: CardList
    _position: int
    _card: Card | None

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        return Card(*args, **kwargs)

    def full(self) -> Card:
        """The card itself, read from its source once."""
        card = self._card
        if card is None:
            card = self._cards.source.card(self._position)
            _set_card(self, card)
        return card

    @property
    def kind(self) -> str:
        return self._cards.card_index.kinds[self._position]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyCard):
            other = other.full()
        return self.full() == other

    def __hash__(self) -> int:
        return hash(self.full())

    def __repr__(self) -> str:
        return repr(self.full())

    def __reduce__(self) -> Any:
        return self.full().__reduce__()


# the slots are set through their descriptors: Card's frozen __setattr__ is for its fields
_set_cards = vars(LazyCard)["_cards"].__set__
_set_position = vars(LazyCard)["_position"].__set__
_set_card = vars(LazyCard)["_card"].__set__
_set_id = vars(LazyCard)["id"].__set__
_set_deck = vars(LazyCard)["deck"].__set__


def _reader(name: str) -> property:
    return property(lambda self: getattr(self.full(), name), doc=f"The card's {name}.")


def _index_reader(column: str) -> property:
    return property(
        lambda self: getattr(self._cards.card_index, column)[self._position],
        doc=f"The card's {column[:-1]}, from its deck's index.",
    )


for _field in fields(Card):
    if _field.name not in INDEX_FIELDS:
        setattr(LazyCard, _field.name, _reader(_field.name))
for _field_name, _column in (
    ("difficulty", "difficulties"),
    ("tags", "tags"),
    ("line", "lines"),
):
    setattr(LazyCard, _field_name, _index_reader(_column))
LazyCard.type = property(  # type: ignore[assignment]
    lambda self: _TYPES.get(self.kind, CardType.OPEN), doc="The card's type, from its kind."
)


class _CardSequence(Sequence[Card]):
    """A sequence of cards equal to any other sequence of the same cards (a list or tuple of
    them too), and hashed as their tuple."""

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))


class CardList(_CardSequence):
    """A cached deck's `count` cards: its index, read from `source` when first needed, and a
    LazyCard per card built when first asked for."""

    def __init__(self, count: int, deck: str, source: CardSource) -> None:
        self.deck = deck
        self.source = source
        self._cards: list[Card | None] = [None] * count
        self._missing = count  # positions without their LazyCard yet

    @cached_property
    def card_index(self) -> CardIndex:
        """The deck's index, read once (afterwards a plain attribute of this list)."""
        return self.source.index()

    @cached_property
    def card_ids(self) -> tuple[str, ...]:
        """The deck's card ids: all that building its cards needs of the index."""
        if "card_index" in self.__dict__:
            return self.card_index.ids
        return self.source.ids()

    def __len__(self) -> int:
        return len(self._cards)

    @overload
    def __getitem__(self, position: int) -> Card: ...

    @overload
    def __getitem__(self, position: slice) -> Sequence[Card]: ...

    def __getitem__(self, position: int | slice) -> Card | Sequence[Card]:
        if isinstance(position, slice):
            return tuple(self[i] for i in range(*position.indices(len(self))))
        card = self._cards[position]
        if card is None:
            if position < 0:
                position += len(self)
            card = self._lazy(position)
            self._cards[position] = card
            self._missing -= 1
        return card

    def _lazy(self, position: int) -> LazyCard:
        card = object.__new__(LazyCard)
        _set_cards(card, self)
        _set_position(card, position)
        _set_card(card, None)
        _set_id(card, self.card_ids[position])
        _set_deck(card, self.deck)
        return card

    def cards_at(self, places: Sequence[int]) -> list[Card]:
        """The cards at these (non-negative) positions; those not built yet are built all at
        once, a step at a time over all of them as in _every_card (a review's queue can hold
        thousands)."""
        cards = self._cards
        missing = list(
            dict.fromkeys(compress(places, map(is_, map(cards.__getitem__, places), repeat(None))))
        )
        if missing:
            made = list(map(object.__new__, repeat(LazyCard, len(missing))))
            drain = deque[object](maxlen=0).extend  # runs a map for its effects
            drain(map(_set_cards, made, repeat(self)))
            drain(map(_set_position, made, missing))
            drain(map(_set_card, made, repeat(None)))
            drain(map(_set_id, made, map(self.card_ids.__getitem__, missing)))
            drain(map(_set_deck, made, repeat(self.deck)))
            drain(map(cards.__setitem__, missing, made))
            self._missing -= len(missing)
        return list(map(cards.__getitem__, places))  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[Card]:
        if self._missing:  # every card at once: selecting a whole deck is common
            self._cards = self._every_card()
            self._missing = 0
        return iter(self._cards)  # type: ignore[arg-type]

    def _every_card(self) -> list[Card | None]:
        """A card for each position (a review of every card of a large collection builds
        tens of thousands at start-up). When none is built yet, as usual, _lazy's work is
        done a step at a time over all of them, each step a C-level map (no Python call per
        card); otherwise one by one."""
        count = len(self._cards)
        if self._missing < count:
            cards = self._cards
            return [self._lazy(i) if card is None else card for i, card in enumerate(cards)]
        made = list(map(object.__new__, repeat(LazyCard, count)))
        drain = deque[object](maxlen=0).extend  # runs a map for its effects, keeping nothing
        drain(map(_set_cards, made, repeat(self)))
        drain(map(_set_position, made, range(count)))
        drain(map(_set_card, made, repeat(None)))
        drain(map(_set_id, made, self.card_ids))
        drain(map(_set_deck, made, repeat(self.deck)))
        return made  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"CardList({len(self)} cards of {self.deck!r})"

    def __reduce__(self) -> Any:
        return (
            tuple,
            (tuple(card.full() if isinstance(card, LazyCard) else card for card in self),),
        )


class Selection(_CardSequence):
    """Cards chosen from decks, deck after deck: each part a deck's cards and the positions
    chosen in them (None: all of them). It is the sequence of those cards; `indexed()` tells
    a review what its queue needs (each part's deck and card ids) without building a card,
    and `card_at` builds only the cards the queue holds."""

    def __init__(self, parts: Sequence[tuple[Sequence[Card], Sequence[int] | None]]) -> None:
        self.parts = list(parts)
        self._starts: list[int] = []
        start = 0
        for cards, positions in self.parts:
            self._starts.append(start)
            start += len(cards) if positions is None else len(positions)
        self._length = start

    @cached_property
    def _cards(self) -> list[Card]:
        cards: list[Card] = []
        for part, positions in self.parts:
            if positions is None:
                cards += part  # (a cached deck's cards need only its ids)
            else:
                cards += map(part.__getitem__, positions)
        return cards

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, position: int) -> Card: ...

    @overload
    def __getitem__(self, position: slice) -> Sequence[Card]: ...

    def __getitem__(self, position: int | slice) -> Card | Sequence[Card]:
        return self._cards[position]

    def __iter__(self) -> Iterator[Card]:
        return iter(self._cards)

    def indexed(self) -> tuple[list[tuple[str, int]], list[str]] | None:
        """Each part's deck and number of cards, and every card's id in order: known from
        the cached decks' indexes alone. None when a part is not a cached deck's CardList
        (its cards are at hand anyway)."""
        runs: list[tuple[str, int]] = []
        ids: list[str] = []
        for cards, positions in self.parts:
            if not isinstance(cards, CardList):
                return None
            if positions is None:
                ids += cards.card_ids
                runs.append((cards.deck, len(cards)))
            else:
                ids += map(cards.card_ids.__getitem__, positions)
                runs.append((cards.deck, len(positions)))
        return runs, ids

    def cards_at(self, positions: Sequence[int]) -> list[Card]:
        """card_at for many positions: each deck's cards built together (CardList.cards_at)."""
        starts = self._starts
        by_part: dict[int, list[int]] = {}
        for position in positions:
            by_part.setdefault(bisect_right(starts, position) - 1, []).append(position)
        found: dict[int, Card] = {}
        for part, wanted in by_part.items():
            cards, chosen = self.parts[part]
            places = [position - starts[part] for position in wanted]
            if chosen is not None:
                places = [chosen[place] for place in places]
            if isinstance(cards, CardList):
                found.update(zip(wanted, cards.cards_at(places), strict=True))
            else:
                found.update(zip(wanted, map(cards.__getitem__, places), strict=True))
        return list(map(found.__getitem__, positions))

    def card_at(self, position: int) -> Card:
        """The card at this position, built (if it is a cached deck's) without the others."""
        part = bisect_right(self._starts, position) - 1
        cards, positions = self.parts[part]
        place = position - self._starts[part]
        return cards[place if positions is None else positions[place]]

    def __repr__(self) -> str:
        return f"Selection({len(self)} cards of {len(self.parts)} decks)"


def card_ids(cards: Sequence[Card]) -> Sequence[str]:
    """The ids of a deck's cards, in order, without building a cached deck's cards."""
    if isinstance(cards, CardList):
        return cards.card_ids
    return [card.id for card in cards]
