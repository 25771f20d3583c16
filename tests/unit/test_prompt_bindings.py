"""Menus and text prompts built on one shared copy of prompt_toolkit's default bindings
still answer keys as before, and the copy really is shared."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from prompt_toolkit.application import Application, create_app_session
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from mlprep.textfit import columns, shorten
from mlprep.ui import prompts
from mlprep.ui.ptkbindings import share_default_bindings


@pytest.fixture
def keys() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        # a prompt still waiting after the keys sent ran out would wait forever: the closed
        # input ends it with EOFError, a failure of that test
        watchdog = threading.Timer(20, pipe.close)
        watchdog.start()
        yield pipe
        watchdog.cancel()


def test_applications_share_one_copy_of_the_default_bindings() -> None:
    share_default_bindings()
    share_default_bindings()  # a second call changes nothing
    first, second = Application(), Application()
    assert first._default_bindings is second._default_bindings
    assert first._page_navigation_bindings is second._page_navigation_bindings


def test_menus_in_a_row_answer_number_keys_arrows_and_leave_keys(keys: PipeInput) -> None:
    keys.send_text("2")
    assert prompts.select("Pick:", ["a", "b", "c"]) == 1
    keys.send_text("\x1b[B\x1b[B\r")  # down, down, Enter
    assert prompts.select("Pick:", ["a", "b", "c"]) == 2
    keys.send_text("q")
    assert prompts.select("Pick:", ["a", "b"], leave=True) is None
    keys.send_text("1")
    assert prompts.select("Pick:", ["a", "b"], leave=True) == 0


def test_a_long_menu_takes_numbers_of_two_digits(keys: PipeInput) -> None:
    decks = [f"deck {number}" for number in range(1, 32)]
    down = "\x1b[B"
    keys.send_text("30")  # no entry's number is longer and begins with 30: picked at once
    assert prompts.select("Deck:", decks) == 29
    keys.send_text("3\r")  # 3 could begin 30 or 31: the pointer goes to 3, Enter picks it
    assert prompts.select("Deck:", decks) == 2
    keys.send_text("4")  # nothing begins with 4 but 4 itself
    assert prompts.select("Deck:", decks) == 3
    keys.send_text("35\r")  # no 35: the 5 begins a new number, only pointed at (a slip)
    assert prompts.select("Deck:", decks) == 4
    keys.send_text("3" + "9" + "1\r")  # no 39: 9 is pointed at, and 91 is no number either
    assert prompts.select("Deck:", decks) == 0
    keys.send_text("07")  # no entry's number begins with 0
    assert prompts.select("Deck:", decks) == 6
    keys.send_text("1" + down + down + "6")  # the arrows moved on from 1: 6, not 16
    assert prompts.select("Deck:", decks) == 5
    keys.send_text("1" + down + down + "\r")  # from where 1 put the pointer
    assert prompts.select("Deck:", decks) == 2


def test_a_menu_of_ten_takes_1_as_a_beginning_and_10_whole(keys: PipeInput) -> None:
    ten = [f"entry {number}" for number in range(1, 11)]
    keys.send_text("10")
    assert prompts.select("Pick:", ten) == 9
    keys.send_text("1\r")  # 1 begins 10 too: it points, Enter picks
    assert prompts.select("Pick:", ten) == 0
    keys.send_text("2")  # nothing else begins with 2
    assert prompts.select("Pick:", ten) == 1


def test_an_answer_menu_takes_a_number_only_with_enter(keys: PipeInput) -> None:
    """An answer is graded: its number points, Enter takes it. Picked at once, the Enter
    typed after it out of habit answered the next question before it was read."""
    keys.send_text("3\r1\r")
    assert prompts.select("Your answer:", ["a", "b", "c"], confirm=True) == 2
    assert prompts.select("Your answer:", ["a", "b", "c"], confirm=True) == 0
    keys.send_text("2\x1b[B\r")  # the arrows go on from where the number pointed
    assert prompts.select("Your answer:", ["a", "b", "c"], confirm=True) == 2


def test_the_back_entry_of_a_menu_is_left_by_q_and_is_no_number(keys: PipeInput) -> None:
    nine = [f"mode {number}" for number in range(1, 10)]
    keys.send_text("\x1b[B" * 9 + "\r")  # Enter on the last entry, "q) Quit"
    assert prompts.select("Mode:", nine, leave=True, back="Quit") is None
    keys.send_text("9")  # a menu of nine and Quit: 9 is whole, picked at once
    assert prompts.select("Mode:", nine, leave=True, back="Quit") == 8
    keys.send_text("q")
    assert prompts.select("Mode:", nine, leave=True, back="Quit") is None


def test_text_prompts_in_a_row_keep_line_editing(keys: PipeInput) -> None:
    import questionary

    share_default_bindings()
    keys.send_text("helo\x1b[Dl\r")  # left arrow, then insert the missing letter
    assert questionary.text("Answer:").unsafe_ask() == "hello"
    keys.send_text("abc\x7f\x7fx\r")  # two backspaces
    assert questionary.text("Answer:").unsafe_ask() == "ax"


def test_text_is_cut_to_terminal_columns_wide_characters_counting_two() -> None:
    assert shorten("a short line", 20) == "a short line"
    assert shorten("a  line\nwith   spaces", 40) == "a line with spaces"
    assert shorten("abcdefghij", 8) == "abcde..."
    wide = "機械学習のモデルは訓練データの小さな変化で大きく変わる"  # 27 characters, 54 columns
    assert columns(wide) == 54
    cut = shorten(wide, 20)
    assert cut.endswith("...") and columns(cut) <= 20 and columns(cut) >= 19
    assert columns("e\u0301") == 1  # a combining accent takes no column


def test_an_answered_line_keeps_inline_code_and_fits_its_room() -> None:
    answer = "2) Use `df.groupby(...)` then `merge` the result back onto the events table"
    tokens = prompts._answer_tokens(answer)
    assert ("class:answer bold fg:ansicyan", "df.groupby(...)") in tokens
    assert "`" not in "".join(text for _, text in tokens)
    for room in (12, 20, 30, 80):
        cut = prompts._cut(tokens, room)
        assert sum(columns(text) for _, text in cut) <= room
    assert prompts._cut(tokens, 80) == tokens
    cut = prompts._cut(tokens, 30)
    assert "".join(text for _, text in cut) == "2) Use df.groupby(...) then..."
    wide = prompts._cut(prompts._answer_tokens("1) 機械学習のモデルは訓練データで変わる"), 16)
    assert sum(columns(text) for _, text in wide) <= 16


def test_a_checkbox_of_more_than_nine_takes_numbers_of_two_digits(keys: PipeInput) -> None:
    import questionary

    share_default_bindings()
    options = [questionary.Choice(f"option {n}", value=n - 1) for n in range(1, 12)]
    question = questionary.checkbox("Mark:", choices=options)
    prompts._number_keys_toggle(question, len(options))
    # 11 marks 11; 1 then space marks 1 (1 begins 10 and 11 too: it points); 5 marks 5;
    # 5 again unmarks it; 3 then 9 (no 39) points at 9, and space marks it
    keys.send_text("11" + "1 " + "5" + "5" + "39 " + "\r")
    assert sorted(question.unsafe_ask()) == [0, 8, 10]


def test_a_number_that_marks_an_option_clears_the_call_to_mark_one(keys: PipeInput) -> None:
    """Enter with nothing marked says "Mark at least one option."; marking one by its number
    left the message on screen (space, which validates again, cleared it)."""
    import questionary

    share_default_bindings()
    options = [questionary.Choice(f"option {n}", value=n - 1) for n in range(1, 4)]
    question = questionary.checkbox(
        "Mark:", choices=options, validate=lambda chosen: bool(chosen) or "Mark one."
    )
    prompts._number_keys_toggle(question, len(options))
    control = prompts._inquirer_control(question)
    shown: list[bool] = []  # whether the message is shown, when "?" is pressed

    @question.application.key_bindings.add("?", eager=True)
    def look(event) -> None:
        shown.append(control.error_message is not None)

    keys.send_text("\r" + "?" + "2" + "?" + "\r")
    assert question.unsafe_ask() == [1]
    assert shown == [True, False]


def test_ctrl_d_at_a_menu_ends_the_input_as_at_a_text_prompt(keys: PipeInput) -> None:
    keys.send_text("\x04")
    with pytest.raises(EOFError):
        prompts.select("Your answer:", ["a", "b"], confirm=True)
    keys.send_text("\x04")
    with pytest.raises(EOFError):
        prompts.select("Mode:", ["a", "b"], leave=True, back="Quit")


def test_the_sql_editor_runs_a_query_only_from_a_line_ending_with_a_semicolon(
    keys: PipeInput,
) -> None:
    """Enter on a line with no ";" adds a line, though the query's last line ends with one:
    run whole, a recalled query edited on its first line cost a try."""
    from mlprep.ui.sqledit import SqlEditor

    editor = SqlEditor(color=False)
    keys.send_text("SELECT id\rFROM users;\r")
    assert editor.read() == ("SELECT id\nFROM users;", "")
    up, end, last = "\x1b[A", "\x1b[F", "\x1b[1;5F"  # (Ctrl-End: the end of the text)
    keys.send_text(up + end + "\r" + "  , name" + last + "\r")
    assert editor.read("SELECT id\nFROM users;") == ("SELECT id\n  , name\nFROM users;", "")


def test_a_query_ends_at_a_semicolon_or_at_an_empty_line_after_it():
    """As `mlprep sql` reads one: in quiz, review and mock an empty line after a half-typed
    query only added a line."""
    from mlprep.ui.prompts import COMMANDS_ELSEWHERE, read_query

    def reading(*lines: str):
        given = iter(lines)
        return lambda first: next(given)

    said: list[str] = []
    assert read_query(reading("SELECT 1", "FROM t", ""), said.append) == "SELECT 1\nFROM t"
    assert read_query(reading("SELECT 1", "FROM t;", "x"), said.append) == "SELECT 1\nFROM t;"
    assert read_query(reading("   ", "never read"), said.append) == ""  # (gives up)
    firsts: list[bool] = []
    read_query(
        lambda first: firsts.append(first) or ("x;" if len(firsts) == 2 else "y"), said.append
    )
    assert firsts == [True, False]
    assert said == []
    # a command of `mlprep sql` is said to work there, and is no line of the query
    query = read_query(reading(".tables", "SELECT 1", " .schema t", "FROM t;"), said.append)
    assert query == "SELECT 1\nFROM t;"
    assert said == [COMMANDS_ELSEWHERE] * 2


@pytest.mark.parametrize("make", ["directory", "named pipe"])
def test_an_sql_history_that_is_not_a_file_is_not_kept(tmp_path, make) -> None:
    """A directory as sql_history gave a traceback and a stuck prompt; a named pipe froze the
    terminal: the session goes on with a history of its own."""
    import os

    from prompt_toolkit.history import FileHistory, InMemoryHistory

    from mlprep.ui.sqledit import _history

    path = tmp_path / "sql_history"
    path.mkdir() if make == "directory" else os.mkfifo(path)
    assert isinstance(_history(path), InMemoryHistory)
    assert isinstance(_history(tmp_path / "kept"), FileHistory)
