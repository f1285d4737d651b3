"""SQL of deadlines: policies, days off, due cases, staff to tell."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.models import Case, DayOff, DeadlinePolicy, Role, Structure, User
from workflows.deadlines import Policy
from workflows.lifecycle import OPEN_STATUSES


async def policies(session: AsyncSession) -> dict[tuple[str | None, str | None], Policy]:
    codes = {s.id: s.code for s in (await session.scalars(select(Structure))).all()}
    found: dict[tuple[str | None, str | None], Policy] = {}
    for row in (await session.scalars(select(DeadlinePolicy))).all():
        key = (row.category, codes.get(row.structure_id) if row.structure_id else None)
        found[key] = Policy(
            first_response_days=row.first_response_days,
            resolution_days=row.resolution_days,
            reminder_days=tuple(int(d) for d in row.reminder_days.split(",") if d.strip()),
            escalation_grace_days=row.escalation_grace_days,
            restart_on_transfer=row.restart_on_transfer,
            reopen_window_days=row.reopen_window_days,
            working_days=row.working_days,
        )
    return found


async def days_off(session: AsyncSession) -> frozenset[date]:
    return frozenset((await session.scalars(select(col(DayOff.day)))).all())


async def lock_due_cases(session: AsyncSession, now: datetime, limit: int) -> Sequence[Case]:
    """Due cases, locked; rows another worker holds are skipped, not waited for."""
    query = (
        select(Case)
        .where(col(Case.next_deadline_at) <= now)
        .order_by(col(Case.next_deadline_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.scalars(query)).all()


async def structures_by_id(session: AsyncSession) -> dict[int, Structure]:
    return {s.id: s for s in (await session.scalars(select(Structure))).all() if s.id is not None}


async def staff_to_tell(
    session: AsyncSession, structure_id: int, central_id: int | None
) -> Sequence[User]:
    """The structure's officers and the supervisors of it or of the central bureau."""
    query = select(User).where(
        col(User.is_active),
        or_(
            (col(User.role) == Role.officer) & (col(User.structure_id) == structure_id),
            (col(User.role) == Role.supervisor)
            & (
                col(User.structure_id).in_([structure_id, central_id])
                | col(User.structure_id).is_(None)
            ),
        ),
    )
    return (await session.scalars(query)).all()


async def investigators(session: AsyncSession) -> Sequence[User]:
    query = select(User).where(col(User.is_active), col(User.role) == Role.investigator)
    return (await session.scalars(query)).all()


async def open_cases_spanning(session: AsyncSession, day_end: datetime) -> Sequence[Case]:
    """Open cases whose deadlines fall on or after a day (candidates for a calendar change)."""
    query = (
        select(Case)
        .where(
            col(Case.status).in_(OPEN_STATUSES),
            or_(col(Case.due_at) >= day_end, col(Case.first_response_due_at) >= day_end),
        )
        .with_for_update()
    )
    return (await session.scalars(query)).all()
