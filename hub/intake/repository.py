"""SQL of intake: receipts, reporters, the case a message joins or opens.

On PostgreSQL a new case costs three statements: the claim of the message with the
look-up (or insert) of its citizen, the read of likely duplicates, and the case with
its message, acknowledgement and events; the first and the last are inserts inside
a WITH. SQLite has no data-modifying WITH and runs their parts one by one.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CTE,
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Insert,
    Select,
    Table,
    bindparam,
    exists,
    false,
    func,
    insert,
    literal_column,
    or_,
    true,
    union_all,
    update,
)
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import SQLModel, col, select

from hub.db import attach, insert_row, insert_values, loaded
from hub.models import (
    Case,
    CaseEvent,
    InboundReceipt,
    Message,
    OutboxItem,
    Reporter,
    Structure,
    utcnow,
)
from workflows.lifecycle import AWAITING_CITIZEN, JOINABLE_STATUSES, OPEN_STATUSES, RESOLVED

# Intake's own writes are Core statements on the tables, built once: no unit of work.
RECEIPTS: Table = InboundReceipt.__table__  # type: ignore[attr-defined]
CASES: Table = Case.__table__  # type: ignore[attr-defined]
MESSAGES: Table = Message.__table__  # type: ignore[attr-defined]
EVENTS: Table = CaseEvent.__table__  # type: ignore[attr-defined]
OUTBOX: Table = OutboxItem.__table__  # type: ignore[attr-defined]
REPORTERS: Table = Reporter.__table__  # type: ignore[attr-defined]
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


@dataclass(frozen=True)
class Claim:
    """A message claimed for intake, with the ids its case and message will have.

    The receipt already points at them (its foreign keys are checked at commit), so
    a message that opens a case needs no second write to the receipt. `reporter` is
    the citizen looked up with the claim (None when not asked), `new_reporter`
    whether it was written now.
    """

    receipt_id: int
    case_id: int
    message_id: int
    reporter: Reporter | None = None
    new_reporter: bool = False


async def claim_for_case(
    session: AsyncSession,
    channel: str,
    external_id: str,
    fingerprint: str | None,
    reporter: Reporter | None = None,
) -> Claim | None:
    """`claim_receipt`, also reserving the ids of the case and message it may open.

    With `reporter` (a new citizen with contacts), the citizen is also looked up, or
    `reporter` written, as `find_or_add_reporter` does, once the message is claimed:
    on PostgreSQL in the same statement.
    """
    connection = await session.connection()
    values = {
        "channel": channel,
        "external_id": external_id,
        "fingerprint": fingerprint,
        "received_at": utcnow(),
    }
    if reporter is not None and connection.dialect.name == "postgresql":
        return await _claim_with_reporter(session, connection, values, reporter)
    row = (await connection.execute(_claim_statement(connection.dialect.name), values)).first()
    if row is None:
        return None
    if reporter is None:
        return Claim(row.id, row.case_id, row.message_id)
    found, new = await find_or_add_reporter(session, reporter)
    return Claim(row.id, row.case_id, row.message_id, found, new)


async def _claim_with_reporter(
    session: AsyncSession, connection: AsyncConnection, values: dict[str, Any], fresh: Reporter
) -> Claim | None:
    params = values | _contacts_of(fresh) | _prefixed("new", _values(fresh))
    row = (await connection.execute(_CLAIM_WITH_REPORTER, params)).first()
    if row is None:
        return None
    claimed = row._asdict()
    receipt_id, case_id, message_id = (
        claimed.pop(k) for k in ("receipt_id", "case_id", "message_id")
    )
    return Claim(receipt_id, case_id, message_id, *_reporter_of(session, fresh, claimed))


def _claim_with_reporter_statement() -> Select[Any]:
    """WITH claim AS (INSERT INTO inbound_receipts … RETURNING), found AS (SELECT the
    citizen), added AS (INSERT the citizen WHERE claimed AND NOT found) SELECT both."""
    claim = _claim_statement("postgresql").cte("claim")
    reporter = _found_or_added(*_find_or_add_parts(claimed=claim)).subquery("reporter")
    receipt = (
        claim.c.id.label("receipt_id"),
        claim.c.case_id.label("case_id"),
        claim.c.message_id.label("message_id"),
    )
    return sa_select(*receipt, *reporter.columns).select_from(claim.join(reporter, true()))


@functools.cache
def _claim_statement(dialect: str) -> Insert:
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = dialect_insert(RECEIPTS).values(
        channel=bindparam("channel"),
        external_id=bindparam("external_id"),
        fingerprint=bindparam("fingerprint"),
        received_at=bindparam("received_at", type_=RECEIPTS.c.received_at.type),
        case_id=_next_id(dialect, CASES),
        message_id=_next_id(dialect, MESSAGES),
    )
    statement = statement.on_conflict_do_nothing(index_elements=["channel", "external_id"])
    return statement.returning(RECEIPTS.c.id, RECEIPTS.c.case_id, RECEIPTS.c.message_id)


def _next_id(dialect: str, table: Table) -> ColumnElement[int]:
    """An id no other transaction can take: the serial's sequence, or on SQLite (one
    writer at a time, and intake holds the write lock) the next rowid."""
    if dialect == "postgresql":
        # PostgreSQL's name for a serial's sequence, written into the statement (built once).
        return func.nextval(literal_column(f"'{table.name}_id_seq'"))
    return select(func.coalesce(func.max(table.c.id), 0) + 1).scalar_subquery()


async def replayed(
    session: AsyncSession, channel: str, external_id: str
) -> tuple[Case, Message | None, str | None]:
    """What the first delivery of a message made: its case (locked), message, fingerprint."""
    query = (
        select(Case, Message, col(InboundReceipt.fingerprint))
        .join(InboundReceipt, col(InboundReceipt.case_id) == col(Case.id))
        .outerjoin(Message, col(Message.id) == col(InboundReceipt.message_id))
        .where(
            col(InboundReceipt.channel) == channel,
            col(InboundReceipt.external_id) == external_id,
        )
        .with_for_update(of=Case)
    )
    case, message, fingerprint = (await session.execute(query)).one()
    return case, message, fingerprint


# One statement for every mix of contacts: `column = NULL` matches nothing.
_MATCHES_CONTACT = or_(
    REPORTERS.c.phone_hash == bindparam("phone"),
    REPORTERS.c.email_hash == bindparam("email"),
    REPORTERS.c.telegram_hash == bindparam("telegram"),
)
_REPORTER_BY_CONTACT = (
    sa_select(REPORTERS).where(_MATCHES_CONTACT).order_by(REPORTERS.c.id).limit(1)
)


async def find_or_add_reporter(session: AsyncSession, fresh: Reporter) -> tuple[Reporter, bool]:
    """The reporter known by any of `fresh`'s contact hashes, else `fresh`, written now.

    True when `fresh` was written. On PostgreSQL this is one statement (look-up and
    conditional insert in a WITH) instead of two round trips for a new citizen.
    """
    connection = await session.connection()
    contacts = _contacts_of(fresh)
    if connection.dialect.name == "postgresql":
        params = contacts | _prefixed("new", _values(fresh))
        row = (await connection.execute(_FIND_OR_ADD, params)).one()
        return _reporter_of(session, fresh, row._asdict())
    known = (await connection.execute(_REPORTER_BY_CONTACT, contacts)).first()
    if known is not None:
        return loaded(session, Reporter, known._asdict()), False
    await insert_row(session, fresh)
    attach(session, fresh)
    return fresh, True


def _contacts_of(reporter: Reporter) -> dict[str, str | None]:
    return {
        "phone": reporter.phone_hash,
        "email": reporter.email_hash,
        "telegram": reporter.telegram_hash,
    }


def _reporter_of(
    session: AsyncSession, fresh: Reporter, row: dict[str, Any]
) -> tuple[Reporter, bool]:
    """The citizen of a found-or-added row: `fresh` when it was just written."""
    if row.pop("added"):
        fresh.id = row["id"]
        attach(session, fresh)
        return fresh, True
    return loaded(session, Reporter, row), False


def _find_or_add_parts(claimed: CTE | None = None) -> tuple[CTE, CTE]:
    """The look-up of a citizen by contact, and the insert of a new one when not found
    (and, with `claimed`, only when that claim went in)."""
    found = _REPORTER_BY_CONTACT.cte("found")
    columns = [column for column in REPORTERS.columns if column.key != "id"]
    conditions = [~exists(found.select())]
    if claimed is not None:
        conditions.append(exists(claimed.select()))
    fresh = sa_select(*(bindparam(f"new_{c.key}", type_=c.type) for c in columns)).where(
        *conditions
    )
    added = (
        insert(REPORTERS)
        .from_select([c.key for c in columns], fresh)
        .returning(*REPORTERS.columns)
        .cte("added")
    )
    return found, added


def _found_or_added(found: CTE, added: CTE) -> CompoundSelect[Any]:
    """The one citizen row, found or just added, and which (`added`)."""
    return union_all(
        sa_select(*found.columns, false().label("added")),
        sa_select(*added.columns, true().label("added")),
    )


_FIND_OR_ADD = _found_or_added(*_find_or_add_parts())
_CLAIM_WITH_REPORTER = _claim_with_reporter_statement()


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


async def write_new_case(
    session: AsyncSession,
    case: Case,
    message: Message,
    notice: OutboxItem | None,
    events: list[dict[str, Any]],
) -> bool:
    """A new case with its message, acknowledgement and chained events; sets the notice's id.

    False, and nothing written, when the case's reference is taken. On PostgreSQL it
    is one statement (inserts in a WITH, the others conditional on the case's) instead
    of four round trips.
    """
    connection = await session.connection()
    if connection.dialect.name != "postgresql":
        if not await insert_row(session, case, unique=("reference",)):
            return False
        await connection.execute(insert(MESSAGES), _values(message))
        if notice is not None:
            await insert_row(session, notice)
        await connection.execute(_INSERT_EVENTS, events)
        return True
    params = _prefixed("c", _values(case)) | _prefixed("m", _values(message))
    if notice is not None:
        params |= _prefixed("o", _values(notice))
    for n, event in enumerate(events):
        params |= _prefixed(f"e{n}", event)
    statement = _new_case_statement(notice is not None, len(events))
    written = (await connection.execute(statement, params)).first()
    if written is None:
        return False
    if notice is not None:
        notice.id = written.notice_id
    return True


@functools.cache
def _new_case_statement(with_notice: bool, events: int) -> Select[Any]:
    """WITH new_case AS (INSERT … ON CONFLICT (reference) DO NOTHING RETURNING id),
    new_message AS (INSERT … SELECT … FROM new_case), … SELECT the ids written.

    Built once per shape, and compiled once by SQLAlchemy.
    """
    new_case = (
        postgresql.insert(CASES)
        .values(_bound("c", CASES, with_id=True))
        .on_conflict_do_nothing(index_elements=["reference"])
        .returning(CASES.c.id)
        .cte("new_case")
    )

    def after_case(prefix: str, table: Table, with_id: bool) -> tuple[list[str], Select[Any]]:
        # Only when the case went in: a taken reference writes nothing at all.
        bound = _bound(prefix, table, with_id)
        return list(bound), sa_select(*bound.values()).select_from(new_case)

    message = insert(MESSAGES).from_select(*after_case("m", MESSAGES, True)).cte("new_message")
    rows = [after_case(f"e{n}", EVENTS, False) for n in range(events)]
    chained = insert(EVENTS).from_select(rows[0][0], union_all(*(r[1] for r in rows)))
    chained_cte = chained.cte("new_events")
    if not with_notice:
        return sa_select(new_case.c.id.label("case_id")).add_cte(message, chained_cte)
    notice = (
        insert(OUTBOX)
        .from_select(*after_case("o", OUTBOX, False))
        .returning(OUTBOX.c.id)
        .cte("new_notice")
    )
    return (
        sa_select(new_case.c.id.label("case_id"), notice.c.id.label("notice_id"))
        .select_from(new_case.join(notice, true()))
        .add_cte(message, chained_cte)
    )


def _prefixed(prefix: str, values: dict[str, Any]) -> dict[str, Any]:
    return {f"{prefix}_{key}": value for key, value in values.items()}


def _bound(prefix: str, table: Table, with_id: bool) -> dict[str, BindParameter[Any]]:
    return {
        column.key: bindparam(f"{prefix}_{column.key}", type_=column.type)
        for column in table.columns
        if with_id or column.key != "id"
    }


def _values(row: SQLModel) -> dict[str, Any]:
    """A row object's columns; the id only when it has one (reserved)."""
    table: Table = row.__table__  # type: ignore[attr-defined]
    values = {column.key: row.__dict__[column.key] for column in table.columns}
    if values["id"] is None:
        del values["id"]
    return values


async def write_events(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Chained events in one INSERT; the caller writes the case's chain head."""
    connection = await session.connection()
    await connection.execute(_INSERT_EVENTS, rows)


async def write_chain_head(session: AsyncSession, case: Case) -> None:
    connection = await session.connection()
    head = {
        "case_id": case.id,
        "seq": case.last_event_seq,
        "hash": case.last_event_hash,
        "updated_at": case.updated_at,
    }
    await connection.execute(_SET_CHAIN_HEAD, head)
