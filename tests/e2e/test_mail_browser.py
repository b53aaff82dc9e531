"""The mail loop in a real browser: the demo served with a mail account on the test servers
(Dovecot + aiosmtpd on 127.0.0.1, tests/mail/servers.py) and the passwords in the app's
environment. A ready ask's draft is sent from the Outreach page, the ask shows "Sent";
the contact's reply is put into INBOX, "Read mail now" reads it and the ask shows
"Replied"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from planner.domain.model import AskStatus
from planner.services import (
    Workspace,
    asks,
    contacts,
    mail_settings,
    open_workspace,
    outbox,
    outreach,
)
from tests.e2e.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    choose,
    click_settled,
    require_chromium,
    serving_demo,
)
from tests.mail.servers import MailServers

pytestmark = pytest.mark.e2e


@dataclass
class Served:
    base: str
    url: str
    ask_id: int
    contact_id: int
    contact_name: str
    contact_addr: str


@pytest.fixture
def served(tmp_path: Path, mail_servers: MailServers) -> Iterator[Served]:
    chosen: dict[str, object] = {}

    def prepare(ws: Workspace) -> None:
        mail_settings.save(ws, mail_servers.mail_config())
        ready = next(a for a in outreach.ready_asks(ws) if contacts.get(ws, a.contact_id).email)
        contact = contacts.get(ws, ready.contact_id)
        chosen.update(
            ask_id=ready.ask_id, contact_id=contact.id, name=contact.name, addr=contact.email
        )

    env = {
        "PLANNER_MAIL_CA_FILE": str(mail_servers.ca_file),
        "PLANNER_IMAP_PASSWORD": mail_servers.password,
        "PLANNER_SMTP_PASSWORD": mail_servers.password,
    }
    with serving_demo(tmp_path, prepare=prepare, env=env) as (base, url):
        yield Served(
            base,
            url,
            int(str(chosen["ask_id"])),
            int(str(chosen["contact_id"])),
            str(chosen["name"]),
            str(chosen["addr"]),
        )


def _status(url: str, ask_id: int) -> AskStatus:
    ws = open_workspace(url)
    try:
        return asks.get(ws, ask_id).status
    finally:
        ws.engine.dispose()


def _sent_id(url: str) -> str:
    ws = open_workspace(url)
    try:
        [sent] = outbox.list_outbox(ws, status="sent")
        return sent.message_id
    finally:
        ws.engine.dispose()


def test_a_ready_ask_is_sent_from_outreach_and_shows_replied_after_the_reply(
    served: Served, mail_servers: MailServers
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(
            f"{served.base}/outreach?ask={served.ask_id}&template=ask_share",
            wait_until="domcontentloaded",
        )
        expect(page.get_by_role("heading", name="Outreach", exact=True)).to_be_visible(
            timeout=60_000
        )
        send = page.get_by_role("button", name="Send now")
        expect(send).to_be_visible(timeout=30_000)
        click_settled(page, send)
        expect(page.get_by_text(f"Sent to {served.contact_name}").first).to_be_visible(
            timeout=30_000
        )
        assert _status(served.url, served.ask_id) == AskStatus.SENT
        # the draft says what the ask is now, its picker still on it
        expect(page.get_by_text("This ask was sent.")).to_be_visible(timeout=30_000)
        ask_box = page.locator(f".st-key-draft_ask_{served.contact_id}").get_by_role("combobox")
        expect(ask_box).to_have_value(re.compile(rf"^#{served.ask_id} .*\(Sent\)"), timeout=30_000)
        [arrived] = mail_servers.received
        message_id = _sent_id(served.url)
        assert message_id.encode() in arrived.data

        mail_servers.put_in_inbox(
            (
                f"From: {served.contact_name} <{served.contact_addr}>\r\n"
                f"To: {mail_servers.user}\r\nSubject: Re: your message\r\n"
                f"Message-ID: <reply-e2e@example.test>\r\nIn-Reply-To: {message_id}\r\n"
                "Date: Fri, 27 Nov 2026 10:00:00 +0000\r\n\r\nGladly.\r\n"
            ).encode()
        )
        click_settled(page, page.get_by_role("tab", name="Outbox"))
        read = page.get_by_role("button", name="Read mail now")
        click_settled(page, read)
        expect(page.get_by_text("INBOX: read").first).to_be_visible(timeout=60_000)
        click_settled(page, page.get_by_role("tab", name="One draft"))
        expect(page.get_by_text("They replied to this ask.")).to_be_visible(timeout=30_000)
        expect(ask_box).to_have_value(re.compile(r"\(Replied\)"), timeout=30_000)
        assert _status(served.url, served.ask_id) == AskStatus.REPLIED

        # the Asks page says so too, with the reply under the picked ask
        page.goto(f"{served.base}/asks", wait_until="domcontentloaded")
        pick = page.locator(".st-key-ask_status_pick").get_by_test_id("stSelectbox")
        choose(page, pick, page.get_by_role("option", name=f"#{served.ask_id} ").first)
        expect(page.get_by_text("Replied 27 Nov 2026: Re: your message")).to_be_visible(
            timeout=30_000
        )
        browser.close()
