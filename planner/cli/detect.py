"""planner detect: find contacts (and me) in the stored feed entries."""

from __future__ import annotations

import argparse

from planner.cli.common import workspace


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "detect",
        help="detect contacts in stored feed entries (new entries only, or --rescan all)",
    )
    p.add_argument(
        "--rescan",
        action="store_true",
        help="re-run detection over every stored entry (after contacts changed); "
        "dismissed and confirmed detections keep their status",
    )
    p.add_argument("--feed", type=int, action="append", help="only this feed id (repeatable)")
    p.set_defaults(handler=_detect)


def _detect(args: argparse.Namespace) -> int:
    from planner.services import detections

    ws = workspace(args)
    stats = detections.rescan(ws, only_new=not args.rescan, feed_ids=args.feed)
    print(stats.describe())
    print(detections.counts(ws).describe())
    return 0
