"""Anki's side of the scale benchmark; runs under a Python that has the `anki` package.

    python anki_first_card.py build DIR CARDS REVIEWS   # a collection like make_collection's
    python anki_first_card.py first DIR                 # open it, fetch the first due card

`first` is what is timed (the whole process, as for mlprep). Not a project dependency.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path


def build(directory: Path, cards: int, reviews: int) -> None:
    from anki.collection import Collection

    directory.mkdir(parents=True, exist_ok=True)
    col = Collection(str(directory / "bench.anki2"))
    model = col.models.by_name("Basic")
    deck_id = col.decks.id("bench")
    col.decks.select(deck_id)  # the deck the first card is fetched from
    from anki.collection import AddNoteRequest

    requests = []
    for number in range(cards):
        note = col.new_note(model)
        note["Front"] = f"Synthetic question number {number} about a made-up topic?"
        note["Back"] = f"A synthetic answer for card {number}, long enough to look real."
        requests.append(AddNoteRequest(note=note, deck_id=deck_id))
    col.add_notes(requests)  # one transaction
    rng = random.Random(1)
    card_ids = col.db.list("select id from cards order by id")
    studied = card_ids[: int(len(card_ids) * 0.8)]
    now_ms = int(time.time() * 1000)
    start = now_ms - 300 * 86_400_000
    rows = []
    for number in range(reviews):
        moment = start + number * (300 * 86_400_000 // reviews)
        rows.append(
            (moment, rng.choice(studied), -1, rng.choice((1, 3, 3, 3, 4)), 10, 5, 2500, 8000, 1)
        )
    col.db.executemany("insert into revlog values (?,?,?,?,?,?,?,?,?)", rows)
    today = col.sched.today
    col.db.executemany(  # review cards spread around today, some due
        "update cards set type=2, queue=2, ivl=?, due=?, factor=2500, reps=10 where id=?",
        [(rng.randint(1, 60), today + rng.randint(-5, 30), card_id) for card_id in studied],
    )
    col.close()


def first(directory: Path) -> None:
    from anki.collection import Collection

    col = Collection(str(directory / "bench.anki2"))
    queued = col.sched.get_queued_cards(fetch_limit=1)
    card = col.get_card(queued.cards[0].card.id)
    print("first card:", card.question()[:40])
    col.close()


if __name__ == "__main__":
    if sys.argv[1] == "build":
        build(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        first(Path(sys.argv[2]))
