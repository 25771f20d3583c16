"""The planner's day over arrays against the arithmetic it replaced, on random boards: the
same work chosen, in the same order, with the same figures to the last bit."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from mlprep.memory import AGAIN, GOOD, STABILITY_MIN, Memory
from mlprep.model import Card
from mlprep.plan import LEARNING_STEP_DAYS, MIN_GAIN, Board, Candidate, Costs, Planner, Track


def reference_review(board, stability, difficulty, elapsed, grade):
    """Board._review as it was: recall recomputed, both branches for any `elapsed`."""
    w = board.planner.memory.w
    delta = -(w[6] * (grade - 3))
    damped = difficulty + (10.0 - difficulty) * delta / 9.0
    reverted = w[7] * board.planner.memory._initial_d(4) + (1 - w[7]) * damped
    next_d = np.minimum(np.maximum(reverted, 1.0), 10.0)
    gain = math.exp(w[17] * (grade - 3 + w[18])) * stability ** -w[19]
    if grade > AGAIN:
        gain = np.maximum(gain, 1.0)
    same_day = np.maximum(stability * gain, STABILITY_MIN)
    r = board._recall(elapsed, stability)
    if grade == AGAIN:
        long_term = (
            w[11] * difficulty ** -w[12] * ((stability + 1) ** w[13] - 1) * np.exp((1 - r) * w[14])
        )
        short = stability / math.exp(w[17] * w[18])
        later = np.maximum(np.minimum(long_term, short), STABILITY_MIN)
    else:
        grown = stability * (
            1
            + math.exp(w[8])
            * (11 - difficulty)
            * stability ** -w[9]
            * (np.exp((1 - r) * w[10]) - 1)
        )
        later = np.maximum(grown, STABILITY_MIN)
    return np.where(np.asarray(elapsed) < 1, same_day, later), next_d


def reference_day(board, at, interview, budget, today):
    """Board.day as it was: every track scored, then all of them sorted (stable)."""
    planner, costs = board.planner, board.planner.costs
    with np.errstate(all="ignore"):
        elapsed = board._days(at)
        p = board._recall(elapsed, board.stability)
        kept = reference_review(board, board.stability, board.difficulty, elapsed, GOOD)
        lost = reference_review(board, board.stability, board.difficulty, elapsed, AGAIN)
        relearned = reference_review(board, lost[0], lost[1], LEARNING_STEP_DAYS, GOOD)
        left = planner.days(interview, at)
        after = p * board._recall(left, kept[0]) + (1 - p) * board._recall(left, relearned[0])
        gain = after - board._recall(board._days(interview), board.stability)
        seconds = costs.review + (1 - p) * costs.relearn
    new_gain = sum(q * planner.memory.recall(left, s) for q, s, _ in planner.learned)
    gain = np.where(board.seen, gain, new_gain)
    seconds = np.where(board.seen, seconds, costs.new)
    eligible = np.flatnonzero(board.last < today)
    order = eligible[np.argsort(-(gain[eligible] / seconds[eligible]), kind="stable")]
    gains, costs_of = gain.tolist(), seconds.tolist()
    cheapest = min(costs.new, costs.review)
    chosen, used = [], 0.0
    for index in order.tolist():
        if gains[index] < MIN_GAIN or budget - used < cheapest:
            break
        if used + costs_of[index] > budget:
            continue
        used += costs_of[index]
        chosen.append(Candidate(board.tracks[index], gains[index], costs_of[index], False))
        board._outcomes[index] = (
            float(p[index]),
            float(kept[0][index]),
            float(kept[1][index]),
            float(relearned[0][index]),
            float(relearned[1][index]),
        )
    for candidate in chosen:
        candidate.new = not board.seen[board._index[id(candidate.track)]]
    return chosen


def random_tracks(rng: random.Random, count: int) -> list[Track]:
    tracks = []
    for number in range(count):
        card = Card(f"c{number}", "q", "a", deck=f"d{number % 3}")
        kind = rng.random()
        if kind < 0.3:
            tracks.append(Track(card))
        elif kind < 0.45 and tracks and tracks[-1].stability is not None:
            twin = tracks[-1]  # the same memory: ties in gain per second
            tracks.append(Track(card, twin.stability, twin.difficulty, twin.last))
        else:
            stability = math.exp(rng.uniform(-3, 6))
            last = -rng.choice([rng.uniform(0, 400), rng.uniform(0, 2), 0.01])
            tracks.append(Track(card, stability, rng.uniform(1, 10), last))
    return tracks


def chosen_work(board: Board, chosen: list[Candidate]) -> list[tuple]:
    return [(board._index[id(c.track)], c.gain, c.seconds, c.new) for c in chosen]


@pytest.mark.parametrize("seed", range(6))
def test_a_day_over_arrays_chooses_as_the_full_sort_did(seed):
    rng = random.Random(seed)
    tracks = random_tracks(rng, rng.choice([50, 400, 3000]))
    costs = Costs(
        new=rng.choice([45.0, 600.0]),
        review=rng.uniform(5, 30),
        relearn=rng.uniform(0, 20),
        first_grades=(0.24, 0.094, 0.495, 0.171),
    )
    planner = Planner(Memory(), costs, origin=rng.random())
    copies = [Track(t.card, t.stability, t.difficulty, t.last) for t in tracks]
    board, reference = Board(planner, tracks), Board(planner, copies)
    interview = rng.uniform(1, 40)
    for offset in range(math.ceil(interview)):
        budget = rng.choice([0.0, 30.0, 700.0, 1800.0, 20000.0])
        today = offset - rng.random()
        got = board.day(float(offset), interview, budget, today)
        expected = reference_day(reference, float(offset), interview, budget, today)
        assert chosen_work(board, got) == chosen_work(reference, expected)
        assert board._outcomes == reference._outcomes
        board.apply(got, float(offset))
        reference.apply(expected, float(offset))
    assert board.on_day(interview) == reference.on_day(interview)


def test_a_day_that_passes_over_many_cards_too_long_for_what_is_left_still_agrees():
    # 500 weak cards at over 18 s each, 50 s a day: two fit, then less than 18 s is left,
    # which only the one strong card (12 s, the least gain per second) fits: the day looks
    # past its best few, into the rest of the order, to find it
    rng = random.Random(1)
    tracks = [
        Track(Card(f"c{n}", "q", "a"), rng.uniform(0.05, 0.2), 5.0, -rng.uniform(5, 10))
        for n in range(500)
    ]
    tracks.append(Track(Card("strong", "q", "a"), 20.0, 5.0, -20.0))
    copies = [Track(t.card, t.stability, t.difficulty, t.last) for t in tracks]
    planner = Planner(Memory(), Costs(new=45.0, review=10.0, relearn=20.0))
    board, reference = Board(planner, tracks), Board(planner, copies)
    got = board.day(0.0, 20.0, 50.0, -0.5)
    expected = reference_day(reference, 0.0, 20.0, 50.0, -0.5)
    assert [c.track.card.id for c in got] == ["c330", "c145", "strong"]
    assert chosen_work(board, got) == chosen_work(reference, expected)


def reference_tracks_for(cards, states, now):
    """tracks_for as it was: a sort of (rank in deck, place) pairs."""
    now_ts = now.timestamp()
    tracks = []
    rank: dict[str, int] = {}
    order = []
    for index, card in enumerate(cards):
        rank[card.deck] = rank.get(card.deck, -1) + 1
        order.append((rank[card.deck], index, card))
    for _, _, card in sorted(order, key=lambda item: item[:2]):
        state = states.get(card.id)
        if state is None or state.stability is None:
            tracks.append(Track(card))
        else:
            last = (state.last_ts - now_ts) / 86400.0
            tracks.append(Track(card, state.stability, state.difficulty, last))
    return tracks


@pytest.mark.parametrize("seed", range(4))
def test_tracks_interleave_the_decks_as_the_pair_sort_did(seed):
    from datetime import UTC, datetime

    from mlprep.plan import tracks_for
    from mlprep.scheduler import CardState

    rng = random.Random(seed)
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    decks = [f"d{n}" for n in range(rng.randint(1, 6))]
    cards = [Card(f"c{n}", "q", "a", deck=rng.choice(decks)) for n in range(rng.randint(0, 300))]
    states = {}
    for card in rng.sample(cards, len(cards) // 2):
        last = now.timestamp() - rng.uniform(0, 1e7)
        stability = rng.choice([None, rng.uniform(0.1, 300)])
        states[card.id] = CardState(card.id, "review", last, stability, 5.0, None, last, last, 1, 0)
    got = tracks_for(cards, states, now)
    expected = reference_tracks_for(cards, states, now)
    assert [(t.card.id, t.stability, t.difficulty, t.last) for t in got] == [
        (t.card.id, t.stability, t.difficulty, t.last) for t in expected
    ]


def _expected_recall(planner: Planner, reviews: list[float], interview: float) -> float:
    """A new card learned at 0 and reviewed at `reviews`: its recall at `interview` over every
    outcome (each first grade, then remembered or forgotten and relearned at each review)."""
    memory = planner.memory
    branches = [(share, s, d, 0.0) for share, s, d in planner.learned]
    for at in reviews:
        after = []
        for share, s, d, last in branches:
            p = memory.recall(at - last, s)
            kept = memory.review(s, d, at - last, GOOD)
            lost = memory.review(s, d, at - last, AGAIN)
            relearned = memory.review(*lost, LEARNING_STEP_DAYS, GOOD)
            after += [(share * p, *kept, at), (share * (1 - p), *relearned, at)]
        branches = after
    return sum(share * memory.recall(interview - last, s) for share, s, _, last in branches)


@pytest.mark.parametrize("reviews", [[], [5.0], [8.0], [3.0, 8.0], [2.0, 5.0, 10.0]])
def test_recall_on_the_day_is_expected_over_the_outcomes_not_of_their_mean(reviews):
    """The projection averaged each card's stability over its outcomes and took the recall of
    that mean: recall is concave in stability, so "if followed" overstated the day (98% on a
    plan's first day, 93% reached; a card reviewed once on day 5: 93% for 86%)."""
    planner = Planner(Memory(), Costs(), origin=0.0)
    track = Track(Card("c", "q", "a"))
    board = Board(planner, [track])
    board.apply([Candidate(track, 0.0, 45.0, True)], 0.0)
    for at in reviews:
        board.day(at, 14.0, 1e9, at)
        board.apply([Candidate(track, 0.0, 15.0, False)], at)
    expected = _expected_recall(planner, reviews, 14.0)
    assert board.on_day(14.0)[0] == pytest.approx(expected, abs=0.015)
