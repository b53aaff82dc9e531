"""Planned gives: create, edit, schedule by week, and move through idea → planned → done.

Marking a give done logs it in the ledger (source ``plan``, linked by ``give_id``, dated the
day it was done) and sets ``done_on``; reopening it removes that ledger row again. A give of
an audience-ask kind (promotion, affiliate promo, JV) for a contact also spends the
audience's goodwill, so its done row comes with an audience ask row, as the demo's ledger
records promotions (see data/README.md).

:func:`mark_matching_give_done` is for the detection engine, which calls it directly
(:func:`planner.services.detections.complete_planned_give`): when a feed shows that a
planned mention, link, feature or interview happened, the give is marked done with the
interaction the detection already logged instead of a second ledger row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from planner.domain.model import AUDIENCE_ASK_KINDS, Direction, GiveStatus, Kind, Source
from planner.domain.weeks import give_day, week_start
from planner.domain.words import day as day_words
from planner.domain.words import word
from planner.errors import Conflict, InvalidInput, NotFound
from planner.services import ledger, validate
from planner.services.contacts import resolve
from planner.services.workspace import Workspace
from planner.storage.schema import ContactRow, InteractionRow, PlannedGiveRow

#: How far a detected give may be from a planned give's due date and still complete it.
MATCH_WINDOW_DAYS = 14
OPEN_STATUSES = (GiveStatus.IDEA.value, GiveStatus.PLANNED.value)
#: A second identical new give within this time is the first one again (a double click
#: on "Save give", the same submission run twice): :func:`add_once` returns the first.
REPEAT_WINDOW = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class GiveInput:
    """A give as typed: ``contact`` is a name or id, None or "" for the audience."""

    kind: str
    contact: str | int | None = None
    due: date | str | None = None
    title: str = ""
    channel: str = ""
    note: str = ""
    status: str = GiveStatus.PLANNED
    ask_id: int | None = None
    request_id: int | None = None


@dataclass(frozen=True, slots=True)
class GiveView:
    """A planned give with what the pages show next to it."""

    id: int
    contact_id: int | None
    contact: str  # "" for the audience
    kind: Kind
    title: str
    due_date: date | None
    channel: str
    status: GiveStatus
    note: str
    ask_id: int | None
    request_id: int | None
    done_on: date | None

    @property
    def label(self) -> str:
        who = self.contact or "my audience"
        due = day_words(self.due_date) if self.due_date else "no date"
        status = word(self.status, None)
        title = self.title or "(no title)"
        return f"#{self.id} {word(self.kind)} · {who} · {due} · {title} ({status})"


def _view(row: PlannedGiveRow, names: dict[int, str]) -> GiveView:
    return GiveView(
        id=row.id,
        contact_id=row.contact_id,
        contact=names.get(row.contact_id, "") if row.contact_id is not None else "",
        kind=Kind(row.kind),
        title=row.title,
        due_date=row.due_date,
        channel=row.channel,
        status=GiveStatus(row.status),
        note=row.note,
        ask_id=row.ask_id,
        request_id=row.request_id,
        done_on=row.done_on,
    )


def _name_of(session: Session, row: PlannedGiveRow) -> dict[int, str]:
    """The name of ``row``'s contact (what :func:`_view` needs of one give): one row by key,
    usually already in the session, instead of every contact's name."""
    contact = session.get(ContactRow, row.contact_id) if row.contact_id is not None else None
    return {contact.id: contact.name} if contact is not None else {}


def contact_names(session: Session) -> dict[int, str]:
    """Contact id → name, archived contacts included."""
    return dict(session.execute(select(ContactRow.id, ContactRow.name)).all())


def _clean(session: Session, data: GiveInput) -> dict[str, object]:
    contact = None
    if data.contact not in (None, ""):
        contact = resolve(session, data.contact)
    return {
        "contact_id": contact.id if contact else None,
        "kind": validate.choice(data.kind, Kind, "kind").value,
        "due_date": validate.optional_day(data.due, "due date"),
        "title": validate.text(data.title, "title", max_len=2_000),
        "channel": validate.text(data.channel, "channel", max_len=64),
        "note": validate.text(data.note, "note", max_len=10_000),
        "ask_id": data.ask_id,
        "request_id": data.request_id,
    }


def add(ws: Workspace, data: GiveInput, *, session: Session | None = None) -> GiveView:
    """Create a give; status ``done`` logs it in the ledger at once (dated its due date)."""
    if session is None:
        with ws.write() as s:
            return add(ws, data, session=s)
    values = _clean(session, data)
    status = validate.choice(data.status or GiveStatus.PLANNED, GiveStatus, "status")
    row = PlannedGiveRow(**values, status=GiveStatus.IDEA.value, created_at=ws.now())
    session.add(row)
    session.flush()
    if status is not GiveStatus.IDEA:
        # a give recorded as done happened on its due date (today if that is still ahead)
        due = row.due_date
        _set_status(ws, session, row, status, due if due and due <= ws.today() else None)
    return _view(row, _name_of(session, row))


def add_once(ws: Workspace, data: GiveInput, *, session: Session | None = None) -> GiveView:
    """:func:`add`, unless the very same give was created within :data:`REPEAT_WINDOW`
    (a double click on "Save give", the same submission run twice): then that give."""
    if session is None:
        with ws.write() as s:
            return add_once(ws, data, session=s)
    values = _clean(session, data)
    since = ws.now() - REPEAT_WINDOW
    recent = select(PlannedGiveRow).where(PlannedGiveRow.created_at >= since)
    for row in session.scalars(recent):
        if all(getattr(row, key) == value for key, value in values.items()):
            return _view(row, _name_of(session, row))
    return add(ws, data, session=session)


def update(ws: Workspace, give_id: int, data: GiveInput) -> GiveView:
    """Edit a give's fields and status (a status change has the effects of set_status)."""
    with ws.write() as s:
        row = _get_row(s, give_id)
        values = _clean(s, data)
        done = row.status == GiveStatus.DONE
        if done and (values["contact_id"], values["kind"]) != (row.contact_id, row.kind):
            raise Conflict("reopen a done give before changing its contact or kind")
        # links are kept unless the input names new ones
        values["ask_id"] = data.ask_id if data.ask_id is not None else row.ask_id
        values["request_id"] = data.request_id if data.request_id is not None else row.request_id
        for key, value in values.items():
            setattr(row, key, value)
        status = validate.choice(data.status or row.status, GiveStatus, "status")
        _set_status(ws, s, row, status, ws.today())
        s.flush()
        return _view(row, _name_of(s, row))


def schedule(ws: Workspace, give_id: int, day: date | str) -> GiveView:
    """Move a give to a day (use a Monday to plan it "for that week"); an idea becomes
    planned."""
    with ws.write() as s:
        row = _get_row(s, give_id)
        if row.status in (GiveStatus.DONE, GiveStatus.DROPPED):
            raise Conflict(f"give #{give_id} is {row.status}: reopen it to schedule it")
        row.due_date = validate.day(day, "due date")
        row.status = GiveStatus.PLANNED.value
        s.flush()
        return _view(row, _name_of(s, row))


def schedule_week(ws: Workspace, give_id: int, week: date) -> GiveView:
    """Plan a give for the week of ``week``: its first day that is not in the past."""
    return schedule(ws, give_id, give_day(week_start(week), ws.today()))


def set_status(
    ws: Workspace, give_id: int, status: str | GiveStatus, *, day: date | str | None = None
) -> GiveView:
    """Change a give's status.

    ``done`` logs the give in the ledger dated ``day`` (default today) and sets ``done_on``;
    leaving ``done`` (reopen, drop) removes the ledger rows it logged and unlinks any
    interaction that completed it (a detection's row stays: it happened).
    """
    new = validate.choice(status, GiveStatus, "status")
    when = validate.optional_day(day, "date")
    with ws.write() as s:
        row = _get_row(s, give_id)
        _set_status(ws, s, row, new, when or ws.today())
        s.flush()
        return _view(row, _name_of(s, row))


def done(ws: Workspace, give_id: int, *, day: date | str | None = None) -> GiveView:
    return set_status(ws, give_id, GiveStatus.DONE, day=day)


def reopen(ws: Workspace, give_id: int) -> GiveView:
    """Undo ``done`` (or ``dropped``): back to planned, its ledger rows removed."""
    return set_status(ws, give_id, GiveStatus.PLANNED)


def _set_status(
    ws: Workspace, session: Session, row: PlannedGiveRow, new: GiveStatus, day: date | None
) -> None:
    old = GiveStatus(row.status)
    if old is new:
        return
    if old is GiveStatus.DONE:
        _unlog(session, row.id)
        row.done_on = None
    if new is GiveStatus.DONE:
        on = day or ws.today()
        if on > ws.today():
            raise InvalidInput(f"a give cannot be done on {on}, after today", field="date")
        _log(ws, session, row, on)
        row.done_on = on
    row.status = new.value


def _log(ws: Workspace, session: Session, row: PlannedGiveRow, on: date) -> None:
    """The ledger rows of a give done on ``on``."""
    kind = Kind(row.kind)
    entries: list[tuple[int | None, Direction]] = []
    if row.contact_id is not None:
        entries.append((row.contact_id, Direction.GAVE))
    if kind in AUDIENCE_ASK_KINDS:
        # promoting anyone to my list spends the audience's goodwill: an audience ask
        entries.append((None, Direction.RECEIVED))
    elif row.contact_id is None:
        entries.append((None, Direction.GAVE))
    for contact_id, direction in entries:
        ledger.add(
            ws,
            ledger.LedgerInput(
                contact=contact_id,
                direction=direction,
                kind=kind,
                occurred_on=on,
                title=row.title,
                note=row.note,
                source=Source.PLAN,
            ),
            session=session,
            give_id=row.id,
        )


def _unlog(session: Session, give_id: int) -> None:
    session.execute(
        delete(InteractionRow).where(
            InteractionRow.give_id == give_id, InteractionRow.source == Source.PLAN.value
        )
    )
    session.execute(
        sa.update(InteractionRow).where(InteractionRow.give_id == give_id).values(give_id=None)
    )


def delete_give(ws: Workspace, give_id: int) -> None:
    """Delete a give that is not done. A done give is in the ledger (it happened): reopen
    it first, which removes the ledger rows it logged, then delete it. Nothing in the
    ledger goes with an open give."""
    with ws.write() as s:
        row = _get_row(s, give_id)
        if row.status == GiveStatus.DONE:
            raise Conflict(f"give #{give_id} is done: reopen it before deleting it")
        _unlog(s, give_id)
        s.delete(row)


def get(ws: Workspace, give_id: int) -> GiveView:
    with ws.read() as s:
        row = _get_row(s, give_id)
        return _view(row, _name_of(s, row))


def _get_row(session: Session, give_id: int) -> PlannedGiveRow:
    row = session.get(PlannedGiveRow, give_id)
    if row is None:
        raise NotFound(f"no planned give with id {give_id}")
    return row


def list_gives(
    ws: Workspace,
    *,
    statuses: Iterable[str] = (),
    since: date | None = None,
    until: date | None = None,
    contact_id: int | None = None,
) -> list[GiveView]:
    """Gives by due date (undated last), then id."""
    with ws.read() as s:
        query = select(PlannedGiveRow)
        wanted = [str(x) for x in statuses]
        if wanted:
            query = query.where(PlannedGiveRow.status.in_(wanted))
        if since is not None:
            query = query.where(PlannedGiveRow.due_date >= since)
        if until is not None:
            query = query.where(PlannedGiveRow.due_date <= until)
        if contact_id is not None:
            query = query.where(PlannedGiveRow.contact_id == contact_id)
        names = contact_names(s)
        views = [_view(r, names) for r in s.scalars(query)]
    views.sort(key=lambda g: (g.due_date or date.max, g.id))
    return views


def mark_matching_give_done(
    ws: Workspace,
    session: Session,
    *,
    contact_id: int,
    kinds: Iterable[Kind | str],
    day: date,
    interaction_id: int,
) -> int | None:
    """Complete the planned give an interaction fulfils; returns its id, or None.

    For the detection engine, inside its own transaction (``session``): after logging an
    interaction for a give found in my feed (a mention, link, feature or interview of
    ``contact_id`` on ``day``), call this with the kinds that count. The open give (status
    planned, else idea) of that contact with one of ``kinds`` whose due date is within
    ±14 days of ``day`` — or that has no due date — is marked done on ``day``, nearest due
    date first, then lowest id. The interaction is linked to it (``give_id``) instead of a
    second ledger row being written; reopening the give later unlinks it but keeps it.
    """
    wanted = sorted({Kind(k).value for k in kinds})
    if not wanted:
        return None
    window = timedelta(days=MATCH_WINDOW_DAYS)
    rows = session.scalars(
        select(PlannedGiveRow).where(
            PlannedGiveRow.contact_id == contact_id,
            PlannedGiveRow.kind.in_(wanted),
            PlannedGiveRow.status.in_(OPEN_STATUSES),
        )
    ).all()
    candidates = [r for r in rows if r.due_date is None or abs(r.due_date - day) <= window]
    if not candidates:
        return None

    def rank(r: PlannedGiveRow) -> tuple[int, int, int]:
        distance = abs((r.due_date - day).days) if r.due_date else MATCH_WINDOW_DAYS + 1
        return (0 if r.status == GiveStatus.PLANNED else 1, distance, r.id)

    row = min(candidates, key=rank)
    interaction = session.get(InteractionRow, interaction_id)
    if interaction is None:
        raise NotFound(f"no ledger row with id {interaction_id}")
    interaction.give_id = row.id
    row.status = GiveStatus.DONE.value
    row.done_on = day
    session.flush()
    return row.id
