"""Hostile progress files through the real commands: one clear line, exit 1, files unchanged."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES

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


@pytest.fixture
def studied(cli, mlprep_home, tmp_path):
    """A data dir with two answers recorded."""
    source = tmp_path / "seed.json"
    second = {**GOOD, "id": "b" * 32, "card": "mini-single", "at": "2026-11-21T09:00:00.000Z"}
    source.write_text(export_with(GOOD, second))
    assert cli("progress", "merge", str(source)).exit_code == 0
    assert cli("stats", *MINI).exit_code == 0
    return mlprep_home


@pytest.mark.parametrize(
    "change, message",
    [
        ({"at": "9999-12-31T23:59:59.999Z"}, "'at' must lie between 1970 and 2200"),
        ({"at": "1969-12-31T23:59:59.999Z"}, "'at' must lie between 1970 and 2200"),
        ({"grade": 7}, "bad grade"),
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
