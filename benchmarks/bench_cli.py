"""The ``planner`` command on the big workspace (issue 11): a fresh process per call.

Against a copy of :func:`benchmarks.bench_workspace.workspace_db` (10,000 contacts, 1M
ledger rows, 200 asks, 500 gives, 200 feeds ingested), with ``$PLANNER_CLOCK`` at the
generator's "today", output to /dev/null, each command run ``--rounds`` times (default 5),
interleaved (round 1 of every command, then round 2 …), timed from the process's start to
its exit: min and median. A bare ``python -c pass`` is timed in the same rounds as the
floor every command pays.

Goals, judged on the min: ``templates list`` (reads nothing heavy) ≤ 0.5 s (issue 11);
``next`` and ``export balances`` ≤ 2.0 s (this benchmark's own bar: they read the ledger).

Run: ``python -m benchmarks.bench_cli [--rounds N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: (label, arguments after ``planner``, goal in seconds or None)
COMMANDS: list[tuple[str, list[str], float | None]] = [
    ("templates list", ["templates", "list"], 0.5),
    ("next", ["next"], 2.0),
    ("export balances", ["export", "balances"], 2.0),
]


def _planner() -> list[str]:
    script = Path(sys.executable).parent / "planner"
    return [str(script)] if script.exists() else [sys.executable, "-m", "planner"]


def _time(argv: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    started = time.perf_counter()
    proc = subprocess.run(
        argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    return time.perf_counter() - started, proc.returncode, proc.stderr.strip()


def run(db: Path, rounds: int) -> tuple[dict[str, list[float]], dict[str, str]]:
    """(seconds per run, by label; the failure of a command that exited non-zero)."""
    from benchmarks.bench_workspace import CLOCK_ENV_VALUE

    env = {
        **os.environ,
        "PLANNER_DATABASE_URL": f"sqlite:///{db}",
        "PLANNER_CLOCK": CLOCK_ENV_VALUE,
    }
    jobs = [("python -c pass", [sys.executable, "-c", "pass"])]
    jobs += [(label, [*_planner(), *args]) for label, args, _ in COMMANDS]
    times: dict[str, list[float]] = {label: [] for label, _ in jobs}
    failed: dict[str, str] = {}
    for _ in range(rounds):
        for label, argv in jobs:
            if label in failed:
                continue
            elapsed, code, err = _time(argv, env)
            if code != 0:
                failed[label] = f"FAILED (exit {code}): {(err.splitlines() or [''])[-1][:200]}"
            else:
                times[label].append(elapsed)
    return times, failed


def main(argv: list[str] | None = None) -> int:
    from benchmarks.bench_workspace import WORK, copy_db, workspace_db

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    db = workspace_db()
    with tempfile.TemporaryDirectory(prefix="cli-", dir=WORK) as tmp:
        times, failed = run(copy_db(db, Path(tmp)), args.rounds)
    goals = {label: goal for label, _, goal in COMMANDS}
    print(f"planner commands on {db.name}, {args.rounds} interleaved rounds, fresh process each:")
    print(f"  {'command':<18} | {'min s':>6} | {'median s':>8} | goal (on the min)")
    for label, values in times.items():
        if label in failed:
            print(f"  {label:<18} | {failed[label]}")
            continue
        goal = goals.get(label)
        verdict = (
            "" if goal is None else f"<= {goal} s: " + ("met" if min(values) <= goal else "NOT met")
        )
        print(
            f"  {label:<18} | {min(values):6.2f} | {statistics.median(values):8.2f} | "
            f"{verdict or 'reference, no goal'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
