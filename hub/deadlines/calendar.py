"""Adding or removing a day off moves the open deadlines it affects, and logs each move."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit import append_event
from hub.deadlines import repository as repo
from hub.deadlines.service import forget_cached_rules, rules, schedule
from hub.models import Case, DayOff, User, utcnow
from workflows.deadlines import END_OF_DAY, TUNIS, Calendar

_FIELDS = ("first_response_due_at", "due_at")


async def add_day_off(session: AsyncSession, day: date, reason: str, user: User) -> int:
    session.add(DayOff(day=day, reason=reason, created_by_id=user.id))
    await session.flush()
    return await _move(session, day, user, forward=True)


async def remove_day_off(session: AsyncSession, row: DayOff, user: User) -> int:
    day = row.day
    await session.delete(row)
    await session.flush()
    return await _move(session, day, user, forward=False)


async def _move(session: AsyncSession, day: date, user: User, forward: bool) -> int:
    forget_cached_rules()
    current = await rules(session)
    structures = await repo.structures_by_id(session)
    start_of_day = datetime.combine(day, datetime.min.time(), tzinfo=TUNIS).astimezone(UTC)
    now, moved = utcnow(), 0
    for case in await repo.open_cases_spanning(session, start_of_day):
        structure = structures.get(case.structure_id or -1)
        policy = current.policy(case.category, structure.code if structure else None)
        if case.received_at >= start_of_day or not policy.working_days:
            continue  # computed after the day was known, or a limit in calendar days
        changes = _shifted(case, start_of_day, current.calendar, forward)
        kept = {name: value for name, value in changes.items() if value >= now}
        for name, value in kept.items():
            setattr(case, name, value)
        if not changes:
            continue
        moved += 1
        append_event(
            session,
            case,
            "deadline_recomputed",
            f"user:{user.id}",
            {
                "day_off": day.isoformat(),
                "added": forward,
                "moved": sorted(kept),
                "kept_not_to_fall_in_the_past": sorted(set(changes) - set(kept)),
            },
        )
        if case.paused_at is None:
            can_escalate = bool(structure and structure.parent_id) and not case.sealed
            schedule(case, policy, can_escalate)
        session.add(case)
    await session.commit()
    return moved


def _shifted(
    case: Case, start_of_day: datetime, calendar: Calendar, forward: bool
) -> dict[str, datetime]:
    changes: dict[str, datetime] = {}
    day = start_of_day.astimezone(TUNIS).date()
    if not Calendar(calendar.days_off - {day}).is_working_day(day):
        return changes  # a weekend or a public holiday: no deadline counted it as a working day
    for name in _FIELDS:
        value: datetime | None = getattr(case, name)
        if value is None or value < start_of_day:
            continue
        changes[name] = (
            calendar.add(value, 1) if forward else _previous_working_close(value, calendar)
        )
    return changes


def _previous_working_close(value: datetime, calendar: Calendar) -> datetime:
    day = value.astimezone(TUNIS).date() - timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return datetime.combine(day, END_OF_DAY, tzinfo=TUNIS).astimezone(UTC)
