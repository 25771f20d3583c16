"""Every rich renderable. Deck text always enters rich as Text or Markdown, never as markup."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence
from typing import TextIO

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlprep.model import Card, Deck


def make_console(file: TextIO | None = None, env: Mapping[str, str] | None = None,
                 stderr: bool = False) -> Console:  # fmt: skip
    """A console at most 80 columns wide that honours NO_COLOR and plain pipes."""
    env = os.environ if env is None else env
    width = min(80, shutil.get_terminal_size((80, 24)).columns)
    return Console(
        file=file,
        stderr=stderr,
        width=width,
        no_color="NO_COLOR" in env,
        highlight=False,
        emoji=False,
        markup=False,
    )


def markdown(text: str) -> RenderableType:
    from rich.markdown import Markdown  # heavy: only when an answer is shown

    return Markdown(text, code_theme="ansi_dark", hyperlinks=False)


def question_panel(card: Card, position: int, total: int) -> Panel:
    level = f" · difficulty {card.difficulty}" if card.difficulty else ""
    title = Text(f"{position}/{total} · {card.deck}{level}")
    body = Text(card.q, style="bold")
    if card.is_multi and "apply" not in card.q.lower():
        body.append("\n(select all that apply)", style="dim")
    return Panel(
        body, title=title, title_align="left", subtitle=Text(card.id), subtitle_align="right"
    )


def hint(text: str) -> Text:
    return Text(text, style="dim")


def verdict(correct: bool, key: str | None) -> Text:
    if correct:
        return Text("✔ Correct", style="bold green")
    return Text.assemble(("✘ Not quite. ", "bold red"), ("Answer: ", "bold"), key or "")


def answer_body(card: Card) -> RenderableType:
    parts: list[RenderableType] = [markdown(card.a)]
    if card.explain:
        parts += [Text("Why", style="bold"), markdown(card.explain)]
    if card.rubric:
        if card.rubric.strong:
            parts.append(Text("A strong answer has", style="bold green"))
            parts.extend(Text(f"  + {item}") for item in card.rubric.strong)
        if card.rubric.weak:
            parts.append(Text("A weak answer has", style="bold red"))
            parts.extend(Text(f"  - {item}") for item in card.rubric.weak)
    return Group(*parts)


def answer_panel(card: Card) -> Panel:
    return Panel(answer_body(card), title=Text("Reference answer"), title_align="left",
                 border_style="cyan")  # fmt: skip


def card_detail(card: Card) -> RenderableType:
    """Everything about one card, for `mlprep show`."""
    parts: list[RenderableType] = [
        Text(
            f"{card.id} · {card.deck}"
            + (f" · difficulty {card.difficulty}" if card.difficulty else ""),
            style="dim",
        ),  # fmt: skip
        Text(card.q, style="bold"),
    ]
    if card.choices:
        for number, choice in enumerate(card.choices, start=1):
            mark = "✔" if choice.correct else " "
            parts.append(Text(f" {mark} {number}) {choice.text}"))
    if card.expect:
        tolerance = f" ± {card.expect.tolerance:g}" if card.expect.tolerance else ""
        parts.append(Text(f"Expected: {card.expect.value:g}{tolerance}"))
    parts.append(answer_body(card))
    if card.solution:
        from rich.syntax import Syntax

        parts += [Text("Solution", style="bold"), Syntax(card.solution.strip(), "sql")]
    if card.followups:
        parts.append(Text("Follow-ups", style="bold"))
        parts.extend(Text(f"  • {item}") for item in card.followups)
    meta = []
    if card.tags:
        meta.append("tags: " + ", ".join(card.tags))
    if card.refs:
        meta.append("refs: " + "; ".join(card.refs))
    parts.extend(Text(line, style="dim") for line in meta)
    return Group(*parts)


def decks_table(decks: Sequence[Deck]) -> Table:
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    table.add_column("deck")
    table.add_column("title")
    table.add_column("cards", justify="right")
    table.add_column("source")
    for deck in decks:
        source = "built-in" if deck.builtin else str(deck.path)
        table.add_row(Text(deck.id), Text(deck.title), str(len(deck.cards)), Text(source))
    return table


def search_table(cards: Sequence[Card]) -> Table:
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    table.add_column("card", no_wrap=True)
    table.add_column("question")
    for card in cards:
        table.add_row(Text(card.id), Text(card.q))
    return table
