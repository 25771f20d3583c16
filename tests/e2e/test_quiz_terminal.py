"""The real program in a real pseudo-terminal: questionary prompts driven by keystrokes."""

from __future__ import annotations

import json
import os
import re

import pytest

pexpect = pytest.importorskip("pexpect")

from tests.conftest import FIXTURES, warm_deck_cache  # noqa: E402
from tests.forkserver import spawn_mlprep  # noqa: E402

DOWN, ENTER, SPACE = "\x1b[B", "\r", " "
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def spawn(args, home, columns=80, rows=30, **extra_env):
    env = dict(
        os.environ,
        MLPREP_HOME=str(home),
        TERM="xterm-256color",
        COLUMNS=str(columns),
        LINES=str(rows),
    )
    env.pop("NO_COLOR", None)
    env.update(extra_env)
    env["PROMPT_TOOLKIT_NO_CPR"] = "1"  # a pty answers no cursor-position requests
    warm_deck_cache(home, args)
    child = spawn_mlprep(
        args,
        env,
        encoding="utf-8",
        timeout=20,
        dimensions=(rows, columns),
    )
    return child


def exit_status(child) -> int | None:
    """The program's exit status, once it has ended (its terminal closed) and been reaped."""
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def deliberately(child, keys: str) -> None:
    """`keys` sent as a person would, after a look at the prompt: an Enter (or Space) that
    comes as a prompt appears is taken for one meant for the prompt before (STRAY_ENTER_SECONDS)
    and dropped."""
    import time

    from mlprep.ui.prompts import STRAY_ENTER_SECONDS

    time.sleep(STRAY_ENTER_SECONDS + 0.05)
    child.send(keys)


def events(home):
    lines = (home / "progress" / "reviews.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_a_keyboard_driven_quiz_reaches_the_summary_and_is_recorded(mlprep_home):
    # seed 5 asks: mini-single, mini-multi, mini-open, mini-number (as in the plain test)
    child = spawn(
        ["quiz", "mini", "-n", "4", "--seed", "5", "--decks", str(FIXTURES / "decks")], mlprep_home
    )
    child.expect("Which impurity measure")
    child.expect("Your answer:")
    # short options are shown once, in the arrow-key menu, not printed above it as well
    assert "Hinge loss" not in child.before
    child.expect("Hinge loss")
    child.send("1" + ENTER)  # the first option, "Gini impurity"
    child.expect("Correct")
    child.expect("Select all that apply")
    child.send(SPACE)  # Gini impurity
    child.send(DOWN + SPACE)  # Entropy
    child.send(ENTER)
    child.expect("Correct")
    child.expect("Your answer \\(Enter to reveal\\):")
    child.send("greedy splits" + ENTER)
    child.expect("Reference answer")
    child.expect("Grade: 1 Again 1m · 2 Hard 6m · 3 Good 10m · 4 Easy \\d+d \\(Enter: Good\\)")
    child.send("4")  # one key: Easy
    child.expect("Graded Easy\\.")  # (the key is not echoed: the grade it picked is shown)
    child.expect("Your answer \\(a number, \\? to see it\\):")
    child.send("0.4" + ENTER)
    child.expect("Not quite")
    child.expect("Revisit \\(1\\): mini-number")
    assert exit_status(child) == 0
    assert [(e["card"], e["grade"]) for e in events(mlprep_home)] == [
        ("mini-single", 3),
        ("mini-multi", 3),
        ("mini-open", 4),
        ("mini-number", 1),
    ]


def test_a_question_mark_at_a_number_shows_the_answer(mlprep_home):
    """Only a number was taken there: one who did not know it had to guess a wrong one."""
    child = spawn(
        ["quiz", "mini", "--tag", "numeric", "--decks", str(FIXTURES / "decks")], mlprep_home
    )
    child.expect("Your answer \\(a number, \\? to see it\\):")
    child.send("?" + ENTER)
    child.expect("Answer: 0\\.5 \\(within 0\\.001\\)")
    assert "Not quite" not in child.before  # (asked to see it: no answer was given)
    child.expect("Reference answer")
    child.expect("Score: 0 of 1 right")
    assert exit_status(child) == 0
    assert [(e["card"], e["grade"], e["answer"]) for e in events(mlprep_home)] == [
        ("mini-number", 1, "?")
    ]


def test_quiz_trees_answered_whatever_the_cards_are(mlprep_home):
    """`mlprep quiz trees -n 3` with the real deck: answer each prompt as it comes.

    Each answer is followed by waiting for its consequence, so that a prompt re-drawn with its
    answer is never mistaken for the next one."""
    child = spawn(["quiz", "trees", "-n", "3"], mlprep_home)
    for position in (1, 2, 3):
        child.expect(f"{position}/3 · trees")
        which = child.expect(
            [
                "Select all that apply",  # checkbox (its panel says so too)
                "Your answer:",  # single choice
                "Your answer \\(a number, \\? to see it\\):",
                "Your answer \\(Enter to reveal\\):",
            ]
        )
        if which == 0:
            child.expect("space marks, Enter submits")
            child.send(SPACE + ENTER)
            child.expect("Correct|Not quite")
        elif which == 1:
            child.send(DOWN + ENTER)
            child.expect("Correct|Not quite")
        elif which == 2:
            child.send("1" + ENTER)
            child.expect("Correct|Not quite")
        else:
            child.send("I would say it depends" + ENTER)
            # every open trees card has keypoints, and this answer makes none of them, so the
            # suggested grade that Enter accepts is Again
            child.expect(
                "Grade: 1 Again 1m · 2 Hard 6m · 3 Good 10m · 4 Easy \\d+d \\(Enter: Again\\)"
            )
            deliberately(child, ENTER)
    child.expect("Answered 3 cards")
    child.expect("Revisit|Nothing to revisit")
    assert exit_status(child) == 0
    logged = events(mlprep_home)
    assert len(logged) == 3
    assert all(e["card"].startswith("trees-") and e["mode"] == "quiz" for e in logged)


def test_an_enter_meant_for_the_question_before_does_not_answer_a_menu_unseen(mlprep_home):
    """A double-tapped Enter answered the next question, a menu, with its first option before
    it was read; an Enter as it appears, before any key moved the pointer, is dropped."""
    args = ["quiz", "mini", "-n", "1", "--seed", "5", "--decks", str(FIXTURES / "decks")]
    child = spawn(args, mlprep_home)
    child.send(ENTER)  # (typed ahead: it reaches the menu as it opens)
    child.expect("Your answer:")
    child.expect("Hinge loss")
    with pytest.raises(pexpect.TIMEOUT):
        child.expect("Correct|Not quite", timeout=0.5)
    child.send(ENTER)  # a deliberate one, later, takes the entry pointed at
    child.expect("Correct")
    child.expect(pexpect.EOF)
    child.close()
    assert [e["answer"] for e in events(mlprep_home)] == ["Gini impurity"]


def test_ctrl_c_in_the_terminal_keeps_answers_and_exits_130(mlprep_home):
    child = spawn(
        ["quiz", "mini", "-n", "4", "--seed", "5", "--decks", str(FIXTURES / "decks")], mlprep_home
    )
    child.expect("Your answer:")
    child.send("1" + ENTER)
    child.expect("Select all that apply")
    child.sendintr()
    child.expect("Stopped \\(interrupted\\) after 1 of 4 cards")
    child.expect(pexpect.EOF)
    output = ANSI.sub("", child.before or "")
    child.close()
    assert "Traceback" not in output
    assert child.exitstatus == 130
    assert [e["card"] for e in events(mlprep_home)] == ["mini-single"]


def test_a_grade_typed_at_once_after_an_open_answer_grades_it(mlprep_home):
    """The answer's prompt (prompt_toolkit) reads what is typed in one go and keeps the keys
    after its Enter for the next prompt_toolkit prompt; the grade prompt reads single keys
    from the terminal. A grade typed at once after the answer ("x", Enter, "4") waited there
    unseen, and then answered the next question's menu."""
    child = spawn(["quiz", "mini", "--seed", "1", "--decks", str(FIXTURES / "decks")], mlprep_home)
    child.expect("1/4 · mini")
    child.expect("Your answer")
    child.send("greedy splits" + ENTER + "4")
    child.expect("Graded Easy.")
    child.expect("2/4 · mini")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    lines = (mlprep_home / "progress" / "reviews.jsonl").read_text().splitlines()
    assert [json.loads(line)["grade"] for line in lines] == [4]  # the next one unanswered


def test_a_colour_code_in_pasted_text_is_dropped_not_a_traceback(mlprep_home):
    """A terminal without bracketed paste passes "\x1b[31m" on as typed; prompt_toolkit took
    it for a mouse report it then could not read: a traceback, "Press ENTER to continue",
    the rest of the paste lost."""
    import io
    import time

    child = spawn(["quiz", "mini", "--seed", "1", "--decks", str(FIXTURES / "decks")], mlprep_home)
    child.logfile_read = seen = io.StringIO()
    child.expect("Your answer")
    child.send("greedy \x1b[31msplits\x1b[0m change" + ENTER)
    child.expect("Grade:")
    child.send("3")
    child.expect("Graded Good.")
    child.expect("2/4 · mini")  # (recorded: the next card is shown)
    time.sleep(0.3)  # (a look, as a person takes: a Ctrl-C as a prompt opens can be lost)
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert "Unhandled exception" not in seen.getvalue()
    lines = (mlprep_home / "progress" / "reviews.jsonl").read_text().splitlines()
    assert [json.loads(line)["answer"] for line in lines] == ["greedy splits change"]


def test_a_pasted_answer_of_several_lines_is_shown_as_text(mlprep_home):
    """Pasted (bracketed paste keeps its line breaks), it was shown back as "one\\ntwo"."""
    args = ["quiz", "mini", "--tag", "variance", "--decks", str(FIXTURES / "decks")]
    child = spawn(args, mlprep_home)
    child.expect("Your answer \\(Enter to reveal\\):")
    child.send("\x1b[200~greedy splits\nchange a lot\x1b[201~" + ENTER)
    child.expect("Reference answer")
    assert "\\n" not in child.before
    assert "greedy splits change a lot" in child.before
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert not (mlprep_home / "progress" / "reviews.jsonl").exists()  # (not graded: not kept)


def test_an_enter_meant_for_the_card_before_reveals_and_grades_nothing(mlprep_home):
    """A double-tapped Enter revealed the next open card unread and then took the default
    grade; one that comes as the SQL prompt opens gave the card up ("No query given")."""
    args = ["quiz", "mini", "--tag", "variance", "--decks", str(FIXTURES / "decks")]
    child = spawn(args, mlprep_home)
    child.send(ENTER)  # (typed ahead: it reaches the answer prompt as it opens)
    child.expect("Your answer \\(Enter to reveal\\):")
    with pytest.raises(pexpect.TIMEOUT):
        child.expect("Reference answer", timeout=0.5)
    child.send("it overfits" + ENTER + ENTER)  # the second Enter comes with the grade prompt
    child.expect("\\(Enter: (\\w+)\\)")
    with pytest.raises(pexpect.TIMEOUT):
        child.expect("Graded", timeout=0.5)
    deliberately(child, "3")
    child.expect("Graded Good\\.")
    child.expect(pexpect.EOF)
    child.close()
    assert [(e["card"], e["grade"]) for e in events(mlprep_home)] == [("mini-open", 3)]

    sql = ["quiz", "--decks", str(FIXTURES / "sqldecks"), "sqlmini", "-n", "1", "--seed", "1"]
    child = spawn(sql, mlprep_home)
    child.send(ENTER)
    child.expect("sql>")
    with pytest.raises(pexpect.TIMEOUT):
        child.expect("No query given", timeout=0.5)
    deliberately(child, ENTER)  # a deliberate empty query still gives up
    child.expect("No query given")
    child.expect(pexpect.EOF)
    child.close()


@pytest.mark.parametrize(
    ("mode", "prompt"),
    [
        ([], "Your answer \\(a number, \\? to see it\\):"),
        (["--plain"], "Answer \\(a number, \\? to see it\\): "),
    ],
    ids=["full-screen", "plain"],
)
def test_an_enter_meant_for_the_card_before_is_no_empty_number(mlprep_home, mode, prompt):
    """At a number prompt a double-tapped Enter said "Please enter a number (nothing typed
    ...)" before the answer was begun, where other prompts drop it; so did --plain, the mode
    for screen readers, once the full-screen prompt dropped it."""
    args = ["quiz", "mini", "--tag", "numeric", *mode, "--decks", str(FIXTURES / "decks")]
    child = spawn(args, mlprep_home)
    child.send(ENTER)  # (typed ahead: it reaches the number prompt as it opens)
    child.expect(prompt)
    refusal = "Please enter a number|A number, please"  # (the longest that fits its line)
    with pytest.raises(pexpect.TIMEOUT):
        child.expect(refusal, timeout=0.5)
    deliberately(child, ENTER)  # a deliberate empty answer is still asked for again
    child.expect(refusal)
    child.send("0.5" + ENTER)
    child.expect("Nothing to revisit")
    child.expect(pexpect.EOF)
    child.close()
    assert [(e["card"], e["grade"]) for e in events(mlprep_home)] == [("mini-number", 3)]


def test_the_home_menu_drops_an_enter_meant_for_the_prompt_before(mlprep_home):
    child = spawn([], mlprep_home)
    child.send(ENTER)
    child.expect("What would you like to do\\?")
    with pytest.raises(pexpect.TIMEOUT):
        child.expect("Review: \\d+ learning", timeout=0.5)
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()


@pytest.mark.parametrize(
    ("tag", "prompt", "typed", "kept"),
    [
        # the prompt erased a half-typed answer: gone from sight as well as from the log
        (
            "variance",
            "Your answer \\(Enter to reveal\\):",
            "small changes in the data",
            "Your answer \\(Enter to reveal\\):(\x1b\\[[0-9;]*m)* small changes in the data",
        ),
        # the number stayed on screen, with nothing to say it was not taken
        ("numeric", "Your answer \\(a number, \\? to see it\\):", "0.72", None),
    ],
    ids=["open", "number"],
)
def test_ctrl_c_at_an_answer_leaves_it_on_screen_marked_not_graded(
    mlprep_home, tag, prompt, typed, kept
):
    args = ["quiz", "mini", "--tag", tag, "--decks", str(FIXTURES / "decks")]
    child = spawn(args, mlprep_home)
    child.expect(prompt)
    child.send(typed)
    child.expect(typed[-5:])
    child.sendcontrol("c")
    if kept:
        child.expect(kept)
    child.expect("\\(not graded: the session was stopped\\)")
    child.expect("Stopped \\(interrupted\\)")
    assert exit_status(child) == 130
    assert not (mlprep_home / "progress" / "reviews.jsonl").exists()


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP"])
def test_a_termination_signal_puts_the_terminal_back(mlprep_home, signal_name):
    """Killed by SIGTERM or SIGHUP at a menu, mlprep left the cursor hidden and the menu's
    lines under the shell's prompt: it now leaves as Ctrl-C does, the cursor shown again.
    (In a process of its own: the signal must reach mlprep itself.)"""
    import io
    import signal
    import sys
    import time

    env = dict(os.environ, MLPREP_HOME=str(mlprep_home), TERM="xterm-256color")
    env["PROMPT_TOOLKIT_NO_CPR"] = "1"
    env.pop("NO_COLOR", None)
    warm_deck_cache(mlprep_home, [])
    child = pexpect.spawn(
        sys.executable,
        ["-m", "mlprep"],
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(30, 80),
    )
    seen = io.StringIO()
    child.logfile_read = seen
    child.expect("What would you like to do\\?")
    child.expect("q\\) Quit")
    time.sleep(0.5)  # (the menu drawn and waiting for a key)
    number = getattr(signal, signal_name)
    child.kill(number)
    child.expect(pexpect.EOF)
    child.close()
    assert (child.exitstatus, child.signalstatus) == (128 + number, None)
    shown = seen.getvalue()
    assert "\x1b[?25l" in shown  # the menu hid the cursor...
    assert shown.rindex("\x1b[?25h") > shown.rindex("\x1b[?25l")  # ...and it is shown again


def test_a_plain_prompt_in_a_terminal_edits_its_line(mlprep_home):
    """--plain (for screen readers) read the terminal raw: Left wrote "^[[D" into the answer."""
    args = ["quiz", "mini", "-n", "1", "--seed", "5", "--plain", "--decks", str(FIXTURES / "decks")]
    child = spawn(args, mlprep_home)
    child.expect("Answer \\(1-3\\): ")
    deliberately(child, "abc" + "\x1b[D\x1b[D" + "X" + ENTER)
    child.expect("'aXbc' is not an option")
    child.expect("Answer \\(1-3\\): ")
    child.send("\x1b[A")  # Up: the line typed before, to edit again
    child.send("\x15" + "1" + ENTER)  # Ctrl-U clears it
    child.expect("Correct")
    assert exit_status(child) == 0
    assert [e["answer"] for e in events(mlprep_home)] == ["Gini impurity"]


@pytest.mark.parametrize(("term", "colours"), [("vt100", False), ("xterm-256color", True)])
def test_a_terminal_without_colours_gets_no_colour_codes(mlprep_home, term, colours):
    """prompt_toolkit draws 256-colour codes on a terminal it does not know; a VT100 reads the
    5 of "38;5;67" as blink. A terminal whose terminfo entry has no colours gets none."""
    args = ["quiz", "mini", "-n", "4", "--seed", "5", "--decks", str(FIXTURES / "decks")]
    child = spawn(args, mlprep_home, TERM=term)
    child.expect("Your answer")  # the option menu, drawn by prompt_toolkit
    drawn = child.before + child.after
    child.expect("Hinge loss")
    drawn += child.before
    assert ("\x1b[0;38;5;" in drawn) is colours
    assert "\x1b[1m" in drawn or "\x1b[0;1m" in drawn  # bold stays: a VT100 has it
    child.sendcontrol("c")
    assert exit_status(child) == 130
