"""At 60 and at 40 columns, stats, decks and the quiz summary fit without wrapping."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES

MINI = ["--decks", str(FIXTURES / "decks")]


def too_long(text: str, width: int) -> list[str]:
    return [line for line in text.splitlines() if len(line) > width]


@pytest.fixture(params=[60, 40])
def width(request, monkeypatch) -> int:
    monkeypatch.setenv("COLUMNS", str(request.param))
    return request.param


def test_quiz_summary_and_stats_fit(cli, width):
    # the first answer is wrong, so stats has a weakest card and tags to lay out too
    quiz = cli("quiz", "mini", "-n", "2", "--seed", "5", *MINI, input="2\n1 2\n")
    assert quiz.exit_code == 0
    summary = quiz.stdout[quiz.stdout.index("Answered 2 cards") :]
    assert "mini-single" in summary and too_long(summary, width) == []
    result = cli("stats", *MINI)
    assert result.exit_code == 0
    assert "Current streak" in result.stdout and "Weakest tags" in result.stdout
    assert too_long(result.stdout, width) == []
    # the weakest card keeps its id and its state however narrow the terminal
    assert any(
        line.startswith("mini-single") and "learning" in line for line in result.stdout.splitlines()
    )


def test_decks_fit_and_name_the_folder_of_ones_own_whole(cli, width, tmp_path):
    """A deck file's path in the source column took the titles' room (every title was cut,
    at any width) and was itself cut to its end; the folder is now named below the table,
    broken across lines where it must be, never shortened, and as it is named (read as
    Markdown, a folder named *my* lost its stars)."""
    deep = tmp_path / ("a-rather-long-folder-name" * 3) / "*my*-decks"
    deep.mkdir(parents=True)
    (deep / "mini.yaml").write_text((FIXTURES / "decks" / "mini.yaml").read_text())
    result = cli("decks", "--decks", str(deep))
    assert result.exit_code == 0
    assert too_long(result.stdout, width) == []
    assert str(deep) in "".join(result.stdout.splitlines())


def test_a_deck_of_ones_own_leaves_every_title_whole_at_80_columns(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("COLUMNS", "80")
    deep = tmp_path / ("a-rather-long-folder-name" * 3) / "my-decks"
    deep.mkdir(parents=True)
    (deep / "mini.yaml").write_text((FIXTURES / "decks" / "mini.yaml").read_text())
    result = cli("decks", "--decks", str(deep))
    assert too_long(result.stdout, 80) == []
    for title in ("Bagging, random forests, boosting, stacking", "A tiny test deck"):
        assert f"  {title}  " in result.stdout


def test_a_weak_card_id_too_long_to_share_its_line_keeps_it_whole(cli, monkeypatch, tmp_path):
    # `mlprep show` takes the id: in a narrow terminal the figures move below it instead of
    # cutting it
    long_id = "mini-single-choice-on-the-default-impurity"  # 42 columns
    decks = tmp_path / "decks"
    decks.mkdir()
    text = (FIXTURES / "decks" / "mini.yaml").read_text()
    (decks / "mini.yaml").write_text(text.replace("id: mini-single\n", f"id: {long_id}\n"))
    both_wrong = "2\n3\n"
    quiz = cli(
        "quiz",
        "mini",
        "--tag",
        "impurity",
        "-n",
        "2",
        "--seed",
        "5",
        "--decks",
        str(decks),
        input=both_wrong,
    )
    assert quiz.exit_code == 0
    monkeypatch.setenv("COLUMNS", "45")
    lines = cli("stats", "--decks", str(decks)).stdout.splitlines()
    at = lines.index(long_id)
    assert lines[at + 1] == "  0 lapses, learning"
    assert lines[at + 2].startswith("  Which impurity measure") and len(lines[at + 2]) <= 45
    monkeypatch.setenv("COLUMNS", "80")
    assert any(
        line.startswith(long_id + " ")
        for line in cli("stats", "--decks", str(decks)).stdout.splitlines()
    )


def test_a_deck_of_one_card_says_card_when_stacked(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("COLUMNS", "40")
    (tmp_path / "one.yaml").write_text(
        "id: one\ntitle: One card\ncards:\n  - id: one-q\n    q: Q?\n    a: A.\n"
    )
    result = cli("decks", "--decks", str(tmp_path))
    assert "\none  1 card  yours\n" in result.stdout  # (it said "1 cards")
