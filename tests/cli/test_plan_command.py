"""mlprep plan: setting, showing, clearing a plan; review following it; bad input."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES, moved_progress

MINI = ["--decks", str(FIXTURES / "decks")]


def log_lines(home):
    path = home / "progress" / "reviews.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_setting_a_plan_records_it_and_shows_the_outlook(cli, mlprep_home):
    result = cli("plan", "--interview", "2026-12-09", "--minutes", "2", "mini", *MINI)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == SET_PLAN
    (event,) = log_lines(mlprep_home)
    assert event["kind"] == "plan" and event["card"] == "@plan"
    assert event["data"] == {"interview": "2026-12-09", "minutes": 2, "decks": ["mini"]}
    assert cli("plan", *MINI).stdout == SET_PLAN.split("\n\n", 1)[1]


SET_PLAN = """\
Plan set. `mlprep review` now works toward the day.

Interview on Wed 09 Dec 2026: 14 days left, 2 minutes a day.
4 cards planned: 0 seen, 4 unseen.

Predicted share recalled on the day:
deck  cards   seen    now  if followed
mini      4      0     0%          98%

Daily load if followed (minutes):
Wed 25 Nov ################################              2     2 new    0 rev
Thu 26 Nov ######################################        2     2 new    1 rev
Fri 27 Nov ######################                        1     0 new    4 rev
Sat 28 Nov ######################                        1     0 new    4 rev
Sun 29 Nov ###########                                   1     0 new    2 rev
Mon 30 Nov ###########                                   1     0 new    2 rev
Tue 01 Dec ###########                                   1     0 new    2 rev
Wed 02 Dec                                               0     0 new    0 rev
Thu 03 Dec ###########                                   1     0 new    2 rev
Fri 04 Dec ###########                                   1     0 new    2 rev
Sat 05 Dec                                               0     0 new    0 rev
Sun 06 Dec                                               0     0 new    0 rev
Mon 07 Dec                                               0     0 new    0 rev
Tue 08 Dec ###########                                   1     0 new    2 rev

Review follows the plan: mlprep review. End it: mlprep plan --clear
"""


def test_the_json_has_the_same_figures(cli):
    cli("plan", "--interview", "2026-12-09", "--minutes", "2", "mini", *MINI)
    data = json.loads(cli("plan", "--json", *MINI).stdout)
    assert {k: data[k] for k in ("interview", "minutes_per_day", "days_left", "cards")} == {
        "interview": "2026-12-09",
        "minutes_per_day": 2,
        "days_left": 14,
        "cards": 4,
    }
    assert data["seen"] == 0 and data["unseen"] == 4 and data["recalled_now"] == 0
    assert len(data["daily_load"]) == 14
    assert [d["deck"] for d in data["decks"]] == ["mini"]


def test_without_a_plan_it_says_how_to_set_one(cli):
    assert (
        cli("plan").stdout == "No interview planned. Set one: mlprep plan --interview YYYY-MM-DD\n"
    )
    assert json.loads(cli("plan", "--json").stdout) == {"plan": None}


def test_clear_ends_the_plan(cli, mlprep_home):
    cli("plan", "--interview", "2026-12-09", *MINI)
    result = cli("plan", "--clear")
    assert (result.exit_code, result.stdout) == (
        0,
        "Plan cleared: review schedules as usual again.\n",
    )
    assert log_lines(mlprep_home)[-1]["data"] == {"cleared": True}
    assert cli("plan").stdout.startswith("No interview planned.")
    assert cli("plan", "--clear").stdout == "No plan to clear.\n"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--interview", "2026-11-25"], "--interview 2026-11-25: the date must be after today"),
        (["--interview", "2026-11-24"], "--interview 2026-11-24: the date must be after today"),
        (["--interview", "12/09/2026"], "--interview '12/09/2026': not a date; use YYYY-MM-DD"),
        (["--interview", "2026-12-09", "--minutes", "0"], "--minutes 0: give 1 to 600 minutes"),
        (["--interview", "2026-12-09", "--minutes", "9999"], "--minutes 9999: give 1 to 600"),
        (["--minutes", "20"], "give --interview YYYY-MM-DD to set a plan"),
        (["--clear", "--interview", "2026-12-09"], "--clear takes no date, minutes or decks"),
        (["--interview", "2026-12-09", "nosuchdeck"], "No deck 'nosuchdeck'."),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli, mlprep_home, args, message):
    result = cli("plan", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {message}")
    assert result.stderr.count("\n") == 1
    assert not (mlprep_home / "progress" / "reviews.jsonl").exists()


def test_review_follows_the_plan(cli):
    cli("plan", "--interview", "2026-12-09", "--minutes", "1", "mini", *MINI)
    result = cli("review", *MINI, input="")
    assert result.stderr == "Following your interview plan: 14 days left.\n"
    assert result.stdout.startswith("Review: 0 learning, 0 due, 1 new\n")  # 60 s: one new card


def test_review_of_a_chosen_deck_schedules_as_usual(cli):
    """...and says so: with nothing said, a review of a deck the plan covers looked like the
    plan's (README said the plan picks the day's cards)."""
    cli("plan", "--interview", "2026-12-09", "--minutes", "1", "mini", *MINI)
    result = cli("review", "mini", *MINI, input="")
    assert result.stderr == (
        "Reviewing as FSRS schedules, not by your interview plan (plain `mlprep review` "
        "follows it).\n"
    )
    assert result.stdout.startswith("Review: 0 learning, 0 due, 4 new\n")


def test_the_outlook_fits_a_narrow_terminal(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    cli("plan", "--interview", "2026-12-09")
    lines = cli("plan").stdout.splitlines()
    assert len(lines) > 30
    assert max(map(len, lines)) <= 40
    # the row of every deck together is named in a word that fits ("all d~" before)
    assert any(line.startswith("all  ") for line in lines)


def test_on_the_interview_day_the_plan_ends(cli, mlprep_home):
    cli("plan", "--interview", "2026-11-26", *MINI)  # tomorrow
    from datetime import UTC, datetime

    from typer.testing import CliRunner

    from mlprep.cli.app import app
    from mlprep.cli.state import Environment

    env = Environment(now=lambda: datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    result = CliRunner().invoke(app, ["plan"], obj=env)
    assert result.stdout.startswith(
        "The plan for the interview on 2026-11-26 has ended: review schedules as usual.\n\n"
        "Predicted share recalled this morning (09:00):\n"
    )
    review = CliRunner().invoke(app, ["review", *MINI], input="", obj=env)
    # (that morning FSRS's backlog and a day's new cards came without a word)
    assert review.stderr == (
        "Interview day: the plan has ended and review schedules as usual (`--new 0` leaves new "
        "cards for later). Good luck!\n"
    )
    assert "Review: 0 learning, 0 due, 20 new" in review.stdout
    after = Environment(now=lambda: datetime(2026, 11, 27, 8, 0, tzinfo=UTC))
    assert CliRunner().invoke(app, ["review", *MINI], input="", obj=after).stderr == ""


def test_the_home_menu_counts_down(cli, mlprep_home):
    from mlprep.cli.home import review_label
    from mlprep.cli.state import AppState, Environment
    from tests.conftest import FIXED_NOW

    app = AppState(env=Environment(now=lambda: FIXED_NOW))
    due, label = review_label(app)
    assert (due, label) == (20, "Review: 0 due, 20 new")  # the built-in decks, none seen yet
    review = cli("review", input="")
    assert review.stdout.startswith("Review: 0 learning, 0 due, 20 new\n")
    cli("plan", "--interview", "2026-12-09", "--minutes", "1")
    assert review_label(app) == (1, "Review (interview in 14 days): 0 due, 1 new")


def test_a_planned_deck_that_is_gone_is_skipped_with_a_warning(cli):
    cli("plan", "--interview", "2026-12-09", "--minutes", "1", "mini", "trees", *MINI)
    result = cli("plan")  # without --decks the fixture deck is not loaded
    assert result.exit_code == 0
    assert result.stderr == "warning: the plan's deck 'mini' is not loaded; planning without it\n"
    assert "42 cards planned: 0 seen, 42 unseen." in result.stdout
    assert result.stdout.rstrip("\n").endswith(
        "Review follows the plan: mlprep review. End it: mlprep plan --clear"
    )


def test_a_plan_whose_every_deck_is_gone_leaves_review_as_usual(cli):
    cli("plan", "--interview", "2026-12-09", "--minutes", "1", "mini", *MINI)
    result = cli("review", input="")  # without --decks the fixture deck is gone
    assert result.stderr == (
        "warning: none of the plan's decks (mini) is loaded, so review goes on as usual; "
        "`mlprep plan --clear` ends the plan\n"
    )
    assert result.stdout.startswith("Review: 0 learning, 0 due, ")
    assert "planned work is done" not in result.stdout


UNLOADED = """\
Interview on Wed 09 Dec 2026: 14 days left, 1 minute a day.
None of the plan's decks (mini) is loaded, so review goes on as usual.
To plan decks that are loaded: mlprep plan DECK... (the date and minutes stay).
To end the plan: mlprep plan --clear
"""


def test_plan_says_as_review_does_that_a_plan_of_no_loaded_deck_is_not_followed(cli):
    """A plan whose every deck was gone showed as in force ("0 cards planned", a row of
    "0 new 0 rev" a day, "Review follows the plan") while review warned that it went on as
    usual; --json said 0% would be recalled of no cards; changing the minutes recorded the
    plan, then stopped at "No deck 'mini'" (exit 2)."""
    cli("plan", "--interview", "2026-12-09", "--minutes", "1", "mini", *MINI)
    result = cli("plan")  # without --decks the fixture deck is gone
    assert (result.exit_code, result.stdout, result.stderr) == (0, UNLOADED, "")
    data = json.loads(cli("plan", "--json").stdout)
    assert data == {
        "interview": "2026-12-09",
        "minutes_per_day": 1,
        "decks_chosen": ["mini"],
        "decks_missing": ["mini"],
        "review_follows_plan": False,
        "note": "none of the plan's decks (mini) is loaded, so review goes on as usual: "
        "no card is planned, so no recall is predicted",
        "days_left": 14,
        "cards": 0,
        "seen": 0,
        "unseen": 0,
        "recalled_now": None,
        "recalled_if_followed": None,
        "decks": [],
        "daily_load": [],
    }
    changed = cli("plan", "--minutes", "2")
    assert (changed.exit_code, changed.stderr) == (0, "")
    assert changed.stdout == "Plan set.\n\n" + UNLOADED.replace("1 minute", "2 minutes")
    followed = json.loads(cli("plan", "--json", *MINI).stdout)  # the deck is back
    assert followed["review_follows_plan"] is True and followed["decks_missing"] == []
    assert followed["note"] is None and followed["recalled_now"] == 0.0


def test_the_home_menu_has_no_countdown_for_a_plan_of_no_loaded_deck(cli, mlprep_home):
    from mlprep.cli.home import review_label
    from mlprep.cli.state import AppState, Environment
    from tests.conftest import FIXED_NOW

    cli("plan", "--interview", "2026-12-09", "--minutes", "1", "mini", *MINI)
    app = AppState(env=Environment(now=lambda: FIXED_NOW))
    assert review_label(app) == (20, "Review: 0 due, 20 new")  # as the review it starts


def _open_deck(tmp_path, count: int) -> list[str]:
    """A deck of `count` open cards (answered in plain mode by Enter, then a grade)."""
    decks = tmp_path / "decks"
    decks.mkdir()
    cards = "".join(f"  - id: o-{n}\n    q: Fact {n}?\n    a: Fact {n}.\n" for n in range(count))
    (decks / "open.yaml").write_text(f"id: open\ntitle: Open\ncards:\n{cards}")
    return ["--decks", str(decks)]


def test_a_planned_reviews_last_line_tells_what_the_plan_asks_tomorrow(cli, tmp_path):
    """It told FSRS's next due card ("Next card due tomorrow (27 due by the end of
    tomorrow)") while the plan, which makes tomorrow's review, had 49 reviews for it."""
    from datetime import UTC, datetime

    from typer.testing import CliRunner

    from mlprep.cli.app import app
    from mlprep.cli.state import Environment
    from tests.conftest import fake_clock

    own = _open_deck(tmp_path, 12)
    cli("plan", "--interview", "2026-12-02", "--minutes", "4", "open", *own)
    today = cli("review", *own, input="\n3\n" * 40)
    assert today.stdout.startswith("Review: 0 learning, 0 due, 5 new\n")
    last = today.stdout.rstrip("\n").rsplit("\n", 1)[1]
    assert last == "Tomorrow your plan asks 5 new cards (about 4 minutes)."
    # as `mlprep plan` shows tomorrow, and as tomorrow's review asks
    tomorrow = json.loads(cli("plan", "--json", *own).stdout)["daily_load"][1]
    assert (tomorrow["day"], tomorrow["new"], tomorrow["reviews"]) == ("2026-11-26", 5, 0)
    env = Environment(clock=fake_clock(), now=lambda: datetime(2026, 11, 26, 9, tzinfo=UTC))
    next_day = CliRunner().invoke(app, ["review", *own], input="", obj=env)
    assert next_day.stdout.startswith("Review: 0 learning, 0 due, 5 new\n")
    # a deck named on the command line is reviewed as usual, and its last line is FSRS's
    usual = cli("review", "open", "--new", "0", *own, input="")
    assert usual.stdout.startswith("Nothing is due. Next card due in 2 days")


def test_a_planned_review_the_day_before_the_interview_says_the_plan_ends(cli, tmp_path):
    own = _open_deck(tmp_path, 3)
    cli("plan", "--interview", "2026-11-26", "--minutes", "4", "open", *own)
    result = cli("review", *own, input="\n3\n" * 20)
    assert result.stdout.rstrip("\n").endswith(
        "Tomorrow is the interview: the plan ends and review schedules as usual."
    )


def test_what_the_plan_asks_tomorrow_is_counted_in_words():
    from datetime import date

    from mlprep.cli.plan import tomorrow_text
    from mlprep.plan import DayLoad

    def text(minutes: float, new: int, reviews: int) -> str:
        return tomorrow_text(DayLoad(date(2026, 11, 26), minutes, new, reviews))

    assert text(0.2, 0, 1) == "Tomorrow your plan asks 1 review (about 1 minute)."
    assert (
        text(12.4, 2, 49)
        == "Tomorrow your plan asks 49 reviews and 2 new cards (about 12 minutes)."
    )
    assert (
        text(0.0, 0, 0) == "Tomorrow your plan asks nothing (`mlprep plan` shows the days after)."
    )


def test_when_the_days_work_is_done_review_says_so(cli):
    from datetime import UTC, datetime

    from typer.testing import CliRunner

    from mlprep.cli.app import app
    from mlprep.cli.state import Environment

    def review(hour: int, answers: str) -> str:
        env = Environment(now=lambda: datetime(2026, 11, 25, hour, 0, tzinfo=UTC))
        return CliRunner().invoke(app, ["review", *MINI], input=answers, obj=env).stdout

    cli("plan", "--interview", "2026-12-09", "--minutes", "1", "mini", *MINI)
    assert review(9, "0.5\n").startswith("Review: 0 learning, 0 due, 1 new")  # the day's one
    assert review(10, "0.5\n").startswith("Review: 1 learning, 0 due, 0 new")  # its step
    assert review(11, "") == (
        "Today's planned work is done; come back tomorrow (13 days left after today).\n"
    )


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


# which standard streams are terminals (0, 1, 2: each 30 + 20 x its number wide), or "zero":
# all of them, reporting a size of 0 x 0
TERMINAL_SIZES = [(), (0,), (0, 1, 2), (1,), (2,), "zero"]


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"COLUMNS": "50"},
        {"COLUMNS": "120"},
        {"COLUMNS": "0"},
        {"COLUMNS": "abc"},
        {"COLUMNS": "50", "LINES": "20"},
        {"COLUMNS": "0", "LINES": "20"},
        {"LINES": "20"},
        {"TERM": "dumb"},
        {"TERM": "Unknown", "COLUMNS": "50"},
        {"TERM": "dumb", "COLUMNS": "50", "LINES": "20"},
        {"TERM": "dumb", "FORCE_COLOR": "1"},
        {"TERM": "dumb", "FORCE_COLOR": ""},
        {"TERM": "dumb", "TTY_COMPATIBLE": "1"},
        {"TERM": "dumb", "TTY_COMPATIBLE": "0"},
    ],
)
def test_the_outlook_is_as_wide_as_the_console_would_be(monkeypatch, environ):
    """The plan measures its width without rich, exactly as rich's console would: in each
    environment, whichever streams are terminals, and whether its output is one. (Every
    combination in one test: a test each cost far more than the measuring.)"""
    import os

    from mlprep.cli.plan import console_width
    from mlprep.cli.state import AppState, Environment
    from mlprep.ui.render import make_console

    for name in ("COLUMNS", "LINES", "TERM", "FORCE_COLOR", "TTY_COMPATIBLE", "JPY_PARENT_PID"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    sizes: tuple[int, ...] | str = ()

    def terminal_size(descriptor: int) -> os.terminal_size:
        if sizes == "zero":
            return os.terminal_size((0, 0))  # as some pseudo-terminals report
        if descriptor not in sizes:
            raise OSError("not a terminal")
        return os.terminal_size((30 + 20 * descriptor, 24))

    monkeypatch.setattr(os, "get_terminal_size", terminal_size)
    unlike = []
    for sizes in TERMINAL_SIZES:
        for tty in (False, True):
            stream = _Stream(tty)
            app = AppState(env=Environment(stdout_=stream))  # type: ignore[arg-type]
            ours = console_width(app)
            rich = make_console(stream, os.environ).width  # type: ignore[arg-type]
            if ours != rich:
                unlike.append((sizes, tty, ours, rich))
    assert unlike == []  # (terminals, output a terminal, our width, rich's)


def test_a_review_that_follows_the_plan_loads_the_decks_once(cli, mlprep_home):
    """The plan's cards come from the library the review loaded: a broken deck is reported
    once, not once per load."""
    cli("plan", "--interview", "2026-12-09", "--minutes", "1", "mini", *MINI)
    user = mlprep_home / "decks"
    user.mkdir(parents=True)
    (user / "bad.yaml").write_text("id: bad\ntitle: Bad\ncards:\n\t- oops\n")
    result = cli("review", *MINI, input="")
    assert result.stderr == (
        f"warning: {user / 'bad.yaml'}:4: tab used for indentation; indent with spaces "
        "(deck skipped)\n"
        "Following your interview plan: 14 days left.\n"
    )
    assert result.stdout.startswith("Review: 0 learning, 0 due, 1 new\n")


def test_moving_progress_counts_a_plan_apart_from_the_answers(cli, mlprep_home, tmp_path):
    """An export, merge or import with a plan in it said "2 answers" for an answer and a
    plan."""
    cli("plan", "--interview", "2026-12-09", "mini", *MINI)
    cli("quiz", "mini", "-n", "1", "--seed", "1", *MINI, input="1\n2\n")
    exported, merged, imported = moved_progress(cli, mlprep_home, tmp_path)
    export = tmp_path / "mine.json"
    assert exported == f"Exported 1 answer and 1 plan or parameter change to {export}."
    assert merged.startswith("Merged 1 new answer and 1 plan or parameter change from")
    assert imported.startswith("Imported 1 answer and 1 plan or parameter change from")


def test_a_plan_naming_more_deck_ids_than_the_log_keeps_is_refused(cli, mlprep_home, tmp_path):
    """Eighty decks with 60-character ids made a plan the review log could not read back:
    "Plan set.", then every command stopped at that line."""
    decks = tmp_path / "many"
    decks.mkdir()
    names = [f"my-{n:02d}-" + "x" * 54 for n in range(80)]
    for name in names:
        (decks / f"{name}.yaml").write_text(
            f"id: {name}\ntitle: t\ncards:\n  - id: {name}-1\n    q: q?\n    a: a\n"
        )
    result = cli("plan", "--interview", "2026-12-09", *names, "--decks", str(decks))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: a plan can name decks whose ids take up to about 4,096 characters in all; "
        "these take more: name fewer decks, or none to plan every deck\n"
    )
    assert not (mlprep_home / "progress" / "reviews.jsonl").exists()
    assert (
        cli("plan", "--interview", "2026-12-09", *names[:40], "--decks", str(decks)).exit_code == 0
    )
    assert cli("stats", "--decks", str(decks)).exit_code == 0


def test_new_and_max_reviews_given_cap_the_plans_day(cli):
    """With a plan they were ignored without a word: --new 2 introduced every planned card."""
    cli("plan", "--interview", "2026-12-09", "--minutes", "60", "mini", *MINI)
    planned = cli("review", *MINI, input="")
    assert planned.stdout.startswith("Review: 0 learning, 0 due, 4 new\n")
    capped = cli("review", "--new", "2", *MINI, input="")
    assert capped.stderr == "Following your interview plan: 14 days left.\n"
    assert capped.stdout.startswith("Review: 0 learning, 0 due, 2 new\n")


def test_only_the_limit_given_caps_the_plans_day(cli):
    """--max-reviews alone also held the plan's new cards to --new's default of 20."""
    assert cli("plan", "--interview", "2026-11-27", "--minutes", "600", "trees").exit_code == 0
    planned = cli("review", input="").stdout.splitlines()[0]
    assert int(planned.rsplit(", ", 1)[1].split()[0]) > 20, planned  # (more new than 20)
    assert cli("review", "--max-reviews", "500", input="").stdout.splitlines()[0] == planned


def test_new_given_with_a_plan_caps_the_day_not_each_run(cli):
    """Each run took --new 2 afresh under a plan (four new cards in two runs of --new 2), where
    without a plan the cap is the day's."""
    cli("plan", "--interview", "2026-12-09", "--minutes", "60", "mini", *MINI)
    first = cli("review", "--new", "2", "--plain", *MINI, input="1\n1\n1\n1\n1\n1\n1\n1\n")
    assert first.stdout.startswith("Review: 0 learning, 0 due, 2 new\n")
    assert "Reviewed 2 cards" in first.stdout
    again = cli("review", "--new", "2", *MINI, input="")
    assert again.stdout.startswith("Review: 2 learning, 0 due, 0 new\n")  # (those two again)


def test_a_review_stopped_part_way_says_what_the_plans_day_still_holds(cli):
    """It said when FSRS would next show a card ("in 19 days", after the interview) while the
    plan had 40 cards left for the day."""
    cli("plan", "--interview", "2026-12-09", "--minutes", "60", "mini", *MINI)
    result = cli("review", *MINI, input="")
    assert result.stdout.endswith(
        f"Still to do today: 0 learning, 0 due, 4 new; this goes on:\n"
        f"  mlprep review --decks {MINI[1]}\n"
    )


def test_one_day_and_one_minute_are_singular(cli):
    result = cli("plan", "--interview", "2026-11-26", "--minutes", "1", "mini", *MINI)
    assert "Interview on Thu 26 Nov 2026: 1 day left, 1 minute a day.\n" in result.stdout
    assert cli("review", *MINI, input="").stderr == "Following your interview plan: 1 day left.\n"


def test_limits_that_leave_nothing_of_the_plans_day_say_so(cli):
    """`review --new 0` under a plan said the day's planned work was done, 40 cards left."""
    cli("plan", "--interview", "2026-12-09", "--minutes", "60", "mini", *MINI)
    result = cli("review", "--new", "0", *MINI, input="")
    assert result.stdout == (
        "Nothing within --new and --max-reviews; today's plan still holds 0 learning, 0\n"
        "due, 4 new.\n"
    )


def test_clear_with_json_prints_json(cli):
    """`plan --json --clear` printed a sentence."""
    assert json.loads(cli("plan", "--clear", "--json", *MINI).stdout) == {
        "plan": None,
        "cleared": False,
    }
    cli("plan", "--interview", "2026-12-09", "mini", *MINI)
    assert json.loads(cli("plan", "--clear", "--json", *MINI).stdout) == {
        "plan": None,
        "cleared": True,
    }
    assert json.loads(cli("plan", "--json", *MINI).stdout) == {"plan": None}


def test_what_a_stopped_planned_review_says_is_left_is_what_the_next_one_finds(cli):
    """The plan's day depends on how long answers take, and a review's own answers change
    that: the summary said "0 new" left and the next review, the same second, gave new cards
    (its costs were those from before the review)."""
    assert cli("plan", "--interview", "2026-12-09", "trees").exit_code == 0
    stopped = cli("review", input="3\n" * 100)
    left = stopped.stdout.rsplit("Still to do today: ", 1)[1].split(" (`mlprep review`")[0]
    again = cli("review", input="")
    assert again.stdout.startswith(f"Review: {left}\n")


def test_changing_a_plan_in_force_keeps_what_is_not_given(cli, mlprep_home):
    """A new date silently dropped the plan's decks (164 cards became 1,421) and its minutes,
    and --minutes alone was refused: each option given changes only itself."""
    cli("plan", "--interview", "2026-12-09", "--minutes", "45", "mini", *MINI)
    assert cli("plan", "--interview", "2026-12-05", *MINI).exit_code == 0
    assert log_lines(mlprep_home)[-1]["data"] == {
        "interview": "2026-12-05",
        "minutes": 45,
        "decks": ["mini"],
    }
    assert cli("plan", "--minutes", "20", *MINI).exit_code == 0
    assert log_lines(mlprep_home)[-1]["data"]["minutes"] == 20
    assert cli("plan", "trees", "mini", *MINI).exit_code == 0
    assert log_lines(mlprep_home)[-1]["data"] == {
        "interview": "2026-12-05",
        "minutes": 20,
        "decks": ["trees", "mini"],
    }
    cli("plan", "--clear")
    assert cli("plan", "--interview", "2026-12-09").exit_code == 0  # (a new plan: every deck)
    assert log_lines(mlprep_home)[-1]["data"] == {
        "interview": "2026-12-09",
        "minutes": 30,
        "decks": [],
    }


def test_decks_given_to_a_plan_in_force_say_which_they_replaced(cli):
    """`plan bayes` to add a deck silently dropped the plan's four others."""
    assert cli("plan", "--interview", "2026-12-09", "trees", "knn").exit_code == 0
    same = cli("plan", "knn", "trees")  # the same decks: nothing to say
    assert "Decks:" not in same.stdout
    changed = cli("plan", "bayes")
    assert changed.stdout.splitlines()[:3] == [
        "Plan set. `mlprep review` now works toward the day.",
        "Decks: bayes, in place of knn and trees (to keep them too, name them all:",
        "mlprep plan bayes knn trees).",
    ]


def test_stats_under_a_plan_says_review_follows_the_plan(cli):
    """`stats` gave FSRS's due count (62) while the plan and review said 16, with no word of
    the plan."""
    cli("quiz", "mini", "-n", "1", "--seed", "1", *MINI, input="1\n2\n")
    assert cli("stats", *MINI).stderr == ""
    cli("plan", "--interview", "2026-12-09", "mini", *MINI)
    result = cli("stats", *MINI)
    assert result.stderr == (
        "An interview plan is in force: review asks what `mlprep plan` shows for today.\n"
    )
    assert cli("stats", "--json", *MINI).stderr == ""  # (JSON for scripts: no notice)


def test_the_home_menu_entry_keeps_its_counts_in_a_narrow_terminal(monkeypatch):
    """At 50 columns the entry was cut to "Review (interview in 10 days): 20 learni...": the
    countdown gives way first; where the counts still do not fit (at 40 columns "Review: 66
    learning, 17 due, 7..."), the entry gives the cards in all."""
    from mlprep.cli.home import _review_entry

    counts = "20 learning, 0 due, 19 new"
    for columns, planned, unplanned in [
        (80, "Review (interview in 10 days): 20 learning, 0 due, 19 new", f"Review: {counts}"),
        (60, "Review (10 days left): 20 learning, 0 due, 19 new", f"Review: {counts}"),
        (50, "Review (10d): 20 learning, 0 due, 19 new", f"Review: {counts}"),
        (40, "Review (10 days left): 39 cards", "Review: 39 cards"),
        (30, "Review (10d): 39 cards", "Review: 39 cards"),
    ]:
        monkeypatch.setenv("COLUMNS", str(columns))
        assert _review_entry(10, counts, 39) == planned
        assert _review_entry(None, counts, 39) == unplanned
    # between midnight and 04:00 on the interview's date (the plan's last day still going on)
    monkeypatch.setenv("COLUMNS", "80")
    assert _review_entry(0, counts, 39) == f"Review (interview today): {counts}"


def test_a_planned_review_says_once_when_the_days_minutes_are_used_up(cli, tmp_path):
    """The plan picks the day's work by usual answer times; a slower day ran on past its
    minutes without a word. Measured by the answers' own times (here 40 s each)."""
    from typer.testing import CliRunner

    from mlprep.cli.app import app
    from mlprep.cli.state import Environment
    from tests.conftest import FIXED_NOW, fake_clock

    own = _open_deck(tmp_path, 12)
    cli("plan", "--interview", "2026-12-02", "--minutes", "2", "open", *own)

    def slow(*args: str, typed: str = "") -> list[str]:
        env = Environment(clock=fake_clock(40), now=lambda: FIXED_NOW)
        result = CliRunner().invoke(app, [*args, *own], input=typed, obj=env)
        assert result.exit_code == 0
        return result.stdout.splitlines()

    def slow_review(typed: str) -> list[str]:
        return slow("review", typed=typed)

    # minutes spent on other work today are not the plan's (a quiz of a deck it leaves out)
    assert slow("quiz", "trees", "-n", "3", "--seed", "1", typed="1\n" * 9)[-1]

    used_up = (
        "Today's 2 planned minutes are used up: your answers today took 2 minutes. You can "
        "stop here; tomorrow's plan picks up what is left."
    )
    lines = slow_review("\n3\n" * 3)
    said = [n for n, line in enumerate(lines) if line.startswith("Today's 2 planned")]
    assert len(said) == 1
    # after the third answer (120 s), before the fourth card
    assert " ".join(lines[said[0] : said[0] + 2]) == used_up
    before = [line for line in lines[: said[0]] if line.startswith("[")]
    after = [line for line in lines[said[0] :] if line.startswith("[")]
    assert (len(before), after) == (3, ["[4/4] o-1 (open)"])
    # a review later that day says it before its first card
    again = slow_review("")
    assert again[0] == "Review: 1 learning, 0 due, 0 new"
    assert " ".join(again[1:3]) == used_up


def test_on_the_plans_last_day_the_used_up_minutes_point_to_the_interview(cli, tmp_path):
    """There is no plan tomorrow: it said "tomorrow's plan picks up what is left"."""
    from typer.testing import CliRunner

    from mlprep.cli.app import app
    from mlprep.cli.state import Environment
    from tests.conftest import FIXED_NOW, fake_clock

    own = _open_deck(tmp_path, 12)
    cli("plan", "--interview", "2026-11-26", "--minutes", "1", "open", *own)
    env = Environment(clock=fake_clock(40), now=lambda: FIXED_NOW)
    result = CliRunner().invoke(app, ["review", *own], input="\n3\n\n1\n", obj=env)
    said = " ".join(result.stdout.split())
    assert (
        "Today's 1 planned minute is used up: your answers today took 1 minute. You can stop "
        "here; the interview is tomorrow."
    ) in said
