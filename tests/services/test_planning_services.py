"""The planner's services through the database: worked scenarios, ledger effects, the CLI.

Today is Wednesday 25 November 2026 (tests.conftest.TODAY); its week starts Monday Nov 23.
With the default half-life of 180 days a value keeps ``0.5 ** (days / 180)`` of itself:
0.9622 after 10 days, 0.8978 after 28, 0.8640 after 38.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from planner.domain.model import AskStatus, GiveStatus, Kind, WeeklyCapacity
from planner.errors import Conflict, InvalidInput, NotFound
from planner.services import (
    Workspace,
    asks,
    balances,
    contacts,
    exports,
    gives,
    help_requests,
    ledger,
    plan,
    plan_tables,
)
from planner.services import settings as settings_service
from planner.storage.schema import EntryRow, FeedRow, InteractionRow
from tests.conftest import TODAY
from tests.conftest import run_cli as cli

WEEK0 = date(2026, 11, 23)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def decay(n: float) -> float:
    return 0.5 ** (n / 180)


def person(ws: Workspace, name: str, tier: str = "active", reach: int | None = None) -> int:
    return contacts.add(ws, contacts.ContactInput(name=name, tier=tier, reach=reach)).id


def log(ws: Workspace, contact: str | None, direction: str, kind: str, day: date) -> int:
    return ledger.add(
        ws,
        ledger.LedgerInput(contact=contact, direction=direction, kind=kind, occurred_on=day),
    ).id


def plan_rows(ws: Workspace, **where: object) -> list[InteractionRow]:
    with ws.read() as s:
        query = select(InteractionRow)
        for key, value in where.items():
            query = query.where(getattr(InteractionRow, key) == value)
        return list(s.scalars(query.order_by(InteractionRow.id)))


# --- worked scenarios -------------------------------------------------------------------


def test_an_ask_becomes_ready_after_two_planned_gives_are_done(ws: Workspace) -> None:
    # Ann shared my post 10 days ago: she is acquainted and I owe her 0.5 × 0.9622 = 0.481.
    # I want her to promote my launch in 28 days, cost 4 (set by hand).
    person(ws, "Ann Lee")
    log(ws, "Ann Lee", "received", "share", days(-10))
    ask = asks.add(
        ws,
        asks.AskInput(
            kind="promotion", contact="Ann Lee", target=days(28), cost=4, status="planned"
        ),
    )
    before = asks.assess_one(ws, ask.id)
    assert (before.state, before.label) == ("short", "short by 4.5")
    assert before.gap == pytest.approx(4 + 0.5 * decay(10))
    # On Dec 23 the debt is 0.5 × 0.8640 = 0.432, so 4.432 is missing then; gives made this
    # week keep 0.8978 of their weight. Cheapest by effort: a link (3, +1.796) and a free
    # report (5, +2.693): −0.432 + 1.796 + 2.693 = 4.057 ≥ 4.
    proposed = plan.make_plan(ws)
    assert [(p.proposal.kind, p.proposal.week_start) for p in proposed.proposals] == [
        (Kind.LINK, WEEK0),
        (Kind.FREE_REPORT, WEEK0),
    ]
    assert proposed.proposals[1].proposal.projected_balance_on_target == pytest.approx(
        -0.5 * decay(38) + 5 * decay(28)
    )
    assert [o.kind for o in before.options] == [Kind.LINK, Kind.FREE_REPORT]
    created = plan.apply_plan(ws, proposed)
    assert [(g.kind, g.due_date, g.status, g.ask_id) for g in created] == [
        (Kind.LINK, TODAY, GiveStatus.PLANNED, ask.id),
        (Kind.FREE_REPORT, TODAY, GiveStatus.PLANNED, ask.id),
    ]
    # the same proposals accepted again (a double click on a page that had not rerun yet)
    assert [g.id for g in plan.apply_plan(ws, proposed)] == [g.id for g in created]
    assert len(gives.list_gives(ws)) == 2
    # planned, not given: the ask is still short today, but the plan has nothing to add
    assert asks.assess_one(ws, ask.id).state == "short"
    again = plan.make_plan(ws)
    assert again.proposals == () and again.already_ready == (ask.id,)
    for g in created:
        gives.done(ws, g.id)
    # today: −0.481 + 2 + 3 = 4.519 ≥ 4; on the target date: 4.057 ≥ 4
    now = asks.assess_one(ws, ask.id)
    assert (now.state, now.label) == ("ready", "ready")
    assert now.balance == pytest.approx(5 - 0.5 * decay(10))
    assert asks.assess_one(ws, ask.id, as_of=days(28)).ready


def test_a_referral_is_refused_for_trust_despite_a_large_balance(ws: Workspace) -> None:
    # I interviewed and featured Bo (8 points); Bo linked to me once: acquainted, balance 6.
    person(ws, "Bo Chen")
    log(ws, "Bo Chen", "gave", "interview", TODAY)
    log(ws, "Bo Chen", "gave", "feature", TODAY)
    log(ws, "Bo Chen", "received", "link", TODAY)
    ask = asks.add(
        ws, asks.AskInput(kind="referral", contact="Bo Chen", target=days(30), status="planned")
    )
    view = asks.assess_one(ws, ask.id)
    assert view.balance == pytest.approx(6.0) and ask.cost == 4.0  # covers the cost ...
    assert view.state == "needs_trust"  # ... but a referral needs a trusted relationship
    assert view.label == "needs trust trusted (now acquainted)"
    assert view.options == ()
    proposed = plan.make_plan(ws)
    assert proposed.proposals == ()
    ((unreachable),) = proposed.unreachable
    assert unreachable.ask_id == ask.id and unreachable.contact == "Bo Chen"
    assert "gives build a balance, not trust" in unreachable.why


def test_two_pending_asks_over_commit_one_balance(ws: Workspace) -> None:
    # Balance 7 − 0.5 = 6.5 with Cy. A promotion (5, sent, due in 2 weeks) comes first;
    # a guest post (3, due in 40 days) then needs 5 + 3 = 8: over-committed by 1.5.
    person(ws, "Cy Diaz")
    log(ws, "Cy Diaz", "gave", "interview", TODAY)
    log(ws, "Cy Diaz", "gave", "link", TODAY)
    log(ws, "Cy Diaz", "received", "share", TODAY)
    first = asks.add(
        ws, asks.AskInput(kind="promotion", contact="Cy Diaz", target=days(14), status="sent")
    )
    second = asks.add(
        ws, asks.AskInput(kind="guest_post", contact="Cy Diaz", target=days(40), status="planned")
    )
    views = {v.id: v for v in asks.assess(ws)}
    assert views[first.id].state == "ready"
    late = views[second.id]
    assert (late.state, late.label) == ("over_committed", "over-committed")
    assert late.gap == pytest.approx(1.5)
    assert late.reason == (
        "over-committed: other pending asks use 5.0 of the 6.5 balance; short by 1.5"
    )
    # the cheapest gives close what is missing on the target date (the balance decays too)
    assert sum(o.value_on_target for o in late.options) >= 8 - 6.5 * decay(40)
    assert asks.get(ws, first.id).status is AskStatus.SENT
    frame = plan_tables.asks_frame(ws)
    row = frame[frame["id"] == second.id].iloc[0]
    assert (row["readiness"], row["gap"], row["trust"], row["trust_required"]) == (
        "over_committed",
        1.5,
        "acquainted",
        "acquainted",
    )


def test_a_week_with_full_capacity_pushes_a_give_to_the_next(ws: Workspace) -> None:
    # One blog place a week and nothing else. This week's place is taken by a planned
    # mention of Dee. Ann's ask costs 1.5 by Dec 25: a mention (0.9 then) is not enough, a
    # link (2 × 0.91 = 1.82) is — and it goes to next week, the first with a free place.
    settings_service.update_settings(
        ws,
        weekly_capacity=WeeklyCapacity(
            blog_posts=1, mentions_per_post=1, interviews=0, rewards=0, other=0
        ),
    )
    person(ws, "Ann Lee")
    person(ws, "Dee Park")
    gives.add(ws, gives.GiveInput(kind="mention", contact="Dee Park", due=days(1)))
    ask = asks.add(
        ws,
        asks.AskInput(kind="link", contact="Ann Lee", target=days(30), cost=1.5, status="planned"),
    )
    proposed = plan.make_plan(ws)
    ((p),) = proposed.proposals
    assert (p.proposal.kind, p.proposal.week_start, p.proposal.ask_id) == (
        Kind.LINK,
        WEEK0 + timedelta(days=7),
        ask.id,
    )
    weeks = plan.calendar(ws, weeks=2)
    assert weeks[0].usage() == "blog places 1/1, interviews 0/0, rewards 0/0, other 0/0"
    plan.apply_plan(ws, proposed)
    weeks = plan.calendar(ws, weeks=2)
    assert [g.kind for g in weeks[1].gives] == [Kind.LINK]
    assert weeks[1].used[plan.Slot.BLOG] == 1 and weeks[1].over == []
    # a second planned give this week is more than the week holds: flagged
    gives.add(ws, gives.GiveInput(kind="link", contact="Ann Lee", due=days(2)))
    assert plan.calendar(ws, weeks=1)[0].over == [plan.Slot.BLOG]


def _busy_audience(ws: Workspace) -> None:
    """Two promotions to my list (20 and 5 days ago) and 12 posts over the last 24 days."""
    log(ws, None, "received", "promotion", days(-20))
    log(ws, None, "received", "affiliate_promo", days(-5))
    for i in range(1, 13):
        log(ws, None, "gave", "content", days(-2 * i))


def test_a_promotion_request_is_held_for_the_budget_then_accepted_for_a_later_week(
    ws: Workspace,
) -> None:
    # Eve and I are on good terms: I featured her, she shared me back.
    person(ws, "Eve Stone")
    log(ws, "Eve Stone", "gave", "feature", days(-40))
    log(ws, "Eve Stone", "received", "share", days(-30))
    _busy_audience(ws)
    budget = plan.budget_state(ws)
    assert (budget.promotions_30d, budget.gives_90d, budget.asks_90d) == (2, 12, 2)
    # The promotion of 20 days ago leaves every 30-day window around a new one from Dec 5.
    assert budget.next_free_day == days(10)
    request = help_requests.add(
        ws, help_requests.RequestInput(contact="Eve Stone", kind="promotion", title="My launch")
    )
    view = help_requests.decide(ws, request.id)
    assert view.decision.recommendation == "later"
    assert "would be number 3 in the 30 days" in view.decision.reason
    assert "fits from Dec 5" in view.decision.reason
    assert view.decision.suggested_week == date(2026, 11, 30)
    assert view.budget is not None and view.owe == "no"
    # Saying yes for this week anyway breaks the budget: the give is planned with a warning.
    forced = help_requests.accept(ws, request.id, week=TODAY)
    assert forced.give.due_date == TODAY
    assert forced.warnings and "would be number 3" in forced.warnings[0]
    help_requests.reopen(ws, request.id)  # undo: the give goes again
    assert gives.list_gives(ws) == []
    # Accepting in the suggested week plans it on the first day of that week that fits.
    accepted = help_requests.accept(ws, request.id)
    assert accepted.warnings == ()
    assert (accepted.give.due_date, accepted.give.kind, accepted.give.request_id) == (
        days(10),
        Kind.PROMOTION,
        request.id,
    )
    assert accepted.request.status == "accepted"
    assert accepted.request.decision.startswith("accepted for 5 Dec 2026: ")
    # the planned promotion now counts: with it and the one of 5 days ago, the next fits
    # once a 30-day window around it no longer holds both (Dec 20)
    assert plan.budget_state(ws).next_free_day == days(25)
    with pytest.raises(Conflict):
        help_requests.accept(ws, request.id)


def test_a_request_held_for_later_and_a_decline(ws: Workspace) -> None:
    person(ws, "Eve Stone")
    _busy_audience(ws)
    r = help_requests.add(ws, help_requests.RequestInput(contact="Eve Stone", kind="jv"))
    held = help_requests.later(ws, r.id)
    assert held.status == "later" and held.decision.startswith(
        "later (from the week of 30 Nov 2026)"
    )
    no = help_requests.decline(ws, r.id)
    assert no.status == "declined" and no.decision.startswith("declined: ")
    with pytest.raises(InvalidInput):
        help_requests.add(ws, help_requests.RequestInput(contact="", kind="help"))
    with pytest.raises(NotFound):
        help_requests.add(ws, help_requests.RequestInput(contact="Nobody", kind="help"))


def test_a_one_sided_contact_is_flagged(ws: Workspace) -> None:
    # Over ten months I interviewed, featured, linked and mentioned Gus (11 lifetime points);
    # he shared one episode (0.5): ratio 0.045 < 0.2 over more than 182 days.
    person(ws, "Gus Hale", tier="deep")
    for kind, ago in (("interview", 300), ("feature", 250), ("link", 200), ("mention", 100)):
        log(ws, "Gus Hale", "gave", kind, days(-ago))
    log(ws, "Gus Hale", "received", "share", days(-280))
    (gus,) = balances.all_balances(ws)
    assert gus.one_sided and gus.summary.reciprocity_ratio == pytest.approx(0.5 / 11)
    request = help_requests.add(ws, help_requests.RequestInput(contact="Gus Hale", kind="help"))
    view = help_requests.decide(ws, request.id)
    assert view.one_sided and view.decision.recommendation == "decline"
    assert view.decision.template == "decline_request"
    assert "one-sided: they returned 5% of the 11.0 points you gave" in view.decision.reason
    moves = {m.move.kind: m for m in plan.moves(ws)}
    assert moves["one_sided"].contact == "Gus Hale"
    assert moves["one_sided"].move.reason.startswith("you gave 11.0 points, they returned 0.5")
    frame = plan_tables.requests_frame(ws)
    assert list(frame[["recommendation", "one_sided"]].iloc[0]) == ["decline", True]


# --- ledger effects -----------------------------------------------------------------------


def test_a_done_give_logs_the_ledger_and_reopening_removes_it(ws: Workspace) -> None:
    person(ws, "Ann Lee")
    g = gives.add(
        ws,
        gives.GiveInput(kind="interview", contact="Ann Lee", due=days(3), title="Ep 60 with Ann"),
    )
    assert g.status is GiveStatus.PLANNED and g.done_on is None
    with pytest.raises(InvalidInput):
        gives.done(ws, g.id, day=days(1))  # not in the future
    done = gives.done(ws, g.id, day=days(-1))
    assert (done.status, done.done_on) == (GiveStatus.DONE, days(-1))
    (row,) = plan_rows(ws, give_id=g.id)
    assert (row.direction, row.kind, row.source, row.occurred_on, row.title) == (
        "gave",
        "interview",
        "plan",
        days(-1),
        "Ep 60 with Ann",
    )
    assert balances.all_balances(ws)[0].balance == pytest.approx(5 * decay(1))
    with pytest.raises(Conflict):
        gives.delete_give(ws, g.id)
    back = gives.reopen(ws, g.id)
    assert (back.status, back.done_on) == (GiveStatus.PLANNED, None)
    assert plan_rows(ws, give_id=g.id) == [] and plan_rows(ws) == []
    dropped = gives.set_status(ws, g.id, "dropped")
    assert dropped.status is GiveStatus.DROPPED
    gives.delete_give(ws, g.id)
    with pytest.raises(NotFound):
        gives.get(ws, g.id)


def test_audience_gives_and_promotions_log_the_audience(ws: Workspace) -> None:
    person(ws, "Lena Ko")
    report = gives.add(ws, gives.GiveInput(kind="free_report", due=TODAY, title="Benchmarks"))
    promo = gives.add(
        ws, gives.GiveInput(kind="promotion", contact="Lena Ko", due=TODAY, title="Her cohort")
    )
    gives.done(ws, report.id)
    gives.done(ws, promo.id)
    assert [(r.contact_id, r.direction, r.kind) for r in plan_rows(ws, give_id=report.id)] == [
        (None, "gave", "free_report")
    ]
    # promoting Lena's cohort to my list: a give to her and an ask of my audience
    lena = contacts.list_contacts(ws)[0].id
    assert [(r.contact_id, r.direction, r.kind) for r in plan_rows(ws, give_id=promo.id)] == [
        (lena, "gave", "promotion"),
        (None, "received", "promotion"),
    ]
    budget = plan.budget_state(ws)
    assert (budget.gives_90d, budget.asks_90d, budget.promotions_30d) == (1, 1, 1)
    gives.reopen(ws, promo.id)
    assert plan_rows(ws, give_id=promo.id) == []


def test_a_give_created_as_done_is_logged_on_its_day(ws: Workspace) -> None:
    person(ws, "Ann Lee")
    g = gives.add(ws, gives.GiveInput(kind="share", contact="Ann Lee", due=days(-3), status="done"))
    assert g.done_on == days(-3)
    assert [r.occurred_on for r in plan_rows(ws, give_id=g.id)] == [days(-3)]
    edited = gives.update(
        ws, g.id, gives.GiveInput(kind="share", contact="Ann Lee", due=days(-3), title="Clip")
    )
    assert edited.title == "Clip" and edited.status is GiveStatus.PLANNED
    assert plan_rows(ws, give_id=g.id) == []


def test_asks_sent_and_done_and_undone(ws: Workspace) -> None:
    person(ws, "Ann Lee")
    ask = asks.add(ws, asks.AskInput(kind="link", contact="Ann Lee", target=days(10)))
    assert (ask.status, ask.cost, ask.priority) == (AskStatus.IDEA, 2.0, 2)
    asks.set_status(ws, ask.id, "sent", day=days(-2))
    assert plan_tables.asks_frame(ws).iloc[0]["sent_on"] == days(-2).isoformat()
    asks.set_status(ws, ask.id, "done")
    (row,) = plan_rows(ws, ask_id=ask.id)
    assert (row.direction, row.kind, row.source, row.occurred_on) == (
        "received",
        "link",
        "ask",
        TODAY,
    )
    assert asks.assess_one(ws, ask.id).state == "closed"
    asks.set_status(ws, ask.id, "accepted")  # undo the done: the ledger row goes
    assert plan_rows(ws, ask_id=ask.id) == []
    asks.set_status(ws, ask.id, "planned")
    assert plan_tables.asks_frame(ws).iloc[0]["sent_on"] == ""
    with pytest.raises(InvalidInput):
        asks.add(ws, asks.AskInput(kind="link", contact="Ann Lee", priority=5))
    with pytest.raises(InvalidInput):
        asks.add(ws, asks.AskInput(kind="begging", contact="Ann Lee"))


def test_audience_asks_are_judged_by_the_budget(ws: Workspace) -> None:
    _busy_audience(ws)
    soon = asks.add(ws, asks.AskInput(kind="promotion", target=days(3), status="planned"))
    view = asks.assess_one(ws, soon.id)
    assert (view.contact, view.state, view.label) == ("", "over_budget", "over budget")
    assert "would be number 3 in the 30 days" in view.reason
    asks.update(ws, soon.id, asks.AskInput(kind="promotion", target=days(12), status="planned"))
    later = asks.assess_one(ws, soon.id)
    assert later.state == "within_budget" and later.ready
    assert later.reason.startswith("fits the audience budget")


def test_mark_matching_give_done_links_the_detected_interaction(ws: Workspace) -> None:
    ann = person(ws, "Ann Lee")
    far = gives.add(ws, gives.GiveInput(kind="mention", contact="Ann Lee", due=days(40)))
    near = gives.add(ws, gives.GiveInput(kind="mention", contact="Ann Lee", due=days(5)))
    feature = gives.add(ws, gives.GiveInput(kind="feature", contact="Ann Lee", due=days(1)))
    detected = ledger.add(
        ws,
        ledger.LedgerInput(
            contact=ann, direction="gave", kind="mention", occurred_on=TODAY, source="feed"
        ),
    )
    with ws.write() as s:
        matched = gives.mark_matching_give_done(
            ws, s, contact_id=ann, kinds=["mention", "link"], day=TODAY, interaction_id=detected.id
        )
    assert matched == near.id
    assert gives.get(ws, near.id).status is GiveStatus.DONE
    assert gives.get(ws, near.id).done_on == TODAY
    assert [gives.get(ws, i).status for i in (far.id, feature.id)] == [GiveStatus.PLANNED] * 2
    (row,) = plan_rows(ws, give_id=near.id)
    assert (row.id, row.source) == (detected.id, "feed")  # no second ledger row
    with ws.write() as s:
        assert (
            gives.mark_matching_give_done(
                ws, s, contact_id=ann, kinds=["mention"], day=TODAY, interaction_id=detected.id
            )
            is None  # the other mention is due in 40 days: not this one
        )
    gives.reopen(ws, near.id)
    (kept,) = plan_rows(ws, id=detected.id)
    assert kept.give_id is None  # the detection's row stays: it happened


def test_my_feeds_count_in_the_audience_budget(ws: Workspace) -> None:
    settings_service.update_settings(ws, affiliate_domains=("shop.example",))
    now = datetime(2026, 11, 1, tzinfo=UTC).replace(tzinfo=None)
    with ws.write() as s:
        mine = FeedRow(url="https://me.example/feed", owner="me", created_at=now)
        theirs = FeedRow(url="https://them.example/feed", owner="industry", created_at=now)
        s.add_all([mine, theirs])
        s.flush()

        def entry(feed: FeedRow, guid: str, day: date, **kw: object) -> EntryRow:
            published = datetime(day.year, day.month, day.day, 9)
            return EntryRow(
                feed_id=feed.id,
                guid=guid,
                published=published,
                first_seen_at=published,
                updated_at=published,
                **kw,
            )

        s.add_all(
            [
                entry(mine, "post-1", days(-3)),
                entry(mine, "post-2", days(-10), categories=["Tips"]),
                entry(mine, "launch", days(-4), categories=["Launch"]),
                entry(mine, "pitch", days(-6), links=["https://www.shop.example/p?ref=me"]),
                entry(mine, "old", days(-400)),
                entry(theirs, "other", days(-2)),
            ]
        )
    budget = plan.budget_state(ws)
    assert (budget.gives_90d, budget.asks_90d, budget.promotions_30d) == (2, 2, 2)
    # an entry already logged as an audience row is not counted twice
    with ws.write() as s:
        post = s.scalars(select(EntryRow).where(EntryRow.guid == "post-1")).one()
        post_id, post_day = post.id, post.published.date()
    ledger.add(
        ws,
        ledger.LedgerInput(contact=None, direction="gave", kind="content", occurred_on=post_day),
        entry_id=post_id,
    )
    assert plan.budget_state(ws).gives_90d == 2


def test_capacity_and_keeping_in_touch(ws: Workspace) -> None:
    settings_service.update_settings(ws, tier_capacity={"cell": 1})
    person(ws, "Ann Lee", tier="cell")
    person(ws, "Bo Chen", tier="cell")
    log(ws, "Ann Lee", "received", "share", days(-20))
    log(ws, "Bo Chen", "gave", "share", days(-2))
    report = plan.capacity(ws)
    cell = report.tiers[0]
    assert (cell.state.tier, cell.state.count, cell.state.over_by) == ("cell", 2, 1)
    assert cell.move_down == ("Bo Chen",)  # nothing received from him
    assert [(t.contact, t.gap.days_since, t.gap.cadence) for t in report.losing_touch] == [
        ("Ann Lee", 20, 14)
    ]


def test_the_demo_asks_tell_the_story(demo_ws: Workspace) -> None:
    views = {v.contact + ":" + v.ask.kind: v for v in asks.assess(demo_ws)}
    assert views["Maya Lindqvist:promotion"].label == "ready"
    assert views["Marcus Webb:promotion"].label == "ready"
    assert views["Marcus Webb:guest_post"].label == "over-committed"
    aiko = views["Aiko Tanaka:guest_post"]
    assert aiko.state == "short" and aiko.gap == pytest.approx(1.8, abs=0.1) and aiko.options
    assert views["José Núñez:referral"].state == "needs_trust"
    assert views["Lena Kowalski:jv"].state == "short"
    assert views["Priya Raman:testimonial"].state == "closed"
    assert views[":promotion"].state == "over_budget"
    reqs = {v.contact + ":" + v.request.kind: v for v in help_requests.review(demo_ws)}
    assert reqs["Grant Holloway:promotion"].decision.recommendation == "decline"
    assert reqs["Lena Kowalski:testimonial"].decision.recommendation == "yes"
    assert reqs["Lena Kowalski:testimonial"].owe.startswith("yes")


def test_the_planner_tables_are_exported(demo_ws: Workspace) -> None:
    for name, column in (
        ("asks", "readiness"),
        ("gives", "due_date"),
        ("requests", "recommendation"),
        ("plan", "projected_balance"),
        ("next_moves", "action"),
    ):
        frame = exports.export_frame(demo_ws, name)
        assert column in frame.columns, name
    assert len(exports.export_frame(demo_ws, "asks")) == 8
    assert len(exports.export_frame(demo_ws, "next_moves")) > 0


def test_plan_horizon_and_proposal_numbers_are_checked(ws: Workspace) -> None:
    with pytest.raises(InvalidInput):
        plan.make_plan(ws, weeks=0)
    empty = plan.make_plan(ws, weeks=3)
    assert len(empty.weeks) == 3 and empty.proposals == ()
    with pytest.raises(InvalidInput):
        plan.apply_plan(ws, empty, [0])


# --- the command line ---------------------------------------------------------------------


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_cli_gives(capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace) -> None:
    today = TODAY  # the CLI opens its workspace on the test clock ($PLANNER_CLOCK)
    person(ws, "Ann Lee")
    code, out, _ = cli(
        capsys, db_url, "gives", "add", "--kind", "mention", "--contact", "Ann Lee",
        "--due", today.isoformat(), "--title", "Friday links",
    )  # fmt: skip
    assert code == 0 and out.startswith("planned give 1: mention for Ann Lee")
    code, out, _ = cli(
        capsys, db_url, "gives", "add", "--kind", "free_report", "--audience",
        "--due", (today + timedelta(days=7)).isoformat(),
    )  # fmt: skip
    assert code == 0 and "for the audience" in out
    code, out, _ = cli(capsys, db_url, "gives", "done", "1", "--date", today.isoformat())
    assert code == 0 and "logged in the ledger" in out
    code, out, _ = cli(capsys, db_url, "gives", "list")
    listed = rows(out)
    assert [(r["id"], r["contact"], r["status"]) for r in listed] == [
        ("1", "Ann Lee", "done"),
        ("2", "", "planned"),
    ]
    assert listed[0]["done_on"] == today.isoformat()
    code, _, err = cli(
        capsys, db_url, "gives", "add", "--kind", "mention", "--contact", "Nobody",
        "--due", today.isoformat(),
    )  # fmt: skip
    assert code == 2 and "no contact named 'Nobody'" in err
    code, _, err = cli(capsys, db_url, "gives", "done", "99")
    assert code == 2 and "no planned give with id 99" in err


def test_cli_asks_and_plan(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace, tmp_path
) -> None:
    today = TODAY
    person(ws, "Ann Lee")
    log(ws, "Ann Lee", "received", "share", today - timedelta(days=1))
    code, out, _ = cli(
        capsys, db_url, "asks", "add", "--contact", "Ann Lee", "--kind", "guest_post",
        "--target", (today + timedelta(days=28)).isoformat(), "--priority", "1",
        "--title", "Guest post",
    )  # fmt: skip
    assert code == 0 and "added ask 1: guest_post of Ann Lee, cost 3" in out
    assert "short by 3.5" in out
    code, _, _ = cli(capsys, db_url, "asks", "status", "1", "planned")
    assert code == 0
    out_file = tmp_path / "asks.csv"
    code, _, _ = cli(capsys, db_url, "asks", "list", "--out", str(out_file))
    (ask,) = rows(out_file.read_text(encoding="utf-8"))
    assert (ask["contact"], ask["readiness"], ask["status"], ask["trust"]) == (
        "Ann Lee",
        "short",
        "planned",
        "acquainted",
    )
    code, out, err = cli(capsys, db_url, "plan", "--weeks", "4")
    proposals = rows(out)
    assert code == 0 and proposals and {p["ask_id"] for p in proposals} == {"1"}
    code, out, err = cli(capsys, db_url, "plan", "--weeks", "4", "--apply")
    assert code == 0 and f"created {len(proposals)} planned give(s)" in err
    assert len(gives.list_gives(ws)) == len(proposals)
    code, out, _ = cli(capsys, db_url, "plan", "--weeks", "4")
    assert rows(out) == []
    code, _, err = cli(capsys, db_url, "plan", "--weeks", "0")
    assert code == 2 and "plan between 1 and 52 weeks" in err
    code, _, err = cli(capsys, db_url, "asks", "status", "7", "sent")
    assert code == 2 and "no ask with id 7" in err


def test_cli_plan_reports_unreachable_asks(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace
) -> None:
    person(ws, "Bo Chen")
    asks.add(
        ws,
        asks.AskInput(
            kind="referral", contact="Bo Chen", target=TODAY + timedelta(days=30),
            status="planned",
        ),
    )  # fmt: skip
    code, out, err = cli(capsys, db_url, "plan")
    assert code == 0 and rows(out) == []
    assert "unreachable ask 1 (Bo Chen): a referral needs trust level trusted" in err


def test_cli_requests_and_next(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace
) -> None:
    person(ws, "Lena Ko")
    log(ws, "Lena Ko", "received", "interview", TODAY - timedelta(days=3))
    code, out, _ = cli(
        capsys, db_url, "requests", "add", "--contact", "Lena Ko", "--kind", "testimonial",
        "--title", "A testimonial",
    )  # fmt: skip
    assert code == 0 and "recommendation: yes — you owe them 4.9 points" in out
    code, out, _ = cli(capsys, db_url, "requests", "list")
    (listed,) = rows(out)
    assert (listed["recommendation"], listed["i_owe_them"], listed["template"]) == (
        "yes",
        "yes, 4.9 points",
        "reciprocate",
    )
    assert listed["reason"] == "you owe them 4.9 points"  # 5 × 0.5^(3/180)
    code, out, _ = cli(capsys, db_url, "requests", "accept", "1")
    assert code == 0 and "give 1 (testimonial) planned for" in out
    code, _, err = cli(capsys, db_url, "requests", "add", "--contact", "Nobody", "--kind", "help")
    assert code == 2 and "no contact named 'Nobody'" in err
    code, out, _ = cli(capsys, db_url, "next", "--as-of", TODAY.isoformat())
    moves = rows(out)
    assert code == 0 and moves[0]["kind"] == "owe" and moves[0]["contact"] == "Lena Ko"
    assert moves[0]["action"] == "draft:reciprocate"
