"""The coding-drill session's grading: first pass Good, pass after failed runs Hard,
revealed Again, skipped nothing; an untouched stub is not an attempt."""

from __future__ import annotations

from mlprep.coderun import Verdict
from mlprep.drillfile import stub_source
from mlprep.model import Card, CardType, Grade
from mlprep.sessions.coding import run_code_session, summary_lines

CARD = Card(
    id="coding-x", q="Write f.", a="`f`", deck="coding", type=CardType.CODE, signature="f(x)"
)


class Script:
    def __init__(self, steps):
        self.steps = list(steps)
        self.shown = []

    def show_drill(self, card, path, position, total):
        self.shown.append(("drill", card.id, path.name))

    def edit(self, path):
        self.shown.append(("edit",))

    def show_verdict(self, verdict):
        self.shown.append(("verdict", verdict.passed))

    def next_step(self):
        return self.steps.pop(0)

    def show_answer(self, card):
        self.shown.append(("answer", card.id))

    def notice(self, message):
        self.shown.append(("notice", message))

    def after_ctrl_c(self):
        self.shown.append(("after ctrl-c",))


def verdicts(*outcomes):
    """A checker returning these outcomes in turn: True pass, False fail, None stub."""
    queue = list(outcomes)

    def check(card, path):
        outcome = queue.pop(0)
        if outcome is None:
            return Verdict(card.id, False, 3, error="not implemented yet", not_implemented=True)
        return Verdict(card.id, outcome, 3, failed_count=0 if outcome else 1)

    return check


def run(tmp_path, outcomes, steps):
    recorded = []

    class Recorded:
        reschedules = False

        def record(self, card, grade, ms, answer=None, suggested=None):
            recorded.append(grade)

    result = run_code_session(
        [CARD], Script(steps), verdicts(*outcomes), Recorded(), tmp_path, clock=lambda: 0.0
    )
    return result, recorded


def test_the_stub_is_written_once_and_kept(tmp_path):
    run(tmp_path, [True], [])
    stub = tmp_path / "coding-x.py"
    assert stub.read_text() == stub_source(CARD)
    stub.write_text("def f(x):\n    return x\n")
    run(tmp_path, [True], [])
    assert stub.read_text() == "def f(x):\n    return x\n"


def test_grades(tmp_path):
    assert run(tmp_path, [True], [])[1] == [Grade.GOOD]
    assert run(tmp_path, [None, True], ["retry"])[1] == [Grade.GOOD]  # the stub run is free
    assert run(tmp_path, [False, True], ["retry"])[1] == [Grade.HARD]
    assert run(tmp_path, [False], ["reveal"])[1] == [Grade.AGAIN]
    result, recorded = run(tmp_path, [False], ["next"])
    assert recorded == [] and summary_lines(result) == ["1 drill: 1 failed (not recorded)."]
    result, recorded = run(tmp_path, [None], ["next"])  # the stub as it was: no try
    assert recorded == [] and summary_lines(result) == ["1 drill: 1 skipped."]
    result, recorded = run(tmp_path, [False], ["quit"])
    assert recorded == [] and result.stopped == "quit"


def test_a_session_with_nothing_due_says_so(tmp_path):
    result = run_code_session([], Script([]), verdicts(), None, tmp_path)
    assert summary_lines(result) == [
        "No coding drill is due. Name one, e.g. mlprep code coding-softmax."
    ]


def test_a_drill_file_removed_meanwhile_is_said_and_the_drill_goes_on(tmp_path):
    """The editor removed the file (or put a directory there): the check's "no such file"
    ended the whole session with a usage error and no summary."""
    from mlprep.errors import UsageError

    outcomes = [False, True]

    def check(card, path):
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
        return Verdict(card.id, outcomes.pop(0), 3, failed_count=0)

    class Removing(Script):
        def edit(self, path):
            super().edit(path)
            if len(self.shown) == 2:  # (the first edit: the file goes)
                path.unlink()
            else:
                path.write_text("def f(x):\n    return x\n")

    recorded = []

    class Recorded:
        reschedules = False

        def record(self, card, grade, ms, answer=None, suggested=None):
            recorded.append(grade)

    script = Removing(["retry", "retry"])
    result = run_code_session([CARD], script, check, Recorded(), tmp_path, clock=lambda: 0.0)
    assert (
        "notice",
        f"{tmp_path / 'coding-x.py'}: no such file; save your function there and try again.",
    ) in script.shown
    assert recorded == [Grade.HARD]  # one failed run, then a pass: the missing file is no try
    assert result.stopped is None


def test_a_directory_in_place_of_the_drill_file_is_named(tmp_path):
    """It said 'no such file; save your function there' of a directory."""
    from mlprep.errors import UsageError

    def check(card, path):
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
        return Verdict(card.id, True, 3, failed_count=0)

    class Replacing(Script):
        def edit(self, path):
            super().edit(path)
            if len(self.shown) == 2:  # (the first edit: a directory takes the file's place)
                path.unlink()
                path.mkdir()
            else:
                path.rmdir()
                path.write_text("def f(x):\n    return x\n")

    class Recorded:
        reschedules = False

        def record(self, card, grade, ms, answer=None, suggested=None):
            return None

    script = Replacing(["retry"])
    run_code_session([CARD], script, check, Recorded(), tmp_path, clock=lambda: 0.0)
    where = tmp_path / "coding-x.py"
    assert ("notice", f"{where} is a directory; move it away and try again.") in script.shown


def test_a_ctrl_c_while_the_tests_run_stops_the_session_on_a_clean_line(tmp_path):
    """The terminal echoed "^C" where the cursor was: the summary began two columns in."""

    def interrupted(card, path):
        raise KeyboardInterrupt

    class Recorded:
        reschedules = False

        def record(self, card, grade, ms, answer=None, suggested=None):
            raise AssertionError("nothing is recorded")

    script = Script([])
    result = run_code_session([CARD], script, interrupted, Recorded(), tmp_path)
    assert script.shown[-1] == ("after ctrl-c",)
    assert str(result.stopped) == "interrupted"


def test_a_drill_file_that_cannot_be_written_is_named_not_the_temporary_file(tmp_path, monkeypatch):
    """An unwritable code directory was reported as "/…/code/.coding-x.py.q5o02x9y.tmp:
    Permission denied", the temporary file beside the drill's. (Tests run as root, whom no
    permission stops: the refusal is the temporary file's creation's.)"""
    import tempfile

    import pytest

    from mlprep.drillfile import ensure_stub
    from mlprep.errors import MlprepError

    def refuse(dir, prefix, suffix):
        raise PermissionError(13, "Permission denied", f"{dir}/{prefix}q5o02x9y{suffix}")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(MlprepError) as refused:
        ensure_stub(CARD, tmp_path / "code")
    drill = tmp_path / "code" / "coding-x.py"
    assert refused.value.message == f"cannot write {drill}: Permission denied"
