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
