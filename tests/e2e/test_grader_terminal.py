"""A typed answer in a real terminal: the keypoint checklist, then Enter accepts the suggestion."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("pexpect")

from tests.conftest import FIXTURES  # noqa: E402
from tests.e2e.test_quiz_terminal import ENTER, deliberately, spawn  # noqa: E402


def test_a_typed_answer_shows_the_checklist_and_enter_accepts_the_suggestion(mlprep_home):
    # seed 1 asks graded-self (no keypoints) first, then graded-bagging
    args = ["quiz", "graded", "--seed", "1", "--decks", str(FIXTURES / "grader")]
    child = spawn(args, mlprep_home)
    child.expect("Why are single deep trees unstable")
    child.expect("Your answer \\(Enter to reveal\\):")
    deliberately(child, ENTER)  # an empty answer: self-graded as before
    child.expect("Reference answer")
    child.expect("\\(Enter: Good\\)")
    child.send("3")
    child.expect("What does bagging do")
    child.expect("Your answer \\(Enter to reveal\\):")
    child.send("Bagging lowers the variance and the bias stays the same" + ENTER)
    child.expect("Reference answer")
    child.expect("Score 0.67, suggested grade: Hard")
    child.expect("\\[x\\] Bagging mainly reduces variance")
    child.expect('you said: "lowers the variance"')
    child.expect("\\[ \\] The gain depends on how correlated the trees are")
    child.expect("\\(Enter: Hard\\)")
    deliberately(child, ENTER)
    child.expect("Graded Hard\\.")
    child.expect("Answered 2 cards")
    child.expect(pexpect_eof())
    lines = (mlprep_home / "progress" / "reviews.jsonl").read_text().splitlines()
    graded = [json.loads(line) for line in lines][-1]
    assert (graded["card"], graded["grade"], graded["suggested"]) == ("graded-bagging", 2, 2)


def pexpect_eof():
    import pexpect

    return pexpect.EOF
