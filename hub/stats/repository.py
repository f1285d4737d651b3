"""SQL of public statistics: counts and durations grouped in the database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Float, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from hub.models import Case, Structure


def _month(dialect: str) -> Any:
    if dialect == "postgresql":
        return func.to_char(func.timezone("Africa/Tunis", col(Case.received_at)), "YYYY-MM")
    # SQLite keeps UTC; Tunisia is UTC+1 all year (no summer time since 2009).
    return func.strftime("%Y-%m", col(Case.received_at), "+1 hours")


def _hours(dialect: str, later: Any, earlier: Any) -> Any:
    if dialect == "postgresql":
        return func.extract("epoch", later - earlier) / 3600.0
    return (func.julianday(later) - func.julianday(earlier)) * 24.0


def _median(dialect: str, value: Any) -> Any:
    if dialect == "postgresql":
        return func.percentile_cont(0.5).within_group(value)
    return cast(func.avg(value), Float)  # SQLite has no median; the embedded demo shows the mean


async def grouped(session: AsyncSession) -> Sequence[Any]:
    """One row per structure, category, channel and month of the public (unsealed) cases."""
    dialect = session.get_bind().dialect.name
    month = _month(dialect).label("month")
    first = _hours(dialect, col(Case.responded_at), col(Case.received_at))
    resolved = _hours(dialect, col(Case.resolved_at), col(Case.received_at))
    on_time = case((col(Case.responded_at) <= col(Case.first_response_due_at), 1), else_=0)
    query = (
        select(
            col(Structure.code).label("structure"),
            col(Case.category).label("category"),
            col(Case.channel).label("channel"),
            month,
            func.count().label("received"),
            func.count(col(Case.responded_at)).label("answered"),
            func.count(col(Case.resolved_at)).label("resolved"),
            func.sum(case((col(Case.overdue), 1), else_=0)).label("overdue"),
            func.sum(on_time).label("answered_on_time"),
            _median(dialect, first).label("median_hours_to_first_response"),
            _median(dialect, resolved).label("median_hours_to_resolution"),
        )
        .join(Structure, col(Structure.id) == col(Case.structure_id))
        .where(col(Case.sealed).is_(False))
        .group_by(col(Structure.code), col(Case.category), col(Case.channel), month)
    )
    return (await session.execute(query)).all()


async def corruption_totals(session: AsyncSession) -> Sequence[Any]:
    """Corruption reports only as monthly totals: nothing that could point to a reporter."""
    dialect = session.get_bind().dialect.name
    month = _month(dialect).label("month")
    query = (
        select(
            month,
            func.count().label("received"),
            func.count(col(Case.resolved_at)).label("resolved"),
        )
        .where(col(Case.sealed).is_(True))
        .group_by(month)
    )
    return (await session.execute(query)).all()
