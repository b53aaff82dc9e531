"""planner ledger add | import."""

from __future__ import annotations

import argparse

from planner.cli.common import iso_date, read_file, workspace
from planner.domain.model import Direction, Kind


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("ledger", help="record goodwill given and received")
    lsub = group.add_subparsers(dest="ledger_command", metavar="ACTION", required=True)

    p = lsub.add_parser("add", help="add an interaction")
    p.add_argument("--contact", required=True, help="contact name, or 'audience'")
    p.add_argument("--direction", required=True, choices=[d.value for d in Direction])
    p.add_argument("--kind", required=True, choices=[k.value for k in Kind])
    p.add_argument("--date", required=True, type=iso_date, help="YYYY-MM-DD")
    p.add_argument("--magnitude", type=float, default=1.0)
    p.add_argument("--note", default="")
    p.add_argument("--title", default="")
    p.add_argument("--link", default="")
    p.set_defaults(handler=_add)

    p = lsub.add_parser("import", help="import ledger rows from CSV (all rows or none)")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="validate and report, change nothing")
    p.set_defaults(handler=_import)


def _add(args: argparse.Namespace) -> int:
    from planner.services import ledger

    ws = workspace(args)
    contact = None if args.contact.strip().lower() == "audience" else args.contact
    row = ledger.add(
        ws,
        ledger.LedgerInput(
            contact=contact,
            direction=args.direction,
            kind=args.kind,
            occurred_on=args.date,
            magnitude=args.magnitude,
            note=args.note,
            title=args.title,
            link=args.link,
        ),
    )
    who = args.contact if contact else "the audience"
    print(f"recorded {row.direction} {row.kind} ({who}, {row.occurred_on}) as ledger row {row.id}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from planner.services import imports

    ws = workspace(args)
    result = imports.import_ledger(
        ws,
        read_file(args.file),
        dry_run=args.dry_run,
        # a file on disk, not an upload: a million rows fit (the page keeps 20 MB)
        limits=imports.CLI_LIMITS,
    )
    print(result.describe())
    return 0 if result.ok else 2
