"""Engine creation: one place that knows the database URL and the SQLite pragmas."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "planner.db"
URL_ENV = "PLANNER_DATABASE_URL"
#: How long a writer waits for another writer before SQLite gives up (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: Execution option of read-only sessions (``Workspace.read``): their transaction starts
#: DEFERRED, so in WAL mode a reader never waits for a writer (THREATS D1).
READ_ONLY = "planner_read_only"


def database_url(url: str | None = None) -> str:
    """The URL to use: explicit, else $PLANNER_DATABASE_URL, else data/planner.db."""
    if url:
        return url
    env = os.environ.get(URL_ENV, "").strip()
    if env:
        return env
    return f"sqlite:///{DEFAULT_DB_PATH}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Python's sqlite3 opens transactions lazily (deferred); a deferred transaction that
    # reads then writes fails at once with "database is locked" when another process
    # committed in between, whatever the busy timeout. Taking control of BEGIN lets every
    # transaction that may write start IMMEDIATE, so writers queue on the busy timeout
    # instead; read-only sessions start DEFERRED and never wait (see _sqlite_begin).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    _use_wal(cur)
    # FULL: a committed ledger row survives a power cut too (NORMAL in WAL mode may lose
    # the last commits); the write volume is small enough not to notice (THREATS D5).
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _use_wal(cur: Any) -> None:
    """Switch the file to WAL (a setting stored in the file: done once, by its first user).

    The switch needs the file to itself. When two connections try it at once, SQLite
    fails one of them at once with "database is locked", without its busy handler
    (deadlock avoidance) — as when the app and cron start together on a fresh file. So
    retry here for up to the busy timeout, as every other statement waits.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error).lower() or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)


def _sqlite_begin(conn: Any) -> None:
    if conn.get_execution_options().get(READ_ONLY):
        conn.exec_driver_sql("BEGIN")  # a reader sees the last commit, never waits (WAL)
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` with SQLite made safe for concurrent use (WAL, FKs, timeouts)."""
    url = database_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1] if "///" in url else ""
        if path and path != ":memory:" and not path.startswith("file:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault(
            "connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


#: Key of the PostgreSQL advisory lock that serialises first-start work (any 64-bit
#: number no other code uses; these are the bytes of "givefrst").
SETUP_LOCK_KEY = 0x6769766566727374


def hold_setup_lock(conn: Connection) -> None:
    """Hold the workspace's setup lock until ``conn``'s transaction ends.

    Migrations and the demo load run under it, so that the app and cron starting together
    on a new database do that work once: whoever comes second waits, then finds it done.
    PostgreSQL takes a transaction-scoped advisory lock (``CREATE TABLE`` and a check for
    emptiness are not serialised by themselves there). SQLite needs nothing more: every
    writing transaction here begins IMMEDIATE (see ``_sqlite_begin``), which already holds
    the database's single write lock until commit.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SETUP_LOCK_KEY})")


def integrity_problems(engine: Engine) -> list[str]:
    """What ``PRAGMA quick_check`` and ``PRAGMA foreign_key_check`` find (THREATS D4).

    Empty when the database is sound (and always on PostgreSQL, which enforces its
    constraints itself). Rows written while ``foreign_keys`` was off, by another tool or an
    old copy, show up here as "table row N: missing PARENT row".
    """
    if engine.dialect.name != "sqlite":
        return []
    problems: list[str] = []
    # A read: it must not queue behind (or fail on) another process's long write.
    with engine.connect().execution_options(**{READ_ONLY: True}) as conn:
        checks = [row[0] for row in conn.exec_driver_sql("PRAGMA quick_check").fetchall()]
        problems += [f"quick_check: {c}" for c in checks if c != "ok"]
        for table, rowid, parent, _ in conn.exec_driver_sql("PRAGMA foreign_key_check"):
            problems.append(f"{table} row {rowid}: missing {parent} row")
    return problems


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work commits together or not at all."""
    with factory() as session, session.begin():
        yield session


def is_locked_error(error: BaseException) -> bool:
    """SQLite's "database is locked" / "database table is locked" after the busy timeout."""
    return "locked" in str(getattr(error, "orig", error)).lower()
