"""planner export TABLE."""

from __future__ import annotations

import argparse

from planner.cli.common import iso_date, workspace, write_csv


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("export", help="write a table or computed view as CSV")
    # the names are not listed here: they live in planner.services.exports (pandas and
    # every table's service), which only this command's handler loads
    p.add_argument(
        "table",
        help="a table's name: balances, contacts, ledger, next_moves … "
        "(an unknown name lists them all)",
    )
    p.add_argument("--as-of", type=iso_date, help="compute values as of YYYY-MM-DD (default today)")
    p.add_argument("--feed", type=int, help="entries: only this feed's")
    p.add_argument("--out", help="file to write (default: stdout)")
    p.add_argument("--bom", action="store_true", help="start with a UTF-8 BOM (for Excel)")
    p.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    from planner.services import exports

    ws = workspace(args)
    options = {"as_of": args.as_of}
    if args.feed is not None:
        options["feed_id"] = args.feed
    frame = exports.export_frame(ws, args.table, **options)
    write_csv(frame, args.out, bom=args.bom)
    return 0
