"""Engine creation: one place that knows the database URL and the SQLite pragmas."""

from __future__ import annotations

import atexit
import os
import sqlite3
import threading
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


# -- Did the last session end cleanly? ------------------------------------------------------
#
# The integrity check reads every page of the file (about half a second on a 190 MB
# database), so it does not run on every open. It runs when asked (``planner check``, the
# app's start) and when a process that had the database open did not end cleanly.
#
# How that is known: every process that opens a SQLite *file* through
# :func:`planner.services.workspace.open_database` writes a marker beside it,
# ``<database>.open-<pid>``, holding its PID and its start time. It removes the marker when
# it ends cleanly: when the CLI command disposes its workspace (:func:`release_database`)
# or, for any other process (the app, a script), at interpreter exit (``atexit``). A process
# killed, crashed or cut off by a power failure leaves its marker behind. So at open:
#
# * a marker whose process is alive (the app serving while a CLI command runs, another CLI
#   command) is someone else's open session, not a crash: it does not call for a check;
# * a marker whose process is gone (no such PID, or the PID now belongs to a process that
#   started at another time than the one recorded, as after a container's restart) is an
#   unclean end: the check runs. (Without /proc the start time is unknown and a reused PID
#   passes for alive, as every marker does on Windows: a check may then be missed, never
#   run for nothing.)
#
# A stale marker is removed only by a check that found nothing, so a database with
# problems keeps being checked (and warned about) on every open until it is sound again.
# One marker per process, not one per database: two processes with the database open at
# once each have their own, and the first to end does not hide the other's crash. Inside
# one process a count of opens keeps the marker until the last workspace on the file is
# released. PostgreSQL needs none of this (it recovers itself and enforces its
# constraints: :func:`integrity_problems` finds nothing there), nor does an in-memory
# database (it ends with its process).

_MARKER_INFIX = ".open-"
_marker_lock = threading.Lock()
_marker_opens: dict[Path, int] = {}


def sqlite_file(engine: Engine) -> Path | None:
    """The file of a SQLite database on disk, or None (another database, in-memory)."""
    if engine.dialect.name != "sqlite":
        return None
    name = engine.url.database
    if (
        not name
        or name == ":memory:"
        or name.startswith("file:")
        or "mode=memory" in str(engine.url)
    ):
        return None
    return Path(name).resolve()


def _process_started(pid: int) -> str:
    """When process ``pid`` started (clock ticks since boot, Linux), or "" when unknown.

    Recorded with the PID so that a PID reused by a later process is not taken for the
    process that wrote the marker.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""


def _alive(pid: int, started: str) -> bool:
    """Whether the process that wrote a marker (``pid``, started at ``started``) still runs."""
    if pid <= 0 or os.name == "nt":  # os.kill(pid, 0) would end the process on Windows
        return pid > 0
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, run by another user
    except OSError:
        return False
    now_started = _process_started(pid)
    return not (started and now_started and now_started != started)


def _marker(path: Path, pid: int) -> Path:
    return path.with_name(f"{path.name}{_MARKER_INFIX}{pid}")


def unclean_markers(path: Path) -> list[Path]:
    """The markers beside database ``path`` left by processes that are gone."""
    stale = []
    for marker in path.parent.glob(f"{path.name}{_MARKER_INFIX}*"):
        pid_text = marker.name.rpartition(_MARKER_INFIX)[2]
        if not pid_text.isdigit():
            continue
        pid = int(pid_text)  # this process's own PID too: a container restarted reuses PIDs
        try:
            recorded = marker.read_text().split()
        except OSError:
            continue  # removed meanwhile by its process, or by another's check
        started = recorded[1] if len(recorded) > 1 else ""
        if not _alive(pid, started):
            stale.append(marker)
    return stale


def mark_open(path: Path) -> None:
    """Record that this process has database ``path`` open (see the comment above)."""
    with _marker_lock:
        count = _marker_opens.get(path, 0)
        _marker_opens[path] = count + 1
        if count:
            return
        marker = _marker(path, os.getpid())
        try:
            marker.write_text(f"{os.getpid()} {_process_started(os.getpid())}\n")
        except OSError:
            _marker_opens[path] = 0  # a read-only folder: nothing to clean up either
            return


def release_database(engine: Engine) -> None:
    """Close ``engine``'s connections and, when it was this process's last workspace on
    the file, remove its open marker: the session ended cleanly."""
    engine.dispose()
    path = sqlite_file(engine)
    if path is None:
        return
    with _marker_lock:
        count = _marker_opens.get(path, 0)
        if count > 1:
            _marker_opens[path] = count - 1
            return
        _marker_opens.pop(path, None)
    _marker(path, os.getpid()).unlink(missing_ok=True)


def _release_all() -> None:
    with _marker_lock:
        paths = list(_marker_opens)
        _marker_opens.clear()
    for path in paths:
        _marker(path, os.getpid()).unlink(missing_ok=True)


atexit.register(_release_all)


def forget_unclean(markers: list[Path]) -> None:
    """Remove stale markers once a check found the database sound (not this process's
    own: a stale marker with its PID, from before a restart, was just taken over)."""
    own = f"{_MARKER_INFIX}{os.getpid()}"
    for marker in markers:
        if not marker.name.endswith(own):
            marker.unlink(missing_ok=True)


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
