"""Where to connect for mail, and the Settings page's "test connection".

The IMAP/SMTP hosts follow the same private-address rule as feeds (THREATS F2/F3): the
host is resolved once, every address is vetted by :mod:`planner.feeds.netguard`, and the
adapters connect to the vetted address (``connect_to``) while TLS checks the certificate
against the host name.
"""

from __future__ import annotations

from typing import Literal

from planner.errors import InvalidInput
from planner.feeds import netguard
from planner.feeds.errors import FetchRefused, PrivateAddressRefused
from planner.mail import imap, smtp
from planner.mail.config import password_for, where_passwords_go
from planner.mail.errors import MailError
from planner.services import mail_settings
from planner.services.workspace import Workspace


def vetted_address(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to for ``host``: resolved, every address vetted.

    Raises MailError ``connect`` when the name does not resolve, ``refused`` when an
    address is loopback/private (unless ``allow_private``) or never allowed.
    """
    try:
        resolved = netguard.resolve(host.strip("[]"), port)
    except (OSError, UnicodeError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise MailError(
            "connect", f"{host}:{port}: the host name does not resolve ({reason})"
        ) from None
    addresses = [ip for _family, ip in resolved]
    try:
        netguard.vet_addresses(
            f"{host}:{port}",
            host,
            port,
            addresses,
            _policy(allow_private),
            private_hint="allow private mail servers in Settings",
        )
    except PrivateAddressRefused as error:
        raise MailError("refused", f"{host}:{port}: {error.message}") from None
    except FetchRefused as error:
        raise MailError("refused", f"{host}:{port}: {error.message}") from None
    return str(addresses[0])


def _policy(allow_private: bool) -> netguard.AddressPolicy:
    return netguard.AddressPolicy(allow_private=allow_private)


def test_connection(ws: Workspace, protocol: Literal["imap", "smtp"]) -> str:
    """Log in to the configured IMAP or SMTP server and out again; the success sentence.

    Raises InvalidInput when the server or its password is not set, MailError with a
    sentence naming the server and what failed otherwise.
    """
    config = mail_settings.load(ws)
    server = config.imap if protocol == "imap" else config.smtp
    if not server.configured:
        raise InvalidInput(
            f"no {protocol.upper()} server is set: fill in its host in Settings", field=protocol
        )
    password = password_for(protocol)
    if not password and server.username:
        raise InvalidInput(
            f"no {protocol.upper()} password is set: {where_passwords_go(protocol)}",
            field=protocol,
        )
    address = vetted_address(server.host, server.port, allow_private=config.allow_private)
    check = imap.check_login if protocol == "imap" else smtp.check_login
    return check(server, password, connect_to=address)
