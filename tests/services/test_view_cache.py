"""Views computed once per data version: every write bumps it, from any process."""

from __future__ import annotations

from datetime import date

import pytest

from planner.errors import InvalidInput
from planner.services import Workspace, balances, ledger, open_workspace, plan
from planner.services.backup import create_backup, restore_backup
from planner.services.ledger import LedgerInput
from planner.services.view_cache import SIZE, cached, view_cache
from tests.conftest import fixed_clock

LENA = LedgerInput(
    contact="Lena Kowalski", direction="gave", kind="interview", occurred_on="2026-11-30"
)


def test_every_write_bumps_the_version_and_a_failed_one_does_not(demo_ws: Workspace) -> None:
    before = demo_ws.data_version()
    ledger.add(demo_ws, LENA)
    assert demo_ws.data_version() == before + 1
    with pytest.raises(InvalidInput):
        ledger.add(
            demo_ws,
            LedgerInput(
                contact="Lena Kowalski", direction="up", kind="x", occurred_on="2026-11-30"
            ),
        )
    assert demo_ws.data_version() == before + 1  # rolled back with the write it marked


def test_a_view_is_computed_once_per_version(demo_ws: Workspace) -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cached(demo_ws, "answer", compute) == 1
    assert cached(demo_ws, "answer", compute) == 1
    ledger.add(demo_ws, LENA)
    assert cached(demo_ws, "answer", compute) == 2
    assert len(calls) == 2


def test_balances_and_the_snapshot_are_shared_until_the_data_changes(demo_ws: Workspace) -> None:
    as_of = date(2026, 12, 1)
    first = plan.snapshot(demo_ws, as_of=as_of)
    assert plan.snapshot(demo_ws, as_of=as_of) is first
    misses = view_cache(demo_ws).misses
    plan.snapshot(demo_ws, as_of=as_of)
    balances.all_balances(demo_ws, as_of=as_of)
    assert view_cache(demo_ws).misses == misses  # balances were computed for the snapshot

    lena = next(b for b in first.balances.values() if b.contact.name == "Lena Kowalski")
    ledger.add(demo_ws, LENA)
    after = plan.snapshot(demo_ws, as_of=as_of)
    assert after is not first
    assert after.balances[lena.contact.id].summary.given > lena.summary.given


def test_a_write_by_another_process_invalidates_the_cache(demo_ws: Workspace) -> None:
    as_of = date(2026, 12, 1)
    name = "Lena Kowalski"
    given = {b.contact.name: b.summary.given for b in balances.all_balances(demo_ws, as_of=as_of)}
    other = open_workspace(str(demo_ws.engine.url), clock=fixed_clock())
    try:
        ledger.add(other, LENA)
    finally:
        other.engine.dispose()
    now = {b.contact.name: b.summary.given for b in balances.all_balances(demo_ws, as_of=as_of)}
    assert now[name] > given[name]


def test_restoring_a_backup_bumps_the_version(demo_ws: Workspace) -> None:
    data = create_backup(demo_ws)
    names = {b.contact.name for b in balances.all_balances(demo_ws)}
    ledger.add(demo_ws, LENA)
    before = demo_ws.data_version()
    restore_backup(demo_ws, data, replace=True)
    assert demo_ws.data_version() > before
    assert {b.contact.name for b in balances.all_balances(demo_ws)} == names


def test_the_cache_keeps_a_bounded_number_of_views(ws: Workspace) -> None:
    for n in range(SIZE + 10):
        cached(ws, ("view", n), lambda n=n: n)
    assert len(view_cache(ws).entries) == SIZE
    assert ("view", SIZE + 9) in view_cache(ws).entries
    assert ("view", 0) not in view_cache(ws).entries


def test_archived_contacts_are_filtered_from_the_shared_list(demo_ws: Workspace) -> None:
    every = balances.all_balances(demo_ws, include_archived=True)
    active = balances.all_balances(demo_ws)
    assert len(active) == sum(not b.contact.archived for b in every)
    active.clear()  # the caller's own list: the cached one is untouched
    assert balances.all_balances(demo_ws, include_archived=True) == every
