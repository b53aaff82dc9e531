"""Restore checks values, not only structure: a backup is refused for what a form refuses.

Each test takes a real backup (planner.services.backup.create_backup), rewrites one cell of
one table's CSV inside the zip and recomputes the manifest's SHA-256 and size for that
member — what anyone editing a backup by hand can do — then restores it with the CLI over
the same, non-empty database with ``--replace``: had the restore gone ahead it would have
replaced everything, so "the database is unchanged" is a real check.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Text, cast, select

from planner.cli import main
from planner.services import Workspace, backup
from planner.storage import migrate
from planner.storage.schema import Base

# --------------------------------------------------------------------------- helpers


def dump(ws: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (JSON as its stored text), to compare before and after."""
    out = {}
    with ws.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            cols = [
                cast(c, Text).label(c.name) if type(c.type).__name__ == "JSON" else c
                for c in table.columns
            ]
            out[table.name] = [
                tuple(r) for r in conn.execute(select(*cols).order_by(*table.primary_key.columns))
            ]
    return out


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rezip(files: dict[str, bytes], changed: str) -> bytes:
    """The zip again, with the manifest's checksum of ``changed`` recomputed as the format
    requires: SHA-256 (lower-case hex) and size in bytes of the uncompressed member."""
    manifest = json.loads(files["manifest.json"])
    manifest["members"][changed] = {
        "sha256": hashlib.sha256(files[changed]).hexdigest(),
        "size": len(files[changed]),
    }
    files = {**files, "manifest.json": json.dumps(manifest, indent=2).encode()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def set_cell(files: dict[str, bytes], table: str, column: str, value: str, *, row: int = 0) -> int:
    """Write ``value`` into ``column`` of data row ``row``; returns that record's line."""
    member = f"tables/{table}.csv"
    records = list(csv.reader(io.StringIO(files[member].decode("utf-8"), newline="")))
    records[row + 1][records[0].index(column)] = value
    out = io.StringIO(newline="")
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(records)
    files[member] = out.getvalue().encode("utf-8")
    reader = csv.reader(io.StringIO(out.getvalue(), newline=""))
    for index, _record in enumerate(reader):
        if index == row + 1:
            return reader.line_num
    raise AssertionError("row not found")  # pragma: no cover


def first_row_where(
    files: dict[str, bytes], table: str, test: Callable[[dict[str, str]], bool]
) -> int:
    text = files[f"tables/{table}.csv"].decode("utf-8")
    for index, record in enumerate(csv.DictReader(io.StringIO(text, newline=""))):
        if test(record):
            return index
    raise AssertionError(f"no such row in {table}")  # pragma: no cover


def restore_cli(
    capsys: pytest.CaptureFixture[str], url: str, data: bytes, tmp_path: Path
) -> tuple[int, str, str]:
    path = tmp_path / "edited-backup.zip"
    path.write_bytes(data)
    code = main(["--database", url, "restore", str(path), "--replace"])
    out, err = capsys.readouterr()
    return code, out, err


def assert_refused(
    capsys: pytest.CaptureFixture[str],
    ws: Workspace,
    db_url: str,
    data: bytes,
    tmp_path: Path,
    where: str,
    reason: str,
) -> None:
    before = dump(ws)
    code, out, err = restore_cli(capsys, db_url, data, tmp_path)
    assert code == 2, (out, err)
    assert "Traceback" not in err and out == ""
    assert where in err, err
    assert reason in err, err
    assert len(err.strip().splitlines()) == 1
    assert dump(ws) == before


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "table, column, value, reason",
    [
        ("interactions", "direction", "stolen", "'stolen' is not one of: gave, received"),
        ("interactions", "occurred_on", "9999-12-31", "9999-12-31 is after 2199-12-31"),
        ("interactions", "occurred_on", "1900-01-01", "1900-01-01 is before 1970-01-01"),
        ("interactions", "kind", "bribe", "'bribe' is not one of: share, mention"),
        ("interactions", "magnitude", "-3.0", "must be greater than 0"),
        ("interactions", "source", "hearsay", "'hearsay' is not one of: manual, feed"),
        ("contacts", "tier", "bestie", "'bestie' is not one of: cell, deep, active, network"),
        ("contacts", "name", "x" * 201, "is longer than 200 characters"),
        ("asks", "status", "begged", "'begged' is not one of: idea, planned, sent"),
        ("asks", "target_date", "9999-12-31", "9999-12-31 is after 2199-12-31"),
        ("planned_gives", "kind", "bribe", "'bribe' is not one of"),
        ("requests", "status", "ignored", "'ignored' is not one of: open, accepted"),
        ("feeds", "owner", "nobody", "'nobody' is not one of: me, contact, industry"),
    ],
)
def test_a_value_a_form_refuses_is_refused_with_table_line_and_column(
    capsys: pytest.CaptureFixture[str],
    demo_ws: Workspace,
    db_url: str,
    tmp_path: Path,
    table: str,
    column: str,
    value: str,
    reason: str,
) -> None:
    files = unzip(backup.create_backup(demo_ws))
    line = set_cell(files, table, column, value, row=2)
    data = rezip(files, f"tables/{table}.csv")
    where = f"table {table} (tables/{table}.csv, line {line}): column {column}:"
    assert_refused(capsys, demo_ws, db_url, data, tmp_path, where, reason)


def test_a_reach_beyond_the_limit_is_refused(
    capsys: pytest.CaptureFixture[str], demo_ws: Workspace, db_url: str, tmp_path: Path
) -> None:
    files = unzip(backup.create_backup(demo_ws))
    row = first_row_where(files, "contacts", lambda r: r["reach"] != "\\N")
    line = set_cell(files, "contacts", "reach", "99999999999", row=row)
    data = rezip(files, "tables/contacts.csv")
    where = f"table contacts (tables/contacts.csv, line {line}): column reach:"
    assert_refused(capsys, demo_ws, db_url, data, tmp_path, where, "a typo?")


def test_a_half_life_the_settings_page_refuses_is_refused(
    capsys: pytest.CaptureFixture[str], demo_ws: Workspace, db_url: str, tmp_path: Path
) -> None:
    files = unzip(backup.create_backup(demo_ws))
    row = first_row_where(files, "settings", lambda r: r["key"] == "model")
    text = files["tables/settings.csv"].decode("utf-8")
    stored = list(csv.DictReader(io.StringIO(text, newline="")))[row]["value"]
    model = json.loads(stored)
    model["half_life_days"] = 1.0
    line = set_cell(files, "settings", "value", json.dumps(model), row=row)
    data = rezip(files, "tables/settings.csv")
    where = f"table settings (tables/settings.csv, line {line}): column value:"
    assert_refused(capsys, demo_ws, db_url, data, tmp_path, where, "at least 14 days")


def test_a_far_future_date_in_an_older_schema_backup_is_refused_the_same_way(
    capsys: pytest.CaptureFixture[str], demo_ws: Workspace, db_url: str, tmp_path: Path
) -> None:
    """An older-schema backup goes through the migration path (new columns filled with
    defaults, ledger values recomputed): the 9999 date crashed there with OverflowError."""
    script = ScriptDirectory.from_config(migrate.alembic_config(demo_ws.engine))
    head = script.get_revision(migrate.current_revision(demo_ws.engine))
    assert head.down_revision, "needs two schema revisions"
    files = unzip(backup.create_backup(demo_ws))
    manifest = json.loads(files["manifest.json"])
    manifest["schema_revision"] = head.down_revision
    files["manifest.json"] = json.dumps(manifest).encode()
    line = set_cell(files, "interactions", "occurred_on", "9999-12-31", row=2)
    data = rezip(files, "tables/interactions.csv")

    # The unedited older-schema backup restores (so the refusal below is the value's).
    ok = rezip(
        unzip(data)
        | {
            "tables/interactions.csv": unzip(backup.create_backup(demo_ws))[
                "tables/interactions.csv"
            ]
        },
        "tables/interactions.csv",
    )
    code, out, err = restore_cli(capsys, db_url, ok, tmp_path)
    assert code == 0 and out.startswith("restored "), err

    where = f"table interactions (tables/interactions.csv, line {line}): column occurred_on:"
    assert_refused(capsys, demo_ws, db_url, data, tmp_path, where, "9999-12-31 is after 2199-12-31")


def test_refusal_into_an_empty_database_leaves_it_empty(
    capsys: pytest.CaptureFixture[str], demo_ws: Workspace, tmp_path: Path, db_url: str
) -> None:
    files = unzip(backup.create_backup(demo_ws))
    set_cell(files, "interactions", "direction", "stolen", row=150)
    data = rezip(files, "tables/interactions.csv")
    # Contacts and most ledger rows come before the bad row: none of them may stay.
    with demo_ws.write() as s:
        from planner.services.demo import wipe

        wipe(s)
    code, _out, err = restore_cli(capsys, db_url, data, tmp_path)
    assert code == 2 and "column direction" in err
    assert all(not rows for rows in dump(demo_ws).values())


# --------------------------------------------------------------------------- still fine


def test_a_valid_backup_still_restores_byte_identically(
    capsys: pytest.CaptureFixture[str], demo_ws: Workspace, db_url: str, tmp_path: Path
) -> None:
    first = backup.create_backup(demo_ws)
    before = dump(demo_ws)
    code, out, err = restore_cli(capsys, db_url, first, tmp_path)
    assert code == 0 and out.startswith("restored "), err
    assert dump(demo_ws) == before
    again = unzip(backup.create_backup(demo_ws))
    tables = {n: b for n, b in unzip(first).items() if n.startswith("tables/")}
    assert tables == {n: b for n, b in again.items() if n.startswith("tables/")}


def test_an_unguessed_feed_kind_and_null_dates_are_accepted(
    capsys: pytest.CaptureFixture[str], demo_ws: Workspace, db_url: str, tmp_path: Path
) -> None:
    """Blank feed kinds (guessed at the first fetch) and NULL optional dates are valid."""
    files = unzip(backup.create_backup(demo_ws))
    set_cell(files, "feeds", "kind", "", row=0)
    data = rezip(files, "tables/feeds.csv")
    files = unzip(data)
    row = first_row_where(files, "asks", lambda r: True)
    set_cell(files, "asks", "target_date", "\\N", row=row)
    code, out, err = restore_cli(capsys, db_url, rezip(files, "tables/asks.csv"), tmp_path)
    assert code == 0 and out.startswith("restored "), err
