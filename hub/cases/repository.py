"""SQL of the cases area, including who may see which case."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    and_,
    false,
    func,
    literal_column,
    or_,
    true,
    union,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from hub.cases.schemas import CaseFilters, QueueFilters
from hub.i18n import TUNIS
from hub.models import Case, CaseEvent, Message, Role, Structure, User
from workflows.lifecycle import OPEN_STATUSES
from workflows.taxonomy import OTHER

# Below this triage confidence a person checks the category (the clerks' triage queue).
LOW_CONFIDENCE = 0.5
PAGE_SIZE = 50


def in_triage_queue() -> ColumnElement[bool]:
    """Open public cases whose category a person should check."""
    unsure = or_(
        col(Case.category) == OTHER,
        col(Case.triage_confidence) < LOW_CONFIDENCE,
    )
    return and_(unsure, col(Case.status).in_(OPEN_STATUSES), col(Case.sealed) == false())


def visible_to(user: User) -> ColumnElement[bool]:
    """The cases a user may read. Corruption reports (sealed) only reach investigators."""
    not_sealed = col(Case.sealed) == false()
    match user.role:
        case Role.administrator | Role.supervisor | Role.monitor:
            return not_sealed
        case Role.investigator:
            return col(Case.sealed) == true()
        case Role.officer:
            if user.structure_id is None:
                return false()
            hidden = col(Case.hidden_from).contains(f"|{user.structure_id}|")
            return and_(col(Case.structure_id) == user.structure_id, not_sealed, ~hidden)
        case Role.clerk:
            return or_(and_(col(Case.created_by_id) == user.id, not_sealed), in_triage_queue())
    return false()


async def list_cases(
    session: AsyncSession, user: User, filters: CaseFilters
) -> Sequence[tuple[Case, str | None]]:
    query = (
        select(Case, col(Structure.code))
        .outerjoin(Structure, col(Structure.id) == col(Case.structure_id))
        .where(visible_to(user))
    )
    if filters.status:
        query = query.where(col(Case.status) == filters.status)
    if filters.category:
        query = query.where(col(Case.category) == filters.category)
    if filters.channel:
        query = query.where(col(Case.channel) == filters.channel)
    if filters.structure:
        query = query.where(col(Structure.code) == filters.structure)
    query = query.order_by(col(Case.received_at).desc(), col(Case.id).desc())
    rows = await session.execute(query.limit(filters.limit).offset(filters.offset))
    return [(case, code) for case, code in rows.all()]


def queue_of(user: User) -> ColumnElement[bool]:
    """The work a role starts from; filters narrow it further."""
    match user.role:
        case Role.supervisor:
            return or_(col(Case.overdue) == true(), col(Case.escalation_level) > 0)
        case Role.clerk:
            return in_triage_queue()
    return true()


@dataclass(frozen=True)
class QueuePage:
    rows: Sequence[tuple[Case, str | None]]
    has_more: bool


async def queue(
    session: AsyncSession, user: User, filters: QueueFilters, page_size: int = PAGE_SIZE
) -> QueuePage:
    """One page of the user's queue: visible, in their role's queue, filtered and sorted."""
    query = (
        select(Case, col(Structure.code))
        .outerjoin(Structure, col(Structure.id) == col(Case.structure_id))
        .where(visible_to(user), queue_of(user), *_narrowed(session, user, filters))
        .order_by(*_ORDER[filters.sort])
        .limit(page_size + 1)
        .offset((filters.page - 1) * page_size)
    )
    rows = [(case, code) for case, code in (await session.execute(query)).all()]
    return QueuePage(rows[:page_size], len(rows) > page_size)


def _narrowed(session: AsyncSession, user: User, f: QueueFilters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.status == "open":
        where.append(col(Case.status).in_(OPEN_STATUSES))
    elif f.status == "closed":
        where.append(col(Case.status).not_in(OPEN_STATUSES))
    elif f.status != "all":
        where.append(col(Case.status) == f.status)
    for column, value in (
        (Case.category, f.category),
        (Case.channel, f.channel),
        (Case.language, f.language),
        (Structure.code, f.structure),
    ):
        if value is not None:
            where.append(col(column) == value)
    if f.overdue is not None:
        where.append(col(Case.overdue) == (true() if f.overdue else false()))
    if f.received_from:
        where.append(col(Case.received_at) >= _day_start(f.received_from))
    if f.received_to:
        where.append(col(Case.received_at) < _day_start(f.received_to + timedelta(days=1)))
    if f.q:
        where.append(_matches(session, user, f.q))
    return where


def _matches(session: AsyncSession, user: User, words: str) -> ColumnElement[bool]:
    """A reference, or words of the case's thread (monitors see no text: reference only).

    One set of case ids (the threads that say the words, and the case with that reference)
    lets PostgreSQL start from the text index (ix_messages_body_fts, the same expression)
    instead of testing every case the user may see.
    """
    by_reference = col(Case.reference) == words.upper()
    if user.role == Role.monitor:
        return by_reference
    if session.get_bind().dialect.name == "postgresql":
        simple: ColumnElement[str] = literal_column("'simple'")  # as the index holds it
        said = func.to_tsvector(simple, col(Message.body)).op("@@")(
            func.plainto_tsquery(simple, words)
        )
    else:
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        said = col(Message.body).like(pattern, escape="\\")
    named = aliased(Case)
    found: CompoundSelect[tuple[int]] = union(
        select(col(Message.case_id)).where(said),
        select(col(named.id)).where(col(named.reference) == words.upper()),
    )
    return col(Case.id).in_(found)


def _day_start(day: date) -> datetime:
    """Dates in filters are El Kef's calendar days."""
    return datetime.combine(day, time.min, tzinfo=TUNIS).astimezone(UTC)


_ORDER: dict[str, tuple[ColumnElement[Any], ...]] = {
    "deadline": (col(Case.due_at).asc().nulls_last(), col(Case.id).asc()),
    "newest": (col(Case.received_at).desc(), col(Case.id).desc()),
    "oldest": (col(Case.received_at).asc(), col(Case.id).asc()),
    "supporters": (col(Case.supporters_count).desc(), col(Case.id).desc()),
}


async def duplicate_hints(
    session: AsyncSession, user: User, case_ids: Sequence[int]
) -> dict[int, list[str]]:
    """Likely duplicates named at intake, limited to the cases this user may see."""
    if not case_ids:
        return {}
    events = await session.execute(
        select(col(CaseEvent.case_id), col(CaseEvent.data)).where(
            col(CaseEvent.case_id).in_(case_ids), col(CaseEvent.kind) == "likely_duplicates"
        )
    )
    named = {case_id: json.loads(data).get("references", []) for case_id, data in events.all()}
    wanted = {ref for refs in named.values() for ref in refs}
    if not wanted:
        return {}
    seen = set(
        (
            await session.scalars(
                select(col(Case.reference)).where(
                    col(Case.reference).in_(wanted),
                    col(Case.status).in_(OPEN_STATUSES),
                    visible_to(user),
                )
            )
        ).all()
    )
    hints = {case_id: [ref for ref in refs if ref in seen] for case_id, refs in named.items()}
    return {case_id: refs for case_id, refs in hints.items() if refs}


async def get_visible(
    session: AsyncSession, user: User, reference: str
) -> tuple[Case, str | None] | None:
    row = (
        await session.execute(
            select(Case, col(Structure.code))
            .outerjoin(Structure, col(Structure.id) == col(Case.structure_id))
            .where(col(Case.reference) == reference, visible_to(user))
        )
    ).first()
    return (row[0], row[1]) if row else None


async def messages_of(session: AsyncSession, case_id: int) -> Sequence[Message]:
    return (
        await session.scalars(
            select(Message)
            .where(col(Message.case_id) == case_id)
            .order_by(col(Message.created_at), col(Message.id))
        )
    ).all()


async def events_of(session: AsyncSession, case_id: int) -> Sequence[CaseEvent]:
    return (
        await session.scalars(
            select(CaseEvent).where(col(CaseEvent.case_id) == case_id).order_by(col(CaseEvent.seq))
        )
    ).all()


async def structure_code(session: AsyncSession, structure_id: int | None) -> str | None:
    if structure_id is None:
        return None
    return await session.scalar(
        select(col(Structure.code)).where(col(Structure.id) == structure_id)
    )
