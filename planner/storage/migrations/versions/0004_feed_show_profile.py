"""feed show profile: the learned profile, the user's corrections, the channel facts

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=20), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("itunes_author", sa.String(length=500), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("feed_people", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("show_profile", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("show_corrections", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("show_corrections")
        batch_op.drop_column("show_profile")
        batch_op.drop_column("feed_people")
        batch_op.drop_column("itunes_author")
        batch_op.drop_column("language")
