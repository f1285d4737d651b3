"""deadline policies count working or calendar days

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 08:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deadline_policies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("working_days", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("deadline_policies", schema=None) as batch_op:
        batch_op.drop_column("working_days")
