"""Spaced repetition with FSRS (the `fsrs` package): card states from review events, due queues.

A card's state is a pure function of its review events: replaying the same log gives the same
states on any machine. FSRS fuzzes review intervals with the global `random()`; we seed that draw
per card and review count so that replay stays deterministic.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import random
from collections import deque
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from itertools import repeat
from operator import itemgetter
from pathlib import Path

from mlprep.days import end_of_day, start_of_day
from mlprep.memory import DEFAULT_PARAMETERS
from mlprep.model import Card

# Learning and relearning steps (Anki's defaults); the scheduler is otherwise FSRS's default.
LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
RELEARNING_STEPS = (timedelta(minutes=10),)
DESIRED_RETENTION = 0.9
MASTERED_STABILITY_DAYS = 21.0
LEARN_AHEAD = timedelta(minutes=20)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_DAY_US = 86_400_000_000  # a learning card this close to due may be shown early

NEW, LEARNING, REVIEW, RELEARNING = "new", "learning", "review", "relearning"
# fsrs.State values; fsrs itself is imported only when a card is reviewed (it costs start-up
# time, and building today's queue needs only our own CardState)
_STATE_NAMES = {1: LEARNING, 2: REVIEW, 3: RELEARNING}
_FSRS_STATES = {name: state for state, name in _STATE_NAMES.items()}
_LEARNING, _REVIEW, _AGAIN = 1, 2, 1  # fsrs.State.Learning, .Review, fsrs.Rating.Again


@functools.cache
def _fsrs_version() -> str:
    """The installed fsrs' version: from its metadata folder beside the package where there is
    exactly one (importlib.metadata, which searches every installed distribution, costs a
    merge or a first answer tens of milliseconds), else from importlib.metadata."""
    import fsrs

    package = Path(fsrs.__file__).parent
    found = list(package.parent.glob("fsrs-*.dist-info"))
    if len(found) == 1 and (found[0] / "METADATA").is_file():
        return found[0].name.removeprefix("fsrs-").removesuffix(".dist-info")
    from importlib.metadata import version

    return version("fsrs")


def micros(moment: datetime) -> int:
    """A time as whole microseconds since the epoch (what a replay works in: fsrs' datetime
    arithmetic on them is integer arithmetic)."""
    since = moment - _EPOCH  # (its parts added up: a little faster than `// _MICROSECOND`)
    return (since.days * 86_400 + since.seconds) * 1_000_000 + since.microseconds


def _us_of_timestamp(seconds: float) -> int:
    """The microseconds since the epoch of datetime.fromtimestamp(seconds, UTC), worked out
    as it does: the whole seconds, and the fraction rounded to the microsecond half to even
    (round() of a float), carried over where it rounds to a whole second. Twice as fast as
    building the datetime; a replay does it for every answer."""
    if not 0.0 <= seconds < _LAST_WHOLE_SECOND:  # (NaN included) as it was, errors and all
        return micros(datetime.fromtimestamp(seconds, UTC))
    fraction, whole = _modf(seconds)
    return int(whole) * 1_000_000 + round(fraction * 1e6)


_modf = math.modf
_LAST_WHOLE_SECOND = 253_402_300_799.0  # 9999-12-31 23:59:59 UTC, the last a datetime holds


@functools.lru_cache(maxsize=65536)
def card_number(card_id: str) -> int:
    """A stable positive integer for a card id (fsrs wants integer ids)."""
    return _number_of(card_id)


def _number_of(text: str) -> int:
    """card_number uncached, for what is used once (a review's fuzz seed)."""
    return int.from_bytes(_blake2b()(text.encode(), digest_size=7).digest(), "big")


@functools.cache
def _blake2b():
    """hashlib's blake2b, from its own module where there is one: hashlib loads OpenSSL,
    start-up time that a review needs only to record."""
    try:
        from _blake2 import blake2b
    except ImportError:  # (a Python built without it: hashlib's, however it gets it)
        from hashlib import blake2b
    return blake2b


@dataclass(frozen=True, slots=True)
class CardState:
    """What the scheduler knows about one card. Times are UTC epoch seconds (cheap to load and
    compare for thousands of cards); the datetime properties convert on demand."""

    card_id: str
    state: str
    due_ts: float
    stability: float | None
    difficulty: float | None
    step: int | None
    last_ts: float
    first_ts: float
    reps: int
    lapses: int

    @property
    def due(self) -> datetime:
        return datetime.fromtimestamp(self.due_ts, UTC)

    @property
    def last_review(self) -> datetime:
        return datetime.fromtimestamp(self.last_ts, UTC)

    @property
    def first_review(self) -> datetime:
        return datetime.fromtimestamp(self.first_ts, UTC)

    def to_row(self) -> list:
        """The snapshot's compact form: every field but the id, in order."""
        return [
            self.state,
            self.due_ts,
            self.stability,
            self.difficulty,
            self.step,
            self.last_ts,
            self.first_ts,
            self.reps,
            self.lapses,
        ]

    @classmethod
    def from_row(cls, card_id: str, row: list) -> CardState:
        return cls(card_id, *row)


def states_from_rows(rows: Mapping[str, Sequence]) -> dict[str, CardState]:
    """card id -> CardState from checked snapshot rows (see rows_problem): the same objects as
    CardState(card_id, *row), built a field at a time over all of them, each field set through
    its slot by a C-level map (a snapshot holds one row per studied card, read at every start:
    this takes a third of the time of a loop over the rows, and a sixth of the constructor's)."""
    if not rows:
        return {}
    made = list(map(object.__new__, repeat(CardState, len(rows))))
    setters = [vars(CardState)[f.name].__set__ for f in fields(CardState)]
    drain = deque[object](maxlen=0).extend  # runs a map for its effects, keeping nothing
    drain(map(setters[0], made, rows))
    for place, setter in enumerate(setters[1:]):  # each field from every row in turn, no
        drain(map(setter, made, map(itemgetter(place), rows.values())))  # column copied out
    return dict(zip(rows, made, strict=True))


# Bounds a stored state must keep (it comes from files: the snapshot, the log, imports).
_FIRST_TS, _LAST_TS = 0.0, 7258118400.0  # 1970 .. 2200, as review event times
_LAST_DUE = 13569465600.0  # 2400: FSRS intervals end at 100 years
_MAX_COUNT = 10**9


def _real(value: object, low: float, high: float) -> bool:
    """A float or int (not a bool) within [low, high]; NaN fails both comparisons."""
    return isinstance(value, float | int) and type(value) is not bool and low <= value <= high


def row_problem(row: object) -> str | None:
    """What is wrong with a stored CardState row (see CardState.to_row), if anything."""
    if not isinstance(row, list | tuple) or len(row) != 9:
        return "not a card state"
    state, due, stability, difficulty, step, last, first, reps, lapses = row
    if state not in _FSRS_STATES:
        return "unknown scheduling state"
    if not (_real(last, _FIRST_TS, _LAST_TS) and _real(first, _FIRST_TS, last)):
        return "review times out of range"
    if not _real(due, _FIRST_TS, _LAST_DUE):
        return "due time out of range"
    for value in (stability, difficulty):
        if value is not None and not _real(value, 0.0, 1e6):
            return "stability or difficulty out of range"
    if step is not None and not (type(step) is int and 0 <= step <= 1000):
        return "bad learning step"
    if not (type(reps) is int and type(lapses) is int and 0 <= lapses <= reps <= _MAX_COUNT):
        return "bad review counts"
    return None


_REALS, _INTS = frozenset((float, int)), frozenset((int,))


def rows_problem(rows: list) -> bool:
    """Whether any of many stored rows fails row_problem's checks, column by column with
    built-ins (a snapshot holds one row per studied card, read at every start)."""
    if not rows:
        return False
    if set(map(type, rows)) != {list} or set(map(len, rows)) != {9}:
        return True
    state, due, stability, difficulty, step, last, first, reps, lapses = zip(*rows, strict=True)
    if not set(state) <= _FSRS_STATES.keys():
        return True
    for column, low, high, kinds in (
        (due, _FIRST_TS, _LAST_DUE, _REALS),
        (last, _FIRST_TS, _LAST_TS, _REALS),
        (first, _FIRST_TS, _LAST_TS, _REALS),
        ([v for v in stability if v is not None], 0.0, 1e6, _REALS),
        ([v for v in difficulty if v is not None], 0.0, 1e6, _REALS),
        ([v for v in step if v is not None], 0, 1000, _INTS),
        (reps, 0, _MAX_COUNT, _INTS),
        (lapses, 0, _MAX_COUNT, _INTS),
    ):
        if not column:
            continue
        if not set(map(type, column)) <= kinds:
            return True
        try:  # a plain sum finds NaN and infinities (min and max can miss a NaN)
            finite = math.isfinite(sum(column))
        except OverflowError:  # an integer too large for a float: damaged
            return True
        if not finite or min(column) < low or max(column) > high:
            return True
    return any(map(operator.gt, first, last)) or any(map(operator.gt, lapses, reps))


# random.Random's C base: given an integer it seeds the same way (random.Random.seed hands an
# integer on unchanged), without the Python-level __init__ and seed of the subclass
_Generator = random.Random.__mro__[1]


def _seeded_draw(seed: int) -> float:
    """fsrs' interval fuzz, drawn from a generator seeded for one review (built only if fsrs
    actually fuzzes, which it does for review intervals of 3 days or more): the number
    random.Random(seed).random() gives."""
    return _Generator(seed).random()


@functools.cache
def _fsrs_parts() -> tuple:
    """fsrs' scheduler module (whose `random` a review replaces), its ratings by number and
    its states by number: looked up once, not at every one of a replay's reviews."""
    import fsrs
    import fsrs.scheduler

    ratings = {int(rating): rating for rating in fsrs.Rating}
    states = {int(state): state for state in fsrs.State}
    return fsrs.scheduler, ratings, states


def _as_fsrs_card(state: CardState):
    import fsrs

    return fsrs.Card(
        card_id=card_number(state.card_id),
        state=_fsrs_parts()[2][_FSRS_STATES[state.state]],
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )


class Scheduler:
    def __init__(
        self,
        parameters: Sequence[float] | None = None,
        desired_retention: float = DESIRED_RETENTION,
    ) -> None:
        # FSRS-6 parameters (21 numbers) fitted by `mlprep optimize`; None: fsrs' defaults
        self.parameters = tuple(parameters) if parameters is not None else None
        self.desired_retention = desired_retention

    def with_parameters(self, parameters: Sequence[float] | None) -> Scheduler:
        """This scheduler if it already uses `parameters`, else a new one that does."""
        wanted = tuple(parameters) if parameters is not None else None
        if wanted == self.parameters:
            return self
        return Scheduler(wanted, self.desired_retention)

    @functools.cached_property
    def fsrs(self):
        import fsrs

        return fsrs.Scheduler(
            # fsrs' own defaults unless fitted (memory.py keeps a copy; tests check they agree)
            parameters=self.parameters or DEFAULT_PARAMETERS,
            desired_retention=self.desired_retention,
            learning_steps=LEARNING_STEPS,
            relearning_steps=RELEARNING_STEPS,
            enable_fuzzing=True,
        )

    @functools.cached_property
    def _fast(self):
        """fsrs' review_card as plain arithmetic (fsrsfast), for the fsrs versions it follows;
        None for any other version (fsrs itself is used then)."""
        from mlprep.fsrsfast import VERIFIED, FastReview

        return FastReview(self.fsrs) if _fsrs_version().startswith(VERIFIED) else None

    def prepare(self) -> None:
        """Set up what reviews need (fsrs and its arithmetic) now rather than at the first."""
        _ = self._fast

    def review(
        self, previous: CardState | None, card_id: str, grade: int, at: datetime
    ) -> CardState:
        """The state after answering `card_id` with `grade` (1-4) at `at`."""
        if self._fast is None:
            return self.review_with_fsrs(previous, card_id, grade, at)
        row = None
        if previous is not None:
            row = (
                previous.state,
                previous.due_ts,
                previous.stability,
                previous.difficulty,
                previous.step,
                previous.last_ts,
                previous.first_ts,
                previous.reps,
                previous.lapses,
            )
        return CardState(card_id, *self.review_row(row, card_id, grade, at))

    def review_row(self, previous: tuple | None, card_id: str, grade: int, at: datetime) -> tuple:
        """review() on a state row (CardState.to_row as a tuple) to a state row, without
        building the states (a merge replays thousands of answers)."""
        if self._fast is None:
            before_state = None if previous is None else CardState(card_id, *previous)
            return tuple(self.review_with_fsrs(before_state, card_id, grade, at).to_row())
        return self.review_row_us(previous, card_id, grade, micros(at))

    def review_row_us(self, previous: tuple | None, card_id: str, grade: int, at: int) -> tuple:
        """review_row at `at` microseconds since the epoch (a merge reads times as numbers)."""
        fast = self._fast
        if fast is None:
            return self.review_row(previous, card_id, grade, _EPOCH + at * _MICROSECOND)
        if previous is None:
            reps, lapses, first = 0, 0, at / 1_000_000
            before, step, stability, difficulty, last = _LEARNING, None, None, None, None
        else:
            name, _, stability, difficulty, step, last_ts, first, reps, lapses = previous
            before = _FSRS_STATES[name]
            last = _us_of_timestamp(last_ts)  # (as CardState.last_review)

        def draw() -> float:
            # FSRS fuzzes intervals with random(): seeded per card and review count
            return _seeded_draw(_number_of(f"{card_id}#{reps}"))

        state, step, stability, difficulty, due = fast.review(
            before, step, stability, difficulty, last, grade, at, draw
        )
        return (
            _STATE_NAMES[state],
            due / 1_000_000,  # (what datetime.timestamp() gives: the exact quotient, rounded)
            stability,
            difficulty,
            step,
            at / 1_000_000,
            first,
            reps + 1,
            lapses + (before == _REVIEW and grade == _AGAIN),
        )

    def review_with_fsrs(
        self, previous: CardState | None, card_id: str, grade: int, at: datetime
    ) -> CardState:
        """review() through fsrs' own objects (the reference the fast path is checked against)."""
        import fsrs

        at = at.astimezone(UTC)
        if previous is None:
            before = fsrs.Card(card_id=card_number(card_id), due=at)
            reps, lapses, first = 0, 0, at.timestamp()
        else:
            before = _as_fsrs_card(previous)
            reps, lapses, first = previous.reps, previous.lapses, previous.first_ts
        seed = _number_of(f"{card_id}#{reps}")
        # FSRS fuzzes intervals with the global random(): seeded per card and review count
        module, ratings, _ = _fsrs_parts()
        original = module.random
        module.random = functools.partial(_seeded_draw, seed)
        try:
            after, _ = self.fsrs.review_card(before, ratings[grade], review_datetime=at)
        finally:
            module.random = original
        lapsed = before.state == _REVIEW and grade == _AGAIN
        return CardState(
            card_id=card_id,
            state=_STATE_NAMES[after.state],
            due_ts=after.due.timestamp(),
            stability=after.stability,
            difficulty=after.difficulty,
            step=after.step,
            last_ts=at.timestamp(),
            first_ts=first,
            reps=reps + 1,
            lapses=lapses + lapsed,
        )

    def retrievability(self, state: CardState, now: datetime) -> float:
        """Predicted probability of recalling the card now (0 for a card never reviewed)."""
        if state.stability is None:
            return 0.0
        # fsrs' get_card_retrievability, the same arithmetic without building an fsrs.Card
        # (stats asks this for every studied card)
        elapsed_days = max(0, (now - state.last_review).days)
        return float((1 + self._factor * elapsed_days / state.stability) ** self._decay)

    def retrievabilities(self, states: Iterable[CardState], now: datetime) -> dict[str, float]:
        """retrievability() of many cards at once, card id -> recall, leaving out cards never
        reviewed: the same arithmetic on whole microseconds (as datetime counts them), without
        building a datetime per card (stats asks this for every studied card)."""
        now_us = micros(now)
        factor, decay, modf = self._factor, self._decay, math.modf
        result = {}
        for state in states:
            stability = state.stability
            if stability is None:
                continue
            # datetime.fromtimestamp's rounding: whole seconds, then microseconds half-even
            fraction, whole = modf(state.last_ts)
            elapsed_days = (now_us - int(whole) * 1_000_000 - round(fraction * 1e6)) // _DAY_US
            if elapsed_days < 0:
                elapsed_days = 0
            result[state.card_id] = float((1 + factor * elapsed_days / stability) ** decay)
        return result

    @functools.cached_property
    def _decay(self) -> float:
        # the parameters fsrs would be built with (building it imports fsrs: start-up time)
        return -(self.parameters or DEFAULT_PARAMETERS)[20]

    @functools.cached_property
    def _factor(self) -> float:
        return 0.9 ** (1 / self._decay) - 1

    def replay(self, events: Iterable) -> dict[str, CardState]:
        """Card states from review events (anything with .card, .grade, .when), applied in time
        order; answers within the same millisecond keep the order they are given in (the log's
        order; a merge puts new answers after those already in the log, by id)."""
        states: dict[str, CardState] = {}
        for event in sorted(events, key=lambda e: e.when):
            states[event.card] = self.review(
                states.get(event.card), event.card, event.grade, event.when
            )
        return states


@dataclass(frozen=True)
class Limits:
    """How many new cards and reviews a day's queue may hold."""

    new_per_day: int = 20
    reviews_per_day: int = 200


@dataclass(frozen=True)
class DueQueue:
    """A day's queue in its three parts, each in the order it is asked."""

    learning: tuple[Card, ...]
    reviews: tuple[Card, ...]
    new: tuple[Card, ...]

    @property
    def cards(self) -> list[Card]:
        """Learning cards first, then due reviews, then new cards."""
        return [*self.learning, *self.reviews, *self.new]

    def __len__(self) -> int:
        return len(self.learning) + len(self.reviews) + len(self.new)


def done_today(states: Mapping[str, CardState], now: datetime) -> tuple[int, int]:
    """How many cards were new today (first answered since the review day began) and how many
    others were reviewed today: what today's limits have already allowed."""
    today = start_of_day(now).timestamp()
    new_today = reviews_today = 0
    for seen in states.values():
        if seen.first_ts >= today:
            new_today += 1
        elif seen.last_ts >= today:
            reviews_today += 1
    return new_today, reviews_today


def build_queue(
    cards: Sequence[Card], states: dict[str, CardState], now: datetime, limits: Limits = Limits()
) -> DueQueue:
    """What is due now among `cards`, within today's limits."""
    tonight = end_of_day(now).timestamp()
    horizon = (now + LEARN_AHEAD).timestamp()
    learning: list[tuple[float, str, Card]] = []
    reviews: list[tuple[float, str, Card]] = []
    new: list[Card] = []
    new_today, reviews_today = done_today(states, now)
    state_of = states.get
    for card in cards:
        state = state_of(card.id)
        if state is None:
            new.append(card)
        elif state.state in (LEARNING, RELEARNING):
            if state.due_ts <= horizon:
                learning.append((state.due_ts, card.id, card))
        elif state.due_ts < tonight:
            reviews.append((state.due_ts, card.id, card))
    learning.sort(key=lambda item: item[:2])
    reviews.sort(key=lambda item: item[:2])
    review_room = max(0, limits.reviews_per_day - reviews_today)
    new_room = max(0, limits.new_per_day - new_today)
    return DueQueue(
        learning=tuple(item[2] for item in learning),
        reviews=tuple(item[2] for item in reviews[:review_room]),
        new=tuple(new[:new_room]),
    )


class StateColumns:
    """What a day's queue needs of every studied card's state, column by column: card ids,
    state names, due, last and first review times (epoch seconds), and the ids as a
    container. From a snapshot's rows, or kept beside the snapshot (see ProgressStore) so
    that a warm start need not decode the snapshot at all."""

    __slots__ = ("card_ids", "states", "dues", "lasts", "firsts", "_studied")

    def __init__(
        self,
        card_ids: Sequence[str],
        states: Sequence[str],
        dues: Sequence[float],
        lasts: Sequence[float],
        firsts: Sequence[float],
        studied: Container[str] | None = None,
    ) -> None:
        self.card_ids, self.states, self.dues = card_ids, states, dues
        self.lasts, self.firsts = lasts, firsts
        self._studied = studied

    @classmethod
    def of_rows(cls, rows: Mapping[str, Sequence]) -> StateColumns:
        """The columns of rows (CardState.to_row by card id)."""
        if not rows:
            return cls((), (), (), (), (), rows)
        state, due, _, _, _, last, first, _, _ = zip(*rows.values(), strict=True)
        return cls(tuple(rows), state, due, last, first, rows)

    @property
    def studied(self) -> Container[str]:
        if self._studied is None:
            self._studied = frozenset(self.card_ids)
        return self._studied


def queue_positions(
    ids: Sequence[str],
    columns: StateColumns,
    now: datetime,
    limits: Limits = Limits(),
    order: Iterable[int] | None = None,
) -> tuple[list[int], list[int], list[int]]:
    """build_queue for cards known by their (distinct) ids, taken in `order` (positions in
    `ids`; default: as they are), from the states' columns instead of CardStates: the
    positions in `ids` of the learning cards, the due reviews and the new cards, each part
    in build_queue's order (only new cards depend on `order`, and only as far as the day's
    are found). A review's start builds its queue this way, building neither a state nor a
    card it does not ask; each part is found with comprehensions and built-ins over the
    columns (a value per studied card, tens of thousands) rather than a loop over cards."""
    today = start_of_day(now).timestamp()
    tonight = end_of_day(now).timestamp()
    horizon = (now + LEARN_AHEAD).timestamp()
    # today's answers over every studied card, as build_queue counts them: of the cards
    # answered today, those first answered today
    first_today = [
        first >= today
        for first, last in zip(columns.firsts, columns.lasts, strict=True)
        if first >= today or last >= today
    ]
    new_today = sum(first_today)
    reviews_today = len(first_today) - new_today
    # the studied cards due by either edge, by due time and id
    edge = max(horizon, tonight)
    due = [
        (when, card_id, state)
        for when, card_id, state in zip(columns.dues, columns.card_ids, columns.states, strict=True)
        if when <= edge
    ]
    due.sort()
    # where those of them in `ids` are (found at C speed: the due are few, `ids` are many)
    wanted = {card_id for _, card_id, _ in due}
    found = list(itertools.compress(range(len(ids)), map(wanted.__contains__, ids)))
    position = dict(zip(map(ids.__getitem__, found), found, strict=True))
    learning = [
        position[card_id]
        for when, card_id, state in due
        if state in _IN_STEPS and when <= horizon and card_id in position
    ]
    reviews = [
        position[card_id]
        for when, card_id, state in due
        if state not in _IN_STEPS and when < tonight and card_id in position
    ]
    review_room = max(0, limits.reviews_per_day - reviews_today)
    new_room = max(0, limits.new_per_day - new_today)
    # the first new cards in the order given: a scan that stops once the day's are found
    new: list[int] = []
    if new_room:
        studied = columns.studied
        for place in range(len(ids)) if order is None else order:
            if ids[place] not in studied:
                new.append(place)
                if len(new) == new_room:
                    break
    return learning, reviews[:review_room], new


_IN_STEPS = frozenset((LEARNING, RELEARNING))


def next_due(
    cards: Sequence[Card], states: dict[str, CardState], after: datetime
) -> tuple[datetime, int] | None:
    """When the next card falls due after `after`, and how many fall due that day."""
    after_ts = after.timestamp()
    upcoming = sorted(
        states[c.id].due_ts for c in cards if c.id in states and states[c.id].due_ts > after_ts
    )
    if not upcoming:
        return None
    first = datetime.fromtimestamp(upcoming[0], UTC)
    day_end = end_of_day(first).timestamp()
    return first, sum(1 for due in upcoming if due < day_end)
