"""Outbound: the hub's notices to a citizen's Telegram chat, and the bot's life cycle."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from telegram import Message, ReplyParameters
from telegram.constants import MessageLimit
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from channels.base import Outbound, PermanentFailure, Sent, TemporaryFailure
from channels.telegram.bot import BotRuntime, explain
from hub.settings import Settings

if TYPE_CHECKING:
    from hub.state import HubState


class TelegramAdapter:
    name = "telegram"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.runtime = BotRuntime(settings)

    @property
    def configured(self) -> bool:
        return self.settings.channel_status()["telegram"] == "on"

    async def send(self, message: Outbound) -> Sent:
        chat_id = _chat_id(message.to)
        await self.runtime.ensure_started()
        reply = _reply_parameters(message.reply_to, chat_id)
        last: Message | None = None
        parts = split_text(message.text)
        for part in parts:
            last = await self._send_one(chat_id, part, reply)
            reply = None  # only the first part quotes the citizen's message
        assert last is not None
        # The citizen's reply to this message names it so; intake threads it into the case.
        return Sent(provider_id=f"{chat_id}:{last.message_id}", parts=len(parts))

    async def _send_one(self, chat_id: int, text: str, reply: ReplyParameters | None) -> Message:
        try:
            return await self.runtime.bot.send_message(
                chat_id=chat_id, text=text, reply_parameters=reply
            )
        except (Forbidden, BadRequest, ChatMigrated) as exc:
            raise PermanentFailure(explain(exc)) from None
        except (RetryAfter, NetworkError, InvalidToken, TelegramError) as exc:
            raise TemporaryFailure(explain(exc)) from None


def _chat_id(to: str) -> int:
    try:
        return int(to)
    except ValueError:
        raise PermanentFailure("the address is not a Telegram chat id") from None


def _reply_parameters(reply_to: str | None, chat_id: int) -> ReplyParameters | None:
    """Quote the citizen's message when it is "chat:message_id" of this same chat."""
    chat, _, message_id = (reply_to or "").partition(":")
    if chat != str(chat_id) or not message_id.isdigit():
        return None
    # A deleted message must not stop the answer.
    return ReplyParameters(message_id=int(message_id), allow_sending_without_reply=True)


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Telegram refuses longer messages; cut at a line or word boundary when there is one."""
    parts: list[str] = []
    rest = text.strip() or "…"
    while len(rest) > limit:
        cut = max(rest.rfind("\n", 0, limit), rest.rfind(" ", 0, limit))
        cut = cut if cut > limit // 2 else limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    parts.append(rest)
    return parts


@asynccontextmanager
async def running(state: HubState) -> AsyncIterator[None]:
    """Starts the bot with the hub and stops it on shutdown; nothing when the channel is off."""
    adapter = state.channels.get(TelegramAdapter.name)
    if not isinstance(adapter, TelegramAdapter) or not adapter.configured:
        yield
        return
    await adapter.runtime.ensure_started()
    try:
        yield
    finally:
        await adapter.runtime.close()
