"""Compile and render user templates in a separate, limited process that can be stopped.

The sandbox stops a template from reaching Python internals but not from looping for
hours or allocating gigabytes (THREATS T2: ``{{ 'A' * 10**9 }}`` renders inside the
sandbox; nested ``range(100000)`` loops spin). Only a separate process can be stopped
from outside, so user templates render in one:

* a fresh interpreter (``python -I``, an empty environment: no database URL or secret
  reaches the process that runs user code) running :mod:`planner.outreach.worker`;
* inside it, ``RLIMIT_AS`` (memory), ``RLIMIT_CPU`` and an interval timer are set
  before the template is touched; the parent kills it when its wall clock runs out;
* the request goes in and the answer comes out as JSON, never pickle: even a worker
  that escaped the sandbox could only send back text, not code;
* the worker *compiles* too, and the app's process never does: Jinja folds constant
  expressions while compiling, so ``{{ '%999999999s' % 1 }}`` or
  ``{{ 'x'|center(1000000000) }}`` cost 20 s and 5 GB at compile time (issue 13).
  A save check is a compile-only request (:func:`check_isolated`); a message's text and
  HTML parts go in one request (:func:`render_isolated_many`), one worker start.

Why not ``multiprocessing``: its spawn and forkserver children re-run the parent's main
script (Streamlit's or pytest's launcher) before every job, and ``fork`` in the threaded
Streamlit server can deadlock.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.outreach.errors import TemplateProblem, TemplateTooExpensive
from planner.outreach.sandbox import DEFAULT_LIMITS, Limits, check_size

__all__ = [
    "IsolatedTemplate",
    "check_isolated",
    "check_source",
    "render_isolated",
    "render_isolated_many",
]

#: Interpreter start-up and imports are not the template's fault: granted on top of the
#: render timeout before the parent gives up on the worker.
STARTUP_GRACE_SECONDS = 5.0
_ROOT = str(Path(__file__).resolve().parents[2])
_BOOT = (
    "import sys; sys.path.insert(0, sys.argv[1]); from planner.outreach.worker import main; main()"
)

Result = str | TemplateProblem


@dataclass(frozen=True, slots=True)
class IsolatedTemplate:
    """One template source for the worker: its text, its name in messages, its variant."""

    source: str
    name: str
    html: bool = False


def check_isolated(
    templates: Sequence[IsolatedTemplate], *, limits: Limits = DEFAULT_LIMITS
) -> None:
    """Compile ``templates`` in the limited worker and render nothing.

    Jinja folds constant expressions while it compiles, so compiling
    ``{{ 'x'|center(10**9) }}`` already allocates the gigabyte: user text is compiled
    only where the time and memory limits apply, never in the app's process.

    Raises:
        TemplateProblem: the first template that does not compile, with its line.
        TemplateTooExpensive: compiling ran out of time or memory.
    """
    if templates:
        _run_batch(templates, [], limits, name=templates[0].name)


def check_source(
    source: str, *, name: str, html: bool = False, limits: Limits = DEFAULT_LIMITS
) -> None:
    """Refuse a template that is too big, does not parse or uses a forbidden construct.

    The compile runs in the limited worker, never in this process: Jinja folds constants
    while compiling, so ``{{ '%999999999s' % 1 }}`` costs a
    gigabyte before anything renders (issue 13).

    Raises:
        TemplateProblem: with the line of the first problem
            (:class:`TemplateTooExpensive` when compiling ran out of time or memory).
    """
    check_isolated([IsolatedTemplate(source, name, html)], limits=limits)


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
    return render_isolated_many([IsolatedTemplate(source, name, html)], contexts, limits=limits)[0]


def render_isolated_many(
    templates: Sequence[IsolatedTemplate],
    contexts: Sequence[Mapping[str, Any]],
    *,
    limits: Limits = DEFAULT_LIMITS,
) -> list[list[Result]]:
    """Render several templates (a message's text and HTML parts) in one worker start.

    Every template is compiled before any is rendered, so a syntax error in the HTML part
    is reported before a value the text part lacks, as a save check would.

    Returns:
        Per template, one entry per context (see :func:`render_isolated`).

    Raises:
        TemplateProblem: a template does not compile, or the worker failed (the problem
            names the template at fault).
        TemplateTooExpensive: the batch ran out of time, memory or output.
    """
    if not templates:
        return []
    if not contexts:
        return [[] for _ in templates]
    return _run_batch(templates, contexts, limits, name=templates[0].name)


def _run_batch(
    templates: Sequence[IsolatedTemplate],
    contexts: Sequence[Mapping[str, Any]],
    limits: Limits,
    *,
    name: str,
) -> list[list[Result]]:
    for template in templates:
        # Cheap and compile-free, so it stays here: an oversized source never even
        # travels to the worker.
        check_size(template.source, name=template.name, limits=limits)
    request = {
        "templates": [{"source": t.source, "name": t.name, "html": t.html} for t in templates],
        "contexts": list(contexts),
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
    return _decode_answer(out, [t.name for t in templates], len(contexts))


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
            name, None, f"the template took longer than {limits.timeout_seconds:g} s (stopped)"
        ) from None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if process.returncode != 0 and not out:
        # Killed by SIGXCPU or SIGKILL, or died of memory before it could answer.
        raise TemplateTooExpensive(
            name,
            None,
            f"the template used too much time or memory (worker exit {process.returncode})",
        )
    return out


def _decode_answer(out: bytes, names: Sequence[str], n_contexts: int) -> list[list[Result]]:
    try:
        answer = json.loads(out.decode("utf-8"))
        status = answer["status"]
        if status == "problem":
            problem = answer["problem"]
            culprit = problem.get("template")
            raise _problem(problem, culprit if culprit in names else names[0])
        per_template = answer["templates"]
        if len(per_template) != len(names):
            raise ValueError("one answer per template")
        results: list[list[Result]] = []
        for name, items in zip(names, per_template, strict=True):
            if len(items) != n_contexts:
                raise ValueError("one result per context")
            results.append(
                [
                    item["text"]
                    if isinstance(item.get("text"), str)
                    else _problem(item.get("problem", {}), name)
                    for item in items
                ]
            )
    except TemplateProblem:
        raise
    except (ValueError, KeyError, TypeError, AttributeError):
        raise TemplateProblem(names[0], None, "the template worker gave no usable answer") from None
    return results


def _problem(data: Mapping[str, Any], name: str) -> TemplateProblem:
    line = data.get("line")
    message = str(data.get("message", "the template failed"))
    kind = TemplateTooExpensive if data.get("expensive") else TemplateProblem
    return kind(name, line if isinstance(line, int) else None, message)
