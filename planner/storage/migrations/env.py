"""Alembic environment: runs on the connection handed in by planner.storage.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from planner.storage.db import hold_setup_lock, make_engine
from planner.storage.schema import BOOKKEEPING, Base

config = context.config
# A list: the bookkeeping tables are migrated like the data tables.
target_metadata = [Base.metadata, BOOKKEEPING]


def _run(connection: Connection) -> None:
    # Before Alembic reads the version table: two processes starting on a new database
    # must not both see "no schema" and both create it (the second waits, then finds
    # the schema at head and does nothing).
    hold_setup_lock(connection)
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode recreates tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    with engine.begin() as conn:
        _run(conn)
