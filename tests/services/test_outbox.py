"""The outbox: queueing drafts (the readiness rule, the double-click guard) and sending
them through the real test servers (tests/mail/servers.py): the daily limit, a failed
attempt that keeps the message, the ask marked sent, a copy in Sent."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from planner.errors import InvalidInput
from planner.services import Workspace, asks, contacts, outbox, outreach
from tests.services.mail_world import ANN, World, ask_draft, make_world


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
    # the same draft object queued again is the same row too
    draft = ask_draft(ws, world.ann, world.ready_ask)
    ws.clock = lambda: __import__("datetime").datetime(2030, 1, 1, 12)  # far later
    try:
        later = outbox.queue(ws, draft, ask_id=world.ready_ask)
    finally:
        from tests.conftest import fixed_clock

        ws.clock = fixed_clock()
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
