"""A CSV or TSV of questions and answers -> the text of a deck YAML file.

The input is a spreadsheet export (question, answer and optional space-separated tags) or Anki's
"Notes in Plain Text" export: tab-separated, maybe with `#key:value` header lines, and HTML in the
fields. Every bad row is reported at once as FILE:LINE: what is wrong; a deck comes back only when
the whole file is good, and only after the YAML produced has passed the deck parser itself.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml

from mlprep.limits import MAX_CSV_FIELD
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


class _TextOfHtml(HTMLParser):
    BLOCKS = {"div", "p", "li", "tr", "pre", "ul", "ol", "table", "blockquote", "h1", "h2", "h3"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self.BLOCKS:
            self.block_break()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.block_break()

    def block_break(self) -> None:
        """A block starts on a new line: one newline between `</div><div>`, not two."""
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(text: str) -> str:
    """Anki field HTML -> plain text: <br> and blocks become newlines, entities are decoded
    (&nbsp; to a space), other tags (images, formatting) are dropped."""
    parser = _TextOfHtml()
    parser.feed(text)
    parser.close()
    plain = "".join(parser.parts).replace("\xa0", " ")
    plain = "\n".join(line.rstrip() for line in plain.splitlines())
    return re.sub(r"\n{3,}", "\n\n", plain).strip()


def slug_tag(tag: str) -> str:
    """An Anki tag (`ML::Trees`, `to_review`) as a deck tag slug (`ml-trees`, `to-review`)."""
    ascii_text = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _row(fields: list[str], line: int, header: Header, html: bool) -> Row | str:
    """One record as a Row, or what is wrong with it."""
    if any("\udc80" <= char <= "\udcff" for value in fields for char in value):
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
    q, a = (html_to_text(q), html_to_text(a)) if html else (q.strip(), a.strip())
    missing = [name for name, value in (("question", q), ("answer", a)) if not value]
    if missing:
        hint = " (only one column: is the separator right?)" if len(fields) == 1 else ""
        return f"missing {' and '.join(missing)}{hint}"
    tags = tuple(dict.fromkeys(t for t in map(slug_tag, tags_text.split()) if t))
    return Row(line, q, a, tags)


def read_rows(data: bytes, path: str) -> tuple[list[Row], list[Problem]]:
    """The good rows of a file and a problem for each bad one (line = where the row starts)."""
    text = data.decode("utf-8-sig", errors="surrogateescape")
    lines = list(io.StringIO(text, newline=""))
    header = read_header(lines)
    body = lines[header.lines :]
    separator = header.separator or sniff_separator(body, path)
    html = header.html if header.html is not None else bool(_HTML_HINT.search(text))
    reader = csv.reader(body, delimiter=separator, strict=True)  # an open quote is an error
    rows: list[Row] = []
    problems: list[Problem] = []
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
                reason = f"text after the closing quote of a cell ({reason})"
            problems.append(Problem(path, f"cannot read this row: {reason}", line))
            continue
        # a multi-line cell in a Windows (CRLF) file keeps its CRs: one newline, as in decks
        fields = [value.replace("\r\n", "\n").replace("\r", "\n") for value in fields]
        if not any(value.strip() for value in fields):
            continue  # a blank line
        row = _row(fields, line, header, html)
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


class _Dumper(yaml.SafeDumper):
    """Safe YAML in the style of the built-in decks: indented lists, multi-line text as `|`."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def deck_yaml(slug: str, title: str, rows: list[Row], source: str) -> str:
    width = max(3, len(str(len(rows))))  # ids stay sortable; the same file gives the same ids
    cards = []
    for number, row in enumerate(rows, start=1):
        card: dict[str, object] = {"id": f"{slug}-{number:0{width}d}", "q": row.q, "a": row.a}
        if row.tags:
            card["tags"] = list(row.tags)
        cards.append(card)
    document = {
        "format": DECK_FORMAT_VERSION,
        "id": slug,
        "title": title,
        "description": f"Imported from {source}.",
        "cards": cards,
    }
    return yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def default_title(path: str, slug: str) -> str:
    words = " ".join(re.split(r"[\s_-]+", Path(path).stem)).strip() or slug
    return words[:1].upper() + words[1:]


def convert(
    data: bytes, path: str, slug: str, title: str | None, target: str
) -> tuple[Deck | None, str, list[Problem], Row | None]:
    """(deck, YAML text, problems, header row skipped) for a file's bytes; the deck is None
    when there are problems. `target` is where the YAML will live (named in any parser problem)."""
    rows, problems = read_rows(data, path)
    # Anki's export names its columns in `#` lines and has no header row: no guessing there
    anki = data.removeprefix(b"\xef\xbb\xbf").startswith(b"#")
    header, rows = split_header(rows, guess=not anki)
    if problems:
        return None, "", problems, header
    if not rows:
        return None, "", [Problem(path, f"no cards found; {_EXPECTED} on each line")], header
    source = " ".join(Path(path).name.split())
    text = deck_yaml(slug, title or default_title(path, slug), rows, source)
    deck, problems = parse_deck(text, target)
    return deck, text, [_at_row(problem, rows, path) for problem in problems], header


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
