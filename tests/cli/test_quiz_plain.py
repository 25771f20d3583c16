"""`mlprep quiz` in plain mode, driven through CliRunner: exact transcripts and exit codes."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES

MINI = ["--decks", str(FIXTURES / "decks")]


def read_log(home):
    path = home / "progress" / "reviews.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_whole_plain_session_is_exact_and_recorded(cli, mlprep_home):
    answers = "2\n1 2\nGreedy splits\n5\n3\nabc\n1/2\n"
    result = cli("quiz", "mini", "-n", "4", "--seed", "5", *MINI, input=answers)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == EXPECTED_SESSION
    events = read_log(mlprep_home)
    assert [(e["card"], e["grade"], e["mode"]) for e in events] == [
        ("mini-single", 1, "quiz"),
        ("mini-multi", 3, "quiz"),
        ("mini-open", 3, "quiz"),
        ("mini-number", 3, "quiz"),
    ]
    assert all(e["v"] == 2 and len(e["id"]) == 32 for e in events)
    assert [e.get("answer") for e in events] == [
        "Mean squared error",
        "Gini impurity; Entropy",
        "Greedy splits",
        "0.5",
    ]
    assert [e["ms"] for e in events] == [1000, 1000, 1000, 1000]
    assert {e["at"] for e in events} == {"2026-11-25T09:00:00.000Z"}
    assert len({e["id"] for e in events}) == 4


def test_a_narrow_summary_gives_a_cards_id_and_question_a_line_each(cli, monkeypatch):
    """At 40 columns a row left "...issing-values  You pass a..." of each card."""
    monkeypatch.setenv("COLUMNS", "40")
    answers = "2\n1 2\nGreedy splits\n5\n3\nabc\n1/2\n"
    out = cli("quiz", "mini", "-n", "4", "--seed", "5", *MINI, input=answers).stdout
    rows = out[out.index("  wrong  ") :].splitlines()
    assert rows[:4] == [
        "  wrong  mini-single",
        "         Which impurity measure does...",
        "  right  mini-multi",
        "         Which of these are impurity...",
    ]
    assert max(map(len, rows)) <= 40


def test_the_same_seed_gives_the_same_session(cli):
    first = cli("quiz", "mini", "--seed", "9", *MINI, input="")
    second = cli("quiz", "mini", "--seed", "9", *MINI, input="")
    assert first.stdout == second.stdout
    assert first.exit_code == second.exit_code == 0


def test_end_of_input_keeps_what_was_answered(cli, mlprep_home):
    result = cli("quiz", "mini", "-n", "4", "--seed", "5", *MINI, input="1\n")
    assert result.exit_code == 0
    stopped = "Stopped (end of input) after 1 of 4 cards; your graded answers are saved."
    assert stopped in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert [e["card"] for e in read_log(mlprep_home)] == ["mini-single"]


def test_out_of_range_and_empty_options_are_asked_again(cli):
    result = cli("quiz", "mini", "-n", "1", "--seed", "5", *MINI, input="\n7\n1 2\n1\n")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "  Please choose an option from 1 to 3." in lines
    assert "  Please '7' is not an option; choose from 1 to 3." not in lines
    assert "  Please choose from 1 to 3 ('7' is not an option)." in lines
    assert "  Please choose one option from 1 to 3." in lines
    assert "Correct." in lines


def test_an_unknown_deck_suggests_the_closest_and_exits_2(cli):
    result = cli("quiz", "tres")
    assert result.exit_code == 2
    assert result.stderr == "Error: No deck 'tres'. Did you mean 'trees'?\n"
    assert result.stdout == ""


def test_an_unknown_option_is_a_usage_error(cli):
    result = cli("quiz", "trees", "--bogus")
    assert result.exit_code == 2
    assert "No such option: --bogus" in result.stderr


def test_tag_and_difficulty_filter_the_cards(cli):
    result = cli("quiz", "mini", "--tag", "numeric", *MINI, input="0.5\n")
    assert "[1/1] mini-number" in result.stdout
    result = cli("quiz", "mini", "--difficulty", "2", "-n", "9", *MINI, input="")
    assert "Quiz: mini - 2 cards" in result.stdout
    # a difficulty by its name too ("hard" was "not a valid int range")
    named = cli("quiz", "mini", "--difficulty", "medium", "-n", "9", *MINI, input="")
    assert "Quiz: mini - 2 cards" in named.stdout
    wrong = cli("quiz", "mini", "--difficulty", "5", *MINI)
    assert wrong.exit_code == 2
    assert wrong.stderr == (
        "Error: Invalid value for '--difficulty': '5' is not 1 (easy), 2 (medium) or 3 (hard)."
        " See `mlprep quiz -h`.\n"
    )
    result = cli("quiz", "mini", "--tag", "impurty", *MINI)
    assert result.exit_code == 2
    assert result.stderr == "Error: No card has tag 'impurty'. Did you mean 'impurity'?\n"


def test_deck_text_is_never_read_as_markup(cli):
    result = cli("quiz", "markup", "--decks", str(FIXTURES / "markup"), input="1\n")
    assert result.exit_code == 0
    assert "What does [bold]this[/] and [link=https://example.com]that[/link] print?" in (
        result.stdout
    )
    assert "[bold]literal[/]" in result.stdout
    assert "Exactly [red]this text[/red], brackets and all." in result.stdout


EXPECTED_SESSION = """\
Quiz: mini - 4 cards

[1/4] mini-single (mini, difficulty 1)
Which impurity measure does CART use by default for classification?
  1) Gini impurity
  2) Mean squared error
  3) Hinge loss
Answer (1-3): 2
Not quite. The answer:
  1) Gini impurity
  You picked 2) Mean squared error - wrong.
  Gini impurity.
Comes back in 1 minute.

[2/4] mini-multi (mini, difficulty 2)
Which of these are impurity measures?
  1) Gini impurity
  2) Entropy
  3) Accuracy of the parent node
Select all that apply (numbers 1-3, separated by spaces): 1 2
Correct.
  Gini impurity and entropy.
  Information gain is a drop in entropy, not an impurity itself.
Comes back in 10 minutes.

[3/4] mini-open (mini, difficulty 2)
Why are single deep trees unstable?
Your answer (Enter to reveal): Greedy splits
Reference answer:
  Each split is chosen greedily, so a small change in the data can change the
  root split and everything below it.
How well did you know it? 1 Again 1m · 2 Hard 6m · 3 Good 10m · 4 Easy 6d
Grade (1-4): 5
  Please enter 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).
Grade (1-4): 3

[4/4] mini-number (mini, difficulty 1)
What is the Gini impurity of a 50/50 binary node?
Answer (a number, ? to see it): abc
  Please enter a number ('abc' is not a number).
Answer (a number, ? to see it): 1/2
Correct.
  0.5: 1 - (0.25 + 0.25).
Comes back in 10 minutes.

Answered 4 cards in 0m09s.
Score: 2 of 3 right (67%); self-graded: 1 Good.
  wrong  mini-single  Which impurity measure does CART use by default for...
  right  mini-multi   Which of these are impurity measures?
  Good   mini-open    Why are single deep trees unstable?
  right  mini-number  What is the Gini impurity of a 50/50 binary node?
Revisit (1): mini-single
"""


def test_a_number_not_known_is_given_up_with_a_question_mark(cli, mlprep_home):
    """A number prompt took only numbers: one who did not know had to guess a wrong one."""
    result = cli("quiz", "mini", "--tag", "numeric", *MINI, input=" ? \n")
    assert result.exit_code == 0
    assert (
        "Answer (a number, ? to see it):  ? \n"
        "Answer: 0.5 (within 0.001)\n"
        "Reference answer:\n"
        "  0.5: 1 - (0.25 + 0.25).\n"
    ) in result.stdout
    assert "Not quite" not in result.stdout  # (asked to see it: no answer was given)
    assert "wrong  mini-number" in result.stdout
    (line,) = (mlprep_home / "progress" / "reviews.jsonl").read_text().splitlines()
    assert (json.loads(line)["grade"], json.loads(line)["answer"]) == (1, "?")


def test_revisit_asks_again_the_cards_the_last_quiz_listed(cli, mlprep_home):
    first = cli("quiz", "mini", "-n", "4", "--seed", "5", *MINI, input="2\n1 2\nabc\n1\n1/2\n")
    assert "Revisit (2): mini-single, mini-open" in first.stdout
    again = cli("quiz", "--revisit", "--seed", "5", *MINI, input="1\nabc\n3\n")
    assert again.exit_code == 0
    assert "[1/2] mini-single" in again.stdout
    assert "[2/2] mini-open" in again.stdout
    assert "Nothing to revisit. Well done." in again.stdout
    done = cli("quiz", "--revisit", *MINI)
    assert (done.exit_code, done.stderr) == (
        2,
        "Error: Nothing to revisit: the last quiz had no wrong or hard answers.\n",
    )
    # a list of cards none of which is loaded is no quiz without mistakes
    (mlprep_home / "revisit.json").write_text('{"cards": ["gone-1", "gone-2"]}')
    gone = cli("quiz", "--revisit", *MINI)
    assert (gone.exit_code, gone.stderr) == (
        2,
        "Error: None of the 2 cards to revisit is in the decks loaded (a deck removed since, or"
        " loaded with --decks then); run mlprep quiz to make a new list.\n",
    )


@pytest.mark.parametrize("text", ['{"cards": 5}', '{"cards": "abc"}', "[1]", "{}", "{"])
def test_a_damaged_revisit_list_is_one_line(cli, mlprep_home, text):
    """({"cards": 5} was "unexpected TypeError: 'int' object is not iterable".)"""
    (mlprep_home / "revisit.json").write_text(text)
    result = cli("quiz", "--revisit", *MINI)
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {mlprep_home / 'revisit.json'} is damaged; run mlprep quiz to write a new one.\n",
    )


def test_a_directory_as_the_revisit_list_is_named_not_called_damaged(cli, mlprep_home):
    """It said "damaged; run mlprep quiz to write a new one", which a quiz never could."""
    (mlprep_home / "revisit.json").mkdir()
    result = cli("quiz", "--revisit", *MINI)
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {mlprep_home / 'revisit.json'} is a directory; move it away, then run mlprep "
        "quiz\n",
    )


def test_a_revisit_stopped_early_keeps_the_cards_it_did_not_reach(cli, mlprep_home):
    """Stopped after one of two, it said "Nothing to revisit" and the other card was lost."""
    cli("quiz", "mini", "-n", "4", "--seed", "5", *MINI, input="2\n1 2\nabc\n1\n1/2\n")
    stopped = cli("quiz", "--revisit", "--seed", "5", *MINI, input="1\n")  # then the input ends
    assert "Revisit (1): mini-open" in stopped.stdout
    again = cli("quiz", "--revisit", "--seed", "5", *MINI, input="abc\n3\n")
    assert "[1/1] mini-open" in again.stdout
    assert "Nothing to revisit. Well done." in again.stdout


def test_revisit_before_any_quiz_says_so(cli):
    result = cli("quiz", "--revisit", *MINI)
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: No quiz to revisit yet; run mlprep quiz first.\n",
    )


def test_a_long_card_id_and_deck_keep_the_header_within_80_columns():
    """[3/36] interpretability-shap-interventional-vs-observational (interpretability,
    difficulty 3) took 91 columns."""
    import io

    from mlprep.model import Card
    from mlprep.ui.prompts import PlainPrompter

    card = Card(
        id="interpretability-shap-interventional-vs-observational",
        q="Q?",
        a="A.",
        deck="interpretability",
        difficulty=3,
    )
    out = io.StringIO()
    prompter = PlainPrompter(io.StringIO(), out, echo=False, width=80)
    prompter.show_question(card, 3, 36)
    prompter.flash_front(card, 3, 36)
    lines = out.getvalue().splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert lines[1:3] == [
        "[3/36] interpretability-shap-interventional-vs-observational (interpretability,",
        "difficulty 3)",
    ]


def test_a_prompt_wider_than_the_terminal_is_wrapped_between_words(cli, monkeypatch):
    """At 50 columns the terminal broke "separated by s" / "paces):"."""
    monkeypatch.setenv("COLUMNS", "50")
    out = cli("quiz", "mini", "--tag", "impurity", "-n", "1", "--seed", "2", *MINI, input="1\n")
    assert "Select all that apply (numbers 1-3, separated by\nspaces): 1\n" in out.stdout
