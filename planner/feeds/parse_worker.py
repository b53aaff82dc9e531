"""The parse worker process: ``python -m planner.feeds.parse_worker MEMORY_BYTES``.

Started and fed by :mod:`planner.feeds.isolate`; not a user command. It reads parse jobs
from stdin and writes results to stdout, each message an 8-byte big-endian length
followed by a pickle. Its limits:

* ``RLIMIT_AS`` = MEMORY_BYTES for its whole life (a blow-up is a MemoryError here,
  after which it answers ``("memory", None)`` and exits so the next job gets a fresh one);
* ``RLIMIT_CPU`` re-armed before every job to "CPU used so far + the job's budget", so the
  kernel stops it with SIGXCPU when one parse runs too long;
* no core dumps.

The parent kills it on its wall-clock limit. Pickle is fine here: the parent is the only
writer of our stdin, and only this code writes to the parent.
"""

from __future__ import annotations

import math
import os
import pickle
import resource
import sys
from typing import Any, BinaryIO

_HEADER = 8


def _read_exact(stream: BinaryIO, n: int) -> bytes | bytearray:
    """Read n bytes into one preallocated buffer (no second copy of a 20 MB body)."""
    buffer = bytearray(n)
    view = memoryview(buffer)
    pos = 0
    while pos < n:
        got = stream.readinto(view[pos:])  # type: ignore[attr-defined]
        if not got:
            return b""
        pos += got
    return buffer


def _write(stream: BinaryIO, message: tuple[str, Any]) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(_HEADER, "big") + data)
    stream.flush()


def _arm_cpu(seconds: int) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = math.ceil(usage.ru_utime + usage.ru_stime)
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = used + seconds
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _job(request: dict[str, Any]) -> tuple[str, Any]:
    from planner.feeds.errors import FeedError, ParseError
    from planner.feeds.packing import pack_feed
    from planner.feeds.parse import parse_feed

    url = request["url"]
    try:
        feed = parse_feed(
            request["body"],
            url=url,
            headers=request["headers"],
            max_entries=request["max_entries"],
        )
        return ("ok", pack_feed(feed))  # tuples: quicker to unpickle (feeds.packing)
    except FeedError as e:
        return ("error", e)
    except MemoryError:
        return ("memory", None)
    except RecursionError:
        return ("error", ParseError(url, "the feed is nested too deeply to parse"))
    except Exception as e:  # report it: the parent turns it into a ParseError
        return ("crash", f"{type(e).__name__}: {e}"[:500])


def main() -> int:
    memory_bytes = int(sys.argv[1])
    # Import before limiting: the limit is for parsing, not for starting Python, and the
    # first job's CPU budget should not pay for the imports either.
    import planner.feeds.parse  # noqa: F401

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    requests_in = sys.stdin.buffer
    replies_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    # Anything else printing to stdout (a warning, a stray print) must not corrupt replies.
    sys.stdout = sys.stderr

    while True:
        header = _read_exact(requests_in, _HEADER)
        if not header:
            return 0
        try:
            payload = _read_exact(requests_in, int.from_bytes(header, "big"))
            if not payload:
                return 0
            request = pickle.loads(payload)
            del payload
            _arm_cpu(int(request["cpu_seconds"]))
            reply = _job(request)
            del request
            _write(replies_out, reply)
        except MemoryError:
            reply = ("memory", None)
            _write(replies_out, reply)
        if reply[0] == "memory":
            return 0  # a process that hit its memory limit is not reused


if __name__ == "__main__":
    sys.exit(main())
