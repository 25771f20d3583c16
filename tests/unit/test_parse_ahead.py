"""A load with no deck cache parses the later deck files in a second process: the library, its
warnings and the cache it saves are what one process alone gives."""

from __future__ import annotations

import os
from dataclasses import fields
from pathlib import Path

import pytest

from mlprep import decks, forkwork, parseahead
from mlprep.decks import HeldRecords, load_library
from mlprep.model import Card
from tests.conftest import FIXTURES

MINI = FIXTURES / "decks"


def deck_text(number: int, cards: int = 40) -> str:
    lines = [f"id: gen{number}", f"title: Generated {number}", "tags: [generated]", "cards:"]
    for card in range(cards):
        lines += [
            f"  - id: gen{number}-{card}",
            f"    q: Question {card} of deck {number}, about bias and variance?",
            "    a: |",
            f"      An answer over two lines, number {card}:",
            "      more bias, less variance.",
            f"    difficulty: {card % 3 + 1}",
            f"    tags: [t{card % 4}]",
        ]
        if card % 5 == 0:
            lines += [
                "    choices:",
                "      - text: More bias",
                "        correct: true",
                "      - text: More variance",
            ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def user_decks(tmp_path) -> Path:
    """Twelve decks, some of them broken in different ways, the broken ones late and early."""
    user = tmp_path / "user"
    user.mkdir()
    for number in range(12):
        (user / f"d{number:02}.yaml").write_text(deck_text(number))
    # a card without an answer (a problem at its line), early and late in the order
    (user / "d01.yaml").write_text(deck_text(1).replace("    a: |\n", "    x: |\n", 1))
    (user / "d10.yaml").write_text(deck_text(10).replace("    a: |\n", "    x: |\n", 1))
    (user / "d11.yaml").write_bytes(b"id: bad\ntitle: \xff\xfe\ncards: []\n")  # not UTF-8
    # a card id that another deck uses too (the library reports the clash)
    (user / "d09.yaml").write_text(deck_text(9).replace("id: gen9-3\n", "id: gen2-3\n", 1))
    return user


def described(library) -> tuple:
    """Everything a command could read of the library: each deck and every field of every
    card, in order, and the warnings."""
    decks = []
    for slug, deck in library.decks.items():
        cards = [tuple(getattr(card, f.name) for f in fields(Card)) for card in deck.cards]
        decks.append((slug, deck.id, deck.title, deck.description, deck.tags, deck.path, cards))
    return decks, [str(problem) for problem in library.warnings]


def load(user: Path, cache: Path | None, monkeypatch, share: bool):
    monkeypatch.setattr(forkwork, "spare_core", lambda: share)
    monkeypatch.setattr(parseahead, "MIN_BYTES", 0)
    started = []
    real_start = forkwork.start

    def start(work, expected=()):
        started.append(True)
        return real_start(work, expected)

    monkeypatch.setattr(forkwork, "start", start)
    monkeypatch.setattr(decks, "_SEEN", {})  # (decks this process parsed before: none)
    library = load_library([MINI], [user], cache)
    return library, bool(started)


def test_a_second_process_parses_the_later_files_to_the_same_library(
    user_decks, tmp_path, monkeypatch
):
    alone, forked = load(user_decks, None, monkeypatch, share=False)
    assert not forked
    shared, forked = load(user_decks, None, monkeypatch, share=True)
    assert forked
    # the later decks came from the child, as records (no cache to read them back from)
    held = [
        slug
        for slug, deck in shared.decks.items()
        if isinstance(getattr(getattr(deck.cards, "source", None), "file", None), HeldRecords)
    ]
    assert held and "gen0" not in held and "gen8" in held
    assert described(shared) == described(alone)
    warnings = described(shared)[1]
    assert any("d10.yaml:" in warning for warning in warnings)  # a child's file's problem
    assert any("d11.yaml:2: not UTF-8 text (byte 0xff)" in warning for warning in warnings)


def test_the_cache_saved_after_a_shared_parse_serves_the_same_library(
    user_decks, tmp_path, monkeypatch
):
    load(user_decks, tmp_path / "shared", monkeypatch, share=True)
    load(user_decks, tmp_path / "alone", monkeypatch, share=False)
    for cache in ("shared", "alone"):
        assert (tmp_path / cache / "decks.pickle").exists()
    # (the broken files are parsed again: only decks are cached)
    from_shared, _ = load(user_decks, tmp_path / "shared", monkeypatch, share=True)
    from_alone, _ = load(user_decks, tmp_path / "alone", monkeypatch, share=False)
    assert described(from_shared) == described(from_alone)


def test_a_child_that_dies_leaves_its_files_to_this_process(user_decks, monkeypatch):
    alone, _ = load(user_decks, None, monkeypatch, share=False)
    monkeypatch.setattr(parseahead, "_parse", lambda files: os._exit(3))
    shared, forked = load(user_decks, None, monkeypatch, share=True)
    assert forked
    assert described(shared) == described(alone)


def test_a_small_first_run_parses_in_one_process(user_decks, monkeypatch):
    monkeypatch.setattr(forkwork, "spare_core", lambda: True)
    files = [((str(path),), path, path.stat().st_size, False) for path in user_decks.iterdir()]
    assert parseahead.ParsedAhead(files).child is None  # (the default minimum: 256 KiB)
    monkeypatch.setattr(parseahead, "MIN_BYTES", 0)
    ahead = parseahead.ParsedAhead(files)
    try:
        assert ahead.child is not None
        # the child takes the last files, a little under half of the bytes
        names = sorted(path.name for path in ahead.theirs.values())
        assert names == sorted(path.name for _, path, _, _ in files[-len(names) :])
        taken = sum(size for key, _, size, _ in files if key in ahead.theirs)
        assert 0 < taken <= parseahead.CHILD_SHARE * sum(size for _, _, size, _ in files)
    finally:
        ahead.close()


def test_a_long_parse_is_announced_once_before_it_starts(user_decks, tmp_path, monkeypatch):
    heard: list[str] = []
    monkeypatch.setattr(decks, "_SEEN", {})
    size = sum(path.stat().st_size for path in user_decks.iterdir())
    monkeypatch.setattr(decks, "LONG_PARSE_BYTES", size)  # (the user decks reach it exactly)
    load_library([MINI], [user_decks], tmp_path / "cache", notify=heard.append)
    assert heard == [
        f"Reading 12 deck files ({size / (1 << 20):.0f} MB) into the deck cache (once)..."
    ]
    heard.clear()
    monkeypatch.setattr(decks, "_SEEN", {})
    load_library([MINI], [user_decks], tmp_path / "cache", notify=heard.append)
    assert heard == []  # (the three broken files are parsed again: under the bar)


def test_the_announcement_goes_to_stderr_before_the_command_runs(user_decks, monkeypatch, cli):
    monkeypatch.setattr(decks, "_SEEN", {})
    monkeypatch.setattr(decks, "LONG_PARSE_BYTES", 1)
    result = cli("decks", "--decks", str(user_decks))
    assert result.exit_code == 0
    assert (
        result.stderr.splitlines()[0]
        == "Reading 12 deck files (0 MB) into the deck cache (once)..."
    )
    assert "Reading" not in result.stdout


def test_checking_files_without_a_cache_reports_the_same_with_a_second_process(
    user_decks, monkeypatch
):
    """validate's load: no cache, every card id reported (broken files' too)."""
    from mlprep.decks import load_files

    def report(share: bool):
        monkeypatch.setattr(forkwork, "spare_core", lambda: share)
        monkeypatch.setattr(parseahead, "MIN_BYTES", 0)
        monkeypatch.setattr(decks, "_SEEN", {})
        loaded = load_files([MINI, user_decks], builtin=False)
        cards = [
            [tuple(getattr(c, f.name) for f in fields(Card)) for c in d.cards] for d in loaded.decks
        ]
        return [str(p) for p in loaded.problems], loaded.card_ids, cards

    alone = report(False)
    assert report(True) == alone
    held = [
        deck
        for deck in decks._SEEN.values()
        if isinstance(getattr(getattr(deck.cards, "source", None), "file", None), HeldRecords)
    ]
    assert held  # (the second process parsed some of them)
    assert any("d10.yaml" in path for path, _, _ in alone[1])  # (a broken file's ids)
