"""The template library: built-in templates from ``templates/``, overridden by the user's.

Template format (templates/README.md has the long version):

* ``<name>.txt.j2`` – the plain-text message. After rendering, its first line is
  ``Subject: ...`` and the rest, after a blank line, is the body. An optional
  ``{# description #}`` comment may precede the subject; it is shown in the template list.
* ``<name>.html.j2`` – optional HTML body (no subject line) sent as the alternative part.

User templates come from the database (the caller passes them), keyed ``<name>.txt`` or
``<name>.html`` (``.j2`` and a bare ``<name>``, meaning text, are accepted too). A user
text template replaces the built-in text *and* drops the built-in HTML alternative,
which would no longer say the same thing; a user HTML template replaces just the HTML.

Built-in templates are trusted and compile and render in-process; user templates are
compiled and rendered only in a child process with time and memory limits
(:mod:`planner.outreach.isolation`), because compiling alone can exhaust the server
(issue 13). Both go through the same sandbox and output cap.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from jinja2 import Template

from planner.outreach.errors import TemplateProblem, TemplateTooExpensive
from planner.outreach.isolation import IsolatedTemplate, render_isolated_many
from planner.outreach.sandbox import DEFAULT_LIMITS, Limits, compile_source, render_compiled

__all__ = [
    "RenderedDraft",
    "TemplateInfo",
    "TemplateLibrary",
    "compose_user_template",
    "split_subject",
    "split_template",
    "template_key",
]

Variant = Literal["txt", "html"]
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_SUBJECT = re.compile(r"^subject:[ \t]*(?P<subject>.*)$", re.IGNORECASE)
_BLANK_RUN = re.compile(r"\n{3,}")
_DESCRIPTION = re.compile(r"^\s*\{#-?\s*(?P<text>.*?)\s*-?#\}", re.DOTALL)


@dataclass(frozen=True, slots=True)
class RenderedDraft:
    """A rendered message, ready for :func:`planner.outreach.eml.build_draft`."""

    template_name: str
    subject: str
    text: str
    html: str | None = None


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    """What a template is: its name, where its text comes from, its variants."""

    name: str
    #: Where the text version comes from.
    origin: Literal["builtin", "user"]
    #: A user template with the name of a built-in one.
    overrides_builtin: bool
    has_text: bool
    has_html: bool
    #: The ``{# ... #}`` comment at the top, if any.
    description: str


@dataclass(frozen=True, slots=True)
class _Source:
    text: str
    user: bool


def template_key(key: str) -> tuple[str, Variant]:
    """``("featured_you", "html")`` from ``featured_you.html.j2``; bare names mean text.

    Names are lower-case letters, digits, ``_`` and ``-`` (at most 64): they never reach
    a file system, but they go into file names of downloads and must not look like paths.

    Raises:
        TemplateProblem: the name is not allowed.
    """
    base = key.strip()
    base = base.removesuffix(".j2")
    variant: Variant = "txt"
    if base.endswith(".html"):
        base, variant = base.removesuffix(".html"), "html"
    else:
        base = base.removesuffix(".txt")
    if not _NAME.match(base):
        raise TemplateProblem(
            key,
            None,
            "a template name uses lower-case letters, digits, '_' and '-' (at most 64)",
        )
    return base, variant


def split_subject(rendered: str, *, name: str) -> tuple[str, str]:
    """(subject, body) of a rendered text template.

    Raises:
        TemplateProblem: no ``Subject:`` first line, or an empty subject.
    """
    lines = rendered.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    match = _SUBJECT.match(lines[0]) if lines else None
    if match is None:
        raise TemplateProblem(name, 1, "the first line must be 'Subject: ...'")
    subject = " ".join(match["subject"].split())
    if not subject:
        raise TemplateProblem(name, 1, "the subject is empty for this contact")
    body_lines = lines[1:]
    while body_lines and not body_lines[0].strip():
        body_lines.pop(0)
    body = "\n".join(line.rstrip() for line in body_lines).rstrip() + "\n"
    # An optional paragraph that came out empty leaves two blank lines behind.
    return subject, _BLANK_RUN.sub("\n\n", body)


def compose_user_template(name: str, *, subject: str, body: str, html: str = "") -> dict[str, str]:
    """The library's user-template entries for a template stored as separate fields.

    For a store that keeps subject, body and HTML apart (an editor with three boxes):
    ``{"<name>.txt": "Subject: <subject>\\n\\n<body>", "<name>.html": html}``. Line breaks in
    the subject become spaces, so the subject can never spill into the body.

    Raises:
        TemplateProblem: the name is not allowed.
    """
    base, _ = template_key(name)
    entries = {f"{base}.txt": f"Subject: {' '.join(subject.split())}\n\n{body}"}
    if html.strip():
        entries[f"{base}.html"] = html
    return entries


def split_template(source: str) -> tuple[str, str]:
    """(subject, body) *sources* of a text template, for an editor with separate boxes.

    The optional ``{# description #}`` line is dropped. A template whose first line is not
    ``Subject: ...`` comes back as ("", source).
    """
    text = _DESCRIPTION.sub("", source, count=1).lstrip("\n")
    first, _, rest = text.partition("\n")
    match = _SUBJECT.match(first)
    if match is None:
        return "", source
    return match["subject"].strip(), rest.lstrip("\n")


class TemplateLibrary:
    """Built-in templates under ``builtin_dir``, overridden by name by ``user_templates``.

    Args:
        builtin_dir: the folder of ``*.txt.j2`` / ``*.html.j2`` files (an absolute path:
            never resolved against the working directory).
        user_templates: ``{"featured_you.txt": source, ...}`` from the database.
        limits: size, output, time and memory limits.

    User templates are compiled and rendered only in the limited worker process, never
    here: even compiling user text can cost seconds and gigabytes (constant folding,
    issue 13). There is deliberately no switch to render them in-process.

    Raises:
        TemplateProblem: a user template key is not a valid name.
    """

    def __init__(
        self,
        builtin_dir: Path,
        user_templates: Mapping[str, str] | None = None,
        *,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self._limits = limits
        self._builtin: dict[tuple[str, Variant], str] = {}
        for path in sorted(Path(builtin_dir).glob("*.j2")):
            name, variant = template_key(path.name)
            self._builtin[(name, variant)] = path.read_text(encoding="utf-8")
        self._user: dict[tuple[str, Variant], str] = {}
        for key, source in (user_templates or {}).items():
            self._user[template_key(key)] = source
        self._compiled: dict[tuple[str, Variant], Template] = {}

    # --- listing -----------------------------------------------------------------

    def names(self) -> list[str]:
        """Every template name, built-in or the user's, sorted."""
        return sorted({name for name, _ in (*self._builtin, *self._user)})

    def infos(self) -> list[TemplateInfo]:
        """What each template is: where its text comes from, its variants, its description."""
        infos = []
        for name in self.names():
            text = self._source(name, "txt")
            html = self._source(name, "html")
            builtin_names = {n for n, _ in self._builtin}
            infos.append(
                TemplateInfo(
                    name=name,
                    origin="user" if (text and text.user) else "builtin",
                    overrides_builtin=name in builtin_names
                    and any(n == name for n, _ in self._user),
                    has_text=text is not None,
                    has_html=html is not None,
                    description=_description(text.text) if text else "",
                )
            )
        return infos

    def get(self, name: str, variant: Variant = "txt") -> str:
        """The source of a template as it will be used (user's if overridden).

        Raises:
            TemplateProblem: no such template or variant.
        """
        source = self._source(name, variant)
        if source is None:
            raise TemplateProblem(name, None, f"there is no {variant} template named '{name}'")
        return source.text

    def builtin_source(self, name: str, variant: Variant = "txt") -> str | None:
        """The shipped version, to show a diff or to reset a user's edit."""
        return self._builtin.get((name, variant))

    def _source(self, name: str, variant: Variant) -> _Source | None:
        if (name, variant) in self._user:
            return _Source(self._user[(name, variant)], user=True)
        if variant == "html" and (name, "txt") in self._user:
            return None  # the user's text replaced the built-in; its HTML no longer fits
        if (name, variant) in self._builtin:
            return _Source(self._builtin[(name, variant)], user=False)
        return None

    # --- checking and rendering ------------------------------------------------------

    def check(self, name: str, context: Mapping[str, Any]) -> list[TemplateProblem]:
        """Every problem of a template against a sample context (for a preview page)."""
        try:
            self.render(name, context)
        except TemplateProblem as problem:
            return [problem]
        return []

    def render(self, name: str, context: Mapping[str, Any]) -> RenderedDraft:
        """Render one message.

        Raises:
            TemplateProblem: unknown template, a template error (with its line), or
                :class:`TemplateTooExpensive` when a limit stopped it.
        """
        result = self.render_many(name, [context])[0]
        if isinstance(result, TemplateProblem):
            raise result
        return result

    def render_many(
        self, name: str, contexts: Sequence[Mapping[str, Any]]
    ) -> list[RenderedDraft | TemplateProblem]:
        """Render one template for many contacts: one worker start per batch of contacts,
        for the text and the HTML part together.

        A problem with one contact (say, a value it lacks) is returned in its place.

        Raises:
            TemplateProblem: the template itself is unusable (unknown, does not compile,
                too expensive).
        """
        text_source = self._source(name, "txt")
        if text_source is None:
            raise TemplateProblem(name, None, f"there is no template named '{name}'")
        html_source = self._source(name, "html")
        parts: list[tuple[Variant, _Source]] = [("txt", text_source)]
        if html_source is not None:
            parts.append(("html", html_source))
        rendered = self._render_parts(name, parts, contexts)
        texts: Sequence[str | TemplateProblem] = rendered["txt"]
        htmls: Sequence[str | TemplateProblem | None] = (
            rendered["html"] if html_source is not None else [None] * len(contexts)
        )
        drafts: list[RenderedDraft | TemplateProblem] = []
        for text, html in zip(texts, htmls, strict=True):
            if isinstance(text, TemplateProblem):
                drafts.append(text)
            elif isinstance(html, TemplateProblem):
                drafts.append(html)
            else:
                try:
                    subject, body = split_subject(text, name=name)
                except TemplateProblem as problem:
                    drafts.append(problem)
                    continue
                drafts.append(RenderedDraft(name, subject, body, html))
        return drafts

    def _render_parts(
        self,
        name: str,
        parts: Sequence[tuple[Variant, _Source]],
        contexts: Sequence[Mapping[str, Any]],
    ) -> dict[Variant, list[str | TemplateProblem]]:
        """Each part rendered for every context: user parts in the worker, built-in
        parts here. The user's parts are checked (compiled) before any built-in part
        renders, so their syntax error is the one reported, as at save time."""
        out: dict[Variant, list[str | TemplateProblem]] = {}
        user = [(variant, source) for variant, source in parts if source.user]
        if user:
            jobs = [
                IsolatedTemplate(source.text, f"{name}.{variant}", variant == "html")
                for variant, source in user
            ]
            for variant, _ in user:
                out[variant] = []
            # Batches keep each answer (≤ max_output per message and part) a sane size.
            for start in range(0, len(contexts), _BATCH):
                results = render_isolated_many(
                    jobs, contexts[start : start + _BATCH], limits=self._limits
                )
                for (variant, _), texts in zip(user, results, strict=True):
                    out[variant] += texts
        for variant, source in parts:
            if not source.user:
                out[variant] = self._render_builtin(name, variant, source.text, contexts)
        return out

    def _render_builtin(
        self, name: str, variant: Variant, source: str, contexts: Sequence[Mapping[str, Any]]
    ) -> list[str | TemplateProblem]:
        # Built-in files are trusted (they ship with the app), so they compile here,
        # once per library; user text never reaches this method.
        label = f"{name}.{variant}"
        template = self._compiled.get((name, variant))
        if template is None:
            template = compile_source(
                source, name=label, html=variant == "html", limits=self._limits
            )
            self._compiled[(name, variant)] = template
        out: list[str | TemplateProblem] = []
        for context in contexts:
            try:
                out.append(
                    render_compiled(
                        template, context, name=label, source=source, limits=self._limits
                    )
                )
            except TemplateTooExpensive:
                raise  # the template is at fault, not this contact: as in the worker
            except TemplateProblem as problem:
                out.append(problem)
        return out


_BATCH = 100


def _description(source: str) -> str:
    match = _DESCRIPTION.match(source)
    return " ".join(match["text"].split()) if match else ""
