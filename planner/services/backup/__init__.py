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
bytes     standard base64 (the outbox's rendered messages)
========  =====================================================================

Everything is read in one transaction (a snapshot); a restore is one transaction too: a
bad member or row changes nothing and the message names the table and the line.

One job per module: :mod:`.cells` (names and the cell encoding), :mod:`.writing` (making a
backup), :mod:`.opening` (checking one before anything is written) and :mod:`.restoring`
(putting it back).
"""

from planner.services.backup.opening import describe
from planner.services.backup.restoring import restore_backup
from planner.services.backup.writing import backup_file_name, create_backup

__all__ = ["backup_file_name", "create_backup", "describe", "restore_backup"]
