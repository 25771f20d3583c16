"""Decks -> an Anki package (.apkg) built with genanki.

Deck text is untrusted: every field is Markdown rendered by markdown-it with raw HTML disabled,
so a card can never inject HTML or script into Anki. Ids are derived, never random: the same
deck gets the same Anki deck, and note GUIDs come from card ids, so importing a newer export
updates the notes it imported before instead of duplicating them.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import itertools
import re
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

import genanki
from markdown_it import MarkdownIt

from mlprep.export import OnDeck
from mlprep.export.markdown import (
    block,
    fence,
    inline,
    is_unsafe_url,
    misconception_lines,
    number,
    question_lines,
    sql_tables,
)
from mlprep.model import Card, CardType, Deck

# Never change these: Anki recognises the note type by its id, and an import whose fields differ
# from the note type already in the collection creates a second note type.
MODEL_ID = 1_585_224_411
MODEL_NAME = "mlprep card"
FIELDS = ("Question", "Answer", "Explanation", "Choices", "CardId", "Deck")

# The choices are on both sides; only the back shows which are correct.
FRONT = """\
<div class="deck">{{Deck}}</div>
<div class="question">{{Question}}</div>
{{#Choices}}<div class="choices front">{{Choices}}</div>{{/Choices}}"""
BACK = """\
<div class="deck">{{Deck}}</div>
<div class="question">{{Question}}</div>
{{#Choices}}<div class="choices back">{{Choices}}</div>{{/Choices}}
<hr id="answer">
<div class="answer">{{Answer}}</div>
{{#Explanation}}<div class="explanation">{{Explanation}}</div>{{/Explanation}}
<div class="card-id">{{CardId}}</div>"""
CSS = """\
.card { font-family: sans-serif; font-size: 18px; text-align: left; max-width: 42em; margin: auto; }
.deck, .card-id { font-size: 12px; opacity: 0.6; }
.question { font-weight: bold; }
.question pre { font-weight: normal; }
.choices .mark { display: none; }
.choices.back .mark { display: inline; }
.choices.back .correct { font-weight: bold; }
.choices .why { display: none; }
.choices.back .why { display: block; font-weight: normal; font-size: 0.85em; opacity: 0.85; }
.explanation { margin-top: 1em; opacity: 0.85; }
pre { background: rgba(127, 127, 127, 0.15); padding: 0.5em; overflow-x: auto; }
table { border-collapse: collapse; }
td, th { border: 1px solid rgba(127, 127, 127, 0.5); padding: 0.2em 0.5em; }"""


@functools.cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    md.add_render_rule("image", _image_as_link)
    return md


def _image_as_link(self, tokens, idx, options, env) -> str:
    """An image becomes a link to it: an <img> with a remote source would be fetched every
    time the card is shown (a network request, a tracking pixel), and a deck ships no media."""
    token = tokens[idx]
    source = token.attrGet("src") or ""
    alt = html.escape(token.content or "image")
    if not source or is_unsafe_url(source):
        return f"[image: {alt}]"
    return f'<a href="{html.escape(source)}">[image: {alt}]</a>'


def to_html(markdown: str) -> str:
    return _markdown().render(markdown).strip()


def deck_id(slug: str) -> int:
    """A stable Anki deck id in the range genanki recommends, [2**30, 2**31)."""
    digest = hashlib.sha256(f"mlprep deck {slug}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def anki_tag(tag: str) -> str:
    return re.sub(r"\s+", "_", tag.strip())


def note_tags(card: Card, deck: Deck) -> list[str]:
    tags = (anki_tag(t) for t in (deck.id, *deck.tags, *card.tags))
    return list(dict.fromkeys(t for t in tags if t))


def _section(label: str, items: Sequence[str]) -> str:
    if not items:
        return ""
    return f"**{label}**\n\n" + "\n".join(f"- {inline(item)}" for item in items)


def note_fields(card: Card, deck: Deck) -> list[str]:
    """The note's fields, in FIELDS order, each already safe HTML."""
    answer = [block(card.a)]
    if card.expect:
        tolerance = f" ± {number(card.expect.tolerance)}" if card.expect.tolerance else ""
        answer.insert(0, f"**Expected:** {number(card.expect.value)}{tolerance}")
    if card.rubric:
        answer += [_section("A strong answer has", card.rubric.strong)]
        answer += [_section("A weak answer has", card.rubric.weak)]
    if card.solution:
        language = "python" if card.type is CardType.CODE else "sql"
        answer += ["**Solution**", fence(card.solution, language)]
    explanation = [block(card.explain), "\n".join(misconception_lines(card))]
    explanation += [_section("Follow-ups", card.followups), _section("References", card.refs)]
    return [
        to_html("\n\n".join(_front(card))),
        to_html("\n\n".join(part for part in answer if part)),
        to_html("\n\n".join(part for part in explanation if part)),
        _choices(card),
        html.escape(card.id),
        html.escape(deck.title),
    ]


def _front(card: Card) -> list[str]:
    """The question with what answering it needs, as a quiz shows it: a SQL card's database
    and tables, a drill's function, that several choices may be right."""
    front = ["\\\n".join(question_lines(card.q))]  # (its lines kept, as hard breaks)
    if card.type is CardType.SQL and card.db:
        order = ", row order matters" if card.ordered else ""
        front.append(inline(f"SQL on the `{card.db}` database{order}."))
        tables = sql_tables(card)
        if tables:
            front.append(fence(tables, "sql"))
    elif card.type is CardType.CODE and card.signature.strip():
        front.append(inline(f"Write `{card.signature.strip()}`."))
    if card.is_multi and "apply" not in card.q.lower():
        front.append("Select all that apply.")
    return front


def _choices(card: Card) -> str:
    """The choices as a list, each with why it is right or wrong (shown on the back only)."""
    if not card.choices:
        return ""
    items = []
    for choice in card.choices:
        text = _markdown().renderInline(inline(choice.text))
        if choice.why.strip():
            why = _markdown().renderInline(inline(f"Why: {choice.why}"))
            text += f' <div class="why">{why}</div>'
        if choice.correct:
            items.append(f'<li class="correct">{text} <span class="mark">✔</span></li>')
        else:
            items.append(f"<li>{text}</li>")
    return '<ol class="choices">' + "".join(items) + "</ol>"


@functools.cache
def note_model() -> genanki.Model:
    return genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card", "qfmt": FRONT, "afmt": BACK}],
        css=CSS,
    )


def anki_deck(deck: Deck) -> genanki.Deck:
    description = to_html(inline(deck.title)) + to_html(inline(deck.description))
    anki = genanki.Deck(deck_id(deck.id), f"mlprep::{deck.id}", description)
    for card in deck.cards:
        anki.add_note(
            genanki.Note(
                model=note_model(),
                fields=note_fields(card, deck),
                tags=note_tags(card, deck),
                guid=genanki.guid_for(card.id),
            )
        )
    return anki


def anki_package(
    decks: Sequence[Deck], on_deck: OnDeck | None = None, timestamp: float | None = None
) -> bytes:
    """The .apkg file's bytes: a zip holding collection.anki2 (SQLite) and an empty media map."""
    anki_decks = []
    for deck in decks:
        anki_decks.append(anki_deck(deck))
        if on_deck:
            on_deck(deck)
    package = genanki.Package(anki_decks)
    timestamp = time.time() if timestamp is None else timestamp
    # Package.write_to_file would leave its temporary database behind; this cleans up after itself.
    with tempfile.TemporaryDirectory(prefix="mlprep-anki-") as tmp:
        db_path = Path(tmp) / "collection.anki2"
        connection = sqlite3.connect(db_path)
        try:
            package.write_to_db(
                connection.cursor(), timestamp, itertools.count(int(timestamp * 1000))
            )
            connection.commit()
        finally:
            connection.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(db_path, "collection.anki2")
            archive.writestr("media", "{}")
    return buffer.getvalue()
