"""contacts.resolve: by id, by name (any case, archived too), by alias (active contacts only),
in SQL on SQLite and PostgreSQL; what a write by name costs does not grow with the contacts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, update

from planner.errors import NotFound
from planner.services import Workspace, contacts, gives
from planner.services.contacts import ContactInput, resolve
from planner.services.gives import GiveInput
from planner.storage.schema import ContactRow


def _id(ws: Workspace, name_or_id: str | int) -> int:
    with ws.read() as s:
        return resolve(s, name_or_id).id


def test_a_contact_is_found_by_id_name_or_alias_in_any_case(ws: Workspace) -> None:
    ada = contacts.add(ws, ContactInput(name="Ada Lovelace", aliases="Countess|A. King"))
    grace = contacts.add(ws, ContactInput(name="Grace Hopper", aliases="Amazing Grace"))
    assert _id(ws, ada.id) == _id(ws, str(ada.id)) == ada.id
    assert _id(ws, "  ada LOVELACE ") == ada.id
    assert _id(ws, "countess") == _id(ws, "a. king") == ada.id
    assert _id(ws, "AMAZING GRACE") == grace.id
    with pytest.raises(NotFound, match="Amazing"):
        _id(ws, "Amazing")


def test_a_name_finds_an_archived_contact_an_alias_does_not(ws: Workspace) -> None:
    old = contacts.add(ws, ContactInput(name="Old Friend", aliases="Buddy"))
    contacts.set_archived(ws, old.id)
    assert _id(ws, "old friend") == old.id
    with pytest.raises(NotFound):
        _id(ws, "buddy")
    new = contacts.add(ws, ContactInput(name="New Friend", aliases="Buddy"))
    assert _id(ws, "BUDDY") == new.id


def test_an_alias_with_letters_beyond_ascii_matches_in_any_case(ws: Workspace) -> None:
    emile = contacts.add(ws, ContactInput(name="Emile Zola", aliases="ÉMILE|Zoë"))
    assert _id(ws, "émile") == _id(ws, "ZOË") == emile.id


def test_aliases_that_are_no_list_are_no_aliases(ws: Workspace) -> None:
    odd = contacts.add(ws, ContactInput(name="Odd One"))
    with ws.write() as s:
        s.execute(update(ContactRow).where(ContactRow.id == odd.id).values(aliases=None))
    target = contacts.add(ws, ContactInput(name="Target", aliases="Aim"))
    assert _id(ws, "aim") == target.id
    with pytest.raises(NotFound):
        _id(ws, "nobody")


def test_adding_a_give_by_name_reads_one_contact_not_all(ws: Workspace) -> None:
    for i in range(30):
        contacts.add(ws, ContactInput(name=f"Someone {i}"))
    contacts.add(ws, ContactInput(name="Target", aliases="Aim"))
    statements: list[str] = []

    def record(_c: object, _cur: object, sql: str, *_rest: object) -> None:
        statements.append(" ".join(sql.split()))

    event.listen(ws.engine, "before_cursor_execute", record)
    try:
        by_name = gives.add(ws, GiveInput(kind="intro", contact="target", status="done"))
        by_alias = gives.add(ws, GiveInput(kind="intro", contact="AIM"))
    finally:
        event.remove(ws.engine, "before_cursor_execute", record)
    assert by_name.contact == by_alias.contact == "Target"
    reading_contacts = [s for s in statements if s.startswith("SELECT") and "FROM contacts" in s]
    searches = [s for s in reading_contacts if not re.search(r"WHERE contacts\.id = \S+$", s)]
    # by name (found); by name (missed), then by alias; besides, one contact by its key at a
    # time (the view's name, the ledger row's contact); never every contact's name or row
    assert len(searches) == 3, searches
    assert all(" WHERE " in s for s in reading_contacts), reading_contacts
    assert len(statements) <= 25, statements
