"""review, flash and progress commands in plain mode: exact transcripts, files and exit codes."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES, moved_progress

MINI = ["--decks", str(FIXTURES / "decks")]


def log_lines(home):
    return [json.loads(x) for x in (home / "progress" / "reviews.jsonl").read_text().splitlines()]


def test_review_asks_new_cards_and_brings_learning_cards_back(cli, mlprep_home, monkeypatch):
    monkeypatch.chdir(FIXTURES)  # (--decks as typed: the closing line repeats it)
    args = ("review", "mini", "--new", "2", "--seed", "5", "--decks", "decks")
    result = cli(*args, input="1\n1 2\n3\n")
    assert result.exit_code == 0
    assert result.stdout == REVIEW
    assert [(e["card"], e["grade"], e["mode"]) for e in log_lines(mlprep_home)] == [
        ("mini-single", 3, "review"),
        ("mini-multi", 3, "review"),
        ("mini-single", 1, "review"),
    ]
    snapshot = json.loads((mlprep_home / "progress" / "state.json").read_text())
    assert sorted(snapshot["cards"]) == ["mini-multi", "mini-single"]
    assert snapshot["format"] == 2
    assert snapshot["cards"]["mini-single"][0] == "learning"


def test_review_with_nothing_due_says_when_to_come_back(cli):
    result = cli("review", "mini", "--new", "0", *MINI)
    assert result.exit_code == 0
    assert result.stdout == (
        "Nothing is due. No cards are scheduled yet: answer some with `mlprep review` or\n"
        "`mlprep quiz`.\n"
    )


def test_the_new_card_limit_is_per_day(cli):
    cli("review", "mini", "--new", "2", *MINI, input="2\n")
    result = cli("review", "mini", "--new", "2", *MINI, input="")
    assert "Review: 1 learning, 0 due, 1 new" in result.stdout


def test_flash_reveal_grade_skip_undo_quit(cli, mlprep_home):
    result = cli("flash", "mini", "--seed", "5", "--plain", *MINI, input="\n3\ns\nu\nu\n\n4\nq\n")
    assert result.exit_code == 0
    assert result.stdout == FLASH
    events = log_lines(mlprep_home)
    assert [(e["card"], e["grade"], e["mode"]) for e in events] == [
        ("mini-single", 3, "flash"),
        ("mini-single", 0, "undo"),
        ("mini-single", 4, "flash"),
    ]
    assert events[1]["undoes"] == events[0]["id"]
    snapshot = json.loads((mlprep_home / "progress" / "state.json").read_text())
    assert snapshot["cards"]["mini-single"][7] == 1  # reps: the undone grade does not count


def test_moving_progress_counts_an_undo_apart_from_the_answers(cli, mlprep_home, tmp_path):
    """A grade and its undo were "2 answers" to export, merge and import."""
    cli("flash", "mini", "--seed", "5", "--plain", *MINI, input="\n3\nu\nq\n")
    exported, merged, imported = moved_progress(cli, mlprep_home, tmp_path)
    export = tmp_path / "mine.json"
    assert exported == f"Exported 1 answer and 1 undo to {export}."
    assert merged == f"Merged 1 new answer and 1 undo from {export} (0 already present)."
    assert imported.startswith("Imported 1 answer and 1 undo from")


def test_progress_path(cli, mlprep_home):
    result = cli("progress", "path")
    assert result.stdout == (
        f"data dir:    {mlprep_home}\n"
        f"review log:  {mlprep_home / 'progress' / 'reviews.jsonl'}\n"
        f"user decks:  {mlprep_home / 'decks'}\n"
    )


def test_export_merge_import_reset(cli, mlprep_home, tmp_path):
    cli("quiz", "mini", "-n", "2", "--seed", "5", *MINI, input="1\n1 2\n")
    exported = cli("progress", "export", "-")
    document = json.loads(exported.stdout)
    assert document["kind"] == "mlprep-progress" and document["format"] == 1
    assert [e["card"] for e in document["events"]] == ["mini-single", "mini-multi"]
    backup = tmp_path / "backup.json"
    assert cli("progress", "export", str(backup)).stderr == f"Exported 2 answers to {backup}.\n"

    merged = cli("progress", "merge", str(backup))
    # (wrapped to 80 columns: the path may take a line of its own)
    assert " ".join(merged.stdout.split()) == (
        f"Merged 0 new answers from {backup} (2 already present)."
    )

    refused = cli("progress", "reset")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "Error: Forget all your progress? A backup is kept. Add --yes to confirm when not in a "
        "terminal.\n"
    )
    assert len(log_lines(mlprep_home)) == 2

    reset = cli("progress", "reset", "mini", "--yes", *MINI)
    assert " ".join(reset.stdout.split()).startswith("Removed 2 answers; backup: ")
    assert (mlprep_home / "progress" / "reviews.jsonl").read_text() == ""
    assert cli("progress", "merge", str(backup)).stdout.startswith("Merged 2 new answers")
    assert len(log_lines(mlprep_home)) == 2

    merged = cli("progress", "merge", "-", input=backup.read_text())
    assert merged.stdout == "Merged 0 new answers from standard input (2 already present).\n"
    imported = cli("progress", "import", "-", "--yes", input=backup.read_text())
    assert " ".join(imported.stdout.split()).startswith(
        "Imported 2 answers from standard input (previous log backed up to "
    )


def test_stats_says_why_answers_merged_for_other_decks_show_nowhere(cli, tmp_path):
    # answers to a deck this machine does not have (mini is loaded only with --decks) are
    # kept, but count in no deck here: "No progress yet" says why
    cli("quiz", "mini", "-n", "2", "--seed", "5", *MINI, input="1\n1 2\n")
    backup = tmp_path / "backup.json"
    cli("progress", "export", str(backup))
    cli("progress", "reset", "--yes")
    assert " ".join(cli("progress", "merge", str(backup)).stdout.split()) == (
        f"Merged 2 new answers from {backup} (0 already present)."
    )
    assert cli("stats").stdout == (
        "No progress yet on the decks here: the 2 cards you have answered are in none of\n"
        "them (decks loaded before with --decks or MLPREP_DECKS, or answers merged from a\n"
        "machine with other decks: they count again once those decks are here).\n"
    )
    assert cli("stats", *MINI).stdout.startswith("deck ")  # with the deck, they count
    assert cli("stats", "trees").stdout.startswith("No progress yet on the trees deck.\n")


@pytest.mark.parametrize("command", ["export", "merge", "import"])
def test_an_empty_file_argument_is_a_usage_error(cli, command):
    result = cli("progress", command, "")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: Invalid value for 'FILE': is empty; give a file's path, or - for standard I/O."
        f" See `mlprep progress {command} -h`.\n"
    )


def test_a_reset_of_nothing_says_so_without_asking(cli, mlprep_home):
    cli("quiz", "mini", "-n", "1", "--seed", "5", *MINI, input="1\n")
    # (not a terminal, no --yes: a reset that would forget something asks, and is refused)
    assert cli("progress", "reset", "trees").stdout == "Nothing to reset.\n"
    assert cli("progress", "reset", "mini", *MINI).exit_code == 2
    assert len(log_lines(mlprep_home)) == 1


def test_messages_are_wrapped_to_a_narrow_terminal(cli, monkeypatch, tmp_path):
    cli("quiz", "mini", "-n", "2", "--seed", "5", *MINI, input="1\n1 2\n")
    backup = tmp_path / "b.json"
    cli("progress", "export", str(backup))
    monkeypatch.setenv("COLUMNS", "40")
    merged = cli("progress", "merge", str(backup)).stdout
    assert all(len(line) <= 40 or "/" in line for line in merged.splitlines())
    assert " ".join(merged.split()) == f"Merged 0 new answers from {backup} (2 already present)."
    refused = cli("optimize").stdout
    assert max(map(len, refused.splitlines())) <= 40
    # a path is never broken, spaces in it included (a macOS data dir has one)
    spaced = tmp_path / "My Backups" / "b.json"
    spaced.parent.mkdir()
    spaced.write_bytes(backup.read_bytes())
    merged = cli("progress", "merge", str(spaced)).stdout.splitlines()
    assert merged == ["Merged 0 new answers from", str(spaced), "(2 already present)."]
    monkeypatch.setenv("COLUMNS", "0")  # (no width at all: 80 columns)
    assert (
        cli("plan").stdout == "No interview planned. Set one: mlprep plan --interview YYYY-MM-DD\n"
    )


def test_a_long_merge_or_import_says_so_on_stderr_first(cli, mlprep_home, tmp_path, monkeypatch):
    from mlprep import progress

    cli("quiz", "mini", "-n", "2", "--seed", "5", *MINI, input="1\n1 2\n")
    backup = tmp_path / "backup.json"
    cli("progress", "export", str(backup))
    cli("progress", "reset", "mini", "--yes", *MINI)
    monkeypatch.setattr(progress, "LONG_MERGE_BYTES", 0)  # (an empty log is long enough)
    merged = cli("progress", "merge", str(backup))
    assert merged.stderr == "Merging 2 new answers...\n"  # (a log under 1 MB: no size)
    assert merged.stdout.startswith("Merged 2 new answers")
    monkeypatch.setattr(progress, "LONG_REPLAY", 2)
    imported = cli("progress", "import", str(backup), "--yes")
    assert imported.stderr == "Importing 2 answers: each one is checked and replayed...\n"
    assert imported.stdout.startswith("Imported 2 answers")


def test_progress_errors_are_one_line_with_exit_1(cli, mlprep_home, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    result = cli("progress", "merge", str(bad))
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {bad}: not a progress export (made by `mlprep progress export`)\n",
    )
    result = cli("progress", "merge", str(tmp_path / "missing.json"))
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: cannot read {tmp_path / 'missing.json'}: No such file or directory\n"
    )


def test_a_corrupt_log_stops_a_session_with_the_file_and_line(cli, mlprep_home):
    log = mlprep_home / "progress" / "reviews.jsonl"
    log.parent.mkdir(parents=True)
    log.write_text(
        '{"v": 1}\n{"at":"2026-01-01T00:00:00.000Z","card":"x","grade":3,"id":"a",'
        '"mode":"quiz","ms":1,"v":1}\n'
    )
    before = log.read_bytes()
    result = cli("review", "mini", *MINI)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {log}:1: not a review event (missing id, card, grade, mode, ms, at)\n"
    )
    assert log.read_bytes() == before
    assert "Traceback" not in result.stdout


def test_debug_shows_the_traceback(cli, mlprep_home):
    log = mlprep_home / "progress" / "reviews.jsonl"
    log.parent.mkdir(parents=True)
    log.write_text("garbage\n")
    result = cli("--debug", "review", "mini", *MINI)
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.endswith(
        f"Error: {log}:1: corrupt line in the review log; fix or "
        "remove it (the file was left untouched)\n"
    )


REVIEW = """\
Review: 0 learning, 0 due, 2 new

[1/2] mini-single (mini, difficulty 1)
Which impurity measure does CART use by default for classification?
  1) Gini impurity
  2) Mean squared error
  3) Hinge loss
Answer (1-3): 1
Correct.
  Gini impurity.
Comes back in 10 minutes.

[2/3] mini-multi (mini, difficulty 2)
Which of these are impurity measures?
  1) Gini impurity
  2) Entropy
  3) Accuracy of the parent node
Select all that apply (numbers 1-3, separated by spaces): 1 2
Correct.
  Gini impurity and entropy.
  Information gain is a drop in entropy, not an impurity itself.
Comes back in 10 minutes.
Back early (due in 10 minutes): nothing else is left to review.

[3/4] mini-single (mini, difficulty 1)
Which impurity measure does CART use by default for classification?
  1) Mean squared error
  2) Gini impurity
  3) Hinge loss
Answer (1-3): 3
Not quite. The answer:
  2) Gini impurity
  You picked 3) Hinge loss - wrong.
  Gini impurity.
Comes back in 1 minute.
Back early (due in 1 minute): nothing else is left to review.

[4/5] mini-single (mini, difficulty 1)
Which impurity measure does CART use by default for classification?
  1) Hinge loss
  2) Gini impurity
  3) Mean squared error
Answer (1-3): 

Stopped (end of input); your graded answers are saved.
Reviewed 2 cards (3 answers) in 0m08s: 1 Again, 0 Hard, 2 Good, 0 Easy.
Still to do today: 2 learning, 0 due, 0 new; this goes on:
  mlprep review mini --decks decks --new 2
"""

FLASH = """\
Flashcards: mini - 4 cards

[1/4] mini-single (mini)
Which impurity measure does CART use by default for classification?
  1) Gini impurity
  2) Mean squared error
  3) Hinge loss
Enter to show the answer (s skip, q quit): 
Options (* marks the right ones):
* 1) Gini impurity
  2) Mean squared error
  3) Hinge loss
Reference answer:
  Gini impurity.
1 Again 1m · 2 Hard 6m · 3 Good 10m · 4 Easy 11d
Grade 1 Again, 2 Hard, 3 Good, 4 Easy (s skip, q quit): 3

[2/4] mini-multi (mini)
Which of these are impurity measures?
  1) Gini impurity
  2) Entropy
  3) Accuracy of the parent node
Enter to show the answer (s skip, u undo, q quit): s

[3/4] mini-open (mini)
Why are single deep trees unstable?
Enter to show the answer (s skip, u undo, q quit): u
Undid the grade of mini-single.

[1/4] mini-single (mini)
Which impurity measure does CART use by default for classification?
  1) Gini impurity
  2) Mean squared error
  3) Hinge loss
Enter to show the answer (s skip, q quit): u
  There is nothing to undo yet.
Enter to show the answer (s skip, q quit): 
Options (* marks the right ones):
* 1) Gini impurity
  2) Mean squared error
  3) Hinge loss
Reference answer:
  Gini impurity.
1 Again 1m · 2 Hard 6m · 3 Good 10m · 4 Easy 11d
Grade 1 Again, 2 Hard, 3 Good, 4 Easy (s skip, q quit): 4

[2/4] mini-multi (mini)
Which of these are impurity measures?
  1) Gini impurity
  2) Entropy
  3) Accuracy of the parent node
Enter to show the answer (s skip, u undo, q quit): q

Stopped (quit); your grades are saved.
Graded 1 of 4 cards in 0m08s: 0 Again, 0 Hard, 0 Good, 1 Easy.
Skipped (1): mini-multi
"""


def test_progress_export_does_not_overwrite_without_force(cli, tmp_path):
    target = tmp_path / "backup.json"
    target.write_text("my only backup")
    result = cli("progress", "export", str(target))
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {target} already exists; add --force to overwrite it.\n",
    )
    assert target.read_text() == "my only backup"
    assert cli("progress", "export", str(target), "--force").exit_code == 0
    assert json.loads(target.read_text())["kind"] == "mlprep-progress"


def test_a_deck_with_many_problems_is_one_warning_line(cli, mlprep_home):
    user = mlprep_home / "decks"
    user.mkdir(parents=True)
    bad = user / "bad.yaml"
    bad.write_text("id: bad\ntitle: Bad\ncards:\n  - {id: bad-a, q: x}\n  - {id: bad-b, a: y}\n")
    result = cli("decks", "--json")
    assert result.stderr == (
        f"warning: {bad}:4: card 'bad-a': 'a' is missing or empty (deck skipped) "
        f"(+1 more found while loading; `mlprep validate {bad}` checks everything)\n"
    )


def test_a_broken_decks_warning_says_its_count_is_what_loading_found(cli, mlprep_home):
    """The warning said "+1 more" and validate found 3 more: loading neither runs SQL
    solutions nor looks for card ids a skipped deck shares with other decks."""
    user = mlprep_home / "decks"
    user.mkdir(parents=True)
    bad = user / "bad.yaml"
    bad.write_text(
        "id: bad\ntitle: Bad\ncards:\n  - {id: bad-a, q: x}\n  - {id: bad-b, a: y}\n"
        "  - {id: trees-gini-max, q: x, a: y}\n"
        "  - {id: bad-sql, type: sql, db: shop, q: x, a: y, solution: SELECT nosuch FROM users}\n"
    )
    result = cli("decks", "--json")
    assert result.stderr == (
        f"warning: {bad}:4: card 'bad-a': 'a' is missing or empty (deck skipped) "
        f"(+1 more found while loading; `mlprep validate {bad}` checks everything)\n"
    )
    assert cli("validate", str(bad)).stdout.endswith("4 problems in 1 file.\n")


def test_an_export_of_one_answer_says_answer(cli, tmp_path):
    cli("review", "mini", "--new", "1", *MINI, input="\n3\n")
    backup = tmp_path / "one.json"
    assert cli("progress", "export", str(backup)).stderr == f"Exported 1 answer to {backup}.\n"


def test_review_of_a_deck_with_nothing_scheduled_says_why_when_others_are(cli):
    cli("review", "mini", "--new", "1", *MINI, input="\n3\n")
    result = cli("review", "trees", "--new", "0", *MINI)
    assert result.exit_code == 0
    assert result.stdout == (
        "Nothing is due. None of these cards is scheduled yet, and no new ones are left\n"
        "for today (`--new` sets how many).\n"
    )


def test_a_stopped_review_says_what_is_left_today_not_the_next_card_after_it(
    mlprep_home, monkeypatch
):
    """Cards already due when a review stops are what is left: the next card due after now
    (or "no cards are scheduled", when every scheduled card is overdue) would skip them."""
    import os

    from typer.testing import CliRunner

    from mlprep.cli.app import app
    from mlprep.cli.state import Environment

    monkeypatch.chdir(FIXTURES)  # (--decks as typed: the closing line repeats it)

    def review(now: str, typed: str):
        environ = dict(os.environ, MLPREP_NOW=now, TZ="UTC")
        args = ["review", "mini", "--new", "2", "--seed", "5", "--decks", "decks"]
        return CliRunner().invoke(app, args, input=typed, obj=Environment(environ=environ))

    # both cards answered wrong: learning, due again within minutes
    assert review("2026-11-25T09:00:00+00:00", "3\n1\n").exit_code == 0
    # a day later both are overdue; the review stops at its first card
    later = review("2026-11-26T09:00:00+00:00", "")
    assert later.exit_code == 0
    assert later.stdout.splitlines()[0] == "Review: 2 learning, 0 due, 2 new"
    assert later.stdout.splitlines()[-2:] == [
        "Still to do today: 2 learning, 0 due, 2 new; this goes on:",
        "  mlprep review mini --decks decks --new 2",  # (a line of its own, to copy whole)
    ]


def test_reviews_held_back_by_the_days_limit_are_named_not_called_nothing_due(mlprep_home):
    """With --max-reviews used up, review said "Nothing is due" and named a card due days
    later, while stats counted the due cards."""
    import os

    from typer.testing import CliRunner

    from mlprep.cli.app import app
    from mlprep.cli.state import Environment

    def run(now: str, *args: str, typed: str = ""):
        environ = dict(os.environ, MLPREP_NOW=now, TZ="UTC")
        return CliRunner().invoke(
            app, [*args, *MINI], input=typed, obj=Environment(environ=environ)
        )

    # four cards learnt at once (Easy), all due again within a month
    assert (
        run("2026-11-25T09:00:00+00:00", "flash", "mini", "--plain", typed="\n4\n" * 4).exit_code
        == 0
    )
    later = "2026-12-30T09:00:00+00:00"
    first = run(later, "review", "mini", "--new", "0", "--max-reviews", "1", typed="1\n3\n")
    assert first.stdout.startswith("Review: 0 learning, 1 due, 0 new")
    again = run(later, "review", "mini", "--new", "0", "--max-reviews", "1")
    assert again.stdout == (
        "Nothing more today: 3 cards are due beyond today's limit of reviews (`mlprep\n"
        "review --max-reviews N` sets it).\n"
    )


def test_a_card_in_its_learning_step_waits_while_other_cards_are_left(cli):
    """A card said to come back in 10 minutes, and a review started at once asked it first,
    before every new card (its step cut short: a Good there gave it days at once)."""
    quiz = cli("quiz", "mini", "-n", "1", "--seed", "5", *MINI, input="1\n")
    assert "mini-single" in quiz.stdout and "Comes back in 10 minutes." in quiz.stdout
    result = cli("review", "mini", *MINI, input="")
    assert result.stdout.startswith("Review: 1 learning, 0 due, 3 new\n\n[1/4] mini-number ")


def test_the_command_that_goes_on_keeps_the_data_dir_and_trust(cli, tmp_path, monkeypatch):
    """Without them, the command suggested reviewed another data dir's progress."""
    monkeypatch.chdir(FIXTURES)
    home = tmp_path / "elsewhere"
    args = ("--data-dir", str(home), "review", "mini", "--decks", "decks", "--trust-deck")
    result = cli(*args, input="")
    assert result.stdout.splitlines()[-1] == (
        f"  mlprep --data-dir {home} review mini --decks decks --trust-deck"
    )
    assert (home / "progress").is_dir()
