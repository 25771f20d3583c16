"""Grader benchmark: how well keypoint grading ranks and grades the development set.

bench/grader_devset.yaml holds, for open cards of every deck, a complete, a partial, a wrong
(same vocabulary, a misconception) and an off-topic answer. Prints:
  - the share of cards whose scores order complete > partial > wrong,
  - agreement of the suggested grade with the intended one (good, hard, again, again),
  - how often wrong and off-topic answers are suggested Good,
  - time per answer (median and 95th percentile, after one warm-up pass), and for the first
    answer to each card, which also compiles the card's phrases.
Goals: ordering >= 85%, agreement >= 75%, wrong->Good <= 10%, off-topic->Good <= 5%,
p95 <= 20 ms. Prints numbers; asserts nothing. `-v` lists every disagreement.

`--heldout2` scores bench/grader_heldout2.yaml, a second such set by another hand (40 cards).
`--heldout3` scores bench/grader_heldout3.yaml, a third (30 cards drawn at random), its answers
written from the questions alone; held out only when first scored (see its header).
`--heldout` scores bench/grader_heldout.yaml instead: the same figures on answers written
without sight of the cards' keypoints, so keypoint phrases tuned on the development set cannot
flatter it.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlprep.decks import load_files  # noqa: E402
from mlprep.grader import grade_answer  # noqa: E402
from mlprep.model import Grade  # noqa: E402

INTENDED = {
    "complete": Grade.GOOD,
    "partial": Grade.HARD,
    "wrong": Grade.AGAIN,
    "offtopic": Grade.AGAIN,
}


def main() -> None:
    verbose = "-v" in sys.argv
    sets = {"--heldout": "grader_heldout.yaml", "--heldout2": "grader_heldout2.yaml"}
    sets["--heldout3"] = "grader_heldout3.yaml"
    chosen = [flag for flag in sets if flag in sys.argv]
    heldout = bool(chosen)
    name = sets[chosen[-1]] if chosen else "grader_devset.yaml"
    report = load_files([ROOT / "content" / "decks"], builtin=True)
    cards = {card.id: card for deck in report.decks for card in deck.cards}
    devset = yaml.safe_load((ROOT / "bench" / name).read_text())["answers"]
    first: list[float] = []  # each card's first answer also compiles its phrases
    for item in devset:
        start = time.perf_counter()
        grade_answer(cards[item["card"]], item["complete"])
        first.append(time.perf_counter() - start)
    for item in devset:  # the rest of the warm-up: word caches
        for kind in INTENDED:
            grade_answer(cards[item["card"]], item[kind])

    ordered = agree = total = 0
    good = {kind: 0 for kind in INTENDED}
    times: list[float] = []
    decks: set[str] = set()
    for item in devset:
        card = cards[item["card"]]
        decks.add(card.deck)
        scores = {}
        for kind, intended in INTENDED.items():
            start = time.perf_counter()
            grading = grade_answer(card, item[kind])
            times.append(time.perf_counter() - start)
            scores[kind] = grading.score
            total += 1
            agree += grading.suggested == intended
            good[kind] += grading.suggested >= Grade.GOOD
            if verbose and grading.suggested != intended:
                print(
                    f"  {card.id} {kind}: suggested {grading.suggested.label} "
                    f"({grading.score:.2f}), missed {[p.point for p in grading.missed]}, "
                    f"misconceptions {[m.claim for m in grading.misconceptions]}"
                )
        ordered += scores["complete"] > scores["partial"] > scores["wrong"]

    n = len(devset)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))] * 1000
    label = "held-out set" if heldout else "dev set"
    print(f"grader {label}: {n} cards from {len(decks)} decks, {total} answers")
    print(f"  ordering complete > partial > wrong: {ordered / n:6.1%}   (goal >= 85%)")
    print(f"  suggested grade = intended:          {agree / total:6.1%}   (goal >= 75%)")
    print(f"  wrong answers suggested Good:        {good['wrong'] / n:6.1%}   (goal <= 10%)")
    print(f"  off-topic answers suggested Good:    {good['offtopic'] / n:6.1%}   (goal <= 5%)")
    print(
        f"  time per answer: median {statistics.median(times) * 1000:.2f} ms, "
        f"p95 {p95:.2f} ms   (goal <= 20 ms)"
    )
    first.sort()
    print(
        f"  first answer to a card (compiles its phrases): "
        f"p95 {first[int(0.95 * (len(first) - 1))] * 1000:.2f} ms, max {first[-1] * 1000:.1f} ms"
    )
    big = "bagging reduces variance, not bias. " * 3000  # about 100 KB
    start = time.perf_counter()
    grade_answer(cards[devset[0]["card"]], big)
    print(f"  a 100 KB answer: {(time.perf_counter() - start) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
