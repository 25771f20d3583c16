"""Solutions written from the drills' contract alone, run through the drill checker.

Each folder under tests/fixtures/independent_drills is named after a card id and holds
`correct.py` (a right solution written another way than the reference; `correct_*.py`, more,
such as one returning numpy numbers where the contract allows them) and `buggy_*.py`
(mistakes a candidate makes: unstable exp, ddof=1, ties, in-place writes, a wrong dtype...).
A correct file the checker rejects means the reference or the tests are wrong; a buggy file
it accepts means the tests are too weak to see that mistake.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("numpy")

from mlprep import coderun  # noqa: E402
from tests.drills.timed import check_many  # noqa: E402
from tests.forkserver import drills_through_server  # noqa: E402

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "independent_drills"

# Too slow on purpose: each runs in a child of its own, so its time-out stays its own.
SLOW = {
    ("coding-pairwise-dist", "buggy_slow_loop"),
    ("coding-pairwise-dist", "buggy_broadcast_3d"),
}


FILES = sorted((d.name, f.stem) for d in ROOT.iterdir() if d.is_dir() for f in d.glob("*.py"))


@pytest.fixture(scope="module")
def verdicts() -> dict[tuple[str, str], coderun.Verdict]:
    fast = [key for key in FILES if key not in SLOW]
    cards = sorted({card for card, _ in fast})
    # two child processes, each checking half the drills in one numpy start-up
    halves = [cards[0::2], cards[1::2]]

    def run(cards_part: list[str]) -> dict[tuple[str, str], coderun.Verdict]:
        batch = [
            (card, [ROOT / card / f"{stem}.py" for c, stem in fast if c == card])
            for card in cards_part
        ]
        out = {}
        for (card, paths), per_card in zip(batch, coderun.check_many(batch), strict=True):
            for path, verdict in zip(paths, per_card, strict=True):
                out[(card, path.stem)] = verdict
        return out

    def run_slow(key: tuple[str, str]) -> dict[tuple[str, str], coderun.Verdict]:
        card, stem = key
        # each of these spins a core until it is stopped, in a harness started for real: at
        # an overall limit of half a second (the time that harness spends importing numpy
        # counts in it, instead of coming on top of the spinning), which also stops the (n,
        # m, d) temporary, a C loop that only the limit stops; the verdict only has to reject
        # them
        limits = replace(coderun.Limits(), seconds=0.5)
        return {key: check_many([(card, [ROOT / card / f"{stem}.py"])], limits)[0][0]}

    results: dict[tuple[str, str], coderun.Verdict] = {}
    # the halves' harnesses come from the test run's server, with numpy imported
    # (tests/forkserver.py); the slow ones are stopped in harnesses started for real
    with drills_through_server(), ThreadPoolExecutor(max_workers=2) as pool:
        for part in pool.map(run, halves):
            results.update(part)
    with ThreadPoolExecutor(max_workers=2) as pool:
        for part in pool.map(run_slow, sorted(SLOW)):
            results.update(part)
    return results


def test_every_drill_has_a_correct_and_a_buggy_fixture() -> None:
    from mlprep.drills import DRILL_IDS

    cards = {card for card, _ in FILES}
    assert cards == set(DRILL_IDS)
    for card in cards:
        stems = {stem for c, stem in FILES if c == card}
        assert "correct" in stems, card
        assert any(s.startswith("buggy_") for s in stems), card


# Every fixture's verdict is read in one test of each kind, which lists the fixtures it does
# not hold for (a test each cost more than reading its verdict).


def test_every_correct_fixture_passes(verdicts) -> None:
    rejected = {
        card: (verdict.error, [f.as_json() for f in verdict.failures[:2]])
        for (card, stem), verdict in verdicts.items()
        if stem.startswith("correct") and not verdict.passed
    }
    assert rejected == {}


def test_every_buggy_fixture_is_rejected(verdicts) -> None:
    unnoticed = [
        f"{card}/{stem}.py"
        for (card, stem), verdict in verdicts.items()
        if stem.startswith("buggy_") and verdict.passed
    ]
    assert unnoticed == []  # mistakes that went unnoticed
