"""Plain-text formatting shared by the plain prompter and the rich views. No terminal codes."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable

GRADE_LABELS = ("Again", "Hard", "Good", "Easy")


def duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{seconds:02d}s"


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


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
    flush()
    return blocks


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Wrap Markdown-ish text to `width`, keeping code, tables and blank lines as they are."""
    lines: list[str] = []
    for block, wrappable in _paragraphs(text):
        if not wrappable:
            lines.append(indent + block if block else "")
            continue
        item = _LIST_ITEM.match(block)
        hanging = " " * (len(item.group(0)) if item else 0)
        lines.extend(
            textwrap.wrap(
                block.strip() if not item else block,
                width=max(20, width),
                initial_indent=indent,
                subsequent_indent=indent + hanging,
                break_on_hyphens=False,
                break_long_words=False,
            )
            or [indent]
        )
    return lines


def numbered(options: Iterable[str], width: int) -> list[str]:
    return numbered_subset(enumerate(options, start=1), width)


def numbered_subset(options: Iterable[tuple[int, str | object]], width: int) -> list[str]:
    """Options as '  2) text' with a hanging indent; items are (number, text or Choice)."""
    lines = []
    for number, option in options:
        option = getattr(option, "text", option)
        label = f"  {number}) "
        body = wrap(option, width - len(label)) or [""]
        lines.append(label + body[0])
        lines.extend(" " * len(label) + rest for rest in body[1:])
    return lines


def shorten(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: max(0, width - 3)].rstrip() + "..."


def result_label(result) -> str:
    """'right', 'wrong', or the self-grade, for one answered card."""
    if result.correct is None:
        return result.grade.label
    return "right" if result.correct else "wrong"


def quiz_summary(result, width: int = 80) -> list[str]:
    """The end-of-quiz summary as plain lines (duck-typed on sessions.quiz.QuizResult)."""
    answered = len(result.results)
    lines = [""]
    if result.stopped:
        lines.append(
            f"Stopped ({result.stopped}) after {answered} of {result.planned} cards; "
            "your answers are saved."
        )
    lines.append(f"Answered {answered} card{'s' * (answered != 1)} in {duration(result.seconds)}.")
    if not answered:
        return lines
    auto = result.auto_graded
    parts = []
    if auto:
        percent = round(100 * result.correct_count / len(auto))
        parts.append(f"{result.correct_count} of {len(auto)} right ({percent}%)")
    if result.self_graded:
        counts = {}
        for r in result.self_graded:
            counts[r.grade.label] = counts.get(r.grade.label, 0) + 1
        graded = ", ".join(f"{n} {label}" for label, n in counts.items())
        parts.append(f"self-graded: {graded}")
    lines.append("Score: " + "; ".join(parts) + ".")
    id_width = min(36, max(len(r.card.id) for r in result.results))
    for r in result.results:
        head = f"  {result_label(r):<6} {r.card.id:<{id_width}}  "
        lines.append(head + shorten(r.card.q, width - len(head)))
    revisit = result.revisit
    if revisit:
        lines.append(f"Revisit ({len(revisit)}): " + ", ".join(card.id for card in revisit))
    else:
        lines.append("Nothing to revisit. Well done.")
    return lines


def when(moment, now) -> str:
    """'now', 'in 10 minutes', 'in 3 hours', 'tomorrow', 'in 12 days' (local calendar days)."""
    seconds = (moment - now).total_seconds()
    if seconds < 30:
        return "now"
    if seconds < 3600:
        minutes = max(1, round(seconds / 60))
        return f"in {minutes} minute{'s' * (minutes != 1)}"
    days = (moment.astimezone().date() - now.astimezone().date()).days
    if days == 0:
        hours = round(seconds / 3600)
        return f"in {hours} hour{'s' * (hours != 1)}"
    if days == 1:
        return "tomorrow"
    return f"in {days} days ({moment.astimezone():%a %d %b})"


def review_summary(result) -> list[str]:
    answered = len(result.results)
    lines = [""]
    if result.stopped:
        lines.append(f"Stopped ({result.stopped}); your answers are saved.")
    grades = ", ".join(
        f"{sum(r.grade.label == label for r in result.results)} {label}" for label in GRADE_LABELS
    )
    lines.append(
        f"Reviewed {answered} card{'s' * (answered != 1)} in {duration(result.seconds)}: {grades}."
    )
    return lines


def flash_summary(result) -> list[str]:
    lines = [""]
    if result.stopped:
        lines.append(f"Stopped ({result.stopped}); your grades are saved.")
    graded = len(result.graded)
    counts = ", ".join(
        f"{sum(g.label == label for g in result.graded.values())} {label}" for label in GRADE_LABELS
    )
    lines.append(
        f"Graded {graded} of {result.planned} cards in {duration(result.seconds)}: {counts}."
    )
    if result.skipped:
        lines.append(f"Skipped ({len(result.skipped)}): " + ", ".join(result.skipped))
    return lines


def cell(value) -> str:
    """A SQL value as a table shows it: NULL for None, floats to 6 significant digits."""
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def table_lines(columns, rows, limit: int = 8, max_cell: int = 18) -> list[str]:
    """A small plain-text table: a header, a rule, at most `limit` rows, then '(N more)'."""
    shown = [[shorten(cell(v), max_cell) for v in row] for row in rows[:limit]]
    header = [shorten(str(c), max_cell) for c in columns]
    widths = [max([len(header[i])] + [len(r[i]) for r in shown]) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in shown]
    if len(rows) > limit:
        lines.append(f"({len(rows) - limit} more row{'s' * (len(rows) - limit != 1)})")
    if not rows:
        lines.append("(no rows)")
    return lines


def side_by_side(left: list[str], right: list[str], width: int = 80, gap: int = 4) -> list[str]:
    """Two blocks next to each other when they fit in `width`, else one above the other."""
    left_width = max(map(len, left), default=0)
    if left_width + gap + max(map(len, right), default=0) > width:
        return [*left, "", *right]
    padded = left + [""] * (len(right) - len(left))
    right = right + [""] * (len(padded) - len(right))
    return [(a.ljust(left_width + gap) + b).rstrip() for a, b in zip(padded, right, strict=True)]


def sql_summary(result) -> list[str]:
    outcomes = result.outcomes
    lines = [""]
    if result.stopped:
        lines.append(f"Stopped ({result.stopped}); your results are saved.")
    first = sum(o.grade is not None and o.grade.value == 3 for o in outcomes)
    later = sum(o.grade is not None and o.grade.value == 2 for o in outcomes)
    revealed = sum(o.grade is not None and o.grade.value == 1 for o in outcomes)
    skipped = sum(o.grade is None for o in outcomes)
    lines.append(f"{len(outcomes)} of {result.planned} questions in {duration(result.seconds)}:")
    lines.append(
        f"{first} right first time, {later} right after a retry, {revealed} revealed, "
        f"{skipped} skipped."
    )
    return lines


def scorecard_lines(result) -> list[str]:
    rows = result.scorecard()
    if not rows:
        return ["No questions were answered."]
    width = max(len("topic"), *(len(deck) for deck, *_ in rows))
    lines = [f"{'topic':<{width}}  questions  good+  mean grade"]
    for deck, asked, good, mean in rows:
        mean_text = f"{mean:.1f}" if mean else "-"
        lines.append(f"{deck:<{width}}  {asked:>9}  {good:>5}  {mean_text:>10}")
    return lines


def mock_summary(result) -> list[str]:
    answered = len(result.answers)
    lines = [
        "",
        f"Mock interview: {answered} of {result.planned} questions in "
        f"{duration(result.seconds)} ({result.ended}).",
    ]
    return lines + scorecard_lines(result)


def mock_markdown(result) -> str:
    """The transcript as Markdown: each question, the answer given, the reference, the grade."""
    out = [f"# Mock interview, {result.started_at[:16].replace('T', ' ')} UTC", ""]
    out.append(
        f"{len(result.answers)} of {result.planned} questions, "
        f"{duration(result.seconds)} of {result.minutes:g} minutes ({result.ended})."
    )
    out.append("")
    for number, item in enumerate(result.answers, start=1):
        grade = item.grade.label if item.grade else "not graded"
        out += [
            f"## {number}. {item.card.q.strip()}",
            "",
            f"*{item.card.deck} · {item.card.id} · self-grade: {grade}*",
            "",
            "**Your answer**",
            "",
            item.answer.strip() or "*(no answer)*",
            "",
            "**Reference answer**",
            "",
            item.card.a.strip(),
            "",
        ]
    out += [
        "## Scorecard",
        "",
        "| topic | questions | good or easy | mean grade |",
        "|---|---:|---:|---:|",
    ]
    for deck, asked, good, mean in result.scorecard():
        out.append(f"| {deck} | {asked} | {good} | {mean:.1f} |")
    return "\n".join(out) + "\n"


def decks_lines(decks, width: int = 80) -> list[str]:
    """The deck list as aligned plain text (no rich: `mlprep decks` must start fast)."""
    rows = [
        (d.id, d.title, str(len(d.cards)), "built-in" if d.builtin else str(d.path)) for d in decks
    ]
    header = ("deck", "title", "cards", "source")
    slug_w = max(len(header[0]), *(len(r[0]) for r in rows)) if rows else len(header[0])
    count_w = max(len(header[2]), *(len(r[2]) for r in rows)) if rows else len(header[2])
    source_w = min(24, max(len(header[3]), *(len(r[3]) for r in rows))) if rows else 8
    title_w = max(10, width - slug_w - count_w - source_w - 6)
    lines = []
    for slug, title, count, source in [header, *rows]:
        lines.append(
            f"{slug:<{slug_w}}  {shorten(title, title_w):<{title_w}}  {count:>{count_w}}  "
            f"{source if len(source) <= source_w else '...' + source[3 - source_w :]}".rstrip()
        )
    return lines


def _hanging(text: str, width: int, first: str, rest: str = "      ") -> list[str]:
    return textwrap.wrap(
        text,
        width=max(20, width),
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def checklist_lines(grading, width: int = 80) -> list[str]:
    """A keypoint grading as plain lines: each keypoint made (with the words that made it) or
    missed, then any misconception with its correction. `grading` is a mlprep.grader.Grading."""
    lines = [f"Score {grading.score:.2f}, suggested grade: {grading.suggested.label}"]
    for check in grading.points:
        lines += _hanging(check.point, width, "  [x] " if check.covered else "  [ ] ")
        if check.covered:
            lines += _hanging(f'you said: "{check.matched}"', width, "      ")
        elif check.matched:  # made only with the question's own words
            lines += _hanging(f'only restates the question: "{check.matched}"', width, "      ")
    for hit in grading.misconceptions:
        lines += _hanging(f"Misconception: {hit.claim}", width, "  [!] ")
        lines += _hanging(f'you said: "{hit.matched}"', width, "      ")
        lines += _hanging(hit.correction, width, "      ")
    return lines
