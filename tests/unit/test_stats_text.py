"""The plain stats view (ui.stats_text, made without rich) is exactly what rich prints for
ui.render.stats_view without styles, at every width from 80 columns down: random reports
with long tag lists, graded answers, long card ids, narrow and wide numbers; and it leaves to
rich what it does not reproduce."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta

import pytest

from mlprep.stats import Agreement, DeckStats, StatsReport, WeakCard, WeakTag
from mlprep.ui.render import make_console, stats_view
from mlprep.ui.stats_text import stats_lines, wrapped


def piped(lines: list[str]) -> str:
    """Lines as `mlprep stats` writes them to a pipe (without rich's padding at their ends)."""
    return "".join(line.rstrip() + "\n" for line in lines)


def rich_plain(renderable, width: int) -> str:
    """What rich prints to a pipe (no styles, no padding at the ends of lines) at this width."""
    console = make_console(file=io.StringIO(), env={})
    console.size = (width, 25)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def row(rng: random.Random, name: str) -> DeckStats:
    cards = rng.choice([0, 3, 40, 500, 12345])
    new = rng.randrange(0, cards + 1)
    learning = rng.randrange(0, cards - new + 1)
    answers = rng.choice([0, 0, 7, 1000])
    right = rng.randrange(0, answers + 1)
    return DeckStats(
        deck=name,
        title=name.title(),
        cards=cards,
        new=new,
        learning=learning,
        review=cards - new - learning,
        mastered=rng.randrange(0, cards - new + 1),
        due_today=rng.randrange(0, cards + 1),
        recall=rng.choice([None, 0.0, 0.5, 0.951, 1.0]),
        quiz_accuracy=right / answers if answers else None,
        quiz_right=right,
        quiz_answers=answers,
    )


def report(seed: int) -> StatsReport:
    rng = random.Random(seed)
    names = ["trees", "nn", "a-really-long-deck-name-for-narrow-screens", "sql", "x"]
    rows = [row(rng, name) for name in rng.sample(names, rng.randrange(1, len(names) + 1))]
    today = date(2026, 6, 15) + timedelta(days=rng.randrange(0, 7))
    peak = rng.choice([0, 1, 9, 12345])
    forecast = [
        ((today + timedelta(days=i)).isoformat(), rng.randrange(0, peak + 1)) for i in range(30)
    ]
    first = today - timedelta(weeks=26) + timedelta(days=1)
    calendar = [
        ((first + timedelta(days=i)).isoformat(), rng.choice([0, 0, 1, 5, 400])) for i in range(182)
    ]
    questions = [
        "What is a tree?",
        "Why does bagging reduce variance while boosting attacks the bias of weak learners?",
        "  Spaces  inside   and around  ",
    ]
    weak = [
        WeakCard(
            rng.choice(["trees-gini", "a-card-id-that-goes-on-and-on-and-on-for-ever", "x1"]),
            rng.choice(["trees", "nn"]),
            rng.randrange(0, 120),
            rng.choice([None, 0.42, 0.899]),
            rng.choice(questions),
            rng.choice(["learning", "relearning", "review"]),
        )
        for _ in range(rng.choice([0, 1, 10]))
    ]
    tags = [
        WeakTag(
            rng.choice(["trees", "bias-variance", "probability-and-statistics"]),
            rng.randrange(1, 50),
            rng.randrange(0, 9),
            rng.choice([None, 0.5, 0.85]),
            rng.choice([0, 0, 3]),
        )
        for _ in range(rng.choice([0, 1, 4, 10]))
    ]
    agreement = [
        Agreement(name, rng.randrange(1, 30000), 0) for name in rng.sample(names, rng.randrange(3))
    ]
    total = row(rng, "total")
    return StatsReport(
        format=1,
        generated_at="",
        decks=rows,
        total=total,
        forecast=forecast,
        calendar=calendar,
        streak=rng.choice([0, 1, 301]),
        weakest_cards=weak,
        weakest_tags=tags,
        agreement=agreement,
    )


@pytest.mark.parametrize("seed", range(8))
def test_the_plain_view_is_what_rich_prints_without_styles_at_every_width(seed):
    """Every width from 80 down to 10 is checked: each random report at every eighth width,
    the eight reports at eight different offsets (rich's rendering is the slow part), and
    each at 80 and 10."""
    view = report(seed)
    longest = max(len(row.deck) for row in view.decks)
    for width in sorted({80, 10, *range(80 - seed, 9, -8)}, reverse=True):
        lines = stats_lines(view, width)
        if lines is None:  # only when not even the deck column fits: left to rich
            assert longest > width
            continue
        assert piped(lines) == rich_plain(stats_view(view, width), width), width


def test_a_question_in_another_script_is_left_to_rich():
    view = report(1)
    view.weakest_cards = [WeakCard("trees-gini", "trees", 2, 0.5, "Qu’est-ce qu’un arbre ?")]
    assert stats_lines(view, 80) is None
    view.weakest_cards[0].question = "Qu'est-ce qu'un arbre ?"
    assert stats_lines(view, 80) is not None


@pytest.mark.parametrize("width", [80, 40, 24, 12, 5])
def test_wrapped_text_is_what_rich_prints(width):
    from rich.text import Text

    for text in [
        "No progress yet.\nStart with `mlprep review` for today's cards, or `mlprep quiz trees`.",
        "Weakest tags: trees (3 lapses, 2 missed while learning, 85%), bias-variance (1 lapses)",
        "  a-word-much-longer-than-the-narrowest-width-is   and  spaces   ",
        "",
    ]:
        expected = rich_plain(Text(text), width)
        assert piped(wrapped(text, width)) == expected, text


def styled_cells(renderable, width: int) -> tuple[str, set[tuple[int, int]]]:
    """What a terminal shows of a renderable: its text, and where a visible character is bold."""
    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, force_terminal=True, color_system=None)
    lines = console.render_lines(renderable, console.options.update(width=width), pad=False)
    text, bold = [], set()
    for number, line in enumerate(lines):
        column = 0
        for segment in line:
            for character in segment.text:
                if not character.isspace() and segment.style and segment.style.bold:
                    bold.add((number, column))
                column += 1
        text.append("".join(segment.text for segment in line).rstrip())
    return "\n".join(text), bold


@pytest.mark.parametrize("seed", range(6))
def test_the_deck_table_as_lines_looks_as_the_rich_table_in_a_terminal(seed):
    """The per-deck table is printed to a terminal as laid-out lines (rich's table of a few
    thousand cells was most of `stats`' time there): the same text, the same bold header
    and total, at every eleventh width."""
    from mlprep.ui.render import deck_table, stats_table

    view = report(seed)
    for width in range(80 - seed, 9, -11):
        lines = stats_table(view, width)
        if isinstance(lines, type(deck_table(view, width))):
            continue  # (where the lines cannot reproduce it, the table itself is printed)
        assert styled_cells(lines, width) == styled_cells(deck_table(view, width), width), width


def test_a_lapse_is_one_lapse_and_the_heading_says_the_ranking():
    from mlprep.ui.stats_text import weak_head, weak_title

    assert weak_head("c", 1, "41%", 80)[1] == "  1 lapse, 41%"
    assert weak_head("c", 2, "41%", 80)[1] == "  2 lapses, 41%"
    assert weak_title(80) == "Weakest cards (lapses, then missed while learning, then recall)"
    assert weak_title(40) == "Weakest cards"


def test_a_weak_tag_without_lapses_does_not_say_0_lapses():
    """Early on every tag said "0 lapses", ten times a line."""
    from types import SimpleNamespace

    from mlprep.ui.stats_text import _weak_tag

    tag = SimpleNamespace(tag="gini", lapses=0, missed=1, recall=None)
    assert _weak_tag(tag) == "gini (1 missed while learning)"
    # (a bare "50%" said nothing of what it measured)
    assert _weak_tag(SimpleNamespace(tag="trees", lapses=2, missed=0, recall=0.5)) == (
        "trees (2 lapses, recall 50%)"
    )
