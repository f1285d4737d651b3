"""Properties of the deadline calendar (workflows/deadlines.py) and of moving deadlines
when an administrator adds or removes a day off (hub/deadlines/calendar.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.deadlines.calendar import _previous_working_close, _shifted
from workflows.deadlines import END_OF_DAY, TUNIS, Calendar, Policy, deadlines_for, next_step
from workflows.deadlines import Clock as DeadlineClock

# Years with real holiday data, the Islamic ones included.
DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
MOMENTS = st.builds(
    lambda day, seconds: datetime.combine(day, time(), tzinfo=TUNIS) + timedelta(seconds=seconds),
    DAYS,
    st.integers(0, 24 * 3600 - 1),
)
COUNTS = st.integers(min_value=1, max_value=60)
DAYS_OFF = st.frozensets(DAYS, max_size=8)
CALENDARS = DAYS_OFF.map(Calendar)
# A day off somewhere from the day before a case to a little after its deadlines.
AROUND = st.integers(min_value=-1, max_value=75)


# Derandomized, so CI draws the same examples each run; no deadline, because the holiday
# table of a year is built on first use, which may take a few hundred ms.
PROPERTY = settings(derandomize=True, database=None, deadline=None)


def local_day(moment: datetime) -> date:
    return moment.astimezone(TUNIS).date()


def working_days_between(calendar: Calendar, after: date, until: date) -> int:
    """Working days in (after, until]."""
    return sum(
        calendar.is_working_day(after + timedelta(days=i))
        for i in range(1, (until - after).days + 1)
    )


@PROPERTY
@given(CALENDARS, MOMENTS, COUNTS)
def test_a_deadline_falls_at_close_of_a_working_day(
    calendar: Calendar, start: datetime, n: int
) -> None:
    due = calendar.add(start, n)
    assert due.tzinfo is not None
    assert calendar.is_working_day(local_day(due))
    assert local_day(due).weekday() < 5
    assert local_day(due) not in calendar.days_off
    assert due.astimezone(TUNIS).time() == END_OF_DAY


@PROPERTY
@given(CALENDARS, MOMENTS, COUNTS)
def test_n_working_days_are_counted_exactly(calendar: Calendar, start: datetime, n: int) -> None:
    due = calendar.add(start, n)
    assert working_days_between(calendar, local_day(start), local_day(due)) == n


@PROPERTY
@given(CALENDARS, MOMENTS, COUNTS)
def test_one_more_day_is_a_later_deadline(calendar: Calendar, start: datetime, n: int) -> None:
    assert calendar.add(start, n) < calendar.add(start, n + 1)
    assert calendar.add(start, n, working=False) < calendar.add(start, n + 1, working=False)


@PROPERTY
@given(CALENDARS, MOMENTS, COUNTS)
def test_calendar_days_count_every_day(calendar: Calendar, start: datetime, n: int) -> None:
    due = calendar.add(start, n, working=False)
    assert local_day(due) == local_day(start) + timedelta(days=n)
    assert calendar.add(start, n, working=True) >= due  # working days are never fewer


@PROPERTY
@given(CALENDARS, MOMENTS, COUNTS)
def test_a_deadline_is_after_what_it_counts_from(
    calendar: Calendar, start: datetime, n: int
) -> None:
    assert local_day(calendar.add(start, n)) > local_day(start)


@PROPERTY
@given(DAYS_OFF, AROUND, MOMENTS, COUNTS)
def test_a_day_off_never_brings_a_deadline_earlier(
    days_off: frozenset[date], offset: int, start: datetime, n: int
) -> None:
    extra = local_day(start) + timedelta(days=offset)
    before = Calendar(days_off).add(start, n)
    after = Calendar(days_off | {extra}).add(start, n)
    assert after >= before
    # ... and costs at most the one working day it took away
    assert after <= Calendar(days_off).add(start, n + 1)


@PROPERTY
@given(CALENDARS, MOMENTS, st.integers(1, 60), st.integers(1, 60))
def test_the_first_response_is_due_no_later_than_the_resolution(
    calendar: Calendar, received: datetime, a: int, b: int
) -> None:
    first_days, resolution_days = min(a, b), max(a, b)
    for working in (True, False):
        policy = Policy(first_days, resolution_days, working_days=working)
        first, due = deadlines_for(received, policy, calendar)
        assert received < first <= due


# ------------------------------------------------- moving open deadlines (hub/deadlines/calendar.py)


@PROPERTY
@given(DAYS_OFF, AROUND, MOMENTS, st.integers(1, 30), st.integers(0, 30))
def test_adding_a_day_off_moves_a_deadline_where_recomputing_it_would(
    days_off: frozenset[date], offset: int, received: datetime, first_days: int, more: int
) -> None:
    """The hub moves open deadlines instead of recomputing them; both must agree."""
    day_off = local_day(received) + timedelta(days=offset)
    old, new = Calendar(days_off - {day_off}), Calendar(days_off | {day_off})
    policy = Policy(first_days, first_days + more)
    first, due = deadlines_for(received, policy, old)
    case = SimpleNamespace(first_response_due_at=first, due_at=due)
    start_of_day = datetime.combine(day_off, time(), tzinfo=TUNIS).astimezone(UTC)
    if received >= start_of_day:
        return  # the hub leaves alone a case received after the day off began
    moved = _shifted(case, start_of_day, new, forward=True)  # type: ignore[arg-type]
    recomputed = dict(
        zip(("first_response_due_at", "due_at"), deadlines_for(received, policy, new), strict=True)
    )
    for name in ("first_response_due_at", "due_at"):
        assert moved.get(name, getattr(case, name)) == recomputed[name], name


@PROPERTY
@given(DAYS_OFF, AROUND, MOMENTS, st.integers(1, 30), st.integers(0, 30))
def test_removing_a_day_off_moves_a_deadline_where_recomputing_it_would(
    days_off: frozenset[date], offset: int, received: datetime, first_days: int, more: int
) -> None:
    day_off = local_day(received) + timedelta(days=offset)
    old, new = Calendar(days_off | {day_off}), Calendar(days_off - {day_off})
    policy = Policy(first_days, first_days + more)
    first, due = deadlines_for(received, policy, old)
    case = SimpleNamespace(first_response_due_at=first, due_at=due)
    start_of_day = datetime.combine(day_off, time(), tzinfo=TUNIS).astimezone(UTC)
    if received >= start_of_day:
        return
    moved = _shifted(case, start_of_day, new, forward=False)  # type: ignore[arg-type]
    recomputed = dict(
        zip(("first_response_due_at", "due_at"), deadlines_for(received, policy, new), strict=True)
    )
    for name in ("first_response_due_at", "due_at"):
        assert moved.get(name, getattr(case, name)) == recomputed[name], name


@PROPERTY
@given(CALENDARS, MOMENTS)
def test_the_previous_working_close_is_an_earlier_working_day(
    calendar: Calendar, moment: datetime
) -> None:
    previous = _previous_working_close(moment, calendar)
    assert local_day(previous) < local_day(moment)
    assert calendar.is_working_day(local_day(previous))
    assert (
        working_days_between(calendar, local_day(previous), local_day(moment) - timedelta(1)) == 0
    )


# ------------------------------------------------------------------ the tick's next step

CLOCKS = st.builds(
    DeadlineClock,
    responded=st.booleans(),
    first_response_due=st.none() | MOMENTS,
    due=st.none() | MOMENTS,
    reminders_sent=st.integers(0, 6),
    overdue=st.booleans(),
    escalation_level=st.integers(0, 5),
    paused=st.booleans(),
    can_escalate=st.booleans(),
    since=st.none() | MOMENTS,
)
POLICIES = st.builds(
    Policy,
    first_response_days=st.integers(1, 365),
    resolution_days=st.integers(1, 730),
    reminder_days=st.lists(st.integers(1, 730), max_size=5).map(tuple),
    escalation_grace_days=st.integers(0, 90),
)


@settings(PROPERTY, max_examples=300)
@given(CLOCKS, POLICIES)
def test_the_next_step_is_never_before_the_clock_restarted_nor_a_reminder_after_the_deadline(
    clock: DeadlineClock, policy: Policy
) -> None:
    step = next_step(clock, policy)
    deadline = clock.due if clock.responded else clock.first_response_due
    if clock.paused or deadline is None:
        assert step is None
        return
    if clock.overdue:
        assert (
            step is None if not clock.can_escalate else step is not None and step.kind == "escalate"
        )
        if step is not None:
            assert step.at >= deadline
        return
    assert step is not None and step.kind in ("remind", "overdue")
    if step.kind == "remind":
        assert step.at < deadline
        assert clock.since is None or step.at > clock.since
    else:
        assert step.at == deadline
