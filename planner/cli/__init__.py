"""``planner``: the services from the command line, for scripting and cron.

Each sub-module registers its commands; handlers take the parsed arguments and a
workspace and return an exit code. A user's mistake (PlannerError) prints one line on
stderr and exits 2; argparse does the same for bad arguments.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from planner import __version__
from planner.cli import (
    backup,
    base,
    contacts,
    detect,
    export,
    feeds,
    ledger,
    mail,
    outreach,
    planning,
    settings,
)
from planner.cli.common import OPENED
from planner.errors import PlannerError

if TYPE_CHECKING:
    from planner.services.workspace import Workspace

MODULES = [
    base,
    contacts,
    ledger,
    feeds,
    detect,
    planning,
    outreach,
    mail,
    export,
    backup,
    settings,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planner",
        description="Give First: the give-first planner from the command line.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database URL (default: $PLANNER_DATABASE_URL or data/planner.db)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except PlannerError as error:
        print(f"planner: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("planner: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `planner settings show | head`: the reader left; say nothing more, as cat does
        # (stdout is pointed at devnull so the interpreter's flush at exit fails quietly)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    finally:
        opened: Workspace | None = getattr(args, OPENED, None)
        if opened is not None:
            # close the pooled connections now: a server database (PostgreSQL) would
            # otherwise see them dropped at exit, or at garbage collection when called
            # in-process; and remove this process's open marker: it ended cleanly
            from planner.services.opening import close_workspace

            close_workspace(opened)
