"""Plan, Asks and Requests (and the dashboard's next moves) through AppTest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from planner.domain.model import AskStatus, GiveStatus
from planner.services import Workspace, asks, contacts, gives, ledger, requests

PLANNING_PAGES = ["plan", "asks", "requests", "dashboard"]


def frames(at: AppTest, column: str) -> list[pd.DataFrame]:
    """The page's dataframes that have ``column`` (AppTest does not expose their keys)."""
    return [d.value for d in at.dataframe if column in d.value.columns]


@pytest.mark.parametrize("page", PLANNING_PAGES)
def test_pages_render_on_an_empty_database(open_page: Callable[[str], AppTest], page: str) -> None:
    at = open_page(page)
    assert not at.error


@pytest.mark.parametrize("page", PLANNING_PAGES)
def test_pages_render_on_the_demo(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], page: str
) -> None:
    at = open_page(page)
    assert not at.error


def test_the_dashboard_lists_next_moves_and_the_budget(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("dashboard")
    texts = [t.value for t in at.text]
    assert any(t.startswith("Audience promotion budget: ") for t in texts)
    assert any(t.startswith("You owe Lena Kowalski") for t in texts)
    assert at.button(key="move_0")  # every listed move has its action


def _ask_needing_gives(ws: Workspace) -> int:
    """Ann (acquainted: she gave once) and a planned link ask a month out with no balance."""
    today = date.today()  # the app runs on the real clock
    contacts.add(ws, contacts.ContactInput(name="Ann Example", tier="active"))
    ledger.add(
        ws,
        ledger.LedgerInput(
            contact="Ann Example",
            direction="received",
            kind="share",
            occurred_on=today - timedelta(days=3),
        ),
    )
    ask = asks.add(
        ws,
        asks.AskInput(
            kind="guest_post",
            contact="Ann Example",
            target=today + timedelta(days=30),
            status=AskStatus.PLANNED,
            title="Guest post on Ann's blog",
        ),
    )
    return ask.id


def test_accepting_auto_plan_proposals_persists_them_and_they_show_in_the_calendar(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    ask_id = _ask_needing_gives(app_ws)
    at = open_page("plan")
    (proposals,) = frames(at, "projected_balance")
    assert len(proposals) >= 1 and set(proposals["ask_id"]) == {ask_id}
    boxes = [c for c in at.checkbox if c.key and c.key.startswith("plan_accept_")]
    assert len(boxes) == len(proposals) and all(c.value for c in boxes)
    at.button(key="plan_accept_button").click().run()
    assert not at.exception and not at.error
    planned = gives.list_gives(app_ws, statuses=[GiveStatus.PLANNED])
    assert len(planned) == len(proposals)
    assert {g.ask_id for g in planned} == {ask_id}
    assert all(g.contact == "Ann Example" for g in planned)
    # nothing left to propose, and the gives are in the week-by-week calendar
    assert frames(at, "projected_balance") == []
    weeks = [f for f in frames(at, "what")]
    assert len(weeks) == 8  # the default horizon, one table per week
    shown = {(w, i) for f in weeks for w, i in zip(f["what"], f["id"], strict=True)}
    assert {("give", g.id) for g in planned} <= shown
    assert ("ask target", ask_id) in shown


def test_accepting_only_some_proposals(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    _ask_needing_gives(app_ws)
    at = open_page("plan")
    at.toggle(key="plan_select_all").set_value(False).run()
    boxes = [c for c in at.checkbox if c.key and c.key.startswith("plan_accept_")]
    assert not any(c.value for c in boxes)
    boxes[0].check().run()
    at.button(key="plan_accept_button").click().run()
    assert not at.exception and not at.error
    assert len(gives.list_gives(app_ws)) == 1


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
    (table,) = frames(at, "cheapest_gives")
    assert "Share my mic guide" in set(table["title"])


def test_a_bad_cost_shows_a_clear_error(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("asks")
    at.text_input(key="ask_cost_new").input("lots")
    at.button(key="ask_submit_new").click().run()
    assert not at.exception
    assert "cost" in at.error[0].value


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
    assert any(r.source == "plan" and r.title == target.title for r in rows)


def test_recording_and_accepting_a_request(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("requests")
    at.selectbox(key="request_contact").select("Maya Lindqvist")
    at.selectbox(key="request_kind").select("help")
    at.text_input(key="request_title").input("Review my pricing page")
    at.button(key="request_submit").click().run()
    assert not at.exception and not at.error
    (new,) = [
        v for v in requests.review(demo_app_ws) if v.request.title == "Review my pricing page"
    ]
    assert at.selectbox(key="request_pick").value == new.id
    assert new.decision.recommendation == "yes"
    at.button(key="request_accept").click().run()
    assert not at.exception and not at.error
    assert requests.decide(demo_app_ws, new.id).request.status == "accepted"
    (give,) = [g for g in gives.list_gives(demo_app_ws) if g.request_id == new.id]
    assert give.kind == "help" and give.contact == "Maya Lindqvist"
