"""The backup's vocabulary: member names, the format version, and how a cell is encoded.

Every CSV field is text in a fixed encoding per column type (see :mod:`planner.services.backup`
for the table); :func:`encode_cell` and :func:`decode_cell` are exact inverses, so a restore
gives back exactly what was stored.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Float, Integer, LargeBinary

FORMAT = "give-first-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SNAPSHOT = "planner.sqlite"
TABLES_DIR = "tables/"
NULL = "\\N"
#: Rows per INSERT batch on restore, and per fetch when writing.
BATCH = 2_000
#: Bytes per read or write of a zip member.
CHUNK = 1024 * 1024


def table_member(table_name: str) -> str:
    """The zip member that holds a table's rows."""
    return f"{TABLES_DIR}{table_name}.csv"


def _encode_text(value: str) -> str:
    return "\\" + value if value.startswith("\\") else value


def _decode_text(cell: str) -> str:
    return cell[1:] if cell.startswith("\\") else cell


def column_kind(column: Column[Any]) -> str:
    """How a column's values are written: json, datetime, date, bool, float, int, bytes
    or text."""
    t = column.type
    if isinstance(t, JSON):
        return "json"
    if isinstance(t, LargeBinary):
        return "bytes"
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


def encode_cell(kind: str, value: Any) -> str:
    """A stored value as its CSV text (see the encoding table in the package docstring)."""
    if value is None:
        return NULL
    if kind in ("date", "datetime"):
        return str(value.isoformat())
    if kind == "bool":
        return "true" if value else "false"
    if kind == "float":
        return repr(float(value))
    if kind == "int":
        return str(int(value))
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    return _encode_text(str(value))


def _decode_json(cell: str) -> str:
    value = _decode_text(cell)
    try:
        json.loads(value)  # must be JSON; inserted as the exact text
    except ValueError as error:
        raise ValueError(f"not valid JSON ({error})") from None
    return value


def _decode_bool(cell: str) -> bool:
    if cell not in ("true", "false"):
        raise ValueError(f"{cell!r} is not true or false")
    return cell == "true"


def _decode_bytes(cell: str) -> bytes:
    try:
        return base64.b64decode(cell, validate=True)
    except binascii.Error as error:
        raise ValueError(f"not valid base64 ({error})") from None


#: Each kind's reader; each raises ValueError with a short reason.
_DECODERS: dict[str, Callable[[str], Any]] = {
    "text": _decode_text,
    "json": _decode_json,
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "bool": _decode_bool,
    "float": float,
    "int": int,
    "bytes": _decode_bytes,
}


def decode_cell(kind: str, cell: str) -> Any:
    """A cell back to the value to insert; raises ValueError with a short reason."""
    if cell == NULL:
        return None
    decoder = _DECODERS.get(kind)
    if decoder is None:  # pragma: no cover
        raise ValueError(f"unknown column kind {kind}")
    return decoder(cell)
