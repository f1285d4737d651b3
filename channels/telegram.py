"""The telegram channel (to be completed by the channel work)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import APIRouter

from channels.base import Outbound, Sent, TemporaryFailure
from hub.settings import Settings

if TYPE_CHECKING:
    from hub.state import HubState

router = APIRouter(tags=["channels"])


class TelegramAdapter:
    name = "telegram"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def configured(self) -> bool:
        return self.settings.channel_status()["telegram"] == "on"

    async def send(self, message: Outbound) -> Sent:
        raise TemporaryFailure("telegram sending is not built yet")


@asynccontextmanager
async def running(state: HubState) -> AsyncIterator[None]:
    """Runs python-telegram-bot's Application (no updater): initialised and started here, stopped on shutdown."""
    yield
