"""The mail domain: subjects, who a message is an exchange with, reply and draft matching."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from planner.domain.mail import (
    DRAFT_SLACK,
    DraftRef,
    ExchangeDirection,
    MailHeaders,
    answered_ids,
    exchanges_of,
    matching_draft,
    message_key,
    normalise_subject,
)

SENT = ExchangeDirection.SENT
RECEIVED = ExchangeDirection.RECEIVED
MINE = frozenset({"me@example.org", "me@work.example"})
CONTACTS = {"ada@x.org": 1, "bob@y.org": 2, "ada@home.org": 1}
T0 = datetime(2026, 11, 1, 9, 0)


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Guest spot?", "guest spot?"),
        ("Re: Guest spot?", "guest spot?"),
        ("RE: re: Fwd: FW:  Guest   spot?", "guest spot?"),
        ("AW: SV: WG: Antw: TR: Guest spot?", "guest spot?"),
        ("Re[2]: Guest spot?", "guest spot?"),
        ("Re (3): Guest spot?", "guest spot?"),
        ("[list] Re: Guest spot?", "guest spot?"),
        ("[list] Guest spot?", "[list] guest spot?"),
        ("Regarding your show", "regarding your show"),
        ("Re: Re:", ""),
        ("\tGuest\x00spot?\n", "guest spot?"),
        ("STRASSE", "strasse"),
    ],
)
def test_normalise_subject(subject: str, expected: str) -> None:
    assert normalise_subject(subject) == expected


def _mail(sender: str, *to: str, mid: str = "<m@x>") -> MailHeaders:
    return MailHeaders(mid, "s", T0, (sender,), to)


def test_from_me_is_sent_to_each_contact_recipient_once() -> None:
    mail = _mail("me@work.example", "ada@x.org", "stranger@z.org", "bob@y.org", "ada@home.org")
    assert exchanges_of(mail, MINE, CONTACTS) == [(1, SENT), (2, SENT)]


def test_from_a_contact_is_received_to_me_or_anyone() -> None:
    assert exchanges_of(_mail("ada@x.org", "me@example.org"), MINE, CONTACTS) == [(1, RECEIVED)]
    # a list message, a Cc: still a message from them
    assert exchanges_of(_mail("bob@y.org", "list@z.org"), MINE, CONTACTS) == [(2, RECEIVED)]


def test_neither_mine_nor_a_contacts_is_nothing() -> None:
    assert exchanges_of(_mail("news@shop.com", "me@example.org"), MINE, CONTACTS) == []
    # from me to nobody I know
    assert exchanges_of(_mail("me@example.org", "stranger@z.org"), MINE, CONTACTS) == []


def test_answered_ids_nearest_first_without_repeats() -> None:
    refs = tuple(f"<r{i}@x>" for i in range(60))
    mail = MailHeaders("<m@x>", "s", T0, ("a@x",), (), "<r59@x>", refs)
    found = answered_ids(mail)
    assert found[:3] == ("<r59@x>", "<r58@x>", "<r57@x>")
    assert len(found) == 50
    assert found[-1] == "<r10@x>"


def test_message_key_falls_back_to_a_digest() -> None:
    assert message_key(_mail("a@x", mid="<real@x>")) == "<real@x>"
    assert message_key(_mail("a@x", mid="")).endswith("@give-first>")


DRAFTS = [
    DraftRef(10, 1, "A guest spot?", T0),
    DraftRef(11, 1, "Something else", T0),
    DraftRef(12, 1, "A guest spot?", T0 + timedelta(days=2)),
]


def test_a_draft_matches_by_normalised_subject_within_days() -> None:
    found = matching_draft("a  GUEST spot?", T0 + timedelta(days=1), DRAFTS, days=7)
    assert found is not None and found.outbox_id == 10
    # the later draft of the same subject wins once it exists
    found = matching_draft("A guest spot?", T0 + timedelta(days=3), DRAFTS, days=7)
    assert found is not None and found.outbox_id == 12


def test_a_draft_does_not_match_after_days_or_long_before() -> None:
    assert matching_draft("A guest spot?", T0 + timedelta(days=10), DRAFTS, days=7) is None
    assert (
        matching_draft("A guest spot?", T0 - DRAFT_SLACK - timedelta(minutes=1), DRAFTS, days=7)
        is None
    )
    # a Date header a few minutes before the draft's making still fits (clocks differ)
    found = matching_draft("A guest spot?", T0 - timedelta(minutes=5), DRAFTS, days=7)
    assert found is not None and found.outbox_id == 10


def test_an_empty_subject_matches_nothing() -> None:
    drafts = [DraftRef(1, 1, "", T0)]
    assert matching_draft("Re:", T0, drafts, days=7) is None
