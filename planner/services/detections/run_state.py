"""One detection run's state: what it reads once, and the rows it has yet to write."""

from __future__ import annotations

import dataclasses
import gc
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.domain.detection import DetectionIndex
from planner.domain.model import Settings
from planner.domain.names import clean_person_name
from planner.domain.show_profile import ShowProfile
from planner.services.detections.index import index_for
from planner.services.detections.statuses import SUGGESTION_DISMISSED
from planner.services.workspace import Workspace
from planner.storage.schema import DetectionRow, GuestSuggestionRow

#: Entries are loaded and analysed this many at a time.
CHUNK = 500


def chunks(items: Sequence[int], size: int = CHUNK) -> Iterator[list[int]]:
    """``items`` in lists of at most ``size`` (one query each)."""
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


class _CollectorPause:
    """Python's cycle collector off while any detection run analyses entries.

    A run allocates many short-lived objects (evidence, detections, rows) while the
    index of every contact is alive: each full collection walks that index again, for
    nothing (a run makes no cycles to collect). Pausing it made detection inside ingest
    7–18 % faster (10,000 contacts). Re-entrant and shared by threads: the collector is
    on again when the last run ends, if it was on before the first began.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._was_enabled = False

    def __enter__(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._depth += 1

    def __exit__(self, *_exc: object) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._was_enabled:
                gc.enable()


#: Used around a run's analysis and writes (see :class:`_CollectorPause`).
collector_paused = _CollectorPause()


@dataclass
class DetectStats:
    """What a detection run did."""

    entries: int = 0
    auto: int = 0  # new detections confirmed automatically (gave/received)
    pending: int = 0  # new detections waiting for review
    context: int = 0  # new context detections (industry feeds, others in a contact's feed)
    updated: int = 0  # existing detections re-evaluated
    removed: int = 0  # detections no longer found
    suggestions: int = 0  # new guest suggestions

    def add(self, other: DetectStats) -> None:
        """Add another run's counts to these."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def describe(self) -> str:
        """The counts in words, for the CLI and the pages."""
        return (
            f"scanned {self.entries} entries: {self.auto} auto-confirmed, "
            f"{self.pending} to review, {self.context} context, {self.updated} updated, "
            f"{self.removed} removed, {self.suggestions} new guest suggestion(s)"
        )


@dataclass(slots=True)
class NewDetection:
    """A detection not stored yet: inserted with the others of its chunk
    (see :func:`planner.services.detections.ledger.write_queued`)."""

    entry_id: int
    contact_id: int
    direction: str
    role: str
    matched: str
    field: str
    snippet: str
    evidence: list[dict[str, object]]
    confidence: float
    status: str
    created_at: datetime
    interaction_id: int | None = None

    def values(self) -> dict[str, Any]:
        """The detection table's column values, for a bulk insert."""
        return {f: getattr(self, f) for f in NEW_DETECTION_FIELDS}


NEW_DETECTION_FIELDS = tuple(f.name for f in fields(NewDetection))


@dataclass
class Run:
    """One detection run: what it reads once, and the rows it has yet to write.

    Settings, my reach, the contacts' reach (those the entries name), the detections and
    ledger rows the entries already have are read once per run or chunk, never per row;
    new ledger rows and detections are inserted in bulk by
    :func:`planner.services.detections.ledger.write_queued`.
    """

    ws: Workspace
    session: Session
    settings: Settings
    my_reach: int | None
    today: date
    now: datetime
    stats: DetectStats
    index: DetectionIndex | None = None
    #: My website domains: the own sites of my feeds.
    my_domains: tuple[str, ...] = ()
    #: feed id → (its show profile or None, its own sites or None): read once per run.
    feed_context: dict[int, tuple[ShowProfile | None, tuple[str, ...] | None]] = dataclasses.field(
        default_factory=dict
    )
    #: Of the contacts the chunk's stored detections name, the ones not archived.
    active: set[int] | None = None
    dismissed_names: set[str] | None = None
    #: contact id → reach, of the contacts the run's ledger rows name (filled per chunk).
    reaches: dict[int, int | None] = dataclasses.field(default_factory=dict)
    #: (direction, role) of a detection → the ledger's direction and kind, checked.
    checked: dict[tuple[str, str], tuple[str, str]] = dataclasses.field(default_factory=dict)
    #: (contact, direction, kind) → the base value of a ledger row (magnitude 1).
    bases: dict[tuple[int, str, str], float] = dataclasses.field(default_factory=dict)
    #: (contact, direction, link) of rows typed by hand that a detection may adopt.
    manual_links: set[tuple[int | None, str, str]] | None = None
    #: The feed whose entries' typed rows ``manual_links`` holds (read once per feed).
    manual_links_of: int | None = None
    #: Contacts with an open planned give (only they can have one completed).
    planned_for: set[int | None] | None = None
    #: New detections and new ledger rows (with the detection they belong to), in the
    #: order they were found; written by write_queued.
    new_detections: list[NewDetection] = dataclasses.field(default_factory=list)
    new_logs: list[tuple[DetectionRow | NewDetection, dict[str, Any]]] = dataclasses.field(
        default_factory=list
    )
    #: New guest suggestions (column values), in the order found; written by write_queued.
    new_suggestions: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    @property
    def threshold(self) -> float:
        """The confidence from which a detection is confirmed automatically."""
        return self.settings.detection_auto_confirm


def start_run(ws: Workspace, session: Session, *, with_index: bool = True) -> Run:
    """A run in ``session``; with the index (and the names dismissed as guests) when it
    analyses entries, without when it only writes ledger rows (a confirm)."""
    me = ws.profile(session)
    run = Run(
        ws=ws,
        session=session,
        settings=ws.settings(session),
        my_reach=me.reach,
        today=ws.today(),
        now=ws.now(),
        stats=DetectStats(),
        my_domains=tuple(me.domains),
    )
    if with_index:
        run.index = index_for(ws, session)
        run.dismissed_names = {
            clean_person_name(n)
            for n in session.scalars(
                select(GuestSuggestionRow.name).where(
                    GuestSuggestionRow.status == SUGGESTION_DISMISSED
                )
            )
        }
    return run
