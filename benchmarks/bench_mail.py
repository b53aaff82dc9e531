"""Reading a 50,000-message mbox: messages per second and peak memory (issue 15).

A seeded mbox (random.Random(7)) of realistic messages — Received and DKIM lines, encoded
subjects, replies with References, bodies from a few hundred bytes to 20 KB — about 10%
of them from or to one of the 2,000 contacts of a fresh SQLite workspace, the rest
newsletters and strangers. Written once into benchmarks/.work/ and reused.

Each run is a fresh process (a clean peak):

* the import (planner.services.mail_import.import_path, as `planner mail import` runs
  it): messages per second and ru_maxrss;
* the same file again into the same workspace: every exchange already known;
* the import once more into another fresh workspace under tracemalloc, for the Python
  heap's peak (tracemalloc slows it down: its time is not the speed).

    python -m benchmarks.bench_mail
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / ".work"
MESSAGES = 50_000
CONTACTS = 2_000
ME = "me@give-first.example"
MBOX = WORK / f"mail-{MESSAGES}-v1.mbox"
_WORD_TEXT = (
    "guest episode podcast launch share mention interview feature newsletter invoice "
    "meeting notes quick question follow up thanks intro coffee draft review update plan "
    "weekly digest offer sale webinar event conference call agenda proposal contract"
)
WORDS = _WORD_TEXT.split()


def contact_address(i: int) -> str:
    return f"person{i}@contact{i % 97}.example"


def _body(rng: random.Random, pool: str) -> str:
    size = int(300 * (20_000 / 300) ** rng.random())
    start = rng.randrange(0, len(pool) - size)
    text = pool[start : start + size]
    lines = [text[i : i + 76] for i in range(0, len(text), 76)]
    # mboxrd: a body line starting with "From " is escaped
    return "\n".join(">" + ln if ln.startswith("From ") else ln for ln in lines)


def _people(rng: random.Random, i: int) -> tuple[str, str, str]:
    """From, To and Cc of message ``i``: ~5% from a contact, ~5% to one, the rest others."""
    roll = rng.random()
    stranger = f"someone{rng.randrange(20_000)}@elsewhere{rng.randrange(300)}.example"
    if roll < 0.05:
        return f'"Person {i}" <{contact_address(rng.randrange(CONTACTS))}>', ME, ""
    if roll < 0.10:
        cc = contact_address(rng.randrange(CONTACTS)) if rng.random() < 0.2 else ""
        return f"Me <{ME}>", f"Person <{contact_address(rng.randrange(CONTACTS))}>", cc
    if roll < 0.70:
        return f"News <news@list{rng.randrange(50)}.example>", ME, ""
    return stranger, ME, ""


def _subject(rng: random.Random) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 9)))
    roll = rng.random()
    if roll < 0.2:
        return "Re: " + words
    if roll < 0.25:
        return "=?utf-8?q?Caf=C3=A9_" + words.replace(" ", "_") + "?="
    return words.capitalize()


def _message(rng: random.Random, i: int, when: datetime, pool: str) -> str:
    sender, to, cc = _people(rng, i)
    zone = rng.choice(["+0000", "-0500", "+0100", "+0530", "-0800"])
    lines = [f"From sender@example.org {when:%a %b %d %H:%M:%S %Y}"]
    for hop in range(rng.randint(2, 6)):
        lines.append(
            f"Received: from mx{hop}.relay{rng.randrange(90)}.example (mx{hop}.example "
            f"[10.{hop}.{rng.randrange(255)}.{rng.randrange(255)}])\n\tby mail.example with "
            f"ESMTPS id {rng.getrandbits(64):x}\n\tfor <{ME}>; {when:%a, %d %b %Y %H:%M:%S} {zone}"
        )
    lines.append(
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=s1;\n\t"
        f"b={rng.getrandbits(512):x}"
    )
    lines += [f"From: {sender}", f"To: {to}"]
    if cc:
        lines.append(f"Cc: {cc}")
    lines += [
        f"Subject: {_subject(rng)}",
        f"Date: {when:%a, %d %b %Y %H:%M:%S} {zone}",
        f"Message-ID: <{i}.{rng.getrandbits(40):x}@mail.example>",
    ]
    if i > 0 and rng.random() < 0.3:
        parent = f"<{rng.randrange(i)}.0@mail.example>"
        lines += [f"In-Reply-To: {parent}", f"References: <root{i}@mail.example> {parent}"]
    lines += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", ""]
    return "\n".join(lines) + "\n" + _body(rng, pool) + "\n\n"


def write_mbox(path: Path) -> None:
    rng = random.Random(7)
    pool = " ".join(rng.choice(WORDS) for _ in range(40_000))
    start = datetime(2024, 1, 1, tzinfo=UTC)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as handle:
        for i in range(MESSAGES):
            when = start + timedelta(minutes=30 * i + rng.randrange(30))
            handle.write(_message(rng, i, when, pool))
    tmp.replace(path)


def _workspace(db: Path) -> None:
    from planner.services import imports, open_workspace, settings

    ws = open_workspace(f"sqlite:///{db}")
    settings.save_profile(ws, name="Me", email=ME)
    rows = ["name,email,tier"] + [
        f"Person {i:05d},{contact_address(i)},network" for i in range(CONTACTS)
    ]
    result = imports.import_contacts(ws, ("\n".join(rows) + "\n").encode())
    assert result.ok, result.describe()
    ws.engine.dispose()


def _child(db: str, traced: bool) -> None:
    """One import in this process; prints its numbers as JSON."""
    import resource
    import tracemalloc

    from planner.services import mail_import, open_workspace

    ws = open_workspace(f"sqlite:///{db}")
    rss_before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    summary = mail_import.import_path(ws, MBOX)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "line": summary.line(),
                "read": summary.read,
                "peak": peak,
                "rss_kb": rss_kb,
                "rss_before_kb": rss_before_kb,
            }
        )
    )


def _run(db: Path, *, traced: bool = False) -> dict[str, object]:
    args = [sys.executable, "-m", "benchmarks.bench_mail", "--child", str(db)]
    if traced:
        args.append("--traced")
    out = subprocess.run(args, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def _report(title: str, result: dict[str, object]) -> None:
    seconds = float(str(result["seconds"]))
    rate = int(str(result["read"])) / seconds
    print(
        f"{title:<34} {seconds:7.1f} s {rate:9,.0f} msg/s   ru_maxrss "
        f"{int(str(result['rss_kb'])) / 1024:4.0f} MB "
        f"({int(str(result['rss_before_kb'])) / 1024:.0f} MB before)"
        + (
            f"   tracemalloc peak {int(str(result['peak'])) / 1e6:5.1f} MB"
            if result["peak"]
            else ""
        )
    )
    print(f"{'':<34} {result['line']}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        _child(argv[1], "--traced" in argv)
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    if not MBOX.exists():
        started = time.perf_counter()
        write_mbox(MBOX)
        print(f"wrote {MBOX.name} in {time.perf_counter() - started:.1f} s")
    size = MBOX.stat().st_size
    print(f"{MESSAGES:,} messages, {size / 1e6:.0f} MB, {CONTACTS:,} contacts")
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        first, traced = Path(tmp) / "first.db", Path(tmp) / "traced.db"
        _workspace(first)
        _workspace(traced)
        _report("import (fresh workspace)", _run(first))
        _report("again (all already known)", _run(first))
        _report("import under tracemalloc", _run(traced, traced=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
