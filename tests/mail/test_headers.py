"""parse_headers: worked headers, and hostile ones that must never raise (THREATS: mail
text is data; a hostile header costs at most its own value)."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from planner.domain.mail import MailHeaders, synthetic_id
from planner.mail.headers import MAX_ADDRESSES, MAX_SUBJECT, parse_headers

GOOD = (
    b"From: =?utf-8?q?Doe,_Jane?= <Jane.Doe@Example.ORG>\r\n"
    b'To: a@b.com, "C, D" <c@d.com>\r\n'
    b"Cc: e@f.com\r\n"
    b"Bcc: g@h.com\r\n"
    b"Subject: =?utf-8?q?Caf=C3=A9?=\r\n"
    b"  on Tuesday\r\n"
    b"Date: Tue, 1 Dec 2026 10:00:00 +0100\r\n"
    b"Message-ID: <abc@example.org>\r\n"
    b"In-Reply-To: <parent@x> (sent by a client that comments)\r\n"
    b"References: <root@x>\r\n <parent@x>\r\n"
    b"\r\n"
    b"body, never read\r\n"
)


def test_a_whole_message_gives_its_headers() -> None:
    assert parse_headers(GOOD) == MailHeaders(
        message_id="<abc@example.org>",
        subject="Café on Tuesday",
        when=datetime(2026, 12, 1, 9, 0),
        from_addrs=("jane.doe@example.org",),
        to_addrs=("a@b.com", "c@d.com", "e@f.com", "g@h.com"),
        in_reply_to="<parent@x>",
        references=("<root@x>", "<parent@x>"),
    )


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (b"Tue, 1 Dec 2026 10:00:00 -0500", datetime(2026, 12, 1, 15, 0)),
        # no zone: taken as UTC
        (b"Tue, 1 Dec 2026 10:00:00", datetime(2026, 12, 1, 10, 0)),
        (b"Tue, 1 Dec 2026 10:00:00 -0000", datetime(2026, 12, 1, 10, 0)),
        (b"not a date at all", None),
        (b"Mon, 1 Jan 99999 00:00:00 +0000", None),
        (b"1 Jan 1800 00:00:00 +0000", None),
        (b"Tue, 32 Dec 2026 25:61:00 +0000", None),
        (b"", None),
    ],
)
def test_dates_are_naive_utc_or_none(date: bytes, expected: datetime | None) -> None:
    headers = parse_headers(b"From: a@b.com\r\nDate: " + date + b"\r\n\r\n")
    assert headers is not None
    assert headers.when == expected


def test_a_message_id_without_brackets_gets_them_and_junk_is_dropped() -> None:
    headers = parse_headers(b"From: a@b.com\nMessage-ID: bare@id\nIn-Reply-To: your note\n\n")
    assert headers is not None
    assert (headers.message_id, headers.in_reply_to) == ("<bare@id>", "")


def test_nothing_usable_is_none() -> None:
    assert parse_headers(b"") is None
    assert parse_headers(b"garbage without a colon") is None
    assert parse_headers(b"Subject: only a subject\n\n") is None
    assert parse_headers(b"From: not an address\nTo: nor this\n\n") is None


HOSTILE = [
    b"From: x\x00y@z.com, real@z.com\nSubject: a\x00b\n\n",
    b"From: a@b.com\nSubject: \xff\xfe\xfd broken bytes\n\n",
    b"From: a@b.com\nSubject: =?utf-8?b?!!!notbase64?= =?x-unknown?q?z?=\n\n",
    b"From: a@b.com\nSubject: =?utf-8?q?=E2=80?=\n\n",
    b"From: " + b"<" * 5000 + b"a@b.com\n\n",
    b"From: a@b.com\nReferences: " + b"<r@x> " * 20000 + b"\n\n",
    b"From: a@b.com\nSubject: " + b"x" * 200_000 + b"\n\n",
    b"From: a@b.com\nDate: " + b"9" * 5000 + b"\n\n",
    b"From: a@b.com\nDate: Tue, 1 Dec 2026 10:00:00 +9999\n\n",
    b'From: "unterminated <a@b.com\nTo: (comment\n\n',
    b"From: a@b.com\n\tcontinuation first\nTo: c@d.com\n\n",
    b"\x00\x01\x02From: a@b.com\n\n",
]


@pytest.mark.parametrize("raw", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_headers_never_raise(raw: bytes) -> None:
    headers = parse_headers(raw)
    if headers is not None:
        assert len(headers.subject) <= MAX_SUBJECT
        assert "\x00" not in headers.subject
        assert all("@" in a and "\x00" not in a for a in headers.from_addrs + headers.to_addrs)
        assert len(headers.references) <= 50


def test_nul_and_control_characters_leave_the_subject() -> None:
    headers = parse_headers(b"From: a@b.com\nSubject: a\x00b\x1bc\n\n")
    assert headers is not None
    assert headers.subject == "a b c"


def test_an_overlong_subject_is_cut_at_998() -> None:
    headers = parse_headers(b"From: a@b.com\nSubject: " + b"x" * 5000 + b"\n\n")
    assert headers is not None
    assert headers.subject == "x" * MAX_SUBJECT


def test_ten_thousand_recipients_are_capped_and_fast() -> None:
    to = b", ".join(b"user%d@example.com" % i for i in range(10_000))
    start = time.perf_counter()
    headers = parse_headers(b"From: a@b.com\nTo: " + to + b"\n\n")
    took = time.perf_counter() - start
    assert headers is not None
    assert len(headers.to_addrs) == MAX_ADDRESSES
    assert headers.to_addrs[:2] == ("user0@example.com", "user1@example.com")
    assert took < 5.0


def test_synthetic_id_is_stable_and_tells_messages_apart() -> None:
    one = MailHeaders("", "Hi", datetime(2026, 1, 1), ("a@b.com",), ("c@d.com",))
    same = MailHeaders("", "Hi", datetime(2026, 1, 1), ("a@b.com",), ("c@d.com",))
    other = MailHeaders("", "Hi!", datetime(2026, 1, 1), ("a@b.com",), ("c@d.com",))
    assert synthetic_id(one) == synthetic_id(same)
    assert synthetic_id(one) != synthetic_id(other)
    assert synthetic_id(one).startswith("<") and synthetic_id(one).endswith("@give-first>")
    assert len(synthetic_id(one)) == len("<@give-first>") + 64
