"""The Telegram channel: a webhook in, the Bot API out, through python-telegram-bot.

- `endpoints`: POST /channels/telegram (secret token checked, idempotent on update_id)
- `inbound`: an Update into a Petition for intake, /start and the language buttons
- `adapter`: `TelegramAdapter` (the outbox's sender) and `running` (the bot's life cycle)
- `bot`: the Application without an updater, started lazily when the Bot API answers
- `simulator`: a stand-in Bot API for `hub simulate telegram`, the demo and the tests
"""

from channels.telegram.adapter import TelegramAdapter, running
from channels.telegram.endpoints import router

__all__ = ["TelegramAdapter", "router", "running"]
