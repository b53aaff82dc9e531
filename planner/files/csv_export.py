"""CSV export that a spreadsheet opens as data, never as formulas (THREATS C1, C2).

* A text cell starting with ``= + - @``, Tab, CR, LF or NUL (after any run of
  apostrophes) gets a leading ``'``: Excel, LibreOffice and Sheets then show it as text.
  Numbers stay numbers: ``-5`` the number is written as ``-5``, ``"-5"`` the text as
  ``'-5``. :func:`unescape_cell` undoes it exactly, so our own exports import back
  unchanged (``csv_import`` applies it to every cell).
* Every field is quoted (``QUOTE_ALL``) and records end in CRLF, so a bare CR inside a
  cell can never split a row.
* UTF-8, optionally with a BOM so that Excel on Windows reads accents correctly.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from planner.domain.model import Contact, Interaction

__all__ = [
    "CONTACT_COLUMNS",
    "LEDGER_COLUMNS",
    "contacts_csv_bytes",
    "escape_cell",
    "ledger_csv_bytes",
    "to_csv_bytes",
    "unescape_cell",
]

#: Column order of the contacts file (the import format of :mod:`csv_import`).
CONTACT_COLUMNS = (
    "name",
    "aliases",
    "email",
    "domains",
    "handles",
    "tier",
    "reach",
    "tags",
    "notes",
)
#: Column order of the ledger file.
LEDGER_COLUMNS = ("contact", "direction", "kind", "date", "magnitude", "note", "title", "link")
#: Separator of multi-valued cells (aliases, domains, handles, tags).
MULTI_SEPARATOR = "|"

_TRIGGER = re.compile(r"^'*[=+\-@\t\r\n\0]")
_ESCAPED = re.compile(r"^'+[=+\-@\t\r\n\0]")


def escape_cell(text: str) -> str:
    """``'=1+1`` for ``=1+1``; also ``''=x`` for ``'=x`` so that unescaping is exact."""
    return "'" + text if _TRIGGER.match(text) else text


def unescape_cell(text: str) -> str:
    """The inverse of :func:`escape_cell`."""
    return text[1:] if _ESCAPED.match(text) else text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str):
        return escape_cell(value)
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        value = value.item()  # numpy scalars from DataFrames become Python numbers
    if type(value).__name__ in ("NAType", "NaTType"):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return escape_cell(MULTI_SEPARATOR.join(str(v) for v in value))
    return escape_cell(str(value))


def _rows_of(data: Any, columns: Sequence[str] | None) -> tuple[list[str], Iterable[Sequence[Any]]]:
    if hasattr(data, "itertuples") and hasattr(data, "columns"):  # a pandas DataFrame
        header = [str(c) for c in data.columns]
        return header, data.itertuples(index=False, name=None)
    rows = list(data)
    if rows and isinstance(rows[0], Mapping):
        header = list(columns) if columns else list(dict.fromkeys(k for r in rows for k in r))
        return header, ([r.get(c) for c in header] for r in rows)
    if columns is None:
        raise ValueError("rows given as sequences need columns=")
    return list(columns), rows


def to_csv_bytes(
    data: Any,
    *,
    columns: Sequence[str] | None = None,
    bom: bool = False,
) -> bytes:
    """Spreadsheet-safe CSV bytes.

    Args:
        data: a pandas DataFrame, an iterable of mappings (columns taken from the keys
            in first-seen order, or from ``columns``), or of sequences (``columns``
            required).
        columns: header and column order.
        bom: start with a UTF-8 BOM (Excel on Windows needs it for non-ASCII text).

    Returns:
        UTF-8 bytes, every field quoted, CRLF line endings. Missing values (None, NaN,
        pandas NA) are empty cells; lists are joined with ``|``; dates are ISO.
    """
    header, rows = _rows_of(data, columns)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([escape_cell(h) for h in header])
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    text = buffer.getvalue()
    return ("\ufeff" + text if bom else text).encode("utf-8")


def contacts_csv_bytes(contacts: Iterable[Contact], *, bom: bool = False) -> bytes:
    """Contacts in the import format of :func:`planner.files.csv_import.parse_contacts_csv`."""
    rows = [
        {
            "name": c.name,
            "aliases": list(c.aliases),
            "email": c.email,
            "domains": list(c.domains),
            "handles": list(c.handles),
            "tier": c.tier,
            "reach": c.reach,
            "tags": list(c.tags),
            "notes": c.notes,
        }
        for c in contacts
    ]
    return to_csv_bytes(rows, columns=CONTACT_COLUMNS, bom=bom)


def ledger_csv_bytes(
    interactions: Iterable[Interaction],
    contact_names: Mapping[int, str],
    *,
    bom: bool = False,
) -> bytes:
    """Ledger rows in the import format of :func:`planner.files.csv_import.parse_ledger_csv`.

    Audience rows (``contact_id`` None) get an empty contact cell.

    Raises:
        KeyError: a row's contact has no name in ``contact_names`` (an empty cell would
            silently turn it into an audience row on re-import).
    """
    rows = [
        {
            "contact": contact_names[i.contact_id] if i.contact_id is not None else "",
            "direction": i.direction,
            "kind": i.kind,
            "date": i.occurred_on,
            "magnitude": i.magnitude,
            "note": i.note,
            "title": i.title,
            "link": i.link,
        }
        for i in interactions
    ]
    return to_csv_bytes(rows, columns=LEDGER_COLUMNS, bom=bom)
