"""A card's parts (choices, expected number, rubric, keypoints, misconceptions) live in
mlprep.cardparts and are still named by mlprep.model, where deck caches pickled them."""

import pickle

import pytest

from mlprep import cardparts, model
from mlprep.model import Card


def test_the_model_names_every_card_part():
    for name in ("Choice", "Expect", "Keypoint", "Misconception", "Rubric"):
        assert getattr(model, name) is getattr(cardparts, name)


def test_a_card_pickled_when_its_parts_lived_in_the_model_still_loads():
    card = Card(
        id="c",
        q="Which?",
        a="This.",
        choices=(cardparts.Choice("This", correct=True, why="Because."),),
        expect=cardparts.Expect(1.5, 0.1),
        rubric=cardparts.Rubric(strong=("says this",)),
        keypoints=(cardparts.Keypoint("It is this", ("this",)),),
        misconceptions=(cardparts.Misconception("It is that", ("that",), "It is not."),),
    )
    old = pickle.dumps(card, protocol=0).replace(b"mlprep.cardparts", b"mlprep.model")
    assert b"mlprep.cardparts" not in old
    assert pickle.loads(old) == card


def test_asking_the_model_for_a_name_it_lacks_fails_as_usual():
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        model.Nothing  # noqa: B018
