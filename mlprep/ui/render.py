"""Every rich renderable. Deck text always enters rich as Text or Markdown, never as markup."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping, Sequence
from typing import TextIO

from rich import box
from rich.console import Console, ConsoleDimensions, Group, RenderableType
from rich.padding import Padding  # (loaded with rich.panel anyway)
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlprep.model import Card
from mlprep.ui.stats_text import (  # (HEAT_LEVELS and heat_level are the heatmap's, for tests)
    HEAT_LEVELS,  # noqa: F401
    STATS_COLUMNS,
    Unsupported,
    _percent,
    _weak_tag,
    calendar_runs,
    forecast_runs,
    heat_level,  # noqa: F401
    kept_columns,
    stats_cells,
    stats_table_lines,
    weak_head,
    weak_layout,
    weak_title,
)
from mlprep.ui.text import break_between, inline_parts


class _Console(Console):
    """A console as wide as the terminal is now, at most 80 columns: a resize between two
    screens gives the next one the new width (rich measures the terminal on each render)."""

    @property
    def size(self) -> ConsoleDimensions:
        size = Console.size.fget(self)  # type: ignore[attr-defined]
        # (COLUMNS=0 is no width at all: rich would lay everything out in none)
        return ConsoleDimensions(min(80, size.width) if size.width > 0 else 80, size.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]

    def _render_buffer(self, buffer) -> str:
        """What rich writes, without the spaces it pads lines with when the output is not a
        terminal (a table or a code block padded to 80 columns, in a file or a pipe)."""
        text = super()._render_buffer(buffer)
        return text if self.is_terminal else _PADDING.sub("", text)


_PADDING = re.compile(r"[ \t]+$", re.MULTILINE)


def make_console(
    file: TextIO | None = None, env: Mapping[str, str] | None = None, stderr: bool = False
) -> Console:
    """A console at most 80 columns wide that honours NO_COLOR and plain pipes."""
    env = os.environ if env is None else env
    return _Console(
        file=file,
        stderr=stderr,
        no_color="NO_COLOR" in env,
        highlight=False,
        emoji=False,
        markup=False,
    )


CODE_STYLE = "bold cyan"
_INLINE_STYLES = {"code": CODE_STYLE, "bold": "bold", "italic": "italic", "": ""}


def with_code(text: str, style: str = "", marks: bool = False) -> Text:
    """Deck text as Text whose `inline code` spans show as code (no backticks) and whose
    **strong** and *emphasis* show as bold and italic (no stars); nothing else in it is read
    as markup. `marks`: for output that shows no styles (a pipe, a file), where the backticks
    are all that tells code from prose: inline code keeps them."""
    result = Text(style=style)
    for kind, part in inline_parts(text):
        shown = f"`{part}`" if marks and kind == "code" else part
        result.append(shown, style=_INLINE_STYLES[kind] or None)
    return result


def markdown(text: str, marks: bool = False) -> RenderableType:
    """Deck Markdown; `marks`: its inline code keeps its backticks (as with_code's)."""
    rendered = _markdown_class()("", code_theme="ansi_dark", hyperlinks=False)
    rendered.markup, rendered.parsed = text, _markdown_parser().parse(text)
    if marks:
        for block in rendered.parsed:
            for token in block.children or ():
                if token.type == "code_inline":
                    # (a space apart from a backtick of its own, as Markdown writes it)
                    pad = " " if token.content[:1] == "`" or token.content[-1:] == "`" else ""
                    token.content = f"{token.markup}{pad}{token.content}{pad}{token.markup}"
    return _Trimmed(rendered)


def guide(text: str) -> RenderableType:
    """A Markdown document of mlprep's own (the deck-writing guide), rendered whole: unlike a
    card's text, it is trusted and may use every Markdown feature."""
    from rich.markdown import Markdown

    return Markdown(text)


class _Trimmed:
    """A renderable without the empty lines rich puts before it (a list or a table that opens
    an answer began its box with an empty line: rich yields the line break its parts ask for
    before the list or table itself)."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console, options):
        from rich.segment import Segment

        lines = console.render_lines(self.renderable, options, pad=False, new_lines=False)
        while lines and not "".join(segment.text for segment in lines[0]).strip():
            lines.pop(0)
        for line in lines:
            yield from line
            yield Segment.line()


@functools.cache
def _markdown_class():
    """rich's Markdown, its code blocks folded as _FoldedCode folds them (and without the
    padding that showed as a stray space before each line)."""
    from rich.markdown import CodeBlock, Markdown, TableElement  # heavy: only when shown

    class FoldedCodeBlock(CodeBlock):
        def __rich_console__(self, console, options):
            yield _FoldedCode(str(self.text).rstrip(), self.lexer_name, self.theme)

    class FittingTable(TableElement):
        def __rich_console__(self, console, options):
            yield _fitting_table(self, console, options)

    class DeckMarkdown(Markdown):
        elements = {
            **Markdown.elements,
            "fence": FoldedCodeBlock,
            "code_block": FoldedCodeBlock,
            "table_open": FittingTable,
        }

    return DeckMarkdown


@functools.cache
def _markdown_parser():
    """rich's Markdown parser, but for what deck text is not: HTML ("<eos>", "List<int>" and
    "<pad>" are text, which rich drops as tags) and images (rich moves them to the front of
    the line; their Markdown is shown as a link instead)."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False})
    return parser.enable("strikethrough").enable("table").disable("image")


def _fitting_table(element, console, options) -> RenderableType:
    """A deck's Markdown table as a table where its every word fits the width, else as one
    record a row: the first cell, then each other cell under its column's name (in a box at
    80 columns a five-column table cut "cross-attention" to "cross-attenti..."). No blank
    edge lines above and below (they showed as two empty lines at the top of a box)."""
    from rich.cells import cell_len

    heads = [cell.content for cell in element.header.row.cells] if element.header else []
    rows = (
        [[cell.content for cell in row.cells] for row in element.body.rows] if element.body else []
    )
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, collapse_padding=True)
    for head in heads:
        table.add_column(head.copy(), header_style="bold")
    for row in rows:
        table.add_row(*row)
    # the narrowest the table can be without cutting a word: each column's longest word, and
    # two columns between columns
    columns = [heads, *rows]
    longest = [
        max(
            (cell_len(word) for row in columns if i < len(row) for word in row[i].plain.split()),
            default=1,
        )
        for i in range(len(heads))
    ]
    if not heads or sum(longest) + 2 * (len(heads) - 1) <= options.max_width:
        return table
    # (each row's first cell on a line of its own: in the labels' column it widened it, and
    # at 40 columns a long one left a value 13 columns)
    records: list[RenderableType] = []
    for number, row in enumerate(rows):
        if number:
            records.append(Text(""))
        first = row[0].copy() if row else Text("")
        first.stylize("bold")
        cells = Table.grid(padding=(0, 1))
        cells.add_column(style="dim", no_wrap=True)
        cells.add_column(overflow="fold")
        for head, cell in zip(heads[1:], row[1:], strict=False):
            cells.add_row(f"  {head.plain}:", cell)
        records += [first, cells]
    return Group(*records)


def question_panel(card: Card, position: int, total: int) -> Panel:
    level = f" · difficulty {card.difficulty}" if card.difficulty else ""
    title = Text(f"{position}/{total} · {card.deck}{level}")
    body = with_code(card.q, style="bold")
    # (by its kind: an SQL card's options are for flash and mock, while quiz asks a query)
    if card.kind == "multi" and "apply" not in card.q.lower():
        body.append("\n(select all that apply)", style="dim")
    return Panel(
        body, title=title, title_align="left", subtitle=Text(card.id), subtitle_align="right"
    )


def hint(text: str, width: int | None = None) -> Text:
    """A dim line of keys and what they do; wider than `width`, it breaks between its
    " · " parts, never inside one ("u undo" stays together)."""
    if width is None:
        return Text(text, style="dim")
    return Text("\n".join(break_between(text, width)), style="dim")


def verdict(correct: bool, key: str | None, label: str = "Answer:") -> Text:
    if correct:
        return Text("✔ Correct", style="bold green")
    return Text.assemble(("✘ Not quite. ", "bold red"), (label, "bold"), f" {key}" if key else "")


def answer_body(card: Card, marks: bool = False) -> RenderableType:
    parts: list[RenderableType] = [markdown(card.a, marks)]
    if card.explain:
        parts += [Text("Why", style="bold"), markdown(card.explain, marks)]
    if card.rubric:
        if card.rubric.strong:
            parts.append(Text("A strong answer has", style="bold green"))
            parts.append(_hanging([("  +", item) for item in card.rubric.strong], marks))
        if card.rubric.weak:
            parts.append(Text("A weak answer has", style="bold red"))
            parts.append(_hanging([("  -", item) for item in card.rubric.weak], marks))
    return Group(*parts)


def answer_panel(card: Card) -> Panel:
    return Panel(
        answer_body(card), title=Text("Reference answer"), title_align="left", border_style="cyan"
    )


def _hanging(rows: Sequence[tuple[str, str | Text]], marks: bool = False) -> Table:
    """Label and text side by side, the text wrapping under itself (a hanging indent)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")  # (a word wider than the column goes on, not cut with …)
    for label, text in rows:
        grid.add_row(Text(label), with_code(text, marks=marks) if isinstance(text, str) else text)
    return grid


def option_list(options: Sequence[str], marked: Sequence[bool] = ()) -> Table:
    """Numbered options; with `marked`, the right ones carry a check mark."""
    if not marked:
        return _hanging([(f"{n})", text) for n, text in enumerate(options, start=1)])
    return _hanging(
        [
            (f"{'✔' if right else ' '} {n})", text)
            for n, (text, right) in enumerate(zip(options, marked, strict=True), start=1)
        ]
    )


def numbered_options(options: Sequence[tuple[int, str]]) -> Table:
    """Some of the options, each with its number as shown (a hanging indent)."""
    return _hanging([(f"{n})", text) for n, text in options])


def plain(text: str) -> Text:
    return Text(text)


def feedback(text: str) -> RenderableType:
    """A feedback line after an answer, its verdict words coloured (the words are ours),
    indented as plain prompts indent it: wrapped, it goes on under its text, not at the edge
    where it read as the start of the next line."""
    line = with_code(text)  # (an option's or a why's code and emphasis, as elsewhere)
    line.highlight_words(["- wrong."], "bold red")
    line.highlight_words(["- right."], "bold green")
    line.highlight_words(["You missed"], "bold yellow")
    return Padding(line, (0, 0, 0, 2))


class _FoldedCode:
    """Code highlighted, each line too wide for the terminal folded between words and going
    on indented under its own start (rich's word wrap went on at the left edge, where a
    continued line read as a new statement or clause). Wrapped, not cropped: a solution cut
    at the edge could not be read or copied whole."""

    def __init__(self, code: str, lexer: str = "sql", theme: str | None = None) -> None:
        self.code = code
        self.lexer = lexer
        self.theme = theme

    def __rich_console__(self, console, options):
        from rich.syntax import DEFAULT_THEME, Syntax

        from mlprep.textfit import folded_code

        width = max(20, options.max_width)
        lines = [part for line in self.code.splitlines() for part in folded_code(line, width)]
        theme = self.theme or DEFAULT_THEME
        yield Syntax("\n".join(lines), self.lexer, theme=theme, word_wrap=False)


def code_block(title: str, code: str) -> RenderableType:
    return Group(Text(title, style="bold"), _FoldedCode(code, theme="ansi_dark"))


def card_detail(card: Card, marks: bool = False) -> RenderableType:
    """Everything about one card, for `mlprep show`; `marks`: for output that shows no
    styles, its inline code keeps its backticks (see with_code)."""
    parts: list[RenderableType] = [
        Text(
            f"{card.id} · {card.deck}"
            + (f" · difficulty {card.difficulty}" if card.difficulty else ""),
            style="dim",
        ),
        with_code(card.q, style="bold", marks=marks),
    ]
    if card.choices:
        rows: list[tuple[str, str | Text]] = []
        for n, choice in enumerate(card.choices, start=1):
            rows.append((f" {'✔' if choice.correct else ' '} {n})", choice.text))
            if choice.why:
                rows.append(("", with_code("Why: " + choice.why, style="dim", marks=marks)))
        parts.append(_hanging(rows, marks))
    if card.expect:
        from mlprep.textfit import number_text

        within = card.expect.tolerance
        tolerance = f" ± {number_text(within)}" if within else ""
        parts.append(Text(f"Expected: {number_text(card.expect.value)}{tolerance}"))
    parts += [Text("Answer", style="bold"), answer_body(card, marks)]
    if card.solution:
        parts += [Text("Solution", style="bold"), _FoldedCode(card.solution.strip())]
    if card.misconceptions:  # (what a typed answer is checked against: worth knowing too)
        parts.append(Text("Common misconceptions", style="bold"))
        wrong: list[tuple[str, str | Text]] = []
        for item in card.misconceptions:
            wrong.append(("  ✗", with_code(item.claim, marks=marks)))
            wrong.append(("", with_code("In fact: " + item.correction, style="dim", marks=marks)))
        parts.append(_hanging(wrong, marks))
    if card.followups:
        parts.append(Text("Follow-ups", style="bold"))
        parts.append(_hanging([("  •", item) for item in card.followups], marks))
    meta = []
    if card.tags:
        meta.append("tags: " + ", ".join(card.tags))
    if card.refs:
        meta.append("refs: " + "; ".join(card.refs))
    parts.extend(Text(line, style="dim") for line in meta)
    return Group(*parts)


SEARCH_QUESTION_MIN = 30  # columns a question needs beside the ids, else it goes under its id


def search_table(cards: Sequence[Card], width: int = 80) -> RenderableType:
    """Each card's id and question, side by side; in a terminal too narrow for both, each
    question under its id (at 40 columns beside a 30-character id, a question took 11
    columns and a dozen lines)."""
    longest = max((len(card.id) for card in cards), default=0)
    if width - longest - 1 < SEARCH_QUESTION_MIN:
        return Group(
            *(
                part
                for card in cards
                for part in (Text(card.id), Padding(Text(card.q), (0, 0, 0, 2)))
            )
        )
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    table.add_column("card", no_wrap=True)
    table.add_column("question")
    for card in cards:
        table.add_row(Text(card.id), Text(card.q))
    return table


# -- stats -----------------------------------------------------------------------------------
# (the figures' text is laid out in ui.stats_text, which rich does not load; here it gets its
# styles)


def forecast_chart(forecast: list[tuple[str, int]], height: int = 5, width: int = 80) -> Text:
    """A vertical bar chart, two columns per day (one, and fewer days, when narrow),
    eighth-blocks for the tops."""
    return _styled(forecast_runs(forecast, height, width))


def calendar_heatmap(calendar: list[tuple[str, int]]) -> Text:
    """Weeks left to right, Monday to Sunday top to bottom."""
    return _styled(calendar_runs(calendar))


def _styled(runs: Sequence[tuple[str, str]]) -> Text:
    text = Text()
    for part, style in runs:
        text.append(part, style or None)
    return text


def stats_table(report, width: int = 80) -> RenderableType:
    """Per-deck figures; a narrow terminal drops the least telling columns, not wraps. As lines
    of text laid out by ui.stats_text where that reproduces the table (a table of a few
    thousand cells took rich most of `stats`' time in a terminal), else as a rich Table."""
    try:
        header, *lines = stats_table_lines(report, width)
    except Unsupported:
        return deck_table(report, width)
    text = Text(no_wrap=True)
    text.append(header, style="bold")
    for line in lines[:-1]:
        text.append("\n" + line)
    name = report.total.deck  # (the total's name in bold, as the table's last row has it)
    text.append("\n")
    text.append(lines[-1][: len(name)], style="bold")
    text.append(lines[-1][len(name) :])
    return text


def deck_table(report, width: int = 80) -> Table:
    """stats_table as a rich Table."""
    rows = [*report.decks, report.total]
    cells = stats_cells(report)
    kept = kept_columns(cells, width)
    table = Table(box=None, pad_edge=False, header_style="bold", show_edge=False)
    shown = [name for name in STATS_COLUMNS if name in kept]
    for name in shown:
        table.add_column(name, justify="left" if name == "deck" else "right", no_wrap=True)
    for i, row in enumerate(rows):
        table.add_row(
            *[
                Text(cells[name][i], style="bold" if row is report.total else "")
                if name == "deck"
                else cells[name][i]
                for name in shown
            ]
        )
    return table


def weak_table(report, width: int = 80) -> RenderableType:
    """The weakest cards as a table, or, when that leaves the question too little room, each
    on two lines: id and figures, then the question."""
    rows, (card_w, lapses_w, recall_w, question_w) = weak_layout(report, width)
    if question_w < 16:
        return _stacked_weak(report, width)
    table = Table(box=None, pad_edge=False, header_style="bold", show_edge=False)
    table.add_column("card", no_wrap=True, min_width=card_w)
    table.add_column("lapses", justify="right", no_wrap=True, min_width=lapses_w)
    table.add_column("recall", justify="right", no_wrap=True, min_width=recall_w)
    table.add_column("question", no_wrap=True, overflow="ellipsis", max_width=question_w)
    for (card, lapses, recall), weak in zip(rows, report.weakest_cards, strict=True):
        # (inline code as the quiz panel shows it, without its backticks)
        table.add_row(Text(card), lapses, recall, with_code(weak.question))
    return table


def _stacked_weak(report, width: int) -> Group:
    lines: list[RenderableType] = []
    for weak in report.weakest_cards:
        recall = weak.state if weak.recall is None else _percent(weak.recall)
        card, figures, apart = weak_head(weak.card, weak.lapses, recall, width)
        if apart:
            lines += [Text(card), Text(figures, style="dim")]
        else:
            lines.append(Text(card) + Text(figures, style="dim"))
        question = Text("  ") + with_code(" ".join(weak.question.split()))
        question.truncate(width, overflow="ellipsis")
        lines.append(question)
    return Group(*lines)


def stats_view(report, width: int = 80) -> Group:
    parts: list[RenderableType] = [stats_table(report, width), Text()]
    chart = forecast_chart(report.forecast, width=width)
    days = chart.plain.rsplit("+", 1)[-1].rstrip("d")
    parts += [
        Text(f"Due in the next {int(days) + 1} days", style="bold"),
        chart,
        Text(),
    ]
    parts += [Text("Answers, last 26 weeks", style="bold"), calendar_heatmap(report.calendar)]
    days = "day" if report.streak == 1 else "days"
    parts += [Text(), Text(f"Current streak: {report.streak} {days}", style="bold")]
    if report.weakest_cards:
        parts += [
            Text(),
            Text(
                weak_title(width),
                style="bold",
            ),
            weak_table(report, width),
        ]
    if report.weakest_tags:
        tags = ", ".join(_weak_tag(t) for t in report.weakest_tags)
        parts += [Text(), Text("Weakest tags: ", style="bold") + Text(tags)]
    if report.agreement:
        parts += [Text(), Text("Your grade = suggested grade (typed answers)", style="bold")]
        parts += [
            Text(f"  {a.deck:<16} {a.agreed:>4}/{a.graded:<4} {_percent(a.share)}")
            for a in report.agreement
        ]
    return Group(*parts)
