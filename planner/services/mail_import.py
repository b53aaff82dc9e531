"""Reading mail offline: an mbox file (a Google Takeout export, say) or a Maildir folder,
every message's headers recorded as exchanges (:func:`planner.services.exchanges.record`).

Memory stays bounded whatever the mailbox's size: messages are read one header block at a
time (:mod:`planner.mail.files`) and recorded in batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from planner.domain.mail import ExchangeSource, MailHeaders
from planner.errors import InvalidInput
from planner.mail.files import count_messages, iter_mail_file, kind_of
from planner.mail.headers import parse_headers
from planner.services.exchanges import RecordSummary, record
from planner.services.workspace import Workspace


def _headers(path: Path) -> Iterator[MailHeaders | None]:
    for block in iter_mail_file(path):
        yield parse_headers(block)


def _total(path: Path) -> int | None:
    try:
        return count_messages(path)
    except OSError:
        return None


def _reporter(
    progress: Callable[[int, int | None], None], total: int | None
) -> Callable[[int], None]:
    def report(read: int) -> None:
        progress(read, total)

    return report


def import_path(
    ws: Workspace,
    path: Path,
    *,
    progress: Callable[[int, int | None], None] | None = None,
    batch: int = 1000,
) -> RecordSummary:
    """Record the exchanges of the mbox file or Maildir folder at ``path`` (source mbox or
    maildir). ``progress(read, total)`` follows the messages read (total: the messages
    counted before reading, None when they could not be counted).

    Raises:
        InvalidInput: ``path`` is neither an mbox file nor a Maildir folder, or cannot be
            read (the message names the path).
    """
    path = Path(path)
    try:
        kind = kind_of(path)
    except ValueError as error:
        raise InvalidInput(str(error), field="path") from None
    source = ExchangeSource.MAILDIR if kind == "maildir" else ExchangeSource.MBOX
    report: Callable[[int], None] | None = None
    if progress is not None:
        report = _reporter(progress, _total(path))
    try:
        return record(ws, _headers(path), source=source, progress=report, batch=batch)
    except OSError as error:
        raise InvalidInput(
            f"{path} cannot be read: {error.strerror or error}", field="path"
        ) from None
