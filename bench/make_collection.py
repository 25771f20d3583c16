"""Generate a synthetic collection to measure mlprep at scale.

    python bench/make_collection.py --cards 10000 --reviews 100000 --home DIR

writes DIR/decks/bench-NN.yaml (user decks, 500 cards each) and DIR/progress/reviews.jsonl
(review events spread over the last 300 days, with the card state each produced, as mlprep
writes them; --log-format 1 leaves the states out, as older versions did). A tenth of the
answers are quiz answers. Point MLPREP_HOME at DIR to use it.
"""

from __future__ import annotations

import argparse
import random
import sys
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mlprep.progress import replay_rows  # noqa: E402  (the checkout's mlprep, not an install)
from mlprep.reviewlog import ReviewEvent  # noqa: E402
from mlprep.scheduler import Scheduler  # noqa: E402

CARDS_PER_DECK = 500


def write_decks(home: Path, cards: int) -> list[str]:
    decks_dir = home / "decks"
    decks_dir.mkdir(parents=True, exist_ok=True)
    ids = []
    for deck_number in range(0, cards, CARDS_PER_DECK):
        slug = f"bench-{deck_number // CARDS_PER_DECK:02d}"
        lines = [f"id: {slug}", f"title: Benchmark deck {slug}", "cards:"]
        for number in range(deck_number, min(cards, deck_number + CARDS_PER_DECK)):
            card_id = f"{slug}-c{number:05d}"
            ids.append(card_id)
            lines += [
                f"  - id: {card_id}",
                f"    q: Synthetic question number {number} about a made-up topic?",
                "    a: |",
                f"      A synthetic answer for card {number}, long enough to look like a real",
                "      answer with a couple of sentences of explanation in it.",
                "    difficulty: 2",
                "    tags: [bench]",
            ]
            if number % 3 == 0:
                lines += [
                    "    choices:",
                    "      - {text: The right option, correct: true}",
                    "      - {text: A plausible wrong option}",
                    "      - {text: Another wrong option}",
                ]
        (decks_dir / f"{slug}.yaml").write_text("\n".join(lines) + "\n")
    return ids


def write_reviews(
    home: Path, card_ids: list[str], reviews: int, seed: int, log_format: int = 2
) -> None:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    start = now - timedelta(days=300)
    # Each review happens at a random time; a card's reviews are spread over the period.
    moments = sorted(start + timedelta(seconds=rng.uniform(0, 300 * 86400)) for _ in range(reviews))
    progress = home / "progress"
    progress.mkdir(parents=True, exist_ok=True)
    studied = card_ids[: max(1, int(len(card_ids) * 0.8))]  # a fifth of the cards still new
    events = [
        ReviewEvent(
            id=uuid.UUID(int=rng.getrandbits(128)).hex,
            card=rng.choice(studied),
            grade=rng.choices((1, 2, 3, 4), weights=(1, 2, 6, 1))[0],
            mode="quiz" if rng.random() < 0.1 else "review",
            ms=rng.randint(1500, 20000),
            at=moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            v=log_format,
        )
        for moment in moments
    ]
    if log_format >= 2:
        rows, _ = replay_rows(Scheduler(), events)
        events = [replace(event, state=rows[event.id]) for event in events]
    with open(progress / "reviews.jsonl", "w") as handle:
        for event in events:
            handle.write(event.to_json() + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log-format", type=int, choices=(1, 2), default=2)
    args = parser.parse_args()
    ids = write_decks(args.home, args.cards)
    write_reviews(args.home, ids, args.reviews, args.seed, args.log_format)
    print(f"{args.home}: {len(ids)} cards in user decks, {args.reviews} review events")


if __name__ == "__main__":
    main()
