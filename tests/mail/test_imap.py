"""planner.mail.imap against the real Dovecot (tests/mail/servers.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from planner.mail.config import Security
from planner.mail.errors import MailError
from planner.mail.imap import check_login, decode_folder, encode_folder, open_imap
from tests.mail.servers import SENT, MailServers, free_port, misbehaving_server


def message(n: int, *, body: bytes = b"the body, never fetched\r\n") -> bytes:
    return (
        f"From: ada@contact.test\r\nTo: me@example.test\r\nSubject: note {n}\r\n"
        f"Message-ID: <m{n}@contact.test>\r\nDate: Tue, 24 Nov 2026 10:0{n % 10}:00 +0000\r\n"
        "\r\n"
    ).encode() + body


@pytest.mark.parametrize("security", [Security.STARTTLS, Security.TLS, Security.PLAIN])
def test_fetch_headers_after_a_uid_returns_only_newer_ones_without_bodies_or_seen(
    mail_servers: MailServers, security: Security
) -> None:
    for n in range(1, 6):
        mail_servers.put_in_inbox(message(n))
    with open_imap(mail_servers.imap_server(security), mail_servers.password) as imap:
        validity, uidnext = imap.folder_state("INBOX")
        everything = list(imap.fetch_headers("INBOX", after_uid=0, batch=2))
        newer = list(imap.fetch_headers("INBOX", after_uid=3))
        # Nothing newer than the last: "6:*" would still answer UID 5, which is dropped.
        none = list(imap.fetch_headers("INBOX", after_uid=5))
    assert validity > 0
    assert uidnext == 6
    assert [uid for uid, _ in everything] == [1, 2, 3, 4, 5]
    assert everything[0][1].startswith(b"From: ada@contact.test\r\n")
    assert b"Subject: note 1\r\n" in everything[0][1]
    assert all(b"never fetched" not in headers for _, headers in everything)
    assert [uid for uid, _ in newer] == [4, 5]
    assert none == []
    assert all("\\Seen" not in flags for flags in mail_servers.flags_in("INBOX"))


def test_append_puts_the_message_into_sent_seen_and_dated(mail_servers: MailServers) -> None:
    raw = message(1).replace(b"\r\n", b"\n")
    with open_imap(mail_servers.imap_server(), mail_servers.password) as imap:
        imap.append(SENT, raw, datetime(2026, 11, 25, 12, 0))
        assert imap.folder_state(SENT)[1] == 2
        [(uid, headers)] = imap.fetch_headers(SENT, after_uid=0)
    assert uid == 1
    assert mail_servers.messages_in(SENT) == [message(1)]
    assert "\\Seen" in mail_servers.flags_in(SENT)[0]
    assert headers.endswith(b"+0000\r\n\r\n")


def test_folders_lists_them_by_name_including_non_ascii_ones(mail_servers: MailServers) -> None:
    mail_servers.put_in_folder("Archive/Envoyés & co", message(1))
    with open_imap(mail_servers.imap_server(), mail_servers.password) as imap:
        names = imap.folders()
        [(uid, _)] = imap.fetch_headers("Archive/Envoyés & co", after_uid=0)
    assert {"INBOX", SENT, "Archive/Envoyés & co"} <= set(names)
    assert uid == 1


def test_modified_utf7_round_trips() -> None:
    assert encode_folder("Envoyés & co") == '"Envoy&AOk-s &- co"'
    assert encode_folder('a"b') == '"a\\"b"'
    assert decode_folder('"Envoy&AOk-s &- co"') == "Envoyés & co"
    assert decode_folder("&ZeVnLIqe-") == "日本語"


def test_a_missing_folder_is_folder(mail_servers: MailServers) -> None:
    with open_imap(mail_servers.imap_server(), mail_servers.password) as imap:
        with pytest.raises(MailError) as examine:
            imap.folder_state("Nowhere")
        with pytest.raises(MailError) as append:
            imap.append("Nowhere", message(1), datetime(2026, 11, 25, 12, 0))
    assert examine.value.code == "folder"
    assert "the folder 'Nowhere' could not be opened" in str(examine.value)
    assert append.value.code == "folder"
    assert "TRYCREATE" in append.value.answer


def test_check_login_and_a_wrong_password(mail_servers: MailServers) -> None:
    server = mail_servers.imap_server(Security.TLS)
    assert check_login(server, mail_servers.password) == (
        f"logged in to IMAP me@example.test@127.0.0.1:{server.port}"
    )
    with pytest.raises(MailError) as caught:
        check_login(server, "wrong-secret-99")
    error = caught.value
    assert error.code == "auth"
    assert str(error).startswith(
        f"IMAP me@example.test@127.0.0.1:{server.port}: the server refused the user name or "
        "password ([AUTHENTICATIONFAILED]"
    )
    assert "wrong-secret-99" not in str(error) + repr(error) + error.answer


@pytest.mark.parametrize("security", [Security.STARTTLS, Security.TLS])
def test_an_untrusted_certificate_is_tls(
    mail_servers: MailServers, monkeypatch: pytest.MonkeyPatch, security: Security
) -> None:
    monkeypatch.delenv("PLANNER_MAIL_CA_FILE")
    with pytest.raises(MailError) as caught:
        check_login(mail_servers.imap_server(security), mail_servers.password)
    assert caught.value.code == "tls"
    assert "certificate is not trusted" in str(caught.value)


def test_connect_to_checks_the_certificate_against_the_host(mail_servers: MailServers) -> None:
    good = mail_servers.imap_server(Security.TLS, host="localhost")
    assert check_login(good, mail_servers.password, connect_to="127.0.0.1").startswith(
        "logged in to IMAP me@example.test@localhost:"
    )
    bad = mail_servers.imap_server(Security.STARTTLS, host="imap.example.test")
    with pytest.raises(MailError) as caught:
        check_login(bad, mail_servers.password, connect_to="127.0.0.1")
    assert caught.value.code == "tls"


def test_starttls_not_offered_is_tls(mail_servers: MailServers) -> None:
    def answer(line: bytes) -> bytes:
        tag, command = line.split()[:2]
        if command.upper() != b"CAPABILITY":  # LOGIN must never come: stop talking
            return b""
        return b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + b" OK done\r\n"

    banner = b"* OK fake IMAP ready\r\n"
    with misbehaving_server(banner=banner, answer=answer) as port:
        server = mail_servers.imap_server(Security.STARTTLS, port=port)
        with pytest.raises(MailError) as caught:
            check_login(server, mail_servers.password, timeout=2)
    assert caught.value.code == "tls"
    assert "does not offer STARTTLS" in str(caught.value)


def test_plain_text_to_a_host_that_is_not_loopback_is_refused(mail_servers: MailServers) -> None:
    plain = mail_servers.imap_server(Security.PLAIN)
    for host, connect_to in (("imap.example.test", None), ("127.0.0.1", "10.0.0.8")):
        with pytest.raises(MailError) as caught:
            check_login(replace(plain, host=host), mail_servers.password, connect_to=connect_to)
        assert caught.value.code == "plain_refused"


@pytest.mark.parametrize("security", [Security.STARTTLS, Security.TLS])
def test_a_server_that_closes_the_connection_is_dropped(
    mail_servers: MailServers, security: Security
) -> None:
    with misbehaving_server() as port, pytest.raises(MailError) as caught:
        check_login(mail_servers.imap_server(security, port=port), "pw")
    assert caught.value.code == "dropped"
    assert f"IMAP me@example.test@127.0.0.1:{port}: the server closed" in str(caught.value)


def test_a_silent_server_is_timeout_and_nothing_listening_is_connect(
    mail_servers: MailServers,
) -> None:
    with misbehaving_server(close=False) as port, pytest.raises(MailError) as silent:
        check_login(mail_servers.imap_server(port=port), "pw", timeout=0.3)
    assert silent.value.code == "timeout"
    with pytest.raises(MailError) as nothing:
        check_login(mail_servers.imap_server(port=free_port()), "pw")
    assert nothing.value.code == "connect"
    assert "the connection was refused" in str(nothing.value)
