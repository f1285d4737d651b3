"""`hub simulate sms`: be a citizen's phone and Twilio at once, against a running hub.

The webhook is a real one, signed with the auth token as Twilio signs it, so
the hub checks it exactly as in production. The SMS the hub sends back land in
a stand-in for Twilio's REST API on this machine (`hub demo` points the hub
there), and are printed. Nothing ever reaches Twilio or a real phone.
"""

from __future__ import annotations

import asyncio
import ipaddress
import mimetypes
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import phonenumbers
from twilio.request_validator import RequestValidator

from channels.sms import segments
from channels.sms.fake_twilio import API_VERSION, FakeTwilio, SentSms
from hub.contacts import InvalidContact, parse_phone
from hub.settings import Settings

WEBHOOK_PATH = "/channels/sms/twilio"

Say = Callable[[str], None]


class SimulationError(Exception):
    """The simulation cannot run; the message says what to do."""


@dataclass(frozen=True)
class SimulatorConfig:
    """The Twilio account the running hub believes in (`hub demo` sets it)."""

    account_sid: str
    auth_token: str
    hub_number: str  # HUB_TWILIO_FROM: the number citizens text
    api_base: str  # HUB_TWILIO_API_BASE: where this simulator stands in for Twilio


@dataclass(frozen=True)
class CitizenSms:
    sender: str
    text: str
    sid: str | None = None
    media: tuple[Path, ...] = ()


async def simulate_sms(
    config: SimulatorConfig, hub_url: str, sms: CitizenSms, wait: float, say: Say
) -> int:
    """Send one SMS to the hub and print what comes back; 0 when the hub accepted it."""
    host, port = _local_address(config.api_base)
    try:
        fake = FakeTwilio(config.account_sid, config.auth_token, host, port)
    except OSError as exc:
        raise SimulationError(
            f"cannot listen on {host}:{port} as Twilio ({exc.strerror}); is another "
            "`hub simulate sms` running?"
        ) from None
    with fake:
        sid = sms.sid or ("MM" if sms.media else "SM") + uuid.uuid4().hex
        params = twilio_params(config, sms, sid, [_serve(fake, path, sid) for path in sms.media])
        webhook = hub_url.rstrip("/") + WEBHOOK_PATH
        say(f"→ SMS {sid} from {sms.sender} to {config.hub_number}: {sms.text!r}")
        response = await post_signed(webhook, params, config.auth_token)
        say(f"← hub answered HTTP {response.status_code}: {response.text.strip()}")
        if response.status_code != 200:
            return 1
        replies = await asyncio.to_thread(fake.wait_for_sms, sms.sender, 1, wait)
        if not replies:
            say(
                f"no SMS came back within {wait:g} s (a repeated MessageSid or a photo that "
                "joins an open case gets none; otherwise, is the hub's outbox running?)"
            )
        for reply in replies:
            await _show_and_report(reply, config, say)
    return 0


def citizen_sms(sender: str, text: str, sid: str | None, media: list[str]) -> CitizenSms:
    return CitizenSms(_e164(sender), text, sid, tuple(Path(name) for name in media))


def simulator_config(settings: Settings, demo: Mapping[str, str]) -> SimulatorConfig:
    """The hub's Twilio settings (environment, .env), else the ones `hub demo` sets."""
    token = settings.twilio_auth_token
    api_given = "twilio_api_base" in settings.model_fields_set
    return SimulatorConfig(
        account_sid=settings.twilio_account_sid or demo["HUB_TWILIO_ACCOUNT_SID"],
        auth_token=token.get_secret_value() if token else demo["HUB_TWILIO_AUTH_TOKEN"],
        hub_number=settings.twilio_from or demo["HUB_TWILIO_FROM"],
        api_base=settings.twilio_api_base if api_given else demo["HUB_TWILIO_API_BASE"],
    )


def twilio_params(
    config: SimulatorConfig, sms: CitizenSms, sid: str, media: list[tuple[str, str]]
) -> dict[str, str]:
    """The form Twilio posts for an incoming message, field for field."""
    params = {
        "ToCountry": _country(config.hub_number),
        "ToState": "",
        "SmsMessageSid": sid,
        "NumMedia": str(len(media)),
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": sms.text,
        "FromCountry": _country(sms.sender),
        "To": config.hub_number,
        "ToZip": "",
        "NumSegments": str(segments.segments(sms.text)),
        "ReferralNumMedia": "0",
        "MessageSid": sid,
        "AccountSid": config.account_sid,
        "From": sms.sender,
        "ApiVersion": API_VERSION,
    }
    for index, (url, content_type) in enumerate(media):
        params[f"MediaContentType{index}"] = content_type
        params[f"MediaUrl{index}"] = url
    return params


async def post_signed(url: str, params: dict[str, str], auth_token: str) -> httpx.Response:
    signature = RequestValidator(auth_token).compute_signature(url, params)
    async with httpx.AsyncClient(timeout=30) as client:
        try:
            return await client.post(url, data=params, headers={"X-Twilio-Signature": signature})
        except httpx.ConnectError:
            raise SimulationError(f"no hub answers at {url}: start one with `hub demo`") from None


async def _show_and_report(reply: SentSms, config: SimulatorConfig, say: Say) -> None:
    """Print the hub's SMS, then report it delivered, as Twilio's status callback would."""
    say(f"← SMS {reply.sid} from {reply.from_} to {reply.to}: {reply.body}")
    if not reply.status_callback:
        return
    report = {
        "SmsSid": reply.sid,
        "SmsStatus": "delivered",
        "MessageStatus": "delivered",
        "To": reply.to,
        "MessageSid": reply.sid,
        "AccountSid": config.account_sid,
        "From": reply.from_,
        "ApiVersion": API_VERSION,
    }
    answer = await post_signed(reply.status_callback, report, config.auth_token)
    say(f"→ delivery report 'delivered' for {reply.sid}: HTTP {answer.status_code}")


def _serve(fake: FakeTwilio, path: Path, message_sid: str) -> tuple[str, str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SimulationError(f"cannot read {path}: {exc.strerror}") from None
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return fake.add_media(data, content_type, message_sid), content_type


def _local_address(api_base: str) -> tuple[str, int]:
    """Where to stand in for Twilio; never unless the hub's Twilio is on this machine."""
    parts = urlsplit(api_base)
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme != "http" or not loopback:
        raise SimulationError(
            f"HUB_TWILIO_API_BASE is {api_base}: the hub would send real SMS through Twilio. "
            "The simulator only runs against a hub whose Twilio API base is on this machine "
            "(as `hub demo` sets it: http://127.0.0.1:8765)"
        )
    return host, parts.port or 80


def _e164(number: str) -> str:
    """Twilio always writes the sender in E.164 (+216…), whatever the citizen's phone shows."""
    try:
        return parse_phone(number)
    except InvalidContact as exc:
        raise SimulationError(f"--from: {exc}") from None


def _country(number: str) -> str:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(number)) or ""
    except phonenumbers.NumberParseException:
        return ""
