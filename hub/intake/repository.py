"""SQL of intake: receipts, reporters, the case a message joins."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.models import Case, InboundReceipt, Message, Reporter, Structure
from workflows.lifecycle import AWAITING_CITIZEN, JOINABLE_STATUSES, OPEN_STATUSES, RESOLVED


async def claim_receipt(
    session: AsyncSession, channel: str, external_id: str, fingerprint: str | None
) -> int | None:
    """Insert the receipt for (channel, external id); None when it already exists.

    ON CONFLICT DO NOTHING makes a concurrent duplicate wait for the first
    transaction and then see its row, so exactly one transaction wins.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(InboundReceipt)
        .values(channel=channel, external_id=external_id, fingerprint=fingerprint)
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
        .returning(col(InboundReceipt.id))
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_receipt(session: AsyncSession, channel: str, external_id: str) -> InboundReceipt:
    return (
        await session.scalars(
            select(InboundReceipt).where(
                col(InboundReceipt.channel) == channel,
                col(InboundReceipt.external_id) == external_id,
            )
        )
    ).one()


async def find_reporter(
    session: AsyncSession, phone_hash: str | None, email_hash: str | None, telegram_hash: str | None
) -> Reporter | None:
    conditions = [
        column == value
        for column, value in (
            (col(Reporter.phone_hash), phone_hash),
            (col(Reporter.email_hash), email_hash),
            (col(Reporter.telegram_hash), telegram_hash),
        )
        if value
    ]
    if not conditions:
        return None
    return (
        await session.scalars(
            select(Reporter).where(or_(*conditions)).order_by(col(Reporter.id)).limit(1)
        )
    ).first()


async def lock_case(session: AsyncSession, case_id: int) -> Case:
    return (
        await session.scalars(select(Case).where(col(Case.id) == case_id).with_for_update())
    ).one()


async def joinable_case_by_reference(
    session: AsyncSession, reference: str, reporter_id: int
) -> Case | None:
    return (
        await session.scalars(
            select(Case)
            .where(
                col(Case.reference) == reference,
                col(Case.reporter_id) == reporter_id,
                col(Case.status).in_(JOINABLE_STATUSES),
            )
            .with_for_update()
        )
    ).first()


async def joinable_case_by_provider_message(
    session: AsyncSession, provider_id: str, reporter_id: int
) -> Case | None:
    return (
        await session.scalars(
            select(Case)
            .join(Message, col(Message.case_id) == col(Case.id))
            .where(
                col(Message.provider_id) == provider_id,
                col(Case.reporter_id) == reporter_id,
                col(Case.status).in_(JOINABLE_STATUSES),
            )
            .with_for_update()
        )
    ).first()


async def case_awaiting_reporter(session: AsyncSession, reporter_id: int) -> Case | None:
    return (
        await session.scalars(
            select(Case)
            .where(col(Case.reporter_id) == reporter_id, col(Case.status) == AWAITING_CITIZEN)
            .order_by(col(Case.updated_at).desc())
            .limit(1)
            .with_for_update()
        )
    ).first()


async def latest_open_case(session: AsyncSession, reporter_id: int, since: datetime) -> Case | None:
    return (
        await session.scalars(
            select(Case)
            .where(
                col(Case.reporter_id) == reporter_id,
                col(Case.status).in_(OPEN_STATUSES),
                col(Case.received_at) >= since,
            )
            .order_by(col(Case.received_at).desc())
            .limit(1)
            .with_for_update()
        )
    ).first()


async def recently_resolved_case(
    session: AsyncSession, reporter_id: int, since: datetime
) -> Case | None:
    return (
        await session.scalars(
            select(Case)
            .where(
                col(Case.reporter_id) == reporter_id,
                col(Case.status) == RESOLVED,
                col(Case.resolved_at) >= since,
            )
            .order_by(col(Case.resolved_at).desc())
            .limit(1)
            .with_for_update()
        )
    ).first()


async def structure_by_code(session: AsyncSession, code: str) -> Structure:
    return (await session.scalars(select(Structure).where(col(Structure.code) == code))).one()


async def structures_by_codes(session: AsyncSession, codes: set[str]) -> Sequence[Structure]:
    return (await session.scalars(select(Structure).where(col(Structure.code).in_(codes)))).all()


async def complete_receipt(
    session: AsyncSession, receipt_id: int, case_id: int | None, message_id: int | None
) -> None:
    await session.execute(
        update(InboundReceipt)
        .where(col(InboundReceipt.id) == receipt_id)
        .values(case_id=case_id, message_id=message_id)
    )
