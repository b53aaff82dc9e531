"""Reading the IMAP account: the INBOX and Sent folders, only what is new since last time.

Each folder's UIDVALIDITY and last UID read are kept in ``mail_folders`` (one row per
account ``user@host:port`` and folder). The same UIDVALIDITY → only UIDs after the last
one are fetched; a changed one (the server renumbered the folder) or none → the whole
folder again, which is harmless: :func:`planner.services.exchanges.record` is idempotent.

Headers only (``BODY.PEEK[HEADER]``: never the body, never marked read), in batches: a
batch's exchanges are recorded before the folder's last UID moves past it, so a dropped
connection loses nothing (the next read starts after the last batch recorded, and a batch
recorded twice adds nothing the second time).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields

from sqlalchemy import select

from planner.domain.mail import ExchangeSource
from planner.errors import InvalidInput
from planner.mail.config import MailConfig, password_for, where_passwords_go
from planner.mail.errors import MailError
from planner.mail.headers import parse_headers
from planner.mail.imap import ImapSession, open_imap
from planner.services import exchanges, mail_settings
from planner.services.exchanges import RecordSummary
from planner.services.mail_connection import vetted_address
from planner.services.workspace import Workspace
from planner.storage.schema import MailFolderRow

__all__ = ["BATCH", "FolderRead", "ReadReport", "read_mailbox"]

#: Headers fetched and recorded per transaction.
BATCH = 500

Progress = Callable[[str, int], None]


@dataclass
class FolderRead:
    """One folder read: what was recorded, or a note saying why it was not read."""

    folder: str
    summary: RecordSummary | None = None
    note: str = ""
    #: Read from the start: first read, or the server changed the folder's UIDVALIDITY.
    from_start: bool = False

    def line(self) -> str:
        if self.summary is None:
            return f"{self.folder}: {self.note}"
        return f"{self.folder}: {self.summary.line()}"


@dataclass
class ReadReport:
    """Every folder :func:`read_mailbox` looked at."""

    account: str
    folders: list[FolderRead] = field(default_factory=list)

    def line(self) -> str:
        """``INBOX: read 12, exchanges added 3, …; Sent: read 4, …``."""
        return "; ".join(f.line() for f in self.folders)

    @property
    def added(self) -> int:
        return sum(f.summary.added for f in self.folders if f.summary is not None)


def _add(a: RecordSummary, b: RecordSummary) -> RecordSummary:
    values = {f.name: getattr(a, f.name) + getattr(b, f.name) for f in fields(a)}
    return RecordSummary(**values)


def _account(ws: Workspace) -> tuple[MailConfig, str, str]:
    """(the config, the IMAP password, the vetted address to connect to)."""
    config = mail_settings.load(ws)
    if not config.imap.configured:
        raise InvalidInput(
            "no IMAP server is set: set imap.host in Settings → Mail or with "
            "`planner mail set imap.host HOST`"
        )
    password = password_for("imap")
    if not password:
        raise InvalidInput(f"no IMAP password is set: {where_passwords_go('imap')}")
    address = vetted_address(config.imap.host, config.imap.port, allow_private=config.allow_private)
    return config, password, address


def _start_uid(ws: Workspace, account: str, folder: str, uidvalidity: int) -> int | None:
    """The last UID read in a folder of the same UIDVALIDITY; None when it must be read
    from the start (never read, or renumbered)."""
    with ws.read() as s:
        row = s.scalars(
            select(MailFolderRow).where(
                MailFolderRow.account == account, MailFolderRow.folder == folder
            )
        ).first()
        if row is None or row.uidvalidity != uidvalidity:
            return None
        return int(row.last_uid)


def _save_state(ws: Workspace, account: str, folder: str, uidvalidity: int, last_uid: int) -> None:
    with ws.write() as s:
        row = s.scalars(
            select(MailFolderRow).where(
                MailFolderRow.account == account, MailFolderRow.folder == folder
            )
        ).first()
        if row is None:
            row = MailFolderRow(account=account, folder=folder)
            s.add(row)
        row.uidvalidity = uidvalidity
        row.last_uid = last_uid
        row.read_at = ws.now()


def _batches(
    session: ImapSession, folder: str, after_uid: int
) -> Iterator[list[tuple[int, bytes]]]:
    batch: list[tuple[int, bytes]] = []
    for uid, raw in session.fetch_headers(folder, after_uid=after_uid, batch=BATCH):
        batch.append((uid, raw))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _read_folder(
    ws: Workspace, session: ImapSession, account: str, folder: str, progress: Progress | None
) -> FolderRead:
    uidvalidity, uidnext = session.folder_state(folder)
    start = _start_uid(ws, account, folder, uidvalidity)
    after = start or 0
    total = RecordSummary(0, 0, 0, 0, 0)
    if uidnext and uidnext - 1 <= after:  # nothing new
        _save_state(ws, account, folder, uidvalidity, after)
        return FolderRead(folder, total, from_start=start is None)
    for batch in _batches(session, folder, after):
        summary = exchanges.record(
            ws, (parse_headers(raw) for _, raw in batch), source=ExchangeSource.IMAP, batch=BATCH
        )
        total = _add(total, summary)
        after = max(after, max(uid for uid, _ in batch))
        # recorded first, then the folder moves past the batch: nothing is ever skipped
        _save_state(ws, account, folder, uidvalidity, after)
        if progress is not None:
            progress(folder, total.read)
    _save_state(ws, account, folder, uidvalidity, after)
    return FolderRead(folder, total, from_start=start is None)


def read_mailbox(ws: Workspace, *, progress: Progress | None = None) -> ReadReport:
    """Read the account's INBOX and Sent folders (only what is new) into exchanges.

    ``progress(folder, messages read so far)`` is called after each batch. A folder the
    server does not have gets a note in the report; the other is still read.

    Raises:
        InvalidInput: no IMAP server or password set.
        MailError: the connection failed (what was recorded before stays recorded).
    """
    config, password, address = _account(ws)
    account = config.imap.label()
    report = ReadReport(account)
    wanted = list(dict.fromkeys([config.inbox_folder, config.sent_folder]))
    with open_imap(config.imap, password, connect_to=address) as session:
        for folder in wanted:
            try:
                report.folders.append(_read_folder(ws, session, account, folder, progress))
            except MailError as error:
                if error.code != "folder":
                    raise
                report.folders.append(
                    FolderRead(
                        folder,
                        note=f"not read: the server has no folder {folder!r} "
                        "(set the folder's name in Settings → Mail)",
                    )
                )
    return report
