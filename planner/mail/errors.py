"""What went wrong talking to a mail server, as one error with a stable ``code``.

``str(error)`` is a sentence for the user that names the server (``user@host:port``) and
what failed; it never contains a password. Callers branch on ``code``, never the text:

* ``auth``          the server refused the user name or password
* ``tls``           TLS refused or failed, STARTTLS not offered, or a certificate not trusted
* ``plain_refused`` plain text (no TLS) to a host that is not loopback: refused before connecting
* ``refused``       the host's address is not allowed by the settings (private/loopback…)
* ``connect``       nothing listening, no route, or the name does not resolve
* ``dropped``       the server closed the connection in the middle of the session
* ``timeout``       the server did not answer in time
* ``server``        any other answer from the server (kept in ``answer``)
* ``folder``        no such folder on the IMAP server
"""

from __future__ import annotations

from typing import Literal

MailErrorCode = Literal[
    "auth", "tls", "plain_refused", "refused", "connect", "dropped", "timeout", "server", "folder"
]


class MailError(Exception):
    """A mail server could not be used; ``code`` says why (see the module docstring)."""

    def __init__(self, code: MailErrorCode, message: str, *, answer: str = "") -> None:
        super().__init__(message)
        self.code: MailErrorCode = code
        #: The server's own answer when it gave one (e.g. "550 5.1.1 no such user").
        self.answer = answer

    def __repr__(self) -> str:
        return f"MailError(code={self.code!r}, message={str(self)!r})"


def network_error(
    protocol: str, label: str, error: BaseException, *, password: str = ""
) -> MailError | None:
    """The MailError for a socket or TLS failure, None when ``error`` is neither.

    ``protocol`` ("IMAP", "SMTP") and ``label`` (``user@host:port``) start the sentence.
    """
    import socket
    import ssl

    where = f"{protocol} {label}"
    text: tuple[MailErrorCode, str] | None = None
    if isinstance(error, ssl.SSLCertVerificationError):
        reason = error.verify_message or str(error)
        text = ("tls", f"the server's certificate is not trusted ({reason})")
    elif isinstance(error, ssl.SSLEOFError | ssl.SSLZeroReturnError):
        text = ("dropped", "the server closed the connection during the TLS handshake")
    elif isinstance(error, ssl.SSLError):
        text = ("tls", f"TLS failed ({error.reason or error})")
    elif isinstance(error, TimeoutError):
        text = ("timeout", "the server did not answer in time")
    elif isinstance(error, socket.gaierror):
        text = ("connect", f"the host name does not resolve ({error.strerror or error})")
    elif isinstance(error, ConnectionRefusedError):
        text = ("connect", "the connection was refused (nothing listens on that port)")
    elif isinstance(error, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        text = ("dropped", "the server closed the connection in the middle of the session")
    elif isinstance(error, OSError):
        text = ("connect", f"the server could not be reached ({error.strerror or error})")
    if text is None:
        return None
    return MailError(text[0], scrub(f"{where}: {text[1]}", password))


def scrub(text: str, password: str) -> str:
    """``text`` with the password blanked out, should a server or library ever echo it."""
    return text.replace(password, "********") if password else text
