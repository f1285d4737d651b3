"""POST /channels/telegram: the webhook Telegram calls with each Update.

Answers 200 only once the update is committed, so a database failure (5xx)
makes Telegram deliver it again; updates the hub does not use also get 200, or
Telegram would retry them for ever.
"""

from __future__ import annotations

import hmac
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from channels.telegram.adapter import TelegramAdapter
from channels.telegram.inbound import BadUpdate, BotApiUnavailable, Outcome, handle, read_update
from hub.state import HubState

log = logging.getLogger("hub.channels.telegram")

router = APIRouter(tags=["channels"])

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@router.post(
    "/channels/telegram",
    summary="Telegram webhook (Bot API updates)",
    responses={
        400: {"description": "not a Telegram Update"},
        403: {"description": "missing or wrong secret token"},
        503: {"description": "the channel is off, or the Bot API could not give a file"},
    },
)
async def telegram_webhook(request: Request) -> JSONResponse:
    state: HubState = request.app.state.hub
    adapter = state.channels.get(TelegramAdapter.name)
    if not isinstance(adapter, TelegramAdapter) or not adapter.configured:
        return _refuse(
            503, "the Telegram channel is off: HUB_TELEGRAM_TOKEN and HUB_TELEGRAM_SECRET are unset"
        )
    if not _secret_matches(request.headers.get(SECRET_HEADER), state):
        return _refuse(403, f"missing or wrong {SECRET_HEADER}")
    try:
        update = read_update(await request.body(), adapter.runtime.bot)
        outcome = (
            update if isinstance(update, Outcome) else await handle(state, adapter.runtime, update)
        )
    except BadUpdate as exc:
        return _refuse(400, str(exc))
    except BotApiUnavailable as exc:
        log.warning("update postponed: a file could not be fetched from the Bot API")
        return _refuse(503, str(exc), retry_after=30)
    return JSONResponse(outcome.body())


def _secret_matches(given: str | None, state: HubState) -> bool:
    expected = state.settings.telegram_secret
    secret = expected.get_secret_value() if expected is not None else ""
    if not secret or given is None:  # an empty secret would let anyone in
        return False
    return hmac.compare_digest(given.encode(), secret.encode())


def _refuse(status: int, reason: str, retry_after: int | None = None) -> JSONResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return JSONResponse({"ok": False, "detail": reason}, status_code=status, headers=headers)
