"""The words detection stores: a detection's direction and status, a guest suggestion's status."""

from __future__ import annotations

from planner.domain.model import DetectionStatus, Direction

#: The direction of a detection that never reaches the ledger (industry feeds).
CONTEXT = "context"
GAVE = Direction.GAVE.value
RECEIVED = Direction.RECEIVED.value

AUTO = DetectionStatus.AUTO.value
PENDING = DetectionStatus.PENDING.value
CONFIRMED = DetectionStatus.CONFIRMED.value
DISMISSED = DetectionStatus.DISMISSED.value

#: Guest suggestion states.
SUGGESTION_PENDING = "pending"
SUGGESTION_ACCEPTED = "accepted"
SUGGESTION_DISMISSED = "dismissed"
SUGGESTION_ALIASED = "aliased"
