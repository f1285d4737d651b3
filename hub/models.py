"""The case store's tables. The schema itself is made only by Alembic migrations."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Role(StrEnum):
    administrator = "administrator"
    supervisor = "supervisor"
    officer = "officer"
    investigator = "investigator"
    clerk = "clerk"
    monitor = "monitor"


class Direction(StrEnum):
    inbound = "inbound"
    outbound = "outbound"
    note = "note"


class Structure(SQLModel, table=True):
    __tablename__ = "structures"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    level: str = Field(max_length=16)  # central, regional, local
    parent_id: int | None = Field(default=None, foreign_key="structures.id")
    name_ar: str = Field(max_length=200)
    name_fr: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    aliases: str = Field(default="", max_length=2000)
    active: bool = True


class Category(SQLModel, table=True):
    __tablename__ = "categories"

    code: str = Field(max_length=40, primary_key=True)
    name_ar: str = Field(max_length=200)
    name_fr: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    structure_id: int = Field(foreign_key="structures.id")
    position: int = 0


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=20)
    structure_id: int | None = Field(default=None, foreign_key="structures.id")
    full_name: str = Field(default="", max_length=200)
    language: str = Field(default="ar", max_length=10)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Reporter(SQLModel, table=True):
    """A citizen. Every contact detail is ciphertext; `*_hash` are keyed look-up hashes."""

    __tablename__ = "reporters"

    id: int | None = Field(default=None, primary_key=True)
    name_enc: str | None = Field(default=None, max_length=1000)
    phone_enc: str | None = Field(default=None, max_length=1000)
    phone_hash: str | None = Field(default=None, max_length=64, index=True)
    email_enc: str | None = Field(default=None, max_length=1000)
    email_hash: str | None = Field(default=None, max_length=64, index=True)
    telegram_enc: str | None = Field(default=None, max_length=1000)
    telegram_hash: str | None = Field(default=None, max_length=64, index=True)
    language: str | None = Field(default=None, max_length=10)
    sms_opted_out: bool = False  # STOP received: no SMS until START
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# Dashboard and statistics indexes (migration 0006). The queues' predicate must name the
# open statuses exactly as the queries do for PostgreSQL to use the partial indexes.
_OPEN = sa.text(
    "status IN ('assigned', 'awaiting_citizen', 'in_progress', 'received', 'reopened', "
    "'routed', 'transferred')"
)
# The public statistics' month (El Kef's calendar), as hub/stats/repository.py groups it.
_MONTH = sa.text("date_trunc('month', timezone('Africa/Tunis', received_at))")


class Case(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (
        sa.Index(
            "ix_cases_next_deadline_open",
            "next_deadline_at",
            postgresql_where=sa.text("next_deadline_at IS NOT NULL"),
            sqlite_where=sa.text("next_deadline_at IS NOT NULL"),
        ),
        # The queues by deadline: an officer's (open, then all of the structure's), and
        # everyone else's among the public (sealed false) or the sealed cases.
        sa.Index(
            "ix_cases_open_structure_due",
            "structure_id",
            "sealed",
            "due_at",
            "id",
            postgresql_where=_OPEN,
            sqlite_where=_OPEN,
        ),
        sa.Index(
            "ix_cases_open_sealed_due",
            "sealed",
            "due_at",
            "id",
            postgresql_where=_OPEN,
            sqlite_where=_OPEN,
        ),
        sa.Index("ix_cases_structure_due", "structure_id", "sealed", "due_at", "id"),
        # PostgreSQL only: the statistics read these alone, in group order.
        sa.Index(
            "ix_cases_public_stats",
            "structure_id",
            "category",
            "channel",
            _MONTH,
            postgresql_include=[
                "received_at",
                "responded_at",
                "resolved_at",
                "first_response_due_at",
                "overdue",
            ],
            postgresql_where=sa.text("NOT sealed"),
        ),
        sa.Index(
            "ix_cases_sealed_stats",
            _MONTH,
            postgresql_include=["received_at", "resolved_at"],
            postgresql_where=sa.text("sealed"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=24, unique=True)
    pin_hash: str = Field(max_length=64)
    kind: str = Field(max_length=30)
    category: str = Field(max_length=40, foreign_key="categories.code", index=True)
    language: str | None = Field(default=None, max_length=10)
    status: str = Field(max_length=20, index=True)
    channel: str = Field(max_length=20)
    structure_id: int | None = Field(default=None, foreign_key="structures.id", index=True)
    officer_id: int | None = Field(default=None, foreign_key="users.id")
    reporter_id: int | None = Field(default=None, foreign_key="reporters.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    anonymous: bool = False
    sealed: bool = False  # corruption report: hidden from ordinary structures
    governorate: str | None = Field(default=None, max_length=60)
    municipality: str | None = Field(default=None, max_length=100)
    latitude: float | None = None
    longitude: float | None = None
    summary: str = Field(default="", max_length=200)
    supporters_count: int = 0
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    first_response_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    next_deadline_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Workflow state (issue: workflow engine)
    overdue: bool = False
    escalation_level: int = 0
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    paused_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # awaiting the citizen
    merged_into_id: int | None = Field(default=None, foreign_key="cases.id")
    rejection_reason: str | None = Field(default=None, max_length=1000)
    triage_confidence: float | None = None
    hidden_from: str = Field(default="", max_length=500)  # structure ids a report names, "|1|4|"
    reminders_sent: int = 0
    # Head of this case's hash-chained event history.
    last_event_seq: int = 0
    last_event_hash: str = Field(default="", max_length=64)


class Message(SQLModel, table=True):
    __tablename__ = "messages"
    __table_args__ = (
        # PostgreSQL only: full-text search of the threads (hub/cases/repository.py `_matches`).
        sa.Index(
            "ix_messages_body_fts", sa.text("to_tsvector('simple', body)"), postgresql_using="gin"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    direction: str = Field(max_length=10)
    channel: str = Field(max_length=20)
    body: str = Field(sa_type=sa.Text)
    language: str | None = Field(default=None, max_length=10)
    author_id: int | None = Field(default=None, foreign_key="users.id")
    for_citizen: bool = False  # shown on the tracking page
    delivery_state: str | None = Field(default=None, max_length=20)
    provider_id: str | None = Field(default=None, max_length=255, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Attachment(SQLModel, table=True):
    __tablename__ = "attachments"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    message_id: int | None = Field(default=None, foreign_key="messages.id")
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CaseEvent(SQLModel, table=True):
    """Append-only, hash-chained history of one case."""

    __tablename__ = "case_events"
    __table_args__ = (sa.UniqueConstraint("case_id", "seq", name="uq_case_events_case_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    seq: int
    kind: str = Field(max_length=40)
    actor: str = Field(max_length=100)
    data: str = Field(default="{}", sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class OutboxItem(SQLModel, table=True):
    """A message to deliver after commit; written in the same transaction as its cause."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    message_id: int | None = Field(default=None, foreign_key="messages.id")
    channel: str = Field(max_length=20)
    purpose: str = Field(max_length=30)
    payload: str = Field(default="{}", sa_type=sa.Text)
    status: str = Field(default="pending", max_length=20, index=True)
    attempts: int = 0
    dedupe_key: str = Field(max_length=200, unique=True)
    last_error: str | None = Field(default=None, max_length=500)
    provider_id: str | None = Field(default=None, max_length=255)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class InboundReceipt(SQLModel, table=True):
    """One row per provider message: the idempotency key of intake."""

    __tablename__ = "inbound_receipts"
    __table_args__ = (
        sa.UniqueConstraint("channel", "external_id", name="uq_inbound_receipts_channel_external"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    external_id: str = Field(max_length=255)
    # Checked at commit: intake writes the receipt first, naming the ids it reserves.
    case_id: int | None = Field(
        default=None,
        sa_column_args=[sa.ForeignKey("cases.id", deferrable=True, initially="DEFERRED")],
    )
    message_id: int | None = Field(
        default=None,
        sa_column_args=[sa.ForeignKey("messages.id", deferrable=True, initially="DEFERRED")],
    )
    fingerprint: str | None = Field(default=None, max_length=64)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LookupThrottle(SQLModel, table=True):
    """Failed PIN look-ups per reference, to lock out guessing."""

    __tablename__ = "lookup_throttles"

    key: str = Field(max_length=64, primary_key=True)
    failures: int = 0
    window_started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Quarantine(SQLModel, table=True):
    """Inbound input that could not be read: kept raw, never dropped."""

    __tablename__ = "quarantine"

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    external_id: str | None = Field(default=None, max_length=255)
    reason: str = Field(max_length=500)
    raw: bytes = Field(sa_type=sa.LargeBinary)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Supporter(SQLModel, table=True):
    """A citizen who co-signs a case or was merged into it as a duplicate."""

    __tablename__ = "supporters"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "reporter_id", name="uq_supporters_case_reporter"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    reporter_id: int = Field(foreign_key="reporters.id")
    channel: str = Field(max_length=20)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RoutingRule(SQLModel, table=True):
    """Ordered, administrator-edited: the first matching rule picks the structure."""

    __tablename__ = "routing_rules"

    id: int | None = Field(default=None, primary_key=True)
    position: int = Field(index=True)
    name: str = Field(max_length=200)
    category: str | None = Field(default=None, max_length=40)
    kind: str | None = Field(default=None, max_length=30)
    keywords: str = Field(default="", max_length=2000)  # one per line, any language
    governorate: str | None = Field(default=None, max_length=60)
    municipality: str | None = Field(default=None, max_length=100)
    channel: str | None = Field(default=None, max_length=20)
    structure_id: int = Field(foreign_key="structures.id")
    active: bool = True
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DeadlinePolicy(SQLModel, table=True):
    """Working days allowed, per category and optionally per structure."""

    __tablename__ = "deadline_policies"
    __table_args__ = (
        sa.UniqueConstraint("category", "structure_id", name="uq_deadline_policies_scope"),
    )

    id: int | None = Field(default=None, primary_key=True)
    category: str | None = Field(default=None, max_length=40)  # None: every category
    structure_id: int | None = Field(default=None, foreign_key="structures.id")
    first_response_days: int
    resolution_days: int
    reminder_days: str = Field(default="2", max_length=100)  # days before a deadline, "5,2"
    escalation_grace_days: int = 2
    restart_on_transfer: bool = False
    reopen_window_days: int = 15
    working_days: bool = True  # False: calendar days (legal limits such as 3 months)


class DayOff(SQLModel, table=True):
    """A day off added by an administrator beyond the public holidays."""

    __tablename__ = "days_off"

    day: date = Field(primary_key=True)
    reason: str = Field(max_length=200)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TriageTerm(SQLModel, table=True):
    """A keyword of a category's lexicon, editable by administrators."""

    __tablename__ = "triage_terms"
    __table_args__ = (
        sa.UniqueConstraint("category", "term", name="uq_triage_terms_category_term"),
    )

    id: int | None = Field(default=None, primary_key=True)
    category: str = Field(max_length=40, index=True)
    term: str = Field(max_length=100)
    weight: float = 1.0


class TriageCorrection(SQLModel, table=True):
    """A category corrected by staff: labelled data for triage."""

    __tablename__ = "triage_corrections"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    text: str = Field(sa_type=sa.Text)
    language: str | None = Field(default=None, max_length=10)
    predicted: str = Field(max_length=40)
    corrected: str = Field(max_length=40)
    user_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ApiKey(SQLModel, table=True):
    """A key an administrator issues to an Open311 client; only its hash is kept."""

    __tablename__ = "api_keys"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    key_hash: str = Field(max_length=64, unique=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
