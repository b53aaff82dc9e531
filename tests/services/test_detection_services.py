"""Detection wired into the app: the ingest hook, review actions, guest suggestions,
rescans, merging contacts (and undo), the detections export and the CLI.

Most tests read the demo's feeds (a copy, so a test can touch the files) into the demo
workspace, as ``planner init --demo-if-empty`` does.
"""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from planner.domain.model import Kind
from planner.errors import Conflict, InvalidInput, NotFound
from planner.services import (
    Workspace,
    asks,
    balances,
    contacts,
    demo,
    detections,
    feeds,
    gives,
    ingest,
    merge,
)
from planner.services.contacts import ContactInput
from planner.services.detections import DetectionView
from planner.services.detections import ledger as detection_ledger
from planner.storage.schema import (
    AskRow,
    Base,
    ContactRow,
    DetectionRow,
    FeedRow,
    GuestSuggestionRow,
    InteractionRow,
    PlannedGiveRow,
    RequestRow,
)
from tests.conftest import run_cli as run

PODCAST_GUESTS = {
    "Ep 41": "Maya Lindqvist",
    "Ep 42": "Priya Raman",
    "Ep 43": "Sam Okafor",
    "Ep 44": "José Núñez",
    "Ep 46": "Fatima Haddad",
    "Ep 48": "Kwame Mensah",
    "Ep 49": "Rosa Delgado",
    "Ep 50": "Grant Holloway",
    "Ep 52": "Ben Carver",
}
MAYA_POST = "Five people who changed how I price"
COVER_ART_POST = "Cover art that sells, one year later"
SUNNY_POST = "Sunny days and slow launches"


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    target = tmp_path / "demo"
    shutil.copytree(demo.DEMO_DIR, target)
    return target


@pytest.fixture
def fed(ws: Workspace, demo_copy: Path) -> Workspace:
    """The demo workspace with its (copied) feeds read."""
    demo.load(ws, directory=demo_copy)
    summary = ingest.refresh(ws)
    assert summary.count("fetched") == 4 and not summary.failures
    return ws


def feed_rows(ws: Workspace) -> list[InteractionRow]:
    with ws.read() as s:
        rows = list(s.scalars(select(InteractionRow).where(InteractionRow.source == "feed")))
        s.expunge_all()
    return rows


def contact_id(ws: Workspace, name: str) -> int:
    with ws.read() as s:
        return contacts.resolve(s, name).id


def found(ws: Workspace, name: str, title_prefix: str) -> DetectionView:
    cid = contact_id(ws, name)
    hits = [
        d
        for d in detections.list_detections(ws, contact_id=cid)
        if d.entry_title.startswith(title_prefix)
    ]
    assert len(hits) == 1, (name, title_prefix, hits)
    return hits[0]


def count(ws: Workspace, table: type[Base]) -> int:
    with ws.read() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def snapshot(ws: Workspace) -> dict[str, list[tuple]]:
    """Every row of the tables a merge touches, for exact before/after comparisons."""
    out: dict[str, list[tuple]] = {}
    with ws.read() as s:
        for cls in (
            ContactRow,
            InteractionRow,
            DetectionRow,
            AskRow,
            PlannedGiveRow,
            RequestRow,
            FeedRow,
            GuestSuggestionRow,
        ):
            columns = list(cls.__table__.columns)
            rows = s.execute(select(*columns).order_by(columns[0])).all()
            out[cls.__tablename__] = [tuple(r) for r in rows]
    return out


def touch_entry(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ------------------------------------------------------------ ingesting the demo feeds


def test_podcast_guests_who_are_contacts_become_interviews(fed: Workspace) -> None:
    interviews = [r for r in feed_rows(fed) if r.kind == Kind.INTERVIEW]
    names = {r.id: r for r in interviews}
    assert len(names) == len(PODCAST_GUESTS)
    for episode, guest in PODCAST_GUESTS.items():
        d = found(fed, guest, episode)
        assert (d.direction, d.role, d.kind, d.status) == ("gave", "guest", "interview", "auto")
        row = names[d.interaction_id]
        assert row.contact_id == contact_id(fed, guest)
        assert row.direction == "gave" and row.entry_id == d.entry_id
        assert row.occurred_on == d.published and row.title.startswith(episode)
        assert row.link.startswith("https://indiecreatorlab.example/podcast/")


def test_blog_posts_become_mentions_links_and_features(fed: Workspace) -> None:
    by = {(r.contact_id, r.title): r.kind for r in feed_rows(fed)}
    expected = {
        ("Ruth Abernathy", "Office hours recap: course outlines"): "mention",
        ("Hannah Reyes", "9 more newsletters worth your inbox"): "mention",
        ("Theo Brandt", "My podcast gear, three years in"): "link",
        ("Priya Raman", "Audience research without surveys"): "link",
        ("Fatima Haddad", "Cohort courses: notes from Fatima Haddad's workshop"): "feature",
        ("Maya Lindqvist", "The Course Pricing Playbook: the pre-sale is open"): "mention",
    }
    for (name, title), kind in expected.items():
        assert by[(contact_id(fed, name), title)] == kind, (name, title)
    # my own name as the author of my posts is not a give to anyone
    assert all(r.contact_id is not None for r in feed_rows(fed))


def test_doubtful_mentions_wait_for_review_and_stay_out_of_the_ledger(fed: Workspace) -> None:
    sunny = found(fed, "Sunita Vasquez", SUNNY_POST)
    assert sunny.status == "pending" and sunny.interaction_id is None
    assert sunny.confidence < fed.settings().detection_auto_confirm
    assert "«Sunny»" in sunny.marked_snippet
    queue = {(d.contact, d.entry_title) for d in detections.review_queue(fed)}
    assert ("Sunita Vasquez", SUNNY_POST) in queue
    assert ("Oliver Pratt", "Office hours recap: course outlines") in queue  # "Ollie"
    # "As Reyes put it": a surname alone names nobody (Hannah? Daniel?): no ledger row
    cover = [d for d in detections.list_detections(fed) if d.entry_title == COVER_ART_POST]
    assert cover == []
    reyes = {contact_id(fed, "Hannah Reyes"), contact_id(fed, "Daniel Reyes")}
    assert not [r for r in feed_rows(fed) if r.contact_id in reyes and r.title == COVER_ART_POST]
    assert not [r for r in feed_rows(fed) if r.contact_id == contact_id(fed, "Sunita Vasquez")]


def test_a_contacts_post_naming_me_is_goodwill_received(fed: Workspace) -> None:
    d = found(fed, "Maya Lindqvist", MAYA_POST)
    assert (d.direction, d.status, d.kind) == ("received", "auto", "link")
    received = [r for r in feed_rows(fed) if r.direction == "received"]
    assert [(r.contact_id, r.title, r.kind) for r in received] == [
        (contact_id(fed, "Maya Lindqvist"), MAYA_POST, "link")
    ]
    # others named in her post are context; her own posts are not detections of her
    sam = found(fed, "Sam Okafor", MAYA_POST)
    assert sam.direction == "context" and sam.interaction_id is None
    maya_feed = [d for d in detections.list_detections(fed) if d.feed_title.startswith("Maya")]
    assert {(d.contact, d.direction) for d in maya_feed} == {
        ("Maya Lindqvist", "received"),
        ("Sam Okafor", "context"),
    }


def test_industry_detections_are_context_only(fed: Workspace) -> None:
    digest = [d for d in detections.list_detections(fed) if "Digest" in d.feed_title]
    assert {d.contact for d in digest} >= {"Lena Kowalski", "Grant Holloway", "Ben Carver"}
    assert {d.direction for d in digest} == {"context"}
    assert all(d.interaction_id is None and d.kind == "" for d in digest)
    digest_entries = {d.entry_id for d in digest}
    assert not [r for r in feed_rows(fed) if r.entry_id in digest_entries]
    assert detections.counts(fed).context == len(
        detections.list_detections(fed, directions=["context"])
    )


def test_guests_who_are_not_contacts_are_suggested(fed: Workspace) -> None:
    suggestions = {g.name: g for g in detections.list_suggestions(fed)}
    assert set(suggestions) == {"Iris Calloway", "Bram Oosterhout", "Dr. Priya Raman"}
    assert suggestions["Iris Calloway"].similar_contact_id is None
    assert suggestions["Iris Calloway"].site == "iriscalloway.example"
    assert suggestions["Bram Oosterhout"].entry_title.startswith("Ep 51")
    priya = suggestions["Dr. Priya Raman"]
    assert priya.similar_contact_id == contact_id(fed, "Priya Raman")
    assert priya.similar_contact == "Priya Raman"


def test_the_demo_story_survives_its_feeds(ws: Workspace, demo_copy: Path) -> None:
    demo.load(ws, directory=demo_copy)
    states_before = {a.title: a.state for a in asks.assess(ws)}
    ingest.refresh(ws)
    one_sided = {b.contact.name for b in balances.all_balances(ws) if b.one_sided}
    assert one_sided == {"Grant Holloway"}
    assert {a.title: a.state for a in asks.assess(ws)} == states_before
    owed = min(balances.all_balances(ws), key=lambda b: b.balance)
    assert owed.contact.name == "Lena Kowalski"
    counts = detections.counts(ws)
    assert (counts.pending, counts.suggestions) == (2, 3) and counts.auto >= 25


# ------------------------------------------------------------- re-ingest and decisions


def test_reingesting_a_changed_entry_updates_in_place(fed: Workspace, demo_copy: Path) -> None:
    before_rows = len(feed_rows(fed))
    before_detections = count(fed, DetectionRow)
    grant = found(fed, "Grant Holloway", "Ep 50")
    podcast = demo_copy / "feeds" / "podcast.xml"
    touch_entry(podcast, "Ep 50: Grant Holloway on", "Ep 50: Grant Holloway, again, on")
    summary = ingest.refresh(fed)
    assert summary.updated_entries == 1 and summary.new_entries == 0
    assert len(feed_rows(fed)) == before_rows
    assert count(fed, DetectionRow) == before_detections
    again = found(fed, "Grant Holloway", "Ep 50")
    assert again.id == grant.id and again.interaction_id == grant.interaction_id
    row = next(r for r in feed_rows(fed) if r.id == grant.interaction_id)
    assert row.title.startswith("Ep 50: Grant Holloway, again, on")
    # the same bytes again: nothing parsed, nothing written
    assert ingest.refresh(fed).count("unchanged") == 4
    assert len(feed_rows(fed)) == before_rows


def test_an_entry_that_no_longer_names_someone_drops_the_automatic_row(
    fed: Workspace, demo_copy: Path
) -> None:
    ruth = found(fed, "Ruth Abernathy", "Office hours recap")
    blog = demo_copy / "feeds" / "blog.xml"
    text = blog.read_text(encoding="utf-8").replace("Ruth Abernathy", "a reader")
    blog.write_text(text, encoding="utf-8")
    ingest.refresh(fed)
    ruth_id = contact_id(fed, "Ruth Abernathy")
    assert not [d for d in detections.list_detections(fed, contact_id=ruth_id)]
    assert not [r for r in feed_rows(fed) if r.id == ruth.interaction_id]


def test_dismiss_removes_the_row_and_nothing_brings_it_back(
    fed: Workspace, demo_copy: Path
) -> None:
    theo = found(fed, "Theo Brandt", "My podcast gear")
    assert theo.interaction_id is not None
    assert detections.dismiss(fed, [theo.id]) == 1
    assert not [r for r in feed_rows(fed) if r.id == theo.interaction_id]
    assert found(fed, "Theo Brandt", "My podcast gear").status == "dismissed"
    detections.rescan(fed)
    blog = demo_copy / "feeds" / "blog.xml"
    touch_entry(blog, "My podcast gear, three years in", "My podcast gear, three years on")
    ingest.refresh(fed)
    again = found(fed, "Theo Brandt", "My podcast gear")
    assert again.status == "dismissed" and again.interaction_id is None
    assert again not in detections.review_queue(fed)
    theo_id = contact_id(fed, "Theo Brandt")
    assert not [r for r in feed_rows(fed) if r.contact_id == theo_id and "gear" in r.title]


def test_confirm_logs_the_interaction_and_reopen_takes_it_back(fed: Workspace) -> None:
    sunny = found(fed, "Sunita Vasquez", SUNNY_POST)
    before = balances.balance_of(fed, sunny.contact_id).summary.gives_count
    assert detections.confirm(fed, [sunny.id]) == 1
    confirmed = found(fed, "Sunita Vasquez", SUNNY_POST)
    assert confirmed.status == "confirmed" and confirmed.interaction_id is not None
    row = next(r for r in feed_rows(fed) if r.id == confirmed.interaction_id)
    assert (row.kind, row.direction, row.occurred_on) == ("feature", "gave", date(2026, 8, 12))
    assert balances.balance_of(fed, sunny.contact_id).summary.gives_count == before + 1
    detections.rescan(fed)
    assert found(fed, "Sunita Vasquez", SUNNY_POST).status == "confirmed"
    assert detections.reopen(fed, [sunny.id]) == 1
    reopened = found(fed, "Sunita Vasquez", SUNNY_POST)
    assert reopened.status == "pending" and reopened.interaction_id is None
    assert not [r for r in feed_rows(fed) if r.id == confirmed.interaction_id]


def test_bulk_actions_and_unknown_ids(fed: Workspace) -> None:
    queue = detections.review_queue(fed)
    assert len(queue) == 2
    assert detections.dismiss(fed, [d.id for d in queue]) == 2
    assert detections.review_queue(fed) == []
    assert detections.counts(fed).dismissed == 2
    with pytest.raises(NotFound):
        detections.confirm(fed, [999_999])


def test_the_auto_confirm_threshold_comes_from_the_settings(ws: Workspace, demo_copy) -> None:
    demo.load(ws, directory=demo_copy)
    from planner.services import settings

    settings.update_settings(ws, detection_auto_confirm=0.5)
    ingest.refresh(ws)
    ollie = found(ws, "Oliver Pratt", "Office hours recap")
    assert ollie.status == "auto" and ollie.interaction_id is not None
    settings.update_settings(ws, detection_auto_confirm=0.99)
    detections.rescan(ws)
    ollie = found(ws, "Oliver Pratt", "Office hours recap")
    assert ollie.status == "pending" and ollie.interaction_id is None
    assert found(ws, "Ben Carver", "Ep 52").status == "auto"  # 0.99 still reaches it


def test_a_duplicate_entry_in_another_feed_is_detected_once(
    fed: Workspace, demo_copy: Path
) -> None:
    before = count(fed, DetectionRow)
    copy = demo_copy / "feeds" / "blog-syndicated.xml"
    shutil.copy(demo_copy / "feeds" / "blog.xml", copy)
    feeds.add_file(fed, copy, kind="blog", owner="industry")
    summary = ingest.refresh(fed)
    assert summary.new_entries == 15
    assert count(fed, DetectionRow) == before


def test_a_detected_give_completes_the_matching_planned_give(
    ws: Workspace, demo_copy: Path
) -> None:
    demo.load(ws, directory=demo_copy)
    planned = gives.add(
        ws,
        gives.GiveInput(
            kind="feature", contact="Fatima Haddad", due=date(2026, 7, 25), title="Workshop"
        ),
    )
    ingest.refresh(ws)
    done = gives.get(ws, planned.id)
    assert done.status.value == "done" and done.done_on == date(2026, 7, 29)
    d = found(ws, "Fatima Haddad", "Cohort courses")
    with ws.read() as s:
        assert s.get(InteractionRow, d.interaction_id).give_id == planned.id
        n_plan_rows = s.scalar(
            select(func.count())
            .select_from(InteractionRow)
            .where(InteractionRow.give_id == planned.id)
        )
    assert n_plan_rows == 1  # the detection's row, not a second one from the plan
    detections.dismiss(ws, [d.id])
    assert gives.get(ws, planned.id).status.value == "planned"


# ------------------------------------------------------------------- guest suggestions


def test_accepting_a_guest_creates_the_contact_and_their_detections(fed: Workspace) -> None:
    iris = next(g for g in detections.list_suggestions(fed) if g.name == "Iris Calloway")
    contact = detections.accept_suggestion(fed, iris.id)
    with fed.read() as s:
        row = s.get(ContactRow, contact.id)
        assert (row.source, row.domains) == ("guest", ["iriscalloway.example"])
    episode = found(fed, "Iris Calloway", "Ep 45")
    assert (episode.direction, episode.role, episode.status) == ("gave", "guest", "auto")
    assert episode.interaction_id in {r.id for r in feed_rows(fed)}
    digest = found(fed, "Iris Calloway", "Cohort platforms")  # "founded by Iris Calloway"
    assert digest.direction == "context"
    statuses = {g.name: g.status for g in detections.list_suggestions(fed, statuses=())}
    assert statuses["Iris Calloway"] == "accepted"
    assert "Iris Calloway" not in {g.name for g in detections.list_suggestions(fed)}
    with pytest.raises(Conflict):
        detections.accept_suggestion(fed, iris.id)
    detections.rescan(fed)
    assert detections.list_suggestions(fed, statuses=["accepted"])[0].name == "Iris Calloway"


def test_a_similar_guest_name_becomes_an_alias(fed: Workspace) -> None:
    priya_id = contact_id(fed, "Priya Raman")
    before = len(detections.list_detections(fed, contact_id=priya_id))
    dr = next(g for g in detections.list_suggestions(fed) if g.name == "Dr. Priya Raman")
    contact = detections.alias_suggestion(fed, dr.id)
    assert contact.id == priya_id and "Dr. Priya Raman" in contact.aliases
    assert len(detections.list_detections(fed, contact_id=priya_id)) == before
    assert found(fed, "Priya Raman", "Ep 42").status == "auto"
    names = {g.name: g.status for g in detections.list_suggestions(fed, statuses=())}
    assert names["Dr. Priya Raman"] == "aliased"
    assert {g.name for g in detections.list_suggestions(fed)} == {
        "Iris Calloway",
        "Bram Oosterhout",
    }


def test_a_dismissed_guest_is_not_suggested_again(fed: Workspace) -> None:
    bram = next(g for g in detections.list_suggestions(fed) if g.name == "Bram Oosterhout")
    assert detections.dismiss_suggestions(fed, [bram.id]) == 1
    detections.rescan(fed)
    assert "Bram Oosterhout" not in {g.name for g in detections.list_suggestions(fed)}


def test_a_new_contact_is_found_by_a_rescan_and_decisions_are_kept(fed: Workspace) -> None:
    theo = found(fed, "Theo Brandt", "My podcast gear")
    detections.dismiss(fed, [theo.id])
    contacts.add(fed, ContactInput(name="Iris Calloway", domains="iriscalloway.example"))
    stats = detections.rescan(fed)
    assert stats.auto >= 1
    assert found(fed, "Iris Calloway", "Ep 45").status == "auto"
    assert found(fed, "Theo Brandt", "My podcast gear").status == "dismissed"
    assert "Iris Calloway" not in {g.name for g in detections.list_suggestions(fed)}


def test_the_index_is_cached_per_version_of_the_contact_list(fed: Workspace) -> None:
    with fed.read() as s:
        first = detections.index_for(fed, s)
        assert detections.index_for(fed, s) is first
    ruth = contact_id(fed, "Ruth Abernathy")
    current = contacts.get(fed, ruth)
    contacts.update(  # same clock: updated_at does not move, the version still does
        fed,
        ruth,
        ContactInput(name=current.name, tier=current.tier, aliases="Ruthie A.", domains=""),
    )
    with fed.read() as s:
        assert detections.index_for(fed, s) is not first


# ------------------------------------------------------------------------------ merging


def test_merge_moves_everything_balances_add_up_and_undo_restores(fed: Workspace) -> None:
    keep = contact_id(fed, "Hannah Reyes")
    other = contact_id(fed, "Daniel Reyes")
    gives.add(fed, gives.GiveInput(kind="share", contact="Daniel Reyes", title="Share his art"))
    with fed.write() as s:
        s.add(
            AskRow(
                contact_id=other,
                kind="testimonial",
                cost=2.0,
                title="Ask Daniel",
                created_at=fed.now(),
            )
        )
    before = snapshot(fed)
    sums = [balances.balance_of(fed, c).summary for c in (keep, other)]
    n_other = {
        "interactions": len([r for r in before["interactions"] if r[1] == other]),
    }
    result = merge.merge_contacts(fed, "Hannah Reyes", "Daniel Reyes")
    assert result.moved["interactions"] == n_other["interactions"] > 0
    assert result.moved["gives"] == 1 and result.moved["asks"] == 1
    after = balances.balance_of(fed, keep).summary
    assert after.balance == pytest.approx(sums[0].balance + sums[1].balance)
    assert after.given == pytest.approx(sums[0].given + sums[1].given)
    assert after.received == pytest.approx(sums[0].received + sums[1].received)
    assert after.gives_count == sums[0].gives_count + sums[1].gives_count
    survivor = contacts.get(fed, keep)
    assert {"Daniel Reyes", "Dan Reyes", "Hannah R."} <= set(survivor.aliases)
    assert {"hannahreyes.example", "danreyes.example"} <= set(survivor.domains)
    assert {"@hannahwrites", "@danreyesdesign"} <= set(survivor.handles)
    with fed.read() as s:
        gone = s.get(ContactRow, other)
        assert gone.archived and gone.merged_into_id == keep
        for cls in (InteractionRow, AskRow, PlannedGiveRow, RequestRow, DetectionRow):
            assert not s.scalar(
                select(func.count()).select_from(cls).where(cls.contact_id == other)
            )
    assert other not in {b.contact.id for b in balances.all_balances(fed)}
    assert merge.last_merge(fed) is not None
    merge.undo_last_merge(fed)
    assert snapshot(fed) == before
    assert merge.last_merge(fed) is None
    with pytest.raises(NotFound):
        merge.undo_last_merge(fed)


def test_merge_collisions_keep_the_stronger_detection_and_undo_puts_both_back(
    fed: Workspace,
) -> None:
    ep42 = found(fed, "Priya Raman", "Ep 42")
    dup = contacts.add(fed, ContactInput(name="Raman Priya Duplicate"))
    with fed.write() as s:  # a weaker, pending detection of the duplicate in the same entry
        s.add(
            DetectionRow(
                entry_id=ep42.entry_id,
                contact_id=dup.id,
                direction="gave",
                role="mention",
                confidence=0.5,
                status="pending",
                created_at=fed.now(),
            )
        )
    before = snapshot(fed)
    result = merge.merge_contacts(fed, dup.id, ep42.contact_id)  # keep the duplicate's record
    assert result.collisions == 1
    kept = [
        d for d in detections.list_detections(fed, contact_id=dup.id) if d.entry_id == ep42.entry_id
    ]
    assert [(d.id, d.role, d.status) for d in kept] == [(ep42.id, "guest", "auto")]
    merge.undo_last_merge(fed)
    assert snapshot(fed) == before


def test_merge_refuses_nonsense(fed: Workspace) -> None:
    with pytest.raises(Exception, match="itself"):
        merge.merge_contacts(fed, "Hannah Reyes", "Hannah Reyes")
    merge.merge_contacts(fed, "Hannah Reyes", "Daniel Reyes")
    with pytest.raises(Conflict):
        merge.merge_contacts(fed, "Maya Lindqvist", "Daniel Reyes")
    with pytest.raises(NotFound):
        merge.merge_contacts(fed, "Maya Lindqvist", "Nobody At All")


# ------------------------------------------------------------------- export and the CLI


def test_detections_export_has_the_documented_columns(fed: Workspace) -> None:
    frame = detections.detections_frame(fed)
    for column in (
        "entry_id",
        "entry_guid",
        "entry_title",
        "entry_link",
        "feed_url",
        "contact",
        "direction",
        "role",
        "confidence",
        "status",
        "evidence",
    ):
        assert column in frame.columns, column
    assert len(frame) == count(fed, DetectionRow)
    assert set(frame["direction"]) == {"gave", "received", "context"}


def test_cli_demo_reads_its_feeds_then_detect_export_merge(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, db_url, "init", "--demo-if-empty")
    assert code == 0 and "demo feeds read: fetched 4" in out
    assert "2 to review" in out and "3 guest suggestion(s)" in out
    code, out, _ = run(capsys, db_url, "detect")
    assert code == 0 and "0 auto-confirmed, 0 to review" in out
    code, out, _ = run(capsys, db_url, "detect", "--rescan")
    assert code == 0 and "scanned 34 entries" in out and "0 removed" in out
    target = tmp_path / "detections.csv"
    code, _, _ = run(capsys, db_url, "export", "detections", "--out", str(target))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert {r["status"] for r in rows} >= {"auto", "pending"}
    assert any(r["contact"] == "Grant Holloway" and r["role"] == "guest" for r in rows)
    code, out, _ = run(capsys, db_url, "contacts", "merge", "Hannah Reyes", "Daniel Reyes")
    assert code == 0 and "merged Daniel Reyes into Hannah Reyes" in out
    code, out, _ = run(capsys, db_url, "contacts", "undo-merge")
    assert code == 0 and "undone" in out
    code, _, err = run(capsys, db_url, "contacts", "undo-merge")
    assert code == 2 and "no merge to undo" in err
    code, _, err = run(capsys, db_url, "contacts", "merge", "Hannah Reyes", "Nobody")
    assert code == 2 and "Nobody" in err


def test_an_undated_entry_is_logged_today(fed: Workspace, tmp_path: Path) -> None:
    rss = tmp_path / "undated.xml"
    rss.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Notes</title>'
        "<link>https://indiecreatorlab.example/notes</link><description>d</description>"
        "<item><title>A thank-you note</title><guid>note-1</guid>"
        "<link>https://indiecreatorlab.example/notes/1</link>"
        "<description>Thanks to Clara Bishop for the workshop.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    feeds.add_file(fed, rss, kind="blog", owner="me")
    ingest.refresh(fed)
    clara = found(fed, "Clara Bishop", "A thank-you note")
    row = next(r for r in feed_rows(fed) if r.id == clara.interaction_id)
    assert row.occurred_on == fed.today() and row.kind == "mention"


def test_an_entry_the_ledger_refuses_waits_for_review_and_the_feed_still_loads(
    ws: Workspace, demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo.load(ws, directory=demo_copy)

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise InvalidInput("refused", field="title")

    # the hook checks each ledger row as ledger.add does, then inserts them in bulk
    monkeypatch.setattr(detection_ledger, "_ledger_values", refuse)
    summary = ingest.refresh(ws)
    assert summary.count("fetched") == 4 and not summary.failures
    assert not feed_rows(ws)
    grant = found(ws, "Grant Holloway", "Ep 50")
    assert grant.status == "pending" and grant.interaction_id is None
    monkeypatch.undo()
    detections.confirm(ws, [grant.id])
    assert found(ws, "Grant Holloway", "Ep 50").interaction_id is not None


def test_detections_and_entries_are_paged_and_counted_by_the_database(fed: Workspace) -> None:
    every = detections.list_detections(fed, directions=["gave", "received"])
    assert detections.count_detections(fed, directions=["gave", "received"]) == len(every) > 3
    pages = [
        detections.list_detections(fed, directions=["gave", "received"], limit=3, offset=o)
        for o in range(0, len(every), 3)
    ]
    assert [d.id for page in pages for d in page] == [d.id for d in every]
    assert detections.count_detections(fed, statuses=["no such status"]) == 0
    feed = max(feeds.list_feeds(fed), key=lambda f: f.entries)
    entries = feeds.list_entries(fed, feed.id)
    assert len(entries) == feed.entries > 2
    assert feeds.list_entries(fed, feed.id, limit=2, offset=1) == entries[1:3]


def test_typed_rows_are_looked_up_once_per_feed_and_adopted(ws: Workspace, tmp_path: Path) -> None:
    """The ledger rows typed by hand that a feed's entries may adopt are read with one
    query per feed, however many chunks its entries take (it was one per chunk: with a
    million ledger rows, most of an ingest); a typed row naming a post is still adopted."""
    from sqlalchemy import event

    from planner.services import ledger
    from planner.services.detections.run_state import CHUNK

    contacts.add(ws, ContactInput(name="Maya Lindqvist", domains=("maya.example",)))
    n = CHUNK + 100
    items = "".join(
        f"<item><title>Post {i}</title><guid>p{i}</guid><link>https://me.example/p/{i}</link>"
        f"<description>Maya Lindqvist wrote about pricing: "
        f"&lt;a href='https://maya.example/essay'&gt;her essay&lt;/a&gt;</description></item>"
        for i in range(n)
    )
    path = tmp_path / "mine.xml"
    path.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Mine</title>'
        f"<link>https://me.example/</link>{items}</channel></rss>"
    )
    feeds.add_file(ws, path, kind="blog", owner="me")
    typed_link = f"https://me.example/p/{n - 1}"  # in the last chunk
    typed = ledger.add(
        ws,
        ledger.LedgerInput(
            contact="Maya Lindqvist",
            direction="gave",
            kind="mention",
            occurred_on=date(2026, 1, 5),
            link=typed_link,
        ),
    )
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(ws.engine, "before_cursor_execute", seen)
    try:
        summary = ingest.refresh(ws)
    finally:
        event.remove(ws.engine, "before_cursor_execute", seen)
    assert summary.new_entries == n, summary.describe()
    typed_lookups = [q for q in statements if "interactions.link IN" in q]
    assert len(typed_lookups) == 1, typed_lookups
    with ws.read() as s:
        row = s.get(InteractionRow, typed.id)
        assert row is not None and row.entry_id is not None and row.source == "manual"
        same_post = s.scalar(
            select(func.count())
            .select_from(InteractionRow)
            .where(InteractionRow.link == typed_link)
        )
    assert same_post == 1  # adopted, not logged a second time


def test_the_cycle_collector_is_paused_during_a_run_and_restored_after() -> None:
    import gc

    from planner.services.detections.run_state import collector_paused

    assert gc.isenabled()
    with collector_paused:
        assert not gc.isenabled()
        with collector_paused:  # another run at the same time (another thread)
            assert not gc.isenabled()
        assert not gc.isenabled()  # still one run going
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused:
            pass
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()
