"""Hostile progress files through the real commands: one clear line, exit 1, files unchanged."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from typer.testing import CliRunner

from mlprep.cli.app import app
from mlprep.cli.state import Environment
from tests.conftest import FIXED_NOW, FIXTURES, fake_clock

MINI = ("--decks", str(FIXTURES / "decks"))
GOOD = {
    "at": "2026-11-20T09:00:00.000Z",
    "card": "mini-open",
    "grade": 3,
    "id": "a" * 32,
    "mode": "review",
    "ms": 1000,
    "v": 1,
}


def export_with(*events) -> str:
    return json.dumps({"kind": "mlprep-progress", "format": 1, "events": list(events)})


def progress_files(home):
    progress = home / "progress"
    if not progress.exists():
        return {}
    return {p.name: p.read_bytes() for p in sorted(progress.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def studied_home(tmp_path_factory, parsed_builtin_decks):
    """A data dir with two answers recorded (merged from an export, then read by `stats`, which
    saved the snapshot and a deck cache with the fixture decks), made once for the module."""
    home = tmp_path_factory.mktemp("studied") / "home"
    (home / "cache").mkdir(parents=True)
    os.link(parsed_builtin_decks, home / "cache" / parsed_builtin_decks.name)
    source = home.parent / "seed.json"
    second = {**GOOD, "id": "b" * 32, "card": "mini-single", "at": "2026-11-21T09:00:00.000Z"}
    source.write_text(export_with(GOOD, second))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLPREP_HOME", str(home))
        patch.delenv("MLPREP_DECKS", raising=False)
        patch.setenv("COLUMNS", "80")
        for args in (("progress", "merge", str(source)), ("stats", *MINI)):
            environment = Environment(clock=fake_clock(), now=lambda: FIXED_NOW)
            result = CliRunner().invoke(app, list(args), obj=environment, catch_exceptions=False)
            assert result.exit_code == 0, result.stderr
    return home


@pytest.fixture
def studied(mlprep_home, studied_home):
    """This test's own copy of that data dir."""
    shutil.copytree(studied_home / "progress", mlprep_home / "progress")
    cache = mlprep_home / "cache" / "decks.pickle"
    cache.unlink()  # the deck cache `stats` saved; the app replaces it, never writes into it
    os.link(studied_home / "cache" / "decks.pickle", cache)
    return mlprep_home


@pytest.mark.parametrize(
    "change, message",
    [
        ({"at": "9999-12-31T23:59:59.999Z"}, "'at' must lie between 1970 and 2200"),
        ({"at": "1969-12-31T23:59:59.999Z"}, "'at' must lie between 1970 and 2200"),
        ({"grade": 7}, "'grade' must be a whole number 1-4"),
        # (a float grade passed the checks and stopped a merge with a TypeError)
        ({"grade": 3.0}, "'grade' must be a whole number 1-4"),
        ({"suggested": 3.0}, "'suggested' must be a grade 1-4"),
        ({"id": "x" * 65}, "'id' must be text of 1-64 characters"),
        ({"v": 2, "state": ["review", 1e300, 1, 1, None, 1, 1, 1, 0]}, "'state': "),
        ({"v": 2, "state": "review"}, "'state': not a card state"),
    ],
)
@pytest.mark.parametrize("command", ["merge", "import"])
def test_a_bad_event_from_outside_changes_nothing(cli, studied, tmp_path, change, message, command):
    before = progress_files(studied)
    poison = tmp_path / "poison.json"
    poison.write_text(export_with({**GOOD, "id": "c" * 32, **change}))
    args = ("progress", command, str(poison)) + (("--yes",) if command == "import" else ())
    result = cli(*args)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {poison}: event 1: not a review event (")
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert progress_files(studied) == before
    for command_args in (("stats", *MINI), ("review", "--plain", *MINI)):
        assert cli(*command_args, input="").exit_code == 0


@pytest.mark.parametrize("command", ["merge", "import"])
def test_an_exported_line_that_is_not_utf8_changes_nothing(cli, studied, tmp_path, command):
    """An export as `progress export` lays it out, this log's lines first, then a line with
    a byte that is not UTF-8 (the frame is found from the file's ends; the lines a merge
    reads are checked when it reads them)."""
    exported = tmp_path / "mine.json"
    assert cli("progress", "export", str(exported)).exit_code == 0
    text = exported.read_bytes()
    line = json.dumps({**GOOD, "id": "c" * 32, "answer": "caf\u00e9"}).encode()
    closing = text.rindex(b"\n]}\n")
    broken = tmp_path / "broken.json"
    broken.write_bytes(text[:closing] + b",\n" + line.replace(b"\\u00e9", b"\xe9") + b"\n]}\n")
    before = progress_files(studied)
    args = ("progress", command, str(broken)) + (("--yes",) if command == "import" else ())
    result = cli(*args)
    line = text[:closing].count(b"\n") + 2
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {broken}:{line}: not UTF-8 text (byte 0xe9); save the file as UTF-8\n",
    )
    assert progress_files(studied) == before


@pytest.mark.parametrize(
    "shape",
    [
        "one line",  # (read whole)
        "indented",  # (read whole)
        "framed, one event over several lines",  # (laid out, then found not to be: read whole)
    ],
)
@pytest.mark.parametrize("command", ["merge", "import"])
def test_an_export_of_another_shape_that_is_not_utf8_is_named_by_its_line(
    cli, studied, tmp_path, command, shape
):
    event = {**GOOD, "id": "c" * 32, "answer": "caf\u00e9"}
    if shape == "one line":
        text, line = export_with(event), 1
    elif shape == "indented":
        text = json.dumps({"kind": "mlprep-progress", "format": 1, "events": [event]}, indent=1)
        line = text[: text.index("caf")].count("\n") + 1
    else:
        head = '{"kind": "mlprep-progress", "format": 1, "events": [\n'
        text = head + json.dumps(event, indent=1) + "\n]}\n"
        line = text[: text.index("caf")].count("\n") + 1
    broken = tmp_path / "broken.json"
    broken.write_bytes(text.encode().replace(b"\\u00e9", b"\xe9"))
    before = progress_files(studied)
    args = ("progress", command, str(broken)) + (("--yes",) if command == "import" else ())
    result = cli(*args)
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {broken}:{line}: not UTF-8 text (byte 0xe9); save the file as UTF-8\n",
    )
    assert progress_files(studied) == before


@pytest.mark.parametrize("source", ["file", "standard input"])
@pytest.mark.parametrize("command", ["merge", "import"])
def test_a_backup_log_line_that_is_not_utf8_is_named_by_its_line(
    cli, studied, tmp_path, command, source
):
    """It was "cannot read FILE: 'utf-8' codec can't decode byte 0xff in position 1234: invalid
    start byte", which leaves the reader to find byte 1234."""
    log = (studied / "progress" / "reviews.jsonl").read_bytes()
    line = json.dumps({**GOOD, "id": "c" * 32, "answer": "caf\u00e9"}).encode()
    broken = tmp_path / "reviews.jsonl"
    broken.write_bytes(log + line.replace(b"\\u00e9", b"\xe9\xff") + b"\n")
    before = progress_files(studied)
    name = str(broken) if source == "file" else "-"
    args = ("progress", command, name) + (("--yes",) if command == "import" else ())
    result = cli(*args, input=broken.read_bytes() if source != "file" else None)
    named = broken if source == "file" else "standard input"
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {named}:3: not UTF-8 text (byte 0xe9); save the file as UTF-8\n",
    )
    assert progress_files(studied) == before


def test_deeply_nested_json_is_a_clear_error(cli, studied, tmp_path):
    before = progress_files(studied)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    result = cli("progress", "merge", str(deep))
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {deep}: not a progress export (nested too deeply)\n",
    )
    assert progress_files(studied) == before


def test_a_directory_in_place_of_the_log_is_a_clear_error(cli, mlprep_home):
    log = mlprep_home / "progress" / "reviews.jsonl"
    log.mkdir(parents=True)
    message = f"Error: {log} is a directory, not a review log; move it away\n"
    for args in (("stats", *MINI), ("review", "--plain", *MINI), ("progress", "export", "-")):
        result = cli(*args, input="")
        assert (result.exit_code, result.stderr) == (1, message), args
    assert log.is_dir()


@pytest.mark.parametrize(
    "damage",
    [
        {"log_offset": -100},
        {"log_offset": "Infinity"},
        {"log_offset": 1.5},
        {"format": "2"},
        {"last_id": 5},
        {"cards": []},
        {"cards": {"mini-open": "strings in rows"}},
        {"cards": {"mini-open": ["review", "NaN", 1, 1, None, 1, 1, 1, 0]}},
        {"cards": {"mini-open": ["review", 1e300, 1.0, 1.0, None, 1.0, 1.0, 1, 0]}},
        {"cards": {"mini-open": ["review", 1.8e9, -1.0, 1.0, None, 1.8e9, 1.8e9, 1, 0]}},
        {"cards": {"mini-open": ["nonsense", 1.8e9, 1.0, 1.0, None, 1.8e9, 1.8e9, 1, 0]}},
    ],
)
def test_a_damaged_snapshot_of_any_shape_is_rebuilt(cli, studied, damage):
    snapshot = studied / "progress" / "state.json"
    good = json.loads(snapshot.read_text())
    text = json.dumps({**good, **damage}).replace('"NaN"', "NaN").replace('"Infinity"', "Infinity")
    snapshot.write_text(text)
    result = cli("stats", "--json", *MINI)
    assert result.exit_code == 0
    assert result.stderr == f"warning: {snapshot}: unreadable; rebuilt from the review log\n"
    assert json.loads(snapshot.read_text()) == good


def test_standard_input_is_named_so_in_errors_too(cli):
    for command in (["progress", "merge", "-"], ["progress", "import", "-", "--yes"]):
        result = cli(*command, input="garbage\n")
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: standard input: not a progress export"), command
