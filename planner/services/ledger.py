"""The ledger: interactions given and received, by hand, from feeds, plans and imports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.domain.model import Direction, Interaction, Kind, Source
from planner.errors import InvalidInput, NotFound
from planner.feeds.urls import http_url_or_empty
from planner.services import validate
from planner.services.contacts import resolve
from planner.services.valuation import fill_values
from planner.services.workspace import Workspace
from planner.storage.convert import interaction_from_row
from planner.storage.schema import ContactRow, InteractionRow


@dataclass(frozen=True, slots=True)
class LedgerInput:
    """One interaction as typed: ``contact`` is a name or id, empty for the audience."""

    contact: str | int | None
    direction: str
    kind: str
    occurred_on: date | str
    magnitude: float | str | None = 1.0
    note: str = ""
    title: str = ""
    link: str = ""
    source: str = Source.MANUAL


def add(
    ws: Workspace, data: LedgerInput, *, session: Session | None = None, **links: int | None
) -> Interaction:
    """Record an interaction; ``links`` may set entry_id, ask_id, give_id, request_id."""
    if session is None:
        with ws.write() as s:
            return add(ws, data, session=s, **links)
    row = InteractionRow(
        source=validate.choice(data.source, Source, "source").value, created_at=ws.now(), **links
    )
    _fill(ws, session, row, data)
    session.add(row)
    session.flush()
    return interaction_from_row(row)


def update(ws: Workspace, interaction_id: int, data: LedgerInput) -> Interaction:
    """Change a ledger row as typed (contact, direction, kind, date, magnitude, note, title,
    link); its source and the records it came from are kept, its value recomputed."""
    with ws.write() as s:
        row = s.get(InteractionRow, interaction_id)
        if row is None:
            raise NotFound(f"no ledger row with id {interaction_id}")
        _fill(ws, s, row, data)
        s.flush()
        return interaction_from_row(row)


def get(ws: Workspace, interaction_id: int) -> Interaction:
    with ws.read() as s:
        row = s.get(InteractionRow, interaction_id)
        if row is None:
            raise NotFound(f"no ledger row with id {interaction_id}")
        return interaction_from_row(row)


def _fill(ws: Workspace, session: Session, row: InteractionRow, data: LedgerInput) -> None:
    """Validate ``data`` into ``row`` (InvalidInput naming the first bad field) and set its
    derived values."""
    direction = validate.choice(data.direction, Direction, "direction")
    kind = validate.choice(data.kind, Kind, "kind")
    day = validate.day(data.occurred_on, "date")
    magnitude = validate.magnitude(data.magnitude)
    contact: ContactRow | None = None
    if data.contact not in (None, ""):
        contact = resolve(session, data.contact)
    row.contact_id = contact.id if contact else None
    row.direction = direction.value
    row.kind = kind.value
    row.occurred_on = day
    row.magnitude = magnitude
    row.note = validate.text(data.note, "note", max_len=10_000)
    row.title = validate.text(data.title, "title", max_len=2_000)
    row.link = _link(data.link)
    fill_values(
        row,
        settings=ws.settings(session),
        my_reach=ws.profile(session).reach,
        their_reach=contact.reach if contact else None,
    )


def _link(value: object) -> str:
    """Empty or one plain absolute http(s) address: a ledger link becomes a clickable cell
    (THREATS X2), so ``javascript:``/``data:`` links and look-alikes are refused."""
    link = validate.text(value, "link", max_len=2_000)
    if link and http_url_or_empty(link) != link:
        raise InvalidInput(f"link {link[:80]!r} is not an http(s) address", field="link")
    return link


def delete(ws: Workspace, interaction_id: int) -> Interaction:
    """Delete a ledger row; returns it as it was (what an undo adds back)."""
    with ws.write() as s:
        row = s.get(InteractionRow, interaction_id)
        if row is None:
            raise NotFound(f"no ledger row with id {interaction_id}")
        gone = interaction_from_row(row)
        s.delete(row)
        return gone


def as_input(item: Interaction) -> LedgerInput:
    """A row as the form fields that would type it again (an edit form's start, an undo)."""
    return LedgerInput(
        contact=item.contact_id,
        direction=item.direction.value,
        kind=item.kind.value,
        occurred_on=item.occurred_on,
        magnitude=item.magnitude,
        note=item.note,
        title=item.title,
        link=item.link,
        source=item.source.value,
    )


def list_interactions(
    ws: Workspace,
    *,
    contact_id: int | None = None,
    audience: bool = False,
    direction: str = "",
    kinds: tuple[str, ...] = (),
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
) -> list[Interaction]:
    """Ledger rows, newest first, filtered."""
    with ws.read() as s:
        query = select(InteractionRow)
        if audience:
            query = query.where(InteractionRow.contact_id.is_(None))
        elif contact_id is not None:
            query = query.where(InteractionRow.contact_id == contact_id)
        if direction:
            query = query.where(InteractionRow.direction == direction)
        if kinds:
            query = query.where(InteractionRow.kind.in_(kinds))
        if since:
            query = query.where(InteractionRow.occurred_on >= since)
        if until:
            query = query.where(InteractionRow.occurred_on <= until)
        query = query.order_by(InteractionRow.occurred_on.desc(), InteractionRow.id.desc())
        if limit:
            query = query.limit(limit)
        return [interaction_from_row(r) for r in s.scalars(query)]
