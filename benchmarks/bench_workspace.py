"""A workspace of a working life's scale (issue 11), and ingest into it vs into an empty one.

The seeded generator (``random.Random(7)``) builds, once, into ``benchmarks/.work/``:

* ``…-pre.db``: 10,000 contacts (every 5th with an e-mail and a domain, every 7th with a
  handle), 1,000,000 ledger rows over three years before :data:`AS_OF` (the contacts and
  rows are exactly those of :mod:`benchmarks.bench_balances`, same seed, same order), 200
  asks and 500 planned gives around :data:`AS_OF`, my profile (``Pat Planner``,
  ``patplanner.example``);
* ``…-empty.db``: the same contacts and profile and nothing else (no ledger, no asks, no
  gives): the "empty workspace" the ingest ratio compares against;
* ``…-full.db``: the pre-ingest database plus 200 generated feeds (a third podcasts, the
  rest blogs; mine, contacts' and the industry's; 22 entries each, 4,400 in all, each
  naming contacts by name, by a link to their domain or as a podcast guest, some naming
  me) ingested through ``planner.services.ingest.refresh`` from a server on 127.0.0.1: the
  workspace :mod:`benchmarks.bench_pages` and :mod:`benchmarks.bench_cli` run against.

The file names carry :data:`GENERATOR_VERSION` and the size, so reruns reuse them (delete
``benchmarks/.work/workspace-*`` or bump the version after changing the generator). Each
is built into a ``.tmp`` file and renamed when complete.

Run as a benchmark (``python -m benchmarks.bench_workspace [--rounds N]``) it measures the
ingest of the 200 feeds into a copy of ``…-pre.db`` vs into a copy of ``…-empty.db``,
alternating in one process (the parse worker started once before, by a warm-up ingest),
and reports min and median of the rounds. Goal: big / empty ≤ 1.2.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

WORK = Path(__file__).resolve().parent / ".work"
#: Bump after any change to what the generator writes: the cached databases are renamed.
GENERATOR_VERSION = 1
#: "Today" for the whole workspace: the pages and the CLI run with $PLANNER_CLOCK set to it.
AS_OF = date(2026, 11, 1)
CLOCK_ENV_VALUE = AS_OF.isoformat()
NOW = datetime(2026, 11, 1)
ME = "Pat Planner"
MY_DOMAIN = "patplanner.example"
MY_REACH = 20_000
GOAL_INGEST_RATIO = 1.2


@dataclass(frozen=True)
class Size:
    contacts: int = 10_000
    rows: int = 1_000_000
    asks: int = 200
    gives: int = 500
    feeds: int = 200
    entries_per_feed: int = 22

    @property
    def tag(self) -> str:
        return (
            f"{self.contacts}c-{self.rows}r-{self.asks}a-{self.gives}g-"
            f"{self.feeds}f{self.entries_per_feed}e"
        )


FULL = Size()


def contact_name(i: int) -> str:
    """The name of contact number ``i`` (0-based; its id is ``i + 1``)."""
    return f"Contact {i:05d}"


def contact_domain(i: int) -> str | None:
    return f"contact{i:05d}.example" if i % 5 == 0 else None


def _identity(i: int) -> dict[str, Any]:
    domain = contact_domain(i)
    return {
        "email": f"hello@{domain}" if domain else "",
        "domains": [domain] if domain else [],
        "handles": [f"@contact{i:05d}"] if i % 7 == 0 else [],
    }


def insert_contacts_and_ledger(
    ws: Any,
    rng: random.Random,
    *,
    contacts: int,
    rows: int,
    identities: bool = False,
    ledger: bool = True,
    batch_size: int = 50_000,
) -> None:
    """``contacts`` contacts (``Contact 00000`` …, random reach) and ``rows`` ledger rows
    over the three years before :data:`AS_OF`, inserted in bulk. The random draws do not
    depend on ``identities`` (e-mails, domains, handles, derived from the index) nor on
    ``ledger`` (False draws the same numbers and writes no rows), so every caller with the
    same seed gets the same contacts and rows."""
    from sqlalchemy import insert

    from planner.domain import goodwill
    from planner.domain.model import Direction, Kind, Settings
    from planner.services.valuation import base_of
    from planner.storage.schema import ContactRow, InteractionRow

    settings = Settings()
    kinds = [k.value for k in Kind]
    contact_rows = []
    for i in range(contacts):
        row: dict[str, Any] = {
            "name": contact_name(i),
            "aliases": [],
            "email": "",
            "domains": [],
            "handles": [],
            "tags": [],
            "tier": "network",
            "reach": rng.randint(100, 200_000),
            "notes": "",
            "archived": False,
            "created_at": NOW,
            "updated_at": NOW,
        }
        if identities:
            row.update(_identity(i))
        contact_rows.append(row)
    with ws.write() as s:
        s.execute(insert(ContactRow), contact_rows)
    with ws.read() as s:
        reach = dict(
            s.execute(
                ContactRow.__table__.select().with_only_columns(ContactRow.id, ContactRow.reach)
            ).all()
        )
    if not ledger:
        return
    start = AS_OF - timedelta(days=3 * 365)
    batch: list[dict[str, object]] = []
    for n in range(rows):
        cid = rng.randint(1, contacts)
        direction = Direction.GAVE if rng.random() < 0.6 else Direction.RECEIVED
        kind = rng.choice(kinds)
        day = start + timedelta(days=rng.randint(0, 3 * 365 + 30))
        base = base_of(
            kind=kind,
            direction=direction,
            magnitude=1.0,
            my_reach=MY_REACH,
            their_reach=reach[cid],
            settings=settings,
        )
        batch.append(
            {
                "contact_id": cid,
                "direction": direction.value,
                "kind": kind,
                "occurred_on": day,
                "magnitude": 1.0,
                "source": "import",
                "title": "",
                "link": "",
                "note": "",
                "base": base,
                "growth": goodwill.growth(base, day, settings.half_life_days),
                "quarter": goodwill.quarter_index(day),
                "created_at": NOW,
            }
        )
        if len(batch) == batch_size or n == rows - 1:
            with ws.write() as s:
                s.execute(insert(InteractionRow), batch)
            batch = []


def _insert_profile(ws: Any) -> None:
    from planner.storage.schema import ProfileRow

    with ws.write() as s:
        s.add(
            ProfileRow(
                id=1,
                name=ME,
                brand="Give First",
                email=f"pat@{MY_DOMAIN}",
                domains=[MY_DOMAIN],
                handles=["@patplanner"],
                aliases=[],
                reach=MY_REACH,
            )
        )


def _insert_plans(ws: Any, rng: random.Random, size: Size) -> None:
    """``size.asks`` asks and ``size.gives`` planned gives spread around :data:`AS_OF`."""
    from sqlalchemy import insert

    from planner.domain.model import AUDIENCE_ASK_KINDS, AskStatus, GiveStatus, Kind, Settings
    from planner.storage.schema import AskRow, PlannedGiveRow

    settings = Settings()
    kinds = sorted(k.value for k in Kind)
    audience_kinds = sorted(k.value for k in AUDIENCE_ASK_KINDS)
    ask_statuses = [AskStatus.IDEA, AskStatus.PLANNED, AskStatus.SENT, AskStatus.ACCEPTED]
    asks = []
    for n in range(size.asks):
        audience = n % 10 == 0
        kind = rng.choice(audience_kinds if audience else kinds)
        status = rng.choices([*ask_statuses, AskStatus.DECLINED], [3, 5, 2, 1, 1])[0]
        asks.append(
            {
                "contact_id": None if audience else rng.randint(1, size.contacts),
                "kind": kind,
                "cost": settings.ask_cost(kind),
                "target_date": AS_OF + timedelta(days=rng.randint(-30, 120)),
                "priority": rng.choice([1, 2, 2, 3]),
                "status": status.value,
                "title": f"Ask {n}: {kind.replace('_', ' ')}",
                "note": "",
                "sent_on": AS_OF - timedelta(days=rng.randint(1, 40))
                if status in (AskStatus.SENT, AskStatus.ACCEPTED)
                else None,
                "created_at": NOW - timedelta(days=rng.randint(1, 200)),
            }
        )
    gives = []
    for n in range(size.gives):
        kind = rng.choice(kinds)
        give_status = rng.choices(
            [GiveStatus.IDEA, GiveStatus.PLANNED, GiveStatus.DROPPED], [3, 6, 1]
        )[0]
        gives.append(
            {
                "contact_id": rng.randint(1, size.contacts),
                "kind": kind,
                "title": f"Give {n}: {kind.replace('_', ' ')}",
                "due_date": AS_OF + timedelta(days=rng.randint(-21, 90))
                if give_status is not GiveStatus.IDEA or rng.random() < 0.5
                else None,
                "channel": rng.choice(["", "blog", "podcast", "newsletter", "social"]),
                "status": give_status.value,
                "note": "",
                "ask_id": rng.randint(1, size.asks) if size.asks and rng.random() < 0.2 else None,
                "created_at": NOW - timedelta(days=rng.randint(1, 200)),
            }
        )
    with ws.write() as s:
        if asks:
            s.execute(insert(AskRow), asks)
        if gives:
            s.execute(insert(PlannedGiveRow), gives)


# --- feeds --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedSpec:
    name: str
    kind: str  # blog or podcast
    owner: str  # "me", "industry" or a contact's name
    body: bytes


def _pick_contact(rng: random.Random, size: Size) -> int:
    return rng.randrange(size.contacts)


def _blog_item(rng: random.Random, size: Size, f: int, e: int, when: datetime, me: bool) -> str:
    a, b = _pick_contact(rng, size), _pick_contact(rng, size)
    domain = contact_domain(a) or f"site{a:05d}.example"
    thanks = f" Thanks to {ME} for the idea." if me else ""
    body = (
        f'<p>This week I talked with <a href="https://{domain}/">{contact_name(a)}</a> '
        f"about give-first marketing and reciprocity, and {contact_name(b)} "
        f"shared notes on newsletters.{thanks}</p><p>More at "
        f'<a href="https://{domain}/notes/{e}">their notes</a>.</p>'
    )
    return (
        f"<item><title>{escape(f'Interview with {contact_name(a)}')}</title>"
        f"<link>https://feed{f:03d}.example/posts/{e}</link>"
        f"<guid>https://feed{f:03d}.example/p/{e}</guid>"
        f"<pubDate>{format_datetime(when)}</pubDate>"
        f"<category>marketing</category>"
        f"<description>{escape(body)}</description></item>"
    )


def _podcast_item(rng: random.Random, size: Size, f: int, e: int, when: datetime, me: bool) -> str:
    guest = _pick_contact(rng, size)
    href = contact_domain(guest) or f"site{guest:05d}.example"
    extra = f" {ME} joins for the last segment." if me else ""
    notes = (
        f"{contact_name(guest)} joins us to talk about audience building and asking for "
        f"help without burning goodwill.{extra} Links: https://{href}/"
    )
    return (
        f"<item><title>{escape(f'Episode {e}: {contact_name(guest)} on audience building')}</title>"
        f"<link>https://feed{f:03d}.example/e/{e}</link>"
        f'<guid isPermaLink="false">feed{f:03d}-{e}</guid>'
        f"<pubDate>{format_datetime(when)}</pubDate>"
        f"<description>{escape(notes)}</description>"
        f'<enclosure url="https://cdn.example/{f}/{e}.mp3" type="audio/mpeg" length="1000"/>'
        f"<itunes:duration>0:{20 + e % 40}:00</itunes:duration>"
        f'<podcast:person role="guest" href="https://{href}/">'
        f"{escape(contact_name(guest))}</podcast:person></item>"
    )


def feed_specs(rng: random.Random, size: Size) -> list[FeedSpec]:
    """The feeds: every third a podcast; owners cycle me, a contact, a contact, industry."""
    specs = []
    for f in range(size.feeds):
        kind = "podcast" if f % 3 == 0 else "blog"
        slot = f % 4
        owner = (
            "me"
            if slot == 0
            else "industry"
            if slot == 3
            else contact_name(_pick_contact(rng, size))
        )
        host = contact_name(_pick_contact(rng, size))
        items = []
        for e in range(size.entries_per_feed):
            when = datetime(2026, 10, 31, 9, tzinfo=UTC) - timedelta(hours=rng.randint(0, 24 * 180))
            me = owner not in ("me", "industry") and rng.random() < 0.15
            item = _podcast_item if kind == "podcast" else _blog_item
            items.append(item(rng, size, f, e, when, me))
        channel = (
            f"<title>Feed {f:03d}</title><link>https://feed{f:03d}.example/</link>"
            f"<description>Feed {f:03d}</description>"
        )
        if kind == "podcast":
            channel += (
                f"<itunes:author>{escape(host)}</itunes:author>"
                f'<podcast:person role="host">{escape(host)}</podcast:person>'
            )
        body = (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
            'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
            'xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel>'
            + channel
            + "".join(items)
            + "</channel></rss>"
        ).encode()
        specs.append(FeedSpec(f"feed{f:03d}", kind, owner, body))
    return specs


@contextmanager
def serving(specs: list[FeedSpec]) -> Iterator[Any]:
    """The feeds served on 127.0.0.1 (an ephemeral port) while the block runs."""
    from benchmarks.bench_ingest import serve

    with serve({spec.name: spec.body for spec in specs}) as server:
        yield server


def add_feeds(ws: Any, server: Any, specs: list[FeedSpec]) -> None:
    from planner.services import feeds

    for spec in specs:
        feeds.add_feed(ws, server.url(spec.name), kind=spec.kind, owner=spec.owner)


def ingest_all(ws: Any) -> tuple[float, Any]:
    """Refresh every feed (127.0.0.1 allowed); returns (seconds, summary)."""
    from planner.services import ingest

    started = time.perf_counter()
    summary = ingest.refresh(ws, allow_private=True)
    return time.perf_counter() - started, summary


# --- the cached databases -----------------------------------------------------------------


def _path(size: Size, stage: str, work: Path) -> Path:
    return work / f"workspace-v{GENERATOR_VERSION}-{size.tag}-{stage}.db"


def open_at(path: Path) -> Any:
    from planner.services import open_workspace
    from planner.services.workspace import noon_utc

    return open_workspace(f"sqlite:///{path}", clock=noon_utc(AS_OF))


@contextmanager
def _building(path: Path) -> Iterator[Path]:
    """Yield a ``.tmp`` path to build into; renamed to ``path`` when the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    yield tmp
    tmp.rename(path)


def _at_head(path: Path) -> Path:
    """Migrate a database built by an older schema in place, once: the copies every
    benchmark makes then open at head, and no timed open pays for a migration."""
    _checkpointed(open_at(path))
    return path


def _checkpointed(ws: Any) -> None:
    """Close, and fold the WAL into the file, so the file alone is the database."""
    import sqlite3

    path = ws.engine.url.database
    ws.engine.dispose()
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def _specs(size: Size) -> list[FeedSpec]:
    # Its own stream, so the feeds do not depend on how many draws the database took.
    return feed_specs(random.Random(7_000 + GENERATOR_VERSION), size)


def base_dbs(size: Size = FULL, *, work: Path = WORK, log: bool = True) -> tuple[Path, Path]:
    """(pre-ingest workspace, "empty" workspace: same contacts and profile only), built once."""
    pre, empty = _path(size, "pre", work), _path(size, "empty", work)
    if not pre.exists():
        started = time.perf_counter()
        with _building(pre) as tmp:
            ws = open_at(tmp)
            rng = random.Random(7)
            _insert_profile(ws)
            insert_contacts_and_ledger(
                ws, rng, contacts=size.contacts, rows=size.rows, identities=True
            )
            _insert_plans(ws, rng, size)
            _checkpointed(ws)
        if log:
            print(f"  built {pre.name} in {time.perf_counter() - started:.1f} s", flush=True)
    if not empty.exists():
        with _building(empty) as tmp:
            ws = open_at(tmp)
            _insert_profile(ws)
            insert_contacts_and_ledger(
                ws,
                random.Random(7),
                contacts=size.contacts,
                rows=0,
                identities=True,
                ledger=False,
            )
            _checkpointed(ws)
    return _at_head(pre), _at_head(empty)


def workspace_db(size: Size = FULL, *, work: Path = WORK, log: bool = True) -> Path:
    """The whole workspace (feeds ingested), built once; callers copy it before use."""
    full = _path(size, "full", work)
    if full.exists():
        return _at_head(full)
    pre, _ = base_dbs(size, work=work, log=log)
    specs = _specs(size)
    with _building(full) as tmp:
        shutil.copyfile(pre, tmp)
        ws = open_at(tmp)
        with serving(specs) as server:
            add_feeds(ws, server, specs)
            elapsed, summary = ingest_all(ws)
        _checkpointed(ws)
        if log:
            print(
                f"  ingested the feeds into {full.name} in {elapsed:.1f} s: {summary.describe()}",
                flush=True,
            )
    return full


def copy_db(source: Path, directory: Path, name: str = "copy.db") -> Path:
    target = Path(directory) / name
    shutil.copyfile(source, target)
    return target


def counts(path: Path) -> dict[str, int]:
    """Rows per table of interest (for the smoke test and the log)."""
    import sqlite3

    con = sqlite3.connect(path)
    try:
        return {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (
                "contacts",
                "interactions",
                "asks",
                "planned_gives",
                "feeds",
                "entries",
                "detections",
                "profile",
            )
        }
    finally:
        con.close()


# --- the ingest ratio ---------------------------------------------------------------------


def ingest_ratio(size: Size = FULL, *, rounds: int = 3, work: Path = WORK) -> dict[str, Any]:
    """Ingest of the feeds into a fresh copy of the big workspace vs of the empty one,
    alternating (big first in odd rounds, empty first in even ones)."""
    from planner.feeds.isolate import shutdown_workers

    pre, empty = base_dbs(size, work=work)
    specs = _specs(size)
    times: dict[str, list[float]] = {"big": [], "empty": []}
    made: dict[str, Any] = {}
    work.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="ingest-ratio-", dir=work) as tmp,
        serving(specs) as server,
    ):
        # warm-up: starts the parse worker and imports everything, in a throwaway copy
        warm = open_at(copy_db(empty, Path(tmp), "warm.db"))
        add_feeds(warm, server, specs[:2])
        ingest_all(warm)
        warm.engine.dispose()
        for n in range(rounds):
            order = ["big", "empty"] if n % 2 == 0 else ["empty", "big"]
            for which in order:
                path = copy_db(pre if which == "big" else empty, Path(tmp), f"{which}{n}.db")
                ws = open_at(path)
                add_feeds(ws, server, specs)
                elapsed, summary = ingest_all(ws)
                times[which].append(elapsed)
                made[which] = summary.describe()
                ws.engine.dispose()
                path.unlink()
    shutdown_workers()
    ratios = [b / e for b, e in zip(times["big"], times["empty"], strict=True)]
    return {"times": times, "ratios": ratios, "summaries": made}


def _verdict(value: float, goal: float) -> str:
    return "met" if value <= goal else "NOT met"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    path = workspace_db()
    print(f"workspace: {path.name}: " + ", ".join(f"{k} {v:,}" for k, v in counts(path).items()))
    r = ingest_ratio(rounds=args.rounds)
    big, empty, ratios = r["times"]["big"], r["times"]["empty"], r["ratios"]
    print(
        f"ingest of {FULL.feeds} feeds ({FULL.feeds * FULL.entries_per_feed:,} entries) "
        f"from 127.0.0.1, {args.rounds} alternating rounds (min / median):"
    )
    print(
        f"  into the big workspace ({FULL.contacts:,} contacts, {FULL.rows:,} ledger rows, "
        f"{FULL.asks} asks, {FULL.gives} gives): {min(big):.2f} / {statistics.median(big):.2f} s"
    )
    print(
        f"  into an empty workspace (the same contacts and profile, nothing else): "
        f"{min(empty):.2f} / {statistics.median(empty):.2f} s"
    )
    print(
        f"  ratio big / empty, per round: {min(ratios):.2f} / {statistics.median(ratios):.2f} "
        f"(goal <= {GOAL_INGEST_RATIO}, judged on the min: "
        f"{_verdict(min(ratios), GOAL_INGEST_RATIO)})"
    )
    print(f"  last big ingest: {r['summaries']['big']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
