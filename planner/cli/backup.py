"""planner backup, planner restore, planner export-ics."""

from __future__ import annotations

import argparse
import sys

from planner.cli.common import read_file, workspace, write_bytes
from planner.errors import InvalidInput


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "backup",
        help="write the whole database to a zip (every table as CSV, settings, templates)",
    )
    p.add_argument("file", metavar="FILE.zip", help="the zip to write")
    p.set_defaults(handler=_backup)
    p = sub.add_parser("restore", help="restore a zip made by 'planner backup'")
    p.add_argument("file", metavar="FILE.zip", help="the backup to restore")
    p.add_argument(
        "--replace",
        action="store_true",
        help="delete everything in the database first (needed when it is not empty)",
    )
    p.set_defaults(handler=_restore)
    p = sub.add_parser(
        "export-ics", help="write planned gives and ask target dates as an iCalendar file"
    )
    p.add_argument("--out", help="file to write (default: stdout)")
    p.add_argument(
        "--include-done",
        action="store_true",
        help="also done or dropped gives and closed asks",
    )
    p.set_defaults(handler=_export_ics)


def _backup(args: argparse.Namespace) -> int:
    from planner.services import backup as backup_service

    if args.file == "-":
        raise InvalidInput("give a file name for the backup (it is a zip, not for a terminal)")
    ws = workspace(args)
    data = backup_service.create_backup(ws)
    write_bytes(data, args.file)
    manifest = backup_service.describe(data)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    print(
        f"backup written to {args.file}: {rows} rows in {len(manifest['tables'])} tables, "
        f"schema {manifest['schema_revision']}, {len(data):,} bytes"
    )
    return 0


def _restore(args: argparse.Namespace) -> int:
    from planner.services import backup as backup_service

    data = sys.stdin.buffer.read() if args.file == "-" else read_file(args.file)
    ws = workspace(args)
    print(backup_service.restore_backup(ws, data, replace=args.replace))
    return 0


def _export_ics(args: argparse.Namespace) -> int:
    from planner.services import calendar as calendar_service

    ws = workspace(args)
    write_bytes(calendar_service.calendar_ics(ws, include_done=args.include_done), args.out)
    return 0
