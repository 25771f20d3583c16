"""A cached deck's cards as its index, with each card's full text read only when it is used.

Start-up needs a card's id, kind, tags, difficulty and line to list, select and schedule;
the question, answer, choices and the rest are needed only for the cards a command shows.
`CardList` is the deck's card sequence built from the index; its `LazyCard`s read the rest
of themselves from a `CardSource` (the deck cache file) the first time any of it is used.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import fields
from typing import Any, Protocol, overload

from mlprep.model import Card, CardIndex, CardType

# what a LazyCard knows without reading its card; every other field is read on first use
INDEX_FIELDS = ("id", "deck", "type", "difficulty", "tags", "line")
_TYPES = {card_type.value: card_type for card_type in CardType}  # a kind names sql and code


class CardSource(Protocol):
    def card(self, position: int) -> Card:
        """The full card at this position of the deck."""
        ...


class LazyCard(Card):
    """A card known by its index entry; the rest of it is read the first time it is used.

    It is a Card everywhere (equal to, and hashing like, the card it stands for). Building
    one by its fields (as `dataclasses.replace` does) gives a plain Card.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        return Card(*args, **kwargs)

    @classmethod
    def entry(cls, index: CardIndex, position: int, deck: str, source: CardSource) -> LazyCard:
        card = object.__new__(cls)
        kind = index.kinds[position]
        card.__dict__.update(
            id=index.ids[position],
            deck=deck,
            type=_TYPES.get(kind, CardType.OPEN),
            difficulty=index.difficulties[position],
            tags=index.tags[position],
            line=index.lines[position],
            _kind=kind,
            _source=source,
            _position=position,
        )
        return card

    def full(self) -> Card:
        """The card itself, read from its source once."""
        card = self.__dict__.get("_card")
        if card is None:
            card = self.__dict__["_source"].card(self.__dict__["_position"])
            self.__dict__["_card"] = card
        return card

    @property
    def kind(self) -> str:
        return self.__dict__["_kind"]

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


def _reader(name: str) -> property:
    return property(lambda self: getattr(self.full(), name), doc=f"The card's {name}.")


for _field in fields(Card):
    if _field.name not in INDEX_FIELDS:
        setattr(LazyCard, _field.name, _reader(_field.name))


class CardList(Sequence[Card]):
    """A cached deck's cards: its index, and a LazyCard per card built when first asked for."""

    def __init__(self, index: CardIndex, deck: str, source: CardSource) -> None:
        self.card_index = index
        self.deck = deck
        self.source = source
        self._cards: list[Card | None] = [None] * len(index.ids)

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
            card = LazyCard.entry(self.card_index, position, self.deck, self.source)
            self._cards[position] = card
        return card

    def __iter__(self) -> Iterator[Card]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"CardList({len(self)} cards of {self.deck!r})"

    def __reduce__(self) -> Any:
        return (
            tuple,
            (tuple(card.full() if isinstance(card, LazyCard) else card for card in self),),
        )
