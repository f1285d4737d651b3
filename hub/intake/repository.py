"""SQL of intake: receipts, reporters, the case a message joins."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.db import insert_values
from hub.models import Case, CaseEvent, InboundReceipt, Message, Reporter, Structure, utcnow
from workflows.lifecycle import AWAITING_CITIZEN, JOINABLE_STATUSES, OPEN_STATUSES, RESOLVED

# Intake's own writes are Core statements on the tables, built once: no unit of work.
RECEIPTS: Table = InboundReceipt.__table__  # type: ignore[attr-defined]
CASES: Table = Case.__table__  # type: ignore[attr-defined]
EVENTS: Table = CaseEvent.__table__  # type: ignore[attr-defined]
_COMPLETE_RECEIPT = (
    update(RECEIPTS)
    .where(RECEIPTS.c.id == bindparam("receipt_id"))
    .values(case_id=bindparam("to_case"), message_id=bindparam("to_message"))
)
_INSERT_EVENTS = insert(EVENTS)
_SET_CHAIN_HEAD = (
    update(CASES)
    .where(CASES.c.id == bindparam("case_id"))
    .values(
        last_event_seq=bindparam("seq"),
        last_event_hash=bindparam("hash"),
        updated_at=bindparam("updated_at", type_=CASES.c.updated_at.type),
    )
)


async def claim_receipt(
    session: AsyncSession, channel: str, external_id: str, fingerprint: str | None
) -> int | None:
    """Insert the receipt for (channel, external id); None when it already exists.

    ON CONFLICT DO NOTHING makes a concurrent duplicate wait for the first
    transaction and then see its row, so exactly one transaction wins.
    """
    values = {
        "channel": channel,
        "external_id": external_id,
        "fingerprint": fingerprint,
        "received_at": utcnow(),
    }
    return await insert_values(session, RECEIPTS, values, unique=("channel", "external_id"))


async def get_receipt(session: AsyncSession, channel: str, external_id: str) -> InboundReceipt:
    return (
        await session.scalars(
            select(InboundReceipt).where(
                col(InboundReceipt.channel) == channel,
                col(InboundReceipt.external_id) == external_id,
            )
        )
    ).one()


# One statement for every mix of contacts: `column = NULL` matches nothing.
_REPORTER_BY_CONTACT = (
    select(Reporter)
    .where(
        or_(
            col(Reporter.phone_hash) == bindparam("phone"),
            col(Reporter.email_hash) == bindparam("email"),
            col(Reporter.telegram_hash) == bindparam("telegram"),
        )
    )
    .order_by(col(Reporter.id))
    .limit(1)
)


async def find_reporter(
    session: AsyncSession, phone_hash: str | None, email_hash: str | None, telegram_hash: str | None
) -> Reporter | None:
    if not (phone_hash or email_hash or telegram_hash):
        return None
    contacts = {"phone": phone_hash, "email": email_hash, "telegram": telegram_hash}
    return (await session.scalars(_REPORTER_BY_CONTACT, contacts)).first()


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


async def structures_by_codes(session: AsyncSession, codes: set[str]) -> Sequence[Structure]:
    return (await session.scalars(select(Structure).where(col(Structure.code).in_(codes)))).all()


async def complete_receipt(
    session: AsyncSession, receipt_id: int, case_id: int | None, message_id: int | None
) -> None:
    connection = await session.connection()
    values = {"receipt_id": receipt_id, "to_case": case_id, "to_message": message_id}
    await connection.execute(_COMPLETE_RECEIPT, values)


async def write_events(session: AsyncSession, case: Case, rows: list[dict[str, Any]]) -> None:
    """A new case's chained events in one INSERT, then its chain head once."""
    connection = await session.connection()
    await connection.execute(_INSERT_EVENTS, rows)
    head = {
        "case_id": case.id,
        "seq": case.last_event_seq,
        "hash": case.last_event_hash,
        "updated_at": case.updated_at,
    }
    await connection.execute(_SET_CHAIN_HEAD, head)
