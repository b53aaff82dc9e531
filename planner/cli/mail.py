"""planner mail show|set|test|read|import, planner send: the mail account from a script.

A server's refusal (a wrong password, a refused TLS, a dropped connection) prints its
sentence on stderr and exits 1; a user's mistake (a bad value, no password set) exits 2
as every command's does. Passwords are never printed: ``mail show`` says only whether
each is set and where from.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.cli.common import workspace
from planner.errors import InvalidInput

if TYPE_CHECKING:
    from planner.mail.config import MailConfig, Protocol
    from planner.services.workspace import Workspace

#: ``planner mail set`` keys: server fields under imap./smtp., then the account's own.
SERVER_KEYS = ("host", "port", "security", "username")
ACCOUNT_KEYS = (
    "inbox_folder",
    "sent_folder",
    "save_to_sent",
    "daily_limit",
    "match_days",
    "allow_private",
)
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("mail", help="the mail account: show, set, test, read; import mail files")
    actions = p.add_subparsers(dest="mail_command", metavar="ACTION", required=True)
    a = actions.add_parser("show", help="print the account (never a password)")
    a.set_defaults(handler=_show)
    a = actions.add_parser(
        "set", help="set one value of the account (checked; nothing stored if bad)"
    )
    keys = [f"{s}.{k}" for s in ("imap", "smtp") for k in SERVER_KEYS] + list(ACCOUNT_KEYS)
    a.add_argument("key", help=f"one of: {', '.join(keys)}")
    a.add_argument("value", help="the new value (yes/no for switches)")
    a.set_defaults(handler=_set)
    a = actions.add_parser("test", help="log in to the servers; exits 1 with what failed")
    a.add_argument("protocol", nargs="?", choices=["imap", "smtp"], help="only this server")
    a.set_defaults(handler=_test)
    a = actions.add_parser("read", help="read the INBOX and Sent folders: only what is new")
    a.set_defaults(handler=_read)
    a = actions.add_parser("import", help="read an mbox file or a Maildir folder")
    a.add_argument("path", help="the mbox file or Maildir folder")
    a.set_defaults(handler=_import)

    p = sub.add_parser(
        "send", help="send drafts through the mail account (the daily limit applies)"
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--draft", type=int, metavar="ID", help="send this queued message")
    which.add_argument("--ask", type=int, metavar="ID", help="draft this ask's message and send it")
    which.add_argument(
        "--all-queued", action="store_true", help="send the queue (within the limit)"
    )
    p.add_argument(
        "--anyway", action="store_true", help="send an ask that is not ready yet (else refused)"
    )
    p.add_argument("--template", help="with --ask: the template (default: the ask kind's)")
    p.add_argument("--reason", default="", help="with --ask: why you ask, in words for them")
    p.set_defaults(handler=_send)


def _password_note(protocol: str) -> str:
    from planner.mail.config import PASSWORD_ENV, password_for, where_passwords_go

    env = PASSWORD_ENV[protocol]  # type: ignore[index]
    if os.environ.get(env):
        return f"password set (from ${env})"
    if password_for(protocol):  # type: ignore[arg-type]
        return "password set (from .streamlit/secrets.toml, or the IMAP password for SMTP)"
    return f"no password: {where_passwords_go(protocol)}"  # type: ignore[arg-type]


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _show(args: argparse.Namespace) -> int:
    from planner.services import mail_settings, outbox

    ws = workspace(args)
    config = mail_settings.load(ws)
    for name in ("imap", "smtp"):
        server = getattr(config, name)
        if server.configured:
            print(f"{name}: {server.label()} ({server.security}); {_password_note(name)}")
        else:
            print(f"{name}: not set")
    print(f"inbox_folder: {config.inbox_folder}")
    print(f"sent_folder: {config.sent_folder}")
    print(f"save_to_sent: {_yes(config.save_to_sent)}")
    print(
        f"daily_limit: {config.daily_limit} (sent today {outbox.sent_today(ws)}, "
        f"{outbox.remaining_today(ws)} left)"
    )
    print(f"match_days: {config.match_days}")
    print(f"allow_private: {_yes(config.allow_private)}")
    return 0


def _switch(key: str, value: str) -> bool:
    word = value.strip().lower()
    if word in _TRUE | _FALSE:
        return word in _TRUE
    raise InvalidInput(f"{key} is yes or no, not {value!r}", field=key)


def _number(key: str, value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise InvalidInput(f"{key} must be a whole number, not {value!r}", field=key) from None


def _changed(config: MailConfig, key: str, value: str) -> MailConfig:
    """The config with ``key`` set to ``value`` (typed); InvalidInput for an unknown key."""
    from dataclasses import replace

    from planner.mail.config import DEFAULT_PORTS, Security

    server_name, _, server_key = key.partition(".")
    if server_name in ("imap", "smtp") and server_key in SERVER_KEYS:
        typed: Any = value.strip()
        if server_key == "port":
            typed = _number(key, value)
        elif server_key == "security":
            try:
                typed = Security(value.strip().lower())
            except ValueError:
                raise InvalidInput(
                    f"{key} is tls, starttls or plain, not {value!r}", field=key
                ) from None
        server = getattr(config, server_name)
        changes: dict[str, Any] = {server_key: typed}
        defaults = {
            security: port
            for (name, security), port in DEFAULT_PORTS.items()
            if name == server_name
        }
        if server_key == "security" and server.port == defaults.get(server.security):
            changes["port"] = 0  # it was the old default: take the new one's
        return replace(config, **{server_name: replace(server, **changes)})
    changes = {}
    if key in ("save_to_sent", "allow_private"):
        changes[key] = _switch(key, value)
    elif key in ("daily_limit", "match_days"):
        changes[key] = _number(key, value)
    elif key in ("inbox_folder", "sent_folder"):
        changes[key] = value
    if changes:
        return replace(config, **changes)
    keys = [f"{s}.{k}" for s in ("imap", "smtp") for k in SERVER_KEYS] + list(ACCOUNT_KEYS)
    raise InvalidInput(f"no mail setting {key!r} (one of: {', '.join(keys)})", field="key")


def _set(args: argparse.Namespace) -> int:
    from planner.services import mail_settings

    ws = workspace(args)
    stored = mail_settings.save(ws, _changed(mail_settings.load(ws), args.key, args.value))
    server_name, _, server_key = args.key.partition(".")
    if server_key:
        shown = getattr(getattr(stored, server_name), server_key)
    else:
        shown = getattr(stored, args.key)
    if isinstance(shown, bool):
        shown = _yes(shown)
    print(f"mail {args.key} = {shown}")
    return 0


def _failed(error: Exception) -> int:
    print(f"planner: failed: {error}", file=sys.stderr)
    return 1


def _test(args: argparse.Namespace) -> int:
    from planner.mail.errors import MailError
    from planner.services import mail_connection, mail_settings

    ws = workspace(args)
    config = mail_settings.load(ws)
    both: list[Protocol] = ["imap", "smtp"]
    wanted = [
        p
        for p in both
        if p == args.protocol or (not args.protocol and getattr(config, p).configured)
    ]
    if not wanted:
        raise InvalidInput("no mail server is set: `planner mail set imap.host HOST` first")
    code = 0
    for protocol in wanted:
        try:
            print(mail_connection.test_connection(ws, protocol))
        except MailError as error:
            code = _failed(error)
    return code


def _read(args: argparse.Namespace) -> int:
    from planner.mail.errors import MailError
    from planner.services import mail_read

    ws = workspace(args)
    progress = _folder_progress if sys.stderr.isatty() else None
    try:
        report = mail_read.read_mailbox(ws, progress=progress)
    except MailError as error:
        return _failed(error)
    print(report.line())
    return 0


def _folder_progress(folder: str, done: int) -> None:
    print(f"\r{folder}: {done} read", end="", file=sys.stderr, flush=True)


def _file_progress(done: int, total: int | None) -> None:
    of = f" of {total}" if total else ""
    print(f"\r{done}{of} messages read", end="", file=sys.stderr, flush=True)


def _import(args: argparse.Namespace) -> int:
    from planner.services import mail_import

    ws = workspace(args)
    tty = sys.stderr.isatty()
    summary = mail_import.import_path(ws, Path(args.path), progress=_file_progress if tty else None)
    if tty:
        print(file=sys.stderr)
    print(summary.line())
    return 0


def _send(args: argparse.Namespace) -> int:
    from planner.services import outbox

    ws = workspace(args)
    if args.template and args.ask is None:
        raise InvalidInput("--template goes with --ask")
    if args.all_queued:
        report = outbox.send_queued(ws, anyway=args.anyway)
        for line in report.lines():
            print(line)
        return 1 if report.failed else 0
    outbox_id = args.draft if args.draft is not None else _queue_ask(ws, args)
    result = outbox.send(ws, outbox_id, anyway=args.anyway)
    print(result.line())
    return 1 if result.outcome == "failed" else 0


def ask_template(ws: Workspace, ask_id: int) -> tuple[int, str]:
    """(the ask's contact id, the template its message is drafted from by default: the
    one the planner's next moves name for the ask's kind, else ``ask_share``)."""
    from planner.domain.model import Kind
    from planner.domain.next_moves import ASK_TEMPLATES
    from planner.services import asks

    ask = asks.get(ws, ask_id)
    if ask.contact_id is None:
        raise InvalidInput(f"ask {ask_id} is an ask of the audience: there is no one to send it to")
    return ask.contact_id, ASK_TEMPLATES.get(Kind(ask.kind), "ask_share")


def _queue_ask(ws: Workspace, args: argparse.Namespace) -> int:
    from planner.services import outbox, outreach

    outbox.check_account(ws)  # before the draft is queued: it would wait for nothing
    contact_id, default = ask_template(ws, args.ask)
    draft = outreach.render_draft(
        ws,
        args.template or default,
        contact_id,
        ask_id=args.ask,
        ask_reason=args.reason,
        anyway=args.anyway,
    )
    return outbox.queue(ws, draft, ask_id=args.ask, anyway=args.anyway).id
