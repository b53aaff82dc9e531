"""D-rows of THREATS.md: the app's writes and a cron `planner ingest` in another process.

SQLite in WAL mode with a busy timeout and BEGIN IMMEDIATE makes writers queue instead of
failing with "database is locked"; this test proves no write is lost and no such error
reaches either side.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from planner.services import Workspace, contacts, feeds, ledger
from planner.services.contacts import ContactInput
from planner.services.ledger import LedgerInput
from planner.storage.schema import EntryRow, InteractionRow
from tests.conftest import ROOT

DEMO_FEEDS = ROOT / "data" / "demo" / "feeds"


def _feed_copies(tmp_path: Path, copies: int) -> list[Path]:
    out = []
    for i in range(copies):
        for source in sorted(DEMO_FEEDS.glob("*.xml")):
            target = tmp_path / f"{i:02d}-{source.name}"
            shutil.copyfile(source, target)
            out.append(target)
    return out


def test_cron_ingest_and_app_writes_lose_nothing(
    ws: Workspace, db_url: str, tmp_path: Path
) -> None:
    contacts.add(ws, ContactInput(name="Writer Target"))
    paths = _feed_copies(tmp_path, 4)
    for path in paths:
        feeds.add_file(ws, path, owner="industry")
    proc = subprocess.Popen(
        [sys.executable, "-m", "planner", "--database", db_url, "ingest"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    written = 0
    errors: list[str] = []
    deadline = time.monotonic() + 60
    while (proc.poll() is None or written < 50) and time.monotonic() < deadline:
        try:
            ledger.add(
                ws,
                LedgerInput(
                    contact="Writer Target",
                    direction="gave",
                    kind="mention",
                    occurred_on=date(2026, 11, 1),
                    note=f"write {written}",
                ),
            )
            written += 1
        except Exception as error:  # any failure at all is what this test looks for
            errors.append(repr(error))
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "locked" not in err.lower() and "locked" not in out.lower()
    assert errors == []
    assert f"fetched {len(paths)}" in out
    with ws.read() as s:
        stored = s.scalar(
            select(func.count())
            .select_from(InteractionRow)
            .where(InteractionRow.note.like("write %"))
        )
        entries = s.scalar(select(func.count()).select_from(EntryRow))
    assert stored == written >= 50
    assert entries and entries > 0


def test_two_processes_writing_the_ledger_lose_nothing(ws: Workspace, db_url: str) -> None:
    if ws.engine.dialect.name != "sqlite":
        pytest.skip("the SQLite locking case")
    contacts.add(ws, ContactInput(name="Both Sides"))
    script = (
        "import sys\n"
        "from planner.services import open_workspace, ledger\n"
        "ws = open_workspace(sys.argv[1])\n"
        "for i in range(150):\n"
        "    ledger.add(ws, ledger.LedgerInput(contact='Both Sides', direction='received',"
        " kind='share', occurred_on='2026-10-01', note=f'other {i}'))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, db_url], cwd=ROOT, stderr=subprocess.PIPE, text=True
    )
    for i in range(150):
        ledger.add(
            ws,
            LedgerInput(
                contact="Both Sides",
                direction="gave",
                kind="mention",
                occurred_on="2026-10-01",
                note=f"mine {i}",
            ),
        )
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    with ws.read() as s:
        total = s.scalar(select(func.count()).select_from(InteractionRow))
    assert total == 300


_AUDIENCE_MENTION = {
    "contact": None,
    "direction": "gave",
    "kind": "mention",
    "occurred_on": date(2026, 11, 1),
}


def test_a_writer_locked_out_for_the_whole_busy_timeout_gets_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another process holding the write lock longer than the busy timeout (a long import
    by an older version, a stuck script) makes a write fail with Busy — exit 2 and one
    line from the CLI — and nothing is written."""
    import sqlite3

    from planner.cli import main
    from planner.errors import Busy
    from planner.services import open_workspace
    from planner.storage import db

    url = f"sqlite:///{tmp_path / 'busy.db'}"
    open_workspace(url).engine.dispose()
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    ws = open_workspace(url)
    holder = sqlite3.connect(tmp_path / "busy.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(Busy, match=r"database is busy.*nothing was changed"):
            ledger.add(ws, LedgerInput(**_AUDIENCE_MENTION))
        args = ["ledger", "add", "--contact", "audience", "--direction", "gave"]
        code = main(["--database", url, *args, "--kind", "mention", "--date", "2026-11-01"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("planner: error: the database is busy") and "Traceback" not in err
    assert ledger.list_interactions(ws) == []
    ws.engine.dispose()
