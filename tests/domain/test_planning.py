"""The planner's pure core, through worked scenarios with the arithmetic written out.

Two settings keep the numbers readable: ``HALF_28`` (a 28-day half-life, so 28 days halve a
value and 14 days keep 0.7071 of it) and ``FLAT`` (a half-life so long that nothing decays
within a test) for scenarios about capacity and commitments rather than decay.
Today is Monday 1 June 2026.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from planner.domain.audience import audience_budget, check_plan_against_budget
from planner.domain.capacity import TouchGap, losing_touch, tier_report
from planner.domain.give_options import cheapest_gives
from planner.domain.goodwill import BalanceSummary, Readiness, assess_ask
from planner.domain.incoming import decide_request
from planner.domain.model import (
    Ask,
    AskStatus,
    Contact,
    Direction,
    GiveStatus,
    Interaction,
    Kind,
    PlannedGive,
    Request,
    Settings,
    Tier,
    Trust,
    WeeklyCapacity,
)
from planner.domain.next_moves import next_moves
from planner.domain.planning import auto_plan

TODAY = date(2026, 6, 1)  # a Monday
HALF_28 = Settings(half_life_days=28)
FLAT = Settings(half_life_days=1e12)
ANN = Contact(1, "Ann")
BOB = Contact(2, "Bob")


def d(day: int, month: int = 6) -> date:
    return date(2026, month, day)


def ask(
    aid: int, contact: int | None, kind: Kind, cost: float, target: date | None, **kw: Any
) -> Ask:
    kw.setdefault("status", AskStatus.PLANNED)
    return Ask(aid, contact, kind, cost, target, **kw)


def summary(
    cid: int,
    *,
    given: float = 0.0,
    received: float = 0.0,
    life_given: float | None = None,
    life_received: float | None = None,
    gives: int = 0,
    receives: int = 0,
    first: date | None = None,
    last: date | None = None,
) -> BalanceSummary:
    return BalanceSummary(
        cid,
        given,
        received,
        given if life_given is None else life_given,
        received if life_received is None else life_received,
        gives,
        receives,
        first,
        last,
    )


# --- cheapest gives -----------------------------------------------------------------------


def test_cheapest_give_is_explained_with_its_value_on_the_target() -> None:
    # My reach 900, hers 1000: exposure sqrt(0.9) = 0.9487. A link given today is worth
    # 2 × 0.9487 × decay(2 days of 180) 0.99233 = 1.883 on Jun 3.
    # Gap 1.8: a share (0.47) or a mention (0.94) or both (1.41, same effort 3 as the link
    # but two gives) do not close it; the link alone does.
    ann = Contact(1, "Ann", reach=1_000)
    opts = cheapest_gives(
        1.8, contact=ann, target=d(3), today=TODAY, my_reach=900, settings=Settings()
    )
    assert [o.kind for o in opts] == [Kind.LINK]
    assert opts[0].value_on_target == pytest.approx(1.883, abs=1e-3)
    assert opts[0].explanation == "a link this week: +1.9 by Jun 3"
    assert (opts[0].give_on, opts[0].week_start, opts[0].effort) == (TODAY, TODAY, 3.0)


def test_cheapest_gives_combine_kinds_and_decay_to_the_target() -> None:
    # Half-life 28, target in 28 days: every give made today is worth half its weight.
    # share .25, mention .5, link 1, reward 1, free report 1.5, feature 1.5, help 2, intro 2,
    # interview 2.5. Gap 3: the cheapest sets by effort are link + help (3 + 7 = 10, 3.0).
    opts = cheapest_gives(
        3.0, contact=ANN, target=d(29), today=TODAY, my_reach=None, settings=HALF_28
    )
    assert [(o.kind, o.value_on_target) for o in opts] == [(Kind.LINK, 1.0), (Kind.HELP, 2.0)]
    assert sum(o.effort for o in opts) == 10.0
    assert opts[1].explanation == "some help this week: +2.0 by Jun 29"


def test_cheapest_gives_edge_cases() -> None:
    kw = {"contact": ANN, "today": TODAY, "my_reach": None, "settings": HALF_28}
    assert cheapest_gives(0.0, target=d(29), **kw) == []  # nothing to close
    assert cheapest_gives(1.0, target=d(31, 5), **kw) == []  # target passed
    # one of every kind is worth 0.5 + 1 + 2 + 2 + 3 + 3 + 4 + 4 + 5 = 24.5 undecayed
    assert cheapest_gives(24.6, target=None, **kw) == []
    assert len(cheapest_gives(24.5, target=None, **kw)) == 9
    # no deadline: values undecayed, and the explanation has no "by"
    (only,) = cheapest_gives(0.5, target=None, **kw)
    assert only.explanation == "a share this week: +0.5"


def test_a_bigger_contact_needs_more_gives() -> None:
    # Her reach is 16× mine: exposure kinds count a quarter (clamp floor 0.25); a link is
    # worth 0.5, so a gap of 2 needs a give without exposure: a reward (2, effort 4).
    big = Contact(1, "Big", reach=16_000)
    opts = cheapest_gives(2.0, contact=big, target=None, today=TODAY, my_reach=1_000, settings=FLAT)
    assert [o.kind for o in opts] == [Kind.REWARD]


# --- auto-plan ----------------------------------------------------------------------------


def test_an_ask_becomes_ready_after_two_planned_gives() -> None:
    # Ann's balance today 0; a guest post (cost 3) by Jun 29. Half-life 28 → gives made this
    # week are worth half by then. The planner proposes link (+1.0) and help (+2.0) = 3.0.
    guest = ask(1, 1, Kind.GUEST_POST, 3.0, d(29))
    trust = {1: Trust.ACQUAINTED}
    plan = auto_plan(
        [guest], {1: 0.0}, [ANN], today=TODAY, my_reach=None, settings=HALF_28, trust=trust
    )
    assert [(p.kind, p.week_start, p.value_on_target) for p in plan.proposals] == [
        (Kind.LINK, TODAY, 1.0),
        (Kind.HELP, TODAY, 2.0),
    ]
    assert [p.projected_balance_on_target for p in plan.proposals] == [1.0, 3.0]
    assert plan.proposals[0].reason == (
        "a link this week: +1.0 by Jun 29 toward ask #1 (guest post, needs 3.0); "
        "projected balance then 1.0"
    )
    assert plan.unreachable == () and plan.already_ready == ()
    # Accept the proposals as planned gives: the ask is now projected ready, nothing to add.
    planned = [
        PlannedGive(10 + i, 1, p.kind, p.give_on, status=GiveStatus.PLANNED)
        for i, p in enumerate(plan.proposals)
    ]
    again = auto_plan(
        [guest], {1: 0.0}, [ANN], planned, today=TODAY, my_reach=None, settings=HALF_28, trust=trust
    )
    assert again.proposals == () and again.already_ready == (1,)
    # ... and once they are given, readiness agrees on the target date: 0 + 1 + 2 = 3 ≥ 3
    verdict = assess_ask(
        guest, balance=3.0, trust=Trust.ACQUAINTED, other_asks=[], settings=HALF_28
    )
    assert verdict.state is Readiness.READY


def test_planned_gives_with_due_dates_count_decayed_to_the_target() -> None:
    # Balance 2 today → 1.0 on Jun 29 (28 days). Cost 3.5.
    # A planned link due Jun 29 adds 2 × 1 = 2 → 3.0: still short by 0.5, and a mention this
    # week adds exactly 1 × 0.5 = 0.5. With a planned mention due Jun 29 too: 4.0 ≥ 3.5.
    guest = ask(1, 1, Kind.GUEST_POST, 3.5, d(29))
    link = PlannedGive(1, 1, Kind.LINK, d(29), status=GiveStatus.PLANNED)
    mention = PlannedGive(2, 1, Kind.MENTION, d(29), status=GiveStatus.PLANNED)
    idea = PlannedGive(3, 1, Kind.INTERVIEW, d(29), status=GiveStatus.IDEA)  # not a commitment
    kw = {"today": TODAY, "my_reach": None, "settings": HALF_28, "trust": {1: Trust.ACQUAINTED}}
    one = auto_plan([guest], {1: 2.0}, [ANN], [link, idea], **kw)
    assert [(p.kind, p.value_on_target) for p in one.proposals] == [(Kind.MENTION, 0.5)]
    assert one.proposals[0].projected_balance_on_target == pytest.approx(3.5)
    two = auto_plan([guest], {1: 2.0}, [ANN], [link, mention], **kw)
    assert two.proposals == () and two.already_ready == (1,)


def test_a_referral_is_refused_for_trust_despite_a_large_balance() -> None:
    referral = ask(1, 1, Kind.REFERRAL, 4.0, d(29))
    plan = auto_plan(
        [referral],
        {1: 50.0},
        [ANN],
        today=TODAY,
        my_reach=None,
        settings=FLAT,
        trust={1: Trust.ACQUAINTED},
    )
    assert plan.proposals == ()
    ((aid, why),) = plan.unreachable
    assert aid == 1
    assert "needs trust level trusted (now acquainted)" in why
    assert "gives build a balance, not trust" in why


def test_two_pending_asks_over_commit_one_balance() -> None:
    # Balance 4 (no decay). A: sent, cost 3, Jun 15 → 4 ≥ 3, ready.
    # B: planned, cost 2, Jun 22 → needs 3 (A's claim) + 2 = 5: short by 1 → a mention (1).
    a = ask(1, 1, Kind.GUEST_POST, 3.0, d(15), status=AskStatus.SENT)
    b = ask(2, 1, Kind.LINK, 2.0, d(22))
    verdict = assess_ask(b, balance=4.0, trust=Trust.ACQUAINTED, other_asks=[a], settings=FLAT)
    assert verdict.state is Readiness.OVER_COMMITTED and verdict.gap == pytest.approx(1.0)
    plan = auto_plan(
        [b, a],
        {1: 4.0},
        [ANN],
        today=TODAY,
        my_reach=None,
        settings=FLAT,
        trust={1: Trust.ACQUAINTED},
    )
    assert plan.already_ready == (1,)
    ((p,),) = [plan.proposals]
    assert (p.ask_id, p.kind, p.week_start) == (2, Kind.MENTION, TODAY)
    assert "needs 5.0 incl. 3.0 for earlier asks" in p.reason
    assert p.projected_balance_on_target == pytest.approx(5.0)


ONE_BLOG_SLOT = WeeklyCapacity(blog_posts=1, mentions_per_post=1, interviews=0, rewards=0, other=0)


def test_a_full_week_pushes_a_give_to_the_next_week() -> None:
    # One blog place a week, no other capacity. This week's place is taken by a planned
    # mention of Bob, so the link Ann's ask needs (gap 2) goes to the week of Jun 8.
    taken = PlannedGive(1, 2, Kind.MENTION, d(3), status=GiveStatus.PLANNED)
    link_ask = ask(1, 1, Kind.LINK, 2.0, d(29))
    plan = auto_plan(
        [link_ask],
        {1: 0.0},
        [ANN, BOB],
        [taken],
        today=TODAY,
        my_reach=None,
        settings=FLAT,
        capacity=ONE_BLOG_SLOT,
    )
    ((p,),) = [plan.proposals]
    assert (p.kind, p.week_start, p.give_on) == (Kind.LINK, d(8), d(8))
    assert p.reason.startswith("a link next week: +2.0 by Jun 29")


def test_earliest_deadline_gets_the_early_slot_and_nothing_lands_after_a_target() -> None:
    # Two asks need a link each; the Jun 12 one is planned first even though listed last.
    late = ask(1, 1, Kind.LINK, 2.0, d(29))
    soon = ask(2, 2, Kind.LINK, 2.0, d(12))
    plan = auto_plan(
        [late, soon],
        {},
        [ANN, BOB],
        today=TODAY,
        my_reach=None,
        settings=FLAT,
        capacity=ONE_BLOG_SLOT,
    )
    assert [(p.ask_id, p.week_start) for p in plan.proposals] == [(2, d(1)), (1, d(8))]
    # With this week's place taken, an ask due Friday Jun 5 cannot move past its target.
    taken = PlannedGive(1, 2, Kind.MENTION, d(3), status=GiveStatus.PLANNED)
    friday = ask(3, 1, Kind.LINK, 2.0, d(5))
    plan = auto_plan(
        [friday],
        {},
        [ANN, BOB],
        [taken],
        today=TODAY,
        my_reach=None,
        settings=FLAT,
        capacity=ONE_BLOG_SLOT,
    )
    assert plan.proposals == ()
    ((aid, why),) = plan.unreachable
    assert aid == 3
    assert why == (
        "capacity exhausted: the slots still free until Jun 5 would add at most 0.0 of the "
        "2.0 points missing (projected 0.0, needs 2.0 by Jun 5)"
    )


def test_unreachable_asks_say_why() -> None:
    kw = {"today": TODAY, "my_reach": None, "settings": FLAT, "trust": {1: Trust.TRUSTED}}
    # 30 points by Friday. A full week (default capacity) holds at most:
    #   blog, 2 posts × 3 places: mention 1 + link 2 + feature 3 (a whole post) = 6
    #   interview slot: 5; reward slot (one): free report 3; other (two): help 4 + intro 4
    #   = 6 + 5 + 3 + 8 = 22 points.
    huge = ask(1, 1, Kind.JV, 30.0, d(5))
    passed = ask(2, 2, Kind.LINK, 2.0, d(29, 5))
    idea = ask(3, 1, Kind.LINK, 2.0, d(29), status=AskStatus.IDEA)  # not planned: ignored
    plan = auto_plan([huge, passed, idea], {}, [ANN, BOB], **kw)
    why = dict(plan.unreachable)
    assert why[2] == "the target date May 29 has passed"
    assert why[1].startswith("not enough time: even full weeks of gives until Jun 5 would add")
    assert "22.0 of the 30.0 points missing" in why[1]
    assert 3 not in why and plan.proposals == ()


def test_a_large_gap_is_spread_over_weeks() -> None:
    # Gap 30 by Jun 29 (no decay): a full week holds 22 points (see above), so the plan
    # fills this week and tops up next week; gives that turn out unnecessary are dropped.
    jv = ask(1, 1, Kind.JV, 30.0, d(29))
    plan = auto_plan(
        [jv], {}, [ANN], today=TODAY, my_reach=None, settings=FLAT, trust={1: Trust.TRUSTED}
    )
    assert plan.unreachable == ()
    assert sum(p.value_on_target for p in plan.proposals) >= 30.0 - 1e-9
    assert {p.week_start for p in plan.proposals} == {d(1), d(8)}
    # at most one give of a kind per contact and week
    keys = [(p.kind, p.week_start) for p in plan.proposals]
    assert len(keys) == len(set(keys))


# --- incoming requests and the audience budget ---------------------------------------------


def audience(kind: Kind, direction: Direction, day: date, iid: int = 0) -> Interaction:
    return Interaction(iid, None, direction, kind, day)


def _busy_audience() -> list[Interaction]:
    # Promotions on May 10 and May 25; twelve posts in May (May 2, 4, …, 24).
    rows = [
        audience(Kind.PROMOTION, Direction.RECEIVED, d(10, 5)),
        audience(Kind.AFFILIATE_PROMO, Direction.RECEIVED, d(25, 5)),
    ]
    rows += [audience(Kind.CONTENT, Direction.GAVE, d(2 + 2 * i, 5)) for i in range(12)]
    return rows


def test_audience_budget_counts_windows() -> None:
    budget = audience_budget(_busy_audience(), today=TODAY, settings=Settings())
    # 30 days ending Jun 1 = May 3 … Jun 1: both promotions; 90 days: 12 gives, 2 asks
    assert (budget.promotions_30d, budget.max_promotions_30d) == (2, 2)
    assert (budget.gives_90d, budget.asks_90d, budget.ratio_90d) == (12, 2, 6.0)
    assert budget.ok  # 2 ≤ 2 and 6 ≥ 4
    # The May 10 promotion leaves every window containing the new day from Jun 9 on
    # (a window holding May 10 ends by Jun 8).
    assert budget.next_free_day == d(9)
    # one more ask: 4 × (2 + 1) = 12 gives needed, 12 there
    assert budget.gives_needed == 0
    assert budget.explanation.startswith(
        "2 of 2 promotions in the last 30 days; 12 gives to 2 asks over 90 days (ratio 6.0:1"
    )


def test_a_promotion_request_is_declined_now_and_accepted_for_a_later_week() -> None:
    # Carol owes nothing either way but reciprocity is healthy: she gave back 2 of 4 points.
    carol = summary(3, given=4.0, received=2.0, gives=2, receives=1, first=d(1, 1))
    request = Request(1, 3, Kind.PROMOTION, TODAY, title="Promote my launch")
    budget = audience_budget(_busy_audience(), today=TODAY, settings=Settings())
    now = decide_request(
        request, summary=carol, one_sided=False, budget=budget, today=TODAY, settings=Settings()
    )
    assert now.recommendation == "later"
    assert now.suggested_week == d(8)  # the week of Jun 9, the first day it fits
    assert "would be number 3 in the 30 days May 3–Jun 1 (at most 2)" in now.reason
    assert "fits from Jun 9" in now.reason
    # On Jun 9 the same request fits: 1 promotion in 30 days, ratio 12:3 = 4 ≥ 4.
    later = audience_budget(_busy_audience(), today=d(9), settings=Settings())
    then = decide_request(
        request, summary=carol, one_sided=False, budget=later, today=d(9), settings=Settings()
    )
    assert then.recommendation == "yes" and then.suggested_week == d(8)
    assert "returned 50% of what you gave" in then.reason


def test_a_promotion_request_is_declined_when_the_ratio_cannot_recover() -> None:
    # One promotion and two posts in April: 2 gives : (1 + 1) asks = 1:1 < 4:1, and old
    # gives leave the 90-day window with the old ask, so no day in the next year fits.
    rows = [
        audience(Kind.PROMOTION, Direction.RECEIVED, d(1, 4)),
        audience(Kind.CONTENT, Direction.GAVE, d(5, 4)),
        audience(Kind.FREE_REPORT, Direction.GAVE, d(10, 4)),
    ]
    budget = audience_budget(rows, today=TODAY, settings=Settings())
    assert budget.gives_needed == 6  # 4 × (1 + 1) − 2
    stranger = summary(4)
    request = Request(2, 4, Kind.AFFILIATE_PROMO, TODAY)
    verdict = decide_request(
        request, summary=stranger, one_sided=False, budget=budget, today=TODAY, settings=Settings()
    )
    assert verdict.recommendation == "decline" and verdict.suggested_week is None
    assert "ratio to 2:2 = 1.0:1, below 4:1" in verdict.reason
    assert "give your audience 6 more posts, reports or rewards first" in verdict.reason
    # Someone I owe gets a "later" instead of a no.
    creditor = summary(5, given=1.0, received=6.0, gives=1, receives=2)
    verdict = decide_request(
        request, summary=creditor, one_sided=False, budget=budget, today=TODAY, settings=Settings()
    )
    assert verdict.recommendation == "later"
    assert verdict.reason.startswith("you owe them 5.0 points")


def test_requests_from_takers_and_creditors() -> None:
    budget = audience_budget([], today=TODAY, settings=Settings())
    kw = {"budget": budget, "today": TODAY, "settings": Settings()}
    help_request = Request(3, 6, Kind.HELP, TODAY)
    # A taker: 15 points given over a year, 1 back, balance positive → decline gracefully.
    taker = summary(
        6, given=9.0, received=0.5, life_given=15.0, life_received=1.0, gives=5, receives=1
    )
    no = decide_request(help_request, summary=taker, one_sided=True, **kw)
    assert no.recommendation == "decline" and no.template == "decline_request"
    assert "returned 7% of the 15.0 points you gave (balance +8.5)" in no.reason
    # I owe them → yes, and the draft is a reciprocation
    creditor = summary(7, given=1.0, received=4.0, gives=1, receives=2)
    yes = decide_request(help_request, summary=creditor, one_sided=False, **kw)
    assert (yes.recommendation, yes.template, yes.suggested_week) == ("yes", "reciprocate", TODAY)
    # Nothing exchanged yet → yes: give first
    first = decide_request(help_request, summary=summary(8), one_sided=False, **kw)
    assert first.recommendation == "yes" and first.reason.startswith("give first")


def test_plans_are_checked_against_the_budget_before_they_are_accepted() -> None:
    budget = audience_budget(_busy_audience(), today=TODAY, settings=Settings())
    # A promotion for Ann's launch on Jun 5 spends the audience's goodwill: third in 30 days.
    launch = PlannedGive(1, 1, Kind.PROMOTION, d(5), status=GiveStatus.PLANNED)
    warnings = check_plan_against_budget([launch], budget)
    assert warnings == [
        "a promotion on Jun 5 would be number 3 in the 30 days May 7–Jun 5 (at most 2)"
    ]
    # On Jun 20 it fits: the windows around it hold only May 25, and the 90-day ratio is
    # 12 gives : (2 + 1) asks = 4:1.
    ok = PlannedGive(2, 1, Kind.PROMOTION, d(20), status=GiveStatus.PLANNED)
    assert check_plan_against_budget([ok], budget) == []
    # An affiliate pitch to the audience on Jun 25 as well: 12:4 = 3:1 is below 4:1 ...
    pitch = Ask(3, None, Kind.AFFILIATE_PROMO, 5.0, d(25), status=AskStatus.PLANNED)
    assert check_plan_against_budget([ok, pitch], budget) == [
        "a promotion on Jun 25 would bring the 90-day give:ask ratio to 12:4 = 3.0:1, below 4:1"
    ]
    # ... unless four audience gives are planned before it: 16:4 = 4:1.
    posts = [PlannedGive(10 + i, None, Kind.CONTENT, d(21 + i)) for i in range(4)]
    assert check_plan_against_budget([ok, pitch, *posts], budget) == []
    # A third audience ask on Jun 30 shares a 30-day window with Jun 20 and Jun 25.
    third = Ask(4, None, Kind.JV, 6.0, d(30), status=AskStatus.PLANNED)
    (warning,) = check_plan_against_budget([ok, pitch, *posts, third], budget)
    assert (
        warning == "a promotion on Jun 30 would be number 3 in the 30 days Jun 1–Jun 30 (at most 2)"
    )


# --- capacity, keeping in touch, next moves -----------------------------------------------


def test_a_one_sided_contact_is_flagged() -> None:
    # Dan: 12 lifetime points given since Nov 2025 (> 182 days), 1 back: ratio 0.083 < 0.2
    dan = Contact(9, "Dan", tier=Tier.ACTIVE)
    s = summary(
        9,
        given=8.0,
        received=0.9,
        life_given=12.0,
        life_received=1.0,
        gives=4,
        receives=1,
        first=d(1, 11) - timedelta(days=365),
        last=d(20, 5),
    )
    moves = next_moves(
        contacts=[dan], summaries={9: s}, today=TODAY, my_reach=None, settings=Settings()
    )
    (move,) = [m for m in moves if m.kind == "one_sided"]
    assert move.contact_id == 9 and move.action == "review_tier"
    assert move.reason.startswith("you gave 12.0 points, they returned 1.0 (8%)")


def test_tier_over_capacity_suggests_who_to_move_down() -> None:
    conf = Settings(tier_capacity={"cell": 2, "deep": 15, "active": 50, "network": 150})
    cell = [Contact(i, f"C{i}", tier=Tier.CELL) for i in range(1, 5)]
    cell.append(Contact(5, "Gone", tier=Tier.CELL, archived=True))  # archived: not counted
    sums = {
        1: summary(1, received=5.0, receives=3, last=d(1, 5)),
        2: summary(2, received=1.0, receives=1, last=d(20, 5)),
        3: summary(3, received=1.0, receives=1, last=d(1, 3)),  # as little back, older
        # 4: nothing exchanged at all: least reciprocated and least recent
    }
    states = tier_report(cell, sums, today=TODAY, settings=conf)
    assert [s.tier for s in states] == [Tier.CELL, Tier.DEEP, Tier.ACTIVE, Tier.NETWORK]
    top = states[0]
    assert (top.count, top.capacity, top.over_by) == (4, 2, 2)
    assert top.move_down_suggestions == (4, 3)
    assert not states[1].over and states[1].move_down_suggestions == ()


def test_losing_touch_by_tier_cadence() -> None:
    people = [
        Contact(1, "Cell", tier=Tier.CELL),  # 14-day cadence, 20 days quiet → flagged
        Contact(2, "Deep", tier=Tier.DEEP),  # 30-day cadence, 20 days quiet → fine
        Contact(3, "Net", tier=Tier.NETWORK),  # never: new, not neglected
        Contact(4, "Exact", tier=Tier.CELL),  # exactly 14 days → flagged
        Contact(5, "Old", tier=Tier.CELL, archived=True),
        Contact(6, "Active", tier=Tier.ACTIVE),  # 90-day cadence, 180 days → most overdue
    ]
    last = {
        1: d(12, 5),
        2: d(12, 5),
        3: None,
        4: d(18, 5),
        5: d(1, 1),
        6: d(3, 12) - timedelta(days=365),
    }
    gaps = losing_touch(people, last, today=TODAY, settings=Settings())
    assert gaps == [TouchGap(6, 180, 90), TouchGap(1, 20, 14), TouchGap(4, 14, 14)]


def test_next_moves_ordering() -> None:
    conf = Settings(tier_capacity={"cell": 1, "deep": 15, "active": 50, "network": 150})
    ann = Contact(1, "Ann", tier=Tier.CELL)  # at-risk ask, losing touch
    bob = Contact(2, "Bob", tier=Tier.CELL)  # ready ask
    cat = Contact(3, "Cat", tier=Tier.ACTIVE)  # I owe her
    dan = Contact(4, "Dan", tier=Tier.ACTIVE)  # a taker
    eve = Contact(5, "Eve", tier=Tier.NETWORK)  # brand new
    sums = {
        1: summary(1, given=1.0, gives=1, receives=1, last=d(1, 5)),
        2: summary(2, given=5.0, gives=2, receives=1, last=d(25, 5)),
        3: summary(3, given=1.0, received=4.0, gives=1, receives=2, last=d(28, 5)),
        4: summary(
            4,
            given=8.0,
            received=0.5,
            life_given=12.0,
            life_received=1.0,
            gives=4,
            receives=1,
            first=d(1, 9) - timedelta(days=365),
            last=d(30, 5),
        ),
    }
    asks = [
        ask(1, 1, Kind.LINK, 2.0, d(15)),  # Ann: balance 1 < 2, due in 14 days → at risk
        ask(2, 2, Kind.LINK, 2.0, d(30, 7)),  # Bob: balance 5 ≥ 2 → ready
        ask(3, None, Kind.PROMOTION, 5.0, d(10)),  # audience ask: budget's business
    ]
    budget = audience_budget(
        [audience(Kind.PROMOTION, Direction.RECEIVED, d(20, 5))], today=TODAY, settings=conf
    )  # one ask, no gives: ratio 0 < 4 → budget broken
    moves = next_moves(
        contacts=[ann, bob, cat, dan, eve],
        summaries=sums,
        asks=asks,
        trust={1: Trust.ACQUAINTED, 2: Trust.ACQUAINTED},
        budget=budget,
        today=TODAY,
        my_reach=None,
        settings=conf,
    )
    assert [(m.kind, m.contact_id, m.priority) for m in moves] == [
        ("ask_at_risk", 1, 1),
        ("ask_ready", 2, 2),
        ("owe", 3, 2),
        ("budget", None, 2),
        ("losing_touch", 1, 2),  # cell: 31 days > 14
        ("one_sided", 4, 3),
        ("tier_over", None, 3),
        ("first_transaction", 5, 4),
    ]
    at_risk, ready, owe, budget_move, touch, _, tier, first = moves
    assert at_risk.action == "plan_give"
    assert at_risk.reason.startswith("due Jun 15 (in 14 days): short by 1.0 points")
    # the balance decays to 1 × 0.9475 by Jun 15: gap 1.05, more than a mention (0.99)
    assert at_risk.reason.endswith("close it with a link this week: +1.9 by Jun 15")
    assert ready.action == "draft:ask_link" and ready.title == "Ask Bob for a link"
    assert owe.action == "draft:reciprocate" and owe.reason.startswith("they gave 3.0 points more")
    assert budget_move.title == "Audience promotion budget: over the limit"
    assert touch.action == "draft:follow_up"
    assert (
        tier.reason == "2 contacts for 1 places: move down Ann (least reciprocated, least recent)"
    )
    assert first.action == "draft:first_transaction"


def test_every_suggested_draft_template_exists() -> None:
    from pathlib import Path

    from planner.domain.next_moves import ASK_TEMPLATES

    root = Path(__file__).resolve().parents[2] / "templates"
    names = {*ASK_TEMPLATES.values(), "reciprocate", "follow_up", "first_transaction"}
    names |= {"decline_request", "help_offer"}  # decide_request's drafts
    missing = [n for n in sorted(names) if not (root / f"{n}.txt.j2").exists()]
    assert missing == []
