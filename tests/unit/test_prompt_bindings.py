"""Menus and text prompts built on one shared copy of prompt_toolkit's default bindings
still answer keys as before, and the copy really is shared."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from prompt_toolkit.application import Application, create_app_session
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from mlprep.ui import prompts
from mlprep.ui.ptkbindings import share_default_bindings


@pytest.fixture
def keys() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe


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
    keys.send_text("35")  # no 35: the 5 begins a new number
    assert prompts.select("Deck:", decks) == 4
    keys.send_text("07")  # no entry's number begins with 0
    assert prompts.select("Deck:", decks) == 6
    keys.send_text("1" + down + down + "6")  # the arrows moved on from 1: 6, not 16
    assert prompts.select("Deck:", decks) == 5
    keys.send_text("1" + down + down + "\r")  # from where 1 put the pointer
    assert prompts.select("Deck:", decks) == 2


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
