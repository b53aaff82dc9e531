"""planner contacts add | list | import | merge | undo-merge."""

from __future__ import annotations

import argparse

from planner.cli.common import read_file, workspace, write_csv


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("contacts", help="manage contacts")
    csub = group.add_subparsers(dest="contacts_command", metavar="ACTION", required=True)

    p = csub.add_parser("add", help="add a contact")
    p.add_argument("--name", required=True)
    p.add_argument("--tier", default="network", choices=["cell", "deep", "active", "network"])
    p.add_argument("--reach", help="audience size (subscribers, listeners, followers)")
    p.add_argument("--email", default="")
    p.add_argument("--domain", action="append", default=[], help="website domain (repeatable)")
    p.add_argument("--alias", action="append", default=[], help="another name (repeatable)")
    p.add_argument("--handle", action="append", default=[], help="@handle (repeatable)")
    p.add_argument("--tag", action="append", default=[], help="tag (repeatable)")
    p.add_argument("--notes", default="")
    p.set_defaults(handler=_add)

    p = csub.add_parser("list", help="list contacts as CSV")
    p.add_argument("--search", default="")
    p.add_argument("--out")
    p.set_defaults(handler=_list)

    p = csub.add_parser("import", help="import contacts from CSV (all rows or none)")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="validate and report, change nothing")
    p.add_argument(
        "--on-duplicate",
        choices=["skip", "update"],
        default="skip",
        help="what to do with rows matching an existing contact (default: skip)",
    )
    p.set_defaults(handler=_import)

    p = csub.add_parser(
        "merge",
        help="merge two contacts who are the same person (OTHER folds into KEEP)",
        description="OTHER's names become aliases of KEEP; its ledger rows, detections, asks, "
        "gives, requests and feeds move to KEEP; OTHER is archived. 'planner contacts "
        "undo-merge' puts everything back.",
    )
    p.add_argument("keep", metavar="KEEP", help="the contact that stays (name or id)")
    p.add_argument("other", metavar="OTHER", help="the contact merged into it (name or id)")
    p.set_defaults(handler=_merge)

    p = csub.add_parser("undo-merge", help="undo the last merge")
    p.set_defaults(handler=_undo_merge)


def _add(args: argparse.Namespace) -> int:
    from planner.services import contacts

    ws = workspace(args)
    contact = contacts.add(
        ws,
        contacts.ContactInput(
            name=args.name,
            tier=args.tier,
            reach=args.reach,
            email=args.email,
            aliases=tuple(args.alias),
            domains=tuple(args.domain),
            handles=tuple(args.handle),
            tags=tuple(args.tag),
            notes=args.notes,
        ),
    )
    print(f"added contact {contact.id}: {contact.name}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from planner.services import contacts, exports

    ws = workspace(args)
    frame = exports.contacts_frame(ws)
    if args.search:
        ids = {c.id for c in contacts.list_contacts(ws, search=args.search)}
        frame = frame[frame["id"].isin(ids)]
    write_csv(frame, args.out)
    return 0


def _import(args: argparse.Namespace) -> int:
    from planner.services import imports

    ws = workspace(args)
    result = imports.import_contacts(
        ws,
        read_file(args.file),
        dry_run=args.dry_run,
        on_duplicate=args.on_duplicate,
        # a file on disk, not an upload: the larger limits (the page keeps 20 MB)
        limits=imports.CLI_LIMITS,
    )
    print(result.describe())
    return 0 if result.ok else 2


def _merge(args: argparse.Namespace) -> int:
    from planner.services import merge

    print(merge.merge_contacts(workspace(args), args.keep, args.other).describe())
    return 0


def _undo_merge(args: argparse.Namespace) -> int:
    from planner.services import merge

    print(merge.undo_last_merge(workspace(args)).describe())
    return 0
