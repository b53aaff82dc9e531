"""The mail tables in a backup and in the demo's removal: an outbox message's bytes come
back byte for byte, exchanges and the outbox of demo contacts go with them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from planner.domain.mail import MailHeaders
from planner.services import Workspace, backup, contacts, demo, exchanges, open_workspace, settings
from planner.storage.schema import ContactRow, ExchangeRow, OutboxRow
from tests.conftest import fixed_clock

WHEN = datetime(2026, 11, 20, 8, 30)
#: Not UTF-8, a NUL, CRLF and a backslash first: what a CSV cell must carry exactly.
RAW = b"\\\x00\xff\xfeSubject: caf\xc3\xa9\r\n\r\nbody\r\n"


def _outbox(ws: Workspace, contact_id: int) -> None:
    with ws.write() as s:
        s.add(
            OutboxRow(
                contact_id=contact_id,
                to_addr="ada@x.org",
                subject="café",
                message=RAW,
                message_id="<o1@give-first>",
                created_at=WHEN,
            )
        )


def test_outbox_bytes_and_exchanges_survive_a_backup(ws: Workspace, tmp_path: Path) -> None:
    settings.save_profile(ws, name="Me", email="me@example.org")
    ada = contacts.add(ws, contacts.ContactInput(name="Ada", email="ada@x.org"))
    _outbox(ws, ada.id)
    mail = MailHeaders("<m@x>", "hi", WHEN, ("ada@x.org",), ("me@example.org",))
    exchanges.record(ws, [mail], source="mbox")
    data = backup.create_backup(ws)
    # restored into SQLite whatever made it (a PostgreSQL backup restores there too)
    target = open_workspace(f"sqlite:///{tmp_path / 'restored.db'}", clock=fixed_clock())
    try:
        backup.restore_backup(target, data)
        with target.read() as s:
            assert s.scalars(select(OutboxRow.message)).one() == RAW
        assert [(v.contact, v.when, v.subject) for v in exchanges.for_contact(target, ada.id)] == [
            ("Ada", WHEN, "hi")
        ]
    finally:
        target.engine.dispose()


def test_removing_the_demo_removes_its_contacts_mail(demo_ws: Workspace) -> None:
    with demo_ws.read() as s:
        cid = s.scalars(select(ContactRow.id).where(ContactRow.source == "demo").limit(1)).one()
    _outbox(demo_ws, cid)
    with demo_ws.write() as s:
        s.add(
            ExchangeRow(
                contact_id=cid,
                occurred_at=WHEN,
                direction="received",
                message_id="<d@x>",
                created_at=WHEN,
            )
        )
    demo.remove(demo_ws, keep_mine=True)
    with demo_ws.read() as s:
        assert s.scalar(select(func.count()).select_from(ExchangeRow)) == 0
        assert s.scalar(select(func.count()).select_from(OutboxRow)) == 0
