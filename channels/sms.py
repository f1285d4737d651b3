"""The sms channel (to be completed by the channel work)."""

from __future__ import annotations

from fastapi import APIRouter

from channels.base import Outbound, Sent, TemporaryFailure
from hub.settings import Settings

router = APIRouter(tags=["channels"])


class SmsAdapter:
    name = "sms"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def configured(self) -> bool:
        return self.settings.channel_status()["sms"] == "on"

    async def send(self, message: Outbound) -> Sent:
        raise TemporaryFailure("sms sending is not built yet")
