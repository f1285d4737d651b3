"""The e-mail channel (to be completed by the channel work)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from channels.base import Outbound, Sent, TemporaryFailure
from hub.settings import Settings

if TYPE_CHECKING:
    from hub.state import HubState


class EmailAdapter:
    name = "email"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def configured(self) -> bool:
        return self.settings.channel_status()["email_out"] == "on"

    async def send(self, message: Outbound) -> Sent:
        raise TemporaryFailure("e-mail sending is not built yet")


@asynccontextmanager
async def listening(state: HubState) -> AsyncIterator[None]:
    """Runs the inbound SMTP listener (aiosmtpd) and the IMAP poller, when configured."""
    yield
