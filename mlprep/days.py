"""Review days: the days that daily limits, an interview plan, streaks and forecasts count.

A review day runs from 04:00 to 04:00 local time, as Anki's does. A session that goes on past
midnight still belongs to the evening it started in, and FSRS's whole days between reviews
(as the optimizer fits them and the plan predicts them) start at the same hour. Every "today"
in the program is this one day: at 01:00 the queue's limits, the plan's today, the streak and
the forecast all still mean the evening before, and the interview day's plan has not ended.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, date, datetime, timedelta

DAY_STARTS_HOUR = 4  # local time
DAY_STARTS_SECONDS = DAY_STARTS_HOUR * 3600
DAY_STARTS_TEXT = f"{DAY_STARTS_HOUR:02d}:00"  # as messages name it
_ONE_DAY = timedelta(days=1)
_SHIFT = timedelta(hours=DAY_STARTS_HOUR)
_STARTS = datetime.min.time().replace(hour=DAY_STARTS_HOUR)  # the local time a day starts at


def review_day(moment: datetime) -> date:
    """The review day `moment` (an aware datetime) falls in, by the local clock."""
    # (in the local zone's fixed offset of that moment: wall-clock arithmetic)
    return (moment.astimezone() - _SHIFT).date()


def review_day_of(epoch_seconds: float) -> date:
    """review_day of a UTC epoch time, without building a datetime."""
    local = time.localtime(math.floor(epoch_seconds))
    day = date(local.tm_year, local.tm_mon, local.tm_mday)
    return day - _ONE_DAY if local.tm_hour < DAY_STARTS_HOUR else day


def day_start(day: date) -> datetime:
    """When review day `day` starts, in UTC (combine, then localise: a fixed offset taken from
    another moment would be an hour off on daylight-saving change days). A date a zone skipped
    whole (Samoa's 2011-12-30 when it crossed the date line) has no 04:00: its day is empty."""
    return datetime.combine(day, _STARTS).astimezone().astimezone(UTC)


def start_of_day(now: datetime) -> datetime:
    """When today's review day began, in UTC."""
    return day_start(review_day(now))


def end_of_day(now: datetime) -> datetime:
    """When today's review day ends, in UTC: review cards due any time today count as due now."""
    return day_start(review_day(now) + _ONE_DAY)
