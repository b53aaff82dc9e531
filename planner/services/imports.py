"""CSV imports of contacts and ledger rows: validated, all or nothing, undoable.

The file format and the row-by-row validation live in planner.outreach.csv_import; this
module matches rows against stored contacts, commits in one transaction and remembers what
it takes to undo the import (an entry in the undo log).

Duplicates of stored contacts are matched by email, then website domain, then name (case
folded); the user chooses to skip them or update them with the file's values.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from planner.errors import Conflict, InvalidInput, NotFound, PlannerError
from planner.outreach.csv_import import (
    ContactRow as ContactImportRow,
)
from planner.outreach.csv_import import (
    ImportReport,
    RowProblem,
    parse_contacts_csv,
    parse_ledger_csv,
)
from planner.outreach.csv_import import (
    LedgerRow as LedgerImportRow,
)
from planner.services import contacts as contacts_service
from planner.services import ledger as ledger_service
from planner.services.valuation import recompute
from planner.services.workspace import Workspace
from planner.storage.schema import ContactRow, InteractionRow, UndoRow

OnDuplicate = Literal["skip", "update"]
UNDO_ACTIONS = ("import_contacts", "import_ledger")
_SNAPSHOT_FIELDS = (
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


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do)."""

    kind: str
    dry_run: bool
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    skipped: list[str] = field(default_factory=list)
    records: int = 0
    problems_not_listed: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and not self.problems_not_listed

    def describe(self) -> str:
        """A report for people: the verdict, then one line per problem (line, column)."""
        lines: list[str] = []
        if not self.ok:
            n = len(self.problems) + self.problems_not_listed
            lines.append(
                f"{self.kind} import refused: {n} problem(s) in {self.records} "
                "row(s); nothing was changed"
            )
            lines += [
                f"  line {p.line}, column {p.column or '-'}: {p.problem}" for p in self.problems
            ]
            if self.problems_not_listed:
                lines.append(f"  … and {self.problems_not_listed} more")
        else:
            verb = "would add" if self.dry_run else "added"
            text = f"{self.kind} import: {verb} {self.added}"
            if self.updated:
                text += f", {'would update' if self.dry_run else 'updated'} {self.updated}"
            if self.skipped:
                text += f", skipped {len(self.skipped)} duplicate(s)"
            lines.append(text + (" (dry run: nothing changed)" if self.dry_run else ""))
            lines += [f"  skipped: {s}" for s in self.skipped[:20]]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _result(kind: str, report: ImportReport[object], dry_run: bool) -> ImportResult:
    return ImportResult(
        kind=kind,
        dry_run=dry_run,
        problems=list(report.problems),
        warnings=list(report.warnings),
        records=report.records,
        problems_not_listed=report.problems_not_listed,
    )


def find_duplicate(session: Session, row: ContactImportRow) -> ContactRow | None:
    """A stored contact with the same email, a shared domain, or the same name."""
    if row.email:
        match = session.scalars(
            select(ContactRow).where(func.lower(ContactRow.email) == row.email.lower())
        ).first()
        if match:
            return match
    if row.domains:
        wanted = {d.lower() for d in row.domains}
        for candidate in session.scalars(select(ContactRow)):
            if wanted & {str(d).lower() for d in candidate.domains or ()}:
                return candidate
    return contacts_service.find_row(session, row.name, include_archived=True)


def _snapshot(row: ContactRow) -> dict[str, object]:
    return {f: getattr(row, f) for f in _SNAPSHOT_FIELDS}


class _DryRun(Exception):
    """Raised to roll a dry run's transaction back after it has done all its checks."""


def import_contacts(
    ws: Workspace, data: bytes, *, dry_run: bool = False, on_duplicate: OnDuplicate = "skip"
) -> ImportResult:
    """Validate every row; commit all or nothing; remember how to undo it."""
    report = parse_contacts_csv(data)
    result = _result("contacts", report, dry_run)  # type: ignore[arg-type]
    if not report.ok:
        return result
    with contextlib.suppress(_DryRun):
        _commit_contacts(ws, report.rows, result, on_duplicate, dry_run)
    return result


def _commit_contacts(
    ws: Workspace,
    rows: list[ContactImportRow],
    result: ImportResult,
    on_duplicate: OnDuplicate,
    dry_run: bool,
) -> None:
    with ws.write() as s:
        undo = UndoRow(action="import_contacts", summary="", payload={}, created_at=ws.now())
        s.add(undo)
        s.flush()
        created: list[int] = []
        previous: dict[str, dict[str, object]] = {}
        try:
            for row in rows:
                existing = find_duplicate(s, row)
                if existing is not None:
                    if on_duplicate == "skip" or existing.id in created:
                        # A contact added from an earlier line of this file is never
                        # overwritten by a later one: that would lose a row silently.
                        result.skipped.append(
                            f"line {row.line}: {row.name} (matches {existing.name})"
                        )
                        continue
                    # The first snapshot is the one to restore: a second row matching the
                    # same contact must not replace it with the values of the first row.
                    previous.setdefault(str(existing.id), _snapshot(existing))
                    values = contacts_service.clean(_as_input(row))
                    clash = contacts_service.find_row(s, str(values["name"]))
                    if clash is not None and clash.id != existing.id:
                        raise Conflict(
                            f"updating {existing.name} would rename it to "
                            f"{values['name']!r}, the name of another contact"
                        )
                    reach_changed = existing.reach != values["reach"]
                    for key, value in values.items():
                        setattr(existing, key, value)
                    existing.updated_at = ws.now()
                    s.flush()
                    if reach_changed:
                        recompute(
                            s,
                            settings=ws.settings(s),
                            my_reach=ws.profile(s).reach,
                            contact_ids=[existing.id],
                        )
                    result.updated += 1
                    continue
                contact = contacts_service.add(
                    ws, _as_input(row), session=s, import_batch_id=undo.id, source="import"
                )
                created.append(contact.id)
                result.added += 1
        except (InvalidInput, Conflict) as error:
            # Rows passed the file check but clash with stored data: refuse them all.
            raise InvalidInput(
                f"contacts import refused at line {row.line}: {error}; nothing was changed"
            ) from None
        undo.summary = (
            f"contacts import: {result.added} added, {result.updated} updated, "
            f"{len(result.skipped)} skipped"
        )
        undo.payload = {"created": created, "previous": previous}
        if dry_run:
            raise _DryRun


def _as_input(row: ContactImportRow) -> contacts_service.ContactInput:
    return contacts_service.ContactInput(
        name=row.name,
        tier=row.tier,
        reach=row.reach,
        email=row.email,
        aliases=row.aliases,
        domains=row.domains,
        handles=row.handles,
        tags=row.tags,
        notes=row.notes,
    )


def import_ledger(ws: Workspace, data: bytes, *, dry_run: bool = False) -> ImportResult:
    """Ledger rows naming known contacts (or empty for the audience); all or nothing."""
    with ws.read() as s:
        known = {name.lower() for name in s.scalars(select(ContactRow.name))}
        for aliases in s.scalars(select(ContactRow.aliases)):
            known.update(str(a).lower() for a in aliases or ())
    report = parse_ledger_csv(data, known_contacts=known)
    result = _result("ledger", report, dry_run)  # type: ignore[arg-type]
    if not report.ok:
        return result
    with contextlib.suppress(_DryRun):
        _commit_ledger(ws, report.rows, result, dry_run)
    return result


def _commit_ledger(
    ws: Workspace, rows: list[LedgerImportRow], result: ImportResult, dry_run: bool
) -> None:
    with ws.write() as s:
        undo = UndoRow(action="import_ledger", summary="", payload={}, created_at=ws.now())
        s.add(undo)
        s.flush()
        ids = _contact_ids(s)
        try:
            for row in rows:
                contact_id = None
                if row.contact:
                    contact_id = ids.get(row.contact.strip().casefold())
                    if contact_id is None:
                        raise NotFound(f"no contact named {row.contact!r}")
                _add_ledger_row(ws, s, row, contact_id, undo.id)
                result.added += 1
        except PlannerError as error:
            raise InvalidInput(
                f"ledger import refused at line {row.line}: {error}; nothing was changed"
            ) from None
        undo.summary = f"ledger import: {result.added} rows"
        if dry_run:
            raise _DryRun


def _contact_ids(session: Session) -> dict[str, int]:
    """Contact ids by case-folded name, then alias; active contacts before archived ones.

    Rows are matched by name here, once: contacts.resolve would take a name made of digits
    for an id, and misses the aliases of archived contacts the file check accepts.
    """
    contacts = list(
        session.execute(
            select(ContactRow.id, ContactRow.name, ContactRow.aliases).order_by(
                ContactRow.archived, ContactRow.id
            )
        )
    )
    ids: dict[str, int] = {}
    for cid, name, _ in contacts:
        ids.setdefault(str(name).strip().casefold(), cid)
    for cid, _, aliases in contacts:
        for alias in aliases or ():
            ids.setdefault(str(alias).strip().casefold(), cid)
    return ids


def _add_ledger_row(
    ws: Workspace, s: Session, row: LedgerImportRow, contact_id: int | None, batch_id: int
) -> None:
    ledger_service.add(
        ws,
        ledger_service.LedgerInput(
            contact=contact_id,
            direction=row.direction,
            kind=row.kind,
            occurred_on=row.occurred_on,
            magnitude=row.magnitude,
            note=row.note,
            title=row.title,
            link=row.link,
            source="import",
        ),
        session=s,
        import_batch_id=batch_id,
    )


def last_import(ws: Workspace) -> UndoRow | None:
    with ws.read() as s:
        return s.scalars(
            select(UndoRow)
            .where(UndoRow.action.in_(UNDO_ACTIONS), UndoRow.undone_at.is_(None))
            .order_by(UndoRow.id.desc())
        ).first()


def undo_last_import(ws: Workspace) -> str:
    """Remove what the last import added and restore what it updated."""
    with ws.write() as s:
        undo = s.scalars(
            select(UndoRow)
            .where(UndoRow.action.in_(UNDO_ACTIONS), UndoRow.undone_at.is_(None))
            .order_by(UndoRow.id.desc())
            .with_for_update()
        ).first()
        if undo is None:
            raise Conflict("there is no import to undo")
        if undo.action == "import_ledger":
            s.execute(delete(InteractionRow).where(InteractionRow.import_batch_id == undo.id))
        else:
            created = [int(i) for i in undo.payload.get("created", [])]
            if created:
                s.execute(delete(ContactRow).where(ContactRow.id.in_(created)))
            restored = []
            for cid, values in dict(undo.payload.get("previous", {})).items():
                row = s.get(ContactRow, int(cid))
                if row is not None:
                    for key, value in dict(values).items():
                        setattr(row, key, value)
                    restored.append(row.id)
            if restored:
                s.flush()
                recompute(
                    s, settings=ws.settings(s), my_reach=ws.profile(s).reach, contact_ids=restored
                )
        undo.undone_at = ws.now()
        return f"undone: {undo.summary}"
