"""Apply Alembic migrations programmatically (at start, from the CLI and in tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from planner.storage.db import READ_ONLY

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (default: the newest).

    A database already at head is left alone after a read, without taking the write lock:
    opening the workspace (every CLI command, every app start) then never waits for, or
    fails on, a long writer such as an import in another process.
    """
    cfg = alembic_config(engine)
    if revision == "head" and _is_at_head(engine, cfg):
        return
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _is_at_head(engine: Engine, cfg: Config) -> bool:
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with engine.connect().execution_options(**{READ_ONLY: True}) as conn:
        return MigrationContext.configure(conn).get_current_revision() == head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
