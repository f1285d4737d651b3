"""Likely duplicates: open cases of the same category and place with similar text."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta

from rapidfuzz import fuzz, process
from sqlalchemy import Select, bindparam, select
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
    located = bool(case.municipality)
    query = _candidates(located) if user is None else _candidates(located).where(visible_to(user))
    values = {
        "case_id": case.id,
        "category": case.category,
        "sealed": case.sealed,
        "since": case.received_at - WINDOW,
        "municipality": case.municipality,
    }
    # Plain rows on the session's connection: no ORM loading for three columns.
    # (No autoflush either: the query reads other cases, which callers do not edit.)
    rows = (await (await session.connection()).execute(query, values)).all()
    # One call scores every candidate (the case's summary is prepared once, not per row).
    found = process.extract(
        case.summary,
        [row.summary for row in rows],
        scorer=fuzz.token_set_ratio,
        score_cutoff=SIMILAR,
        limit=None,
    )
    best = sorted(found, key=lambda match: (-match[1], match[2]))[:10]  # ties: newest first
    return [
        Similar(rows[i].reference, rows[i].status, rows[i].summary, float(score))
        for _, score, i in best
    ]


@functools.cache
def _candidates(located: bool) -> Select[str, str, str]:
    """Recent open cases like a given one; built once (intake asks on every new case)."""
    query = (
        select(col(Case.reference), col(Case.status), col(Case.summary))
        .where(
            col(Case.id) != bindparam("case_id"),
            col(Case.category) == bindparam("category"),
            col(Case.sealed) == bindparam("sealed"),
            col(Case.status).in_(OPEN_STATUSES),
            col(Case.received_at) >= bindparam("since"),
        )
        .order_by(col(Case.received_at).desc())
        .limit(CANDIDATES)
    )
    if located:
        query = query.where(col(Case.municipality) == bindparam("municipality"))
    return query
