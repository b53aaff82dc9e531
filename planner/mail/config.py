"""Mail accounts: where the IMAP and SMTP servers are and how to log in.

The settings (host, port, security, user name, folders) are stored in the workspace; a
password never is. It comes from the environment (``PLANNER_IMAP_PASSWORD``,
``PLANNER_SMTP_PASSWORD``) or from ``.streamlit/secrets.toml``::

    [mail]
    imap_password = "…"
    smtp_password = "…"

so it stays out of the database, its backups and exports, and every log.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

#: Where secrets.toml is looked for, first found wins (Streamlit's own two places).
SECRETS_PATHS = (Path(".streamlit/secrets.toml"), Path.home() / ".streamlit" / "secrets.toml")

Protocol = Literal["imap", "smtp"]

PASSWORD_ENV: dict[Protocol, str] = {
    "imap": "PLANNER_IMAP_PASSWORD",
    "smtp": "PLANNER_SMTP_PASSWORD",
}


class Security(StrEnum):
    """How the connection is protected."""

    TLS = "tls"  # implicit TLS from the first byte (IMAPS 993, SMTPS 465)
    STARTTLS = "starttls"  # plain connect, then upgraded before login (IMAP 143, SMTP 587)
    #: No encryption: refused unless the host is a loopback address (tests, a local relay).
    PLAIN = "plain"


DEFAULT_PORTS: dict[tuple[Protocol, Security], int] = {
    ("imap", Security.TLS): 993,
    ("imap", Security.STARTTLS): 143,
    ("imap", Security.PLAIN): 143,
    ("smtp", Security.TLS): 465,
    ("smtp", Security.STARTTLS): 587,
    ("smtp", Security.PLAIN): 25,
}


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """One server of the account. ``host`` empty means not configured."""

    host: str = ""
    port: int = 0
    security: Security = Security.TLS
    username: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.host.strip())

    def label(self) -> str:
        """``user@host:port`` for messages and the folder state (never a password)."""
        user = f"{self.username}@" if self.username else ""
        return f"{user}{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class MailConfig:
    """The whole mail account as stored (see :mod:`planner.services.mail_settings`)."""

    imap: ServerConfig = field(default_factory=ServerConfig)
    smtp: ServerConfig = field(default_factory=ServerConfig)
    inbox_folder: str = "INBOX"
    sent_folder: str = "Sent"
    #: After sending, put a copy into the Sent folder over IMAP (servers other than
    #: Gmail do not do it themselves).
    save_to_sent: bool = True
    #: Messages sent per day at most; the rest wait in the queue (Hunter's default is 15).
    daily_limit: int = 15
    #: A reply sent from another mail app is matched to a draft made here by recipient and
    #: subject when it was sent within this many days of the draft.
    match_days: int = 7
    #: Reach mail servers on private addresses (a self-hosted server); loopback plain text
    #: is allowed for tests whatever this says.
    allow_private: bool = False

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("imap", "smtp"):
            data[key]["security"] = str(data[key]["security"])
        return data

    @classmethod
    def from_json(cls, data: object) -> MailConfig:
        """A stored config; unknown keys are ignored and missing ones take defaults."""
        if not isinstance(data, dict):
            return cls()
        known: dict[str, Any] = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("imap", "smtp"):
            known[key] = _server_from_json(known.get(key))
        return replace(cls(), **known)


def _server_from_json(raw: object) -> ServerConfig:
    if not isinstance(raw, dict):
        return ServerConfig()
    known = {k: v for k, v in raw.items() if k in ServerConfig.__dataclass_fields__}
    try:
        known["security"] = Security(known.get("security", Security.TLS))
    except ValueError:
        known["security"] = Security.TLS
    return ServerConfig(**known)


def _secrets(paths: tuple[Path, ...]) -> dict[str, Any]:
    for path in paths:
        try:
            with path.open("rb") as handle:
                data = tomllib.load(handle)
        except FileNotFoundError:
            continue
        except (OSError, tomllib.TOMLDecodeError):
            # A broken secrets file must not stop the app; the caller says "no password".
            return {}
        mail = data.get("mail")
        return mail if isinstance(mail, dict) else {}
    return {}


def password_for(protocol: Protocol, *, secrets_paths: tuple[Path, ...] = SECRETS_PATHS) -> str:
    """The account's password for ``protocol``, "" when none is set anywhere.

    The environment wins over secrets.toml; an SMTP password falls back to the IMAP one
    (most providers use one password for both).
    """
    env = os.environ.get(PASSWORD_ENV[protocol], "")
    if env:
        return env
    secrets = _secrets(secrets_paths)
    value = secrets.get(f"{protocol}_password", "")
    if not value and protocol == "smtp":
        value = os.environ.get(PASSWORD_ENV["imap"], "") or secrets.get("imap_password", "")
    return str(value) if value else ""


def where_passwords_go(protocol: Protocol) -> str:
    """Where the user sets the password, in words for a message."""
    return (
        f"set {PASSWORD_ENV[protocol]} in the environment, or {protocol}_password under "
        "[mail] in .streamlit/secrets.toml"
    )
