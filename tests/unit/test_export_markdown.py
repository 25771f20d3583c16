"""The Markdown study guide: golden files, and the output parsed back as CommonMark/GFM.

Set MLPREP_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change (then read the
diff before committing it).
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt

from mlprep.decks import load_files
from mlprep.export import ExportFormat, build
from mlprep.export.markdown import (
    block,
    deck_markdown,
    github_slug,
    guide_markdown,
    index_markdown,
    inline,
    markdown_files,
)
from mlprep.model import Deck
from tests.builtin import builtin_report
from tests.conftest import FIXTURES

GOLDEN = FIXTURES / "golden"


def load(path: Path) -> Deck:
    report = load_files([path], builtin=False)
    assert report.problems == []
    return report.decks[0]


@pytest.fixture(scope="module")
def mini() -> Deck:
    return load(FIXTURES / "decks" / "mini.yaml")


@pytest.fixture(scope="module")
def demo() -> Deck:
    return load(FIXTURES / "export" / "demo.yaml")


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("MLPREP_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"differs from {path}"


# -- golden files ------------------------------------------------------------------------------
def test_mini_deck_matches_golden(mini):
    check_golden("mini.md", deck_markdown(mini))


def test_markup_deck_matches_golden(demo):
    check_golden("export-demo.md", deck_markdown(demo))


def test_combined_guide_matches_golden(mini, demo):
    check_golden("guide.md", guide_markdown([mini, demo]))


def test_practice_sheet_matches_golden(mini, demo):
    check_golden("practice.md", guide_markdown([mini, demo], no_answers=True))


def test_index_matches_golden(mini, demo):
    check_golden("index.md", index_markdown([mini, demo]))


# -- the output parsed back --------------------------------------------------------------------
def parse(text: str):
    # html=True, as GitHub parses: deck text must still produce no raw HTML
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return md.parse(text)


def text_of(inline_token) -> str:
    return "".join(
        child.content for child in inline_token.children if child.type in ("text", "code_inline")
    )


def headings(tokens, tag: str | None = None) -> list[str]:
    found = []
    for token, following in zip(tokens, tokens[1:], strict=False):
        if token.type == "heading_open" and (tag is None or token.tag == tag):
            found.append(text_of(following))
    return found


def slug(text: str) -> str:
    """GitHub's anchor (Ruby: drop what is not \\p{Word}, '-' or ' '), from the rendered text."""
    word = {"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "Pc"}
    kept = [c for c in text.lower() if c in "- " or unicodedata.category(c) in word]
    return "".join(kept).replace(" ", "-")


def anchors_of(tokens) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for text in headings(tokens):
        base = anchor = slug(text)
        while anchor in seen:
            seen[base] += 1
            anchor = f"{base}-{seen[base]}"
        seen[anchor] = 0
        result.append(anchor)
    return result


def toc_links(tokens) -> list[tuple[str, str]]:
    links = []
    for token in tokens:
        children = token.children or []
        for opening, inner in zip(children, children[1:], strict=False):
            if opening.type == "link_open" and opening.attrs["href"].startswith("#"):
                # markdown-it percent-encodes non-ASCII hrefs; browsers decode them
                links.append((unquote(opening.attrs["href"][1:]), inner.content))
    return links


def literal(question: str) -> str:
    """What a question looks like rendered: its own text, code-span backticks gone."""
    return " ".join(question.replace("`", "").split())


@pytest.mark.parametrize("combined", [False, True])
def test_one_heading_per_card_showing_the_question_literally(mini, demo, combined):
    decks = [mini, demo]
    texts = [guide_markdown(decks)] if combined else [deck_markdown(d) for d in decks]
    questions = []
    for text in texts:
        questions += headings(parse(text), "h3")
    assert questions == [literal(card.q) for deck in decks for card in deck.cards]


def test_markup_in_questions_renders_literally(demo):
    tokens = parse(deck_markdown(demo))
    question = headings(tokens, "h3")[2]
    assert question == (
        "Is <script>alert(1)</script> escaped, and do [links](http://x) and **bold** stay literal?"
    )
    assert headings(tokens, "h1") == ["Export demo: *stars*, [brackets] & <tags>"]
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    assert not kinds & {"html_block", "html_inline"}  # not even from the answers
    in_headings = {
        child.type
        for heading, inner in zip(tokens, tokens[1:], strict=False)
        if heading.type == "heading_open"
        for child in inner.children
    }
    assert in_headings <= {"text", "code_inline"}


def test_toc_links_resolve_to_heading_anchors(mini, demo):
    for text in [deck_markdown(demo), guide_markdown([mini, demo])]:
        tokens = parse(text)
        anchors = anchors_of(tokens)
        assert len(set(anchors)) == len(anchors)
        by_anchor = dict(zip(anchors, headings(tokens), strict=True))
        links = toc_links(tokens)
        assert len(links) == len(headings(tokens)) - 2  # every heading but the title and Contents
        for target, label in links:
            assert target in by_anchor, target
            assert by_anchor[target].startswith(label)  # links' text is the heading's text
    assert "compare-l1-and-l2-regularisation-in-a-table-1" in anchors_of(parse(text))


def test_fences_are_balanced_and_tables_kept(demo):
    text = deck_markdown(demo)
    tokens = parse(text)
    fences = [t for t in tokens if t.type == "fence"]
    assert [f.info for f in fences] == ["python", "", "sql", "sql"]  # (a SQL card's tables)
    assert fences[0].content == "import numpy as np\n\nnp.dot([1, 2], [3, 4])  # 11\n"
    assert len(re.findall(r"(?m)^```", text)) % 2 == 0
    assert sum(t.type == "table_open" for t in tokens) == 1
    assert text.count("| L1 (lasso) | yes | no |") == 1


def test_choices_are_task_list_items(mini):
    text = deck_markdown(mini)
    assert "- [x] Gini impurity\n- [x] Entropy\n- [ ] Accuracy of the parent node\n" in text
    practice = deck_markdown(mini, no_answers=True)
    assert "- [x]" not in practice
    assert "Select all that apply.\n\n- [ ] Gini impurity\n- [ ] Entropy\n" in practice


def test_practice_sheet_has_no_answers(demo):
    text = deck_markdown(demo, no_answers=True)
    for hidden in [
        "**Answer**",
        "**Explanation**",
        "**Expected:**",
        "**Solution**",
        "strong answer",
    ]:
        assert hidden not in text
    assert "**Tables**" in text  # (the SQL question's tables: it cannot be answered without)
    assert "What does elastic net combine?" in text  # follow-ups are questions too


def test_every_builtin_deck_exports_to_well_formed_markdown():
    decks = builtin_report().decks  # parsed once per test process (tests/builtin.py)
    tokens = parse(guide_markdown(decks))
    cards = [card for deck in decks for card in deck.cards]
    assert len(headings(tokens, "h3")) == len(cards)
    assert headings(tokens, "h2")[1:] == [deck.title for deck in decks]
    anchors = set(anchors_of(tokens))
    assert {target for target, _ in toc_links(tokens)} <= anchors


# -- pieces ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words", "plain words"),
        ("# not a heading *or* [link]", r"\# not a heading \*or\* \[link\]"),
        ("x < y & <b>", r"x \< y \& \<b\>"),
        ("`a*b` and *c*", r"`a*b` and \*c\*"),
        ("a stray ` tick", r"a stray \` tick"),
        ("back\\slash", r"back\\slash"),
        ("two\n  lines", "two lines"),
        ("$5 | 50_000 ~x~", r"\$5 \| 50\_000 \~x\~"),
        ("1. not a list", r"1\. not a list"),
        ("- nor this", r"\- nor this"),
        ("-1 and 1.5 stay", "-1 and 1.5 stay"),
    ],
)
def test_inline_escapes_what_would_not_render_literally(text, expected):
    assert inline(text) == expected


def test_block_closes_fences_and_keeps_html_literal():
    assert block("```\ncode") == "```\ncode\n```"
    assert block("````\n```\nstill code") == "````\n```\nstill code\n````"
    assert block("<!-- hidden?\n\n<div>x</div>") == "\\<!-- hidden?\n\n\\<div>x\\</div>"
    assert block("keep `<i>` and \\<j> and <https://x.org>") == (
        "keep `<i>` and \\<j> and <https://x.org>"  # (a link, not HTML)
    )
    assert block("```html\n<p>code</p>\n```") == "```html\n<p>code</p>\n```"
    assert block("    <indented code>") == "    <indented code>"


def test_github_slug():
    assert github_slug("What is 1 - 1? (Gini’s *max*)") == "what-is-1---1-ginis-max"
    assert github_slug("Über `np.dot` 50_000 x² p̂") == "über-npdot-50_000-x-p̂"


def test_directory_export_has_one_file_per_deck_and_an_index(mini, demo, tmp_path):
    files = markdown_files([mini, demo], tmp_path / "guide")
    assert [f.path.name for f in files] == ["mini.md", "export-demo.md", "README.md"]
    assert files[0].data.decode() == deck_markdown(mini)
    index = files[2].data.decode()
    assert "- [A tiny test deck](mini.md) (4 cards): One card of each kind" in index


def test_build_picks_combined_or_directory_from_the_name(mini, tmp_path):
    seen = []
    combined = build([mini], ExportFormat.MD, str(tmp_path / "g.MD"), on_deck=seen.append)
    assert [f.path for f in combined] == [tmp_path / "g.MD"]
    assert seen == [mini]
    assert [f.path for f in build([mini], ExportFormat.MD, "-")] == [None]
    directory = build([mini], ExportFormat.MD, str(tmp_path / "out"))
    assert [f.path.name for f in directory] == ["mini.md", "README.md"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[x](javascript:alert(1))", "[x](#unsafe-link-removed)"),
        ("[x](JavaScript:alert(1) 'title')", "[x](#unsafe-link-removed 'title')"),
        ("[x](&#106;avascript:alert(1))", "[x](#unsafe-link-removed)"),
        ("[x](java%73cript:alert(1))", "[x](#unsafe-link-removed)"),
        ("[x](java\\script:alert(1))", "[x](#unsafe-link-removed)"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "[x](#unsafe-link-removed)"),
        ("[x](file:///etc/passwd)", "[x](#unsafe-link-removed)"),
        ("[ref]: vbscript:msgbox(1)", "[ref]: #unsafe-link-removed"),
        ("[ok](https://en.wikipedia.org/wiki/F_(x))", "[ok](https://en.wikipedia.org/wiki/F_(x))"),
        ("`[code](javascript:1)`", "`[code](javascript:1)`"),
    ],
)
def test_unsafe_link_targets_are_neutralised(text, expected):
    from mlprep.export.markdown import block

    assert block(text) == expected


def test_images_become_links_so_opening_the_guide_fetches_nothing():
    from mlprep.export.markdown import block

    text = "A ![diagram](http://example.com/d.png) and ![ref one][r], not `![code](x)`."
    assert block(text) == (
        "A [image: diagram](http://example.com/d.png) and [image: ref one][r], not `![code](x)`."
    )
    assert block("an escaped \\![mark](x)") == "an escaped \\![mark](x)"


def test_a_question_of_several_lines_keeps_them_and_their_indentation():
    """An imported question with a snippet in it was flattened to one heading line."""
    from mlprep.export.anki import note_fields
    from mlprep.model import Card, Deck

    card = Card(id="mq-001", q="Given:\n    x = [1, 2]\nWhat is len(x)?", a="2")
    deck = Deck(id="mq", title="Mq", cards=(card,))
    page = deck_markdown(deck)
    assert "\n### Given:\n\n\u00a0\u00a0\u00a0\u00a0x = \\[1, 2\\]\\\nWhat is len(x)?\n\n" in page
    assert "1. [Given: x = \\[1, 2\\] What is len(x)?](#given)\n" in page
    assert note_fields(card, deck)[0] == (
        "<p>Given:<br />\n\u00a0\u00a0\u00a0\u00a0x = [1, 2]<br />\nWhat is len(x)?</p>"
    )


def test_a_guide_that_cannot_be_written_whole_leaves_nothing_behind(tmp_path, monkeypatch):
    """A full disk left an empty (or half) guide directory after its error."""
    import errno

    from mlprep import fileio
    from mlprep.errors import MlprepError
    from mlprep.export import write

    real = fileio.atomic_write
    written = []

    def fills_up(path, data):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)
        written.append(path)

    monkeypatch.setattr(fileio, "atomic_write", fills_up)
    decks = load_files(
        [FIXTURES / "decks" / "mini.yaml", FIXTURES / "export" / "demo.yaml"], builtin=False
    ).decks
    guide = tmp_path / "guide"
    with pytest.raises(MlprepError, match="No space left on device"):
        write(markdown_files(decks, guide))
    assert written == [guide / "mini.md"]
    assert not guide.exists()
    # a directory that was there keeps what it held; only this export's new files go
    guide.mkdir()
    (guide / "notes.txt").write_text("mine")
    written.clear()
    with pytest.raises(MlprepError):
        write(markdown_files(decks, guide))
    assert sorted(p.name for p in guide.iterdir()) == ["notes.txt"]
