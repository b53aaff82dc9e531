"""`planner export exchanges`: the issue's columns, mail text kept as data."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from planner.domain.mail import MailHeaders
from planner.services import Workspace, contacts, exchanges, settings
from tests.conftest import run_cli as run


def test_export_exchanges_columns_and_rows(
    capsys: pytest.CaptureFixture[str], ws: Workspace, db_url: str
) -> None:
    settings.save_profile(ws, name="Me", email="me@example.org")
    contacts.add(ws, contacts.ContactInput(name="Ada", email="ada@x.org"))
    mail = MailHeaders(
        "<q@x>",
        '=HYPERLINK("x")',
        datetime(2026, 11, 20, 8, 30),
        ("ada@x.org",),
        ("me@example.org",),
    )
    exchanges.record(ws, [mail], source="mbox")
    code, out, _ = run(capsys, db_url, "export", "exchanges")
    assert code == 0
    reader = csv.DictReader(io.StringIO(out))
    assert reader.fieldnames == [
        "contact",
        "date",
        "direction",
        "subject",
        "message_id",
        "in_reply_to",
        "about",
    ]
    (row,) = list(reader)
    assert (row["contact"], row["date"], row["direction"], row["message_id"], row["about"]) == (
        "Ada",
        "2026-11-20 08:30:00",
        "received",
        "<q@x>",
        "",
    )
    # a formula from a mail subject is not left live for a spreadsheet
    assert not row["subject"].startswith("=")
