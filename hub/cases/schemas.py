"""What the cases API takes and returns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hub.contacts import parse_phone
from hub.petition import Channel
from workflows.lifecycle import STATUSES
from workflows.taxonomy import CATEGORY_CODES, KINDS

Language = Literal["ar", "aeb", "aeb-latn", "fr", "en"]
EntryChannel = Literal["counter", "phone", "letter"]


class AttachmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filename: str = Field(min_length=1, max_length=255)
    content_base64: str = Field(min_length=1)


class CaseCreate(BaseModel):
    """A complaint recorded by staff: a walk-in, a phone call or a letter."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=5000, description="The complaint, in any language")
    channel: EntryChannel = "counter"
    category: str | None = Field(default=None, description="A category code; 'other' if unknown")
    kind: str | None = Field(default=None, description="complaint, corruption_report, …")
    language: Language | None = None
    name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=254)
    anonymous: bool = False
    governorate: str | None = Field(default=None, max_length=60)
    municipality: str | None = Field(default=None, max_length=100)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=5)

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str | None) -> str | None:
        if value is not None and value not in CATEGORY_CODES:
            raise ValueError(f"unknown category; use one of {', '.join(CATEGORY_CODES)}")
        return value

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str | None) -> str | None:
        if value is not None and value not in KINDS:
            raise ValueError(f"unknown kind; use one of {', '.join(KINDS)}")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return parse_phone(value) if value else None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if not value:
            return None
        local, at, domain = value.rpartition("@")
        if not at or not local or "." not in domain or " " in value:
            raise ValueError(f"{value!r} is not an e-mail address")
        return value


class CaseCreated(BaseModel):
    reference: str
    pin: str | None = Field(description="Given once; on a replayed request a new PIN replaces it")
    status: str
    category: str
    kind: str
    structure: str
    due_at: datetime | None
    first_response_due_at: datetime | None
    received_at: datetime
    replayed: bool = False


class MessageOut(BaseModel):
    direction: str
    channel: str
    body: str = Field(description="empty for a monitor, who sees anonymised cases")
    created_at: datetime
    delivery_state: str | None = None


class EventOut(BaseModel):
    seq: int
    kind: str
    actor: str
    created_at: datetime


class CaseSummary(BaseModel):
    reference: str
    status: str
    kind: str
    category: str
    structure: str | None
    channel: str
    language: str | None
    summary: str = Field(description="empty for a monitor, who sees anonymised cases")
    supporters_count: int
    received_at: datetime
    due_at: datetime | None
    anonymous: bool


class CaseDetail(CaseSummary):
    governorate: str | None
    municipality: str | None
    first_response_due_at: datetime | None
    messages: list[MessageOut]
    events: list[EventOut]


class CaseFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: str | None = None
    category: str | None = None
    structure: str | None = None
    channel: str | None = None
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=2**31 - 1)  # what every database can bind

    @field_validator("status")
    @classmethod
    def _status(cls, value: str | None) -> str | None:
        if value is not None and value not in STATUSES:
            raise ValueError(f"unknown status; use one of {', '.join(STATUSES)}")
        return value

    @field_validator("category")
    @classmethod
    def _category(cls, value: str | None) -> str | None:
        return CaseCreate._known_category(value)


STATUS_GROUPS = ("open", "closed", "all")
CHANNELS = tuple(channel.value for channel in Channel)


class QueueFilters(BaseModel):
    """What a staff member narrows their queue to (the dashboard and its CSV export)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: str = Field(default="open", description="a status, or open / closed / all")
    category: str | None = None
    channel: str | None = None
    structure: str | None = Field(default=None, max_length=64)
    language: Language | None = None
    overdue: bool | None = None
    received_from: date | None = None
    received_to: date | None = None
    q: str | None = Field(default=None, max_length=200, description="words or a reference")
    sort: Literal["deadline", "newest", "oldest", "supporters"] = "deadline"
    page: int = Field(default=1, ge=1, le=1000)

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        if value not in STATUSES and value not in STATUS_GROUPS:
            choices = ", ".join((*STATUS_GROUPS, *STATUSES))
            raise ValueError(f"unknown status; use one of {choices}")
        return value

    @field_validator("category")
    @classmethod
    def _category(cls, value: str | None) -> str | None:
        return CaseCreate._known_category(value)

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value is not None and value not in CHANNELS:
            raise ValueError(f"unknown channel; use one of {', '.join(CHANNELS)}")
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> QueueFilters:
        if self.received_from and self.received_to and self.received_from > self.received_to:
            raise ValueError("received_from is after received_to")
        return self


class ActionIn(BaseModel):
    """Details of a staff action; which fields matter depends on the action."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str | None = Field(default=None, max_length=2000, description="Shown to the citizen")
    officer: str | None = Field(default=None, max_length=254, description="assign: officer e-mail")
    structure: str | None = Field(
        default=None, max_length=64, description="transfer: structure code"
    )
    into: str | None = Field(default=None, max_length=24, description="merge: reference kept")
    category: str | None = Field(default=None, max_length=40, description="reclassify: category")

    @field_validator("category")
    @classmethod
    def _category(cls, value: str | None) -> str | None:
        return CaseCreate._known_category(value)


class TextIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    text: str = Field(min_length=1, max_length=5000)


class DuplicateOut(BaseModel):
    reference: str
    status: str
    similarity: float
    summary: str
