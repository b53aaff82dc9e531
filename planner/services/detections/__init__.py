"""Detection in the app: who the feeds show, turned into ledger rows and a review queue.

Installed on a workspace when it is opened (:func:`install`, called by
:func:`planner.services.open_workspace`): ingest hands it every new or changed entry that is
not a duplicate of another feed's entry (``Workspace.entry_hooks``), analysed inside the
feed's own transaction with a :class:`~planner.domain.detection.DetectionIndex` built once
per version of the contact list (see :func:`index_for`).

What a detection means depends on whose feed it is:

* **my feeds** (owner ``me``): each contact found is a give — guest → interview, feature,
  link, mention (:data:`planner.domain.model.ROLE_TO_KIND`);
* **a contact's feed**: the user found in it (``detect_me``) is goodwill *received* from
  that contact, with the same role → kind mapping (their guest spot for me is an
  interview); other contacts found there are context;
* **industry feeds**: everyone found is context — stored and shown on the contact, never
  in the ledger.

One :class:`~planner.storage.schema.DetectionRow` per (entry, contact) holds the strongest
role and all the evidence. It is ``auto`` (confirmed automatically) when its confidence
reaches ``Settings.detection_auto_confirm``, else ``pending`` for review. An auto or
confirmed give/receipt has its ledger row (source ``feed``, linked by ``entry_id``).
Re-analysing an entry updates its detections and their ledger rows in place; a dismissed
detection stays dismissed and is never suggested again; a confirmed one stays confirmed.
Guests who are not contacts become :class:`~planner.storage.schema.GuestSuggestionRow`
rows: accept (a new contact), add as an alias of a similar contact, or dismiss.

The package, one job a module: :mod:`.index` (the cached index), :mod:`.run_state` and
:mod:`.run` (a detection run), :mod:`.ledger` (its ledger rows), :mod:`.rescan`,
:mod:`.review` (confirm, dismiss, reopen), :mod:`.suggestions` (guest suggestions),
:mod:`.views` (what pages, CLI and exports show) and :mod:`.install`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planner.services.detections.index import IndexCache, clear_index_cache, index_for
from planner.services.detections.install import install
from planner.services.detections.ledger import complete_planned_give
from planner.services.detections.rescan import rescan, rescan_contacts
from planner.services.detections.review import confirm, dismiss, reopen
from planner.services.detections.run import detect_entries
from planner.services.detections.run_state import CHUNK, DetectStats
from planner.services.detections.statuses import (
    AUTO,
    CONFIRMED,
    CONTEXT,
    DISMISSED,
    GAVE,
    PENDING,
    RECEIVED,
    SUGGESTION_ACCEPTED,
    SUGGESTION_ALIASED,
    SUGGESTION_DISMISSED,
    SUGGESTION_PENDING,
)
from planner.services.detections.suggestions import (
    accept_suggestion,
    alias_suggestion,
    dismiss_suggestions,
    site_domain,
)

if TYPE_CHECKING:  # loaded on first use, see __getattr__
    from planner.services.detections.views import (
        DETECTION_COLUMNS,
        MARK_CLOSE,
        MARK_OPEN,
        DetectionView,
        ReviewCounts,
        SuggestionView,
        count_detections,
        counts,
        detections_frame,
        list_detections,
        list_suggestions,
        mark,
        review_queue,
        suggestions_frame,
    )

__all__ = [
    "AUTO",
    "CHUNK",
    "CONFIRMED",
    "CONTEXT",
    "DETECTION_COLUMNS",
    "DISMISSED",
    "GAVE",
    "MARK_CLOSE",
    "MARK_OPEN",
    "PENDING",
    "RECEIVED",
    "SUGGESTION_ACCEPTED",
    "SUGGESTION_ALIASED",
    "SUGGESTION_DISMISSED",
    "SUGGESTION_PENDING",
    "DetectStats",
    "DetectionView",
    "IndexCache",
    "ReviewCounts",
    "SuggestionView",
    "accept_suggestion",
    "alias_suggestion",
    "clear_index_cache",
    "complete_planned_give",
    "confirm",
    "count_detections",
    "counts",
    "detect_entries",
    "detections_frame",
    "dismiss",
    "dismiss_suggestions",
    "index_for",
    "install",
    "list_detections",
    "list_suggestions",
    "mark",
    "reopen",
    "rescan",
    "rescan_contacts",
    "review_queue",
    "site_domain",
    "suggestions_frame",
]


def __getattr__(name: str) -> Any:
    """What pages and exports show (:mod:`.views`: pandas), loaded on first use: opening a
    workspace installs detection without it."""
    if name in _VIEWS:
        from planner.services.detections import views

        return getattr(views, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_VIEWS = frozenset(
    [
        "DETECTION_COLUMNS",
        "MARK_CLOSE",
        "MARK_OPEN",
        "DetectionView",
        "ReviewCounts",
        "SuggestionView",
        "count_detections",
        "counts",
        "detections_frame",
        "list_detections",
        "list_suggestions",
        "mark",
        "review_queue",
        "suggestions_frame",
    ]
)
