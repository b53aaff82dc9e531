"""The Contacts page's tables, built by the service: balances joined, terms explained."""

from __future__ import annotations

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
    assert timeline[["direction", "kind"]].values.tolist() == [["gave", "mention"]]
    explained = contact_tables.explain_table(ws, ada.id)
    assert explained.columns.tolist() == contact_tables.EXPLAIN_COLUMNS
    assert explained["decay"].tolist() == [1.0] and explained["value"].iloc[0] > 0
    [balance] = contact_tables.contacts_table(ws, [ada])["balance"].tolist()
    assert balance == round(explained["value"].sum(), 1)


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
