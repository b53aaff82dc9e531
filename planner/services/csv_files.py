"""The CSV files of the Import & export page: a dry-run preview, examples, table exports.

The formats and their row-by-row validation are planner.files.csv_import's; the imports
themselves are planner.services.imports'. Nothing here writes to the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from planner.errors import InvalidInput
from planner.files.csv_export import to_csv_bytes
from planner.files.csv_formats import FORMAT_DOC, example_contacts_csv, example_ledger_csv
from planner.files.csv_import import (
    ContactCsvRow,
    ImportReport,
    LedgerRow,
    parse_contacts_csv,
    parse_ledger_csv,
)
from planner.services import exports, imports
from planner.services.workspace import Workspace

__all__ = ["FORMAT_DOC", "ImportPreview", "example_csv", "preview_import", "table_csv"]


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """What the Import page shows before anything is written."""

    #: The file's rows as read (valid rows only when the file has problems).
    rows: pd.DataFrame
    #: line, column, problem: every problem found.
    problems: pd.DataFrame
    #: The dry run: what an import would add, update and skip.
    result: imports.ImportResult

    @property
    def ok(self) -> bool:
        """Nothing in the file stops the import."""
        return self.result.ok


def preview_import(
    ws: Workspace,
    kind: Literal["contacts", "ledger"],
    data: bytes,
    *,
    on_duplicate: imports.OnDuplicate = "skip",
) -> ImportPreview:
    """Validate a CSV file and dry-run its import: nothing is written.

    Raises:
        InvalidInput: an unknown kind, or rows that clash with stored data.
    """
    if kind == "contacts":
        report: ImportReport[ContactCsvRow] | ImportReport[LedgerRow] = parse_contacts_csv(data)
        result = imports.import_contacts(ws, data, dry_run=True, on_duplicate=on_duplicate)
        columns = ["line", "name", "aliases", "email", "domains", "handles", "tier", "reach"]
        columns += ["tags", "notes"]
    elif kind == "ledger":
        report = parse_ledger_csv(data, None)
        result = imports.import_ledger(ws, data, dry_run=True)
        columns = ["line", "contact", "direction", "kind", "date", "magnitude", "note"]
        columns += ["title", "link"]
    else:
        raise InvalidInput(f"cannot import {kind!r}: contacts or ledger", field="kind")
    rows = pd.DataFrame([_import_row(r) for r in report.rows], columns=columns)
    problems = pd.DataFrame(
        [{"line": p.line, "column": p.column, "problem": p.problem} for p in result.problems],
        columns=["line", "column", "problem"],
    )
    return ImportPreview(rows, problems, result)


def _import_row(row: ContactCsvRow | LedgerRow) -> dict[str, object]:
    """One parsed row for the preview table: tuples joined with |, enums as their values."""
    out: dict[str, object] = {}
    for key in row.__slots__:
        value = getattr(row, key)
        if key == "occurred_on":
            key, value = "date", value.isoformat()
        if isinstance(value, tuple):
            value = " | ".join(value)
        out[key] = str(value) if hasattr(value, "value") else value
    return out


def example_csv(kind: Literal["contacts", "ledger"]) -> bytes:
    """A small valid file of the import format, to download and fill in."""
    if kind == "contacts":
        return example_contacts_csv()
    if kind == "ledger":
        return example_ledger_csv()
    raise InvalidInput(f"no example for {kind!r}: contacts or ledger", field="kind")


def table_csv(ws: Workspace, table: str, *, bom: bool = False, **options: object) -> bytes:
    """A table of planner.services.exports as spreadsheet-safe CSV bytes."""
    return to_csv_bytes(exports.export_frame(ws, table, **options), bom=bom)
