"""Plain-text formatting shared by the plain prompter and the rich views. No terminal codes."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable

from mlprep.inline import inline_parts as inline_parts
from mlprep.model import CardType
from mlprep.textfit import GRADE_LABELS as GRADE_LABELS
from mlprep.textfit import (
    columns,
    folded,
    folded_code,
    hang,
    mean_grade_text,
    time_allowed,
    within,
)
from mlprep.textfit import duration as duration
from mlprep.textfit import shorten as shorten
from mlprep.textsafe import printable

_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def unmarked(text: str, code_marks: bool = True) -> str:
    """Text for plain output: emphasis without its stars, `inline code` as written (a
    message's `mlprep review`), or without its backticks (deck text: as rich shows it)."""
    return "".join(
        f"`{text}`" if kind == "code" and code_marks else text for kind, text in inline_parts(text)
    )


# a line ending in an odd number of backslashes: Markdown's visible hard line break
_HARD_BREAK = re.compile(r"(?<!\\)(?:\\\\)*\\[ \t]*$")


def _paragraphs(text: str) -> list[tuple[str, bool]]:
    """Split Markdown into (block, wrappable) pieces: prose paragraphs and list items are
    joined into one line each; code fences, indented code and tables are kept verbatim."""
    blocks: list[tuple[str, bool]] = []
    current: list[str] = []
    in_fence = False

    def flush() -> None:
        if current:
            blocks.append((" ".join(line.strip() for line in current), True))
            current.clear()

    for raw in text.rstrip().splitlines():
        stripped = raw.strip()
        if stripped.startswith("```") or in_fence:
            flush()
            if stripped.startswith("```"):
                in_fence = not in_fence
            blocks.append((raw, False))
        elif not stripped:
            flush()
            blocks.append(("", False))
        elif raw.startswith(("    ", "\t")) and not current or stripped.startswith("|"):
            flush()
            blocks.append((raw, False))
        elif _LIST_ITEM.match(raw):
            flush()
            current.append(raw.rstrip())
            # keep the item's own indentation for nested lists
            current[0] = raw.rstrip()
        else:
            current.append(raw)
        if _HARD_BREAK.search(current[-1] if current else ""):  # a Markdown line break
            current[-1] = current[-1].rstrip()[:-1].rstrip()
            flush()
    flush()
    return blocks


# what a feedback or list line begins with, that its wrapped lines hang under: its indent and
# a checkbox ("[x] ", "[ ] ", "[!] ") or bullet ("+ ", "- ")
_HANGER = re.compile(r" *(?:\[[ x!]\] |[-+] )?")


def hanging(line: str, width: int) -> list[str]:
    """One line of feedback wrapped to `width` terminal columns (wide characters count two),
    its further lines hanging under its text: "  [x] a long point" goes on as "      point".
    Words break between words; one longer than a line (a URL) is cut to fit it."""
    if columns(line) <= width:
        return [line]
    found = _HANGER.match(line)  # (it matches any line, if only with "")
    head = found.group() if found else ""
    room = max(10, width - len(head))
    lines: list[str] = []
    current = ""
    for word in line[len(head) :].split():
        while columns(word) > room:  # (a word longer than a line: cut to fill the line)
            if current:
                lines.append(current)
                current = ""
            cut = within(word, room) or word[:1]
            lines.append(cut)
            word = word[len(cut) :]
        if not current:
            current = word
        elif columns(current) + 1 + columns(word) <= room:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return [(head if i == 0 else " " * len(head)) + text for i, text in enumerate(lines)] or [line]


def break_between(text: str, width: int, separator: str = " · ") -> list[str]:
    """A line of parts (keys and what they do: "1 Again · 2 Hard · ...") in lines of at most
    `width` columns, broken between its parts, never inside one ("u undo" stays together)."""
    if columns(text) <= width:
        return [text]
    lines: list[str] = []
    for part in text.split(separator):
        if lines and columns(lines[-1]) + len(separator) + columns(part) <= width:
            lines[-1] += separator + part
        else:
            lines.append(part)
    return lines


def wrap(text: str, width: int, indent: str = "", deck: bool = False) -> list[str]:
    """Wrap Markdown-ish text to `width`, keeping code, tables and blank lines as they are
    (but for a line wider than `width`: folded to it, so that nothing runs past the edge).
    `deck`: deck text, whose `inline code` shows without its backticks and a code block
    without its fence lines, as in a question's box (a message keeps backticks around a
    command)."""
    lines: list[str] = []
    in_code = False
    table: list[str] = []  # a deck's Markdown table's lines, laid out once it ends
    for block, wrappable in _paragraphs(text):
        if deck and not wrappable and not in_code and block.lstrip().startswith("|"):
            table.append(block)
            continue
        if table:
            lines += deck_table(table, max(20, width), indent)
            table = []
        if not wrappable and block.lstrip().startswith("```"):
            in_code = not in_code
        if deck and not wrappable and block.lstrip().startswith(("```", "~~~")):
            continue  # (Markdown's, not the code's)
        if not wrappable:
            lines.extend(folded_code(block, max(20, width), indent) if block else [""])
            continue
        block = unmarked(block, code_marks=not deck)  # (prose: its emphasis without stars)
        item = _LIST_ITEM.match(block)
        hanging = " " * (len(item.group(0)) if item else 0)
        wrapped = textwrap.wrap(
            block.strip() if not item else block,
            width=max(20, width),
            initial_indent=indent,
            subsequent_indent=indent + hanging,
            break_on_hyphens=False,
            break_long_words=False,
        )
        for line in wrapped or [indent]:
            lines.extend(folded(line, max(20, width), indent + hanging))
    if table:
        lines += deck_table(table, max(20, width), indent)
    return lines


_CELL_BORDER = re.compile(r"(?<!\\)\|")


def deck_table(source: list[str], width: int, indent: str = "") -> list[str]:
    """A deck's Markdown table as plain lines, as its box shows it: its columns aligned under
    a rule where every cell fits the width, else one record a row (the first cell, then each
    other one under its column's name); never its pipes and dashes as written."""
    rows = []
    for line in source:
        cells = [cell.strip().replace("\\|", "|") for cell in _CELL_BORDER.split(line.strip())]
        if cells and not cells[0]:
            cells = cells[1:]
        if cells and not cells[-1]:
            cells = cells[:-1]
        if cells and all(re.fullmatch(r":?-{2,}:?", cell) for cell in cells):
            continue  # the rule under the header
        rows.append([unmarked(cell, code_marks=False) for cell in cells])
    if not rows:
        return []
    count = max(map(len, rows))
    rows = [row + [""] * (count - len(row)) for row in rows]
    sizes = [max(columns(row[i]) for row in rows) for i in range(count)]
    head, *body = rows
    if len(indent) + sum(sizes) + 2 * (count - 1) <= width:  # (no cell is cut: size fits all)
        return [indent + line for line in _grid(head, body, max(sizes))]
    label = max(columns(name) for name in head[1:]) if count > 1 else 0
    lines: list[str] = []
    for number, row in enumerate(body):
        if number:
            lines.append("")
        lines.extend(hanging(indent + row[0], width))
        for name, value in zip(head[1:], row[1:], strict=True):
            lead = f"{indent}  {name}:{' ' * (label - columns(name))} "
            lines.extend(hang(value, width, lead, " " * len(lead)))
    return lines


def numbered(options: Iterable[str], width: int) -> list[str]:
    return numbered_subset(enumerate(options, start=1), width)


def numbered_subset(options: Iterable[tuple[int, str | object]], width: int) -> list[str]:
    """Options as '  2) text' with a hanging indent; items are (number, text or Choice)."""
    lines = []
    for number, option in options:
        text = str(getattr(option, "text", option))
        label = f"  {number}) "
        body = wrap(text, width - len(label), deck=True) or [""]
        lines.append(label + body[0])
        lines.extend(" " * len(label) + rest for rest in body[1:])
    return lines


def cell(value) -> str:
    """A SQL value as a table shows it: NULL for None, floats to 12 significant digits (at 6,
    an average not rounded as the question asked showed as the answer's value: 111045.45 and
    111045.5 both as 111045; 12 still hides a float's last-bit noise, 0.1 + 0.2 is 0.3)."""
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:.12g}"
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return printable(str(value))  # a query can return escape sequences: show them as text


def schema_lines(schema: str, width: int) -> list[str]:
    """CREATE TABLE statements in `width` columns: a long column line goes on indented under
    itself, as SQL may; its own lines and indents are kept (no reflowing into prose)."""
    lines = []
    for line in schema.splitlines():
        indent = " " * (len(line) - len(line.lstrip()))
        lines += textwrap.wrap(
            line.strip(), max(20, width), initial_indent=indent, subsequent_indent=indent + "  "
        ) or [""]
    return lines


def table_lines(
    columns_,
    rows,
    limit: int = 8,
    max_cell: int = 18,
    truncated: bool = False,
    width: int | None = None,
) -> list[str]:
    """A small plain-text table: a header, a rule, at most `limit` rows, then '(N more)'.
    `truncated`: the rows are the first a query gave, not all of them. Within `width`
    terminal columns where given: its cells are cut shorter (down to _NARROWEST_CELL) and,
    where even that is too wide, each row is shown as a record, a line a column (as psql's
    expanded display does)."""
    names = [printable(str(name)) for name in columns_]
    values = [[cell(value) for value in row] for row in rows[:limit]]
    lines = _grid(names, values, max_cell)
    narrowest = min(max_cell, _NARROWEST_CELL)
    for size in range(max_cell - 1, narrowest - 1, -1):
        if width is None or len(lines[1]) <= width:
            break
        lines = _grid(names, values, size)
    if width is not None and len(lines[1]) > width:
        lines = _records(names, values, width)
    if truncated:  # (not "992 more rows" for a query that never ends)
        lines.append(f"(the first {len(rows):,} rows were kept: the result has more)")
    elif len(rows) > limit:
        lines.append(f"({len(rows) - limit} more row{'s' * (len(rows) - limit != 1)})")
    if not rows:
        lines.append("(no rows)")
    return lines


_NARROWEST_CELL = 8  # a table's cells are cut to no fewer columns than this to fit


def _grid(names: list[str], values: list[list[str]], size: int) -> list[str]:
    """A header, a rule and the rows, each cell cut to `size` columns (the rule, not cut
    short at its end, is the widest line)."""
    header = [shorten(name, size) for name in names]
    shown = [[shorten(value, size) for value in row] for row in values]
    widths = [
        max([columns(header[i])] + [columns(row[i]) for row in shown]) for i in range(len(header))
    ]
    rule = "  ".join("-" * w for w in widths)
    return [_row_line(header, widths), rule, *(_row_line(row, widths) for row in shown)]


def _row_line(cells: list[str], widths: list[int]) -> str:
    # (padded by terminal columns: a Chinese or Japanese value takes two a character)
    padded = (
        text + " " * (width - columns(text)) for text, width in zip(cells, widths, strict=True)
    )
    return "  ".join(padded).rstrip()


def _records(names: list[str], values: list[list[str]], width: int) -> list[str]:
    """The rows of a table too wide for `width` columns, one record each: a line a column,
    its name then its value (cut to the line)."""
    label = min(max(map(columns, names), default=0), max(width // 3, _NARROWEST_CELL))
    room = max(width - label - 4, _NARROWEST_CELL)
    shown = [shorten(name, label) for name in names]
    if not values:
        return wrap("Columns: " + ", ".join(names), width)
    lines = []
    for number, row in enumerate(values, start=1):
        lines.append(f"row {number}:")
        for name, value in zip(shown, row, strict=True):
            lines.append(
                f"  {name}{' ' * (label - columns(name))}  {shorten(value, room)}".rstrip()
            )
    return lines


def side_by_side(left: list[str], right: list[str], width: int = 80, gap: int = 4) -> list[str]:
    """Two blocks next to each other when they fit in `width`, else one above the other."""
    left_width = max(map(len, left), default=0)
    if left_width + gap + max(map(len, right), default=0) > width:
        return [*left, "", *right]
    padded = left + [""] * (len(right) - len(left))
    right = right + [""] * (len(padded) - len(right))
    return [(a.ljust(left_width + gap) + b).rstrip() for a, b in zip(padded, right, strict=True)]


def mock_markdown(result) -> str:
    """The transcript as Markdown: each question, the answer given, the reference, the grade."""
    out = [f"# Mock interview, {result.started_at[:16].replace('T', ' ')} UTC", ""]
    minutes = time_allowed(result.minutes)
    out.append(
        f"{len(result.answers)} of {result.planned} question{'s' * (result.planned != 1)}, "
        f"{duration(result.seconds)} of {minutes} ({result.end_label})."
    )
    out.append("")
    for number, item in enumerate(result.answers, start=1):
        grade = item.grade.label if item.grade else "not graded"
        out += [
            f"## {number}. {' '.join(item.card.q.split())}",  # (a heading is one line)
            "",
            f"*{item.card.deck} · {item.card.id} · grade: {grade}*",
            "",
            "**Your answer**" + (" *(time ran out while you typed it)*" if item.cut else ""),
            "",
            _as_typed(item.answer.strip()) or "*(no answer)*",
            "",
            *_verdict_lines(item),
            "**Reference answer**",
            "",
            item.card.a.strip(),
            "",
        ]
        if item.card.explain.strip():  # (the screen shows it under the reference too)
            out += ["**Why**", "", item.card.explain.strip(), ""]
        if item.card.solution and item.card.type is CardType.SQL:
            out += ["**Reference query**", "", "```sql", item.card.solution.strip(), "```", ""]
    rows = result.scorecard()
    if not rows:  # (a table of its header alone read as a broken file)
        return "\n".join([*out, "No question was answered."]) + "\n"
    out += [
        "## Scorecard",
        "",
        "| topic | questions | good or easy | mean grade |",
        "|---|---:|---:|---:|",
    ]
    for deck, asked, good, mean in rows:
        out.append(f"| {deck} | {asked} | {good} | {mean_grade_text(mean)} |")
    return "\n".join(out) + "\n"


def _verdict_lines(item) -> list[str]:
    """What the transcript said of an answer, to study from later: the options as shown (the
    right ones marked), the expected number, the verdict and its feedback (why a pick was
    wrong; an open answer's checklist), each line as written."""
    outcome = getattr(item, "outcome", None)
    if outcome is None:
        return []
    lines: list[str] = []
    if outcome.shown:
        lines += ["**Options** (✔ right)", ""]
        lines += [
            f"{n}. {'✔ ' if c.correct else ''}{_as_typed(c.text)}"
            for n, c in enumerate(outcome.shown, start=1)
        ]
        lines.append("")
    card = item.card
    if card.expect is not None:
        from mlprep.kinds.number import expected_text

        lines += [f"**Expected:** {expected_text(card)}", ""]
    verdict = outcome.verdict
    if verdict.correct is not None:
        lines += [f"**Verdict:** {'right' if verdict.correct else 'wrong'}", ""]
    if verdict.feedback:
        lines += [*_feedback_markdown(verdict.feedback), ""]
    return lines


# the marks that start a point of a grader's checklist (mlprep.grader.checklist_lines: two
# spaces, the mark, a space; the point's further lines indented by six), as Markdown items
_CHECKLIST_MARKS = {"[x]": "- [x] ", "[ ]": "- [ ] ", "[!]": "- **[!]** "}


def _feedback_markdown(feedback: tuple[str, ...]) -> list[str]:
    """A verdict's feedback lines as a Markdown list: a checklist's points as task items (made
    or missed) and misconceptions, with what the answer said and the correction as items under
    them; a label (a line ending in a colon) as a bold paragraph; any other line an item."""
    lines: list[str] = []
    in_point = False
    for line in feedback:
        text = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        mark = _CHECKLIST_MARKS.get(text[:3]) if indent == 2 and text[3:4] == " " else None
        if mark:
            lines.append(mark + _as_typed(text[4:].strip()))
            in_point = True
        elif in_point and indent >= 6:
            lines.append("  - " + _as_typed(text))
        elif not indent and text.endswith(":") and not lines:
            lines += [f"**{_as_typed(text[:-1])}**", ""]
        else:
            lines.append("- " + _as_typed(text))
            in_point = False
    return lines


# What Markdown may read as markup anywhere in a typed answer ("SELECT *", "x_1", "<tag>",
# "[a](b)", "`x`", "a | b", "~~", "&amp;")...
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]<>|~&])")
# ...and at a line's start ("# a", "+ b", "- c", "= d", "1. e", "2) f"): a backslash makes
# each literal. Other punctuation stays as typed, to be read in the file itself ("myopic\:
# a weak split ... below\." escaped every mark).
# (a number starts a list only with ". " or ") " after it: "3.36" is a number, as typed)
_LINE_MARKUP = re.compile(r"^(#|[-+=]|\d+(?=[.)](?:\s|$)))")


def _as_typed(answer: str) -> str:
    """A typed answer shown as typed in Markdown: what could be read as markup escaped, each
    line's indent kept as no-break spaces (four spaces would start code), its lines kept apart
    by hard breaks (a query of several lines ran into one paragraph)."""
    lines = []
    for line in answer.splitlines():
        text = _INLINE_MARKUP.sub(r"\\\1", line.lstrip(" "))
        match = _LINE_MARKUP.match(text)
        if match:  # ("1." and "2)": the mark after the digits)
            end = match.end()
            text = text[:end] + "\\" + text[end:] if match.group()[0].isdigit() else "\\" + text
        indent = "&nbsp;" * (len(line) - len(line.lstrip(" ")))
        lines.append(indent + text)
    return "\\\n".join(lines)


def decks_lines(decks, width: int = 80) -> list[str]:
    """The deck list as aligned plain text (no rich: `mlprep decks` must start fast); in a
    terminal too narrow for the four columns, each deck takes two lines. One's own decks say
    "yours", and the folders they are in follow the table (a path in the column took the
    titles' room: every title was cut)."""
    rows = [(d.id, d.title, str(len(d.cards)), "built-in" if d.builtin else "yours") for d in decks]
    folders = list(dict.fromkeys(str(d.path.parent) for d in decks if not d.builtin and d.path))
    if folders:
        # (one plain line, wrapped: as Markdown, a folder named *x* lost its stars)
        said = "Yours are in " + ", ".join(map(printable, folders)) + "."
        return _deck_table(rows, width) + hanging(said, width)
    return _deck_table(rows, width)


def _deck_table(rows: list[tuple[str, str, str, str]], width: int) -> list[str]:
    header = ("deck", "title", "cards", "source")  # (a source is "built-in" or "yours")
    slug_w = max(len(header[0]), *(len(r[0]) for r in rows)) if rows else len(header[0])
    count_w = max(len(header[2]), *(len(r[2]) for r in rows)) if rows else len(header[2])
    source_w = max(len(header[3]), *(len(r[3]) for r in rows)) if rows else len(header[3])
    title_w = width - slug_w - count_w - source_w - 6
    if title_w < 16:
        return _stacked_decks(rows, width)
    lines = []
    for slug, title, count, source in [header, *rows]:
        title = shorten(title, title_w)
        # (padded by the columns it takes: "日本語 🚀" is 9 characters wide in 6)
        title += " " * (title_w - columns(title))
        lines.append(f"{slug:<{slug_w}}  {title}  {count:>{count_w}}  {source}")
    return lines


def _stacked_decks(rows, width: int) -> list[str]:
    """Slug, card count and source on one line, the title indented under it."""
    lines = []
    for slug, title, count, source in rows:
        head = f"{shorten(slug, width - 20)}  {count} card{'s' * (count != '1')}  {source}"
        lines += [head, "  " + shorten(title, width - 2)]
    return lines


def tags_lines(counts: dict[str, int], width: int = 80) -> list[str]:
    """Tags with their card counts in as many columns as fit, filled down then across."""
    if not counts:
        return ["No tags."]
    count_w = max(len(str(n)) for n in counts.values())
    # (whole names, fewer columns: they are what --tag takes; cut only past the width)
    tag_w = min(max(map(len, counts)), max(8, width - count_w - 1))
    cell = tag_w + 1 + count_w
    columns = max(1, (width + 3) // (cell + 3))
    items = [f"{shorten(t, tag_w):<{tag_w}} {n:>{count_w}}" for t, n in counts.items()]
    rows = -(-len(items) // columns)
    return [
        "   ".join(items[r + c * rows] for c in range(columns) if r + c * rows < len(items))
        for r in range(rows)
    ]


def history_lines(card_id: str, events, width: int = 80) -> list[str]:
    """A card's past answers: date, mode and grade on one line, then what was answered."""
    from mlprep.model import Grade

    if not events:
        return wrap(f"No answers to {card_id} yet.", width)
    count = len(events)
    lines = wrap(f"History of {card_id}: {count} answer{'s' * (count != 1)}", width)
    for event in events:
        when = event.when.astimezone().strftime("%Y-%m-%d %H:%M")
        grade = Grade(event.grade).label
        suggested = f" (suggested {Grade(event.suggested).label})" if event.suggested else ""
        mode = printable(event.mode)  # (a merged log's text: escapes, never controls)
        lines += wrap(f"{when}  {mode:<7} {grade}{suggested}", width, "")
        if event.answer:
            for paragraph in event.answer.splitlines() or [""]:
                shown = printable(paragraph)  # (a bidi override would reorder the terminal)
                lines.extend(wrap(shown, width - 4, "    ", deck=True) or ["    "])
    return lines
