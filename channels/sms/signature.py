"""Only Twilio may call the SMS webhooks: its signature is checked before anything is read.

Twilio signs the URL it called plus every form field with the account's auth
token (HMAC-SHA1, `X-Twilio-Signature`). The URL is rebuilt from
HUB_PUBLIC_URL, never from the Host header: behind a reverse proxy the hub
sees its own address, and a Host header is the caller's to choose.
"""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, HTTPException, Request, status
from starlette.datastructures import ImmutableMultiDict
from twilio.request_validator import RequestValidator

from hub.settings import Settings
from hub.state import HubState

SIGNATURE_HEADER = "x-twilio-signature"
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FIELDS = 200  # an MMS with ten files has about sixty

TwilioForm = ImmutableMultiDict[str, str]


def channel_off_reason(settings: Settings) -> str | None:
    if settings.channel_status()["sms"] == "on":
        return None
    return (
        "the SMS channel is off: HUB_TWILIO_ACCOUNT_SID and HUB_TWILIO_AUTH_TOKEN are not "
        "set on this hub, so no Twilio request can be verified"
    )


def signed_url(settings: Settings, request: Request) -> str:
    """The URL Twilio was told to call, as it signed it."""
    query = request.url.query
    return settings.public_url.rstrip("/") + request.url.path + (f"?{query}" if query else "")


async def verified_form(request: Request) -> TwilioForm:
    """The webhook's fields, once the request is proven to come from our Twilio account."""
    settings = hub_state(request).settings
    off = channel_off_reason(settings)
    if off is not None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, off)
    signature = request.headers.get(SIGNATURE_HEADER)
    if not signature:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "missing X-Twilio-Signature: this endpoint accepts only requests signed by Twilio",
        )
    form = await _form(request)
    token = settings.twilio_auth_token.get_secret_value() if settings.twilio_auth_token else ""
    if not signed_by(RequestValidator(token), signed_url(settings, request), form, signature):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "the X-Twilio-Signature does not match: the request was not signed with this "
            "hub's Twilio auth token for its public URL (check HUB_PUBLIC_URL)",
        )
    return form


def hub_state(request: Request) -> HubState:
    # Not a FastAPI dependency: a plain `def` one would run in a worker thread per request.
    state: HubState = request.app.state.hub
    return state


def signed_by(validator: RequestValidator, url: str, form: TwilioForm, signature: str) -> bool:
    """Twilio's own check, its usual case first.

    `validate` always signs two variants of the URL, with and without the port, and
    accepts either; the URL as the hub knows it is one of the two, so it is tried
    alone first and `validate` runs only when it does not match.
    """
    exact = validator.compute_signature(url, form)
    return hmac.compare_digest(exact, signature) or validator.validate(url, form, signature)


async def _form(request: Request) -> TwilioForm:
    """Parse the body ourselves: empty fields are signed too, and must be kept."""
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != FORM_TYPE:
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            f"Twilio webhooks are sent as {FORM_TYPE}, not {content_type or 'no content type'}",
        )
    try:
        text = (await request.body()).decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, f"the form body cannot be read: {type(exc).__name__}"
        ) from None
    return ImmutableMultiDict(pairs)


VerifiedForm = Annotated[TwilioForm, Depends(verified_form)]
