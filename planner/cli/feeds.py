"""planner feeds add | add-file | upload | edit | list | remove | import-opml | export-opml |
show | host | kind; planner ingest."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from planner.cli.common import read_file, workspace, write_bytes, write_csv

if TYPE_CHECKING:
    from planner.services.ingest import FeedOutcome, IngestSummary


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("feeds", help="manage blog and podcast feeds")
    fsub = group.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)

    owner_help = "me, industry, or a contact's name (default: industry)"
    p = fsub.add_parser("add", help="add a feed URL (http or https)")
    p.add_argument("url")
    p.add_argument(
        "--kind",
        choices=["blog", "podcast"],
        help="default: guessed from the feed (enclosures/iTunes tags → podcast)",
    )
    p.add_argument("--owner", default="industry", help=owner_help)
    p.add_argument("--no-fetch", action="store_true", help="store it without fetching now")
    p.add_argument(
        "--allow-private",
        action="store_true",
        help="allow a private/loopback address (a self-hosted feed) for this add and its "
        "first fetch; later refreshes follow the setting or 'planner ingest --allow-private'",
    )
    p.set_defaults(handler=_add)

    p = fsub.add_parser("add-file", help="add feeds saved on disk (read now and on refresh)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--kind", choices=["blog", "podcast"])
    p.add_argument("--owner", default="industry", help=owner_help)
    p.set_defaults(handler=_add_file)

    p = fsub.add_parser(
        "upload",
        help="read a feed file once, as the Feeds page's upload does: a file read before "
        "(same content, or same file name) is read again into its feed, never a new one",
    )
    p.add_argument("path", metavar="PATH")
    p.add_argument("--into", type=int, metavar="ID", help="read it into this uploaded feed")
    p.add_argument("--kind", choices=["blog", "podcast"])
    p.add_argument("--owner", default="industry", help=owner_help)
    p.set_defaults(handler=_upload)

    p = fsub.add_parser("edit", help="change a feed's title, kind or owner")
    p.add_argument("id", type=int)
    p.add_argument("--title")
    p.add_argument("--kind", choices=["blog", "podcast"])
    p.add_argument("--owner", help="me, industry, or a contact's name")
    p.set_defaults(handler=_edit)

    p = fsub.add_parser("list", help="list feeds as CSV")
    p.add_argument("--out")
    p.set_defaults(handler=_list)

    p = fsub.add_parser("remove", help="remove a feed and its entries (the ledger stays)")
    p.add_argument("id", type=int)
    p.set_defaults(handler=_remove)

    p = fsub.add_parser("import-opml", help="add the feeds of an OPML file")
    p.add_argument("file")
    p.add_argument("--owner", default="industry", help=owner_help)
    p.set_defaults(handler=_import_opml)

    p = fsub.add_parser("export-opml", help="write the feed list as OPML 2.0")
    p.add_argument("--out")
    p.set_defaults(handler=_export_opml)

    p = fsub.add_parser("show", help="what a podcast feed's show profile says, in words")
    p.add_argument("id", type=int)
    p.set_defaults(handler=_show)

    p = fsub.add_parser(
        "host", help="mark a name as a host of a podcast (or, with --not, as not a host)"
    )
    p.add_argument("id", type=int)
    p.add_argument("name")
    p.add_argument("--not", dest="not_host", action="store_true", help="the name is no host")
    p.set_defaults(handler=_host)

    p = fsub.add_parser("kind", help="say a podcast is an interview or a solo show")
    p.add_argument("id", type=int)
    p.add_argument(
        "show_kind",
        choices=list(SHOW_KINDS),
        metavar="{interview,solo,learned}",
        help="learned: as its episodes say (forget a correction)",
    )
    p.set_defaults(handler=_kind)

    p = sub.add_parser("ingest", help="refresh all feeds (or one) and detect who is in them")
    p.add_argument("--feed", type=int, help="only this feed id")
    p.add_argument(
        "--allow-private",
        action="store_true",
        help="allow private/loopback addresses (self-hosted feeds, tests)",
    )
    p.add_argument("--force", action="store_true", help="ignore the backoff after errors")
    p.set_defaults(handler=_ingest)


#: --show-kind's words: a kind of show (planner.domain.show_profile.ShowKind), or
#: "learned" to let the episodes tell again.
SHOW_KINDS = ("interview", "solo", "learned")


def _progress(done: int, total: int, outcome: FeedOutcome) -> None:
    if not sys.stderr.isatty():
        return
    width = 30
    filled = int(width * done / max(total, 1))
    bar = "#" * filled + "-" * (width - filled)
    sys.stderr.write(f"\r[{bar}] {done}/{total} {outcome.status:<9} {outcome.url[:40]:<40}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _print_summary(summary: IngestSummary) -> None:
    print(summary.describe())
    for failure in summary.failures:
        print(f"  failed: feed {failure.feed_id} {failure.url}: {failure.message}")
    for outcome in summary.outcomes:
        if outcome.status == "fetched" and outcome.message:
            print(f"  {outcome.url}: {outcome.message}")


def _add(args: argparse.Namespace) -> int:
    from planner.services import feeds, ingest

    ws = workspace(args)
    try:
        feed_id = feeds.add_feed(
            ws,
            args.url,
            kind=args.kind,
            owner=args.owner,
            vet_address=True,
            allow_private=args.allow_private or None,
        )
    except feeds.FeedAddressRefused as error:
        if not error.private:
            raise
        # Refused by a setting the user controls: say how to allow it from here (exit 2).
        raise feeds.FeedAddressRefused(
            f"{error}. If it is your self-hosted feed, add it with "
            f"'planner feeds add --allow-private {args.url}'",
            private=True,
        ) from None
    print(f"added feed {feed_id}: {args.url}")
    if not args.no_fetch:
        _print_summary(
            ingest.refresh(ws, feed_ids=[feed_id], allow_private=args.allow_private or None)
        )
    return 0


def _add_file(args: argparse.Namespace) -> int:
    from planner.services import feeds, ingest

    ws = workspace(args)
    ids = []
    for path in args.paths:
        feed_id = feeds.add_file(ws, path, kind=args.kind, owner=args.owner)
        ids.append(feed_id)
        print(f"added feed {feed_id}: {path}")
    _print_summary(ingest.refresh(ws, feed_ids=ids))
    return 0


def _upload(args: argparse.Namespace) -> int:
    from pathlib import Path

    from planner.services.feed_uploads import read_upload

    ws = workspace(args)
    data = read_file(args.path)
    outcome = read_upload(
        ws, Path(args.path).name, data, into=args.into, kind=args.kind, owner=args.owner
    )
    if outcome.status == "failed":
        print(f"planner: error: {args.path}: {outcome.message}", file=sys.stderr)
        return 2
    print(
        f"read into feed {outcome.feed_id}: {outcome.status}, {outcome.new} new and "
        f"{outcome.updated} updated entries"
    )
    if outcome.message:
        print(f"  {outcome.message}")
    return 0


def _edit(args: argparse.Namespace) -> int:
    from planner.services import feeds

    ws = workspace(args)
    feeds.update_feed(ws, args.id, kind=args.kind, owner=args.owner, title=args.title)
    info = next(f for f in feeds.list_feeds(ws) if f.id == args.id)
    print(
        f"feed {info.id}: {info.title or info.url} ({info.kind}, {info.owner_name or info.owner})"
    )
    return 0


def _list(args: argparse.Namespace) -> int:
    from planner.services import feeds

    write_csv(feeds.feeds_frame(workspace(args)), args.out)
    return 0


def _remove(args: argparse.Namespace) -> int:
    from planner.services import feeds

    url = feeds.remove_feed(workspace(args), args.id)
    print(f"removed feed {args.id}: {url}")
    return 0


def _import_opml(args: argparse.Namespace) -> int:
    from planner.services import feeds

    result = feeds.import_opml(workspace(args), read_file(args.file), owner=args.owner)
    print(result.describe())
    return 0


def _export_opml(args: argparse.Namespace) -> int:
    from planner.services import feeds

    write_bytes(feeds.export_opml(workspace(args)), args.out)
    return 0


def _show(args: argparse.Namespace) -> int:
    from planner.services import shows

    print(shows.describe(workspace(args), args.id))
    return 0


def _host(args: argparse.Namespace) -> int:
    from planner.services import shows

    change = shows.mark_host(workspace(args), args.id, args.name, not args.not_host)
    print(change.describe())
    return 0


def _kind(args: argparse.Namespace) -> int:
    from planner.domain.show_profile import ShowKind
    from planner.services import shows

    kind = None if args.show_kind == "learned" else ShowKind(args.show_kind)
    change = shows.set_kind(workspace(args), args.id, kind)
    print(change.describe())
    return 0


def _ingest(args: argparse.Namespace) -> int:
    from planner.services import ingest

    ws = workspace(args)
    summary = ingest.refresh(
        ws,
        feed_ids=[args.feed] if args.feed else None,
        allow_private=args.allow_private or None,
        force=args.force,
        on_progress=_progress,
    )
    _print_summary(summary)
    return 0
