"""The JSON export: the documented schema, and every card survives a round trip to a deck."""

from __future__ import annotations

import dataclasses
import json

import pytest
import yaml

from mlprep import __version__
from mlprep.errors import UsageError
from mlprep.export import ExportFormat, build
from mlprep.export.jsonexport import JSON_FORMAT, json_bytes, json_document
from mlprep.schema import parse_deck
from tests.builtin import builtin_report

CARD_KEYS = [
    "id",
    "type",
    "q",
    "a",
    "explain",
    "choices",
    "expect",
    "db",
    "solution",
    "ordered",
    "rubric",
    "difficulty",
    "tags",
    "refs",
    "followups",
    "keypoints",
    "misconceptions",
    "signature",
    "tests",
]


def test_document_shape(decks):
    document = json.loads(json_bytes(decks))
    assert document["format"] == JSON_FORMAT == 1
    assert document["generator"] == f"mlprep {__version__}"
    assert [d["id"] for d in document["decks"]] == ["mini", "export-demo"]
    mini = document["decks"][0]
    assert list(mini) == ["id", "title", "description", "tags", "builtin", "cards"]
    assert mini["tags"] == ["testing"] and mini["builtin"] is False
    for deck in document["decks"]:
        for card in deck["cards"]:
            assert list(card) == CARD_KEYS


def test_a_card_exactly(decks):
    card = json_document(decks)["decks"][0]["cards"][2]
    assert card == {
        "id": "mini-number",
        "type": "open",
        "q": "What is the Gini impurity of a 50/50 binary node?",
        "a": "0.5: 1 - (0.25 + 0.25).",
        "explain": "",
        "choices": [],
        "expect": {"value": 0.5, "tolerance": 0.001},
        "db": "",
        "solution": "",
        "ordered": False,
        "rubric": None,
        "difficulty": 1,
        "tags": ["impurity", "numeric"],
        "refs": [],
        "followups": [],
        "keypoints": [],
        "misconceptions": [],
        "signature": "",
        "tests": "",
    }


def test_text_is_kept_verbatim(decks):
    text = json_bytes(decks).decode()
    assert '"q": "Is <script>alert(1)</script> escaped' in text  # the deck's own text, unrendered
    assert '"text": "Yes, as `&lt;script&gt;`"' in text
    assert text.endswith("}\n")


def as_deck_yaml(deck: dict) -> str:
    """A JSON deck back to deck YAML: drop what is empty or the default."""
    cards = []
    for card in deck["cards"]:
        card = {k: v for k, v in card.items() if v not in ("", [], None, False)}
        if card.get("type") == "open":
            del card["type"]
        if "rubric" in card:
            card["rubric"] = {k: v for k, v in card["rubric"].items() if v}
        if "choices" in card:
            card["choices"] = [{k: v for k, v in c.items() if v} for c in card["choices"]]
        cards.append(card)
    top = {k: deck[k] for k in ("id", "title", "description", "tags") if deck[k]}
    return yaml.dump(
        {**top, "cards": cards},
        Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),  # libyaml's: ten times faster
        allow_unicode=True,
        sort_keys=False,
    )


@pytest.mark.parametrize("builtin", [False, True])
def test_every_card_round_trips(decks, builtin):
    if builtin:
        decks = builtin_report().decks  # parsed once per test process (tests/builtin.py)
    for original, exported in zip(decks, json_document(decks)["decks"], strict=True):
        parsed, problems = parse_deck(as_deck_yaml(exported), "roundtrip.yaml")
        assert problems == []
        strip = [dataclasses.replace(card, line=0) for card in parsed.cards]
        assert strip == [dataclasses.replace(card, line=0) for card in original.cards]


def test_build_writes_json_to_a_file_or_standard_output(decks):
    seen = []
    [file] = build(decks, ExportFormat.JSON, on_deck=seen.append)
    assert str(file.path) == "mlprep.json" and seen == decks
    [file] = build(decks, ExportFormat.JSON, "-")
    assert file.path is None and json.loads(file.data)["format"] == 1
    with pytest.raises(UsageError):
        build(decks, ExportFormat.JSON, no_answers=True)
