"""THREATS D1-D5 and S6: the database under a second writer, and sessions on threads.

tests/storage/test_storage.py checks the pragmas are set and
tests/services/test_concurrency.py that two writers lose nothing. These add what those leave
open: a reader never waits for a writer (D1), a writer waits for a lock instead of failing
(D2), a read-then-write transaction under contention loses nothing (D3), orphans are refused
and found (D4), commits are durable (D5), and many Streamlit sessions share one workspace
from their own threads (S6).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from streamlit.testing.v1 import AppTest

from planner.services import Workspace, contacts, ledger
from planner.services.contacts import ContactInput
from planner.services.ledger import LedgerInput
from planner.storage.schema import ContactRow, EntryRow, InteractionRow
from tests.conftest import ROOT


def _sqlite_path(ws: Workspace) -> str:
    if ws.engine.dialect.name != "sqlite":
        pytest.skip("SQLite locking")
    path = ws.engine.url.database
    assert path
    return path


@contextmanager
def other_writer(path: str, *, mode: str = "IMMEDIATE") -> Iterator[sqlite3.Connection]:
    """Another process's connection (cron ingest, say) in the middle of a write transaction:
    it holds the write lock and an uncommitted change until the block ends."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=1, check_same_thread=False)
    conn.execute(f"BEGIN {mode}")
    conn.execute("UPDATE contacts SET notes = 'uncommitted'")
    try:
        yield conn
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()


# -- D1: readers are never blocked by a writer ------------------------------------------


def test_a_read_does_not_wait_for_a_writer(ws: Workspace) -> None:
    contacts.add(ws, ContactInput(name="Ann Lee", notes="committed"))
    with other_writer(_sqlite_path(ws), mode="EXCLUSIVE") as cron:
        with ws.read() as s:
            notes = s.scalars(select(ContactRow.notes)).all()
        [listed] = contacts.list_contacts(ws)
        # The writer only lets go when this block ends, so both reads returned while it
        # held the lock: a read that waited for it would have hit the 30 s busy timeout
        # and failed with "database is locked" instead.
        assert cron.in_transaction
    assert notes == ["committed"] and listed.notes == "committed"  # the last commit


def test_a_page_renders_while_cron_holds_the_write_lock(app_db: str, app_ws: Workspace) -> None:
    from tests.pages.conftest import APP

    contacts.add(app_ws, ContactInput(name="Ann Lee"))
    at = AppTest.from_file(APP, default_timeout=60).run()  # opens (migrates) the workspace
    assert not at.exception
    at.switch_page("pages/contacts.py")
    with other_writer(_sqlite_path(app_ws)) as cron:
        # The writer holds the lock until this block ends, so nothing the page did could
        # have waited for it: a query that queued behind the lock would have failed with
        # "database is locked" after the 30 s busy timeout (at.exception, below). The
        # 60 s allowed for the run is room for a loaded machine, not a speed limit.
        at.run(timeout=60)
        assert cron.in_transaction  # the lock was held through the whole render
    assert not at.exception, at.exception
    assert at.header[0].value == "Ann Lee"


# -- D3: read-then-write under contention -------------------------------------------------

_COUNTER_SCRIPT = """
import sys
from planner.services import open_workspace
from planner.storage.schema import ContactRow
ws = open_workspace(sys.argv[1], upgrade=False)
for _ in range(int(sys.argv[3])):
    with ws.write() as s:
        row = s.get(ContactRow, int(sys.argv[2]))
        row.reach = (row.reach or 0) + 1
"""


def test_read_modify_write_from_two_processes_loses_no_update(ws: Workspace, db_url: str) -> None:
    """THREATS D3: SELECT then UPDATE in one transaction, from the app and a second process
    at once. A deferred BEGIN fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT)
    or loses increments; our transactions start IMMEDIATE, so the total is exact."""
    target = contacts.add(ws, ContactInput(name="Counter", reach=0))
    rounds = 250
    proc = subprocess.Popen(
        [sys.executable, "-c", _COUNTER_SCRIPT, db_url, str(target.id), str(rounds)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    for _ in range(rounds):
        with ws.write() as s:
            row = s.get(ContactRow, target.id)
            assert row is not None
            row.reach = (row.reach or 0) + 1
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err[-2000:]
    assert contacts.get(ws, target.id).reach == 2 * rounds


# -- D4: foreign keys on every connection, orphans found -------------------------------------


def test_an_orphan_is_refused(ws: Workspace) -> None:
    with pytest.raises(IntegrityError), ws.write() as s:
        s.add(
            EntryRow(
                feed_id=999,
                guid="orphan",
                link="",
                title="",
                content_hash="x",
                first_seen_at=ws.now(),
                updated_at=ws.now(),
            )
        )
    with pytest.raises(IntegrityError), ws.write() as s:
        s.add(
            InteractionRow(
                contact_id=999,
                direction="gave",
                kind="mention",
                occurred_on=date(2026, 11, 1),
                magnitude=1.0,
                source="manual",
                created_at=ws.now(),
            )
        )


def test_foreign_key_check_reports_a_planted_orphan(ws: Workspace) -> None:
    path = _sqlite_path(ws)
    kept = contacts.add(ws, ContactInput(name="Kept"))
    ledger.add(
        ws, LedgerInput(contact=kept.id, direction="gave", kind="mention", occurred_on="2026-11-01")
    )
    raw = sqlite3.connect(path, isolation_level=None)  # foreign_keys is OFF by default here
    try:
        raw.execute("UPDATE interactions SET contact_id = 4242")
    finally:
        raw.close()
    with ws.engine.connect() as conn:
        problems = conn.execute(text("PRAGMA foreign_key_check")).all()
    assert [(p[0], p[2]) for p in problems] == [("interactions", "contacts")]


# -- D5: durability -------------------------------------------------------------------------


def test_commits_are_fully_synchronous(ws: Workspace) -> None:
    _sqlite_path(ws)
    with ws.engine.connect() as conn:
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


# -- S6: many sessions (threads) on the one cached workspace -------------------------------


def test_sessions_on_many_threads_share_the_workspace_safely(ws: Workspace) -> None:
    """Streamlit runs each browser session's script on its own thread, all with the one
    workspace of st.cache_resource: no ProgrammingError (thread check), no lost write."""
    contacts.add(ws, ContactInput(name="Shared"))
    errors: list[str] = []
    per_thread = 20

    def session(n: int) -> Callable[[], None]:
        def run() -> None:
            try:
                for i in range(per_thread):
                    ledger.add(
                        ws,
                        LedgerInput(
                            contact="Shared",
                            direction="gave" if n % 2 else "received",
                            kind="mention",
                            occurred_on="2026-11-01",
                            note=f"t{n}-{i}",
                        ),
                    )
                    contacts.list_contacts(ws)
            except Exception as error:  # any failure at all is what this test looks for
                errors.append(repr(error))

        return run

    threads = [threading.Thread(target=session(n)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    with ws.read() as s:
        assert s.scalar(select(func.count()).select_from(InteractionRow)) == 8 * per_thread


def test_d4_the_check_at_open_reports_exactly_the_planted_orphan(
    ws: Workspace, db_url: str
) -> None:
    """THREATS D4: "a startup check runs PRAGMA foreign_key_check and PRAGMA quick_check";
    on a database with one planted orphan, opening it reports exactly that row."""
    from planner.services import open_workspace
    from planner.storage.db import integrity_problems

    path = _sqlite_path(ws)
    assert ws.problems == [] and integrity_problems(ws.engine) == []
    kept = contacts.add(ws, ContactInput(name="Kept"))
    for day in ("2026-11-01", "2026-11-02"):
        ledger.add(
            ws, LedgerInput(contact=kept.id, direction="gave", kind="mention", occurred_on=day)
        )
    [first, _] = sorted(i.id for i in ledger.list_interactions(ws))
    raw = sqlite3.connect(path, isolation_level=None)  # foreign_keys is OFF by default here
    try:
        raw.execute("UPDATE interactions SET contact_id = 4242 WHERE id = ?", (first,))
    finally:
        raw.close()
    reopened = open_workspace(db_url)
    try:
        assert reopened.problems == [f"interactions row {first}: missing contacts row"]
    finally:
        reopened.engine.dispose()


def test_d4_the_app_shows_what_the_check_at_open_found(app_db: str, app_ws: Workspace) -> None:
    from tests.pages.conftest import APP

    kept = contacts.add(app_ws, ContactInput(name="Kept"))
    ledger.add(
        app_ws,
        LedgerInput(contact=kept.id, direction="gave", kind="mention", occurred_on="2026-11-01"),
    )
    raw = sqlite3.connect(_sqlite_path(app_ws), isolation_level=None)
    try:
        raw.execute("UPDATE interactions SET contact_id = 4242")
    finally:
        raw.close()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    assert any("missing contacts row" in w.value for w in at.warning)


# -- D6: a backup taken while cron writes in a loop --------------------------------------------

_WRITER_SCRIPT = """
import os, sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("PRAGMA wal_autocheckpoint=0")  # committed rows stay in the WAL
stop_file = sys.argv[2]
give_up = time.monotonic() + 120  # only if the test died without creating the stop file
n = 0
while not os.path.exists(stop_file) and time.monotonic() < give_up:
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "INSERT INTO contacts (name, aliases, email, domains, handles, tags, tier, notes, "
        "archived, source, created_at, updated_at) VALUES (?, '[]', '', '[]', '[]', '[]', "
        "'network', '', 0, 'manual', '2026-11-25 00:00:00', '2026-11-25 00:00:00')",
        (f"Cron {n}",),
    )
    conn.execute("COMMIT")
    n += 1
    if n == 1:
        print("looping", flush=True)
print(n)
"""


def _contact_count(ws: Workspace) -> int:
    with ws.read() as s:
        return s.scalar(select(func.count()).select_from(ContactRow)) or 0


def test_d6_a_backup_while_cron_writes_in_a_loop_completes_and_is_consistent(
    ws: Workspace, tmp_path
) -> None:
    """THREATS D6: "run the backup while the cron writes in a loop → it completes and is
    consistent". Each backup's SQLite snapshot passes integrity_check and holds exactly
    the rows its manifest and CSV say; successive backups see more and more rows.

    The writer loops until told to stop, so every backup runs while it writes, however
    slowly this machine starts it or runs the backups."""
    import csv
    import io
    import json
    import zipfile

    from planner.services import backup

    path = _sqlite_path(ws)
    contacts.add(ws, ContactInput(name="Before"))
    stop_file = tmp_path / "stop-writing"
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER_SCRIPT, path, str(stop_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: list[int] = []
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline() == "looping\n"  # it has committed and goes on
        for i in range(3):
            if seen:  # the writer has committed since the last snapshot
                wait_until = time.monotonic() + 60
                while _contact_count(ws) <= seen[-1] and time.monotonic() < wait_until:
                    time.sleep(0.02)
            started = time.monotonic()
            data = backup.create_backup(ws)
            # "Completes": a backup that restarted or waited for the endless writer would
            # never return; a few hundred ms are expected, 20 s is far beyond any load.
            assert time.monotonic() - started < 20
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                manifest = json.loads(zf.read("manifest.json"))
                table = zf.read("tables/contacts.csv").decode("utf-8")
                snapshot = tmp_path / f"snap-{i}.sqlite"
                snapshot.write_bytes(zf.read("planner.sqlite"))
            csv_rows = len(list(csv.reader(io.StringIO(table, newline="")))) - 1
            conn = sqlite3.connect(snapshot)
            try:
                assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
                (snap_rows,) = conn.execute("SELECT count(*) FROM contacts").fetchone()
            finally:
                conn.close()
            assert manifest["tables"]["contacts"]["rows"] == csv_rows == snap_rows
            seen.append(snap_rows)
        assert writer.poll() is None, "the writer was still writing after the last backup"
    finally:
        stop_file.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err[-2000:]
    written = int(out)
    assert written > 0, "the writer wrote while the backups ran"
    assert seen == sorted(seen) and seen[-1] > seen[0] >= 2  # "Before" + the first commit
    assert _contact_count(ws) == 1 + written


# -- D1/D2 with the row's own numbers -----------------------------------------------------------


def test_d1_a_read_during_a_2_s_exclusive_write_does_not_wait(ws: Workspace) -> None:
    """THREATS D1: another process holds an exclusive write for 2 s; a read meanwhile
    returns the last commit at once. "At once" is asserted as an order of events: the
    read returned before the writer committed (THREATS' < 100 ms is a speed figure; a
    read that waited for the lock could only return after the commit)."""
    contacts.add(ws, ContactInput(name="Ann Lee", notes="committed"))
    reading = threading.Event()
    committing = threading.Event()
    with other_writer(_sqlite_path(ws), mode="EXCLUSIVE") as cron:

        def commit_after_2_s() -> None:
            reading.wait(60)
            time.sleep(2.0)  # the write stays open 2 s from the moment the read starts
            committing.set()  # set before COMMIT: a read that waited cannot slip under it
            cron.execute("COMMIT")

        timer = threading.Thread(target=commit_after_2_s)
        timer.start()
        reading.set()
        with ws.read() as s:
            notes = s.scalars(select(ContactRow.notes)).all()
        returned_before_commit = not committing.is_set()
        timer.join(60)
        assert not timer.is_alive()
    assert returned_before_commit, "the read only returned once the writer had committed"
    assert notes == ["committed"]  # the last commit, not the writer's uncommitted change
    with ws.read() as s:  # the writer's change was real and is visible once committed
        assert s.scalars(select(ContactRow.notes)).all() == ["uncommitted"]


def test_d2_a_write_behind_a_3_s_lock_waits_for_it_and_succeeds(ws: Workspace) -> None:
    """THREATS D2: another process holds the write lock for 3 s; our write neither fails
    ("database is locked") nor goes ahead: it is still pending while the lock is held
    and succeeds once it is released (the busy timeout is 30 s)."""
    contacts.add(ws, ContactInput(name="Ann Lee"))
    outcome: list[object] = []
    started = threading.Event()

    def write() -> None:
        started.set()
        try:
            outcome.append(
                ledger.add(
                    ws,
                    LedgerInput(
                        contact="Ann Lee",
                        direction="gave",
                        kind="mention",
                        occurred_on="2026-11-01",
                    ),
                )
            )
        except Exception as error:  # reported below, with the order of events
            outcome.append(error)

    writer = threading.Thread(target=write)
    with other_writer(_sqlite_path(ws)) as cron:
        writer.start()
        assert started.wait(60)
        time.sleep(3.0)  # the lock stays held for 3 s after our write began
        pending_while_locked = writer.is_alive()
        outcome_while_locked = list(outcome)
        rows_while_locked = len(ledger.list_interactions(ws))
        cron.execute("COMMIT")
        # Once released, the write gets the lock at SQLite's next busy retry (~0.1 s).
        # 10 s is generous under any load, and still well before the 30 s busy timeout
        # would end a write that never noticed the release.
        writer.join(10)
        finished_after_release = not writer.is_alive()
    writer.join(60)
    assert outcome_while_locked == [] and pending_while_locked, outcome_while_locked
    assert rows_while_locked == 0
    assert finished_after_release, "the write was still waiting 10 s after the release"
    assert len(outcome) == 1 and not isinstance(outcome[0], Exception), outcome
    assert len(ledger.list_interactions(ws)) == 1
