"""The content model: frozen dataclasses with no I/O. Imports nothing of mlprep."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlprep.cardparts import Choice as Choice
    from mlprep.cardparts import Expect as Expect
    from mlprep.cardparts import Keypoint as Keypoint
    from mlprep.cardparts import Misconception as Misconception
    from mlprep.cardparts import Rubric as Rubric

DECK_FORMAT_VERSION = 2  # 2 added choice 'why', 'keypoints' and 'misconceptions'

# what a deck, card, tag or database id is (here, not with the deck parser: a plan or an
# import checks ids without loading YAML)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# SLUG in words ("--all" and "a--b" are letters, digits and dashes, and still no slug)
SLUG_RULE = "lower-case letters and digits, in words joined by one '-' (my-deck-2)"
# the longest card or deck id: the review log keeps ids of up to 200 characters, and a log
# line it could not read back would stop every command
MAX_ID_CHARS = 200


class CardType(StrEnum):
    OPEN = "open"
    SQL = "sql"
    CODE = "code"  # a coding drill: the user writes a function, mlprep runs its tests


class Grade(IntEnum):
    """The four answers the scheduler understands (the same numbers as FSRS ratings)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


# What a card may hold beyond its text lives in mlprep.cardparts, imported the first time one
# is used: creating five dataclasses costs a warm review's start-up about 3 ms, and its first
# card often holds none of them. The names stay importable from here (and objects pickled
# with them under this module's name still load).
_CARD_PARTS = frozenset({"Choice", "Expect", "Keypoint", "Misconception", "Rubric"})


def __getattr__(name: str) -> Any:
    if name in _CARD_PARTS:
        from mlprep import cardparts

        return getattr(cardparts, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Card:
    """One question with its answer, and whatever makes it gradable (choices, expect, sql,
    code, keypoints)."""

    id: str
    q: str
    a: str
    deck: str = ""
    explain: str = ""
    choices: tuple[Choice, ...] = ()
    expect: Expect | None = None
    type: CardType = CardType.OPEN
    db: str = ""
    solution: str = ""
    ordered: bool = False
    signature: str = ""  # code cards: the function to write, as `name(params)`
    tests: str = ""  # code cards of user decks: Python defining cases(rng)
    rubric: Rubric | None = None
    difficulty: int | None = None
    tags: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()
    followups: tuple[str, ...] = ()
    keypoints: tuple[Keypoint, ...] = ()
    misconceptions: tuple[Misconception, ...] = ()
    line: int = 0  # where the card starts in its file, for messages

    @property
    def function(self) -> str:
        """The function a code card asks for (the name in its signature)."""
        return self.signature.split("(", 1)[0].strip()

    @property
    def kind(self) -> str:
        """The card's kind by name: sql, code, number, multi (several right options), single
        or open. Selection (`Library.select(kinds=...)`) and `mlprep.kinds` key on it."""
        if self.type is not CardType.OPEN:
            return str(self.type)
        if self.expect is not None:
            return "number"
        if self.choices:
            return "multi" if self.is_multi else "single"
        return "open"

    @property
    def is_choice(self) -> bool:
        return bool(self.choices)

    @property
    def is_multi(self) -> bool:
        return sum(c.correct for c in self.choices) > 1

    @property
    def is_numeric(self) -> bool:
        return self.expect is not None

    @property
    def correct_indexes(self) -> tuple[int, ...]:
        return tuple(i for i, c in enumerate(self.choices) if c.correct)


@dataclass(frozen=True)
class CardIndex:
    """What listing, selecting and scheduling need of a deck's cards, one entry per card in
    deck order, without any card's text: start-up reads this instead of every card."""

    ids: tuple[str, ...]
    kinds: tuple[str, ...]  # Card.kind
    difficulties: tuple[int | None, ...]
    tags: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...]

    @classmethod
    def of(cls, cards: Sequence[Card]) -> CardIndex:
        return cls(
            ids=tuple(card.id for card in cards),
            kinds=tuple(card.kind for card in cards),
            difficulties=tuple(card.difficulty for card in cards),
            tags=tuple(card.tags for card in cards),
            lines=tuple(card.line for card in cards),
        )


@dataclass(frozen=True)
class Deck:
    """A deck file's cards and what describes them."""

    id: str
    title: str
    # a tuple when parsed; from the deck cache, a sequence that reads each card when used
    cards: Sequence[Card]
    description: str = ""
    tags: tuple[str, ...] = ()
    path: Path | None = None
    builtin: bool = False

    @cached_property
    def index(self) -> CardIndex:
        """The cards' index (the cached deck's own, or built from its cards)."""
        given = getattr(self.cards, "card_index", None)
        return given if isinstance(given, CardIndex) else CardIndex.of(self.cards)

    def all_tags(self) -> set[str]:
        tags = set(self.tags)
        for card_tags in self.index.tags:
            tags.update(card_tags)
        return tags


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a deck file, located as precisely as we can."""

    path: str
    message: str
    line: int | None = None
    card_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if not self.card_id:
            card = ""
        elif self.card_id.startswith("#"):  # a card without an id, named by its position
            card = f" card {self.card_id}:"
        else:
            card = f" card '{self.card_id}':"
        return f"{where}:{card} {self.message}"


@dataclass
class LoadReport:
    """What loading a set of deck files gave: the good decks and every problem found."""

    decks: list[Deck] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # (path, card id, line) for every card of every file read, broken files included, in order
    card_ids: list[tuple[str, str, int]] = field(default_factory=list)
