"""Guests found in my episodes who are not contacts: accept, add as an alias, or dismiss.

Accepting or aliasing detects that contact again in every stored entry, in the same
transaction; an answer settles every pending suggestion of the same name.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.domain.detection_links import SHARED_PLATFORMS, parent_domains, split_url
from planner.domain.model import Contact, Tier
from planner.domain.names import clean_person_name
from planner.errors import Conflict, InvalidInput, NotFound
from planner.services import contacts as contacts_service
from planner.services import validate
from planner.services.detections.rescan import rescan_contacts
from planner.services.detections.statuses import (
    SUGGESTION_ACCEPTED,
    SUGGESTION_ALIASED,
    SUGGESTION_DISMISSED,
    SUGGESTION_PENDING,
)
from planner.services.workspace import Workspace
from planner.storage.convert import contact_from_row
from planner.storage.schema import ContactRow, EntryRow, GuestSuggestionRow


def _suggestion_row(session: Session, suggestion_id: int) -> GuestSuggestionRow:
    row = session.get(GuestSuggestionRow, suggestion_id)
    if row is None:
        raise NotFound(f"no guest suggestion with id {suggestion_id}")
    if row.status != SUGGESTION_PENDING:
        raise Conflict(f"guest suggestion {suggestion_id} is already {row.status}")
    return row


def _close_same_name(session: Session, row: GuestSuggestionRow, status: str) -> None:
    """The same guest suggested by other episodes is settled by the same answer."""
    key = clean_person_name(row.name)
    row.status = status
    for other in session.scalars(
        select(GuestSuggestionRow).where(GuestSuggestionRow.status == SUGGESTION_PENDING)
    ):
        if clean_person_name(other.name) == key:
            other.status = status


def site_domain(href: str) -> str:
    """A guest's own website domain from their link, or "" for a shared platform."""
    host, _segments = split_url(href)
    if not host or any(p in SHARED_PLATFORMS for p in parent_domains(host)):
        return ""
    try:
        return validate.domain(host)
    except InvalidInput:
        return ""


def accept_suggestion(
    ws: Workspace, suggestion_id: int, *, name: str | None = None, tier: str = Tier.NETWORK
) -> Contact:
    """Add a suggested guest as a contact (source "guest", their site as a domain) and
    detect them in every stored entry, in one transaction."""
    with ws.write() as s:
        row = _suggestion_row(s, suggestion_id)
        domain = site_domain(row.href)
        entry = s.get(EntryRow, row.entry_id)
        contact = contacts_service.add(
            ws,
            contacts_service.ContactInput(
                name=name or row.name,
                tier=tier,
                domains=(domain,) if domain else (),
                notes=f"Guest in: {entry.title}"[:2000] if entry is not None else "",
            ),
            session=s,
            source="guest",
        )
        _close_same_name(s, row, SUGGESTION_ACCEPTED)
        s.flush()
        rescan_contacts(ws, s, [contact.id])
        return contact


def alias_suggestion(ws: Workspace, suggestion_id: int, contact_id: int | None = None) -> Contact:
    """Add the suggested name as an alias of a contact (the similar one by default) and
    detect that contact again everywhere, in one transaction."""
    with ws.write() as s:
        row = _suggestion_row(s, suggestion_id)
        target_id = contact_id if contact_id is not None else row.similar_contact_id
        if target_id is None:
            raise InvalidInput("choose the contact this guest is an alias of", field="contact")
        contact = s.get(ContactRow, target_id)
        if contact is None:
            raise NotFound(f"no contact with id {target_id}")
        alias = validate.name(row.name, "alias")
        if alias.lower() != contact.name.lower():
            contact.aliases = validate.many([*(contact.aliases or []), alias])
        contact.updated_at = ws.now()
        _close_same_name(s, row, SUGGESTION_ALIASED)
        s.flush()
        rescan_contacts(ws, s, [contact.id])
        return contact_from_row(contact)


def dismiss_suggestions(ws: Workspace, suggestion_ids: Iterable[int]) -> int:
    """Dismiss guest suggestions; the same name is not suggested again."""
    n = 0
    with ws.write() as s:
        for suggestion_id in sorted(set(suggestion_ids)):
            _close_same_name(s, _suggestion_row(s, suggestion_id), SUGGESTION_DISMISSED)
            n += 1
    return n
