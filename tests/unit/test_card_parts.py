"""A card's parts (choices, expected number, rubric, keypoints, misconceptions) live in
mlprep.cardparts and are still named by mlprep.model; the deck cache stores cards as rows
of plain values (mlprep.cardrows) that give back equal cards."""

import marshal
import pickle

import pytest

from mlprep import cardparts, model
from mlprep.cardrows import NAMES, card_row, row_card
from mlprep.model import Card, CardType

FULL = Card(
    id="c",
    q="Which?",
    a="This.",
    deck="d",
    explain="Because.",
    choices=(cardparts.Choice("This", correct=True, why="Right."), cardparts.Choice("That")),
    expect=cardparts.Expect(1.5, 0.1),
    type=CardType.SQL,
    db="shop",
    solution="select 1",
    ordered=True,
    rubric=cardparts.Rubric(strong=("says this",), weak=("says that",)),
    difficulty=3,
    tags=("a", "b"),
    refs=("https://example.org",),
    followups=("Why?",),
    keypoints=(cardparts.Keypoint("It is this", ("this", "the one")),),
    misconceptions=(cardparts.Misconception("It is that", ("that",), "It is not."),),
    line=7,
)


def test_the_model_names_every_card_part():
    for name in ("Choice", "Expect", "Keypoint", "Misconception", "Rubric"):
        assert getattr(model, name) is getattr(cardparts, name)


def test_a_card_pickled_when_its_parts_lived_in_the_model_still_loads():
    old = pickle.dumps(FULL, protocol=0).replace(b"mlprep.cardparts", b"mlprep.model")
    assert b"mlprep.cardparts" not in old
    assert pickle.loads(old) == FULL


def test_asking_the_model_for_a_name_it_lacks_fails_as_usual():
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        model.Nothing  # noqa: B018


@pytest.mark.parametrize(
    "card",
    [
        FULL,
        Card(id="plain", q="Q?", a="A."),
        Card(id="code", q="Write f.", a="def f(): ...", type=CardType.CODE, signature="f()"),
    ],
)
def test_a_card_stored_as_a_row_comes_back_equal(card):
    back = row_card(marshal.loads(marshal.dumps(card_row(card))))
    assert back == card and hash(back) == hash(card) and repr(back) == repr(card)
    assert type(back) is Card and type(back.type) is CardType
    assert [type(getattr(back, name)) for name in NAMES] == [
        type(getattr(card, name)) for name in NAMES
    ]


@pytest.mark.parametrize("row", [(), ("c",), card_row(FULL)[:-1], [*card_row(FULL)]])
def test_a_row_of_the_wrong_shape_is_refused(row):
    with pytest.raises(ValueError):
        row_card(row)
