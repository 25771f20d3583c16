"""A number card's answer is shown whole, as it would be typed: ":g" showed 102,764,544 as
1.02765e+08, itself a wrong answer where no tolerance is allowed."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from mlprep.cardparts import Expect
from mlprep.kinds import KindContext, kind_of
from mlprep.kinds.number import expected_text
from mlprep.model import Card
from mlprep.textfit import number_text
from tests.fakes import ScriptedPrompter


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (102764544.0, "102,764,544"),
        (2e6, "2,000,000"),
        (0.7273, "0.7273"),
        (-0.2, "-0.2"),
        (1e-05, "1e-05"),
        (3.0, "3"),
        (1e20, "1e+20"),
    ],
)
def test_a_number_is_shown_whole(value, shown):
    assert number_text(value) == shown


def test_a_number_cards_answer_and_what_was_typed_are_whole():
    card = Card(id="n", q="How many?", a="That many.", expect=Expect(102764544.0))
    assert expected_text(card) == "102,764,544"
    ranged = Card(id="r", q="How many?", a="About.", expect=Expect(201326592.0, 2e6))
    assert expected_text(ranged) == "201,326,592 (within 2,000,000)"
    outcome = kind_of(card).attempt(card, ScriptedPrompter(102765000.0), KindContext())
    assert (outcome.journal, outcome.verdict.correct) == ("102,765,000", False)
    from mlprep.ui import render

    out = io.StringIO()
    Console(file=out, width=80, color_system=None).print(render.card_detail(ranged))
    assert "Expected: 201,326,592 ± 2,000,000" in out.getvalue()
