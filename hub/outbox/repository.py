"""SQL of the outbox: claim items for sending, record the outcome."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.models import Case, Message, OutboxItem, Reporter

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
UNCERTAIN = "uncertain"  # the sender died mid-send: never resent automatically


async def due_ids(session: AsyncSession, now: datetime, limit: int) -> Sequence[int]:
    query = (
        select(col(OutboxItem.id))
        .where(col(OutboxItem.status) == PENDING, col(OutboxItem.next_attempt_at) <= now)
        .order_by(col(OutboxItem.next_attempt_at))
        .limit(limit)
    )
    return [i for i in (await session.scalars(query)).all() if i is not None]


async def claim(session: AsyncSession, item_id: int, now: datetime, lease_until: datetime) -> bool:
    """Take one pending item; exactly one worker wins, the others get False."""
    result = await session.execute(
        update(OutboxItem)
        .where(
            and_(
                col(OutboxItem.id) == item_id,
                col(OutboxItem.status) == PENDING,
                col(OutboxItem.next_attempt_at) <= now,
            )
        )
        .values(status=SENDING, claimed_until=lease_until, attempts=col(OutboxItem.attempts) + 1)
    )
    await session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def expired_claims(session: AsyncSession, now: datetime) -> Sequence[OutboxItem]:
    query = select(OutboxItem).where(
        col(OutboxItem.status) == SENDING,
        or_(col(OutboxItem.claimed_until).is_(None), col(OutboxItem.claimed_until) < now),
    )
    return (await session.scalars(query)).all()


async def load(session: AsyncSession, item_id: int) -> OutboxItem | None:
    return await session.get(OutboxItem, item_id, populate_existing=True)


async def reporter(session: AsyncSession, reporter_id: int | None) -> Reporter | None:
    return await session.get(Reporter, reporter_id) if reporter_id else None


async def case(session: AsyncSession, case_id: int | None) -> Case | None:
    if case_id is None:
        return None
    return await session.get(Case, case_id, with_for_update=True, populate_existing=True)


async def conversation_ids(session: AsyncSession, case_id: int | None) -> Sequence[str]:
    """Provider ids of a case's messages, oldest first (for e-mail References)."""
    if case_id is None:
        return []
    query = (
        select(col(Message.provider_id))
        .where(col(Message.case_id) == case_id, col(Message.provider_id).is_not(None))
        .order_by(col(Message.created_at), col(Message.id))
    )
    return [p for p in (await session.scalars(query)).all() if p]


async def message_by_provider_id(session: AsyncSession, provider_id: str) -> Message | None:
    query = select(Message).where(col(Message.provider_id) == provider_id)
    return (await session.scalars(query)).first()
