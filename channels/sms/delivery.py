"""Twilio's delivery reports (status callbacks) for the SMS the hub sent.

Twilio may report out of order ("sent" after "delivered"); a report never moves
a message back to an earlier state.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from hub.outbox.repository import message_by_provider_id
from hub.outbox.service import update_delivery_state

log = logging.getLogger("hub.channels.sms")

_PROGRESS = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
    "canceled": 4,
    "partially_delivered": 4,
    "read": 5,
}


def moves_forward(current: str | None, reported: str) -> bool:
    if current is None or current not in _PROGRESS or reported not in _PROGRESS:
        return True
    return _PROGRESS[reported] >= _PROGRESS[current]


async def record_delivery(
    session: AsyncSession, message_sid: str, reported: str, error_code: str = ""
) -> bool:
    """Store Twilio's report on the message it names; False when the hub never sent it."""
    message = await message_by_provider_id(session, message_sid)
    if message is None:
        return False
    if reported in ("failed", "undelivered"):
        log.warning("an SMS was not delivered (Twilio error %s)", error_code[:10] or "unknown")
    if not moves_forward(message.delivery_state, reported):
        return True
    return await update_delivery_state(session, message_sid, reported)
