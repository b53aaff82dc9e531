"""Balances from the database: 10,000 contacts, 1,000,000 ledger rows.

Measures, in a fresh process each, (a) every contact's decayed balance as of a date through
the app's service (one SQL aggregate over the stored growth column) and (b) a plain pandas
groupby-sum over the same rows already in memory, plus (c) loading the rows into pandas,
which is what a design that reloads the ledger per view would pay.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

WORK = Path(__file__).resolve().parent / ".work"
CONTACTS = 10_000
ROWS = 1_000_000
AS_OF = date(2026, 11, 1)


def build(path: Path) -> None:
    """Generate the database once (seeded); reused by later runs. The contacts and rows are
    the big workspace's (:func:`benchmarks.bench_workspace.insert_contacts_and_ledger`,
    same seed), without its e-mails, domains, asks, gives and feeds."""
    from benchmarks.bench_workspace import insert_contacts_and_ledger
    from planner.services import open_workspace

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    ws = open_workspace(f"sqlite:///{tmp}")
    insert_contacts_and_ledger(ws, random.Random(7), contacts=CONTACTS, rows=ROWS)
    ws.engine.dispose()
    tmp.rename(path)


def _child_service(db: str) -> None:
    from planner.services import balances, open_workspace

    ws = open_workspace(f"sqlite:///{db}")  # migrated once, in place, when the schema moved on
    t0 = time.perf_counter()
    result = balances.all_balances(ws, as_of=AS_OF)
    elapsed = time.perf_counter() - t0
    print(f"{elapsed:.6f} {len(result)}")


def _child_pandas(db: str) -> None:
    import sqlite3

    import pandas as pd

    con = sqlite3.connect(db)
    t0 = time.perf_counter()
    frame = pd.read_sql_query(
        "SELECT contact_id, direction, occurred_on, base FROM interactions", con
    )
    load = time.perf_counter() - t0
    frame["occurred_on"] = pd.to_datetime(frame["occurred_on"])
    t1 = time.perf_counter()
    age = (pd.Timestamp(AS_OF) - frame["occurred_on"]).dt.days
    value = frame["base"] * 0.5 ** (age / 180.0)
    signed = value.where(frame["direction"] == "gave", -value)
    result = signed[age >= 0].groupby(frame["contact_id"]).sum()
    groupby = time.perf_counter() - t1
    print(f"{groupby:.6f} {load:.6f} {len(result)}")


def _run_child(fn: str, db: Path) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"from benchmarks.bench_balances import {fn}; {fn}({str(db)!r})"],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return out.stdout.split()


def run() -> dict[str, float]:
    db = WORK / "balances-1m.db"
    if not db.exists():
        t0 = time.perf_counter()
        build(db)
        print(f"  generated {ROWS:,} rows in {time.perf_counter() - t0:.1f} s", flush=True)
    service = float(_run_child("_child_service", db)[0])
    groupby, load, _ = (float(x) for x in _run_child("_child_pandas", db))
    return {
        "service_all_balances_s": service,
        "pandas_groupby_in_memory_s": groupby,
        "pandas_load_rows_s": load,
        "ratio_service_to_groupby": service / groupby,
    }


def main() -> None:
    r = run()
    print(f"balances, {CONTACTS:,} contacts x {ROWS:,} rows (fresh process each):")
    print(f"  app service, from the database : {r['service_all_balances_s']:.3f} s (goal < 1 s)")
    print(f"  pandas groupby, rows in memory : {r['pandas_groupby_in_memory_s']:.3f} s")
    print(f"  pandas load of the rows alone  : {r['pandas_load_rows_s']:.3f} s")
    print(f"  ratio service / in-memory groupby: {r['ratio_service_to_groupby']:.2f}")


if __name__ == "__main__":
    main()
