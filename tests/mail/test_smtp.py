"""planner.mail.smtp against the real test servers (tests/mail/servers.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.mail.config import Security
from planner.mail.errors import MailError
from planner.mail.smtp import check_login, send_message
from tests.mail.servers import MailServers, free_port, misbehaving_server

MESSAGE = (
    b"From: me@example.test\nTo: ada@contact.test, me@example.test\nSubject: Coffee?\n"
    b"Message-ID: <out-1@example.test>\n\nShall we?\n.hidden dot line\n"
)


@pytest.mark.parametrize("security", [Security.STARTTLS, Security.TLS, Security.PLAIN])
def test_a_message_sent_arrives_recorded_and_in_the_inbox(
    mail_servers: MailServers, security: Security
) -> None:
    server = mail_servers.smtp_server(security)
    answer = send_message(
        server,
        mail_servers.password,
        MESSAGE,
        sender="me@example.test",
        recipients=["ada@contact.test", "me@example.test"],
    )
    assert answer == "250 2.0.0 Ok: queued as TEST1"
    [received] = mail_servers.received
    assert received.port == server.port
    assert received.mail_from == "me@example.test"
    assert received.rcpt_tos == ("ada@contact.test", "me@example.test")
    # Line ends made CRLF on the wire; the dot-stuffed line comes back as it was.
    assert received.data == MESSAGE.replace(b"\n", b"\r\n")
    assert mail_servers.messages_in("INBOX") == [MESSAGE.replace(b"\n", b"\r\n")]


def test_connect_to_a_vetted_address_still_checks_the_certificate_against_the_host(
    mail_servers: MailServers,
) -> None:
    # "localhost" is in the certificate; the socket goes to 127.0.0.1 without resolving.
    server = mail_servers.smtp_server(Security.TLS, host="localhost")
    send_message(
        server,
        mail_servers.password,
        MESSAGE,
        sender="me@example.test",
        recipients=["ada@contact.test"],
        connect_to="127.0.0.1",
    )
    assert [r.rcpt_tos for r in mail_servers.received] == [("ada@contact.test",)]
    # A host name the certificate does not name: refused although the address is right.
    other = mail_servers.smtp_server(Security.TLS, host="mail.example.test")
    with pytest.raises(MailError) as caught:
        check_login(other, mail_servers.password, connect_to="127.0.0.1")
    assert caught.value.code == "tls"
    assert "not trusted" in str(caught.value)


def test_check_login_says_who_it_logged_in_as(mail_servers: MailServers) -> None:
    server = mail_servers.smtp_server(Security.STARTTLS)
    assert check_login(server, mail_servers.password) == (
        f"logged in to SMTP me@example.test@127.0.0.1:{server.port}"
    )
    assert mail_servers.received == []


def test_a_wrong_password_is_auth_naming_the_server_and_never_the_password(
    mail_servers: MailServers,
) -> None:
    server = mail_servers.smtp_server(Security.STARTTLS)
    with pytest.raises(MailError) as caught:
        send_message(
            server, "wrong-secret-99", MESSAGE, sender="me@example.test", recipients=["a@b.test"]
        )
    error = caught.value
    assert error.code == "auth"
    assert str(error).startswith(
        f"SMTP me@example.test@127.0.0.1:{server.port}: the server refused the user name or "
        "password (535"
    )
    assert "wrong-secret-99" not in str(error) + repr(error) + error.answer
    assert mail_servers.received == []


def test_starttls_not_offered_is_tls_and_the_password_is_not_sent(
    mail_servers: MailServers,
) -> None:
    # The plain server offers no STARTTLS (and would take AUTH in plain text).
    server = replace(mail_servers.smtp_server(Security.PLAIN), security=Security.STARTTLS)
    with pytest.raises(MailError) as caught:
        check_login(server, mail_servers.password)
    assert caught.value.code == "tls"
    assert "does not offer STARTTLS" in str(caught.value)


@pytest.mark.parametrize("security", [Security.STARTTLS, Security.TLS])
def test_an_untrusted_certificate_is_tls(
    mail_servers: MailServers, monkeypatch: pytest.MonkeyPatch, security: Security
) -> None:
    monkeypatch.delenv("PLANNER_MAIL_CA_FILE")
    with pytest.raises(MailError) as caught:
        check_login(mail_servers.smtp_server(security), mail_servers.password)
    assert caught.value.code == "tls"
    assert "certificate is not trusted" in str(caught.value)


def test_plain_text_to_a_host_that_is_not_loopback_is_refused_before_connecting(
    mail_servers: MailServers,
) -> None:
    plain = mail_servers.smtp_server(Security.PLAIN)
    for host, connect_to in (("mail.example.test", None), ("localhost", "192.0.2.7")):
        with pytest.raises(MailError) as caught:
            check_login(replace(plain, host=host), mail_servers.password, connect_to=connect_to)
        assert caught.value.code == "plain_refused"
        assert f"SMTP me@example.test@{host}:{plain.port}: plain text" in str(caught.value)


@pytest.mark.parametrize("security", [Security.STARTTLS, Security.TLS])
def test_a_server_that_closes_the_connection_is_dropped(
    mail_servers: MailServers, security: Security
) -> None:
    with misbehaving_server() as port:
        server = mail_servers.smtp_server(security, port=port)
        with pytest.raises(MailError) as caught:
            send_message(server, "pw", MESSAGE, sender="me@example.test", recipients=["a@b.test"])
    assert caught.value.code == "dropped"
    assert f"127.0.0.1:{port}: the server closed the connection" in str(caught.value)


def test_a_server_that_says_nothing_is_timeout(mail_servers: MailServers) -> None:
    with misbehaving_server(close=False) as port:
        server = mail_servers.smtp_server(Security.STARTTLS, port=port)
        with pytest.raises(MailError) as caught:
            check_login(server, "pw", timeout=0.3)
    assert caught.value.code == "timeout"


def test_a_port_with_nothing_listening_is_connect(mail_servers: MailServers) -> None:
    server = mail_servers.smtp_server(Security.STARTTLS, port=free_port())
    with pytest.raises(MailError) as caught:
        check_login(server, "pw")
    assert caught.value.code == "connect"
    assert "the connection was refused" in str(caught.value)
