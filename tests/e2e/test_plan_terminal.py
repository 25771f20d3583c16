"""The interview countdown in the home menu, in a real pseudo-terminal, on MLPREP_NOW's clock."""

from __future__ import annotations

import pexpect

from tests.e2e.test_quiz_terminal import exit_status, spawn


def test_the_home_menu_counts_down_to_the_interview(mlprep_home, monkeypatch):
    monkeypatch.setenv("MLPREP_NOW", "2030-06-01T10:00:00+00:00")
    monkeypatch.setenv("TZ", "UTC")
    setter = spawn(["plan", "--interview", "2030-06-10", "--minutes", "3", "trees"], mlprep_home)
    setter.expect("Interview on Mon 10 Jun 2030: 9 days left, 3 minutes a day.")
    setter.expect(pexpect.EOF)
    # (at 40 columns in fewer words: the whole entry, the counts kept)
    for columns, countdown in ((80, "interview in 9 days"), (40, "9d")):
        child = spawn([], mlprep_home, columns=columns)
        child.expect("What would you like to do\\?")
        child.expect(f"Review \\({countdown}\\): 0 due, 4 new")  # 180 s at 45 s a new card
        child.send("q")  # leaves the menu
        assert exit_status(child) == 0


def test_a_notice_on_stderr_is_wrapped_to_a_narrow_terminal(mlprep_home, monkeypatch):
    """A notice written to a narrow terminal breaks between words (at 40 columns it read
    "Following your interview plan: 9 days le" / "ft.")."""
    monkeypatch.setenv("MLPREP_NOW", "2030-06-01T10:00:00+00:00")
    monkeypatch.setenv("TZ", "UTC")
    setter = spawn(["plan", "--interview", "2030-06-10", "--minutes", "3", "trees"], mlprep_home)
    setter.expect(pexpect.EOF)
    child = spawn(["review"], mlprep_home, columns=30)
    child.expect("Following your interview plan:\r\n9 days left\\.\r\n")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
