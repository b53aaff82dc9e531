"""Who a batch of drafts goes to: selections of contacts, and the pickers' lists.

A :class:`Recipient` is one message: the contact, and the ask, request or planned give it
is about. The selections (a tier, the ready asks, the contacts I featured since a day)
return recipients in name order, active contacts only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from planner.domain.model import AskStatus, Direction, Kind, Tier
from planner.domain.words import word
from planner.errors import InvalidInput
from planner.services import asks as asks_service
from planner.services.contacts import resolve
from planner.services.workspace import Workspace
from planner.storage.schema import AskRow, ContactRow, InteractionRow, PlannedGiveRow, RequestRow

__all__ = [
    "FEATURE_KINDS",
    "ReadyAsk",
    "Recipient",
    "asks_for",
    "find_contact",
    "gives_for",
    "owner_of",
    "ready_asks",
    "requests_for",
    "select_featured_since",
    "select_ready_asks",
    "select_tier",
]

#: Ledger kinds that mean "I featured them" (for the featured-since selection).
FEATURE_KINDS: tuple[str, ...] = (Kind.FEATURE, Kind.INTERVIEW, Kind.MENTION, Kind.LINK)
#: Asks that have not gone out yet: the ones a draft is for.
_UNSENT_ASK_STATUSES = (AskStatus.IDEA.value, AskStatus.PLANNED.value)


@dataclass(frozen=True, slots=True)
class Recipient:
    """One message of a batch: to whom, and about which ask, request or planned give."""

    contact_id: int
    ask_id: int | None = None
    request_id: int | None = None
    give_id: int | None = None
    #: Show only ledger gives of these kinds (the features, for "featured you").
    give_kinds: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReadyAsk:
    """An ask ready to send: the balance covers it and trust is enough."""

    ask_id: int
    contact_id: int
    contact: str
    kind: str
    title: str
    target_date: date | None
    #: The readiness explanation (for me, with the points: never put it in a message).
    reason: str


def select_tier(ws: Workspace, tier: str) -> list[Recipient]:
    """Every active contact of a tier, by name."""
    try:
        tier = Tier(tier.strip().lower()).value
    except ValueError:
        raise InvalidInput(
            f"{tier!r} is not a tier (one of: {', '.join(t.value for t in Tier)})", field="tier"
        ) from None
    with ws.read() as s:
        ids = s.scalars(
            select(ContactRow.id)
            .where(ContactRow.tier == tier, ContactRow.archived.is_(False))
            .order_by(func.lower(ContactRow.name))
        )
        return [Recipient(i) for i in ids]


def ready_asks(ws: Workspace, *, as_of: date | None = None) -> list[ReadyAsk]:
    """Asks of contacts, not sent yet, that are ready: the balance covers them, after the
    asks queued before them, and trust is enough (the planning service's readiness)."""
    out = []
    for view in asks_service.assess(ws, as_of=as_of):
        ask = view.ask
        if ask.contact_id is None or ask.status not in _UNSENT_ASK_STATUSES or not view.ready:
            continue
        out.append(
            ReadyAsk(
                ask.id,
                ask.contact_id,
                view.contact,
                Kind(ask.kind).value,
                ask.title,
                ask.target_date,
                view.reason,
            )
        )
    return out


def select_ready_asks(ws: Workspace, *, as_of: date | None = None) -> list[Recipient]:
    """One message per ready ask, about that ask."""
    return [Recipient(a.contact_id, ask_id=a.ask_id) for a in ready_asks(ws, as_of=as_of)]


def select_featured_since(ws: Workspace, since: date) -> list[Recipient]:
    """The active contacts I featured, interviewed, mentioned or linked since ``since``;
    their messages show only those gives."""
    with ws.read() as s:
        ids = s.scalars(
            select(ContactRow.id)
            .join(InteractionRow, InteractionRow.contact_id == ContactRow.id)
            .where(
                InteractionRow.direction == Direction.GAVE.value,
                InteractionRow.kind.in_(list(FEATURE_KINDS)),
                InteractionRow.occurred_on >= since,
                ContactRow.archived.is_(False),
            )
            .group_by(ContactRow.id, ContactRow.name)
            .order_by(func.lower(ContactRow.name))
        )
        return [Recipient(i, give_kinds=FEATURE_KINDS) for i in ids]


def find_contact(ws: Workspace, name_or_id: str | int) -> int:
    """A contact's id from its id, name or alias.

    Raises:
        NotFound: no such contact.
    """
    with ws.read() as s:
        return resolve(s, name_or_id).id


def owner_of(
    ws: Workspace, *, ask_id: int | None = None, request_id: int | None = None
) -> int | None:
    """The contact an ask of mine is for, or a request of theirs came from (a link that
    names only the ask selects its contact too); None when unknown or the audience's."""
    with ws.read() as s:
        ask = s.get(AskRow, ask_id) if ask_id is not None else None
        request = s.get(RequestRow, request_id) if request_id is not None else None
        for row in (ask, request):
            if row is not None and row.contact_id is not None:
                return int(row.contact_id)
    return None


def _labelled(rows: Iterable[Any], label: Callable[[Any], str]) -> list[tuple[int, str]]:
    return [(r.id, label(r)) for r in rows]


def _label(row: Any) -> str:
    """``#3 Guest post (Planned): Guest post on Webb SEO`` for a picker: words, not codes
    (kinds and the statuses of asks, requests and gives have one word each)."""
    return f"#{row.id} {word(row.kind)} ({word(row.status)}): {row.title or 'no title'}"


def asks_for(ws: Workspace, contact_id: int) -> list[tuple[int, str]]:
    """(id, label) of a contact's asks, newest first, for a picker."""
    with ws.read() as s:
        rows = s.scalars(
            select(AskRow).where(AskRow.contact_id == contact_id).order_by(AskRow.id.desc())
        )
        return _labelled(rows, _label)


def requests_for(ws: Workspace, contact_id: int) -> list[tuple[int, str]]:
    """(id, label) of a contact's requests of me."""
    with ws.read() as s:
        rows = s.scalars(
            select(RequestRow)
            .where(RequestRow.contact_id == contact_id)
            .order_by(RequestRow.received_on.desc(), RequestRow.id.desc())
        )
        return _labelled(rows, _label)


def gives_for(ws: Workspace, contact_id: int) -> list[tuple[int, str]]:
    """(id, label) of the gives planned for a contact."""
    with ws.read() as s:
        rows = s.scalars(
            select(PlannedGiveRow)
            .where(PlannedGiveRow.contact_id == contact_id)
            .order_by(PlannedGiveRow.id.desc())
        )
        return _labelled(rows, _label)
