"""Writing a backup: one consistent read of every table into a zip, with a manifest."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, Table, Text, cast, create_engine, event, select
from sqlalchemy.pool import NullPool

from planner import __version__
from planner.errors import Conflict
from planner.services.backup.cells import (
    BATCH,
    CHUNK,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    NULL,
    SNAPSHOT,
    column_kind,
    encode_cell,
    table_member,
)
from planner.services.workspace import Workspace
from planner.storage.db import SQLITE_BUSY_TIMEOUT_MS
from planner.storage.schema import Base


class _HashingWriter(io.RawIOBase):
    """Passes bytes to a zip member while hashing and counting them."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.sha = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.sha.update(chunk)
        self.size += len(chunk)
        self.target.write(chunk)
        return len(chunk)


def _is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_path(engine: Engine) -> str | None:
    """The database file, or None for an in-memory database."""
    path = engine.url.database
    if not path or path == ":memory:" or (path.startswith("file:") and "mode=memory" in path):
        return None
    return path


@contextmanager
def _snapshot_connection(ws: Workspace) -> Iterator[Connection]:
    """A connection inside one read transaction that sees a single, consistent state.

    PostgreSQL: REPEATABLE READ, read only. SQLite: a *deferred* transaction on a
    dedicated connection — the app's connections begin IMMEDIATE (they may write), and
    SQLite's backup API refuses a source connection that holds a write transaction. In
    WAL mode the first read fixes the snapshot and writers carry on meanwhile.
    """
    engine = ws.engine
    if not _is_sqlite(engine):
        with engine.connect() as conn:
            conn = conn.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            with conn.begin():
                yield conn
        return
    if _sqlite_path(engine) is None:
        with engine.begin() as conn:
            yield conn
        return
    reader = create_engine(
        engine.url,
        poolclass=NullPool,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(reader, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA foreign_keys=ON")
        dbapi_conn.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")

    @event.listens_for(reader, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    try:
        with reader.connect() as conn, conn.begin():
            yield conn
    finally:
        reader.dispose()


def _select_for(table: Table) -> Any:
    """Every column; JSON as its stored text so NULL and JSON null stay apart."""
    cols = [cast(c, Text).label(c.name) if column_kind(c) == "json" else c for c in table.columns]
    return select(*cols).order_by(*table.primary_key.columns)


def _write_table(zf: zipfile.ZipFile, conn: Connection, table: Table) -> tuple[str, int, str, int]:
    name = table_member(table.name)
    kinds = [column_kind(c) for c in table.columns]
    rows = 0
    with zf.open(name, "w", force_zip64=True) as member:
        hasher = _HashingWriter(member)
        buffered = io.BufferedWriter(hasher, buffer_size=CHUNK)
        out = io.TextIOWrapper(buffered, encoding="utf-8", newline="")
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow([c.name for c in table.columns])
        result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(
            _select_for(table)
        )
        for row in result:
            writer.writerow([encode_cell(k, v) for k, v in zip(kinds, row, strict=True)])
            rows += 1
        out.flush()
        buffered.flush()
        out.detach()
    return name, rows, hasher.sha.hexdigest(), hasher.size


def _sqlite_snapshot(conn: Connection) -> bytes:
    """A raw copy of the database through SQLite's online backup API, integrity-checked."""
    source = conn.connection.dbapi_connection
    assert isinstance(source, sqlite3.Connection)
    with tempfile.TemporaryDirectory(prefix="planner-backup-") as tmp:
        path = Path(tmp) / SNAPSHOT
        target = sqlite3.connect(path)
        try:
            source.backup(target)
            # A self-contained file: no -wal companion needed to open it.
            target.execute("PRAGMA journal_mode=DELETE")
            check = target.execute("PRAGMA integrity_check").fetchall()
        finally:
            target.close()
        if check != [("ok",)]:
            raise Conflict(
                "the database snapshot failed SQLite's integrity check: "
                + "; ".join(str(r[0]) for r in check[:5])
            )
        return path.read_bytes()


def create_backup(ws: Workspace) -> bytes:
    """The whole database as a zip (see the module docstring for what is inside)."""
    buffer = io.BytesIO()
    tables: dict[str, dict[str, Any]] = {}
    members: dict[str, dict[str, Any]] = {}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        with _snapshot_connection(ws) as conn:
            revision = MigrationContext.configure(conn).get_current_revision()
            for table in Base.metadata.sorted_tables:
                name, rows, sha, size = _write_table(zf, conn, table)
                tables[table.name] = {
                    "file": name,
                    "rows": rows,
                    "columns": [c.name for c in table.columns],
                }
                members[name] = {"sha256": sha, "size": size}
            snapshot = None
            if _is_sqlite(ws.engine) and _sqlite_path(ws.engine) is not None:
                snapshot = _sqlite_snapshot(conn)
        if snapshot is None and _is_sqlite(ws.engine):
            # In-memory database: nothing else can write, so after the read is as good.
            with ws.engine.connect() as conn:
                snapshot = _sqlite_snapshot(conn)
        if snapshot is not None:
            zf.writestr(SNAPSHOT, snapshot)
            members[SNAPSHOT] = {
                "sha256": hashlib.sha256(snapshot).hexdigest(),
                "size": len(snapshot),
            }
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app": "Give First",
            "app_version": __version__,
            "schema_revision": revision,
            "created_at": ws.now().isoformat(timespec="seconds") + "Z",
            "database": ws.engine.dialect.name,
            "null": NULL,
            "tables": tables,
            "members": members,
        }
        zf.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return buffer.getvalue()


def backup_file_name(ws: Workspace) -> str:
    """A file name for today's backup: give-first-backup-YYYY-MM-DD.zip."""
    return f"give-first-backup-{ws.today().isoformat()}.zip"
