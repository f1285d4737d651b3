"""Deadlines in working days on Tunisia's calendar of public holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

import holidays

TUNIS = ZoneInfo("Africa/Tunis")
END_OF_DAY = time(16, 0)  # administrations close mid-afternoon; a deadline falls at close

# Working days to resolution and to first response, per category (demo defaults).
RESOLUTION_DAYS = {"access_to_information": 20, "corruption": 60}
DEFAULT_RESOLUTION_DAYS = 15
FIRST_RESPONSE_DAYS = {"corruption": 5}
DEFAULT_FIRST_RESPONSE_DAYS = 3
REOPEN_WINDOW_DAYS = 15


class HasDeadlines(Protocol):
    paused_at: datetime | None
    first_response_due_at: datetime | None
    due_at: datetime | None
    next_deadline_at: datetime | None


def resume(case: HasDeadlines, now: datetime) -> None:
    """Deadlines move on by the time the case waited for the citizen."""
    if case.paused_at is None:
        return
    waited = now - case.paused_at
    for name in ("first_response_due_at", "due_at", "next_deadline_at"):
        value = getattr(case, name)
        if value is not None:
            setattr(case, name, value + waited)
    case.paused_at = None


@lru_cache(maxsize=16)
def _tunisia(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("TN", years=range(year - 1, year + 3))


def is_working_day(day: date, extra_days_off: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in _tunisia(day.year) and day not in extra_days_off


def add_working_days(
    start: datetime, days: int, extra_days_off: frozenset[date] = frozenset()
) -> datetime:
    """The close of business on the `days`-th working day after `start` (Tunis time)."""
    day = start.astimezone(TUNIS).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, extra_days_off):
            counted += 1
    return datetime.combine(day, END_OF_DAY, tzinfo=TUNIS).astimezone(UTC)


def resolution_due(category: str, received: datetime) -> datetime:
    return add_working_days(received, RESOLUTION_DAYS.get(category, DEFAULT_RESOLUTION_DAYS))


def first_response_due(category: str, received: datetime) -> datetime:
    days = FIRST_RESPONSE_DAYS.get(category, DEFAULT_FIRST_RESPONSE_DAYS)
    return add_working_days(received, days)
