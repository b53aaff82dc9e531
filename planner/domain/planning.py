"""Auto-plan: propose gives so that every planned or sent ask is ready on its target date.

The rules, in the order they are applied:

* **Which asks.** Asks to a contact whose status is ``planned`` or ``sent``. Audience asks
  (no contact) are governed by the promotion budget (:mod:`planner.domain.audience`), not by
  gives. An ask without a target date is planned to be ready by the end of the horizon.
* **Earliest deadline first.** Asks are taken by (target date, priority, id) — the order
  :func:`~planner.domain.goodwill.assess_ask` uses — so urgent asks get the early slots.
* **What "ready" means on the target date.** The projected balance must cover the ask's
  cost plus the costs of the contact's other pending asks queued before it (the same
  over-commitment rule as readiness). The projected balance on the target is today's
  balance decayed to the target, plus every planned give (status ``planned``, with a due
  date no later than the target; an overdue one counts as happening today), plus every
  give proposed so far, each decayed from the day it is given.
* **Trust.** Gives build a balance, never trust: an ask that needs more trust than the
  contact has earned is reported unreachable, whatever the balance.
* **Which gives.** The least-effort set of distinct give kinds that closes the gap (see
  :mod:`planner.domain.give_options`), each placed in the earliest week that still has room
  — as early as possible, never after the target date, never past the horizon. When no one
  set of kinds is enough, gives are added across weeks by value per effort, then any that
  turned out unnecessary are dropped again.
* **Weekly capacity.** Each kind rides on a resource of the week (:func:`slot_use`): a
  mention or link takes one place in a blog post (``mentions_per_post`` per post), a feature
  takes a whole post, an interview an interview slot, a reward or free report a reward
  slot, anything else an "other" slot. Planned gives use capacity too. A full week pushes
  a give to the next week. The same contact gets at most one give of a kind per week.
* **Unreachable.** An ask that cannot be made ready is reported with why and by how much —
  trust, target passed, not enough time (even empty weeks would not do it), or capacity
  exhausted by earlier asks — and takes no capacity.

The output is deterministic: same input, same plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from planner.domain.give_options import (
    EPSILON,
    EffortTable,
    effort_table,
    explain_give,
    give_value,
    kind_phrase,
)
from planner.domain.goodwill import BalanceSummary, decay
from planner.domain.model import (
    PENDING_ASK_STATUSES,
    Ask,
    AskStatus,
    Contact,
    GiveStatus,
    Kind,
    PlannedGive,
    Settings,
    Trust,
    WeeklyCapacity,
    trust_rank,
)
from planner.domain.weeks import ONE_WEEK, give_day, short_date, week_start

#: Asks the planner works toward; ideas are not commitments, the rest are settled.
PLANNED_ASK_STATUSES: frozenset[AskStatus] = frozenset(
    {AskStatus.PLANNED, AskStatus.SENT, AskStatus.REPLIED}
)


class Slot(StrEnum):
    """A weekly resource that gives consume."""

    BLOG = "blog"  # places in blog posts: blog_posts × mentions_per_post per week
    INTERVIEW = "interview"
    REWARD = "reward"
    OTHER = "other"


SLOTS: tuple[Slot, ...] = tuple(Slot)


def slot_use(kind: Kind | str, capacity: WeeklyCapacity) -> tuple[Slot, int]:
    """Which weekly resource a give of ``kind`` uses, and how many units of it."""
    k = Kind(kind)
    if k in (Kind.MENTION, Kind.LINK):
        return Slot.BLOG, 1
    if k is Kind.FEATURE:
        # a feature is a post about them: it fills every place of one post
        return Slot.BLOG, max(1, capacity.mentions_per_post)
    if k is Kind.INTERVIEW:
        return Slot.INTERVIEW, 1
    if k in (Kind.REWARD, Kind.FREE_REPORT):
        return Slot.REWARD, 1
    return Slot.OTHER, 1


def slots_per_week(capacity: WeeklyCapacity) -> dict[Slot, int]:
    """Units of each resource in one week."""
    return {
        Slot.BLOG: max(0, capacity.blog_posts) * max(0, capacity.mentions_per_post),
        Slot.INTERVIEW: max(0, capacity.interviews),
        Slot.REWARD: max(0, capacity.rewards),
        Slot.OTHER: max(0, capacity.other),
    }


@dataclass(frozen=True, slots=True)
class ProposedGive:
    """A give the planner suggests, and the ask it serves."""

    contact_id: int
    kind: Kind
    week_start: date
    ask_id: int
    #: Projected balance on the ask's target date once this give (and the ask's earlier
    #: proposed gives) are made.
    projected_balance_on_target: float
    reason: str
    give_on: date
    target_date: date
    value_on_target: float


class Unreachable(NamedTuple):
    """An ask the plan cannot make ready, and why (with numbers)."""

    ask_id: int
    why: str


@dataclass(frozen=True, slots=True)
class PlanResult:
    #: In week order, then by the order the asks were planned.
    """What auto-planning proposes, what it cannot reach, what is ready already."""

    proposals: tuple[ProposedGive, ...]
    #: In the order the asks were considered (earliest deadline first).
    unreachable: tuple[Unreachable, ...]
    #: Asks projected ready on their target date without any new give.
    already_ready: tuple[int, ...] = ()
    #: Mondays of the planned weeks.
    weeks: tuple[date, ...] = field(default=())


def ask_order(ask: Ask) -> tuple[date, int, int]:
    """Earliest deadline first, then priority, then id (as readiness queues asks)."""
    return (ask.target_date or date.max, ask.priority, ask.id)


class _Calendar:
    """Capacity left per week and resource, and which (contact, kind, week) are taken."""

    def __init__(self, weeks: int, capacity: WeeklyCapacity) -> None:
        per_week = slots_per_week(capacity)
        self.cap = [per_week[s] for s in SLOTS]
        self.used = [[0] * len(SLOTS) for _ in range(weeks)]
        self.taken: set[tuple[int | None, Kind, int]] = set()

    def book(self, contact_id: int | None, kind: Kind, week: int, slot: int, units: int) -> None:
        """Use ``units`` of ``slot`` in ``week`` for a give of ``kind`` to the contact."""
        self.used[week][slot] += units
        self.taken.add((contact_id, kind, week))

    def free(self, week: int, slot: int) -> int:
        """Units of ``slot`` still free in ``week``."""
        return self.cap[slot] - self.used[week][slot]


@dataclass(slots=True)
class _Ask:
    """Working numbers for one ask while it is being planned."""

    ask: Ask
    contact_id: int
    target: date
    need: float
    gap: float
    last_week: int
    #: values[k][w]: kind index k given in week w, worth on the target date
    values: list[list[float]]


def auto_plan(
    asks: Iterable[Ask],
    balances: Mapping[int, BalanceSummary | float],
    contacts: Mapping[int, Contact] | Iterable[Contact],
    planned: Iterable[PlannedGive] = (),
    *,
    today: date,
    my_reach: int | None,
    settings: Settings,
    trust: Mapping[int, Trust | str] | None = None,
    capacity: WeeklyCapacity | None = None,
    weeks: int | None = None,
    effort: Mapping[Kind, float] | Mapping[str, float] | None = None,
) -> PlanResult:
    """Propose gives for the next ``weeks`` weeks so each planned or sent ask is ready in time.

    Args:
        asks: every ask (any status; pending ones to the same contact commit its balance).
        balances: contact id → today's :class:`BalanceSummary` (or just its balance).
        contacts: for reach (exposure) and archived state; missing contacts have no reach.
        planned: gives already planned; ``planned`` ones with a due date count and use
            capacity (audience gives included).
        trust: contact id → trust level (default new).
        capacity: what fits in a week (default ``settings.weekly_capacity``).
        weeks: horizon length (default ``settings.plan_weeks``).
        effort: give kind → effort (default :data:`~planner.domain.give_options.DEFAULT_EFFORT`).

    Returns:
        The proposals, the unreachable asks with why, and the asks already ready.
    """
    cap = capacity or settings.weekly_capacity
    n_weeks = settings.plan_weeks if weeks is None else weeks
    if n_weeks < 1:
        raise ValueError("plan at least one week")
    by_id = contacts if isinstance(contacts, Mapping) else {c.id: c for c in contacts}
    trust_of = trust or {}
    plan = _Plan.start(today, n_weeks, cap, effort_table(effort), my_reach, settings)
    plan.book_planned(planned)
    all_asks = sorted(asks, key=ask_order)
    committed = _committed_costs(all_asks)
    for position, a in enumerate(all_asks):
        if a.contact_id is None or a.status not in PLANNED_ASK_STATUSES:
            continue
        cid = a.contact_id
        contact = by_id.get(cid)
        blocked = _blocked(a, contact, Trust(trust_of.get(cid, Trust.NEW)), today, settings)
        if blocked is not None:
            plan.unreachable.append(Unreachable(a.id, blocked))
            continue
        plan.plan_ask(position, a, cid, contact, balances.get(cid, 0.0), committed.get(a.id, 0.0))
    return plan.result()


@dataclass(slots=True)
class _Plan:
    """One planning run: the horizon, the calendar as it fills, the gives so far."""

    today: date
    week0: date
    n_weeks: int
    cap: WeeklyCapacity
    table: EffortTable
    #: per kind index in ``table``: (slot index, units of that slot a give uses)
    unit_slots: list[tuple[int, int]]
    cal: _Calendar
    my_reach: int | None
    settings: Settings
    #: contact id → [(give day, kind)] of planned and proposed gives, for projections
    gives: dict[int, list[tuple[date, Kind]]] = field(default_factory=dict)
    #: (week, ask position, kind index, proposal): the order proposals are shown in
    proposals: list[tuple[int, int, int, ProposedGive]] = field(default_factory=list)
    unreachable: list[Unreachable] = field(default_factory=list)
    ready: list[int] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        today: date,
        n_weeks: int,
        cap: WeeklyCapacity,
        table: EffortTable,
        my_reach: int | None,
        settings: Settings,
    ) -> _Plan:
        """An empty plan of ``n_weeks`` weeks from this week."""
        unit_slots = [(SLOTS.index(s), u) for s, u in (slot_use(k, cap) for k in table.kinds)]
        return cls(
            today=today,
            week0=week_start(today),
            n_weeks=n_weeks,
            cap=cap,
            table=table,
            unit_slots=unit_slots,
            cal=_Calendar(n_weeks, cap),
            my_reach=my_reach,
            settings=settings,
        )

    @property
    def horizon_end(self) -> date:
        """The last day of the plan's last week."""
        return self.week0 + timedelta(days=7 * self.n_weeks - 1)

    def book_planned(self, planned: Iterable[PlannedGive]) -> None:
        """Gives already planned with a due date count and use capacity."""
        for g in sorted(planned, key=lambda g: g.id):
            if g.status is not GiveStatus.PLANNED or g.due_date is None:
                continue
            on = max(g.due_date, self.today)  # overdue but still planned: assume it happens now
            w = (week_start(on) - self.week0).days // 7
            if w < self.n_weeks:
                slot, u = slot_use(g.kind, self.cap)
                self.cal.book(g.contact_id, Kind(g.kind), w, SLOTS.index(slot), u)
            if g.contact_id is not None:
                self.gives.setdefault(g.contact_id, []).append((on, Kind(g.kind)))

    def plan_ask(
        self,
        position: int,
        a: Ask,
        cid: int,
        contact: Contact | None,
        balance: BalanceSummary | float,
        committed: float,
    ) -> None:
        """Ready already, or the cheapest gives that make it ready in time, or why not."""
        their_reach = contact.reach if contact else None
        target = a.target_date or self.horizon_end
        need = a.cost + committed
        projected = _project(
            balance,
            self.gives.get(cid, ()),
            target=target,
            today=self.today,
            their_reach=their_reach,
            my_reach=self.my_reach,
            settings=self.settings,
        )
        if projected >= need - EPSILON:
            self.ready.append(a.id)
            return
        last_week = min(self.n_weeks - 1, (week_start(target) - self.week0).days // 7)
        values = self._values(target, last_week, their_reach)
        job = _Ask(a, cid, target, need, need - projected, last_week, values)
        placed = self._place(job, projected)
        if placed is not None:
            self._book(position, job, placed, projected)

    def _values(self, target: date, last_week: int, their_reach: int | None) -> list[list[float]]:
        """values[k][w]: what kind k given in week w is worth on ``target``."""
        return [
            [
                give_value(
                    k,
                    give_on=give_day(self.week0 + w * ONE_WEEK, self.today),
                    target=target,
                    my_reach=self.my_reach,
                    their_reach=their_reach,
                    settings=self.settings,
                )
                for w in range(last_week + 1)
            ]
            for k in self.table.kinds
        ]

    def _place(self, job: _Ask, projected: float) -> list[tuple[int, int]] | None:
        """(kind index, week) of the gives closing the gap, or None (and why, recorded)."""
        table, unit_slots, cal = self.table, self.unit_slots, self.cal
        placed = _cheapest_combo(job, table, unit_slots, cal)
        if placed is not None:
            return placed
        why = _why_unreachable(job, table, unit_slots, cal, self.n_weeks, self.today, projected)
        if why is None:
            placed = _greedy(job, table, unit_slots, cal)
            if placed is not None:
                return placed
            why = (
                f"capacity exhausted: the slots still free until "
                f"{short_date(job.target, self.today)} cannot be combined to add the "
                f"{job.gap:.1f} points missing"
            )
        self.unreachable.append(Unreachable(job.ask.id, why))
        return None

    def _book(
        self, position: int, job: _Ask, placed: list[tuple[int, int]], projected: float
    ) -> None:
        """Book the placed gives in the calendar and propose them, earliest first."""
        running = projected
        for k, w in sorted(placed, key=lambda kw: (kw[1], kw[0])):
            slot, u = self.unit_slots[k]
            kind = self.table.kinds[k]
            self.cal.book(job.contact_id, kind, w, slot, u)
            week = self.week0 + w * ONE_WEEK
            self.gives.setdefault(job.contact_id, []).append((give_day(week, self.today), kind))
            running += job.values[k][w]
            proposal = _proposal(job, kind, week, job.values[k][w], running, self.today)
            self.proposals.append((w, position, k, proposal))

    def result(self) -> PlanResult:
        """The proposals in week order, the unreachable asks and the asks already ready."""
        self.proposals.sort(key=lambda p: p[:3])
        return PlanResult(
            proposals=tuple(p[3] for p in self.proposals),
            unreachable=tuple(self.unreachable),
            already_ready=tuple(self.ready),
            weeks=tuple(self.week0 + w * ONE_WEEK for w in range(self.n_weeks)),
        )


def _ask_label(a: Ask) -> str:
    return a.title or Kind(a.kind).value.replace("_", " ")


def _blocked(
    a: Ask, contact: Contact | None, have: Trust, today: date, settings: Settings
) -> str | None:
    """Why no give can make this ask ready (archived, too late, trust), or None."""
    if contact is not None and contact.archived:
        return f"{contact.name} is archived"
    if a.target_date is not None and a.target_date < today:
        return f"the target date {short_date(a.target_date, today)} has passed"
    required = settings.required_trust(a.kind)
    if trust_rank(have) < trust_rank(required):
        return (
            f"{kind_phrase(a.kind)} needs trust level {required} (now {have}); gives build "
            "a balance, not trust — wait until they have given back"
        )
    return None


def _proposal(
    job: _Ask, kind: Kind, week: date, val: float, running: float, today: date
) -> ProposedGive:
    a = job.ask
    earlier = job.need - a.cost
    reason = (
        f"{explain_give(kind, val, week, job.target, today)} toward ask #{a.id} "
        f"({_ask_label(a)}, needs {job.need:.1f}"
        + (f" incl. {earlier:.1f} for earlier asks" if earlier > 0 else "")
        + f"); projected balance then {running:.1f}"
    )
    return ProposedGive(
        job.contact_id, kind, week, a.id, running, reason, give_day(week, today), job.target, val
    )


def _committed_costs(ordered: list[Ask]) -> dict[int, float]:
    """Ask id → cost of the same contact's pending asks queued before it."""
    running: dict[int | None, float] = {}
    out: dict[int, float] = {}
    for a in ordered:
        if a.contact_id is None:
            continue
        out[a.id] = running.get(a.contact_id, 0.0)
        if a.status in PENDING_ASK_STATUSES:
            running[a.contact_id] = out[a.id] + a.cost
    return out


def _project(
    balance: BalanceSummary | float,
    gives: Iterable[tuple[date, Kind]],
    *,
    target: date,
    today: date,
    their_reach: int | None,
    my_reach: int | None,
    settings: Settings,
) -> float:
    """Balance on ``target``: today's decayed forward plus every give made by then."""
    now = balance.balance if isinstance(balance, BalanceSummary) else float(balance)
    total = now * decay((target - today).days, settings.half_life_days)
    for on, kind in gives:
        if on <= target:
            total += give_value(
                kind,
                give_on=on,
                target=target,
                my_reach=my_reach,
                their_reach=their_reach,
                settings=settings,
            )
    return total


def _earliest(
    job: _Ask,
    k: int,
    kind: Kind,
    slot: int,
    units: int,
    cal: _Calendar,
    extra: dict[tuple[int, int], int],
    local_taken: set[tuple[int, int]] | None = None,
) -> int | None:
    """The first week (≤ the target's) where this give fits, given tentative bookings."""
    for w in range(job.last_week + 1):
        if (job.contact_id, kind, w) in cal.taken:
            continue
        if local_taken is not None and (k, w) in local_taken:
            continue
        if cal.used[w][slot] + extra.get((w, slot), 0) + units <= cal.cap[slot]:
            return w
    return None


def _cheapest_combo(
    job: _Ask, table: EffortTable, unit_slots: list[tuple[int, int]], cal: _Calendar
) -> list[tuple[int, int]] | None:
    """The least-effort set of distinct kinds, each in its earliest free week, that closes
    the gap; None when no single set does."""
    # values grow toward the target (less decay), so a kind's value in the last allowed
    # week bounds what it can bring: combos that cannot reach the gap are skipped unplaced
    best = [
        row[-1]
        if _earliest(job, k, table.kinds[k], *unit_slots[k], cal, {}) is not None
        else float("-inf")
        for k, row in enumerate(job.values)
    ]
    if sum(v for v in best if v > 0) < job.gap - EPSILON:
        return None
    for combo in table.combos:
        if sum(best[k] for k in combo) < job.gap - EPSILON:
            continue
        extra: dict[tuple[int, int], int] = {}
        placed: list[tuple[int, int]] = []
        total = 0.0
        for k in combo:
            slot, units = unit_slots[k]
            w = _earliest(job, k, table.kinds[k], slot, units, cal, extra)
            if w is None:
                break
            extra[(w, slot)] = extra.get((w, slot), 0) + units
            placed.append((k, w))
            total += job.values[k][w]
        else:
            if total >= job.gap - EPSILON:
                return placed
    return None


def _greedy(
    job: _Ask, table: EffortTable, unit_slots: list[tuple[int, int]], cal: _Calendar
) -> list[tuple[int, int]] | None:
    """Add gives week by week — earliest week first, best value per effort first within a
    week — until the gap closes, then drop the ones that turned out unnecessary (most
    effort first). None when capacity runs out."""
    extra: dict[tuple[int, int], int] = {}
    taken: set[tuple[int, int]] = set()
    placed: list[tuple[int, int]] = []
    total = 0.0
    while total < job.gap - EPSILON:
        pick: tuple[int, float, int] | None = None
        for k, kind in enumerate(table.kinds):
            slot, units = unit_slots[k]
            w = _earliest(job, k, kind, slot, units, cal, extra, taken)
            if w is None:
                continue
            candidate = (w, -job.values[k][w] / max(table.efforts[k], EPSILON), k)
            if pick is None or candidate < pick:
                pick = candidate
        if pick is None:
            return None
        w, _, k = pick
        slot, units = unit_slots[k]
        extra[(w, slot)] = extra.get((w, slot), 0) + units
        taken.add((k, w))
        placed.append((k, w))
        total += job.values[k][w]
    for item in sorted(placed, key=lambda kw: (-table.efforts[kw[0]], -kw[1], kw[0])):
        val = job.values[item[0]][item[1]]
        if total - val >= job.gap - EPSILON:
            placed.remove(item)
            total -= val
    return placed


def _max_addable(
    job: _Ask,
    table: EffortTable,
    unit_slots: list[tuple[int, int]],
    cal: _Calendar,
    *,
    empty: bool,
) -> float:
    """An upper bound of what gives until the target could add: per week and resource, the
    best set of kinds that fits the room left (or the whole week when ``empty``)."""
    total = 0.0
    for w in range(job.last_week + 1):
        for slot in range(len(SLOTS)):
            room = cal.cap[slot] if empty else cal.free(w, slot)
            if room <= 0:
                continue
            items = [
                (job.values[k][w], unit_slots[k][1])
                for k, kind in enumerate(table.kinds)
                if unit_slots[k][0] == slot
                and (empty or (job.contact_id, kind, w) not in cal.taken)
            ]
            total += _best_fit(items, room)
    return total


def _best_fit(items: list[tuple[float, int]], room: int) -> float:
    """Most value from distinct items within ``room`` units (exact for small groups; for
    big ones the best ``room`` values, an upper bound since every item takes ≥ 1 unit)."""
    if len(items) > 8:
        return sum(sorted((v for v, _ in items), reverse=True)[:room])
    best = 0.0
    for mask in range(1, 1 << len(items)):
        chosen = [items[i] for i in range(len(items)) if mask >> i & 1]
        if sum(u for _, u in chosen) <= room:
            best = max(best, sum(v for v, _ in chosen))
    return best


def _of(part: float, whole: float) -> str:
    """``2.0 of the 3.5``, with two decimals when one would show equal numbers."""
    digits = 1 if f"{part:.1f}" != f"{whole:.1f}" else 2
    return f"{part:.{digits}f} of the {whole:.{digits}f}"


def _why_unreachable(
    job: _Ask,
    table: EffortTable,
    unit_slots: list[tuple[int, int]],
    cal: _Calendar,
    n_weeks: int,
    today: date,
    projected: float,
) -> str | None:
    """Why no plan can close the gap, or None when the free slots might still do it."""
    by = short_date(job.target, today)
    beyond = job.target >= week_start(today) + n_weeks * ONE_WEEK
    window = f"the {n_weeks}-week horizon" if beyond else by
    empty = _max_addable(job, table, unit_slots, cal, empty=True)
    if empty < job.gap - EPSILON:
        return (
            f"not enough time: even full weeks of gives until {window} would add "
            f"{_of(empty, job.gap)} points missing (projected {projected:.1f}, "
            f"needs {job.need:.1f} by {by})"
        )
    free = _max_addable(job, table, unit_slots, cal, empty=False)
    if free < job.gap - EPSILON:
        return (
            f"capacity exhausted: the slots still free until {window} would add at most "
            f"{_of(free, job.gap)} points missing (projected {projected:.1f}, "
            f"needs {job.need:.1f} by {by})"
        )
    return None
