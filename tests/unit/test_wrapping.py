"""What a session shows is wrapped to the terminal it is shown in, whole words kept."""

from __future__ import annotations

import pytest

from mlprep.model import Card


def test_a_rubric_is_wrapped_to_the_terminal_hanging_under_each_item():
    import io

    from rich.console import Console

    from mlprep.cardparts import Rubric
    from mlprep.ui.prompts import PlainPrompter, QuestionaryPrompter

    item = "Names the link between regularisation strength and the bias-variance trade-off"
    card = Card(id="r", q="q", a="a", rubric=Rubric(strong=(item,), weak=("Only a slogan",)))
    plain = io.StringIO()
    PlainPrompter(io.StringIO(), plain, echo=False, width=40).show_answer(card)
    rich = io.StringIO()
    QuestionaryPrompter(Console(file=rich, width=40, color_system=None), io.StringIO()).show_answer(
        card
    )
    for shown in (plain.getvalue(), rich.getvalue()):
        lines = [line.strip("│").rstrip() for line in shown.splitlines()]
        start = next(i for i, line in enumerate(lines) if line.strip().startswith("+ Names"))
        rest = lines[start + 1 : next(i for i, line in enumerate(lines) if "weak" in line)]
        text_at = lines[start].index("Names")  # further lines start under the item's text
        assert rest and all(len(line) - len(line.lstrip()) == text_at for line in rest)
        assert " ".join(line.strip() for line in [lines[start][text_at:], *rest]) == item
        assert all(len(line) <= 40 for line in shown.splitlines())


def test_a_long_sql_line_is_wrapped_whole_not_cut_at_the_edge():
    import io

    from rich.console import Console

    from mlprep.ui import render

    sql = "SELECT u.id FROM users u JOIN orders o ON o.user_id = u.id AND o.ts < date(u.signup);"
    shown = io.StringIO()
    Console(file=shown, width=40, color_system=None).print(render.code_block("Solution:", sql))
    lines = shown.getvalue().splitlines()
    assert lines[0] == "Solution:" and all(len(line) <= 40 for line in lines)
    assert " ".join(line.strip() for line in lines[1:]) == sql


def test_a_wrapped_sql_line_goes_on_indented_under_its_own_start():
    """A folded line goes on indented under where it starts (at the left edge it read as a
    new clause), in the reference solution of a session and in `mlprep show` alike."""
    import io

    from rich.console import Console

    from mlprep.model import Card
    from mlprep.ui import render

    sql = (
        "SELECT day,\n"
        "       ROUND(AVG(n) OVER (ORDER BY day ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), 2)\n"
        "FROM daily;"
    )
    card = Card(id="sql-x", deck="sql", q="Moving average?", a="A window.", solution=sql)
    for shown in (render.code_block("Solution:", sql), render.card_detail(card)):
        out = io.StringIO()
        Console(file=out, width=50, color_system=None).print(shown)
        lines = [line.rstrip() for line in out.getvalue().splitlines()]
        start = lines.index("SELECT day,")
        assert lines[start : start + 4] == [
            "SELECT day,",
            "       ROUND(AVG(n) OVER (ORDER BY day ROWS",
            "           BETWEEN 2 PRECEDING AND CURRENT ROW),",
            "           2)",
        ]
        assert lines[start + 4] == "FROM daily;"


def test_a_line_of_keys_breaks_between_its_parts_never_inside_one():
    from mlprep.ui import render

    keys = "1 Again 1m · 2 Hard 6m · 3 Good 10m · 4 Easy 9d · s skip · u undo · q quit"
    assert render.hint(keys, 80).plain == keys
    for width in (40, 60):
        lines = render.hint(keys, width).plain.splitlines()
        assert len(lines) == 2 and all(len(line) <= width for line in lines)
        assert " · ".join(lines) == keys  # whole parts on each line


def test_the_sql_help_is_wrapped_as_paragraphs_filling_each_line():
    import io

    from mlprep.ui.sqlio import SqlLinePrompter

    shown = io.StringIO()
    card = Card(id="sql-x", q="Which users?", a="a", db="shop", solution="SELECT 1;")
    SqlLinePrompter(io.StringIO(), shown, echo=False, width=50).show_sql_question(card, 1, 1, "")
    lines = shown.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("End a query"))
    help_lines = lines[start : next(i for i, line in enumerate(lines) if line.startswith("Comm"))]
    assert len(help_lines) == 3 and all(len(line) <= 50 for line in help_lines)
    assert all(len(line) >= 40 for line in help_lines[:-1])  # no ragged half lines


def test_an_options_feedback_is_indented_alike_in_plain_and_full_screen_prompts():
    """Full-screen, "You picked 2) ... - right. <why>" went on at the left edge, where its
    further lines read as new ones; plain prompts indent it."""
    import io

    from rich.console import Console

    from mlprep.cardparts import Choice
    from mlprep.ui.prompts import PlainPrompter, QuestionaryPrompter

    card = Card(id="c", q="q", a="The answer.", choices=(Choice("A", True), Choice("B")))
    why = "You picked 1) A - right. " + "A is right because of a reason that goes on " * 3
    plain = io.StringIO()
    PlainPrompter(io.StringIO(), plain, echo=False, width=40).show_verdict(
        card, True, card.choices, (why,)
    )
    rich = io.StringIO()
    QuestionaryPrompter(
        Console(file=rich, width=40, color_system=None), io.StringIO()
    ).show_verdict(card, True, card.choices, (why,))
    for shown in (plain.getvalue(), rich.getvalue()):
        lines = shown.splitlines()
        start = next(i for i, line in enumerate(lines) if "You picked" in line)
        said = lines[start : next(i for i, line in enumerate(lines) if "The answer." in line)]
        assert len(said) > 2 and all(line.startswith("  ") for line in said), shown
        assert " ".join(line.strip() for line in said) == why.strip()


def test_a_feedback_line_hangs_under_its_text_whatever_it_holds():
    from mlprep.textfit import columns
    from mlprep.ui.text import hanging

    point = "  [x] " + "word " * 12 + "end"
    assert hanging(point, len(point)) == [point]  # exactly the width: as it is
    lines = hanging(point, 30)
    assert all(len(line) <= 30 for line in lines) and len(lines) > 1
    assert all(line.startswith("      ") and line[6] != " " for line in lines[1:])
    assert " ".join(line.strip() for line in lines) == point.strip()
    # a word longer than a line (a URL) is cut to fill lines, still hanging
    url = "  [ ] see https://example.org/" + "a" * 60
    lines = hanging(url, 40)
    assert all(len(line) <= 40 for line in lines)
    assert all(line.startswith("      ") for line in lines[1:])
    assert "".join(line.strip() for line in lines[1:]) == url.split()[-1]
    # wide characters take two columns each
    wide = "  [x] " + "機械学習のモデルは訓練データの小さな変化で大きく変わる" * 2
    lines = hanging(wide, 40)
    assert all(columns(line) <= 40 for line in lines) and len(lines) > 2
    assert all(line.startswith("      ") for line in lines[1:])


def test_prompts_keys_and_reasons_fit_a_narrow_terminal():
    import io

    from rich.console import Console

    from mlprep.model import Grade
    from mlprep.ui.prompts import PlainPrompter, QuestionaryPrompter

    intervals = "1 Again 1m · 2 Hard 6m · 3 Good 10m · 4 Easy 7d"
    shown = io.StringIO()
    plain = PlainPrompter(io.StringIO("3\n\n0.5\n"), shown, echo=True, width=40)
    assert plain.ask_grade(intervals) is Grade.GOOD
    assert plain.ask_number() == 0.5  # after an empty answer, asked again
    lines = shown.getvalue().splitlines()
    assert all(len(line) <= 40 for line in lines)
    grade_lines = lines[: lines.index(next(line for line in lines if "Grade (1-4)" in line))]
    assert " · ".join(grade_lines) == f"How well did you know it? {intervals}"
    please = [line for line in lines if "Please" in line]
    assert please and please[0].startswith("  Please enter a number")
    rich = io.StringIO()
    prompter = QuestionaryPrompter(Console(file=rich, width=40, color_system=None), io.StringIO())
    prompter.notice("\n" + "  [x] " + "word " * 12)  # a blank line first, then hanging lines
    out = rich.getvalue().splitlines()
    assert out[0] == "" and out[1].startswith("  [x] word") and out[2].startswith("      word")


def test_deck_emphasis_shows_as_such_and_stars_elsewhere_stay_as_written():
    from mlprep.ui import render
    from mlprep.ui.prompts import menu_title
    from mlprep.ui.text import inline_parts, unmarked, wrap

    text = "**One-hot** is *sparse*: `a*b*c` and 2 * 3, p* and x*y*z, count(*) and COUNT(*)."
    assert inline_parts(text)[:4] == [
        ("bold", "One-hot"),
        ("", " is "),
        ("italic", "sparse"),
        ("", ": "),
    ]
    plain = "One-hot is sparse: `a*b*c` and 2 * 3, p* and x*y*z, count(*) and COUNT(*)."
    assert unmarked(text) == plain
    assert wrap(text, 200) == [plain]  # plain output: the stars of emphasis dropped
    rich = render.with_code(text)
    assert rich.plain == plain.replace("`", "")
    styles = {rich.plain[span.start : span.end]: str(span.style) for span in rich.spans}
    assert styles == {"One-hot": "bold", "sparse": "italic", "a*b*c": render.CODE_STYLE}
    assert menu_title("Use `df.groupby` *then* merge") == [
        ("", "Use "),
        ("bold fg:ansicyan", "df.groupby"),
        ("", " "),
        ("italic", "then"),
        ("", " merge"),
    ]
    assert menu_title("2 * 3 and p*") == "2 * 3 and p*"


WIDE = "勾配降下法は損失関数の勾配の逆方向にパラメータを少しずつ更新して最小値を探す最適化手法です"
URL = "https://example.com/a/very/long/path/with/no/spaces/in/it/at/all/and/on/and/on/forever"


def test_options_with_no_space_to_break_at_are_folded_to_the_width_whole():
    """Chinese or Japanese text (two columns a character) and URLs have no space to break
    at: plain options fold them to the width, and the rich option list folds them too (it
    cut them with "…", and the menu shows each option cut)."""
    import io

    from rich.console import Console

    from mlprep.textfit import columns
    from mlprep.ui.render import option_list
    from mlprep.ui.text import numbered

    for width in (80, 40):
        lines = numbered([WIDE, URL], width)
        assert all(columns(line) <= width for line in lines)
        assert "".join(line.strip() for line in lines) == f"1) {WIDE}2) {URL}"
        out = io.StringIO()
        Console(file=out, width=width, color_system=None).print(option_list([WIDE, URL]))
        shown = out.getvalue().splitlines()
        assert all(columns(line.rstrip()) <= width for line in shown)
        assert "".join(line.strip() for line in shown) == f"1) {WIDE}2) {URL}"


def test_sql_practice_wraps_its_schema_and_result_titles_to_a_narrow_terminal():
    import io

    from mlprep.model import CardType
    from mlprep.sqlsandbox import QueryResult
    from mlprep.ui.sqlio import SqlLinePrompter

    out = io.StringIO()
    prompter = SqlLinePrompter(io.StringIO(), out, echo=False, width=40)
    card = Card(id="sql-x", q="Q?", a="A.", type=CardType.SQL, db="shop")
    schema = "CREATE TABLE orders (\n  user_id INTEGER NOT NULL REFERENCES users(id),\n  x REAL\n);"
    prompter.show_sql_question(card, 1, 1, schema)
    prompter.show_rows(
        "Your result (not checked: the answer has 1 column):", QueryResult(("a",), ((1,),))
    )
    lines = out.getvalue().splitlines()
    assert all(len(line) <= 40 for line in lines)
    assert "  user_id INTEGER NOT NULL REFERENCES" in lines and "    users(id)," in lines
    assert "Your result (not checked: the answer has" in lines


def transcript_of(card, typed, grade, seconds, minutes, stopped=None, outcome=None) -> str:
    """The saved transcript of a one-question mock interview."""
    from mlprep.sessions.mock import MockAnswer, MockResult
    from mlprep.ui.text import mock_markdown

    answer = MockAnswer(card, typed, 1.0, grade, outcome)
    result = MockResult(
        planned=1,
        seconds=seconds,
        stopped=stopped,
        started_at="2026-12-07T09:00:00",
        minutes=minutes,
        answers=[answer],
    )
    return mock_markdown(result)


def test_a_mock_transcript_shows_answers_as_typed_and_headings_on_one_line():

    from mlprep.model import CardType, Grade

    card = Card(
        id="sql-x",
        q="Which users\nbought twice?",
        a="Group by user.",
        type=CardType.SQL,
        db="shop",
        solution="SELECT user_id\nFROM orders;",
        deck="sql",
    )
    text = transcript_of(card, "SELECT *\n  FROM orders_2;", Grade.AGAIN, seconds=30.0, minutes=1)
    assert "1 of 1 question, 0m30s of 1 minute (finished)." in text
    assert "## 1. Which users bought twice?\n" in text
    assert "*sql · sql-x · grade: Again*" in text
    assert "**Your answer**\n\nSELECT \\*\\\n&nbsp;&nbsp;FROM orders\\_2;\n" in text
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").render(text)
    assert "<p>SELECT *<br />\n\u00a0\u00a0FROM orders_2;</p>" in rendered
    assert "**Reference query**\n\n```sql\nSELECT user_id\nFROM orders;\n```\n" in text


def test_a_mock_transcript_keeps_the_checklist_as_a_list_and_the_explanation():
    """The saved transcript flattened the keypoint checklist into one list (its label and
    'you said' lines as points, each box escaped) and left out the explanation the screen
    shows under the reference."""
    from types import SimpleNamespace

    from mlprep.kinds import KindContext
    from mlprep.kinds.keypoints import KeypointsKind
    from mlprep.model import Grade, Keypoint, Misconception
    from mlprep.sessions.base import Stop

    card = Card(
        id="k-bagging",
        q="What does bagging reduce?",
        a="Mainly the variance.",
        explain="Averaging *independent* errors shrinks them.",
        keypoints=(
            Keypoint("Bagging mainly reduces variance", ("reduce|lower variance",)),
            Keypoint("Bias stays about the same", ("bias same|unchanged",)),
        ),
        misconceptions=(Misconception("Bagging reduces bias", ("reduce bias",), "It does not."),),
        deck="ensembles",
    )
    typed = "It reduces bias [a lot]. Variance: lower."
    prompter = SimpleNamespace(ask_open=lambda later=False: typed)
    outcome = KeypointsKind().attempt(card, prompter, KindContext(collect_only=True))
    text = transcript_of(card, typed, Grade.HARD, 12.0, 0.2, Stop.TIME_UP, outcome)
    score = outcome.verdict.feedback[1]
    assert score.startswith("Score ")
    assert (
        "**Your answer against the keypoints**\n\n"
        f"- {score}\n"
        "- [x] Bagging mainly reduces variance\n"
        '  - you said: "Variance: lower"\n'
        "- [ ] Bias stays about the same\n"
        "- **[!]** Misconception: Bagging reduces bias\n"
        '  - you said: "reduces bias"\n'
        "  - It does not.\n\n"
        "**Reference answer**\n\nMainly the variance.\n\n"
        "**Why**\n\nAveraging *independent* errors shrinks them.\n"
    ) in text
    assert "0m12s of 12 seconds (time up)." in text


def test_a_mock_transcript_with_no_answer_says_so_rather_than_an_empty_table():
    from mlprep.sessions.mock import MockResult
    from mlprep.ui.text import mock_markdown

    result = MockResult(planned=3, seconds=12.0, started_at="2026-12-07T09:00:00", minutes=0.2)
    assert mock_markdown(result) == (
        "# Mock interview, 2026-12-07 09:00 UTC\n\n"
        "0 of 3 questions, 0m12s of 12 seconds (finished).\n\n"
        "No question was answered.\n"
    )


def test_a_result_cut_at_the_row_limit_says_so():
    """A query that never ends showed "(992 more rows)", as if its result were complete."""
    from mlprep.ui.text import table_lines

    rows = tuple((n,) for n in range(1000))
    assert table_lines(("x",), rows)[-1] == "(992 more rows)"
    assert table_lines(("x",), rows, truncated=True)[-1] == (
        "(the first 1,000 rows were kept: the result has more)"
    )


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


@pytest.mark.parametrize(
    "typed",
    [
        "SELECT a\n  + b AS c\nFROM t;",
        "SELECT *\nFROM t\n---",
        "- item\n1. two\n2) three\n3.36\n4.",
        "    indented",
        "# not a heading\n= not a rule\n> not a quote",
        "y = a + b*treated + c*post; *d* is [the] effect_1 `x` | t | ~~s~~ <b> &amp; \\n",
    ],
)
def test_a_typed_answer_makes_no_markdown_structure(typed):
    """Lines that begin like a list item, a rule or code are shown as typed, in one paragraph
    with its line breaks."""
    from markdown_it import MarkdownIt

    from mlprep.ui.text import _as_typed

    html = MarkdownIt("commonmark").render(_as_typed(typed))
    assert html.startswith("<p>") and html.count("<p>") == 1
    shown = html[3:-5].replace("<br />\n", "\n").replace("\u00a0", " ")
    assert html_unescape(shown) == typed


def test_a_typed_answer_keeps_plain_punctuation_as_typed_in_the_file():
    """Every mark was escaped: "myopic\\: a weak split ... below\\." read badly in the file."""
    from mlprep.ui.text import _as_typed

    typed = "Early stopping is myopic: a weak split (gain 0.1) can hide a good one below."
    assert _as_typed(typed) == typed
    # a number is no list item: "3.36" was written "3\.36"
    assert _as_typed("3.36") == "3.36"
    assert _as_typed("1. first") == "1\\. first"


def test_code_and_table_lines_wider_than_the_terminal_are_folded():
    """Code and tables keep their lines, but one wider than the terminal goes on under itself
    (an answer's SQL and tables passed 80 columns in plain output, up to 131)."""
    import io

    from mlprep.textfit import columns
    from mlprep.ui.prompts import PlainPrompter
    from mlprep.ui.text import wrap

    sql = "SELECT ROUND(2 * ((c - (c + t) / 2.0) * (c - (c + t) / 2.0)) / ((c + t) / 2.0), 2) AS x"
    table = "| metric | " + " | ".join(f"column {n}" for n in range(12)) + " |"
    text = f"Compute it:\n\n```sql\n{sql}\n```\n\n{table}\n"
    lines = wrap(text, 60)
    assert all(columns(line) <= 60 for line in lines)
    assert "".join(line.strip() for line in lines).replace(" ", "").find(sql.replace(" ", "")) >= 0
    out = io.StringIO()
    PlainPrompter(io.StringIO(), out, echo=False, width=60).show_code("Solution", sql)
    assert all(columns(line) <= 60 for line in out.getvalue().splitlines())


def test_a_query_result_wider_than_the_terminal_cuts_its_cells_to_fit():
    """A result of many columns ran past the terminal's edge; its cells are now cut shorter
    until it fits."""
    from mlprep.ui.text import table_lines

    columns_ = ("user_id", "country", "signup_date", "plan", "last_login", "spend")
    rows = [(17, "Germany", "2024-01-05", "enterprise annual", "2024-06-30 10:11:12", 120.5)]
    wide = table_lines(columns_, rows)
    assert max(map(len, wide)) == 75  # (no width given: every cell up to 18 columns)
    # the widest cells that fit: cut to 10 columns
    assert table_lines(columns_, rows, width=60) == [
        "user_id  country  signup_...  plan        last_login  spend",
        "-------  -------  ----------  ----------  ----------  -----",
        "17       Germany  2024-01-05  enterpr...  2024-06...  120.5",
    ]


def test_a_result_too_wide_even_with_short_cells_is_shown_a_row_at_a_time():
    from mlprep.ui.text import table_lines

    columns_ = [f"metric_{n}" for n in range(8)]
    rows = [tuple(range(8)), tuple(f"value {n}" for n in range(8))]
    assert table_lines(columns_, rows, width=40, limit=1) == [
        "row 1:",
        *(f"  metric_{n}  {n}" for n in range(8)),
        "(1 more row)",
    ]
    assert table_lines(columns_, [], width=40) == [
        "Columns: metric_0, metric_1, metric_2,",
        "metric_3, metric_4, metric_5, metric_6,",
        "metric_7",
        "(no rows)",
    ]


def test_table_cells_are_padded_by_terminal_columns():
    """A Chinese or Japanese value takes two columns a character: padded by its length, the
    columns after it went out of line."""
    from mlprep.ui.text import table_lines

    lines = table_lines(("city", "n"), [("東京", 1), ("Paris", 2)])
    assert lines == ["city   n", "-----  -", "東京   1", "Paris  2"]


def test_a_sql_result_and_mismatch_fit_a_narrow_terminal():
    import io

    from mlprep.sqlsandbox import Comparison, QueryResult
    from mlprep.textfit import columns
    from mlprep.ui.prompts import PlainPrompter

    result = QueryResult(
        columns=tuple(f"a_rather_long_column_{n}" for n in range(7)),
        rows=(tuple(f"a long value number {n}" for n in range(7)),) * 3,
    )
    out = io.StringIO()
    prompter = PlainPrompter(io.StringIO(), out, echo=False, width=50)
    prompter.show_rows("Your result:", result)
    prompter.show_mismatch(result, result, Comparison(False, extra=list(result.rows)))
    assert "row 1:" in out.getvalue()
    assert all(columns(line) <= 50 for line in out.getvalue().splitlines())


def test_a_result_column_keeps_its_whole_name_where_the_terminal_has_room():
    import io

    from mlprep.sqlsandbox import QueryResult
    from mlprep.ui.prompts import PlainPrompter

    result = QueryResult(columns=("country", "COUNT(DISTINCT user_id)"), rows=(("DE", 3),))
    out = io.StringIO()
    PlainPrompter(io.StringIO(), out, echo=False, width=80).show_rows("Your result:", result)
    assert out.getvalue().splitlines()[1:3] == [
        "country  COUNT(DISTINCT user_id)",
        "-------  -----------------------",
    ]


def test_a_mock_under_a_minute_says_its_seconds():
    from mlprep.textfit import time_allowed

    assert [time_allowed(m) for m in (0.5, 1, 20, 2.5)] == [
        "30 seconds",
        "1 minute",
        "20 minutes",
        "2.5 minutes",
    ]


def test_a_line_of_code_wider_than_the_terminal_breaks_between_words():
    """Folded code goes on under itself at a space, not inside a word ("PARTITION BY user_id
    OR" / "DER BY ts" at 80 columns in plain output: many built-in SQL solutions are wider);
    what has no space to break at is still cut at the width."""
    import io

    from mlprep.textfit import columns, folded
    from mlprep.ui.prompts import PlainPrompter
    from tests.builtin import builtin_report

    sql = "  SUM(starts) OVER (PARTITION BY user_id ORDER BY ts, event_id ROWS UNBOUNDED PRECEDING)"
    rows = folded(sql, 40, "    ")
    assert rows == [
        "  SUM(starts) OVER (PARTITION BY user_id",
        "    ORDER BY ts, event_id ROWS UNBOUNDED",
        "    PRECEDING)",
    ]
    url = "  https://example.com/" + "x" * 40
    assert [columns(row) for row in folded(url, 30, "    ")] == [30, 30, 10]
    for card in [c for deck in builtin_report().decks for c in deck.cards if c.solution]:
        out = io.StringIO()
        PlainPrompter(io.StringIO(), out, echo=False, width=80).show_code("Solution", card.solution)
        shown = out.getvalue().splitlines()[1:]
        assert all(columns(line) <= 80 for line in shown), card.id
        assert " ".join(line.strip() for line in shown).split() == card.solution.split(), card.id


def test_a_folded_line_of_code_in_an_answer_goes_on_under_its_own_start():
    """Python in an answer's code block, in a box (rich's Markdown) and in plain text alike:
    a line too wide goes on further in than where it starts, never at the left edge."""
    import io

    from rich.console import Console

    from mlprep.ui import render
    from mlprep.ui.text import wrap

    answer = (
        "Like this:\n\n```python\ndef pca(X, k):\n"
        "    signs = np.sign(comps[np.arange(k), np.abs(comps).argmax(axis=1)])\n"
        "    return comps * signs[:, None]\n```\n"
    )
    out = io.StringIO()
    Console(file=out, width=50, color_system=None).print(render.markdown(answer))
    shown = [line.rstrip() for line in out.getvalue().splitlines()]
    start = shown.index("def pca(X, k):")  # (no padding before it)
    assert shown[start + 1 : start + 4] == [
        "    signs = np.sign(comps[np.arange(k),",
        "        np.abs(comps).argmax(axis=1)])",
        "    return comps * signs[:, None]",
    ]
    plain = wrap(answer, 50, "  ", deck=True)
    start = plain.index("  def pca(X, k):")
    assert plain[start + 1 : start + 4] == [
        "      signs = np.sign(comps[np.arange(k),",
        "          np.abs(comps).argmax(axis=1)])",
        "      return comps * signs[:, None]",
    ]


def test_a_table_in_an_answer_is_a_table_where_its_words_fit_else_a_record_a_row():
    """In a box at 80 columns a five-column table cut "cross-attention" to "cross-attenti..."
    and opened with two empty lines."""
    import io

    from rich.console import Console

    from mlprep.ui import render

    answer = (
        "| type | attention | typical use |\n|---|---|---|\n"
        "| encoder-only | bidirectional | classification, tagging |\n"
        "| encoder-decoder | causal decoder + cross-attention | translation |\n"
    )

    def shown(text: str, width: int) -> list[str]:
        out = io.StringIO()
        Console(file=out, width=width, color_system=None).print(render.markdown(text))
        return [line.rstrip() for line in out.getvalue().splitlines()]

    wide = shown(answer, 80)
    assert wide[0].split() == ["type", "attention", "typical", "use"]  # (no empty line first)
    assert "…" not in "".join(wide) and any("cross-attention" in line for line in wide)
    narrow = shown(answer, 44)
    # (each row's first cell on a line of its own, not widening the labels' column)
    assert narrow[:4] == [
        "encoder-only",
        "  attention:   bidirectional",
        "  typical use: classification, tagging",
        "",
    ]
    assert "  attention:   causal decoder +" in narrow
    assert "…" not in "".join(narrow)
    assert max(map(len, narrow)) <= 44
    # after a paragraph, an empty line before the table, as before any block
    assert shown("Like this:\n\n" + answer, 80)[:3] == ["Like this:", "", wide[0]]


def test_a_table_in_plain_output_is_laid_out_not_shown_as_markdown():
    """Plain sessions (mock, sql, code, piped) showed a deck's table as its source: pipes and
    dashes, cut mid-cell at the edge."""
    from mlprep.ui.text import wrap

    answer = (
        "Pick by task:\n\n| task | loss |\n|---|---|\n| regression | MSE |\n"
        "| multi-label | per-label binary cross-entropy |\n"
    )
    assert wrap(answer, 80, "  ", deck=True) == [
        "  Pick by task:",
        "",
        "  task         loss",
        "  -----------  ------------------------------",
        "  regression   MSE",
        "  multi-label  per-label binary cross-entropy",
    ]
    assert wrap(answer, 30, "  ", deck=True)[2:] == [
        "  regression",
        "    loss: MSE",
        "",
        "  multi-label",
        "    loss: per-label binary",
        "          cross-entropy",
    ]
    assert "  | task | loss |" in wrap(answer, 80, "  ")  # (a message's text is left as it is)


def test_an_answer_that_opens_with_a_list_has_no_empty_line_first():
    import io

    from rich.console import Console

    from mlprep.ui import render

    out = io.StringIO()
    Console(file=out, width=40, color_system=None).print(render.markdown("- one\n- two\n\nThen."))
    assert [line.rstrip() for line in out.getvalue().splitlines()] == [
        " • one",
        " • two",
        "",
        "Then.",
    ]


def test_sql_practice_shows_its_answer_folded_under_each_line_with_headings():
    """`.answer` went on left of a folded line ("day) AS grp" under "julianday(day) - ...")
    and ran the explanation into the solution."""
    import io

    from mlprep.model import Card, CardType
    from mlprep.ui.sqlio import SqlLinePrompter

    card = Card(
        id="sql-x",
        q="Streaks?",
        a="Number the days per user.",
        explain="Gaps and islands.",
        type=CardType.SQL,
        db="shop",
        solution=(
            "SELECT user_id,\n"
            "       julianday(day) - ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY day) AS grp\n"
            "FROM days;"
        ),
    )
    out = io.StringIO()
    SqlLinePrompter(io.StringIO(), out, echo=False, width=60).show_solution(card)
    assert out.getvalue().splitlines() == [
        "Reference solution:",
        "  SELECT user_id,",
        "         julianday(day) - ROW_NUMBER() OVER (PARTITION BY",
        "             user_id ORDER BY day) AS grp",
        "  FROM days;",
        "Answer:",
        "  Number the days per user.",
        "Why:",
        "  Gaps and islands.",
    ]


def test_a_plain_quiz_folds_its_reference_sql_under_each_line_as_sql_practice_does():
    """A plain quiz's reference query went on at a fixed indent: a folded line of a select
    list came back left of where it started, read as a new clause."""
    import io

    from mlprep.ui.prompts import PlainPrompter

    solution = (
        "SELECT user_id,\n"
        "       julianday(day) - ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY day) AS grp\n"
        "FROM days;"
    )
    out = io.StringIO()
    PlainPrompter(io.StringIO(), out, echo=False, width=60).show_code("Solution:", solution)
    assert out.getvalue().splitlines() == [
        "Solution:",
        "  SELECT user_id,",
        "         julianday(day) - ROW_NUMBER() OVER (PARTITION BY",
        "             user_id ORDER BY day) AS grp",
        "  FROM days;",
    ]
