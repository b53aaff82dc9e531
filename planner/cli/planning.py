"""planner gives | asks | requests | plan | next."""

from __future__ import annotations

import argparse
import sys

from planner.cli.common import iso_date, workspace, write_csv
from planner.domain.model import AskStatus, GiveStatus, Kind

KINDS = [k.value for k in Kind]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    _register_gives(sub)
    _register_asks(sub)
    _register_requests(sub)

    p = sub.add_parser("plan", help="propose gives so planned asks are ready in time")
    p.add_argument("--weeks", type=int, help="weeks to plan (default: Settings' plan weeks)")
    p.add_argument("--as-of", type=iso_date, help="plan from YYYY-MM-DD (default today)")
    p.add_argument("--apply", action="store_true", help="create the proposals as planned gives")
    p.add_argument("--out", help="file to write (default: stdout)")
    p.set_defaults(handler=_plan)

    p = sub.add_parser("next", help="the next moves, most urgent first, as CSV")
    p.add_argument("--as-of", type=iso_date, help="as of YYYY-MM-DD (default today)")
    p.add_argument("--out", help="file to write (default: stdout)")
    p.set_defaults(handler=_next)


def _who(group: argparse.ArgumentParser, *, audience: str) -> None:
    who = group.add_mutually_exclusive_group(required=True)
    who.add_argument("--contact", help="contact name or id")
    who.add_argument("--audience", action="store_true", help=audience)


def _register_gives(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("gives", help="planned gives: mentions, features, interviews …")
    gsub = group.add_subparsers(dest="gives_command", metavar="ACTION", required=True)

    p = gsub.add_parser("add", help="plan a give")
    p.add_argument("--kind", required=True, choices=KINDS)
    _who(p, audience="a give to my audience (a post, free report, reward)")
    p.add_argument("--due", required=True, type=iso_date, help="YYYY-MM-DD")
    p.add_argument("--title", default="")
    p.add_argument("--channel", default="", help="blog, podcast, newsletter, social …")
    p.add_argument("--note", default="")
    p.add_argument(
        "--status", default=GiveStatus.PLANNED.value, choices=[s.value for s in GiveStatus]
    )
    p.set_defaults(handler=_gives_add)

    p = gsub.add_parser("list", help="list planned gives as CSV")
    p.add_argument("--out")
    p.set_defaults(handler=_gives_list)

    p = gsub.add_parser("done", help="mark a give done (logs it in the ledger)")
    p.add_argument("id", type=int)
    p.add_argument("--date", type=iso_date, help="the day it was done (default today)")
    p.set_defaults(handler=_gives_done)

    p = gsub.add_parser("status", help="set a give's status (leaving done removes its row)")
    p.add_argument("id", type=int)
    p.add_argument("status", choices=[s.value for s in GiveStatus])
    p.add_argument("--date", type=iso_date, help="for done: the day (default today)")
    p.set_defaults(handler=_gives_status)


def _register_asks(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("asks", help="my asks and their readiness")
    asub = group.add_subparsers(dest="asks_command", metavar="ACTION", required=True)

    p = asub.add_parser("add", help="add an ask")
    _who(p, audience="an ask of my audience (a promotion), judged by the promotion budget")
    p.add_argument("--kind", required=True, choices=KINDS)
    p.add_argument("--target", required=True, type=iso_date, help="target date YYYY-MM-DD")
    p.add_argument("--cost", help="points (default: the weight of the kind)")
    p.add_argument("--priority", type=int, default=2, choices=[1, 2, 3], help="1 high, 3 low")
    p.add_argument("--title", default="")
    p.add_argument("--note", default="")
    p.add_argument("--status", default=AskStatus.IDEA.value, choices=[s.value for s in AskStatus])
    p.set_defaults(handler=_asks_add)

    p = asub.add_parser("list", help="asks with readiness, gap and reason as CSV")
    p.add_argument("--as-of", type=iso_date, help="as of YYYY-MM-DD (default today)")
    p.add_argument("--out")
    p.set_defaults(handler=_asks_list)

    p = asub.add_parser("status", help="set an ask's status (sent dates it, done logs it)")
    p.add_argument("id", type=int)
    p.add_argument("status", choices=[s.value for s in AskStatus])
    p.add_argument("--date", type=iso_date, help="the day (default today)")
    p.set_defaults(handler=_asks_status)


def _register_requests(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("requests", help="incoming requests and whether to say yes")
    rsub = group.add_subparsers(dest="requests_command", metavar="ACTION", required=True)

    p = rsub.add_parser("add", help="record a request from a contact")
    p.add_argument("--contact", required=True)
    p.add_argument("--kind", required=True, choices=KINDS)
    p.add_argument("--date", type=iso_date, help="when it came in (default today)")
    p.add_argument("--title", default="")
    p.add_argument("--note", default="")
    p.set_defaults(handler=_requests_add)

    p = rsub.add_parser("list", help="requests with recommendation and reason as CSV")
    p.add_argument("--as-of", type=iso_date, help="as of YYYY-MM-DD (default today)")
    p.add_argument("--out")
    p.set_defaults(handler=_requests_list)

    p = rsub.add_parser("accept", help="say yes: schedule the give")
    p.add_argument("id", type=int)
    p.add_argument("--week", type=iso_date, help="a day of the week to do it (default: suggested)")
    p.set_defaults(handler=_requests_accept)

    for name, text in (("later", "not now"), ("decline", "say no (gracefully)")):
        p = rsub.add_parser(name, help=text)
        p.add_argument("id", type=int)
        p.set_defaults(handler=_requests_decide, decision=name)


def _contact(args: argparse.Namespace) -> str | None:
    return None if args.audience else args.contact


def _gives_add(args: argparse.Namespace) -> int:
    from planner.services import gives

    ws = workspace(args)
    g = gives.add(
        ws,
        gives.GiveInput(
            kind=args.kind,
            contact=_contact(args),
            due=args.due,
            title=args.title,
            channel=args.channel,
            note=args.note,
            status=args.status,
        ),
    )
    print(f"planned give {g.id}: {g.kind} for {g.contact or 'the audience'} on {g.due_date}")
    return 0


def _gives_list(args: argparse.Namespace) -> int:
    from planner.services import plan_tables

    write_csv(plan_tables.gives_frame(workspace(args)), args.out)
    return 0


def _gives_done(args: argparse.Namespace) -> int:
    from planner.services import gives

    g = gives.done(workspace(args), args.id, day=args.date)
    print(f"give {g.id} done on {g.done_on}; logged in the ledger")
    return 0


def _gives_status(args: argparse.Namespace) -> int:
    from planner.services import gives

    g = gives.set_status(workspace(args), args.id, args.status, day=args.date)
    print(f"give {g.id} is {g.status}")
    return 0


def _asks_add(args: argparse.Namespace) -> int:
    from planner.services import asks

    ws = workspace(args)
    a = asks.add(
        ws,
        asks.AskInput(
            kind=args.kind,
            contact=_contact(args),
            target=args.target,
            cost=args.cost,
            priority=args.priority,
            title=args.title,
            note=args.note,
            status=args.status,
        ),
    )
    view = asks.assess_one(ws, a.id)
    who = view.contact or "the audience"
    print(f"added ask {a.id}: {a.kind} of {who}, cost {a.cost:g}, by {a.target_date}")
    print(f"{view.label}: {view.reason}")
    return 0


def _asks_list(args: argparse.Namespace) -> int:
    from planner.services import plan_tables

    ws = workspace(args)
    write_csv(plan_tables.asks_frame(ws, as_of=args.as_of), args.out)
    return 0


def _asks_status(args: argparse.Namespace) -> int:
    from planner.services import asks

    a = asks.set_status(workspace(args), args.id, args.status, day=args.date)
    print(f"ask {a.id} is {a.status}")
    return 0


def _requests_add(args: argparse.Namespace) -> int:
    from planner.services import help_requests

    ws = workspace(args)
    r = help_requests.add(
        ws,
        help_requests.RequestInput(
            contact=args.contact,
            kind=args.kind,
            received_on=args.date,
            title=args.title,
            note=args.note,
        ),
    )
    view = help_requests.decide(ws, r.id)
    print(f"recorded request {r.id} from {view.contact}")
    print(f"recommendation: {view.decision.recommendation} — {view.decision.reason}")
    return 0


def _requests_list(args: argparse.Namespace) -> int:
    from planner.services import plan_tables

    ws = workspace(args)
    write_csv(plan_tables.requests_frame(ws, as_of=args.as_of), args.out)
    return 0


def _requests_accept(args: argparse.Namespace) -> int:
    from planner.services import help_requests

    result = help_requests.accept(workspace(args), args.id, week=args.week)
    g = result.give
    print(f"accepted request {args.id}: give {g.id} ({g.kind}) planned for {g.due_date}")
    for warning in result.warnings:
        print(f"planner: warning: {warning}", file=sys.stderr)
    return 0


def _requests_decide(args: argparse.Namespace) -> int:
    from planner.services import help_requests

    ws = workspace(args)
    fn = help_requests.later if args.decision == "later" else help_requests.decline
    r = fn(ws, args.id)
    print(f"request {r.id} is {r.status}: {r.decision}")
    return 0


def _plan(args: argparse.Namespace) -> int:
    from planner.services import plan, plan_tables

    ws = workspace(args)
    view = plan.make_plan(ws, weeks=args.weeks)
    for u in view.unreachable:
        print(f"planner: unreachable ask {u.ask_id} ({u.contact}): {u.why}", file=sys.stderr)
    for warning in view.warnings:
        print(f"planner: budget: {warning}", file=sys.stderr)
    write_csv(plan_tables.plan_table(view), args.out)
    if args.apply:
        created = plan.apply_plan(ws, view)
        print(f"planner: created {len(created)} planned give(s)", file=sys.stderr)
    return 0


def _next(args: argparse.Namespace) -> int:
    from planner.services import plan_tables

    write_csv(plan_tables.next_moves_frame(workspace(args)), args.out)
    return 0
