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
from hub.db import attach, insert_row, new_row
from hub.deadlines.service import rules as deadline_rules
from hub.deadlines.service import start_clock
from hub.intake import repository as repo
from hub.models import Attachment, Case, Direction, Message, OutboxItem, Reporter, utcnow
from hub.outbox.service import hold_notice, notice_item, notice_queued_entry
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
ACKNOWLEDGEMENT = "acknowledgement"
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
    lexicon = await ctx.lexicons.get(session) if ctx.lexicons else None
    proposed = triage(petition.text, lexicon) if petition.text.strip() else None
    if petition.language is None and proposed is not None:
        petition = dataclasses.replace(petition, language=proposed.language)
    # The citizen is looked up with the claim (one statement on PostgreSQL).
    fresh = _fresh_reporter(petition, ctx.vault)
    looked_up = fresh if fresh is not None and _has_contact(fresh) else None
    claim = await repo.claim_for_case(
        session, petition.channel.value, petition.external_id, fingerprint, looked_up
    )
    if claim is None:
        return await _replay(session, petition, ctx, fingerprint, reissue_pin_on_replay)
    found = (claim.reporter, claim.new_reporter) if claim.reporter is not None else None
    reporter, new_reporter = await _settle_reporter(session, fresh, found)
    joinable = not force_new and not new_reporter  # a first message has nothing to join
    case = (
        await _case_to_join(session, petition, reporter, ctx.reference_prefix) if joinable else None
    )
    pin: str | None = None  # only a new case has one to give
    if case is None:
        # The receipt already names the reserved case and message: nothing more to write.
        case, message, pin = await _open_case(session, petition, reporter, ctx, proposed, claim)
    else:
        message = await _join_case(session, case, petition, ctx, claim.message_id)
        await repo.complete_receipt(session, claim.receipt_id, case.id, message.id)
    return IntakeResult(
        case=case, message=message, created=pin is not None, replayed=False, pin=pin
    )


async def _join_case(
    session: AsyncSession, case: Case, petition: Petition, ctx: IntakeContext, message_id: int
) -> Message:
    """A reply to a case held locked: its message, events and status follow the ORM way."""
    message = _inbound_message(case, petition, ctx, message_id)
    await insert_row(session, message)
    attach(session, message)
    attached = await _store_attachments(session, case, message, petition, ctx)
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
    case, message, first_fingerprint = await repo.replayed(
        session, petition.channel.value, petition.external_id
    )
    if fingerprint is not None and first_fingerprint not in (None, fingerprint):
        raise IdempotencyConflict(
            "this Idempotency-Key was already used for a different request; "
            "use a new key for a new case"
        )
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
    fresh = _fresh_reporter(petition, vault)
    found = None
    if fresh is not None and _has_contact(fresh):
        found = await repo.find_or_add_reporter(session, fresh)
    return (await _settle_reporter(session, fresh, found))[0]


def _fresh_reporter(petition: Petition, vault: Vault) -> Reporter | None:
    """The citizen behind a message as a new row, contacts encrypted and hashed; None
    when the message gives neither a contact nor a name."""
    phone = normalise_phone(
        petition.phone or (petition.sender if petition.channel == Channel.sms else None)
    )
    email = normalise_email(
        petition.email or (petition.sender if petition.channel == Channel.email else None)
    )
    telegram = petition.sender if petition.channel == Channel.telegram else None
    if not (phone or email or telegram or petition.name):
        return None
    return new_row(
        Reporter,
        language=petition.language,
        phone_enc=vault.encrypt(phone),
        phone_hash=vault.lookup_hash("phone", phone),
        email_enc=vault.encrypt(email),
        email_hash=vault.lookup_hash("email", email),
        telegram_enc=vault.encrypt(telegram),
        telegram_hash=vault.lookup_hash("telegram", telegram),
        name_enc=vault.encrypt(petition.name) if not petition.anonymous else None,
    )


def _has_contact(reporter: Reporter) -> bool:
    return bool(reporter.phone_hash or reporter.email_hash or reporter.telegram_hash)


async def _settle_reporter(
    session: AsyncSession, fresh: Reporter | None, found: tuple[Reporter, bool] | None
) -> tuple[Reporter | None, bool]:
    """The citizen behind a message and whether new, from `fresh` and what its contacts
    found (None: not looked up, as for a name without a contact)."""
    if fresh is None:
        return None, False
    if found is None:
        await insert_row(session, fresh)  # a name only: nobody to look up
        attach(session, fresh)
        return fresh, True
    reporter, new = found
    if not new:
        _add_contacts(session, reporter, fresh)
    return reporter, new


def _add_contacts(session: AsyncSession, reporter: Reporter, fresh: Reporter) -> None:
    """A known citizen writing from a contact not yet on file, or giving a name."""
    if fresh.phone_hash and not reporter.phone_hash:
        reporter.phone_enc, reporter.phone_hash = fresh.phone_enc, fresh.phone_hash
    if fresh.email_hash and not reporter.email_hash:
        reporter.email_enc, reporter.email_hash = fresh.email_enc, fresh.email_hash
    if fresh.telegram_hash and not reporter.telegram_hash:
        reporter.telegram_enc, reporter.telegram_hash = fresh.telegram_enc, fresh.telegram_hash
    if fresh.name_enc:
        reporter.name_enc = fresh.name_enc
    session.add(reporter)  # what changed is written with the rest


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
    claim: repo.Claim,
) -> tuple[Case, Message, str]:
    """A new case, its message, acknowledgement and events, written without the unit of work.

    Nobody sees the case before commit and its id is reserved, so its event chain is
    computed before anything is written and the case row goes in with its chain head.
    """
    case, routed = await _new_case(session, petition, reporter, ctx, proposed, claim.case_id)
    ack_to = ack_channel(petition, reporter)
    entries: list[Entry] = [
        ("received", ctx.actor, {"channel": case.channel, "kind": case.kind}),
        ("routed", "system", routed),
    ]
    if ack_to is not None:
        entries.append(notice_queued_entry(ACKNOWLEDGEMENT, ack_to))
    entries += await _duplicates_hint(session, case)
    events = chain_rows(case, entries)
    message = _inbound_message(case, petition, ctx, claim.message_id)
    pin = new_pin()

    def acknowledgement() -> OutboxItem | None:
        if ack_to is None or reporter is None:
            return None
        return _acknowledgement(case, message, petition, reporter, ack_to, pin, ctx.vault)

    ack = await _write_under_fresh_reference(
        session, case, message, events, pin, ctx, acknowledgement
    )
    if ack is not None:
        hold_notice(session, ack)
    # Attachment events need the attachments' ids, known only now: chained last.
    late = chain_rows(case, await _store_attachments(session, case, message, petition, ctx))
    if late:
        await repo.write_events(session, late)
        await repo.write_chain_head(session, case)
    attach(session, case, message)  # now equal to their rows: later changes go through the ORM
    return case, message, pin


async def _new_case(
    session: AsyncSession,
    petition: Petition,
    reporter: Reporter | None,
    ctx: IntakeContext,
    proposed: TriageResult | None,
    case_id: int,
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
    case = new_row(
        Case,
        id=case_id,
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


async def _write_under_fresh_reference(
    session: AsyncSession,
    case: Case,
    message: Message,
    events: list[dict[str, Any]],
    pin: str,
    ctx: IntakeContext,
    acknowledgement: Callable[[], OutboxItem | None],
) -> OutboxItem | None:
    """Write the new case and its rows under a fresh reference; a taken one is redrawn.

    The acknowledgement names the reference, so it is made again for each draw.
    """
    for _ in range(8):
        case.reference = ctx.draw_reference(ctx.reference_prefix)
        case.pin_hash = ctx.vault.pin_hash(case.reference, pin)  # the hash binds the reference
        ack = acknowledgement()
        if await repo.write_new_case(session, case, message, ack, events):
            return ack
    raise RuntimeError("could not draw a free case reference in 8 tries")


def _inbound_message(
    case: Case, petition: Petition, ctx: IntakeContext, message_id: int
) -> Message:
    """The citizen's message, under the id its receipt reserved (not written yet)."""
    return new_row(
        Message,
        id=message_id,
        case_id=case.id,
        direction=Direction.inbound.value,
        channel=petition.channel.value,
        body=petition.text,
        language=petition.language,
        author_id=ctx.created_by_id,
        for_citizen=True,
        provider_id=_provider_id(petition),
        created_at=petition.received_at,
    )


async def _store_attachments(
    session: AsyncSession, case: Case, message: Message, petition: Petition, ctx: IntakeContext
) -> list[Entry]:
    """The message's files, on disk and in the table; the `attachment_added` events to chain."""
    events: list[Entry] = []
    for item in petition.attachments:
        stored = files.store(ctx.attachments_dir, item.data, item.content_type)
        row = new_row(
            Attachment,
            case_id=case.id,
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
    return events


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
    reporter: Reporter,
    channel: str,
    pin: str,
    vault: Vault,
) -> OutboxItem:
    """The outbox item that gives the citizen the reference and PIN on `ack_channel`."""
    assert reporter.id is not None
    same_channel = petition.channel.value == channel
    return notice_item(
        case=case,
        channel=channel,
        notice=ACKNOWLEDGEMENT,
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
