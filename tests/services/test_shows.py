"""Show profiles in the app: learned at ingest and stored on the feed, corrected by the user
(detection follows at once), the feed's own sites, backup/restore and the CLI.

The show is invented: "Castwise", hosted by Maria Lopez, one guest per episode named in the
title ("Ep 12 – Jane Doe: Pricing") and introduced in the notes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from planner.domain.show_profile import ShowKind
from planner.errors import Conflict, InvalidInput, NotFound
from planner.services import (
    Workspace,
    backup,
    contacts,
    detections,
    feeds,
    ingest,
    open_workspace,
    settings,
    show_profiles,
    shows,
)
from planner.services.contacts import ContactInput
from planner.services.detections import DetectionView
from planner.storage.schema import EntryRow, FeedRow, InteractionRow
from tests.conftest import fixed_clock
from tests.conftest import run_cli as run
from tests.services.test_restore_values import rezip, set_cell, unzip

HOST = "Maria Lopez"
GUESTS = [
    ("Jane Doe", "Pricing"),
    ("Tomas Verhoek", "Audio gear"),
    ("Alba Quintero", "Launch plans"),
    ("Nils Brakstad", "Cold email"),
    ("Odile Marchetti", "Book deals"),
    ("Rafe Castellan", "Newsletters"),
    ("Ingrid Vallmoor", "Sponsors"),
    ("Petra Lindgaard", "Burnout"),
]
DESCRIBED = (
    "Interview show — guests appear as 'Ep N – {guest}: {topic}'; hosts: Maria Lopez; "
    "8 of 8 episodes name a guest."
)


def cast_rss(guests: list[tuple[str, str]] = GUESTS, channel: str = "") -> bytes:
    items = "".join(
        f"<item><guid>ep{12 + i}</guid><title>Ep {12 + i} – {guest}: {topic}</title>"
        f"<link>https://castwise.example/ep{12 + i}</link>"
        f"<pubDate>Tue, {3 + i:02d} Nov 2026 09:30:00 GMT</pubDate>"
        f'<enclosure url="https://castwise.example/ep{12 + i}.mp3" type="audio/mpeg" '
        f'length="1000"/>'
        f"<description>Your host {HOST} talks with {guest} about {topic.lower()}."
        f"</description></item>"
        for i, (guest, topic) in enumerate(guests)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
        'xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel>'
        f"<title>Castwise</title><link>https://castwise.example/</link>{channel}"
        f"<language>en-us</language><itunes:author>{HOST}</itunes:author>"
        f"<itunes:explicit>false</itunes:explicit>{items}"
        "</channel></rss>"
    ).encode()


@pytest.fixture
def cast(ws: Workspace) -> int:
    """My podcast, read, with one of its guests (Jane Doe) a contact."""
    contacts.add(ws, ContactInput(name="Jane Doe"))
    feed_id = feeds.add_upload(ws, "castwise.xml", owner="me")
    outcome = ingest.ingest_bytes(ws, feed_id, cast_rss())
    assert (outcome.status, outcome.new) == ("fetched", 8)
    return feed_id


def feed_row(ws: Workspace, feed_id: int) -> FeedRow:
    with ws.read() as s:
        row = s.get(FeedRow, feed_id)
        assert row is not None
        s.expunge(row)
    return row


def jane(ws: Workspace) -> DetectionView:
    with ws.read() as s:
        cid = contacts.resolve(s, "Jane Doe").id
    found = detections.list_detections(ws, contact_id=cid)
    assert len(found) == 1, found
    return found[0]


def ledger_kinds(ws: Workspace) -> list[str]:
    with ws.read() as s:
        return list(s.scalars(select(InteractionRow.kind).where(InteractionRow.source == "feed")))


# --------------------------------------------------------------------------- learning


def test_ingest_stores_the_channel_facts_and_the_learned_profile(ws: Workspace, cast: int) -> None:
    row = feed_row(ws, cast)
    assert (row.language, row.itunes_author) == ("en-us", HOST)
    assert row.feed_people is None  # no channel credits
    assert row.show_profile is not None
    assert row.show_profile["kind"] == "interview"
    assert HOST in row.show_profile["hosts"]
    assert row.show_profile["episodes"] == 8
    assert row.show_corrections is None
    assert shows.describe(ws, cast) == DESCRIBED


def test_the_channel_credits_are_stored_and_make_hosts(ws: Workspace) -> None:
    credit = (
        '<podcast:person role="host" href="https://castwise.example/sven">Sven Ohlmark'
        "</podcast:person>"
    )
    feed_id = feeds.add_upload(ws, "castwise.xml", owner="me")
    ingest.ingest_bytes(ws, feed_id, cast_rss(channel=credit))
    row = feed_row(ws, feed_id)
    assert row.feed_people == [
        {"name": "Sven Ohlmark", "role": "host", "href": "https://castwise.example/sven"}
    ]
    assert "Sven Ohlmark" in shows.show(ws, feed_id).hosts


def test_a_contact_in_the_guest_slot_is_a_guest(ws: Workspace, cast: int) -> None:
    found = jane(ws)
    assert (found.role, found.status, found.entry_title) == (
        "guest",
        "auto",
        "Ep 12 – Jane Doe: Pricing",
    )
    assert ledger_kinds(ws) == ["interview"]
    # the host is no guest: she is not suggested as one; the other guests are
    names = {s.name for s in detections.list_suggestions(ws)}
    assert HOST not in names
    assert {"Tomas Verhoek", "Petra Lindgaard"} <= names


def test_marking_the_guest_a_host_makes_her_a_mention_at_once_and_back(
    ws: Workspace, cast: int
) -> None:
    change = shows.mark_host(ws, cast, "  Jane   Doe ", True)
    assert change.describe() == "Jane Doe is marked as a host; its 8 episode(s) were read again."
    assert change.profile.hosts == (HOST, "Jane Doe")
    found = jane(ws)
    assert found.role in ("feature", "mention")
    assert ledger_kinds(ws) == [found.kind]
    assert feed_row(ws, cast).show_corrections == {
        "hosts": ["Jane Doe"],
        "not_hosts": [],
        "kind": None,
    }
    assert "hosts: Maria Lopez, Jane Doe;" in shows.describe(ws, cast)

    change = shows.mark_host(ws, cast, "Jane Doe", False)
    assert change.describe().startswith("Jane Doe is marked as not a host;")
    assert jane(ws).role == "guest"
    assert ledger_kinds(ws) == ["interview"]


def test_the_learned_host_can_be_unmarked(ws: Workspace, cast: int) -> None:
    shows.mark_host(ws, cast, HOST, False)
    assert "hosts: none found;" in shows.describe(ws, cast)
    assert shows.show(ws, cast).profile.corrections.not_hosts == (HOST,)


def test_a_solo_show_has_no_guests_until_it_is_learned_again(ws: Workspace, cast: int) -> None:
    change = shows.set_kind(ws, cast, ShowKind.SOLO)
    assert change.describe() == (
        "This show is set as a solo show (no guests); its 8 episode(s) were read again."
    )
    assert jane(ws).role != "guest"
    assert "interview" not in ledger_kinds(ws)
    assert detections.list_suggestions(ws) == []
    assert shows.describe(ws, cast).startswith("Solo show — no guests (as you set it); hosts:")

    change = shows.set_kind(ws, cast, None)
    assert change.what == "This show's kind is learned from its episodes again"
    assert jane(ws).role == "guest"
    assert shows.describe(ws, cast) == DESCRIBED


def test_an_interview_correction_is_described_as_set(ws: Workspace, cast: int) -> None:
    shows.set_kind(ws, cast, ShowKind.INTERVIEW)
    assert shows.describe(ws, cast) == DESCRIBED.replace("{topic}'", "{topic}' (as you set it)")


@pytest.mark.parametrize(
    "feed, name, error, match",
    [
        (None, "", InvalidInput, "host name is required"),
        (None, "x" * 201, InvalidInput, "longer than 200"),
        (None, "Jane\nDoe", InvalidInput, "control character"),
        (999, "Jane Doe", NotFound, "no feed with id 999"),
    ],
)
def test_a_bad_correction_is_refused_and_changes_nothing(
    ws: Workspace,
    cast: int,
    feed: int | None,
    name: str,
    error: type[Exception],
    match: str,
) -> None:
    before = feed_row(ws, cast)
    with pytest.raises(error, match=match):
        shows.mark_host(ws, feed or cast, name, True)
    after = feed_row(ws, cast)
    assert (after.show_corrections, after.show_profile) == (
        before.show_corrections,
        before.show_profile,
    )
    assert jane(ws).role == "guest"


def test_a_blog_has_no_show_to_correct(ws: Workspace) -> None:
    feed_id = feeds.add_upload(ws, "blog.xml", kind="blog", owner="me")
    with pytest.raises(Conflict, match="show profiles are for podcast feeds"):
        shows.set_kind(ws, feed_id, ShowKind.SOLO)
    assert shows.describe(ws, feed_id).startswith("Not a podcast feed")


def test_a_new_episode_relearns_without_rereading_the_others(ws: Workspace, cast: int) -> None:
    # one more episode: the profile counts it, and what it says is the same
    more = [*GUESTS, ("Linus Ferrow", "Pitch decks")]
    assert ingest.ingest_bytes(ws, cast, cast_rss(more)).new == 1
    assert feed_row(ws, cast).show_profile["episodes"] == 9
    with ws.write() as s:
        feed = s.get(FeedRow, cast)
        newest = s.scalar(select(EntryRow.id).where(EntryRow.guid == "ep20"))
        assert detections.detect_entries(ws, s, feed, [newest]).entries == 1
        # a stored profile that says something else (no hosts): all episodes are re-read
        feed.show_profile = {**feed.show_profile, "hosts": []}
        assert detections.detect_entries(ws, s, feed, [newest]).entries == 9
        assert HOST in feed.show_profile["hosts"]


def test_only_what_detection_reads_makes_a_profile_read_differently() -> None:
    old = {
        "kind": "interview",
        "hosts": ["Maria Lopez", "Sven Ohlmark"],
        "slots": ["first"],
        "template": "Ep N – {guest}: {topic}",
        "episodes": 8,
        "guest_episodes": 8,
    }
    same = {
        **old,
        "hosts": ["Sven Ohlmark", "Maria Lopez"],
        "template": "#N – {guest}",
        "episodes": 9,
        "guest_episodes": 9,
    }
    assert not show_profiles.reads_differently(old, same)
    assert show_profiles.reads_differently(old, {**old, "hosts": ["Maria Lopez"]})
    assert show_profiles.reads_differently(old, {**old, "kind": "solo"})
    assert show_profiles.reads_differently(old, {**old, "slots": ["first", "last"]})
    assert show_profiles.reads_differently(None, old)


def test_a_feed_stored_before_profiles_learns_one_at_rescan(ws: Workspace, cast: int) -> None:
    with ws.write() as s:
        s.get(FeedRow, cast).show_profile = None
    assert shows.describe(ws, cast).startswith("Not learned yet:")
    stats = detections.rescan(ws, feed_ids=[cast])
    assert stats.entries == 8
    assert shows.describe(ws, cast) == DESCRIBED


# --------------------------------------------------------------------------- own sites


def test_own_sites_are_the_channel_link_and_the_owner_s_domains(ws: Workspace) -> None:
    contact = contacts.add(
        ws, ContactInput(name="Odile Marchetti", domains=("odile.example", "odile-shop.example"))
    )
    theirs = feeds.add_upload(ws, "theirs.xml", owner=str(contact.id))
    mine = feeds.add_upload(ws, "mine.xml", owner="me")
    industry = feeds.add_upload(ws, "industry.xml", owner="industry")
    with ws.write() as s:
        for feed_id in (theirs, mine, industry):
            s.get(FeedRow, feed_id).site_link = f"https://site{feed_id}.example/"
        rows = {i: s.get(FeedRow, i) for i in (theirs, mine, industry)}
        assert show_profiles.own_sites(s, rows[theirs], ["me.example"]) == (
            f"https://site{theirs}.example/",
            "odile.example",
            "odile-shop.example",
        )
        assert show_profiles.own_sites(s, rows[mine], ["me.example"]) == (
            f"https://site{mine}.example/",
            "me.example",
        )
        assert show_profiles.own_sites(s, rows[industry], ["me.example"]) == (
            f"https://site{industry}.example/",
        )
        rows[industry].site_link = ""
        assert show_profiles.own_sites(s, rows[industry], ["me.example"]) == ()


def test_a_link_blog_post_counts_through_its_own_link(ws: Workspace) -> None:
    """A post whose own link points at a contact's site (a link blog) is a link to them;
    links to the blog's own site stay navigation."""
    contacts.add(ws, ContactInput(name="Rafe Castellan", domains=("rafecastellan.example",)))
    settings.save_profile(ws, name="Me Myself", domains=["linkblog.example"])
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Links</title>'
        b"<link>https://linkblog.example/</link>"
        b"<item><guid>l1</guid><title>A good read on pricing</title>"
        b"<link>https://rafecastellan.example/pricing</link>"
        b"<description>Worth your time.</description></item>"
        b"<item><guid>l2</guid><title>About this blog</title>"
        b"<link>https://linkblog.example/about</link>"
        b"<description>Nothing here.</description></item>"
        b"</channel></rss>"
    )
    feed_id = feeds.add_upload(ws, "links.xml", kind="blog", owner="me")
    assert ingest.ingest_bytes(ws, feed_id, rss).new == 2
    found = detections.list_detections(ws)
    assert [(d.contact, d.role, d.entry_title) for d in found] == [
        ("Rafe Castellan", "link", "A good read on pricing")
    ]


# --------------------------------------------------------------------------- backup


def test_backup_round_trips_the_profile_corrections_and_channel_facts(
    ws: Workspace, cast: int, tmp_path: Path
) -> None:
    shows.mark_host(ws, cast, "Jane Doe", True)
    shows.set_kind(ws, cast, ShowKind.INTERVIEW)
    with ws.write() as s:
        s.get(FeedRow, cast).feed_people = [
            {"name": HOST, "role": "host", "href": "https://castwise.example/maria"}
        ]
    before = feed_row(ws, cast)
    data = backup.create_backup(ws)
    target = open_workspace(f"sqlite:///{tmp_path / 'restored.db'}", clock=fixed_clock())
    try:
        backup.restore_backup(target, data)
        after = feed_row(target, cast)
        for column in (
            "language",
            "itunes_author",
            "feed_people",
            "show_profile",
            "show_corrections",
        ):
            assert getattr(after, column) == getattr(before, column), column
        assert shows.describe(target, cast) == shows.describe(ws, cast)
    finally:
        target.engine.dispose()


@pytest.mark.parametrize(
    "column, value, reason",
    [
        ("show_profile", "[1, 2]", "the show profile is not a JSON object"),
        ("show_profile", '{"kind": "talk"}', "kind 'talk' is not one of: interview, solo"),
        ("show_profile", '{"hosts": "Maria"}', "hosts is not a list of texts"),
        ("show_profile", "{broken", "not valid JSON (Expecting property name"),
        ("show_corrections", '"solo"', "the show corrections are not a JSON object"),
        ("show_corrections", '{"kind": "unknown"}', "kind 'unknown' is not one of"),
        ("show_corrections", '{"not_hosts": [1]}', "not_hosts is not a list of texts"),
        ("feed_people", '{"name": "x"}', "the feed's people are not a JSON list"),
        ("feed_people", '["Maria"]', "not a list of {name, role, href} objects"),
        ("language", "x" * 21, "is longer than 20 characters"),
    ],
)
def test_restore_refuses_a_malformed_show_column(
    ws: Workspace, cast: int, column: str, value: str, reason: str
) -> None:
    files = unzip(backup.create_backup(ws))
    line = set_cell(files, "feeds", column, value, row=0)
    before = feed_row(ws, cast)
    with pytest.raises(InvalidInput) as refused:
        backup.restore_backup(ws, rezip(files, "tables/feeds.csv"), replace=True)
    message = str(refused.value)
    assert f"table feeds (tables/feeds.csv, line {line}): column {column}:" in message
    assert reason in message
    after = feed_row(ws, cast)
    assert (after.show_profile, after.show_corrections) == (
        before.show_profile,
        before.show_corrections,
    )


def test_restore_takes_json_null_in_the_show_columns(ws: Workspace, cast: int) -> None:
    files = unzip(backup.create_backup(ws))
    set_cell(files, "feeds", "show_profile", "null", row=0)
    set_cell(files, "feeds", "feed_people", "null", row=0)
    backup.restore_backup(ws, rezip(files, "tables/feeds.csv"), replace=True)
    assert shows.describe(ws, cast).startswith("Not learned yet:")
    assert feed_row(ws, cast).feed_people is None


# --------------------------------------------------------------------------- CLI


def test_cli_shows_and_corrects_a_show(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace, cast: int
) -> None:
    assert run(capsys, db_url, "feeds", "show", str(cast)) == (0, DESCRIBED + "\n", "")

    code, out, err = run(capsys, db_url, "feeds", "host", str(cast), "Jane Doe")
    assert (code, err) == (0, "")
    assert out == "Jane Doe is marked as a host; its 8 episode(s) were read again.\n"
    assert jane(ws).role != "guest"
    code, out, _ = run(capsys, db_url, "feeds", "host", str(cast), "Jane Doe", "--not")
    assert code == 0 and out.startswith("Jane Doe is marked as not a host;")
    assert jane(ws).role == "guest"

    code, out, _ = run(capsys, db_url, "feeds", "kind", str(cast), "solo")
    assert code == 0 and out.startswith("This show is set as a solo show (no guests);")
    assert jane(ws).role != "guest"
    code, out, _ = run(capsys, db_url, "feeds", "kind", str(cast), "learned")
    assert code == 0 and out.startswith("This show's kind is learned from its episodes again;")
    assert jane(ws).role == "guest"


def test_cli_refusals_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], db_url: str, ws: Workspace, cast: int
) -> None:
    assert run(capsys, db_url, "feeds", "show", "999") == (
        2,
        "",
        "planner: error: no feed with id 999\n",
    )
    code, out, err = run(capsys, db_url, "feeds", "host", str(cast), " ")
    assert (code, out) == (2, "") and err == "planner: error: host name is required\n"
    with pytest.raises(SystemExit) as exited:
        run(capsys, db_url, "feeds", "kind", str(cast), "chatty")
    assert exited.value.code == 2
    assert "invalid choice: 'chatty'" in capsys.readouterr().err


def test_a_podcast_stored_before_show_profiles_learns_one_at_its_next_unchanged_refresh(
    ws: Workspace, cast: int
) -> None:
    # as a feed read before the migration: entries and detections, no profile
    with ws.write() as s:
        feed = s.get(FeedRow, cast)
        assert feed is not None
        feed.show_profile = None
    outcome = ingest.ingest_bytes(ws, cast, cast_rss())  # the same bytes: unchanged
    assert outcome.status == "unchanged"
    assert shows.describe(ws, cast) == DESCRIBED
    assert jane(ws).role == "guest"
    # and only once: an unchanged refresh of a feed with a profile does not read again
    with ws.read() as s:
        learned_at = s.get(FeedRow, cast).show_profile  # type: ignore[union-attr]
    assert ingest.ingest_bytes(ws, cast, cast_rss()).status == "unchanged"
    assert feed_row(ws, cast).show_profile == learned_at
