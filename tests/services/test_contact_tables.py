"""The Contacts page's tables, built by the service: balances joined, terms explained."""

from __future__ import annotations

from planner.domain import words
from planner.services import Workspace, contact_tables, contacts, ledger
from planner.services.contacts import ContactInput
from planner.services.ledger import LedgerInput
from tests.conftest import TODAY


def test_a_contact_with_nothing_logged_has_balance_zero_and_is_new(ws: Workspace) -> None:
    ada = contacts.add(ws, ContactInput(name="Ada Lovelace", domains="ada.example"))
    table = contact_tables.contacts_table(ws, [ada])
    assert table.columns.tolist() == contact_tables.CONTACT_COLUMNS
    row = table.iloc[0]
    assert (row["name"], row["balance"], row["trust"]) == ("Ada Lovelace", 0.0, "new")
    assert row["domains"] == "ada.example"


def test_the_timeline_and_the_explained_terms_of_one_give(ws: Workspace) -> None:
    ada = contacts.add(ws, ContactInput(name="Ada Lovelace"))
    ledger.add(
        ws,
        LedgerInput(contact="Ada Lovelace", direction="gave", kind="mention", occurred_on=TODAY),
    )
    timeline = contact_tables.timeline_table(ws, ada.id)
    assert timeline[["Date", "Direction", "Kind", "Source"]].values.tolist() == [
        [words.day(TODAY), "I gave", "Mention", "Typed in"]
    ]
    explained = contact_tables.explain_table(ws, ada.id)
    assert explained.columns.tolist() == contact_tables.EXPLAIN_COLUMNS
    assert explained["Decay"].tolist() == [1.0] and float(explained["Value"].iloc[0]) > 0
    assert explained[["Direction", "Kind"]].values.tolist() == [["I gave", "Mention"]]
    [balance] = contact_tables.contacts_table(ws, [ada])["balance"].tolist()
    assert words.points(balance) == explained["Value"].iloc[0]


def test_the_contacts_table_on_screen_speaks_words_and_the_download_keeps_codes(
    ws: Workspace,
) -> None:
    ada = contacts.add(ws, ContactInput(name="Ada Lovelace", tier="deep"))
    for _ in range(3):
        ledger.add(
            ws,
            LedgerInput(contact=ada.id, direction="gave", kind="interview", occurred_on=TODAY),
        )
    table = contact_tables.contacts_table(ws, [ada])
    assert (table["tier"].iloc[0], table["trust"].iloc[0]) == ("deep", "new")
    shown = contact_tables.shown_contacts(table)
    assert "reciprocity_ratio" not in shown.columns and "tier" not in shown.columns
    row = shown.iloc[0]
    assert (row["Name"], row["Tier"], row["Trust"]) == ("Ada Lovelace", "Close", "New")
    assert row["Balance"] == words.points(table["balance"].iloc[0])
    assert len(row["Balance"].split(".")[1]) == 1  # one decimal, never 10.877


def test_the_tier_help_explains_every_tier_with_its_cadence() -> None:
    text = contact_tables.tier_help({"cell": 7, "deep": 30, "active": 60, "network": 180})
    lines = text.split("\n\n")
    assert lines == [
        "Inner circle: the handful of people you would call first; in touch every 7 days",
        "Close: close peers you work with often; in touch every 30 days",
        "Active: people you exchange with now and then; in touch every 60 days",
        "Network: everyone else you know; in touch every 180 days",
    ]
    assert contact_tables.trust_line("acquainted") == "Acquainted: favours have gone both ways"


def test_empty_tables_keep_their_columns(ws: Workspace) -> None:
    ada = contacts.add(ws, ContactInput(name="Ada Lovelace"))
    assert contact_tables.contacts_table(ws, []).empty
    assert contact_tables.timeline_table(ws, ada.id).columns.tolist() == (
        contact_tables.TIMELINE_COLUMNS
    )


def test_the_contacts_table_is_paged_by_the_database_after_the_filters(ws: Workspace) -> None:
    for i in range(7):
        contacts.add(ws, ContactInput(name=f"Person {i}", tier="deep" if i % 2 else "network"))
    contacts.add(ws, ContactInput(name="Tagged One", tags="podcast-guest", aliases="Zoë"))
    first = contact_tables.contacts_page(ws, per_page=3)
    assert (first.total, first.pages, first.page) == (8, 3, 1)
    assert first.table["name"].tolist() == ["Person 0", "Person 1", "Person 2"]
    assert first.table.columns.tolist() == contact_tables.CONTACT_COLUMNS
    last = contact_tables.contacts_page(ws, per_page=3, page=9)  # past the end: the last
    assert (last.page, last.table["name"].tolist()) == (3, ["Person 6", "Tagged One"])
    deep = contact_tables.contacts_page(ws, tiers=["deep"], per_page=2, page=2)
    assert (deep.total, deep.table["name"].tolist()) == (3, ["Person 5"])
    for needle in ("PODCAST-G", "zoë", "person 3"):
        found = contact_tables.contacts_page(ws, search=needle)
        assert found.total == len(found.table) == 1, needle
    assert contact_tables.contacts_page(ws, search="%").total == 0
    everything = contact_tables.contacts_csv_table(ws, search="person")
    assert len(everything) == 7
    empty = contact_tables.contacts_page(ws, search="nobody")
    assert (empty.total, empty.pages, empty.first_id) == (0, 1, None)
