"""Plan, Asks and Requests (and the dashboard's next moves) through AppTest.

Expectations come from planner.services on the app's database and clock (TODAY).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd
from streamlit.testing.v1 import AppTest

from planner.domain.audience import budget_line
from planner.domain.model import AskStatus, GiveStatus, Tier
from planner.domain.words import day, word
from planner.services import (
    Workspace,
    asks,
    contacts,
    gives,
    help_requests,
    ledger,
    plan,
    plan_tables,
)
from planner.ui import plain
from tests.conftest import TODAY
from tests.pages.downloads import Downloads, csv_table

AUDIENCE = "— my audience —"
#: The dashboard's button for each kind of next move (ask drafts: "Draft the ask").
MOVE_LABELS = {
    "plan_give": "Plan a give",
    "open_ask": "Open the ask",
    "review_tier": "Review the tier",
}
DRAFT_LABELS = {
    "follow_up": "Draft a follow-up",
    "reciprocate": "Draft a give back",
    "first_transaction": "Draft a first hello",
    "thank_you": "Draft a thank-you",
}


def frames(at: AppTest, column: str) -> list[pd.DataFrame]:
    """The page's dataframes that have ``column`` (AppTest does not expose their keys)."""
    return [d.value for d in at.dataframe if column in d.value.columns]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def _ask_needing_gives(ws: Workspace) -> int:
    """Ann (acquainted: she gave once) and a planned link ask a month out with no balance."""
    contacts.add(ws, contacts.ContactInput(name="Ann Example", tier="active"))
    ledger.add(
        ws,
        ledger.LedgerInput(
            contact="Ann Example",
            direction="received",
            kind="share",
            occurred_on=TODAY - timedelta(days=3),
        ),
    )
    ask = asks.add(
        ws,
        asks.AskInput(
            kind="guest_post",
            contact="Ann Example",
            target=TODAY + timedelta(days=30),
            status=AskStatus.PLANNED,
            title="Guest post on Ann's blog",
        ),
    )
    return ask.id


# --- dashboard: next moves ---------------------------------------------------------------


def test_the_dashboard_lists_the_next_moves_with_their_actions_and_the_budget(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("dashboard")
    assert not at.error
    snap = plan.snapshot(demo_app_ws, as_of=TODAY)
    moves = plan.moves_from(snap)
    assert len(moves) > 8, "the demo has more moves than the page lists"
    assert "Next moves" in [s.value for s in at.subheader]
    shown = texts(at)
    line = budget_line(snap.budget)  # one wording, coloured by its level
    notices = {"ok": at.success, "full": at.warning, "over": at.error}[line.level]
    assert plain(line.text) in [n.value for n in notices]
    assert shown[0:8] == [f"{m.move.title}\n{m.move.reason}" for m in moves[:8]]
    assert any(t.startswith("You owe ") for t in shown)  # the demo owes someone
    labels = {b.key: b.label for b in at.button}
    for i, mv in enumerate(moves[:8]):  # every listed move has its action, in words
        expected = DRAFT_LABELS.get(mv.template) or MOVE_LABELS[mv.move.action]
        assert labels[f"move_{i}"] == (
            expected if mv.template in DRAFT_LABELS or not mv.template else "Draft the ask"
        )
        assert "(" not in labels[f"move_{i}"] and "_" not in labels[f"move_{i}"]
    assert f"All {len(moves)} next moves" in [e.label for e in at.expander]
    (table,) = frames(at, "Do")
    assert table.columns.tolist() == ["Priority", "Move", "Contact", "What", "Why", "Do"]
    assert table["What"].tolist() == [m.move.title for m in moves]
    assert not any("_" in v for v in [*table["Move"], *table["Do"]])


def test_a_draft_move_on_the_dashboard_opens_outreach_on_its_template_and_contact(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    moves = plan.moves(demo_app_ws, as_of=TODAY)[:8]
    i, mv = next((i, m) for i, m in enumerate(moves) if m.template)
    at = open_page("dashboard")
    at.button(key=f"move_{i}").click().run()
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == ["Outreach"]
    assert at.selectbox(key="draft_template").value == mv.template
    assert at.selectbox(key="draft_contact").value == mv.move.contact_id


def test_the_next_moves_download_is_every_move(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    at = open_page("dashboard")
    got = downloads(at, "dl_moves")
    assert (got.label, got.file_name) == (
        "Download next moves CSV",
        f"next-moves-{TODAY.isoformat()}.csv",
    )
    header, rows = csv_table(got.data)
    moves = plan.moves(demo_app_ws, as_of=TODAY)
    assert header == list(plan_tables.moves_table(moves).columns)
    assert [(r["contact"], r["title"], r["action"]) for r in rows] == [
        (m.contact, m.move.title, m.move.action) for m in moves
    ]


# --- plan --------------------------------------------------------------------------------


def test_the_empty_plan_shows_empty_weeks_a_free_budget_and_nothing_to_propose(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("plan")
    assert not at.error
    assert [t.value for t in at.title] == ["Plan"]
    assert [s.value for s in at.subheader] == [
        "Audience promotion budget",
        "Week by week",
        "Auto-plan",
        "Gives",
        "Tiers and keeping in touch",
    ]
    budget = plan.snapshot(app_ws).budget
    assert budget.promotions_30d == 0
    assert metrics(at) == {
        "Promotions in 30 days": f"0 of {budget.max_promotions_30d}",
        "Give:ask ratio, 90 days": "no ask",
        "Next promotion fits": day(budget.next_free_day),
    }
    weeks = plan.calendar(app_ws)
    assert len(weeks) == app_ws.settings().plan_weeks
    assert [e.label for e in at.expander] == [
        f"Week of {day(w.start)} · 0 give(s), 0 ask target(s)" for w in weeks
    ]
    assert weeks[0].start <= TODAY < weeks[0].start + timedelta(days=7)
    assert all(f.empty for f in frames(at, "what"))
    assert "Nothing to propose: every planned or sent ask is ready in time, or unreachable." in (
        texts(at)
    )
    (tiers,) = frames(at, "move down")
    assert tiers["tier"].tolist() == [word(t) for t in Tier]  # "Inner circle", not "cell"
    assert tiers["contacts"].tolist() == [0] * len(Tier)
    assert "Losing touch: 0 contact(s) past their tier's cadence" in texts(at)
    assert [b.key for b in at.button] == ["give_submit_new"]  # no give to mark done
    assert at.selectbox(key="give_contact_new").options == [AUDIENCE]
    assert not at.download_button


def test_the_plan_shows_the_demo_budget_weeks_tiers_and_who_is_losing_touch(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("plan")
    assert not at.error
    budget = plan.snapshot(demo_app_ws).budget
    assert metrics(at) == {
        "Promotions in 30 days": f"{budget.promotions_30d} of {budget.max_promotions_30d}",
        "Give:ask ratio, 90 days": (
            "no ask" if budget.ratio_90d is None else f"{budget.ratio_90d:.1f}:1"
        ),
        "Next promotion fits": day(budget.next_free_day),
    }
    weeks = plan.calendar(demo_app_ws)
    assert [e.label for e in at.expander] == [
        f"Week of {day(w.start)} · {len(w.gives)} give(s), {len(w.asks)} ask target(s)"
        for w in weeks
    ]
    tables = frames(at, "what")
    assert len(tables) == len(weeks)
    for week, table in zip(weeks, tables, strict=True):
        assert set(zip(table["what"], table["id"], strict=True)) == {
            ("give", g.id) for g in week.gives
        } | {("ask target", a.id) for a in week.asks}
    assert sum(len(t) for t in tables) > 0
    assert [f"Capacity used: {w.usage()}" for w in weeks] == [
        t for t in texts(at) if t.startswith("Capacity used: ")
    ]
    cap = plan.capacity(demo_app_ws)
    (tiers,) = frames(at, "move down")
    assert tiers["contacts"].tolist() == [t.state.count for t in cap.tiers]
    assert sum(tiers["contacts"]) == contacts.count(demo_app_ws)
    (touch,) = frames(at, "days since")
    assert touch["contact"].tolist() == [t.contact for t in cap.losing_touch]
    assert f"Losing touch: {len(cap.losing_touch)} contact(s) past their tier's cadence" in (
        texts(at)
    )
    proposal = plan.make_plan(demo_app_ws)
    (unreachable,) = frames(at, "Ask #")
    assert unreachable["Ask #"].tolist() == [u.ask_id for u in proposal.unreachable]
    assert f"Already projected ready: {len(proposal.already_ready)} ask(s)." in [
        c.value for c in at.caption
    ]


def test_the_gives_download_is_every_planned_give(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    at = open_page("plan")
    got = downloads(at, "dl_gives")
    assert (got.label, got.file_name) == ("Download gives CSV", "gives.csv")
    header, rows = csv_table(got.data)
    every = gives.list_gives(demo_app_ws)
    assert header == list(plan_tables.gives_table(every).columns)
    assert sorted(int(r["id"]) for r in rows) == sorted(g.id for g in every)
    planned = next(g for g in every if g.status is GiveStatus.PLANNED and g.due_date)
    row = next(r for r in rows if r["id"] == str(planned.id))
    assert (row["contact"], row["kind"], row["title"], row["due_date"], row["status"]) == (
        planned.contact,
        planned.kind.value,
        planned.title,
        planned.due_date.isoformat(),
        "planned",
    )


def test_accepting_auto_plan_proposals_persists_them_and_they_show_in_the_calendar(
    app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    ask_id = _ask_needing_gives(app_ws)
    at = open_page("plan")
    (proposals,) = frames(at, "Balance on target")
    assert len(proposals) >= 1
    assert all(a.startswith(f"#{ask_id} ") for a in proposals["Toward ask"])
    header, rows = csv_table(downloads(at, "dl_plan").data)
    assert header == plan_tables.PLAN_COLUMNS  # the CSV keeps its machine columns
    assert [
        (int(r["ask_id"]), word(r["kind"]), day(date.fromisoformat(r["week"]))) for r in rows
    ] == list(zip([ask_id] * len(proposals), proposals["Kind"], proposals["Week of"], strict=True))
    boxes = [c for c in at.checkbox if c.key and c.key.startswith("plan_accept_")]
    assert len(boxes) == len(proposals) and all(c.value for c in boxes)
    assert at.button(key="plan_accept_button").label == f"Accept {len(proposals)} proposal(s)"
    at.button(key="plan_accept_button").click().run()
    assert not at.exception and not at.error
    planned = gives.list_gives(app_ws, statuses=[GiveStatus.PLANNED])
    assert len(planned) == len(proposals)
    assert {g.ask_id for g in planned} == {ask_id}
    assert all(g.contact == "Ann Example" for g in planned)
    # nothing left to propose, and the gives are in the week-by-week calendar
    assert frames(at, "Balance on target") == []
    weeks = [f for f in frames(at, "what")]
    assert len(weeks) == app_ws.settings().plan_weeks  # one table per week
    shown = {(w, i) for f in weeks for w, i in zip(f["what"], f["id"], strict=True)}
    assert {("give", g.id) for g in planned} <= shown
    assert ("ask target", ask_id) in shown


def test_accepting_only_the_ticked_proposal_plans_one_give(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    _ask_needing_gives(app_ws)
    at = open_page("plan")
    at.toggle(key="plan_select_all").set_value(False).run()
    boxes = [c for c in at.checkbox if c.key and c.key.startswith("plan_accept_")]
    assert not any(c.value for c in boxes)
    assert at.button(key="plan_accept_button").disabled
    boxes[0].check().run()
    assert at.button(key="plan_accept_button").label == "Accept 1 proposal(s)"
    at.button(key="plan_accept_button").click().run()
    assert not at.exception and not at.error
    assert len(gives.list_gives(app_ws)) == 1


def test_marking_a_give_done_on_the_plan_page_logs_it(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    target = next(g for g in gives.list_gives(demo_app_ws) if g.status is GiveStatus.PLANNED)
    at = open_page("plan")
    at.selectbox(key="give_status_pick").select(target.id)
    at.button(key="give_done").click().run()
    assert not at.exception and not at.error
    assert gives.get(demo_app_ws, target.id).status is GiveStatus.DONE
    rows = ledger.list_interactions(demo_app_ws, contact_id=target.contact_id)
    assert any(
        r.source == "plan" and r.title == target.title and r.occurred_on == TODAY for r in rows
    )


# --- asks --------------------------------------------------------------------------------


def test_the_empty_asks_page_invites_to_add_one(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("asks")
    assert not at.error
    assert [t.value for t in at.title] == ["Asks"]
    assert [i.value for i in at.info] == ["No asks yet: add one below."]
    assert [s.value for s in at.subheader] == ["Add or edit an ask"]
    assert metrics(at) == {} and not at.dataframe and not at.download_button
    assert at.button(key="ask_submit_new").label == "Save ask"
    assert at.selectbox(key="ask_contact_new").options == [AUDIENCE]
    assert at.date_input(key="ask_target_new").value == TODAY


def test_the_asks_page_counts_and_lists_the_demo_asks_with_their_readiness(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("asks")
    assert not at.error
    views = asks.assess(demo_app_ws, as_of=TODAY)
    open_views = [v for v in views if v.state != "closed"]
    assert metrics(at) == {
        "Open asks": str(len(open_views)),
        "Ready": str(sum(v.ready for v in open_views)),
        "Short or over-committed": str(sum(v.state in ("short", "over_committed") for v in views)),
        "Need trust": str(sum(v.state == "needs_trust" for v in views)),
    }
    assert int(metrics(at)["Ready"]) > 0 and int(metrics(at)["Short or over-committed"]) > 0
    (table,) = frames(at, "Readiness")
    assert table["#"].tolist() == [v.id for v in views]
    ready = next(v for v in views if v.ready and v.contact)
    row = table.set_index("#").loc[ready.id]
    assert (row["Of"], row["Title"], row["Readiness"], row["Why"]) == (
        ready.contact,
        ready.ask.title,
        "Ready",
        ready.reason,
    )
    # the first ask with a gap is explained, with its cheapest gives
    short = next(v for v in views if v.options)
    assert at.selectbox(key="ask_gap_pick").value == short.id
    assert short.reason in texts(at)
    (options,) = frames(at, "Adds by target")
    assert options["Give"].tolist() == [word(o.kind) for o in short.options]


def test_the_asks_download_is_every_ask_with_its_readiness(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    at = open_page("asks")
    got = downloads(at, "dl_asks")
    assert got.file_name == f"asks-{TODAY.isoformat()}.csv"
    header, rows = csv_table(got.data)
    views = asks.assess(demo_app_ws, as_of=TODAY)
    assert header == list(plan_tables.asks_table(views).columns)
    assert [(int(r["id"]), r["readiness"], r["label"]) for r in rows] == [
        (v.id, v.state, v.label) for v in views
    ]


def test_creating_an_ask_through_the_form_persists(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    before = {a.id for a in asks.assess(demo_app_ws)}
    at = open_page("asks")
    at.selectbox(key="ask_contact_new").select("Theo Brandt")
    at.selectbox(key="ask_kind_new").select("share")
    at.text_input(key="ask_title_new").input("Share my mic guide")
    at.button(key="ask_submit_new").click().run()
    assert not at.exception and not at.error
    (new,) = [v for v in asks.assess(demo_app_ws) if v.id not in before]
    assert (new.contact, new.ask.kind, new.ask.title, new.ask.cost) == (
        "Theo Brandt",
        "share",
        "Share my mic guide",
        0.5,
    )
    (table,) = frames(at, "Cheapest gives")
    assert "Share my mic guide" in set(table["Title"])
    assert metrics(at)["Open asks"] == str(
        sum(v.state != "closed" for v in asks.assess(demo_app_ws))
    )


def test_a_bad_cost_shows_a_clear_error_and_stores_nothing(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    before = len(asks.assess(demo_app_ws))
    at = open_page("asks")
    at.text_input(key="ask_cost_new").input("lots")
    at.button(key="ask_submit_new").click().run()
    assert not at.exception
    assert "cost" in at.error[0].value
    assert len(asks.assess(demo_app_ws)) == before


def test_scheduling_a_cheapest_give_from_the_asks_page(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    ask_id = _ask_needing_gives(app_ws)
    at = open_page("asks")
    assert at.selectbox(key="ask_gap_pick").value == ask_id
    kind = at.selectbox(key="ask_option_kind").value
    at.button(key="ask_schedule").click().run()
    assert not at.exception and not at.error
    (give,) = gives.list_gives(app_ws)
    assert (give.kind, give.ask_id, give.status) == (kind, ask_id, GiveStatus.PLANNED)


# --- requests ----------------------------------------------------------------------------


def test_the_empty_requests_page_asks_for_a_contact_first(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("requests")
    assert not at.error
    assert [t.value for t in at.title] == ["Requests"]
    assert [i.value for i in at.info] == ["No requests yet."]
    assert [c.value for c in at.caption] == ["Add the contact on the Contacts page first."]
    assert [e.label for e in at.expander] == ["Record a request"]
    assert at.expander[0].proto.expanded  # open: there is nothing else to do
    assert at.selectbox(key="request_contact").options == []
    assert [b.key for b in at.button] == ["request_submit"]
    assert not at.dataframe and not at.metric and not at.download_button


def test_the_requests_page_lists_the_demo_requests_and_explains_the_first(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("requests")
    assert not at.error
    views = help_requests.review(demo_app_ws, as_of=TODAY)
    (table,) = frames(at, "Recommendation")
    assert table["#"].tolist() == [v.id for v in views] and len(views) > 0
    assert table["Recommendation"].tolist() == [
        plan_tables.RECOMMENDATION_WORDS[v.advice.recommendation] if v.advice else "" for v in views
    ]
    first = views[0]
    assert at.selectbox(key="request_pick").value == first.id
    ratio = first.summary.reciprocity_ratio
    assert metrics(at) == {
        "Balance": f"{first.balance:+.1f}",
        "Do I owe them?": first.owe,
        "Reciprocity": "—" if ratio is None else f"{ratio:.2f}",
        "One-sided": "yes" if first.one_sided else "no",
    }
    assert first.advice is not None  # the first request is open
    said = plan_tables.RECOMMENDATION_WORDS[first.decision.recommendation]
    verdict = plain(f"Recommendation: {said} — {first.decision.reason}")
    boxes = {"yes": at.success, "later": at.info, "decline": at.warning}
    assert verdict in [b.value for b in boxes[first.decision.recommendation]]
    labels = {b.key: b.label for b in at.button}
    assert (labels["request_accept"], labels["request_later"], labels["request_decline"]) == (
        "Accept",
        "Later",
        "Decline",
    )


def test_the_requests_download_is_every_request_with_its_recommendation(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], downloads: Downloads
) -> None:
    at = open_page("requests")
    got = downloads(at, "dl_requests")
    assert got.file_name == "requests.csv"
    header, rows = csv_table(got.data)
    views = help_requests.review(demo_app_ws, as_of=TODAY)
    assert header == list(plan_tables.requests_table(views).columns)
    assert [(int(r["id"]), r["contact"], r["recommendation"]) for r in rows] == [
        (v.id, v.contact, v.advice.recommendation if v.advice else "") for v in views
    ]


def test_recording_a_request_selects_it_and_accepting_plans_the_give(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("requests")
    at.selectbox(key="request_contact").select("Maya Lindqvist")
    at.selectbox(key="request_kind").select("help")
    at.text_input(key="request_title").input("Review my pricing page")
    at.button(key="request_submit").click().run()
    assert not at.exception and not at.error
    (new,) = [
        v for v in help_requests.review(demo_app_ws) if v.request.title == "Review my pricing page"
    ]
    assert at.selectbox(key="request_pick").value == new.id
    assert new.decision.recommendation == "yes"
    at.button(key="request_accept").click().run()
    assert not at.exception and not at.error
    assert help_requests.decide(demo_app_ws, new.id).request.status == "accepted"
    (give,) = [g for g in gives.list_gives(demo_app_ws) if g.request_id == new.id]
    assert give.kind == "help" and give.contact == "Maya Lindqvist"
    assert any(s.value.startswith(plain(f"Accepted: give #{give.id} planned")) for s in at.success)


def test_open_the_ask_on_the_dashboard_opens_the_asks_page_with_that_ask_selected(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    contacts.add(app_ws, contacts.ContactInput(name="Ann Example", tier="active"))
    ask_id = asks.add(  # overdue and never ready: no give can close it, so "Open the ask"
        app_ws,
        asks.AskInput(
            kind="guest_post",
            contact="Ann Example",
            target=TODAY - timedelta(days=2),
            status=AskStatus.SENT,
            title="Guest post on Ann's blog",
        ),
    ).id
    moves = plan.moves(app_ws, as_of=TODAY)[:8]
    i = next(i for i, m in enumerate(moves) if m.move.action == "open_ask")
    assert moves[i].move.ask_id == ask_id
    at = open_page("dashboard")
    at.button(key=f"move_{i}").click().run()
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == ["Asks"]
    assert at.selectbox(key="ask_pick").value == ask_id
    assert "ask" not in at.query_params  # taken once: the user's next choice is not overridden
