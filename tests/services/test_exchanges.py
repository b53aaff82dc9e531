"""The exchanges service: recording messages as exchanges, replies, drafts sent from
another mail app, the app's own sent messages, keep-in-touch and the views."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from planner.domain.mail import ExchangeDirection, ExchangeSource, MailHeaders
from planner.domain.model import AskStatus
from planner.errors import InvalidInput, NotFound
from planner.services import (
    asks,
    balances,
    contacts,
    exchanges,
    ledger,
    mail_import,
    plan,
    settings,
)
from planner.services.workspace import Workspace
from planner.storage.schema import AskRow, ExchangeRow, OutboxRow
from tests.conftest import TODAY

ME = "me@example.org"
ADA = "ada@lovelace.org"
BOB = "bob@babbage.org"
NOON = datetime(TODAY.year, TODAY.month, TODAY.day, 12, 0)


@pytest.fixture
def people(ws: Workspace) -> dict[str, int]:
    settings.save_profile(ws, name="Me", email=ME)
    ada = contacts.add(ws, contacts.ContactInput(name="Ada", email=ADA, tier="deep"))
    bob = contacts.add(ws, contacts.ContactInput(name="Bob", email="Bob@Babbage.org"))
    return {"ada": ada.id, "bob": bob.id}


def _mail(
    mid: str,
    *,
    sender: str,
    to: tuple[str, ...],
    subject: str = "Hello",
    when: datetime | None = NOON,
    in_reply_to: str = "",
    references: tuple[str, ...] = (),
) -> MailHeaders:
    return MailHeaders(mid, subject, when, (sender,), to, in_reply_to, references)


def _outbox(
    ws: Workspace,
    contact_id: int,
    *,
    subject: str,
    mid: str,
    status: str = "sent",
    ask_id: int | None = None,
    created_at: datetime = NOON - timedelta(days=2),
) -> int:
    with ws.write() as s:
        row = OutboxRow(
            contact_id=contact_id,
            template="intro",
            to_addr=ADA,
            subject=subject,
            message=b"Subject: " + subject.encode() + b"\r\n\r\nhi\r\n",
            message_id=mid,
            status=status,
            ask_id=ask_id,
            created_at=created_at,
            sent_at=created_at if status == "sent" else None,
        )
        s.add(row)
        s.flush()
        return row.id


def _ask(ws: Workspace, contact_id: int, status: str) -> int:
    return asks.add(ws, asks.AskInput(kind="share", contact=contact_id, status=status)).id


def _ask_status(ws: Workspace, ask_id: int) -> str:
    with ws.read() as s:
        row = s.get(AskRow, ask_id)
        assert row is not None
        return row.status


def _count(ws: Workspace) -> int:
    with ws.read() as s:
        return int(s.scalar(select(func.count()).select_from(ExchangeRow)) or 0)


def test_record_counts_and_is_idempotent(ws: Workspace, people: dict[str, int]) -> None:
    messages = [
        _mail("<1@x>", sender=ADA, to=(ME,)),
        _mail("<2@x>", sender=ME, to=(ADA, "bob@babbage.org", "stranger@else.org")),
        _mail("<3@x>", sender="news@shop.com", to=(ME,)),
        None,
        # the same message again (read from two folders) is one exchange
        _mail("<1@x>", sender=ADA, to=(ME,)),
    ]
    first = exchanges.record(ws, messages, source=ExchangeSource.MBOX, batch=2)
    assert (first.read, first.added, first.known) == (5, 3, 1)
    assert (first.not_about_contact, first.unreadable, first.replies) == (1, 1, 0)
    assert first.line() == (
        "read 5, exchanges added 3, already known 1, not about a contact 1, unreadable 1"
    )
    again = exchanges.record(ws, messages, source=ExchangeSource.MAILDIR)
    assert again.line() == (
        "read 5, exchanges added 0, already known 4, not about a contact 1, unreadable 1"
    )
    assert _count(ws) == 3
    views = exchanges.for_contact(ws, people["bob"])
    assert [(v.direction, v.subject, v.source) for v in views] == [
        (ExchangeDirection.SENT, "Hello", "mbox")
    ]


def test_the_summary_line_is_the_issues_line() -> None:
    summary = exchanges.RecordSummary(read=200, added=180, known=0, not_about_contact=20)
    assert (
        summary.line() == "read 200, exchanges added 180, already known 0, not about a contact 20"
    )
    summary.replies = 2
    assert summary.line().endswith("not about a contact 20, replies matched 2")


def test_a_message_without_message_id_is_recognised_again(
    ws: Workspace, people: dict[str, int]
) -> None:
    bare = _mail("", sender=ADA, to=(ME,), subject="no id")
    assert exchanges.record(ws, [bare], source="mbox").added == 1
    assert exchanges.record(ws, [bare], source="mbox").known == 1
    (view,) = exchanges.for_contact(ws, people["ada"])
    assert view.message_id.endswith("@give-first>")


def test_a_message_without_date_happens_now(ws: Workspace, people: dict[str, int]) -> None:
    exchanges.record(ws, [_mail("<n@x>", sender=ADA, to=(ME,), when=None)], source="imap")
    (view,) = exchanges.for_contact(ws, people["ada"])
    assert view.when == ws.now()


def test_progress_reports_messages_read_after_each_batch(
    ws: Workspace, people: dict[str, int]
) -> None:
    seen: list[int] = []
    messages = [_mail(f"<{i}@x>", sender=ADA, to=(ME,)) for i in range(5)]
    exchanges.record(ws, iter(messages), source="mbox", progress=seen.append, batch=2)
    assert seen == [2, 4, 5]


def test_a_reply_to_an_app_message_marks_the_ask_replied(
    ws: Workspace, people: dict[str, int]
) -> None:
    ask_id = _ask(ws, people["ada"], "sent")
    outbox_id = _outbox(
        ws, people["ada"], subject="A share?", mid="<draft1@give-first>", ask_id=ask_id
    )
    reply = _mail(
        "<r1@lovelace.org>",
        sender=ADA,
        to=(ME,),
        subject="Re: A share?",
        when=NOON - timedelta(hours=1),
        in_reply_to="<draft1@give-first>",
    )
    summary = exchanges.record(ws, [reply], source="imap")
    assert summary.replies == 1
    assert summary.line().endswith("replies matched 1")
    assert _ask_status(ws, ask_id) == AskStatus.REPLIED
    (view,) = exchanges.for_ask(ws, ask_id)
    assert (view.about, view.outbox_id, view.direction) == (f"ask {ask_id}", outbox_id, "received")
    assert exchanges.replied_asks(ws) == {ask_id: NOON - timedelta(hours=1)}


def test_a_reply_naming_the_draft_only_in_references_matches(
    ws: Workspace, people: dict[str, int]
) -> None:
    ask_id = _ask(ws, people["ada"], "sent")
    _outbox(ws, people["ada"], subject="A share?", mid="<draft2@give-first>", ask_id=ask_id)
    reply = _mail(
        "<r2@x>",
        sender=ADA,
        to=(ME,),
        in_reply_to="<unknown@x>",
        references=("<draft2@give-first>", "<unknown@x>"),
    )
    assert exchanges.record(ws, [reply], source="imap").replies == 1
    assert _ask_status(ws, ask_id) == AskStatus.REPLIED


def test_a_reply_from_someone_else_does_not_answer_the_ask(
    ws: Workspace, people: dict[str, int]
) -> None:
    ask_id = _ask(ws, people["ada"], "sent")
    _outbox(ws, people["ada"], subject="A share?", mid="<draft3@give-first>", ask_id=ask_id)
    reply = _mail("<r3@x>", sender=BOB, to=(ME,), in_reply_to="<draft3@give-first>")
    summary = exchanges.record(ws, [reply], source="imap")
    assert (summary.added, summary.replies) == (1, 0)
    assert _ask_status(ws, ask_id) == AskStatus.SENT


def test_record_sent_is_idempotent_and_reading_sent_adds_nothing(
    ws: Workspace, people: dict[str, int]
) -> None:
    ask_id = _ask(ws, people["ada"], "sent")
    outbox_id = _outbox(ws, people["ada"], subject="A share?", mid="<d4@give-first>", ask_id=ask_id)
    for _ in range(2):
        with ws.write() as s:
            exchanges.record_sent(s, ws, outbox_id=outbox_id, when=NOON)
    copy = _mail("<d4@give-first>", sender=ME, to=(ADA,), subject="A share?")
    summary = exchanges.record(ws, [copy], source="imap")
    assert (summary.added, summary.known) == (0, 1)
    (view,) = exchanges.for_contact(ws, people["ada"])
    assert (view.source, view.about, view.outbox_id, view.when) == (
        "app",
        f"ask {ask_id}",
        outbox_id,
        NOON,
    )
    with ws.write() as s, pytest.raises(NotFound, match="no outbox message with id 999"):
        exchanges.record_sent(s, ws, outbox_id=999, when=NOON)


def test_sent_from_another_app_matches_a_draft_by_subject(
    ws: Workspace, people: dict[str, int]
) -> None:
    ask_id = _ask(ws, people["ada"], "planned")
    made = NOON - timedelta(days=3)
    outbox_id = _outbox(
        ws,
        people["ada"],
        subject="A share?",
        mid="<d5@give-first>",
        status="queued",
        ask_id=ask_id,
        created_at=made,
    )
    sent_at = made + timedelta(days=2)
    mine = _mail("<real@mail.example.org>", sender=ME, to=(ADA,), subject="a  SHARE?", when=sent_at)
    reply = _mail(
        "<r5@x>",
        sender=ADA,
        to=(ME,),
        subject="Re: a share?",
        in_reply_to="<real@mail.example.org>",
    )
    # the reply comes first in the file: the batch links it all the same
    summary = exchanges.record(ws, [reply, mine], source="mbox")
    assert (summary.added, summary.replies) == (2, 1)
    with ws.read() as s:
        row = s.get(OutboxRow, outbox_id)
        assert row is not None
        assert (row.status, row.sent_at, row.message_id) == ("sent", sent_at, "<d5@give-first>")
        ask = s.get(AskRow, ask_id)
        assert ask is not None
        # planned → sent by the matched message, then replied by the reply
        assert (ask.status, ask.sent_on) == ("replied", sent_at.date())
    views = exchanges.for_ask(ws, ask_id)
    assert [(v.direction, v.message_id) for v in views] == [
        (ExchangeDirection.RECEIVED, "<r5@x>"),
        (ExchangeDirection.SENT, "<real@mail.example.org>"),
    ]


def test_a_draft_is_not_matched_after_match_days(ws: Workspace, people: dict[str, int]) -> None:
    ask_id = _ask(ws, people["ada"], "planned")
    made = NOON - timedelta(days=20)
    outbox_id = _outbox(
        ws,
        people["ada"],
        subject="A share?",
        mid="<d6@give-first>",
        status="queued",
        ask_id=ask_id,
        created_at=made,
    )
    late = _mail(
        "<late@x>", sender=ME, to=(ADA,), subject="A share?", when=made + timedelta(days=8)
    )
    assert exchanges.record(ws, [late], source="mbox").added == 1
    with ws.read() as s:
        row = s.get(OutboxRow, outbox_id)
        assert row is not None and row.status == "queued"
    assert _ask_status(ws, ask_id) == AskStatus.PLANNED
    (view,) = exchanges.for_contact(ws, people["ada"])
    assert view.about == ""


def test_a_reply_read_before_the_message_it_answers_is_linked_later(
    ws: Workspace, people: dict[str, int]
) -> None:
    ask_id = _ask(ws, people["ada"], "planned")
    made = NOON - timedelta(days=3)
    _outbox(
        ws,
        people["ada"],
        subject="A share?",
        mid="<d7@give-first>",
        status="queued",
        ask_id=ask_id,
        created_at=made,
    )
    reply = _mail("<r7@x>", sender=ADA, to=(ME,), in_reply_to="<real7@x>")
    exchanges.record(ws, [reply], source="imap")  # the Inbox first
    mine = _mail(
        "<real7@x>", sender=ME, to=(ADA,), subject="A share?", when=made + timedelta(hours=2)
    )
    summary = exchanges.record(ws, [mine], source="imap")  # then Sent
    assert summary.replies == 1
    assert _ask_status(ws, ask_id) == AskStatus.REPLIED
    assert {v.about for v in exchanges.for_contact(ws, people["ada"])} == {f"ask {ask_id}"}


def test_archived_contacts_and_my_own_address_are_not_contacts(ws: Workspace) -> None:
    settings.save_profile(ws, name="Me", email=ME)
    gone = contacts.add(ws, contacts.ContactInput(name="Gone", email=ADA))
    contacts.add(ws, contacts.ContactInput(name="Also me", email=ME))
    contacts.set_archived(ws, gone.id)
    who = exchanges.people(ws)
    assert who.mine == frozenset({ME})
    assert who.by_address == {}


def test_an_exchange_keeps_in_touch_and_carries_no_goodwill(
    ws: Workspace, people: dict[str, int]
) -> None:
    ada = people["ada"]  # tier deep: keep in touch every 30 days
    ledger.add(
        ws,
        ledger.LedgerInput(
            contact=ada, direction="gave", kind="share", occurred_on=TODAY - timedelta(days=40)
        ),
    )
    before = balances.balance_of(ws, ada)
    assert [t.gap.contact_id for t in plan.capacity(ws).losing_touch] == [ada]
    mail = _mail("<k@x>", sender=ADA, to=(ME,), when=NOON - timedelta(days=3))
    exchanges.record(ws, [mail], source="imap")
    after = balances.balance_of(ws, ada)
    assert after.summary.last_on == TODAY - timedelta(days=3)
    assert (after.balance, after.summary.gives_count, after.summary.first_on) == (
        before.balance,
        before.summary.gives_count,
        before.summary.first_on,
    )
    assert plan.capacity(ws).losing_touch == ()
    # as of a day before the e-mail, the ledger's day is still the last
    earlier = balances.balance_of(ws, ada, as_of=TODAY - timedelta(days=4))
    assert earlier.summary.last_on == TODAY - timedelta(days=40)


def test_a_contact_with_only_exchanges_has_a_last_exchange(
    ws: Workspace, people: dict[str, int]
) -> None:
    bob = people["bob"]
    exchanges.record(
        ws, [_mail("<b@x>", sender=BOB, to=(ME,), when=NOON - timedelta(days=200))], source="imap"
    )
    by_id = {b.contact.id: b for b in balances.all_balances(ws)}
    assert by_id[bob].summary.last_on == TODAY - timedelta(days=200)
    assert by_id[bob].balance == 0.0
    # network tier: 180 days — past it
    assert [t.gap.contact_id for t in plan.capacity(ws).losing_touch] == [bob]


def test_export_frame_columns_and_about(ws: Workspace, people: dict[str, int]) -> None:
    ask_id = _ask(ws, people["ada"], "sent")
    _outbox(ws, people["ada"], subject="A share?", mid="<d8@give-first>", ask_id=ask_id)
    exchanges.record(
        ws,
        [
            _mail("<e1@x>", sender=ME, to=(BOB,), subject="=cmd", when=NOON - timedelta(days=1)),
            _mail(
                "<e2@x>",
                sender=ADA,
                to=(ME,),
                subject="Re: A share?",
                in_reply_to="<d8@give-first>",
            ),
        ],
        source="mbox",
    )
    frame = exchanges.export_frame(ws)
    assert list(frame.columns) == exchanges.EXPORT_COLUMNS
    assert frame.to_dict("records") == [
        {
            "contact": "Bob",
            "date": (NOON - timedelta(days=1)).isoformat(sep=" "),
            "direction": "sent",
            "subject": "=cmd",
            "message_id": "<e1@x>",
            "in_reply_to": "",
            "about": "",
        },
        {
            "contact": "Ada",
            "date": NOON.isoformat(sep=" "),
            "direction": "received",
            "subject": "Re: A share?",
            "message_id": "<e2@x>",
            "in_reply_to": "<d8@give-first>",
            "about": f"ask {ask_id}",
        },
    ]


def test_the_same_message_twice_in_one_batch_is_one_exchange(
    ws: Workspace, people: dict[str, int]
) -> None:
    twice = [_mail("<t@x>", sender=ADA, to=(ME,)), _mail("<t@x>", sender=ADA, to=(ME,))]
    summary = exchanges.record(ws, twice, source="mbox", batch=10)
    assert (summary.added, summary.known) == (1, 1)
    assert _count(ws) == 1


def test_import_path_reads_an_mbox_with_progress(
    ws: Workspace, people: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "takeout.mbox"
    path.write_bytes(
        b"From x Mon Jan  1 00:00:00 2026\r\n"
        b"From: Ada <ada@lovelace.org>\r\nTo: me@example.org\r\nSubject: hi\r\n"
        b"Message-ID: <i1@x>\r\nDate: Mon, 23 Nov 2026 08:00:00 +0000\r\n\r\nbody\r\n\r\n"
        b"From y Mon Jan  1 00:00:00 2026\r\n"
        b"From: shop@news.com\r\nTo: me@example.org\r\nSubject: sale\r\n\r\nbody\r\n"
    )
    seen: list[tuple[int, int | None]] = []
    summary = mail_import.import_path(ws, path, progress=lambda n, total: seen.append((n, total)))
    assert summary.line() == "read 2, exchanges added 1, already known 0, not about a contact 1"
    assert seen == [(2, 2)]
    (view,) = exchanges.for_contact(ws, people["ada"])
    assert (view.source, view.when) == ("mbox", datetime(2026, 11, 23, 8, 0))
    assert mail_import.import_path(ws, path).known == 1


def test_import_path_refuses_what_is_not_mail(ws: Workspace, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Dear diary")
    with pytest.raises(InvalidInput, match=r"notes\.txt is not an mbox file"):
        mail_import.import_path(ws, notes)
    with pytest.raises(InvalidInput, match="nowhere does not exist"):
        mail_import.import_path(ws, tmp_path / "nowhere")
