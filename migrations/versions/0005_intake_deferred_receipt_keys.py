"""intake: the receipt's keys to its case and message are checked at commit

Intake writes the receipt first (it is the idempotency claim), naming the case and
message ids it reserves; the rows themselves follow in the same transaction.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 11:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# PostgreSQL's own names for these keys; SQLite's unnamed ones get the same when reflected.
NAMING = {"fk": "%(table_name)s_%(column_0_name)s_fkey"}
KEYS = (("case_id", "cases"), ("message_id", "messages"))


def upgrade() -> None:
    _replace_keys(deferred=True)


def downgrade() -> None:
    _replace_keys(deferred=False)


def _replace_keys(deferred: bool) -> None:
    with op.batch_alter_table("inbound_receipts", naming_convention=NAMING) as batch_op:
        for column, target in KEYS:
            name = f"inbound_receipts_{column}_fkey"
            batch_op.drop_constraint(name, type_="foreignkey")
            batch_op.create_foreign_key(
                name,
                target,
                [column],
                ["id"],
                deferrable=True if deferred else None,
                initially="DEFERRED" if deferred else None,
            )
