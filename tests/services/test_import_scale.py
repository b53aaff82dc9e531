"""Issue 13.3: imports plan inside a read, write in short batches, and stay all or nothing.

No stopwatch here (speed lives in benchmarks/bench_imports.py): concurrency is shown by the
order of events — a write that finishes while the import is still running could only have
got the lock in between.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from planner.errors import InvalidInput
from planner.services import Workspace, contacts, import_batches, imports, ledger, open_workspace
from planner.services.contacts import ContactInput
from planner.services.ledger import LedgerInput
from planner.storage.schema import ContactRow, InteractionRow, UndoRow
from tests.conftest import fixed_clock

#: Long enough never to end a passing test, short enough to end a broken one.
WAIT_S = 20.0


def contacts_csv(n: int, *, start: int = 0) -> bytes:
    lines = ["name,email,domains,reach"]
    lines += [f"Person {i},p{i}@mail.example,site{i}.example,{i + 1}" for i in range(start, n)]
    return ("\r\n".join(lines) + "\r\n").encode()


def ledger_csv(n: int, names: list[str]) -> bytes:
    lines = ["contact,direction,kind,date,magnitude"]
    lines += [
        f"{names[i % len(names)]},{'gave' if i % 2 else 'received'},mention,"
        f"2026-{i % 12 + 1:02d}-{i % 28 + 1:02d},{i % 3 + 1}"
        for i in range(n)
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def dump(ws: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables an import touches, in id order."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with ws.read() as s:
        for table in (ContactRow, InteractionRow, UndoRow):
            rows = s.execute(select(table.__table__).order_by(table.id)).all()
            out[table.__tablename__] = [tuple(r) for r in rows]
    return out


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 10 rows and no pause, so a small file spans many transactions."""
    monkeypatch.setattr(import_batches, "FIRST_BATCH", 10)
    monkeypatch.setattr(import_batches, "MIN_BATCH", 10)
    monkeypatch.setattr(import_batches, "MAX_BATCH", 10)
    monkeypatch.setattr(import_batches, "YIELD_S", 0.0)


def other_writer(db_url: str, events: list[str], label: str) -> Callable[[], None]:
    """A `ledger add` on its own connection, as another process would do it."""

    def run() -> None:
        other = open_workspace(db_url, clock=fixed_clock(), upgrade=False)
        try:
            ledger.add(
                other,
                LedgerInput(
                    contact=None, direction="gave", kind="free_report", occurred_on="2026-11-01"
                ),
            )
            events.append(label)
        finally:
            other.engine.dispose()

    return run


# --- dry run --------------------------------------------------------------------------------


def test_a_dry_run_takes_no_write_lock(
    ws: Workspace, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_clean = contacts.clean
    calls = {"n": 0}

    def clean_and_write_meanwhile(data: ContactInput) -> dict[str, object]:
        calls["n"] += 1
        if calls["n"] == 500:  # mid-plan: the import's read transaction is open
            writer = threading.Thread(target=other_writer(db_url, events, "write done"))
            writer.start()
            writer.join(WAIT_S)  # a dry run holding the write lock would keep this waiting
            events.append("dry run goes on")
        return real_clean(data)

    monkeypatch.setattr(contacts, "clean", clean_and_write_meanwhile)
    result = imports.import_contacts(ws, contacts_csv(2_000), dry_run=True)
    events.append("dry run done")
    assert result.ok and result.added == 2_000
    assert events == ["write done", "dry run goes on", "dry run done"]
    assert contacts.count(ws) == 0 and imports.last_import(ws) is None
    assert len(ledger.list_interactions(ws)) == 1  # the other writer's row, and only it


def test_a_ledger_dry_run_writes_nothing(ws: Workspace) -> None:
    contacts.add(ws, ContactInput(name="Ada"))
    before = dump(ws)
    result = imports.import_ledger(ws, ledger_csv(300, ["Ada", ""]), dry_run=True)
    assert result.ok and result.added == 300 and "would add 300" in result.describe()
    assert dump(ws) == before


# --- all or nothing across batches ----------------------------------------------------------


def fail_in_batch(monkeypatch: pytest.MonkeyPatch, name: str, ws: Workspace) -> list[int]:
    """Make batch 3 of ``imports.<name>`` raise; record the rows committed before it."""
    real = getattr(imports, name)
    seen: list[int] = []

    def writer(*args: Any) -> Any:
        if len(seen) == 2:
            with ws.read() as s:  # what batches 1 and 2 committed, seen from outside
                seen.append(len(s.execute(select(ContactRow.id)).all()))
                seen.append(len(s.execute(select(InteractionRow.id)).all()))
            raise RuntimeError("disk full in batch 3")
        seen.append(0)
        return real(*args)

    monkeypatch.setattr(imports, name, writer)
    return seen


@pytest.mark.usefixtures("small_batches")
def test_a_contacts_failure_in_batch_3_leaves_the_database_as_before(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stored contacts the file updates (reach changes revalue their ledger rows) ...
    for i in range(5):
        contacts.add(ws, ContactInput(name=f"Stored {i}", email=f"p{i}@mail.example", reach=7))
        ledger.add(
            ws,
            LedgerInput(
                contact=f"Stored {i}", direction="gave", kind="interview", occurred_on="2026-10-01"
            ),
        )
    imports.import_contacts(ws, b"name\r\nEarlier Import\r\n")  # an undoable import before
    before = dump(ws)
    seen = fail_in_batch(monkeypatch, "_write_contact_batch", ws)
    with pytest.raises(RuntimeError, match="batch 3"):
        imports.import_contacts(ws, contacts_csv(40), on_duplicate="update")
    # batches 1 and 2 had committed (25 contacts: 6 stored + 5 updated... + 15 new) ...
    assert seen[:2] == [0, 0] and seen[2] == 6 + 15
    # ... and are gone: contacts, their values, the revalued ledger and the undo log.
    assert dump(ws) == before
    assert imports.last_import(ws) is not None and "1 added" in imports.last_import(ws).summary  # type: ignore[union-attr]


@pytest.mark.usefixtures("small_batches")
def test_a_ledger_failure_in_batch_3_leaves_the_database_as_before(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    contacts.add(ws, ContactInput(name="Ada", reach=50))
    before = dump(ws)
    seen = fail_in_batch(monkeypatch, "_write_ledger_batch", ws)
    with pytest.raises(RuntimeError, match="batch 3"):
        imports.import_ledger(ws, ledger_csv(45, ["Ada", ""]))
    assert seen == [0, 0, 1, 20]  # two batches of 10 rows were written, then undone
    assert dump(ws) == before


def test_a_contact_added_meanwhile_that_matches_a_row_refuses_the_import(
    ws: Workspace, db_url: str, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}

    def add_a_rival_after_batch_1(_seconds: float) -> None:
        calls["n"] += 1
        if calls["n"] == 1:  # between transactions, as another process would
            thread = threading.Thread(
                target=lambda: contacts.add(
                    ws, ContactInput(name="Rival", email="p35@mail.example")
                )
            )
            thread.start()
            thread.join(WAIT_S)

    # The plan matched nothing for Person 35; the re-check of batch 4 (lines 32-41) sees
    # the rival's address and refuses, undoing batches 1-3.
    monkeypatch.setattr(import_batches, "_yield_lock", add_a_rival_after_batch_1)
    with pytest.raises(
        InvalidInput, match=r"line 37: Person 35 matches Rival.*nothing was changed"
    ):
        imports.import_contacts(ws, contacts_csv(40))
    assert [c.name for c in contacts.list_contacts(ws)] == ["Rival"]
    assert imports.last_import(ws) is None


# --- other writers get the lock between batches ---------------------------------------------


@pytest.mark.usefixtures("small_batches")
def test_a_ledger_add_during_a_multi_batch_import_succeeds(
    ws: Workspace, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_write = imports._write_contact_batch
    real_yield = import_batches._yield_lock
    writer = threading.Thread(target=other_writer(db_url, events, "ledger add done"))
    batches = {"n": 0}

    def write(*args: Any) -> None:
        batches["n"] += 1
        events.append(f"batch {batches['n']}")
        if batches["n"] == 2:
            writer.start()  # asks for the lock while batch 2 holds it
        real_write(*args)

    def pause(seconds: float) -> None:
        if batches["n"] == 2:  # between batch 2 and 3: the lock is free
            writer.join(WAIT_S)
        real_yield(seconds)

    monkeypatch.setattr(imports, "_write_contact_batch", write)
    monkeypatch.setattr(import_batches, "_yield_lock", pause)
    result = imports.import_contacts(ws, contacts_csv(50))
    assert result.ok and result.added == 50
    assert events[:4] == ["batch 1", "batch 2", "ledger add done", "batch 3"]
    assert events[-1] == "batch 5"
    assert contacts.count(ws) == 50 and len(ledger.list_interactions(ws)) == 1


# --- counts at N and 4N -------------------------------------------------------------------------


@pytest.mark.parametrize("n", [250, 1_000])
def test_imports_of_n_and_4n_rows_count_right(
    ws: Workspace, n: int, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_batches, "MAX_BATCH", 97)  # batches that do not divide the file
    monkeypatch.setattr(import_batches, "FIRST_BATCH", 97)
    contacts.add(ws, ContactInput(name="Stored", email="p3@mail.example"))  # line 5 skips
    result = imports.import_contacts(ws, contacts_csv(n))
    assert result.ok and (result.added, len(result.skipped)) == (n - 1, 1)
    assert contacts.count(ws) == n
    names = ["Person 0", "Person 1", ""]
    result = imports.import_ledger(ws, ledger_csv(3 * n, names))
    assert result.ok and result.added == 3 * n
    assert len(ledger.list_interactions(ws)) == 3 * n
    assert len(ledger.list_interactions(ws, audience=True)) == n
    with ws.read() as s:  # every row valued as `ledger add` values it
        bases = set(s.scalars(select(InteractionRow.base)))
    assert 0.0 not in bases
    assert imports.undo_last_import(ws).startswith("undone: ledger import")
    assert ledger.list_interactions(ws) == [] and contacts.count(ws) == n


def test_imported_rows_get_the_values_a_ledger_add_gives(ws: Workspace) -> None:
    contacts.add(ws, ContactInput(name="Ada", reach=90_000))
    imports.import_ledger(
        ws, b"contact,direction,kind,date,magnitude\r\nAda,gave,interview,2026-05-04,2\r\n"
    )
    ledger.add(
        ws,
        LedgerInput(
            contact="Ada", direction="gave", kind="interview", occurred_on="2026-05-04", magnitude=2
        ),
    )
    with ws.read() as s:
        rows = s.execute(
            select(InteractionRow.base, InteractionRow.growth, InteractionRow.quarter)
        ).all()
    assert len(rows) == 2 and rows[0] == rows[1]


# --- the stored-value rules ---------------------------------------------------------------------


def test_a_ledger_line_dated_9999_12_31_is_refused_with_line_and_column(ws: Workspace) -> None:
    data = (
        b"contact,direction,kind,date\r\n"
        b",gave,free_report,2026-01-01\r\n"
        b",gave,free_report,9999-12-31\r\n"
        b",gave,free_report,1969-12-31\r\n"
    )
    result = imports.import_ledger(ws, data)
    assert not result.ok
    assert [(p.line, p.column) for p in result.problems] == [(3, "date"), (4, "date")]
    assert "after 2199-12-31" in result.problems[0].problem
    assert "line 3, column date" in result.describe()
    assert ledger.list_interactions(ws) == []


def test_an_abandoned_import_is_rolled_back_by_the_next(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A process killed mid-import: its pending entry and rows stay, its heartbeat stops.
    with ws.write() as s:
        undo = UndoRow(
            action=import_batches.PENDING["import_ledger"],
            summary="",
            payload={"heartbeat": 0.0},
            created_at=ws.now(),
        )
        s.add(undo)
        s.flush()
        s.add(
            InteractionRow(
                direction="gave",
                kind="share",
                occurred_on=ws.today(),
                source="import",
                import_batch_id=undo.id,
                created_at=ws.now(),
            )
        )
    assert imports.last_import(ws) is None  # a pending import cannot be undone as a whole
    result = imports.import_ledger(
        ws, b"contact,direction,kind,date\r\n,gave,mention,2026-01-02\r\n"
    )
    assert result.ok
    [row] = ledger.list_interactions(ws)
    assert row.kind == "mention"
    with ws.read() as s:
        actions = list(s.scalars(select(UndoRow.action)))
    assert actions == ["import_ledger"]
