"""Decks -> one JSON document (schema in docs/export-formats.md). Every key is always present,
so consumers need no defaults; `format` changes only when a key changes meaning or goes away."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from mlprep import __version__
from mlprep.export import OnDeck
from mlprep.model import Card, Deck

JSON_FORMAT = 1


def card_dict(card: Card) -> dict[str, Any]:
    return {
        "id": card.id,
        "type": str(card.type),
        "q": card.q,
        "a": card.a,
        "explain": card.explain,
        "choices": [{"text": c.text, "correct": c.correct, "why": c.why} for c in card.choices],
        "expect": (
            {"value": card.expect.value, "tolerance": card.expect.tolerance}
            if card.expect
            else None
        ),
        "db": card.db,
        "solution": card.solution,
        "ordered": card.ordered,
        "rubric": (
            {"strong": list(card.rubric.strong), "weak": list(card.rubric.weak)}
            if card.rubric
            else None
        ),
        "difficulty": card.difficulty,
        "tags": list(card.tags),
        "refs": list(card.refs),
        "followups": list(card.followups),
        "keypoints": [{"point": k.point, "match": list(k.match)} for k in card.keypoints],
        "misconceptions": [
            {"claim": m.claim, "match": list(m.match), "correction": m.correction}
            for m in card.misconceptions
        ],
        "signature": card.signature,
        "tests": card.tests,
    }


def deck_dict(deck: Deck) -> dict[str, Any]:
    return {
        "id": deck.id,
        "title": deck.title,
        "description": deck.description,
        "tags": list(deck.tags),
        "builtin": deck.builtin,
        "cards": [card_dict(card) for card in deck.cards],
    }


def json_document(decks: Sequence[Deck], on_deck: OnDeck | None = None) -> dict[str, Any]:
    out = []
    for deck in decks:
        out.append(deck_dict(deck))
        if on_deck:
            on_deck(deck)
    return {"format": JSON_FORMAT, "generator": f"mlprep {__version__}", "decks": out}


def json_bytes(decks: Sequence[Deck], on_deck: OnDeck | None = None) -> bytes:
    text = json.dumps(json_document(decks, on_deck), indent=2, ensure_ascii=False)
    return (text + "\n").encode()
