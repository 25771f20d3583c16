"""Decks -> a Markdown study guide: CommonMark plus GitHub's task lists and heading anchors.

Texts follow the terminal's rules: questions, choices, rubric items, follow-ups and references are
plain text and render literally (only `inline code` stays code); answers and explanations are
Markdown, copied as written except that raw HTML is kept literal (see `block`), as in Anki.
"""

from __future__ import annotations

import html
import re
import unicodedata
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path

from mlprep.export import ExportFile, OnDeck
from mlprep.model import Card, CardType, Deck

GUIDE_TITLE = "mlprep study guide"
PRACTICE_TITLE = "mlprep practice sheet"
CONTENTS = "Contents"
INDEX_NAME = "README.md"

# Characters with inline meaning in CommonMark/GFM (`$` is math and `~` strikethrough on GitHub).
_SPECIAL = re.compile(r"([\\`*_\[\]<>#!&|~$])")
# An escape pair, or a `<` that could open a tag, comment or declaration (not one that opens a
# web or mail autolink, `<https://arxiv.org/abs/1706.03762>`: a link, as in the terminal).
_TAG_OPEN = re.compile(r"(\\.)|<(?!(?:https?|mailto):[^\s<>\x00-\x1f]*>)(?=[A-Za-z/!?])")
_LIST_MARKER = re.compile(r"^(\d{1,9}[.)]|[-+])(?= |$)")  # `- x`, `+ x`, `1. x`, `2) x`
_FENCE = re.compile(r"^(`{3,}|~{3,})(.*)$")


# -- text --------------------------------------------------------------------------------------
def _code_spans(text: str, markdown: bool) -> Iterator[tuple[str, bool]]:
    """Split text into (piece, is_code_span), pairing backtick strings as CommonMark does. In
    Markdown a backslash escapes the next character; in plain text it is just a character."""
    special = _ESCAPE_OR_TICKS if markdown else _TICKS
    i = plain_from = 0
    while True:
        found = special.search(text, i)  # (the characters between are plain: skipped at once)
        if found is None:
            break
        i = found.start()
        if text[i] == "\\":
            i += 2
            continue
        run = found.end() - i
        end = _closing_backticks(text, i + run, run)
        if end is None:
            i += run
            continue
        if plain_from < i:
            yield text[plain_from:i], False
        yield text[i:end], True
        i = plain_from = end
    if plain_from < len(text):
        yield text[plain_from:], False


_TICKS = re.compile("`+")
_ESCAPE_OR_TICKS = re.compile(r"\\|`+")  # a backslash (escaping what follows) or backticks


def _closing_backticks(text: str, start: int, run: int) -> int | None:
    """The end of the first string of exactly `run` backticks from `start`, if any."""
    for match in _TICKS.finditer(text, start):
        if match.end() - match.start() == run:
            return match.end()
    return None


def inline(text: str) -> str:
    """Plain text as inline Markdown that renders literally, on one line, wherever it goes (a
    heading, a list item, a paragraph of its own). Code spans are kept (their content is literal
    already); every other special character is escaped, and so is a leading list marker."""
    pieces = _code_spans(" ".join(text.split()), markdown=False)
    out = "".join(piece if code else _SPECIAL.sub(r"\\\1", piece) for piece, code in pieces)
    return _LIST_MARKER.sub(lambda m: m.group()[:-1] + "\\" + m.group()[-1], out, count=1)


def question_lines(question: str) -> list[str]:
    """A question as inline Markdown, a line for each of its lines (an imported question may
    have several: a snippet of code, a list), the first a heading's: each further line keeps
    its indentation as no-break spaces (Markdown drops the spaces a line begins with)."""
    first, *rest = question.strip().split("\n")
    lines = [inline(first)]
    for line in rest:
        indent = len(line) - len(line.lstrip(" "))
        lines.append("\u00a0" * indent + inline(line))
    return lines


def question_heading(question: str) -> str:
    """The text of a question's heading: its first line."""
    return question.strip().split("\n", 1)[0]


def _literal_tags(line: str) -> str:
    pieces = _code_spans(line, markdown=True)
    return "".join(
        piece
        if code
        else _safe_links(
            _IMAGE.sub("[image: ", _TAG_OPEN.sub(lambda m: m.group(1) or "\\<", piece))
        )
        for piece, code in pieces
    )


# An image in deck Markdown ("![alt](dest)", "![alt][ref]"): made a link to it, as the Anki
# export does, so that opening the guide fetches nothing from a host the deck names
_IMAGE = re.compile(r"(?<!\\)!\[(?=[^\]]*\])")


# Link destinations in deck text: `[text](dest)`, `[text](<dest>)` and `[label]: dest`.
_LINK_DESTINATION = re.compile(r"(\]\(\s*<?)((?:[^\s()<>]|\([^\s()]*\))*)")
_REFERENCE = re.compile(r"^(\s{0,3}\[[^\]]+\]:\s*<?)(\S+)")
# Schemes that run code or read local files when a rendered link is followed.
_UNSAFE_SCHEME = re.compile(r"(javascript|vbscript|data|file):", re.IGNORECASE)
SAFE_DESTINATION = "#unsafe-link-removed"


def is_unsafe_url(destination: str) -> bool:
    """Whether a link target runs code or opens local files, however it is disguised: entities
    (`&#106;avascript:`), percent escapes, backslash escapes, case, spaces and controls."""
    plain = html.unescape(urllib.parse.unquote(destination)).replace("\\", "")
    plain = re.sub(r"[\x00-\x20\x7f]", "", plain)
    return bool(_UNSAFE_SCHEME.match(plain))


def _safe_links(text: str) -> str:
    """Deck Markdown with every unsafe link target replaced by a harmless anchor."""

    def fix(match: re.Match[str]) -> str:
        prefix, destination = match.groups()
        return prefix + (SAFE_DESTINATION if is_unsafe_url(destination) else destination)

    return _REFERENCE.sub(fix, _LINK_DESTINATION.sub(fix, text))


def block(text: str) -> str:
    """Deck Markdown made safe to embed in a longer document: an unclosed code fence is closed
    (it would swallow every card after it), and outside code every `<` that could start raw HTML
    is escaped: deck text cannot inject HTML, and `<!--` cannot hide the rest of the guide.
    Lines indented as code are left alone (a backslash would show there)."""
    lines = []
    fence = ""
    for line in text.strip("\n").splitlines():
        stripped = line.lstrip()
        match = _FENCE.match(stripped)
        if fence:
            closing = stripped.rstrip()
            if closing.startswith(fence) and set(closing) == {fence[0]}:
                fence = ""
        elif match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
            fence = match.group(1)
        elif not line.startswith(("    ", "\t")):
            line = _literal_tags(line)
        lines.append(line)
    if fence:
        lines.append(fence)
    return "\n".join(lines)


def fence(code: str, info: str = "") -> str:
    """A fenced code block longer than any backtick run in the code."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{code.strip(chr(10))}\n{ticks}"


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


# -- anchors -----------------------------------------------------------------------------------
def github_slug(text: str) -> str:
    """GitHub's heading anchor: lower case, keeping only letters, marks, digits, `_`, `-` and
    spaces (Ruby's \\p{Word}), each space a hyphen. Escapes added by `inline` are punctuation,
    so the raw text gives the same anchor as the rendered heading."""
    kept = (c for c in " ".join(text.split()).lower() if c in " -" or _is_word(c))
    return "".join(kept).replace(" ", "-")


def _is_word(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "LM" or category in ("Nd", "Nl", "Pc")


class Anchors:
    """Unique anchors for one document: repeats get -1, -2, ... as on GitHub. Every heading must
    be added in document order."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def add(self, heading: str) -> str:
        base = slug = github_slug(heading)
        while slug in self.seen:
            self.seen[base] += 1
            slug = f"{base}-{self.seen[base]}"
        self.seen[slug] = 0
        return slug


def link(text: str, anchor: str) -> str:
    return f"[{inline(text)}](#{anchor})"


# -- cards and decks ---------------------------------------------------------------------------
def card_lines(card: Card, no_answers: bool = False) -> list[str]:
    heading, *more = question_lines(card.q)
    lines = [f"### {heading}", ""]
    if more:  # (a hard break ends each line but the last)
        lines += ["\\\n".join(more), ""]
    lines += [_card_meta(card), ""]
    tables = sql_tables(card)
    if tables:  # (a practice sheet's SQL question cannot be answered without them)
        lines += ["**Tables**", "", fence(tables, "sql"), ""]
    if card.choices:
        if no_answers and card.is_multi and "apply" not in card.q.lower():
            lines += ["Select all that apply.", ""]
        for choice in card.choices:
            mark = "x" if choice.correct and not no_answers else " "
            lines.append(f"- [{mark}] {inline(choice.text)}")
            if choice.why.strip() and not no_answers:  # (on a line of its own in the item)
                lines[-1] += "\\"
                lines.append(f"  Why: {inline(choice.why)}")
        lines.append("")
    if not no_answers:
        if card.expect:
            tolerance = f" ± {number(card.expect.tolerance)}" if card.expect.tolerance else ""
            lines += [f"**Expected:** {number(card.expect.value)}{tolerance}", ""]
        lines += ["**Answer**", "", block(card.a), ""]
        if card.explain:
            lines += ["**Explanation**", "", block(card.explain), ""]
        lines += misconception_lines(card)
        if card.rubric:
            lines += _items("A strong answer has", card.rubric.strong)
            lines += _items("A weak answer has", card.rubric.weak)
        if card.solution:
            language = "python" if card.type is CardType.CODE else "sql"
            lines += ["**Solution**", "", fence(card.solution, language), ""]
    lines += _items("Follow-ups", card.followups)
    if not no_answers:
        lines += _items("References", card.refs)
    return lines


def misconception_lines(card: Card) -> list[str]:
    """The wrong claims a card's open answer is checked for, each with its correction (as a
    quiz tells them to a candidate who makes one)."""
    if not card.misconceptions:
        return []
    lines = ["**Misconceptions**", ""]
    for item in card.misconceptions:
        lines += [
            f"- *Mistaken:* {inline(item.claim)}\\",
            f"  *In fact:* {inline(item.correction)}",
        ]
    return [*lines, ""]


def sql_tables(card: Card) -> str:
    """The CREATE statements a SQL card's question needs, as a session shows them ("" for
    another card, or a database that is not there)."""
    if card.type is not CardType.SQL or not card.db:
        return ""
    from mlprep.errors import MlprepError
    from mlprep.sqlsandbox import SampleDatabase

    try:
        return SampleDatabase.named(card.db).schema_for(card)
    except MlprepError:
        return ""


def _card_meta(card: Card) -> str:
    parts = [f"`{card.id}`"]
    if card.type is CardType.SQL:
        order = ", row order matters" if card.ordered else ""
        parts.append(f"SQL on the `{card.db}` database{order}")
    if card.type is CardType.CODE:
        parts.append(f"coding drill: write `{card.signature.strip()}`")
    if card.difficulty:
        parts.append(f"difficulty {card.difficulty}")
    if card.tags:
        parts.append("tags: " + ", ".join(card.tags))
    return " · ".join(parts)


def _items(label: str, items: Sequence[str]) -> list[str]:
    if not items:
        return []
    return [f"**{label}**", "", *(f"- {inline(item)}" for item in items), ""]


def _deck_intro(deck: Deck, no_answers: bool) -> list[str]:
    lines = [inline(deck.description), ""] if deck.description.strip() else []
    meta = [f"Deck `{deck.id}`", plural(len(deck.cards), "card")]
    if deck.tags:
        meta.append("tags: " + ", ".join(deck.tags))
    if no_answers:
        meta.append("practice sheet: no answers")
    return [*lines, " · ".join(meta), ""]


def _finish(lines: list[str]) -> str:
    return "\n".join(lines).rstrip("\n") + "\n"


def _toc(cards: Sequence[Card], targets: Sequence[str], indent: str = "") -> list[str]:
    pairs = enumerate(zip(cards, targets, strict=True), start=1)
    return [f"{indent}{n}. {link(card.q, anchor)}" for n, (card, anchor) in pairs]


def deck_markdown(deck: Deck, no_answers: bool = False) -> str:
    """One deck's guide: its title, a table of contents, then every card."""
    anchors = Anchors()
    anchors.add(deck.title)
    anchors.add(CONTENTS)
    targets = [anchors.add(question_heading(card.q)) for card in deck.cards]
    lines = [f"# {inline(deck.title)}", "", *_deck_intro(deck, no_answers), f"## {CONTENTS}", ""]
    lines += _toc(deck.cards, targets)
    lines.append("")
    for card in deck.cards:
        lines += card_lines(card, no_answers)
    return _finish(lines)


def guide_markdown(
    decks: Sequence[Deck], no_answers: bool = False, on_deck: OnDeck | None = None
) -> str:
    """Every deck in one document: a nested table of contents, then each deck's cards."""
    title = PRACTICE_TITLE if no_answers else GUIDE_TITLE
    anchors = Anchors()
    anchors.add(title)
    anchors.add(CONTENTS)
    plan = [
        (d, anchors.add(d.title), [anchors.add(question_heading(c.q)) for c in d.cards])
        for d in decks
    ]
    cards = sum(len(deck.cards) for deck in decks)
    lines = [f"# {title}", "", f"{plural(len(decks), 'deck')}, {plural(cards, 'card')}.", ""]
    lines += [f"## {CONTENTS}", ""]
    for deck, deck_anchor, targets in plan:
        lines.append(f"- {link(deck.title, deck_anchor)} ({plural(len(deck.cards), 'card')})")
        lines += _toc(deck.cards, targets, indent="  ")
    lines.append("")
    for deck, _, _ in plan:
        lines += [f"## {inline(deck.title)}", "", *_deck_intro(deck, no_answers)]
        for card in deck.cards:
            lines += card_lines(card, no_answers)
        if on_deck:
            on_deck(deck)
    return _finish(lines)


def index_markdown(decks: Sequence[Deck], no_answers: bool = False) -> str:
    """The README.md of a guide directory: one link per deck file."""
    cards = sum(len(deck.cards) for deck in decks)
    lines = [f"# {PRACTICE_TITLE if no_answers else GUIDE_TITLE}", ""]
    lines += [f"{plural(len(decks), 'deck')}, {plural(cards, 'card')}, one file per deck.", ""]
    for deck in decks:
        about = f": {inline(deck.description)}" if deck.description.strip() else ""
        count = plural(len(deck.cards), "card")
        lines.append(f"- [{inline(deck.title)}]({deck.id}.md) ({count}){about}")
    return _finish(lines)


def markdown_files(
    decks: Sequence[Deck], directory: Path, no_answers: bool = False, on_deck: OnDeck | None = None
) -> list[ExportFile]:
    """A guide directory: `<slug>.md` per deck plus an index README.md."""
    files = []
    for deck in decks:
        page = deck_markdown(deck, no_answers).encode()
        files.append(ExportFile(directory / f"{deck.id}.md", page, new_dir=True))
        if on_deck:
            on_deck(deck)
    index = index_markdown(decks, no_answers).encode()
    files.append(ExportFile(directory / INDEX_NAME, index, new_dir=True))
    return files
