"""Photos and scans a citizen sends by MMS, downloaded from Twilio with the account's key.

The webhook names each file by URL. The account's credentials go only to the
Twilio API host we are configured for, and files are followed only to Twilio's
own media hosts: a forged or mistaken URL must never make the hub hand its key
to someone else, or fetch from inside our network. A file that cannot be
fetched or is not a photo or PDF is dropped; the citizen's text still counts.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from hub.attachments import ALLOWED_TYPES, AttachmentRejected, sniff
from hub.petition import Attachment
from hub.settings import Settings

log = logging.getLogger("hub.channels.sms")

# Twilio answers a media URL with a redirect to a short-lived file on its CDN.
TWILIO_MEDIA_DOMAINS = ("twiliocdn.com", "twilio.com")
MAX_REDIRECTS = 3
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
FETCH_BUDGET_SECONDS = 12.0  # all files together: Twilio gives a webhook 15 seconds
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class MediaItem:
    url: str
    claimed_type: str  # what Twilio says; the bytes decide


class MediaSkipped(Exception):
    """One file is left out; the reason is safe to log (no address, no content)."""


@dataclass(frozen=True)
class _Origin:
    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> _Origin:
        parts = urlsplit(url)
        default = 443 if parts.scheme == "https" else 80
        return cls(parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or default)


async def fetch_media(items: tuple[MediaItem, ...], settings: Settings) -> tuple[Attachment, ...]:
    """The files of one MMS that passed every check, in the order Twilio listed them."""
    if not items:
        return ()
    wanted = items[: settings.max_attachments]
    if len(items) > len(wanted):
        log.info(
            "sms media: %d files beyond the limit of %d ignored",
            len(items) - len(wanted),
            len(wanted),
        )
    async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False) as client:
        results = await asyncio.gather(
            *(_fetch_one(client, settings, item, n) for n, item in enumerate(wanted, start=1))
        )
    return tuple(found for found in results if found is not None)


async def _fetch_one(
    client: httpx.AsyncClient, settings: Settings, item: MediaItem, number: int
) -> Attachment | None:
    try:
        async with asyncio.timeout(FETCH_BUDGET_SECONDS):
            return await _download(client, settings, item, number)
    except MediaSkipped as skipped:
        log.warning("sms media %d skipped: %s", number, skipped)
    except TimeoutError:
        log.warning("sms media %d skipped: Twilio did not deliver it in time", number)
    except httpx.HTTPError as exc:
        log.warning("sms media %d skipped: %s while downloading", number, type(exc).__name__)
    return None


async def _download(
    client: httpx.AsyncClient, settings: Settings, item: MediaItem, number: int
) -> Attachment:
    claimed = item.claimed_type.split(";", 1)[0].strip().lower()
    if claimed and claimed not in ALLOWED_TYPES:
        raise MediaSkipped(f"Twilio announced {item.claimed_type}, not a photo or PDF")
    api = _Origin.of(settings.twilio_api_base)
    if not _is_account_media(item.url, api, settings.twilio_account_sid or ""):
        raise MediaSkipped(
            f"its URL is on {_Origin.of(item.url).host or 'no host'}, not on the Twilio API "
            f"host {api.host}: not fetched"
        )
    data = await _follow(client, settings, item.url, api)
    filename = f"mms-{number}"
    try:
        content_type = sniff(data, filename, settings.max_attachment_bytes)
    except AttachmentRejected as rejected:
        raise MediaSkipped(str(rejected)) from None
    return Attachment(filename + _extension(content_type), content_type, data)


async def _follow(client: httpx.AsyncClient, settings: Settings, url: str, api: _Origin) -> bytes:
    """GET the file, following Twilio's redirect to its CDN and nowhere else."""
    credentials = (settings.twilio_account_sid or "", _token(settings))
    for _ in range(MAX_REDIRECTS + 1):
        # The key goes to the API host only; a CDN URL carries its own signature.
        auth = credentials if _Origin.of(url) == api else None
        async with client.stream("GET", url, auth=auth) as response:
            if response.is_redirect:
                url = urljoin(url, response.headers.get("location", ""))
                if not _may_follow(url, api):
                    raise MediaSkipped(
                        f"Twilio redirected to {_Origin.of(url).host or 'no host'}, which is "
                        "not a Twilio media host (enable 'Enforce HTTP Auth on Media URLs' "
                        "in the Twilio console so media are served from mms.twiliocdn.com)"
                    )
                continue
            if response.status_code != 200:
                raise MediaSkipped(f"Twilio answered HTTP {response.status_code}")
            return await _read_limited(response, settings.max_attachment_bytes)
    raise MediaSkipped(f"more than {MAX_REDIRECTS} redirects")


async def _read_limited(response: httpx.Response, limit: int) -> bytes:
    """The body, or MediaSkipped as soon as it grows past the limit (never held whole)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise MediaSkipped(f"{declared} bytes; the limit is {limit}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise MediaSkipped(f"more than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _is_account_media(url: str, api: _Origin, account_sid: str) -> bool:
    """Only our own account's files on the configured API host get our credentials."""
    parts = urlsplit(url)
    return (
        _Origin.of(url) == api
        and bool(account_sid)
        and parts.path.startswith(f"/2010-04-01/Accounts/{account_sid}/")
    )


def _may_follow(url: str, api: _Origin) -> bool:
    origin = _Origin.of(url)
    if origin == api:
        return True
    on_twilio = any(
        origin.host == domain or origin.host.endswith("." + domain)
        for domain in TWILIO_MEDIA_DOMAINS
    )
    return origin.scheme == "https" and on_twilio


def _token(settings: Settings) -> str:
    token = settings.twilio_auth_token
    return token.get_secret_value() if token else ""


def _extension(content_type: str) -> str:
    if content_type == "image/jpeg":
        return ".jpg"  # mimetypes may answer .jpe
    return mimetypes.guess_extension(content_type) or ""
