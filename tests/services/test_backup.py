"""Backup and restore: exact round trips, refusals that change nothing, the CLI, the snapshot.

Runs on SQLite and, when PLANNER_TEST_POSTGRES_URL is set, on PostgreSQL. There is one
PostgreSQL database, so "a fresh empty database" there is the same one with its schema
dropped and migrated again after the backup is taken.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import threading
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Text, cast, func, select

from planner.errors import Conflict, InvalidInput
from planner.services import Workspace, backup, contacts, exports, ledger, open_workspace
from planner.storage import migrate
from planner.storage.schema import Base, ContactRow, InteractionRow, SettingRow, TemplateRow
from tests.conftest import _reset_postgres, fixed_clock
from tests.conftest import run_cli as run

# --------------------------------------------------------------------------- helpers


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


@pytest.fixture
def fresh(db_url: str, tmp_path: Path) -> Iterator[Callable[[Workspace], Workspace]]:
    """Makes an empty, migrated database to restore into (call after taking the backup)."""
    opened: list[Workspace] = []

    def make(source: Workspace) -> Workspace:
        if is_sqlite(db_url):
            url = f"sqlite:///{tmp_path / f'restored-{len(opened)}.db'}"
        else:
            source.engine.dispose()
            _reset_postgres(db_url)
            url = db_url
        target = open_workspace(url, clock=fixed_clock())
        opened.append(target)
        return target

    yield make
    for target in opened:
        target.engine.dispose()


def counts(ws: Workspace) -> dict[str, int]:
    with ws.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        }


def dump(ws: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, JSON columns as their stored text."""
    out = {}
    with ws.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            cols = [
                cast(c, Text).label(c.name) if type(c.type).__name__ == "JSON" else c
                for c in table.columns
            ]
            query = select(*cols).order_by(*table.primary_key.columns)
            out[table.name] = [tuple(r) for r in conn.execute(query)]
    return out


def balances(ws: Workspace) -> list[dict[str, Any]]:
    """planner.services.exports.balances_frame as records (NaN as None, so == works)."""
    frame = exports.balances_frame(ws)
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def state(ws: Workspace) -> tuple[Any, ...]:
    return counts(ws), balances(ws), dump(ws)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rezip(files: dict[str, bytes], *, rehash: bool = True) -> bytes:
    """A zip of ``files``; with ``rehash`` the manifest's checksums are made to match."""
    files = dict(files)
    if rehash and "manifest.json" in files:
        manifest = json.loads(files["manifest.json"])
        for name in list(manifest["members"]):
            if name in files:
                manifest["members"][name] = {
                    "sha256": hashlib.sha256(files[name]).hexdigest(),
                    "size": len(files[name]),
                }
        files["manifest.json"] = json.dumps(manifest).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def edit_manifest(files: dict[str, bytes], change: Callable[[dict[str, Any]], None]) -> None:
    manifest = json.loads(files["manifest.json"])
    change(manifest)
    files["manifest.json"] = json.dumps(manifest).encode()


def add_awkward_values(ws: Workspace) -> None:
    """Values a careless CSV round trip would change."""
    now = datetime(2026, 11, 20, 8, 30, 15, 123456)
    with ws.write() as s:
        maya = s.scalars(select(ContactRow).order_by(ContactRow.id)).first()
        assert maya is not None
        last = s.scalar(select(func.max(ContactRow.id)))
        # Merged into a contact with a larger id: restore must not trip over the order.
        maya.merged_into_id = last
        s.add(
            ContactRow(
                name='Zoë "Quotes", =SUM(A1)',
                aliases=["\\N", "", "a,b"],
                email="",
                domains=[],
                handles=["@zoë"],
                tags=["line\nbreak", "tab\there"],
                tier="network",
                reach=None,
                notes='\\N is not null\r\nsecond line\n\n"quoted"\\',
                archived=True,
                created_at=now,
                updated_at=now,
            )
        )
        s.add(SettingRow(key="json-null", value=None))
        s.add(
            TemplateRow(
                name="my_thanks",
                subject="Thanks, {{ contact.name }}!",
                body="Hi {{ contact.first_name }},\n\nthank you.\n",
                html="",
                updated_at=now,
            )
        )
        s.flush()
        row = s.scalars(select(InteractionRow).order_by(InteractionRow.id)).first()
        assert row is not None
        row.magnitude = 1 / 3
        row.note = ""
        row.link = "\\"


# --------------------------------------------------------------------------- round trips


def test_round_trip_restores_every_row_and_the_same_balances(
    demo_ws: Workspace, fresh: Callable[[Workspace], Workspace]
) -> None:
    add_awkward_values(demo_ws)
    before = state(demo_ws)
    data = backup.create_backup(demo_ws)
    target = fresh(demo_ws)
    assert all(n == 0 for n in counts(target).values())

    summary = backup.restore_backup(target, data)

    assert "25 contacts" not in summary  # 26 with the awkward one
    assert f"{before[0]['contacts']} contacts" in summary
    after = state(target)
    assert after[0] == before[0]
    assert after[1] == before[1]  # balances_frame, record by record
    assert after[2] == before[2]  # every column of every row, JSON as stored text
    assert ("json-null", "null") in after[2]["settings"]


def test_manifest_describes_the_backup(demo_ws: Workspace) -> None:
    data = backup.create_backup(demo_ws)
    files = members(data)
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "give-first-backup"
    assert manifest["schema_revision"] == migrate.current_revision(demo_ws.engine)
    assert manifest["app_version"]
    assert manifest["created_at"].startswith(demo_ws.today().isoformat())
    assert set(manifest["tables"]) == {t.name for t in Base.metadata.sorted_tables}
    for name, spec in manifest["tables"].items():
        assert spec["rows"] == counts(demo_ws)[name]
        assert f"tables/{name}.csv" in files
    for name, spec in manifest["members"].items():
        assert hashlib.sha256(files[name]).hexdigest() == spec["sha256"]
    # Settings and the profile come along (templates too: see the round trip above).
    assert manifest["tables"]["settings"]["rows"] == 2  # the model and the demo's marker
    assert manifest["tables"]["profile"]["rows"] == 1


def test_csv_cells_are_exact_not_spreadsheet_neutralised(demo_ws: Workspace) -> None:
    add_awkward_values(demo_ws)
    contacts_csv = members(backup.create_backup(demo_ws))["tables/contacts.csv"].decode()
    assert '"Zoë ""Quotes"", =SUM(A1)"' in contacts_csv  # no leading apostrophe
    assert '"\\N"' in contacts_csv  # NULLs (reach of the new contact)
    assert "\\\\N is not null" in contacts_csv  # a text that looks like NULL is escaped


def test_restored_database_takes_new_rows(
    demo_ws: Workspace, fresh: Callable[[Workspace], Workspace]
) -> None:
    """PostgreSQL's sequences are moved past the restored ids."""
    data = backup.create_backup(demo_ws)
    with demo_ws.read() as s:
        last_interaction = s.scalar(select(func.max(InteractionRow.id)))
    target = fresh(demo_ws)
    backup.restore_backup(target, data)
    new = contacts.add(target, contacts.ContactInput(name="After Restore"))
    ledger.add(
        target,
        ledger.LedgerInput(
            contact="After Restore", direction="gave", kind="mention", occurred_on=date(2026, 11, 1)
        ),
    )
    assert new.id == 26
    with target.read() as s:
        assert s.scalar(select(func.max(InteractionRow.id))) == last_interaction + 1


def test_restore_refuses_a_non_empty_database_unless_replace(demo_ws: Workspace) -> None:
    data = backup.create_backup(demo_ws)
    before = state(demo_ws)
    contacts.add(demo_ws, contacts.ContactInput(name="Added After The Backup"))
    changed = state(demo_ws)

    with pytest.raises(Conflict, match="already holds data"):
        backup.restore_backup(demo_ws, data)
    assert state(demo_ws) == changed

    message = backup.restore_backup(demo_ws, data, replace=True)
    assert "replacing" in message
    assert state(demo_ws) == before


# --------------------------------------------------------------------------- refusals


def refused(ws: Workspace, data: bytes, match: str, *, replace: bool = True) -> None:
    """The restore fails with InvalidInput matching ``match`` and the database is unchanged."""
    before = state(ws)
    with pytest.raises(InvalidInput, match=match):
        backup.restore_backup(ws, data, replace=replace)
    assert state(ws) == before


def test_tampered_member_is_refused(demo_ws: Workspace) -> None:
    files = members(backup.create_backup(demo_ws))
    files["tables/interactions.csv"] = files["tables/interactions.csv"].replace(b'"5.0"', b'"50.0"')
    refused(demo_ws, rezip(files, rehash=False), "checksum")


@pytest.mark.parametrize(
    "name",
    ["../evil.csv", "/etc/cron.d/x", "tables/../../x.csv", "tables\\x.csv", "notes.txt", "tables/"],
)
def test_unexpected_member_is_refused(demo_ws: Workspace, name: str) -> None:
    files = members(backup.create_backup(demo_ws))
    files[name] = b"surprise"
    refused(demo_ws, rezip(files), "unexpected member|not listed")


def test_member_listed_but_missing_is_refused(demo_ws: Workspace) -> None:
    files = members(backup.create_backup(demo_ws))
    del files["tables/asks.csv"]
    refused(demo_ws, rezip(files, rehash=False), "asks.csv is listed in the manifest but missing")


@pytest.mark.parametrize("cut", ["mid-row", "row-boundary"])
def test_truncated_csv_is_refused_and_nothing_changes(demo_ws: Workspace, cut: str) -> None:
    """The checksum is made to match, so the failure comes mid-restore, after the wipe."""
    files = members(backup.create_backup(demo_ws))
    body = files["tables/interactions.csv"]
    lines = body.split(b"\n")
    if cut == "mid-row":
        truncated = b"\n".join(lines[:40]) + b"\n" + lines[40][: len(lines[40]) // 2]
        match = r"interactions.*line 41"
    else:
        truncated = b"\n".join(lines[:40]) + b"\n"
        match = r"interactions: 39 rows where the manifest says"
    files["tables/interactions.csv"] = truncated
    refused(demo_ws, rezip(files), match)


def test_bad_value_names_table_and_line(demo_ws: Workspace) -> None:
    files = members(backup.create_backup(demo_ws))
    lines = files["tables/asks.csv"].decode().split("\n")
    header = next(iter(csv.reader([lines[0]])))
    cells = next(iter(csv.reader([lines[3]])))
    cells[header.index("target_date")] = "next Tuesday"
    lines[3] = ",".join(f'"{c}"' for c in cells)
    files["tables/asks.csv"] = "\n".join(lines).encode()
    refused(demo_ws, rezip(files), r"table asks \(tables/asks.csv, line 4\): column target_date")


def test_broken_reference_names_table_and_line(demo_ws: Workspace) -> None:
    files = members(backup.create_backup(demo_ws))
    lines = files["tables/interactions.csv"].decode().split("\n")
    header = next(iter(csv.reader([lines[0]])))
    cells = next(iter(csv.reader([lines[7]])))
    cells[header.index("contact_id")] = "9999"
    lines[7] = ",".join(f'"{c}"' for c in cells)
    files["tables/interactions.csv"] = "\n".join(lines).encode()
    refused(demo_ws, rezip(files), r"table interactions \(tables/interactions.csv, line 8\)")


def test_backup_from_a_newer_schema_is_refused(demo_ws: Workspace) -> None:
    files = members(backup.create_backup(demo_ws))
    edit_manifest(files, lambda m: m.update(schema_revision="9999_from_the_future"))
    refused(demo_ws, rezip(files), "newer version of Give First")


def test_backup_from_a_newer_format_is_refused(demo_ws: Workspace) -> None:
    files = members(backup.create_backup(demo_ws))
    edit_manifest(files, lambda m: m.update(format_version=2))
    refused(demo_ws, rezip(files), "upgrade the app")


@pytest.mark.parametrize(
    "data, match",
    [
        (b"not a zip at all", "not a zip"),
        (rezip({"tables/contacts.csv": b'"id"\n'}, rehash=False), "manifest.json is missing"),
        (rezip({"manifest.json": b"{nope"}, rehash=False), "not valid JSON"),
        (rezip({"manifest.json": b'{"format": "other"}'}, rehash=False), "not describe"),
    ],
)
def test_not_a_backup_is_refused(demo_ws: Workspace, data: bytes, match: str) -> None:
    refused(demo_ws, data, match)


def test_oversized_member_is_refused(demo_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    data = backup.create_backup(demo_ws)
    monkeypatch.setattr(backup.opening, "MAX_MEMBER_BYTES", 1000)
    refused(demo_ws, data, "larger than 1,000 bytes")


def test_zip_bomb_total_is_refused(demo_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    files = members(backup.create_backup(demo_ws))
    files["tables/undo_log.csv"] += b" " * 5_000_000  # compresses to almost nothing
    monkeypatch.setattr(backup.opening, "MAX_TOTAL_BYTES", 1_000_000)
    data = rezip(files)
    assert len(data) < 100_000
    refused(demo_ws, data, "unpacks to more than")


def test_backup_from_an_older_schema_fills_new_columns_with_defaults(
    demo_ws: Workspace, fresh: Callable[[Workspace], Workspace]
) -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config(demo_ws.engine))
    head = script.get_revision(migrate.current_revision(demo_ws.engine))
    if not head.down_revision:
        pytest.skip("only one schema revision so far")
    files = members(backup.create_backup(demo_ws))
    balances_before = balances(demo_ws)
    # The older schema had no "notes" on contacts but a column since dropped ("legacy").
    rows = list(csv.reader(io.StringIO(files["tables/contacts.csv"].decode(), newline="")))
    drop = rows[0].index("notes")
    rows = [[*r[:drop], *r[drop + 1 :], "old value" if i else "legacy"] for i, r in enumerate(rows)]
    out = io.StringIO(newline="")
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    files["tables/contacts.csv"] = out.getvalue().encode()

    def older(manifest: dict[str, Any]) -> None:
        manifest["schema_revision"] = head.down_revision
        manifest["tables"]["contacts"]["columns"] = rows[0]

    edit_manifest(files, older)
    target = fresh(demo_ws)
    backup.restore_backup(target, rezip(files))
    assert {c.notes for c in contacts.list_contacts(target, include_archived=True)} == {""}
    assert balances(target) == balances_before

    # The same file claiming to be from the current schema is refused: columns differ.
    edit_manifest(files, lambda m: m.update(schema_revision=head.revision))
    refused(target, rezip(files), "does not match this app's contacts table")


# --------------------------------------------------------------------------- SQLite snapshot


def test_sqlite_snapshot_opens_and_has_the_same_contacts(
    demo_ws: Workspace, db_url: str, tmp_path: Path
) -> None:
    files = members(backup.create_backup(demo_ws))
    if not is_sqlite(db_url):
        assert "planner.sqlite" not in files
        return
    path = tmp_path / "snapshot.sqlite"
    path.write_bytes(files["planner.sqlite"])
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        n = conn.execute("SELECT count(*) FROM contacts").fetchone()[0]
    finally:
        conn.close()
    assert n == counts(demo_ws)["contacts"] == 25


def test_sqlite_backup_does_not_wait_for_a_writer_and_is_consistent(
    demo_ws: Workspace, db_url: str, tmp_path: Path
) -> None:
    """A writer holding the lock (say, cron ingesting) neither blocks the backup nor leaks
    its uncommitted rows into it; committed rows still in the WAL are included (D6)."""
    if not is_sqlite(db_url):
        pytest.skip("SQLite locking")
    path = db_url.split("///", 1)[1]
    writer = sqlite3.connect(path, isolation_level=None, timeout=1)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("BEGIN IMMEDIATE")
    for i in range(100):
        writer.execute(
            "INSERT INTO contacts (name, aliases, email, domains, handles, tags, tier, notes, "
            "archived, source, created_at, updated_at) VALUES "
            "(?, '[]', '', '[]', '[]', '[]', 'network', '', 0, 'manual', ?, ?)",
            (f"Committed {i}", "2026-11-25 00:00:00", "2026-11-25 00:00:00"),
        )
    writer.execute("COMMIT")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE contacts SET notes = 'uncommitted'")
    result: dict[str, bytes] = {}
    thread = threading.Thread(target=lambda: result.update(data=backup.create_backup(demo_ws)))
    thread.start()
    thread.join(timeout=20)
    writer.execute("ROLLBACK")
    writer.close()
    assert not thread.is_alive() and "data" in result
    files = members(result["data"])
    assert json.loads(files["manifest.json"])["tables"]["contacts"]["rows"] == 125
    assert b"uncommitted" not in files["tables/contacts.csv"]
    snap = tmp_path / "s.sqlite"
    snap.write_bytes(files["planner.sqlite"])
    conn = sqlite3.connect(snap)
    assert conn.execute("SELECT count(*) FROM contacts").fetchone() == (125,)
    assert conn.execute("SELECT count(*) FROM contacts WHERE notes='uncommitted'").fetchone() == (
        0,
    )
    conn.close()


# --------------------------------------------------------------------------- CLI


def test_cli_backup_restore_round_trip(
    capsys: pytest.CaptureFixture[str],
    demo_ws: Workspace,
    db_url: str,
    tmp_path: Path,
    fresh: Callable[[Workspace], Workspace],
) -> None:
    before = balances(demo_ws)
    zip_path = tmp_path / "planner-backup.zip"
    code, out, err = run(capsys, db_url, "backup", str(zip_path))
    assert code == 0, err
    assert out.startswith(f"backup written to {zip_path}") and "25" not in err
    assert len(out.strip().splitlines()) == 1
    assert zipfile.is_zipfile(zip_path)

    target = fresh(demo_ws)
    target_url = target.engine.url.render_as_string(hide_password=False)
    code, out, err = run(capsys, target_url, "restore", str(zip_path))
    assert code == 0, err
    assert out.startswith("restored ") and len(out.strip().splitlines()) == 1
    assert balances(target) == before

    code, out, err = run(capsys, target_url, "restore", str(zip_path))
    assert code == 2 and "already holds data" in err and "--replace" in err
    assert len(err.strip().splitlines()) == 1
    code, out, err = run(capsys, target_url, "restore", str(zip_path), "--replace")
    assert code == 0, err
    assert balances(target) == before


def test_cli_restore_of_a_bad_file_exits_2(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK but not really")
    code, _, err = run(capsys, db_url, "restore", str(bad))
    assert code == 2 and "not a zip" in err and "Traceback" not in err
    code, _, err = run(capsys, db_url, "restore", str(tmp_path / "missing.zip"))
    assert code == 2 and "cannot read" in err


def test_backup_file_name_has_the_date(ws: Workspace) -> None:
    assert backup.backup_file_name(ws) == "give-first-backup-2026-11-25.zip"


def test_restore_of_an_empty_database_backup_is_fine(
    ws: Workspace, fresh: Callable[[Workspace], Workspace]
) -> None:
    data = backup.create_backup(ws)
    target = fresh(ws)
    assert "restored 0 rows" in backup.restore_backup(target, data)
    assert all(n == 0 for n in counts(target).values())


# --------------------------------------------------------------------------- Settings page


def test_settings_page_has_backup_and_restore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    monkeypatch.setenv("PLANNER_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.switch_page("pages/settings.py").run()
    assert not at.exception, at.exception
    assert any(h.value == "Backup & restore" for h in at.subheader)
    restore = next(b for b in at.button if b.label == "Restore")
    assert restore.disabled  # nothing uploaded, nothing ticked
    tick = next(c for c in at.checkbox if c.key == "restore_replace")
    tick.check().run()
    assert not at.exception, at.exception
    assert next(b for b in at.button if b.label == "Restore").disabled  # still no file
