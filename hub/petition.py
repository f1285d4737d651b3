"""The Petition: what every channel adapter produces and intake accepts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


class Channel(StrEnum):
    sms = "sms"
    telegram = "telegram"
    email = "email"
    web = "web"
    counter = "counter"
    phone = "phone"
    letter = "letter"
    api = "api"
    open311 = "open311"


class KindHint(StrEnum):
    complaint = "complaint"
    corruption_report = "corruption_report"
    information_request = "information_request"
    petition = "petition"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Location:
    governorate: str | None = None
    municipality: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Petition:
    channel: Channel
    external_id: str
    text: str
    sender: str | None = None  # E.164 phone, Telegram chat id, email address, or None
    name: str | None = None
    language: str | None = None
    attachments: tuple[Attachment, ...] = ()
    location: Location = field(default_factory=Location)
    anonymous: bool = False
    kind_hint: KindHint | None = None
    category_hint: str | None = None
    reply_to_reference: str | None = None
    reply_to_message_id: str | None = None  # provider's id of the message answered
    # The provider's id of this message, for threading replies (e-mail Message-ID,
    # Telegram "chat:message_id"); defaults to external_id.
    provider_message_id: str | None = None
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # Extra contacts a clerk may record at the counter (the channel sender covers the rest).
    phone: str | None = None
    email: str | None = None
