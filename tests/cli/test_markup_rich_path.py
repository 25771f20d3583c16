"""Deck text is never terminal markup on the rich path either (`show`, `search`): brackets in
a question, an answer or an option print as typed, in colour and without."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES

MARKUP = ["--decks", str(FIXTURES / "markup")]


@pytest.fixture(params=["colour", "no-colour"])
def colours(request, monkeypatch):
    if request.param == "colour":
        monkeypatch.setenv("FORCE_COLOR", "1")  # rich emits styles even into a pipe
        monkeypatch.setenv("TERM", "xterm-256color")
    else:
        monkeypatch.setenv("NO_COLOR", "1")
    return request.param


def plain_text(out: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\\\", "", out)


def test_show_prints_brackets_as_typed(cli, colours):
    result = cli("show", "markup-literal", *MARKUP)
    assert result.exit_code == 0
    text = plain_text(result.stdout)
    assert "What does [bold]this[/] and [link=https://example.com]that[/link] print?" in text
    assert "Exactly [red]this text[/red], brackets and all." in text
    assert "1) [bold]literal[/]" in text
    assert "2) [/]" in text
    assert "\x1b]8;" not in result.stdout  # no hyperlink was made of [link=...]


def test_search_prints_brackets_as_typed(cli, colours):
    result = cli("search", "print", *MARKUP)
    assert result.exit_code == 0
    text = plain_text(result.stdout)
    assert "[bold]this[/]" in text and "[link=https://example.com]that[/link]" in text


def test_search_echoes_the_query_as_typed(cli, colours):
    result = cli("search", "[bold]nothing like this[/bold]", *MARKUP)
    assert plain_text(result.stdout) == "No cards match '[bold]nothing like this[/bold]'.\n"


def test_renderables_take_deck_text_as_text_even_on_a_markup_console():
    """Whatever console prints them, the views never hand deck text to the markup parser."""
    import io

    from rich.console import Console

    from mlprep.decks import load_files
    from mlprep.ui.render import card_detail, option_list, question_panel, search_table

    (deck,) = load_files([FIXTURES / "markup"], builtin=False).decks
    card = deck.cards[0]
    out = io.StringIO()
    console = Console(file=out, width=200, markup=True, color_system=None)
    for view in (
        card_detail(card),
        search_table([card]),
        question_panel(card, 1, 1),
        option_list([c.text for c in card.choices], [c.correct for c in card.choices]),
    ):
        console.print(view)
    text = out.getvalue()
    assert text.count("[bold]this[/]") == 3  # detail, search row, question panel
    assert "[link=https://example.com]that[/link]" in text
    assert text.count("[bold]literal[/]") == 2 and "Exactly [red]this text[/red]" in text


def test_answers_keep_text_that_looks_like_html_and_images_in_place():
    """`<eos>`, `<pad>` and `List<int>` in an answer are text, not tags to drop; an image
    is not moved to the front of its line (rich's Markdown did both)."""
    import io

    from rich.console import Console

    from mlprep.model import Card
    from mlprep.ui.render import answer_panel, card_detail

    answer = (
        "Sequences end with <eos> and pad with <pad>; a `List<int>` holds the ids and "
        "<script>x</script> stays. See ![the diagram](http://example.com/d.png) here."
    )
    card = Card(id="c", q="How?", a=answer, explain="Unknown words map to <unk>.")
    for view in (card_detail(card), answer_panel(card)):
        out = io.StringIO()
        Console(file=out, width=200, color_system=None).print(view)
        text = " ".join(out.getvalue().replace("│", " ").split())
        assert "end with <eos> and pad with <pad>; a List<int> holds" in text
        assert "<script>x</script> stays. See !the diagram" in text
        assert "Unknown words map to <unk>." in text


def test_only_a_card_asking_for_options_says_select_all_that_apply():
    import io

    from rich.console import Console

    from mlprep.model import Card, CardType, Choice
    from mlprep.ui.render import question_panel

    choices = (Choice("a", True), Choice("b", True), Choice("c", False))
    shown = {}
    for kind in (CardType.OPEN, CardType.SQL):
        card = Card(id="c", q="Which users?", a="A.", type=kind, choices=choices, db="shop")
        out = io.StringIO()
        Console(file=out, width=80, color_system=None).print(question_panel(card, 1, 1))
        shown[kind] = "(select all that apply)" in out.getvalue()
    assert shown == {CardType.OPEN: True, CardType.SQL: False}
