"""Mail on disk: an mbox file or a Maildir folder, read as a stream of header blocks.

Only headers are kept: a message's lines are read up to its first blank line and the body
is skipped line by line, so a mailbox of any size is read in memory bounded by one header
block (at most :data:`MAX_HEADER_BYTES`) and one line piece (:data:`PIECE`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Literal

#: A header block is cut here (ten thousand recipients fit; a hostile megabyte does not).
MAX_HEADER_BYTES = 512 * 1024
#: Lines are read in pieces of at most this many bytes (a body may have no line breaks).
PIECE = 64 * 1024
_ESCAPED_FROM = re.compile(rb"^>+From ")
_BLANK = (b"\n", b"\r\n")
_COUNT_CHUNK = 1 << 20

MailKind = Literal["mbox", "maildir"]


def kind_of(path: Path) -> MailKind:
    """``"maildir"`` for a folder with cur/ or new/, ``"mbox"`` for a file that is empty or
    starts with a ``From `` line; ValueError saying what the path is otherwise."""
    if path.is_dir():
        if (path / "cur").is_dir() or (path / "new").is_dir():
            return "maildir"
        raise ValueError(f"{path} is a folder without cur/ or new/, not a Maildir")
    if not path.exists():
        raise ValueError(f"{path} does not exist")
    if not path.is_file():
        raise ValueError(f"{path} is neither a file nor a folder")
    try:
        with path.open("rb") as handle:
            start = handle.read(5)
    except OSError as error:
        raise ValueError(f"{path} cannot be read: {error.strerror}") from None
    if start in (b"", b"From "):
        return "mbox"
    raise ValueError(f"{path} is not an mbox file (it does not start with a 'From ' line)")


def iter_mail_file(path: Path) -> Iterator[bytes]:
    """The header block of every message of an mbox file or a Maildir folder, in order
    (a Maildir: cur/ then new/, each by file name). ValueError as :func:`kind_of`."""
    if kind_of(path) == "maildir":
        return _maildir(path)
    return _mbox(path)


def count_messages(path: Path) -> int:
    """How many messages :func:`iter_mail_file` will yield, for progress: the ``From ``
    lines of an mbox (one pass over the bytes, no parsing) or the files of a Maildir."""
    if kind_of(path) == "maildir":
        return sum(1 for _ in _maildir_files(path))
    count = 0
    tail = b""
    with path.open("rb") as handle:
        first = handle.read(5)
        count += first == b"From "
        handle.seek(0)
        while chunk := handle.read(_COUNT_CHUNK):
            # each pattern is counted where it ends in this chunk: the carried tail is one
            # byte shorter than the pattern, so no match is counted twice
            count += (tail[-6:] + chunk).count(b"\n\nFrom ")
            count += (tail[-7:] + chunk).count(b"\n\r\nFrom ")
            tail = (tail + chunk)[-7:]
    return count


class _Lines:
    """Line pieces of a binary file: (piece, starts a line, is a blank line)."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.at_start = True

    def __iter__(self) -> Iterator[tuple[bytes, bool, bool]]:
        while piece := self.handle.readline(PIECE):
            starts = self.at_start
            self.at_start = piece.endswith(b"\n")
            yield piece, starts, starts and piece in _BLANK


def _mbox(path: Path) -> Iterator[bytes]:
    block: bytearray | None = None
    in_headers = False
    previous_blank = True  # the file's start counts as after a blank line
    with path.open("rb") as handle:
        for piece, starts, blank in _Lines(handle):
            if starts and previous_blank and piece.startswith(b"From "):
                if block is not None:
                    yield bytes(block)
                block, in_headers, previous_blank = bytearray(), True, False
                continue
            previous_blank = blank
            if not in_headers or block is None:
                continue
            if blank:
                in_headers = False
            elif len(block) < MAX_HEADER_BYTES:
                block += piece[1:] if starts and _ESCAPED_FROM.match(piece) else piece
    if block is not None:
        yield bytes(block)


def _maildir_files(path: Path) -> Iterator[Path]:
    for sub in ("cur", "new"):
        folder = path / sub
        if not folder.is_dir():
            continue
        names = sorted(e.name for e in os.scandir(folder) if not e.name.startswith("."))
        for name in names:
            file = folder / name
            if file.is_file():
                yield file


def _header_block(file: Path) -> bytes:
    block = bytearray()
    with file.open("rb") as handle:
        for piece, _starts, blank in _Lines(handle):
            if blank or len(block) >= MAX_HEADER_BYTES:
                break
            block += piece
    return bytes(block)


def _maildir(path: Path) -> Iterator[bytes]:
    for file in _maildir_files(path):
        try:
            yield _header_block(file)
        except OSError:
            # a message removed or unreadable while reading the folder: nothing to yield
            continue
