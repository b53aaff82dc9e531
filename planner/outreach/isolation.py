"""Render user templates in a child process with a wall clock, CPU and memory limits.

The sandbox stops a template from reaching Python internals but not from looping for
hours or allocating gigabytes (THREATS T2: ``{{ 'A' * 10**9 }}`` renders inside the
sandbox, nested ``range(100000)`` loops spin). Only a separate process can be stopped
from outside, so user templates render in one:

* started from a ``forkserver`` (a small clean process, never a fork of the threaded
  Streamlit server; ``spawn`` where forkserver does not exist), with this module
  preloaded so a render costs milliseconds, not a fresh import of Jinja2;
* ``RLIMIT_AS`` (memory) and ``RLIMIT_CPU`` set inside the child before it touches the
  template; the parent kills it when the wall clock runs out;
* the answer comes back over a pipe as plain strings or :class:`TemplateProblem` s.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import time
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection
from typing import Any

from planner.outreach.errors import TemplateProblem, TemplateTooExpensive
from planner.outreach.sandbox import DEFAULT_LIMITS, Limits, compile_source, render_compiled

__all__ = ["render_isolated"]

#: The first render starts the forkserver (a Python start-up plus imports); that time is
#: not the template's fault, so it is granted on top of the render timeout.
_STARTUP_GRACE_SECONDS = 5.0

Result = str | TemplateProblem


def render_isolated(
    source: str,
    contexts: Sequence[Mapping[str, Any]],
    *,
    name: str,
    html: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> list[Result]:
    """Render ``source`` once per context in a limited child process.

    Returns:
        One entry per context: the rendered text, or the problem of that context (an
        undefined variable in one context does not fail the others).

    Raises:
        TemplateProblem: the template does not compile.
        TemplateTooExpensive: the batch ran out of time, memory or output; nothing of the
            batch is returned.
    """
    if not contexts:
        return []
    ctx = _mp_context()
    reader, writer = ctx.Pipe(duplex=False)
    process = ctx.Process(
        target=_child_main,
        args=(writer, source, [dict(c) for c in contexts], name, html, limits),
        name="give-first-template",
        daemon=True,
    )
    started = time.monotonic()
    try:
        process.start()
        writer.close()
        message = _wait_for_answer(reader, process, name, limits, started)
    finally:
        if process.is_alive():
            process.kill()
        process.join(timeout=5)
        reader.close()
        process.close()
    status, payload = message
    if status == "problem":
        raise payload
    return list(payload)


def _wait_for_answer(
    reader: Connection,
    process: multiprocessing.process.BaseProcess,
    name: str,
    limits: Limits,
    started: float,
) -> tuple[str, Any]:
    # The clock starts when the child signals it is ready, so a slow first forkserver
    # start-up is not blamed on the template.
    if not reader.poll(_STARTUP_GRACE_SECONDS):
        process.kill()
        raise TemplateProblem(name, None, "the template worker did not start")
    try:
        hello = reader.recv()
    except EOFError:
        raise _died(name, process) from None
    if hello != "ready":
        raise TemplateProblem(name, None, "the template worker answered nonsense")
    if not reader.poll(limits.timeout_seconds):
        process.kill()
        raise TemplateTooExpensive(
            name, None, f"rendering took longer than {limits.timeout_seconds:g} s (stopped)"
        )
    try:
        message = reader.recv()
    except EOFError:
        raise _died(name, process) from None
    if not (isinstance(message, tuple) and len(message) == 2):
        raise TemplateProblem(name, None, "the template worker answered nonsense")
    return message


def _died(name: str, process: multiprocessing.process.BaseProcess) -> TemplateProblem:
    process.join(timeout=5)
    # Killed by SIGXCPU/SIGKILL or out of memory while reporting: all mean "too costly".
    return TemplateTooExpensive(
        name, None, f"rendering used too much time or memory (worker exit {process.exitcode})"
    )


def _mp_context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    _add_forkserver_preload(ctx)
    return ctx


def _add_forkserver_preload(ctx: multiprocessing.context.BaseContext) -> None:
    # The forkserver is process-wide and other adapters may use it too: add this module
    # to its preload list rather than replace the list. Only effective before the server
    # starts; afterwards the child imports what it needs (slower, still correct).
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    current = list(getattr(server, "_preload_modules", ["__main__"]))
    if __name__ not in current:
        ctx.set_forkserver_preload([*current, __name__])  # type: ignore[attr-defined]


def _child_main(
    conn: Connection,
    source: str,
    contexts: list[dict[str, Any]],
    name: str,
    html: bool,
    limits: Limits,
) -> None:
    try:
        _apply_rlimits(limits)
        conn.send("ready")
        try:
            template = compile_source(source, name=name, html=html, limits=limits)
            results: list[Result] = []
            for context in contexts:
                try:
                    results.append(
                        render_compiled(template, context, name=name, source=source, limits=limits)
                    )
                except TemplateTooExpensive:
                    raise
                except TemplateProblem as problem:
                    results.append(problem)
            conn.send(("ok", results))
        except TemplateProblem as problem:
            conn.send(("problem", problem))
        except MemoryError:
            conn.send(
                ("problem", TemplateTooExpensive(name, None, "the template uses too much memory"))
            )
    finally:
        conn.close()


def _apply_rlimits(limits: Limits) -> None:
    try:
        import resource
    except ImportError:  # not on Unix: the wall-clock kill is the only limit
        return
    cpu = math.ceil(limits.timeout_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    # RLIMIT_AS counts what the process already maps, so the budget is added to it.
    budget = _current_address_space() + limits.memory_bytes
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        budget = min(budget, hard)
    resource.setrlimit(resource.RLIMIT_AS, (budget, hard))


def _current_address_space() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 512 * 1024 * 1024
