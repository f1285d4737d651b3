"""Collective petitions: citizens who co-sign a case, and the count that flags it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.audit import append_event
from hub.models import Case, Reporter, Role, Supporter, User
from hub.outbox.service import queue_staff_notice


async def add_supporter(
    session: AsyncSession, case: Case, reporter: Reporter, channel: str, flag_at: int | None = None
) -> bool:
    """Count a co-signer once; the reporter of the case does not co-sign their own case."""
    if reporter.id is None or reporter.id == case.reporter_id or case.id is None:
        return False
    query = select(Supporter).where(
        col(Supporter.case_id) == case.id, col(Supporter.reporter_id) == reporter.id
    )
    if (await session.scalars(query)).first() is not None:
        return False
    session.add(Supporter(case_id=case.id, reporter_id=reporter.id, channel=channel))
    case.supporters_count += 1
    append_event(
        session,
        case,
        "supporter_added",
        "citizen",
        {"channel": channel, "count": case.supporters_count},
    )
    if flag_at is not None and case.supporters_count == flag_at:
        await _flag_to_supervisors(session, case)
    return True


async def _flag_to_supervisors(session: AsyncSession, case: Case) -> None:
    append_event(
        session, case, "petition_threshold_reached", "system", {"count": case.supporters_count}
    )
    query = select(User).where(col(User.is_active), col(User.role) == Role.supervisor)
    for supervisor in (await session.scalars(query)).all():
        queue_staff_notice(
            session,
            user=supervisor,
            notice="staff_petition",
            params={"reference": case.reference, "count": case.supporters_count},
            dedupe_key=f"petition:{case.reference}:{supervisor.id}",
        )
