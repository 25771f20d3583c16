"""Fit FSRS parameters to one person's review history, without torch.

The fit is fsrs-rs' optimizer (the `fsrs-rs-python` wheel): the same FSRS-6 model and the same
21-parameter layout as the `fsrs` package that schedules reviews. It is judged on a time split:
fitted on the oldest 70% of the history, scored on the newest 30% (log loss, and calibration
error: how far predicted recall is from observed recall, by bins of prediction) against the
parameters in use. Predictions for the score come from our own FSRS-6 formulas (memory.py, the
ones the scheduler uses), not from the optimizer, so "better" means better for our scheduler.
"""

from __future__ import annotations

import csv
import math
import multiprocessing
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from mlprep.days import DAY_STARTS_SECONDS
from mlprep.errors import ContentError, MlprepError
from mlprep.memory import AGAIN, DEFAULT_PARAMETERS, PARAMETER_COUNT, Memory

MIN_REVIEWS = 400
MIN_SCORED = 50  # later reviews (a day or more apart) needed on each side of the split
TRAIN_SHARE = 0.7
BINS = 20
CSV_COLUMNS = ("card_id", "review_rating", "review_time", "review_duration")


@dataclass(frozen=True, slots=True)
class Review:
    card: str
    rating: int  # 1-4
    at: datetime  # zoned
    ms: int


class NotEnoughHistory(MlprepError):
    """Too few reviews, or too uniform, to fit; the parameters in use stay."""


@dataclass(frozen=True)
class Score:
    log_loss: float
    calibration: float  # RMSE between predicted and observed recall over bins of prediction
    reviews: int

    def to_json(self) -> dict:
        return {
            "log_loss": round(self.log_loss, 4),
            "calibration_error": round(self.calibration, 4),
            "reviews": self.reviews,
        }


@dataclass
class Fit:
    reviews: int
    train_reviews: int
    test_reviews: int
    current: Sequence[float]
    fitted: Sequence[float]
    before: Score
    after: Score
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def better(self) -> bool:
        """Apply only when the fitted parameters predict the newest reviews better."""
        return self.after.log_loss < self.before.log_loss

    def to_json(self) -> dict:
        return {
            "reviews": self.reviews,
            "train_reviews": self.train_reviews,
            "test_reviews": self.test_reviews,
            "before": self.before.to_json(),
            "after": self.after.to_json(),
            "better": self.better,
            "current_parameters": [round(x, 4) for x in self.current],
            "parameters": [round(x, 4) for x in self.fitted],
        }


def reviews_of(events: Iterable) -> list[Review]:
    """The answers that schedule among a review log's `events` (undone ones left out before):
    a drill's change no schedule, so they fit nothing. In local time, where their review days
    start at 04:00 (the log keeps UTC; read as UTC, an evening's answers in California fell
    on two days)."""
    from mlprep.reviewlog import NON_SCHEDULING_MODES

    return [
        Review(e.card, e.grade, e.when.astimezone(), e.ms)
        for e in events
        if e.mode not in NON_SCHEDULING_MODES
    ]


def day_of(moment: datetime) -> date:
    """The review's day where it was given (days start at 04:00, as in Anki and days.py: the
    same day as review_day for a moment in local time)."""
    return datetime.fromtimestamp(moment.timestamp() - DAY_STARTS_SECONDS, moment.tzinfo).date()


# One card's history: (epoch seconds, day number, rating) per review, in time order
History = list[tuple[float, int, int]]


def by_card(reviews: Iterable[Review]) -> dict[str, History]:
    by_card: dict[str, History] = {}
    for review in reviews:
        day = day_of(review.at).toordinal()
        by_card.setdefault(review.card, []).append((review.at.timestamp(), day, review.rating))
    for history in by_card.values():
        history.sort()
    return by_card


def _items(histories: dict[str, History], before: datetime | None):
    """fsrs-rs training items: one per review a day or more after the one before it, holding
    the card's history up to it; only reviews given before `before` (all if None)."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    limit = before.timestamp() if before is not None else math.inf
    items = []
    for history in histories.values():
        steps = []
        last = None
        for moment, day, rating in history:
            if moment >= limit:
                break
            delta = 0 if last is None else day - last
            steps.append(FSRSReview(rating, delta))
            if delta > 0:
                items.append((moment, FSRSItem(list(steps))))
            last = day
    items.sort(key=lambda pair: pair[0])
    return [item for _, item in items if item.long_term_review_cnt() > 0]


def predictions(
    histories: dict[str, History], parameters: Sequence[float], since: datetime
) -> list[tuple[float, int]]:
    """(predicted recall, recalled) for every review at or after `since` that came a day or
    more after the card's previous one, replaying each card's whole history."""
    memory = Memory(parameters)
    start = since.timestamp()
    out = []
    for history in histories.values():
        (_, last, rating), *rest = history
        stability, difficulty = memory.first(rating)
        for moment, day, rating in rest:
            elapsed = day - last
            if elapsed > 0 and moment >= start:
                p = memory.recall(elapsed, stability)
                out.append((p, int(rating > AGAIN)))
            stability, difficulty = memory.review(stability, difficulty, elapsed, rating)
            last = day
    return out


def score(pairs: Sequence[tuple[float, int]]) -> Score:
    eps = 1e-6
    loss = 0.0
    bins: dict[int, list[float]] = {}
    for p, y in pairs:
        p = min(max(p, eps), 1 - eps)
        loss -= y * math.log(p) + (1 - y) * math.log(1 - p)
        cell = bins.setdefault(min(BINS - 1, int(p * BINS)), [0.0, 0.0, 0.0])
        cell[0] += p
        cell[1] += y
        cell[2] += 1
    n = len(pairs)
    squared = sum(c[2] * ((c[0] - c[1]) / c[2]) ** 2 for c in bins.values())
    return Score(loss / n, math.sqrt(squared / n), n)


def fit(
    reviews: Sequence[Review],
    current: Sequence[float] | None = None,
    progress: Callable[[str], None] | None = None,
    source: str | None = None,
) -> Fit:
    """Fit on the oldest 70% of `reviews`, score both parameter sets on the newest 30%.
    `source`: the file they come from (else they are the user's own, "so far")."""
    current = tuple(current) if current is not None else DEFAULT_PARAMETERS
    started = time.monotonic()
    tick = Ticker(progress, started, f"Fitting FSRS to {len(reviews):,} reviews...")
    if len(reviews) < MIN_REVIEWS:
        counted = f"{len(reviews):,} review{'s' * (len(reviews) != 1)}"
        if source is not None:  # (another tool's history: "keep reviewing" is not the way)
            raise NotEnoughHistory(
                f"{source} holds {counted}; fitting needs at least "
                f"{MIN_REVIEWS}. Your parameters are unchanged."
            )
        raise NotEnoughHistory(
            f"{counted} so far; fitting needs at least {MIN_REVIEWS} "
            "(keep reviewing, then try again). Your parameters are unchanged."
        )
    ordered = sorted(review.at for review in reviews)
    split = ordered[int(len(ordered) * TRAIN_SHARE)]
    histories = by_card(reviews)
    tick()
    train = _items(histories, split)
    tick()
    test_pairs = predictions(histories, current, split)
    tick()
    labels = {y for _, y in test_pairs}
    if len(train) < MIN_SCORED or len(test_pairs) < MIN_SCORED or len(labels) < 2:
        raise NotEnoughHistory(
            "the history is too short or too uniform to fit (it needs reviews a day or more "
            "apart, some remembered and some forgotten, in both its older and newer part). "
            "Your parameters are unchanged."
        )
    fitted = _compute(train, tick)
    if not usable(fitted):
        raise NotEnoughHistory("the optimizer found no usable parameters; yours are unchanged.")
    tick()
    before = score(test_pairs)
    after = score(predictions(histories, fitted, split))
    tick()
    return Fit(
        reviews=len(reviews),
        train_reviews=sum(1 for at in ordered if at < split),
        test_reviews=sum(1 for at in ordered if at >= split),
        current=current,
        fitted=tuple(fitted),
        before=before,
        after=after,
        seconds=time.monotonic() - started,
    )


def usable(parameters: object, check_ranges: bool = True) -> bool:
    """21 finite numbers (that the `fsrs` scheduler accepts, when `check_ranges`: that
    imports fsrs, which start-up avoids; parameters are checked so before they are saved)."""
    if not isinstance(parameters, list | tuple) or len(parameters) != PARAMETER_COUNT:
        return False
    if not all(isinstance(x, int | float) and math.isfinite(x) for x in parameters):
        return False
    if not check_ranges:
        return True
    import fsrs

    try:
        fsrs.Scheduler(parameters=tuple(parameters))
    except ValueError:
        return False
    return True


INLINE_ITEMS = 20000  # fewer training items fit in well under a second


class Ticker:
    """Says how long the fit has taken, at most once a second, once it is past a second."""

    def __init__(self, say: Callable[[str], None] | None, started: float, what: str) -> None:
        self.say = say or (lambda message: None)
        self.started = started
        self.last = started
        self.what = what

    def __call__(self) -> None:
        now = time.monotonic()
        if now - self.started >= 1 and now - self.last >= 1:
            self.say(f"{self.what} {now - self.started:.0f} s")
            self.last = now


def _compute(train, tick: Callable[[], None]) -> list[float]:
    """fsrs-rs' optimizer. It holds the interpreter while it works, so a long fit runs in a
    forked child while this process says how long it has taken, each second after the first."""
    from fsrs_rs_python import FSRS

    def run() -> list[float]:
        return list(FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(train))

    if len(train) < INLINE_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        try:
            return run()
        except Exception as error:
            raise NotEnoughHistory(f"the optimizer could not fit this history ({error})") from None
    receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)

    def child() -> None:
        try:
            sender.send(("ok", run()))
        except Exception as error:
            sender.send(("error", str(error)))

    worker = multiprocessing.get_context("fork").Process(target=child, daemon=True)
    worker.start()
    try:
        while not receiver.poll(1.0):
            if not worker.is_alive():
                raise NotEnoughHistory("the optimizer stopped without a result")
            tick()
        status, value = receiver.recv()
    finally:
        worker.join(1.0)
        if worker.is_alive():
            worker.kill()  # Ctrl-C here: the fit is abandoned, nothing was applied
    if status != "ok":
        raise NotEnoughHistory(f"the optimizer could not fit this history ({value})")
    return value


def read_revlog(path: str, text: str) -> list[Review]:
    """Reviews from a CSV in the fsrs projects' layout; every bad line is reported by number
    (ContentError listing them all), so nothing is applied from a half-read file."""
    lines = text.splitlines()
    reader = csv.reader(lines)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        expected = ",".join(CSV_COLUMNS)
        raise ContentError(f"{path}: empty file; expected a header {expected}") from None
    missing = [name for name in CSV_COLUMNS if name not in header]
    if missing:
        raise ContentError(
            f"{path}:1: missing column{'s' * (len(missing) > 1)} {', '.join(missing)}"
        )
    index = {name: header.index(name) for name in CSV_COLUMNS}
    problems: list[str] = []
    reviews: list[Review] = []
    latest: dict[str, datetime] = {}
    for number, row in enumerate(reader, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        problem, review = _row(row, index, latest)
        if problem:
            problems.append(f"{path}:{number}: {problem}")
        elif review is not None:
            reviews.append(review)
            latest[review.card] = review.at
    if problems:
        raise BadRevlog(problems, path)
    return reviews


class BadRevlog(ContentError):
    def __init__(self, problems: list[str], path: str) -> None:
        count = len(problems)
        super().__init__(f"{count} bad line{'s' * (count != 1)} in {path}; nothing was applied.")
        self.problems = problems


# review_time as the fsrs projects write it, milliseconds since the epoch (UTC), from 1970 to
# 2200 like every time mlprep keeps
_EPOCH_MS_DIGITS = re.compile(r"[0-9]{1,13}")
_LAST_MS = 7_258_118_400_000  # 2200-01-01
# before 2001 as milliseconds, but 2001 or later as seconds: a time written in seconds
_SECONDS_LIKE = range(978_307_200, 7_258_118_400)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _review_time(text: str) -> datetime | str:
    """A review_time: whole milliseconds since the epoch, or an ISO time with a zone; else
    what is wrong with it."""
    if _EPOCH_MS_DIGITS.fullmatch(text):
        milliseconds = int(text)
        if milliseconds >= _LAST_MS:
            return f"review_time is after 2200: {text[:40]!r}"
        if milliseconds in _SECONDS_LIKE:
            return (
                f"review_time looks like seconds since 1970: {text[:40]!r}; "
                "the FSRS layout has milliseconds"
            )
        return _EPOCH + timedelta(milliseconds=milliseconds)
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return f"review_time is neither milliseconds since 1970 nor an ISO time: {text[:40]!r}"
    if at.utcoffset() is None:
        return f"review_time has no time zone: {text[:40]!r}"
    return at


def _row(row: list[str], index: dict[str, int], latest: dict[str, datetime]):
    if len(row) < len(index) or max(index.values()) >= len(row):
        return f"expected {len(CSV_COLUMNS)} columns, found {len(row)}", None
    card = row[index["card_id"]].strip()
    rating = row[index["review_rating"]].strip()
    moment = row[index["review_time"]].strip()
    duration = row[index["review_duration"]].strip()
    if not card:
        return "empty card_id", None
    if rating not in ("1", "2", "3", "4"):
        return f"review_rating must be 1-4, not {rating[:20]!r}", None
    at = _review_time(moment)
    if isinstance(at, str):
        return at, None
    if not duration.isdigit():
        return f"review_duration must be whole milliseconds, not {duration[:20]!r}", None
    previous = latest.get(card)
    if previous is not None and at < previous:
        return (
            f"out of order: card {card[:40]} was already reviewed later ({previous.isoformat()})",
            None,
        )
    return None, Review(card, int(rating), at, int(duration))
