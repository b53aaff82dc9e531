"""Restoring a backup: every table's CSV back into an empty (or emptied) database, in one
transaction, so a bad member or row changes nothing and the message names the table and line.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Column, Connection, Table, Text, bindparam, cast, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from planner.errors import Conflict, InvalidInput
from planner.services import column_rules, valuation
from planner.services.backup.cells import BATCH, column_kind, decode_cell, table_member
from planner.services.backup.opening import OpenedBackup, fail, member_text, open_backup
from planner.services.demo import wipe
from planner.services.workspace import Workspace
from planner.storage import data_version, migrate
from planner.storage.schema import Base


def _check_revision(ws: Workspace, revision: str | None) -> bool:
    """True when the backup is from an older schema than the database's (a refusal if newer)."""
    script = ScriptDirectory.from_config(migrate.alembic_config(ws.engine))
    order = [r.revision for r in script.walk_revisions()]  # newest first
    current = migrate.current_revision(ws.engine)
    here = order.index(current) if current in order else 0
    if revision is None:
        raise fail("it records no schema revision")
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


#: A CSV column the table still has: (index in the row, column, kind, value rules).
_CsvColumn = tuple[int, Column[Any], str, list[column_rules.Rule]]


class _Rows:
    """Streams one table's CSV as parameter dicts, naming the line of any bad cell."""

    def __init__(self, backup: OpenedBackup, table: Table, *, older: bool) -> None:
        self.backup = backup
        self.table = table
        self.file = table_member(table.name)
        self.spec = backup.manifest["tables"][table.name]
        self.older = older
        self.line = 0

    def where(self, line: int | None = None) -> str:
        """The table, file and line, to begin a refusal with."""
        return f"table {self.table.name} ({self.file}, line {line or self.line})"

    def _check_header(self, header: list[str]) -> None:
        """The header is the manifest's, with no column twice."""
        if header != list(self.spec["columns"]):
            raise fail(f"{self.file}: the header does not match the manifest")
        if len(set(header)) != len(header):
            raise fail(f"{self.file}: a column appears twice in the header")

    def _check_same_columns(self, header: list[str], known: dict[str, Column[Any]]) -> None:
        """A backup of this schema has exactly the table's columns; an older one may differ."""
        unknown = [h for h in header if h not in known]
        missing = [c for c in known if c not in header]
        if not self.older and (unknown or missing):
            raise fail(
                f"{self.file} does not match this app's {self.table.name} table "
                f"(missing: {', '.join(missing) or 'none'}; unexpected: "
                f"{', '.join(unknown) or 'none'})"
            )

    def columns(self, header: list[str]) -> list[_CsvColumn]:
        """(index in the row, column, kind, value rules) for every CSV column the table
        still has."""
        self._check_header(header)
        known: dict[str, Column[Any]] = {c.name: c for c in self.table.columns}
        self._check_same_columns(header, known)
        for pk in self.table.primary_key.columns:
            if pk.name not in header:
                raise fail(f"{self.file} lacks the key column {pk.name}")
        return [
            (i, known[h], column_kind(known[h]), column_rules.rules_for(self.table, known[h]))
            for i, h in enumerate(header)
            if h in known
        ]

    def _decode_row(self, record: list[str], cols: list[_CsvColumn]) -> dict[str, Any]:
        """One CSV record as insert parameters, each value checked by its column's rules."""
        row: dict[str, Any] = {}
        for i, column, kind, rules in cols:
            try:
                value = decode_cell(kind, record[i])
            except (ValueError, OverflowError) as error:
                raise InvalidInput(f"{self.where()}: column {column.name}: {error}") from None
            if value is not None:
                for rule in rules:
                    if problem := rule(value):
                        raise InvalidInput(f"{self.where()}: column {column.name}: {problem}")
            row[f"p_{column.name}"] = value
        if found := column_rules.row_problem(self.table, row):
            raise InvalidInput(f"{self.where()}: column {found[0]}: {found[1]}")
        return row

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        reader = csv.reader(member_text(self.backup, self.file), strict=True)
        try:
            header = next(reader, None)
            if header is None:
                raise fail(f"{self.file} is empty (not even a header)")
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
                row = self._decode_row(record, cols)
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


def _restore_table(conn: Connection, backup: OpenedBackup, table: Table, *, older: bool) -> int:
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
                {
                    n: _value_expression(conn, table.c[n], f"p_{n}", column_kind(table.c[n]))
                    for n in names
                }
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


def _check_tables_match(tables: dict[str, Any], *, older: bool) -> None:
    """A backup of this schema holds exactly this app's tables (an older one may differ)."""
    known = {t.name for t in Base.metadata.sorted_tables}
    if not older and (unknown := sorted(set(tables) - known)):
        raise fail(f"table {unknown[0]!r} is not part of this app's schema")
    if not older and (absent := sorted(known - set(tables))):
        raise fail(f"table {absent[0]!r} is missing from the backup")


def _refuse_unless_empty(existing: dict[str, int], *, replace: bool) -> None:
    """A restore goes into an empty database unless the user asked to replace everything."""
    if existing and not replace:
        held = ", ".join(f"{n} {name}" for name, n in sorted(existing.items()))
        raise Conflict(
            f"the database already holds data ({held}); a backup restores into an "
            "empty database, or replaces everything in it when you ask for that "
            "('planner restore --replace', or tick 'Replace everything' in Settings)"
        )


def _revalue(conn: Connection, ws: Workspace) -> None:
    """Recompute stored values, which an older schema may lack or compute differently."""
    with Session(bind=conn) as session:
        settings = ws.settings(session)
        valuation.recompute(session, settings=settings, my_reach=ws.profile(session).reach)
        session.flush()


def _summary(backup: OpenedBackup, counts: dict[str, int], *, replaced_existing: bool) -> str:
    """The one line a restore reports: rows, tables, when the backup was made, its schema."""
    total = sum(counts.values())
    made = _when(backup.manifest.get("created_at"))
    detail = ", ".join(
        f"{counts.get(name, 0)} {label}"
        for name, label in (("contacts", "contacts"), ("interactions", "ledger rows"))
        if name in counts
    )
    replaced = " (replacing what was there)" if replaced_existing else ""
    return (
        f"restored {total} rows in {len(counts)} tables ({detail}) from the backup made "
        f"{made} (schema {backup.revision}){replaced}"
    )


def restore_backup(ws: Workspace, data: bytes, *, replace: bool = False) -> str:
    """Restore a backup made by :func:`create_backup`; returns a one-line summary.

    Refuses a damaged or edited zip, unexpected members, a backup from a newer schema,
    and a database that already holds data unless ``replace`` (then everything is
    deleted first). All of it is one transaction: on any error nothing changes.
    """
    backup = open_backup(data)
    older = _check_revision(ws, backup.revision)
    tables = backup.manifest["tables"]
    _check_tables_match(tables, older=older)
    counts: dict[str, int] = {}
    with ws.engine.begin() as conn:
        existing = {k: v for k, v in _row_counts(conn).items() if v}
        _refuse_unless_empty(existing, replace=replace)
        if existing:
            with Session(bind=conn) as session:
                wipe(session)
                session.flush()
        for table in Base.metadata.sorted_tables:
            if table.name in tables:
                counts[table.name] = _restore_table(conn, backup, table, older=older)
        _fix_sequences(conn)
        if older:
            _revalue(conn, ws)
        data_version.bump(conn)
    return _summary(backup, counts, replaced_existing=bool(existing))
