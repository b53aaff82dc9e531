"""What detection reports: a person found in an entry, the evidence, guest suggestions.

These records are the detection's public answer (see :mod:`planner.domain.detection`); the
``FIELD_*`` names say which part of an entry a piece of evidence came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.domain.model import Role

FIELD_TITLE = "title"
FIELD_TEXT = "text"
FIELD_LINK = "link"
FIELD_PEOPLE = "people"
FIELD_AUTHOR = "author"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason to believe a person plays ``role`` in an entry."""

    role: Role
    field: str  # "title" | "text" | "link" | "people" | "author"
    matched: str  # the words (or URL) that matched, as written
    snippet: str  # plain text around the match, at most ~200 characters
    confidence: float


@dataclass(frozen=True, slots=True)
class Detection:
    """A person found in an entry, with the strongest role and all the evidence.

    ``contact_id`` is None (and ``is_me`` True) for a detection of the user.
    """

    contact_id: int | None
    role: Role
    confidence: float
    matched: str
    field: str
    snippet: str
    evidence: tuple[Evidence, ...] = ()
    is_me: bool = False


@dataclass(frozen=True, slots=True)
class GuestSuggestion:
    """A guest who is not a known contact: add as a contact, or as an alias of one."""

    name: str
    href: str
    evidence: str  # why: the podcast:person element or the title, as plain text
    entry_guid: str
    field: str = FIELD_PEOPLE
    similar_contact_id: int | None = None
    similarity: float = 0.0


@dataclass(frozen=True, slots=True)
class EntryAnalysis:
    """Everything :meth:`DetectionIndex.analyse` found in one entry."""

    detections: tuple[Detection, ...] = ()
    me: Detection | None = None
    suggestions: tuple[GuestSuggestion, ...] = ()
