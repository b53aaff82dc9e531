"""Table rows the benchmarks insert in bulk (no service call per row)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any


def contact_row(
    name: str,
    *,
    now: datetime,
    domains: Sequence[str] = (),
    aliases: Sequence[str] = (),
    handles: Sequence[str] = (),
) -> dict[str, Any]:
    """A ``contacts`` row for ``insert(ContactRow)``: a manual network-tier contact."""
    return {
        "name": name,
        "aliases": list(aliases),
        "email": "",
        "domains": list(domains),
        "handles": list(handles),
        "tags": [],
        "tier": "network",
        "notes": "",
        "archived": False,
        "source": "manual",
        "created_at": now,
        "updated_at": now,
    }
