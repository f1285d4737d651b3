"""Citizens follow their case with reference and PIN; guessing is locked out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.models import Case, LookupThrottle, Message, Structure, utcnow
from hub.privacy import Vault
from hub.references import normalise_reference


class TrackingLocked(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many wrong PINs for this reference; try again in {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class TrackedMessage:
    direction: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class TrackedCase:
    reference: str
    status: str
    kind: str
    category: str
    structure_code: str | None
    structure_names: dict[str, str]
    received_at: datetime
    updated_at: datetime
    due_at: datetime | None
    resolved_at: datetime | None
    supporters_count: int
    messages: list[TrackedMessage]


def _throttle_key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


async def track(
    session: AsyncSession,
    vault: Vault,
    prefix: str,
    reference_text: str,
    pin: str,
    max_failures: int,
    lock_seconds: int,
) -> TrackedCase | None:
    """The case if reference and PIN match; None (like an unknown reference) otherwise."""
    reference = normalise_reference(reference_text, prefix) or reference_text.strip().upper()[:40]
    key = _throttle_key(reference)
    now = utcnow()
    throttle = await session.get(LookupThrottle, key)
    if throttle and throttle.locked_until and throttle.locked_until > now:
        raise TrackingLocked(int((throttle.locked_until - now).total_seconds()) + 1)
    case = (await session.scalars(select(Case).where(col(Case.reference) == reference))).first()
    if case is None or not vault.pin_matches(reference, pin.strip(), case.pin_hash):
        await _count_failure(session, key, max_failures, lock_seconds)
        return None
    return await _view(session, case)


async def _count_failure(
    session: AsyncSession, key: str, max_failures: int, lock_seconds: int
) -> None:
    now = utcnow()
    window = timedelta(seconds=lock_seconds)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(LookupThrottle)
        .values(key=key, failures=0, window_started_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    throttle = await session.get(LookupThrottle, key, with_for_update=True, populate_existing=True)
    assert throttle is not None
    if now - throttle.window_started_at > window:
        throttle.failures, throttle.window_started_at = 0, now
    throttle.failures += 1
    if throttle.failures >= max_failures:
        throttle.locked_until = now + window
        throttle.failures, throttle.window_started_at = 0, now
    session.add(throttle)
    await session.commit()


async def _view(session: AsyncSession, case: Case) -> TrackedCase:
    structure = await session.get(Structure, case.structure_id) if case.structure_id else None
    messages = (
        await session.scalars(
            select(Message)
            .where(col(Message.case_id) == case.id, col(Message.for_citizen).is_(True))
            .order_by(col(Message.created_at), col(Message.id))
        )
    ).all()
    return TrackedCase(
        reference=case.reference,
        status=case.status,
        kind=case.kind,
        category=case.category,
        structure_code=structure.code if structure else None,
        structure_names=(
            {"ar": structure.name_ar, "fr": structure.name_fr, "en": structure.name_en}
            if structure
            else {}
        ),
        received_at=case.received_at,
        updated_at=case.updated_at,
        due_at=case.due_at,
        resolved_at=case.resolved_at,
        supporters_count=case.supporters_count,
        messages=[TrackedMessage(m.direction, m.body, m.created_at) for m in messages],
    )
