"""SQL of the cases area, including who may see which case."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, false, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.cases.schemas import CaseFilters
from hub.models import Case, CaseEvent, Message, Role, Structure, User


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
            return and_(col(Case.created_by_id) == user.id, not_sealed)
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
