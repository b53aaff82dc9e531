"""Reading the IMAP account (the real Dovecot of tests/mail/servers.py): INBOX and Sent,
incrementally by UIDVALIDITY and last UID; a reply to a sent ask marks it replied."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from planner.services import Workspace, asks, mail_read, mail_settings, outbox
from planner.storage.schema import ExchangeRow, MailFolderRow
from tests.mail.servers import MailServers
from tests.services.mail_world import ANN, BOB, ME, World, ask_draft, make_world


@pytest.fixture
def world(ws: Workspace) -> World:
    return make_world(ws)


def reply(message_id: str, *, sender: str = ANN, subject: str = "Re: your launch") -> bytes:
    return (
        f"From: Ann Lee <{sender}>\r\nTo: {ME}\r\nSubject: {subject}\r\n"
        f"Date: Wed, 25 Nov 2026 11:00:00 +0000\r\n"
        f"Message-ID: <reply-{abs(hash(message_id)) % 10_000}@example.test>\r\n"
        f"In-Reply-To: {message_id}\r\nReferences: {message_id}\r\n\r\nHappy to!\r\n"
    ).encode()


def exchanges_of(ws: Workspace) -> list[tuple[int, str, str]]:
    with ws.read() as s:
        rows = s.scalars(select(ExchangeRow).order_by(ExchangeRow.id))
        return [(e.contact_id, e.direction, e.message_id) for e in rows]


def test_a_reply_in_the_inbox_marks_the_sent_ask_replied_and_a_second_read_adds_nothing(
    ws: Workspace, world: World, mail_servers: MailServers
) -> None:
    mail_settings.save(ws, mail_servers.mail_config())
    row = outbox.queue(ws, ask_draft(ws, world.ann, world.ready_ask), ask_id=world.ready_ask)
    assert outbox.send(ws, row.id).outcome == "sent"
    assert asks.get(ws, world.ready_ask).status == "sent"
    mail_servers.put_in_inbox(reply(row.message_id))
    report = mail_read.read_mailbox(ws)
    inbox, sent = report.folders
    assert (inbox.folder, inbox.from_start, sent.folder) == ("INBOX", True, "Sent")
    assert inbox.summary is not None and sent.summary is not None
    assert (inbox.summary.read, inbox.summary.added, inbox.summary.replies) == (1, 1, 1)
    # the copy the app put into Sent is the exchange recorded when it was sent
    assert (sent.summary.read, sent.summary.added, sent.summary.known) == (1, 0, 1)
    assert report.line() == f"INBOX: {inbox.summary.line()}; Sent: {sent.summary.line()}"
    assert asks.get(ws, world.ready_ask).status == "replied"
    assert [(c, d) for c, d, _ in exchanges_of(ws)] == [
        (world.ann, "sent"),
        (world.ann, "received"),
    ]
    with ws.read() as s:
        states = {f.folder: (f.account, f.last_uid) for f in s.scalars(select(MailFolderRow))}
    account = mail_servers.imap_server().label()
    assert states == {"INBOX": (account, 1), "Sent": (account, 1)}
    again = mail_read.read_mailbox(ws)
    assert [(f.summary.read, f.summary.added) for f in again.folders if f.summary] == [
        (0, 0),
        (0, 0),
    ]
    assert len(exchanges_of(ws)) == 2


def test_only_new_messages_are_fetched_and_a_new_uidvalidity_reads_all_again(
    ws: Workspace, world: World, mail_servers: MailServers
) -> None:
    mail_settings.save(ws, mail_servers.mail_config())
    mail_servers.put_in_inbox(reply("<a@x>", subject="one"))
    first = mail_read.read_mailbox(ws).folders[0].summary
    assert first is not None and (first.read, first.added) == (1, 1)
    mail_servers.put_in_inbox(reply("<b@x>", sender=BOB, subject="two"))
    mail_servers.put_in_inbox(reply("<c@x>", sender="stranger@else.test", subject="three"))
    second = mail_read.read_mailbox(ws).folders[0].summary
    assert second is not None
    assert (second.read, second.added, second.not_about_contact) == (2, 1, 1)
    # the server renumbered the folder: everything is read again, nothing is added
    with ws.write() as s:
        s.execute(update(MailFolderRow).values(uidvalidity=1))
    third = mail_read.read_mailbox(ws).folders[0]
    assert third.from_start and third.summary is not None
    assert (third.summary.read, third.summary.added, third.summary.known) == (3, 0, 2)
    assert len(exchanges_of(ws)) == 2


def test_a_missing_sent_folder_is_a_note_and_the_inbox_is_still_read(
    ws: Workspace, world: World, mail_servers: MailServers
) -> None:
    mail_settings.save(ws, mail_servers.mail_config(sent_folder="Sent Items"))
    mail_servers.put_in_inbox(reply("<a@x>"))
    report = mail_read.read_mailbox(ws)
    inbox, sent = report.folders
    assert inbox.summary is not None and inbox.summary.added == 1
    assert sent.summary is None and "no folder 'Sent Items'" in sent.note
    assert report.line().endswith("; Sent Items: " + sent.note)
