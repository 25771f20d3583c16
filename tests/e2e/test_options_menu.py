"""The arrow-key menu alone shows options that fit it; longer ones are printed in full above
(that short ones are shown once, in the menu, is checked by the keyboard-driven quiz in
test_quiz_terminal.py)."""

from __future__ import annotations

import pytest

from tests.e2e.test_widths import spawn  # a real terminal that alone says how wide it is

pexpect = pytest.importorskip("pexpect")

LONG = (
    "Because every split is chosen greedily on the training data, a small change in the rows"
    " can change the first split and with it the whole tree below"
)


def test_an_option_the_menu_would_shorten_is_printed_in_full(mlprep_home, tmp_path):
    (tmp_path / "long.yaml").write_text(
        "id: long\ntitle: Long\ncards:\n"
        "  - id: long-1\n    q: Why is one deep tree unstable?\n    a: Greedy splits.\n"
        f"    choices:\n      - text: {LONG}\n        correct: true\n      - text: Hinge loss\n"
    )
    child = spawn(["quiz", "long", "--decks", str(tmp_path)], mlprep_home)
    child.expect("Your answer:")
    shown = " ".join(child.before.split())
    assert "the whole tree below" in shown and "Hinge loss" in shown
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()


def test_inline_code_shows_as_code_in_the_question_and_the_menu(mlprep_home, tmp_path):
    (tmp_path / "code.yaml").write_text(
        "id: code\ntitle: Code\ncards:\n"
        "  - id: code-1\n    q: What does `len(x)` return?\n    a: A count.\n"
        "    choices:\n      - text: The `int` length\n        correct: true\n"
        "      - text: A float\n"
    )
    child = spawn(["quiz", "code", "--decks", str(tmp_path)], mlprep_home)
    child.expect("A float")
    shown = child.before
    if "length" not in shown:  # options are shuffled: wait for the other entry too
        child.expect("length")
        shown += child.before
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert "`" not in shown
    assert "len(x)" in shown and "int" in shown
