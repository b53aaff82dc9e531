"""Reading headers from, and appending to, an IMAP mailbox.

``open_imap`` connects (implicit TLS, STARTTLS — refused when the server does not offer
it — or plain text to loopback only), logs in and yields an :class:`ImapSession`. Headers
are fetched with ``BODY.PEEK[HEADER]``: never a body, never the \\Seen flag. Folder names
are given and returned as text (modified UTF-7 on the wire, RFC 3501 §5.1.3).

Every failure is a :class:`~planner.mail.errors.MailError` naming the server.
``connect_to`` is an address already vetted by the caller; TLS still checks the
certificate against ``server.host``.
"""

from __future__ import annotations

import base64
import imaplib
import re
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from planner.mail.config import Security, ServerConfig
from planner.mail.errors import MailError, network_error, scrub
from planner.mail.tls import plain_allowed, ssl_context

_UID = re.compile(rb"UID (\d+)")
_LIST = re.compile(rb'\((?P<flags>[^)]*)\) (?P<delim>"(?:[^"\\]|\\.)*"|NIL) (?P<name>.*)$')
_EOL = re.compile(rb"\r?\n")


class _IMAP(imaplib.IMAP4):
    def __init__(self, host: str, port: int, connect_to: str | None, timeout: float) -> None:
        self._connect_to = connect_to
        super().__init__(host, port, timeout)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        return socket.create_connection((self._connect_to or self.host, self.port), timeout)


class _IMAPSSL(imaplib.IMAP4_SSL):
    def __init__(
        self,
        host: str,
        port: int,
        connect_to: str | None,
        timeout: float,
        context: ssl.SSLContext,
    ) -> None:
        self._connect_to = connect_to
        super().__init__(host, port, ssl_context=context, timeout=timeout)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        sock = socket.create_connection((self._connect_to or self.host, self.port), timeout)
        try:
            wrapped: socket.socket = self.ssl_context.wrap_socket(sock, server_hostname=self.host)
            return wrapped
        except BaseException:
            sock.close()
            raise


def _text(data: object) -> str:
    """An imaplib answer (bytes, a list of them, an exception's args) as one line of text."""
    if isinstance(data, list | tuple):
        return " ".join(_text(item) for item in data if item is not None)
    if isinstance(data, bytes):
        return " ".join(data.decode("utf-8", "replace").split())
    return " ".join(str(data).split())


def encode_folder(name: str) -> str:
    """A folder name in IMAP's modified UTF-7, quoted for a command."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            raw = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode().rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    encoded = "".join(out)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def decode_folder(wire: str) -> str:
    """A folder name as the server lists it (modified UTF-7, maybe quoted) as text."""
    if len(wire) >= 2 and wire[0] == wire[-1] == '"':
        wire = re.sub(r"\\(.)", r"\1", wire[1:-1])

    def piece(match: re.Match[str]) -> str:
        body = match.group(1)
        if not body:
            return "&"
        padded = body.replace(",", "/") + "=" * (-len(body) % 4)
        return base64.b64decode(padded).decode("utf-16-be", "replace")

    return re.sub(r"&([A-Za-z0-9+,]*)-", piece, wire)


class ImapSession:
    """A logged-in IMAP connection (from :func:`open_imap`)."""

    def __init__(self, imap: imaplib.IMAP4, server: ServerConfig, password: str) -> None:
        self._imap = imap
        self._server = server
        self._password = password

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except MailError:
            raise
        except (imaplib.IMAP4.error, OSError) as error:
            raise _mapped(self._server, error, self._password) from None

    def _fail(self, code: str, what: str, answer: object) -> MailError:
        said = scrub(_text(answer), self._password)
        return MailError(
            "folder" if code == "folder" else "server",
            f"IMAP {self._server.label()}: {what} ({said})",
            answer=said,
        )

    def _examine(self, folder: str) -> None:
        typ, data = self._imap.select(encode_folder(folder), readonly=True)
        if typ != "OK":
            raise self._fail("folder", f"the folder {folder!r} could not be opened", data)

    def folder_state(self, folder: str) -> tuple[int, int]:
        """(UIDVALIDITY, UIDNEXT) of ``folder``, opened read-only (EXAMINE)."""
        with self._guard():
            self._examine(folder)
            values: dict[str, int] = {}
            for name in ("UIDVALIDITY", "UIDNEXT"):
                _typ, data = self._imap.response(name)
                if data and data[0] is not None:
                    values[name] = int(data[0])
            if len(values) < 2:
                typ, data = self._imap.status(encode_folder(folder), "(UIDVALIDITY UIDNEXT)")
                if typ != "OK":
                    raise self._fail("server", f"no UIDVALIDITY for {folder!r}", data)
                for name in ("UIDVALIDITY", "UIDNEXT"):
                    found = re.search(name.encode() + rb" (\d+)", b" ".join(data or []))
                    values.setdefault(name, int(found.group(1)) if found else 0)
        return values["UIDVALIDITY"], values["UIDNEXT"]

    def _uids_after(self, after_uid: int) -> list[int]:
        # UID FETCH n:* (UID), not SEARCH: the answer comes one line per message (imaplib
        # refuses lines over 1 MB, which a SEARCH answer for 150,000 messages is).
        typ, data = self._imap.uid("FETCH", f"{after_uid + 1}:*", "(UID)")
        if typ != "OK":
            raise self._fail("server", "the message list could not be read", data)
        uids: set[int] = set()
        for item in data:
            line = item[0] if isinstance(item, tuple) else item
            found = _UID.search(line) if isinstance(line, bytes) else None
            if found:
                uids.add(int(found.group(1)))
        # "n:*" always includes the last message, even when it is older than n.
        return sorted(uid for uid in uids if uid > after_uid)

    def _headers(self, uids: list[int]) -> list[tuple[int, bytes]]:
        wanted = set(uids)
        typ, data = self._imap.uid("FETCH", _ranges(uids), "(UID BODY.PEEK[HEADER])")
        if typ != "OK":
            raise self._fail("server", "headers could not be fetched", data)
        found: dict[int, bytes] = {}
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                match = _UID.search(item[0])
                if match and int(match.group(1)) in wanted:
                    found[int(match.group(1))] = bytes(item[1])
        return sorted(found.items())

    def fetch_headers(
        self, folder: str, *, after_uid: int, batch: int = 500
    ) -> Iterator[tuple[int, bytes]]:
        """(UID, header bytes) of every message in ``folder`` with a UID above
        ``after_uid``, in UID order, ``batch`` messages per request (bounded memory)."""
        with self._guard():
            self._examine(folder)
            uids = self._uids_after(after_uid)
        for start in range(0, len(uids), max(1, batch)):
            with self._guard():
                chunk = self._headers(uids[start : start + batch])
            yield from chunk

    def append(self, folder: str, message: bytes, when: datetime, *, flags: str = "\\Seen") -> None:
        """Put ``message`` into ``folder`` dated ``when`` (naive means UTC), flagged ``flags``."""
        stamp = when if when.tzinfo else when.replace(tzinfo=UTC)
        with self._guard():
            typ, data = self._imap.append(
                encode_folder(folder), flags or None, stamp, _EOL.sub(b"\r\n", message)
            )
            if typ != "OK":
                code = "folder" if b"TRYCREATE" in b" ".join(data or []) else "server"
                raise self._fail(code, f"the message could not be saved into {folder!r}", data)

    def folders(self) -> list[str]:
        """The names of the folders that can be opened, as text."""
        with self._guard():
            typ, data = self._imap.list()
            if typ != "OK":
                raise self._fail("server", "the folders could not be listed", data)
        names: list[str] = []
        for item in data:
            if isinstance(item, tuple):  # a name sent as a literal
                head, literal = item[0], item[1]
                if b"\\noselect" not in head.lower():
                    names.append(decode_folder(literal.decode("utf-8", "replace")))
                continue
            match = _LIST.match(item) if isinstance(item, bytes) else None
            if match and b"\\noselect" not in match.group("flags").lower():
                names.append(decode_folder(match.group("name").decode("utf-8", "replace")))
        return names


def _ranges(uids: list[int]) -> str:
    """``[1, 2, 3, 7]`` → ``"1:3,7"``."""
    parts: list[str] = []
    start = prev = uids[0]
    for uid in uids[1:]:
        if uid != prev + 1:
            parts.append(f"{start}:{prev}" if prev != start else str(start))
            start = uid
        prev = uid
    parts.append(f"{start}:{prev}" if prev != start else str(start))
    return ",".join(parts)


def _mapped(server: ServerConfig, error: BaseException, password: str) -> MailError:
    where = f"IMAP {server.label()}"
    if isinstance(error, imaplib.IMAP4.abort):
        if isinstance(error.__context__, TimeoutError):
            return MailError("timeout", f"{where}: the server did not answer in time")
        said = scrub(_text(error.args), password)
        return MailError(
            "dropped",
            f"{where}: the server closed the connection in the middle of the session ({said})",
        )
    mapped = network_error("IMAP", server.label(), error, password=password)
    if mapped is not None:
        return mapped
    said = scrub(_text(error.args), password)
    return MailError("server", f"{where}: the server answered {said}", answer=said)


def _refuse_plain(server: ServerConfig, connect_to: str | None) -> None:
    if server.security == Security.PLAIN and not plain_allowed(server.host, connect_to):
        raise MailError(
            "plain_refused",
            f"IMAP {server.label()}: plain text (no TLS) is only allowed to this machine "
            "(loopback); choose TLS or STARTTLS",
        )


def _connect(server: ServerConfig, connect_to: str | None, timeout: float) -> imaplib.IMAP4:
    if server.security == Security.TLS:
        return _IMAPSSL(server.host, server.port, connect_to, timeout, ssl_context())
    imap = _IMAP(server.host, server.port, connect_to, timeout)
    if server.security == Security.STARTTLS:
        try:
            if "STARTTLS" not in imap.capabilities:
                raise MailError(
                    "tls",
                    f"IMAP {server.label()}: the server does not offer STARTTLS, so the "
                    "password would go in plain text; not logging in",
                )
            imap.starttls(ssl_context())
        except BaseException:
            _shutdown(imap)
            raise
    return imap


def _shutdown(imap: imaplib.IMAP4) -> None:
    try:
        imap.shutdown()
    except OSError:  # already broken: closing is all that is left
        imap.sock.close()


def _login(imap: imaplib.IMAP4, server: ServerConfig, password: str) -> None:
    try:
        if server.username.isascii() and password.isascii():
            imap.login(server.username, password)
        else:  # LOGIN is ASCII only; AUTHENTICATE PLAIN carries UTF-8
            token = f"\0{server.username}\0{password}".encode()
            imap.authenticate("PLAIN", lambda _challenge: token)
    except imaplib.IMAP4.abort:
        raise
    except imaplib.IMAP4.error as error:
        said = scrub(_text(error.args), password)
        raise MailError(
            "auth",
            f"IMAP {server.label()}: the server refused the user name or password ({said})",
            answer=said,
        ) from None


@contextmanager
def open_imap(
    server: ServerConfig, password: str, *, connect_to: str | None = None, timeout: float = 30.0
) -> Iterator[ImapSession]:
    """A logged-in :class:`ImapSession`; logged out when the block ends."""
    _refuse_plain(server, connect_to)
    try:
        imap = _connect(server, connect_to, timeout)
    except MailError:
        raise
    except (imaplib.IMAP4.error, OSError) as error:
        raise _mapped(server, error, password) from None
    try:
        try:
            _login(imap, server, password)
        except (imaplib.IMAP4.abort, OSError) as error:
            raise _mapped(server, error, password) from None
        yield ImapSession(imap, server, password)
    finally:
        try:
            imap.logout()
        except (imaplib.IMAP4.error, OSError):
            _shutdown(imap)


def check_login(
    server: ServerConfig, password: str, *, connect_to: str | None = None, timeout: float = 15.0
) -> str:
    """Connect, protect, log in and log out: ``"logged in to IMAP me@host:993"``."""
    with open_imap(server, password, connect_to=connect_to, timeout=timeout):
        pass
    return f"logged in to IMAP {server.label()}"
