"""Text from outside (deck files, CSV cells, progress files, file names, typed input) made safe
to show in a terminal.

A message that quotes a file can carry escape sequences (retitle the terminal, clear it, move the
cursor) or bidirectional-override characters (show text in an order other than the bytes'). Every
message that reaches a terminal goes through `printable`, which writes such characters as visible
escapes instead.
"""

from __future__ import annotations

import re

# C0 and C1 control characters and DEL; tab and newline are handled by the caller's choice.
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Bidirectional embeddings, overrides and isolates ("Trojan Source"): they reorder what is shown.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
# Lone surrogates come from undecodable bytes (surrogateescape); they cannot be encoded again.
_SURROGATES = "\ud800-\udfff"

_UNSAFE_LINE = re.compile(f"[\t\n{_CONTROL}{BIDI_CONTROLS}{_SURROGATES}]")
_UNSAFE_TEXT = re.compile(f"[{_CONTROL}{BIDI_CONTROLS}{_SURROGATES}]")
BIDI = re.compile(f"[{BIDI_CONTROLS}]")
CONTROL = re.compile(f"[{_CONTROL}]")  # (tab and newline are not: callers decide about those)
UNSHOWABLE = re.compile(f"[{_CONTROL}{BIDI_CONTROLS}]")  # either of the two


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\t":
        return "\\t"
    if char == "\n":
        return "\\n"
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: object, multiline: bool = False) -> str:
    """`text` with control, bidi-override and surrogate characters written as escapes (\\x1b,
    \\u202e). One line unless `multiline`, which keeps newlines and tabs."""
    pattern = _UNSAFE_TEXT if multiline else _UNSAFE_LINE
    return pattern.sub(_escape, str(text))


def clean_input(text: str) -> str:
    """Typed or piped input with undecodable bytes (lone surrogates) as U+FFFD, so it can be
    stored, encoded and shown again."""
    return re.sub(f"[{_SURROGATES}]", "\ufffd", text)
