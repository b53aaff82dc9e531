"""My asks: create, edit, move through idea → planned → sent → accepted/declined/done, and
judge each one's readiness.

An ask to a contact is judged by :func:`planner.domain.goodwill.assess_ask` against their
balance and trust as of the day (other pending asks to them come first); when it is short,
:func:`planner.domain.give_options.cheapest_gives` names the least-effort gives that close
the gap *as it will be on the target date* (the balance keeps decaying until then). An ask
of the audience (no contact) is judged by the audience promotion budget instead.

Status changes: ``sent`` records ``sent_on``; ``done`` logs what I received in the ledger
(direction received, source ``ask``, linked by ``ask_id``); leaving ``done`` removes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from planner.domain.audience import promotion_blocker
from planner.domain.give_options import GiveOption, cheapest_gives, kind_phrase
from planner.domain.goodwill import AskAssessment, Readiness, assess_ask, gap_at_target
from planner.domain.model import (
    AUDIENCE_ASK_KINDS,
    Ask,
    AskStatus,
    Contact,
    Direction,
    GiveStatus,
    Kind,
    Source,
    Trust,
)
from planner.domain.trust_steps import TrustStep, trust_step
from planner.domain.words import day as day_words
from planner.errors import InvalidInput, NotFound
from planner.services import gives as gives_service
from planner.services import ledger, validate
from planner.services.contacts import resolve
from planner.services.plan_snapshot import Snapshot, snapshot
from planner.services.view_cache import cached
from planner.services.workspace import Workspace
from planner.storage.convert import ask_from_row
from planner.storage.schema import AskRow, InteractionRow, PlannedGiveRow

#: Readiness of an audience ask, judged by the promotion budget.
WITHIN_BUDGET = "within_budget"
OVER_BUDGET = "over_budget"

#: A second identical new ask within this time is the first one again (a double click on
#: "Save ask", a rerun of the same submission): :func:`add_once` returns the first.
REPEAT_WINDOW = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class AskInput:
    """An ask as typed: ``contact`` is a name or id, None or "" for the audience; ``cost``
    empty means the default cost of the kind (Settings.ask_cost)."""

    kind: str
    contact: str | int | None = None
    target: date | str | None = None
    cost: float | str | None = None
    priority: int | str = 2
    title: str = ""
    note: str = ""
    status: str = AskStatus.IDEA


@dataclass(frozen=True, slots=True)
class AskView:
    """An ask with its readiness as of a day, and how to make it ready."""

    ask: Ask
    contact: str  # "" for the audience
    sent_on: date | None
    #: ready, short, needs_trust, over_committed, closed (contacts); within_budget,
    #: over_budget, closed (audience).
    state: str
    #: "ready", "short by 1.8", "needs trust trusted (now acquainted)", "over-committed" …
    label: str
    reason: str
    gap: float
    balance: float | None = None
    trust: Trust | None = None
    trust_required: Trust | None = None
    assessment: AskAssessment | None = None
    #: The cheapest gives that close the gap by the target date (made this week).
    options: tuple[GiveOption, ...] = field(default=())
    #: For an ask that needs trust: what earns it, and the small steps that do.
    trust_step: TrustStep | None = None

    @property
    def id(self) -> int:
        return self.ask.id

    @property
    def ready(self) -> bool:
        return self.state in (Readiness.READY.value, WITHIN_BUDGET)

    @property
    def title(self) -> str:
        return self.ask.title or Kind(self.ask.kind).value.replace("_", " ")


def _label(a: AskAssessment) -> str:
    if a.state is Readiness.SHORT:
        return f"short by {a.gap:.1f}"
    if a.state is Readiness.NEEDS_TRUST:
        return f"needs trust {a.trust_required} (now {a.trust})"
    if a.state is Readiness.OVER_COMMITTED:
        return "over-committed"
    if a.state is Readiness.CLOSED:
        return "closed"
    return "ready"


def _priority(value: int | str) -> int:
    n = validate.number(value, "priority", minimum=1, default=2)
    if n != int(n) or n > 3:
        raise InvalidInput("priority must be 1 (high), 2 (normal) or 3 (low)", field="priority")
    return int(n)


def _clean(ws: Workspace, session: Session, data: AskInput) -> dict[str, object]:
    kind = validate.choice(data.kind, Kind, "kind")
    contact = None
    if data.contact not in (None, ""):
        contact = resolve(session, data.contact)
    return {
        "contact_id": contact.id if contact else None,
        "kind": kind.value,
        "cost": validate.number(data.cost, "cost", default=ws.settings(session).ask_cost(kind)),
        "target_date": validate.optional_day(data.target, "target date"),
        "priority": _priority(data.priority),
        "title": validate.text(data.title, "title", max_len=2_000),
        "note": validate.text(data.note, "note", max_len=10_000),
    }


def add(ws: Workspace, data: AskInput, *, session: Session | None = None) -> Ask:
    """Create an ask (its status effects apply: ``sent`` dates it, ``done`` logs it)."""
    if session is None:
        with ws.write() as s:
            return add(ws, data, session=s)
    row = AskRow(**_clean(ws, session, data), status=AskStatus.IDEA.value, created_at=ws.now())
    session.add(row)
    session.flush()
    _set_status(ws, session, row, validate.choice(data.status, AskStatus, "status"), None)
    return ask_from_row(row)


def add_once(ws: Workspace, data: AskInput) -> Ask:
    """:func:`add`, unless the very same ask was created within :data:`REPEAT_WINDOW`
    (a double click on "Save ask", the same submission run twice): then that ask, unchanged.
    """
    with ws.write() as s:
        values = _clean(ws, s, data)
        since = ws.now() - REPEAT_WINDOW
        for row in s.scalars(select(AskRow).where(AskRow.created_at >= since)):
            if all(getattr(row, key) == value for key, value in values.items()):
                return ask_from_row(row)
        return add(ws, data, session=s)


def update(ws: Workspace, ask_id: int, data: AskInput) -> Ask:
    """Edit an ask; an empty cost takes the default of its (possibly new) kind."""
    with ws.write() as s:
        row = _get_row(s, ask_id)
        for key, value in _clean(ws, s, data).items():
            setattr(row, key, value)
        status = validate.choice(data.status or row.status, AskStatus, "status")
        _set_status(ws, s, row, status, None)
        s.flush()
        return ask_from_row(row)


def set_status(
    ws: Workspace, ask_id: int, status: str | AskStatus, *, day: date | str | None = None
) -> Ask:
    """Move an ask to ``status`` on ``day`` (default today): ``sent`` records sent_on,
    ``done`` logs what I received; leaving ``done`` removes that ledger row."""
    new = validate.choice(status, AskStatus, "status")
    when = validate.optional_day(day, "date")
    with ws.write() as s:
        row = _get_row(s, ask_id)
        _set_status(ws, s, row, new, when)
        s.flush()
        return ask_from_row(row)


def set_status_in(
    ws: Workspace, session: Session, row: AskRow, new: AskStatus, day: date | None
) -> None:
    """:func:`set_status` on a row inside the caller's transaction (the mail loop marks
    an ask sent or replied as it records the message)."""
    _set_status(ws, session, row, new, day)


def _set_status(
    ws: Workspace, session: Session, row: AskRow, new: AskStatus, day: date | None
) -> None:
    on = day or ws.today()
    old = AskStatus(row.status)
    if old is new:
        return
    if on > ws.today() and new in (AskStatus.SENT, AskStatus.DONE):
        raise InvalidInput(f"an ask cannot be {new} on {on}, after today", field="date")
    if old is AskStatus.DONE:
        session.execute(
            delete(InteractionRow).where(
                InteractionRow.ask_id == row.id, InteractionRow.source == Source.ASK.value
            )
        )
    if new in (AskStatus.IDEA, AskStatus.PLANNED):
        row.sent_on = None
    elif row.sent_on is None:
        # accepted, declined or done: it was sent, on that day at the latest
        row.sent_on = on
    if new is AskStatus.DONE:
        ledger.add(
            ws,
            ledger.LedgerInput(
                contact=row.contact_id,
                direction=Direction.RECEIVED,
                kind=row.kind,
                occurred_on=on,
                title=row.title,
                note=row.note,
                source=Source.ASK,
            ),
            session=session,
            ask_id=row.id,
        )
    row.status = new.value


@dataclass(frozen=True, slots=True)
class AskDeletion:
    """What deleting an ask takes with it: the ledger rows it logged when marked done go
    (as when it leaves done); planned gives toward it and other ledger rows naming it stay,
    unlinked (they are favours of their own)."""

    ask_id: int
    #: Ledger rows the ask logged when it was marked done: deleted with it.
    ledger_rows: int
    #: Planned gives toward it: they stay, no longer linked to it.
    gives: int

    @property
    def sentence(self) -> str:
        """``Yes, delete ask #4 and the ledger row it logged when done (…)``."""
        goes = ""
        if self.ledger_rows:
            rows = "row" if self.ledger_rows == 1 else f"{self.ledger_rows} rows"
            goes = f" and the ledger {rows} it logged when done"
        stays = ""
        if self.gives:
            n = "give" if self.gives == 1 else f"{self.gives} gives"
            stays = f" (the planned {n} toward it stay{'s' if self.gives == 1 else ''})"
        return f"Yes, delete ask #{self.ask_id}{goes}{stays}"


def deletion(ws: Workspace, ask_id: int) -> AskDeletion:
    """What :func:`delete_ask` would take with it (for the confirmation)."""
    with ws.read() as s:
        _get_row(s, ask_id)
        return _deletion(s, ask_id)


def _deletion(session: Session, ask_id: int) -> AskDeletion:
    logged = session.scalar(
        select(func.count())
        .select_from(InteractionRow)
        .where(InteractionRow.ask_id == ask_id, InteractionRow.source == Source.ASK.value)
    )
    gives = session.scalar(
        select(func.count()).select_from(PlannedGiveRow).where(PlannedGiveRow.ask_id == ask_id)
    )
    return AskDeletion(ask_id, int(logged or 0), int(gives or 0))


def delete_ask(ws: Workspace, ask_id: int) -> AskDeletion:
    """Delete an ask and the ledger rows it logged when marked done; planned gives toward it
    and any other ledger row naming it stay, unlinked. Returns what went with it."""
    with ws.write() as s:
        row = _get_row(s, ask_id)
        gone = _deletion(s, ask_id)
        s.execute(
            delete(InteractionRow).where(
                InteractionRow.ask_id == ask_id, InteractionRow.source == Source.ASK.value
            )
        )
        s.execute(
            sa.update(InteractionRow).where(InteractionRow.ask_id == ask_id).values(ask_id=None)
        )
        s.execute(
            sa.update(PlannedGiveRow).where(PlannedGiveRow.ask_id == ask_id).values(ask_id=None)
        )
        s.delete(row)
        return gone


def get(ws: Workspace, ask_id: int) -> Ask:
    with ws.read() as s:
        return ask_from_row(_get_row(s, ask_id))


def _get_row(session: Session, ask_id: int) -> AskRow:
    row = session.get(AskRow, ask_id)
    if row is None:
        raise NotFound(f"no ask with id {ask_id}")
    return row


# --- readiness -------------------------------------------------------------------------


def assess(ws: Workspace, *, as_of: date | None = None) -> list[AskView]:
    """Every ask with its readiness as of ``as_of`` (default today), open asks first by
    target date, priority and id; closed ones (done, declined) after them. Worked out
    once per data version and day (:mod:`planner.services.view_cache`); the list is the
    caller's."""
    snap = snapshot(ws, as_of=as_of)
    return list(cached(ws, ("asks", snap.today), lambda: tuple(assess_from(snap))))


def assess_one(ws: Workspace, ask_id: int, *, as_of: date | None = None) -> AskView:
    for view in assess(ws, as_of=as_of):
        if view.id == ask_id:
            return view
    raise NotFound(f"no ask with id {ask_id}")


def assess_from(snap: Snapshot) -> list[AskView]:
    views = []
    for a in snap.asks:
        sent = snap.sent_on.get(a.id)
        if a.contact_id is None:
            views.append(_audience_view(snap, a, sent))
        else:
            views.append(_contact_view(snap, a, snap.contacts.get(a.contact_id), sent))

    def order(v: AskView) -> tuple[bool, date, int, int]:
        a = v.ask
        return (v.state == "closed", a.target_date or date.max, a.priority, a.id)

    views.sort(key=order)
    return views


def _contact_view(snap: Snapshot, a: Ask, contact: Contact | None, sent: date | None) -> AskView:
    cid = a.contact_id
    assert cid is not None
    balance = snap.summary(cid).balance
    trust = snap.trust(cid)
    verdict = assess_ask(
        a, balance=balance, trust=trust, other_asks=snap.asks, settings=snap.settings
    )
    options: list[GiveOption] = []
    target = a.target_date
    if verdict.gap > 0 and verdict.state is not Readiness.CLOSED and contact is not None:
        # close the gap as it will be on the target date: the balance decays until then
        days = max(0, (target - snap.today).days) if target else 0
        gap = gap_at_target(
            a,
            balance=balance,
            committed=verdict.committed,
            days=days,
            half_life_days=snap.settings.half_life_days,
        )
        options = cheapest_gives(
            gap,
            contact=contact,
            target=target,
            today=snap.today,
            my_reach=snap.my_reach,
            settings=snap.settings,
        )
    reason = verdict.reason
    if verdict.gap > 0 and not options and verdict.state is not Readiness.CLOSED:
        if target is not None and target < snap.today:
            reason += f"; the target date {day_words(target)} has passed"
        else:
            reason += "; no set of gives made this week closes it by the target date"
    name = contact.name if contact else snap.name(cid)
    step = None
    if verdict.state is Readiness.NEEDS_TRUST:
        summary = snap.summary(cid)
        step = trust_step(
            name,
            required=verdict.trust_required,
            now=trust,
            received=summary.receives_count,
            given=summary.gives_count,
            settings=snap.settings,
        )
    return AskView(
        ask=a,
        contact=name,
        sent_on=sent,
        state=verdict.state.value,
        label=_label(verdict),
        reason=reason,
        gap=verdict.gap,
        balance=balance,
        trust=trust,
        trust_required=verdict.trust_required,
        assessment=verdict,
        options=tuple(options),
        trust_step=step,
    )


def _audience_view(snap: Snapshot, a: Ask, sent: date | None) -> AskView:
    if a.status in (AskStatus.DONE, AskStatus.DECLINED):
        return AskView(a, "", sent, "closed", "closed", f"ask is {a.status}", 0.0)
    if Kind(a.kind) not in AUDIENCE_ASK_KINDS:
        return AskView(
            a, "", sent, WITHIN_BUDGET, "ready", "not a promotion: the budget does not apply", 0.0
        )
    day = max(a.target_date or snap.today, snap.today)
    budget = snap.budget_without(a.id)
    blocker = promotion_blocker(budget, day)
    if blocker is None:
        return AskView(
            a,
            "",
            sent,
            WITHIN_BUDGET,
            "within budget",
            f"fits the audience budget ({budget.explanation})",
            0.0,
        )
    return AskView(a, "", sent, OVER_BUDGET, "over budget", blocker, 0.0)


def schedule_option(
    ws: Workspace, ask_id: int, kind: Kind | str, *, as_of: date | None = None
) -> gives_service.GiveView:
    """Plan one of an ask's cheapest gives: a give of ``kind`` to its contact this week."""
    view = assess_one(ws, ask_id, as_of=as_of)
    option = next((o for o in view.options if o.kind == Kind(kind)), None)
    if option is None or view.ask.contact_id is None:
        raise InvalidInput(
            f"{kind} is not one of the gives proposed for ask #{ask_id}", field="kind"
        )
    for give in gives_service.list_gives(
        ws, statuses=gives_service.OPEN_STATUSES, contact_id=view.ask.contact_id
    ):
        if (give.ask_id, give.kind, give.due_date) == (ask_id, option.kind, option.give_on):
            return give  # scheduled already (a double click): not a second one
    return gives_service.add(
        ws,
        gives_service.GiveInput(
            kind=option.kind,
            contact=view.ask.contact_id,
            due=option.give_on,
            title=f"{kind_phrase(option.kind).capitalize()} for {view.contact}",
            note=f"{option.explanation}, toward ask #{ask_id} ({view.title})",
            status=GiveStatus.PLANNED,
            ask_id=ask_id,
        ),
    )


def plan_first_give(ws: Workspace, ask_id: int) -> gives_service.GiveView:
    """The small first give an ask that needs trust offers (:mod:`planner.domain.trust_steps`),
    planned for today toward the ask. Asked twice, the open one already planned is returned."""
    view = assess_one(ws, ask_id)
    step = view.trust_step
    if step is None or view.ask.contact_id is None:
        raise InvalidInput(f"ask #{ask_id} does not wait for trust", field="ask")
    for give in gives_service.list_gives(
        ws, statuses=gives_service.OPEN_STATUSES, contact_id=view.ask.contact_id
    ):
        if give.ask_id == ask_id and give.kind is step.first_give:
            return give
    return gives_service.add(
        ws,
        gives_service.GiveInput(
            kind=step.first_give,
            contact=view.ask.contact_id,
            due=ws.today(),
            title=f"{kind_phrase(step.first_give).capitalize()} for {view.contact}",
            note=f"a small first give: earns the trust ask #{ask_id} ({view.title}) needs",
            status=GiveStatus.PLANNED,
            ask_id=ask_id,
        ),
    )
