"""Fixtures for the real mail servers (registered for the whole suite in tests/conftest.py).

* ``mail_servers_session``: Dovecot + aiosmtpd, started on first use, stopped at the end.
* ``mail_servers``: the same servers with every mailbox emptied and nothing recorded, the
  test CA trusted by the app (``PLANNER_MAIL_CA_FILE``) and the account's password in
  ``PLANNER_IMAP_PASSWORD`` / ``PLANNER_SMTP_PASSWORD``.

Without Dovecot a test is skipped on a developer's machine and fails in CI (env ``CI``),
where `make test` installs it (.ci/ensure-dovecot).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mail.servers import DOVEADM, DOVECOT, MailServers


def require_dovecot() -> None:
    """Skip without Dovecot on a developer's machine; fail in CI, where make installs it."""
    if Path(DOVECOT).exists() and Path(DOVEADM).exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"dovecot missing at {DOVECOT}: make test installs it (.ci/ensure-dovecot)")
    pytest.skip(f"dovecot missing at {DOVECOT}")


@pytest.fixture(scope="session")
def mail_servers_session() -> Iterator[MailServers]:
    require_dovecot()
    servers = MailServers().start()
    try:
        yield servers
    finally:
        servers.stop()


@pytest.fixture
def mail_servers(mail_servers_session: MailServers, monkeypatch: pytest.MonkeyPatch) -> MailServers:
    servers = mail_servers_session
    servers.reset()
    monkeypatch.setenv("PLANNER_MAIL_CA_FILE", str(servers.ca_file))
    monkeypatch.setenv("PLANNER_IMAP_PASSWORD", servers.password)
    monkeypatch.setenv("PLANNER_SMTP_PASSWORD", servers.password)
    return servers
