"""feed last_error_code: what stopped a feed, as a code to branch on, beside its message

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 23:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

feeds = sa.table(
    "feeds", sa.column("last_error", sa.Text()), sa.column("last_error_code", sa.String(32))
)


def upgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_error_code", sa.String(32), nullable=True))
    # Errors stored before this revision have only their message: the guard's wording
    # (planner.feeds.netguard) is the one place a refused address was written, read once here.
    refused = feeds.c.last_error.like("%non-public address%")
    op.execute(
        feeds.update()
        .where(refused & feeds.c.last_error.like("%never allowed%"))
        .values(last_error_code="address_refused")
    )
    op.execute(
        feeds.update()
        .where(refused & feeds.c.last_error_code.is_(None))
        .values(last_error_code="private_address_refused")
    )


def downgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("last_error_code")
