"""Interview-date planning: as much as possible recalled on the morning of the interview.

Plain FSRS keeps every card at 90% recall forever. Before an interview only one moment counts,
so each day's work is chosen to maximise the expected number of planned cards recalled then,
within the day's minutes:

- every candidate is scored by its gain in recall on the day per second of work: a new card
  gains all of its predicted recall on the day (once learned and consolidated by its learning
  step), a review gains the difference between the card's recall on the day with and without
  being reviewed today (a remembered review grows stability, a forgotten one is relearned);
- the best candidates fill the day's minutes. Early on that means covering every card (a new
  card gains far more than a review of a card still well remembered); as the day approaches, a
  review's effect lasts until the interview, so the last days become a pass over the cards
  weakest on the day;
- work is costed with the user's own answer times from the log.

The memory model is FSRS-6 with the parameters the scheduler uses (see memory.py). Everything
here is pure: the CLI reads the log and prints.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from mlprep.days import DAY_STARTS_HOUR, DAY_STARTS_TEXT, review_day, start_of_day
from mlprep.errors import UsageError
from mlprep.memory import AGAIN, GOOD, STABILITY_MIN, Memory
from mlprep.model import MAX_ID_CHARS, SLUG, Card, CardType
from mlprep.reviewlog import NON_SCHEDULING_MODES
from mlprep.scheduler import LEARN_AHEAD, LEARNING, RELEARNING, CardState, DueQueue

MAX_MINUTES = 600  # ten hours a day: more is a typo
MAX_DAYS = 730  # an interview two years away needs no countdown yet
INTERVIEW_HOUR = 9  # recall is predicted for 09:00 on the interview day, local time
LEARNING_STEP_DAYS = 10 / 1440  # the 10-minute learning step that consolidates a new card
# FSRS counts time in whole days between review days, which start at 04:00 (as the
# optimizer fits them: optimize.day_of): a card answered at 18:00 is one day old at 09:00
DAY_STARTS = DAY_STARTS_HOUR / 24
DAY = 86400.0
# A review must add this much to the card's chance of being recalled on the day: reviewing
# cards that are safe anyway would spend the user's minutes for nothing
MIN_GAIN = 0.02


@dataclass(frozen=True)
class Plan:
    interview: date
    minutes: int
    decks: tuple[str, ...] = ()  # empty: every deck

    def to_data(self) -> dict:
        return {
            "interview": self.interview.isoformat(),
            "minutes": self.minutes,
            "decks": list(self.decks),
        }

    @classmethod
    def from_data(cls, data: dict | None) -> Plan | None:
        """The plan a log event holds; None for a cleared (or unreadable) plan."""
        if not data or data.get("cleared") or plan_problem(data) is not None:
            return None
        return cls(date.fromisoformat(data["interview"]), data["minutes"], tuple(data["decks"]))

    def moment(self) -> datetime:
        """The interview morning, in UTC."""
        local = datetime.combine(self.interview, time(INTERVIEW_HOUR)).astimezone()
        return local.astimezone(UTC)

    def days_left(self, now: datetime) -> int:
        """Study days before the interview day, today included (review days: at 01:00 on the
        interview's date the evening before is still going on)."""
        return (self.interview - review_day(now)).days

    def is_interview_date(self, now: datetime) -> bool:
        """Whether the local calendar says it is the interview's date (from midnight; its
        review day, and the plan's end, begin at 04:00)."""
        return now.astimezone().date() == self.interview

    def ended_today(self, now: datetime) -> bool:
        """Whether it is the interview's date and its review day: the plan has just ended
        (from 04:00; the evening after, past midnight, it is the next date)."""
        return self.days_left(now) == 0 and self.is_interview_date(now)

    def active(self, now: datetime) -> bool:
        """Until the interview day; from then on normal scheduling resumes."""
        return self.days_left(now) > 0


CLEARED = {"cleared": True}


def plan_problem(data: dict, set_at: datetime | None = None) -> str | None:
    """What makes a plan event's data unusable, if anything: what `mlprep plan` would not
    have set (a merge refuses such a plan, which would otherwise replace the user's own;
    read back, it counts as no plan). `set_at`: when it was set, for its date's range."""
    if data.get("cleared"):
        return None
    minutes, decks, interview = data.get("minutes"), data.get("decks", []), data.get("interview")
    if type(minutes) is not int or not 1 <= minutes <= MAX_MINUTES:
        return f"'minutes' must be 1 to {MAX_MINUTES}"
    if not isinstance(decks, list) or not all(
        isinstance(d, str) and SLUG.match(d) and len(d) <= MAX_ID_CHARS for d in decks
    ):
        return "'decks' must be a list of deck ids"
    try:
        day = date.fromisoformat(interview) if isinstance(interview, str) else None
    except ValueError:
        day = None
    if day is None:
        return "'interview' must be a date, YYYY-MM-DD"
    # (a day either side: the plan was set in local time, its event is dated in UTC)
    if set_at is not None and not -1 <= (day - set_at.date()).days <= MAX_DAYS + 1:
        return "'interview' must be within two years after the plan was set"
    return None


def parse_interview(text: str, now: datetime) -> date:
    """A YYYY-MM-DD interview date after today; UsageError otherwise."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--interview {text!r}: not a date; use YYYY-MM-DD") from None
    today = review_day(now)
    if day <= today:
        # (between midnight and 04:00 today is still yesterday's review day: said, as the
        # calendar says otherwise)
        late = f"; days start at {DAY_STARTS_TEXT}" if today != now.astimezone().date() else ""
        raise UsageError(
            f"--interview {day.isoformat()}: the date must be after today "
            f"({today.isoformat()}{late})"
        )
    if (day - today).days > MAX_DAYS:
        raise UsageError(f"--interview {day.isoformat()}: more than two years away")
    return day


def check_minutes(minutes: int) -> int:
    if not 1 <= minutes <= MAX_MINUTES:
        shown = str(minutes) if abs(minutes) < 10**12 else f"{str(minutes)[:12]}..."
        raise UsageError(f"--minutes {shown}: give 1 to {MAX_MINUTES} minutes a day")
    return minutes


@dataclass(frozen=True)
class Costs:
    """What work costs and yields: seconds to learn a new card (first answer and learning
    steps), to answer a review, and the extra seconds a forgotten review takes (a slower
    answer, then relearning steps); and how first answers go (shares of Again, Hard, Good,
    Easy: fsrs-rs' defaults, from many users' logs, until the user has enough of their own)."""

    new: float = 45.0
    review: float = 15.0
    relearn: float = 10.0
    first_grades: tuple[float, float, float, float] = (0.24, 0.094, 0.495, 0.171)
    # today's forgotten reviews (card id, how many): what they took beyond a review, their
    # slower answer and relearning steps, is spent time too (see spent_today)
    lapsed_today: tuple[tuple[str, int], ...] = ()


MIN_SAMPLES = 10
BRANCHES = 4  # a projected card's outcomes, for its recall on the day (see Board)
LEARNING_DAY = 12 * 3600  # an answer this soon after the card's previous one is a step

# How many typical cards' time a card of a kind takes (the costs above are a typical card's,
# from the user's answers, most of which are quick): a coding drill is a function written and
# tested in an editor, an SQL question a query written and run. Costed as one, a plan of every
# deck gave 57 new cards a day, coding drills among them, to 30 minutes.
KIND_WEIGHTS = {CardType.CODE: 10.0, CardType.SQL: 3.0}


def weight(card: Card) -> float:
    """How many typical cards' time `card` takes (see KIND_WEIGHTS)."""
    return KIND_WEIGHTS.get(card.type, 1.0)


def answer_seconds(seconds: float) -> float:
    """An answer's time as the plan counts it: at least a second, at most five minutes (a
    long pause is a break, not work)."""
    return min(max(seconds, 1.0), 300.0)


def seconds_answered_today(events: Iterable, now: datetime, cards: Sequence[Card]) -> float:
    """The time of today's answers to the plan's `cards` among `events` (the recent ones), as
    the plan counts it: answers that schedule, as spent_today counts them (a quiz of another
    deck or a drill is not the plan's work)."""
    today = start_of_day(now)
    planned = {card.id for card in cards}
    return sum(
        answer_seconds(event.ms / 1000)
        for event in events
        if not getattr(event, "kind", None)
        and event.when >= today
        and event.card in planned
        and event.mode not in NON_SCHEDULING_MODES
    )


def costs_from_events(events: Iterable) -> Costs:
    """The user's own habits from their answers (`events`, oldest first). Each answer is a
    first answer, a step (within 12 hours of the card's previous answer: learning steps
    after a first answer, relearning steps after a forgotten review) or a review, remembered
    or forgotten; times are capped at five minutes (a long pause is a break, not work).
    Steps are far quicker than reviews, so they are costed apart: a new card costs its first
    answer and its share of learning steps, a forgotten review its slower answer and its
    relearning steps. Defaults until there are enough answers of a kind."""
    relearning: set[str] = set()  # cards whose latest review was forgotten
    first: list[float] = []
    steps: list[float] = []
    reviews: list[float] = []
    lapses: list[float] = []
    grades = [0, 0, 0, 0]
    learning_steps = relearning_steps = 0
    for event, kind in _answer_kinds(events):
        seconds = answer_seconds(event.ms / 1000)
        if kind == "first":
            first.append(seconds)
            grades[event.grade - 1] += 1
        elif kind == "step":
            steps.append(seconds)
            if event.card in relearning:
                relearning_steps += 1
            else:
                learning_steps += 1
        elif event.grade == AGAIN:
            lapses.append(seconds)
            relearning.add(event.card)
        else:
            reviews.append(seconds)
            relearning.discard(event.card)
    default = Costs()
    step = _typical(steps) if len(steps) >= MIN_SAMPLES else default.review
    if len(reviews) >= MIN_SAMPLES:
        review = _toward(_typical(reviews), default.review, len(reviews))
    elif len(steps) + len(reviews) >= MIN_SAMPLES:
        # early days: later answers of any kind
        review = _toward(_typical(steps + reviews), default.review, len(steps) + len(reviews))
    else:
        review = default.review
    if len(lapses) >= MIN_SAMPLES:
        relearn = max(0.0, _typical(lapses) - review) + step * relearning_steps / len(lapses)
        relearn = _toward(relearn, default.relearn * review / default.review, len(lapses))
    else:
        relearn = default.relearn * review / default.review
    if len(first) < MIN_SAMPLES:
        return replace(default, review=review, relearn=relearn)
    count = len(first)
    shares = tuple(_toward(grades[n] / count, default.first_grades[n], count) for n in range(4))
    new = _toward(_typical(first) + step * learning_steps / count, default.new, count)
    return Costs(new, review, relearn, shares)  # type: ignore[arg-type]


# Answers a measured time or share counts as many as, against the defaults (from many
# users' logs): a few answers move them a little, hundreds most of the way. Eighteen quick
# answers (3-7 s, or scripted ones at 0 s) made a plan of 378 new cards a day.
PRIOR_ANSWERS = 50


def _toward(measured: float, default: float, count: int) -> float:
    """`measured` from `count` answers, shrunk toward `default` (see PRIOR_ANSWERS)."""
    return (count * measured + PRIOR_ANSWERS * default) / (count + PRIOR_ANSWERS)


def _typical(seconds: list[float]) -> float:
    """The mean, each time capped at four times the median: the day's minutes are a sum of
    answer times, so a median would under-fill them (answer times are skewed), while a
    pause far longer than usual is a break, not work."""
    cap = 4 * statistics.median(seconds)
    return statistics.fmean(min(s, cap) for s in seconds)


@dataclass(slots=True)  # slots: a plan over every card of a large collection has a track each
class Track:
    """One planned card as the planner sees it; times in days from now."""

    card: Card
    stability: float | None = None
    difficulty: float | None = None
    last: float = -math.inf
    expected: float = 0.0  # predicted recall on the day (for projections)


@dataclass
class Candidate:
    track: Track
    gain: float  # in recall on the day
    seconds: float
    new: bool


def day_origin(now: datetime) -> float:
    """How far into its review day `now` is, in days (see DAY_STARTS)."""
    local = now.astimezone()
    hours = local.hour + local.minute / 60 + local.second / 3600
    return (hours / 24 - DAY_STARTS) % 1.0


class Planner:
    def __init__(self, memory: Memory, costs: Costs, origin: float = 0.0) -> None:
        """`origin`: how far into its review day the planner's time 0 is (day_origin)."""
        self.memory = memory
        self.costs = costs
        self.origin = origin
        # a new card after its learning steps, by first grade: Again and Hard take two more
        # Good answers to graduate, Good one, Easy none (Anki's 1 and 10 minute steps)
        self.learned = []
        for grade, share in enumerate(costs.first_grades, start=1):
            stability, difficulty = memory.first(grade)
            for _ in range({1: 2, 2: 2, 3: 1, 4: 0}[grade]):
                stability, difficulty = memory.review(
                    stability, difficulty, LEARNING_STEP_DAYS, GOOD
                )
            self.learned.append((share, stability, difficulty))

    def days(self, later: float, earlier: float) -> int:
        """Whole review days between two moments (days from now), as FSRS counts them."""
        return math.floor(later + self.origin) - math.floor(earlier + self.origin)

    def on_day(self, track: Track, until: float) -> float:
        """Predicted recall `until` days from now, with no more work."""
        if track.stability is None:
            return 0.0
        return self.memory.recall(self.days(until, track.last), track.stability)

    def outcomes(self, track: Track, at: float) -> tuple[float, list[tuple[float, float, float]]]:
        """For work on `track` at `at`: the chance it is recalled, and the (probability, S, D)
        of each outcome (a new card is learned and consolidated by its learning steps)."""
        memory = self.memory
        if track.stability is None:
            return 0.0, self.learned
        assert track.difficulty is not None
        elapsed = self.days(at, track.last)
        p = memory.recall(elapsed, track.stability)
        kept = memory.review(track.stability, track.difficulty, elapsed, GOOD)
        lost = memory.review(track.stability, track.difficulty, elapsed, AGAIN)
        relearned = memory.review(*lost, LEARNING_STEP_DAYS, GOOD)
        return p, [(p, *kept), (1 - p, *relearned)]

    def candidate(self, track: Track, at: float, interview: float) -> Candidate:
        p, outcomes = self.outcomes(track, at)
        left = self.days(interview, at)
        after = sum(q * self.memory.recall(left, s) for q, s, _ in outcomes)
        scale = weight(track.card)
        if track.stability is None:
            return Candidate(track, after, self.costs.new * scale, True)
        seconds = (self.costs.review + (1 - p) * self.costs.relearn) * scale
        return Candidate(track, after - self.on_day(track, interview), seconds, False)

    def day(
        self, tracks: Sequence[Track], at: float, interview: float, budget: float, today: float
    ) -> list[Candidate]:
        """The day's work: the best gains per second that fit in `budget` seconds. Cards
        already answered since `today` (the day's start) are left to their learning steps."""
        return Board(self, tracks).day(at, interview, budget, today)

    def apply(self, candidate: Candidate, at: float) -> None:
        """Move a track to its expected state after the work (for projections): stability and
        difficulty averaged over the outcomes, recall on the day as their expectation."""
        _, outcomes = self.outcomes(candidate.track, at)
        track = candidate.track
        track.stability = sum(q * s for q, s, _ in outcomes)
        track.difficulty = sum(q * d for q, _, d in outcomes)
        track.last = at


class Board:
    """Every track's memory as arrays, so that a day's candidates are scored all at once
    (the same arithmetic as Planner.candidate, card by card, in numpy: a plan over tens of
    thousands of cards takes moments, not minutes)."""

    def __init__(self, planner: Planner, tracks: Sequence[Track]) -> None:
        import numpy as np

        self.np = np
        self.planner = planner
        self.tracks = list(tracks)
        self.seen = np.array([t.stability is not None for t in tracks], dtype=bool)
        # placeholders for unseen cards keep the arithmetic finite; their scores are not used
        self.stability = np.array([t.stability or 1.0 for t in tracks], dtype=float)
        self.difficulty = np.array([t.difficulty or 5.0 for t in tracks], dtype=float)
        self.last = np.array([t.last for t in tracks], dtype=float)
        self.weight = np.array([weight(t.card) for t in tracks], dtype=float)
        self.lightest = float(self.weight.min()) if len(tracks) else 1.0
        # What the projection's outcomes spread each track over, for its recall on the day:
        # branches with their shares and memories. The arrays above hold their mean, which
        # chooses each day's work; recall is concave in stability, so the mean's recall
        # overstated the day's ("if followed" fell from 98% to the 93% reached over two weeks
        # of following it). A branch for each first grade of a new card (a seen card's
        # memory is the last); see _branch for a review's
        self.share = np.zeros((BRANCHES, len(tracks)))
        self.share[-1] = 1.0
        self.branch_s = np.tile(self.stability, (BRANCHES, 1))
        self.branch_d = np.tile(self.difficulty, (BRANCHES, 1))
        self._outcomes: dict[int, tuple[float, float, float, float, float]] = {}
        self._index = {id(track): index for index, track in enumerate(self.tracks)}
        # What a day's scores need of each track that depends on its memory alone, not on
        # the day: worked out once, then again only for the tracks a day's work changes
        self._fixed: dict[str, Any] = {}
        self._fixed_interview: float | None = None

    def _memory_terms(self, stability, difficulty) -> dict[str, Any]:
        """The parts of Memory.review (over arrays, as _review works them out, operation for
        operation) that depend on a track's stability and difficulty only."""
        w = self.planner.memory.w
        return {
            "same_good": self._same_day(stability, GOOD),
            "same_again": self._same_day(stability, AGAIN),
            # _review's long-term factors, grouped as there: left to right
            "grow": math.exp(w[8]) * (11 - difficulty) * stability ** -w[9],
            "lapse": w[11] * difficulty ** -w[12] * ((stability + 1) ** w[13] - 1),
            "short": stability / math.exp(w[17] * w[18]),
            "good_d": self._next_difficulty(difficulty, GOOD),
            "relearned_d": self._next_difficulty(self._next_difficulty(difficulty, AGAIN), GOOD),
        }

    def _terms(self, interview: float) -> dict[str, Any]:
        """_memory_terms of every track, and each one's recall on the day with no more work."""
        if self._fixed_interview != interview:
            with self.np.errstate(all="ignore"):
                self._fixed = self._memory_terms(self.stability, self.difficulty)
                self._fixed["on_day"] = self._recall(self._days(interview), self.stability)
            self._fixed_interview = interview
        return self._fixed

    def _update_terms(self, indexes: list[int]) -> None:
        """_terms again for the tracks at `indexes`, after their memory changed."""
        if self._fixed_interview is None or not indexes:
            return
        np = self.np
        at = np.array(indexes, dtype=np.intp)
        stability = self.stability[at]
        with np.errstate(all="ignore"):
            changed = self._memory_terms(stability, self.difficulty[at])
            origin = self.planner.origin
            days = math.floor(self._fixed_interview + origin) - np.floor(self.last[at] + origin)
            changed["on_day"] = self._recall(days, stability)
        for name, values in changed.items():
            self._fixed[name][at] = values

    def _days(self, later: float):
        """Planner.days from each track's last answer to `later`."""
        origin = self.planner.origin
        return math.floor(later + origin) - self.np.floor(self.last + origin)

    def _recall(self, elapsed, stability):
        memory = self.planner.memory
        return (1 + memory.factor * self.np.maximum(0.0, elapsed) / stability) ** memory.decay

    def _next_difficulty(self, difficulty, grade: int):
        np, w = self.np, self.planner.memory.w
        delta = -(w[6] * (grade - 3))
        damped = difficulty + (10.0 - difficulty) * delta / 9.0
        reverted = w[7] * self.planner.memory._initial_d(4) + (1 - w[7]) * damped
        return np.minimum(np.maximum(reverted, 1.0), 10.0)

    def _same_day(self, stability, grade: int):
        """Memory.review's stability for a review on the day of the previous one."""
        w = self.planner.memory.w
        gain = math.exp(w[17] * (grade - 3 + w[18])) * stability ** -w[19]
        if grade > AGAIN:
            gain = self.np.maximum(gain, 1.0)
        return self.np.maximum(stability * gain, STABILITY_MIN)

    def _review(self, stability, difficulty, elapsed, recall, grade: int):
        """Memory.review over arrays, `recall` being the tracks' recall after `elapsed`."""
        np, w = self.np, self.planner.memory.w
        same_day = self._same_day(stability, grade)
        if grade == AGAIN:
            long_term = (
                w[11]
                * difficulty ** -w[12]
                * ((stability + 1) ** w[13] - 1)
                * np.exp((1 - recall) * w[14])
            )
            short = stability / math.exp(w[17] * w[18])
            later = np.maximum(np.minimum(long_term, short), STABILITY_MIN)
        else:
            assert grade == GOOD
            grown = stability * (
                1
                + math.exp(w[8])
                * (11 - difficulty)
                * stability ** -w[9]
                * (np.exp((1 - recall) * w[10]) - 1)
            )
            later = np.maximum(grown, STABILITY_MIN)
        return np.where(elapsed < 1, same_day, later), self._next_difficulty(difficulty, grade)

    def _best_first(self, gain, seconds, eligible, budget: float):
        """The eligible tracks, best gain per second first, equal ones in the tracks' order
        (as a stable sort of them all gives): the best few chosen by a partition first, the
        rest sorted only if the day's loop gets to them."""
        np = self.np
        key = -(gain[eligible] / seconds[eligible])
        cheapest = min(self.planner.costs.new, self.planner.costs.review) * self.lightest
        # the day's loop takes at most budget / cheapest tracks; it passes over some that
        # do not fit what is left, so the head is twice that, and the rest is there if needed
        head = 2 * int(max(budget, 0.0) / cheapest) + 64
        if head >= len(key):
            yield from eligible[np.argsort(key, kind="stable")].tolist()
            return
        bound = key[np.argpartition(key, head)[head]]
        # everything up to the bound (ties included, in the tracks' order) ...
        first = np.flatnonzero(key <= bound)
        yield from eligible[first[np.argsort(key[first], kind="stable")]].tolist()
        # ... then the rest (NaN compares false, so it stays last, as argsort puts it)
        rest = np.flatnonzero(~(key <= bound))
        yield from eligible[rest[np.argsort(key[rest], kind="stable")]].tolist()

    def day(
        self, at: float, interview: float, budget: float, today: float, skip: Sequence[int] = ()
    ) -> list[Candidate]:
        """Planner.day for every track at once (but the tracks at the `skip` indexes)."""
        np, planner, costs = self.np, self.planner, self.planner.costs
        memory, w = planner.memory, planner.memory.w
        stability = self.stability
        fixed = self._terms(interview)
        # The arithmetic of _recall, _review and _same_day, operation for operation (the same
        # figures to the last bit), worked in place: a few arrays alive at a time, not twenty
        with np.errstate(all="ignore"):
            elapsed = self._days(at)
            same_day = elapsed < 1
            p = np.maximum(0.0, elapsed)  # p: recall now (_recall)
            del elapsed
            p *= memory.factor
            p /= stability
            p += 1
            np.power(p, memory.decay, out=p)
            # _review(GOOD), with the parts that do not change by the day worked out
            # beforehand (_memory_terms)
            kept = 1 - p
            kept *= w[10]
            np.exp(kept, out=kept)
            kept -= 1
            kept *= fixed["grow"]
            kept += 1
            kept *= stability
            np.maximum(kept, STABILITY_MIN, out=kept)
            np.copyto(kept, fixed["same_good"], where=same_day)
            # _review(AGAIN)
            lost = 1 - p
            lost *= w[14]
            np.exp(lost, out=lost)
            lost *= fixed["lapse"]
            np.minimum(lost, fixed["short"], out=lost)
            np.maximum(lost, STABILITY_MIN, out=lost)
            np.copyto(lost, fixed["same_again"], where=same_day)
            del same_day
            # relearning steps are minutes apart: a review on the day of the lapse
            # (_same_day(lost, GOOD))
            relearned = np.power(lost, -w[19])
            relearned *= math.exp(w[17] * (GOOD - 3 + w[18]))
            np.maximum(relearned, 1.0, out=relearned)
            relearned *= lost
            np.maximum(relearned, STABILITY_MIN, out=relearned)
            del lost
            # recall on the day after the review: remembered, or forgotten and relearned
            left = planner.days(interview, at)
            scale = memory.factor * np.maximum(0.0, left)
            gain = scale / kept
            gain += 1
            np.power(gain, memory.decay, out=gain)
            gain *= p
            otherwise = scale / relearned
            otherwise += 1
            np.power(otherwise, memory.decay, out=otherwise)
            forgotten = 1 - p
            otherwise *= forgotten
            del forgotten
            gain += otherwise
            del otherwise
            gain -= fixed["on_day"]
            seconds = 1 - p
            seconds *= costs.relearn
            seconds += costs.review
        new_gain = sum(q * memory.recall(left, s) for q, s, _ in planner.learned)
        unseen = ~self.seen
        np.copyto(gain, new_gain, where=unseen)
        np.copyto(seconds, costs.new, where=unseen)
        del unseen
        seconds *= self.weight
        eligible = np.flatnonzero(self.last < today)
        if len(skip):
            eligible = np.setdiff1d(eligible, skip)
        cheapest = min(costs.new, costs.review) * self.lightest
        chosen, used = [], 0.0
        # best gain per second first; equal ones keep the tracks' order
        for index in self._best_first(gain, seconds, eligible, budget):
            gained = float(gain[index])
            if gained < MIN_GAIN or budget - used < cheapest:
                break  # (nothing cheaper than `cheapest` is left to fit)
            cost = float(seconds[index])
            if used + cost > budget:
                continue  # a cheaper one may still fit
            used += cost
            track = self.tracks[index]
            chosen.append(Candidate(track, gained, cost, not self.seen[index]))
            self._outcomes[index] = (
                float(p[index]),
                float(kept[index]),
                float(fixed["good_d"][index]),
                float(relearned[index]),
                float(fixed["relearned_d"][index]),
            )
        return chosen

    def apply(self, chosen: list[Candidate], at: float) -> None:
        """Planner.apply to the day's chosen work (on the arrays and the tracks), and the
        work's outcomes to the branches each track's recall on the day is taken over."""
        planner = self.planner
        new_stability = sum(q * s for q, s, _ in planner.learned)
        new_difficulty = sum(q * d for q, _, d in planner.learned)
        self._branch([self._index[id(c.track)] for c in chosen if not c.new], at)
        self._learn([self._index[id(c.track)] for c in chosen if c.new])
        changed: list[int] = []
        for candidate in chosen:
            index = self._index[id(candidate.track)]
            if candidate.new:
                stability, difficulty = new_stability, new_difficulty
            else:
                p, kept_s, kept_d, relearned_s, relearned_d = self._outcomes[index]
                stability = p * kept_s + (1 - p) * relearned_s
                difficulty = p * kept_d + (1 - p) * relearned_d
            track = candidate.track
            track.stability, track.difficulty, track.last = stability, difficulty, at
            self.seen[index] = True
            self.stability[index], self.difficulty[index], self.last[index] = (
                stability,
                difficulty,
                at,
            )
            changed.append(index)
        self._update_terms(changed)
        self._outcomes.clear()

    def _learn(self, indexes: list[int]) -> None:
        """New cards learned: a branch for each first grade (see __init__)."""
        if not indexes:
            return
        at = self.np.array(indexes, dtype=self.np.intp)
        for branch, (share, stability, difficulty) in enumerate(self.planner.learned):
            self.share[branch, at] = share
            self.branch_s[branch, at] = stability
            self.branch_d[branch, at] = difficulty

    def _branch(self, indexes: list[int], at: float) -> None:
        """Reviews at `at` (before the tracks' last answers move to it): each branch is
        remembered or forgotten and relearned. The relearned ones make the first branch, the
        first two remembered the second, the others stay where they are (a branch is the
        weighted mean of what makes it; a branch of no share keeps a finite placeholder)."""
        if not indexes:
            return
        np = self.np
        i = np.array(indexes, dtype=np.intp)
        origin = self.planner.origin
        elapsed = math.floor(at + origin) - np.floor(self.last[i] + origin)
        with np.errstate(all="ignore"):
            stability, difficulty = self.branch_s[:, i], self.branch_d[:, i]
            p = self._recall(elapsed, stability)
            kept_s, kept_d = self._review(stability, difficulty, elapsed, p, GOOD)
            lost_s, lost_d = self._review(stability, difficulty, elapsed, p, AGAIN)
            relearned_s = self._same_day(lost_s, GOOD)
            relearned_d = self._next_difficulty(lost_d, GOOD)
            share = self.share[:, i]
            still, lost = share * p, share * (1 - p)
            # the first branch: every relearned one; the second: the first two remembered
            first = lost.sum(axis=0)
            second = still[0] + still[1]
            one, two = np.where(first > 0, first, 1.0), np.where(second > 0, second, 1.0)
            kept_s[1] = np.where(
                second > 0, (still[0] * kept_s[0] + still[1] * kept_s[1]) / two, 1.0
            )
            kept_d[1] = np.where(
                second > 0, (still[0] * kept_d[0] + still[1] * kept_d[1]) / two, 5.0
            )
            kept_s[0] = np.where(first > 0, (lost * relearned_s).sum(axis=0) / one, 1.0)
            kept_d[0] = np.where(first > 0, (lost * relearned_d).sum(axis=0) / one, 5.0)
        still[0], still[1] = first, second
        self.share[:, i], self.branch_s[:, i], self.branch_d[:, i] = still, kept_s, kept_d

    def on_day(self, interview: float) -> list[float]:
        """Each track's expected recall on the day: over its branches (see __init__)."""
        np = self.np
        with np.errstate(all="ignore"):
            branches = self._recall(self._days(interview), self.branch_s)
            recall = np.where(self.share > 0, self.share * branches, 0.0).sum(axis=0)
        return np.where(self.seen, recall, 0.0).tolist()


def tracks_for(cards: Sequence[Card], states: dict[str, CardState], now: datetime) -> list[Track]:
    """Tracks with the decks interleaved (first card of each deck, then the second, ...), so
    that equally good new cards cover every topic evenly."""
    now_ts = now.timestamp()
    rank: dict[str, int] = {}
    ranks = []
    for card in cards:
        deck = card.deck
        ranks.append(rank.get(deck, 0))
        rank[deck] = ranks[-1] + 1
    # by rank; a stable sort keeps equal ranks in the cards' order
    order = sorted(range(len(ranks)), key=ranks.__getitem__)
    tracks = []
    state_of = states.get
    for index in order:
        card = cards[index]
        state = state_of(card.id)
        if state is None or state.stability is None:
            tracks.append(Track(card))
        else:
            last = (state.last_ts - now_ts) / DAY
            tracks.append(Track(card, state.stability, state.difficulty, last))
    return tracks


def spent_today(
    cards: Sequence[Card], states: dict[str, CardState], now: datetime, costs: Costs
) -> float:
    """Seconds of the day's minutes already used, estimated from what was answered today."""
    today = start_of_day(now).timestamp()
    lapsed = dict(costs.lapsed_today)
    seconds = 0.0
    for card in cards:
        state = states.get(card.id)
        if state is None or state.last_ts < today:
            continue
        if state.first_ts >= today:
            cost = costs.new
        else:  # (the day was planned with a forgotten review's relearning: so is it spent)
            cost = costs.review + costs.relearn * lapsed.get(card.id, 0)
        seconds += cost * weight(card)
    return seconds


def _answer_kinds(events: Iterable) -> Iterator[tuple[Any, str]]:
    """Each answer among `events` (oldest first; settings and undo events left out) with what
    it is: "first" (its card's first answer in `events`), "step" (within LEARNING_DAY of its
    card's answer before: a learning or relearning step) or "review"."""
    previous: dict[str, float] = {}
    for event in events:
        if getattr(event, "kind", None) or getattr(event, "undoes", None):
            continue
        moment = event.when.timestamp()
        last = previous.get(event.card)
        previous[event.card] = moment
        if last is None:
            yield event, "first"
        else:
            yield event, "step" if moment - last < LEARNING_DAY else "review"


def lapses_today(events: Iterable, now: datetime) -> tuple[tuple[str, int], ...]:
    """The reviews forgotten today among `events` (the recent ones, oldest first): answers
    Again today that are no step (not within LEARNING_DAY of the card's answer before), and
    not undone. A card's first answer in `events` counts when it is Again and today: a new
    card's is costed apart (spent_today)."""
    today = start_of_day(now).timestamp()
    events = list(events)
    undone = {event.undoes for event in events if getattr(event, "undoes", None)}
    scheduling = (e for e in events if e.id not in undone and e.mode not in NON_SCHEDULING_MODES)
    counts: dict[str, int] = {}
    for event, kind in _answer_kinds(scheduling):
        if kind != "step" and event.grade == AGAIN and event.when.timestamp() >= today:
            counts[event.card] = counts.get(event.card, 0) + 1
    return tuple(sorted(counts.items()))


def plan_queue(
    plan: Plan,
    cards: Sequence[Card],
    states: dict[str, CardState],
    now: datetime,
    memory: Memory,
    costs: Costs,
) -> DueQueue:
    """Today's review under the plan: learning cards that are due, then the reviews and new
    cards that gain most recall on the interview day within what is left of the day's
    minutes (reviews and new cards each best first)."""
    learning, chosen = plan_today(plan, cards, states, now, memory, costs)
    return DueQueue(
        learning=tuple(learning),
        reviews=tuple(c.track.card for c in chosen if not c.new),
        new=tuple(c.track.card for c in chosen if c.new),
    )


def plan_today(
    plan: Plan,
    cards: Sequence[Card],
    states: dict[str, CardState],
    now: datetime,
    memory: Memory,
    costs: Costs,
) -> tuple[list[Card], list[Candidate]]:
    """The learning cards due now, and the day's chosen work, best gain per second first."""
    learning = learning_now(cards, states, now)
    budget = plan.minutes * 60 - spent_today(cards, states, now, costs)
    budget -= steps_seconds(learning, costs)
    today = (start_of_day(now).timestamp() - now.timestamp()) / DAY
    interview = (plan.moment().timestamp() - now.timestamp()) / DAY
    planner = Planner(memory, costs, day_origin(now))
    in_steps = {card.id for card in learning}
    tracks = [t for t in tracks_for(cards, states, now) if t.card.id not in in_steps]
    chosen = planner.day(tracks, 0.0, interview, budget, today)
    return learning, chosen


def steps_seconds(learning: Sequence[Card], costs: Costs) -> float:
    """The seconds the learning cards due now take out of the day's minutes (see
    learning_now): a step each, at a review's cost for its kind."""
    return sum(costs.review * weight(card) for card in learning)


def learning_now(cards: Sequence[Card], states: dict[str, CardState], now: datetime) -> list[Card]:
    """The cards in their learning steps due now (or within LEARN_AHEAD), soonest first: a
    day's review asks them before the plan's work, and their time comes out of its budget."""
    horizon = (now + LEARN_AHEAD).timestamp()
    learning = sorted(
        (
            (states[c.id].due_ts, c.id, c)
            for c in cards
            if c.id in states
            and states[c.id].state in (LEARNING, RELEARNING)
            and states[c.id].due_ts <= horizon
        ),
        key=lambda item: item[:2],
    )
    return [item[2] for item in learning]


def unloaded_text(decks: Sequence[str]) -> str:
    """What review and `mlprep plan` say of a plan none of whose `decks` is loaded."""
    named = ", ".join(decks[:3]) + (f" and {len(decks) - 3} more" if len(decks) > 3 else "")
    return f"none of the plan's decks ({named}) is loaded, so review goes on as usual"


@dataclass(frozen=True)
class DayLoad:
    day: date
    minutes: float
    new: int
    reviews: int


@dataclass(frozen=True)
class DeckOutlook:
    deck: str
    cards: int
    seen: int
    now: float  # expected cards recalled on the day with no more work
    followed: float  # ... if the plan is followed


@dataclass
class Outlook:
    """What `mlprep plan` shows."""

    plan: Plan
    days_left: int
    decks: list[DeckOutlook] = field(default_factory=list)
    load: list[DayLoad] = field(default_factory=list)
    missing: tuple[str, ...] = ()  # the plan's decks that are not loaded here
    # shown between midnight and the day's start: today is still yesterday's review day, whose
    # date the load's first row carries (said, or it reads as a day gone by)
    small_hours: bool = False

    @property
    def unloaded(self) -> bool:
        """None of the plan's decks is loaded: review goes on as usual (a deck removed since
        the plan was set, or a plan merged from a machine with other decks)."""
        return bool(self.plan.decks) and set(self.plan.decks) <= set(self.missing)

    @property
    def cards(self) -> int:
        return sum(d.cards for d in self.decks)

    @property
    def seen(self) -> int:
        return sum(d.seen for d in self.decks)

    @property
    def now(self) -> float:
        return sum(d.now for d in self.decks)

    @property
    def followed(self) -> float:
        return sum(d.followed for d in self.decks)

    def to_json(self) -> dict:
        def share(value: float, cards: int) -> float | None:
            # (no cards: no share, and 0.0 would read as "nothing will be recalled")
            return round(value / cards, 4) if cards else None

        note = None
        if self.unloaded:
            note = (
                f"{unloaded_text(self.plan.decks)}: no card is planned, so no recall is predicted"
            )
        elif not self.cards:
            note = "no card is planned, so no recall is predicted"
        return {
            "interview": self.plan.interview.isoformat(),
            "minutes_per_day": self.plan.minutes,
            "decks_chosen": list(self.plan.decks),
            "decks_missing": list(self.missing),
            "review_follows_plan": not self.unloaded,
            "note": note,
            "days_left": self.days_left,
            "cards": self.cards,
            "seen": self.seen,
            "unseen": self.cards - self.seen,
            "recalled_now": share(self.now, self.cards),
            "recalled_if_followed": share(self.followed, self.cards),
            "decks": [
                {
                    "deck": d.deck,
                    "cards": d.cards,
                    "seen": d.seen,
                    "unseen": d.cards - d.seen,
                    "recalled_now": share(d.now, d.cards),
                    "recalled_if_followed": share(d.followed, d.cards),
                }
                for d in self.decks
            ],
            "daily_load": [
                {
                    "day": load.day.isoformat(),
                    "minutes": round(load.minutes, 1),
                    "new": load.new,
                    "reviews": load.reviews,
                }
                for load in self.load
            ],
        }


def outlook(
    plan: Plan,
    cards: Sequence[Card],
    states: dict[str, CardState],
    now: datetime,
    memory: Memory,
    costs: Costs,
) -> Outlook:
    """Days left, cards seen, predicted recall on the day now and if the plan is followed
    (a projection with expected outcomes), and each day's predicted load."""
    result = Outlook(plan, max(0, plan.days_left(now)))
    result.small_hours = review_day(now) != now.astimezone().date()
    interview = (plan.moment().timestamp() - now.timestamp()) / DAY
    tracks = tracks_for(cards, states, now)
    board = Board(Planner(memory, costs, day_origin(now)), tracks)
    before = board.on_day(interview)
    seen = [track.stability is not None for track in tracks]
    result.load = _project(plan, board, cards, states, now, costs, result.days_left)
    after = board.on_day(interview)
    if interview < 0:
        # the interview day after 09:00: a card first answered since was not known then (its
        # state, a minute old, counted it recalled at 09:00)
        moment = plan.moment().timestamp()
        for index, track in enumerate(tracks):
            state = states.get(track.card.id)
            if state is not None and state.first_ts > moment:
                seen[index] = False
                before[index] = after[index] = 0.0
    by_deck: dict[str, list[int]] = {}
    for index, track in enumerate(tracks):
        by_deck.setdefault(track.card.deck, []).append(index)
    for deck, indexes in sorted(by_deck.items()):
        result.decks.append(
            DeckOutlook(
                deck,
                len(indexes),
                sum(seen[i] for i in indexes),
                sum(before[i] for i in indexes),
                sum(after[i] for i in indexes),
            )
        )
    return result


def daily_load(
    plan: Plan,
    cards: Sequence[Card],
    states: dict[str, CardState],
    now: datetime,
    memory: Memory,
    costs: Costs,
    days: int,
) -> list[DayLoad]:
    """The outlook's load of the first `days` days (fewer when the interview comes first),
    the same figures without projecting the days after (a review's closing line tells
    tomorrow's: two days, not every day to the interview)."""
    board = Board(Planner(memory, costs, day_origin(now)), tracks_for(cards, states, now))
    return _project(plan, board, cards, states, now, costs, min(days, plan.days_left(now)))


def _project(
    plan: Plan,
    board: Board,
    cards: Sequence[Card],
    states: dict[str, CardState],
    now: datetime,
    costs: Costs,
    days: int,
) -> list[DayLoad]:
    """Each of the next `days` days' chosen work applied to `board` with its expected
    outcomes, and that day's load."""
    interview = (plan.moment().timestamp() - now.timestamp()) / DAY
    today_start = (start_of_day(now).timestamp() - now.timestamp()) / DAY
    today = review_day(now)
    # today's learning cards come first and take their time from today's budget, as in
    # plan_today (what a review with the plan asks)
    learning = learning_now(cards, states, now)
    in_steps = {card.id for card in learning}
    stepping = [index for index, track in enumerate(board.tracks) if track.card.id in in_steps]
    loads = []
    for offset in range(max(0, days)):
        at = float(offset)
        budget = plan.minutes * 60.0
        steps, stepped = 0, 0.0
        if offset == 0:
            steps = len(learning)
            stepped = steps_seconds(learning, costs)
            budget -= spent_today(cards, states, now, costs) + stepped
        chosen = board.day(at, interview, budget, today_start + offset, stepping if steps else ())
        board.apply(chosen, at)
        loads.append(
            DayLoad(
                today + timedelta(days=offset),
                (sum(c.seconds for c in chosen) + stepped) / 60,
                sum(c.new for c in chosen),
                sum(not c.new for c in chosen) + steps,
            )
        )
    return loads
