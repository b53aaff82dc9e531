"""Ledger rows edited and deleted (and added back), the table in words, reach as typed."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from planner.domain import words
from planner.errors import InvalidInput, NotFound
from planner.services import Workspace, balances, contacts, ledger, validate
from planner.services.contacts import ContactInput
from planner.services.ledger import LedgerInput
from planner.services.ledger_tables import LedgerFilter, every_row, page_of, row_label, shown
from tests.conftest import TODAY


def _two(ws: Workspace) -> tuple[int, int]:
    ada = contacts.add(ws, ContactInput(name="Ada Lovelace", reach=1000))
    bob = contacts.add(ws, ContactInput(name="Bob Marley", reach=1000))
    return ada.id, bob.id


def test_an_edit_changes_every_field_and_moves_the_balance(ws: Workspace) -> None:
    ada, bob = _two(ws)
    row = ledger.add(
        ws, LedgerInput(contact=ada, direction="gave", kind="mention", occurred_on=TODAY)
    )
    before = balances.balance_of(ws, ada).balance
    assert before > 0
    edited = ledger.update(
        ws,
        row.id,
        LedgerInput(
            contact=bob,
            direction="received",
            kind="interview",
            occurred_on=TODAY - timedelta(days=3),
            magnitude=2.0,
            note="they had me on",
            title="Episode 7",
            link="https://pod.example/7",
        ),
    )
    assert (edited.id, edited.contact_id, edited.direction, edited.kind) == (
        row.id,
        bob,
        "received",
        "interview",
    )
    assert (edited.occurred_on, edited.magnitude, edited.note, edited.title, edited.link) == (
        TODAY - timedelta(days=3),
        2.0,
        "they had me on",
        "Episode 7",
        "https://pod.example/7",
    )
    assert ledger.get(ws, row.id) == edited
    assert balances.balance_of(ws, ada).balance == 0
    assert balances.balance_of(ws, bob).balance < 0  # received: I owe them now


def test_a_bad_edit_is_refused_and_changes_nothing(ws: Workspace) -> None:
    ada, _ = _two(ws)
    row = ledger.add(
        ws, LedgerInput(contact=ada, direction="gave", kind="mention", occurred_on=TODAY)
    )
    bad = replace(ledger.as_input(row), link="javascript:alert(1)")
    with pytest.raises(InvalidInput, match="link"):
        ledger.update(ws, row.id, bad)
    assert ledger.get(ws, row.id) == row
    with pytest.raises(NotFound):
        ledger.update(ws, 99_999, ledger.as_input(row))


def test_a_deleted_row_can_be_added_back_as_it_was(ws: Workspace) -> None:
    ada, _ = _two(ws)
    row = ledger.add(
        ws,
        LedgerInput(contact=ada, direction="gave", kind="intro", occurred_on=TODAY, note="to Bob"),
    )
    balance = balances.balance_of(ws, ada).balance
    gone = ledger.delete(ws, row.id)
    assert gone == row and ledger.list_interactions(ws) == []
    back = ledger.add(ws, ledger.as_input(gone))
    assert replace(back, id=row.id) == row
    assert balances.balance_of(ws, ada).balance == balance


def test_the_table_on_screen_is_in_words_and_the_download_keeps_codes(
    demo_ws: Workspace,
) -> None:
    frame = page_of(demo_ws, LedgerFilter(), size=1000).frame
    words_frame = shown(frame)
    assert list(words_frame.columns) == [
        "Id",
        "Date",
        "Contact",
        "Direction",
        "Kind",
        "Magnitude",
        "Points",
        "Points today",
        "Source",
        "Title",
        "Link",
        "Note",
    ]
    assert set(words_frame["Direction"]) == {"I gave", "I received"}
    assert not set(words_frame["Kind"]) & {"guest_post", "follow_up", "free_report"}
    assert "My audience" in set(words_frame["Contact"])
    assert all("T" not in d and "-" not in d for d in words_frame["Date"])
    assert all(len(p.split(".")[1]) == 1 for p in words_frame["Points today"])
    first = frame.iloc[0]
    assert words_frame["Date"].iloc[0] == words.day(
        ledger.get(demo_ws, int(first["id"])).occurred_on
    )
    assert row_label(words_frame.iloc[0]).startswith(f"#{first['id']} · ")
    assert list(every_row(demo_ws, LedgerFilter()).columns)[:6] == [
        "id",
        "date",
        "contact",
        "audience",
        "direction",
        "kind",
    ]


@pytest.mark.parametrize(
    ("typed", "reach"),
    [
        ("12000", 12_000),
        ("12,000", 12_000),
        ("12 000", 12_000),
        ("12k", 12_000),
        ("12K", 12_000),
        ("1.2M", 1_200_000),
        ("0.5k", 500),
        ("", None),
    ],
)
def test_reach_as_people_write_it(typed: str, reach: int | None) -> None:
    assert validate.reach(typed) == reach


@pytest.mark.parametrize("typed", ["lots", "12x", "k", "-5", "1.5", "1.2345k"])
def test_a_reach_that_is_no_audience_size_names_the_field_and_the_value(typed: str) -> None:
    with pytest.raises(InvalidInput, match="reach") as refused:
        validate.reach(typed)
    assert repr(typed) in str(refused.value)
