"""The mock interview's clock in a real terminal: a countdown under the answer, an answer
half-typed when time runs out kept, Ctrl-C leading to the grading of what was answered."""

from __future__ import annotations

import json

import pexpect
import pytest

from tests.conftest import FIXTURES
from tests.e2e.test_quiz_terminal import exit_status, spawn

MOCK = ["mock", "--deck-dir", str(FIXTURES / "decks"), "-d", "mini", "-n", "2"]


def events(home):
    lines = (home / "progress" / "reviews.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


@pytest.mark.parametrize(
    ("minutes", "cut", "notice"),
    [("0.02", None, "Time is up."), ("5", "c", "Interview ended early")],
    ids=["time runs out", "ctrl-c"],
)
def test_the_answer_being_typed_when_the_interview_ends_is_kept(mlprep_home, minutes, cut, notice):
    """Time running out or Ctrl-C mid-answer: what was typed is the answer, graded as usual."""
    child = spawn([*MOCK, "--seed", "3", "--minutes", minutes], mlprep_home)
    child.expect("Why are single deep trees unstable?")
    child.expect("\\[\\d:\\d\\d\\] Your answer")  # the countdown before the answer
    child.send("small changes in the data chan")
    if cut:
        child.sendcontrol(cut)
    child.expect(notice)
    child.expect("Your answer:")
    child.expect("small changes in the data chan")
    if cut is None:  # (the clock's cut, said on screen as in the saved transcript)
        child.expect("\\(time ran out while you typed it\\)")
    child.expect("Grade")
    child.send("2\r")
    child.expect("Mock interview: 1 of 2 questions")
    assert exit_status(child) == 0
    [event] = events(mlprep_home)
    assert (event["card"], event["grade"], event["answer"]) == (
        "mini-open",
        2,
        "small changes in the data chan",
    )
    # the transcript says which answer the clock cut short (and not one ended by Ctrl-C)
    [transcript] = (mlprep_home / "mock").glob("*.md")
    said = "**Your answer** *(time ran out while you typed it)*" in transcript.read_text()
    assert said == (cut is None)


def test_time_running_out_at_an_options_prompt_asks_nothing_again(mlprep_home):
    """No option that can be taken typed when the time runs out: the interview ends there,
    with no "Please choose ..." for a prompt that will not come again."""
    child = spawn([*MOCK, "--seed", "1", "--minutes", "0.02"], mlprep_home)
    child.expect("Select all that apply")
    child.send("9")  # no option 9 (a 1 here would be kept as the answer)
    child.expect("Not taken as an answer: 9")  # said once, not asked again
    child.expect("Time is up.")
    assert "Please" not in child.before
    child.expect(pexpect.EOF)
    child.close()
    assert "Please" not in child.before
    assert "Mock interview: 0 of 2 questions" in child.before
    log = mlprep_home / "progress" / "reviews.jsonl"
    assert not log.exists() or events(mlprep_home) == []  # nothing answered, nothing kept


def test_ctrl_c_grades_the_answers_given_and_a_second_one_leaves(mlprep_home):
    child = spawn([*MOCK, "--seed", "1", "--minutes", "5"], mlprep_home)
    child.expect("Select all that apply")
    child.send("1 3\r")
    child.expect("Question 2/2")
    child.sendintr()
    child.expect("Interview ended early")
    child.expect("Correct.")  # the choice card is graded in the transcript
    child.expect("Mock interview: 1 of 2 questions .*\\(ended early\\)")
    assert exit_status(child) == 0
    assert [(e["card"], e["grade"]) for e in events(mlprep_home)] == [("mini-multi", 3)]


def test_keys_typed_on_after_the_time_is_up_reach_no_prompt(mlprep_home):
    """A candidate mid-sentence when the clock stops types on for a moment: those keys went
    into the grading prompt (an Enter took the suggested grade, the sentence was "not a
    grade"), or, where nothing was left to grade, into the shell."""
    import time

    child = spawn([*MOCK, "--seed", "3", "--minutes", "0.02"], mlprep_home)
    child.expect("\\[\\d:\\d\\d\\] Your answer")
    child.send("small changes in the data")
    child.expect("Time is up.")
    for key in " and so 3\r4\r\x03":  # typed on, as a person does, after the clock stopped
        child.send(key)  # (a Ctrl-C among them is dropped too: it ended the interview)
        time.sleep(0.05)
    child.expect("Grade")
    assert "Please" not in child.before and "Graded" not in child.before
    child.send("2\r")
    child.expect("Mock interview: 1 of 2 questions")
    child.expect(pexpect.EOF)
    child.close()
    [event] = events(mlprep_home)
    assert (event["card"], event["grade"]) == ("mini-open", 2)
    assert "and so" not in event["answer"]


def test_keys_typed_on_after_a_ctrl_c_ends_the_interview_reach_no_prompt(mlprep_home):
    """A Ctrl-C while typing ended the interview, and the words typed after it went into the
    grade prompt ("Please enter 1 (Again)...") or, with nothing to grade, the shell."""
    import io
    import time

    child = spawn([*MOCK, "--seed", "3", "--minutes", "5"], mlprep_home)
    child.logfile_read = shown = io.StringIO()
    child.expect("\\[\\d:\\d\\d\\] Your answer")
    child.send("small changes in the data")
    child.expect("the data")
    child.sendcontrol("c")
    child.expect("Interview ended early")
    for key in " and so the first split changes 4\r":  # typed on for a second and more
        child.send(key)
        time.sleep(0.05)
    time.sleep(1.0)  # (then a look at the grade prompt)
    child.send("2\r")
    child.expect("Mock interview: 1 of 2 questions")
    child.expect(pexpect.EOF)
    child.close()
    assert "Please" not in shown.getvalue() and "first split" not in shown.getvalue()
    [event] = events(mlprep_home)
    assert (event["card"], event["grade"], event["answer"]) == (
        "mini-open",
        2,
        "small changes in the data",
    )
