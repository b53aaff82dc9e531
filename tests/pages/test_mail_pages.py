"""The mail loop on the pages, through AppTest with the real services: the mail account in
Settings, sending and the outbox on Outreach, exchanges on a contact's timeline, an ask's
messages on Asks.

Sending and reading go to the real test servers (tests/mail/servers.py) in two tests only;
the others seed through the services (the outbox by queueing, exchanges by recording).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import pandas as pd
import pytest
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from planner.domain.mail import ExchangeSource, MailHeaders
from planner.domain.model import AskStatus
from planner.mail.config import MailConfig, Security, ServerConfig
from planner.services import (
    Workspace,
    asks,
    contacts,
    exchanges,
    help_requests,
    mail_settings,
    outbox,
    outreach,
)
from planner.storage.schema import OutboxRow
from tests.mail.servers import MailServers

SECRET = "hunter2-never-shown"


@pytest.fixture
def no_passwords(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No password anywhere: not in the environment, no secrets.toml found."""
    monkeypatch.delenv("PLANNER_IMAP_PASSWORD", raising=False)
    monkeypatch.delenv("PLANNER_SMTP_PASSWORD", raising=False)
    monkeypatch.chdir(tmp_path_factory.mktemp("no-secrets"))
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))


def unescaped(text: str) -> str:
    """Text as the user reads it: the backslashes of planner.ui.plain removed."""
    return re.sub(r"\\(.)", r"\1", text)


def everything_shown(at: AppTest) -> str:
    """All the text of the page (elements, widget values, tables) as one string."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "caption",
        "markdown",
        "text",
        "info",
        "warning",
        "success",
        "error",
        "toast",
        "code",
    ):
        parts += [str(e.value) for e in at.get(kind)]
    for box in at.text_input:
        parts.append(str(box.value))
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    return "\n".join(parts)


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The one table that has ``column``."""
    [frame] = [d.value for d in at.dataframe if column in d.value.columns]
    return frame


def demo_ask_draft(ws: Workspace) -> tuple[int, int, outreach.Draft]:
    """A ready demo ask whose contact has an address, and its draft."""
    ready = next(a for a in outreach.ready_asks(ws) if contacts.get(ws, a.contact_id).email)
    draft = outreach.render_draft(ws, "ask_share", ready.contact_id, ask_id=ready.ask_id)
    return ready.ask_id, ready.contact_id, draft


# --- settings: the mail account ----------------------------------------------------------


def test_a_refused_mail_account_keeps_what_was_typed_and_names_the_field(
    app_ws: Workspace, open_page: Callable[[str], AppTest], no_passwords: None
) -> None:
    at = open_page("settings")
    at.text_input(key="mail_imap_host").input("imap.example.com")
    at.selectbox(key="mail_imap_security").select("starttls")
    at.text_input(key="mail_imap_user").input("me@example.com")
    at.text_input(key="mail_smtp_host").input("smtp example com")  # spaces: not a host
    at.number_input(key="mail_daily_limit").set_value(20)
    at.button(key="mail_save").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "smtp host 'smtp example com' is not a host name or address"
    ]
    assert mail_settings.load(app_ws) == MailConfig()  # nothing stored
    assert at.text_input(key="mail_imap_host").value == "imap.example.com"  # kept
    assert at.number_input(key="mail_daily_limit").value == 20

    at.text_input(key="mail_smtp_host").input("smtp.example.com")
    at.button(key="mail_save").click().run()
    assert not at.exception and not at.error
    stored = mail_settings.load(app_ws)
    assert stored.imap == ServerConfig("imap.example.com", 143, Security.STARTTLS, "me@example.com")
    assert stored.smtp == ServerConfig("smtp.example.com", 465, Security.TLS, "")
    assert stored.daily_limit == 20
    # the form shows what was stored, the usual ports filled in
    assert at.number_input(key="mail_imap_port").value == 143
    assert at.number_input(key="mail_smtp_port").value == 465
    assert [t.value for t in at.toast] == ["Mail account saved"]


def test_the_passwords_note_says_whether_each_is_set_and_never_shows_it(
    app_ws: Workspace,
    open_page: Callable[[str], AppTest],
    no_passwords: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = open_page("settings")
    captions = [unescaped(c.value) for c in at.caption]
    assert (
        "No IMAP password is set: set PLANNER_IMAP_PASSWORD in the environment, or "
        "imap_password under [mail] in .streamlit/secrets.toml." in captions
    )
    monkeypatch.setenv("PLANNER_SMTP_PASSWORD", SECRET)
    at = open_page("settings")
    captions = [unescaped(c.value) for c in at.caption]
    assert any(c.startswith("The SMTP password is set") for c in captions)
    assert any(c.startswith("No IMAP password is set") for c in captions)
    assert SECRET not in everything_shown(at)


def test_testing_a_connection_without_an_account_says_what_is_missing(
    app_ws: Workspace, open_page: Callable[[str], AppTest], no_passwords: None
) -> None:
    at = open_page("settings")
    at.button(key="mail_test_smtp").click().run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert "SMTP" in error or "smtp" in error


def test_testing_the_connections_to_real_servers_shows_their_sentences(
    app_ws: Workspace,
    open_page: Callable[[str], AppTest],
    mail_servers: MailServers,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mail_settings.save(app_ws, mail_servers.mail_config())
    at = open_page("settings")
    at.button(key="mail_test_imap").click().run()
    at.button(key="mail_test_smtp").click().run()
    assert not at.exception and not at.error
    shown = [s.value for s in at.success]
    assert len(shown) == 2 and all("logged in" in s for s in shown), shown

    monkeypatch.setenv("PLANNER_IMAP_PASSWORD", "wrong-password")
    at.button(key="mail_test_imap").click().run()
    [error] = [e.value for e in at.error]
    assert "user name or password" in error
    assert "wrong\\-password" not in error and "wrong-password" not in error


# --- outreach: sending and the outbox ---------------------------------------------------


def test_without_an_smtp_account_the_send_buttons_are_a_sentence_linking_to_settings(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    at = open_page("outreach")
    assert not at.exception and not at.error
    assert [t.label for t in at.tabs] == ["One draft", "Many drafts", "Outbox", "Templates"]
    labels = [b.label for b in at.button]
    assert "Send now" not in labels and "Queue" not in labels
    assert "Send queued now" not in labels
    infos = [i.value for i in at.info]
    assert (
        infos.count(
            "To send from here, set up the mail account (the SMTP server) in Settings → Mail "
            "account; until then, download the .eml draft and send it from your mail app."
        )
        == 2
    )  # the draft and the Outbox tab
    assert "Nothing waits to be sent." in [c.value for c in at.caption]


def test_the_outbox_lists_queued_messages_and_cancels_one(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    ws = demo_app_ws
    mail_settings.save(
        ws, MailConfig(smtp=ServerConfig("smtp.example.com", 587, Security.STARTTLS, "me"))
    )
    ask_id, _contact_id, draft = demo_ask_draft(ws)
    queued = outbox.queue(ws, draft, ask_id=ask_id)
    at = open_page("outreach")
    assert not at.exception and not at.error
    table = frame_with(at, "Last error")
    assert table.to_dict("records") == [
        {
            "To": f"{draft.contact_name} <{draft.to_addr}>",
            "Subject": draft.subject,
            "Status": "Queued",
            "Queued": table["Queued"][0],
            "Attempts": 0,
            "Last error": "",
        }
    ]
    assert table["Queued"][0].endswith(queued.created_at.strftime(", %H:%M"))
    assert "0 sent today; 15 more may go today (daily limit 15, Settings → Mail account)." in [
        c.value for c in at.caption
    ]
    assert at.selectbox(key="outbox_pick").value == queued.id
    at.button(key="outbox_cancel").click().run()
    assert not at.exception and not at.error
    assert outbox.get(ws, queued.id).status == "cancelled"
    assert f"Cancelled the message to {draft.contact_name}" in [
        unescaped(s.value) for s in at.success
    ]
    assert "Nothing waits to be sent." in [c.value for c in at.caption]
    assert asks.get(ws, ask_id).status != AskStatus.SENT  # cancelling sends nothing


def test_a_message_left_sending_is_listed_with_the_queue_and_can_be_cancelled(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    ws = demo_app_ws
    mail_settings.save(
        ws, MailConfig(smtp=ServerConfig("smtp.example.com", 587, Security.STARTTLS, "me"))
    )
    ask_id, _contact_id, draft = demo_ask_draft(ws)
    stuck = outbox.queue(ws, draft, ask_id=ask_id)
    with ws.write() as s:
        s.execute(update(OutboxRow).values(status="sending"))
    at = open_page("outreach")
    assert not at.exception and not at.error
    table = frame_with(at, "Last error")
    assert list(table["Status"]) == ["Sending (check your Sent folder)"]
    at.button(key="outbox_cancel").click().run()
    assert outbox.get(ws, stuck.id).status == "cancelled"


def test_queue_all_puts_each_ready_asks_draft_in_the_outbox_with_its_ask(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    ws = demo_app_ws
    mail_settings.save(ws, MailConfig(smtp=ServerConfig("smtp.example.com", 465, Security.TLS)))
    expected = {a.ask_id for a in outreach.ready_asks(ws) if contacts.get(ws, a.contact_id).email}
    assert expected
    at = open_page("outreach")
    at.radio(key="batch_mode").set_value("ready").run()
    at.button(key="batch_make").click().run()
    assert [b.label for b in at.button if b.key in ("batch_send", "batch_queue")] == [
        "Send all",
        "Queue all",
    ]
    at.button(key="batch_queue").click().run()
    assert not at.exception and not at.error
    queued = outbox.list_outbox(ws, status="queued")
    assert {v.ask_id for v in queued} == expected
    assert len(queued) == len(expected)
    assert f"{len(expected)} message(s) queued: send them from the Outbox tab" in [
        unescaped(s.value) for s in at.success
    ]
    assert "batch_queue" not in [b.key for b in at.button]  # the batch is gone: no double


def test_send_now_sends_the_ask_and_read_mail_now_finds_the_reply(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest], mail_servers: MailServers
) -> None:
    ws = demo_app_ws
    mail_settings.save(ws, mail_servers.mail_config())
    ask_id, contact_id, draft = demo_ask_draft(ws)
    at = open_page("outreach")
    at.selectbox(key="draft_template").select("ask_share")
    at.selectbox(key="draft_contact").select(contact_id).run()
    at.selectbox(key=f"draft_ask_{contact_id}").select(ask_id).run()
    assert not at.exception and not at.error
    at.button(key="draft_send").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    [sent] = outbox.list_outbox(ws, status="sent")
    assert sent.ask_id == ask_id
    assert asks.get(ws, ask_id).status == AskStatus.SENT
    [received] = mail_servers.received
    assert sent.message_id.encode() in received.data
    assert any(unescaped(s.value).startswith(f"Sent to {draft.contact_name}") for s in at.success)
    table = frame_with(at, "Message-ID")
    assert table["Message-ID"].tolist() == [sent.message_id]
    assert table["Status"].tolist() == ["Sent"]

    reply = (
        f"From: {draft.contact_name} <{draft.to_addr}>\r\nTo: {mail_servers.user}\r\n"
        f"Subject: Re: {draft.subject}\r\nMessage-ID: <reply-1@example.test>\r\n"
        f"In-Reply-To: {sent.message_id}\r\nDate: Fri, 27 Nov 2026 10:00:00 +0000\r\n\r\nYes!\r\n"
    ).encode()
    mail_servers.put_in_inbox(reply)
    at.button(key="outbox_read").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert asks.get(ws, ask_id).status == AskStatus.REPLIED
    assert any(s.value.startswith("INBOX") for s in at.success)


# --- contacts, asks and requests: the messages ------------------------------------------


def _headers(**kw: object) -> MailHeaders:
    base: dict[str, object] = {
        "message_id": "<m1@example.test>",
        "subject": "Hello",
        "when": datetime(2026, 11, 20, 9, 30),
        "from_addrs": (),
        "to_addrs": (),
    }
    return MailHeaders(**{**base, **kw})  # type: ignore[arg-type]


def test_a_contacts_timeline_lists_their_emails_and_the_last_exchange_follows_them(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    ws = demo_app_ws
    contact = next(c for c in contacts.list_contacts(ws) if c.email)
    me = ws.profile().email
    hostile = "<img src=x onerror=alert(1)> **bold** [link](http://evil.example)"
    exchanges.record(
        ws,
        [
            _headers(
                message_id="<a@x>",
                subject=hostile,
                from_addrs=(contact.email,),
                to_addrs=(me,),
                when=datetime(2026, 11, 24, 8, 0),
            ),
            _headers(
                message_id="<b@x>",
                subject="Our call",
                from_addrs=(me,),
                to_addrs=(contact.email,),
                when=datetime(2026, 11, 22, 8, 0),
            ),
        ],
        source=ExchangeSource.MBOX,
    )
    at = open_page("contacts")
    at.selectbox(key="contact_pick").select(contact.id).run()
    assert not at.exception and not at.error
    table = frame_with(at, "Which way")
    assert table.to_dict("records") == [
        {"Date": "24 Nov 2026", "Which way": "Received", "Subject": hostile, "About": ""},
        {"Date": "22 Nov 2026", "Which way": "Sent", "Subject": "Our call", "About": ""},
    ]
    assert "Last exchange: 24 Nov 2026" in [c.value for c in at.caption]
    assert not any("evil.example" in m.value for m in at.markdown)


def test_the_picked_ask_shows_its_message_and_the_reply(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    ws = demo_app_ws
    ask_id, _contact_id, draft = demo_ask_draft(ws)
    queued = outbox.queue(ws, draft, ask_id=ask_id)
    with ws.write() as s:  # as sending does once the server took it
        exchanges.record_sent(s, ws, outbox_id=queued.id, when=datetime(2026, 11, 23, 10, 0))
    asks.set_status(ws, ask_id, "sent")
    exchanges.record(
        ws,
        [
            _headers(
                message_id="<reply@x>",
                subject=f"Re: {draft.subject}",
                from_addrs=(draft.to_addr,),
                to_addrs=(ws.profile().email,),
                in_reply_to=queued.message_id,
                when=datetime(2026, 11, 24, 16, 5),
            ),
        ],
        source=ExchangeSource.IMAP,
    )
    assert asks.get(ws, ask_id).status == AskStatus.REPLIED
    at = open_page("asks")
    at.selectbox(key="ask_status_pick").select(ask_id).run()
    assert not at.exception and not at.error
    texts = [t.value for t in at.text]
    assert f"Sent 23 Nov 2026 · Message-ID {queued.message_id}" in texts
    assert f"Replied 24 Nov 2026: Re: {draft.subject}" in texts
    picked = at.selectbox(key="ask_status_pick")
    assert picked.format_func(ask_id).endswith("(Replied)")
    assert "Replied" in at.selectbox(key="ask_new_status").options


def test_the_picked_request_shows_their_mail_and_my_answer(
    demo_app_ws: Workspace, open_page: Callable[[str], AppTest]
) -> None:
    ws = demo_app_ws
    contact = next(c for c in contacts.list_contacts(ws) if c.email)
    request = help_requests.add(
        ws, help_requests.RequestInput(contact=contact.id, kind="help", title="A hand")
    )
    draft = outreach.render_draft(ws, "decline_request", contact.id, request_id=request.id)
    queued = outbox.queue(ws, draft, request_id=request.id)
    with ws.write() as s:  # as sending does once the server took it
        exchanges.record_sent(s, ws, outbox_id=queued.id, when=datetime(2026, 11, 23, 10, 0))
    exchanges.record(
        ws,
        [
            _headers(
                message_id="<thanks@x>",
                subject="Re: no worries",
                from_addrs=(contact.email,),
                to_addrs=(ws.profile().email,),
                in_reply_to=queued.message_id,
                when=datetime(2026, 11, 24, 7, 0),
            )
        ],
        source=ExchangeSource.IMAP,
    )
    at = open_page("requests")
    at.selectbox(key="request_pick").select(request.id).run()
    assert not at.exception and not at.error
    texts = [t.value for t in at.text]
    sent_at = texts.index(f"Sent 23 Nov 2026 · Message-ID {queued.message_id}")
    assert texts[sent_at + 1] == "Received 24 Nov 2026: Re: no worries"  # oldest first
