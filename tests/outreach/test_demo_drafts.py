"""The built-in templates rendered for the demo's contacts read as a person would write
them: the post's real title and link, never the ledger's description, a note, an ask's
own title, a raw code, "None" or an ISO timestamp. Drafts of asks follow the app's first
rule: an ask that is not ready is drafted only when asked "anyway"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from planner.errors import Conflict
from planner.services import Workspace, outreach
from planner.services.outreach.templates import builtin_library
from planner.storage.schema import (
    AskRow,
    EntryRow,
    FeedRow,
    InteractionRow,
    PlannedGiveRow,
    RequestRow,
)

BUILTINS = builtin_library().names()
#: Codes that must never reach a message (kinds and statuses with an underscore).
CODES = re.compile(r"\b[a-z]+_[a-z_]+\b")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}(T\d|\b)")


def _private_texts(ws: Workspace) -> set[str]:
    """Everything the user wrote for themselves: ledger descriptions and notes, the titles
    and notes of asks, requests and planned gives."""
    texts: set[str] = set()
    with ws.read() as s:
        for row in s.scalars(select(InteractionRow).where(InteractionRow.contact_id.is_not(None))):
            texts |= {row.title, row.note}
        for model in (AskRow, RequestRow, PlannedGiveRow):
            for other in s.scalars(select(model)):
                texts |= {other.title, other.note}
    return {t for t in texts if len(t) > 12}


def _about(ws: Workspace) -> list[tuple[int, dict[str, int]]]:
    """Every demo contact once, and each ask, request and planned give with its contact."""
    with ws.read() as s:
        out: list[tuple[int, dict[str, int]]] = [
            (cid, {}) for cid in s.scalars(select(InteractionRow.contact_id).distinct()) if cid
        ]
        out += [(a.contact_id, {"ask_id": a.id}) for a in s.scalars(select(AskRow)) if a.contact_id]
        out += [(r.contact_id, {"request_id": r.id}) for r in s.scalars(select(RequestRow))]
        out += [
            (g.contact_id, {"give_id": g.id})
            for g in s.scalars(select(PlannedGiveRow))
            if g.contact_id
        ]
    return out


def _assert_reads_as_written(whole: str, private: set[str], where: str) -> None:
    for text in private:
        assert text not in whole, f"{where}: quotes {text!r}\n{whole}"
    assert "None" not in whole, f"{where}\n{whole}"
    assert not CODES.search(whole.replace("https://", "").split("\n", 1)[0]), f"{where}\n{whole}"
    for line in whole.splitlines():
        if "://" not in line:
            assert not CODES.search(line), f"{where}: a raw code in {line!r}"
            assert not ISO.search(line), f"{where}: an ISO date in {line!r}"


@pytest.mark.parametrize("template", BUILTINS)
def test_every_builtin_reads_as_a_person_wrote_it_for_every_demo_contact(
    demo_ws: Workspace, template: str
) -> None:
    private = _private_texts(demo_ws)
    for contact_id, about in _about(demo_ws):
        draft = outreach.render_draft(demo_ws, template, contact_id, anyway=True, **about)
        whole = f"{draft.subject}\n{draft.text}"
        _assert_reads_as_written(whole, private, f"{template} for {contact_id} {about}")
        if draft.html:
            for text in private:
                assert text not in draft.html


def test_a_mention_names_the_post_by_its_own_title_and_link(demo_ws: Workspace) -> None:
    aiko = outreach.find_contact(demo_ws, "Aiko Tanaka")
    draft = outreach.render_draft(demo_ws, "featured_you", aiko)
    # the ledger says "Mentioned in: Planning a course in Notion"
    assert draft.subject == 'I mentioned you in "Planning a course in Notion"'
    assert 'I mentioned you in "Planning a course in Notion"' in draft.text
    assert "https://indiecreatorlab.example/blog/planning-a-course-in-notion" in draft.text
    assert "Mentioned in:" not in draft.text


def test_what_they_did_is_said_without_the_ledger_description(demo_ws: Workspace) -> None:
    lena = outreach.find_contact(demo_ws, "Lena Kowalski")
    draft = outreach.render_draft(demo_ws, "thank_you", lena)
    assert "I saw that you shared my work" in draft.text
    assert "https://lenakowalski.example/links" in draft.text
    assert "Lena shared my pricing thread" not in draft.text


def test_a_feed_entry_gives_its_title_and_link(ws: Workspace) -> None:
    from planner.services import contacts, ledger

    ann = contacts.add(ws, contacts.ContactInput(name="Ann Example")).id
    with ws.write() as s:
        feed = FeedRow(
            url="https://ann.example/feed", owner="contact", contact_id=ann, created_at=ws.now()
        )
        s.add(feed)
        s.flush()
        entry = EntryRow(
            feed_id=feed.id,
            guid="g1",
            link="https://ann.example/posts/tools",
            title="Tools I love",
            first_seen_at=ws.now(),
            updated_at=ws.now(),
        )
        s.add(entry)
        s.flush()
        entry_id = entry.id
    ledger.add(
        ws,
        ledger.LedgerInput(
            contact=ann,
            direction="received",
            kind="link",
            occurred_on=ws.today() - timedelta(days=3),
            source="feed",
            title="Ann linked me (auto-detected)",
            note="detected by rule 4",
        ),
        entry_id=entry_id,
    )
    draft = outreach.render_draft(ws, "thank_you", ann)
    assert 'you linked to my work in "Tools I love"' in draft.text
    assert "https://ann.example/posts/tools" in draft.text
    assert "auto-detected" not in draft.text and "rule 4" not in draft.text


def test_an_ask_that_is_not_ready_is_drafted_only_anyway(demo_ws: Workspace) -> None:
    # ask 5: José, a referral that needs trust level trusted (now acquainted)
    reason = outreach.not_ready_reason(demo_ws, 5)
    assert reason == "needs trust level trusted (now acquainted)"
    jose = outreach.find_contact(demo_ws, "José Núñez")
    with pytest.raises(outreach.AskNotReady) as caught:
        outreach.render_draft(demo_ws, "ask_intro", jose, ask_id=5)
    assert isinstance(caught.value, Conflict)
    assert caught.value.reason == reason
    assert "not ready: needs trust level trusted (now acquainted)" in str(caught.value)
    draft = outreach.render_draft(demo_ws, "ask_intro", jose, ask_id=5, anyway=True)
    assert draft.text.startswith("Hi José,")


def test_ready_sent_and_no_asks_need_no_anyway(demo_ws: Workspace) -> None:
    assert outreach.not_ready_reason(demo_ws, None) is None
    assert outreach.not_ready_reason(demo_ws, 1) is None  # ready
    assert outreach.not_ready_reason(demo_ws, 2) is None  # sent: a follow-up is fine
    maya = outreach.find_contact(demo_ws, "Maya Lindqvist")
    assert outreach.render_draft(demo_ws, "ask_share", maya, ask_id=1).subject
    marcus = outreach.find_contact(demo_ws, "Marcus Webb")
    assert outreach.render_draft(demo_ws, "follow_up", marcus, ask_id=2).subject


def test_the_ready_asks_batch_is_unchanged(demo_ws: Workspace) -> None:
    batch = outreach.render_drafts(demo_ws, "ask_share", outreach.select_ready_asks(demo_ws))
    assert not batch.problems
    assert [d.contact_name for d in batch.drafts] == ["Maya Lindqvist"]


def test_templates_have_names_for_people() -> None:
    assert outreach.title_of("follow_up") == "Follow-up"
    assert outreach.draft_label("follow_up") == "Draft a follow-up"
    assert outreach.draft_label("thank_you") == "Draft a thank-you"
    assert outreach.title_of("my_launch-note") == "My launch note"
    assert outreach.draft_label("my_launch-note") == "Draft: My launch note"
    for name in BUILTINS:
        assert "_" not in outreach.title_of(name) and "_" not in outreach.draft_label(name)


def test_the_pickers_speak_words(demo_ws: Workspace) -> None:
    marcus = outreach.find_contact(demo_ws, "Marcus Webb")
    labels = [label for _, label in outreach.asks_for(demo_ws, marcus)]
    assert labels[0] == "#3 Guest post (Planned): Guest post on Webb SEO: course pages that rank"
    assert not any("guest_post" in label for label in labels)
    lena = outreach.find_contact(demo_ws, "Lena Kowalski")
    assert "(Open)" in outreach.requests_for(demo_ws, lena)[0][1]
    assert "Promotion (Planned)" in dict(outreach.gives_for(demo_ws, lena))[3]
