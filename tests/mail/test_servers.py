"""The test mail servers themselves: what other mail tests stand on."""

from __future__ import annotations

import smtplib
import ssl

from planner.mail.config import Security
from tests.mail.servers import SENT, MailServers

MESSAGE = (
    b"From: Ada <ada@contact.test>\r\nTo: me@example.test\r\nSubject: Re: coffee\r\n"
    b"Message-ID: <r1@contact.test>\r\n\r\nyes\r\n"
)


def test_a_message_put_in_a_folder_is_read_back_and_emptied_between_tests(
    mail_servers: MailServers,
) -> None:
    mail_servers.put_in_inbox(MESSAGE)
    mail_servers.put_in_folder(SENT, b"Subject: mine\r\n\r\nx\r\n")
    mail_servers.put_in_folder("Archive/2026", b"Subject: old\r\n\r\nx\r\n")
    assert mail_servers.messages_in("INBOX") == [MESSAGE]
    assert mail_servers.messages_in(SENT) == [b"Subject: mine\r\n\r\nx\r\n"]
    assert mail_servers.messages_in("Archive/2026") == [b"Subject: old\r\n\r\nx\r\n"]
    mail_servers.reset()
    assert mail_servers.messages_in("INBOX") == []
    assert mail_servers.messages_in("Archive/2026") == []


def test_smtp_with_starttls_records_and_delivers_to_the_user(mail_servers: MailServers) -> None:
    context = ssl.create_default_context(cafile=str(mail_servers.ca_file))
    server = mail_servers.smtp_server(Security.STARTTLS)
    with smtplib.SMTP(server.host, server.port, timeout=10) as smtp:
        smtp.starttls(context=context)
        smtp.login(mail_servers.user, mail_servers.password)
        smtp.sendmail("ada@contact.test", ["me@example.test", "bob@other.test"], MESSAGE)
    [received] = mail_servers.received
    assert received.mail_from == "ada@contact.test"
    assert received.rcpt_tos == ("me@example.test", "bob@other.test")
    assert received.port == server.port
    assert mail_servers.messages_in("INBOX") == [received.data]
    assert b"Subject: Re: coffee" in received.data


def test_smtp_starttls_server_refuses_auth_before_tls(mail_servers: MailServers) -> None:
    server = mail_servers.smtp_server(Security.STARTTLS)
    with smtplib.SMTP(server.host, server.port, timeout=10) as smtp:
        code, _ = smtp.docmd("AUTH", "PLAIN")
    assert code == 530
