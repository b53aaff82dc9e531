"""Use cases the pages and the CLI call. Each module takes a :class:`Workspace` first."""

from planner.services.opening import open_workspace
from planner.services.workspace import Workspace

__all__ = ["Workspace", "open_workspace"]
