"""`mlprep grade CARD_ID [--json]`: an answer from stdin checked against a card's keypoints."""

from __future__ import annotations

import io
import json

from tests.conftest import FIXTURES

GRADED = ["--decks", str(FIXTURES / "grader")]


def test_grade_json_has_the_documented_shape(cli):
    answer = "Bagging lowers the variance but does not change the bias."
    result = cli("grade", "graded-bagging", "--json", *GRADED, input=answer)
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout) == {
        "card": "graded-bagging",
        "score": 0.667,
        "suggested": "hard",
        "covered": [
            {"point": "Bagging mainly reduces variance", "matched": "lowers the variance"},
            {"point": "Bias stays roughly unchanged", "matched": "not change the bias"},
        ],
        "missed": [{"point": "The gain depends on how correlated the trees are"}],
        "misconceptions": [],
    }


def test_grade_json_reports_a_misconception(cli):
    result = cli("grade", "graded-bagging", "--json", *GRADED, input="it reduces bias")
    data = json.loads(result.stdout)
    assert (data["suggested"], data["score"]) == ("again", 0.0)
    assert data["misconceptions"] == [
        {
            "claim": "Bagging reduces bias",
            "correction": (
                "Averaging trees of the same bias keeps that bias; boosting attacks bias."
            ),
            "matched": "reduces bias",
        }
    ]


def test_grade_prints_a_checklist(cli):
    answer = "Averaging reduces variance; bias stays put. Bagging also reduces bias, I think."
    result = cli("grade", "graded-bagging", *GRADED, input=answer)
    assert result.exit_code == 0
    assert result.stdout == (
        "Score 0.33, suggested grade: Again\n"
        "  [x] Bagging mainly reduces variance\n"
        '      you said: "reduces variance"\n'
        "  [x] Bias stays roughly unchanged\n"
        '      you said: "bias stays"\n'
        "  [ ] The gain depends on how correlated the trees are\n"
        "  [!] Misconception: Bagging reduces bias\n"
        '      you said: "reduces bias"\n'
        "      Averaging trees of the same bias keeps that bias; boosting attacks bias.\n"
    )


def test_grade_reads_binary_and_empty_input(cli):
    for answer in ("", "\x00\x01\x1b[31m\x7f", "?!?!"):
        result = cli("grade", "graded-bagging", "--json", *GRADED, input=answer)
        assert result.exit_code == 0
        assert json.loads(result.stdout)["suggested"] == "again"


def test_grade_says_when_the_answer_was_empty(cli):
    """A checklist of nothing made, suggesting Again, with no word that no answer came."""
    result = cli("grade", "graded-bagging", *GRADED, input="  \n")
    assert result.exit_code == 0
    assert result.stderr == (
        "warning: the answer was empty (give it on standard input: "
        "echo ... | mlprep grade graded-bagging)\n"
    )
    assert "suggested grade: Again" in result.stdout
    assert cli("grade", "graded-bagging", *GRADED, input="bagging").stderr == ""


def test_grade_an_unknown_card_is_a_usage_error(cli):
    result = cli("grade", "graded-nope", *GRADED, input="x")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: No card 'graded-nope'.\n"  # (like no card of the deck)


def test_grade_a_card_without_keypoints_is_a_usage_error(cli):
    result = cli("grade", "graded-self", *GRADED, input="x")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: Card 'graded-self' has no keypoints to grade against.\n"


def test_grade_works_on_built_in_cards(cli):
    answer = "Train on bootstrap samples and average them; it mostly lowers variance."
    result = cli("grade", "ensembles-bagging-definition", "--json", input=answer)
    data = json.loads(result.stdout)
    assert [c["matched"] for c in data["covered"]] == ["bootstrap samples", "lowers variance"]


def test_quiz_checks_a_typed_answer_and_preselects_the_suggestion(cli):
    # graded-self (no keypoints, empty answer) is self-graded as before; graded-bagging's typed
    # answer gets the checklist and Enter accepts the suggested Hard.
    answers = "\n3\nBagging lowers variance but it reduces the bias too\n\n"
    result = cli("quiz", "graded", "--plain", "--seed", "1", *GRADED, input=answers)
    assert result.exit_code == 0
    out = result.stdout
    assert "Grade (1-4): 3\n" in out
    assert "Suggested:" not in out.split("[2/2]")[0]
    assert (
        "Your answer against the keypoints:\n"
        "Score 0.17, suggested grade: Again\n"
        "  [x] Bagging mainly reduces variance\n"
        '      you said: "lowers variance"\n'
        "  [ ] Bias stays roughly unchanged\n"
        "  [ ] The gain depends on how correlated the trees are\n"
        "  [!] Misconception: Bagging reduces bias\n"
        '      you said: "reduces the bias"\n'
        "      Averaging trees of the same bias keeps that bias; boosting attacks bias.\n"
        "How well did you know it? 1 Again 1m · 2 Hard 6m · 3 Good 10m · 4 Easy 8d\n"
        "Suggested: 1 Again (Enter takes it)\n"
        "Grade (1-4): \n"
        "Graded Again.\n"  # (Enter alone: the grade it took is said)
    ) in out
    assert "  Again  graded-bagging" in out


def test_quiz_a_typed_grade_overrides_the_suggestion(cli):
    answers = "\n3\nBagging lowers variance\n4\n"
    result = cli("quiz", "graded", "--plain", "--seed", "1", *GRADED, input=answers)
    assert "Suggested: 2 Hard (Enter takes it)\nGrade (1-4): 4\n" in result.stdout
    assert "  Easy   graded-bagging" in result.stdout


def test_the_suggestion_is_saved_beside_the_grade_and_stats_show_agreement(cli, mlprep_home):
    answers = "\n3\nBagging lowers variance\n4\n"
    cli("quiz", "graded", "--plain", "--seed", "1", *GRADED, input=answers)
    events = [
        json.loads(line)
        for line in (mlprep_home / "progress" / "reviews.jsonl").read_text().splitlines()
    ]
    assert [(e["card"], e["grade"], e.get("suggested")) for e in events] == [
        ("graded-self", 3, None),  # an empty answer is self-graded: no suggestion
        ("graded-bagging", 4, 2),
    ]
    data = json.loads(cli("stats", "graded", "--json", *GRADED).stdout)
    assert data["agreement"] == [{"deck": "graded", "graded": 1, "agreed": 0}]
    text = cli("stats", "graded", *GRADED).stdout
    assert "Your grade = suggested grade (typed answers)\n  graded" in text
    assert "0/1" in text


def test_mock_transcript_checks_typed_answers(cli, mlprep_home):
    answer = "bagging lowers the variance\n"
    mock = ["mock", "-d", "graded", "--deck-dir", str(FIXTURES / "grader"), "-n", "2"]
    result = cli(*mock, input=answer * 2 + "2\n2\n")
    assert result.exit_code == 0
    assert "Score 0.33, suggested grade: Hard\n  [x] Bagging mainly reduces variance\n" in (
        result.stdout
    )
    assert result.stdout.count("Suggested: 2 Hard (Enter takes it)\nGrade (1-4): 2\n") == 1
    events = [
        json.loads(line)
        for line in (mlprep_home / "progress" / "reviews.jsonl").read_text().splitlines()
    ]
    assert sorted((e["card"], e["grade"], e.get("suggested"), e["mode"]) for e in events) == [
        ("graded-bagging", 2, 2, "mock"),
        ("graded-self", 2, None, "mock"),
    ]


class _TypedAnswer(io.StringIO):
    """An answer typed at the terminal rather than piped in."""

    def isatty(self) -> bool:
        return True


def test_grade_says_how_to_end_an_answer_typed_at_a_terminal(mlprep_home):
    """Typed at a prompt, `mlprep grade` said nothing and seemed to hang."""
    from typer.testing import CliRunner

    from mlprep.cli.app import app
    from mlprep.cli.state import Environment

    env = Environment(stdin_=_TypedAnswer("reduces variance\n"))
    result = CliRunner().invoke(app, ["grade", "graded-bagging", *GRADED], obj=env)
    assert result.exit_code == 0
    assert result.stderr == "Type your answer, then press Ctrl-D on a line of its own.\n"
    assert "[x] Bagging mainly reduces variance" in result.stdout
