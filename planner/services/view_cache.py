"""Views computed once per version of the data, shared by every page, session and thread.

Every write transaction bumps the workspace's data version (:meth:`Workspace.write`, in any
process), so a view cached under the version it was computed at is never served stale, and
a page that asks for the same view three times, or a second visitor, pays for one
computation. The cache lives on the workspace (one per database), holds the newest value of
at most :data:`SIZE` keys (a key is a view's name and arguments, e.g. the as-of day), and
is safe for Streamlit's threads: a thread that misses while another computes the same view
at the same version waits for that result instead of computing it again (two sessions
opening the dashboard at once, or a page right after the app's warm-up, pay once).

Cached values are shared: callers must not mutate them (services hand out copies of
anything mutable a caller may change).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar, cast

from planner.services.workspace import Workspace

T = TypeVar("T")

#: Views kept per workspace: enough for every page's views at a few as-of days.
SIZE = 32


class ViewCache:
    """Key → (data version, value), least recently used first."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: OrderedDict[Hashable, tuple[int, object]] = OrderedDict()
        #: (key, version) → the lock its computing thread holds.
        self.computing: dict[tuple[Hashable, int], threading.Lock] = {}
        #: Computations made (for tests and benchmarks: a hit computes nothing).
        self.misses = 0

    def get(self, key: Hashable, version: int) -> tuple[bool, object]:
        with self.lock:
            found = self.entries.get(key)
            if found is None or found[0] != version:
                return False, None
            self.entries.move_to_end(key)
            return True, found[1]

    def put(self, key: Hashable, version: int, value: object) -> None:
        with self.lock:
            self.misses += 1
            self.entries[key] = (version, value)
            self.entries.move_to_end(key)
            while len(self.entries) > SIZE:
                self.entries.popitem(last=False)


def view_cache(ws: Workspace) -> ViewCache:
    """The workspace's cache (made at first use)."""
    cache = ws.attached(ViewCache)
    if cache is None:
        with _ATTACHING:
            cache = ws.attached(ViewCache)
            if cache is None:
                cache = ViewCache()
                ws.attach(cache)
    return cache


_ATTACHING = threading.Lock()


def cached(ws: Workspace, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``'s value for the current data version, computed at most once per version.

    The version is read before computing: a write that lands during the computation makes
    the next call compute again, never serves an older value under a newer version.
    """
    cache = view_cache(ws)
    version = ws.data_version()
    hit, value = cache.get(key, version)
    if hit:
        return cast(T, value)
    with cache.lock:
        flight = cache.computing.setdefault((key, version), threading.Lock())
    with flight:  # one thread computes; the others wait here, then find its value
        hit, value = cache.get(key, version)
        if hit:
            return cast(T, value)
        try:
            value = compute()
            cache.put(key, version, value)
        finally:
            with cache.lock:
                cache.computing.pop((key, version), None)
    return value
