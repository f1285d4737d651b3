"""Deadlines on Tunisia's calendar, reminders, overdue and escalation: pure decisions.

Working days skip weekends, Tunisia's public holidays from the `holidays`
package (the Islamic ones move every year) and days off added by an
administrator. A legal limit in calendar days (three months) counts them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

import holidays

TUNIS = ZoneInfo("Africa/Tunis")
END_OF_DAY = time(16, 0)  # administrations close mid-afternoon; a deadline falls at close
REOPEN_WINDOW_DAYS = 15


@dataclass(frozen=True)
class Policy:
    first_response_days: int
    resolution_days: int
    reminder_days: tuple[int, ...] = (2,)  # before each deadline
    escalation_grace_days: int = 2
    restart_on_transfer: bool = False
    reopen_window_days: int = REOPEN_WINDOW_DAYS
    working_days: bool = True


DEFAULT_POLICY = Policy(first_response_days=3, resolution_days=15)
# Access to information: Law 22 of 2016, 20 days. Corruption: a person acknowledges
# within 7 days and the reporter gets feedback within 3 months.
DEFAULT_POLICIES: dict[tuple[str | None, str | None], Policy] = {
    (None, None): DEFAULT_POLICY,
    ("access_to_information", None): Policy(3, 20, reminder_days=(5, 2)),
    ("corruption", None): Policy(
        7, 91, reminder_days=(14, 3), escalation_grace_days=7, working_days=False
    ),
    ("water", None): Policy(2, 10),
    ("electricity", None): Policy(2, 10),
    ("health", None): Policy(2, 10),
}


def policy_for(
    category: str, structure: str | None, policies: Mapping[tuple[str | None, str | None], Policy]
) -> Policy:
    """The most specific policy: category and structure, category, structure, default."""
    for key in ((category, structure), (category, None), (None, structure), (None, None)):
        if key in policies:
            return policies[key]
    return DEFAULT_POLICY


@lru_cache(maxsize=1)
def _tunisia() -> holidays.HolidayBase:
    return holidays.country_holidays("TN")  # expands to any year asked


@dataclass(frozen=True)
class Calendar:
    days_off: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in _tunisia() and day not in self.days_off

    def add(self, start: datetime, days: int, working: bool = True) -> datetime:
        """Close of business on the `days`-th (working) day after `start`, Tunis time."""
        day = start.astimezone(TUNIS).date()
        if not working:
            day += timedelta(days=days)
        else:
            counted = 0
            while counted < days:
                day += timedelta(days=1)
                if self.is_working_day(day):
                    counted += 1
        return datetime.combine(day, END_OF_DAY, tzinfo=TUNIS).astimezone(UTC)


def deadlines_for(
    received: datetime, policy: Policy, calendar: Calendar
) -> tuple[datetime, datetime]:
    """(first response due, resolution due) for a case received at `received`."""
    return (
        calendar.add(received, policy.first_response_days, policy.working_days),
        calendar.add(received, policy.resolution_days, policy.working_days),
    )


# ------------------------------------------------------------------ the clock


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


@dataclass(frozen=True)
class Clock:
    """What the deadline tick needs to know of a case."""

    responded: bool
    first_response_due: datetime | None
    due: datetime | None
    reminders_sent: int
    overdue: bool
    escalation_level: int
    paused: bool
    can_escalate: bool  # the structure has a parent
    since: datetime | None = None  # when the clock (re)started: no reminder before it


@dataclass(frozen=True)
class Step:
    kind: str  # remind, overdue, escalate
    at: datetime


def current_deadline(clock: Clock) -> datetime | None:
    if clock.paused:
        return None
    return clock.due if clock.responded else clock.first_response_due


def next_step(clock: Clock, policy: Policy) -> Step | None:
    """The next thing that should happen to the case, and when."""
    deadline = current_deadline(clock)
    if deadline is None:
        return None
    if not clock.overdue:
        times = [deadline - timedelta(days=d) for d in sorted(policy.reminder_days, reverse=True)]
        useful = [t for t in times if clock.since is None or t > clock.since]
        if clock.reminders_sent < len(useful):
            return Step("remind", useful[clock.reminders_sent])
        return Step("overdue", deadline)
    if not clock.can_escalate:
        return None
    grace = timedelta(days=policy.escalation_grace_days)
    return Step("escalate", deadline + grace * (clock.escalation_level + 1))


def due_steps(clock: Clock, policy: Policy, now: datetime) -> Step | None:
    step = next_step(clock, policy)
    return step if step is not None and step.at <= now else None
