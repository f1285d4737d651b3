"""Likely duplicates: open cases of the same category and place with similar text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from rapidfuzz import fuzz
from sqlalchemy import select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from hub.cases.repository import visible_to
from hub.models import Case, User
from workflows.lifecycle import OPEN_STATUSES

SIMILAR = 70.0
WINDOW = timedelta(days=90)
CANDIDATES = 100


@dataclass(frozen=True)
class Similar:
    reference: str
    status: str
    summary: str
    similarity: float


async def likely_duplicates(session: AsyncSession, user: User | None, case: Case) -> list[Similar]:
    """Similar open cases; with a user, only those that user may see. Reads three columns."""
    query = (
        select(col(Case.reference), col(Case.status), col(Case.summary))
        .where(
            visible_to(user) if user is not None else true(),
            col(Case.id) != case.id,
            col(Case.category) == case.category,
            col(Case.sealed) == case.sealed,
            col(Case.status).in_(OPEN_STATUSES),
            col(Case.received_at) >= case.received_at - WINDOW,
        )
        .order_by(col(Case.received_at).desc())
        .limit(CANDIDATES)
    )
    if case.municipality:
        query = query.where(col(Case.municipality) == case.municipality)
    scored = [
        Similar(reference, status, summary, float(fuzz.token_set_ratio(case.summary, summary)))
        for reference, status, summary in (await session.execute(query)).all()
    ]
    return sorted((s for s in scored if s.similarity >= SIMILAR), key=lambda s: -s.similarity)[:10]
