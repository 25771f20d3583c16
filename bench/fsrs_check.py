"""Held-out scores as the `fsrs` package itself predicts them: a check, independent of
mlprep's own FSRS formulas (memory.py), that fitted parameters predict a history better."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from mlprep.memory import AGAIN
from mlprep.optimize import Review, Score, score
from mlprep.scheduler import LEARNING_STEPS, RELEARNING_STEPS


def fsrs_score(reviews: Sequence[Review], parameters: Sequence[float], since: datetime) -> Score:
    """Each card's reviews replayed through `fsrs.Scheduler` with `parameters` (the learning
    steps mlprep uses, no fuzz); scored on every review at or after `since` that came a day
    (24 hours, as fsrs counts) or more after the card's previous one, with the recall fsrs'
    `get_card_retrievability` predicted for it."""
    import fsrs

    scheduler = fsrs.Scheduler(
        parameters=tuple(parameters),
        learning_steps=LEARNING_STEPS,
        relearning_steps=RELEARNING_STEPS,
        enable_fuzzing=False,
    )
    cards: dict[str, fsrs.Card] = {}
    pairs = []
    for review in sorted(reviews, key=lambda r: r.at):
        at = review.at.astimezone(UTC)
        card = cards.get(review.card)
        if card is None:
            card = fsrs.Card()
        elif at >= since and card.last_review and (at - card.last_review).days >= 1:
            p = scheduler.get_card_retrievability(card, at)
            pairs.append((p, int(review.rating > AGAIN)))
        cards[review.card], _ = scheduler.review_card(card, fsrs.Rating(review.rating), at)
    return score(pairs)
