"""The plan in the user's calendar: an iCalendar (.ics) file of gives and ask dates.

One all-day event per planned give (on its due date) and per open ask (on its target
date). UIDs are stable (``give-<id>@give-first``, ``ask-<id>@give-first``), so importing
a newer export again updates the events instead of duplicating them.
"""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.domain import goodwill
from planner.domain.model import Ask, AskStatus, GiveStatus
from planner.errors import InvalidInput
from planner.files.ics import CalendarError, CalendarEvent
from planner.files.ics import calendar_ics as render_ics
from planner.outreach.labels import KIND_LABELS
from planner.services import balances
from planner.services.balances import ContactBalance
from planner.services.view_cache import cached
from planner.services.workspace import Workspace
from planner.storage.convert import ask_from_row
from planner.storage.schema import AskRow, ContactRow, PlannedGiveRow

PRODID = "-//Give First//Plan//EN"
UID_DOMAIN = "give-first"
#: Gives still to do, and asks still to make or hear back on.
OPEN_GIVES = frozenset({GiveStatus.IDEA, GiveStatus.PLANNED})
OPEN_ASKS = frozenset(
    {AskStatus.IDEA, AskStatus.PLANNED, AskStatus.SENT, AskStatus.REPLIED, AskStatus.ACCEPTED}
)
AUDIENCE = "my audience"


def _label(kind: str) -> str:
    for known, words in KIND_LABELS.items():
        if known.value == kind:
            return words
    return kind.replace("_", " ")


def _lines(*parts: str) -> str:
    return "\n".join(p for p in parts if p and p.strip())


def _readiness(
    ws: Workspace, session: Session, ask: Ask, asks: list[Ask], by_id: dict[int, ContactBalance]
) -> str:
    """Why the ask is (not) ready today, or "" for audience asks and closed ones."""
    if ask.contact_id is None or ask.status not in OPEN_ASKS:
        return ""
    balance = by_id.get(ask.contact_id)
    if balance is None:  # a contact added since the balances were read
        balance = balances.balance_of(ws, ask.contact_id, session=session)
    assessment = goodwill.assess_ask(
        ask,
        balance=balance.balance,
        trust=balance.trust,
        other_asks=asks,
        settings=ws.settings(session),
    )
    return f"Readiness today: {assessment.reason}"


def plan_events(ws: Workspace, *, include_done: bool = False) -> list[CalendarEvent]:
    """The calendar's events: gives by due date, asks by target date (dated ones only)."""
    events: list[CalendarEvent] = []
    with ws.read() as s:
        names = dict(s.execute(select(ContactRow.id, ContactRow.name)).all())
        gives = s.scalars(
            select(PlannedGiveRow)
            .where(PlannedGiveRow.due_date.is_not(None))
            .order_by(PlannedGiveRow.due_date, PlannedGiveRow.id)
        )
        for g in gives:
            # The query leaves out undated gives; the check says so to the type checker.
            if g.due_date is None or (not include_done and g.status not in OPEN_GIVES):
                continue
            who = names.get(g.contact_id, "?") if g.contact_id is not None else AUDIENCE
            status = "" if g.status == GiveStatus.PLANNED else f"Status: {g.status}"
            events.append(
                CalendarEvent(
                    uid=f"give-{g.id}@{UID_DOMAIN}",
                    title=f"Give: {_label(g.kind)} — {who}",
                    day=g.due_date,
                    description=_lines(
                        g.title, g.note, f"Channel: {g.channel}" if g.channel else "", status
                    ),
                )
            )
        rows = list(
            s.scalars(select(AskRow).order_by(AskRow.target_date, AskRow.priority, AskRow.id))
        )
        asks = [ask_from_row(r) for r in rows]
        by_id = {b.contact.id: b for b in balances.all_balances(ws, include_archived=True)}
        for row, ask in zip(rows, asks, strict=True):
            if row.target_date is None or (not include_done and ask.status not in OPEN_ASKS):
                continue
            who = names.get(row.contact_id, "?") if row.contact_id is not None else AUDIENCE
            events.append(
                CalendarEvent(
                    uid=f"ask-{row.id}@{UID_DOMAIN}",
                    title=f"Ask target: {_label(row.kind)} — {who}",
                    day=row.target_date,
                    description=_lines(
                        row.title,
                        row.note,
                        f"Status: {row.status}",
                        _readiness(ws, s, ask, asks, by_id),
                    ),
                )
            )
    return events


def calendar_ics(ws: Workspace, *, include_done: bool = False) -> bytes:
    """Planned gives and open asks' target dates as an .ics file (all-day events).

    ``include_done`` adds done or dropped gives and declined or done asks.
    """
    events = plan_events(ws, include_done=include_done)
    try:
        return render_ics(
            events,
            PRODID,
            name="Give First plan",
            stamp=ws.now().replace(tzinfo=UTC),
        )
    except CalendarError as error:
        raise InvalidInput(f"cannot build the calendar: {error}") from None


def ics_file_name(ws: Workspace) -> str:
    return f"give-first-plan-{ws.today().isoformat()}.ics"


def calendar_file(ws: Workspace) -> tuple[str, bytes]:
    """(file name, .ics bytes) of the plan's calendar, for a download button: made once
    per data version and day (:mod:`planner.services.view_cache`)."""
    return ics_file_name(ws), cached(ws, ("calendar_ics", ws.today()), lambda: calendar_ics(ws))
