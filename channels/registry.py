"""The outbound adapters of this deployment, one per channel."""

from __future__ import annotations

from channels.base import ChannelAdapter
from channels.email import EmailAdapter
from channels.sms import SmsAdapter
from channels.telegram import TelegramAdapter
from hub.settings import Settings


def build_adapters(settings: Settings) -> dict[str, ChannelAdapter]:
    adapters: list[ChannelAdapter] = [
        SmsAdapter(settings),
        TelegramAdapter(settings),
        EmailAdapter(settings),
    ]
    return {adapter.name: adapter for adapter in adapters}
