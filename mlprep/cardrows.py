"""A card as a row of plain values (str, int, float, bool, None and tuples of them) and back.

The deck cache stores its cards as marshalled rows: reading a card builds that card alone,
without importing pickle, and creates the classes of a card's parts (choices, keypoints, ...)
only for a card that holds some.
"""

from __future__ import annotations

from dataclasses import fields

from mlprep.model import Card, CardType

NAMES = tuple(field.name for field in fields(Card))
_CHOICES = NAMES.index("choices")
_EXPECT = NAMES.index("expect")
_TYPE = NAMES.index("type")
_RUBRIC = NAMES.index("rubric")
_KEYPOINTS = NAMES.index("keypoints")
_MISCONCEPTIONS = NAMES.index("misconceptions")
_TYPES = {card_type.value: card_type for card_type in CardType}


def card_row(card: Card) -> tuple:
    """The card's fields in order, each part as a tuple of its fields, the type by value."""
    row = [getattr(card, name) for name in NAMES]
    row[_CHOICES] = tuple((c.text, c.correct, c.why) for c in card.choices)
    expect = card.expect
    row[_EXPECT] = None if expect is None else (expect.value, expect.tolerance)
    row[_TYPE] = card.type.value
    rubric = card.rubric
    row[_RUBRIC] = None if rubric is None else (rubric.strong, rubric.weak)
    row[_KEYPOINTS] = tuple((k.point, k.match) for k in card.keypoints)
    row[_MISCONCEPTIONS] = tuple((m.claim, m.match, m.correction) for m in card.misconceptions)
    return tuple(row)


def row_card(row: tuple) -> Card:
    """The card a row stands for (equal to the card it was made from). Raises TypeError,
    ValueError or KeyError for a row of the wrong shape."""
    if type(row) is not tuple or len(row) != len(NAMES):
        raise ValueError("not a card row")
    values = dict(zip(NAMES, row, strict=True))
    values["type"] = _TYPES[row[_TYPE]]
    if (
        row[_CHOICES]
        or row[_EXPECT] is not None
        or row[_RUBRIC] is not None
        or row[_KEYPOINTS]
        or row[_MISCONCEPTIONS]
    ):
        from mlprep.cardparts import Choice, Expect, Keypoint, Misconception, Rubric

        values["choices"] = tuple(Choice(*choice) for choice in row[_CHOICES])
        values["expect"] = None if row[_EXPECT] is None else Expect(*row[_EXPECT])
        values["rubric"] = None if row[_RUBRIC] is None else Rubric(*row[_RUBRIC])
        values["keypoints"] = tuple(Keypoint(*point) for point in row[_KEYPOINTS])
        values["misconceptions"] = tuple(Misconception(*m) for m in row[_MISCONCEPTIONS])
    # built as unpickling builds it (no __init__ call per field): a search or an export reads
    # every card of the collection
    card = object.__new__(Card)
    card.__dict__.update(values)
    return card
