"""Issue 13.2: user templates are *compiled* in the limited worker, never in the app.

Jinja folds constant expressions while it compiles, so before this fix saving or
previewing ``{{ '%999999999s' % 1 }}`` or ``{{ 'x'|center(1000000000) }}`` took 20-30 s
and raised the app process to 5 GB before the limited worker was reached (the syntax
check compiled the text in-process). These tests pin down:

* both payloads are refused at save and at preview within 3 s, with a reason that names
  the limit, storing nothing, while the app process's peak memory stays put;
* no Jinja parse/compile entry point ever sees user text in this process, on any path
  (save, preview, one draft, a batch of drafts, listing, loading the editor);
* a normal template saves, previews and drafts exactly as the same text does when it is
  a trusted built-in compiled in-process, and a syntax error still names its box and line;
* one worker start per save and per batch of drafts (text and HTML parts together).
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest
from outreach_samples import TEMPLATES_DIR, context_for

from planner.errors import NotFound
from planner.outreach import isolation
from planner.outreach.errors import TemplateProblem, TemplateTooExpensive
from planner.outreach.isolation import IsolatedTemplate, check_source, render_isolated_many
from planner.outreach.render import TemplateLibrary, split_template
from planner.outreach.sandbox import compile_source, render_compiled
from planner.services import Workspace, contacts, outreach
from planner.services.contacts import ContactInput
from planner.services.outreach import TemplateError

#: The two payloads of the issue: each folds into a ~1 GB constant at compile time.
FOLDING_BOMBS = {
    "percent format": "{{ '%999999999s' % 1 }}",
    "center filter": "{{ 'x'|center(1000000000) }}",
}
#: Put into every user source of these tests, so the in-process guard can tell user text
#: from the built-in files (which may compile here).
MARKER = "ISSUE13-USER-TEXT"


# --- helpers ---------------------------------------------------------------------------


class _CompiledInProcess(BaseException):
    """A BaseException, so no ``except Exception`` on the way can hide the violation."""


@pytest.fixture
def no_user_compile(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Make every Jinja entry point that lexes, parses or compiles refuse user text.

    Yields the list of violations (``method: source start``); the tests assert it stays
    empty, and the raise makes a violation fail loudly even if it were swallowed.
    """
    seen: list[str] = []

    def guard(method: str) -> Callable[..., Any]:
        original = getattr(jinja2.Environment, method)

        def checked(self: jinja2.Environment, source: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(source, str) and MARKER in source:
                seen.append(f"{method}: {source[:60]!r}")
                raise _CompiledInProcess(method)
            return original(self, source, *args, **kwargs)

        return checked

    for method in ("parse", "_parse", "lex", "_tokenize", "compile", "from_string"):
        monkeypatch.setattr(jinja2.Environment, method, guard(method))
    yield seen


def _peak_rss_reset() -> Callable[[], int]:
    """A function returning the peak RSS growth in bytes since this call.

    Linux lets a process reset its own peak (VmHWM) through /proc/self/clear_refs, so an
    earlier test's peak cannot hide this one's; elsewhere ru_maxrss is the fallback (it
    can only under-report growth that happened below an older peak).
    """
    try:
        Path("/proc/self/clear_refs").write_text("5")

        def hwm() -> int:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
            raise OSError("no VmHWM")

        start = hwm()
        return lambda: hwm() - start
    except OSError:
        start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        return lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - start


def _count_worker_starts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    starts: list[int] = []
    original = isolation._run_worker

    def counted(payload: bytes, name: str, limits: Any) -> bytes:
        starts.append(len(payload))
        return original(payload, name, limits)

    monkeypatch.setattr(isolation, "_run_worker", counted)
    return starts


def _contact(ws: Workspace, name: str = "Jane Doe") -> int:
    slug = name.lower().replace(" ", ".")
    return contacts.add(ws, ContactInput(name=name, email=f"{slug}@example.com")).id


# --- the payloads -------------------------------------------------------------------------


@pytest.mark.parametrize("payload", FOLDING_BOMBS.values(), ids=FOLDING_BOMBS.keys())
@pytest.mark.parametrize("action", ["save", "preview", "preview for a contact"])
@pytest.mark.parametrize("name", ["evil", "featured_you"], ids=["new", "override"])
def test_a_folding_bomb_is_refused_within_3_s_naming_the_limit_and_storing_nothing(
    ws: Workspace, no_user_compile: list[str], payload: str, action: str, name: str
) -> None:
    contact_id = _contact(ws)
    grown = _peak_rss_reset()
    started = time.monotonic()
    with pytest.raises(TemplateError) as info:
        if action == "save":
            outreach.save_template(ws, name, subject=f"Hi {MARKER}", body=f"Hello\n{payload}\n")
        else:
            outreach.preview_template(
                ws,
                name,
                subject=f"Hi {MARKER}",
                body=f"Hello\n{payload}\n",
                contact_id=contact_id if action.endswith("contact") else None,
            )
    elapsed = time.monotonic() - started
    assert elapsed < 3.0, f"answered after {elapsed:.1f} s"
    message = str(info.value)
    assert "memory" in message or "longer than" in message, message
    assert "Traceback" not in message and "MemoryError" not in message
    # The composed template is "Subject" + blank line + body: body line 2 is the payload.
    assert info.value.part == "body" and info.value.line == 2, message
    assert grown() < 100 * 1024 * 1024, f"the app process grew by {grown() / 2**20:.0f} MiB"
    assert no_user_compile == []
    try:
        assert not outreach.get_template(ws, name).stored
    except NotFound:
        assert name == "evil"  # a new name: nothing of it exists at all


def test_the_app_process_peak_memory_stays_flat_across_both_payloads(ws: Workspace) -> None:
    grown = _peak_rss_reset()
    for payload in FOLDING_BOMBS.values():
        for html in ("", f"<p>{payload}</p>"):
            with pytest.raises(TemplateError):
                outreach.save_template(ws, "evil", subject="Hi", body=f"{payload}\n", html=html)
    assert grown() < 100 * 1024 * 1024, f"the app process grew by {grown() / 2**20:.0f} MiB"


@pytest.mark.parametrize("payload", FOLDING_BOMBS.values(), ids=FOLDING_BOMBS.keys())
def test_check_source_compiles_in_the_worker(payload: str, no_user_compile: list[str]) -> None:
    # Compile only: under the worker's memory limit the 1 GB fold fails, Jinja leaves the
    # expression for render time, and the check answers at once; the app never folds it.
    grown = _peak_rss_reset()
    started = time.monotonic()
    check_source(f"{MARKER}\n{payload}", name="evil.txt")
    assert time.monotonic() - started < 3.0
    assert grown() < 100 * 1024 * 1024 and no_user_compile == []


@pytest.mark.parametrize(
    "payload", ["{{ '%99999999s' % 1 }}", "{{ 'x'|center(99999999) }}"], ids=["percent", "center"]
)
def test_a_fold_that_fits_but_cannot_compile_is_too_expensive_not_a_crash(payload: str) -> None:
    # A 100 MB constant folds within the budget, then the generated code exceeds it: a
    # MemoryError while compiling is "too much memory", not "MemoryError: " as before.
    started = time.monotonic()
    with pytest.raises(TemplateTooExpensive, match="too much memory"):
        check_source(payload, name="evil.txt")
    assert time.monotonic() - started < 3.0


def test_a_folding_bomb_in_the_html_part_is_blamed_on_the_html_part(ws: Workspace) -> None:
    with pytest.raises(TemplateError) as info:
        outreach.save_template(
            ws, "evil", subject="Hi", body="Fine.\n", html=f"<p>\n{FOLDING_BOMBS['center filter']}"
        )
    assert info.value.part == "HTML" and "memory" in info.value.problem


# --- the app process never compiles user text ---------------------------------------------


def test_the_guard_catches_an_in_process_compile(no_user_compile: list[str]) -> None:
    # Without this, an empty list below could just mean the guard never fires.
    with pytest.raises(_CompiledInProcess):
        compile_source(f"Subject: {MARKER}\n\nx", name="t.txt")
    assert no_user_compile and no_user_compile[0].startswith("parse")


def test_save_preview_draft_list_and_edit_never_compile_user_text_here(
    ws: Workspace, no_user_compile: list[str]
) -> None:
    ids = [_contact(ws, f"Person {n}") for n in range(3)]
    subject = f"{MARKER} for {{{{ contact.first_name }}}}"
    body = f"Hello {{{{ contact.name }}}},\n{MARKER}\n"
    html = f"<p>{MARKER} {{{{ contact.name }}}}</p>"
    outreach.save_template(ws, "mine", subject=subject, body=body, html=html)
    preview = outreach.preview_template(ws, "mine", subject=subject, body=body, html=html)
    assert preview.subject == f"{MARKER} for Jane"
    draft = outreach.render_draft(ws, "mine", ids[0])
    assert draft.text == f"Hello Person 0,\n{MARKER}\n"
    assert draft.html == f"<p>{MARKER} Person 0</p>"
    batch = outreach.render_drafts(ws, "mine", ids * 10)
    assert len(batch.drafts) == 30 and not batch.problems
    assert outreach.get_template(ws, "mine").body == body
    assert "mine" in {t.name for t in outreach.list_templates(ws)}
    # A syntax error, an undefined value and a sandbox escape are all found in the worker.
    for bad_body, wanted in [
        (f"{MARKER}\n{{% if %}}\n", "syntax error"),
        (f"{MARKER}\n{{{{ contact.nmae }}}}\n", "nmae"),
        (f"{MARKER}\n{{{{ ''.__class__ }}}}\n", "not allowed"),
    ]:
        with pytest.raises(TemplateError, match=wanted):
            outreach.save_template(ws, "mine", subject="s", body=bad_body)
    # The built-in files still compile here: they are trusted and carry no marker.
    assert outreach.render_draft(ws, "help_offer", ids[0]).subject
    assert no_user_compile == []


# --- a normal template works as before ----------------------------------------------------


def test_a_user_copy_of_a_builtin_drafts_exactly_like_the_builtin(ws: Workspace) -> None:
    ids = [_contact(ws, name) for name in ("Jane Doe", "Ann Lee", "Bo Chen")]
    builtin = outreach.render_drafts(ws, "thank_you", ids)
    subject, body = split_template(TemplateLibrary(TEMPLATES_DIR).get("thank_you"))
    outreach.save_template(ws, "thank_you", subject=subject, body=body)
    assert outreach.get_template(ws, "thank_you").stored
    mine = outreach.render_drafts(ws, "thank_you", ids)
    assert [(d.subject, d.text) for d in mine.drafts] == [
        (d.subject, d.text) for d in builtin.drafts
    ]
    assert all(d.html is None for d in mine.drafts)  # a user text drops the built-in HTML
    preview = outreach.preview_template(ws, "thank_you", subject=subject, body=body)
    assert preview.subject == "Thank you, Jane"


def test_worker_output_equals_the_in_process_render_of_the_same_text() -> None:
    ctx = context_for("featured_you")
    sources = [
        IsolatedTemplate(TemplateLibrary(TEMPLATES_DIR).get(name, variant), f"t.{variant}", html)
        for name, variant, html in [("featured_you", "txt", False), ("featured_you", "html", True)]
    ]
    isolated = render_isolated_many(sources, [ctx, ctx])
    for template, texts in zip(sources, isolated, strict=True):
        expected = render_compiled(
            compile_source(template.source, name=template.name, html=template.html),
            ctx,
            name=template.name,
            source=template.source,
        )
        assert texts == [expected, expected]


@pytest.mark.parametrize(
    ("subject", "body", "html", "part", "line"),
    [
        ("Hi", "One\nTwo {{ contact.name }\n", "", "body", 2),
        ("Hi", "One\n\n\n{% for x in gives %}\n", "", "body", 4),
        ("Hi {{ contact..name }}", "Body\n", "", "subject", None),
        ("Hi", "Body\n", "<p>\n{% if %}\n</p>", "HTML", 2),
        ("Hi", "Body\n", "<p>{% autoescape false %}x{% endautoescape %}</p>", "HTML", 1),
    ],
)
def test_a_syntax_error_still_names_its_box_and_line(
    ws: Workspace, subject: str, body: str, html: str, part: str, line: int | None
) -> None:
    with pytest.raises(TemplateError) as info:
        outreach.save_template(ws, "broken", subject=subject, body=body, html=html)
    assert (info.value.part, info.value.line) == (part, line), str(info.value)
    with pytest.raises(NotFound):
        outreach.get_template(ws, "broken")


def test_a_syntax_error_in_html_comes_before_a_missing_value_in_text(ws: Workspace) -> None:
    # Both parts compile before either renders, as the old separate save check did.
    with pytest.raises(TemplateError) as info:
        outreach.save_template(
            ws, "broken", subject="Hi", body="{{ contact.nmae }}\n", html="<p>{% if %}</p>"
        )
    assert info.value.part == "HTML" and "syntax error" in info.value.problem


# --- overhead: one worker start per save and per batch ------------------------------------


def test_a_save_and_a_batch_of_50_drafts_each_start_one_worker(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [_contact(ws, f"Person {n}") for n in range(5)]
    starts = _count_worker_starts(monkeypatch)
    outreach.save_template(
        ws, "mine", subject="Hi {{ contact.first_name }}", body="Body\n", html="<p>Hi</p>"
    )
    assert len(starts) == 1  # text and HTML compiled and rendered together, no separate check
    starts.clear()
    batch = outreach.render_drafts(ws, "mine", ids * 10)
    assert len(batch.drafts) == 50 and len(starts) == 1
    starts.clear()
    outreach.render_drafts(ws, "help_offer", ids)  # built-in: no worker at all
    assert starts == []


def test_an_oversized_source_is_refused_before_any_worker_starts(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    starts = _count_worker_starts(monkeypatch)
    with pytest.raises(TemplateError, match="the limit is 50,000"):
        outreach.save_template(ws, "big", subject="Hi", body="x" * 60_000)
    with pytest.raises(TemplateProblem, match="the limit is 50,000"):
        check_source("x" * 60_000, name="big.txt")
    assert starts == []
