"""Inbound route A: an SMTP listener (aiosmtpd) that the deployment's mail relay delivers to.

The relay (Postfix, Exim, a provider's forwarding) owns the public MX, spam
filtering and TLS, and hands the hub's addresses to this listener on the same
host, e.g. Postfix `transport_maps`: `hub@kef.tn  smtp:[127.0.0.1]:2525`.
So the listener binds 127.0.0.1 only. When the port is already taken (another
worker of `hub serve --workers N`), this process logs it and serves the web only.

The relay is told 250 only once the message is committed, 451 when the database
is unavailable (it keeps the mail and retries), 552 when it is too big.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from aiosmtpd.smtp import SMTP

from channels.email.inbox import is_temporary, quiet_protocol_logs, take_in

if TYPE_CHECKING:
    from hub.state import HubState

log = logging.getLogger("hub.channels.email")

LISTEN_HOST = "127.0.0.1"
ACCEPTED = "250 2.0.0 Message accepted"
RETRY_LATER = "451 4.3.0 The petition hub cannot store mail right now, try again later"
TOO_BIG = "552 5.3.4 Message too big for the petition hub"
CLOSE_SECONDS = 5.0


class InboundHandler:
    """aiosmtpd handler, on the hub's own event loop: the answer waits for the commit."""

    def __init__(self, state: HubState) -> None:
        self.state = state

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = bytes(envelope.original_content or envelope.content or b"")
        if len(raw) > self.state.settings.max_body_bytes:
            return TOO_BIG
        try:
            await take_in(self.state, raw, envelope_sender=envelope.mail_from)
        except Exception as exc:
            # The type only: a database error's text quotes the statement's parameters.
            kind = "temporary" if is_temporary(exc) else "unexpected"
            log.error(
                "e-mail intake failed (%s %s): the relay will retry", kind, type(exc).__name__
            )
            return RETRY_LATER
        return ACCEPTED


@asynccontextmanager
async def smtp_listener(
    state: HubState, host: str = LISTEN_HOST
) -> AsyncIterator[asyncio.AbstractServer | None]:
    """Listen on settings.inbound_smtp_port for as long as the context is open.

    The SMTP sessions run on the hub's event loop, beside the web requests, like
    them waiting only on I/O: no thread to hand each message over to.
    """
    settings = state.settings
    assert settings.inbound_smtp_port is not None
    quiet_protocol_logs()
    handler = InboundHandler(state)
    name = _server_name(settings.mail_from)

    def session() -> SMTP:
        return SMTP(
            handler, hostname=name, data_size_limit=settings.max_body_bytes, enable_SMTPUTF8=True
        )

    server = await _listen(session, host, settings.inbound_smtp_port)
    if server is None:
        yield None
        return
    log.info("e-mail: SMTP listener on %s:%s", host, settings.inbound_smtp_port)
    try:
        yield server
    finally:
        server.close()
        # Newer Pythons wait here for open sessions too, and a relay may keep one idle.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(server.wait_closed(), CLOSE_SECONDS)


async def _listen(
    session: Callable[[], SMTP], host: str, port: int
) -> asyncio.AbstractServer | None:
    try:
        return await asyncio.get_running_loop().create_server(session, host, port)
    except OSError as exc:
        # With `hub serve --workers N` the first worker listens and the others find the
        # port taken; the web side of those workers must run on regardless.
        log.warning(
            "e-mail: port %s is taken (%s): this process does not receive mail by SMTP",
            port,
            type(exc).__name__,
        )
        return None


def _server_name(mail_from: str | None) -> str:
    # Named explicitly: aiosmtpd would otherwise resolve the host's FQDN, which can hang.
    domain = (mail_from or "").rpartition("@")[2].strip(" >")
    return domain or "localhost"
