"""The template library: the built-in templates overridden by the user's, and their editor.

The built-ins are files in ``templates/``; the user's versions are rows of the
``templates`` table, typed in three boxes (subject, body, HTML). A template is checked and
rendered once against a made-up contact before it is saved, in the limited worker (see
planner.outreach.isolation), so a typo is refused with its line, not when a draft is made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.errors import InvalidInput, NotFound
from planner.outreach.context import CONTEXT_DOC
from planner.outreach.errors import TemplateProblem
from planner.outreach.render import (
    TemplateLibrary,
    compose_user_template,
    split_template,
    template_key,
)
from planner.outreach.samples import sample_context
from planner.outreach.sandbox import check_size
from planner.services.workspace import Workspace
from planner.storage.schema import TemplateRow

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "TEMPLATES_DIR",
    "TemplateError",
    "TemplateSource",
    "TemplateSummary",
    "context_doc",
    "delete_template",
    "draft_label",
    "get_template",
    "library",
    "list_templates",
    "save_template",
    "templates_frame",
    "title_of",
]

#: The built-in templates (an absolute path: never resolved against the working directory).
TEMPLATES_DIR = Path(__file__).resolve().parents[3] / "templates"


#: The built-in templates for people: (title, what a "Draft …" button says after "Draft").
_TEMPLATE_WORDS: dict[str, tuple[str, str]] = {
    "ask_affiliate_promo": ("Ask for an affiliate promotion", "an ask for an affiliate promotion"),
    "ask_guest_post": ("Offer a guest post", "a guest post offer"),
    "ask_intro": ("Ask for an introduction", "an ask for an introduction"),
    "ask_link": ("Ask for a link", "an ask for a link"),
    "ask_share": ("Ask for a share", "an ask for a share"),
    "decline_request": ("Decline a request", "a kind no"),
    "featured_you": ("Tell them they were featured", "a note that they were featured"),
    "first_transaction": ("First hello", "a first hello"),
    "follow_up": ("Follow-up", "a follow-up"),
    "help_offer": ("Offer help", "an offer of help"),
    "interview_invite": ("Interview invitation", "an interview invitation"),
    "reciprocate": ("Return a favour", "a favour in return"),
    "reward_offer": ("Offer a reward", "a reward offer"),
    "thank_you": ("Thank you", "a thank-you"),
}


def title_of(name: str) -> str:
    """A template's name for people: "Follow-up" for ``follow_up``; a user's own template
    ``launch_note`` is "Launch note"."""
    known = _TEMPLATE_WORDS.get(name)
    if known is not None:
        return known[0]
    words = " ".join(name.replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:] if words else name


def draft_label(name: str) -> str:
    """What a button that drafts with this template says: "Draft a follow-up"."""
    known = _TEMPLATE_WORDS.get(name)
    if known is not None:
        return f"Draft {known[1]}"
    return f"Draft: {title_of(name)}"


class TemplateError(InvalidInput):
    """A template cannot be saved or rendered; names the template, the part and the line.

    ``part`` is "subject", "body" or "HTML" for the user's templates (lines counted in
    that box) and "template" for a built-in file.
    """

    def __init__(self, template: str, part: str, line: int | None, problem: str) -> None:
        self.template = template
        self.part = part
        self.line = line
        self.problem = problem
        where = f"{part} line {line}" if line else part
        super().__init__(f"template '{template}', {where}: {problem}", field=part)


def template_error(problem: TemplateProblem, name: str, *, user: bool) -> TemplateError:
    """Line numbers of the composed user template back to the box the user typed in.

    A user template renders as ``Subject: <subject>`` (line 1), a blank line, then the
    body (line 3 onwards); see planner.outreach.render.compose_user_template.
    """
    html = problem.template_name.endswith(".html")
    line = problem.line
    if html:
        return TemplateError(name, "HTML", line, problem.message)
    if not user:
        return TemplateError(name, "template", line, problem.message)
    if line is None:
        return TemplateError(name, "template", None, problem.message)
    if line <= 2:
        return TemplateError(name, "subject", None, problem.message)
    return TemplateError(name, "body", line - 2, problem.message)


@dataclass(frozen=True, slots=True)
class TemplateSummary:
    """One row of the template list: where its text comes from and what it is for."""

    name: str
    #: "user" when the text comes from the user's version, else "builtin".
    origin: Literal["builtin", "user"]
    #: A built-in template of this name ships with the app.
    builtin: bool
    #: The user saved a version of their own.
    stored: bool
    has_html: bool
    description: str


@dataclass(frozen=True, slots=True)
class TemplateSource:
    """A template as an editor shows it: three boxes."""

    name: str
    subject: str
    body: str
    html: str
    #: The user's stored version (else the built-in one).
    stored: bool
    builtin: bool
    updated_at: datetime | None = None


def _stored_rows(session: Session) -> list[TemplateRow]:
    return list(session.scalars(select(TemplateRow).order_by(TemplateRow.name)))


def _user_entries(rows: Iterable[TemplateRow]) -> dict[str, str]:
    entries: dict[str, str] = {}
    for row in rows:
        try:
            entries.update(
                compose_user_template(row.name, subject=row.subject, body=row.body, html=row.html)
            )
        except TemplateProblem:
            continue  # a name the app would never have saved (written by hand): ignored
    return entries


def library(ws: Workspace, *, overrides: Mapping[str, str] | None = None) -> TemplateLibrary:
    """The built-in templates overridden by the user's (and by ``overrides``, for previews)."""
    with ws.read() as s:
        entries = _user_entries(_stored_rows(s))
    if overrides:
        entries.update(overrides)
    return TemplateLibrary(TEMPLATES_DIR, entries)


def builtin_library() -> TemplateLibrary:
    """The shipped templates alone, without the user's versions."""
    return TemplateLibrary(TEMPLATES_DIR)


def list_templates(ws: Workspace) -> list[TemplateSummary]:
    """Every template: the built-ins and the user's, with where each comes from."""
    builtin = builtin_library()
    builtin_names = set(builtin.names())
    with ws.read() as s:
        stored = {row.name for row in _stored_rows(s)}
    lib = library(ws)
    builtin_info = {i.name: i for i in builtin.infos()}
    out = []
    for info in lib.infos():
        description = info.description or (
            builtin_info[info.name].description if info.name in builtin_info else ""
        )
        out.append(
            TemplateSummary(
                name=info.name,
                origin=info.origin,
                builtin=info.name in builtin_names,
                stored=info.name in stored,
                has_html=info.has_html,
                description=description,
            )
        )
    return out


def clean_name(name: str) -> str:
    """The bare template name (``featured_you``), or InvalidInput saying what is wrong."""
    try:
        base, variant = template_key(name)
    except TemplateProblem as problem:
        raise InvalidInput(
            f"template name {name.strip()!r}: {problem.message}", field="name"
        ) from None
    if variant != "txt" or base != name.strip():
        raise InvalidInput(
            f"template name {name.strip()!r}: use the bare name ({base}), lower-case",
            field="name",
        )
    return base


def get_template(ws: Workspace, name: str) -> TemplateSource:
    """The user's version of a template, or the built-in one split into its boxes.

    Raises:
        NotFound: no template of that name.
    """
    builtin = builtin_library()
    has_builtin = builtin.builtin_source(name) is not None
    with ws.read() as s:
        row = s.get(TemplateRow, name)
        if row is not None:
            return TemplateSource(
                name=row.name,
                subject=row.subject,
                body=row.body,
                html=row.html,
                stored=True,
                builtin=has_builtin,
                updated_at=row.updated_at,
            )
    source = builtin.builtin_source(name)
    if source is None:
        raise NotFound(f"there is no template named {name!r}")
    subject, body = split_template(source)
    return TemplateSource(
        name=name,
        subject=subject,
        body=body,
        html=builtin.builtin_source(name, "html") or "",
        stored=False,
        builtin=True,
    )


def check_template(name: str, subject: str, body: str, html: str) -> dict[str, str]:
    """The library entries of a template typed in three boxes, or TemplateError.

    Only checks that compile nothing run here. The syntax and sandbox checks happen when
    the caller renders the entries, in the limited worker: compiling user text in this
    process could take seconds and gigabytes (Jinja folds constants, issue 13).
    """
    if not subject.strip():
        raise TemplateError(name, "subject", None, "a subject is required")
    if not body.strip():
        raise TemplateError(name, "body", None, "a body is required")
    entries = compose_user_template(name, subject=subject, body=body, html=html)
    try:
        for key, source in entries.items():
            check_size(source, name=key)
    except TemplateProblem as problem:
        raise template_error(problem, name, user=True) from None
    return entries


def save_template(
    ws: Workspace, name: str, *, subject: str, body: str, html: str = ""
) -> TemplateSource:
    """Store the user's version of a template (a new one, or an override of a built-in).

    The template is checked (syntax, sandbox rules, size) and rendered once against a
    made-up contact, so a typo such as ``{{ contact.nmae }}`` or a sandbox escape is
    refused here with its line, not when a draft is made. Compiling and rendering happen
    in one start of the limited worker (time and memory limits), never in this process.

    Raises:
        InvalidInput: a bad name.
        TemplateError: the template is unusable (part and line in the message).
    """
    name = clean_name(name)
    entries = check_template(name, subject, body, html)
    lib = TemplateLibrary(TEMPLATES_DIR, entries)
    try:
        lib.render(name, sample_context(ws.today()))
    except TemplateProblem as problem:
        raise template_error(problem, name, user=True) from None
    with ws.write() as s:
        row = s.get(TemplateRow, name)
        if row is None:
            row = TemplateRow(name=name)
            s.add(row)
        row.subject = " ".join(subject.split())
        row.body = body
        row.html = html if html.strip() else ""
        row.updated_at = ws.now()
    return get_template(ws, name)


def delete_template(ws: Workspace, name: str) -> str:
    """Remove the user's version: a built-in template comes back, a user-only one is gone.

    Raises:
        NotFound: the user has no stored version of that name.
    """
    with ws.write() as s:
        row = s.get(TemplateRow, name)
        if row is None:
            raise NotFound(f"you have no saved version of template {name!r}")
        s.delete(row)
    if builtin_library().builtin_source(name) is not None:
        return f"The template {title_of(name)} is back to the built-in version"
    return f"The template {title_of(name)} is deleted"


def context_doc() -> dict[str, str]:
    """Every variable a template may use, with its meaning."""
    return dict(CONTEXT_DOC)


def _iso(value: date | datetime | None) -> str:
    return value.isoformat() if value else ""


def templates_frame(ws: Workspace, **_: object) -> pd.DataFrame:
    """The user's templates (built-ins are files in templates/)."""
    import pandas as pd  # here: listing or editing templates does not need it

    builtin = set(builtin_library().names())
    with ws.read() as s:
        rows = [
            {
                "name": r.name,
                "overrides_builtin": r.name in builtin,
                "subject": r.subject,
                "body": r.body,
                "html": r.html,
                "updated_at": _iso(r.updated_at),
            }
            for r in _stored_rows(s)
        ]
    return pd.DataFrame(
        rows, columns=["name", "overrides_builtin", "subject", "body", "html", "updated_at"]
    )
