"""User templates cannot reach Python, cannot run away, and fail with a line number."""

from __future__ import annotations

import os
import resource
import time

import pytest
from outreach_samples import TEMPLATES_DIR, context_for

from planner.outreach.errors import TemplateProblem, TemplateTooExpensive
from planner.outreach.isolation import check_source, render_isolated
from planner.outreach.render import TemplateLibrary
from planner.outreach.sandbox import Limits, compile_source, render_compiled

CTX = context_for("featured_you")

#: THREATS §2.5: each must be refused or render without executing anything.
ESCAPES = [
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ self.__init__.__globals__.__builtins__.__import__('os').popen('echo PWNED-self').read() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__()|length }}",
    "{{ lipsum.__globals__['os'].popen('echo PWNED-lipsum').read() }}",
    "{{ joiner.__init__.__globals__.os.getcwd() }}",
    "{{ contact.__class__.__name__ }}",
    "{{ contact.__dict__ }}",
    "{{ contact.email.__class__ }}",
    "{{ '{0.__class__}'.format(contact) }}",
    "{{ '{0.__init__.__globals__}'.format_map({'0': contact}) }}",
    '{{ "{0.__call__.__builtins__[__import__]}" | attr("format")(not_here) }}',
    '{{ "{0.__call__.__builtins__[__import__]}" | attr("format")(contact) }}',
    "{{ range.__self__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ (contact|attr('__class__')) }}",
    "{{ contact.update({'name': 'x'}) }}{{ contact.name }}",
    "{{ gives.append(1) }}",
    "{{ config }}{{ request.environ }}",
    "{% for c in ''.__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ dict.__base__ }}",
    "{{ contact.items.__self__.__class__ }}",
]

#: THREATS §2.5 and T2: must be stopped quickly.
EXPENSIVE = [
    "{{ 'A' * 10**9 }}",
    "{{ 10**(10**8) }}",
    "{{ 9**(9**9) }}",
    "{{ range(10**9)|list|length }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}done",
    "{% set r = range(100000)|list %}{% for i in r %}{% for j in r %}{% endfor %}{% endfor %}",
    "{{ 'x'.ljust(10**9) }}",
    "{{ '{:>999999999}'.format('x') }}",
    "{{ '%999999999s'|format('x') }}",
    "{% set ns = namespace(s='AAAAAAAA') %}{% for i in range(40) %}"
    "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
    "{{ 'y'|center(999999999) }}",
    "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
]


def _user_library(source: str, key: str = "evil.txt", **kwargs: object) -> TemplateLibrary:
    return TemplateLibrary(TEMPLATES_DIR, {key: source}, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("payload", ESCAPES)
def test_sandbox_escapes_are_refused_or_harmless(payload: str, tmp_path) -> None:
    marker = tmp_path / "pwned"
    source = "Subject: x\n\n" + payload.replace("echo PWNED", f"touch {marker} && echo PWNED")
    try:
        draft = _user_library(source).render("evil", CTX)
    except TemplateProblem as problem:
        assert "Traceback" not in str(problem)
        assert problem.template_name.startswith("evil")
    else:
        for leak in ("PWNED", "uid=", "<class", "built-in", "function", "module", "os.", "/"):
            assert leak not in draft.text, (payload, draft.text)
    assert not marker.exists()


@pytest.mark.parametrize("payload", ESCAPES)
def test_sandbox_escapes_in_process_too(payload: str) -> None:
    source = "Subject: x\n\n" + payload
    try:
        text = render_compiled(compile_source(source, name="t"), CTX, name="t", source=source)
    except TemplateProblem:
        return
    assert "PWNED" not in text and "<class" not in text and "uid=" not in text


def test_security_error_has_a_human_message() -> None:
    with pytest.raises(TemplateProblem) as info:
        _user_library("Subject: x\n\n{{ ''.__class__ }}").render("evil", CTX)
    assert str(info.value) == (
        "line 3: not allowed in a template: access to attribute '__class__' of 'str' "
        "object is unsafe."
    )


def test_context_cannot_be_mutated() -> None:
    source = "Subject: x\n\n{% set _ = contact.update({'name': 'Eve'}) %}{{ contact.name }}"
    # In-process on purpose (test text, not user text): the worker gets a JSON copy of
    # the context, so only here could a mutation reach the caller's dict.
    with pytest.raises(TemplateProblem, match=r"unsafe|not allowed"):
        render_compiled(compile_source(source, name="t"), CTX, name="t", source=source)
    assert CTX["contact"]["name"] == "Jane Doe"
    with pytest.raises(TemplateProblem, match=r"unsafe|not allowed"):
        _user_library(source).render("evil", CTX)


@pytest.mark.parametrize("payload", EXPENSIVE)
def test_expensive_templates_are_stopped_quickly(payload: str) -> None:
    started = time.monotonic()
    with pytest.raises(TemplateProblem) as info:
        _user_library("Subject: x\n\n" + payload).render("evil", CTX)
    elapsed = time.monotonic() - started
    assert elapsed < 5, f"{payload}: {elapsed:.1f}s"
    assert "Traceback" not in str(info.value)


def test_runaway_loop_is_killed_by_the_wall_clock() -> None:
    source = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    started = time.monotonic()
    with pytest.raises(TemplateTooExpensive, match="longer than 1 s"):
        render_isolated(source, [CTX], name="loop", limits=Limits(timeout_seconds=1.0))
    assert time.monotonic() - started < 4


def test_memory_bomb_hits_the_memory_limit_not_the_app() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ~ doubles to 2**33 characters: far beyond the 256 MiB budget of the worker.
    source = (
        "{% set ns = namespace(s='AAAAAAAA') %}{% for i in range(30) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}"
    )
    with pytest.raises(TemplateTooExpensive):
        render_isolated(source, [CTX], name="bomb")
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert after - before < 100_000  # KiB: the app process did not grow


def test_output_cap() -> None:
    source = "Subject: x\n\n{% for i in range(1000) %}{{ 'x' * 1000 }}{% endfor %}"
    with pytest.raises(TemplateTooExpensive, match="longer than 200,000 characters"):
        _user_library(source).render("evil", CTX)


def test_operator_guards_in_process() -> None:
    for payload in ("{{ 'A' * 10**9 }}", "{{ 9**(9**9) }}", "{{ 'x'.ljust(10**9) }}"):
        template = compile_source(payload, name="t")
        with pytest.raises(TemplateTooExpensive):
            render_compiled(template, CTX, name="t", source=payload)
    # ... while ordinary arithmetic and big numbers still work.
    ok = "{{ 2 ** 10 }} {{ '{:,}'.format(12000000) }} {{ 'ab' * 3 }}"
    assert render_compiled(compile_source(ok, name="t"), CTX, name="t", source=ok) == (
        "1024 12,000,000 ababab"
    )


def test_source_size_cap() -> None:
    with pytest.raises(TemplateProblem, match="limit is 50,000"):
        check_source("x" * 50_001, name="big")
    check_source("x" * 50_000, name="ok")


def test_syntax_error_reports_its_line() -> None:
    source = "Subject: hi\n\nHello\n{% if contact.name %}\nno end"
    with pytest.raises(TemplateProblem) as info:
        check_source(source, name="broken")
    assert info.value.line == 5
    assert str(info.value).startswith("line 5: syntax error:")
    with pytest.raises(TemplateProblem) as info:
        check_source("Subject: x\n\n{{ contact.name }\n", name="broken")
    assert info.value.line == 3


def test_syntax_error_in_user_template_through_the_library() -> None:
    with pytest.raises(TemplateProblem) as info:
        _user_library("Subject: x\n\nfine\n{{ }}\n").render("evil", CTX)
    assert info.value.line == 4 and info.value.template_name == "evil.txt"


def test_undefined_names_the_expression_and_suggests() -> None:
    source = "Subject: x\n\nHi {{ contact.nmae }},\n"
    with pytest.raises(TemplateProblem) as info:
        _user_library(source).render("evil", CTX)
    assert str(info.value) == "line 3: 'contact' has no attribute 'nmae' (did you mean 'name'?)"
    with pytest.raises(TemplateProblem) as info:
        _user_library("Subject: x\n\n\n{{ contcat.name }}").render("evil", CTX)
    assert str(info.value) == "line 4: 'contcat' is undefined (did you mean 'contact'?)"
    with pytest.raises(TemplateProblem, match=r"line 3: 'last_give' has no attribute 'titel'"):
        _user_library("Subject: x\n\n{{ last_give.titel }}").render("evil", CTX)


def test_undefined_inside_a_loop_variable() -> None:
    source = "Subject: x\n\n{% for g in gives %}\n{{ g.titel }}\n{% endfor %}"
    with pytest.raises(TemplateProblem, match=r"^line 4: 'g' has no attribute 'titel'"):
        _user_library(source).render("evil", CTX)


def test_html_templates_cannot_unescape() -> None:
    for source, line in (
        ("<p>{{ contact.name|safe }}</p>", 1),
        ("<p>\n{% autoescape false %}{{ contact.name }}{% endautoescape %}</p>", 2),
        ("{% filter safe %}{{ contact.name }}{% endfilter %}", 1),
    ):
        with pytest.raises(TemplateProblem) as info:
            check_source(source, name="t.html", html=True)
        assert info.value.line == line
    # In a text template these are harmless (nothing is escaped there anyway).
    check_source("{{ contact.name|safe }}{% autoescape false %}x{% endautoescape %}", name="t")


@pytest.mark.parametrize(
    "source",
    [
        "{% include 'featured_you.txt.j2' %}",
        "{% extends '/etc/passwd' %}",
        "{% import 'x' as y %}",
        "{% from 'x' import y %}",
    ],
)
def test_templates_cannot_name_files(source: str) -> None:
    with pytest.raises(TemplateProblem, match="each template stands alone"):
        check_source("Subject: x\n\n" + source, name="t")


def test_one_bad_contact_does_not_fail_the_batch() -> None:
    lib = _user_library("Subject: {{ contact.name }}\n\n{{ 10 / contact.tags|length }}")
    good = context_for("x")
    good["contact"] = {**good["contact"], "tags": ["a", "b"]}
    results = lib.render_many("evil", [good, context_for("x")])
    assert results[0].text == "5.0\n"  # type: ignore[union-attr]
    assert isinstance(results[1], TemplateProblem)
    assert "ZeroDivisionError" in str(results[1])


def test_worker_processes_are_reaped() -> None:
    task = f"/proc/{os.getpid()}/task/{os.getpid()}/children"
    if not os.path.exists(task):
        pytest.skip("this kernel does not list child processes in /proc")

    def children() -> set[str]:
        with open(task) as f:
            return set(f.read().split())

    lib = _user_library("Subject: x\n\nok")
    lib.render("evil", CTX)
    before = children()
    for _ in range(5):
        lib.render("evil", CTX)
    with pytest.raises(TemplateTooExpensive):
        render_isolated(
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            [CTX],
            name="loop",
            limits=Limits(timeout_seconds=0.5),
        )
    assert children() <= before  # only the forkserver (if any) stays
