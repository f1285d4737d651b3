"""The e-mail channel.

Inbound, two routes share one parser (`parse.py`) and one way in (`inbox.py`):
an SMTP listener the mail relay delivers to (`listener.py`) and IMAP polling of
a mailbox (`poller.py`). Outbound, `EmailAdapter` sends through the relay
(`outbound.py`).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from channels.email.outbound import EmailAdapter

if TYPE_CHECKING:
    from hub.state import HubState

__all__ = ["EmailAdapter", "listening"]


@asynccontextmanager
async def listening(state: HubState) -> AsyncIterator[None]:
    """Runs the inbound SMTP listener (aiosmtpd) and the IMAP poller, when configured."""
    # Imported here: the adapter registry imports this package while the hub state is built.
    from channels.email.listener import smtp_listener
    from channels.email.poller import imap_polling

    settings = state.settings
    async with contextlib.AsyncExitStack() as stack:
        if settings.inbound_smtp_port:
            await stack.enter_async_context(smtp_listener(state))
        if settings.imap_url:
            await stack.enter_async_context(imap_polling(state))
        yield
