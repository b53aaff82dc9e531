"""Invariants of the planner, checked on generated data.

The auto-plan is checked against an independent recomputation: capacity is never
exceeded, nothing is given after a target or outside the horizon, every ask it plans for is
projected ready (recomputed here with goodwill.value on ledger rows), and the output does
not depend on the order of the input.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.audience import audience_budget, first_promotion_day, promotion_blocker
from planner.domain.give_options import DEFAULT_EFFORT, cheapest_gives
from planner.domain.goodwill import decay, value
from planner.domain.model import (
    PENDING_ASK_STATUSES,
    Ask,
    AskStatus,
    Contact,
    Direction,
    GiveStatus,
    Interaction,
    Kind,
    PlannedGive,
    Settings,
    Trust,
    WeeklyCapacity,
)
from planner.domain.planning import (
    PLANNED_ASK_STATUSES,
    SLOTS,
    ask_order,
    auto_plan,
    slot_use,
    slots_per_week,
)
from planner.domain.weeks import week_start

TODAY = date(2026, 6, 3)  # a Wednesday: week 0 starts on Monday Jun 1
MY_REACH = 2_000
ASK_KINDS = [Kind.LINK, Kind.SHARE, Kind.GUEST_POST, Kind.REFERRAL, Kind.PROMOTION, Kind.INTRO]
GIVE_KINDS = list(DEFAULT_EFFORT)
CONF = Settings(half_life_days=90)

reach = st.one_of(st.none(), st.integers(min_value=100, max_value=50_000))
day = st.integers(min_value=-10, max_value=90).map(lambda n: TODAY + timedelta(days=n))


@st.composite
def scenarios(draw: st.DrawFn) -> dict:
    n_contacts = draw(st.integers(min_value=1, max_value=5))
    contacts = [
        Contact(i, f"C{i}", reach=draw(reach), archived=draw(st.booleans()) and i == 5)
        for i in range(1, n_contacts + 1)
    ]
    ids = st.integers(min_value=1, max_value=n_contacts)
    asks = [
        Ask(
            aid,
            draw(st.one_of(ids, st.none())),
            draw(st.sampled_from(ASK_KINDS)),
            draw(st.floats(min_value=0.5, max_value=20.0)),
            draw(st.one_of(day, st.none())),
            status=draw(st.sampled_from(list(AskStatus))),
            priority=draw(st.integers(min_value=1, max_value=3)),
        )
        for aid in range(1, draw(st.integers(min_value=0, max_value=8)) + 1)
    ]
    planned = [
        PlannedGive(
            gid,
            draw(st.one_of(ids, st.none())),
            draw(st.sampled_from(GIVE_KINDS)),
            draw(st.one_of(day, st.none())),
            status=draw(st.sampled_from(list(GiveStatus))),
        )
        for gid in range(1, draw(st.integers(min_value=0, max_value=6)) + 1)
    ]
    small = st.integers(min_value=0, max_value=3)
    return {
        "contacts": contacts,
        "asks": asks,
        "planned": planned,
        "balances": {c.id: draw(st.floats(min_value=-5.0, max_value=10.0)) for c in contacts},
        "trust": {c.id: draw(st.sampled_from(list(Trust))) for c in contacts},
        "capacity": WeeklyCapacity(*draw(st.tuples(small, small, small, small, small))),
        "weeks": draw(st.integers(min_value=1, max_value=6)),
    }


def _plan(sc: dict):
    return auto_plan(
        sc["asks"],
        sc["balances"],
        sc["contacts"],
        sc["planned"],
        today=TODAY,
        my_reach=MY_REACH,
        settings=CONF,
        trust=sc["trust"],
        capacity=sc["capacity"],
        weeks=sc["weeks"],
    )


def _gave(cid: int, kind: Kind, on: date) -> Interaction:
    return Interaction(0, cid, Direction.GAVE, kind, on)


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_auto_plan_invariants(sc: dict) -> None:
    plan = _plan(sc)
    week0 = week_start(TODAY)
    horizon = [week0 + timedelta(days=7 * w) for w in range(sc["weeks"])]
    reach_of = {c.id: c.reach for c in sc["contacts"]}
    live = [g for g in sc["planned"] if g.status is GiveStatus.PLANNED and g.due_date]

    # capacity: planned gives plus proposals never exceed a week's room (when the planned
    # gives alone already overflow a resource, nothing is added to it)
    cap = slots_per_week(sc["capacity"])
    for week in horizon:
        for slot in SLOTS:
            booked = sum(
                slot_use(g.kind, sc["capacity"])[1]
                for g in live
                if week_start(max(g.due_date, TODAY)) == week
                and slot_use(g.kind, sc["capacity"])[0] is slot
            )
            added = sum(
                slot_use(p.kind, sc["capacity"])[1]
                for p in plan.proposals
                if p.week_start == week and slot_use(p.kind, sc["capacity"])[0] is slot
            )
            assert added == 0 or booked + added <= cap[slot]

    # timing: inside the horizon, not in the past, never after the target
    for p in plan.proposals:
        assert p.week_start in horizon
        assert TODAY <= p.give_on <= p.target_date
        assert p.give_on == max(p.week_start, TODAY)

    # the plan adds at most one give of a kind per contact and week (the user's own plans
    # may hold duplicates; the planner does not add to them)
    keys = [(p.contact_id, p.kind, p.week_start) for p in plan.proposals]
    mine = {(g.contact_id, g.kind, week_start(max(g.due_date, TODAY))) for g in live}
    assert len(keys) == len(set(keys)) and not set(keys) & mine

    # every ask the planner works on lands in exactly one bucket
    planned_for = {p.ask_id for p in plan.proposals}
    unreachable = {u.ask_id for u in plan.unreachable}
    ready = set(plan.already_ready)
    targets = {
        a.id for a in sc["asks"] if a.contact_id is not None and a.status in PLANNED_ASK_STATUSES
    }
    assert planned_for | unreachable | ready == targets
    assert not (planned_for & unreachable) and not (planned_for & ready)
    assert not (unreachable & ready)

    # asks with proposals or said to be ready are projected ready, recomputed from ledger
    # rows (rows after the target are worth 0 on it)
    horizon_end = horizon[-1] + timedelta(days=6)
    for a in sc["asks"]:
        if a.id not in planned_for | ready:
            continue
        target = a.target_date or horizon_end
        committed = sum(
            o.cost
            for o in sc["asks"]
            if o.contact_id == a.contact_id
            and o.id != a.id
            and o.status in PENDING_ASK_STATUSES
            and ask_order(o) < ask_order(a)
        )
        rows = [_gave(a.contact_id, p.kind, p.give_on) for p in plan.proposals]
        rows += [_gave(a.contact_id, g.kind, max(g.due_date, TODAY)) for g in live]
        projected = sc["balances"][a.contact_id] * decay((target - TODAY).days, 90)
        projected += sum(
            value(
                r,
                as_of=target,
                my_reach=MY_REACH,
                their_reach=reach_of[a.contact_id],
                settings=CONF,
            )
            for r, owner in zip(
                rows,
                [p.contact_id for p in plan.proposals] + [g.contact_id for g in live],
                strict=True,
            )
            if owner == a.contact_id
        )
        assert projected >= a.cost + committed - 1e-6


@settings(max_examples=50, deadline=None)
@given(scenarios(), st.randoms(use_true_random=False))
def test_auto_plan_is_deterministic(sc: dict, rnd: random.Random) -> None:
    first = _plan(sc)
    shuffled = dict(sc)
    for key in ("contacts", "asks", "planned"):
        items = list(sc[key])
        rnd.shuffle(items)
        shuffled[key] = items
    assert _plan(shuffled) == first


@given(
    st.floats(min_value=0.01, max_value=30.0),
    reach,
    st.integers(min_value=0, max_value=200),
)
def test_cheapest_gives_are_the_least_effort_cover(
    gap: float, their: int | None, days: int
) -> None:
    contact = Contact(1, "C", reach=their)
    target = TODAY + timedelta(days=days)
    got = cheapest_gives(
        gap, contact=contact, target=target, today=TODAY, my_reach=MY_REACH, settings=CONF
    )
    values = {
        k: value(
            _gave(1, k, TODAY), as_of=target, my_reach=MY_REACH, their_reach=their, settings=CONF
        )
        for k in DEFAULT_EFFORT
    }
    covering = [
        sum(DEFAULT_EFFORT[k] for k in combo)
        for n in range(1, len(values) + 1)
        for combo in itertools.combinations(values, n)
        if sum(values[k] for k in combo) >= gap - 1e-9
    ]
    if not covering:
        assert got == []
        return
    assert sum(o.value_on_target for o in got) >= gap - 1e-9
    assert sum(o.effort for o in got) == min(covering)
    assert len({o.kind for o in got}) == len(got)


@given(
    st.lists(st.integers(min_value=-120, max_value=0), max_size=6),
    st.lists(st.integers(min_value=-120, max_value=60), max_size=20),
    st.integers(min_value=0, max_value=60),
)
def test_first_promotion_day_is_the_first_day_that_fits(
    ask_days: list[int], give_days: list[int], start: int
) -> None:
    rows = [
        Interaction(0, None, Direction.RECEIVED, Kind.PROMOTION, TODAY + timedelta(days=n))
        for n in ask_days
    ]
    planned = [
        PlannedGive(0, None, Kind.CONTENT, TODAY + timedelta(days=n), status=GiveStatus.PLANNED)
        for n in give_days
    ]
    budget = audience_budget(rows, planned, today=TODAY, settings=Settings())
    begin = TODAY + timedelta(days=start)
    found = first_promotion_day(budget, begin)
    end = found or begin + timedelta(days=366)
    for n in range((end - begin).days):
        assert promotion_blocker(budget, begin + timedelta(days=n)) is not None
    if found is not None:
        assert promotion_blocker(budget, found) is None
