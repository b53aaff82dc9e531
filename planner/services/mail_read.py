"""Reading the IMAP account: the INBOX and Sent folders, only what is new since last time.

Each folder's UIDVALIDITY and last UID read are kept in ``mail_folders`` (one row per
account ``user@host:port`` and folder). The same UIDVALIDITY → only UIDs after the last
one are fetched; a changed one (the server renumbered the folder) or none → the whole
folder again, which is harmless: :func:`planner.services.exchanges.record` is idempotent.

Headers only (``BODY.PEEK[HEADER]``: never the body, never marked read), in batches: a
batch's exchanges and the folder's new last UID are written in one transaction, so a
dropped connection loses nothing (the next read starts after the last batch recorded).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

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
_SOURCE = ExchangeSource.IMAP


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


def _save_state(
    session: Session, ws: Workspace, account: str, folder: str, uidvalidity: int, last_uid: int
) -> None:
    row = session.scalars(
        select(MailFolderRow).where(
            MailFolderRow.account == account, MailFolderRow.folder == folder
        )
    ).first()
    if row is None:
        row = MailFolderRow(account=account, folder=folder)
        session.add(row)
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
    summary = RecordSummary()
    if not (uidnext and uidnext - 1 <= after):  # else nothing new: no fetch
        who = exchanges.people(ws)
        for batch in _batches(session, folder, after):
            after = max(after, max(uid for uid, _ in batch))
            with ws.write() as s:
                # the batch's exchanges and the folder's last UID in one transaction: a
                # dropped connection loses nothing and skips nothing
                exchanges._record_batch(
                    s, ws, [parse_headers(raw) for _, raw in batch], who, _SOURCE, summary
                )
                _save_state(s, ws, account, folder, uidvalidity, after)
            if progress is not None:
                progress(folder, summary.read)
    with ws.write() as s:
        _save_state(s, ws, account, folder, uidvalidity, after)
    return FolderRead(folder, summary, from_start=start is None)


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
