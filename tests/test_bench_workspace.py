"""The big-workspace generator (benchmarks/bench_workspace), scaled down: it builds what it
says, once, and detection finds the contacts its feeds name."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from benchmarks.bench_workspace import Size, base_dbs, counts, workspace_db

SMALL = Size(contacts=50, rows=2_000, asks=5, gives=10, feeds=3, entries_per_feed=4)


def test_small_workspace_has_what_the_size_says(tmp_path: Path) -> None:
    full = workspace_db(SMALL, work=tmp_path, log=False)
    got = counts(full)
    assert got["contacts"] == 50
    assert got["asks"] == 5 and got["planned_gives"] == 10
    assert got["feeds"] == 3 and got["entries"] == 12
    assert got["profile"] == 1
    # the 2,000 generated rows, plus the ledger rows of the gives and receipts detected
    assert got["interactions"] >= 2_000
    assert got["detections"] > 0
    con = sqlite3.connect(full)
    try:
        failed = con.execute("SELECT count(*) FROM feeds WHERE last_error IS NOT NULL")
        assert failed.fetchone()[0] == 0
    finally:
        con.close()


def test_the_empty_workspace_has_the_contacts_only_and_builds_are_reused(tmp_path: Path) -> None:
    pre, empty = base_dbs(SMALL, work=tmp_path, log=False)
    assert counts(empty)["contacts"] == 50
    assert counts(empty)["interactions"] == 0
    assert counts(pre)["interactions"] == 2_000
    stamp = pre.stat().st_mtime_ns
    assert base_dbs(SMALL, work=tmp_path, log=False) == (pre, empty)
    assert pre.stat().st_mtime_ns == stamp
