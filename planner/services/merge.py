"""Merging two contacts who are the same person, and undoing the last merge.

:func:`merge_contacts` keeps one contact (the survivor) and folds the other into it, in one
transaction:

* the other's name and aliases become aliases of the survivor; domains, handles and tags
  are united; an empty email, reach or notes of the survivor is filled from the other;
* the other's ledger rows, detections, asks, planned gives, requests, feeds and guest
  suggestions move to the survivor. The ledger rows keep their stored values, so the
  survivor's balance is the sum of both balances before the merge;
* when both have a detection in the same entry, the stronger one is kept (a decision
  beats an automatic or pending one, then the stronger role, then the confidence); the
  other goes, with the ledger row it made;
* the other is archived with ``merged_into_id`` pointing at the survivor.

An :class:`~planner.storage.schema.UndoRow` holds what it takes to put everything back:
:func:`undo_last_merge` restores both contacts, moves every row back and re-creates what
was deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, select, update
from sqlalchemy.orm import Session

from planner.domain.model import ROLE_STRENGTH, Role, Source
from planner.errors import Conflict, InvalidInput, NotFound
from planner.services import validate
from planner.services.contacts import resolve
from planner.services.workspace import Workspace
from planner.storage.schema import (
    AskRow,
    Base,
    ContactRow,
    DetectionRow,
    FeedRow,
    GuestSuggestionRow,
    InteractionRow,
    PlannedGiveRow,
    RequestRow,
    UndoRow,
)

ACTION = "merge"
#: Contact columns a merge changes (and an undo restores).
CONTACT_FIELDS = (
    "name",
    "aliases",
    "email",
    "domains",
    "handles",
    "tags",
    "tier",
    "reach",
    "notes",
    "archived",
    "merged_into_id",
    "updated_at",
)
#: Tables whose rows follow a contact: (key in the snapshot, row class, contact column).
MOVED: tuple[tuple[str, type[Base], str], ...] = (
    ("interactions", InteractionRow, "contact_id"),
    ("detections", DetectionRow, "contact_id"),
    ("asks", AskRow, "contact_id"),
    ("gives", PlannedGiveRow, "contact_id"),
    ("requests", RequestRow, "contact_id"),
    ("feeds", FeedRow, "contact_id"),
    ("suggestions", GuestSuggestionRow, "similar_contact_id"),
)
_STATUS_RANK = {"confirmed": 3, "auto": 2, "pending": 1, "dismissed": 0}


@dataclass(frozen=True, slots=True)
class MergeResult:
    keep_id: int
    other_id: int
    keep_name: str
    other_name: str
    moved: dict[str, int]
    collisions: int
    undo_id: int

    def describe(self) -> str:
        parts = ", ".join(f"{n} {k}" for k, n in self.moved.items() if n)
        text = f"merged {self.other_name} into {self.keep_name}"
        text += f": moved {parts}" if parts else ""
        if self.collisions:
            text += f"; {self.collisions} duplicate detection(s) resolved"
        return text


# --- snapshots ---------------------------------------------------------------------------


def _dump(row: Base, columns: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in row.__table__.columns:
        if columns is not None and column.key not in columns:
            continue
        value = getattr(row, column.key)
        out[column.key] = value.isoformat() if isinstance(value, date | datetime) else value
    return out


def _load_values(cls: type[Base], data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    columns = {c.key: c for c in cls.__table__.columns}
    for key, value in data.items():
        column = columns.get(key)
        if column is None:
            continue
        if value is not None and isinstance(column.type, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(column.type, Date):
            value = date.fromisoformat(value)
        out[key] = value
    return out


# --- merging -----------------------------------------------------------------------------


def _strength(row: DetectionRow) -> tuple[int, int, float]:
    role = ROLE_STRENGTH.get(Role(row.role), 0) if row.role in Role._value2member_map_ else 0
    return (_STATUS_RANK.get(row.status, 0), role, row.confidence)


def _contact(session: Session, name_or_id: str | int) -> ContactRow:
    return resolve(session, name_or_id)


def merge_contacts(ws: Workspace, keep_id: str | int, other_id: str | int) -> MergeResult:
    """Fold ``other_id`` into ``keep_id`` (ids or names); see the module docstring."""
    with ws.write() as s:
        keep = _contact(s, keep_id)
        other = _contact(s, other_id)
        if keep.id == other.id:
            raise InvalidInput("a contact cannot be merged with itself", field="contact")
        for row in (keep, other):
            if row.merged_into_id is not None:
                raise Conflict(f"{row.name} was already merged into another contact")
        payload: dict[str, Any] = {
            "keep_id": keep.id,
            "other_id": other.id,
            "keep": _dump(keep, CONTACT_FIELDS),
            "other": _dump(other, CONTACT_FIELDS),
            "moved": {},
            "deleted": {"interactions": [], "detections": []},
        }
        collisions = _resolve_collisions(s, keep.id, other.id, payload)
        moved: dict[str, int] = {}
        for key, cls, column in MOVED:
            col = getattr(cls, column)
            ids = list(s.scalars(select(cls.id).where(col == other.id)))  # type: ignore[attr-defined]
            if ids:
                s.execute(
                    update(cls).where(cls.id.in_(ids)).values({column: keep.id})  # type: ignore[attr-defined]
                )
            payload["moved"][key] = ids
            moved[key] = len(ids)
        _fold_fields(keep, other)
        now = ws.now()
        keep.updated_at = now
        other.archived = True
        other.merged_into_id = keep.id
        other.updated_at = now
        undo = UndoRow(
            action=ACTION,
            summary=f"merged {other.name} (#{other.id}) into {keep.name} (#{keep.id})",
            payload=payload,
            created_at=now,
        )
        s.add(undo)
        s.flush()
        return MergeResult(keep.id, other.id, keep.name, other.name, moved, collisions, undo.id)


def _resolve_collisions(
    session: Session, keep_id: int, other_id: int, payload: dict[str, Any]
) -> int:
    """Both have a detection in the same entry: keep the stronger, delete the other."""
    query = select(DetectionRow).where(DetectionRow.contact_id == keep_id)
    mine = {d.entry_id: d for d in session.scalars(query)}
    n = 0
    for theirs in list(
        session.scalars(select(DetectionRow).where(DetectionRow.contact_id == other_id))
    ):
        ours = mine.get(theirs.entry_id)
        if ours is None:
            continue
        loser = theirs if _strength(ours) >= _strength(theirs) else ours
        interaction = (
            session.get(InteractionRow, loser.interaction_id) if loser.interaction_id else None
        )
        payload["deleted"]["detections"].append(_dump(loser))
        session.delete(loser)
        if interaction is not None and interaction.source == Source.FEED:
            payload["deleted"]["interactions"].append(_dump(interaction))
            session.delete(interaction)
        n += 1
    session.flush()
    return n


def _fold_fields(keep: ContactRow, other: ContactRow) -> None:
    """The survivor takes the other's names as aliases, its lists, and what it lacks."""
    names = [other.name, *(other.aliases or [])]
    aliases = [a for a in [*(keep.aliases or []), *names] if a.lower() != keep.name.lower()]
    keep.aliases = validate.many(aliases)
    keep.domains = _union(keep.domains, other.domains)
    keep.handles = _union(keep.handles, other.handles)
    keep.tags = _union(keep.tags, other.tags)
    _fill_gaps(keep, other)


def _union(ours: list[str] | None, theirs: list[str] | None) -> list[str]:
    return validate.many([*(ours or []), *(theirs or [])])


def _fill_gaps(keep: ContactRow, other: ContactRow) -> None:
    """Email and reach only where the survivor has none; the other's notes appended once."""
    if not keep.email and other.email:
        keep.email = other.email
    if keep.reach is None and other.reach is not None:
        keep.reach = other.reach
    if other.notes and other.notes not in (keep.notes or ""):
        keep.notes = f"{keep.notes}\n{other.notes}".strip() if keep.notes else other.notes


# --- undo --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MergeUndo:
    undo_id: int
    summary: str

    def describe(self) -> str:
        return f"undone: {self.summary}"


def last_merge(ws: Workspace) -> tuple[int, str] | None:
    """(undo id, summary) of the last merge that can be undone, or None."""
    with ws.read() as s:
        row = _last(s)
        return (row.id, row.summary) if row else None


def _last(session: Session) -> UndoRow | None:
    return session.scalars(
        select(UndoRow)
        .where(UndoRow.action == ACTION, UndoRow.undone_at.is_(None))
        .order_by(UndoRow.id.desc())
        .limit(1)
    ).first()


def undo_last_merge(ws: Workspace) -> MergeUndo:
    """Put back the two contacts of the last merge and every row the merge moved or
    deleted. Rows added to the survivor since the merge stay with it."""
    with ws.write() as s:
        undo = _last(s)
        if undo is None:
            raise NotFound("there is no merge to undo")
        payload = undo.payload
        keep, other = _merged_pair(s, payload)
        _move_back(s, payload["moved"], keep, other)
        _put_back_deleted(s, payload["deleted"])
        for row, key in ((keep, "keep"), (other, "other")):
            for name, value in _load_values(ContactRow, payload[key]).items():
                setattr(row, name, value)
        undo.undone_at = ws.now()
        s.flush()
        return MergeUndo(undo.id, undo.summary)


def _merged_pair(s: Session, payload: dict[str, Any]) -> tuple[ContactRow, ContactRow]:
    """The survivor and the merged contact, refused if either changed in a way undo cannot mend."""
    keep = s.get(ContactRow, payload["keep_id"])
    other = s.get(ContactRow, payload["other_id"])
    if keep is None or other is None:
        raise Conflict("a contact of that merge was deleted since: it cannot be undone")
    if other.merged_into_id != keep.id:
        raise Conflict(f"{other.name} is no longer merged into {keep.name}")
    return keep, other


def _move_back(
    s: Session, moved: dict[str, list[int]], keep: ContactRow, other: ContactRow
) -> None:
    """Rows the merge moved to the survivor point at the merged contact again."""
    for key, cls, column in MOVED:
        ids = moved.get(key) or []
        if ids:
            col = getattr(cls, column)
            s.execute(
                update(cls)
                .where(cls.id.in_(ids), col == keep.id)  # type: ignore[attr-defined]
                .values({column: other.id})
            )
    s.flush()


def _put_back_deleted(s: Session, deleted: dict[str, list[dict[str, Any]]]) -> None:
    """Re-create the duplicate interactions and detections the merge deleted, unless present."""
    for data in deleted.get("interactions", []):
        if s.get(InteractionRow, data["id"]) is None:
            s.add(InteractionRow(**_load_values(InteractionRow, data)))
    s.flush()
    for data in deleted.get("detections", []):
        if s.get(DetectionRow, data["id"]) is None:
            values = _load_values(DetectionRow, data)
            if (
                values.get("interaction_id")
                and s.get(InteractionRow, values["interaction_id"]) is None
            ):
                values["interaction_id"] = None
            s.add(DetectionRow(**values))
