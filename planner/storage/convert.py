"""Rows to domain records. The domain never sees an ORM object."""

from __future__ import annotations

from planner.domain.entry import Person
from planner.domain.model import (
    Ask,
    AskStatus,
    Contact,
    Direction,
    GiveStatus,
    Interaction,
    Kind,
    PlannedGive,
    Profile,
    Request,
    RequestStatus,
    Source,
    Tier,
)
from planner.storage.schema import (
    AskRow,
    ContactRow,
    InteractionRow,
    PlannedGiveRow,
    ProfileRow,
    RequestRow,
)


def _strs(values: object) -> tuple[str, ...]:
    return tuple(str(v) for v in values) if isinstance(values, list | tuple) else ()


def profile_from_row(row: ProfileRow) -> Profile:
    return Profile(
        name=row.name,
        brand=row.brand,
        email=row.email,
        domains=_strs(row.domains),
        handles=_strs(row.handles),
        aliases=_strs(row.aliases),
        reach=row.reach,
    )


def contact_from_row(row: ContactRow) -> Contact:
    return Contact(
        id=row.id,
        name=row.name,
        tier=Tier(row.tier),
        reach=row.reach,
        email=row.email,
        aliases=_strs(row.aliases),
        domains=_strs(row.domains),
        handles=_strs(row.handles),
        tags=_strs(row.tags),
        notes=row.notes,
        archived=row.archived,
    )


def interaction_from_row(row: InteractionRow) -> Interaction:
    return Interaction(
        id=row.id,
        contact_id=row.contact_id,
        direction=Direction(row.direction),
        kind=Kind(row.kind),
        occurred_on=row.occurred_on,
        magnitude=row.magnitude,
        source=Source(row.source),
        note=row.note,
        title=row.title,
        link=row.link,
    )


def ask_from_row(row: AskRow) -> Ask:
    return Ask(
        id=row.id,
        contact_id=row.contact_id,
        kind=Kind(row.kind),
        cost=row.cost,
        target_date=row.target_date,
        status=AskStatus(row.status),
        priority=row.priority,
        title=row.title,
        note=row.note,
    )


def give_from_row(row: PlannedGiveRow) -> PlannedGive:
    return PlannedGive(
        id=row.id,
        contact_id=row.contact_id,
        kind=Kind(row.kind),
        due_date=row.due_date,
        status=GiveStatus(row.status),
        title=row.title,
        channel=row.channel,
        note=row.note,
        ask_id=row.ask_id,
    )


def request_from_row(row: RequestRow) -> Request:
    return Request(
        id=row.id,
        contact_id=row.contact_id,
        kind=Kind(row.kind),
        received_on=row.received_on,
        status=RequestStatus(row.status),
        title=row.title,
        decision=row.decision,
        note=row.note,
    )


def people_from_json(values: object) -> tuple[Person, ...]:
    """Stored credits (a JSON list of {name, role, href}) as :class:`Person` records;
    anything that is not such an object is skipped."""
    if not isinstance(values, list | tuple):
        return ()
    return tuple(
        Person(str(p.get("name") or ""), str(p.get("role") or "host"), str(p.get("href") or ""))
        for p in values
        if isinstance(p, dict)
    )
