"""What a session shows is wrapped to the terminal it is shown in, whole words kept."""

from __future__ import annotations

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
        lines = [line.strip("│ ").rstrip() for line in shown.splitlines()]
        start = next(i for i, line in enumerate(lines) if line.startswith("+ Names"))
        rest = lines[start + 1 : next(i for i, line in enumerate(lines) if "weak" in line)]
        assert rest and " ".join([lines[start][2:], *rest]) == item  # whole words, in order
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
