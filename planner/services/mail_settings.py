"""The mail account as stored in the workspace (settings key ``mail``), checked before it
is saved. Passwords are never here: see :mod:`planner.mail.config`."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from planner.errors import InvalidInput
from planner.mail.config import DEFAULT_PORTS, MailConfig, Security, ServerConfig
from planner.services.workspace import Workspace
from planner.storage.schema import SettingRow

KEY = "mail"
#: Most messages a day the limit may be set to (a mailbox provider's own cap is lower).
MAX_DAILY_LIMIT = 2_000
_HOST = re.compile(r"^[A-Za-z0-9.\-:\[\]]{1,253}$")


def load(ws: Workspace) -> MailConfig:
    """The stored mail account; an empty one (nothing configured) when none is stored."""
    with ws.read() as s:
        row = s.get(SettingRow, KEY)
        return MailConfig.from_json(row.value if row else None)


def _check_server(name: str, server: ServerConfig) -> ServerConfig:
    host = server.host.strip()
    if not host:
        return ServerConfig()
    if not _HOST.match(host):
        raise InvalidInput(f"{name} host {host!r} is not a host name or address", field=name)
    try:
        security = Security(server.security)
    except ValueError:
        raise InvalidInput(
            f"{name} security must be tls, starttls or plain, not {server.security!r}",
            field=name,
        ) from None
    port = int(server.port or DEFAULT_PORTS[(name, security)])  # type: ignore[index]
    if not 0 < port < 65_536:
        raise InvalidInput(f"{name} port {port} is not between 1 and 65535", field=name)
    username = server.username.strip()
    if any(ch in username for ch in "\r\n\x00"):
        raise InvalidInput(f"{name} user name has a line break or NUL", field=name)
    return ServerConfig(host=host, port=port, security=security, username=username)


def check(config: MailConfig) -> MailConfig:
    """The config with defaults filled in (ports), or InvalidInput naming the field."""
    if not 0 <= config.daily_limit <= MAX_DAILY_LIMIT:
        raise InvalidInput(
            f"the daily sending limit must be between 0 and {MAX_DAILY_LIMIT}, "
            f"not {config.daily_limit}",
            field="daily_limit",
        )
    if not 0 <= config.match_days <= 60:
        raise InvalidInput("replies are matched within 0 to 60 days", field="match_days")
    for field_name in ("inbox_folder", "sent_folder"):
        folder = str(getattr(config, field_name)).strip()
        if not folder or any(ch in folder for ch in "\r\n\x00"):
            raise InvalidInput(f"the {field_name.replace('_', ' ')} needs a name", field=field_name)
    return replace(
        config,
        imap=_check_server("imap", config.imap),
        smtp=_check_server("smtp", config.smtp),
        inbox_folder=config.inbox_folder.strip(),
        sent_folder=config.sent_folder.strip(),
    )


def save(ws: Workspace, config: MailConfig) -> MailConfig:
    """Check and store the mail account; returns what was stored."""
    clean = check(config)
    with ws.write() as s:
        row = s.get(SettingRow, KEY)
        data: dict[str, Any] = clean.to_json()
        if row is None:
            s.add(SettingRow(key=KEY, value=data))
        else:
            row.value = data
    return clean
