"""THREATS C5 as written: the import service is all-or-nothing, and duplicates are named.

tests/outreach/test_outreach_csv.py proves the file checks (C1-C4) and
tests/services/test_outreach_services.py the undo and the refusal of a clash found mid-commit. This
runs the row's own example through the service the page and `planner contacts import` use.
"""

from __future__ import annotations

from planner.services import Workspace, contacts, imports
from planner.services.contacts import ContactInput

ROWS = (
    b"name,email\r\n"
    b"Ann,a@x.example\r\n"
    b"Bob,b@x.example\r\n"
    b"Ann Again,A@X.EXAMPLE\r\n"  # line 4: the same address as line 2, other case
    b"Cy,c@x.example\r\n"
)


def test_a_duplicate_inside_the_file_refuses_the_whole_file(ws: Workspace) -> None:
    contacts.add(ws, ContactInput(name="Already Here"))
    result = imports.import_contacts(ws, ROWS)
    assert not result.ok
    assert [(p.line, p.column) for p in result.problems] == [(4, "email")]
    assert "line 2" in result.problems[0].problem
    assert "nothing was changed" in result.describe()
    assert [c.name for c in contacts.list_contacts(ws)] == ["Already Here"]


def test_a_dry_run_of_a_good_file_writes_nothing(ws: Workspace) -> None:
    good = ROWS.replace(b"Ann Again,A@X.EXAMPLE\r\n", b"")
    preview = imports.import_contacts(ws, good, dry_run=True)
    assert preview.ok and preview.added == 3
    assert contacts.count(ws) == 0 and imports.last_import(ws) is None


def test_duplicates_of_stored_contacts_are_skipped_and_named(ws: Workspace) -> None:
    contacts.add(ws, ContactInput(name="Bobby", email="b@x.example"))
    good = ROWS.replace(b"Ann Again,A@X.EXAMPLE\r\n", b"")
    result = imports.import_contacts(ws, good, on_duplicate="skip")
    assert result.ok and result.added == 2
    assert result.skipped == ["line 3: Bob (matches Bobby)"]
    assert sorted(c.name for c in contacts.list_contacts(ws)) == ["Ann", "Bobby", "Cy"]
