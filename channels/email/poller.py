"""Inbound route B: polling a mailbox over IMAP (aioimaplib), for hubs without their own relay.

HUB_IMAP_URL is `imaps://user:password@host:993/INBOX` (or `imap://` on a
trusted network: the password then travels in clear). Unseen messages are
fetched by UID without marking them; each is marked \\Seen only after the hub
committed it, so a crash in between fetches it again and intake's idempotency
on the Message-ID keeps it single.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from aioimaplib import IMAP4, IMAP4_SSL

from channels.email.inbox import quarantine, quiet_protocol_logs, take_in
from channels.email.parse import safe_external_id

if TYPE_CHECKING:
    from hub.state import HubState

log = logging.getLogger("hub.channels.email")

POLL_SECONDS = 30.0
IMAP_TIMEOUT_SECONDS = 60.0
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
TOO_BIG_REASON = (
    "larger than HUB_MAX_BODY_BYTES: only the headers are kept here, the mail stays in the mailbox"
)


class ImapError(Exception):
    """The server said NO or BAD: the poll stops and the next one starts over."""


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str
    folder: str
    tls: bool


def mailbox_of(url: str) -> Mailbox:
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps"):
        raise ValueError("HUB_IMAP_URL must start with imap:// or imaps://")
    tls = parts.scheme == "imaps"
    return Mailbox(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or (993 if tls else 143),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        tls=tls,
    )


async def poll_once(state: HubState, mailbox: Mailbox) -> int:
    """Take in every unseen message once; returns how many were marked seen."""
    client = _client(mailbox)
    await client.wait_hello_from_server()
    try:
        _ok(await client.login(mailbox.user, mailbox.password), "LOGIN")
        _ok(await client.select(_quoted(mailbox.folder)), "SELECT")
        taken = 0
        for uid in await _unseen(client):
            await _take_one(state, client, uid)
            taken += 1
        return taken
    finally:
        with contextlib.suppress(Exception):  # the session is over either way
            await client.logout()


def _client(mailbox: Mailbox) -> IMAP4:
    if mailbox.tls:
        return IMAP4_SSL(mailbox.host, mailbox.port, timeout=IMAP_TIMEOUT_SECONDS)
    return IMAP4(mailbox.host, mailbox.port, timeout=IMAP_TIMEOUT_SECONDS)


async def _unseen(client: IMAP4) -> list[str]:
    response = _ok(await client.uid_search("UNSEEN", charset=None), "SEARCH")
    first = response.lines[0] if response.lines else b""
    return [uid.decode() for uid in bytes(first).split() if uid.isdigit()]


async def _take_one(state: HubState, client: IMAP4, uid: str) -> None:
    size = await _size(client, uid)
    if size > state.settings.max_body_bytes:
        headers = await _fetch(client, uid, "BODY.PEEK[HEADER]")
        async with state.sessions() as session:
            await quarantine(session, safe_external_id(headers), TOO_BIG_REASON, headers)
            await session.commit()
    else:
        raw = await _fetch(client, uid, "BODY.PEEK[]")
        await take_in(state, raw)  # raises on database trouble: the mail stays unseen
    _ok(await client.uid("store", uid, "+FLAGS.SILENT", r"(\Seen)"), "STORE")


async def _size(client: IMAP4, uid: str) -> int:
    response = _ok(await client.uid("fetch", uid, "(RFC822.SIZE)"), "FETCH")
    for line in response.lines:
        found = _SIZE.search(bytes(line))
        if found:
            return int(found.group(1))
    return 0


async def _fetch(client: IMAP4, uid: str, section: str) -> bytes:
    response = _ok(await client.uid("fetch", uid, f"({section})"), "FETCH")
    # aioimaplib hands the message literal over as the one bytearray among the lines.
    for line in response.lines:
        if isinstance(line, bytearray):
            return bytes(line)
    raise ImapError(f"FETCH of UID {uid} returned no message")


def _ok(response: Any, command: str) -> Any:
    if response.result != "OK":
        raise ImapError(f"{command} answered {response.result}")
    return response


def _quoted(folder: str) -> str:
    return (
        folder if folder.isalnum() else '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
    )


async def poll_forever(state: HubState, mailbox: Mailbox) -> None:
    while True:
        try:
            await poll_once(state, mailbox)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the server or the database is down: try again next round
            log.warning("e-mail: IMAP poll failed (%s)", type(exc).__name__)
        await asyncio.sleep(POLL_SECONDS)


@asynccontextmanager
async def imap_polling(state: HubState) -> AsyncIterator[asyncio.Task[None]]:
    """Poll settings.imap_url every POLL_SECONDS while the context is open."""
    assert state.settings.imap_url is not None
    quiet_protocol_logs()
    mailbox = mailbox_of(state.settings.imap_url)
    task = asyncio.create_task(poll_forever(state, mailbox), name="hub-email-imap-poller")
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
