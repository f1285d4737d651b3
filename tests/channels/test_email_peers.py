"""Real protocol peers for the e-mail tests: an SMTP relay (aiosmtpd), a hub with its listener.

Shared by the test_email_* modules; it holds no tests of its own.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import aiosmtplib
from aiosmtpd.controller import Controller
from sqlalchemy import delete, func, select

from channels.email import listening
from channels.email.parse import read_message
from hub.app import create_app
from hub.models import Quarantine
from hub.settings import Settings
from hub.state import HubState
from tests.conftest import free_port

FIXTURES = Path(__file__).parent / "fixtures" / "email"
HUB_ADDRESS = "hub@demo.kef.tn"


def fixture(name: str, **values: str) -> bytes:
    """A raw e-mail kept in fixtures/, with {{NAME}} placeholders filled in."""
    raw = (FIXTURES / name).read_bytes()
    for key, value in values.items():
        raw = raw.replace(b"{{" + key.encode() + b"}}", value.encode())
    return raw


async def wait_until(
    check: Callable[[], Awaitable[bool]] | Callable[[], bool], timeout: float = 10.0
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if isinstance(result, Awaitable):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the condition")
        await asyncio.sleep(0.05)


class RelayPeer:
    """An aiosmtpd server standing in for the hub's outbound relay; it keeps what it gets.

    `refuse_rcpt` / `refuse_data` make it answer like a relay that refuses.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.refuse_rcpt: str | None = None
        self.refuse_data: str | None = None
        self.logins: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._mails: list[bytes] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_data:
            return self.refuse_data
        with self._lock:
            self._mails.append(bytes(envelope.original_content or envelope.content))
        return "250 2.0.0 Queued"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth: Any):
        from aiosmtpd.smtp import AuthResult

        self.logins.append((auth.login.decode(), auth.password.decode()))
        return AuthResult(success=True)

    def mails(self) -> list[EmailMessage]:
        with self._lock:
            return [read_message(raw) for raw in self._mails]

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        await wait_until(lambda: len(self.mails()) >= count, timeout)
        return self.mails()


@asynccontextmanager
async def relay_peer(*, with_auth: bool = False) -> AsyncIterator[RelayPeer]:
    peer = RelayPeer()
    options: dict[str, Any] = {}
    if with_auth:
        options = {"authenticator": peer.authenticate, "auth_require_tls": False}
    controller = Controller(
        peer, hostname="127.0.0.1", port=peer.port, server_hostname="relay.test", **options
    )
    await asyncio.to_thread(controller.start)
    try:
        yield peer
    finally:
        await asyncio.to_thread(controller.stop)


def hub_settings(settings: Settings, relay_port: int, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "mail_from": HUB_ADDRESS,
        "smtp_host": "127.0.0.1",
        "smtp_port": relay_port,
        "smtp_tls": False,
        "inbound_smtp_port": free_port(),
        "imap_url": None,
    }
    values.update(overrides)
    return settings.model_copy(update=values)


async def clear_quarantine(state: HubState) -> None:
    """The shared test database keeps quarantine rows between tests: start clean."""
    async with state.sessions() as session:
        await session.execute(delete(Quarantine))
        await session.commit()


@asynccontextmanager
async def running_hub(settings: Settings) -> AsyncIterator[HubState]:
    """The hub's state, built as the app builds it, with its e-mail listeners running."""
    app = create_app(settings)
    state: HubState = app.state.hub
    await clear_quarantine(state)
    try:
        async with listening(state):
            yield state
    finally:
        await state.engine.dispose()


async def smtp_deliver(
    raw: bytes, port: int, sender: str = "citizen@example.tn", to: str = HUB_ADDRESS
) -> tuple[int, str]:
    """One real SMTP transaction to the hub's listener; returns its answer to DATA."""
    try:
        async with aiosmtplib.SMTP(
            hostname="127.0.0.1", port=port, start_tls=False, timeout=15
        ) as smtp:
            await smtp.mail(sender)
            await smtp.rcpt(to)
            response = await smtp.data(raw)
    except aiosmtplib.SMTPResponseException as exc:
        return exc.code, exc.message
    return response.code, response.message


async def count(state: HubState, model: type, *where: Any) -> int:
    async with state.sessions() as session:
        query = select(func.count()).select_from(model)
        if where:
            query = query.where(*where)
        return int(await session.scalar(query) or 0)
