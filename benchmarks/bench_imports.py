"""CSV imports: rows per second at 10k / 100k (/ 1M) rows, and how long another writer waits.

Each import runs through the service the CLI and the page use (parse, plan inside a read,
write in short batches) on a fresh SQLite database, in a fresh process. The concurrent
writer is another process calling `ledger add` (the service) in a loop while a 100k-contact
import runs; it reports the longest single call. Before issue 13 the import held the write
lock for its whole run, and that writer died after the 30 s busy timeout.

    python -m benchmarks.bench_imports            # everything, 1M ledger rows included
    python -m benchmarks.bench_imports --quick    # without the 1M ledger run
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTACT_SIZES = (10_000, 100_000)
LEDGER_SIZES = (10_000, 100_000, 1_000_000)
LEDGER_CONTACTS = 1_000
GOALS = {"contacts 100,000": 60.0, "ledger 1,000,000": 120.0}


def contacts_file(n: int) -> bytes:
    lines = ["name,email,domains,tier,reach,tags"]
    lines += [
        f"Person {i:07d},p{i}@mail{i % 997}.example,site{i}.example,network,{i % 90_000 + 10},"
        f"tag{i % 7}"
        for i in range(n)
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def ledger_file(n: int) -> bytes:
    kinds = ("mention", "link", "share", "interview", "feature")
    lines = ["contact,direction,kind,date,magnitude,note,title,link"]
    lines += [
        f"{'' if i % 10 == 0 else f'Person {i % LEDGER_CONTACTS:07d}'},"
        f"{'gave' if i % 3 else 'received'},{kinds[i % 5]},"
        f"{2020 + i % 7}-{i % 12 + 1:02d}-{i % 28 + 1:02d},{i % 4 + 1},,Post {i},"
        f"https://blog.example/p/{i}"
        for i in range(n)
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def _child_import(kind: str, n: int, db: str) -> None:
    """One import in this process; prints seconds and rows added as JSON."""
    from planner.services import imports, open_workspace

    ws = open_workspace(f"sqlite:///{db}")
    if kind == "ledger":
        result = imports.import_contacts(ws, contacts_file(LEDGER_CONTACTS))
        assert result.ok, result.describe()
        data = ledger_file(n)
    else:
        data = contacts_file(n)
    ready = Path(db).with_suffix(".ready")
    ready.write_text("1")
    started = time.perf_counter()
    if kind == "ledger":
        result = imports.import_ledger(ws, data, limits=imports.CLI_LIMITS)
    else:
        result = imports.import_contacts(ws, data, limits=imports.CLI_LIMITS)
    elapsed = time.perf_counter() - started
    assert result.ok and result.added == n, result.describe()
    print(json.dumps({"seconds": elapsed, "added": result.added}))


def _child_ledger_adds(db: str, stop: str) -> None:
    """`ledger add` in a loop until ``stop`` exists; prints each call's latency as JSON."""
    from planner.services import ledger, open_workspace

    ws = open_workspace(f"sqlite:///{db}", upgrade=False)
    latencies: list[float] = []
    while not Path(stop).exists():
        started = time.perf_counter()
        ledger.add(
            ws,
            ledger.LedgerInput(
                contact=None, direction="gave", kind="free_report", occurred_on="2026-11-01"
            ),
        )
        latencies.append(time.perf_counter() - started)
        time.sleep(0.02)  # a person or a cron job, not a tight loop
    print(json.dumps(latencies))


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def run_import(kind: str, n: int, *, with_writer: bool = False) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp:
        db = str(Path(tmp) / "planner.db")
        importer = subprocess.Popen(
            _python(
                f"from benchmarks.bench_imports import _child_import; "
                f"_child_import({kind!r}, {n}, {db!r})"
            ),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        writer = None
        stop = Path(tmp) / "stop"
        if with_writer:
            ready = Path(db).with_suffix(".ready")
            while not ready.exists() and importer.poll() is None:
                time.sleep(0.01)
            writer = subprocess.Popen(
                _python(
                    f"from benchmarks.bench_imports import _child_ledger_adds; "
                    f"_child_ledger_adds({db!r}, {str(stop)!r})"
                ),
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
        out, _ = importer.communicate()
        if importer.returncode != 0:
            raise SystemExit(f"import of {n:,} {kind} failed")
        measured = json.loads(out)
        result = {"seconds": measured["seconds"], "rows_per_s": n / measured["seconds"]}
        if writer is not None:
            stop.write_text("1")
            wout, _ = writer.communicate()
            if writer.returncode != 0:
                raise SystemExit("the concurrent `ledger add` failed")
            latencies = json.loads(wout)
            result["adds"] = len(latencies)
            result["max_wait_s"] = max(latencies)
            result["median_wait_s"] = sorted(latencies)[len(latencies) // 2]
        return result


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    print("CSV imports through the service (fresh process and database each):")
    print(f"  {'import':<22} {'rows':>10} {'seconds':>9} {'rows/s':>10}")
    runs: list[tuple[str, int, bool]] = [("contacts", n, False) for n in CONTACT_SIZES[:-1]]
    runs.append(("contacts", CONTACT_SIZES[-1], True))
    runs += [("ledger", n, False) for n in LEDGER_SIZES if not (quick and n >= 1_000_000)]
    results: dict[str, dict[str, float]] = {}
    for kind, n, with_writer in runs:
        r = run_import(kind, n, with_writer=with_writer)
        label = f"{kind} {n:,}"
        results[label] = r
        goal = GOALS.get(label)
        note = f"  (goal < {goal:.0f} s)" if goal else ""
        print(f"  {label:<22} {n:>10,} {r['seconds']:>9.1f} {r['rows_per_s']:>10,.0f}{note}")
        if "max_wait_s" in r:
            print(
                f"    concurrent `ledger add` during it: {int(r['adds'])} calls, longest "
                f"{r['max_wait_s']:.2f} s, median {r['median_wait_s']:.3f} s (goal: longest < 1 s)"
            )
    for kind, sizes in (("contacts", CONTACT_SIZES), ("ledger", LEDGER_SIZES)):
        small, large = f"{kind} {sizes[0]:,}", f"{kind} {sizes[-1]:,}"
        if large not in results:
            large = f"{kind} {sizes[-2]:,}"
        ratio = results[small]["rows_per_s"] / results[large]["rows_per_s"]
        print(
            f"  {kind}: rows/s at {small.split()[1]} / at {large.split()[1]} = {ratio:.2f}"
            " (linear: ~1)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
