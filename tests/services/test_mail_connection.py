"""The mail "test connection" and the private-address rule, against the real servers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from planner.errors import InvalidInput
from planner.mail.config import Security
from planner.mail.errors import MailError
from planner.services import Workspace, mail_connection, mail_settings
from tests.mail.servers import MailServers


def test_vetted_address_returns_the_address_to_connect_to() -> None:
    assert mail_connection.vetted_address("127.0.0.1", 993, allow_private=True) == "127.0.0.1"
    assert mail_connection.vetted_address("8.8.8.8", 993, allow_private=False) == "8.8.8.8"


@pytest.mark.parametrize("host", ["127.0.0.1", "2130706433", "10.1.2.3", "[::1]"])
def test_loopback_and_private_hosts_are_refused_unless_allowed(host: str) -> None:
    with pytest.raises(MailError) as caught:
        mail_connection.vetted_address(host, 587, allow_private=False)
    assert caught.value.code == "refused"
    assert str(caught.value).startswith(f"{host}:587: refused: ")
    assert str(caught.value).endswith("allow private mail servers in Settings)")


def test_cloud_metadata_stays_refused_even_when_private_is_allowed() -> None:
    with pytest.raises(MailError) as caught:
        mail_connection.vetted_address("169.254.169.254", 993, allow_private=True)
    assert caught.value.code == "refused"
    assert "cloud metadata; never allowed" in str(caught.value)


def test_a_host_that_does_not_resolve_is_connect() -> None:
    with pytest.raises(MailError) as caught:
        mail_connection.vetted_address("nowhere.invalid", 993, allow_private=True)
    assert caught.value.code == "connect"
    assert "nowhere.invalid:993: the host name does not resolve" in str(caught.value)


@pytest.mark.parametrize("security", [Security.STARTTLS, Security.TLS])
def test_test_connection_logs_in_to_both_servers(
    ws: Workspace, mail_servers: MailServers, security: Security
) -> None:
    config = mail_settings.save(ws, mail_servers.mail_config(security))
    assert mail_connection.test_connection(ws, "imap") == (
        f"logged in to IMAP me@example.test@127.0.0.1:{config.imap.port}"
    )
    assert mail_connection.test_connection(ws, "smtp") == (
        f"logged in to SMTP me@example.test@127.0.0.1:{config.smtp.port}"
    )


def test_test_connection_refuses_loopback_unless_private_servers_are_allowed(
    ws: Workspace, mail_servers: MailServers
) -> None:
    mail_settings.save(ws, mail_servers.mail_config(allow_private=False))
    with pytest.raises(MailError) as caught:
        mail_connection.test_connection(ws, "smtp")
    assert caught.value.code == "refused"
    assert mail_servers.received == []


def test_test_connection_says_where_a_missing_password_goes(
    ws: Workspace, mail_servers: MailServers, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    mail_settings.save(ws, mail_servers.mail_config())
    monkeypatch.delenv("PLANNER_IMAP_PASSWORD")
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here
    with pytest.raises(InvalidInput) as caught:
        mail_connection.test_connection(ws, "imap")
    assert str(caught.value) == (
        "no IMAP password is set: set PLANNER_IMAP_PASSWORD in the environment, or "
        "imap_password under [mail] in .streamlit/secrets.toml"
    )


def test_test_connection_without_a_server_and_with_a_wrong_password(
    ws: Workspace, mail_servers: MailServers, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(InvalidInput) as unset:
        mail_connection.test_connection(ws, "smtp")
    assert str(unset.value) == "no SMTP server is set: fill in its host in Settings"
    config = mail_servers.mail_config(Security.TLS)
    mail_settings.save(ws, replace(config, smtp=replace(config.smtp, host="localhost")))
    monkeypatch.setenv("PLANNER_SMTP_PASSWORD", "not-it-123")
    with pytest.raises(MailError) as caught:
        mail_connection.test_connection(ws, "smtp")
    assert caught.value.code == "auth"
    assert str(caught.value).startswith("SMTP me@example.test@localhost:")
    assert "not-it-123" not in str(caught.value)
