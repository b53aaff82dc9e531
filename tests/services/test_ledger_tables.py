"""The Ledger page's table: filtered, counted and paged by the database."""

from __future__ import annotations

from datetime import date, timedelta

from planner.services import Workspace, contacts, ledger
from planner.services.ledger_tables import LedgerFilter, every_row, page_of


def test_a_page_holds_the_newest_rows_matching_the_filter(demo_ws: Workspace) -> None:
    since = demo_ws.today() - timedelta(days=365)
    f = LedgerFilter(direction="gave", kinds=("mention", "interview"), since=since)
    expected = ledger.list_interactions(
        demo_ws, direction="gave", kinds=("mention", "interview"), since=since
    )
    assert page_of(demo_ws, f).total == len(expected) > 3

    first = page_of(demo_ws, f, page=1, size=3)
    assert (first.total, first.page, first.pages) == (len(expected), 1, -(-len(expected) // 3))
    assert first.frame["id"].tolist() == [i.id for i in expected[:3]]
    last = page_of(demo_ws, f, page=99, size=3)  # past the end: the last page
    assert last.page == last.pages
    assert last.frame["id"].tolist() == [i.id for i in expected[(last.pages - 1) * 3 :]]
    assert every_row(demo_ws, f)["id"].tolist() == [i.id for i in expected]


def test_one_contacts_rows_and_the_audience_rows(demo_ws: Workspace) -> None:
    someone = contacts.list_contacts(demo_ws)[0]
    theirs = page_of(demo_ws, LedgerFilter(contact_id=someone.id), size=1000).frame
    assert set(theirs["contact"]) == {someone.name}
    assert len(theirs) == len(ledger.list_interactions(demo_ws, contact_id=someone.id))
    audience = page_of(demo_ws, LedgerFilter(audience=True), size=1000).frame
    assert len(audience) == len(ledger.list_interactions(demo_ws, audience=True)) > 0
    assert audience["audience"].all() and set(audience["contact"]) == {""}


def test_values_are_decayed_as_of_the_day_asked(demo_ws: Workspace) -> None:
    half_life = demo_ws.settings().half_life_days
    row = page_of(demo_ws, LedgerFilter(), size=1).frame.iloc[0]
    later = date.fromisoformat(row["date"]) + timedelta(days=round(half_life))
    aged = page_of(demo_ws, LedgerFilter(), size=1, as_of=later).frame.iloc[0]
    assert aged["id"] == row["id"]
    assert abs(aged["value"] - row["base"] * 2 ** (-round(half_life) / half_life)) < 1e-3


def test_an_empty_ledger_is_one_empty_page(ws: Workspace) -> None:
    empty = page_of(ws, LedgerFilter())
    assert (empty.total, empty.page, empty.pages, len(empty.frame)) == (0, 1, 1, 0)
    assert list(empty.frame.columns)[:3] == ["id", "date", "contact"]
