"""Storage: migrations, pragmas, round trips, transactions."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from planner.errors import InvalidInput
from planner.services import Workspace, contacts, ledger
from planner.services.contacts import ContactInput
from planner.services.ledger import LedgerInput
from planner.storage import migrate
from planner.storage.db import make_engine
from planner.storage.schema import BOOKKEEPING, Base, ContactRow, InteractionRow


# SQLite cannot reflect an index on an expression (ix_contacts_name_lower): SQLAlchemy and
# Alembic say so and leave it out of the comparison (PostgreSQL compares it);
# tests/storage/test_query_plans.py checks that it exists and is used.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_migrations_reach_head_and_match_the_models(ws: Workspace) -> None:
    assert migrate.current_revision(ws.engine) == migrate.head_revision(ws.engine)
    with ws.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), [Base.metadata, BOOKKEEPING])  # type: ignore[arg-type]
    assert diff == []


def test_sqlite_connections_have_wal_foreign_keys_and_busy_timeout(ws: Workspace) -> None:
    if ws.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with ws.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_contact_round_trip_keeps_every_field(ws: Workspace) -> None:
    added = contacts.add(
        ws,
        ContactInput(
            name="José Núñez",
            tier="deep",
            reach="12,500",
            email="jose@nunez.example",
            aliases="Pepe|J. Núñez",
            domains="https://www.Nunez.example/",
            handles="josenunez",
            tags="spanish|podcast",
            notes="Met at a conference",
        ),
    )
    again = contacts.get(ws, added.id)
    assert again == added
    assert again.reach == 12500
    assert again.domains == ("nunez.example",)
    assert again.handles == ("@josenunez",)
    assert again.aliases == ("Pepe", "J. Núñez")


def test_ledger_row_stores_derived_values(ws: Workspace) -> None:
    contacts.add(ws, ContactInput(name="Ann Lee", reach=1000))
    row = ledger.add(
        ws,
        LedgerInput(
            contact="ann lee", direction="gave", kind="link", occurred_on="2026-05-29", magnitude=2
        ),
    )
    with ws.read() as s:
        stored = s.get(InteractionRow, row.id)
        assert stored is not None
        # link weight 2 × magnitude 2 × exposure 1 (my reach unknown) = 4
        assert stored.base == pytest.approx(4.0)
        assert stored.quarter == 2026 * 4 + 1


def test_a_failed_write_leaves_nothing_behind(ws: Workspace) -> None:
    with pytest.raises(InvalidInput), ws.write() as s:
        contacts.add(ws, ContactInput(name="First"), session=s)
        contacts.add(ws, ContactInput(name="Second", tier="bogus"), session=s)
    with ws.read() as s:
        assert s.scalar(select(func.count()).select_from(ContactRow)) == 0


def test_deleting_a_contact_row_cascades_to_its_ledger(ws: Workspace) -> None:
    c = contacts.add(ws, ContactInput(name="Gone Soon"))
    ledger.add(
        ws,
        LedgerInput(contact=c.id, direction="gave", kind="mention", occurred_on=date(2026, 1, 1)),
    )
    with ws.write() as s:
        s.delete(s.get(ContactRow, c.id))
    with ws.read() as s:
        assert s.scalar(select(func.count()).select_from(InteractionRow)) == 0


def test_engines_opening_a_new_file_together_all_connect(tmp_path: Path) -> None:
    """The first connection to a new file switches it to WAL, which needs the file to
    itself; when two connections try at once, SQLite fails one at once with "database is
    locked" (deadlock avoidance: no busy handler). That crashed one of four `planner init`
    started together on a fresh database (tests/services/test_first_start.py). Here 12 engines
    connect at the same moment to each of 150 new files: before the fix about 1 round in
    12 had a failure; now every connection waits its turn."""
    failures: list[str] = []
    for round_ in range(150):
        url = f"sqlite:///{tmp_path / f'fresh-{round_}.db'}"
        gate = threading.Barrier(12)

        def connect(url: str = url, gate: threading.Barrier = gate) -> None:
            engine = make_engine(url)
            gate.wait()
            try:
                with engine.connect() as conn:
                    conn.exec_driver_sql("SELECT 1")
            except Exception as error:
                failures.append(f"{url}: {error}")
            finally:
                engine.dispose()

        threads = [threading.Thread(target=connect) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
