"""The look-ups that run per feed entry or per write search an index, never walk a big table.

At 10,000 contacts and 1,000,000 ledger rows a look-up that scans ``interactions`` costs a
second; run once per entry or per give it is what makes ingest and typing slow (issue 11).
So the statements are the real ones: an engine event records the SQL the services send
while a feed (with detection) is ingested and ledger rows, gives, asks and requests are
added by contact name, and each statement below is explained with its own parameters —

* on SQLite, ``EXPLAIN QUERY PLAN`` must show no ``SCAN`` of the big tables
  (``interactions``, ``entries``, ``detections``, ``contacts``), only ``SEARCH … USING
  [COVERING] INDEX`` or ``INTEGER PRIMARY KEY``;
* on PostgreSQL, ``EXPLAIN`` with ``enable_seqscan = off`` must show no ``Seq Scan`` of
  them (the planner then takes any index it can; left without one it still scans).

Dropping one of the indexes of migration 0007 makes its check fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection

from planner.services import Workspace, asks, contacts, gives, help_requests, ingest, ledger
from planner.services import feeds as feed_service
from planner.services.asks import AskInput
from planner.services.contacts import ContactInput
from planner.services.gives import GiveInput
from planner.services.help_requests import RequestInput
from planner.services.ledger import LedgerInput
from planner.storage.schema import ProfileRow

BIG_TABLES = ("interactions", "entries", "detections", "contacts")

FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>My blog</title>'
    "<link>https://me.example/</link><description>d</description>"
    "<item><title>Thanks, Ada</title><guid>post-1</guid><link>https://me.example/p/1</link>"
    "<pubDate>Mon, 23 Nov 2026 10:00:00 +0000</pubDate>"
    "<description>Thanks to Ada Lovelace and Alan Turing for the ideas.</description></item>"
    "<item><title>More</title><guid>post-2</guid><link>https://me.example/p/2</link>"
    "<pubDate>Tue, 24 Nov 2026 10:00:00 +0000</pubDate>"
    "<description>Grace Hopper on compilers.</description></item>"
    "</channel></rss>"
)

Statement = tuple[str, Any]


@contextmanager
def recorded(ws: Workspace) -> Iterator[list[Statement]]:
    """The statements (SQL, parameters) the engine runs inside the block, executemany
    batches left out (inserts)."""
    seen: list[Statement] = []

    def record(_conn: Any, _cursor: Any, sql: str, params: Any, _ctx: Any, many: bool) -> None:
        if not many:
            seen.append((sql, params))

    event.listen(ws.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(ws.engine, "before_cursor_execute", record)


def _workspace_at_work(ws: Workspace, tmp_path: Path) -> list[Statement]:
    """Contacts, a ledger row typed by hand for a post, then the recorded work: the feed
    ingested with detection, and writes by contact name and alias."""
    with ws.write() as s:
        s.add(ProfileRow(id=1, name="Me", domains=["me.example"], reach=1_000))
    for name, aliases in (
        ("Ada Lovelace", "Countess"),
        ("Alan Turing", ""),
        ("Grace Hopper", "Amazing Grace"),
    ):
        contacts.add(ws, ContactInput(name=name, aliases=aliases, reach=500))
    ledger.add(
        ws,
        LedgerInput(
            contact="Ada Lovelace",
            direction="gave",
            kind="mention",
            occurred_on=date(2026, 11, 23),
            link="https://me.example/p/1",
        ),
    )
    rss = tmp_path / "mine.xml"
    rss.write_text(FEED, encoding="utf-8")
    feed_service.add_file(ws, rss, kind="blog", owner="me")
    with recorded(ws) as seen:
        ingest.refresh(ws)
        day = ws.today()
        ledger.add(ws, LedgerInput("alan turing", "received", "share", day))
        ledger.add(ws, LedgerInput("amazing grace", "gave", "share", day))
        give = gives.add(ws, GiveInput(kind="intro", contact="Grace Hopper", status="done"))
        gives.reopen(ws, give.id)
        ask = asks.add(ws, AskInput(kind="intro", contact="Alan Turing", status="done"))
        asks.set_status(ws, ask.id, "planned")
        help_requests.add(ws, RequestInput(contact="ada lovelace", kind="intro"))
    return seen


#: What each look-up looks like in the SQL (a regular expression), and the index it must
#: use when any index is not enough: "entry_id IS NULL" is a search of
#: ix_interactions_entry_id that matches nearly every ledger row.
LOOKUPS: dict[str, tuple[str, str | None]] = {
    "ledger rows typed by hand for an entry chunk's links (detection)": (
        r"FROM interactions\s+WHERE interactions\.link IN",
        "ix_interactions_link",
    ),
    "the ledger row typed by hand for one detection (detection)": (
        r"FROM interactions\s+WHERE interactions\.contact_id = .* interactions\.link = ",
        None,
    ),
    "a feed's stored entries (ingest)": (r"FROM entries\s+WHERE entries\.feed_id = ", None),
    "entries another feed stored with the same links (ingest)": (
        r"FROM entries\s+WHERE entries\.link IN",
        "ix_entries_link",
    ),
    "the stored detections of an entry chunk (detection)": (
        r"FROM detections\s+WHERE detections\.entry_id IN",
        None,
    ),
    "a contact by name (every write by name)": (
        r"WHERE lower\(contacts\.name\) = ",
        "ix_contacts_name_lower",
    ),
    "a contact by id (every write by id)": (r"FROM contacts\s+WHERE contacts\.id = ", None),
    "a give's ledger rows (reopening a give)": (
        r"DELETE FROM interactions WHERE interactions\.give_id = ",
        "ix_interactions_give_id",
    ),
    "a give's linked ledger rows (reopening a give)": (
        r"UPDATE interactions SET give_id=\S+ WHERE interactions\.give_id = ",
        "ix_interactions_give_id",
    ),
    "an ask's ledger rows (reopening an ask)": (
        r"DELETE FROM interactions WHERE interactions\.ask_id = ",
        "ix_interactions_ask_id",
    ),
}

#: What a foreign key's ON DELETE SET NULL runs inside the database (no statement to
#: record): deleting a request, a ledger row or a feed's entries must not scan a big table.
FOREIGN_KEY_ACTIONS = {
    "a request's ledger rows (deleting a request)": (
        "UPDATE interactions SET request_id = NULL WHERE request_id = 1",
        "ix_interactions_request_id",
    ),
    "a ledger row's detections (deleting a ledger row)": (
        "UPDATE detections SET interaction_id = NULL WHERE interaction_id = 1",
        "ix_detections_interaction_id",
    ),
    "the duplicates of an entry (removing a feed)": (
        "UPDATE entries SET duplicate_of_id = NULL WHERE duplicate_of_id = 1",
        "ix_entries_duplicate_of_id",
    ),
}


def _plan(conn: Connection, sql: str, params: Any) -> str:
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).all()
        return "\n".join(str(r[-1]) for r in rows)
    (document,) = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}", params).one()
    return "\n".join(_pg_lines(document[0]["Plan"]))


def _pg_lines(node: dict[str, Any]) -> Iterator[str]:
    """One line a plan node: its type, index, table and index condition."""
    yield " ".join(
        str(node.get(key, ""))
        for key in ("Node Type", "Index Name", "Relation Name", "Index Cond", "Recheck Cond")
    )
    for child in node.get("Plans", ()):
        yield from _pg_lines(child)


def _scans(conn: Connection, plan: str) -> list[str]:
    """The lines of ``plan`` that read a big table without an index: on PostgreSQL also an
    index scan with no condition (it reads the whole table in the index's order)."""
    tables = "|".join(BIG_TABLES)
    if conn.dialect.name == "sqlite":
        pattern = rf"\bSCAN ({tables})\b"
    else:
        pattern = rf"^(Seq Scan|(Index|Index Only) Scan \S*)\s+({tables})\s*$"
    return [line for line in plan.splitlines() if re.search(pattern, line)]


@contextmanager
def explaining(ws: Workspace) -> Iterator[Connection]:
    """A connection to explain on (rolled back). PostgreSQL plans by statistics: it gets a
    ledger of 5,000 imported rows (no entry, each its own link) and the statistics autovacuum
    would keep, so that it can tell that "entry_id IS NULL" matches most ledger rows, and is
    told to use any index it has (a scan of a tiny table would be its honest choice)."""
    with ws.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(
                "INSERT INTO interactions (direction, kind, occurred_on, magnitude, source,"
                " title, link, note, base, growth, quarter, created_at)"
                " SELECT 'gave', 'share', DATE '2026-01-01', 1, 'import', '',"
                " 'https://bulk.example/' || g, '', 0, 0, 0, now()"
                " FROM generate_series(1, 5000) AS g"
            )
            conn.exec_driver_sql(
                "INSERT INTO entries (feed_id, guid, link, title, authors, summary_text,"
                " content_text, links, anchors, categories, enclosure_url, enclosure_type,"
                " itunes, people, content_hash, first_seen_at, updated_at)"
                " SELECT (SELECT min(id) FROM feeds), 'bulk-' || g, 'https://bulk.example/' || g,"
                " '', '[]', '', '', '[]', '[]', '[]', '', '', '{}', '[]', '', now(), now()"
                " FROM generate_series(1, 5000) AS g"
            )
            conn.exec_driver_sql("ANALYZE")
            conn.exec_driver_sql("SET enable_seqscan = off")
        yield conn
        conn.rollback()


def _check(conn: Connection, label: str, sql: str, params: Any, index: str | None) -> None:
    plan = _plan(conn, sql, params)
    assert not _scans(conn, plan), f"{label} scans a big table:\n{sql}\n{plan}"
    assert index is None or re.search(rf"\b{index}\b", plan), f"{label} skips {index}:\n{plan}"
    if conn.dialect.name == "sqlite":
        assert re.search(r"USING (COVERING )?INDEX|INTEGER PRIMARY KEY", plan), plan
    else:
        assert re.search(r"^(Index Scan|Index Only Scan|Bitmap Index Scan) ", plan, re.M), plan


def test_the_lookups_of_ingest_detection_and_writes_by_name_use_indexes(
    ws: Workspace, tmp_path: Path
) -> None:
    seen = _workspace_at_work(ws, tmp_path)
    with explaining(ws) as conn:
        for label, (shape, index) in LOOKUPS.items():
            matching = [(sql, p) for sql, p in seen if re.search(shape, sql, re.S)]
            assert matching, f"no statement looks like {label!r} any more: update LOOKUPS"
            for sql, params in matching:
                _check(conn, label, sql, params, index)
        for label, (sql, index) in FOREIGN_KEY_ACTIONS.items():
            _check(conn, label, sql, None, index)


def test_a_write_by_name_runs_a_few_small_statements(ws: Workspace) -> None:
    """Adding a give, an ask, a request or a ledger row by name reads the one contact,
    not every contact: the statement count does not grow with the contacts."""
    counts = []
    for extra in (0, 40):
        for i in range(extra):
            contacts.add(ws, ContactInput(name=f"Someone {len(counts)} {i}", aliases="x"))
        with recorded(ws) as seen:
            contacts.add(ws, ContactInput(name=f"Target {extra}", aliases=f"T{extra}"))
            gives.add(ws, GiveInput(kind="intro", contact=f"target {extra}"))
            asks.add(ws, AskInput(kind="intro", contact=f"Target {extra}"))
            help_requests.add(ws, RequestInput(contact=f"t{extra}", kind="intro"))
            ledger.add(ws, LedgerInput(f"Target {extra}", "gave", "share", ws.today()))
        reads = [sql for sql, _ in seen if sql.lstrip().upper().startswith("SELECT")]
        assert not any(
            re.search(r"FROM contacts\s*$", sql) or "FROM contacts ORDER BY" in sql for sql in reads
        ), reads
        counts.append(len(seen))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 40, counts
