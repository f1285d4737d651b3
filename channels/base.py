"""The one small interface every channel adapter implements for outbound messages.

Inbound is each adapter's own (a webhook router, an SMTP listener, an IMAP
poller): it verifies the provider, builds a `hub.petition.Petition` and hands it
to `hub.intake`. Adapters know nothing of structures or deadlines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Outbound:
    """One message for a citizen, already rendered in their language."""

    to: str  # E.164 phone, Telegram chat id or e-mail address (decrypted just before sending)
    text: str
    reference: str | None = None  # the case reference, for subjects and threading
    subject: str | None = None
    reply_to: str | None = None  # provider id of the citizen's message this answers
    thread: tuple[str, ...] = ()  # earlier provider ids of the conversation (e-mail References)
    idempotency_key: str = ""  # stable per outbox item
    language: str | None = None  # the citizen's: ar, aeb, aeb-latn, fr, en
    status_callback: str | None = None


@dataclass(frozen=True)
class Sent:
    provider_id: str | None
    state: str = "sent"  # sent, queued, delivered
    parts: int = 1
    extra: dict[str, str] = field(default_factory=dict)


class PermanentFailure(Exception):
    """The provider refused for good (bad number, blocked): retrying cannot help."""


class TemporaryFailure(Exception):
    """Timeouts, 5xx, rate limits: retry later with back-off."""


class ChannelAdapter(Protocol):
    name: str

    @property
    def configured(self) -> bool: ...

    async def send(self, message: Outbound) -> Sent: ...


# Keeps tab, line feed and carriage return; drops the other C0 controls and DEL.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(text: str) -> str:
    """Control characters are not a citizen's words (and PostgreSQL refuses a NUL)."""
    return _CONTROL.sub("", text)
