"""data_version: a counter every write bumps, the key of cached views; the ledger's
listing index (occurred_on, direction, kind) in place of the one on occurred_on alone

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 02:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])
    op.drop_index("ix_interactions_occurred_on", table_name="interactions")
    op.create_index("ix_interactions_listing", "interactions", ["occurred_on", "direction", "kind"])


def downgrade() -> None:
    op.drop_index("ix_interactions_listing", table_name="interactions")
    op.create_index("ix_interactions_occurred_on", "interactions", ["occurred_on"])
    op.drop_table("data_version")
