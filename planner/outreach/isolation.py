"""Render user templates in a separate, limited process that can be stopped.

The sandbox stops a template from reaching Python internals but not from looping for
hours or allocating gigabytes (THREATS T2: ``{{ 'A' * 10**9 }}`` renders inside the
sandbox; nested ``range(100000)`` loops spin). Only a separate process can be stopped
from outside, so user templates render in one:

* a fresh interpreter (``python -I``, an empty environment: no database URL or secret
  reaches the process that runs user code) running :mod:`planner.outreach.worker`;
* inside it, ``RLIMIT_AS`` (memory), ``RLIMIT_CPU`` and an interval timer are set
  before the template is touched; the parent kills it when its wall clock runs out;
* the request goes in and the answer comes out as JSON, never pickle: even a worker
  that escaped the sandbox could only send back text, not code.

Why not ``multiprocessing``: its spawn and forkserver children re-run the parent's main
script (Streamlit's or pytest's launcher) before every job, and ``fork`` in the threaded
Streamlit server can deadlock.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from planner.outreach.errors import TemplateProblem, TemplateTooExpensive
from planner.outreach.sandbox import DEFAULT_LIMITS, Limits

__all__ = ["render_isolated"]

#: Interpreter start-up and imports are not the template's fault: granted on top of the
#: render timeout before the parent gives up on the worker.
STARTUP_GRACE_SECONDS = 5.0
_ROOT = str(Path(__file__).resolve().parents[2])
_BOOT = (
    "import sys; sys.path.insert(0, sys.argv[1]); from planner.outreach.worker import main; main()"
)

Result = str | TemplateProblem


def render_isolated(
    source: str,
    contexts: Sequence[Mapping[str, Any]],
    *,
    name: str,
    html: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> list[Result]:
    """Render ``source`` once per context in a limited worker process.

    Contexts must be plain JSON data (dicts, lists, strings, numbers, booleans), which is
    what :func:`planner.outreach.context.build_context` returns.

    Returns:
        One entry per context: the rendered text, or the problem of that context (an
        undefined value in one context does not fail the others).

    Raises:
        TemplateProblem: the template does not compile, or the worker failed.
        TemplateTooExpensive: the batch ran out of time, memory or output.
    """
    if not contexts:
        return []
    request = {
        "source": source,
        "contexts": list(contexts),
        "name": name,
        "html": html,
        "limits": {
            "max_source_bytes": limits.max_source_bytes,
            "max_output_chars": limits.max_output_chars,
            "timeout_seconds": limits.timeout_seconds,
            "memory_bytes": limits.memory_bytes,
        },
    }
    try:
        payload = json.dumps(request, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise TypeError(f"template contexts must be plain JSON data: {exc}") from None
    out = _run_worker(payload, name, limits)
    return _decode_answer(out, name)


def _run_worker(payload: bytes, name: str, limits: Limits) -> bytes:
    try:
        process = subprocess.Popen(
            [sys.executable, "-I", "-c", _BOOT, _ROOT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={},
            close_fds=True,
        )
    except OSError as exc:
        raise TemplateProblem(name, None, f"the template worker could not start: {exc}") from None
    try:
        out, _ = process.communicate(
            payload, timeout=limits.timeout_seconds + STARTUP_GRACE_SECONDS
        )
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise TemplateTooExpensive(
            name, None, f"rendering took longer than {limits.timeout_seconds:g} s (stopped)"
        ) from None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if process.returncode != 0 and not out:
        # Killed by SIGXCPU or SIGKILL, or died of memory before it could answer.
        raise TemplateTooExpensive(
            name, None, f"rendering used too much time or memory (worker exit {process.returncode})"
        )
    return out


def _decode_answer(out: bytes, name: str) -> list[Result]:
    try:
        answer = json.loads(out.decode("utf-8"))
        status = answer["status"]
    except (ValueError, KeyError, TypeError):
        raise TemplateProblem(name, None, "the template worker gave no usable answer") from None
    if status == "problem":
        raise _problem(answer["problem"], name)
    results: list[Result] = []
    for item in answer["results"]:
        if "text" in item and isinstance(item["text"], str):
            results.append(item["text"])
        else:
            results.append(_problem(item.get("problem", {}), name))
    return results


def _problem(data: Mapping[str, Any], name: str) -> TemplateProblem:
    line = data.get("line")
    message = str(data.get("message", "the template failed"))
    kind = TemplateTooExpensive if data.get("expensive") else TemplateProblem
    return kind(name, line if isinstance(line, int) else None, message)
