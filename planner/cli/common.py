"""Helpers shared by the command modules.

The ``planner`` command builds its whole parser on every run, so the command modules and
this one import only the standard library, the domain's vocabulary and the errors at
module level; a handler imports the services it calls (pandas, Jinja2, feedparser …)
when it runs, so a command pays only for what it uses.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from planner.errors import InvalidInput

if TYPE_CHECKING:
    import pandas as pd

    from planner.services.workspace import Workspace


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


#: Where a command's open workspace is kept on its parsed arguments.
OPENED = "opened_workspace"


def workspace(args: argparse.Namespace, *, check: bool | None = None) -> Workspace:
    """The command's workspace, opened once per command (``main`` closes it at the end).

    The integrity check (THREATS D4) runs at open only when a session on the file did not
    end cleanly (``check=None``, see :func:`planner.services.workspace.open_database`);
    ``planner check`` passes ``check=True`` to run it always.
    """
    from planner.services.opening import open_workspace
    from planner.services.workspace import noon_utc

    as_of: date | None = getattr(args, "as_of", None)
    ws: Workspace | None = getattr(args, OPENED, None)
    if ws is None:
        ws = open_workspace(getattr(args, "database", None), check=check)
        setattr(args, OPENED, ws)
        for problem in ws.problems:  # the integrity check at open (THREATS D4)
            print(f"warning: database check: {problem}", file=sys.stderr)
    if as_of is not None:
        ws.clock = noon_utc(as_of)
    return ws


def write_bytes(data: bytes, out: str | None) -> None:
    """Write to ``out`` or, without one, to stdout."""
    if out:
        try:
            Path(out).write_bytes(data)
        except OSError as error:
            raise InvalidInput(f"cannot write {out}: {error.strerror}") from None
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def write_csv(frame: pd.DataFrame, out: str | None, *, bom: bool = False) -> None:
    from planner.files.csv_export import to_csv_bytes

    write_bytes(to_csv_bytes(frame, bom=bom), out)


def read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}") from None
