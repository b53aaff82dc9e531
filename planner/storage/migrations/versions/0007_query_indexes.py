"""query indexes: what ingest, detection and the writes by name look up per entry or call

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 02:30:00

* ``ix_interactions_link`` (link, entry_id): detection's ledger rows typed by hand for an
  entry chunk's links (``link IN (…) AND entry_id IS NULL AND source != 'feed'``), once per
  chunk of every feed refreshed. entry_id is in it so that SQLite, without statistics,
  prefers it to ix_interactions_entry_id (for "IS NULL" that one matches nearly every row);
* ``ix_interactions_give_id`` / ``ix_interactions_ask_id`` / ``ix_interactions_request_id``:
  the ledger rows of a give, ask or request (reopening or dropping one deletes them; deleting
  one sets them NULL): a search instead of a scan of the whole ledger;
* ``ix_detections_interaction_id``: deleting a ledger row sets its detections' link NULL;
* ``ix_entries_duplicate_of_id`` (where NOT NULL): removing a feed deletes its entries, each
  setting NULL the duplicates that point at it (without it, a scan of every entry per entry
  deleted). Partial so that "duplicate_of_id IS NULL" cannot pick it;
* ``ix_contacts_name_lower``: every write by contact name resolves it with
  ``lower(name) = ?``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMN_INDEXES = (
    ("interactions", "give_id"),
    ("interactions", "ask_id"),
    ("interactions", "request_id"),
    ("detections", "interaction_id"),
)
NOT_NULL = "duplicate_of_id IS NOT NULL"


def upgrade() -> None:
    op.create_index("ix_interactions_link", "interactions", ["link", "entry_id"])
    for table, column in COLUMN_INDEXES:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])
    op.create_index(
        "ix_entries_duplicate_of_id",
        "entries",
        ["duplicate_of_id"],
        sqlite_where=sa.text(NOT_NULL),
        postgresql_where=sa.text(NOT_NULL),
    )
    op.create_index("ix_contacts_name_lower", "contacts", [sa.text("lower(name)")])


def downgrade() -> None:
    op.drop_index("ix_contacts_name_lower", table_name="contacts")
    op.drop_index("ix_entries_duplicate_of_id", table_name="entries")
    for table, column in reversed(COLUMN_INDEXES):
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
    op.drop_index("ix_interactions_link", table_name="interactions")
