"""What a message from a citizen's own channel does: a command, or a complaint.

`receive` is the one entry point of the SMS, Telegram and e-mail adapters: it
accepts the message exactly once, commits, and only then nudges delivery.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.commands import Command, ParsedCommand, parse_command
from hub.intake import repository as repo
from hub.intake.service import (
    REPLY_CHANNELS,
    IntakeContext,
    IntakeResult,
    accept,
    find_or_create_reporter,
)
from hub.models import Case, Reporter, Structure
from hub.outbox.service import queue_notice, queued_ids
from hub.petition import Channel, KindHint, Petition
from hub.petitions import add_supporter
from hub.state import HubState
from workflows.lifecycle import OPEN_STATUSES


@dataclass
class Reception:
    """What happened to one inbound message."""

    outcome: str  # opened, joined, replayed, command
    reference: str | None = None
    pin: str | None = None
    command: str | None = None


async def receive(state: HubState, petition: Petition, *, force_new: bool = False) -> Reception:
    ctx = state.intake_context()
    async with state.sessions() as session:
        parsed = (
            parse_command(petition.text, ctx.reference_prefix)
            if petition.channel in REPLY_CHANNELS and not force_new
            else None
        )
        if parsed is not None and parsed.command in (Command.new, Command.corruption):
            petition, force_new = _petition_for(parsed, petition), True
            parsed = None
        if parsed is None:
            result = await accept(session, petition, ctx, force_new=force_new)
            reception = _reception_of(result)
        else:
            reception = await _command(session, state, ctx, petition, parsed)
        pending = await queued_ids(session)
        await session.commit()
    await state.outbox_ready(pending)
    return reception


def _reception_of(result: IntakeResult) -> Reception:
    outcome = "replayed" if result.replayed else "opened" if result.created else "joined"
    return Reception(outcome, result.case.reference, result.pin)


def _petition_for(parsed: ParsedCommand, petition: Petition) -> Petition:
    """NEW opens a case with the rest of the text; CORRUPTION files an anonymous report."""
    text = parsed.rest or petition.text
    if parsed.command == Command.corruption:
        return dataclasses.replace(
            petition, text=text, kind_hint=KindHint.corruption_report, anonymous=True, name=None
        )
    return dataclasses.replace(petition, text=text)


async def _command(
    session: AsyncSession,
    state: HubState,
    ctx: IntakeContext,
    petition: Petition,
    parsed: ParsedCommand,
) -> Reception:
    claimed = await repo.claim_receipt(session, petition.channel.value, petition.external_id, None)
    if claimed is None:
        return Reception("replayed", parsed.reference, command=parsed.command.value)
    reporter = await find_or_create_reporter(session, petition, ctx.vault)
    if reporter is None or reporter.id is None:
        return Reception("command", parsed.reference, command=parsed.command.value)
    handler = _HANDLERS[parsed.command]
    reference = await handler(session, state, petition, parsed, reporter)
    return Reception("command", reference, command=parsed.command.value)


async def _status(
    session: AsyncSession,
    state: HubState,
    petition: Petition,
    parsed: ParsedCommand,
    reporter: Reporter,
) -> str | None:
    case = await _case_for_status(session, state, parsed, reporter)
    language = petition.language or reporter.language
    key = f"cmd:{petition.channel.value}:{petition.external_id}"
    if case is None:
        _notify(session, None, petition, reporter, "not_found", key, {})
        return None
    structure = await session.get(Structure, case.structure_id) if case.structure_id else None
    params = {
        "reference": case.reference,
        "status": case.status,
        "structure": _structure_name(structure, language),
        "due": case.due_at.date().isoformat() if case.due_at else "—",
    }
    _notify(session, case, petition, reporter, "status", key, params)
    return case.reference


async def _case_for_status(
    session: AsyncSession, state: HubState, parsed: ParsedCommand, reporter: Reporter
) -> Case | None:
    """Own cases answer without PIN; anyone else's only with the PIN (throttled)."""
    if parsed.reference is None:
        query = (
            select(Case)
            .where(col(Case.reporter_id) == reporter.id, col(Case.status).in_(OPEN_STATUSES))
            .order_by(col(Case.received_at).desc())
            .limit(1)
        )
        return (await session.scalars(query)).first()
    case = (
        await session.scalars(select(Case).where(col(Case.reference) == parsed.reference))
    ).first()
    if case is not None and case.reporter_id == reporter.id:
        return case
    if parsed.pin is None:
        return None
    from hub.tracking.service import TrackingLocked, track

    settings = state.settings
    try:
        found = await track(
            session,
            state.vault,
            settings.reference_prefix,
            parsed.reference,
            parsed.pin,
            settings.track_max_failures,
            settings.track_lock_seconds,
        )
    except TrackingLocked:
        return None
    return case if found else None


def _structure_name(structure: Structure | None, language: str | None) -> str:
    if structure is None:
        return "—"
    if language in ("fr", "aeb-latn"):
        return structure.name_fr
    return structure.name_en if language == "en" else structure.name_ar


async def _help(
    session: AsyncSession,
    state: HubState,
    petition: Petition,
    parsed: ParsedCommand,
    reporter: Reporter,
) -> str | None:
    _notify(
        session,
        None,
        petition,
        reporter,
        "help",
        f"cmd:{petition.channel.value}:{petition.external_id}",
        {},
    )
    return None


async def _stop(
    session: AsyncSession,
    state: HubState,
    petition: Petition,
    parsed: ParsedCommand,
    reporter: Reporter,
) -> str | None:
    # Twilio answers STOP itself; the hub just stops writing.
    reporter.sms_opted_out = True
    session.add(reporter)
    return None


async def _start(
    session: AsyncSession,
    state: HubState,
    petition: Petition,
    parsed: ParsedCommand,
    reporter: Reporter,
) -> str | None:
    reporter.sms_opted_out = False
    session.add(reporter)
    _notify(
        session,
        None,
        petition,
        reporter,
        "started",
        f"cmd:{petition.channel.value}:{petition.external_id}",
        {},
    )
    return None


async def _support(
    session: AsyncSession,
    state: HubState,
    petition: Petition,
    parsed: ParsedCommand,
    reporter: Reporter,
) -> str | None:
    key = f"cmd:{petition.channel.value}:{petition.external_id}"
    query = select(Case).where(col(Case.reference) == parsed.reference).with_for_update()
    case = (await session.scalars(query)).first()
    if case is None or case.sealed or case.status not in OPEN_STATUSES:
        _notify(session, None, petition, reporter, "not_found", key, {})
        return None
    await add_supporter(
        session, case, reporter, petition.channel.value, state.settings.petition_flag_threshold
    )
    _notify(
        session,
        case,
        petition,
        reporter,
        "supported",
        key,
        {"reference": case.reference, "count": case.supporters_count},
    )
    return case.reference


def _notify(
    session: AsyncSession,
    case: Case | None,
    petition: Petition,
    reporter: Reporter,
    notice: str,
    key: str,
    params: Mapping[str, object],
) -> None:
    assert reporter.id is not None
    queue_notice(
        session,
        case=case,
        channel=petition.channel.value,
        notice=notice,
        reporter_id=reporter.id,
        language=petition.language or reporter.language,
        dedupe_key=key,
        params=dict(params),
        in_reply_to=petition.provider_message_id or petition.external_id,
    )


_HANDLERS = {
    Command.status: _status,
    Command.help: _help,
    Command.stop: _stop,
    Command.start: _start,
    Command.support: _support,
}


async def set_language(state: HubState, channel: str, sender: str, language: str) -> bool:
    """A citizen chose their language (e.g. Telegram /start); later notices use it."""
    from hub.notices import LANGUAGES

    if language not in (*LANGUAGES, "aeb"):
        return False
    petition = Petition(channel=Channel(channel), external_id="", text="", sender=sender)
    async with state.sessions() as session:
        reporter = await find_or_create_reporter(session, petition, state.vault)
        if reporter is None:
            return False
        reporter.language = language
        session.add(reporter)
        await session.commit()
    return True
