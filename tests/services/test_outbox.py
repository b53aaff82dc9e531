"""The outbox: queueing drafts (the readiness rule, the double-click guard) and sending
them through the real test servers (tests/mail/servers.py): the daily limit, a failed
attempt that keeps the message, the ask marked sent, a copy in Sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select, update

from planner.errors import InvalidInput
from planner.services import (
    Workspace,
    asks,
    contacts,
    mail_settings,
    outbox,
    outreach,
    settings,
)
from planner.storage.schema import ExchangeRow, OutboxRow
from tests.conftest import TODAY
from tests.mail.servers import MailServers
from tests.services.mail_world import ANN, ME, World, ask_draft, make_world


@pytest.fixture
def world(ws: Workspace) -> World:
    return make_world(ws)


# --- the queue (no server) ----------------------------------------------------------------


def test_a_queued_draft_keeps_its_message_id_without_the_unsent_marker(
    ws: Workspace, world: World
) -> None:
    draft = ask_draft(ws, world.ann, world.ready_ask)
    row = outbox.queue(ws, draft, ask_id=world.ready_ask)
    sent_id = str(message_from_bytes(draft.eml, policy=policy.default)["Message-ID"])
    assert (row.status, row.message_id, row.ask_id, row.attempts) == (
        "queued",
        sent_id,
        world.ready_ask,
        0,
    )
    assert (row.contact_name, row.to_addr, row.subject) == ("Ann Lee", ANN, draft.subject)
    stored = outbox.message_bytes(ws, row.id)
    assert b"X-Unsent" not in stored and b"X-Unsent: 1" in draft.eml
    assert stored == draft.eml.replace(b"X-Unsent: 1\r\n", b"")
    assert [v.id for v in outbox.list_outbox(ws, status="queued")] == [row.id]
    assert outbox.list_outbox(ws, status="sent") == []


def test_a_double_click_queues_once(ws: Workspace, world: World) -> None:
    first = outbox.queue(ws, ask_draft(ws, world.ann, world.ready_ask), ask_id=world.ready_ask)
    # a second render (a new Message-ID) of the same message within the minute
    again = outbox.queue(ws, ask_draft(ws, world.ann, world.ready_ask), ask_id=world.ready_ask)
    assert again.id == first.id and again.message_id == first.message_id
    # two minutes later the same message is a new one; that very draft queued again, even
    # later, is still that row (its Message-ID is already in the outbox)
    draft = ask_draft(ws, world.ann, world.ready_ask)
    base = ws.clock()
    ws.clock = lambda: base + timedelta(minutes=2)
    later = outbox.queue(ws, draft, ask_id=world.ready_ask)
    ws.clock = lambda: base + timedelta(minutes=5)
    assert later.id != first.id
    assert outbox.queue(ws, draft, ask_id=world.ready_ask).id == later.id
    assert len(outbox.list_outbox(ws)) == 2


def test_a_not_ready_ask_is_refused_unless_anyway(ws: Workspace, world: World) -> None:
    draft = ask_draft(ws, world.bob, world.unready_ask, anyway=True)
    with pytest.raises(outreach.AskNotReady, match="needs trust level acquainted"):
        outbox.queue(ws, draft, ask_id=world.unready_ask)
    assert outbox.list_outbox(ws) == []
    row = outbox.queue(ws, draft, ask_id=world.unready_ask, anyway=True)
    assert row.status == "queued" and row.ask_id == world.unready_ask


def test_a_contact_without_address_is_refused_by_name(ws: Workspace, world: World) -> None:
    cid = contacts.add(ws, contacts.ContactInput(name="Cy NoMail")).id
    draft = outreach.render_draft(ws, "thank_you", cid)
    with pytest.raises(InvalidInput, match="Cy NoMail has no e-mail address"):
        outbox.queue(ws, draft)
    assert outbox.list_outbox(ws) == []


def test_a_batch_of_ready_asks_is_queued_about_each_ask(ws: Workspace, world: World) -> None:
    recipients = outreach.select_ready_asks(ws)
    assert [r.ask_id for r in recipients] == [world.ready_ask]
    batch = outreach.render_drafts(ws, "ask_share", recipients)
    queued = outbox.queue_batch(ws, batch, recipients)
    assert [(v.contact_id, v.ask_id) for v in queued.queued] == [(world.ann, world.ready_ask)]
    assert queued.problems == []


def test_cancel_takes_a_queued_message_back(ws: Workspace, world: World) -> None:
    row = outbox.queue(ws, ask_draft(ws, world.ann, world.ready_ask), ask_id=world.ready_ask)
    assert outbox.cancel(ws, row.id).status == "cancelled"
    assert outbox.list_outbox(ws, status="queued") == []
    assert asks.get(ws, world.ready_ask).status == "planned"


def test_sending_without_an_smtp_account_says_where_to_set_it(
    ws: Workspace, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = outbox.queue(ws, ask_draft(ws, world.ann, world.ready_ask), ask_id=world.ready_ask)
    with pytest.raises(InvalidInput, match="no SMTP server is set"):
        outbox.send(ws, row.id)
    assert outbox.get(ws, row.id).status == "queued"
    assert outbox.remaining_today(ws) == 15 and outbox.sent_today(ws) == 0


# --- sending through the real servers ------------------------------------------------------


def _account(ws: Workspace, servers: MailServers, **kw: object) -> None:
    mail_settings.save(ws, servers.mail_config(**kw))


def _message_id(raw: bytes) -> str:
    return str(message_from_bytes(raw, policy=policy.default)["Message-ID"])


def test_a_ready_asks_draft_is_sent_recorded_and_copied_to_sent(
    ws: Workspace, world: World, mail_servers: MailServers
) -> None:
    _account(ws, mail_servers)
    row = outbox.queue(ws, ask_draft(ws, world.ann, world.ready_ask), ask_id=world.ready_ask)
    result = outbox.send(ws, row.id)
    assert result.outcome == "sent" and result.warning == ""
    assert result.line() == f"sent to Ann Lee <{ANN}> — Message-ID {row.message_id}"
    [got] = mail_servers.received
    assert (got.mail_from, got.rcpt_tos) == (ME, (ANN,))
    assert _message_id(got.data) == row.message_id
    sent_header = message_from_bytes(got.data, policy=policy.default)
    assert sent_header["X-Unsent"] is None
    assert sent_header["Date"].datetime == datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    after = outbox.get(ws, row.id)
    assert (after.status, after.sent_at, after.attempts, after.last_error) == (
        "sent",
        ws.now(),
        1,
        None,
    )
    ask = asks.get(ws, world.ready_ask)
    assert (ask.status, asks.assess_one(ws, world.ready_ask).sent_on) == ("sent", TODAY)
    with ws.read() as s:
        exchanges = list(s.scalars(select(ExchangeRow)))
    assert [(e.contact_id, e.direction, e.message_id, e.ask_id) for e in exchanges] == [
        (world.ann, "sent", row.message_id, world.ready_ask)
    ]
    [copy] = mail_servers.messages_in("Sent")
    assert _message_id(copy) == row.message_id
    assert (outbox.sent_today(ws), outbox.remaining_today(ws)) == (1, 14)
    # never twice: the same message again is skipped, nothing more goes out; so is one a
    # concurrent send has claimed
    other = outbox.queue(ws, outreach.render_draft(ws, "thank_you", world.ann))
    with ws.write() as s:
        s.execute(update(OutboxRow).where(OutboxRow.id == other.id).values(status="sending"))
    assert outbox.send(ws, other.id).outcome == "skipped"
    assert outbox.send_queued(ws).lines() == ["nothing queued to send"]
    assert outbox.cancel(ws, other.id).status == "cancelled"
    again = outbox.send(ws, row.id)
    assert again.outcome == "skipped" and "is sent, not queued" in again.sentence
    assert len(mail_servers.received) == 1


def test_the_daily_limit_leaves_the_rest_queued_for_tomorrow(
    ws: Workspace, world: World, mail_servers: MailServers
) -> None:
    _account(ws, mail_servers, daily_limit=2, save_to_sent=False)
    rows = [
        outbox.queue(ws, outreach.render_draft(ws, name, world.ann))
        for name in ("thank_you", "follow_up", "help_offer")
    ]
    report = outbox.send_queued(ws)
    assert [r.outcome for r in report.results] == ["sent", "sent"]
    assert report.limit_note == "daily limit of 2 reached: 1 left queued for tomorrow"
    assert report.lines()[-1] == "queued: daily limit of 2 reached: 1 left queued for tomorrow"
    assert [outbox.get(ws, r.id).status for r in rows] == ["sent", "sent", "queued"]
    assert len(mail_servers.received) == 2 and mail_servers.messages_in("Sent") == []
    one = outbox.send(ws, rows[2].id)
    assert (one.outcome, one.sentence) == (
        "queued",
        "daily limit of 2 reached: 1 left queued for tomorrow",
    )
    # the next day the limit starts again
    base = ws.clock()
    ws.clock = lambda: base + timedelta(days=1)
    assert outbox.remaining_today(ws) == 2
    assert [r.outcome for r in outbox.send_queued(ws).results] == ["sent"]
    assert outbox.list_outbox(ws, status="queued") == []


def test_a_wrong_password_keeps_the_message_queued_with_the_servers_answer(
    ws: Workspace, world: World, mail_servers: MailServers, monkeypatch: pytest.MonkeyPatch
) -> None:
    _account(ws, mail_servers)
    monkeypatch.setenv("PLANNER_SMTP_PASSWORD", "not-the-password")
    row = outbox.queue(ws, ask_draft(ws, world.ann, world.ready_ask), ask_id=world.ready_ask)
    report = outbox.send_queued(ws)
    [failed] = report.failed
    assert failed.outcome == "failed" and "535" in failed.sentence
    assert "not-the-password" not in failed.sentence
    after = outbox.get(ws, row.id)
    assert (after.status, after.attempts, after.sent_at) == ("queued", 1, None)
    assert after.last_error == failed.sentence and "127.0.0.1" in after.last_error
    assert asks.get(ws, world.ready_ask).status == "planned"
    with ws.read() as s:
        assert list(s.scalars(select(ExchangeRow))) == []
    assert mail_servers.received == []
    # the right password: it goes, once
    monkeypatch.setenv("PLANNER_SMTP_PASSWORD", mail_servers.password)
    assert outbox.send(ws, row.id).outcome == "sent"
    assert outbox.get(ws, row.id).attempts == 2


def test_a_not_ready_ask_queued_anyway_still_needs_anyway_to_go(
    ws: Workspace, world: World, mail_servers: MailServers
) -> None:
    _account(ws, mail_servers)
    draft = ask_draft(ws, world.bob, world.unready_ask, anyway=True)
    row = outbox.queue(ws, draft, ask_id=world.unready_ask, anyway=True)
    with pytest.raises(outreach.AskNotReady, match="needs trust"):
        outbox.send(ws, row.id)
    assert mail_servers.received == [] and outbox.get(ws, row.id).status == "queued"
    assert outbox.send(ws, row.id, anyway=True).outcome == "sent"
    assert asks.get(ws, world.unready_ask).status == "sent"


def test_a_failed_copy_to_sent_is_a_warning_not_a_failed_send(
    ws: Workspace, world: World, mail_servers: MailServers, monkeypatch: pytest.MonkeyPatch
) -> None:
    _account(ws, mail_servers)
    monkeypatch.setenv("PLANNER_IMAP_PASSWORD", "wrong")
    row = outbox.queue(ws, outreach.render_draft(ws, "thank_you", world.ann))
    result = outbox.send(ws, row.id)
    assert result.outcome == "sent" and result.warning.startswith("no copy in Sent: ")
    assert "(warning: no copy in Sent" in result.line()
    assert outbox.get(ws, row.id).status == "sent" and len(mail_servers.received) == 1


def test_a_message_without_sender_says_where_to_set_it(
    ws: Workspace, world: World, mail_servers: MailServers
) -> None:
    _account(ws, mail_servers)
    settings.save_profile(ws, name="Me Myself", email="")
    row = outbox.queue(ws, outreach.render_draft(ws, "thank_you", world.ann))
    with pytest.raises(InvalidInput, match="Settings → Profile"):
        outbox.send(ws, row.id)
    assert outbox.get(ws, row.id).status == "queued" and mail_servers.received == []
