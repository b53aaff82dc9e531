"""The planner's views as tables (pandas frames), for the pages, the CLI and CSV export.

The use cases live in :mod:`planner.services.gives`, :mod:`~planner.services.asks`,
:mod:`~planner.services.help_requests` and :mod:`~planner.services.plan`; this module turns
their views into frames; the Plan page's tables (a week, tiers against their capacity, the
contacts losing touch) too, so that the page only shows them. The ``*_frame`` functions
are the exports ``asks``, ``gives``, ``requests``, ``plan`` and ``next_moves`` of
:data:`planner.services.exports.TABLES`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from planner.domain.weeks import week_start
from planner.domain.words import day, points, word
from planner.services import asks as asks_service
from planner.services import gives as gives_service
from planner.services import help_requests as requests_service
from planner.services import plan as plan_service
from planner.services.plan import CapacityView, WeekView
from planner.services.workspace import Workspace

ASK_COLUMNS = [
    "id",
    "contact",
    "kind",
    "title",
    "cost",
    "target_date",
    "priority",
    "status",
    "sent_on",
    "balance",
    "readiness",
    "label",
    "gap",
    "trust_required",
    "trust",
    "reason",
    "cheapest_gives",
]
GIVE_COLUMNS = [
    "id",
    "contact",
    "kind",
    "title",
    "due_date",
    "week",
    "channel",
    "status",
    "done_on",
    "ask_id",
    "request_id",
    "note",
]
REQUEST_COLUMNS = [
    "id",
    "contact",
    "kind",
    "title",
    "received_on",
    "status",
    "balance",
    "i_owe_them",
    "reciprocity_ratio",
    "one_sided",
    "recommendation",
    "reason",
    "suggested_week",
    "template",
    "decision",
]
PLAN_COLUMNS = [
    "proposal",
    "week",
    "give_on",
    "contact",
    "kind",
    "title",
    "ask_id",
    "ask",
    "target_date",
    "value_on_target",
    "projected_balance",
    "reason",
]
UNREACHABLE_COLUMNS = ["Ask #", "Of", "Ask", "Why"]
MOVE_COLUMNS = ["priority", "kind", "contact", "ask_id", "title", "reason", "action"]


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def asks_table(views: Iterable[asks_service.AskView]) -> pd.DataFrame:
    """Asks with readiness, gap and trust, one row each (ASK_COLUMNS)."""
    rows = [
        {
            "id": v.id,
            "contact": v.contact,
            "kind": v.ask.kind.value,
            "title": v.ask.title,
            "cost": round(v.ask.cost, 3),
            "target_date": _iso(v.ask.target_date),
            "priority": v.ask.priority,
            "status": v.ask.status.value,
            "sent_on": _iso(v.sent_on),
            "balance": _rounded(v.balance),
            "readiness": v.state,
            "label": v.label,
            "gap": round(v.gap, 3),
            "trust_required": v.trust_required.value if v.trust_required else "",
            "trust": v.trust.value if v.trust else "",
            "reason": v.reason,
            "cheapest_gives": "; ".join(o.explanation for o in v.options),
        }
        for v in views
    ]
    return pd.DataFrame(rows, columns=ASK_COLUMNS)


#: The Asks page's table: words, points to one decimal, dates as dates (ASK_COLUMNS stay
#: the CSV's machine columns).
ASK_SHOWN = [
    "#",
    "Of",
    "Kind",
    "Title",
    "Readiness",
    "Why",
    "Cheapest gives",
    "Target date",
    "Cost",
    "Balance",
    "Priority",
    "Status",
]
PRIORITY_WORDS = {1: "High", 2: "Normal", 3: "Low"}


def options_shown(view: asks_service.AskView) -> pd.DataFrame:
    """The cheapest gives that close an ask's gap, as the Asks page shows them."""
    return pd.DataFrame(
        [
            {
                "Give": word(o.kind),
                "On": day(o.give_on),
                "Adds by target": points(o.value_on_target),
                "Effort (hours)": f"{o.effort:g}",
                "Why": o.explanation,
            }
            for o in view.options
        ]
    )


def asks_shown(views: Iterable[asks_service.AskView]) -> pd.DataFrame:
    """The asks as the page shows them (ASK_SHOWN): what a person reads, no codes."""
    rows = [
        {
            "#": v.id,
            "Of": v.contact or "My audience",
            "Kind": word(v.ask.kind),
            "Title": v.title if v.ask.title else word(v.ask.kind),
            "Readiness": readiness_words(v),
            "Why": v.trust_step.explanation if v.trust_step else v.reason,
            "Cheapest gives": "; ".join(o.explanation for o in v.options),
            "Target date": day(v.ask.target_date),
            "Cost": points(v.ask.cost),
            "Balance": points(v.balance),
            "Priority": PRIORITY_WORDS.get(v.ask.priority, str(v.ask.priority)),
            "Status": word(v.ask.status),
        }
        for v in views
    ]
    return pd.DataFrame(rows, columns=ASK_SHOWN)


def readiness_words(v: asks_service.AskView) -> str:
    """``Ready``, ``Short by 1.8 points``, ``Needs trust: Acquainted (now New)`` …"""
    if v.state == "short":
        return f"Short by {points(v.gap)} points"
    if v.state == "needs_trust" and v.trust_required is not None and v.trust is not None:
        return f"Needs trust: {word(v.trust_required)} (now {word(v.trust)})"
    return {
        "ready": "Ready",
        "over_committed": "Over-committed",
        "closed": "Closed",
        asks_service.WITHIN_BUDGET: "Within the audience budget",
        asks_service.OVER_BUDGET: "Over the audience budget",
    }.get(v.state, word(v.state))


def gives_table(views: Iterable[gives_service.GiveView]) -> pd.DataFrame:
    """Planned gives with their week, one row each (GIVE_COLUMNS)."""
    rows = [
        {
            "id": g.id,
            "contact": g.contact,
            "kind": g.kind.value,
            "title": g.title,
            "due_date": _iso(g.due_date),
            "week": _iso(week_start(g.due_date)) if g.due_date else "",
            "channel": g.channel,
            "status": g.status.value,
            "done_on": _iso(g.done_on),
            "ask_id": g.ask_id,
            "request_id": g.request_id,
            "note": g.note,
        }
        for g in views
    ]
    return pd.DataFrame(rows, columns=GIVE_COLUMNS).astype(
        {"ask_id": "Int64", "request_id": "Int64"}
    )


def requests_table(views: Iterable[requests_service.RequestView]) -> pd.DataFrame:
    """Requests with the recommendation and why, one row each (REQUEST_COLUMNS)."""
    rows = []
    for v in views:
        ratio = v.summary.reciprocity_ratio
        rows.append(
            {
                "id": v.id,
                "contact": v.contact,
                "kind": v.request.kind.value,
                "title": v.request.title,
                "received_on": _iso(v.request.received_on),
                "status": v.request.status.value,
                "balance": round(v.balance, 3),
                "i_owe_them": v.owe,
                "reciprocity_ratio": _rounded(ratio),
                "one_sided": v.one_sided,
                "recommendation": v.advice.recommendation if v.advice else "",
                "reason": v.advice.reason if v.advice else "",
                "suggested_week": _iso(v.advice.suggested_week) if v.advice else "",
                "template": v.advice.template if v.advice else "",
                "decision": v.request.decision,
            }
        )
    return pd.DataFrame(rows, columns=REQUEST_COLUMNS)


#: The Requests page's table (REQUEST_COLUMNS stay the CSV's machine columns).
REQUEST_SHOWN = ["#", "From", "Kind", "Title", "Status", "Recommendation", "Why", "Received"]
RECOMMENDATION_WORDS = {"yes": "Yes", "later": "Later", "decline": "Decline"}


def requests_shown(views: Iterable[requests_service.RequestView]) -> pd.DataFrame:
    """The requests as the page shows them (REQUEST_SHOWN): a recommendation for open
    requests only; a decided one shows its decision instead."""
    rows = []
    for v in views:
        advice = v.advice
        rows.append(
            {
                "#": v.id,
                "From": v.contact,
                "Kind": word(v.request.kind),
                "Title": v.request.title or word(v.request.kind),
                "Status": word(v.request.status),
                "Recommendation": RECOMMENDATION_WORDS[advice.recommendation] if advice else "",
                "Why": advice.reason if advice else v.request.decision,
                "Received": day(v.request.received_on),
            }
        )
    return pd.DataFrame(rows, columns=REQUEST_SHOWN)


def plan_table(view: plan_service.PlanView) -> pd.DataFrame:
    """The auto-plan's proposals, one row each (PLAN_COLUMNS)."""
    rows = [
        {
            "proposal": p.index,
            "week": _iso(p.proposal.week_start),
            "give_on": _iso(p.proposal.give_on),
            "contact": p.contact,
            "kind": p.proposal.kind.value,
            "title": p.title,
            "ask_id": p.proposal.ask_id,
            "ask": p.ask_title,
            "target_date": _iso(p.proposal.target_date),
            "value_on_target": round(p.proposal.value_on_target, 3),
            "projected_balance": round(p.proposal.projected_balance_on_target, 3),
            "reason": p.proposal.reason,
        }
        for p in view.proposals
    ]
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


#: The Plan page's auto-plan table (PLAN_COLUMNS stay the CSV's machine columns).
PLAN_SHOWN = [
    "Proposal",
    "Week of",
    "Give on",
    "For",
    "Kind",
    "Title",
    "Toward ask",
    "Target date",
    "Adds by target",
    "Balance on target",
    "Why",
]


def plan_shown(view: plan_service.PlanView) -> pd.DataFrame:
    """The auto-plan's proposals as the page shows them (PLAN_SHOWN)."""
    rows = [
        {
            "Proposal": p.index,
            "Week of": day(p.proposal.week_start),
            "Give on": day(p.proposal.give_on),
            "For": p.contact,
            "Kind": word(p.proposal.kind),
            "Title": p.title,
            "Toward ask": f"#{p.proposal.ask_id} {p.ask_title}",
            "Target date": day(p.proposal.target_date),
            "Adds by target": points(p.proposal.value_on_target),
            "Balance on target": points(p.proposal.projected_balance_on_target),
            "Why": p.proposal.reason,
        }
        for p in view.proposals
    ]
    return pd.DataFrame(rows, columns=PLAN_SHOWN)


def unreachable_table(view: plan_service.PlanView) -> pd.DataFrame:
    """The asks the auto-plan cannot make ready in time, and why."""
    rows = [
        {"Ask #": u.ask_id, "Of": u.contact or "My audience", "Ask": u.ask_title, "Why": u.why}
        for u in view.unreachable
    ]
    return pd.DataFrame(rows, columns=UNREACHABLE_COLUMNS)


def moves_table(
    views: Iterable[plan_service.MoveView], *, for_people: bool = False
) -> pd.DataFrame:
    """Next moves, most urgent first (MOVE_COLUMNS, what the CSV keeps); ``for_people``:
    the columns and the kind and action of each move in words, for a page."""
    rows = [
        {
            "priority": m.move.priority,
            "kind": m.move.kind,
            "contact": m.contact,
            "ask_id": m.move.ask_id,
            "title": m.move.title,
            "reason": m.move.reason,
            "action": m.move.action,
        }
        for m in views
    ]
    table = pd.DataFrame(rows, columns=MOVE_COLUMNS).astype({"ask_id": "Int64"})
    if not for_people:
        return table
    table["kind"] = table["kind"].map(lambda k: plan_service.MOVE_KIND_WORDS.get(k, k))
    table["action"] = table["action"].map(plan_service.action_words)
    return table.drop(columns=["ask_id"]).rename(
        columns={
            "priority": "Priority",
            "kind": "Move",
            "contact": "Contact",
            "title": "What",
            "reason": "Why",
            "action": "Do",
        }
    )


def asks_frame(ws: Workspace, *, as_of: date | None = None, **_: object) -> pd.DataFrame:
    """Every ask with its readiness, gap, trust and the cheapest gives that close it."""
    return asks_table(asks_service.assess(ws, as_of=as_of))


def gives_frame(ws: Workspace, **_: object) -> pd.DataFrame:
    """Every planned give, by due date."""
    return gives_table(gives_service.list_gives(ws))


def requests_frame(ws: Workspace, *, as_of: date | None = None, **_: object) -> pd.DataFrame:
    """Incoming requests with the recommendation (yes, later, decline) and why."""
    return requests_table(requests_service.review(ws, as_of=as_of))


def plan_frame(
    ws: Workspace, *, as_of: date | None = None, weeks: int | None = None, **_: object
) -> pd.DataFrame:
    """The auto-plan's proposed gives (not applied)."""
    return plan_table(plan_service.make_plan(ws, as_of=as_of, weeks=weeks))


def next_moves_frame(ws: Workspace, *, as_of: date | None = None, **_: object) -> pd.DataFrame:
    """What to do now, most urgent first."""
    return moves_table(plan_service.moves(ws, as_of=as_of))


WEEK_COLUMNS = ["what", "id", "date", "contact", "kind", "title", "status"]
TIER_COLUMNS = ["tier", "contacts", "capacity", "over by", "move down"]
TOUCH_COLUMNS = ["contact", "tier", "days since", "every (days)"]


def week_table(week: WeekView) -> pd.DataFrame:
    """The week's gives (an overdue planned give says "overdue"), then its ask targets."""
    gives = [
        {
            "what": "give",
            "id": g.id,
            "date": day(g.due_date),
            "contact": g.contact or "My audience",
            "kind": word(g.kind),
            "title": g.title,
            "status": "Overdue" if g.id in week.overdue else word(g.status),
        }
        for g in week.gives
    ]
    asks = [
        {
            "what": "ask target",
            "id": a.id,
            "date": day(a.target_date),
            "contact": a.contact or "My audience",
            "kind": word(a.kind),
            "title": a.title,
            "status": word(a.status),
        }
        for a in week.asks
    ]
    return pd.DataFrame(gives + asks, columns=WEEK_COLUMNS)


def tiers_table(cap: CapacityView) -> pd.DataFrame:
    """Each tier's count against its capacity, and whom to move down when it is over."""
    rows = [
        {
            "tier": word(t.state.tier),
            "contacts": t.state.count,
            "capacity": t.state.capacity,
            "over by": t.state.over_by,
            "move down": ", ".join(t.move_down),
        }
        for t in cap.tiers
    ]
    return pd.DataFrame(rows, columns=TIER_COLUMNS)


def losing_touch_table(cap: CapacityView) -> pd.DataFrame:
    """Contacts past their tier's keep-in-touch cadence."""
    rows = [
        {
            "contact": t.contact,
            "tier": word(t.tier),
            "days since": t.gap.days_since,
            "every (days)": t.gap.cadence,
        }
        for t in cap.losing_touch
    ]
    return pd.DataFrame(rows, columns=TOUCH_COLUMNS)
