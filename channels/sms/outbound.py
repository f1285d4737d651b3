"""Sending a notice to a citizen's phone through Twilio's REST API.

The real twilio client does the talking, pointed at HUB_TWILIO_API_BASE so that
tests, the demo and staging talk to a local stand-in. Twilio's refusals become
PermanentFailure (retrying cannot help the citizen) or TemporaryFailure (the
outbox retries with back-off). Reasons are written for the case history, so
they never quote Twilio's message, which repeats the phone number.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from channels.base import Outbound, PermanentFailure, Sent, TemporaryFailure
from channels.sms import segments
from hub.settings import Settings

STATUS_CALLBACK_PATH = "/channels/sms/twilio/status"
SEND_TIMEOUT_SECONDS = 15.0  # the client's own timeout setting is not applied to async calls

# The twilio client logs every request's headers at INFO: noise in the hub's log.
# Its own logger, outside "hub", so that uvicorn's log config does not reset the level.
_twilio_http_log = logging.getLogger("twilio.async_http_client")
_twilio_http_log.setLevel(logging.WARNING)

# Error codes that say this number will not get this SMS, whatever we retry.
REFUSALS = {
    21211: "the phone number is not valid",
    21214: "the phone number cannot be reached",
    21217: "the phone number is not valid",
    21408: "SMS to this country is not enabled on the Twilio account",
    21610: "the citizen unsubscribed from this number (STOP sent to the operator)",
    21612: "Twilio cannot send from our number to this one",
    21614: "the number cannot receive SMS (not a mobile phone)",
    21617: "the text is longer than Twilio accepts",
    21635: "the number cannot receive SMS (landline)",
}
BUSY_CODES = {20429, 14107, 30001}  # rate limits and Twilio's own queue overflow
CREDENTIAL_CODES = {20003, 20005}


class SmsAdapter:
    name = "sms"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def configured(self) -> bool:
        return self.settings.channel_status()["sms"] == "on"

    async def send(self, message: Outbound) -> Sent:
        sender = self.settings.twilio_from
        if not self.configured or not sender:
            raise TemporaryFailure(
                "the SMS channel is not fully configured (HUB_TWILIO_ACCOUNT_SID, "
                "HUB_TWILIO_AUTH_TOKEN and HUB_TWILIO_FROM)"
            )
        parts = segments.split_for_twilio(message.text)
        sids: list[str] = []
        first_state = "queued"
        # One connection pool per notice: it lives inside this event loop and closes with it.
        async with AsyncTwilioHttpClient(logger=_twilio_http_log) as http:
            client = self._client(http)
            for part in parts:
                sid, state = await self._create(client, message, sender, part, sent_before=sids)
                if not sids:
                    first_state = state
                sids.append(sid)
        return Sent(
            provider_id=sids[0],
            state=first_state,
            parts=len(sids),
            extra={
                "encoding": segments.encoding(message.text),
                "segments": str(sum(segments.segments(part) for part in parts)),
                "message_sids": ",".join(sids),
            },
        )

    def _client(self, http: AsyncTwilioHttpClient) -> Client:
        token = self.settings.twilio_auth_token
        client = Client(
            self.settings.twilio_account_sid,
            token.get_secret_value() if token else None,
            http_client=http,
        )
        # HUB_TWILIO_API_BASE is the one truth; TWILIO_EDGE/TWILIO_REGION would rewrite the host.
        client.edge = client.region = None
        client.api.base_url = self.settings.twilio_api_base.rstrip("/")
        return client

    def _status_callback(self, message: Outbound) -> str:
        return message.status_callback or (
            self.settings.public_url.rstrip("/") + STATUS_CALLBACK_PATH
        )

    async def _create(
        self, client: Client, message: Outbound, sender: str, body: str, sent_before: list[str]
    ) -> tuple[str, str]:
        """The new message's SID and Twilio's first state for it (queued, accepted…)."""
        try:
            async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
                created = await client.messages.create_async(
                    to=message.to,
                    from_=sender,
                    body=body,
                    status_callback=self._status_callback(message),
                )
            return str(created.sid), str(created.status or "queued")[:20]
        except TwilioRestException as exc:
            failure: Exception = refusal(exc)
        except TimeoutError:
            failure = TemporaryFailure(f"Twilio did not answer within {SEND_TIMEOUT_SECONDS:g} s")
        except (aiohttp.ClientError, OSError) as exc:
            failure = TemporaryFailure(f"Twilio could not be reached ({type(exc).__name__})")
        except TwilioException as exc:
            failure = TemporaryFailure(f"the Twilio client failed ({type(exc).__name__})")
        if sent_before:
            # Earlier parts are already on the citizen's phone: a retry would repeat them.
            raise PermanentFailure(
                f"only {len(sent_before)} part(s) of the message went out "
                f"({', '.join(sent_before)}); the next failed: {failure}"
            ) from failure
        raise failure


def refusal(exc: TwilioRestException) -> PermanentFailure | TemporaryFailure:
    """Twilio's answer, as the outbox should treat it."""
    code = int(exc.code) if isinstance(exc.code, int) else None
    label = f"HTTP {exc.status}" + (f", Twilio error {code}" if code else "")
    if exc.status == 429 or exc.status >= 500 or code in BUSY_CODES:
        return TemporaryFailure(f"Twilio is busy or failing ({label}); retrying later")
    if exc.status in (401, 403) and (code is None or code in CREDENTIAL_CODES):
        # Not the citizen's fault: once an administrator fixes the key, the notice goes out.
        return TemporaryFailure(
            f"Twilio refused the account credentials ({label}): check HUB_TWILIO_ACCOUNT_SID "
            "and HUB_TWILIO_AUTH_TOKEN"
        )
    reason = REFUSALS.get(code or 0, "Twilio refused the message")
    return PermanentFailure(f"{reason} ({label})")
