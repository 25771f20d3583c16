"""Small wording helpers the sessions and the views share: grade labels, a duration, text cut
to a width. Kept apart from both so that listing decks imports neither."""

from __future__ import annotations

import unicodedata

from mlprep.model import Grade

GRADE_LABELS = tuple(grade.label for grade in Grade)


def mean_grade_text(mean: float | None) -> str:
    """A mean grade (1 to 4) as a scorecard shows it: one decimal, "-" where none was given."""
    return "-" if mean is None else f"{mean:.1f}"


def duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{seconds:02d}s"


def clock_text(seconds: float) -> str:
    """Time left as a countdown shows it, "4:57", rounded up: never "0:00" while time is
    left, and the same in every place that shows it."""
    minutes, rest = divmod(max(0, int(seconds + 0.999)), 60)
    return f"{minutes}:{rest:02d}"


def in_words(items: list[str]) -> str:
    """Items as a sentence lists them: "1", "1 and 3", "1, 3 and 4"."""
    return " and ".join(filter(None, (", ".join(items[:-1]), items[-1]))) if items else ""


def shorten(text: str, width: int, at_word: bool = False) -> str:
    """`text` on one line (runs of whitespace made one space), cut to `width` terminal
    columns with "..." where it is longer (see fit)."""
    return fit(" ".join(text.split()), width, at_word)


def fit(line: str, width: int, at_word: bool = False) -> str:
    """A line as it is where it takes at most `width` terminal columns, else cut to them
    with "..." (East Asian wide characters take two columns). `at_word` (prose): cut at a
    word's end where one is near ("shrinks kept..." rather than "shrinks kept coe...")."""
    if columns(line) <= width:
        return line
    kept = within(line, width - 3)
    if at_word and line[len(kept) : len(kept) + 1].isalnum():
        # a space, or within a hyphenated word its hyphen ("off-training..." rather than
        # "off-training-s...")
        cut = max(kept.rfind(" "), kept.rfind("-"))
        if cut >= max(1, len(kept) - 12):
            kept = kept[:cut]
    # (a cut after a sentence's full stop read '"easy to interpret"....')
    return kept.rstrip().rstrip(".") + "..."


def fit_keeping_count(line: str, width: int) -> str:
    """`fit`, except that a count ending the line (" (28)") stays where the rest is cut:
    a menu entry cut to "Naive Bayes; generati..." loses what tells it from the others."""
    head, space, count = line.rpartition(" (")
    if not space or not count[:-1].isdigit() or not count.endswith(")") or columns(line) <= width:
        return fit(line, width)
    tail = f" ({count}"
    return fit(head, width - len(tail)) + tail if width - len(tail) >= 4 else fit(line, width)


def within(text: str, room: int) -> str:
    """The longest start of `text` that takes at most `room` terminal columns."""
    if text.isascii():  # (one column a character: the common case, at C speed)
        return text[: max(0, room)]
    used = 0
    for index, character in enumerate(text):
        used += _columns_of(character)
        if used > room:
            return text[:index]
    return text


def columns(text: str) -> int:
    """How many terminal columns `text` takes (wide characters two, combining marks none)."""
    return len(text) if text.isascii() else sum(map(_columns_of, text))


def _columns_of(character: str) -> int:
    if unicodedata.combining(character):
        return 0
    return 2 if unicodedata.east_asian_width(character) in "WF" else 1


def folded(line: str, width: int, indent: str = "") -> list[str]:
    """A line wider than `width` terminal columns folded to it, going on under `indent`: at
    its last space that fits (a line of code or a table row broken between words, not inside
    one: "ORDER BY", not "OR" / "DER BY"), or where it has none to break at (a URL, a value,
    Chinese or Japanese text, whose characters take two columns each) at the width itself."""
    pieces = []
    while columns(line) > width:
        cut = within(line, width)
        if len(cut) <= len(indent):  # (no room for a character after the indent)
            break
        # (the line's own indentation is no place to break, nor what would leave only the
        # indent on the next line)
        lead = max(len(cut) - len(cut.lstrip(" ")), len(indent))
        space = line.rfind(" ", lead + 1, len(cut) + 1)
        if space > lead:
            pieces.append(line[:space].rstrip(" "))
            line = indent + line[space:].lstrip(" ")
        else:
            pieces.append(cut)
            line = indent + line[len(cut) :]
    return [*pieces, line]


def number_text(value: float) -> str:
    """A deck's number as typed, whole: "102,764,544" (":g" showed 1.02765e+08, which is
    itself a wrong answer where no tolerance is allowed), "0.7273", "1e-05"."""
    if float(value).is_integer() and abs(value) < 1e18:
        return f"{int(value):,}"
    return repr(float(value))


def folded_code(line: str, width: int, indent: str = "") -> list[str]:
    """A line of code after `indent`, folded to `width` columns between words (see folded),
    going on under its own start and further in: at the left edge, or less indented than it,
    a continued line read as a new statement or clause."""
    lead = " " * (len(line) - len(line.lstrip(" ")))
    return folded(indent + line, width, f"{indent}{lead}    ")


def hang(text: str, width: int | None, first: str, rest: str = "      ") -> list[str]:
    """`text` after `first`, wrapped between words to `width` columns (at least 20), its
    further lines after `rest` ("  [x] a point" going on under "point"); None: one line."""
    import textwrap

    if width is None:
        return [first + text]
    wrapped = textwrap.wrap(
        text,
        width=max(20, width),
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
    )
    return wrapped or [first.rstrip()]


def time_allowed(minutes: float) -> str:
    """'20 minutes', '1 minute', '30 seconds' (not '0.5 minutes')."""
    if minutes < 1:
        seconds = max(1, round(minutes * 60))
        return f"{seconds} second{'s' * (seconds != 1)}"
    return f"{minutes:g} minute{'s' * (minutes != 1)}"
