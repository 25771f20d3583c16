"""Deck text's Markdown marks in plain sessions (mock, sql, code, piped quiz): `inline code`
shows without its backticks and a code block without its fence lines, as in a question's box;
messages keep backticks around a command. `mlprep show` styles inline code in a terminal and
keeps its backticks where nothing is styled (a pipe, a file)."""

from __future__ import annotations

import pytest

DECK = """\
id: marks
title: Marked-up cards
description: Cards whose text uses inline code and a code block.
cards:
  - id: marks-open
    q: What does `np.var` divide by, and how do you get the unbiased estimate?
    a: |
      By n. Pass `ddof=1` for n - 1:

      ```python
      np.var(x, ddof=1)
      ```
    explain: A common claim is that `np.var` matches `pandas.Series.var`; it does not.
    tags: [marks]

  - id: marks-choice
    q: Which `DecisionTreeClassifier` settings stop growth early?
    choices:
      - {text: "`max_depth`", correct: true, why: "`max_depth` caps the depth."}
      - {text: "`ccp_alpha`", why: "`ccp_alpha` prunes a grown tree."}
      - {text: "`min_samples_leaf`", correct: true}
    a: "`max_depth` and `min_samples_leaf`."
    tags: [marks]

  - id: marks-sql
    type: sql
    db: shop
    q: How many users are there? Return one `COUNT(*)` column.
    a: Use `COUNT(*)` over the users table. Nothing else is needed.
    solution: SELECT COUNT(*) FROM users;
    tags: [marks]
"""


@pytest.fixture
def decks(tmp_path):
    (tmp_path / "marks.yaml").write_text(DECK)
    return ["--decks", str(tmp_path)]


def test_a_piped_quiz_shows_deck_text_and_its_summary_without_marks(cli, decks):
    # (in this order: the choice card, the SQL card, the open card)
    typed = "3\nSELECT COUNT(*) FROM users;\n\n3\n"
    out = cli("quiz", "marks", *decks, "--seed", "1", input=typed).stdout
    assert "Answered 3 cards" in out
    assert "What does np.var divide by" in out
    assert "ccp_alpha" in out and "Pass ddof=1 for n - 1:" in out
    assert "  np.var(x, ddof=1)" in out.splitlines()  # the code block, without its fences
    assert "`" not in out


def test_a_mock_transcript_shows_options_and_answers_without_marks(cli, decks):
    typed = "1 3\nSELECT COUNT(*) FROM users;\nBy n; ddof=1 gives n - 1.\n3\n"
    out = cli("mock", "marks", *decks, "-n", "3", "--seed", "1", input=typed).stdout
    assert "You picked 3) ccp_alpha - wrong. ccp_alpha prunes a grown tree." in out
    assert "Your answer:\n  min_samples_leaf; ccp_alpha" in out and "np.var" in out
    assert "`" not in out.split("Saved to")[0]


def test_an_sql_hint_and_answer_show_without_marks(cli, decks):
    out = cli("sql", *decks, "--tag", "marks", input=".hint\n.answer\n").stdout
    assert "Hint: Use COUNT(*) over the users table." in out
    assert "`" not in out


def test_show_piped_keeps_the_backticks_of_inline_code(cli, decks):
    """Piped, `max_depth` printed as max_depth: nothing told the code from the prose."""
    choice = cli("show", "marks-choice", *decks).stdout
    assert choice == (
        "marks-choice · marks\n"
        "Which `DecisionTreeClassifier` settings stop growth early?\n"
        " ✔ 1) `max_depth`\n"
        "      Why: `max_depth` caps the depth.\n"
        "   2) `ccp_alpha`\n"
        "      Why: `ccp_alpha` prunes a grown tree.\n"
        " ✔ 3) `min_samples_leaf`\n"
        "Answer\n"
        "`max_depth` and `min_samples_leaf`.\n"
        "tags: marks\n"
    )
    out = cli("show", "marks-open", *decks).stdout
    assert "By n. Pass `ddof=1` for n - 1:\n" in out
    assert "A common claim is that `np.var` matches `pandas.Series.var`; it does not.\n" in out


def test_show_in_colour_styles_inline_code_instead(cli, decks, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")  # (rich styles the output as a terminal's)
    monkeypatch.setenv("TERM", "xterm-256color")
    out = cli("show", "marks-choice", *decks).stdout
    assert " 1) \x1b[1;36mmax_depth\x1b[0m" in out
    assert "`" not in out


def test_a_message_keeps_the_backticks_around_a_command():
    from mlprep.ui.text import wrap

    assert wrap("Run `mlprep review` next.", 80) == ["Run `mlprep review` next."]
    assert wrap("Use `df.groupby` first.", 80, deck=True) == ["Use df.groupby first."]
    fenced = "Like this:\n\n```python\nx = 1\n```\n"
    assert wrap(fenced, 80, "  ", deck=True) == ["  Like this:", "", "  x = 1"]
    assert "  ```python" in wrap(fenced, 80, "  ")
