"""Recording a complaint at the counter (web form or API) and reading cases."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from hub import attachments as files
from hub.audit import append_event
from hub.cases import repository as repo
from hub.cases.schemas import CaseCreate, CaseCreated, CaseDetail, CaseSummary, EventOut, MessageOut
from hub.intake.service import IntakeResult, accept
from hub.models import Case, Role, User
from hub.outbox.service import queued_ids
from hub.petition import Attachment, Channel, KindHint, Location, Petition
from hub.references import normalise_reference
from hub.state import HubState


def decode_attachments(data: CaseCreate, max_bytes: int) -> list[Attachment]:
    decoded = []
    for item in data.attachments:
        try:
            raw = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise files.AttachmentRejected(
                f"attachment {item.filename!r} is not valid base64", 422
            ) from exc
        decoded.append(Attachment(item.filename, files.sniff(raw, item.filename, max_bytes), raw))
    return decoded


def fingerprint(data: CaseCreate, attachments: list[Attachment]) -> str:
    body = data.model_dump(exclude={"attachments"})
    body["attachments"] = [hashlib.sha256(a.data).hexdigest() for a in attachments]
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


async def record_entry(
    state: HubState,
    session: AsyncSession,
    clerk: User,
    data: CaseCreate,
    attachments: list[Attachment],
    idempotency_key: str | None,
) -> IntakeResult:
    """A walk-in, phone call or letter recorded by staff, exactly once per key."""
    key = idempotency_key or uuid.uuid4().hex
    petition = Petition(
        channel=Channel(data.channel),
        external_id=f"{clerk.id}:{key}"[:255],
        text=data.text,
        name=data.name,
        phone=data.phone,
        email=data.email,
        language=data.language,
        attachments=tuple(attachments),
        location=Location(data.governorate, data.municipality, data.latitude, data.longitude),
        anonymous=data.anonymous,
        kind_hint=KindHint(data.kind) if data.kind else None,
        category_hint=data.category,
    )
    result = await accept(
        session,
        petition,
        state.intake_context(actor=f"user:{clerk.id}", created_by_id=clerk.id),
        fingerprint=fingerprint(data, attachments),
        reissue_pin_on_replay=True,
    )
    await commit(session, state)
    return result


async def visible_case(
    session: AsyncSession, user: User, reference: str, prefix: str
) -> tuple[Case, str | None] | None:
    """The case a reference names, if this user may see it (otherwise it does not exist)."""
    canonical = normalise_reference(reference, prefix)
    return await repo.get_visible(session, user, canonical) if canonical else None


async def locked_case(
    session: AsyncSession, user: User, reference: str, prefix: str
) -> Case | None:
    """The visible case, locked for an action until the transaction ends."""
    found = await visible_case(session, user, reference, prefix)
    if found is None:
        return None
    return await session.get(Case, found[0].id, with_for_update=True, populate_existing=True)


async def commit(session: AsyncSession, state: HubState) -> None:
    """Commit, then wake the outbox for what this transaction queued."""
    pending = await queued_ids(session)
    await session.commit()
    await state.outbox_ready(pending)


async def created_view(session: AsyncSession, result: IntakeResult) -> CaseCreated:
    case = result.case
    return CaseCreated(
        reference=case.reference,
        pin=result.pin,
        status=case.status,
        category=case.category,
        kind=case.kind,
        structure=await repo.structure_code(session, case.structure_id) or "",
        due_at=case.due_at,
        first_response_due_at=case.first_response_due_at,
        received_at=case.received_at,
        replayed=result.replayed,
    )


def reads_text(user: User) -> bool:
    """A monitor sees anonymised cases: what happened and when, never what was said."""
    return user.role != Role.monitor


def summary_view(case: Case, structure: str | None, with_text: bool = True) -> CaseSummary:
    return CaseSummary(
        reference=case.reference,
        status=case.status,
        kind=case.kind,
        category=case.category,
        structure=structure,
        channel=case.channel,
        language=case.language,
        summary=case.summary if with_text else "",
        supporters_count=case.supporters_count,
        received_at=case.received_at,
        due_at=case.due_at,
        anonymous=case.anonymous,
    )


async def detail_view(
    session: AsyncSession, user: User, case: Case, structure: str | None
) -> CaseDetail:
    assert case.id is not None
    if case.sealed:
        # Every read of a corruption report is on the record.
        locked = await session.get(Case, case.id, with_for_update=True)
        assert locked is not None
        append_event(session, locked, "report_read", f"user:{user.id}", {"role": user.role})
        await session.commit()
    messages = await repo.messages_of(session, case.id)
    events = await repo.events_of(session, case.id)
    with_text = reads_text(user)
    return CaseDetail(
        **summary_view(case, structure, with_text).model_dump(),
        governorate=case.governorate,
        municipality=case.municipality,
        first_response_due_at=case.first_response_due_at,
        messages=[
            MessageOut(
                direction=m.direction,
                channel=m.channel,
                body=m.body if with_text else "",
                created_at=m.created_at,
                delivery_state=m.delivery_state,
            )
            for m in messages
        ],
        events=[
            EventOut(seq=e.seq, kind=e.kind, actor=e.actor, created_at=e.created_at) for e in events
        ],
    )
