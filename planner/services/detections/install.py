"""Detection installed on a workspace: its index cache, and its hook on ingest (the light
part every opened workspace gets lives in :mod:`planner.services.detection_hook`)."""

from __future__ import annotations

from planner.services.detection_hook import install

__all__ = ["install"]
