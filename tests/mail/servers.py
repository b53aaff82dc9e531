"""Real mail servers for the tests, on 127.0.0.1 only, on free ports.

* Debian's Dovecot 2.3 (``/usr/sbin/dovecot``) with a throwaway config, run directory,
  log and Maildir under a temporary folder: IMAP with STARTTLS on one port (plain text
  before it, for the loopback-only ``plain`` security) and IMAPS on another; one user in a
  passwd-file. We run as root and Dovecot refuses mail as uid 0, so the mail belongs to
  the system user ``mail`` (uid 8); the folder is world-readable (a test password only).
  pytest's own temporary folders are 0700 under /tmp/pytest-of-root, where ``mail`` and
  Dovecot's unprivileged processes could not reach, so the folder is made with mkdtemp.
* aiosmtpd: SMTP with STARTTLS required before AUTH, SMTPS (implicit TLS), and a plain one
  that offers no STARTTLS at all (AUTH in plain text: loopback tests of ``plain`` and of
  "STARTTLS not offered"). Every accepted message is recorded, and delivered into the
  Dovecot user's INBOX (``doveadm save``) when the user is a recipient: that is how a
  contact's reply reaches the app.
* One certificate authority made at start (the ``cryptography`` package) and a server
  certificate for ``localhost`` and 127.0.0.1 signed by it; the app trusts it through
  ``PLANNER_MAIL_CA_FILE`` (planner/mail/tls.py).
"""

from __future__ import annotations

import imaplib
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

from planner.mail.config import MailConfig, Security, ServerConfig

DOVECOT = os.environ.get("PLANNER_DOVECOT", "/usr/sbin/dovecot")
DOVEADM = os.environ.get("PLANNER_DOVEADM", "/usr/bin/doveadm")
USER = "me@example.test"
PASSWORD = "test-pass-4711"
MAIL_USER = "mail"  # a system user that exists on Debian; Dovecot refuses mail as root
SENT = "Sent"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """(CA file, server certificate, server key) for localhost and 127.0.0.1."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.now(UTC) - timedelta(days=2)
    # Valid for years both ways: `make test-time-travel` moves the clock ±365 days.
    not_before, not_after = now - timedelta(days=800), now + timedelta(days=800)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Give First test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(IPv4Address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    return ca_file, cert_file, key_file


_DOVECOT_CONF = """\
instance_name = planner-test-{tag}
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = {uid}
first_valid_gid = {gid}
default_login_user = dovenull
default_internal_user = dovecot
mail_location = maildir:{folder}/mail/%n
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {folder}/passwd
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox {sent} {{
    special_use = \\Sent
    auto = subscribe
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
"""


class Dovecot:
    """A throwaway Dovecot: :meth:`start`, then the helpers, then :meth:`stop`."""

    def __init__(self, folder: Path, cert: Path, key: Path) -> None:
        self.folder = folder
        self.conf = folder / "dovecot.conf"
        self.imap_port = free_port()
        self.imaps_port = free_port()
        self._cert, self._key = cert, key
        self._process: subprocess.Popen[bytes] | None = None
        pw = _passwd_entry(MAIL_USER)
        self.uid, self.gid = pw

    def start(self) -> None:
        mail = self.folder / "mail"
        mail.mkdir()
        os.chown(mail, self.uid, self.gid)
        (self.folder / "passwd").write_text(
            f"{USER}:{{PLAIN}}{PASSWORD}:{self.uid}:{self.gid}::{self.home}::\n"
        )
        self.conf.write_text(
            _DOVECOT_CONF.format(
                tag=os.getpid(),
                folder=self.folder,
                cert=self._cert,
                key=self._key,
                uid=self.uid,
                gid=self.gid,
                sent=SENT,
                imap_port=self.imap_port,
                imaps_port=self.imaps_port,
            )
        )
        self._process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _wait_for_banner(self.imap_port, b"* OK", self._process, self.folder / "dovecot.log")

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(5)
        if self._process.stderr:
            self._process.stderr.close()
        self._process = None

    def doveadm(self, *args: str, stdin: bytes | None = None, check: bool = True) -> bytes:
        done = subprocess.run(
            [DOVEADM, "-c", str(self.conf), *args],
            input=stdin,
            capture_output=True,
            timeout=30,
            check=False,
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"doveadm {' '.join(args)}: {done.stderr.decode(errors='replace')}")
        return done.stdout

    def put_in_folder(self, folder: str, raw: bytes) -> None:
        if folder.upper() != "INBOX":
            self.ensure_folder(folder)
        self.doveadm("save", "-u", USER, "-m", folder, stdin=raw)

    def ensure_folder(self, folder: str) -> None:
        names = self.doveadm("mailbox", "list", "-u", USER).decode().splitlines()
        if folder not in names:
            self.doveadm("mailbox", "create", "-u", USER, folder)

    def empty(self) -> None:
        """A fresh mailbox: the user's Maildir removed, so Dovecot makes a new one at the
        next access (INBOX and Sent, UIDs from 1 again, a new UIDVALIDITY)."""
        shutil.rmtree(self.home, ignore_errors=True)

    @property
    def home(self) -> Path:
        return self.folder / "mail" / USER.split("@")[0]


def _passwd_entry(name: str) -> tuple[int, int]:
    import pwd

    entry = pwd.getpwnam(name)
    return entry.pw_uid, entry.pw_gid


def _wait_for_banner(
    port: int, prefix: bytes, process: subprocess.Popen[bytes], log: Path, timeout: float = 20
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = process.stderr.read().decode(errors="replace") if process.stderr else ""
            text = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"dovecot exited with {process.returncode}: {err}{text}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
                if sock.recv(100).startswith(prefix):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"dovecot did not answer on 127.0.0.1:{port} within {timeout} s")


@dataclass(frozen=True)
class Received:
    """One message the SMTP server accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    port: int  # which server took it (starttls_port, tls_port, plain_port)


@dataclass
class _Recorder:
    dovecot: Dovecot
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        data = bytes(envelope.original_content or envelope.content)
        rcpts = tuple(str(r).lower() for r in envelope.rcpt_tos)
        with self.lock:
            port = int(server.transport.get_extra_info("sockname")[1])
            self.received.append(Received(str(envelope.mail_from), rcpts, data, port))
        if USER in rcpts:
            self.dovecot.put_in_folder("INBOX", data)
        return "250 2.0.0 Ok: queued as TEST1"


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == USER
        and auth_data.password.decode() == PASSWORD
    )
    return AuthResult(success=ok, handled=False)


def _controller(handler: Any, **kwargs: Any) -> Any:
    """An aiosmtpd Controller whose sessions do not warn on login (aiosmtpd 1.4 sets its
    own deprecated ``Session.login_data`` on every AUTH; the suite turns warnings into
    errors, which would break AUTH inside the server thread)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP, Session

    class QuietSession(Session):
        login_data = None  # type: ignore[assignment]  # a plain attribute: no warning

    class QuietSMTP(SMTP):
        def _create_session(self) -> Session:
            return QuietSession(self.loop)

    class QuietController(Controller):
        def factory(self) -> SMTP:
            return QuietSMTP(self.handler, **self.SMTP_kwargs)

    return QuietController(handler, **kwargs)


class Smtp:
    """Three aiosmtpd controllers sharing one recorder: STARTTLS (required before AUTH),
    implicit TLS, and plain text with no STARTTLS offered."""

    def __init__(self, dovecot: Dovecot, cert: Path, key: Path) -> None:
        self.recorder = _Recorder(dovecot)
        self._cert, self._key = cert, key
        self._controllers: list[Any] = []
        self.starttls_port = self.tls_port = self.plain_port = 0

    def start(self) -> None:
        server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_ctx.load_cert_chain(self._cert, self._key)
        common: dict[str, Any] = {
            "authenticator": _authenticator,
            "hostname": "127.0.0.1",
            "server_hostname": "localhost",
        }
        starttls = _controller(
            self.recorder,
            port=free_port(),
            tls_context=server_ctx,
            require_starttls=True,
            auth_require_tls=True,
            **common,
        )
        with warnings.catch_warnings():
            # aiosmtpd warns that AUTH without STARTTLS is unsafe: the implicit one is TLS
            # from the first byte (aiosmtpd does not know), the plain one is loopback only.
            warnings.simplefilter("ignore")
            implicit = _controller(
                self.recorder,
                port=free_port(),
                ssl_context=server_ctx,
                auth_require_tls=False,
                **common,
            )
            plain = _controller(self.recorder, port=free_port(), auth_require_tls=False, **common)
        for controller in (starttls, implicit, plain):
            controller.start()
            self._controllers.append(controller)
        self.starttls_port = starttls.port
        self.tls_port = implicit.port
        self.plain_port = plain.port

    def stop(self) -> None:
        for controller in self._controllers:
            controller.stop()
        self._controllers.clear()


class MailServers:
    """Dovecot + aiosmtpd, started once per test session (see tests/mail/fixtures.py)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="planner-mail-"))
        self.folder.chmod(0o755)
        self.user = USER
        self.password = PASSWORD
        self.ca_file, cert, key = make_certificates(self.folder)
        self.dovecot = Dovecot(self.folder, cert, key)
        self.smtp = Smtp(self.dovecot, cert, key)

    def start(self) -> MailServers:
        try:
            self.dovecot.start()
            self.smtp.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        self.smtp.stop()
        self.dovecot.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- what tests use -------------------------------------------------------------

    @property
    def received(self) -> list[Received]:
        """Messages the SMTP servers accepted since the last :meth:`reset`, in order."""
        with self.smtp.recorder.lock:
            return list(self.smtp.recorder.received)

    def reset(self) -> None:
        self.dovecot.empty()
        with self.smtp.recorder.lock:
            self.smtp.recorder.received.clear()

    def put_in_inbox(self, raw: bytes) -> None:
        self.dovecot.put_in_folder("INBOX", raw)

    def put_in_folder(self, folder: str, raw: bytes) -> None:
        self.dovecot.put_in_folder(folder, raw)

    def messages_in(self, folder: str) -> list[bytes]:
        """Every message in ``folder`` (bytes as stored), in UID order; does not set \\Seen."""
        context = ssl.create_default_context(cafile=str(self.ca_file))
        with imaplib.IMAP4_SSL("127.0.0.1", self.dovecot.imaps_port, ssl_context=context) as m:
            m.login(USER, PASSWORD)
            typ, _ = m.select(_quoted(folder), readonly=True)
            if typ != "OK":
                return []
            typ, data = m.uid("FETCH", "1:*", "(BODY.PEEK[])")
            out: list[tuple[int, bytes]] = []
            for item in data:
                if isinstance(item, tuple):
                    uid = int(item[0].split(b"UID ")[1].split()[0])
                    out.append((uid, item[1]))
            return [raw for _uid, raw in sorted(out)]

    def flags_in(self, folder: str) -> list[str]:
        """The flags of each message in ``folder``, in UID order (to see \\Seen untouched)."""
        context = ssl.create_default_context(cafile=str(self.ca_file))
        with imaplib.IMAP4_SSL("127.0.0.1", self.dovecot.imaps_port, ssl_context=context) as m:
            m.login(USER, PASSWORD)
            m.select(_quoted(folder), readonly=True)
            _typ, data = m.uid("FETCH", "1:*", "(FLAGS)")
            return [d.decode() for d in data if isinstance(d, bytes)]

    def imap_server(self, security: Security = Security.STARTTLS, **kw: Any) -> ServerConfig:
        port = self.dovecot.imaps_port if security == Security.TLS else self.dovecot.imap_port
        return replace(
            ServerConfig(host="127.0.0.1", port=port, security=security, username=USER), **kw
        )

    def smtp_server(self, security: Security = Security.STARTTLS, **kw: Any) -> ServerConfig:
        port = {
            Security.TLS: self.smtp.tls_port,
            Security.STARTTLS: self.smtp.starttls_port,
            Security.PLAIN: self.smtp.plain_port,
        }[security]
        return replace(
            ServerConfig(host="127.0.0.1", port=port, security=security, username=USER), **kw
        )

    def mail_config(self, security: Security = Security.STARTTLS, **kw: Any) -> MailConfig:
        """A mail account pointing at these servers (allow_private=True: they are on
        loopback); ``kw`` overrides MailConfig fields."""
        config = MailConfig(
            imap=self.imap_server(security),
            smtp=self.smtp_server(security),
            inbox_folder="INBOX",
            sent_folder=SENT,
            allow_private=True,
        )
        return replace(config, **kw)


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


@contextmanager
def misbehaving_server(
    *, close: bool = True, banner: bytes = b"", answer: Callable[[bytes], bytes] | None = None
) -> Iterator[int]:
    """A port on 127.0.0.1 whose server accepts each connection, sends ``banner``, answers
    each line it reads with ``answer(line)`` while that gives bytes, then closes it
    (``close``) or keeps it open saying nothing more (for timeouts)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.1)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if banner:
                conn.sendall(banner)
            if answer is not None:
                _converse(conn, answer)
            if close:
                conn.close()
            else:
                held.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(5)
        listener.close()
        for conn in held:
            conn.close()


def _converse(conn: socket.socket, answer: Callable[[bytes], bytes]) -> None:
    conn.settimeout(5)
    with conn.makefile("rb") as lines:
        for line in lines:
            reply = answer(line)
            if not reply:
                return
            conn.sendall(reply)
