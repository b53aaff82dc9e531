"""Detection inside ingest: what the hook adds to storing a feed, with many contacts.

A SQLite workspace with ``contacts`` generated contacts (see bench_detection) reads one
generated blog/podcast feed of ``entries`` entries naming, aliasing, @-mentioning and
linking them, once with the detection hook and once without (same bytes, fresh database
each), in the same run. Reported:

* ``ingest_without_s`` / ``ingest_with_s``: the whole ``ingest.refresh`` (parse, store,
  and with the hook: detect, store detections and their ledger rows);
* ``detect_ms_per_entry``: the difference per entry;
* ``index_build_s`` / ``index_cached_s``: building the index for the contact list, and
  getting it again (cached by version);
* ``rescan_s``: ``detections.rescan`` over every entry (nothing changes: no writes);
* counts of detections (auto / pending) and ledger rows created.

Run: ``.venv/bin/python -m benchmarks.bench_detect_ingest [ENTRIES] [CONTACTS]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from sqlalchemy import func, insert, select

from benchmarks.bench_detection import make_contacts, make_entries
from benchmarks.rows import contact_row
from planner.domain.entry import ParsedEntry
from planner.services import Workspace, detections, feeds, ingest, open_workspace
from planner.storage.schema import ContactRow, DetectionRow, InteractionRow, ProfileRow

PODCAST_NS = "https://podcastindex.org/namespace/1.0"


def feed_xml(entries: Sequence[ParsedEntry]) -> bytes:
    """An RSS 2.0 feed of the generated entries (text as paragraphs, links as anchors)."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    items = []
    for i, e in enumerate(entries):
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in e.content_text.split("\n"))
        anchors = "".join(f"<a href={quoteattr(h)}>{escape(t)}</a> " for t, h in e.anchors)
        people = "".join(
            f'<podcast:person role="{p.role}">{escape(p.name)}</podcast:person>' for p in e.people
        )
        items.append(
            f"<item><title>{escape(e.title)}</title><guid>{escape(e.guid)}</guid>"
            f"<link>https://me.example/p/{i}</link>"
            f"<pubDate>{format_datetime(start + timedelta(hours=i))}</pubDate>"
            f"<description>{escape(paragraphs + '<p>' + anchors + '</p>')}</description>"
            f"{people}</item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:podcast="{PODCAST_NS}">'
        f"<channel><title>Bench</title><link>https://me.example/</link>"
        f"<description>bench</description>{''.join(items)}</channel></rss>"
    ).encode()


def _workspace(directory: Path, name: str, n_contacts: int) -> Workspace:
    ws = open_workspace(f"sqlite:///{directory / name}")
    now = datetime(2026, 11, 25)
    rows = [
        contact_row(c.name, now=now, domains=c.domains, aliases=c.aliases, handles=c.handles)
        for c in make_contacts(n_contacts)
    ]
    with ws.write() as s:
        s.add(ProfileRow(id=1, name="Bench Me", domains=["me.example"], reach=10_000))
        s.execute(insert(ContactRow), rows)
    return ws


def run(n_entries: int = 2_000, n_contacts: int = 10_000) -> dict[str, float]:
    contacts = make_contacts(n_contacts)
    body = feed_xml(make_entries(n_entries, contacts[:100]))
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        path = directory / "feed.xml"
        path.write_bytes(body)
        for label, enabled in (("without", False), ("with", True)):
            ws = _workspace(directory, f"{label}.db", n_contacts)
            feeds.add_file(ws, path, kind="podcast", owner="me")
            hooks = list(ws.entry_hooks)
            if enabled:
                detections.clear_index_cache(ws)
                with ws.read() as s:
                    started = time.perf_counter()
                    detections.index_for(ws, s)
                    out["index_build_s"] = time.perf_counter() - started
                    started = time.perf_counter()
                    detections.index_for(ws, s)
                    out["index_cached_s"] = time.perf_counter() - started
            ws.entry_hooks[:] = hooks if enabled else []
            try:
                started = time.perf_counter()
                summary = ingest.refresh(ws)
                out[f"ingest_{label}_s"] = time.perf_counter() - started
            finally:
                ws.entry_hooks[:] = hooks
            assert summary.new_entries == n_entries, summary.describe()
            if enabled:
                started = time.perf_counter()
                detections.rescan(ws)
                out["rescan_s"] = time.perf_counter() - started
                totals = detections.counts(ws)
                out["auto"] = totals.auto
                out["pending"] = totals.pending
                with ws.read() as s:
                    out["detections"] = s.scalar(select(func.count()).select_from(DetectionRow))
                    out["ledger_rows"] = s.scalar(select(func.count()).select_from(InteractionRow))
            ws.engine.dispose()
    out["detect_ms_per_entry"] = (
        (out["ingest_with_s"] - out["ingest_without_s"]) / n_entries * 1000.0
    )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    n_entries = int(args[0]) if args else 2_000
    n_contacts = int(args[1]) if len(args) > 1 else 10_000
    result = run(n_entries, n_contacts)
    print(f"detection in ingest: {n_entries} entries, {n_contacts} contacts (SQLite)")
    for key, value in result.items():
        shown = f"{value:.3f}" if isinstance(value, float) and value % 1 else f"{int(value)}"
        print(f"  {key:22} {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
