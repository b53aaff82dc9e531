"""TLS for the mail servers: the system's certificate authorities, plus one more file.

``PLANNER_MAIL_CA_FILE`` (a path to PEM certificates) is trusted *in addition to* the
system store: a self-hosted server with its own CA, and the tests' servers
(tests/mail/servers.py). Certificates are always verified and the host name checked.
"""

from __future__ import annotations

import ipaddress
import os
import ssl

from planner.mail.errors import MailError

CA_FILE_ENV = "PLANNER_MAIL_CA_FILE"


def ssl_context() -> ssl.SSLContext:
    """A client context that verifies the server (system CAs + ``PLANNER_MAIL_CA_FILE``)."""
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    ca_file = os.environ.get(CA_FILE_ENV, "").strip()
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as error:
            raise MailError(
                "tls",
                f"the certificate file in {CA_FILE_ENV} ({ca_file}) could not be read: "
                f"{error.strerror or error}",
            ) from None
    return context


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1, IPv4-mapped ones)."""
    name = host.strip().strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def plain_allowed(host: str, connect_to: str | None) -> bool:
    """Plain text goes only to loopback: the host and the address connected to."""
    return is_loopback(host) and (connect_to is None or is_loopback(connect_to))
