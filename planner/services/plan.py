"""The plan: auto-plan proposals and applying them, the week calendar, capacity and next
moves.

Everything here starts from one :class:`~planner.services.plan_snapshot.Snapshot` (read
once per page) and hands it to the pure planner core (planner.domain.planning, capacity,
next_moves). The snapshot and the audience budget are
:mod:`planner.services.plan_snapshot`'s; ``plan.snapshot`` and ``plan.budget_state`` are
re-exported for the pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from planner.domain.audience import (
    BudgetState,
    check_plan_against_budget,
)
from planner.domain.capacity import TierState, TouchGap, losing_touch, tier_report
from planner.domain.give_options import kind_phrase
from planner.domain.model import (
    Ask,
    GiveStatus,
    Kind,
    PlannedGive,
    Settings,
    WeeklyCapacity,
)
from planner.domain.next_moves import KIND_WORDS as MOVE_KIND_WORDS
from planner.domain.next_moves import Move, action_words, next_moves
from planner.domain.planning import (
    SLOTS,
    PlanResult,
    ProposedGive,
    Slot,
    auto_plan,
    slot_use,
    slots_per_week,
)
from planner.domain.weeks import ONE_WEEK, week_start
from planner.errors import Conflict, InvalidInput
from planner.services import gives as gives_service
from planner.services.plan_snapshot import Snapshot, budget_state, snapshot
from planner.services.view_cache import cached
from planner.services.workspace import Workspace
from planner.storage.schema import (
    AskRow,
)

__all__ = [
    "MAX_PLAN_WEEKS",
    "MOVE_KIND_WORDS",
    "SLOT_LABELS",
    "CapacityView",
    "MoveView",
    "PlanView",
    "ProposalView",
    "Snapshot",
    "TierView",
    "TouchView",
    "UnreachableView",
    "WeekAsk",
    "WeekView",
    "action_words",
    "apply_plan",
    "budget_state",
    "calendar",
    "capacity",
    "make_plan",
    "moves",
    "moves_from",
    "snapshot",
]

MAX_PLAN_WEEKS = 52


# --- auto-plan -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProposalView:
    """One proposed give of the auto-plan, with the names a page shows."""

    index: int
    proposal: ProposedGive
    contact: str
    ask_title: str

    @property
    def title(self) -> str:
        """A title for the give, e.g. "A feature for Jane Doe"."""
        return f"{kind_phrase(self.proposal.kind).capitalize()} for {self.contact}"


@dataclass(frozen=True, slots=True)
class UnreachableView:
    """An ask the auto-plan cannot make ready by its target date, and why."""

    ask_id: int
    contact: str
    ask_title: str
    why: str


@dataclass(frozen=True, slots=True)
class PlanView:
    """The auto-plan's proposals over some weeks, what it cannot reach and the budget."""

    today: date
    weeks: tuple[date, ...]
    proposals: tuple[ProposalView, ...]
    unreachable: tuple[UnreachableView, ...]
    already_ready: tuple[int, ...]
    budget: BudgetState
    #: Budget warnings for accepting every proposal (empty: all fit).
    warnings: tuple[str, ...] = field(default=())

    def warnings_for(self, indices: Iterable[int]) -> list[str]:
        """What accepting these proposals (together) would do to the audience budget."""
        return check_plan_against_budget(
            [_as_give(self.proposals[i]) for i in sorted(set(indices))], self.budget
        )


def _ask_title(a: Ask | None) -> str:
    if a is None:
        return ""
    return a.title or Kind(a.kind).value.replace("_", " ")


def _as_give(p: ProposalView) -> PlannedGive:
    return PlannedGive(
        id=-(p.index + 1),
        contact_id=p.proposal.contact_id,
        kind=p.proposal.kind,
        due_date=p.proposal.give_on,
        status=GiveStatus.PLANNED,
        ask_id=p.proposal.ask_id,
    )


def _weeks(settings: Settings, weeks: int | None) -> int:
    n = settings.plan_weeks if weeks is None else int(weeks)
    if not 1 <= n <= MAX_PLAN_WEEKS:
        raise InvalidInput(f"plan between 1 and {MAX_PLAN_WEEKS} weeks, not {n}", field="weeks")
    return n


def make_plan(ws: Workspace, *, weeks: int | None = None, as_of: date | None = None) -> PlanView:
    """Propose gives for the next ``weeks`` weeks (default Settings.plan_weeks) so every
    planned or sent ask is ready on its target date, within the weekly capacity."""
    snap = snapshot(ws, as_of=as_of)
    return _plan(snap, _weeks(snap.settings, weeks))


def _plan(snap: Snapshot, weeks: int) -> PlanView:
    result: PlanResult = auto_plan(
        snap.asks,
        {cid: b.summary for cid, b in snap.balances.items()},
        snap.contacts,
        snap.gives,
        today=snap.today,
        my_reach=snap.my_reach,
        settings=snap.settings,
        trust={cid: b.trust for cid, b in snap.balances.items()},
        weeks=weeks,
    )
    asks = {a.id: a for a in snap.asks}
    proposals = tuple(
        ProposalView(i, p, snap.name(p.contact_id), _ask_title(asks.get(p.ask_id)))
        for i, p in enumerate(result.proposals)
    )
    unreachable = tuple(
        UnreachableView(
            u.ask_id,
            snap.name(asks[u.ask_id].contact_id) if u.ask_id in asks else "",
            _ask_title(asks.get(u.ask_id)),
            u.why,
        )
        for u in result.unreachable
    )
    warnings = check_plan_against_budget([_as_give(p) for p in proposals], snap.budget)
    return PlanView(
        snap.today,
        result.weeks,
        proposals,
        unreachable,
        result.already_ready,
        snap.budget,
        tuple(warnings),
    )


def apply_plan(
    ws: Workspace,
    plan: PlanView,
    indices: Iterable[int] | None = None,
    *,
    allow_budget_break: bool = False,
) -> list[gives_service.GiveView]:
    """Create the chosen proposals (default: all) as planned gives linked to their asks;
    a proposal accepted twice within a minute (a double click) is planned once.

    Refuses (Conflict, nothing created) when they would break the audience budget, unless
    ``allow_budget_break``.
    """
    chosen = sorted(set(range(len(plan.proposals)) if indices is None else indices))
    for i in chosen:
        if not 0 <= i < len(plan.proposals):
            raise InvalidInput(f"no proposal number {i}", field="proposals")
    warnings = plan.warnings_for(chosen)
    if warnings and not allow_budget_break:
        raise Conflict("the audience budget would break: " + "; ".join(warnings))
    created = []
    with ws.write() as s:
        for i in chosen:
            view = plan.proposals[i]
            p = view.proposal
            created.append(
                gives_service.add_once(
                    ws,
                    gives_service.GiveInput(
                        kind=p.kind,
                        contact=p.contact_id,
                        due=p.give_on,
                        title=view.title,
                        note=p.reason,
                        status=GiveStatus.PLANNED,
                        ask_id=p.ask_id,
                    ),
                    session=s,
                )
            )
    return created


# --- the week calendar and capacity ----------------------------------------------------

SLOT_LABELS = {
    Slot.BLOG: "blog places",
    Slot.INTERVIEW: "interviews",
    Slot.REWARD: "rewards",
    Slot.OTHER: "other",
}


@dataclass(frozen=True, slots=True)
class WeekAsk:
    """An ask whose target date falls in a week of the calendar."""

    id: int
    contact: str  # "" for the audience
    kind: Kind
    title: str
    status: str
    target_date: date


@dataclass(frozen=True, slots=True)
class WeekView:
    """One week of the calendar: gives due, asks targeted and capacity used."""

    start: date
    gives: tuple[gives_service.GiveView, ...]
    #: Asks whose target date falls in the week.
    asks: tuple[WeekAsk, ...]
    #: Capacity taken by planned gives, and the week's capacity, per resource.
    used: dict[Slot, int]
    capacity: dict[Slot, int]
    #: Planned gives due before the first week, shown (and counted) in it.
    overdue: tuple[int, ...] = ()

    @property
    def over(self) -> list[Slot]:
        """The resources booked beyond the week's capacity."""
        return [s for s in SLOTS if self.used[s] > self.capacity[s]]

    def usage(self) -> str:
        """Used/capacity per resource, e.g. "blog places 1/2, interviews 0/1, ..."."""
        return ", ".join(f"{SLOT_LABELS[s]} {self.used[s]}/{self.capacity[s]}" for s in SLOTS)


def calendar(
    ws: Workspace, *, weeks: int | None = None, as_of: date | None = None
) -> list[WeekView]:
    """The next ``weeks`` weeks from the week of ``as_of``: gives due (planned, ideas and
    done; overdue planned ones in the first week), ask targets and capacity used."""
    today = as_of or ws.today()
    settings = ws.settings()
    n = _weeks(settings, weeks)
    week0 = week_start(today)
    per_week = slots_per_week(settings.weekly_capacity)
    gives = _gives_by_week(ws, week0, n, settings.weekly_capacity)
    asks = _asks_by_week(ws, week0, n)
    return [
        WeekView(
            week0 + w * ONE_WEEK,
            tuple(gives.gives[w]),
            tuple(asks[w]),
            gives.used[w],
            dict(per_week),
            tuple(gives.overdue) if w == 0 else (),
        )
        for w in range(n)
    ]


@dataclass(frozen=True, slots=True)
class _WeeksOfGives:
    """Gives bucketed by week, with the capacity the planned ones take."""

    gives: list[list[gives_service.GiveView]]
    used: list[dict[Slot, int]]
    #: Ids of planned gives due before the first week (counted in it).
    overdue: list[int]


def _gives_by_week(ws: Workspace, week0: date, n: int, cap: WeeklyCapacity) -> _WeeksOfGives:
    """The gives due in ``n`` weeks from ``week0``; dropped ones and past ideas or done
    ones left out, past planned ones put in the first week."""
    out = _WeeksOfGives(
        gives=[[] for _ in range(n)],
        used=[dict.fromkeys(SLOTS, 0) for _ in range(n)],
        overdue=[],
    )
    end = week0 + n * ONE_WEEK
    for g in gives_service.list_gives(ws, until=end - timedelta(days=1)):
        if g.due_date is None or g.status is GiveStatus.DROPPED:
            continue
        if g.due_date < week0:
            if g.status is not GiveStatus.PLANNED:
                continue
            out.overdue.append(g.id)
            w = 0
        else:
            w = (g.due_date - week0).days // 7
        out.gives[w].append(g)
        if g.status is GiveStatus.PLANNED:
            slot, units = slot_use(g.kind, cap)
            out.used[w][slot] += units
    return out


def _asks_by_week(ws: Workspace, week0: date, n: int) -> list[list[WeekAsk]]:
    """The asks whose target date falls in each of ``n`` weeks from ``week0``."""
    asks: list[list[WeekAsk]] = [[] for _ in range(n)]
    end = week0 + n * ONE_WEEK
    with ws.read() as s:
        query = select(AskRow).where(AskRow.target_date >= week0, AskRow.target_date < end)
        rows = s.scalars(query.order_by(AskRow.target_date, AskRow.id)).all()
        contact_names = gives_service.contact_names(s)
        for r in rows:
            assert r.target_date is not None
            w = (r.target_date - week0).days // 7
            asks[w].append(
                WeekAsk(
                    r.id,
                    contact_names.get(r.contact_id, "") if r.contact_id else "",
                    Kind(r.kind),
                    r.title,
                    r.status,
                    r.target_date,
                )
            )
    return asks


@dataclass(frozen=True, slots=True)
class TierView:
    """One tier's size against its limit, with who to move down when it is over."""

    state: TierState
    #: Names of the contacts to move down a tier, most obvious first.
    move_down: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TouchView:
    """A contact I am losing touch with (no contact for longer than the tier allows)."""

    gap: TouchGap
    contact: str
    tier: str


@dataclass(frozen=True, slots=True)
class CapacityView:
    """The tiers' sizes and the contacts I am losing touch with."""

    tiers: tuple[TierView, ...]
    losing_touch: tuple[TouchView, ...]


def capacity(ws: Workspace, *, as_of: date | None = None) -> CapacityView:
    """Tiers against their capacity, and the contacts past their keep-in-touch cadence."""
    snap = snapshot(ws, as_of=as_of)
    people = [c for c in snap.contacts.values() if not c.archived]
    summaries = {cid: b.summary for cid, b in snap.balances.items()}
    tiers = tuple(
        TierView(state, tuple(snap.name(i) for i in state.move_down_suggestions))
        for state in tier_report(people, summaries, today=snap.today, settings=snap.settings)
    )
    last = {cid: s.last_on for cid, s in summaries.items()}
    touch = tuple(
        TouchView(gap, snap.name(gap.contact_id), snap.contacts[gap.contact_id].tier.value)
        for gap in losing_touch(people, last, today=snap.today, settings=snap.settings)
    )
    return CapacityView(tiers, touch)


# --- next moves ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MoveView:
    """A next move with the contact's name."""

    move: Move
    contact: str

    @property
    def template(self) -> str:
        """The outreach template of a ``draft:<name>`` action, else ""."""
        action = self.move.action
        return action.split(":", 1)[1] if action.startswith("draft:") else ""

    @property
    def label(self) -> str:
        """What the move's button says ("Draft a follow-up", "Plan a give" …)."""
        return action_words(self.move.action)


def moves(
    ws: Workspace, *, as_of: date | None = None, limit_per_kind: int | None = 20
) -> list[MoveView]:
    """What to do now, most urgent first (see planner.domain.next_moves); worked out once
    per data version and day (:mod:`planner.services.view_cache`); the list is the caller's."""
    snap = snapshot(ws, as_of=as_of)
    key = ("moves", snap.today, limit_per_kind)
    return list(cached(ws, key, lambda: tuple(moves_from(snap, limit_per_kind=limit_per_kind))))


def moves_from(snap: Snapshot, *, limit_per_kind: int | None = 20) -> list[MoveView]:
    """:func:`moves` from a snapshot already read (the dashboard reads one per run)."""
    found = next_moves(
        contacts=snap.contacts.values(),
        summaries={cid: b.summary for cid, b in snap.balances.items()},
        asks=snap.asks,
        trust={cid: b.trust for cid, b in snap.balances.items()},
        requests_count={cid: b.requests_count for cid, b in snap.balances.items()},
        budget=snap.budget,
        today=snap.today,
        my_reach=snap.my_reach,
        settings=snap.settings,
        limit_per_kind=limit_per_kind,
    )
    return [MoveView(m, snap.name(m.contact_id)) for m in found]
