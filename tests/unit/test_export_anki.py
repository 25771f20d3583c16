"""The Anki package, opened as Anki would: a zip holding a SQLite collection."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest

from mlprep.errors import UsageError
from mlprep.export import ExportFormat, build
from mlprep.export.anki import FIELDS, MODEL_ID, anki_package, anki_tag, deck_id, to_html


def open_package(data: bytes, tmp_path: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["collection.anki2", "media"]
        assert json.loads(archive.read("media")) == {}
        path = tmp_path / "collection.anki2"
        path.write_bytes(archive.read("collection.anki2"))
    return sqlite3.connect(path)


def notes(connection: sqlite3.Connection) -> dict[str, tuple[str, list[str], list[str]]]:
    """guid -> (card id, fields, tags)"""
    rows = connection.execute("SELECT guid, flds, tags FROM notes").fetchall()
    result = {}
    for guid, flds, tags in rows:
        fields = flds.split("\x1f")
        result[guid] = (fields[FIELDS.index("CardId")], fields, tags.split())
    return result


def test_one_note_per_card_with_guids_from_card_ids(decks, tmp_path):
    found = notes(open_package(anki_package(decks), tmp_path))
    cards = [card for deck in decks for card in deck.cards]
    assert len(found) == len(cards) == 9
    assert {guid: value[0] for guid, value in found.items()} == {
        genanki.guid_for(card.id): card.id for card in cards
    }


def test_guids_and_deck_ids_are_stable_across_exports(decks, tmp_path):
    first, second = tmp_path / "1", tmp_path / "2"
    first.mkdir()
    second.mkdir()
    one = open_package(anki_package(decks, timestamp=1_000), first)
    two = open_package(anki_package(decks, timestamp=2_000), second)
    assert sorted(notes(one)) == sorted(notes(two))

    def deck_names(connection):
        (decks_json,) = connection.execute("SELECT decks FROM col").fetchone()
        return {int(k): v["name"] for k, v in json.loads(decks_json).items()}

    assert deck_names(one) == deck_names(two)
    assert deck_names(one) == {
        1: "Default",
        deck_id("mini"): "mlprep::mini",
        deck_id("export-demo"): "mlprep::export-demo",
    }
    cards = one.execute("SELECT DISTINCT did FROM cards ORDER BY did").fetchall()
    assert sorted(did for (did,) in cards) == sorted([deck_id("mini"), deck_id("export-demo")])


def test_the_note_type_has_a_fixed_id_and_the_documented_fields(decks, tmp_path):
    connection = open_package(anki_package(decks), tmp_path)
    (models_json,) = connection.execute("SELECT models FROM col").fetchone()
    models = json.loads(models_json)
    assert list(models) == [str(MODEL_ID)]
    assert [f["name"] for f in models[str(MODEL_ID)]["flds"]] == list(FIELDS)
    assert FIELDS == ("Question", "Answer", "Explanation", "Choices", "CardId", "Deck")


def test_fields_and_tags(decks, tmp_path):
    found = notes(open_package(anki_package(decks), tmp_path))
    by_id = {card_id: (fields, tags) for card_id, fields, tags in found.values()}
    fields, tags = by_id["mini-multi"]
    question, answer, explanation, choices, card_id, deck = fields
    assert question == "<p>Which of these are impurity measures?</p>\n<p>Select all that apply.</p>"
    assert answer == "<p>Gini impurity and entropy.</p>"
    assert explanation == "<p>Information gain is a drop in entropy, not an impurity itself.</p>"
    assert choices == (
        '<ol class="choices">'
        '<li class="correct">Gini impurity <span class="mark">✔</span></li>'
        '<li class="correct">Entropy <span class="mark">✔</span></li>'
        "<li>Accuracy of the parent node</li></ol>"
    )
    assert (card_id, deck) == ("mini-multi", "A tiny test deck")
    assert tags == ["mini", "testing", "impurity"]

    fields, tags = by_id["exp-sql"]
    assert '<pre><code class="language-sql">SELECT u.id, COUNT(o.id) AS n' in fields[1]
    assert tags == ["export-demo", "testing", "joins"]
    assert by_id["mini-number"][0][1].startswith("<p><strong>Expected:</strong> 0.5 ± 0.001</p>")
    table_answer = by_id["exp-table"][0][1]
    assert "<table>" in table_answer and "<li>mentions *sparsity*</li>" in table_answer
    assert by_id["exp-table"][0][2].endswith(
        "<p><strong>Follow-ups</strong></p>\n<ul>\n<li>What does elastic net combine?</li>\n</ul>"
    )


def test_deck_text_cannot_inject_html(decks, tmp_path):
    found = notes(open_package(anki_package(decks), tmp_path))
    by_id = {card_id: fields for card_id, fields, _ in found.values()}
    question, answer, explanation, choices, _, deck = by_id["exp-markup"]
    assert question == (
        "<p>Is &lt;script&gt;alert(1)&lt;/script&gt; escaped, and do [links](http://x) and "
        "**bold** stay literal?</p>\n<p>Select all that apply.</p>"
    )
    assert answer == "<p>Yes: &lt;b&gt;tags&lt;/b&gt; stay text and the script never runs.</p>"
    assert explanation.startswith("<p>&lt;!-- an unclosed comment")
    assert (
        '<li>No, it &lt;em&gt;runs&lt;/em&gt; <div class="why">Why: Nothing a deck holds runs.'
        "</div></li>" in choices
    )
    assert (
        '<div class="why">Why: Deck text is plain: &lt;b&gt;tags&lt;/b&gt; and *stars* show as '
        'typed.</div> <span class="mark">✔</span></li>'
    ) in choices
    assert "<code>&amp;lt;script&amp;gt;</code>" in choices
    assert deck == "Export demo: *stars*, [brackets] &amp; &lt;tags&gt;"
    for fields in by_id.values():
        for field in fields:
            assert "<script" not in field and "<b>" not in field and "<!--" not in field


def test_markdown_links_with_scripts_are_not_links():
    assert "href" not in to_html("[x](javascript:alert(1))")
    assert to_html("<img src=x onerror=alert(1)>") == ("<p>&lt;img src=x onerror=alert(1)&gt;</p>")


def test_tags_cannot_contain_spaces():
    assert anki_tag("two words\there") == "two_words_here"


def test_deck_ids_are_stable_and_in_range():
    assert deck_id("trees") == deck_id("trees") != deck_id("tree")
    assert all(1 << 30 <= deck_id(slug) < 1 << 31 for slug in ["a", "trees", "sql", "x" * 50])


def test_build_refuses_practice_sheets_and_standard_output(decks):
    with pytest.raises(UsageError, match="--no-answers makes a Markdown practice sheet"):
        build(decks, ExportFormat.ANKI, "x.apkg", no_answers=True)
    with pytest.raises(UsageError, match="binary file"):
        build(decks, ExportFormat.ANKI, "-")


def test_build_names_the_default_file_and_reports_each_deck(decks):
    seen = []
    files = build(decks, ExportFormat.ANKI, on_deck=seen.append)
    assert [f.path for f in files] == [Path("mlprep.apkg")]
    assert seen == decks
    assert zipfile.is_zipfile(io.BytesIO(files[0].data))


def test_images_become_links_so_showing_a_card_fetches_nothing():
    from mlprep.export.anki import to_html

    html = to_html("See ![pixel](https://tracker.example/p.png) and ![bad](javascript:alert(1)).")
    assert "<img" not in html
    assert html == (
        '<p>See <a href="https://tracker.example/p.png">[image: pixel]</a> and'
        " ![bad](javascript:alert(1)).</p>"
    )


def test_javascript_links_are_not_links_in_anki():
    from mlprep.export.anki import to_html

    assert "href" not in to_html("[x](javascript:alert(1)) [y](&#106;avascript:alert(1))")


def test_the_back_explains_each_choice_and_each_misconception(decks, tmp_path):
    """Each option's why (the quiz shows it) and each misconception's correction were left out
    of the package: 644 choice cards lost their explanations."""
    found = notes(open_package(anki_package(decks), tmp_path))
    by_id = {card_id: fields for card_id, fields, _ in found.values()}
    explanation = by_id["exp-table"][2]
    assert explanation.startswith(
        "<p><strong>Misconceptions</strong></p>\n<ul>\n<li><em>Mistaken:</em> L2 sets weights to "
        "*exactly* zero<br />\n<em>In fact:</em> L2 shrinks weights towards zero; L1 sets some to "
        "zero &lt;exactly&gt;.</li>\n</ul>"
    )
    # the why is on both sides in the field, and shown on the back only
    from mlprep.export.anki import CSS

    assert ".choices .why { display: none; }" in CSS
    assert ".choices.back .why { display: block;" in CSS


def test_a_sql_front_names_its_database_and_tables_and_a_drill_its_function(decks, tmp_path):
    """A SQL card's front gave only the question: no tables to write the query against; a
    drill's solution was labelled SQL and named an empty database."""
    from mlprep.export.anki import note_fields
    from mlprep.model import Card, CardType

    found = notes(open_package(anki_package(decks), tmp_path))
    question, answer = next(f for i, f, _ in found.values() if i == "exp-sql")[:2]
    assert "<p>SQL on the <code>shop</code> database, row order matters.</p>" in question
    assert '<pre><code class="language-sql">CREATE TABLE orders (' in question
    assert "<p><strong>Solution</strong></p>" in answer

    drill = Card(
        id="my-relu",
        q="Implement relu(x).",
        a="Clip negatives at zero.",
        type=CardType.CODE,
        signature="relu(x)",
        solution="def relu(x):\n    return np.maximum(x, 0)\n",
    )
    question, answer = note_fields(drill, decks[0])[:2]
    assert question == "<p>Implement relu(x).</p>\n<p>Write <code>relu(x)</code>.</p>"
    assert answer.endswith(
        '<p><strong>Solution</strong></p>\n<pre><code class="language-python">def relu(x):\n'
        "    return np.maximum(x, 0)\n</code></pre>"
    )


def test_a_web_autolink_in_deck_text_stays_a_link_and_others_stay_text():
    """`<https://...>` is CommonMark's link, not HTML: it was escaped into literal text."""
    from mlprep.export.markdown import block

    paper = "See <https://arxiv.org/abs/1706.03762>."
    assert block(paper) == paper
    assert to_html(block(paper)) == (
        '<p>See <a href="https://arxiv.org/abs/1706.03762">https://arxiv.org/abs/1706.03762</a>'
        ".</p>"
    )
    assert to_html(block("<javascript:alert(1)>")) == "<p>&lt;javascript:alert(1)&gt;</p>"
    assert to_html(block("<b>x</b> <http://a.b/c d>")) == (
        "<p>&lt;b&gt;x&lt;/b&gt; &lt;http://a.b/c d&gt;</p>"
    )
