"""Sandboxed Jinja2: the two environments, the template checks and error translation.

Why each choice (THREATS T1–T4):

* ``ImmutableSandboxedEnvironment``: no attribute of Python internals, no mutation of the
  context; Jinja2 ≥ 3.1.6 for the ``|attr("format")`` fix (CVE-2025-27516).
* ``StrictUndefined``: a typo is an error with a line number, not a silently blank name.
* Two environments: text (no autoescape, the output only goes into ``text/plain``) and
  HTML (autoescape on, ``|safe`` removed, ``{% autoescape false %}`` rejected).
* No loader: ``{% include %}``/``{% extends %}``/``{% import %}`` are refused up front, so
  a template can never name a file (GHSA-gmj6-6f8f-6699).
* Size caps on the source and on the output, and operator guards for the cheap blow-ups
  (``'A' * 10**9``, ``9**9**9``). Time and memory limits for user templates live in
  :mod:`planner.outreach.isolation`, because a sandbox cannot stop a loop.
* User text is never *compiled* in the app's process either: Jinja folds constant
  expressions at compile time (``{{ 'x'|center(10**9) }}``), so
  :func:`planner.outreach.isolation.check_source` compiles in the limited worker and
  :func:`compile_source` is for trusted files and for the worker itself.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from jinja2 import StrictUndefined, Template, nodes
from jinja2.exceptions import (
    SecurityError,
    TemplateAssertionError,
    TemplateSyntaxError,
    UndefinedError,
)
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from planner.outreach.errors import TemplateProblem, TemplateTooExpensive

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "check_size",
    "compile_source",
    "describe_exception",
    "render_compiled",
]


@dataclass(frozen=True, slots=True)
class Limits:
    """How much a template may cost. The defaults follow THREATS T2."""

    #: Template source, UTF-8 bytes.
    max_source_bytes: int = 50_000
    #: Rendered output, characters (per message part).
    max_output_chars: int = 200_000
    #: Wall clock for one isolated render batch, after the worker has started.
    timeout_seconds: float = 2.0
    #: Address space a worker may add to what it holds when it starts.
    memory_bytes: int = 256 * 1024 * 1024


DEFAULT_LIMITS = Limits()

#: No value in a message needs more characters or items than this; repeat counts, sums
#: and string widths beyond it are the handles of the cheap memory bombs (THREATS T2).
_MAX_VALUE_LEN = 1_000_000
_MAX_POWER_BITS = 4_096
_TEMPLATE_FILENAME = "<template>"


class _GuardedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox plus checks on the operators that can allocate without bound."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            _check_repeat(left, right)
            _check_repeat(right, left)
        elif operator == "**":
            _check_power(left, right)
        elif (
            operator == "+"
            and isinstance(left, str | list | tuple)
            and isinstance(right, str | list | tuple)
            and len(left) + len(right) > _MAX_VALUE_LEN
        ):
            raise TemplateTooExpensive("", None, "a value grows beyond any message size")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        # 'x'.ljust(10**9), 'x'.zfill(10**9), ... Only sequence methods: a big number is
        # fine to print ("{:,}".format(12000000)), just not as a width or a count.
        if isinstance(getattr(__obj, "__self__", None), str | list | tuple):
            for value in (*args, *kwargs.values()):
                if isinstance(value, int) and value > _MAX_VALUE_LEN:
                    raise TemplateTooExpensive(
                        "", None, f"numbers above {_MAX_VALUE_LEN:,} are not allowed here"
                    )
        return super().call(__context, __obj, *args, **kwargs)


def _check_repeat(seq: Any, count: Any) -> None:
    if (
        isinstance(seq, str | list | tuple)
        and isinstance(count, int)
        and len(seq) * count > _MAX_VALUE_LEN
    ):
        raise TemplateTooExpensive(
            "", None, f"repeating a value {count:,} times makes it too large"
        )


def _check_power(base: Any, exponent: Any) -> None:
    if (
        isinstance(base, int)
        and isinstance(exponent, int)
        and exponent > 0
        and max(abs(base), 2).bit_length() * exponent > _MAX_POWER_BITS
    ):
        raise TemplateTooExpensive("", None, "the number is too large")


def _make_env(*, html: bool) -> _GuardedSandbox:
    env = _GuardedSandbox(
        undefined=StrictUndefined,
        autoescape=html,
        # Block tags on their own line leave no blank line behind: templates stay readable.
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    if html:
        # Without |safe, feed text can only ever be escaped in the HTML part (THREATS T4).
        del env.filters["safe"]
    return env


_TEXT_ENV = _make_env(html=False)
_HTML_ENV = _make_env(html=True)

_FORBIDDEN_NODES: tuple[tuple[type[nodes.Node], str], ...] = (
    (nodes.Extends, "{% extends %} is not available: each template stands alone"),
    (nodes.Include, "{% include %} is not available: each template stands alone"),
    (nodes.Import, "{% import %} is not available: each template stands alone"),
    (nodes.FromImport, "{% from ... import %} is not available: each template stands alone"),
)


def _env(html: bool) -> _GuardedSandbox:
    return _HTML_ENV if html else _TEXT_ENV


def check_size(source: str, *, name: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a source above the size cap. Compiles nothing: safe on any user text.

    Raises:
        TemplateProblem: the source is too big.
    """
    size = len(source.encode("utf-8", "surrogatepass"))
    if size > limits.max_source_bytes:
        raise TemplateProblem(
            name, None, f"the template is {size:,} bytes; the limit is {limits.max_source_bytes:,}"
        )


def compile_source(
    source: str, *, name: str, html: bool = False, limits: Limits = DEFAULT_LIMITS
) -> Template:
    """Check and compile a template **in this process**.

    Only for trusted sources (the built-in files in ``templates/``) and inside the limited
    worker: compiling folds constant expressions, which on user text can take seconds and
    gigabytes (use :func:`planner.outreach.isolation.check_source` for those).
    """
    check_size(source, name=name, limits=limits)
    env = _env(html)
    try:
        tree = env.parse(source)
        for node_type, message in _FORBIDDEN_NODES:
            for node in tree.find_all(node_type):
                raise TemplateProblem(name, node.lineno, message)
        if html:
            for node in tree.find_all(nodes.EvalContextModifier):
                raise TemplateProblem(
                    name,
                    node.lineno,
                    "{% autoescape %} is not allowed in HTML templates: values are always escaped",
                )
        return env.from_string(source)
    except TemplateProblem:
        raise
    except MemoryError:
        # In the worker, a constant folded at compile time can exceed the memory limit.
        raise TemplateTooExpensive(name, None, "the template uses too much memory") from None
    except Exception as exc:
        line, message = describe_exception(exc, source)
        raise TemplateProblem(name, line, message) from None


def render_compiled(
    template: Template,
    context: Mapping[str, Any],
    *,
    name: str,
    source: str,
    limits: Limits = DEFAULT_LIMITS,
) -> str:
    """Render with the output cap; every failure becomes a :class:`TemplateProblem`."""
    parts: list[str] = []
    size = 0
    try:
        for chunk in template.generate(dict(context)):
            size += len(chunk)
            if size > limits.max_output_chars:
                raise TemplateTooExpensive(
                    name,
                    None,
                    f"the message is longer than {limits.max_output_chars:,} characters (stopped)",
                )
            parts.append(chunk)
    except TemplateTooExpensive as exc:
        line = exc.line or _template_line(exc.__traceback__)
        raise TemplateTooExpensive(name, line, exc.message) from None
    except TemplateProblem:
        raise
    except MemoryError as exc:
        line = _template_line(exc.__traceback__)
        raise TemplateTooExpensive(name, line, "the template uses too much memory") from None
    except Exception as exc:
        line, message = describe_exception(exc, source, context)
        raise TemplateProblem(name, line, message) from None
    return "".join(parts)


# --- turning exceptions into one human line -------------------------------------------

_NO_ATTR = re.compile(r"^'(?P<type>[^']*)' has no (?P<what>attribute|element) '(?P<attr>[^']*)'$")
_IS_UNDEFINED = re.compile(r"^'(?P<var>[^']*)' is undefined$")


def describe_exception(
    exc: BaseException, source: str, context: Mapping[str, Any] | None = None
) -> tuple[int | None, str]:
    """(line, message) for an exception raised while compiling or rendering ``source``."""
    if isinstance(exc, TemplateSyntaxError):
        message = exc.message or "syntax error"
        if isinstance(exc, TemplateAssertionError) and "'safe'" in message:
            message += " (|safe is disabled in HTML templates: values are always escaped)"
        elif not isinstance(exc, TemplateAssertionError):
            message = f"syntax error: {message}"
        return exc.lineno, message
    line = _template_line(exc.__traceback__)
    if isinstance(exc, UndefinedError):
        return line, _describe_undefined(str(exc.message or exc), source, line, context or {})
    if isinstance(exc, SecurityError):
        return line, f"not allowed in a template: {exc}"
    if isinstance(exc, RecursionError):
        return line, "the template is nested too deeply"
    if isinstance(exc, OverflowError):
        return line, f"too large: {exc}"
    return line, f"{type(exc).__name__}: {exc}"


def _template_line(tb: TracebackType | None) -> int | None:
    # Jinja rewrites tracebacks so that template frames carry the template line number.
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _TEMPLATE_FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _describe_undefined(
    message: str, source: str, line: int | None, context: Mapping[str, Any]
) -> str:
    match = _NO_ATTR.match(message)
    if match:
        attr = match["attr"]
        owner = _owner_expression(source, line, attr) or match["type"]
        text = f"'{owner}' has no {match['what']} '{attr}'"
        value = _lookup(context, owner)
        if isinstance(value, Mapping):
            return text + _suggest(attr, value.keys())
        return text
    match = _IS_UNDEFINED.match(message)
    if match:
        return f"'{match['var']}' is undefined" + _suggest(match["var"], context.keys())
    return message


def _owner_expression(source: str, line: int | None, attr: str) -> str | None:
    """``contact`` for ``{{ contact.nmae }}``: the dotted name in front of the bad attribute."""
    lines = source.splitlines()
    candidates = [lines[line - 1]] if line and 0 < line <= len(lines) else lines
    pattern = re.compile(
        r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*(?:\.\s*"
        + re.escape(attr)
        + r"\b|\[\s*['\"]"
        + re.escape(attr)
        + r"['\"]\s*\])"
    )
    for text in candidates:
        match = pattern.search(text)
        if match:
            return match.group(1)
    return None


def _lookup(context: Mapping[str, Any], dotted: str) -> Any:
    value: Any = context
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _suggest(word: str, options: Iterable[str]) -> str:
    names = [o for o in options if isinstance(o, str) and not o.startswith("_")]
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
