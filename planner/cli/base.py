"""planner init, planner demo, planner check."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from planner.cli.common import workspace
from planner.errors import InvalidInput

if TYPE_CHECKING:
    from planner.services.workspace import Workspace


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", help="create or migrate the database")
    p.add_argument(
        "--demo-if-empty",
        action="store_true",
        help="load the demo workspace when the database holds no contacts",
    )
    p.set_defaults(handler=_init)
    p = sub.add_parser(
        "demo", help="load the demo workspace (into an empty database), or remove it"
    )
    p.add_argument("--reset", action="store_true", help="delete everything in the database first")
    p.add_argument(
        "--remove",
        action="store_true",
        help="remove the demo: every record it brought; what you added stays",
    )
    p.add_argument(
        "--everything",
        action="store_true",
        help="with --remove: also remove what you added (empties the database)",
    )
    p.set_defaults(handler=_demo)
    p = sub.add_parser(
        "check",
        help="check the database file (SQLite: every page, and rows pointing at nothing); "
        "exits 1 when it finds a problem",
    )
    p.set_defaults(handler=_check)


def _init(args: argparse.Namespace) -> int:
    from planner.services import demo

    ws = workspace(args)
    url = ws.engine.url.render_as_string(hide_password=True)
    # workspace() has migrated under the setup lock; load_if_empty decides emptiness under
    # it too, so the app and cron starting together on a new database load the demo once.
    stats = demo.load_if_empty(ws) if args.demo_if_empty else None
    if stats is not None:
        print(f"database ready at {url}; demo workspace loaded ({stats})")
        _read_demo_feeds(ws)
    else:
        print(f"database ready at {url}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from planner.services import demo

    ws = workspace(args)
    if args.everything and not args.remove:
        raise InvalidInput("--everything goes with --remove")
    if args.remove:
        print(demo.remove(ws, keep_mine=not args.everything))
        return 0
    stats = demo.load(ws, reset=args.reset)
    print(f"demo workspace loaded ({stats})")
    _read_demo_feeds(ws)
    return 0


def _check(args: argparse.Namespace) -> int:
    """The full integrity check, whatever the open markers say (other commands run it
    only after a session that did not end cleanly)."""
    ws = workspace(args, check=True)  # prints each problem as a warning on stderr
    if ws.problems:
        print(f"database check: {len(ws.problems)} problem(s) found", file=sys.stderr)
        return 1
    print("database check: ok")
    return 0


def _read_demo_feeds(ws: Workspace) -> None:
    """Read the demo's feeds (files under data/demo/feeds) so the ledger is filled from
    them and the review queue has its doubtful cases, as a newcomer's first refresh would."""
    from planner.services import detections, ingest

    summary = ingest.refresh(ws)
    print(f"demo feeds read: {summary.describe()}")
    print(detections.counts(ws).describe())
