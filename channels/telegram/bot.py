"""python-telegram-bot's Application, run without its own updater.

Telegram calls our webhook; the hub, not the library, decides when to answer
(only after the petition is committed), so updates never go through the
Application's queue. The Application gives us the configured Bot client and its
life cycle. When the Bot API is unreachable at start-up the hub starts anyway
and initialisation is retried on the next update or send.
"""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application, ApplicationBuilder, ExtBot

from hub.settings import Settings

log = logging.getLogger("hub.channels.telegram")

RETRY_SECONDS = 15.0  # after a failed start-up, how long updates and sends skip re-trying it
READ_TIMEOUT = 20.0  # file downloads of up to max_attachment_bytes
ALLOWED_UPDATES = ("message", "callback_query")


def api_urls(api_base: str) -> tuple[str, str]:
    """The Bot API roots the library appends the token to: methods and file downloads."""
    base = api_base.rstrip("/")
    return f"{base}/bot", f"{base}/file/bot"


class _HideToken(logging.Filter):
    """httpx logs every request URL, and a Bot API URL carries the bot token."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), None
        return True


def hide_token_in_logs(token: str) -> None:
    logger = logging.getLogger("httpx")
    if not any(isinstance(f, _HideToken) and f.token == token for f in logger.filters):
        logger.addFilter(_HideToken(token))


def build_application(settings: Settings) -> Application:
    assert settings.telegram_token is not None
    token = settings.telegram_token.get_secret_value()
    hide_token_in_logs(token)
    base_url, base_file_url = api_urls(settings.telegram_api_base)
    return (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .read_timeout(READ_TIMEOUT)
        .updater(None)
        .build()
    )


class BotRuntime:
    """One Application per hub process, started when the Bot API answers."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._application: Application | None = None
        self._lock: asyncio.Lock | None = None
        self._retry_at = 0.0

    @property
    def application(self) -> Application:
        if self._application is None:
            self._application = build_application(self._settings)
        return self._application

    @property
    def bot(self) -> ExtBot[None]:
        return self.application.bot

    @property
    def started(self) -> bool:
        return self._application is not None and self._application.running

    async def ensure_started(self) -> bool:
        """Initialise and start once; a failure waits RETRY_SECONDS before the next try."""
        if self.started:
            return True
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:
            if self.started:
                return True
            # Calls still work uninitialised; this only reopens the HTTP client after a stop.
            await self.bot.request.initialize()
            if time.monotonic() < self._retry_at:
                return False
            return await self._start()

    async def _start(self) -> bool:
        application = self.application
        try:
            await application.initialize()
            await application.start()
        except (TelegramError, OSError) as exc:
            self._retry_at = time.monotonic() + RETRY_SECONDS
            # The library's own messages may quote the token: log the kind of failure only.
            log.warning(
                "the Bot API is not answering (%s); the hub runs on and retries "
                "on the next update or send",
                type(exc).__name__,
            )
            return False
        return True

    async def close(self) -> None:
        application = self._application
        if application is None:
            return
        if application.running:
            await application.stop()
        await application.shutdown()
        await application.bot.shutdown()  # also when initialize() failed half-way
        await application.bot.request.shutdown()


async def register_webhook(settings: Settings) -> str:
    """Tell Telegram where to send updates, with our secret and only the updates we use."""
    assert settings.telegram_token is not None and settings.telegram_secret is not None
    token = settings.telegram_token.get_secret_value()
    hide_token_in_logs(token)
    base_url, base_file_url = api_urls(settings.telegram_api_base)
    url = settings.public_url.rstrip("/") + "/channels/telegram"
    bot = Bot(token, base_url=base_url, base_file_url=base_file_url)
    await bot.request.initialize()
    try:
        await bot.set_webhook(
            url=url,
            secret_token=settings.telegram_secret.get_secret_value(),
            allowed_updates=list(ALLOWED_UPDATES),
        )
    finally:
        await bot.request.shutdown()
    return url


def explain(exc: TelegramError) -> str:
    """A Bot API error in words for the outbox and the operator.

    Never the library's text for a refused token: it quotes the token.
    """
    if isinstance(exc, Forbidden):
        return f"Telegram refused: the citizen blocked the bot or left ({exc.message})"
    if isinstance(exc, BadRequest):
        return f"Telegram refused the request: {exc.message}"
    if isinstance(exc, ChatMigrated):
        return "the chat moved to another id"
    if isinstance(exc, RetryAfter):
        return f"Telegram rate limit: {exc.message}"
    if isinstance(exc, InvalidToken):
        return "the Bot API refused the bot token: check HUB_TELEGRAM_TOKEN"
    return f"the Bot API did not answer ({type(exc).__name__})"
