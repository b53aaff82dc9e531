"""Incoming requests: what contacts ask of me, and whether to say yes.

The decision is :func:`planner.domain.incoming.decide_request` fed with the contact's
balance, reciprocity and one-sidedness as of the day and the audience budget (plans
included). Accepting a request schedules the give it asks for — a planned give linked by
``request_id`` — in the suggested week (for a promotion, on the first day of that week the
budget allows); "later" and "decline" only record the decision (the graceful decline is the
``decline_request`` outreach template).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from planner.domain.audience import BudgetState, check_plan_against_budget, promotion_blocker
from planner.domain.goodwill import BalanceSummary
from planner.domain.incoming import RequestDecision, decide_request
from planner.domain.model import (
    AUDIENCE_ASK_KINDS,
    GiveStatus,
    Kind,
    PlannedGive,
    Request,
    RequestStatus,
)
from planner.domain.weeks import week_start
from planner.domain.words import day, word
from planner.errors import Conflict, InvalidInput, NotFound
from planner.services import gives as gives_service
from planner.services import validate
from planner.services.contacts import resolve
from planner.services.plan_snapshot import Snapshot, snapshot
from planner.services.workspace import Workspace
from planner.storage.convert import request_from_row
from planner.storage.schema import InteractionRow, PlannedGiveRow, RequestRow

#: A second identical request within this time is the first one again (a double click on
#: "Record", the same submission run twice): :func:`add_once` returns the first.
REPEAT_WINDOW = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class RequestInput:
    """A request as typed in the form or given to the CLI (contact by name or id)."""

    contact: str | int
    kind: str
    received_on: date | str | None = None  # default today
    title: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class RequestView:
    """A request with the decision helper's numbers."""

    request: Request
    contact: str
    summary: BalanceSummary
    one_sided: bool
    decision: RequestDecision
    #: The audience budget, for promotion-like requests (None otherwise).
    budget: BudgetState | None

    @property
    def id(self) -> int:
        """The request's id."""
        return self.request.id

    @property
    def balance(self) -> float:
        """The contact's balance with me (negative: I owe them)."""
        return self.summary.balance

    @property
    def owe(self) -> str:
        """Do I owe them? "yes, 3.2 points" or "no"."""
        return f"yes, {-self.balance:.1f} points" if self.balance < 0 else "no"

    @property
    def advice(self) -> RequestDecision | None:
        """The recommendation, for an open request only: once it is accepted, put off or
        declined, the decision is made and the helper has nothing to recommend."""
        return self.decision if self.request.status == RequestStatus.OPEN else None

    @property
    def label(self) -> str:
        """A one-line label for a picker: id, contact, title and status."""
        title = self.request.title or word(self.request.kind)
        return f"#{self.id} {self.contact}: {title} ({word(self.request.status)})"


def add(ws: Workspace, data: RequestInput, *, session: Session | None = None) -> Request:
    """Record an incoming request (status open)."""
    if session is None:
        with ws.write() as s:
            return add(ws, data, session=s)
    row = RequestRow(
        **_clean(ws, session, data), status=RequestStatus.OPEN.value, created_at=ws.now()
    )
    session.add(row)
    session.flush()
    return request_from_row(row)


def add_once(ws: Workspace, data: RequestInput) -> Request:
    """:func:`add`, unless the very same request was recorded within :data:`REPEAT_WINDOW`
    (a double click on "Record", the same submission run twice): then that request."""
    with ws.write() as s:
        values = _clean(ws, s, data)
        since = ws.now() - REPEAT_WINDOW
        for row in s.scalars(select(RequestRow).where(RequestRow.created_at >= since)):
            if all(getattr(row, key) == value for key, value in values.items()):
                return request_from_row(row)
        return add(ws, data, session=s)


def _clean(ws: Workspace, session: Session, data: RequestInput) -> dict[str, object]:
    if data.contact in (None, ""):
        raise InvalidInput("a request comes from a contact", field="contact")
    return {
        "contact_id": resolve(session, data.contact).id,
        "kind": validate.choice(data.kind, Kind, "kind").value,
        "received_on": validate.optional_day(data.received_on, "date") or ws.today(),
        "title": validate.text(data.title, "title", max_len=2_000),
        "note": validate.text(data.note, "note", max_len=10_000),
    }


def update(ws: Workspace, request_id: int, data: RequestInput) -> Request:
    """Edit a request. Its contact or kind stay while a give is scheduled for it: reopen
    the request first (which removes that give)."""
    with ws.write() as s:
        row = _get_row(s, request_id)
        values = _clean(ws, s, data)
        scheduled = s.scalars(
            select(PlannedGiveRow.id).where(PlannedGiveRow.request_id == request_id)
        ).first()
        changed = (values["contact_id"], values["kind"]) != (row.contact_id, row.kind)
        if scheduled is not None and changed:
            raise Conflict(
                f"give #{scheduled} is scheduled for request #{request_id}: reopen the request "
                "before changing who asks or what for"
            )
        for key, value in values.items():
            setattr(row, key, value)
        s.flush()
        return request_from_row(row)


@dataclass(frozen=True, slots=True)
class RequestDeletion:
    """What deleting a request takes with it: the gives scheduled for it and not done yet
    go (as when it is reopened); done gives stay in the plan and the ledger, unlinked."""

    request_id: int
    #: Gives scheduled for it, not done yet: deleted with it.
    open_gives: int
    #: Gives done for it: they stay (they happened), no longer linked to it.
    done_gives: int

    @property
    def sentence(self) -> str:
        """``Yes, delete request #3 and the planned give for it``."""
        goes = ""
        if self.open_gives:
            n = "give" if self.open_gives == 1 else f"{self.open_gives} gives"
            goes = f" and the planned {n} for it"
        stays = ""
        if self.done_gives:
            n = "give" if self.done_gives == 1 else f"{self.done_gives} gives"
            stays = f" (the done {n} stay{'s' if self.done_gives == 1 else ''} in the ledger)"
        return f"Yes, delete request #{self.request_id}{goes}{stays}"


def deletion(ws: Workspace, request_id: int) -> RequestDeletion:
    """What :func:`delete_request` would take with it (for the confirmation)."""
    with ws.read() as s:
        _get_row(s, request_id)
        return _deletion(s, request_id)


def _deletion(session: Session, request_id: int) -> RequestDeletion:
    statuses = session.scalars(
        select(PlannedGiveRow.status).where(PlannedGiveRow.request_id == request_id)
    ).all()
    waiting = sum(st in gives_service.OPEN_STATUSES for st in statuses)
    done = sum(st == GiveStatus.DONE.value for st in statuses)
    return RequestDeletion(request_id, waiting, done)


def delete_request(ws: Workspace, request_id: int) -> RequestDeletion:
    """Delete a request and the gives scheduled for it that are not done; done (and
    dropped) gives and any ledger row naming it stay, unlinked. Returns what went."""
    with ws.write() as s:
        row = _get_row(s, request_id)
        gone = _deletion(s, request_id)
        s.execute(
            delete(PlannedGiveRow).where(
                PlannedGiveRow.request_id == request_id,
                PlannedGiveRow.status.in_(gives_service.OPEN_STATUSES),
            )
        )
        for table in (PlannedGiveRow, InteractionRow):
            s.execute(
                sa.update(table).where(table.request_id == request_id).values(request_id=None)
            )
        s.delete(row)
        return gone


def _get_row(session: Session, request_id: int) -> RequestRow:
    row = session.get(RequestRow, request_id)
    if row is None:
        raise NotFound(f"no request with id {request_id}")
    return row


def review(ws: Workspace, *, as_of: date | None = None) -> list[RequestView]:
    """Every request with the decision helper: open ones first, newest first."""
    return review_from(snapshot(ws, as_of=as_of))


def review_from(snap: Snapshot) -> list[RequestView]:
    """:func:`review` from a snapshot already read."""
    views = [_view(snap, r) for r in snap.requests]
    views.sort(
        key=lambda v: (
            v.request.status != RequestStatus.OPEN,
            -v.request.received_on.toordinal(),
            v.id,
        )
    )
    return views


def decide(ws: Workspace, request_id: int, *, as_of: date | None = None) -> RequestView:
    """One request with the decision helper.

    Raises:
        NotFound: no request with that id.
    """
    snap = snapshot(ws, as_of=as_of)
    for r in snap.requests:
        if r.id == request_id:
            return _view(snap, r)
    raise NotFound(f"no request with id {request_id}")


def _view(snap: Snapshot, r: Request) -> RequestView:
    summary = snap.summary(r.contact_id)
    b = snap.balances.get(r.contact_id)
    one_sided = b.one_sided if b is not None else False
    decision = decide_request(
        r,
        summary=summary,
        one_sided=one_sided,
        budget=snap.budget,
        today=snap.today,
        settings=snap.settings,
    )
    promo = Kind(r.kind) in AUDIENCE_ASK_KINDS
    return RequestView(
        r, snap.name(r.contact_id), summary, one_sided, decision, snap.budget if promo else None
    )


@dataclass(frozen=True, slots=True)
class Accepted:
    """An accepted request and the give scheduled for it."""

    request: Request
    give: gives_service.GiveView
    #: Audience budget warnings for the scheduled give (empty: it fits).
    warnings: tuple[str, ...]


def _promotion_day(budget: BudgetState, start: date) -> date:
    """The first day of ``start``'s week (from ``start``) that the budget allows, else
    ``start`` (the caller shows the warning)."""
    end = week_start(start) + timedelta(days=6)
    day = start
    while day <= end:
        if promotion_blocker(budget, day) is None:
            return day
        day += timedelta(days=1)
    return start


def accept(
    ws: Workspace, request_id: int, *, week: date | None = None, as_of: date | None = None
) -> Accepted:
    """Say yes: schedule the give in ``week`` (default the suggested week, else this week).

    Returns the give and any audience budget warnings it raises (it is scheduled anyway:
    the user chose the week).
    """
    view = decide(ws, request_id, as_of=as_of)
    today = as_of or ws.today()
    if view.request.status == RequestStatus.ACCEPTED:
        raise Conflict(f"request #{request_id} is already accepted")
    chosen = week_start(week or view.decision.suggested_week or today)
    due = max(chosen, today)
    kind = Kind(view.request.kind)
    warnings: list[str] = []
    if kind in AUDIENCE_ASK_KINDS:
        budget = view.budget or snapshot(ws, as_of=today).budget
        due = _promotion_day(budget, due)
        candidate = PlannedGive(-1, view.request.contact_id, kind, due, status=GiveStatus.PLANNED)
        warnings = check_plan_against_budget([candidate], budget)
    title = view.request.title or f"{kind.value.replace('_', ' ').capitalize()} for {view.contact}"
    with ws.write() as s:
        give = gives_service.add(
            ws,
            gives_service.GiveInput(
                kind=kind,
                contact=view.request.contact_id,
                due=due,
                title=title,
                note=f"accepted request #{request_id}",
                status=GiveStatus.PLANNED,
                request_id=request_id,
            ),
            session=s,
        )
        row = _get_row(s, request_id)
        row.status = RequestStatus.ACCEPTED.value
        row.decision = f"accepted for {day(due)}: {view.decision.reason}"
        s.flush()
        return Accepted(request_from_row(row), give, tuple(warnings))


def later(ws: Workspace, request_id: int, *, as_of: date | None = None) -> Request:
    """Not now: record the decision (and the week it would fit, when there is one)."""
    view = decide(ws, request_id, as_of=as_of)
    week = view.decision.suggested_week
    note = f"later (from the week of {day(week)})" if week else "later"
    return _decide(ws, request_id, RequestStatus.LATER, f"{note}: {view.decision.reason}")


def decline(ws: Workspace, request_id: int, *, as_of: date | None = None) -> Request:
    """No: record the decision. Send the ``decline_request`` draft to say it gracefully."""
    view = decide(ws, request_id, as_of=as_of)
    return _decide(ws, request_id, RequestStatus.DECLINED, f"declined: {view.decision.reason}")


def reopen(ws: Workspace, request_id: int) -> Request:
    """Back to open; gives scheduled for it and not done yet are removed."""
    with ws.write() as s:
        row = _get_row(s, request_id)
        s.execute(
            delete(PlannedGiveRow).where(
                PlannedGiveRow.request_id == request_id,
                PlannedGiveRow.status.in_(gives_service.OPEN_STATUSES),
            )
        )
        row.status = RequestStatus.OPEN.value
        row.decision = ""
        s.flush()
        return request_from_row(row)


def _decide(ws: Workspace, request_id: int, status: RequestStatus, decision: str) -> Request:
    with ws.write() as s:
        row = _get_row(s, request_id)
        if row.status == RequestStatus.ACCEPTED:
            scheduled = s.scalars(
                select(PlannedGiveRow.id).where(PlannedGiveRow.request_id == request_id)
            ).first()
            if scheduled is not None:
                raise Conflict(
                    f"request #{request_id} is accepted and give #{scheduled} is scheduled: "
                    "reopen the request first"
                )
        row.status = status.value
        row.decision = validate.text(decision, "decision", max_len=10_000)
        s.flush()
        return request_from_row(row)
