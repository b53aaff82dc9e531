"""The demo workspace: data/demo/*, with dates relative to the day it is loaded.

File formats are documented in data/README.md. Loading is one transaction: a bad file
leaves the database as it was.

**Knowing the demo is loaded.** Loading writes a marker (the setting ``demo``: the day it
was loaded and the ids of the asks, planned gives, requests and feeds it added); the demo's
contacts and ledger rows carry the source ``demo``. :func:`is_loaded` says whether a demo is
in the database (the marker, or demo contacts from a load older than the marker).

**Removing it** (:func:`remove`, one transaction) deletes every record the demo brought:
its contacts (with their ledger rows, asks, gives, requests and detections), its audience
rows, asks and gives, its feeds (with their entries, detections, suggestions and the
ledger rows detection wrote from them), the demo persona in the profile, the marker and
the undo log (an undo could bring demo rows back). What the user added meanwhile stays:
their own contacts and ledger rows, feeds, settings and template edits, unless
``keep_mine=False``, which empties the whole database.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from planner.domain.model import Settings, settings_to_dict
from planner.errors import Conflict, InvalidInput
from planner.services import contacts as contacts_service
from planner.services import ledger as ledger_service
from planner.services import validate
from planner.services.workspace import Workspace
from planner.storage import schema
from planner.storage.db import hold_setup_lock
from planner.storage.schema import (
    AskRow,
    ContactRow,
    FeedRow,
    PlannedGiveRow,
    ProfileRow,
    RequestRow,
    SettingRow,
)

DEMO_DIR = Path(__file__).resolve().parents[2] / "data" / "demo"


def is_empty(ws: Workspace) -> bool:
    """True when the database holds no contacts and no ledger rows.

    Only a hint for a page or a message: another process may fill the database a moment
    later. :func:`load` checks again inside its own transaction, under the setup lock.
    """
    with ws.read() as s:
        return _is_empty(s)


def _is_empty(session: Session) -> bool:
    n = session.scalar(select(func.count()).select_from(ContactRow)) or 0
    m = session.scalar(select(func.count()).select_from(schema.InteractionRow)) or 0
    return n == 0 and m == 0


def _rows(name: str, directory: Path) -> list[dict[str, str]]:
    path = directory / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _int(value: str, default: int = 0) -> int:
    return int(value) if value.strip() else default


def wipe(session: Session) -> None:
    """Delete every row of every table (children first)."""
    for table in reversed(schema.Base.metadata.sorted_tables):
        session.execute(delete(table))


def load_if_empty(ws: Workspace, *, directory: Path = DEMO_DIR) -> str | None:
    """Load the demo when the database is empty; None (nothing done) when it is not.

    Safe when several processes start together on a new database (the app and cron):
    exactly one of them loads the demo, the others find it loaded.
    """
    return _load(ws, reset=False, directory=directory, only_if_empty=True)


def load(ws: Workspace, *, reset: bool = False, directory: Path = DEMO_DIR) -> str:
    """Load the demo into the database; refuses a non-empty database unless ``reset``."""
    stats = _load(ws, reset=reset, directory=directory, only_if_empty=False)
    assert stats is not None  # only_if_empty=False raises instead of returning None
    return stats


def _load(ws: Workspace, *, reset: bool, directory: Path, only_if_empty: bool) -> str | None:
    today = ws.today()
    profile = _read_profile(directory)
    with ws.write() as s:
        if not _claim_database(s, reset=reset, only_if_empty=only_if_empty):
            return None
        _add_settings_and_profile(s, profile)
        _add_contacts(ws, s, directory)
        n_interactions = _add_interactions(ws, s, directory, today)
        now = ws.now()
        _add_asks(ws, s, directory, today, now)
        _add_gives(s, directory, today, now)
        _add_requests(s, directory, today, now)
        _add_feeds(s, directory, now)
        _mark(s, today)
        n_contacts = s.scalar(select(func.count()).select_from(ContactRow))
    return f"{n_contacts} contacts, {n_interactions} interactions"


def _read_profile(directory: Path) -> dict[str, Any]:
    try:
        profile: dict[str, Any] = json.loads(
            (directory / "profile.json").read_text(encoding="utf-8")
        )
    except (OSError, ValueError) as error:
        raise InvalidInput(f"demo profile unreadable: {error}") from None
    return profile


def _claim_database(s: Session, *, reset: bool, only_if_empty: bool) -> bool:
    """Make the database ready for the demo; False when it holds data and ``only_if_empty``.

    The emptiness check belongs inside the writing transaction, under the setup lock:
    checked before it, two processes starting together both saw an empty database and the
    second failed on "UNIQUE constraint failed: profile.id".
    """
    hold_setup_lock(s.connection())
    if not reset and not _is_empty(s):
        if only_if_empty:
            return False
        raise Conflict(
            "the database already holds data; use 'planner demo --reset' to "
            "replace it with the demo (this deletes everything)"
        )
    if reset:
        wipe(s)
        s.flush()
    return True


def _add_settings_and_profile(s: Session, profile: dict[str, Any]) -> None:
    s.add(SettingRow(key="model", value=settings_to_dict(Settings())))
    s.add(
        ProfileRow(
            id=1,
            name=profile.get("name", ""),
            brand=profile.get("brand", ""),
            email=profile.get("email", ""),
            domains=profile.get("domains", []),
            handles=profile.get("handles", []),
            aliases=profile.get("aliases", []),
            reach=profile.get("reach"),
        )
    )
    s.flush()


def _add_contacts(ws: Workspace, s: Session, directory: Path) -> None:
    for row in _rows("contacts.csv", directory):
        contacts_service.add(
            ws,
            contacts_service.ContactInput(
                name=row["name"],
                tier=row.get("tier") or "network",
                reach=row.get("reach"),
                email=row.get("email", ""),
                aliases=row.get("aliases", ""),
                domains=row.get("domains", ""),
                handles=row.get("handles", ""),
                tags=row.get("tags", ""),
                notes=row.get("notes", ""),
            ),
            session=s,
            source="demo",
        )


def _add_interactions(ws: Workspace, s: Session, directory: Path, today: date) -> int:
    """The demo ledger; returns how many rows it added."""
    count = 0
    for row in _rows("interactions.csv", directory):
        ledger_service.add(
            ws,
            ledger_service.LedgerInput(
                contact=row.get("contact") or None,
                direction=row["direction"],
                kind=row["kind"],
                occurred_on=today - timedelta(days=_int(row["days_ago"])),
                magnitude=row.get("magnitude") or 1.0,
                note=row.get("note", ""),
                title=row.get("title", ""),
                link=row.get("link", ""),
                source="demo",
            ),
            session=s,
        )
        count += 1
    return count


def _add_asks(ws: Workspace, s: Session, directory: Path, today: date, now: datetime) -> None:
    settings = ws.settings(s)
    for row in _rows("asks.csv", directory):
        contact = _contact(s, row.get("contact", ""))
        kind = row["kind"]
        s.add(
            AskRow(
                contact_id=contact.id if contact else None,
                kind=kind,
                cost=validate.number(row.get("cost"), "cost", default=settings.ask_cost(kind)),
                target_date=today + timedelta(days=_int(row["target_in_days"], 30)),
                priority=_int(row.get("priority", ""), 2),
                status=row.get("status") or "idea",
                title=row.get("title", ""),
                note=row.get("note", ""),
                created_at=now,
            )
        )


def _add_gives(s: Session, directory: Path, today: date, now: datetime) -> None:
    for row in _rows("gives.csv", directory):
        contact = _contact(s, row.get("contact", ""))
        s.add(
            PlannedGiveRow(
                contact_id=contact.id if contact else None,
                kind=row["kind"],
                title=row.get("title", ""),
                due_date=today + timedelta(days=_int(row["due_in_days"])),
                channel=row.get("channel", ""),
                status=row.get("status") or "idea",
                note=row.get("note", ""),
                created_at=now,
            )
        )


def _add_requests(s: Session, directory: Path, today: date, now: datetime) -> None:
    for row in _rows("requests.csv", directory):
        contact = _contact(s, row["contact"])
        if contact is None:
            raise InvalidInput(f"demo request names unknown contact {row['contact']!r}")
        s.add(
            RequestRow(
                contact_id=contact.id,
                kind=row["kind"],
                received_on=today - timedelta(days=_int(row["days_ago"])),
                status=row.get("status") or "open",
                title=row.get("title", ""),
                note=row.get("note", ""),
                created_at=now,
            )
        )


def _add_feeds(s: Session, directory: Path, now: datetime) -> None:
    """The demo's feeds are files in data/demo/feeds, read through file:// URLs."""
    for row in _rows("feeds.csv", directory):
        owner = row.get("owner") or "industry"
        contact = None if owner in ("me", "industry") else _contact(s, owner)
        path = (directory / "feeds" / row["path"]).resolve()
        s.add(
            FeedRow(
                url=path.as_uri(),
                kind=row.get("kind") or "blog",
                owner="contact" if contact else owner,
                contact_id=contact.id if contact else None,
                title=row.get("title", ""),
                error_count=0,
                created_at=now,
            )
        )


def _contact(session: Session, name: str) -> ContactRow | None:
    if not name:
        return None
    return contacts_service.resolve(session, name)


#: The setting that says the demo is loaded and which of its records have no source column.
MARKER = "demo"
_MARKED = {
    "asks": AskRow.id,
    "gives": PlannedGiveRow.id,
    "requests": RequestRow.id,
    "feeds": FeedRow.id,
}


def _mark(s: Session, today: date) -> None:
    """Write the marker: the database was empty (or wiped), so every such row is the demo's."""
    s.flush()
    value: dict[str, Any] = {"loaded_on": today.isoformat()}
    for name, id_column in _MARKED.items():
        value[name] = list(s.scalars(select(id_column)))
    s.merge(SettingRow(key=MARKER, value=value))


def is_loaded(ws: Workspace) -> bool:
    """Is the demo (or part of it) in the database?"""
    with ws.read() as s:
        if s.get(SettingRow, MARKER) is not None:
            return True
        return (
            s.scalar(select(ContactRow.id).where(ContactRow.source == "demo").limit(1)) is not None
        )


def remove(ws: Workspace, *, keep_mine: bool = True, directory: Path = DEMO_DIR) -> str:
    """Remove the demo (see the module docstring); with ``keep_mine=False`` remove
    everything. Returns what was removed, in words."""
    persona = _read_profile(directory)
    with ws.write() as s:
        if not keep_mine:
            n = s.scalar(select(func.count()).select_from(ContactRow)) or 0
            wipe(s)
            return f"everything removed ({n} contacts)"
        marker = s.get(SettingRow, MARKER)
        marked: dict[str, Any] = dict(marker.value) if marker is not None else {}
        n_contacts = _remove_demo_records(s, marked, directory)
        _remove_persona(s, persona)
        s.execute(delete(schema.UndoRow))
        s.execute(delete(SettingRow).where(SettingRow.key == MARKER))
    return f"demo removed ({n_contacts} contacts)"


def _remove_demo_records(s: Session, marked: dict[str, Any], directory: Path) -> int:
    """Delete the demo's rows; returns how many demo contacts went."""
    feed_ids = set(marked.get("feeds", []))
    prefix = directory.resolve().as_uri() + "/"
    feed_ids |= set(s.scalars(select(FeedRow.id).where(FeedRow.url.startswith(prefix))))
    feed_entries = select(schema.EntryRow.id).where(schema.EntryRow.feed_id.in_(feed_ids))
    ledger = schema.InteractionRow
    s.execute(delete(ledger).where(ledger.entry_id.in_(feed_entries)))
    s.execute(delete(ledger).where(ledger.source == "demo"))
    for name, row_type in (("asks", AskRow), ("gives", PlannedGiveRow), ("requests", RequestRow)):
        s.execute(delete(row_type).where(row_type.id.in_(marked.get(name, []))))
    if not marked:  # loaded before the marker existed: the demo's audience plans by title
        _remove_unmarked_audience_plans(s, directory)
    s.execute(delete(FeedRow).where(FeedRow.id.in_(feed_ids)))
    demo_contacts = list(s.scalars(select(ContactRow.id).where(ContactRow.source == "demo")))
    s.execute(delete(ContactRow).where(ContactRow.id.in_(demo_contacts)))
    return len(demo_contacts)


def _remove_unmarked_audience_plans(s: Session, directory: Path) -> None:
    """The demo's asks and gives with no contact, found by their titles in the demo files."""
    for name, row_type in (("asks.csv", AskRow), ("gives.csv", PlannedGiveRow)):
        titles = [r.get("title", "") for r in _rows(name, directory) if not r.get("contact")]
        s.execute(delete(row_type).where(row_type.contact_id.is_(None), row_type.title.in_(titles)))


def _remove_persona(s: Session, persona: dict[str, Any]) -> None:
    """Empty the profile when it is still the demo's persona (same name or email)."""
    row = s.scalars(select(ProfileRow).limit(1)).first()
    if row is None:
        return
    if row.name == persona.get("name") or row.email == persona.get("email"):
        s.delete(row)
