"""The outbox: drafts queued to go through the mail account, and sending them.

A draft is queued with its Message-ID fixed (the one a reply will name, whichever attempt
delivers it); :func:`send` and :func:`send_queued` put queued messages through the SMTP
account, at most ``daily_limit`` a day (counted by ``sent_at`` on the UTC day of
``ws.today()``); the rest wait in the queue with a sentence saying so.

Never twice: a message is claimed before it goes (``queued`` → ``sending`` in its own
write, only when it is still queued); a claimed message that the process never finished
(killed mid-send) stays ``sending`` — it may have gone — until the user cancels it.

A failed attempt (any :class:`MailError`) leaves the message queued with the server's
answer in ``last_error``; nothing else changes. A sent one is, in one transaction: the
row sent, an exchange recorded (:func:`planner.services.exchanges.record_sent`) and its
ask marked sent; then a copy goes to the Sent folder over IMAP when the account says so
(a failure there is a warning: the message did go).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from email.utils import format_datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from planner.domain.mail import OutboxStatus
from planner.domain.model import AskStatus
from planner.errors import Conflict, InvalidInput, NotFound
from planner.mail.config import MailConfig, password_for, where_passwords_go
from planner.mail.errors import MailError
from planner.mail.headers import parse_headers
from planner.mail.imap import open_imap
from planner.mail.smtp import send_message
from planner.services import asks as asks_service
from planner.services import exchanges, mail_settings
from planner.services.mail_connection import vetted_address
from planner.services.outreach.drafts import AskNotReady, Draft, DraftBatch, not_ready_reason
from planner.services.outreach.recipients import Recipient
from planner.services.workspace import Workspace
from planner.storage.schema import AskRow, ContactRow, OutboxRow

__all__ = [
    "REPEAT_WINDOW",
    "SENDING",
    "OutboxView",
    "QueuedBatch",
    "SendReport",
    "SendResult",
    "cancel",
    "check_account",
    "get",
    "list_outbox",
    "message_bytes",
    "queue",
    "queue_batch",
    "remaining_today",
    "send",
    "send_queued",
    "sent_today",
]

#: The same draft queued again within this time is the first one (a double click).
REPEAT_WINDOW = timedelta(seconds=60)
#: A message claimed by a send in progress (see the module's note on "never twice").
SENDING = OutboxStatus.SENDING.value
_UNSENT_ASKS = (AskStatus.IDEA.value, AskStatus.PLANNED.value)
_NO_SENDER = "set your e-mail address in Settings → Profile: a message needs a sender"


@dataclass(frozen=True, slots=True)
class OutboxView:
    """One message of the outbox, as pages and the CLI list it."""

    id: int
    contact_id: int
    contact_name: str
    to_addr: str
    subject: str
    template: str
    #: queued, sending, sent or cancelled.
    status: str
    message_id: str
    ask_id: int | None
    request_id: int | None
    give_id: int | None
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    #: Queued with the user's "send anyway" for an ask that was not ready.
    anyway: bool = False


@dataclass(frozen=True, slots=True)
class SendResult:
    """What happened to one message: ``outcome`` is sent, queued (the daily limit),
    failed (the server's answer in ``sentence``) or skipped (not queued any more)."""

    outbox_id: int
    contact_name: str
    to_addr: str
    message_id: str
    outcome: str
    sentence: str = ""
    #: The message went, but something after it did not (the copy to Sent).
    warning: str = ""

    @classmethod
    def of(
        cls, view: OutboxView, outcome: str, sentence: str = "", *, warning: str = ""
    ) -> SendResult:
        """The outcome for the message ``view``."""
        return cls(
            view.id, view.contact_name, view.to_addr, view.message_id, outcome, sentence, warning
        )

    def line(self) -> str:
        """``sent to Ann <ann@x> — Message-ID <…>``, ``queued: …``, ``failed: …``."""
        who = f"{self.contact_name} <{self.to_addr}>"
        if self.outcome == "sent":
            text = f"sent to {who} — Message-ID {self.message_id}"
            return f"{text} (warning: {self.warning})" if self.warning else text
        return f"{self.outcome}: {who}: {self.sentence}"


@dataclass
class SendReport:
    """Every message :func:`send_queued` looked at, and the queue it left."""

    results: list[SendResult] = field(default_factory=list)
    #: "daily limit of 15 reached: 3 left queued for tomorrow", or "".
    limit_note: str = ""

    @property
    def sent(self) -> list[SendResult]:
        return [r for r in self.results if r.outcome == "sent"]

    @property
    def failed(self) -> list[SendResult]:
        return [r for r in self.results if r.outcome == "failed"]

    def lines(self) -> list[str]:
        lines = [r.line() for r in self.results if r.outcome != "queued"]
        if self.limit_note:
            lines.append(f"queued: {self.limit_note}")
        if not lines:
            lines.append("nothing queued to send")
        return lines


@dataclass
class QueuedBatch:
    """A batch of drafts put in the outbox, and the drafts that could not be."""

    queued: list[OutboxView] = field(default_factory=list)
    #: (contact name, why) for each draft not queued (no address, ask not ready …).
    problems: list[tuple[str, str]] = field(default_factory=list)


# --- the queue -------------------------------------------------------------------------


def _headers(raw: bytes) -> tuple[bytes, bytes]:
    """(header block with its final line break, the rest) of a message's bytes."""
    for sep in (b"\r\n\r\n", b"\n\n"):
        head, found, body = raw.partition(sep)
        if found:
            return head + sep[: len(sep) // 2], sep[len(sep) // 2 :] + body
    return raw, b""


def _without_header(raw: bytes, name: str) -> bytes:
    """``raw`` without every ``name:`` header line (and its folded continuation lines)."""
    head, rest = _headers(raw)
    pattern = re.compile(rb"(?im)^" + re.escape(name.encode()) + rb":.*\r?\n(?:[ \t].*\r?\n)*")
    return pattern.sub(b"", head) + rest


def _with_header(raw: bytes, name: str, value: str) -> bytes:
    """``raw`` with its ``name`` header replaced by ``name: value`` (first in the block)."""
    stripped = _without_header(raw, name)
    newline = b"\r\n" if b"\r\n" in stripped[:2000] else b"\n"
    return f"{name}: {value}".encode("ascii") + newline + stripped


def _parsed(raw: bytes) -> tuple[str, str]:
    """(Message-ID, the From address) of a stored message; "" for what it lacks."""
    headers = parse_headers(raw)
    if headers is None:
        return "", ""
    return headers.message_id, headers.from_addrs[0] if headers.from_addrs else ""


def _view(row: OutboxRow, name: str) -> OutboxView:
    return OutboxView(
        id=row.id,
        contact_id=row.contact_id,
        contact_name=name,
        to_addr=row.to_addr,
        subject=row.subject,
        template=row.template,
        status=row.status,
        message_id=row.message_id,
        ask_id=row.ask_id,
        request_id=row.request_id,
        give_id=row.give_id,
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
        anyway=bool(row.anyway),
    )


def _name(session: Session, contact_id: int) -> str:
    row = session.get(ContactRow, contact_id)
    return row.name if row is not None else f"contact {contact_id}"


def _already_queued(
    session: Session,
    ws: Workspace,
    draft: Draft,
    message_id: str,
    about: dict[str, int | None],
) -> OutboxRow | None:
    """This very message, or the same one queued within :data:`REPEAT_WINDOW`."""
    again = session.scalars(select(OutboxRow).where(OutboxRow.message_id == message_id))
    found = again.first()
    if found is not None:
        return found
    same = select(OutboxRow).where(
        OutboxRow.contact_id == draft.contact_id,
        OutboxRow.subject == draft.subject,
        OutboxRow.created_at >= ws.now() - REPEAT_WINDOW,
        OutboxRow.status != OutboxStatus.CANCELLED.value,
        *(
            getattr(OutboxRow, key).is_(None) if value is None else getattr(OutboxRow, key) == value
            for key, value in about.items()
        ),
    )
    return session.scalars(same.order_by(OutboxRow.id)).first()


def queue(
    ws: Workspace,
    draft: Draft,
    *,
    ask_id: int | None = None,
    request_id: int | None = None,
    give_id: int | None = None,
    anyway: bool = False,
) -> OutboxView:
    """Put a rendered draft in the outbox (it goes with :func:`send`).

    The same contact, subject and ask/request/give queued within :data:`REPEAT_WINDOW`
    (a double click), or the very same draft again, returns the row already queued.

    Raises:
        InvalidInput: the contact has no e-mail address, or the draft has no Message-ID.
        AskNotReady: the ask is not sent yet and not ready, and ``anyway`` is False.
    """
    if not draft.has_email:
        raise InvalidInput(
            f"{draft.contact_name} has no e-mail address on file: add it before sending",
            field="to_addr",
        )
    if not anyway:
        reason = not_ready_reason(ws, ask_id)
        if reason is not None:
            raise AskNotReady(int(ask_id or 0), reason)
    raw = _without_header(draft.eml, "X-Unsent")
    message_id, _ = _parsed(raw)
    if not message_id:
        raise InvalidInput(f"the draft for {draft.contact_name} has no Message-ID")
    about = {"ask_id": ask_id, "request_id": request_id, "give_id": give_id}
    with ws.write() as s:
        existing = _already_queued(s, ws, draft, message_id, about)
        if existing is not None:
            existing.anyway = bool(existing.anyway or anyway)
            return _view(existing, draft.contact_name)
        row = OutboxRow(
            contact_id=draft.contact_id,
            template=draft.template,
            to_addr=draft.to_addr,
            subject=draft.subject,
            message=raw,
            message_id=message_id,
            status=OutboxStatus.QUEUED.value,
            attempts=0,
            anyway=anyway,
            created_at=ws.now(),
            **about,
        )
        s.add(row)
        s.flush()
        return _view(row, draft.contact_name)


def queue_batch(
    ws: Workspace,
    batch: DraftBatch,
    recipients: Iterable[Recipient] = (),
    *,
    anyway: bool = False,
) -> QueuedBatch:
    """Queue every draft of a many-drafts selection. ``recipients`` (as given to
    :func:`planner.services.outreach.render_drafts`) say what each contact's draft is
    about (the ready asks' selection carries each ask); a draft that cannot be queued
    (no address, an ask not ready) is listed in ``problems`` and the others go on."""
    about = {r.contact_id: r for r in recipients}
    out = QueuedBatch(problems=list(batch.problems))
    for draft in batch.drafts:
        r = about.get(draft.contact_id)
        try:
            out.queued.append(
                queue(
                    ws,
                    draft,
                    ask_id=r.ask_id if r else None,
                    request_id=r.request_id if r else None,
                    give_id=r.give_id if r else None,
                    anyway=anyway,
                )
            )
        except (InvalidInput, Conflict) as error:
            out.problems.append((draft.contact_name, str(error)))
    return out


def list_outbox(ws: Workspace, *, status: str | None = None) -> list[OutboxView]:
    """The outbox, newest first; only ``status`` (queued, sending, sent, cancelled) if given."""
    query = select(OutboxRow, ContactRow.name).join(
        ContactRow, ContactRow.id == OutboxRow.contact_id
    )
    if status is not None:
        query = query.where(OutboxRow.status == status)
    with ws.read() as s:
        rows = s.execute(query.order_by(OutboxRow.created_at.desc(), OutboxRow.id.desc()))
        return [_view(row, name) for row, name in rows]


def _get(session: Session, outbox_id: int) -> OutboxRow:
    row = session.get(OutboxRow, outbox_id)
    if row is None:
        raise NotFound(f"no message with id {outbox_id} in the outbox")
    return row


def get(ws: Workspace, outbox_id: int) -> OutboxView:
    with ws.read() as s:
        row = _get(s, outbox_id)
        return _view(row, _name(s, row.contact_id))


def cancel(ws: Workspace, outbox_id: int) -> OutboxView:
    """Take a message back before it goes (a queued one, or one left ``sending`` by a send
    that never finished). A sent message cannot be cancelled.

    Raises:
        NotFound: no such message. Conflict: it was sent already.
    """
    with ws.write() as s:
        row = _get(s, outbox_id)
        if row.status == OutboxStatus.SENT.value:
            raise Conflict(f"message {outbox_id} was sent on {row.sent_at:%Y-%m-%d}: too late")
        row.status = OutboxStatus.CANCELLED.value
        return _view(row, _name(s, row.contact_id))


def message_bytes(ws: Workspace, outbox_id: int) -> bytes:
    """The stored message (an .eml without the X-Unsent marker)."""
    with ws.read() as s:
        return bytes(_get(s, outbox_id).message)


def _day_bounds(ws: Workspace) -> tuple[datetime, datetime]:
    start = datetime.combine(ws.today(), time())
    return start, start + timedelta(days=1)


def _sent_today(session: Session, ws: Workspace) -> int:
    start, end = _day_bounds(ws)
    counted = select(func.count()).select_from(OutboxRow)
    sent = counted.where(OutboxRow.sent_at >= start, OutboxRow.sent_at < end)
    sending = counted.where(OutboxRow.status == SENDING)
    return int(session.scalar(sent) or 0) + int(session.scalar(sending) or 0)


def sent_today(ws: Workspace) -> int:
    """Messages sent today (the UTC day of ``ws.today()``), and any being sent now."""
    with ws.read() as s:
        return _sent_today(s, ws)


def remaining_today(ws: Workspace) -> int:
    """How many more messages may go today under the daily limit."""
    limit = mail_settings.load(ws).daily_limit
    return max(0, limit - sent_today(ws))


# --- sending ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Account:
    config: MailConfig
    password: str
    connect_to: str | None


def check_account(ws: Workspace) -> None:
    """Raise InvalidInput when nothing could be sent: no SMTP server or no password set
    (says where to set it). The servers are not contacted."""
    _smtp_account(ws)


def _smtp_account(ws: Workspace) -> _Account:
    """The SMTP account and its password (the host is vetted when a message goes)."""
    config = mail_settings.load(ws)
    if not config.smtp.configured:
        raise InvalidInput(
            "no SMTP server is set: set smtp.host in Settings → Mail or with "
            "`planner mail set smtp.host HOST`"
        )
    password = password_for("smtp")
    if not password:
        raise InvalidInput(f"no SMTP password is set: {where_passwords_go('smtp')}")
    return _Account(config, password, None)


def _limit_note(limit: int, left: int) -> str:
    if left == 1:
        return f"daily limit of {limit} reached: 1 left queued for tomorrow"
    return f"daily limit of {limit} reached: {left} left queued for tomorrow"


def _claim(ws: Workspace, outbox_id: int, limit: int) -> str | None:
    """Mark a queued message ``sending`` (only when it is still queued and today's limit
    allows one more); None when claimed, else why not: "limit" or its status."""
    with ws.write() as s:
        row = _get(s, outbox_id)
        if row.status != OutboxStatus.QUEUED.value:
            return row.status
        if _sent_today(s, ws) >= limit:
            return "limit"
        done = s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == outbox_id, OutboxRow.status == OutboxStatus.QUEUED.value)
            .values(status=SENDING, last_attempt_at=ws.now())
        )
        return None if done.rowcount == 1 else "taken"  # type: ignore[attr-defined]


def _release(ws: Workspace, outbox_id: int, error: str | None) -> None:
    """Back to queued after a failed attempt (``error`` is None: not even tried)."""
    with ws.write() as s:
        row = _get(s, outbox_id)
        row.status = OutboxStatus.QUEUED.value
        if error is not None:
            row.attempts = (row.attempts or 0) + 1
            row.last_error = error
            row.last_attempt_at = ws.now()


def _mark_sent(ws: Workspace, outbox_id: int, when: datetime, stamped: bytes) -> None:
    """The message went: the row, its exchange and its ask, in one transaction."""
    with ws.write() as s:
        row = _get(s, outbox_id)
        row.status = OutboxStatus.SENT.value
        row.sent_at = when
        row.attempts = (row.attempts or 0) + 1
        row.last_error = None
        row.last_attempt_at = when
        row.message = stamped
        s.flush()
        exchanges.record_sent(s, ws, outbox_id=outbox_id, when=when)
        if row.ask_id is not None:
            ask = s.get(AskRow, row.ask_id)
            if ask is not None and ask.status in _UNSENT_ASKS:
                asks_service._set_status(ws, s, ask, AskStatus.SENT, None)


def _save_copy(ws: Workspace, config: MailConfig, message: bytes, when: datetime) -> str:
    """Append the sent message to the Sent folder; "" when done or not wanted, else the
    warning (the message went: this is no reason to call the send failed)."""
    if not (config.save_to_sent and config.imap.configured):
        return ""
    password = password_for("imap")
    if not password:
        return f"no copy in {config.sent_folder}: no IMAP password ({where_passwords_go('imap')})"
    try:
        address = vetted_address(
            config.imap.host, config.imap.port, allow_private=config.allow_private
        )
        with open_imap(config.imap, password, connect_to=address) as session:
            session.append(config.sent_folder, message, when)
    except MailError as error:
        return f"no copy in {config.sent_folder}: {error}"
    return ""


def _deliver(ws: Workspace, account: _Account, row: OutboxView, raw: bytes) -> SendResult:
    """Send one claimed message and record what happened."""
    _, sender = _parsed(raw)
    if not sender:
        _release(ws, row.id, None)
        raise InvalidInput(_NO_SENDER)
    when = ws.now()
    stamped = _with_header(raw, "Date", format_datetime(when.replace(tzinfo=UTC)))
    server = account.config.smtp
    try:
        address = vetted_address(
            server.host, server.port, allow_private=account.config.allow_private
        )
        send_message(
            server,
            account.password,
            stamped,
            sender=sender,
            recipients=[row.to_addr],
            connect_to=address,
        )
    except MailError as error:
        _release(ws, row.id, str(error))
        return SendResult.of(row, "failed", str(error))
    except Exception:
        # not a server's answer (a bug): put it back; an interrupt (Ctrl-C) leaves it
        # "sending", since it may have gone
        _release(ws, row.id, None)
        raise
    _mark_sent(ws, row.id, when, stamped)
    warning = _save_copy(ws, account.config, stamped, when)
    return SendResult.of(row, "sent", warning=warning)


def _check_ready(ws: Workspace, view: OutboxView, anyway: bool) -> None:
    if anyway or view.anyway or view.ask_id is None:
        return
    reason = not_ready_reason(ws, view.ask_id)
    if reason is not None:
        raise AskNotReady(view.ask_id, reason)


def _send_one(ws: Workspace, account: _Account, outbox_id: int, anyway: bool) -> SendResult:
    view = get(ws, outbox_id)
    if view.status != OutboxStatus.QUEUED.value:
        return SendResult.of(view, "skipped", f"message {view.id} is {view.status}, not queued")
    _check_ready(ws, view, anyway)
    limit = account.config.daily_limit
    why = _claim(ws, outbox_id, limit)
    if why == "limit":
        return SendResult.of(view, "queued", _limit_note(limit, 1))
    if why is not None:
        return SendResult.of(view, "skipped", f"message {view.id} is {why}, not queued")
    return _deliver(ws, account, view, message_bytes(ws, outbox_id))


def send(ws: Workspace, outbox_id: int, *, anyway: bool = False) -> SendResult:
    """Send one queued message now (within today's limit: over it, it stays queued).

    Raises:
        NotFound: no such message. InvalidInput: no SMTP server, password or sender.
        AskNotReady: its ask is not sent yet and not ready, and ``anyway`` is False.
    """
    return _send_one(ws, _smtp_account(ws), outbox_id, anyway)


def send_queued(ws: Workspace, *, anyway: bool = False) -> SendReport:
    """Send the queue, oldest first, within today's limit; the rest stay queued. A message
    that cannot go (its ask not ready, the server refused it) is in the report and the
    others go on."""
    account = _smtp_account(ws)
    waiting = sorted(list_outbox(ws, status=OutboxStatus.QUEUED.value), key=lambda v: v.id)
    report = SendReport()
    for index, view in enumerate(waiting):
        try:
            result = _send_one(ws, account, view.id, anyway)
        except (AskNotReady, InvalidInput) as error:
            result = SendResult.of(view, "failed", str(error))
        if result.outcome == "queued":
            report.limit_note = _limit_note(account.config.daily_limit, len(waiting) - index)
            break
        report.results.append(result)
    return report
