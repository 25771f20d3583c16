"""Every screen fits the terminal: real sessions at 100, 60 and 40 columns, no line wider than
the terminal; and a terminal shrunk mid-session gets the next screen at its new width."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pexpect
import pytest

from tests.conftest import FIXTURES, warm_deck_cache
from tests.e2e.test_quiz_terminal import deliberately
from tests.forkserver import spawn_mlprep

ENTER, SPACE, DOWN = "\r", " ", "\x1b[B"
MINI = ["--decks", str(FIXTURES / "decks")]
SQL = ["--decks", str(FIXTURES / "sqldecks"), "--tag", "fixture-sql", "-n", "1", "--seed", "1"]
MOVE_RIGHT = re.compile(r"\x1b\[(\d*)C")
MOVE = re.compile(r"\x1b\[\d*[ABDEFGHJK]")
CODES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>]")


def spawn(args, home, columns=80):
    env = dict(os.environ, MLPREP_HOME=str(home), TERM="xterm-256color")
    for name in ("COLUMNS", "LINES", "NO_COLOR"):  # the terminal alone says how wide it is
        env.pop(name, None)
    env["PROMPT_TOOLKIT_NO_CPR"] = "1"
    warm_deck_cache(home, args)
    return spawn_mlprep(
        args,
        env,
        encoding="utf-8",
        timeout=20,
        dimensions=(30, columns),
    )


def screen_lines(output: str) -> list[str]:
    """What each written line shows, roughly as a terminal draws it: a cursor move forward is
    spaces, any other cursor move starts a new line (a redraw), other codes show nothing, a
    carriage return starts the line over."""
    output = MOVE_RIGHT.sub(lambda m: " " * int(m.group(1) or 1), output)
    output = MOVE.sub("\n", output)
    lines = CODES.sub("", output).split("\n")
    return [line.rstrip("\r").split("\r")[-1].rstrip() for line in lines]


def widest(output: str) -> int:
    lines = screen_lines(output)
    assert sum(map(len, lines)) > 100  # the screen was read, not an empty capture
    longest = max(lines, key=len)
    return len(longest)


def finish(child) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return child.before


@pytest.mark.parametrize("columns", [120, 100, 60, 40])
def test_a_quiz_fits(mlprep_home, columns):
    child = spawn(["quiz", "mini", "-n", "2", "--seed", "5", *MINI], mlprep_home, columns)
    seen = []
    child.expect("Your answer:")
    seen.append(child.before)
    # the hint says how to choose at every width (at 40 it was cut to "(then Enter)")
    child.expect(r"\(1-3 or arrows, then Enter\)" if columns > 40 else r"\(1-3, arrows; Enter\)")
    child.send("1" + ENTER)
    child.expect("Select all that apply")
    seen.append(child.before)
    # and which keys mark and submit (at 40 there was no hint at all)
    hint = {100: "1-3 or space marks, Enter submits", 60: "space marks, Enter submits"}
    child.expect(re.escape(f"({hint.get(min(columns, 100), 'Space, Enter')})"))
    child.send(SPACE + DOWN + SPACE + ENTER)
    seen.append(finish(child))
    assert "Correct" in seen[-1]
    # (80 at most, however wide: an answered option's echo ran to a wide terminal's edge)
    assert widest("".join(seen)) <= min(columns, 80)


@pytest.mark.parametrize(
    ("columns", "marks", "echo"),
    [(80, "2", "2) "), (40, "12", "1 and 2"), (60, "123", "1, 2 and 3")],
)
def test_an_answered_menu_leaves_one_line_that_fits(mlprep_home, columns, marks, echo):
    """Once a choice is picked, the menu gives way to one line: the question and the answer,
    cut to the terminal's width (options that are long sentences)."""
    long = ["--decks", str(FIXTURES / "longdecks")]
    child = spawn(["quiz", "long", "-n", "2", "--seed", "1", *long], mlprep_home, columns)
    seen = []
    for _ in range(2):
        # (each menu as it opens, at its pointer: not the line it leaves once answered)
        style = r"(?:\x1b\[[0-9;]*m)*"
        asked = child.expect([rf"» {style}1\) ", rf"» {style}○ {style}1\) "])
        seen.append(child.before + child.after)
        child.send("1" + ENTER if asked == 0 else marks + ENTER)
    seen.append(finish(child))
    assert widest("".join(seen)) <= columns
    lines = screen_lines("".join(seen))
    assert any(re.fullmatch(r"\? Your answer: 1\) .{10,}\.\.\.", line) for line in lines)
    assert any(line.startswith("? Select all that apply: " + echo) for line in lines)
    # questionary's own answered line ("[2) ...]", "done (2 selections)") is not left too
    assert not any(re.match(r"\? Select all that apply: (\[|done)", line) for line in lines)
    # the hint after the question is whole, shorter or left out where it would not fit
    hints = [line for line in lines if re.fullmatch(r"\? Select all that apply: *(\(.*)?", line)]
    assert hints and all(line.endswith((")", ":")) for line in hints)
    single = lines.index("✘ Not quite. The answer:")
    assert lines[single + 1].startswith("2) A small change")
    # the summary has one row a card, its question cut to the terminal
    # (under 60 columns the question goes on a line of its own)
    rows = [i for i, line in enumerate(lines) if re.match(r"  wrong +long-", line)]
    questions = [lines[i + 1] if columns < 60 else lines[i] for i in rows]
    assert len(rows) == 2 and all(question.endswith("...") for question in questions)
    # a wrong answer lists the right options, numbered as shown, one under another
    plural = lines.index("✘ Not quite. The answers:")
    assert lines[plural + 1].startswith("1) Resampling")
    assert any(line.startswith("3) A depth-3") for line in lines[plural + 2 : plural + 9])


@pytest.mark.parametrize("columns", [100, 60, 40])
def test_flash_fits(mlprep_home, columns):
    child = spawn(["flash", "mini", "-n", "1", "--seed", "5", *MINI], mlprep_home, columns)
    child.expect("show answer")
    before = child.before
    deliberately(child, ENTER)
    child.expect("Easy")
    before += child.before
    child.send("3")
    out = before + finish(child)
    assert "Graded 1 of 1" in out
    assert widest(out) <= columns


@pytest.mark.parametrize("columns", [100, 60, 40])
def test_sql_fits(mlprep_home, columns):
    child = spawn(["sql", *SQL], mlprep_home, columns)
    child.expect("sql>")
    before = child.before
    child.send("SELECT id FROM users ORDER BY id DESC LIMIT 3;" + ENTER)
    child.expect("sql>")
    before += child.before
    child.send(".answer" + ENTER)
    out = before + finish(child)
    assert "Not quite." in out
    assert widest(out) <= columns


@pytest.mark.parametrize("columns", [100, 60, 40])
def test_mock_fits(mlprep_home, columns):
    mock = ["mock", "--deck-dir", str(FIXTURES / "decks"), "-d", "mini", "-n", "1", "--seed", "1"]
    child = spawn(mock, mlprep_home, columns)
    child.expect("Select all that apply")
    before = child.before
    child.send("1 3" + ENTER)
    out = before + finish(child)
    assert "Correct." in out
    assert widest(out) <= columns


def test_where_a_mock_is_saved_is_shown_whole_where_it_fits_a_line(tmp_path_factory):
    """At 50 columns "Saved to .../mock/2026...json" could not be copied: a path that fits a
    line of its own goes there, whole."""
    import shutil
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="m", dir="/tmp"))
    try:
        mock = ["mock", "--decks", str(FIXTURES / "decks"), "mini", "-n", "1", "--seed", "1"]
        child = spawn(mock, home, 50)
        child.expect("Select all that apply")
        child.send("1 3" + ENTER)
        lines = screen_lines(finish(child))
        saved = next(home.glob("mock/*.md"))  # (the transcript, beside the record)
        assert len(f"Saved to {saved}") > 50 >= len(str(saved))
        assert lines[lines.index("Saved to") + 1] == str(saved)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_a_mock_answer_stays_on_screen_wrapped_between_words(mlprep_home):
    """The terminal broke a long typed answer mid-word; once taken, it is shown again wrapped
    between words, its further lines indented."""
    mock = ["mock", "--decks", str(FIXTURES / "decks"), "mini", "-n", "2", "--seed", "3"]
    child = spawn(mock, mlprep_home, 40)
    child.expect("Why are single deep trees unstable")
    answer = "small changes in the training data change the chosen splits near the root"
    child.send(answer + ENTER)
    child.expect("Question 2/2")
    lines = screen_lines(child.before)
    child.close(force=True)
    start = max(i for i, line in enumerate(lines) if "Your answer (Enter when done):" in line)
    shown = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        shown.append(line)
    assert re.fullmatch(r"\[\d+:\d\d\] Your answer \(Enter when done\):( \w+)*", shown[0])
    assert len(shown) >= 3 and max(map(len, shown)) < 40
    typed = " ".join(shown).split("done):", 1)[1]
    assert " ".join(typed.split()) == answer


@pytest.mark.parametrize("columns", [100, 60, 40])
def test_the_home_menu_fits(mlprep_home, columns):
    child = spawn([], mlprep_home, columns)
    child.expect("Quit")
    child.send("2")  # the deck picker: an entry too long for the terminal is cut before its count
    child.expect(r"12\) [^\r]*\r")
    drawn = child.before + child.after
    decks = screen_lines(drawn)
    child.send("q")
    child.expect("Quit")
    child.send("q")
    out = child.before + finish(child)
    assert widest(out) <= columns
    # each question's line holds its hint whole, a shorter one, or none: never half of one
    asked = [
        line
        for line in screen_lines(drawn + out)
        if re.match(r"\? (What would you like to do|Which deck)\?", line)
        and not re.search(r"\? (\d+|q)\) ", line)  # (not an answered line)
    ]
    assert len(asked) >= 2 and all(line.endswith((")", "?")) for line in asked)
    # and at every width how to leave (at 40 the home menu said nothing)
    assert all("q " in line for line in asked)
    entries = [line for line in decks if re.match(r" *»? +\d+\) ", line)]
    assert len(entries) >= 9 and max(map(len, entries)) < columns
    cut = [line for line in entries if re.search(r"\.\.\. \(\d+\)$", line)]
    assert (columns < 80) == bool(cut)  # (at 100, every deck's line fits whole)
    assert all(re.search(r"\w \(\d+\)$", line) for line in entries if line not in cut)


def test_shrinking_the_terminal_mid_quiz_draws_the_next_card_at_the_new_width(mlprep_home):
    child = spawn(["quiz", "mini", "-n", "2", "--seed", "5", *MINI], mlprep_home, 100)
    child.expect("Your answer:")
    child.setwinsize(30, 50)  # the kernel sends SIGWINCH
    child.send("1" + ENTER)
    child.expect("Correct")
    child.expect("Select all that apply")
    after = child.before
    child.send(SPACE + ENTER)
    finish(child)
    assert widest(after) <= 50
    bottoms = [line for line in screen_lines(after) if line.startswith("╰")]
    assert [len(line) for line in bottoms] == [50]  # the next card's panel spans the new width


@pytest.mark.parametrize("columns", [100, 60, 40])
def test_review_fits(mlprep_home, columns):
    child = spawn(["review", "mini", "--new", "1", "--seed", "5", *MINI], mlprep_home, columns)
    child.expect("Your answer:")
    before = child.before
    child.send("1" + ENTER)  # right: the new card comes back in the session (a learning step)
    child.expect("Your answer:")
    before += child.before
    child.send("1" + ENTER)
    out = before + finish(child)
    assert "mini-single" in out and "Correct" in out
    assert widest(out) <= columns


@pytest.mark.parametrize("columns", [80, 40])
def test_the_deck_guide_is_shown_as_markdown_that_fits(mlprep_home, columns):
    child = spawn(["decks", "--guide"], mlprep_home, columns)
    output = finish(child)
    assert child.exitstatus == 0
    lines = screen_lines(output)
    # rendered: headings and code fences are not shown as the file's marks
    assert any("Deck format, version 2" in line for line in lines)
    assert not any(line.startswith(("# ", "```")) for line in lines)
    assert widest(output) <= columns


@pytest.mark.parametrize("columns", [80, 40])
def test_a_typed_answer_stays_on_screen_wrapped_between_words(mlprep_home, columns):
    """Once typed, an open answer is shown whole, wrapped between words under its question
    (the terminal had wrapped it mid-word as it was typed)."""
    words = "greedy splits near the root depend on tiny impurity differences so small changes"
    answer = f"{words} in the training data can change the first split and everything below it"
    child = spawn(["quiz", "mini", "-n", "4", "--seed", "1", *MINI], mlprep_home, columns)
    child.expect("Your answer \\(Enter to reveal\\):")
    child.send(answer + ENTER)
    child.expect("Reference answer")
    shown = screen_lines(child.before)
    # Ctrl-C once the grade prompt reads keys, a moment after it shows, as a person's: one in
    # the instant before it reads them is a signal, and a signal that lands while Python runs
    # a cleanup callback (rich's drawing leaves plenty) is reported as ignored and lost
    child.expect("Grade:")
    time.sleep(0.3)
    child.sendcontrol("c")
    finish(child)
    start = max(i for i, line in enumerate(shown) if line.startswith("? Your answer (Enter"))
    lines = [shown[start]]
    for line in shown[start + 1 :]:  # (its further lines are indented under it)
        if not line.startswith("  "):
            break
        lines.append(line)
    assert len(lines) > 1 and all(len(line) <= columns - 1 for line in lines)
    # every word whole, in order: the lines joined are the question and the answer
    assert " ".join(line.strip() for line in lines) == f"? Your answer (Enter to reveal): {answer}"
