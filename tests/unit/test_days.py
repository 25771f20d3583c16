"""Review days start at 04:00 local time, in every time zone and on daylight-saving days."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from mlprep.days import day_start, end_of_day, review_day, review_day_of, start_of_day


@pytest.fixture
def zone(request, monkeypatch):
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """`hour`:`minute` on `day` by the local clock, in UTC."""
    return datetime(day.year, day.month, day.day, hour, minute).astimezone().astimezone(UTC)


ZONES = [
    "UTC",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",  # UTC+14
    "Etc/GMT+12",  # UTC-12
]


@pytest.mark.parametrize("zone", ZONES, indirect=True)
def test_a_review_day_runs_from_four_to_four_local_time(zone):
    day = date(2026, 12, 7)
    evening, small_hours = local(day, 23, 30), local(day + timedelta(days=1), 3, 59)
    morning = local(day + timedelta(days=1), 4, 0)
    assert review_day(evening) == review_day(small_hours) == day
    assert review_day(morning) == day + timedelta(days=1)
    assert review_day(local(day, 3, 59)) == day - timedelta(days=1)
    for moment in (evening, small_hours, morning):
        assert review_day_of(moment.timestamp()) == review_day(moment)
    # at 01:00 today began at 04:00 the evening before and ends at 04:00 this morning
    assert start_of_day(small_hours) == day_start(day) == local(day, 4)
    assert end_of_day(small_hours) == local(day + timedelta(days=1), 4)
    assert start_of_day(morning) == end_of_day(evening)


# the dates the clocks change on in 2026 (Helsinki's change at 04:00 local, where days start)
CHANGES = {
    "America/New_York": (date(2026, 3, 8), date(2026, 11, 1)),
    "Europe/Paris": (date(2026, 3, 29), date(2026, 10, 25)),
    "Europe/Helsinki": (date(2026, 3, 29), date(2026, 10, 25)),
}


@pytest.mark.parametrize("zone", list(CHANGES), indirect=True)
def test_a_daylight_saving_change_makes_the_day_an_hour_shorter_or_longer(zone):
    spring, autumn = CHANGES[zone]
    # the clocks change in the small hours: the review day before the change holds it
    for day, hours in ((spring - timedelta(days=1), 23), (autumn - timedelta(days=1), 25)):
        noon = local(day, 12)
        assert end_of_day(noon) - start_of_day(noon) == timedelta(hours=hours)
        assert review_day(end_of_day(noon) - timedelta(seconds=1)) == day
        assert review_day(end_of_day(noon)) == day + timedelta(days=1)
