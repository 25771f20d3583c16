"""Outside text made safe to show in a terminal."""

from __future__ import annotations

import pytest

from mlprep.textsafe import clean_input, printable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain text, ünïcödé, 中文, עברית", "plain text, ünïcödé, 中文, עברית"),
        ("\x1b]0;PWNED\x07\x1b[2J", "\\x1b]0;PWNED\\x07\\x1b[2J"),
        ("a\x9bb\x7f", "a\\x9bb\\x7f"),  # C1 CSI and DEL
        ("abc\u202edef", "abc\\u202edef"),
        ("\u2066\u2067\u2068\u2069\u202a", "\\u2066\\u2067\\u2068\\u2069\\u202a"),
        ("two\nlines\tand a tab", "two\\nlines\\tand a tab"),
        ("caf\udce9", "caf\\udce9"),
    ],
)
def test_printable(text, shown):
    assert printable(text) == shown


def test_printable_multiline_keeps_newlines_and_tabs():
    assert printable("a\n\tb\x1b[K", multiline=True) == "a\n\tb\\x1b[K"


def test_clean_input_replaces_undecodable_bytes():
    assert clean_input("caf\udce9 ok") == "caf\ufffd ok"
