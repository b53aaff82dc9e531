"""The template worker: run by :mod:`planner.outreach.isolation` in its own process.

Reads one JSON request on stdin (one or more template sources and the contexts to render
them with; no contexts means "compile only"), sets its own limits, compiles every
source, renders, writes one JSON answer on stdout and exits. Imports only what rendering
needs, so it starts quickly.
"""

from __future__ import annotations

import json
import math
import os
import sys
from typing import Any

from jinja2 import Template

from planner.outreach.errors import TemplateProblem, TemplateTooExpensive
from planner.outreach.sandbox import Limits, compile_source, render_compiled


class _OutOfTime(BaseException):
    """Raised by the interval timer; a BaseException so no handler on the way eats it."""


class _Progress:
    """Which template the worker is busy with, so a limit names the one at fault."""

    name = "<template>"


def main() -> None:
    """Read one request on stdin, compile and render it under the limits, answer on stdout."""
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    limits = Limits(**request["limits"])
    progress = _Progress()
    # The limits go on before any template is touched: compiling is as dangerous as
    # rendering, because Jinja folds constant expressions while it compiles.
    _apply_limits(limits)
    try:
        answer = _run(request, limits, progress)
    except _OutOfTime:
        answer = _problem_answer(
            TemplateTooExpensive(
                progress.name,
                None,
                f"the template took longer than {limits.timeout_seconds:g} s (stopped)",
            )
        )
    except MemoryError:
        answer = _problem_answer(
            TemplateTooExpensive(progress.name, None, "the template uses too much memory (stopped)")
        )
    _cancel_timer()
    sys.stdout.buffer.write(json.dumps(answer, ensure_ascii=False).encode("utf-8"))
    sys.stdout.buffer.flush()


def _run(request: dict[str, Any], limits: Limits, progress: _Progress) -> dict[str, Any]:
    specs = [(str(t["source"]), str(t["name"]), bool(t["html"])) for t in request["templates"]]
    # Every part compiles before any renders: a syntax error anywhere comes first.
    compiled: list[tuple[Template, str, str]] = []
    for source, name, html in specs:
        progress.name = name
        try:
            template = compile_source(source, name=name, html=html, limits=limits)
        except TemplateProblem as problem:
            return _problem_answer(problem)
        compiled.append((template, source, name))
    answers: list[list[dict[str, Any]]] = []
    for template, source, name in compiled:
        progress.name = name
        results: list[dict[str, Any]] = []
        for context in request["contexts"]:
            try:
                text = render_compiled(template, context, name=name, source=source, limits=limits)
            except TemplateTooExpensive as problem:
                return _problem_answer(problem)  # the template, not this contact, is at fault
            except TemplateProblem as problem:
                results.append({"problem": _problem_data(problem)})
            else:
                results.append({"text": text})
        answers.append(results)
    return {"status": "ok", "templates": answers}


def _problem_data(problem: TemplateProblem) -> dict[str, Any]:
    return {
        "template": problem.template_name,
        "line": problem.line,
        "message": problem.message,
        "expensive": isinstance(problem, TemplateTooExpensive),
    }


def _problem_answer(problem: TemplateProblem) -> dict[str, Any]:
    return {"status": "problem", "problem": _problem_data(problem)}


def _apply_limits(limits: Limits) -> None:
    try:
        import resource
        import signal
    except ImportError:  # not Unix: the parent's wall clock is the only limit
        return
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = math.ceil(used.ru_utime + used.ru_stime + limits.timeout_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    # RLIMIT_AS counts what is already mapped, so the budget is added to it.
    budget = _address_space() + limits.memory_bytes
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        budget = min(budget, hard)
    resource.setrlimit(resource.RLIMIT_AS, (budget, hard))
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limits.timeout_seconds)


def _on_alarm(signum: int, frame: object) -> None:
    raise _OutOfTime


def _cancel_timer() -> None:
    try:
        import signal

        signal.setitimer(signal.ITIMER_REAL, 0)
    except (ImportError, AttributeError):
        pass


def _address_space() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 512 * 1024 * 1024


if __name__ == "__main__":
    main()
