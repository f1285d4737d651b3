"""All SQL of the triage area."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.models import Case, TriageCorrection, TriageTerm


async def all_terms(session: AsyncSession) -> Sequence[TriageTerm]:
    result = await session.scalars(
        select(TriageTerm).order_by(col(TriageTerm.category), col(TriageTerm.term))
    )
    return result.all()


async def replace_terms(
    session: AsyncSession, category: str, terms: Sequence[tuple[str, float]]
) -> None:
    """The category's administrator terms become exactly `terms`, in one transaction."""
    await session.execute(delete(TriageTerm).where(col(TriageTerm.category) == category))
    session.add_all(TriageTerm(category=category, term=t, weight=w) for t, w in terms)
    await session.commit()


async def corrections(session: AsyncSession) -> Sequence[tuple[str, str | None, str, str]]:
    """Every correction whose case is not sealed: a corruption report's words are the cell's."""
    rows = await session.execute(
        select(
            col(TriageCorrection.text),
            col(TriageCorrection.language),
            col(TriageCorrection.predicted),
            col(TriageCorrection.corrected),
        )
        .join(Case, col(Case.id) == col(TriageCorrection.case_id))
        .where(col(Case.sealed).is_(False))
        .order_by(col(TriageCorrection.id))
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows.all()]
