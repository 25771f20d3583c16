"""`mlprep code check` (exit codes, JSON, --record) and `mlprep code` sessions driven through
plain input, with an "editor" that copies a prepared solution over the stub."""

from __future__ import annotations

import json
import shlex
import sys

import pytest

from tests.forkserver import drills_through_server

SOFTMAX = (
    "import numpy as np\n\n"
    "def softmax(x, axis=-1):\n"
    "    e = np.exp(x - x.max(axis=axis, keepdims=True))\n"
    "    return e / e.sum(axis=axis, keepdims=True)\n"
)
UNSTABLE = (
    "import numpy as np\n\n"
    "def softmax(x, axis=-1):\n"
    "    return np.exp(x) / np.exp(x).sum(axis=axis, keepdims=True)\n"
)


@pytest.fixture(scope="module", autouse=True)
def harness_from_a_server():
    """The drills run through the test run's server of harnesses (tests/forkserver.py): what
    is tested here is the command, not how a harness process starts (test_coderun)."""
    with drills_through_server():
        yield


@pytest.fixture
def files(tmp_path):
    (tmp_path / "good.py").write_text(SOFTMAX)
    (tmp_path / "bad.py").write_text(UNSTABLE)
    return tmp_path


def log_lines(home):
    path = home / "progress" / "reviews.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_check_passes_with_exit_0_and_records_nothing(cli, files, mlprep_home):
    result = cli("code", "check", "coding-softmax", str(files / "good.py"))
    assert (result.exit_code, result.stdout) == (0, "Passed: all 14 tests.\n")
    assert log_lines(mlprep_home) == []


def test_check_shows_the_smallest_failing_case(cli, files):
    result = cli("code", "check", "coding-softmax", str(files / "bad.py"))
    assert result.exit_code == 1
    assert result.stdout == (
        "Failed 4 of 14 tests.\n"
        "The smallest failing case:\n"
        "  softmax(x=array([1000., 1001.,  999.]))  [large inputs]\n"
        "  expected: array([0.24472847, 0.66524096, 0.09003057])\n"
        "  got:      raised RuntimeWarning: overflow encountered in exp\n"
    )


def test_check_json(cli, files):
    result = cli("code", "check", "coding-softmax", str(files / "bad.py"), "--json")
    assert result.exit_code == 1
    verdict = json.loads(result.stdout)
    assert set(verdict) == {"card", "passed", "tests", "failures", "error"}
    assert (verdict["card"], verdict["passed"], verdict["tests"], verdict["error"]) == (
        "coding-softmax",
        False,
        14,
        None,
    )
    assert len(verdict["failures"]) == 4
    assert all(set(f) == {"case", "expected", "got"} for f in verdict["failures"])
    assert verdict["failures"][0]["case"].startswith("softmax(x=array([1000., 1001.,  999.]))")
    assert verdict["failures"][0]["got"] == "raised RuntimeWarning: overflow encountered in exp"
    good = json.loads(
        cli("code", "check", "coding-softmax", str(files / "good.py"), "--json").stdout
    )
    assert good == {
        "card": "coding-softmax",
        "passed": True,
        "tests": 14,
        "failures": [],
        "error": None,
    }


def test_check_usage_errors_exit_2(cli, files):
    unknown = cli("code", "check", "coding-softmaxx", str(files / "good.py"))
    assert (unknown.exit_code, unknown.stderr) == (
        2,
        "Error: No card 'coding-softmaxx'. Did you mean 'coding-softmax'?\n",
    )
    missing = cli("code", "check", "coding-softmax", str(files / "nope.py"))
    assert (missing.exit_code, missing.stderr) == (
        2,
        f"Error: {files / 'nope.py'}: no such file.\n",
    )
    folder = cli("code", "check", "coding-softmax", str(files))
    assert (folder.exit_code, folder.stderr) == (2, f"Error: {files}: not a regular file.\n")
    not_code = cli("code", "check", "trees-gini-max", str(files / "good.py"))
    assert not_code.exit_code == 2
    assert "not a coding drill" in not_code.stderr


def test_check_record_logs_the_grade(cli, files, mlprep_home):
    result = cli("code", "check", "coding-softmax", str(files / "bad.py"), "--record")
    assert result.exit_code == 1
    assert result.stdout.endswith("Recorded: Again.\n")
    cli("code", "check", "coding-softmax", str(files / "good.py"), "--record")
    events = log_lines(mlprep_home)
    assert [(e["card"], e["grade"], e["mode"]) for e in events] == [
        ("coding-softmax", 1, "code"),
        ("coding-softmax", 3, "code"),
    ]


def editor_copying(path) -> str:
    """An $EDITOR that replaces the file it is given with `path`."""
    copy = "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])"
    return " ".join(shlex.quote(part) for part in (sys.executable, "-c", copy, str(path)))


def test_session_writes_a_stub_runs_the_tests_and_grades_good(cli, files, mlprep_home, monkeypatch):
    monkeypatch.setenv("EDITOR", editor_copying(files / "good.py"))
    monkeypatch.delenv("VISUAL", raising=False)
    result = cli("code", "coding-softmax")
    assert result.exit_code == 0
    stub = mlprep_home / "code" / "coding-softmax.py"
    assert stub.read_text() == SOFTMAX  # the editor's work is kept
    assert result.stdout.splitlines()[-3:] == [
        "Passed: all 14 tests.",
        "Recorded: Good. Comes back in 10 minutes.",  # (as quiz and review say it)
        "1 drill: 1 Good.",
    ]
    assert [(e["card"], e["grade"]) for e in log_lines(mlprep_home)] == [("coding-softmax", 3)]


def test_session_retry_then_pass_is_hard_and_reveal_is_again(cli, files, mlprep_home, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", editor_copying(files / "bad.py"))
    # the first run fails; "r" re-opens the editor, which now writes the right solution
    switch = files / "switch.py"
    switch.write_text(
        "import shutil, sys, pathlib\n"
        f"src = {str(files / 'bad.py')!r}\n"
        f"flag = pathlib.Path({str(files / 'opened')!r})\n"
        f"if flag.exists(): src = {str(files / 'good.py')!r}\n"
        "flag.touch()\n"
        "shutil.copy(src, sys.argv[1])\n"
    )
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(switch))}")
    result = cli("code", "coding-softmax", input="r\n")
    assert "Failed 4 of 14 tests." in result.stdout
    assert result.stdout.splitlines()[-2:] == [
        "Recorded: Hard. Comes back in 6 minutes.",
        "1 drill: 1 Hard.",
    ]
    monkeypatch.setenv("EDITOR", editor_copying(files / "bad.py"))
    result = cli("code", "coding-softmax", input="a\n")
    assert "Reference answer:" in result.stdout and "Mistakes to avoid:" in result.stdout
    # the reference shows the code, not its Markdown fences; the mistakes are named once
    assert "```" not in result.stdout and "Classic mistakes:" not in result.stdout
    assert result.stdout.splitlines()[-2:] == [
        "Recorded: Again. Comes back in 1 minute.",
        "1 drill: 1 Again.",
    ]
    assert [e["grade"] for e in log_lines(mlprep_home)] == [2, 1]


def test_without_an_editor_the_path_is_shown_and_enter_runs_the_tests(
    cli, mlprep_home, monkeypatch
):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    result = cli("code", "coding-sigmoid", input="\nn\n")
    stub = mlprep_home / "code" / "coding-sigmoid.py"
    # (the path whole, beside "File:" where the line holds both, else on a line of its own)
    where = f"File:  {stub}" if len(f"File:  {stub}") <= 80 else f"File:\n  {stub}"
    assert f"\n{where}\n" in result.stdout
    assert (
        "No editor is set ($VISUAL or $EDITOR). Edit the file above in any editor, save\n"
        "it, then come back here.\n"
        "Press Enter to run the tests on coding-sigmoid.py \n"
        "Running the tests...\n"  # (said first: a slow answer takes seconds)
        "Not implemented yet: sigmoid still raises NotImplementedError.\n"
    ) in result.stdout
    assert result.stdout.endswith("1 drill: 1 skipped.\n")
    assert log_lines(mlprep_home) == []


def test_a_narrow_terminal_gets_the_drill_file_on_a_line_of_its_own(cli, mlprep_home, monkeypatch):
    """At 40 columns "File:  /…/code/coding-softmax.py" and "Press Enter to run the tests on
    coding-softmax.py" were cut by the terminal in mid-word."""
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setenv("COLUMNS", "40")
    result = cli("code", "coding-sigmoid", input="\nn\n")
    stub = mlprep_home / "code" / "coding-sigmoid.py"
    assert f"\nFile:\n  {stub}\n" in result.stdout
    assert "\nPress Enter to run the tests \nRunning the tests...\n" in result.stdout


def test_an_editor_that_fails_is_said_and_enter_runs_the_tests(cli, mlprep_home, monkeypatch):
    """The tests ran at once after the editor failed ("EDITOR='sleep 30'" printed sleep's
    error), on a stub it had never opened."""
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "false")
    result = cli("code", "coding-sigmoid", input="\nn\n")
    assert (
        "The editor 'false' stopped with an error (status 1). Edit the file above in any\n"
        "editor, save it, then come back here.\n"
        "Press Enter to run the tests on coding-sigmoid.py \n"
        "Running the tests...\n"
    ) in result.stdout


def test_user_deck_code_cards_need_trust(cli, tmp_path, files):
    from tests.unit.test_coderun import USER_DECK

    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "mine.yaml").write_text(USER_DECK)
    (files / "clip.py").write_text("def clip01(x):\n    return x.clip(0, 1)\n")
    args = ["code", "check", "mine-clip", str(files / "clip.py"), "--decks", str(decks)]
    refused = cli(*args)
    assert refused.exit_code == 2
    assert "--trust-deck" in refused.stderr
    assert cli(*args, "--trust-deck").stdout == "Passed: all 2 tests.\n"


def test_a_missing_numpy_is_an_error_naming_the_fix(cli, files, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "numpy" else real(name, *a)
    )
    result = cli("code", "check", "coding-softmax", str(files / "good.py"))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: coding drills need numpy, which is not installed; install it with: "
        f"{sys.executable} -m pip install numpy\n"
    )


ONE_HOT = "import numpy as np\n\ndef one_hot(y, num_classes):\n    return np.eye(num_classes)[y]\n"


def test_review_shows_the_drill_and_its_file_and_enter_runs_the_tests(cli, mlprep_home):
    solution = mlprep_home / "code" / "coding-one-hot.py"
    solution.parent.mkdir(parents=True)
    solution.write_text(ONE_HOT)
    result = cli("review", "coding", "--tag", "encoding", "--new", "1", input="\n")
    lines = result.stdout.splitlines()
    start = lines.index(f"  {solution}")  # a long path gets a line of its own
    assert lines[start - 2 : start] == ["Write: def one_hot(y, num_classes)", "File:"]
    assert lines[start + 1 : start + 4] == [
        "Edit the file, save it; Enter runs the tests, a + Enter shows the answer: ",
        "Running the tests...",  # (said first: a slow answer takes seconds)
        "Passed: all 5 tests.",
    ]
    assert [(e["card"], e["grade"], e["mode"]) for e in log_lines(mlprep_home)] == [
        ("coding-one-hot", 3, "review")
    ]
    assert log_lines(mlprep_home)[0]["answer"] == ONE_HOT  # the file, as the journal


def test_a_failing_case_in_a_review_hangs_under_its_labels_as_in_mlprep_code(
    cli, mlprep_home, files, monkeypatch
):
    """In review, quiz and drill a failing case was laid out at 80 columns, then rewrapped:
    at 50 its values went on at the left edge ("  -2.4076..."), not under "expected:"."""
    monkeypatch.setenv("COLUMNS", "50")
    wrong = ONE_HOT.replace("np.eye(num_classes)[y]", "np.eye(num_classes + 9)[y] * 1.0")
    solution = mlprep_home / "code" / "coding-one-hot.py"
    solution.parent.mkdir(parents=True)
    solution.write_text(wrong)
    (files / "wrong.py").write_text(wrong)
    checked = cli("code", "check", "coding-one-hot", str(files / "wrong.py")).stdout
    reviewed = cli("review", "coding", "--tag", "encoding", "--new", "1", input="\na\n").stdout
    case = checked[checked.index("The smallest failing case:") :].splitlines()
    assert max(map(len, case)) <= 50 and len(case) > 4
    assert all(line.startswith("  ") for line in case[1:])
    assert "\n".join(case) in reviewed


def test_quiz_code_card_reveal_is_again_and_a_failing_run_is_shown(cli, mlprep_home):
    result = cli("quiz", "coding", "--tag", "encoding", input="\na\n")
    out = result.stdout
    assert "Not implemented yet: one_hot still raises NotImplementedError." in out
    assert "Answer shown: recorded as Again." in out
    assert "Reference answer:" in out
    assert [e["grade"] for e in log_lines(mlprep_home)] == [1]
    assert (
        (mlprep_home / "code" / "coding-one-hot.py")
        .read_text()
        .endswith("def one_hot(y, num_classes):\n    raise NotImplementedError\n")
    )


def test_an_untrusted_deck_code_card_in_a_quiz_is_self_graded(cli, tmp_path, mlprep_home):
    from tests.unit.test_coderun import USER_DECK

    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "mine.yaml").write_text(USER_DECK)
    result = cli("quiz", "mine", "--decks", str(decks), input="\n3\n")
    assert (
        "This drill comes from a deck that is not built in: its tests are code and run\n"
        "only with --trust-deck (as in `mlprep review --trust-deck`). Grade yourself\n"
        "this time.\n"
    ) in result.stdout
    assert [e["grade"] for e in log_lines(mlprep_home)] == [3]


@pytest.mark.parametrize("command", ["quiz", "review", "drill"])
def test_trust_deck_runs_a_user_deck_code_card_in_every_study_mode(
    cli, tmp_path, mlprep_home, command
):
    from tests.unit.test_coderun import USER_DECK

    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "mine.yaml").write_text(USER_DECK)
    solution = mlprep_home / "code" / "mine-clip.py"
    solution.parent.mkdir(parents=True)
    solution.write_text("def clip01(x):\n    return x.clip(0, 1)\n")
    answered = []
    if command == "drill":  # a drill takes cards answered before: once, graded Again
        cli("quiz", "mine", "--decks", str(decks), input="\n1\n")
        answered = [("mine-clip", 1)]
    result = cli(command, "mine", "--decks", str(decks), "--trust-deck", input="\n")
    assert "Passed: all 2 tests." in result.stdout
    assert "not built in" not in result.stdout
    assert [(e["card"], e["grade"]) for e in log_lines(mlprep_home)] == [
        *answered,
        ("mine-clip", 3),
    ]


def test_code_without_arguments_takes_the_drills_the_schedule_offers(
    cli, files, mlprep_home, monkeypatch
):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", editor_copying(files / "good.py"))
    result = cli("code", "-n", "1")
    assert "[1/1] coding-softmax (coding, difficulty 1)" in result.stdout
    assert result.stdout.endswith("1 drill: 1 Good.\n")
    unknown = cli("code", "zzzz")
    assert (unknown.exit_code, unknown.stderr) == (
        2,
        "Error: No coding drill or deck 'zzzz'. See `mlprep code --help`.\n",
    )
    typo = cli("code", "coding-softmx")  # the closest drill, as other commands suggest one
    assert (typo.exit_code, typo.stderr) == (
        2,
        "Error: No coding drill or deck 'coding-softmx'. Did you mean 'coding-softmax'?\n",
    )


def test_check_json_says_why_when_the_values_do_not(cli, tmp_path):
    path = tmp_path / "inplace.py"
    path.write_text("def relu_backward(dout, x):\n    dout[x <= 0] = 0\n    return dout\n")
    verdict = json.loads(cli("code", "check", "coding-relu-backward", str(path), "--json").stdout)
    first = verdict["failures"][0]
    assert (
        first["case"]
        == "relu_backward(dout=array([1., 2., 3.]), x=array([-1.,  0.,  2.]))  [x = 0]"
    )
    assert first["expected"] == first["got"].split("  (")[0] == "array([0., 0., 3.])"
    assert first["got"].endswith("  (modified its input dout in place)")


def test_quitting_a_drill_session_says_so(cli, files, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", editor_copying(files / "bad.py"))
    result = cli("code", "coding-softmax", "coding-sigmoid", input="q\n")
    assert result.stdout.splitlines()[-2:] == [
        "Stopped (quit) with 1 of 2 drills not reached.",  # (nothing graded: nothing saved)
        "1 drill: 1 failed (not recorded).",
    ]


def test_a_card_that_is_no_drill_is_named_with_its_kind(cli, tmp_path):
    path = tmp_path / "x.py"
    path.write_text("def f():\n    return 1\n")
    result = cli("code", "check", "sql-distinct-buyers", str(path))
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Card 'sql-distinct-buyers' is not a coding drill; it is a card of kind sql.\n"
    )


def test_a_deck_without_drills_is_named(cli):
    result = cli("code", "trees", input="")
    assert (result.exit_code, result.stderr) == (2, "Error: Deck 'trees' has no coding drills.\n")


def test_a_hint_is_a_sentence_though_the_answer_goes_on_after_a_colon():
    from mlprep.sessions.sqlpractice import first_sentence

    answer = "Filter to `status = 'completed'` and count `DISTINCT user_id`: the answer is 29."
    assert (
        first_sentence(answer) == "Filter to `status = 'completed'` and count `DISTINCT user_id`."
    )
    assert first_sentence("ORDER BY id, then LIMIT 3. More.") == "ORDER BY id, then LIMIT 3."
    # (a ";" or ":" inside parentheses does not end it: the hint was cut mid-parenthesis)
    assert first_sentence("A CTE (anchor id = 1, level 1; step: level + 1), then group. Six.") == (
        "A CTE (anchor id = 1, level 1; step: level + 1), then group."
    )


def test_a_hint_leaves_out_the_results_the_answer_states():
    """The hint gave "so one SELECT gives 134, 18 and 2", and the card was right first time."""
    from mlprep.sessions.sqlpractice import hint_text

    assert hint_text(
        "Count rows and non-NULLs, so one `SELECT` gives **134, 18 and 2**. More."
    ) == ("Count rows and non-NULLs, so one `SELECT` gives …")
    assert hint_text("It is the average among coupon users (**8.89**); to count ...") == (
        "It is the average among coupon users."
    )
    assert hint_text("Count orders with coffee (20), with filters (21) and all (129).") == (
        "Count orders with coffee, with filters and all."
    )


def test_other_input_at_a_drill_says_what_the_keys_do_and_runs_nothing(cli, mlprep_home):
    """Anything typed ran the tests: "s" (to skip, as in flash and sql) seemed to do nothing
    but run them again."""
    result = cli("quiz", "coding", "--tag", "encoding", input="s\n\na\n")
    out = result.stdout
    hint = "Enter runs the tests; a + Enter shows the answer (recorded as Again)."
    assert out.count(hint) == 1
    assert out.index(hint) < out.index("Not implemented yet: one_hot still raises")
    assert out.count("Not implemented yet: one_hot") == 1  # only Enter ran them
    assert [e["grade"] for e in log_lines(mlprep_home)] == [1]


def test_a_drill_file_replaced_in_a_review_is_named_and_the_tests_can_run_again(cli, mlprep_home):
    """A directory in place of the drill's file ended the card with "...: no such file Grade
    yourself this time." (no full stop, and not what it was); `mlprep code` says what is in
    the way and asks again, and so does a drill met in review."""
    in_the_way = mlprep_home / "code" / "coding-one-hot.py"
    in_the_way.mkdir(parents=True)
    result = cli("review", "coding", "--tag", "encoding", "--new", "1", input="\na\n")
    said = "".join(result.stdout.split())  # (a long path is cut to the terminal's width)
    assert f"{in_the_way}isadirectory;moveitawayandtryagain." in said
    assert "Gradeyourself" not in said
    assert [(e["card"], e["grade"]) for e in log_lines(mlprep_home)] == [("coding-one-hot", 1)]


def test_new_drills_are_offered_after_a_days_new_cards_of_other_decks(
    cli, mlprep_home, monkeypatch
):
    """Once 20 cards of any deck had been new today, `mlprep code` said no drill was due,
    every drill still new."""
    from datetime import timedelta

    from mlprep.model import Grade
    from mlprep.progress import ProgressStore
    from tests.conftest import FIXED_NOW

    store = ProgressStore(mlprep_home / "progress").load()
    for n in range(25):
        store.record(f"trees-x{n}", Grade.GOOD, "review", 1000, FIXED_NOW - timedelta(minutes=n))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    result = cli("code", input="q\n")
    assert "No coding drill is due" not in result.stdout
    assert "[1/" in result.stdout


def test_a_file_that_is_not_utf8_is_named_in_one_line(cli, tmp_path):
    """It was "cannot read the file: 'utf-8' codec can't decode byte 0xa2 in position 1:
    invalid start byte", naming neither the file nor the fix."""
    source = tmp_path / "b.py"
    source.write_bytes(b"def softmax(x):\n    return x  # caf\xe9\n")
    result = cli("code", "check", "coding-softmax", str(source))
    assert result.exit_code == 1
    said = f"Error: cannot read {source}: not UTF-8 text (a byte 0xe9 at position 35); save it"
    assert "".join(result.stdout.split()) == "".join(f"{said} as UTF-8".split())
