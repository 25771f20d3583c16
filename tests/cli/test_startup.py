"""Fast paths stay fast: --help, --version and decks never import the interactive stack."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "questionary",
    "prompt_toolkit",
    "rich.markdown",
    "markdown_it",
    "fsrs",
    "genanki",
    "numpy",  # only the commands that run a coding drill import it
)

PROBE = """
import json, sys
sys.argv = ["mlprep", *json.loads(sys.argv[1])]
from mlprep.cli.app import main
try:
    main()
except SystemExit:
    pass
print("\\nMODULES=" + json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [["--help"], ["--version"], ["decks"], ["decks", "--json"], ["code", "--help"], ["validate"]],
)
def test_fast_commands_do_not_import_the_interactive_stack(args, mlprep_home):
    loaded = [m for m in loaded_modules(args) if m.split(".")[0] in HEAVY or m in HEAVY]
    assert loaded == []


def probed(args: list[str], probe: str = PROBE, marker: str = "MODULES=") -> tuple[str, list]:
    """What `mlprep ARGS` printed (no input), and what `probe` reported after `marker` on
    stderr by its end (PROBE: the modules it had imported)."""
    done = subprocess.run(
        [sys.executable, "-c", probe, json.dumps(args)],
        capture_output=True,
        text=True,
        check=True,
        input="",
    )
    return done.stdout, json.loads(done.stderr.rsplit(marker, 1)[1])


def loaded_modules(args: list[str]) -> list[str]:
    return probed(args)[1]


@pytest.mark.parametrize("args", [["decks"], ["tags"], ["--version"]])
def test_listing_from_the_deck_cache_imports_only_what_it_needs(args, mlprep_home):
    """With the deck cache in place (the fixture copies it in), listing decks or tags parses no
    YAML, reads no card, and loads neither the sessions, SQLite nor the other commands."""
    modules = loaded_modules(args)
    unwanted = ("yaml", "mlprep.schema", "mlprep.sessions", "mlprep.kinds", "sqlite3", "rich")
    assert [m for m in modules if m.split(".")[0] in unwanted or m in unwanted] == []
    others = {"mlprep.cli.study", "mlprep.cli.quiz", "mlprep.cli.progress", "mlprep.cli.stats"}
    assert others.isdisjoint(modules)


def test_a_review_without_sql_cards_or_a_plan_imports_neither_sqlite_nor_the_planner(
    mlprep_home,
):
    from tests.conftest import FIXTURES

    output, modules = probed(["review", "mini", "--plain", "--decks", str(FIXTURES / "decks")])
    assert "[1/" in output  # a card was asked
    assert [m for m in modules if m.startswith(("sqlite3", "mlprep.sqlsandbox"))] == []
    assert "mlprep.plan" not in modules


FIRST_CARD_PROBE = """
import json, os, sys
sys.argv = ["mlprep", *json.loads(sys.argv[1])]
from mlprep.ui.prompts import PlainPrompter
show = PlainPrompter.show_question

def show_and_stop(self, *args):
    show(self, *args)
    print("\\nMODULES=" + json.dumps(sorted(sys.modules)), file=sys.stderr, flush=True)
    os._exit(0)

PlainPrompter.show_question = show_and_stop
from mlprep.cli.app import main
main()
"""


def test_a_warm_review_shows_its_first_card_before_importing_what_answering_needs(mlprep_home):
    """Up to the first card, a review reads the snapshot and the deck cache only: the
    scheduler's FSRS, the card kinds, the grader, the stats and the full-screen UI are
    imported once there is an answer to grade; the merging code only by a merge."""
    from tests.conftest import FIXTURES

    args = ["review", "mini", "--plain", "--decks", str(FIXTURES / "decks")]
    command = [sys.executable, "-c", FIRST_CARD_PROBE, json.dumps(args)]
    subprocess.run(command, capture_output=True, text=True, check=True, input="")  # warms up
    done = subprocess.run(command, capture_output=True, text=True, check=True, input="")
    assert "[1/" in done.stdout
    modules = json.loads(done.stderr.rsplit("MODULES=", 1)[1])
    deferred = ("fsrs", "mlprep.kinds", "mlprep.grader", "mlprep.grading", "mlprep.stats", "yaml")
    deferred += (*HEAVY, "rich")
    deferred += ("mlprep.logmerge", "mlprep.lookahead", "pickle")  # cards are marshalled rows
    assert [m for m in modules if m.split(".")[0] in deferred or m.startswith(deferred)] == []


def test_showing_a_plan_measures_the_terminal_without_rich_or_yaml(mlprep_home):
    """`mlprep plan` prints plain lines: importing rich only to ask the width cost a tenth of
    the command's time. Checking the saved plan's deck ids needs no deck parser (importing
    YAML for them cost another tenth)."""
    import datetime

    from tests.conftest import FIXTURES

    mini = ["--decks", str(FIXTURES / "decks")]
    day = (datetime.date.today() + datetime.timedelta(days=20)).isoformat()
    subprocess.run(
        [sys.executable, "-m", "mlprep", "plan", "--interview", day, "mini", *mini],
        capture_output=True,
        check=True,
    )
    output, modules = probed(["plan", *mini])
    assert "Predicted share recalled on the day" in output
    assert [m for m in modules if m.split(".")[0] in ("rich", "yaml")] == []
    assert "mlprep.schema" not in modules


def test_a_warm_review_of_open_cards_never_creates_the_card_parts(mlprep_home, tmp_path):
    """Choices, expected numbers, rubrics, keypoints and misconceptions are classes of their
    own, created the first time a card holding one is read: a review whose cards hold none
    shows its first card without them."""
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "plain.yaml").write_text(
        "format: 2\nid: plain\ntitle: Plain\ncards:\n"
        "  - id: plain-one\n    q: What is bagging?\n    a: Averaging bootstrapped models.\n"
        "  - id: plain-two\n    q: What is boosting?\n    a: Fitting models to residuals.\n"
    )
    args = ["review", "plain", "--plain", "--decks", str(decks)]
    command = [sys.executable, "-c", FIRST_CARD_PROBE, json.dumps(args)]
    subprocess.run(command, capture_output=True, text=True, check=True, input="")  # warms up
    done = subprocess.run(command, capture_output=True, text=True, check=True, input="")
    assert "[1/" in done.stdout
    modules = json.loads(done.stderr.rsplit("MODULES=", 1)[1])
    assert "mlprep.model" in modules
    assert "mlprep.cardparts" not in modules


BUILT_PROBE = """
import json, os, sys
sys.argv = ["mlprep", *json.loads(sys.argv[1])]
import mlprep.cardindex, mlprep.progress
from mlprep.ui.prompts import PlainPrompter
built, lists = [], []
states_from_rows = mlprep.progress.states_from_rows

def counting(rows):
    built.append(len(rows))
    return states_from_rows(rows)

mlprep.progress.states_from_rows = counting
init = mlprep.cardindex.CardList.__init__

def kept(self, *args):
    init(self, *args)
    lists.append(self)

mlprep.cardindex.CardList.__init__ = kept
show = PlainPrompter.show_question

def show_and_stop(self, *args):
    show(self, *args)
    cards = sum(len(cards) - cards._missing for cards in lists)
    print("\\nBUILT=" + json.dumps([built, cards]), file=sys.stderr, flush=True)
    os._exit(0)

PlainPrompter.show_question = show_and_stop
from mlprep.cli.app import main
main()
"""


def test_a_warm_review_builds_only_the_cards_and_states_it_asks_before_its_first_card(
    mlprep_home, tmp_path
):
    """With the snapshot and the deck cache in place, the queue comes from the snapshot's
    rows and the decks' card ids: no card state is built, and a card only if it is queued."""
    decks = tmp_path / "decks"
    decks.mkdir()
    cards = "".join(
        f"  - id: many-{n}\n    q: Question {n}?\n    a: Answer {n}.\n" for n in range(30)
    )
    (decks / "many.yaml").write_text(f"format: 2\nid: many\ntitle: Many\ncards:\n{cards}")
    args = ["review", "many", "--plain", "--new", "2", "--decks", str(decks)]
    # one card answered Good: back in 10 minutes, within the learn-ahead window
    answered = subprocess.run(
        [sys.executable, "-m", "mlprep", *args], capture_output=True, text=True, input="\n3\n"
    )
    assert "Reviewed 1 card" in answered.stdout
    output, (states_built, cards_built) = probed(args, BUILT_PROBE, "BUILT=")
    assert "Review: 1 learning, 0 due, 1 new" in output  # (one new card was answered)
    assert states_built == []
    assert cards_built == 2  # of 30 (the built-in decks were not selected)


def test_stats_to_a_pipe_is_laid_out_without_rich(mlprep_home):
    """`mlprep stats` to a pipe prints the plain text rich would (ui.stats_text): loading
    rich and rendering its tables took a third of the command's time."""
    from tests.conftest import FIXTURES

    mini = ["--decks", str(FIXTURES / "decks")]
    # the seed picks the single-choice card, which "1" answers (an open card would wait for a
    # grade, and record nothing)
    quiz = ["quiz", "mini", "-n", "1", "--seed", "5", "--plain", *mini]
    subprocess.run(
        [sys.executable, "-m", "mlprep", *quiz],
        input="1\n",
        capture_output=True,
        text=True,
        check=True,
    )
    output, modules = probed(["stats", *mini])
    assert "Current streak: 1 day" in output
    assert [m for m in modules if m.split(".")[0] == "rich"] == []


def test_a_merge_of_answers_imports_neither_the_planner_nor_the_optimizer(mlprep_home, tmp_path):
    """The checks of a merged plan or FSRS parameters live in those modules: a merge that
    brings only answers does not import them (about 15 ms of a merge's start)."""
    event = {
        "at": "2026-03-02T09:00:00.000Z",
        "card": "mini-001",
        "grade": 3,
        "id": "0" * 31 + "1",
        "mode": "review",
        "ms": 1000,
        "v": 1,
    }
    export = tmp_path / "other.json"
    export.write_text(
        '{"kind": "mlprep-progress", "format": 1, "exported_at": "", "events": [\n'
        + json.dumps(event)
        + "\n]}\n"
    )
    output, modules = probed(["progress", "merge", str(export)])
    assert output.startswith("Merged 1 new answer")
    assert [m for m in modules if m in ("mlprep.plan", "mlprep.optimize")] == []


# a Ctrl-C that comes while the command line is still being imported (typer is the first
# thing it imports): the process gets KeyboardInterrupt there
INTERRUPTED_AT_IMPORT = """
import builtins, sys
real = builtins.__import__
def interrupted(name, *args, **kwargs):
    if name == "typer":
        raise KeyboardInterrupt
    return real(name, *args, **kwargs)
builtins.__import__ = interrupted
sys.argv = ["mlprep", "stats"]
from mlprep.cli.launch import main
main()
"""


def test_ctrl_c_while_the_program_loads_is_one_line_and_exit_130(mlprep_home):
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_AT_IMPORT], capture_output=True, text=True
    )
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "\nInterrupted.\n")
