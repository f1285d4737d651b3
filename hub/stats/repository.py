"""SQL of public statistics: counts and durations grouped in the database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Float, case, cast, false, func, literal_column, select, text, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from hub.models import Case, Structure


def _month(dialect: str) -> Any:
    """The month a case was received in, on El Kef's calendar: what the figures group by."""
    if dialect == "postgresql":
        # Written out as the indexes ix_cases_public_stats and ix_cases_sealed_stats hold it.
        return func.date_trunc(
            literal_column("'month'"),
            func.timezone(literal_column("'Africa/Tunis'"), col(Case.received_at)),
        )
    # SQLite keeps UTC; Tunisia is UTC+1 all year (no summer time since 2009).
    return func.strftime("%Y-%m", col(Case.received_at), "+1 hours")


def _month_code(dialect: str, month: Any) -> Any:
    """The grouped month written as YYYY-MM."""
    return func.to_char(month, "YYYY-MM") if dialect == "postgresql" else month


def _median_hours(dialect: str, later: Any, earlier: Any) -> Any:
    if dialect == "postgresql":
        # The median of the seconds, then hours: float arithmetic, not numeric (3x faster).
        seconds = func.date_part("epoch", later - earlier)
        return func.percentile_cont(0.5).within_group(seconds) / 3600.0
    # SQLite has no median; the embedded demo shows the mean.
    hours = (func.julianday(later) - func.julianday(earlier)) * 24.0
    return cast(func.avg(hours), Float)


async def _plain_execution(session: AsyncSession) -> None:
    """No JIT for these: compiling costs PostgreSQL more than it saves on one scan."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL jit = off"))


async def grouped(session: AsyncSession) -> Sequence[Any]:
    """One row per structure, category, channel and month of the public (unsealed) cases.

    Grouped by the structure's id and joined to its code afterwards, so that on PostgreSQL
    the whole aggregate is one read of ix_cases_public_stats in group order.
    """
    dialect = session.get_bind().dialect.name
    month = _month(dialect)
    on_time = case((col(Case.responded_at) <= col(Case.first_response_due_at), 1), else_=0)
    figures = (
        select(
            col(Case.structure_id).label("structure_id"),
            col(Case.category).label("category"),
            col(Case.channel).label("channel"),
            month.label("month"),
            func.count().label("received"),
            func.count(col(Case.responded_at)).label("answered"),
            func.count(col(Case.resolved_at)).label("resolved"),
            func.sum(case((col(Case.overdue), 1), else_=0)).label("overdue"),
            func.sum(on_time).label("answered_on_time"),
            _median_hours(dialect, col(Case.responded_at), col(Case.received_at)).label(
                "median_hours_to_first_response"
            ),
            _median_hours(dialect, col(Case.resolved_at), col(Case.received_at)).label(
                "median_hours_to_resolution"
            ),
        )
        .where(col(Case.sealed) == false())
        .group_by(col(Case.structure_id), col(Case.category), col(Case.channel), month)
        .subquery()
    )
    query = select(
        col(Structure.code).label("structure"),
        figures.c.category,
        figures.c.channel,
        _month_code(dialect, figures.c.month).label("month"),
        figures.c.received,
        figures.c.answered,
        figures.c.resolved,
        figures.c.overdue,
        figures.c.answered_on_time,
        figures.c.median_hours_to_first_response,
        figures.c.median_hours_to_resolution,
    ).join(Structure, col(Structure.id) == figures.c.structure_id)
    await _plain_execution(session)
    return (await session.execute(query)).all()


async def corruption_totals(session: AsyncSession) -> Sequence[Any]:
    """Corruption reports only as monthly totals: nothing that could point to a reporter."""
    dialect = session.get_bind().dialect.name
    month = _month(dialect)
    totals = (
        select(
            month.label("month"),
            func.count().label("received"),
            func.count(col(Case.resolved_at)).label("resolved"),
        )
        .where(col(Case.sealed) == true())
        .group_by(month)
        .subquery()
    )
    query = select(
        _month_code(dialect, totals.c.month).label("month"), totals.c.received, totals.c.resolved
    )
    await _plain_execution(session)
    return (await session.execute(query)).all()
