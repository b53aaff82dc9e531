"""Parse a feed in a child process with CPU, memory and wall-clock limits (THREATS P2/P4).

A 10 MB feed of 100k trivial items costs feedparser ~44 s of CPU, and a body cap does
not bound that; an unforeseen expansion bug could eat the machine's memory. So big
bodies are parsed by a worker process (:mod:`planner.feeds.parse_worker`):

* ``RLIMIT_AS`` caps its address space (``memory_mb``): a blow-up is a MemoryError there;
* ``RLIMIT_CPU`` caps the CPU seconds of each job: the kernel stops it with SIGXCPU;
* the parent kills it when the wall-clock ``timeout_s`` runs out;
* every way it can fail comes back as a :class:`ParseError` with a plain message.

Workers are plain subprocesses (``python -m planner.feeds.parse_worker``) kept warm in a
small pool, so a parse costs a pipe round-trip, not an interpreter start. Why not
``multiprocessing``: its spawn/forkserver children re-run the parent's ``__main__``
(Streamlit's launcher, a test runner...) on every start, and ``fork`` from a threaded
server can deadlock. A worker that failed in any way is discarded, never reused.
"""

from __future__ import annotations

import atexit
import contextlib
import math
import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from planner.domain.entry import ParsedFeed
from planner.feeds.errors import ParseError
from planner.feeds.packing import unpack_feed
from planner.feeds.parse import DEFAULT_MAX_ENTRIES, parse_feed

__all__ = ["INLINE_MAX_BYTES", "parse_feed_auto", "parse_feed_isolated", "shutdown_workers"]

#: Bodies up to this size are cheap enough to parse in-process (see parse_feed_auto).
INLINE_MAX_BYTES = 256 * 1024
_HEADER = 8
_MAX_IDLE = 2  # warm workers kept per memory limit
_PROJECT_ROOT = str(Path(__file__).resolve().parents[2])


class _WorkerDied(Exception):
    def __init__(self, exitcode: int | None) -> None:
        super().__init__(f"worker exited with {exitcode}")
        self.exitcode = exitcode


class _Timeout(Exception):
    pass


class _Worker:
    """One ``parse_worker`` subprocess and the pipes to it."""

    def __init__(self, memory_bytes: int) -> None:
        env = dict(os.environ)
        # The worker imports ``planner`` by name: make sure it finds this very tree.
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (_PROJECT_ROOT, env.get("PYTHONPATH", "")) if p
        )
        self.memory_bytes = memory_bytes
        self.process = subprocess.Popen(
            [sys.executable, "-m", "planner.feeds.parse_worker", str(memory_bytes)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
            start_new_session=True,  # a Ctrl-C in the terminal is the parent's business
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin = self.process.stdin
        self.stdout_fd = self.process.stdout.fileno()

    def request(self, message: dict[str, Any], deadline: float) -> tuple[str, Any]:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.stdin.write(len(data).to_bytes(_HEADER, "big") + data)
            self.stdin.flush()
        except OSError:
            # It stopped reading our request: most likely it ran out of memory while
            # receiving it and said so before exiting. Read that answer if it is there.
            deadline = min(deadline, time.monotonic() + 2)
        size = int.from_bytes(self._read(_HEADER, deadline), "big")
        reply = pickle.loads(self._read(size, deadline))
        return reply  # type: ignore[no-any-return]

    def _read(self, n: int, deadline: float) -> bytes:
        chunks: list[bytes] = []
        while n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Timeout
            ready, _, _ = select.select([self.stdout_fd], [], [], left)
            if not ready:
                raise _Timeout
            chunk = os.read(self.stdout_fd, min(n, 1 << 20))
            if not chunk:
                raise _WorkerDied(self._wait_exit())
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def _wait_exit(self) -> int | None:
        try:
            return self.process.wait(2)
        except subprocess.TimeoutExpired:
            return None

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


class _Pool:
    """Idle warm workers by memory limit; one job per worker at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: dict[int, list[_Worker]] = {}

    def take(self, memory_bytes: int) -> _Worker:
        with self._lock:
            idle = self._idle.get(memory_bytes, [])
            while idle:
                worker = idle.pop()
                if worker.alive():
                    return worker
                worker.kill()
        return _Worker(memory_bytes)

    def give_back(self, worker: _Worker) -> None:
        with self._lock:
            idle = self._idle.setdefault(worker.memory_bytes, [])
            if worker.alive() and len(idle) < _MAX_IDLE:
                idle.append(worker)
                return
        worker.kill()

    def shutdown(self) -> None:
        with self._lock:
            workers = [w for ws in self._idle.values() for w in ws]
            self._idle.clear()
        for worker in workers:
            worker.kill()


_pool = _Pool()
atexit.register(_pool.shutdown)


def shutdown_workers() -> None:
    """Stop the idle parse workers (they are restarted on demand)."""
    _pool.shutdown()


def parse_feed_isolated(
    body: bytes,
    url: str = "",
    headers: Mapping[str, str] | None = None,
    *,
    timeout_s: float = 30.0,
    memory_mb: int = 1024,
    cpu_s: float | None = None,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> ParsedFeed:
    """:func:`~planner.feeds.parse.parse_feed` in a worker process with limits.

    Args:
        body, url, headers, max_entries: as for ``parse_feed``.
        timeout_s: wall-clock limit; the worker is killed when it runs out.
        memory_mb: address-space limit of the worker (RLIMIT_AS).
        cpu_s: CPU-seconds limit for this parse (RLIMIT_CPU, whole seconds, at least 1);
            defaults to ``timeout_s``.

    Raises:
        The same errors as ``parse_feed``, plus :class:`ParseError` when the worker ran
        out of time, CPU or memory, or died ("parsing took longer than 30 s and was stopped").
    """
    if not isinstance(body, bytes | bytearray | memoryview):
        raise TypeError("parse_feed_isolated() takes the fetched bytes, never a str or a path")
    cpu_seconds = max(1, math.ceil(cpu_s if cpu_s is not None else timeout_s))
    memory_bytes = int(memory_mb) * 1024 * 1024
    started = time.monotonic()
    worker = _pool.take(memory_bytes)
    message = {
        "body": bytes(body),
        "url": url,
        "headers": dict(headers or {}),
        "max_entries": max_entries,
        "cpu_seconds": cpu_seconds,
    }
    try:
        kind, payload = worker.request(message, started + timeout_s)
    except _Timeout:
        worker.kill()
        raise ParseError(url, f"parsing took longer than {timeout_s:g} s and was stopped") from None
    except _WorkerDied as died:
        worker.kill()
        raise _death(url, died.exitcode, cpu_seconds, memory_mb) from None
    except BaseException:
        worker.kill()  # interrupted mid-job: the pipe state is unknown
        raise
    if kind in ("ok", "error"):
        _pool.give_back(worker)
    else:
        worker.kill()
    if kind == "ok":
        return unpack_feed(payload)
    if kind == "error":
        raise payload
    if kind == "memory":
        raise ParseError(url, f"parsing needed more than {memory_mb} MB of memory and was stopped")
    raise ParseError(url, f"the parser failed unexpectedly: {payload}")


def _death(url: str, exitcode: int | None, cpu: int, memory_mb: int) -> ParseError:
    if exitcode == -signal.SIGXCPU:
        return ParseError(url, f"parsing used more than {cpu} s of CPU and was stopped")
    if exitcode == -signal.SIGKILL:
        return ParseError(url, f"the parser was killed (out of memory? limit {memory_mb} MB)")
    return ParseError(url, f"the parser process died (exit code {exitcode})")


def parse_feed_auto(
    body: bytes,
    url: str = "",
    headers: Mapping[str, str] | None = None,
    *,
    inline_max_bytes: int = INLINE_MAX_BYTES,
    **limits: Any,
) -> ParsedFeed:
    """Small bodies in-process (no round-trip), bigger ones via :func:`parse_feed_isolated`.

    Below ``inline_max_bytes`` a parse is bounded by the size itself: the DTD guard runs
    first, and there is too little input to cost much CPU or memory.
    """
    if len(body) <= inline_max_bytes:
        max_entries = limits.get("max_entries", DEFAULT_MAX_ENTRIES)
        return parse_feed(body, url=url, headers=headers, max_entries=max_entries)
    return parse_feed_isolated(body, url, headers, **limits)
