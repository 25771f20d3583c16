"""Interview-plan benchmark: expected cards recalled on the interview day, at equal minutes.

A simulated learner whose memory follows FSRS-6 with known parameters (bench/learner.py)
studies every built-in card for 28 days at 30 minutes a day, answer times drawn from
realistic durations; the interview is on the morning of day 28. Schedules compared:

  plan     mlprep's interview plan (mlprep/plan.py, the queue `review` uses)
  fsrs90   plain FSRS at 90% retention: due cards first, then new cards while time lasts
  fsrs95   the same at 95%
  cram     nothing until the last 3 days, then FSRS-90's new and due cards, 30 min a day
  cram-all the same, with the same total minutes squeezed into those days (280 a day)

It runs twice: with every built-in card, and with 400 of them (a plan for a few decks).
Each schedule sees only the grades (its states come from the `fsrs` scheduler with its own
parameters); the learner's true memory decides the grades and the score. Two settings:
  default  the learner's memory follows the default parameters, schedules use the defaults
  fitted   the learner forgets faster (bench/learner.FORGETFUL); schedules use parameters that
           mlprep's optimizer fitted on a simulated half year of that learner's reviews
The optimizer's report on that log comes first (by mlprep's scoring and by the `fsrs`
package's own predictions). Each table row ends with the ceiling: an upper bound on what any
schedule held to the same daily minutes can expect (bench/oracle.py). Prints; asserts nothing.
Goal: plan >= 1.10x fsrs90 and above every other schedule.
PLAN_MINUTES=60 runs it at 60 minutes a day.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ["TZ"] = "UTC"  # days start at UTC midnight for every schedule alike
time.tzset()
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.fsrs_check import fsrs_score  # noqa: E402
from bench.learner import FORGETFUL, Learner, review_history, seconds  # noqa: E402
from bench.oracle import bound  # noqa: E402
from mlprep.decks import load_library  # noqa: E402
from mlprep.memory import AGAIN, DEFAULT_PARAMETERS, Memory  # noqa: E402
from mlprep.optimize import Review, by_card, fit, predictions, score  # noqa: E402
from mlprep.paths import builtin_content_dir  # noqa: E402
from mlprep.plan import Plan, costs_from_events, plan_queue, tracks_for, weight  # noqa: E402
from mlprep.scheduler import (  # noqa: E402
    LEARNING,
    RELEARNING,
    Limits,
    Scheduler,
    build_queue,
)

DAYS = 28
MINUTES = int(os.environ.get("PLAN_MINUTES", 30))
CRAM_DAYS = 3
SUBSET = 400  # the second run: a plan for a few decks, not every card
SEEDS = (1, 2, 3)
START = datetime(2027, 3, 1, tzinfo=UTC)
SESSION_HOUR = 18
INTERVIEW = START + timedelta(days=DAYS, hours=9)
SEEN: dict[str, list[int]] = {}  # cards seen at least once, per schedule
# seconds each schedule's full 30-minute sessions took (a session finishes the answer under way)
USED: dict[str, list[float]] = {}


class Event:
    """Enough of a log event for costs_from_events."""

    __slots__ = ("card", "grade", "ms", "when", "kind", "undoes")

    def __init__(self, card: str, grade: int, ms: int, when: datetime) -> None:
        self.card, self.grade, self.ms, self.when = card, grade, ms, when
        self.kind = self.undoes = None


def session(cards_in_order, budget, moment, learner, scheduler, states, log, weights) -> float:
    """Answer cards in order until `budget` seconds are used; learning steps come back when due
    (or early when nothing else is left), as in `mlprep review`. An answer takes its kind's
    time (`weights`: a coding drill ten typical cards', an SQL question three, as the plan
    expects them to: mlprep.plan.KIND_WEIGHTS), whichever schedule asks it."""
    pending = list(cards_in_order)
    again: list[tuple[float, str]] = []
    used = 0.0
    while (pending or again) and used < budget:
        now_ts = (moment + timedelta(seconds=used)).timestamp()
        if again and (again[0][0] <= now_ts or not pending):
            card = again.pop(0)[1]
            kind = "step"
        else:
            card = pending.pop(0)
            kind = "first" if card not in states else "review"
        at = moment + timedelta(seconds=used)
        grade = learner.answer(card, (at - START).total_seconds() / 86400)
        spent = seconds(learner.rng, "lapse" if kind == "review" and grade == AGAIN else kind)
        spent *= weights[card]
        used += spent
        log.append(Event(card, grade, int(spent * 1000), at))
        states[card] = scheduler.review(states.get(card), card, grade, at)
        if states[card].state in (LEARNING, RELEARNING):
            again.append((states[card].due_ts, card))
            again.sort()
    return used


def interleaved(cards):
    return [track.card for track in tracks_for(cards, {}, START)]


def run(name, cards, true_parameters, model_parameters, seed) -> float:
    learner = Learner(true_parameters, seed)
    retention = {"fsrs95": 0.95}.get(name, 0.9)
    scheduler = Scheduler(model_parameters, desired_retention=retention)
    memory = Memory(model_parameters)
    states: dict = {}
    log: list[Event] = []
    ordered = interleaved(cards)
    weights = {card.id: weight(card) for card in cards}
    plan = Plan(INTERVIEW.date(), MINUTES)
    for day in range(DAYS):
        moment = START + timedelta(days=day, hours=SESSION_HOUR)
        budget = MINUTES * 60.0
        if name.startswith("cram"):
            if day < DAYS - CRAM_DAYS:
                continue
            if name == "cram-all":  # the same total minutes, squeezed into the last days
                budget = MINUTES * 60.0 * DAYS / CRAM_DAYS
        if name == "plan":
            costs = costs_from_events(log)
            queue = plan_queue(plan, ordered, states, moment, memory, costs)
        else:
            big = Limits(new_per_day=len(cards), reviews_per_day=len(cards))
            queue = build_queue(ordered, states, moment, big)
        order = [card.id for card in queue.cards]  # in the order `mlprep review` asks them
        used = session(order, budget, moment, learner, scheduler, states, log, weights)
        if budget == MINUTES * 60 and used >= budget:  # a full day's minutes
            USED.setdefault(name, []).append(used)
    days = (INTERVIEW - START).total_seconds() / 86400
    SEEN[name].append(len(learner.traces))
    return learner.expected_recall([card.id for card in cards], days)


def fitted_parameters() -> list[float]:
    """Parameters fitted on a simulated half year of the forgetful learner's reviews, with
    how the defaults, the fit and the learner's true parameters predict that log's newest
    30%: by mlprep's scoring, and by the `fsrs` package's own predictions."""
    history = review_history(FORGETFUL, cards=3000, days=180, new_per_day=20, seed=7)
    reviews = [Review(card, grade, at, ms) for card, grade, at, ms in history]
    result = fit(reviews)
    ordered = sorted(review.at for review in reviews)
    split = ordered[int(len(ordered) * 0.7)]
    truth = score(predictions(by_card(reviews), FORGETFUL, split))
    print(
        f"Fitted on {result.reviews:,} simulated reviews of the forgetful learner; on the "
        f"newest 30% ({result.before.reviews:,} scored):"
    )
    print(f"{'':<22}{'defaults':>10}{'fitted':>10}{'truth':>10}")
    print(
        f"{'log loss':<22}{result.before.log_loss:>10.4f}{result.after.log_loss:>10.4f}"
        f"{truth.log_loss:>10.4f}"
    )
    print(
        f"{'calibration error':<22}{result.before.calibration:>10.4f}"
        f"{result.after.calibration:>10.4f}{truth.calibration:>10.4f}"
    )
    theirs = [fsrs_score(reviews, p, split) for p in (DEFAULT_PARAMETERS, result.fitted)]
    print(f"{'log loss (fsrs pkg)':<22}{theirs[0].log_loss:>10.4f}{theirs[1].log_loss:>10.4f}")
    print(f"optimize would apply them: {'yes' if result.better else 'no'}")
    return list(result.fitted)


def main() -> None:
    library = load_library([builtin_content_dir() / "decks"], [])
    cards = library.all_cards()
    started = time.perf_counter()
    fitted = fitted_parameters()
    settings = {
        "default": (DEFAULT_PARAMETERS, None),
        "fitted": (FORGETFUL, fitted),
    }
    names = ("plan", "fsrs90", "fsrs95", "cram", "cram-all")
    subset = interleaved(cards)[:SUBSET]  # a few decks' worth, spread over every topic
    for chosen in (cards, subset):
        print(
            f"\n{len(chosen)} cards, {DAYS} days, {MINUTES} min/day; expected cards recalled on "
            f"the interview morning (mean of {len(SEEDS)} learners)"
        )
        print(f"{'setting':<9}" + "".join(f"{n:>9}" for n in names) + "  plan/fsrs90  ceiling")
        for setting, (truth, model) in settings.items():
            means = {}
            USED.clear()
            for name in names:
                SEEN[name] = []
                results = [run(name, chosen, truth, model, seed) for seed in SEEDS]
                means[name] = sum(results) / len(results)
            # the most any schedule held to the same daily minutes could expect, knowing the
            # learner's true memory (bench/oracle.py), with sessions as long as the longest
            # schedule's took on average
            day = max(sum(u) / len(u) for u in USED.values()) if USED else MINUTES * 60.0
            ceiling = min(len(chosen), bound(truth, DAYS, day, len(chosen))["bound"])
            row = "".join(f"{means[n]:>9.1f}" for n in names)
            ratio = means["plan"] / means["fsrs90"]
            print(f"{setting:<9}{row}  {ratio:>10.2f}x {ceiling:>8.1f}")
            seen = "".join(f"{sum(SEEN[n]) / len(SEEN[n]):>9.0f}" for n in names)
            print(f"{'  seen':<9}{seen}")
    print(
        "\nceiling: the most any schedule of the same daily minutes can expect\n"
        "(an oracle that knows the learner's memory; bench/oracle.py)"
    )
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
