"""Use cases the pages and the CLI call. Each module takes a :class:`Workspace` first.

``Workspace`` and ``open_workspace`` are loaded on first use (a module ``__getattr__``),
not when the package is: ``from planner.services import contacts`` then costs only what
``contacts`` needs, and the ``planner`` command starts without importing every service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.services.opening import open_workspace
    from planner.services.workspace import Workspace

__all__ = ["Workspace", "open_workspace"]


def __getattr__(name: str) -> Any:
    if name == "Workspace":
        from planner.services.workspace import Workspace

        return Workspace
    if name == "open_workspace":
        from planner.services.opening import open_workspace

        return open_workspace
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
