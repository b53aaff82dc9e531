"""The Plan page's tables: a week's gives and ask targets, tiers, losing touch."""

from __future__ import annotations

from datetime import timedelta

from planner.services import Workspace, contacts, gives, plan, plan_tables
from planner.services.contacts import ContactInput
from planner.services.gives import GiveInput
from tests.conftest import TODAY


def test_a_week_lists_its_gives_and_an_overdue_one_says_so(ws: Workspace) -> None:
    contacts.add(ws, ContactInput(name="Ada Lovelace"))
    late = gives.add(
        ws,
        GiveInput(
            kind="mention", contact="Ada Lovelace", due=TODAY - timedelta(days=10), title="late"
        ),
    )
    on_time = gives.add(ws, GiveInput(kind="share", due=TODAY, title="now"))
    table = plan_tables.week_table(plan.calendar(ws, weeks=1)[0])
    assert table.columns.tolist() == plan_tables.WEEK_COLUMNS
    by_id = {row["id"]: row for row in table.to_dict("records")}
    assert by_id[late.id]["status"] == "Overdue" and by_id[late.id]["contact"] == "Ada Lovelace"
    assert by_id[on_time.id]["contact"] == "My audience" and by_id[on_time.id]["what"] == "give"
    # words, not codes: the kind, the status and the day as a person writes them
    assert (by_id[late.id]["kind"], by_id[on_time.id]["kind"]) == ("Mention", "Share")
    assert by_id[on_time.id]["status"] == "Planned"
    assert by_id[on_time.id]["date"] == "25 Nov 2026"


def test_tiers_and_losing_touch_tables_keep_their_columns(ws: Workspace) -> None:
    cap = plan.capacity(ws)
    tiers = plan_tables.tiers_table(cap)
    assert tiers.columns.tolist() == plan_tables.TIER_COLUMNS and len(tiers) == len(cap.tiers)
    touch = plan_tables.losing_touch_table(cap)
    assert touch.columns.tolist() == plan_tables.TOUCH_COLUMNS and touch.empty


def test_the_asks_and_requests_tables_shown_speak_words_and_the_csv_keeps_codes(
    ws: Workspace,
) -> None:
    from planner.services import asks, help_requests, ledger

    contacts.add(ws, ContactInput(name="Ada Lovelace"))
    ledger.add(
        ws,
        ledger.LedgerInput(
            contact="Ada Lovelace", direction="received", kind="link", occurred_on=TODAY
        ),
    )
    asks.add(
        ws,
        asks.AskInput(
            kind="guest_post", contact="Ada Lovelace", target=TODAY, cost="10.877", title=""
        ),
    )
    views = asks.assess(ws)
    (shown,) = plan_tables.asks_shown(views).to_dict("records")
    assert shown["Kind"] == "Guest post" and shown["Title"] == "Guest post"
    assert shown["Cost"] == "10.9" and shown["Target date"] == "25 Nov 2026"
    # she linked to me (I owe her 2): 10.877 + 2 is missing
    assert shown["Readiness"] == "Short by 12.9 points" and shown["Status"] == "Idea"
    assert shown["Of"] == "Ada Lovelace" and shown["Priority"] == "Normal"
    (csv_row,) = plan_tables.asks_table(views).to_dict("records")
    assert (csv_row["kind"], csv_row["cost"], csv_row["readiness"]) == (
        "guest_post",
        10.877,
        "short",
    )
    r = help_requests.add(ws, help_requests.RequestInput(contact="Ada Lovelace", kind="help"))
    (open_row,) = plan_tables.requests_shown(help_requests.review(ws)).to_dict("records")
    assert (open_row["Kind"], open_row["Status"], open_row["Recommendation"]) == (
        "Help",
        "Open",
        "Yes",
    )
    help_requests.accept(ws, r.id)
    reviewed = help_requests.review(ws)
    (accepted,) = plan_tables.requests_shown(reviewed).to_dict("records")
    assert (accepted["Status"], accepted["Recommendation"]) == ("Accepted", "")
    assert accepted["Why"] == "accepted for 25 Nov 2026: you owe them 2.0 points"
    (csv_request,) = plan_tables.requests_table(reviewed).to_dict("records")
    assert (csv_request["status"], csv_request["recommendation"]) == ("accepted", "")
