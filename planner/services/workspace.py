"""The workspace: a database, its migrations and the clock, handed to every service.

:func:`open_database` opens the bare database; :func:`planner.services.open_workspace`
(:mod:`planner.services.opening`) also installs detection on it, as every caller wants.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Protocol, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from planner.domain.model import Profile, Settings, settings_from_dict
from planner.errors import Busy, InvalidInput
from planner.storage import data_version, migrate
from planner.storage.convert import profile_from_row
from planner.storage.db import (
    READ_ONLY,
    SQLITE_BUSY_TIMEOUT_MS,
    forget_unclean,
    integrity_problems,
    is_locked_error,
    make_engine,
    mark_open,
    session_factory,
    sqlite_file,
    unclean_markers,
)
from planner.storage.schema import FeedRow, ProfileRow, SettingRow

_Attached = TypeVar("_Attached")


#: In ``Session.info`` while the entry hooks run: (feed id, guid → the entry table's
#: values just written for each new or changed entry), so a hook can take an entry's
#: stored form without reading back what was just written (detection does).
STORED_ENTRIES = "planner.ingest.stored_entries"


class EntryHook(Protocol):
    """Called by ingest in the feed's transaction with the ids of its new or changed
    entries (detection is one: :func:`planner.services.detection_hook.install`)."""

    def __call__(
        self, ws: Workspace, session: Session, feed: FeedRow, entry_ids: Sequence[int], /
    ) -> object: ...


@dataclass
class Workspace:
    """Everything a service needs: where the data is and what day it is.

    ``clock`` is injectable so tests and ``--as-of`` run on a fixed date.
    """

    engine: Engine
    sessions: sessionmaker[Session]
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    #: What the integrity check at open found (``PRAGMA quick_check`` and
    #: ``foreign_key_check`` on SQLite): empty when the database is sound.
    problems: list[str] = field(default_factory=list)
    #: What ingest hands each feed's new or changed entries to, in order.
    entry_hooks: list[EntryHook] = field(default_factory=list)
    #: State a service keeps for this workspace (one object per type), see :meth:`attach`.
    attachments: dict[type, object] = field(default_factory=dict)

    def now(self) -> datetime:
        """Naive UTC, as stored."""
        return self.clock().astimezone(UTC).replace(tzinfo=None)

    def today(self) -> date:
        """The clock's date (in the clock's time zone)."""
        return self.clock().date()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction: everything inside commits together or not at all.

        A SQLite writer that waited the whole busy timeout gets :class:`Busy` (nothing was
        written) instead of the driver's ``OperationalError``.
        """
        try:
            with self.sessions() as session, session.begin():
                # First, so the row stays locked until the commit: writers take turns on
                # PostgreSQL as they do on SQLite (BEGIN IMMEDIATE), and a read-modify-write
                # from two processes loses no update (THREATS D3).
                data_version.bump(session)
                yield session
        except OperationalError as error:
            if not is_locked_error(error):
                raise
            raise Busy(
                "the database is busy: another writer held it for "
                f"{SQLITE_BUSY_TIMEOUT_MS // 1000} s; nothing was changed, try again"
            ) from error

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session: on SQLite it never waits for a writer (nothing is committed)."""
        with self.sessions() as session:
            session.connection(execution_options={READ_ONLY: True})
            yield session

    def data_version(self, session: Session | None = None) -> int:
        """The version of the data (bumped by every write, from any process): what a
        computed view is cached under (:mod:`planner.services.cache`)."""
        if session is None:
            with self.read() as s:
                return data_version.current(s)
        return data_version.current(session)

    def attach(self, state: object) -> None:
        """Keep ``state`` for this workspace, found again by its type (:meth:`attached`)."""
        self.attachments[type(state)] = state

    def attached(self, kind: type[_Attached]) -> _Attached | None:
        """The state of type ``kind`` attached to this workspace, or None."""
        state = self.attachments.get(kind)
        return state if isinstance(state, kind) else None

    def settings(self, session: Session | None = None) -> Settings:
        """The workspace's settings (in ``session`` when given, else a read of its own)."""
        if session is None:
            with self.read() as s:
                return self.settings(s)
        row = session.get(SettingRow, "model")
        return settings_from_dict(row.value if row and isinstance(row.value, dict) else {})

    def profile(self, session: Session | None = None) -> Profile:
        """My profile (in ``session`` when given); empty when none is stored."""
        if session is None:
            with self.read() as s:
                return self.profile(s)
        row = session.scalars(select(ProfileRow).limit(1)).first()
        return profile_from_row(row) if row else Profile()


#: For tests and demos only: freeze "now" at this moment (see ``clock_from_env``).
CLOCK_ENV = "PLANNER_CLOCK"


def frozen_clock(moment: datetime) -> Callable[[], datetime]:
    """A clock that always says ``moment``."""
    return lambda: moment


def noon_utc(day: date) -> Callable[[], datetime]:
    """A clock frozen at noon UTC of ``day``: what a bare date means for ``--as-of``,
    $PLANNER_CLOCK and the test suite (noon keeps the date the same in every time zone
    within ±12 h)."""
    return frozen_clock(datetime.combine(day, time(12), tzinfo=UTC))


def clock_from_env() -> Callable[[], datetime] | None:
    """The clock that $PLANNER_CLOCK freezes, or None when it is unset.

    It holds an ISO date (``2026-11-25``, read as noon UTC, the same moment ``--as-of``
    uses) or an ISO date-time with an offset. It exists so that the app run by the test
    suite and by recorded demos sees the same day as the test that checks it; a real
    workspace leaves it unset and runs on the wall clock.
    """
    value = os.environ.get(CLOCK_ENV, "").strip()
    if not value:
        return None
    try:
        if "T" not in value and " " not in value:
            return noon_utc(date.fromisoformat(value))
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("no UTC offset")
    except ValueError:
        raise InvalidInput(
            f"{CLOCK_ENV}={value!r} is neither a date (YYYY-MM-DD) nor a date-time with "
            "an offset (YYYY-MM-DDTHH:MM:SS+00:00); unset it to use the real clock",
            field=CLOCK_ENV,
        ) from None
    return frozen_clock(moment)


def open_database(
    url: str | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    upgrade: bool = True,
    check: bool | None = True,
) -> Workspace:
    """Open (and by default migrate) the database at ``url`` / $PLANNER_DATABASE_URL,
    then check it (``ws.problems``: broken pages or rows pointing at nothing). Nothing
    is installed on it: :func:`planner.services.open_workspace` adds detection.

    ``check``: True (the default: the app's start, ``planner check``, scripts and tests)
    always runs the integrity check; False never does; None runs it only when a process
    that had this SQLite file open did not end cleanly (its open marker was left behind,
    see :func:`planner.storage.db.unclean_markers`) — what every other CLI command uses,
    since the check reads the whole file. A check that finds nothing clears those markers.
    A SQLite file opened here is marked open by this process until
    :func:`planner.storage.db.release_database` or the interpreter's exit.

    The clock is ``clock`` if given, else the one $PLANNER_CLOCK freezes, else the wall clock.
    """
    clock = clock or clock_from_env()
    engine = make_engine(url)
    path = sqlite_file(engine)
    stale = unclean_markers(path) if path is not None else []
    if path is not None:
        mark_open(path)
    if upgrade:
        migrate.upgrade(engine)
    problems = integrity_problems(engine) if check or (check is None and stale) else []
    if check is not False and not problems:
        forget_unclean(stale)
    ws = Workspace(engine, session_factory(engine), problems=problems)
    if clock is not None:
        ws.clock = clock
    return ws
