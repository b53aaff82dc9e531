"""Detection inside ingest: what the hook adds to storing a feed, with many contacts.

A SQLite workspace with ``contacts`` generated contacts (see bench_detection) reads one
generated blog/podcast feed of ``entries`` entries naming, aliasing, @-mentioning and
linking them, once with the detection hook and once without (same bytes, fresh database
each), after a warm-up ingest. ``ROUNDS`` rounds alternate the two sides (with first in
even rounds, without first in odd ones), so a change of machine load hits both. Reported:

* the whole ``ingest.refresh`` (parse, store, and with the hook: detect, store detections
  and their ledger rows) of every round, with and without detection, and their min and
  median;
* detection's share of the ingest ((with − without) / with) and its ms per entry, from
  the mins and from the medians, and the median of each round's own share, each beside
  the goal (≤ 10 %, issue 11) and whether it is met;
* ``index_build_s`` / ``index_cached_s``: building the index for the contact list, and
  getting it again (cached by version);
* ``rescan_s``: ``detections.rescan`` over every entry (nothing changes: no writes);
* counts of detections (auto / pending) and ledger rows created.

Run: ``.venv/bin/python -m benchmarks.bench_detect_ingest [ENTRIES] [CONTACTS] [ROUNDS]``.
"""

from __future__ import annotations

import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
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


#: Detection's share of the whole ingest (issue 11): (with − without) / with ≤ this.
GOAL_SHARE = 0.10


def _ingest_once(
    directory: Path, name: str, path: Path, n_contacts: int, n_entries: int, *, detect: bool
) -> tuple[float, Workspace]:
    """One fresh workspace ingesting the feed file, with the detection hook or without.

    With it, the index is built first (untimed: a running app builds it once per version
    of the contact list, not per feed)."""
    ws = _workspace(directory, name, n_contacts)
    feeds.add_file(ws, path, kind="podcast", owner="me")
    hooks = list(ws.entry_hooks)
    if detect:
        with ws.read() as s:
            detections.index_for(ws, s)
    ws.entry_hooks[:] = hooks if detect else []
    try:
        gc.collect()
        started = time.perf_counter()
        summary = ingest.refresh(ws)
        elapsed = time.perf_counter() - started
    finally:
        ws.entry_hooks[:] = hooks
    assert summary.new_entries == n_entries, summary.describe()
    return elapsed, ws


def _index_and_counts(ws: Workspace, out: dict[str, Any]) -> None:
    detections.clear_index_cache(ws)
    with ws.read() as s:
        started = time.perf_counter()
        detections.index_for(ws, s)
        out["index_build_s"] = time.perf_counter() - started
        started = time.perf_counter()
        detections.index_for(ws, s)
        out["index_cached_s"] = time.perf_counter() - started
    started = time.perf_counter()
    detections.rescan(ws)
    out["rescan_s"] = time.perf_counter() - started
    totals = detections.counts(ws)
    out["auto"] = totals.auto
    out["pending"] = totals.pending
    with ws.read() as s:
        out["detections"] = s.scalar(select(func.count()).select_from(DetectionRow))
        out["ledger_rows"] = s.scalar(select(func.count()).select_from(InteractionRow))


def run(n_entries: int = 2_000, n_contacts: int = 10_000, rounds: int = 5) -> dict[str, Any]:
    """``rounds`` rounds, each ingesting the feed once with detection and once without, in
    alternating order (a change of machine load hits both sides); times per side."""
    contacts = make_contacts(n_contacts)
    body = feed_xml(make_entries(n_entries, contacts[:100]))
    out: dict[str, Any] = {"with": [], "without": []}
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        path = directory / "feed.xml"
        path.write_bytes(body)
        # warm-up: imports, the parse worker, the index of this contact list's shape
        warm = _ingest_once(directory, "warm.db", path, n_contacts, n_entries, detect=True)
        warm[1].engine.dispose()
        for r in range(rounds):
            order = (True, False) if r % 2 == 0 else (False, True)
            for detect in order:
                label = "with" if detect else "without"
                elapsed, ws = _ingest_once(
                    directory, f"{label}{r}.db", path, n_contacts, n_entries, detect=detect
                )
                out[label].append(elapsed)
                if detect and r == 0:
                    _index_and_counts(ws, out)
                ws.engine.dispose()
    return out


def summary(result: dict[str, Any], n_entries: int) -> dict[str, float]:
    """min and median of each side, detection's share and ms per entry from each, and the
    median of the rounds' own shares (each round's pair ran back to back)."""
    with_, without = result["with"], result["without"]
    out: dict[str, float] = {}
    for stat, pick in (("min", min), ("median", statistics.median)):
        w, wo = pick(with_), pick(without)
        out[f"with_{stat}_s"] = w
        out[f"without_{stat}_s"] = wo
        out[f"share_{stat}"] = (w - wo) / w
        out[f"detect_ms_per_entry_{stat}"] = (w - wo) / n_entries * 1000.0
    out["share_paired_median"] = statistics.median(
        (w - wo) / w for w, wo in zip(with_, without, strict=True)
    )
    return out


def verdict(share: float) -> str:
    """The goal beside a share, met or not."""
    return f"(goal ≤ {GOAL_SHARE:.0%}: {'met' if share <= GOAL_SHARE else 'NOT met'})"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    n_entries = int(args[0]) if args else 2_000
    n_contacts = int(args[1]) if len(args) > 1 else 10_000
    rounds = int(args[2]) if len(args) > 2 else 5
    result = run(n_entries, n_contacts, rounds)
    stats = summary(result, n_entries)
    print(
        f"detection in ingest: {n_entries} entries, {n_contacts} contacts (SQLite), "
        f"{rounds} alternated rounds"
    )
    for label in ("with", "without"):
        print(f"  ingest {label:8} " + " ".join(f"{t:.3f}" for t in result[label]) + " s")
    for stat in ("min", "median"):
        print(
            f"  {stat:6} with {stats[f'with_{stat}_s']:.3f} s, without "
            f"{stats[f'without_{stat}_s']:.3f} s, detection "
            f"{stats[f'detect_ms_per_entry_{stat}']:.3f} ms/entry, share "
            f"{stats[f'share_{stat}']:.1%} {verdict(stats[f'share_{stat}'])}"
        )
    paired = stats["share_paired_median"]
    print(f"  median of the rounds' shares {paired:.1%} {verdict(paired)}")
    for key, value in result.items():
        if key in ("with", "without"):
            continue
        shown = f"{value:.3f}" if isinstance(value, float) and value % 1 else f"{int(value)}"
        print(f"  {key:22} {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
