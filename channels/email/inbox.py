"""One raw e-mail into the hub, whichever way it came (SMTP listener or IMAP poll).

Every message ends in exactly one place: a case (through intake's `receive`), or
the quarantine table (automatic mail, unreadable mail). Database trouble is
raised to the caller, which must leave the message with its sender (SMTP 451,
IMAP not marked seen) so it comes again; intake and quarantine both dedupe.
"""

from __future__ import annotations

import asyncio
import logging
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy.exc import DataError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from channels.email.parse import (
    AUTOMATIC_REASON,
    AutomaticMessage,
    Limits,
    UnreadableMessage,
    parse_email,
    safe_external_id,
)
from hub.audit import append_event
from hub.intake.conversation import receive
from hub.intake.repository import lock_case
from hub.models import Direction, Quarantine
from hub.outbox.repository import message_by_provider_id
from hub.petition import Channel, Petition

if TYPE_CHECKING:
    from hub.state import HubState

log = logging.getLogger("hub.channels.email")

CHANNEL = Channel.email.value
# A plain message of this size parses in about a millisecond: handing it to a thread
# would cost more than it saves. Beyond, attachments take long enough to matter.
PARSE_INLINE_BYTES = 64 * 1024


class Outcome(StrEnum):
    opened = "opened"
    joined = "joined"
    replayed = "replayed"
    command = "command"
    automatic = "automatic"
    quarantined = "quarantined"


def quiet_protocol_logs() -> None:
    """aiosmtpd logs every envelope address at INFO, aioimaplib message lines: never ours to log."""
    for name in ("mail.log", "aioimaplib", "aioimaplib.aioimaplib"):
        logging.getLogger(name).setLevel(logging.WARNING)


def is_temporary(exc: BaseException) -> bool:
    """Errors that a later delivery of the same message can get past."""
    if isinstance(exc, DataError):
        return False  # the data itself does not fit: retrying cannot help
    # PostgreSQL's class 22 (data exception) can arrive wrapped as a plain DBAPIError.
    if str(getattr(getattr(exc, "orig", None), "sqlstate", "") or "").startswith("22"):
        return False
    return isinstance(exc, SQLAlchemyError | OSError)


async def take_in(state: HubState, raw: bytes, *, envelope_sender: str | None = None) -> str:
    """Parse, then receive or record; returns the outcome once it is committed.

    The outcome is an `Outcome`, or what intake's `receive` reported (opened, joined, …).
    """
    limits = Limits.of(state.settings)
    try:
        parsed = await _parsed(raw, limits, envelope_sender)
    except UnreadableMessage as exc:
        return await _quarantine_unreadable(state, raw, exc.external_id, exc.reason)
    except Exception as exc:  # any parser failure: the raw message is kept, not lost
        reason = f"could not be parsed: {type(exc).__name__}"
        return await _quarantine_unreadable(state, raw, safe_external_id(raw), reason)
    if isinstance(parsed, AutomaticMessage):
        await record_automatic(state, parsed, raw)
        return Outcome.automatic
    try:
        reception = await receive(state, parsed)
    except Exception as exc:
        if is_temporary(exc):
            raise
        reason = f"intake refused it: {type(exc).__name__}"
        return await _quarantine_unreadable(state, raw, parsed.external_id, reason)
    return reception.outcome


async def _parsed(
    raw: bytes, limits: Limits, envelope_sender: str | None
) -> Petition | AutomaticMessage:
    if len(raw) <= PARSE_INLINE_BYTES:
        return parse_email(raw, limits, envelope_sender=envelope_sender)
    # Off the event loop: a large mail takes a while to decode, and the web waits meanwhile.
    return await asyncio.to_thread(parse_email, raw, limits, envelope_sender=envelope_sender)


async def _quarantine_unreadable(
    state: HubState, raw: bytes, external_id: str, reason: str
) -> Outcome:
    # Only the reason's kind is logged: the message may carry a whistleblower's words.
    log.warning("e-mail kept in quarantine: %s", reason.split(":", 1)[0])
    async with state.sessions() as session:
        await quarantine(session, external_id, reason, raw)
        await session.commit()
    return Outcome.quarantined


async def quarantine(session: AsyncSession, external_id: str, reason: str, raw: bytes) -> bool:
    """Keep the raw message once per (channel, external id); False when already kept."""
    query = select(col(Quarantine.id)).where(
        col(Quarantine.channel) == CHANNEL, col(Quarantine.external_id) == external_id
    )
    if (await session.scalars(query.limit(1))).first() is not None:
        return False
    session.add(Quarantine(channel=CHANNEL, external_id=external_id, reason=reason[:500], raw=raw))
    await session.flush()
    return True


async def record_automatic(state: HubState, automatic: AutomaticMessage, raw: bytes) -> None:
    """Keep it and note it on the case it answers; never answer it (no mail loops)."""
    async with state.sessions() as session:
        if await quarantine(session, automatic.external_id, AUTOMATIC_REASON, raw):
            await _note_on_case(session, automatic)
        await session.commit()


async def _note_on_case(session: AsyncSession, automatic: AutomaticMessage) -> None:
    if automatic.answers is None:
        return
    message = await message_by_provider_id(session, automatic.answers)
    if message is None:
        return
    case = await lock_case(session, message.case_id)
    if automatic.failed_delivery and message.direction == Direction.outbound.value:
        # Staff see on the thread that this mail never reached the citizen.
        message.delivery_state = "bounced"
        session.add(message)
    append_event(
        session,
        case,
        "automatic_reply_received",
        "system",
        {"channel": CHANNEL, "kind": automatic.kind, "message_id": message.id},
    )
