"""`mlprep stats` as the plain lines rich prints for ui.render.stats_view where it prints no
styles (a pipe, a file, a dumb terminal), made without rich: rendering the view's tables
through rich takes a third of the command's time. Only what this reproduces exactly is made
here (text of single-cell characters, as the figures, ids and tags are); for anything else
(a weakest card's question in another script, a line too narrow for its chart) it answers
None and rich renders the view. Tests compare the two at every width.
"""

from __future__ import annotations

import re
from datetime import date

# characters rich gives one cell each: printable ASCII and those the charts draw with
_SINGLE_CELLS = re.compile(r"[ -~│└─·░▒▓█▁▂▃▄▅▆▇…]*")
_WORD = re.compile(r"\s*\S+\s*")  # rich's word: the word and the white space after it
_TRAILING_SPACE = re.compile(r"\s+$")


HEAT_LEVELS = (" ", "·", "░", "▒", "▓", "█")  # distinct shapes, so readable without colour
HEAT_STYLES = ("", "green4", "green4", "green3", "green1", "bright_green")
BAR_EIGHTHS = " ▁▂▃▄▅▆▇█"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


STATS_COLUMNS = ("deck", "cards", "new", "learn", "review", "mastered", "due", "recall", "quiz")
# what a narrow terminal keeps, most telling first
STATS_PRIORITY = ("deck", "due", "recall", "new", "learn", "review", "quiz", "cards", "mastered")


def stats_cells(report) -> dict[str, list[str]]:
    """The per-deck table's cells, column by column (the total last)."""
    rows = [*report.decks, report.total]
    return {
        name: [
            [
                row.deck,
                str(row.cards),
                str(row.new),
                str(row.learning),
                str(row.review),
                str(row.mastered),
                str(row.due_today),
                _percent(row.recall),
                _percent(row.quiz_accuracy),
            ][i]
            for row in rows
        ]
        for i, name in enumerate(STATS_COLUMNS)
    }


def kept_columns(cells: dict[str, list[str]], width: int) -> list[str]:
    """The columns that fit `width`, most telling first (a narrow terminal drops the least
    telling ones, not wraps)."""
    needed = {name: max(len(name), *map(len, cells[name])) for name in STATS_COLUMNS}
    kept: list[str] = []
    used = -2
    for name in STATS_PRIORITY:
        if used + 2 + needed[name] <= width:
            kept.append(name)
            used += 2 + needed[name]
    return kept


def forecast_runs(
    forecast: list[tuple[str, int]], height: int = 5, width: int = 80
) -> list[tuple[str, str]]:
    """The forecast chart as (text, style) runs: a vertical bar chart, two columns per day
    (one, and fewer days, when narrow), eighth-blocks for the tops."""
    peak = max((n for _, n in forecast), default=0)
    runs: list[tuple[str, str]] = []
    label_width = len(str(peak))
    room = width - label_width - 2
    bar = 2 if room >= 2 * len(forecast) else 1
    forecast = forecast[: max(7, room // bar)]
    for row in range(height, 0, -1):
        label = str(peak) if row == height else ""
        runs.append((f"{label:>{label_width}} │", ""))
        for _, count in forecast:
            filled = 0 if not peak else count * height * 8 / peak
            level = max(0, min(8, round(filled - (row - 1) * 8)))
            if count and row == 1 and level == 0:
                level = 1  # any due card shows
            runs.append((BAR_EIGHTHS[level] * bar, "cyan"))
        runs.append(("\n", ""))
    span = bar * len(forecast)
    runs.append((" " * label_width + " └" + "─" * span + "\n", ""))
    runs.append(
        (
            " " * (label_width + 2) + "today" + f"{'+' + str(len(forecast) - 1) + 'd':>{span - 5}}",
            "",
        )
    )
    return runs


def heat_level(count: int, peak: int) -> int:
    """0 for no answers, else 1 to the darkest level in equal slices of the busiest day's
    count; the busiest day itself is always the darkest."""
    if count <= 0:
        return 0
    shades = len(HEAT_LEVELS) - 1
    return 1 + min(shades - 1, (count * shades - 1) // max(1, peak))


def calendar_runs(calendar: list[tuple[str, int]]) -> list[tuple[str, str]]:
    """The calendar heatmap as (text, style) runs: weeks left to right, Monday to Sunday top
    to bottom."""
    days = [(date.fromisoformat(d), n) for d, n in calendar]
    peak = max((n for _, n in days), default=0)
    first_monday = days[0][0].toordinal() - days[0][0].weekday()
    weeks = (days[-1][0].toordinal() - first_monday) // 7 + 1
    grid: list[list[int | None]] = [[None] * weeks for _ in range(7)]
    for day, count in days:
        grid[day.weekday()][(day.toordinal() - first_monday) // 7] = count
    runs: list[tuple[str, str]] = []
    for weekday, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        runs.append((f"{name:<4}", ""))
        for cell in grid[weekday]:
            if cell is None:
                runs.append((" ", ""))
                continue
            level = heat_level(cell, peak)
            runs.append((HEAT_LEVELS[level], HEAT_STYLES[level]))
        runs.append(("\n", ""))
    runs.append(("    less ", ""))
    for level in range(1, len(HEAT_LEVELS)):
        runs.append((HEAT_LEVELS[level], HEAT_STYLES[level]))
    runs.append((f" more (most in a day: {peak})", ""))
    return runs


def _plain(runs: list[tuple[str, str]]) -> str:
    return "".join(part for part, _ in runs)


def _weak_tag(tag) -> str:
    # (no "0 lapses": early on every tag said it, ten times a line)
    figures = [f"{tag.lapses} lapse{'s' * (tag.lapses != 1)}"] if tag.lapses else []
    if tag.missed:
        figures.append(f"{tag.missed} missed while learning")
    if tag.recall is not None:
        figures.append(f"recall {_percent(tag.recall)}")
    return f"{tag.tag} ({', '.join(figures)})" if figures else tag.tag


class Unsupported(Exception):
    """Something rich lays out in a way this module does not reproduce."""


def _single_cells(text: str) -> str:
    if _SINGLE_CELLS.fullmatch(text) is None:
        raise Unsupported
    return text


def _breaks(line: str, width: int) -> list[int]:
    """rich's divide_line (its word wrap) for text of single-cell characters."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(line):
        start, word = match.start(), match.group()
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:  # folded over as many lines as it takes
            pieces = [word[i : i + width] for i in range(0, len(word), width)]
            for number, piece in enumerate(pieces):
                if start:
                    breaks.append(start)
                if number == len(pieces) - 1:
                    offset = len(piece)
                else:
                    start += len(piece)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    return breaks


def wrapped(text: str, width: int) -> list[str]:
    """The lines rich prints a Text of `text` as, `width` columns wide (word wrap, white
    space past the width dropped, then folded)."""
    lines = []
    for line in text.split("\n"):
        cuts = [0, *_breaks(_single_cells(line), width), len(line)]
        for start, end in zip(cuts, cuts[1:], strict=False):
            piece = line[start:end]
            if len(piece) > width:
                space = _TRAILING_SPACE.search(piece)
                if space is not None:
                    piece = piece[: len(piece) - min(len(space.group()), len(piece) - width)]
            lines.append(piece[:width])
    return lines


def _ellipsis(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(columns: list[tuple[str, str, int]], rows: list[list[str]]) -> list[str]:
    """A rich Table without box or edge padding: each column (name, justify, width) one
    space either side of the gap between two columns."""
    lines = []
    for cells in [[name for name, _, _ in columns], *rows]:
        parts = [
            cell.ljust(size) if justify == "left" else cell.rjust(size)
            for cell, (_, justify, size) in zip(cells, columns, strict=True)
        ]
        lines.append("  ".join(parts))
    return lines


def stats_table_lines(report, width: int) -> list[str]:
    """ui.render.stats_table's lines."""
    cells = stats_cells(report)
    _single_cells("".join(cells["deck"]))
    kept = kept_columns(cells, width)
    if "deck" not in kept:
        raise Unsupported
    columns = [
        (name, "left" if name == "deck" else "right", max(len(name), *map(len, cells[name])))
        for name in STATS_COLUMNS
        if name in kept
    ]
    rows = [[cells[name][i] for name, _, _ in columns] for i in range(len(cells["deck"]))]
    return _table(columns, rows)


def weak_layout(report, width: int) -> tuple[list[tuple[str, str, str]], tuple[int, ...]]:
    """The weakest-cards table's rows (card, lapses, recall) and the widths of its card,
    lapses, recall and question columns: the figures keep their width, the question takes
    what is left (the table is stacked, two lines a card, below 16)."""
    rows = [
        (weak.card, str(weak.lapses), weak.state if weak.recall is None else _percent(weak.recall))
        for weak in report.weakest_cards
    ]
    card_w, lapses_w, recall_w = (
        max(len(name), *(len(row[i]) for row in rows))
        for i, name in enumerate(("card", "lapses", "recall"))
    )
    return rows, (card_w, lapses_w, recall_w, min(36, width - card_w - lapses_w - recall_w - 6))


def weak_title(width: int) -> str:
    """The weakest cards' heading, with how they are ranked where it fits."""
    ranked = " (lapses, then missed while learning, then recall)"
    return "Weakest cards" + (ranked if width >= len("Weakest cards") + len(ranked) else "")


def weak_head(card: str, lapses: int, recall: str, width: int) -> tuple[str, str, bool]:
    """A stacked weak card's id and figures ("  2 lapses, 41%"), and whether the figures go on
    a line of their own: beside the id where both fit, else below it, so that the id stays
    whole (it is what `mlprep show` takes) unless it is longer than a line by itself."""
    figures = f"  {lapses} lapse{'s' * (lapses != 1)}, {recall}"
    if len(card) + len(figures) <= width:
        return card, figures, False
    return _ellipsis(card, width), _ellipsis(figures, width), True


def _weak_lines(report, width: int) -> list[str]:
    """ui.render.weak_table's lines (or _stacked_weak's, when narrow)."""
    rows, (card_w, lapses_w, recall_w, question_w) = weak_layout(report, width)
    for card, _, _ in rows:
        _single_cells(card)
    if question_w < 16:
        lines = []
        for (card, _, recall), weak in zip(rows, report.weakest_cards, strict=True):
            card, figures, apart = weak_head(card, weak.lapses, recall, width)
            lines += [card, figures] if apart else [card + figures]
            question = _single_cells("  " + " ".join(weak.question.split()))
            lines.append(_ellipsis(question, width))
        return lines
    questions = [weak.question for weak in report.weakest_cards]
    if any(_SINGLE_CELLS.fullmatch(q) is None or "\t" in q for q in questions):
        raise Unsupported
    question_size = min(question_w, max(len("question"), *map(len, questions)))
    columns = [
        ("card", "left", card_w),
        ("lapses", "right", lapses_w),
        ("recall", "right", recall_w),
        ("question", "left", question_size),
    ]
    table_rows = [
        [*row, _ellipsis(question, question_size)]
        for row, question in zip(rows, questions, strict=True)
    ]
    return _table(columns, table_rows)


def stats_lines(report, width: int = 80) -> list[str] | None:
    """ui.render.stats_view(report, width) as rich prints it without styles, or None where
    this does not reproduce rich exactly."""
    try:
        lines = [*stats_table_lines(report, width), ""]
        chart = _plain(forecast_runs(report.forecast, width=width))
        days = chart.rsplit("+", 1)[-1].rstrip("d")
        lines += wrapped(f"Due in the next {int(days) + 1} days", width)
        lines += [*wrapped(chart, width), ""]
        lines += wrapped("Answers, last 26 weeks", width)
        lines += wrapped(_plain(calendar_runs(report.calendar)), width)
        days = "day" if report.streak == 1 else "days"
        lines += ["", *wrapped(f"Current streak: {report.streak} {days}", width)]
        if report.weakest_cards:
            lines += ["", *wrapped(weak_title(width), width), *_weak_lines(report, width)]
        if report.weakest_tags:
            tags = ", ".join(_weak_tag(t) for t in report.weakest_tags)
            lines += ["", *wrapped("Weakest tags: " + tags, width)]
        if report.agreement:
            lines += ["", *wrapped("Your grade = suggested grade (typed answers)", width)]
            for a in report.agreement:
                line = f"  {a.deck:<16} {a.agreed:>4}/{a.graded:<4} {_percent(a.share)}"
                lines += wrapped(line, width)
    except Unsupported:
        return None
    return lines
