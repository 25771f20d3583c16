"""Deck files parsed on a second core while this process parses the others.

A run that finds no deck cache (the first run after an install, a new parser, a cleared cache)
parses every deck file: megabytes of YAML for the built-in decks alone, several times that for
a large collection of one's own. Where a core is free, a forked child parses the later files
while this process parses the earlier ones. It sends each deck back as the deck cache stores
one (decks.deck_record), not as objects: the bytes cross the pipe at memory speed, and the
deck's cards are read from them when used, as from the cache file. Problems and card ids come
back as they are, so a file's warnings read the same whichever process parsed it.

A child that fails in any way leaves its files to this process, which parses them as it would
have without a child.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mlprep import forkwork
from mlprep.decks import HeldRecords, cached_deck, deck_record, deck_text, parsed_deck
from mlprep.model import Deck, Problem

# Less YAML than this parses in about the time a fork and sending its result back take.
MIN_BYTES = 256 * 1024
# The child's share of the bytes: a little under half, as it also sends its result.
CHILD_SHARE = 0.45

# what the child sends back of one file: its deck's bytes and summary entry (None: no deck),
# its problems and its card ids with their lines (or None: the child could not read it)
_Parsed = tuple[tuple[bytes, tuple] | None, list[Problem], list[tuple[str, int]]] | None


class ParsedAhead:
    """The later of `files` (key, path, size, built-in; in the order they are loaded) parsed
    by a forked child, when they are large enough and a core is free; `take(key)` gives what
    the child made of one."""

    def __init__(self, files: Sequence[tuple[tuple, Path, int, bool]]) -> None:
        self.theirs: dict[tuple, Path] = {}
        self.results: dict[tuple, _Parsed] | None = None
        self.child: forkwork.Forked[dict[tuple, _Parsed]] | None = None
        total = sum(size for _, _, size, _ in files)
        if total < MIN_BYTES or not forkwork.spare_core():
            return
        share, taken = total * CHILD_SHARE, 0
        chosen: list[tuple[tuple, Path, int, bool]] = []
        for file in reversed(files):  # the last files, up to the child's share of the bytes
            if taken + file[2] > share and chosen:
                break
            chosen.append(file)
            taken += file[2]
        if len(chosen) == len(files):
            return  # one file holds most of the bytes: nothing to share
        chosen.reverse()
        self.child = forkwork.start(lambda: _parse(chosen))
        if self.child is not None:
            self.theirs = {key: path for key, path, _, _ in chosen}

    def take(self, key: tuple) -> tuple[Deck | None, list[Problem], list[tuple[str, int]]] | None:
        """What the child made of the file with this identity: its deck (or None) with its
        problems and card ids; None where this process is to parse it itself."""
        path = self.theirs.get(key)
        if path is None:
            return None
        if self.results is None:
            self.results = self._received()
        parsed = self.results.get(key)
        if parsed is None:
            return None
        record, problems, ids = parsed
        if record is None:
            return None, problems, ids
        data, entry = record
        return cached_deck(key, entry, HeldRecords(data), path), problems, ids

    def _received(self) -> dict[tuple, _Parsed]:
        assert self.child is not None
        try:
            return self.child.result()
        except forkwork.Failed:
            return {}

    def close(self) -> None:
        """Stop the child if it is still at work (the load stopped early)."""
        if self.child is not None:
            self.child.close()


def _parse(files: Sequence[tuple[tuple, Path, int, bool]]) -> dict[tuple, _Parsed]:
    """The child's work: each file parsed as decks.load_files parses it."""
    results: dict[tuple, _Parsed] = {}
    for key, path, _, builtin in files:
        try:
            text = deck_text(path)
        except (OSError, UnicodeDecodeError):
            results[key] = None  # (this process reads it again and says what is wrong)
            continue
        deck, problems, ids = parsed_deck(text, path, builtin)
        record = None
        if deck is not None:
            pieces, entry, _ = deck_record(deck)
            record = (b"".join(pieces), entry)
        results[key] = (record, problems, list(ids))
    return results
