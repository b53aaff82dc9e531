"""Sending a message over SMTP: implicit TLS, STARTTLS, or plain text to loopback only.

Every failure is a :class:`~planner.mail.errors.MailError` with a sentence naming the
server. ``connect_to`` is an address already vetted by the caller (the private-address
rule, planner.services.mail_connection): the socket goes there instead of resolving the
host again, while TLS still checks the certificate against ``server.host``.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from planner.mail.config import Security, ServerConfig
from planner.mail.errors import MailError, network_error, scrub
from planner.mail.tls import plain_allowed, ssl_context

#: What we say in EHLO: not the machine's own name (getfqdn is slow and says too much).
EHLO_NAME = "localhost"
_EOL = re.compile(rb"\r?\n")


class _SMTP(smtplib.SMTP):
    _connect_to: str | None = None
    _host: str  # set by smtplib; what STARTTLS and SMTP_SSL check the certificate against

    def __init__(self, connect_to: str | None, **kwargs: Any) -> None:
        self._connect_to = connect_to
        super().__init__(**kwargs)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock: socket.socket = super()._get_socket(  # type: ignore[misc]
            self._connect_to or host, port, timeout
        )
        return sock


class _SMTPSSL(smtplib.SMTP_SSL, _SMTP):
    """SMTP_SSL wraps the socket of the next _get_socket (ours) for ``self._host``."""

    def __init__(self, connect_to: str | None, **kwargs: Any) -> None:
        self._connect_to = connect_to
        smtplib.SMTP_SSL.__init__(self, **kwargs)


def _refuse_plain(server: ServerConfig, connect_to: str | None) -> None:
    if server.security == Security.PLAIN and not plain_allowed(server.host, connect_to):
        raise MailError(
            "plain_refused",
            f"SMTP {server.label()}: plain text (no TLS) is only allowed to this machine "
            "(loopback); choose TLS or STARTTLS",
        )


def _open(
    server: ServerConfig, connect_to: str | None, timeout: float, context: ssl.SSLContext | None
) -> smtplib.SMTP:
    kwargs: dict[str, Any] = {"local_hostname": EHLO_NAME, "timeout": timeout}
    smtp: smtplib.SMTP
    if server.security == Security.TLS:
        smtp = _SMTPSSL(connect_to, context=context, **kwargs)
    else:
        smtp = _SMTP(connect_to, **kwargs)
    smtp._host = server.host  # what TLS checks the certificate against (connect_to aside)
    try:
        smtp.connect(server.host, server.port)
        smtp.ehlo()
        if server.security == Security.STARTTLS:
            if not smtp.has_extn("starttls"):
                raise MailError(
                    "tls",
                    f"SMTP {server.label()}: the server does not offer STARTTLS, so the "
                    "password would go in plain text; not logging in",
                )
            smtp.starttls(context=context)
            smtp.ehlo()
    except BaseException:
        smtp.close()
        raise
    return smtp


@contextmanager
def _session(
    server: ServerConfig, password: str, connect_to: str | None, timeout: float
) -> Iterator[smtplib.SMTP]:
    """A connected, protected and logged-in session; every failure a MailError."""
    _refuse_plain(server, connect_to)
    context = ssl_context() if server.security != Security.PLAIN else None
    smtp: smtplib.SMTP | None = None
    try:
        smtp = _open(server, connect_to, timeout, context)
        if server.username:
            smtp.login(server.username, password)
        yield smtp
    except MailError:
        raise
    except (smtplib.SMTPException, OSError) as error:
        raise _mapped(server, error, password) from None
    finally:
        if smtp is not None:
            _quit(smtp)


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _answer(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(words.split())}".strip()


def _mapped(server: ServerConfig, error: BaseException, password: str) -> MailError:
    where = f"SMTP {server.label()}"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        answer = _answer(error.smtp_code, error.smtp_error)
        text = f"{where}: the server refused the user name or password ({answer})"
        return MailError("auth", scrub(text, password), answer=scrub(answer, password))
    if isinstance(error, smtplib.SMTPServerDisconnected):
        if isinstance(error.__context__, TimeoutError):
            return MailError("timeout", f"{where}: the server did not answer in time")
        return MailError(
            "dropped", f"{where}: the server closed the connection in the middle of the session"
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answer = "; ".join(
            f"{rcpt}: {_answer(code, text)}" for rcpt, (code, text) in error.recipients.items()
        )
        return MailError(
            "server", f"{where}: every recipient was refused ({answer})", answer=answer
        )
    if isinstance(error, smtplib.SMTPResponseException):
        answer = scrub(_answer(error.smtp_code, error.smtp_error), password)
        return MailError("server", f"{where}: the server answered {answer}", answer=answer)
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return MailError("server", f"{where}: {scrub(str(error), password)}")
    mapped = network_error("SMTP", server.label(), error, password=password)
    if mapped is not None:
        return mapped
    return MailError("server", f"{where}: {scrub(str(error), password)}")


def _mail_options(smtp: smtplib.SMTP, data: bytes, addresses: Sequence[str]) -> list[str]:
    options: list[str] = []
    if not data.isascii() and smtp.has_extn("8bitmime"):
        options.append("BODY=8BITMIME")
    if not all(address.isascii() for address in addresses):
        if not smtp.has_extn("smtputf8"):
            raise smtplib.SMTPNotSupportedError(
                "the server does not accept addresses with non-ASCII characters (no SMTPUTF8)"
            )
        options.append("SMTPUTF8")
    return options


def send_message(
    server: ServerConfig,
    password: str,
    message: bytes,
    *,
    sender: str,
    recipients: Sequence[str],
    connect_to: str | None = None,
    timeout: float = 30.0,
) -> str:
    """Send ``message`` (bytes of a whole RFC 5322 message) to ``recipients``.

    Returns the server's final answer (e.g. ``"250 2.0.0 Ok: queued as 4F2A"``); when
    some recipients were refused and others accepted, the answer ends with
    ``"; refused: addr (550 …)"`` (the message went to the others: no MailError, which
    would make the caller send it again). Raises MailError when nothing was sent.
    """
    if not recipients:
        raise ValueError("send_message needs at least one recipient")
    data = _EOL.sub(b"\r\n", message)
    with _session(server, password, connect_to, timeout) as smtp:
        options = _mail_options(smtp, data, [sender, *recipients])
        code, text = smtp.mail(sender, options)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, text, sender)
        refused: dict[str, tuple[int, bytes]] = {}
        for rcpt in recipients:
            code, text = smtp.rcpt(rcpt)
            if code not in (250, 251):
                refused[rcpt] = (code, text)
        if len(refused) == len(recipients):
            raise smtplib.SMTPRecipientsRefused(refused)
        code, text = smtp.data(data)
        answer = _answer(code, text)
    if refused:
        answer += "; refused: " + ", ".join(
            f"{rcpt} ({_answer(code, text)})" for rcpt, (code, text) in refused.items()
        )
    return answer


def check_login(
    server: ServerConfig, password: str, *, connect_to: str | None = None, timeout: float = 15.0
) -> str:
    """Connect, protect, log in and quit: ``"logged in to SMTP me@host:587"``."""
    with _session(server, password, connect_to, timeout):
        pass
    if not server.username:
        return f"connected to SMTP {server.label()} (no user name set: did not log in)"
    return f"logged in to SMTP {server.label()}"
