"""The contact picker's choices: found by the database, a page at a time."""

from __future__ import annotations

from planner.services import Workspace, contacts
from planner.services.contacts import ContactChoice, ContactInput


def _add(ws: Workspace, *names: str) -> dict[str, int]:
    return {n: contacts.add(ws, ContactInput(name=n)).id for n in names}


def test_find_searches_names_in_any_case_ordered_by_name(ws: Workspace) -> None:
    ids = _add(ws, "maya Lindqvist", "Ada Lovelace", "Grace Hopper", "Adam Smith")
    assert contacts.find(ws, "ADA") == [
        ContactChoice(ids["Ada Lovelace"], "Ada Lovelace"),
        ContactChoice(ids["Adam Smith"], "Adam Smith"),
    ]
    assert [c.name for c in contacts.find(ws)] == [
        "Ada Lovelace",
        "Adam Smith",
        "Grace Hopper",
        "maya Lindqvist",
    ]
    assert contacts.find(ws, "  nobody ") == []


def test_find_limits_excludes_and_leaves_archived_out_unless_asked(ws: Workspace) -> None:
    ids = _add(ws, *(f"Person {i:02d}" for i in range(12)))
    assert [c.name for c in contacts.find(ws, "person", limit=3)] == [
        "Person 00",
        "Person 01",
        "Person 02",
    ]
    skipped = [ids["Person 00"], ids["Person 02"]]
    assert [c.name for c in contacts.find(ws, "person", limit=2, exclude=skipped)] == [
        "Person 01",
        "Person 03",
    ]
    contacts.set_archived(ws, ids["Person 01"])
    assert "Person 01" not in {c.name for c in contacts.find(ws, "person")}
    assert "Person 01" in {c.name for c in contacts.find(ws, "person", include_archived=True)}
    assert contacts.count_active(ws) == 11
    assert contacts.count_active(ws, include_archived=True) == 12


def test_find_takes_like_wildcards_literally(ws: Workspace) -> None:
    _add(ws, "100% Podcast", "Plain Name", "snake_case")
    assert [c.name for c in contacts.find(ws, "%")] == ["100% Podcast"]
    assert [c.name for c in contacts.find(ws, "_")] == ["snake_case"]


def test_choices_for_ids_keeps_the_order_given_and_skips_unknown_ids(ws: Workspace) -> None:
    ids = _add(ws, "Ada Lovelace", "Grace Hopper")
    contacts.set_archived(ws, ids["Grace Hopper"])
    wanted = [ids["Grace Hopper"], 999_999, ids["Ada Lovelace"]]
    assert [c.name for c in contacts.choices_for_ids(ws, wanted)] == [
        "Grace Hopper",
        "Ada Lovelace",
    ]
    assert contacts.choices_for_ids(ws, []) == []
    assert contacts.name_of(ws, ids["Ada Lovelace"]) == "Ada Lovelace"
    assert contacts.name_of(ws, 999_999) is None
