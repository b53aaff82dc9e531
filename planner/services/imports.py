"""CSV imports of contacts and ledger rows: validated, all or nothing, undoable, in batches.

The file format and the row-by-row validation live in planner.files.csv_import. An
import runs in three steps, so that it takes time linear in the rows and never holds the
database's write lock for long (issue 13):

1. parse and validate the file — no database at all;
2. plan, inside one *read* (no write lock on SQLite): load once what matching needs
   (contacts by e-mail, domain and name), match and clean every row in memory. A dry run
   stops here, so it writes nothing and never keeps another writer waiting;
3. write the plan in short transactions of a few thousand rows (Core ``insert`` with
   executemany), pausing between them so that a waiting writer (``ledger add``, ``ingest``)
   gets the lock. A pending entry in the undo log records each batch in the batch's own
   transaction; any failure part-way removes what the committed batches wrote, so the import
   stays all or nothing. Only the last step turns the entry into an undoable import. A
   process killed mid-import leaves a pending entry whose heartbeat stops: the next import
   rolls it back.

Between the plan and a batch another writer may add or edit contacts; every contacts batch
re-checks the contacts changed since the plan and refuses the import cleanly (nothing kept)
when one of them would change how a row of the batch matches. Ledger batches read each
contact's reach, my reach and the settings in the batch's own transaction, so the stored
values (base, growth) are those of the moment the rows are written.

Duplicates of stored contacts are matched by email, then website domain, then name (case
folded); the user chooses to skip them or update them with the file's values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, TypeVar

from sqlalchemy import RowMapping, Table, delete, or_, select, update
from sqlalchemy.orm import Session

from planner.domain import goodwill
from planner.errors import Conflict, InvalidInput
from planner.files.csv_export import CONTACT_COLUMNS
from planner.files.csv_import import (
    ContactCsvRow as ContactImportRow,
)
from planner.files.csv_import import (
    ImportLimits,
    ImportReport,
    RowProblem,
    parse_contacts_csv,
    parse_ledger_csv,
)
from planner.files.csv_import import (
    LedgerRow as LedgerImportRow,
)
from planner.services import contacts as contacts_service
from planner.services import import_batches
from planner.services.valuation import base_of, recompute
from planner.services.workspace import Workspace
from planner.storage.schema import Base, ContactRow, InteractionRow, UndoRow

OnDuplicate = Literal["skip", "update"]
UNDO_ACTIONS = ("import_contacts", "import_ledger")
#: The command line reads files from disk, not through the 20 MB upload of the page; a
#: million ledger rows are ~60 MB.
CLI_LIMITS = ImportLimits(max_bytes=1024 * 1024 * 1024, max_rows=5_000_000)
#: What an undo snapshot keeps of a contact: the fields a contacts file can change, which
#: are the file's columns.
_SNAPSHOT_FIELDS = CONTACT_COLUMNS


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


_Row = TypeVar("_Row")


def _result(kind: str, report: ImportReport[_Row], dry_run: bool) -> ImportResult:
    return ImportResult(
        kind=kind,
        dry_run=dry_run,
        problems=list(report.problems),
        warnings=list(report.warnings),
        records=report.records,
        problems_not_listed=report.problems_not_listed,
    )


# --- contacts: the plan --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Keys:
    """What matching looks at in one contact, case folded."""

    name: str
    email: str
    domains: frozenset[str]
    archived: bool = False

    @staticmethod
    def of(name: object, email: object, domains: Sequence[object] | None, archived: bool) -> _Keys:
        return _Keys(
            name=str(name).strip().lower(),
            email=str(email or "").lower(),
            domains=frozenset(str(d).lower() for d in domains or ()),
            archived=bool(archived),
        )


class _ContactIndex:
    """Stored contacts by e-mail, domain and name, kept in step with the plan.

    Every lookup returns the lowest id among the matches: what the database's first match in
    id order was when matching ran one query per row. New contacts of the plan get ids above
    every stored one, so they rank after stored contacts and in file order, as they did.
    """

    def __init__(self) -> None:
        self.keys: dict[int, _Keys] = {}
        self.names: dict[int, str] = {}
        self._email: dict[str, set[int]] = {}
        self._domain: dict[str, set[int]] = {}
        self._name: dict[str, set[int]] = {}
        self._active_name: dict[str, set[int]] = {}

    def put(self, cid: int, name: str, keys: _Keys) -> None:
        self.keys[cid], self.names[cid] = keys, name
        if keys.email:
            self._email.setdefault(keys.email, set()).add(cid)
        for domain in keys.domains:
            self._domain.setdefault(domain, set()).add(cid)
        self._name.setdefault(keys.name, set()).add(cid)
        if not keys.archived:
            self._active_name.setdefault(keys.name, set()).add(cid)

    def drop(self, cid: int) -> None:
        keys = self.keys.pop(cid)
        del self.names[cid]
        self._email.get(keys.email, set()).discard(cid)
        for domain in keys.domains:
            self._domain[domain].discard(cid)
        self._name[keys.name].discard(cid)
        self._active_name.get(keys.name, set()).discard(cid)

    def match(self, row: ContactImportRow) -> int | None:
        """A contact with the same email, a shared domain, or the same name."""
        if row.email:
            ids = self._email.get(row.email.lower())
            if ids:
                return min(ids)
        found: set[int] = set()
        for domain in row.domains:
            found |= self._domain.get(domain.lower(), set())
        if found:
            return min(found)
        ids = self._name.get(row.name.strip().lower())
        return min(ids) if ids else None

    def active_named(self, name: str) -> int | None:
        ids = self._active_name.get(name.strip().lower())
        return min(ids) if ids else None


@dataclass(frozen=True, slots=True)
class _ContactOp:
    """One row to write: a new contact (``target`` None) or new values for a stored one."""

    row: ContactImportRow
    values: dict[str, object]
    target: int | None


@dataclass(slots=True)
class _ContactPlan:
    ops: list[_ContactOp]
    #: The highest contact id when the plan was made: anything above is someone else's.
    max_id: int
    #: ``ws.now()`` when the plan was made: contacts edited since are re-checked.
    taken_at: datetime
    #: Each stored contact's keys at plan time, to tell an edit made meanwhile.
    stored: dict[int, _Keys]


def find_duplicate(session: Session, row: ContactImportRow) -> ContactRow | None:
    """A stored contact with the same email, a shared domain, or the same name.

    One row at a time (it reads every contact): imports use :class:`_ContactIndex`.
    """
    index = _load_index(session)
    cid = index.match(row)
    return session.get(ContactRow, cid) if cid is not None else None


def _load_index(session: Session) -> _ContactIndex:
    index = _ContactIndex()
    query = select(
        ContactRow.id, ContactRow.name, ContactRow.email, ContactRow.domains, ContactRow.archived
    ).order_by(ContactRow.id)
    for cid, name, email, domains, archived in session.execute(query):
        index.put(cid, str(name), _Keys.of(name, email, domains, archived))
    return index


def _snapshot(row: ContactRow) -> dict[str, object]:
    return {f: getattr(row, f) for f in _SNAPSHOT_FIELDS}


def import_contacts(
    ws: Workspace,
    data: bytes,
    *,
    dry_run: bool = False,
    on_duplicate: OnDuplicate = "skip",
    limits: ImportLimits | None = None,
) -> ImportResult:
    """Validate every row; commit all or nothing in short batches; remember how to undo it.

    Raises:
        InvalidInput: rows that pass the file check but clash with stored data (or with a
            contact another writer added while the import ran); nothing is then changed.
    """
    report = parse_contacts_csv(data, limits=limits)
    result = _result("contacts", report, dry_run)
    if not report.ok:
        return result
    with ws.read() as s:  # a read: a dry run never takes the write lock
        plan = _plan_contacts(ws, s, report.rows, result, on_duplicate)
    if dry_run:
        return result
    summary = (
        f"contacts import: {result.added} added, {result.updated} updated, "
        f"{len(result.skipped)} skipped"
    )
    import_batches.run(ws, "import_contacts", plan.ops, summary, _contact_batch_writer(ws, plan))
    return result


def _plan_contacts(
    ws: Workspace,
    s: Session,
    rows: list[ContactImportRow],
    result: ImportResult,
    on_duplicate: OnDuplicate,
) -> _ContactPlan:
    taken_at = ws.now()
    index = _load_index(s)
    stored = dict(index.keys)
    max_id = max(stored, default=0)
    next_id = max_id
    created: set[int] = set()
    ops: list[_ContactOp] = []
    row = rows[0] if rows else None
    try:
        for row in rows:
            existing = index.match(row)
            if existing is not None:
                if on_duplicate == "skip" or existing in created:
                    # A contact added from an earlier line of this file is never
                    # overwritten by a later one: that would lose a row silently.
                    result.skipped.append(
                        f"line {row.line}: {row.name} (matches {index.names[existing]})"
                    )
                    continue
                values = contacts_service.clean(_as_input(row))
                clash = index.active_named(str(values["name"]))
                if clash is not None and clash != existing:
                    raise Conflict(
                        f"updating {index.names[existing]} would rename it to "
                        f"{values['name']!r}, the name of another contact"
                    )
                archived = index.keys[existing].archived
                index.drop(existing)  # later rows match its new values, as stored ones would
                index.put(existing, str(values["name"]), _keys_of(values, archived))
                ops.append(_ContactOp(row, values, existing))
                result.updated += 1
                continue
            values = contacts_service.clean(_as_input(row))
            if index.active_named(str(values["name"])) is not None:
                raise Conflict(f"a contact named {values['name']!r} already exists")
            next_id += 1
            created.add(next_id)
            index.put(next_id, str(values["name"]), _keys_of(values, False))
            ops.append(_ContactOp(row, values, None))
            result.added += 1
    except (InvalidInput, Conflict) as error:
        # Rows passed the file check but clash with stored data: refuse them all.
        line = row.line if row is not None else 0
        raise InvalidInput(
            f"contacts import refused at line {line}: {error}; nothing was changed"
        ) from None
    return _ContactPlan(ops, max_id, taken_at, stored)


def _keys_of(values: dict[str, object], archived: bool) -> _Keys:
    # values comes from a checked import row, so these three fields hold text and lists.
    return _Keys.of(values["name"], values["email"], values["domains"], archived)  # type: ignore[arg-type]


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


# --- contacts: the batches --------------------------------------------------------------------


def _contact_batch_writer(ws: Workspace, plan: _ContactPlan) -> import_batches.BatchWriter:
    """The writer of one batch; it remembers which contacts earlier batches touched."""
    touched: set[int] = set()  # updated by an earlier batch: their snapshot is kept already

    def write(s: Session, ops: Sequence[_ContactOp], undo_id: int) -> None:
        _recheck_contacts(s, ops, plan, undo_id, touched)
        _write_contact_batch(ws, s, ops, undo_id, touched)

    return write


def _recheck_contacts(
    s: Session, ops: Sequence[_ContactOp], plan: _ContactPlan, undo_id: int, touched: set[int]
) -> None:
    """Refuse the import when a contact added or edited since the plan would match a row.

    Only contacts created after the plan or updated since it are read (one indexed range
    and one scan of a timestamp column, no JSON for the others), so the check stays cheap.
    """
    query = select(
        ContactRow.id, ContactRow.name, ContactRow.email, ContactRow.domains, ContactRow.archived
    ).where(
        or_(ContactRow.id > plan.max_id, ContactRow.updated_at >= plan.taken_at),
        or_(ContactRow.import_batch_id.is_(None), ContactRow.import_batch_id != undo_id),
    )
    changed: dict[str, tuple[int, str]] = {}
    for cid, name, email, domains, archived in s.execute(query):
        if cid in touched:
            continue  # our own update of an earlier batch
        now = _Keys.of(name, email, domains, archived)
        before = plan.stored.get(cid)
        if before == now:
            continue  # touched but not changed (or the clock is frozen): matches as planned
        for keys in (now, before) if before is not None else (now,):
            for key in _key_strings(keys):
                changed.setdefault(key, (cid, str(name)))
    if not changed:
        return
    for op in ops:
        row_keys = _key_strings(_Keys.of(op.row.name, op.row.email, op.row.domains, False))
        for key in row_keys:
            if key in changed:
                cid, name = changed[key]
                raise Conflict(
                    f"line {op.row.line}: {op.row.name} matches {name} (contact {cid}), added "
                    "or changed by someone else while the import ran; run the import again"
                )


def _key_strings(keys: _Keys) -> list[str]:
    out = [f"name:{keys.name}"]
    if keys.email:
        out.append(f"email:{keys.email}")
    out += [f"domain:{d}" for d in keys.domains]
    return out


def _write_contact_batch(
    ws: Workspace, s: Session, ops: Sequence[_ContactOp], undo_id: int, touched: set[int]
) -> None:
    now = ws.now()
    _insert_new_contacts(s, [op for op in ops if op.target is None], undo_id, now)
    # Later rows win, as they did one update at a time; every update sets every field.
    updates = {op.target: op for op in ops if op.target is not None}
    if updates:
        _update_matched_contacts(ws, s, updates, undo_id, touched, now)


def _core_table(row_class: type[Base]) -> Table:
    """A mapped class's table, for Core bulk inserts (no ORM bookkeeping per row)."""
    table = row_class.__table__
    assert isinstance(table, Table)
    return table


def _insert_new_contacts(
    s: Session, ops: Sequence[_ContactOp], undo_id: int, now: datetime
) -> None:
    new = [
        {
            **op.values,
            "archived": False,
            "created_at": now,
            "updated_at": now,
            "import_batch_id": undo_id,
            "source": "import",
        }
        for op in ops
    ]
    if new:
        s.execute(_core_table(ContactRow).insert(), new)


def _current_fields(s: Session, updates: dict[int, _ContactOp]) -> dict[int, RowMapping]:
    """The stored fields of the contacts an import updates; refuses one removed meanwhile."""
    columns = [getattr(ContactRow, f) for f in ("id", *_SNAPSHOT_FIELDS)]
    current = {
        r.id: r._mapping
        for r in s.execute(select(*columns).where(ContactRow.id.in_(list(updates))))
    }
    for cid, op in updates.items():
        if cid not in current:
            raise Conflict(
                f"line {op.row.line}: the contact it updates was removed while the import "
                "ran; run the import again"
            )
    return current


def _update_matched_contacts(
    ws: Workspace,
    s: Session,
    updates: dict[int, _ContactOp],
    undo_id: int,
    touched: set[int],
    now: datetime,
) -> None:
    """Update the matched contacts, keeping each one's first snapshot for the undo."""
    current = _current_fields(s, updates)
    previous = {
        str(cid): {f: current[cid][f] for f in _SNAPSHOT_FIELDS}
        for cid in updates
        if cid not in touched
    }
    reach_changed = [
        cid for cid, op in updates.items() if current[cid]["reach"] != op.values["reach"]
    ]
    s.execute(
        update(ContactRow),
        [{"id": cid, **op.values, "updated_at": now} for cid, op in updates.items()],
    )
    touched.update(updates)
    if previous:
        # The first snapshot is the one to restore: a second row matching the same contact
        # in a later batch must not replace it with the values of the first row.
        s.add(
            UndoRow(
                action=import_batches.PART,
                summary="",
                payload={"of": undo_id, "previous": previous},
                created_at=now,
            )
        )
    if reach_changed:
        recompute(
            s, settings=ws.settings(s), my_reach=ws.profile(s).reach, contact_ids=reach_changed
        )


# --- ledger -----------------------------------------------------------------------------------


def import_ledger(
    ws: Workspace, data: bytes, *, dry_run: bool = False, limits: ImportLimits | None = None
) -> ImportResult:
    """Ledger rows naming known contacts (or empty for the audience); all or nothing."""
    with ws.read() as s:
        ids = _contact_ids(s)
    report = parse_ledger_csv(data, known_contacts=set(ids), limits=limits)
    result = _result("ledger", report, dry_run)
    if not report.ok:
        return result
    ops: list[tuple[LedgerImportRow, int | None]] = []
    for row in report.rows:
        contact_id = None
        if row.contact:
            contact_id = ids.get(row.contact.strip().casefold())
            if contact_id is None:  # pragma: no cover - the file check knows the same names
                raise InvalidInput(
                    f"ledger import refused at line {row.line}: no contact named "
                    f"{row.contact!r}; nothing was changed"
                )
        ops.append((row, contact_id))
    result.added = len(ops)
    if dry_run:
        return result
    writer = lambda s, batch, undo_id: _write_ledger_batch(ws, s, batch, undo_id)  # noqa: E731
    import_batches.run(ws, "import_ledger", ops, f"ledger import: {result.added} rows", writer)
    return result


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


def _write_ledger_batch(
    ws: Workspace, s: Session, ops: Sequence[tuple[LedgerImportRow, int | None]], undo_id: int
) -> None:
    """Insert one batch, valued with the reach and settings of this transaction."""
    settings = ws.settings(s)
    my_reach = ws.profile(s).reach
    wanted = list({cid for _, cid in ops if cid is not None})
    reach: dict[int | None, int | None] = {None: None}
    for start in range(0, len(wanted), 10_000):
        chunk = wanted[start : start + 10_000]
        reach.update(
            s.execute(select(ContactRow.id, ContactRow.reach).where(ContactRow.id.in_(chunk))).all()
        )
    now = ws.now()
    half_life = settings.half_life_days
    values: list[dict[str, object]] = []
    for row, cid in ops:
        if cid not in reach:
            raise Conflict(
                f"line {row.line}: contact {row.contact!r} was removed while the import ran; "
                "run the import again"
            )
        base = base_of(
            kind=row.kind,
            direction=row.direction,
            magnitude=row.magnitude,
            my_reach=my_reach,
            their_reach=reach[cid],
            settings=settings,
        )
        values.append(
            {
                "contact_id": cid,
                "direction": row.direction.value,
                "kind": row.kind.value,
                "occurred_on": row.occurred_on,
                "magnitude": row.magnitude,
                "source": "import",
                "note": row.note,
                "title": row.title,
                "link": row.link,
                "base": base,
                "growth": goodwill.growth(base, row.occurred_on, half_life),
                "quarter": goodwill.quarter_index(row.occurred_on),
                "import_batch_id": undo_id,
                "created_at": now,
            }
        )
    s.execute(_core_table(InteractionRow).insert(), values)  # Core: no ORM bookkeeping


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
            # Imports before batching listed their contacts in the payload; every import
            # marks them with its entry's id.
            created = [int(i) for i in undo.payload.get("created", [])]
            s.execute(
                delete(ContactRow).where(
                    or_(ContactRow.id.in_(created), ContactRow.import_batch_id == undo.id)
                )
            )
            import_batches.restore_previous(ws, s, undo.id, dict(undo.payload.get("previous", {})))
        undo.undone_at = ws.now()
        return f"undone: {undo.summary}"
