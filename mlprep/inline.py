"""Deck text's inline marks, the Markdown a deck's prose may use: `inline code`, **strong**
and *emphasis*. The views style them (rich, prompt_toolkit) or write them plainly; what the
core shows of a card in a line of its own (a summary's question, a hint) goes without them."""

from __future__ import annotations

import re

_INLINE_CODE = re.compile(r"`([^`\n]+)`")
# Markdown emphasis in deck text, **strong** and *emphasis*, each around words: not the stars
# of "2 * 3", "p*", "x*y*z" or "count(*) ... COUNT(*)" (emphasis begins with a letter or digit
# and ends with one or with . ! ? %)
_EMPHASIS = re.compile(
    r"\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<![\w*])\*(?=\w)([^*]+?)(?<=[\w.!?%])\*(?![\w*])"
)


def inline_parts(text: str) -> list[tuple[str, str]]:
    """Deck text as (kind, text) parts: "code" for `inline code` (without its backticks),
    "bold" and "italic" for **strong** and *emphasis* (without their stars), "" for the rest.
    Nothing else is read as markup; nothing inside code is read at all."""
    parts: list[tuple[str, str]] = []
    at = 0
    for match in _INLINE_CODE.finditer(text):
        parts += _emphasis_parts(text[at : match.start()])
        parts.append(("code", match.group(1)))
        at = match.end()
    parts += _emphasis_parts(text[at:])
    return [part for part in parts if part[1]]


def _emphasis_parts(text: str) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    at = 0
    for match in _EMPHASIS.finditer(text):
        parts.append(("", text[at : match.start()]))
        strong, emphasis = match.groups()
        parts.append(("bold", strong) if strong is not None else ("italic", emphasis))
        at = match.end()
    parts.append(("", text[at:]))
    return parts


def without_marks(text: str) -> str:
    """Deck text as a terminal shows it unstyled: no backticks, no stars."""
    return "".join(part for _, part in inline_parts(text))
