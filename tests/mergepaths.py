"""Which way a merge went: the tests of the streaming merge count its falls to the general
path."""

from __future__ import annotations

from mlprep.progress import ProgressStore


def general_merges(monkeypatch) -> list[int]:
    """A list that gets an item each time a merge takes the general path (`monkeypatch` or
    one of its contexts undoes the count)."""
    taken: list[int] = []
    general = ProgressStore._merge_replaying
    monkeypatch.setattr(
        ProgressStore,
        "_merge_replaying",
        lambda self, added: taken.append(1) or general(self, added),
    )
    return taken
