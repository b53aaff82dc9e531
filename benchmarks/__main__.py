"""`make bench`: every benchmark and the detection evaluation, one after the other.

Each runs in its own process (fresh imports and caches) and prints its own table; ratios
inside a table are measured in the same run. ``python -m benchmarks NAME …`` runs only the
benchmarks whose module name contains one of the NAMEs (``bench_pages``, ``bench_cli`` …).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCHMARKS = [
    ("balances from the database", "benchmarks.bench_balances"),
    ("feed ingestion", "benchmarks.bench_feeds"),
    ("ingestion end to end: vs feedparser and reader", "benchmarks.bench_ingest"),
    ("detection speed", "benchmarks.bench_detection"),
    ("detection accuracy (dev set)", "benchmarks.eval_detection"),
    ("guest detection on real podcasts (per show)", "benchmarks.eval_real"),
    ("detection inside ingest", "benchmarks.bench_detect_ingest"),
    ("auto-plan", "benchmarks.bench_plan"),
    ("CSV imports: rows/s and a concurrent writer's wait", "benchmarks.bench_imports"),
    # issue 11: the big workspace (built once into benchmarks/.work/ by the first of them)
    ("big workspace: ingest into it vs into an empty one", "benchmarks.bench_workspace"),
    ("big workspace: every page, cold and warm", "benchmarks.bench_pages"),
    ("big workspace: the planner command", "benchmarks.bench_cli"),
    # issue 15: reading a 50,000-message mbox
    ("mail import: messages per second and peak memory", "benchmarks.bench_mail"),
]


def main(argv: list[str]) -> int:
    wanted = [name for name in argv if not name.startswith("-")]
    root = Path(__file__).resolve().parents[1]
    failed = 0
    for title, module in BENCHMARKS:
        if wanted and not any(w in module for w in wanted):
            continue
        print(f"\n=== {title} ({module}) ===", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", module], cwd=root)
        print(f"--- {time.perf_counter() - started:.1f} s, exit {code}", flush=True)
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
