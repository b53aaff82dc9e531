"""Apply Alembic migrations programmatically (at start, from the CLI and in tests).

Every open of a workspace asks "is the schema at head?". Answering it with Alembic costs
its import and the parsing of every migration script (about half a second), so
:func:`upgrade` first answers it cheaply: the revisions the migration files declare
(read as text, see :func:`script_heads`) against the ``alembic_version`` table's rows.
Only a database that is not at head (new, older, or unreadable) loads Alembic to upgrade.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from planner.storage.db import READ_ONLY

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

_DECLARED = re.compile(
    r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(None|\"[^\"]*\"|'[^']*'|\([^)]*\))",
    re.MULTILINE,
)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (default: the newest).

    A database already at head is left alone after a read, without taking the write lock
    and without loading Alembic: opening the workspace (every CLI command, every app
    start) then never waits for, or fails on, a long writer such as an import in another
    process.
    """
    if revision == "head" and _is_at_head(engine):
        return
    from alembic import command

    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


@cache
def script_heads() -> frozenset[str]:
    """The head revisions of the migration scripts, from their ``revision =`` and
    ``down_revision =`` lines: the revisions no other script revises.

    Empty when a script does not declare both plainly, which makes :func:`upgrade` ask
    Alembic itself (a test checks this agrees with Alembic's ScriptDirectory).
    """
    revisions: set[str] = set()
    revised: set[str] = set()
    for script in sorted((MIGRATIONS / "versions").glob("*.py")):
        found = dict(_DECLARED.findall(script.read_text(encoding="utf-8")))
        if "revision" not in found or "down_revision" not in found:
            return frozenset()
        revisions |= set(re.findall(r"[\"']([^\"']+)[\"']", found["revision"]))
        revised |= set(re.findall(r"[\"']([^\"']+)[\"']", found["down_revision"]))
    return frozenset(revisions - revised)


def _stored_revisions(engine: Engine) -> frozenset[str] | None:
    """The rows of ``alembic_version``, or None when it cannot be read (no table yet)."""
    try:
        with engine.connect().execution_options(**{READ_ONLY: True}) as conn:
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    except DBAPIError:
        return None
    return frozenset(str(row[0]) for row in rows)


def _is_at_head(engine: Engine) -> bool:
    heads = script_heads()
    return bool(heads) and _stored_revisions(engine) == heads


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
