"""Citizens follow their case with reference and PIN; guessing is locked out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.models import Case, Message, Structure
from hub.privacy import Vault
from hub.references import normalise_reference
from hub.throttle import Locked, count_failure, key_for, refuse_if_locked

TrackingLocked = Locked  # a reference locked after too many wrong PINs


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
    key = key_for("pin", reference)
    await refuse_if_locked(session, key)
    case = (await session.scalars(select(Case).where(col(Case.reference) == reference))).first()
    if case is None or not vault.pin_matches(reference, pin.strip(), case.pin_hash):
        await count_failure(session, key, max_failures, lock_seconds)
        return None
    return await view(session, case)


async def view(session: AsyncSession, case: Case) -> TrackedCase:
    """What the citizen sees of a case (the caller has checked they may see it)."""
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
