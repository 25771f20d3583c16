"""A CSV or TSV of questions and answers -> the text of a deck YAML file.

The input is a spreadsheet export (question, answer and optional space-separated tags) or Anki's
"Notes in Plain Text" export: tab-separated, maybe with `#key:value` header lines, and HTML in the
fields. Every bad row is reported at once as FILE:LINE: what is wrong; a deck comes back only when
the whole file is good, and only after the YAML produced has passed the deck parser itself.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import json
import re
import unicodedata
from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from mlprep.errors import ContentError
from mlprep.limits import MAX_CSV_FIELD, MAX_DECK_BYTES
from mlprep.model import DECK_FORMAT_VERSION, Deck, Problem
from mlprep.schema import parse_deck

_HEADER = re.compile(r"^#([A-Za-z][A-Za-z ]*):(.*)$")
_SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "space": " ", "pipe": "|", "colon": ":"}
_HTML_HINT = re.compile(r"<br\s*/?>|</?div\b|</?p>|&nbsp;|&amp;|&lt;|&gt;", re.IGNORECASE)
_HEADER_ROW = ({"question", "q", "front"}, {"answer", "a", "back"})
_EXPECTED = "expected question, answer and optional tags"


@dataclass
class Header:
    """What Anki's `#key:value` lines at the top of a file say."""

    lines: int = 0
    separator: str | None = None
    html: bool | None = None
    tags_column: int | None = None  # 0-based
    skip_columns: set[int] = field(default_factory=set)  # guid, note type and deck columns


@dataclass(frozen=True)
class Row:
    line: int
    q: str
    a: str
    tags: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()  # the row as read (what a header row is reported as)
    source_tags: tuple[str, ...] = ()  # the tags as written, before they became deck tags


def read_header(lines: list[str]) -> Header:
    header = Header()
    for line in lines:
        match = _HEADER.match(line.rstrip("\r\n"))
        if not match:
            break
        header.lines += 1
        key, value = match.group(1).strip().lower(), match.group(2).strip()
        if key == "separator":
            header.separator = _SEPARATORS.get(value.lower(), value[:1] or None)
        elif key == "html":
            header.html = value.lower() == "true"
        elif key.endswith(" column") and value.isdigit() and int(value) > 0:
            if key == "tags column":
                header.tags_column = int(value) - 1
            elif key in ("guid column", "notetype column", "deck column"):
                header.skip_columns.add(int(value) - 1)
    return header


def sniff_separator(lines: list[str], path: str) -> str:
    """Tab for .tsv/.tab; otherwise the candidate that splits the most of the first lines into
    2 or 3 columns. Ties go to the one whose fields rarely start with a space: commas in prose
    are followed by one, separators seldom are."""
    if Path(path).suffix.lower() in (".tsv", ".tab"):
        return "\t"
    sample = [line[:4096] for line in lines[:50] if line.strip()]  # a huge cell: only its start

    def score(separator: str) -> tuple[int, int, int]:
        try:
            rows = list(csv.reader(sample, delimiter=separator))
        except csv.Error:  # a cell over the size limit: read_rows reports it at its line
            return 0, 0, 0
        shaped = sum(2 <= len(row) <= 3 for row in rows)
        split = sum(len(row) >= 2 for row in rows)  # five columns are not "only one column"
        spaced = sum(value[:1].isspace() for row in rows for value in row[1:])
        return shaped, split, -spaced

    return max(("\t", ",", ";"), key=score)  # max keeps the first of equals: tab, then comma


# The HTML elements a note field may hold (what Anki's editor and pasted web pages produce).
# Only these are read as tags: `List<T>`, `Map<K, V>` or `a < b > c` in a field is text.
_BLOCK_TAGS = {
    *("address", "article", "aside", "blockquote", "center", "dd", "details", "div", "dl"),
    *("dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header"),
    *("hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody"),
    *("td", "tfoot", "th", "thead", "tr", "ul", "caption"),
}
_INLINE_TAGS = {
    *("a", "abbr", "b", "big", "cite", "code", "col", "colgroup", "del", "dfn", "em", "font"),
    *("i", "img", "ins", "kbd", "label", "mark", "s", "samp", "small", "source", "span"),
    *("strike", "strong", "sub", "sup", "tt", "u", "var", "wbr", "audio", "video", "anki-mathjax"),
}
_HIDDEN_TAGS = ("script", "style")  # their content is dropped too
_KNOWN_TAGS = _BLOCK_TAGS | _INLINE_TAGS | {"br", *_HIDDEN_TAGS}
_TAG = re.compile(
    r"<!--.*?(?:-->|$)"  # a comment (an unclosed one runs to the end of the field)
    r"|<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)/?>",
    re.DOTALL,
)


def html_to_text(text: str) -> str:
    """Anki field HTML -> plain text: <br> and blocks become newlines, entities are decoded
    (&nbsp; to a space), other HTML tags (images, formatting) are dropped. Only the tags of
    HTML are tags: `List<T>`, `Map<K, V>` or `a < b > c` stay as they are written."""
    parts: list[str] = []
    at = 0
    hidden: str | None = None  # inside <script> or <style>: until its end tag

    def block_break() -> None:
        """A block starts on a new line: one newline between `</div><div>`, not two."""
        if parts and not parts[-1].endswith("\n"):
            parts.append("\n")

    for match in _TAG.finditer(text):
        closing, name, _ = match.groups()
        comment = name is None
        name = (name or "").lower()
        if not comment and name not in _KNOWN_TAGS:
            continue  # not a tag: text
        if hidden is None and match.start() > at:
            parts.append(html.unescape(text[at : match.start()]))
        at = match.end()
        if comment:
            continue
        if hidden is not None:
            hidden = None if closing and name == hidden else hidden
        elif name in _HIDDEN_TAGS and not closing:
            hidden = name
        elif name == "br":
            parts.append("\n")
        elif name in _BLOCK_TAGS:
            block_break()
    if hidden is None:
        parts.append(html.unescape(text[at:]))
    plain = "".join(parts).replace("\xa0", " ")
    plain = "\n".join(line.rstrip() for line in plain.splitlines())
    return re.sub(r"\n{3,}", "\n\n", plain).strip()


# `c++` and `c#` are not `c`: their marks become letters (cpp, csharp, fsharp)
_PLUS_PLUS = re.compile(r"(?<=[A-Za-z])\+\+(?!\+)")
_SHARP = re.compile(r"(?<=[A-Za-z])#(?![A-Za-z0-9])")


def slug_tag(tag: str) -> str:
    """An Anki tag (`ML::Trees`, `to_review`, `c++`, `#nlp`) as a deck tag slug (`ml-trees`,
    `to-review`, `cpp`, `nlp`): lower-case ASCII letters and digits joined by `-`, as the deck
    format allows; "" for a tag with none of those (`日本`)."""
    word = _SHARP.sub("sharp", _PLUS_PLUS.sub("pp", tag.lstrip("#")))
    ascii_text = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# A line that starts a Markdown block of its own: a hard break before it would show as a "\"
_OWN_BLOCK = re.compile(r"\s*(?:[-*+]\s|\d+[.)]\s|#{1,6}(?:\s|$)|>|\||```|~~~|[-_*]{3,}\s*$)")
_FENCE = re.compile(r"\s*(?:```|~~~)")
_LIST_ITEM = re.compile(r"\s{0,3}(?:[-*+]|(\d{1,9})[.)])(?:\s|$)")
# a line under a paragraph line that would make it a heading (setext), not a line of its own
_UNDERLINE = re.compile(r"\s{0,3}(?:-+|=+)\s*$")
_INDENTED = ("    ", "\t")


def hard_breaks(text: str) -> str:
    """Text whose line breaks stay line breaks when it is read as Markdown (answers are): a
    `\\` at the end of each line that goes on in the same paragraph (CommonMark's visible hard
    line break). A single newline in Markdown is a space; blank lines, list items, headings,
    quotes, tables and code (fenced or indented) keep their own meaning and are left alone.

    What Markdown would read otherwise than it looks is made to read as it looks: lines
    indented under a line of text (pasted code: Markdown drops the indentation and joins
    them) are fenced as code with that text; a number that does not start a list ("2." under
    a line of text) stays a line of text; dashes or equals signs under a line of text are a
    line of their own, not the underline of a heading."""
    if "\n" not in text:
        return text
    out: list[str] = []
    for paragraph in _runs(text.split("\n")):
        out += _paragraph_breaks(paragraph)
    return "\n".join(out)


def _runs(lines: list[str]) -> list[list[str]]:
    """The lines in runs: each fenced block whole, each blank line alone, and the runs of
    other lines between them."""
    runs: list[list[str]] = []
    current: list[str] = []
    fence = ""
    for line in lines:
        if fence:
            current.append(line)
            if line.strip().startswith(fence):
                runs.append(current)
                current, fence = [], ""
        elif _FENCE.match(line):
            if current:
                runs.append(current)
            current, fence = [line], line.strip()[:3]
        elif not line.strip():
            if current:
                runs.append(current)
            runs.append([line])
            current = []
        else:
            current.append(line)
    if current:
        runs.append(current)
    return runs


def _paragraph_breaks(run: list[str]) -> list[str]:
    """hard_breaks of one run of lines (see _runs)."""
    first = run[0]
    if not first.strip() or _FENCE.match(first) or first.startswith(_INDENTED):
        return run  # a blank line, a fenced block, an indented code block
    code = _pasted_code(run)
    if code is not None:  # the line of text and the lines indented under it, as code
        start, end = code
        longest = max((len(ticks) for ticks in re.findall(r"`+", "\n".join(run))), default=0)
        fence = "`" * max(3, longest + 1)
        before = _paragraph_breaks(run[:start]) if start else []
        after = _paragraph_breaks(run[end:]) if end < len(run) else []
        return [*before, fence, *run[start:end], fence, *after]
    in_list = bool(_LIST_ITEM.match(first))
    lines = list(run)
    out: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        if following is None:
            out.append(line)
            break
        # (a lone "-" under a line of text underlines it: no list item)
        item = None if _UNDERLINE.match(following) else _LIST_ITEM.match(following)
        if item and (in_list or item.group(1) in (None, "1")):
            in_list = True  # a list item of its own (a number other than 1 starts no list)
            out.append(line)
            continue
        paragraph_line = not re.match(r"\s*(?:#{1,6}(?:\s|$)|\||>)", line) and not (
            _OWN_BLOCK.match(line) and not _LIST_ITEM.match(line)
        )
        if paragraph_line and _UNDERLINE.match(following):
            out += [line, ""]  # (a line of dashes of its own, not a heading's underline)
            continue
        if (
            not paragraph_line
            or line.endswith("\\")  # a hard break already (or an escaped backslash)
            or following.startswith(_INDENTED)
            or (_OWN_BLOCK.match(following) and not item)
        ):
            out.append(line)
            continue
        out.append(line + "\\")
    return out


def _pasted_code(run: list[str]) -> tuple[int, int] | None:
    """Where lines indented under a line of text begin (that line) and end, in a run that is
    no list (a list indents its items' lines on its own): Markdown would join them to the
    text and drop their indentation. None where there are none."""
    in_list = False
    for index, line in enumerate(run):
        if _LIST_ITEM.match(line):
            in_list = True
        if index and line.startswith(_INDENTED) and not run[index - 1].startswith(_INDENTED):
            if in_list:
                return None
            end = index
            while end < len(run) and run[end].startswith(_INDENTED):
                end += 1
            return index - 1, end
    return None


def _lines_trimmed(text: str) -> str:
    """No spaces at line ends: invisible, and in Markdown two of them are a line break."""
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def _row(fields: list[str], line: int, header: Header, html: bool, check_utf8: bool) -> Row | str:
    """One record as a Row, or what is wrong with it."""
    if check_utf8 and any(_NOT_UTF8.search(value) for value in fields):
        return "not UTF-8 text; save the file as UTF-8"  # bytes kept by surrogateescape
    tags_at = header.tags_column
    values = [v for i, v in enumerate(fields) if i not in header.skip_columns and i != tags_at]
    if tags_at is None and len(values) >= 3:
        tags_text, values = values[2], values[:2] + values[3:]
    else:
        tags_text = fields[tags_at] if tags_at is not None and tags_at < len(fields) else ""
    extra = values[2:]
    if any(value.strip() for value in extra):
        return f"too many columns ({len(fields)}); {_EXPECTED}"
    q, a = (values + ["", ""])[:2]
    q, a = (html_to_text(q), html_to_text(a)) if html else (_lines_trimmed(q), _lines_trimmed(a))
    missing = [name for name, value in (("question", q), ("answer", a)) if not value]
    if missing:
        hint = " (only one column: is the separator right?)" if len(fields) == 1 else ""
        return f"missing {' and '.join(missing)}{hint}"
    source_tags = tuple(dict.fromkeys(tags_text.split()))
    tags = tuple(dict.fromkeys(t for t in map(slug_tag, source_tags) if t))
    return Row(line, q, hard_breaks(a), tags, _cells(fields), source_tags)


def _cells(fields: list[str]) -> tuple[str, ...]:
    cells = [" ".join(value.split()) for value in fields]
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells)


_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # the bytes that were not UTF-8 (surrogateescape)
# the start of a JSON document: an object, or an array of objects, arrays or strings
_JSON_START = re.compile(r'\s*(?:\{\s*(?:"|\}|$)|\[\s*(?:[{\["\]]|$))')


def decode(data: bytes, path: str) -> tuple[str, list[Problem]]:
    """The text of a file: UTF-8 (with or without a byte order mark), or UTF-16 or UTF-32 with
    one (Excel's "Unicode Text"). Bytes that are not UTF-8 are kept as surrogates, so that
    each row holding them is reported at its line."""
    for bom, codec in (
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec), []
            except UnicodeDecodeError as error:
                name = codec.upper()
                reason = f"not {name} text after its byte order mark (byte {error.start + 1:,})"
                return "", [Problem(path, f"{reason}; save the file as UTF-8")]
    sample = data[:4096]
    if sample.count(0) > len(sample) // 4:  # every other byte 0: English in UTF-16
        return "", [Problem(path, "UTF-16 text without a byte order mark; save the file as UTF-8")]
    return data.decode("utf-8-sig", errors="surrogateescape"), []


def looks_like_json(text: str) -> bool:
    """A JSON document (an export of some other tool, or of mlprep), or the start of one laid
    out as JSON is: `{` or `[` alone on the first line."""
    if not _JSON_START.match(text):
        return False
    try:
        json.loads(text)
    except ValueError:
        return text.lstrip().split("\n", 1)[0].strip() in ("{", "[", "[{")
    return True


def read_rows(
    data: bytes, path: str, header_row: bool | None = None
) -> tuple[list[Row], list[Problem]]:
    """The good rows of a file and a problem for each bad one (line = where the row starts).
    With `header_row` True the first record is the header row: rows[0], not checked."""
    text, problems = decode(data, path)
    if problems:
        return [], problems
    if looks_like_json(text):
        return [], [Problem(path, f"this is JSON, not CSV or TSV; {_EXPECTED} on each line")]
    check_utf8 = _NOT_UTF8.search(text) is not None
    lines = list(io.StringIO(text, newline=""))
    header = read_header(lines)
    body = lines[header.lines :]
    separator = header.separator or sniff_separator(body, path)
    html = header.html if header.html is not None else bool(_HTML_HINT.search(text))
    reader = csv.reader(body, delimiter=separator, strict=True)  # an open quote is an error
    rows: list[Row] = []
    while True:
        line = header.lines + reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            reason = str(error)
            if "field limit" in reason:
                reason = f"a cell is longer than {MAX_CSV_FIELD // 1024} KB (the limit)"
            elif "end of data" in reason:
                reason = 'a quoted cell is never closed (a " is missing)'
            elif "expected after" in reason:
                # (a cell that only begins with a quote: "Attention is all you need" ...)
                reason = (
                    "text after the closing quote of a cell; a cell that begins with a quote"
                    " is read up to the next one: put the whole cell in quotes and double each"
                    ' quote inside it, as in "a ""quoted"" word"'
                )
            problems.append(Problem(path, f"cannot read this row: {reason}", line))
            if header_row:  # the header row it was (reported): the next rows are cards
                header_row = False
            continue
        # a multi-line cell in a Windows (CRLF) file keeps its CRs: one newline, as in decks
        fields = [value.replace("\r\n", "\n").replace("\r", "\n") for value in fields]
        if not any(value.strip() for value in fields):
            continue  # a blank line
        if header_row:
            header_row = False
            cells = (html_to_text(v) if html else v for v in fields)
            first = _cells(list(cells))
            names = first + ("", "")
            rows.append(Row(line, names[0], names[1], cells=first))
            continue
        row = _row(fields, line, header, html, check_utf8)
        if isinstance(row, str):
            problems.append(Problem(path, row, line))
        else:
            rows.append(row)
    if not rows and not problems:
        problems.append(Problem(path, f"no cards found; {_EXPECTED} on each line"))
    return rows, problems


# a column name: one to three words of letters, no digits or punctuation ("Frage", "Front side")
_NAME = re.compile(r"[^\W\d_]+(?:[ _-][^\W\d_]+){0,2}")


def split_header(rows: list[Row], guess: bool = True) -> tuple[Row | None, list[Row]]:
    """(the header row, the cards): a first row of column names is not a card. It is one when
    it says question/answer (or q/a, front/back), or when its cells are short names while the
    rows after it are clearly longer (`Frage;Antwort`, `Term,Definition` above real cards)."""
    if not rows:
        return None, rows
    first, rest = rows[0], rows[1:]
    names = (first.q.lower(), first.a.lower())
    if names[0] in _HEADER_ROW[0] and names[1] in _HEADER_ROW[1]:
        return first, rest
    if not guess or not rest or not all(_NAME.fullmatch(cell) for cell in (first.q, first.a)):
        return None, rows
    sample = rest[:20]
    later = sum(len(row.q) + len(row.a) for row in sample) / len(sample)
    if later >= 1.5 * (len(first.q) + len(first.a)):
        return first, rest
    return None, rows


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


class _Dumper(yaml.SafeDumper):
    """Safe YAML in the style of the built-in decks: indented lists, multi-line text as `|`."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


_Dumper.add_representer(str, _represent_str)


# libyaml's emitter, about thirty times faster than PyYAML's own (which took seconds for a
# file near the size limit); it writes lists unindented, so each card is dumped on its own
# and indented under `cards:` (deck_yaml checks the result reads back the same)
class _FastDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    pass


_FastDumper.add_representer(str, _represent_str)


def _dump(value: object, dumper: type = _FastDumper) -> str:
    return yaml.dump(value, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)


def _indented(text: str, first: str, rest: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(
        (first if i == 0 else rest) + line if line.strip("\n") else line
        for i, line in enumerate(lines)
    )


def _document(
    slug: str,
    title: str,
    rows: list[Row],
    source: str,
    earlier: Earlier = None,
    reserved: Set[str] = frozenset(),
) -> dict[str, object]:
    cards = []
    for card_id, row in zip(_card_ids(slug, rows, earlier, reserved), rows, strict=True):
        card: dict[str, object] = {"id": card_id, "q": row.q, "a": row.a}
        if row.tags:
            card["tags"] = list(row.tags)
        cards.append(card)
    return {
        "format": DECK_FORMAT_VERSION,
        "id": slug,
        "title": title,
        "description": f"Imported from {source}.",
        "cards": cards,
    }


# the cards of the deck an import replaces, as (id, question) pairs (see _card_ids)
Earlier = Sequence[tuple[str, str]] | None


def _question_key(question: str) -> str:
    """A question as re-imports match it: case and runs of spaces aside."""
    return " ".join(question.split()).casefold()


def _card_ids(
    slug: str, rows: list[Row], earlier: Earlier = None, reserved: Set[str] = frozenset()
) -> list[str]:
    """Each row's card id. A first import numbers the rows (the same file gives the same
    ids). One that replaces an earlier import of the deck keeps each earlier question's id,
    and numbers the new questions with ids the earlier deck never used: progress belongs to
    an id, and numbered afresh, a row added at the top moved every answer to the question
    below it."""
    width = max(3, len(str(len(rows))))  # (ids stay sortable)
    if not earlier:
        return [f"{slug}-{number:0{width}d}" for number in range(1, len(rows) + 1)]
    kept: dict[str, str] = {}
    for old_id, question in earlier:
        kept.setdefault(_question_key(question), old_id)
    used = {old_id for old_id, _ in earlier} | set(reserved)
    fresh = (f"{slug}-{n:0{width}d}" for n in itertools.count(1))
    ids = []
    for row in rows:
        card_id = kept.pop(_question_key(row.q), None)  # (a question asked twice keeps it once)
        if card_id is None:
            card_id = next(new for new in fresh if new not in used)
        used.add(card_id)
        ids.append(card_id)
    return ids


def deck_yaml(
    slug: str,
    title: str,
    rows: list[Row],
    source: str,
    fast: bool = True,
    earlier: Earlier = None,
    reserved: Set[str] = frozenset(),
) -> str:
    document = _document(slug, title, rows, source, earlier, reserved)
    if not fast:
        return _dump(document, _Dumper)
    cards = document.pop("cards")
    parts = [_dump(document), "cards:\n"]
    for card in cards:  # type: ignore[attr-defined]
        tags = card.pop("tags", None)
        parts.append(_indented(_dump(card), "  - ", "    "))
        if tags:
            parts.append("    tags:\n" + _indented(_dump(tags), "      ", "      "))
    return "".join(parts)


def default_title(path: str, slug: str) -> str:
    words = " ".join(re.split(r"[\s_-]+", Path(path).stem)).strip() or slug
    return words[:1].upper() + words[1:]


@dataclass
class Conversion:
    """What an import makes of a file: the deck and its YAML (None and "" when there are
    problems), the header row skipped (and whether that was a guess), and notes on what was
    changed on the way (tags renamed or dropped, questions asked twice)."""

    deck: Deck | None
    text: str
    problems: list[Problem]
    header: Row | None = None
    header_guessed: bool = False
    notes: list[str] = field(default_factory=list)


def convert(
    data: bytes,
    path: str,
    slug: str,
    title: str | None,
    target: str,
    header_row: bool | None = None,
    earlier: Earlier = None,
    reserved: Set[str] = frozenset(),
) -> Conversion:
    """A file's bytes as a deck. `target` is where the YAML will live (named in any parser
    problem). `header_row`: True, the first row is a header; False, it is a card; None, guess
    (never in an Anki export, which names its columns in `#` lines). A deck larger than a deck
    file may be raises ContentError: it would be written and then refused by every command.
    `earlier`: the cards of the deck this import replaces, whose ids it keeps; `reserved`:
    ids never given to a new question (_card_ids)."""
    rows, problems = read_rows(data, path, header_row=header_row)
    anki = data.removeprefix(b"\xef\xbb\xbf").startswith(b"#")
    if header_row is None:
        header, rows = split_header(rows, guess=not anki)
        guessed = header is not None and not _named(header)
    else:
        header, rows = (rows[0], rows[1:]) if header_row and rows else (None, rows)
        guessed = False
    if problems:
        return Conversion(None, "", problems, header, guessed)
    if not rows:
        found = f"no cards found; {_EXPECTED} on each line"
        if header is not None:
            # (the only row was read as column names, without a word of it)
            shown = ", ".join(header.cells) if header.cells else header.q
            how = "was read as column names" if header_row is None else "is the --header row"
            found = (
                f"no cards found: the only row ({shown[:60]}) {how}; "
                "use --no-header if it is a card"
            )
        return Conversion(None, "", [Problem(path, found)], header, guessed)
    source = " ".join(Path(path).name.split())
    title = title or default_title(path, slug)
    text = deck_yaml(slug, title, rows, source, earlier=earlier, reserved=reserved)
    size = len(text.encode("utf-8"))
    if size > MAX_DECK_BYTES:
        raise ContentError(
            f"{path}: the deck made from it would be {size / 1e6:.2f} MB, over the"
            f" {MAX_DECK_BYTES / 1e6:g} MB limit of a deck file; split the file and import"
            " each part as its own deck. Nothing was imported."
        )
    deck, problems = parse_deck(text, target)
    if deck is not None and not problems and not _same(deck, rows):
        text = deck_yaml(slug, title, rows, source, False, earlier, reserved)  # (a safety net)
        deck, problems = parse_deck(text, target)
    problems = [_at_row(problem, rows, path) for problem in problems]
    said = notes(rows)
    hint = _html_guessed(data, path)
    if hint:
        said.insert(
            0,
            f"Read the cells as HTML, as in an Anki export (the file holds {hint}): tags were"
            " dropped and entities decoded. To keep them as text, add the line #html:false at"
            " the top of the file and import again.",
        )
    return Conversion(deck, text, problems, header, guessed, said)


def _html_guessed(data: bytes, path: str) -> str:
    """What made read_rows take a file's cells for HTML ("<br>"), where no header line said
    so ("" if it did, or if they were not)."""
    text, problems = decode(data, path)
    if problems or read_header(list(io.StringIO(text, newline=""))).html is not None:
        return ""
    found = _HTML_HINT.search(text)
    return found.group() if found else ""


def _named(header: Row) -> bool:
    """Whether a header row says question and answer in so many words (not a guess)."""
    return header.q.lower() in _HEADER_ROW[0] and header.a.lower() in _HEADER_ROW[1]


def _same(deck: Deck, rows: list[Row]) -> bool:
    return [(card.q, card.a, tuple(card.tags)) for card in deck.cards] == [
        (row.q, row.a, row.tags) for row in rows
    ]


_LISTED = 10  # names or lines a note lists before "and N more"


def _listing(items: list[str]) -> str:
    shown = ", ".join(items[:_LISTED])
    return shown + (f" and {len(items) - _LISTED} more" if len(items) > _LISTED else "")


def notes(rows: list[Row]) -> list[str]:
    """One line for tags changed to fit the deck format, one for tags dropped, one for
    questions that repeat an earlier one: what the import did that the file did not say."""
    renamed: dict[str, str] = {}
    dropped: dict[str, None] = {}
    for row in rows:
        for tag in row.source_tags:
            slug = slug_tag(tag)
            if not slug:
                dropped[tag] = None
            elif slug != tag:
                renamed[tag] = slug
    lines = []
    if renamed:
        count = len(renamed)
        lines.append(
            f"Renamed {count} tag{'s' * (count != 1)} (deck tags are lower-case a-z, 0-9 and"
            f" '-'): {_listing([f'{old} -> {new}' for old, new in renamed.items()])}"
        )
    if dropped:
        count = len(dropped)
        lines.append(
            f"Dropped {count} tag{'s' * (count != 1)} with no a-z or 0-9 in it to keep:"
            f" {_listing(list(dropped))}"
        )
    first_seen: dict[str, int] = {}
    repeats: list[str] = []
    for row in rows:
        key = " ".join(row.q.split()).casefold()
        if key in first_seen:
            repeats.append(f"line {row.line} repeats line {first_seen[key]}")
        else:
            first_seen[key] = row.line
    if repeats:
        count = len(repeats)
        lines.append(
            f"{count} question{'s' * (count != 1)} asked before, each imported as a card of"
            f" its own: {_listing(repeats)}"
        )
    return lines


_FIELD_NAMES = {"'q'": "the question", "'a'": "the answer", "'tags'": "a tag"}


def _at_row(problem: Problem, rows: list[Row], path: str) -> Problem:
    """A problem the deck parser found in the YAML we wrote, moved to the CSV line it came from
    (the YAML file is never written, so naming it would only confuse)."""
    number = (problem.card_id or "").rsplit("-", 1)[-1]
    if not number.isdigit() or not 1 <= int(number) <= len(rows):
        return Problem(path, problem.message)
    message = problem.message
    for key, name in _FIELD_NAMES.items():
        if message.startswith(key + " "):
            message = name + message[len(key) :]
    return Problem(path, message, rows[int(number) - 1].line)
