"""The keypoints kind: open cards with keypoints get a checklist and a suggested grade."""

from __future__ import annotations

from mlprep.kinds import KindContext, kind_of
from mlprep.kinds.keypoints import KeypointsKind
from mlprep.kinds.open import OpenKind
from mlprep.model import Card, Grade, Keypoint, Misconception

CARD = Card(
    id="k-bagging",
    q="What does bagging reduce?",
    a="Mainly the variance.",
    keypoints=(
        Keypoint("Bagging mainly reduces variance", ("reduce|lower variance",)),
        Keypoint("Bias stays about the same", ("bias same|unchanged",)),
    ),
    misconceptions=(Misconception("Bagging reduces bias", ("reduce bias",), "It does not."),),
)


class Typed:
    """A prompter that types one answer and records what it is asked to show."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.later: list[bool] = []
        self.shown: list[str] = []

    def ask_open(self, later: bool = False) -> str:
        self.later.append(later)
        return self.answer

    def show_answer(self, card: Card) -> None:
        self.shown.append(f"reference of {card.id}")

    def notice(self, message: str) -> None:
        self.shown.append(message)


def test_only_open_cards_with_keypoints_take_the_keypoints_kind():
    assert type(kind_of(CARD)) is KeypointsKind
    assert type(kind_of(Card(id="o", q="q", a="a"))) is OpenKind


def test_a_typed_answer_is_checked_and_a_grade_suggested():
    prompter = Typed("it lowers the variance; the bias stays the same")
    kind = kind_of(CARD)
    outcome = kind.attempt(CARD, prompter, KindContext())
    assert outcome.journal == "it lowers the variance; the bias stays the same"
    assert (outcome.verdict.correct, outcome.verdict.grade) == (None, None)  # the user grades
    assert outcome.verdict.suggested is Grade.GOOD
    kind.reveal(CARD, prompter, outcome)
    assert prompter.shown == [
        "reference of k-bagging",
        "Your answer against the keypoints:",
        "Score 1.00, suggested grade: Good",
        "  [x] Bagging mainly reduces variance",
        '      you said: "lowers the variance"',
        "  [x] Bias stays about the same",
        '      you said: "bias stays the same"',
    ]


def test_a_misconception_suggests_again():
    outcome = kind_of(CARD).attempt(CARD, Typed("bagging reduces bias"), KindContext())
    assert outcome.verdict.suggested is Grade.AGAIN
    assert "  [!] Misconception: Bagging reduces bias" in outcome.verdict.feedback


def test_an_empty_answer_is_self_graded_without_a_suggestion():
    outcome = kind_of(CARD).attempt(CARD, Typed("   "), KindContext())
    assert (outcome.verdict.suggested, outcome.verdict.feedback) == (None, ())


def test_in_a_mock_interview_the_answer_is_taken_for_later():
    prompter = Typed("it lowers the variance")
    outcome = kind_of(CARD).attempt(CARD, prompter, KindContext(collect_only=True))
    assert prompter.later == [True] and prompter.shown == []  # nothing shown yet
    assert outcome.verdict.suggested is Grade.HARD


LONG_POINT = Card(
    id="k-catboost",
    q="What does CatBoost's ordered boosting address?",
    a="Target leakage from using a row's own label.",
    keypoints=(
        Keypoint(
            "Target statistics and gradients computed on the same rows use each row's own "
            "label: target leakage and prediction shift",
            ("target leakage",),
        ),
    ),
)


def test_the_checklist_is_wrapped_by_the_terminal_it_is_shown_in_hanging_under_each_point():
    """The kind gives one line a point; each prompter wraps it to its own width, the further
    lines under the point's text, never mid-word."""
    import io

    from rich.console import Console

    from mlprep.ui.prompts import PlainPrompter, QuestionaryPrompter

    answer = "the leakage: target leakage from each row's own label"
    outcome = kind_of(LONG_POINT).attempt(LONG_POINT, Typed(answer), KindContext())
    point = next(line for line in outcome.verdict.feedback if line.startswith("  [x] "))
    assert point.endswith("target leakage and prediction shift")  # one line, as given
    for width in (40, 60):
        plain = io.StringIO()
        PlainPrompter(io.StringIO(), plain, echo=False, width=width).notice(point)
        rich = io.StringIO()
        console = Console(file=rich, width=width, color_system=None)
        QuestionaryPrompter(console, io.StringIO()).notice(point)
        for shown in (plain.getvalue(), rich.getvalue()):
            lines = shown.splitlines()
            assert len(lines) > 1 and all(len(line) <= width for line in lines)
            assert lines[0].startswith("  [x] Target statistics")
            assert all(line.startswith("      ") and line[6] != " " for line in lines[1:])
            assert " ".join(line.strip() for line in lines) == point.strip()
