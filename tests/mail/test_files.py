"""mbox and Maildir reading: header blocks only, escapes, CRLF, bounded memory."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from planner.mail.files import MAX_HEADER_BYTES, count_messages, iter_mail_file, kind_of
from planner.mail.headers import parse_headers

MBOX = (
    b"From alice@x.org Mon Jan  1 00:00:00 2026\n"
    b"From: alice@x.org\n"
    b"Subject: one\n"
    b"\n"
    b"Hello\n"
    b"From here on the body mentions From without a blank line before\n"
    b">From an escaped line in the body\n"
    b"\n"
    b"From bob@y.org Tue Jan  2 00:00:00 2026\n"
    b"From: bob@y.org\n"
    b"Subject: two\n"
    b">>From an escaped (mboxrd) line\n"
    b"\n"
    b"body\n"
)


def test_mbox_yields_header_blocks_split_on_from_lines(tmp_path: Path) -> None:
    path = tmp_path / "mail.mbox"
    path.write_bytes(MBOX)
    assert kind_of(path) == "mbox"
    assert list(iter_mail_file(path)) == [
        b"From: alice@x.org\nSubject: one\n",
        b"From: bob@y.org\nSubject: two\n>From an escaped (mboxrd) line\n",
    ]
    assert count_messages(path) == 2


def test_mbox_with_crlf_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "crlf.mbox"
    path.write_bytes(MBOX.replace(b"\n", b"\r\n"))
    blocks = list(iter_mail_file(path))
    assert blocks[0] == b"From: alice@x.org\r\nSubject: one\r\n"
    assert [h.subject for h in map(parse_headers, blocks) if h] == ["one", "two"]
    assert count_messages(path) == 2


def test_an_empty_file_is_an_empty_mbox(tmp_path: Path) -> None:
    path = tmp_path / "empty.mbox"
    path.write_bytes(b"")
    assert (kind_of(path), list(iter_mail_file(path)), count_messages(path)) == ("mbox", [], 0)


def test_an_overlong_header_block_is_cut(tmp_path: Path) -> None:
    path = tmp_path / "long.mbox"
    path.write_bytes(
        b"From x\nFrom: a@b.com\nX-Junk: " + b"j" * (3 * MAX_HEADER_BYTES) + b"\n\nbody\n"
    )
    (block,) = iter_mail_file(path)
    assert MAX_HEADER_BYTES <= len(block) < MAX_HEADER_BYTES + 70_000
    assert block.startswith(b"From: a@b.com\n")


def _maildir(root: Path) -> Path:
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    (root / "cur" / "1.host:2,S").write_bytes(b"From: a@b.com\r\nSubject: seen\r\n\r\nbody\r\n")
    (root / "new" / "2.host").write_bytes(b"From: c@d.com\nSubject: new\n\nFrom: not a header\n")
    (root / "new" / ".hidden").write_bytes(b"From: e@f.com\n\n")
    (root / "tmp" / "3.host").write_bytes(b"From: being delivered\n\n")
    return root


def test_maildir_reads_cur_then_new(tmp_path: Path) -> None:
    root = _maildir(tmp_path / "Mail")
    assert kind_of(root) == "maildir"
    assert list(iter_mail_file(root)) == [
        b"From: a@b.com\r\nSubject: seen\r\n",
        b"From: c@d.com\nSubject: new\n",
    ]
    assert count_messages(root) == 2


def test_anything_else_is_a_clear_value_error(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_bytes(b"Dear diary\n")
    with pytest.raises(ValueError, match=r"notes.txt is not an mbox file"):
        kind_of(text)
    with pytest.raises(ValueError, match=r"without cur/ or new/, not a Maildir"):
        kind_of(tmp_path)
    with pytest.raises(ValueError, match=r"missing does not exist"):
        list(iter_mail_file(tmp_path / "missing"))


def _big_mbox(path: Path, messages: int) -> None:
    body = b"lorem ipsum dolor sit amet " * 400 + b"\n"  # ~11 KB a message
    with path.open("wb") as handle:
        for i in range(messages):
            handle.write(b"From sender@x.org Mon Jan  1 00:00:00 2026\n")
            handle.write(b"From: sender%d@x.org\nTo: me@y.org\nSubject: message %d\n" % (i, i))
            handle.write(b"Message-ID: <%d@x.org>\n\n" % i)
            handle.write(body * 1 + b"\n")


def test_a_5000_message_mbox_is_read_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.mbox"
    _big_mbox(path, 5_000)
    assert path.stat().st_size > 50_000_000
    tracemalloc.start()
    try:
        count = 0
        last = None
        for block in iter_mail_file(path):
            count += 1
            last = parse_headers(block)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 5_000
    assert last is not None and last.message_id == "<4999@x.org>"
    # a 55 MB file, read in far less than one megabyte
    assert peak < 1_000_000
    assert count_messages(path) == 5_000
