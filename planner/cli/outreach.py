"""planner draft | drafts | templates list."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from planner.cli.common import iso_date, workspace, write_bytes
from planner.domain.model import Tier
from planner.errors import InvalidInput

if TYPE_CHECKING:
    from planner.services.outreach import Draft, DraftBatch, Recipient
    from planner.services.workspace import Workspace


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("draft", help="write an outreach draft (.eml) for one contact")
    p.add_argument("template", help="template name (see 'planner templates list')")
    p.add_argument("--contact", required=True, help="contact name, alias or id")
    p.add_argument("--ask", type=int, help="id of my ask the message is about")
    p.add_argument("--request", type=int, help="id of their request the message answers")
    p.add_argument("--give", type=int, help="id of the planned give the message is about")
    p.add_argument("--reason", default="", help="why you ask, in words for them (ask messages)")
    p.add_argument(
        "--anyway",
        action="store_true",
        help="draft an ask that is not ready yet (without it, such an ask is refused)",
    )
    p.add_argument("--out", help="file to write (default: stdout)")
    p.add_argument(
        "--queue",
        action="store_true",
        help="put the draft in the outbox (sent by `planner send`) and print its id",
    )
    p.set_defaults(handler=_draft)

    p = sub.add_parser("drafts", help="write one .eml draft per contact of a selection")
    p.add_argument("template", help="template name (see 'planner templates list')")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--tier", choices=[t.value for t in Tier], help="every contact of a tier")
    who.add_argument(
        "--ready-asks", action="store_true", help="one draft per ask that is ready and not sent"
    )
    who.add_argument(
        "--featured-since",
        type=iso_date,
        metavar="DATE",
        help="contacts I featured, interviewed, mentioned or linked since YYYY-MM-DD",
    )
    p.add_argument("--reason", default="", help="why you ask, in words for them (ask messages)")
    p.add_argument("--out", help="folder to write the .eml files to (or --queue)")
    p.add_argument(
        "--queue",
        action="store_true",
        help="put the drafts in the outbox (sent by `planner send`) and print their ids",
    )
    p.set_defaults(handler=_drafts)

    group = sub.add_parser("templates", help="outreach templates")
    tsub = group.add_subparsers(dest="templates_command", metavar="ACTION", required=True)
    p = tsub.add_parser("list", help="list the templates: built-in and yours")
    p.set_defaults(handler=_templates_list)


def _draft(args: argparse.Namespace) -> int:
    from planner.services import outreach

    ws = workspace(args)
    draft = outreach.render_draft(
        ws,
        args.template,
        outreach.find_contact(ws, args.contact),
        ask_id=args.ask,
        request_id=args.request,
        give_id=args.give,
        ask_reason=args.reason,
        anyway=args.anyway,
    )
    if args.queue:
        return _queue_one(ws, draft, args)
    write_bytes(draft.eml, args.out)
    if args.out:
        print(f"wrote {args.out}: {draft.subject}")
    if not draft.has_email:
        print(
            f"planner: note: {draft.contact_name} has no e-mail address on file; "
            "add the recipient before sending",
            file=sys.stderr,
        )
    return 0


def _drafts(args: argparse.Namespace) -> int:
    from planner.services import outreach

    ws = workspace(args)
    if args.tier:
        recipients = outreach.select_tier(ws, args.tier)
    elif args.ready_asks:
        recipients = outreach.select_ready_asks(ws)
    else:
        recipients = outreach.select_featured_since(ws, args.featured_since)
    if bool(args.out) == bool(args.queue):
        raise InvalidInput("give --out FOLDER to write the drafts, or --queue (one of them)")
    batch = outreach.render_drafts(ws, args.template, recipients, ask_reason=args.reason)
    if args.queue:
        return _queue_many(ws, batch, recipients)
    folder = Path(args.out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = [_write_new(folder, d.filename, d.eml) for d in batch.drafts]
    except OSError as error:
        raise InvalidInput(f"cannot write to {folder}: {error.strerror}") from None
    print(f"wrote {len(written)} draft(s) to {folder}")
    if batch.without_email:
        print(
            f"{len(batch.without_email)} without an e-mail address (add it before sending): "
            + ", ".join(batch.without_email)
        )
    for name, message in batch.problems:
        print(f"planner: error: no draft for {name}: {message}", file=sys.stderr)
    return 2 if batch.problems else 0


def _queue_one(ws: Workspace, draft: Draft, args: argparse.Namespace) -> int:
    from planner.services import outbox

    if args.out:
        raise InvalidInput("--queue puts the draft in the outbox: no --out with it")
    row = outbox.queue(
        ws,
        draft,
        ask_id=args.ask,
        request_id=args.request,
        give_id=args.give,
        anyway=args.anyway,
    )
    print(f"queued {row.id}: {row.contact_name} <{row.to_addr}>: {row.subject}")
    return 0


def _queue_many(ws: Workspace, batch: DraftBatch, recipients: list[Recipient]) -> int:
    from planner.services import outbox

    queued = outbox.queue_batch(ws, batch, recipients)
    for row in queued.queued:
        print(f"queued {row.id}: {row.contact_name} <{row.to_addr}>: {row.subject}")
    print(f"{len(queued.queued)} draft(s) in the outbox")
    for name, message in queued.problems:
        print(f"planner: error: not queued for {name}: {message}", file=sys.stderr)
    return 2 if queued.problems else 0


def _write_new(folder: Path, filename: str, data: bytes) -> Path:
    """Write ``data`` under a name not taken yet: earlier drafts are never overwritten."""
    stem, _, ext = filename.rpartition(".")
    path, counter = folder / filename, 1
    while True:
        try:
            with path.open("xb") as fh:
                fh.write(data)
            return path
        except FileExistsError:
            counter += 1
            path = folder / f"{stem}-{counter}.{ext}"


def _templates_list(args: argparse.Namespace) -> int:
    from planner.services import outreach

    ws = workspace(args)
    rows = outreach.list_templates(ws)
    width = max((len(t.name) for t in rows), default=4)
    for t in rows:
        if t.stored and t.builtin:
            origin = "yours (overrides built-in)"
        elif t.stored:
            origin = "yours"
        else:
            origin = "built-in"
        html = "text+html" if t.has_html else "text"
        print(f"{t.name:<{width}}  {origin:<26}  {html:<9}  {t.description}")
    return 0
