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


def test_text_prompts_in_a_row_keep_line_editing(keys: PipeInput) -> None:
    import questionary

    share_default_bindings()
    keys.send_text("helo\x1b[Dl\r")  # left arrow, then insert the missing letter
    assert questionary.text("Answer:").unsafe_ask() == "hello"
    keys.send_text("abc\x7f\x7fx\r")  # two backspaces
    assert questionary.text("Answer:").unsafe_ask() == "ax"
