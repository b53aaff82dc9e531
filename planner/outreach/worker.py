"""The template worker: run by :mod:`planner.outreach.isolation` in its own process.

Reads one JSON request on stdin, sets its own limits, renders, writes one JSON answer
on stdout and exits. Imports only what rendering needs, so it starts quickly.
"""

from __future__ import annotations

import json
import math
import os
import sys
from typing import Any

from planner.outreach.errors import TemplateProblem, TemplateTooExpensive
from planner.outreach.sandbox import Limits, compile_source, render_compiled


class _OutOfTime(BaseException):
    """Raised by the interval timer; a BaseException so no handler on the way eats it."""


def main() -> None:
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    limits = Limits(**request["limits"])
    name = str(request["name"])
    _apply_limits(limits)
    try:
        answer = _render(request, name, limits)
    except _OutOfTime:
        answer = _problem_answer(
            TemplateTooExpensive(
                name, None, f"rendering took longer than {limits.timeout_seconds:g} s (stopped)"
            )
        )
    except MemoryError:
        answer = _problem_answer(
            TemplateTooExpensive(name, None, "the template uses too much memory (stopped)")
        )
    _cancel_timer()
    sys.stdout.buffer.write(json.dumps(answer, ensure_ascii=False).encode("utf-8"))
    sys.stdout.buffer.flush()


def _render(request: dict[str, Any], name: str, limits: Limits) -> dict[str, Any]:
    source = str(request["source"])
    try:
        template = compile_source(source, name=name, html=bool(request["html"]), limits=limits)
    except TemplateProblem as problem:
        return _problem_answer(problem)
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
    return {"status": "ok", "results": results}


def _problem_data(problem: TemplateProblem) -> dict[str, Any]:
    return {
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
