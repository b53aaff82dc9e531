"""Asks, Requests and the Plan's gives in real hands, through AppTest: a saved new record
becomes the picked one (a second click edits it), records are deleted after a
confirmation that says what goes with them, an ask that needs trust offers the steps that
earn it, deep links select what they name, and the tables speak words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pandas as pd
from streamlit.testing.v1 import AppTest

from planner.domain.model import GiveStatus, Kind
from planner.services import Workspace, asks, contacts, gives, help_requests, ledger
from planner.ui import plain
from tests.conftest import TODAY

AUDIENCE = "— my audience —"


def frames(at: AppTest, column: str) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe if column in d.value.columns]


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def ann(ws: Workspace) -> int:
    return contacts.add(ws, contacts.ContactInput(name="Ann Example", tier="active")).id


def link_to(at: AppTest, page: str, **params: int | str) -> AppTest:
    """Open ``page`` with ``?name=value`` in the URL, as a deep link does."""
    at.switch_page(f"pages/{page}.py")
    for name, value in params.items():
        at.query_params[name] = str(value)
    return at.run()


# --- asks --------------------------------------------------------------------------------


def test_a_saved_new_ask_is_picked_and_a_second_click_edits_it(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    ann(app_ws)
    at = open_page("asks")
    at.selectbox(key="ask_contact_new").select(contacts.list_contacts(app_ws)[0].id)
    at.selectbox(key="ask_kind_new").select("share")
    at.text_input(key="ask_title_new").input("Share my guide")
    at.button(key="ask_submit_new").click().run()
    assert not at.exception and not at.error
    (new,) = asks.assess(app_ws)
    assert at.selectbox(key="ask_pick").value == new.id  # the form now edits it
    at.button(key=f"ask_submit_{new.id}").click().run()
    assert [v.id for v in asks.assess(app_ws)] == [new.id]
    # a second click that reached the server before the switch: the same new ask again
    at.selectbox(key="ask_pick").select("new").run()
    at.selectbox(key="ask_contact_new").select(new.ask.contact_id)
    at.selectbox(key="ask_kind_new").select("share")
    at.text_input(key="ask_title_new").input("Share my guide")
    at.button(key="ask_submit_new").click().run()
    assert not at.exception and not at.error
    assert [v.id for v in asks.assess(app_ws)] == [new.id]
    assert at.selectbox(key="ask_pick").value == new.id


def test_an_ask_is_deleted_after_the_confirmation_says_what_goes(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    ann(app_ws)
    ask = asks.add(app_ws, asks.AskInput(kind="link", contact="Ann Example", status="done"))
    at = open_page("asks")
    at.selectbox(key="ask_pick").select(ask.id).run()
    sure = at.checkbox(key=f"ask_delete_sure_{ask.id}")
    assert sure.label == f"Yes, delete ask #{ask.id} and the ledger row it logged when done"
    assert at.button(key="ask_delete").disabled
    sure.check().run()
    at.button(key="ask_delete").click().run()
    assert not at.exception and not at.error
    assert asks.assess(app_ws) == [] and ledger.list_interactions(app_ws) == []
    assert at.selectbox(key="ask_pick").value == "new"


def test_the_asks_table_speaks_words_with_wide_reason_columns(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("asks")
    (table,) = frames(at, "Readiness")
    assert list(table.columns[:7]) == [
        "#",
        "Of",
        "Kind",
        "Title",
        "Readiness",
        "Why",
        "Cheapest gives",
    ]
    codes = {k.value for k in Kind if "_" in k.value}
    assert not codes & set(table["Kind"]) and not codes & set(table["Title"])
    assert all(len(c.split(".")[-1]) <= 1 for c in table["Cost"])  # one decimal at most
    assert not any("T" in d or "-" in d for d in table["Target date"])
    configs = at.dataframe[0].proto.columns
    assert '"width":"large"' in configs.replace(" ", "")


def test_an_ask_that_needs_trust_explains_and_offers_the_first_steps(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    ann_id = ann(app_ws)
    ask = asks.add(
        app_ws,
        asks.AskInput(kind="guest_post", contact=ann_id, target=TODAY + timedelta(days=30)),
    )
    at = open_page("asks")
    at.selectbox(key="ask_pick").select(ask.id).run()
    step = asks.assess_one(app_ws, ask.id).trust_step
    assert step is not None
    assert plain(step.explanation) in [i.value for i in at.info]
    labels = {b.key: b.label for b in at.button}
    assert labels["ask_trust_give"] == "Plan a small first give (share)"
    assert labels["ask_trust_small_ask"] == "Add a first small ask (share)"
    at.button(key="ask_trust_give").click().run()
    assert not at.exception and not at.error
    (give,) = gives.list_gives(app_ws)
    assert (give.kind, give.contact_id, give.ask_id, give.due_date) == (
        Kind.SHARE,
        ann_id,
        ask.id,
        TODAY,
    )
    # a first small ask: a new ask for Ann, of the small kind, filled in
    at.button(key="ask_trust_small_ask").click().run()
    assert not at.exception and not at.error
    assert at.selectbox(key="ask_pick").value == "new"
    assert at.selectbox(key="ask_contact_new").value == ann_id
    assert at.selectbox(key="ask_kind_new").value == "share"
    at.button(key="ask_submit_new").click().run()
    assert {(v.ask.kind, v.contact) for v in asks.assess(app_ws)} == {
        (Kind.GUEST_POST, "Ann Example"),
        (Kind.SHARE, "Ann Example"),
    }


def test_the_thank_you_button_opens_the_first_transaction_draft(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    ann_id = ann(app_ws)
    ask = asks.add(app_ws, asks.AskInput(kind="guest_post", contact=ann_id))
    at = open_page("asks")
    at.selectbox(key="ask_pick").select(ask.id).run()
    at.button(key="ask_trust_message").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Outreach"]
    assert at.selectbox(key="draft_template").value == "first_transaction"
    assert at.selectbox(key="draft_contact").value == ann_id


def test_a_contact_link_opens_a_new_ask_for_that_contact(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    ann_id = ann(app_ws)
    at = link_to(open_page("dashboard"), "asks", contact=ann_id)
    assert not at.exception and not at.error
    assert at.selectbox(key="ask_pick").value == "new"
    assert at.selectbox(key="ask_contact_new").value == ann_id
    assert "contact" not in at.query_params


# --- requests ----------------------------------------------------------------------------


def test_an_accepted_request_shows_its_decision_not_a_recommendation(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    ann(app_ws)
    r = help_requests.add(app_ws, help_requests.RequestInput(contact="Ann Example", kind="help"))
    help_requests.accept(app_ws, r.id)
    at = open_page("requests")
    assert not at.exception and not at.error
    shown = [b.value for b in (*at.success, *at.info, *at.warning)]
    assert not any(s.startswith("Recommendation") for s in shown)
    decided = help_requests.decide(app_ws, r.id).request.decision
    assert plain(f"Accepted: {decided}") in shown
    (table,) = frames(at, "Recommendation")
    assert table["Recommendation"].tolist() == [""] and table["Status"].tolist() == ["Accepted"]


def test_a_request_link_selects_it_and_the_decline_draft_opens_outreach(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    ann_id = ann(app_ws)
    first = help_requests.add(app_ws, help_requests.RequestInput(contact=ann_id, kind="help"))
    second = help_requests.add(app_ws, help_requests.RequestInput(contact=ann_id, kind="link"))
    help_requests.decline(app_ws, first.id)
    at = link_to(open_page("dashboard"), "requests", request=first.id)
    assert not at.exception and not at.error
    assert at.selectbox(key="request_pick").value == first.id != second.id
    at.button(key="request_draft_decline").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Outreach"]
    assert at.selectbox(key="draft_template").value == "decline_request"
    assert at.selectbox(key="draft_contact").value == ann_id


def test_a_request_is_edited_and_deleted_on_the_page(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    ann(app_ws)
    r = help_requests.add(app_ws, help_requests.RequestInput(contact="Ann Example", kind="help"))
    at = open_page("requests")
    at.text_input(key=f"request_edit_title_{r.id}").input("Review my pricing page")
    at.button(key=f"request_edit_save_{r.id}").click().run()
    assert not at.exception and not at.error
    assert help_requests.decide(app_ws, r.id).request.title == "Review my pricing page"
    sure = at.checkbox(key=f"request_delete_sure_{r.id}")
    assert sure.label == f"Yes, delete request #{r.id}"
    sure.check().run()
    at.button(key="request_delete").click().run()
    assert not at.exception and not at.error
    assert help_requests.review(app_ws) == []


def test_recording_the_same_request_twice_records_one(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    ann(app_ws)
    at = open_page("requests")
    for _ in range(2):
        at.selectbox(key="request_contact").select("Ann Example")
        at.selectbox(key="request_kind").select("help")
        at.text_input(key="request_title").input("Review my page")
        at.button(key="request_submit").click().run()
        assert not at.exception and not at.error
    (only,) = help_requests.review(app_ws)
    assert at.selectbox(key="request_pick").value == only.id


# --- the Plan's gives --------------------------------------------------------------------


def test_a_saved_new_give_is_picked_and_can_be_deleted(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    ann(app_ws)
    at = open_page("plan")
    at.selectbox(key="give_contact_new").select("Ann Example")
    at.selectbox(key="give_kind_new").select("link")
    at.text_input(key="give_title_new").input("Link to Ann")
    at.button(key="give_submit_new").click().run()
    assert not at.exception and not at.error
    (give,) = gives.list_gives(app_ws)
    assert at.selectbox(key="give_pick").value == give.id
    at.button(key=f"give_submit_{give.id}").click().run()  # a second click edits it
    assert len(gives.list_gives(app_ws)) == 1
    at.checkbox(key=f"give_delete_sure_{give.id}").check().run()
    at.button(key="give_delete").click().run()
    assert not at.exception and not at.error
    assert gives.list_gives(app_ws) == []


def test_plan_links_open_a_give_or_a_new_give_for_a_contact(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    ann_id = ann(app_ws)
    contacts.add(app_ws, contacts.ContactInput(name="Bo Berg", tier="active"))
    give = gives.add(app_ws, gives.GiveInput(kind="share", due=TODAY, status=GiveStatus.PLANNED))
    at = link_to(open_page("dashboard"), "plan", give=give.id)
    assert not at.exception and not at.error
    assert at.selectbox(key="give_pick").value == give.id
    at = link_to(open_page("dashboard"), "plan", contact=ann_id)
    assert not at.exception and not at.error
    assert at.selectbox(key="give_pick").value == "new"
    assert at.selectbox(key="give_contact_new").value == "Ann Example"


def test_a_link_to_an_unknown_contact_or_ask_opens_the_page_as_usual(
    app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = link_to(open_page("dashboard"), "asks", contact=999, kind="share")
    assert not at.exception and not at.error
    assert at.selectbox(key="ask_pick").value == "new"
    assert at.selectbox(key="ask_contact_new").value is None  # the audience
    at = link_to(open_page("dashboard"), "asks", ask=999)
    assert not at.exception and not at.error
    assert at.selectbox(key="ask_pick").value == "new"
