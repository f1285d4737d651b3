"""The transactional outbox: queue in the cause's transaction, deliver after commit.

Delivery is at most once: an item is claimed (committed as `sending`) before the
provider is called, so a worker that dies mid-send leaves it `sending`; when its
lease runs out it becomes `uncertain`, shown on the case, and is never resent
blindly. Failures the provider reports are retried with jittered back-off.
"""

from __future__ import annotations

import json
import logging
import random
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from channels.base import Outbound, PermanentFailure, Sent, TemporaryFailure
from hub import notices
from hub.audit import Entry, append_event
from hub.db import new_row
from hub.models import Case, Direction, Message, OutboxItem, Reporter, User, utcnow
from hub.outbox import repository as repo
from hub.privacy import Vault

if TYPE_CHECKING:
    from hub.state import HubState

log = logging.getLogger("hub.outbox")

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 3600
CHANNEL_OFF_DELAY = timedelta(hours=1)


def queue_notice(
    session: AsyncSession,
    *,
    case: Case | None,
    channel: str,
    notice: str,
    reporter_id: int,
    language: str | None,
    dedupe_key: str,
    params: dict[str, Any] | None = None,
    secret_params: dict[str, str | None] | None = None,
    in_reply_to: str | None = None,
    message_id: int | None = None,
) -> OutboxItem:
    """Put a notice for a citizen in the outbox, in the caller's transaction."""
    item = notice_item(
        case=case,
        channel=channel,
        notice=notice,
        reporter_id=reporter_id,
        language=language,
        dedupe_key=dedupe_key,
        params=params,
        secret_params=secret_params,
        in_reply_to=in_reply_to,
        message_id=message_id,
    )
    session.add(item)
    _hold(session, item)
    if case is not None:
        append_event(session, case, *notice_queued(item))
    return item


def notice_item(
    *,
    case: Case | None,
    channel: str,
    notice: str,
    reporter_id: int,
    language: str | None,
    dedupe_key: str,
    params: dict[str, Any] | None = None,
    secret_params: dict[str, str | None] | None = None,
    in_reply_to: str | None = None,
    message_id: int | None = None,
) -> OutboxItem:
    """The outbox row of a notice for a citizen, not yet in the session."""
    payload = {
        "notice": notice,
        "language": language,
        "reporter_id": reporter_id,
        "params": params or {},
        "secret_params": secret_params or {},  # encrypted values, wiped once sent
        "in_reply_to": in_reply_to,
    }
    return new_row(
        OutboxItem,
        case_id=case.id if case else None,
        message_id=message_id,
        channel=channel,
        purpose=notice,
        payload=json.dumps(payload, ensure_ascii=False),
        dedupe_key=dedupe_key[:200],
    )


def hold_notice(session: AsyncSession, item: OutboxItem) -> None:
    """`queue_notice` for an item its caller wrote itself (a new case's acknowledgement).

    The caller also chains its `notice_queued_entry` with the case's other events.
    """
    _hold(session, item)


def notice_queued(item: OutboxItem) -> Entry:
    return notice_queued_entry(item.purpose, item.channel)


def notice_queued_entry(notice: str, channel: str) -> Entry:
    return "notice_queued", "system", {"notice": notice, "channel": channel}


def _hold(session: AsyncSession, item: OutboxItem) -> None:
    # Held here until the caller commits; then `queued_ids` tells the jobs what to send.
    session.info.setdefault("outbox", []).append(item)


def queue_staff_notice(
    session: AsyncSession,
    *,
    user: User,
    notice: str,
    params: dict[str, Any],
    dedupe_key: str,
) -> OutboxItem:
    """Tell a staff member by e-mail (reminders, overdue work, escalations)."""
    payload = {"notice": notice, "language": user.language, "user_id": user.id, "params": params}
    item = OutboxItem(
        channel="email",
        purpose=notice,
        payload=json.dumps(payload, ensure_ascii=False),
        dedupe_key=dedupe_key[:200],
    )
    session.add(item)
    _hold(session, item)
    return item


async def queued_ids(session: AsyncSession) -> list[int]:
    """Ids of the items this transaction queued (call before commit, nudge after)."""
    items: list[OutboxItem] = session.info.pop("outbox", [])
    if any(item.id is None for item in items):  # added the ORM way: ids come with the flush
        await session.flush()
    return [item.id for item in items if item.id is not None]


def backoff(attempts: int) -> timedelta:
    delay = min(BASE_DELAY_SECONDS * 2 ** max(attempts - 1, 0), MAX_DELAY_SECONDS)
    return timedelta(seconds=delay * random.uniform(0.8, 1.2))


def address_of(reporter: Reporter, channel: str, vault: Vault) -> str | None:
    encrypted = {
        "sms": reporter.phone_enc,
        "telegram": reporter.telegram_enc,
        "email": reporter.email_enc,
    }
    return vault.decrypt(encrypted.get(channel))


async def deliver_due(state: HubState, limit: int = 100) -> int:
    """Deliver what is due now; returns how many items were sent."""
    async with state.sessions() as session:
        ids = await repo.due_ids(session, utcnow(), limit)
    sent = 0
    for item_id in ids:
        sent += await deliver(state, item_id) == repo.SENT
    return sent


async def deliver(state: HubState, item_id: int) -> str:
    """Send one item if it is still due; returns its status afterwards."""
    now = utcnow()
    async with state.sessions() as session:
        if not await repo.claim(session, item_id, now, now + LEASE):
            return "skipped"
    async with state.sessions() as session:
        item = await repo.load(session, item_id)
        assert item is not None
        adapter = state.channels.get(item.channel)
        if adapter is None or not adapter.configured:
            return await _postpone(
                session, item, f"the {item.channel} channel is off", CHANNEL_OFF_DELAY
            )
        outbound, problem = await _compose(session, state, item)
        if outbound is None:
            return await _fail(session, item, problem)
    try:
        sent = await adapter.send(outbound)
    except PermanentFailure as exc:
        return await _record_failure(state, item_id, str(exc), permanent=True)
    except TemporaryFailure as exc:
        return await _record_failure(state, item_id, str(exc), permanent=False)
    except Exception as exc:  # an adapter bug must not lose the item: retry, and log it
        log.exception(
            "outbox item %s: unexpected %s from the %s adapter",
            item_id,
            type(exc).__name__,
            item.channel,
        )
        return await _record_failure(
            state, item_id, f"unexpected error: {type(exc).__name__}", permanent=False
        )
    return await _record_sent(state, item_id, outbound, sent)


async def _compose(
    session: AsyncSession, state: HubState, item: OutboxItem
) -> tuple[Outbound | None, str]:
    payload = json.loads(item.payload)
    if payload.get("user_id"):
        return await _compose_for_staff(session, state, item, payload)
    reporter = await repo.reporter(session, payload.get("reporter_id"))
    if reporter is None:
        return None, "no reporter to send to"
    if item.channel == "sms" and reporter.sms_opted_out:
        return None, "the citizen sent STOP: no SMS until START"
    address = address_of(reporter, item.channel, state.vault)
    if not address:
        return None, f"no {item.channel} address for this citizen"
    params = dict(payload.get("params", {}))
    params.setdefault("url", state.settings.public_url)
    for name, encrypted in payload.get("secret_params", {}).items():
        params[name] = state.vault.decrypt(encrypted)
    text = notices.render(payload["notice"], payload.get("language"), params)
    reference = params.get("reference")
    thread = tuple(await repo.conversation_ids(session, item.case_id))
    return (
        Outbound(
            to=address,
            text=text,
            reference=reference,
            subject=f"[{reference}]" if reference else None,
            reply_to=payload.get("in_reply_to") or (thread[-1] if thread else None),
            thread=thread,
            idempotency_key=f"outbox-{item.id}",
            language=payload.get("language"),
        ),
        "",
    )


async def _compose_for_staff(
    session: AsyncSession, state: HubState, item: OutboxItem, payload: dict[str, Any]
) -> tuple[Outbound | None, str]:
    user = await session.get(User, payload["user_id"])
    if user is None or not user.is_active:
        return None, "the staff member no longer exists"
    params = dict(payload.get("params", {}))
    params.setdefault("url", state.settings.public_url)
    text = notices.render(payload["notice"], payload.get("language"), params)
    return Outbound(
        to=user.email,
        text=text,
        subject=text.split("\n", 1)[0][:120],
        idempotency_key=f"outbox-{item.id}",
    ), ""


def _masked_text(item: OutboxItem, outbound: Outbound) -> str:
    """The thread keeps what was sent, minus secrets such as the PIN."""
    payload = json.loads(item.payload)
    params = dict(payload.get("params", {}))
    params.setdefault("url", "")
    for name in payload.get("secret_params", {}):
        params[name] = "••••••"
    try:
        return notices.render(payload["notice"], payload.get("language"), params)
    except (KeyError, IndexError):
        return outbound.text


async def _record_sent(state: HubState, item_id: int, outbound: Outbound, sent: Sent) -> str:
    async with state.sessions() as session:
        item = await repo.load(session, item_id)
        assert item is not None
        case = await repo.case(session, item.case_id)
        shown = _masked_text(item, outbound)  # before the secrets are wiped
        payload = json.loads(item.payload)
        payload["secret_params"] = {}
        item.payload = json.dumps(payload, ensure_ascii=False)
        item.status, item.sent_at, item.provider_id = repo.SENT, utcnow(), sent.provider_id
        item.claimed_until, item.last_error = None, None
        message = await session.get(Message, item.message_id) if item.message_id else None
        if (message is None or message.direction != Direction.outbound.value) and case is not None:
            message = Message(
                case_id=case.id,  # type: ignore[arg-type]
                direction=Direction.outbound.value,
                channel=item.channel,
                body=shown,
                language=payload.get("language"),
                for_citizen=True,
            )
        if message is not None:
            message.delivery_state, message.provider_id = sent.state, sent.provider_id
            session.add(message)
        session.add(item)
        if case is not None:
            append_event(
                session,
                case,
                "notice_sent",
                "system",
                {"notice": item.purpose, "channel": item.channel},
            )
        await session.commit()
    return repo.SENT


async def _record_failure(state: HubState, item_id: int, reason: str, permanent: bool) -> str:
    async with state.sessions() as session:
        item = await repo.load(session, item_id)
        assert item is not None
        if permanent or item.attempts >= MAX_ATTEMPTS:
            return await _fail(session, item, reason)
        return await _postpone(session, item, reason, backoff(item.attempts))


async def _postpone(session: AsyncSession, item: OutboxItem, reason: str, delay: timedelta) -> str:
    item.status, item.claimed_until = repo.PENDING, None
    item.last_error = reason[:500]
    item.next_attempt_at = utcnow() + delay
    session.add(item)
    await session.commit()
    return repo.PENDING


async def _fail(session: AsyncSession, item: OutboxItem, reason: str) -> str:
    item.status, item.claimed_until, item.last_error = repo.FAILED, None, reason[:500]
    session.add(item)
    case = await repo.case(session, item.case_id)
    if case is not None:
        append_event(
            session,
            case,
            "delivery_failed",
            "system",
            {"channel": item.channel, "reason": reason[:200]},
        )
        if item.message_id:
            message = await session.get(Message, item.message_id)
            if message is not None and message.direction == Direction.outbound.value:
                message.delivery_state = "failed"
                session.add(message)
    await session.commit()
    return repo.FAILED


async def sweep_abandoned(state: HubState) -> int:
    """Items whose sender died mid-send: mark uncertain, visible on the case, never resent."""
    async with state.sessions() as session:
        items = await repo.expired_claims(session, utcnow())
        for item in items:
            item.status, item.claimed_until = repo.UNCERTAIN, None
            item.last_error = (
                "the sender stopped mid-send; check with the provider before resending"
            )
            session.add(item)
            case = await repo.case(session, item.case_id)
            if case is not None:
                append_event(
                    session, case, "delivery_uncertain", "system", {"channel": item.channel}
                )
        await session.commit()
        return len(items)


async def update_delivery_state(session: AsyncSession, provider_id: str, state: str) -> bool:
    """A provider's delivery report (e.g. Twilio's status callback)."""
    message = await repo.message_by_provider_id(session, provider_id)
    if message is None:
        return False
    message.delivery_state = state[:20]
    session.add(message)
    await session.commit()
    return True
