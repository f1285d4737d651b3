"""Twilio's webhooks: a citizen's SMS or MMS arrives, a sent SMS is reported delivered."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from twilio.twiml.messaging_response import MessagingResponse

from channels.sms.delivery import record_delivery
from channels.sms.inbound import MalformedWebhook, petition_for, read_message, read_status
from channels.sms.media import fetch_media
from channels.sms.signature import VerifiedForm, hub_state
from hub.intake.conversation import receive

router = APIRouter(prefix="/channels/sms", tags=["channels"])

# Replies go through the outbox (retried, recorded on the case), never inline TwiML.
EMPTY_TWIML = str(MessagingResponse())

_SIGNED: dict[int | str, dict[str, Any]] = {
    400: {"description": "a signed request without MessageSid or From"},
    403: {"description": "missing or wrong X-Twilio-Signature; nothing is stored"},
    415: {"description": "not form-encoded"},
    503: {"description": "the SMS channel is off (no Twilio credentials)"},
}


@router.post(
    "/twilio",
    summary="Twilio webhook: an incoming SMS or MMS",
    response_class=Response,
    responses={200: {"content": {"text/xml": {}}}, **_SIGNED},
)
async def incoming_sms(request: Request, form: VerifiedForm) -> Response:
    state = hub_state(request)
    try:
        sms = read_message(form)
    except MalformedWebhook as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from None
    attachments = await fetch_media(sms.media, state.settings)
    await receive(state, petition_for(sms, attachments))
    return Response(EMPTY_TWIML, media_type="text/xml")


@router.post(
    "/twilio/status",
    summary="Twilio status callback: what became of an SMS the hub sent",
    responses=_SIGNED,
)
async def delivery_status(request: Request, form: VerifiedForm) -> dict[str, bool]:
    state = hub_state(request)
    try:
        message_sid, reported = read_status(form)
    except MalformedWebhook as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from None
    async with state.sessions() as session:
        # An unknown SID still gets 200: Twilio would otherwise retry a report we cannot use.
        updated = await record_delivery(session, message_sid, reported, form.get("ErrorCode", ""))
    return {"updated": updated}
