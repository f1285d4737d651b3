"""dashboard and statistics indexes: queues by deadline, full-text search, public figures

The queues read cases in deadline order: an officer's within their structure, everyone
else's among the public or the sealed cases (each key starts with what the viewer is
given by equality: structure, then sealed, so that the deadline order follows). Partial indexes on open cases (the default
view) and one on a structure's whole history (its "all" and "closed" views) give the
first page without sorting a structure's history. Search starts from a GIN index on the words of every message. The
public statistics read one covering index in group order (no sort, no table access);
corruption reports, counted only by month, have a small one of their own. Both carry
received_at: PostgreSQL answers from the index alone only when it holds the columns
that the month expression is computed from.

PostgreSQL only for the expression indexes (SQLite has neither to_tsvector nor
date_trunc, and the embedded store is small); the partial indexes exist on both.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# workflows.lifecycle.OPEN_STATUSES when this revision was written.
OPEN = sa.text(
    "status IN ('assigned', 'awaiting_citizen', 'in_progress', 'received', 'reopened', "
    "'routed', 'transferred')"
)
MONTH = "date_trunc('month', timezone('Africa/Tunis', received_at))"


def upgrade() -> None:
    op.create_index(
        "ix_cases_open_structure_due",
        "cases",
        ["structure_id", "sealed", "due_at", "id"],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )
    op.create_index(
        "ix_cases_open_sealed_due",
        "cases",
        ["sealed", "due_at", "id"],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )
    op.create_index("ix_cases_structure_due", "cases", ["structure_id", "sealed", "due_at", "id"])
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index(
        "ix_messages_body_fts",
        "messages",
        [sa.text("to_tsvector('simple', body)")],
        postgresql_using="gin",
    )
    op.create_index(
        "ix_cases_public_stats",
        "cases",
        ["structure_id", "category", "channel", sa.text(MONTH)],
        postgresql_include=[
            "received_at",
            "responded_at",
            "resolved_at",
            "first_response_due_at",
            "overdue",
        ],
        postgresql_where=sa.text("NOT sealed"),
    )
    op.create_index(
        "ix_cases_sealed_stats",
        "cases",
        [sa.text(MONTH)],
        postgresql_include=["received_at", "resolved_at"],
        postgresql_where=sa.text("sealed"),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_cases_sealed_stats", table_name="cases")
        op.drop_index("ix_cases_public_stats", table_name="cases")
        op.drop_index("ix_messages_body_fts", table_name="messages")
    op.drop_index("ix_cases_structure_due", table_name="cases")
    op.drop_index("ix_cases_open_sealed_due", table_name="cases")
    op.drop_index("ix_cases_open_structure_due", table_name="cases")
