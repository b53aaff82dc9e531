"""Backup and restore: the whole database as one zip, restorable on SQLite or PostgreSQL.

A backup holds

* ``manifest.json`` — format, app version, the Alembic schema revision, when it was made,
  each table's columns and row count, and a SHA-256 and size for every other member;
* ``tables/<table>.csv`` — one CSV per table of :data:`planner.storage.schema.Base.metadata`
  (generic over ``metadata.sorted_tables``, so a new table is backed up with no change
  here), settings and user templates included;
* ``planner.sqlite`` — when the database is SQLite, a consistent raw snapshot made with
  SQLite's online backup API (never a file copy, which misses whatever is still in the
  WAL), checked with ``PRAGMA integrity_check``. Restore reads the CSVs, so a backup made
  on SQLite restores on PostgreSQL and the other way round.

The CSVs must give back exactly what was stored, so they are *not* the spreadsheet
exports (those neutralise formula cells, which changes values). Every field is quoted;
a cell is text in a fixed encoding per column type:

========  =====================================================================
NULL      ``\\N`` (a text starting with a backslash gets one more in front)
JSON      the JSON text as stored (so SQL NULL and JSON ``null`` stay distinct)
date      ``YYYY-MM-DD``; datetimes ``datetime.isoformat()`` (microseconds kept)
boolean   ``true`` / ``false``
float     ``repr(value)`` — shortest text that reads back to the same double
========  =====================================================================

Everything is read in one transaction (a snapshot); a restore is one transaction too: a
bad member or row changes nothing and the message names the table and the line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    Table,
    Text,
    bindparam,
    cast,
    create_engine,
    event,
    func,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.elements import ColumnElement

from planner import __version__
from planner.errors import Conflict, InvalidInput
from planner.services import column_rules, valuation
from planner.services.demo import wipe
from planner.services.workspace import Workspace
from planner.storage import migrate
from planner.storage.db import SQLITE_BUSY_TIMEOUT_MS
from planner.storage.schema import Base

FORMAT = "give-first-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SNAPSHOT = "planner.sqlite"
TABLES_DIR = "tables/"
NULL = "\\N"

#: Limits against zip bombs and oversized uploads (uncompressed sizes).
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_MEMBER_BYTES = 2 * 1024**3
MAX_TOTAL_BYTES = 8 * 1024**3
MAX_MEMBERS = 500
#: Rows per INSERT batch on restore.
BATCH = 2_000

_TABLE_MEMBER = re.compile(r"^tables/([a-z_][a-z0-9_]{0,62})\.csv$")
_CHUNK = 1024 * 1024


# --------------------------------------------------------------------------- encoding


def _encode_text(value: str) -> str:
    return "\\" + value if value.startswith("\\") else value


def _decode_text(cell: str) -> str:
    return cell[1:] if cell.startswith("\\") else cell


def _kind(column: Any) -> str:
    """How a column's values are written: json, datetime, date, bool, float, int or text."""
    t = column.type
    if isinstance(t, JSON):
        return "json"
    if isinstance(t, DateTime):
        return "datetime"
    if isinstance(t, Date):
        return "date"
    if isinstance(t, Boolean):
        return "bool"
    if isinstance(t, Float):
        return "float"
    if isinstance(t, Integer):
        return "int"
    return "text"


def _encode(kind: str, value: Any) -> str:
    if value is None:
        return NULL
    if kind in ("date", "datetime"):
        return value.isoformat()
    if kind == "bool":
        return "true" if value else "false"
    if kind == "float":
        return repr(float(value))
    if kind == "int":
        return str(int(value))
    return _encode_text(str(value))


def _decode(kind: str, cell: str) -> Any:
    """A cell back to the value to insert; raises ValueError with a short reason."""
    if cell == NULL:
        return None
    if kind == "text":
        return _decode_text(cell)
    if kind == "json":
        value = _decode_text(cell)
        try:
            json.loads(value)  # must be JSON; inserted as the exact text
        except ValueError as error:
            raise ValueError(f"not valid JSON ({error})") from None
        return value
    if kind == "datetime":
        return datetime.fromisoformat(cell)
    if kind == "date":
        return date.fromisoformat(cell)
    if kind == "bool":
        if cell not in ("true", "false"):
            raise ValueError(f"{cell!r} is not true or false")
        return cell == "true"
    if kind == "float":
        return float(cell)
    if kind == "int":
        return int(cell)
    raise ValueError(f"unknown column kind {kind}")  # pragma: no cover


# --------------------------------------------------------------------------- backup


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
    cols = [cast(c, Text).label(c.name) if _kind(c) == "json" else c for c in table.columns]
    return select(*cols).order_by(*table.primary_key.columns)


def _write_table(zf: zipfile.ZipFile, conn: Connection, table: Table) -> tuple[str, int, str, int]:
    name = f"{TABLES_DIR}{table.name}.csv"
    kinds = [_kind(c) for c in table.columns]
    rows = 0
    with zf.open(name, "w", force_zip64=True) as member:
        hasher = _HashingWriter(member)
        buffered = io.BufferedWriter(hasher, buffer_size=_CHUNK)
        out = io.TextIOWrapper(buffered, encoding="utf-8", newline="")
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow([c.name for c in table.columns])
        result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(
            _select_for(table)
        )
        for row in result:
            writer.writerow([_encode(k, v) for k, v in zip(kinds, row, strict=True)])
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


# --------------------------------------------------------------------------- restore


@dataclass(frozen=True)
class _Backup:
    zf: zipfile.ZipFile
    manifest: dict[str, Any]
    revision: str | None


def _fail(message: str) -> InvalidInput:
    return InvalidInput(f"not a usable backup: {message}")


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    """A member's bytes in chunks, never more than ``limit`` in total."""
    seen = 0
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                seen += len(chunk)
                if seen > limit:
                    raise _fail(f"{info.filename} is larger than {limit:,} bytes")
                yield chunk
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        raise _fail(f"{info.filename} cannot be read ({error})") from None


def _open(data: bytes) -> _Backup:
    """Check the zip's structure, names, sizes, manifest and hashes; nothing is written."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise InvalidInput("not a usable backup: the file is not a zip archive") from None
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _fail(f"it has {len(infos)} members (at most {MAX_MEMBERS})")
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        if name in by_name:
            raise _fail(f"the member {name!r} appears twice")
        if name not in (MANIFEST, SNAPSHOT) and not _TABLE_MEMBER.match(name):
            raise _fail(f"unexpected member {name!r}")
        if info.flag_bits & 0x1:
            raise _fail(f"{name} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _fail(f"{name} uses an unsupported compression method")
        limit = MAX_MANIFEST_BYTES if name == MANIFEST else MAX_MEMBER_BYTES
        if info.file_size > limit:
            raise _fail(f"{name} is larger than {limit:,} bytes")
        total += info.file_size
        by_name[name] = info
    if total > MAX_TOTAL_BYTES:
        raise _fail(f"it unpacks to more than {MAX_TOTAL_BYTES:,} bytes")
    if MANIFEST not in by_name:
        raise _fail("manifest.json is missing (was it made by 'planner backup'?)")
    raw = b"".join(_read_member(zf, by_name[MANIFEST], MAX_MANIFEST_BYTES))
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise _fail(f"manifest.json is not valid JSON ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _fail("manifest.json does not describe a Give First backup")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION or version < 1:
        raise _fail(
            f"backup format {version!r} is not supported by this version of Give First "
            f"(it reads format {FORMAT_VERSION}); upgrade the app to restore it"
        )
    members = manifest.get("members")
    tables = manifest.get("tables")
    revision = manifest.get("schema_revision")
    if not isinstance(members, dict) or not isinstance(tables, dict):
        raise _fail("manifest.json lacks its members or tables")
    if revision is not None and not isinstance(revision, str):
        raise _fail("manifest.json has a malformed schema_revision")
    listed = set(members)
    present = set(by_name) - {MANIFEST}
    if missing := sorted(listed - present):
        raise _fail(f"member {missing[0]} is listed in the manifest but missing")
    if extra := sorted(present - listed):
        raise _fail(f"member {extra[0]} is not listed in the manifest")
    for tname, spec in tables.items():
        if (
            not isinstance(spec, dict)
            or spec.get("file") != f"{TABLES_DIR}{tname}.csv"
            or spec["file"] not in members
            or not isinstance(spec.get("rows"), int)
            or not isinstance(spec.get("columns"), list)
        ):
            raise _fail(f"manifest.json describes table {tname!r} badly")
    for name in sorted(present):
        spec = members[name]
        if not isinstance(spec, dict) or not isinstance(spec.get("sha256"), str):
            raise _fail(f"manifest.json has no SHA-256 for {name}")
        if name.startswith(TABLES_DIR) and name[len(TABLES_DIR) : -4] not in tables:
            raise _fail(f"{name} is not one of the manifest's tables")
        sha = hashlib.sha256()
        size = 0
        for chunk in _read_member(zf, by_name[name], MAX_MEMBER_BYTES):
            sha.update(chunk)
            size += len(chunk)
        if sha.hexdigest() != spec["sha256"].lower() or (
            isinstance(spec.get("size"), int) and spec["size"] != size
        ):
            raise _fail(f"{name} does not match its checksum: the file is damaged or was edited")
    return _Backup(zf, manifest, revision)


def _check_revision(ws: Workspace, revision: str | None) -> bool:
    """True when the backup is from an older schema than the database's (a refusal if newer)."""
    script = ScriptDirectory.from_config(migrate.alembic_config(ws.engine))
    order = [r.revision for r in script.walk_revisions()]  # newest first
    current = migrate.current_revision(ws.engine)
    here = order.index(current) if current in order else 0
    if revision is None:
        raise _fail("it records no schema revision")
    if revision not in order:
        raise InvalidInput(
            f"this backup comes from a newer version of Give First (schema {revision}); "
            f"this app knows schemas up to {order[0] if order else 'none'}. "
            "Upgrade Give First, then restore."
        )
    there = order.index(revision)
    if there < here:
        raise InvalidInput(
            f"this backup's schema ({revision}) is newer than this database's ({current}); "
            "run 'planner init' to migrate the database first"
        )
    return there > here


def _row_counts(conn: Connection) -> dict[str, int]:
    return {
        t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
        for t in Base.metadata.sorted_tables
    }


def _value_expression(conn: Connection, column: Any, param: str, kind: str) -> ColumnElement[Any]:
    """The bound value for a column; JSON goes in as its exact text."""
    if kind != "json":
        return bindparam(param, type_=column.type)
    if conn.dialect.name == "postgresql":
        return cast(bindparam(param, type_=Text), column.type)
    return bindparam(param, type_=Text)


class _Rows:
    """Streams one table's CSV as parameter dicts, naming the line of any bad cell."""

    def __init__(self, backup: _Backup, table: Table, *, older: bool) -> None:
        self.backup = backup
        self.table = table
        self.file = f"{TABLES_DIR}{table.name}.csv"
        self.spec = backup.manifest["tables"][table.name]
        self.older = older
        self.line = 0

    def where(self, line: int | None = None) -> str:
        return f"table {self.table.name} ({self.file}, line {line or self.line})"

    def columns(self, header: list[str]) -> list[tuple[int, Any, str, list[column_rules.Rule]]]:
        """(index in the row, column, kind, value rules) for every CSV column the table
        still has."""
        if header != list(self.spec["columns"]):
            raise _fail(f"{self.file}: the header does not match the manifest")
        if len(set(header)) != len(header):
            raise _fail(f"{self.file}: a column appears twice in the header")
        known = {c.name: c for c in self.table.columns}
        unknown = [h for h in header if h not in known]
        missing = [c for c in known if c not in header]
        if not self.older and (unknown or missing):
            raise _fail(
                f"{self.file} does not match this app's {self.table.name} table "
                f"(missing: {', '.join(missing) or 'none'}; unexpected: "
                f"{', '.join(unknown) or 'none'})"
            )
        for pk in self.table.primary_key.columns:
            if pk.name not in header:
                raise _fail(f"{self.file} lacks the key column {pk.name}")
        return [
            (i, known[h], _kind(known[h]), column_rules.rules_for(self.table, known[h]))
            for i, h in enumerate(header)
            if h in known
        ]

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        info = self.backup.zf.getinfo(self.file)
        raw = _ChunkReader(_read_member(self.backup.zf, info, MAX_MEMBER_BYTES))
        stream = io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8", newline="")
        reader = csv.reader(stream, strict=True)
        try:
            header = next(reader, None)
            if header is None:
                raise _fail(f"{self.file} is empty (not even a header)")
            cols = self.columns(header)
            width = len(header)
            count = 0
            for record in reader:
                self.line = reader.line_num
                if len(record) != width:
                    raise InvalidInput(
                        f"{self.where()}: {len(record)} fields where the header has {width} "
                        "(the file is truncated or damaged)"
                    )
                row: dict[str, Any] = {}
                for i, column, kind, rules in cols:
                    try:
                        value = _decode(kind, record[i])
                    except (ValueError, OverflowError) as error:
                        raise InvalidInput(
                            f"{self.where()}: column {column.name}: {error}"
                        ) from None
                    if value is not None:
                        for rule in rules:
                            if problem := rule(value):
                                raise InvalidInput(
                                    f"{self.where()}: column {column.name}: {problem}"
                                )
                    row[f"p_{column.name}"] = value
                if found := column_rules.row_problem(self.table, row):
                    raise InvalidInput(f"{self.where()}: column {found[0]}: {found[1]}")
                count += 1
                yield reader.line_num, row
        except csv.Error as error:
            raise InvalidInput(f"{self.where(reader.line_num)}: malformed CSV ({error})") from None
        except UnicodeDecodeError:
            raise InvalidInput(f"{self.where(reader.line_num)}: not UTF-8 text") from None
        if count != self.spec["rows"]:
            raise InvalidInput(
                f"table {self.table.name}: {count} rows where the manifest says "
                f"{self.spec['rows']} (the file is truncated or damaged)"
            )


class _ChunkReader(io.RawIOBase):
    """A raw stream over an iterator of byte chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending:
            try:
                self.pending = next(self.chunks)
            except StopIteration:
                return 0
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


def _restore_table(conn: Connection, backup: _Backup, table: Table, *, older: bool) -> int:
    rows = _Rows(backup, table, older=older)
    self_refs = {
        c.name for c in table.columns if any(fk.column.table is table for fk in c.foreign_keys)
    }
    pk = list(table.primary_key.columns)
    deferred: list[dict[str, Any]] = []
    statement = None
    batch: list[tuple[int, dict[str, Any]]] = []
    count = 0

    def flush() -> None:
        nonlocal statement
        if not batch:
            return
        if statement is None:
            names = [k[2:] for k in batch[0][1]]
            statement = table.insert().values(
                {n: _value_expression(conn, table.c[n], f"p_{n}", _kind(table.c[n])) for n in names}
            )
        _insert(conn, statement, batch, rows)
        batch.clear()

    for line, row in rows:
        for name in self_refs:
            key = f"p_{name}"
            if row.get(key) is not None:
                # Insert first, point at the (maybe later) row once the table is in.
                deferred.append({**{f"k_{c.name}": row[f"p_{c.name}"] for c in pk}, key: row[key]})
                row[key] = None
        batch.append((line, row))
        count += 1
        if len(batch) >= BATCH:
            flush()
    flush()
    for name in self_refs:
        todo = [d for d in deferred if f"p_{name}" in d]
        if todo:
            stmt = (
                update(table)
                .where(*[c == bindparam(f"k_{c.name}") for c in pk])
                .values({name: bindparam(f"p_{name}")})
            )
            try:
                conn.execute(stmt, todo)
            except DBAPIError as error:
                raise InvalidInput(
                    f"table {table.name}: column {name} points at a missing row "
                    f"({_db_message(error)})"
                ) from None
    return count


def _db_message(error: DBAPIError) -> str:
    return str(error.orig).strip().splitlines()[0] if error.orig else str(error)


def _insert(
    conn: Connection, statement: Any, batch: list[tuple[int, dict[str, Any]]], rows: _Rows
) -> None:
    """Insert a batch; when it fails, find and name the first bad line."""
    params = [row for _line, row in batch]
    savepoint = conn.begin_nested()
    try:
        conn.execute(statement, params)
    except DBAPIError:
        savepoint.rollback()
    else:
        savepoint.commit()
        return
    for line, row in batch:
        savepoint = conn.begin_nested()
        try:
            conn.execute(statement, [row])
        except DBAPIError as error:
            savepoint.rollback()
            raise InvalidInput(f"{rows.where(line)}: {_db_message(error)}") from None
        savepoint.commit()
    raise InvalidInput(f"{rows.where()}: the rows were refused by the database")  # pragma: no cover


def _fix_sequences(conn: Connection) -> None:
    """After inserts with explicit ids, move PostgreSQL's sequences past the largest id."""
    if conn.dialect.name != "postgresql":
        return
    quote = conn.dialect.identifier_preparer.quote
    for table in Base.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                f"COALESCE((SELECT MAX({quote(column.name)}) FROM {quote(table.name)}), 0) + 1, "
                "false)"
            ),
            {"table": quote(table.name), "column": column.name},
        )


def _when(created_at: object) -> str:
    try:
        moment = datetime.fromisoformat(str(created_at).removesuffix("Z"))
    except ValueError:
        return "on an unknown date"
    return f"on {moment:%Y-%m-%d} at {moment:%H:%M} UTC"


def restore_backup(ws: Workspace, data: bytes, *, replace: bool = False) -> str:
    """Restore a backup made by :func:`create_backup`; returns a one-line summary.

    Refuses a damaged or edited zip, unexpected members, a backup from a newer schema,
    and a database that already holds data unless ``replace`` (then everything is
    deleted first). All of it is one transaction: on any error nothing changes.
    """
    backup = _open(data)
    older = _check_revision(ws, backup.revision)
    tables = backup.manifest["tables"]
    known = {t.name for t in Base.metadata.sorted_tables}
    if not older and (unknown := sorted(set(tables) - known)):
        raise _fail(f"table {unknown[0]!r} is not part of this app's schema")
    if not older and (absent := sorted(known - set(tables))):
        raise _fail(f"table {absent[0]!r} is missing from the backup")
    counts: dict[str, int] = {}
    with ws.engine.begin() as conn:
        existing = {k: v for k, v in _row_counts(conn).items() if v}
        if existing and not replace:
            held = ", ".join(f"{n} {name}" for name, n in sorted(existing.items()))
            raise Conflict(
                f"the database already holds data ({held}); a backup restores into an "
                "empty database, or replaces everything in it when you ask for that "
                "('planner restore --replace', or tick 'Replace everything' in Settings)"
            )
        if existing:
            with Session(bind=conn) as session:
                wipe(session)
                session.flush()
        for table in Base.metadata.sorted_tables:
            if table.name in tables:
                counts[table.name] = _restore_table(conn, backup, table, older=older)
        _fix_sequences(conn)
        if older:
            with Session(bind=conn) as session:
                settings = ws.settings(session)
                valuation.recompute(session, settings=settings, my_reach=ws.profile(session).reach)
                session.flush()
    total = sum(counts.values())
    made = _when(backup.manifest.get("created_at"))
    detail = ", ".join(
        f"{counts.get(name, 0)} {label}"
        for name, label in (("contacts", "contacts"), ("interactions", "ledger rows"))
        if name in counts
    )
    replaced = " (replacing what was there)" if existing else ""
    return (
        f"restored {total} rows in {len(counts)} tables ({detail}) from the backup made "
        f"{made} (schema {backup.revision}){replaced}"
    )


def describe(data: bytes) -> dict[str, Any]:
    """The manifest of a valid backup (checked like a restore, nothing written)."""
    return _open(data).manifest
