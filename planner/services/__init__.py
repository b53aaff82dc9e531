"""Use cases the pages and the CLI call. Each module takes a :class:`Workspace` first."""

from planner.services.workspace import Workspace, open_workspace

__all__ = ["Workspace", "open_workspace"]
