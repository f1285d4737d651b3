"""Intake: take a Petition, accept it exactly once, thread it into a case.

Everything happens in the caller's transaction: the receipt, the case, the
message, its attachments, the events and the acknowledgement in the outbox
commit together or not at all.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub import attachments as files
from hub.audit import Entry, append_event, chain_rows
from hub.cases.duplicates import likely_duplicates
from hub.contacts import normalise_email, normalise_phone
from hub.db import attach, insert_row
from hub.deadlines.service import rules as deadline_rules
from hub.deadlines.service import start_clock
from hub.intake import repository as repo
from hub.models import Attachment, Case, Direction, Message, OutboxItem, Reporter, utcnow
from hub.outbox.service import notice_item, write_notice
from hub.petition import Channel, Petition
from hub.privacy import Vault, new_pin
from hub.references import new_reference, normalise_reference
from hub.routing.service import route_case, structure_by_code, structures_named_in
from hub.triage.service import LexiconCache
from workflows import deadlines, lifecycle
from workflows.routing import Facts
from workflows.taxonomy import CORRUPTION_REPORT, category_for_kind_hint, kind_for_category
from workflows.triage import TriageResult, triage

REPLY_CHANNELS = {Channel.sms, Channel.telegram, Channel.email}
MEDIA_JOIN_WINDOW = timedelta(hours=24)


class IdempotencyConflict(Exception):
    """The same idempotency key was used for a different request."""


@dataclass
class IntakeResult:
    case: Case
    message: Message | None
    created: bool  # a new case was opened
    replayed: bool  # the provider or client sent this message before
    pin: str | None  # only when a case was opened or its PIN reissued on replay


@dataclass(frozen=True)
class IntakeContext:
    vault: Vault
    reference_prefix: str
    attachments_dir: Path
    actor: str = "citizen"
    created_by_id: int | None = None
    draw_reference: Callable[[str], str] = new_reference
    lexicons: LexiconCache | None = None  # triage's lexicon; None: the shipped one


async def accept(
    session: AsyncSession,
    petition: Petition,
    ctx: IntakeContext,
    *,
    fingerprint: str | None = None,
    reissue_pin_on_replay: bool = False,
    force_new: bool = False,
) -> IntakeResult:
    receipt_id = await repo.claim_receipt(
        session, petition.channel.value, petition.external_id, fingerprint
    )
    if receipt_id is None:
        return await _replay(session, petition, ctx, fingerprint, reissue_pin_on_replay)

    lexicon = await ctx.lexicons.get(session) if ctx.lexicons else None
    proposed = triage(petition.text, lexicon) if petition.text.strip() else None
    if petition.language is None and proposed is not None:
        petition = dataclasses.replace(petition, language=proposed.language)
    reporter, new_reporter = await _reporter(session, petition, ctx.vault)
    joinable = not force_new and not new_reporter  # a first message has nothing to join
    case = (
        await _case_to_join(session, petition, reporter, ctx.reference_prefix) if joinable else None
    )
    pin: str | None = None  # only a new case has one to give
    if case is None:
        case, message, pin = await _open_case(session, petition, reporter, ctx, proposed)
    else:
        message = await _join_case(session, case, petition, ctx)
    await repo.complete_receipt(session, receipt_id, case.id, message.id)
    return IntakeResult(
        case=case, message=message, created=pin is not None, replayed=False, pin=pin
    )


async def _join_case(
    session: AsyncSession, case: Case, petition: Petition, ctx: IntakeContext
) -> Message:
    """A reply to a case held locked: its message, events and status follow the ORM way."""
    message, attached = await _add_inbound_message(session, case, petition, ctx)
    for entry in attached:
        append_event(session, case, *entry)
    append_event(session, case, "citizen_replied", ctx.actor, {"message_id": message.id})
    _add_location(session, case, petition, ctx.actor)
    _citizen_answered(session, case, petition, ctx.actor)
    return message


async def _replay(
    session: AsyncSession,
    petition: Petition,
    ctx: IntakeContext,
    fingerprint: str | None,
    reissue_pin: bool,
) -> IntakeResult:
    receipt = await repo.get_receipt(session, petition.channel.value, petition.external_id)
    if fingerprint is not None and receipt.fingerprint not in (None, fingerprint):
        raise IdempotencyConflict(
            "this Idempotency-Key was already used for a different request; "
            "use a new key for a new case"
        )
    assert receipt.case_id is not None
    case = await repo.lock_case(session, receipt.case_id)
    message = await session.get(Message, receipt.message_id) if receipt.message_id else None
    pin = None
    if reissue_pin:
        # The PIN exists only as a hash, so a client that lost the first answer
        # gets a new PIN; the one it never saw stops working.
        pin = new_pin()
        case.pin_hash = ctx.vault.pin_hash(case.reference, pin)
        append_event(session, case, "pin_reissued", ctx.actor, {"reason": "replayed request"})
        await session.flush()
    return IntakeResult(case=case, message=message, created=False, replayed=True, pin=pin)


async def find_or_create_reporter(
    session: AsyncSession, petition: Petition, vault: Vault
) -> Reporter | None:
    return (await _reporter(session, petition, vault))[0]


async def _reporter(
    session: AsyncSession, petition: Petition, vault: Vault
) -> tuple[Reporter | None, bool]:
    """The citizen behind a message (found by keyed hash, or new), and whether new."""
    phone = normalise_phone(
        petition.phone or (petition.sender if petition.channel == Channel.sms else None)
    )
    email = normalise_email(
        petition.email or (petition.sender if petition.channel == Channel.email else None)
    )
    telegram = petition.sender if petition.channel == Channel.telegram else None
    hashes = (
        vault.lookup_hash("phone", phone),
        vault.lookup_hash("email", email),
        vault.lookup_hash("telegram", telegram),
    )
    if not any(hashes) and not petition.name:
        return None, False
    reporter = await repo.find_reporter(session, *hashes) if any(hashes) else None
    new = reporter is None
    if reporter is None:
        reporter = Reporter(language=petition.language)
    if phone and not reporter.phone_hash:
        reporter.phone_enc, reporter.phone_hash = vault.encrypt(phone), hashes[0]
    if email and not reporter.email_hash:
        reporter.email_enc, reporter.email_hash = vault.encrypt(email), hashes[1]
    if telegram and not reporter.telegram_hash:
        reporter.telegram_enc, reporter.telegram_hash = vault.encrypt(telegram), hashes[2]
    if petition.name and not petition.anonymous:
        reporter.name_enc = vault.encrypt(petition.name)
    if new:
        await insert_row(session, reporter)  # its id is needed at once, by the case
        attach(session, reporter)
    else:
        session.add(reporter)  # any contact added is written with the rest
    return reporter, new


async def _case_to_join(
    session: AsyncSession, petition: Petition, reporter: Reporter | None, prefix: str
) -> Case | None:
    """A reply joins its case only when it comes from that case's own reporter."""
    if reporter is None or reporter.id is None or petition.channel not in REPLY_CHANNELS:
        return None
    if petition.reply_to_reference:
        reference = normalise_reference(petition.reply_to_reference, prefix)
        if reference:
            case = await repo.joinable_case_by_reference(session, reference, reporter.id)
            if case:
                return case
    if petition.reply_to_message_id:
        case = await repo.joinable_case_by_provider_message(
            session, petition.reply_to_message_id, reporter.id
        )
        if case:
            return case
    if lifecycle.disputes_resolution(petition.text):
        since = petition.received_at - timedelta(days=deadlines.REOPEN_WINDOW_DAYS)
        case = await repo.recently_resolved_case(session, reporter.id, since)
        if case:
            return case
    if _only_media(petition):
        # A photo or a shared location sent right after a text belongs to that case.
        since = petition.received_at - MEDIA_JOIN_WINDOW
        case = await repo.latest_open_case(session, reporter.id, since)
        if case:
            return case
    return await repo.case_awaiting_reporter(session, reporter.id)


def _add_location(session: AsyncSession, case: Case, petition: Petition, actor: str) -> None:
    where = petition.location
    if where.latitude is None or case.latitude is not None:
        return
    case.latitude, case.longitude = where.latitude, where.longitude
    append_event(session, case, "location_added", actor, {})


def _only_media(petition: Petition) -> bool:
    located = petition.location.latitude is not None
    return not petition.text.strip() and (bool(petition.attachments) or located)


async def _open_case(
    session: AsyncSession,
    petition: Petition,
    reporter: Reporter | None,
    ctx: IntakeContext,
    proposed: TriageResult | None,
) -> tuple[Case, Message, str]:
    """A new case, its message, acknowledgement and events: a few INSERTs, no unit of work.

    The case is not locked by anyone else (nobody sees it before commit), so its whole
    event chain is computed here and written in one INSERT, and its chain head once.
    """
    case, routed = await _new_case(session, petition, reporter, ctx, proposed)
    pin = new_pin()
    await _insert_with_unique_reference(session, case, pin, ctx)
    message, attached = await _add_inbound_message(session, case, petition, ctx)
    entries: list[Entry] = [
        ("received", ctx.actor, {"channel": case.channel, "kind": case.kind}),
        ("routed", "system", routed),
        *attached,
    ]
    ack = _acknowledgement(case, message, petition, reporter, pin, ctx.vault)
    if ack is not None:
        entries.append(await write_notice(session, ack))
    entries += await _duplicates_hint(session, case)
    await repo.write_events(session, case, chain_rows(case, entries))
    attach(session, case)  # now equal to its row: later changes go through the ORM
    return case, message, pin


async def _new_case(
    session: AsyncSession,
    petition: Petition,
    reporter: Reporter | None,
    ctx: IntakeContext,
    proposed: TriageResult | None,
) -> tuple[Case, dict[str, Any]]:
    """The case to open, triaged, routed and on the clock; with its `routed` event data."""
    hint = petition.category_hint or (proposed.category if proposed else None)
    category = category_for_kind_hint(hint, petition.kind_hint)
    kind = kind_for_category(category, petition.kind_hint)
    facts = Facts(
        category,
        kind,
        petition.text,
        petition.location.governorate,
        petition.location.municipality,
        petition.channel.value,
    )
    decision = await route_case(session, facts)
    structure = await structure_by_code(session, decision.structure)
    received = petition.received_at
    case = Case(
        reference="",
        pin_hash="",
        kind=kind,
        category=category,
        language=petition.language,
        status=lifecycle.ROUTED,
        channel=petition.channel.value,
        structure_id=structure.id,
        reporter_id=reporter.id if reporter else None,
        created_by_id=ctx.created_by_id,
        anonymous=petition.anonymous or kind == CORRUPTION_REPORT and reporter is None,
        sealed=kind == CORRUPTION_REPORT,
        governorate=petition.location.governorate,
        municipality=petition.location.municipality,
        latitude=petition.location.latitude,
        longitude=petition.location.longitude,
        summary=" ".join(petition.text.split())[:200],
        received_at=received,
        triage_confidence=proposed.confidence if proposed and not petition.category_hint else None,
    )
    current = await deadline_rules(session)
    start_clock(case, current.policy(category, structure.code), current.calendar, received)
    if case.sealed:
        case.hidden_from = await _hidden_from(session, petition.text)
    routed = {"structure": structure.code, "category": category, "by": decision.reason}
    return case, routed


async def _hidden_from(session: AsyncSession, text: str) -> str:
    """A corruption report stays hidden from every structure it names, wherever it goes."""
    named = await structures_named_in(session, text)
    if not named:
        return ""
    ids = [s.id for s in await repo.structures_by_codes(session, named) if s.id is not None]
    return "|" + "|".join(str(i) for i in sorted(ids)) + "|"


async def _insert_with_unique_reference(
    session: AsyncSession, case: Case, pin: str, ctx: IntakeContext
) -> None:
    """Write the case under a fresh reference; a taken one is skipped (ON CONFLICT) and redrawn."""
    for _ in range(8):
        case.reference = ctx.draw_reference(ctx.reference_prefix)
        case.pin_hash = ctx.vault.pin_hash(case.reference, pin)  # the hash binds the reference
        if await insert_row(session, case, unique=("reference",)):
            return
    raise RuntimeError("could not draw a free case reference in 8 tries")


async def _add_inbound_message(
    session: AsyncSession, case: Case, petition: Petition, ctx: IntakeContext
) -> tuple[Message, list[Entry]]:
    """The citizen's message and its attachments; the `attachment_added` events to chain."""
    message = Message(
        case_id=case.id,  # type: ignore[arg-type]
        direction=Direction.inbound.value,
        channel=petition.channel.value,
        body=petition.text,
        language=petition.language,
        author_id=ctx.created_by_id,
        for_citizen=True,
        provider_id=_provider_id(petition),
        created_at=petition.received_at,
    )
    await insert_row(session, message)
    attach(session, message)
    events: list[Entry] = []
    for item in petition.attachments:
        stored = files.store(ctx.attachments_dir, item.data, item.content_type)
        row = Attachment(
            case_id=case.id,  # type: ignore[arg-type]
            message_id=message.id,
            filename=item.filename[:255],
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
        )
        await insert_row(session, row)
        attach(session, row)
        data = {"attachment_id": row.id, "sha256": stored.sha256, "content_type": row.content_type}
        events.append(("attachment_added", ctx.actor, data))
    return message, events


async def _duplicates_hint(session: AsyncSession, case: Case) -> list[Entry]:
    """Staff see likely duplicates on the case; merging them stays a person's decision."""
    found = await likely_duplicates(session, None, case)
    if not found:
        return []
    return [("likely_duplicates", "system", {"references": [other.reference for other in found]})]


def _provider_id(petition: Petition) -> str | None:
    if petition.channel not in REPLY_CHANNELS:
        return None
    return (petition.provider_message_id or petition.external_id)[:255]


def _citizen_answered(session: AsyncSession, case: Case, petition: Petition, actor: str) -> None:
    """An answer restarts a paused clock; "not solved" soon after a resolution reopens."""
    now = utcnow()
    new_status = lifecycle.after_citizen_reply(
        case.status, petition.text, case.resolved_at, now, deadlines.REOPEN_WINDOW_DAYS
    )
    if new_status is None:
        return
    if case.status == lifecycle.AWAITING_CITIZEN and case.paused_at is not None:
        deadlines.resume(case, now)
    previous, case.status = case.status, new_status
    if new_status == lifecycle.REOPENED:
        case.resolved_at = None
    append_event(session, case, "status_changed", actor, {"from": previous, "to": new_status})


def ack_channel(petition: Petition, reporter: Reporter | None) -> str | None:
    """Where the acknowledgement goes: the citizen's own channel, else a contact given."""
    if reporter is None:
        return None
    if petition.channel in REPLY_CHANNELS:
        return petition.channel.value
    if reporter.phone_hash:
        return Channel.sms.value
    if reporter.email_hash:
        return Channel.email.value
    return None


def _acknowledgement(
    case: Case,
    message: Message,
    petition: Petition,
    reporter: Reporter | None,
    pin: str,
    vault: Vault,
) -> OutboxItem | None:
    """The outbox item that gives the citizen the reference and PIN, if they can be reached."""
    channel = ack_channel(petition, reporter)
    if channel is None or reporter is None or reporter.id is None:
        return None
    same_channel = petition.channel.value == channel
    return notice_item(
        case=case,
        channel=channel,
        notice="acknowledgement",
        reporter_id=reporter.id,
        language=reporter.language or case.language,
        dedupe_key=f"ack:{case.reference}",
        params={"reference": case.reference},
        secret_params={"pin": vault.encrypt(pin)},  # wiped from the outbox once sent
        in_reply_to=(petition.provider_message_id or petition.external_id)
        if same_channel
        else None,
        message_id=message.id,
    )
