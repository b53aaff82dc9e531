"""Outreach: drafts from templates, the user's templates, selections of recipients, files.

Drafts are rendered from the template library (``templates/`` plus the user's templates
stored in the ``templates`` table) against a context built from the ledger: what I gave
the contact, what they gave me, the ask, request or planned give the message is about and
the balance (see planner.outreach.context for every key). The result is an .eml draft
(planner.outreach.eml) that a mail client opens ready to send.

Errors are PlannerErrors: a template problem is a :class:`TemplateError` (an InvalidInput)
that names the part and the line ("body line 3: 'contact' has no attribute 'nmae'"); a
header that cannot be written safely (a contact name with a line break, say) is an
InvalidInput naming the contact. Nothing here writes a file; callers do.

This module also registers the exports of the tables that had none yet (``templates``,
``profile``, and ``interactions`` as another name of ``ledger``; asks, gives and requests
are planner.services.planning's), and offers the CSV helpers of the Import & export page.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from planner.domain.model import AskStatus, Direction, Kind, Profile, Tier
from planner.errors import InvalidInput, NotFound
from planner.files.csv_export import to_csv_bytes
from planner.files.csv_import import (
    FORMAT_DOC,
    example_contacts_csv,
    example_ledger_csv,
    parse_contacts_csv,
    parse_ledger_csv,
)
from planner.outreach.eml import build_draft, draft_filename, mailto_link, zip_drafts
from planner.outreach.errors import DraftError, TemplateProblem
from planner.outreach.render import (
    RenderedDraft,
    TemplateLibrary,
    compose_user_template,
    split_template,
    template_key,
)
from planner.outreach.samples import sample_context
from planner.outreach.sandbox import check_size
from planner.services import asks as asks_service
from planner.services import balances, exports, imports
from planner.services.contacts import resolve
from planner.services.workspace import Workspace
from planner.storage.convert import (
    ask_from_row,
    contact_from_row,
    give_from_row,
    interaction_from_row,
    request_from_row,
)
from planner.storage.schema import (
    AskRow,
    ContactRow,
    InteractionRow,
    PlannedGiveRow,
    ProfileRow,
    RequestRow,
    TemplateRow,
)

__all__ = [
    "FEATURE_KINDS",
    "FORMAT_DOC",
    "MAILTO_MAX_CHARS",
    "TEMPLATES_DIR",
    "Draft",
    "DraftBatch",
    "ImportPreview",
    "ReadyAsk",
    "Recipient",
    "TemplateError",
    "TemplateSource",
    "TemplateSummary",
    "asks_for",
    "calendar_file",
    "context_doc",
    "delete_template",
    "draft_eml",
    "drafts_zip",
    "example_csv",
    "find_contact",
    "get_template",
    "gives_for",
    "library",
    "list_templates",
    "mailto",
    "preview_import",
    "preview_template",
    "ready_asks",
    "render_draft",
    "render_drafts",
    "requests_for",
    "save_template",
    "select_featured_since",
    "select_ready_asks",
    "select_tier",
    "table_csv",
]

#: The built-in templates (an absolute path: never resolved against the working directory).
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
#: Ledger kinds that mean "I featured them" (for the featured-since selection).
FEATURE_KINDS: tuple[str, ...] = (Kind.FEATURE, Kind.INTERVIEW, Kind.MENTION, Kind.LINK)
#: mailto: links longer than this are cut by some browsers and mail clients.
MAILTO_MAX_CHARS = 1_800
#: Ledger items per list in a message context (the newest).
MAX_ITEMS = 10
#: Asks that have not gone out yet: the ones a draft is for.
_UNSENT_ASK_STATUSES = (AskStatus.IDEA.value, AskStatus.PLANNED.value)


# --- errors ---------------------------------------------------------------------------


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


def _template_error(problem: TemplateProblem, name: str, *, user: bool) -> TemplateError:
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


def _draft_error(error: DraftError, contact_name: str) -> InvalidInput:
    what = {
        "to_name": "their name",
        "to_addr": "their e-mail address",
        "from_name": "your name (Settings)",
        "from_addr": "your e-mail address (Settings)",
        "subject": "the subject",
    }.get(error.field, error.field)
    # The name is shown on one line: it may be exactly what made the header unsafe.
    shown = " ".join(repr(contact_name)[1:-1].split())
    message = str(error).split(": ", 1)[-1]
    return InvalidInput(
        f"no draft for {shown!r}: {what} cannot go into an e-mail header ({message})",
        field=error.field,
    )


# --- templates ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TemplateSummary:
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


def _builtin_library() -> TemplateLibrary:
    return TemplateLibrary(TEMPLATES_DIR)


def list_templates(ws: Workspace) -> list[TemplateSummary]:
    """Every template: the built-ins and the user's, with where each comes from."""
    builtin = _builtin_library()
    builtin_names = set(builtin.names())
    with ws.read() as s:
        stored = {row.name for row in _stored_rows(s)}
    lib = library(ws)
    builtin_info = {i.name: i for i in builtin.list()}
    out = []
    for info in lib.list():
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


def _clean_name(name: str) -> str:
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
    builtin = _builtin_library()
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


def _check_template(name: str, subject: str, body: str, html: str) -> dict[str, str]:
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
        raise _template_error(problem, name, user=True) from None
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
    name = _clean_name(name)
    entries = _check_template(name, subject, body, html)
    lib = TemplateLibrary(TEMPLATES_DIR, entries)
    try:
        lib.render(name, sample_context(ws.today()))
    except TemplateProblem as problem:
        raise _template_error(problem, name, user=True) from None
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
    if _builtin_library().builtin_source(name) is not None:
        return f"template {name} is back to the built-in version"
    return f"template {name} deleted"


def context_doc() -> dict[str, str]:
    """Every variable a template may use, with its meaning."""
    from planner.outreach.context import CONTEXT_DOC

    return dict(CONTEXT_DOC)


# --- drafts ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recipient:
    """One message of a batch: to whom, and about which ask, request or planned give."""

    contact_id: int
    ask_id: int | None = None
    request_id: int | None = None
    give_id: int | None = None
    #: Show only ledger gives of these kinds (the features, for "featured you").
    give_kinds: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Draft:
    """A rendered message to one contact, with its .eml file."""

    template: str
    contact_id: int
    contact_name: str
    #: The contact's address, "" when none is on file (the .eml then says so).
    to_addr: str
    subject: str
    text: str
    html: str | None
    filename: str
    eml: bytes

    @property
    def has_email(self) -> bool:
        return bool(self.to_addr)


@dataclass
class DraftBatch:
    """Drafts for many contacts; a contact whose draft failed is listed with why."""

    template: str
    drafts: list[Draft] = field(default_factory=list)
    #: (contact name, message) for each contact without a draft.
    problems: list[tuple[str, str]] = field(default_factory=list)
    zip: bytes = b""

    @property
    def without_email(self) -> list[str]:
        return [d.contact_name for d in self.drafts if not d.has_email]

    def describe(self) -> str:
        lines = [f"{len(self.drafts)} draft(s) from template {self.template}"]
        if self.without_email:
            lines.append(
                f"{len(self.without_email)} without an e-mail address (add it before "
                f"sending): {', '.join(self.without_email)}"
            )
        lines += [f"no draft for {name}: {message}" for name, message in self.problems]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class _Prepared:
    recipient: Recipient
    contact: ContactRow
    context: dict[str, Any]


def _get_row(session: Session, model: type, row_id: int, what: str) -> Any:
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"no {what} with id {row_id}")
    return row


def _recent(
    session: Session, contact_id: int, direction: Direction, kinds: Sequence[str]
) -> tuple[list[Any], int]:
    where = [InteractionRow.contact_id == contact_id, InteractionRow.direction == direction.value]
    if kinds:
        where.append(InteractionRow.kind.in_(list(kinds)))
    rows = session.scalars(
        select(InteractionRow)
        .where(*where)
        .order_by(InteractionRow.occurred_on.desc(), InteractionRow.id.desc())
        .limit(MAX_ITEMS)
    )
    total = session.scalar(select(func.count()).select_from(InteractionRow).where(*where)) or 0
    return [interaction_from_row(r) for r in rows], int(total)


def _prepare(
    ws: Workspace,
    session: Session,
    recipient: Recipient,
    *,
    ask_reason: str,
    balance_of: Callable[[int], float],
) -> _Prepared:
    """The render context of one message, from the ledger and the profile."""
    from planner.outreach.context import build_context

    contact = _get_row(session, ContactRow, recipient.contact_id, "contact")
    ask = request = give = None
    if recipient.ask_id is not None:
        row = _get_row(session, AskRow, recipient.ask_id, "ask")
        if row.contact_id != contact.id:
            raise InvalidInput(f"ask {row.id} is not an ask of {contact.name}", field="ask")
        ask = ask_from_row(row)
    if recipient.request_id is not None:
        row = _get_row(session, RequestRow, recipient.request_id, "request")
        if row.contact_id != contact.id:
            raise InvalidInput(f"request {row.id} is not from {contact.name}", field="request")
        request = request_from_row(row)
    if recipient.give_id is not None:
        row = _get_row(session, PlannedGiveRow, recipient.give_id, "planned give")
        if row.contact_id != contact.id:
            raise InvalidInput(f"planned give {row.id} is not for {contact.name}", field="give")
        give = give_from_row(row)
    gives, gives_total = _recent(session, contact.id, Direction.GAVE, recipient.give_kinds)
    received, received_total = _recent(session, contact.id, Direction.RECEIVED, ())
    context = build_context(
        profile=ws.profile(session),
        contact=contact_from_row(contact),
        today=ws.today(),
        gives=gives,
        received=received,
        ask=ask,
        ask_reason=ask_reason if ask is not None else "",
        request=request,
        planned=give,
        balance=balance_of(contact.id),
        max_items=MAX_ITEMS,
    )
    # Only the newest rows were loaded; the totals count them all.
    context["gives_total"] = gives_total
    context["received_total"] = received_total
    return _Prepared(recipient, contact, context)


def _finish(
    ws: Workspace, template: str, prepared: _Prepared, rendered: RenderedDraft, profile: Profile
) -> Draft:
    """The .eml of a rendered message. Header values come from the stored rows as they
    are (not the one-line versions the template saw): a name with a line break in it is
    refused, never quietly repaired into a header."""
    contact = prepared.contact
    try:
        eml = build_draft(
            from_name=profile.name,
            from_addr=profile.email,
            to_name=contact.name,
            to_addr=contact.email or "",
            subject=rendered.subject,
            text_body=rendered.text,
            html_body=rendered.html,
            now=ws.now(),
        )
    except DraftError as error:
        raise _draft_error(error, contact.name) from None
    return Draft(
        template=template,
        contact_id=contact.id,
        contact_name=contact.name,
        to_addr=(contact.email or "").strip(),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        filename=draft_filename(contact.name, template, ws.now()),
        eml=eml,
    )


def _is_user(lib: TemplateLibrary, name: str) -> bool:
    return any(i.name == name and i.origin == "user" for i in lib.list())


def _render_one(
    ws: Workspace, lib: TemplateLibrary, template: str, recipient: Recipient, ask_reason: str
) -> Draft:
    with ws.read() as s:
        prepared = _prepare(
            ws,
            s,
            recipient,
            ask_reason=ask_reason,
            balance_of=lambda cid: balances.balance_of(ws, cid, session=s).balance,
        )
    try:
        rendered = lib.render(template, prepared.context)
    except TemplateProblem as problem:
        raise _template_error(problem, template, user=_is_user(lib, template)) from None
    return _finish(ws, template, prepared, rendered, ws.profile())


def render_draft(
    ws: Workspace,
    template: str,
    contact_id: int,
    *,
    ask_id: int | None = None,
    request_id: int | None = None,
    give_id: int | None = None,
    ask_reason: str = "",
    give_kinds: Sequence[str] = (),
) -> Draft:
    """Render ``template`` for one contact, with its .eml.

    Args:
        ask_id, request_id, give_id: the ask of mine, request of theirs or planned give
            the message is about; each must belong to the contact.
        ask_reason: why I am asking, in words for the contact (printed in ask messages).
        give_kinds: only these kinds of my gives appear (e.g. :data:`FEATURE_KINDS`).

    Raises:
        NotFound: unknown contact, ask, request or give, or template.
        TemplateError: the template fails for this contact (part and line).
        InvalidInput: a header value cannot be written safely (e.g. a line break in the
            contact's name), or the ask/request/give belongs to someone else.
    """
    recipient = Recipient(contact_id, ask_id, request_id, give_id, tuple(give_kinds))
    lib = library(ws)
    _known_template(lib, template)
    return _render_one(ws, lib, template, recipient, ask_reason)


def _known_template(lib: TemplateLibrary, template: str) -> None:
    if template not in lib.names():
        raise NotFound(
            f"there is no template named {template!r} (one of: {', '.join(lib.names())})"
        )


def preview_template(
    ws: Workspace,
    name: str,
    *,
    subject: str,
    body: str,
    html: str = "",
    contact_id: int | None = None,
    ask_id: int | None = None,
) -> Draft | RenderedDraft:
    """Render a template as typed in the editor (not saved) for a contact, or for a
    made-up one when ``contact_id`` is None.

    Returns a :class:`Draft` for a real contact, a RenderedDraft for the made-up one.

    Raises:
        TemplateError: with the part and line of the problem.
    """
    name = _clean_name(name)
    entries = _check_template(name, subject, body, html)
    lib = library(ws, overrides=entries)
    if contact_id is None:
        try:
            return lib.render(name, sample_context(ws.today()))
        except TemplateProblem as problem:
            raise _template_error(problem, name, user=True) from None
    return _render_one(ws, lib, name, Recipient(contact_id, ask_id), "")


def draft_eml(
    ws: Workspace,
    template: str,
    contact_id: int,
    *,
    ask_id: int | None = None,
    request_id: int | None = None,
    give_id: int | None = None,
    ask_reason: str = "",
) -> tuple[str, bytes]:
    """(suggested file name, .eml bytes) of :func:`render_draft`'s draft."""
    draft = render_draft(
        ws,
        template,
        contact_id,
        ask_id=ask_id,
        request_id=request_id,
        give_id=give_id,
        ask_reason=ask_reason,
    )
    return draft.filename, draft.eml


def mailto(draft: Draft, *, max_chars: int = MAILTO_MAX_CHARS) -> str | None:
    """A mailto: link for a short draft; None when it would be too long to be safe."""
    try:
        link = mailto_link(draft.to_addr, draft.subject, draft.text)
    except DraftError:
        return None
    return link if len(link) <= max_chars else None


def render_drafts(
    ws: Workspace,
    template: str,
    recipients: Iterable[Recipient | int],
    *,
    ask_reason: str = "",
) -> DraftBatch:
    """Drafts for many contacts (one template worker for all). A contact whose draft
    fails (a missing value, an unsafe name) is listed in ``problems``; the others go on.

    Raises:
        NotFound: unknown template.
        TemplateError: the template itself is unusable.
    """
    wanted = [r if isinstance(r, Recipient) else Recipient(int(r)) for r in recipients]
    lib = library(ws)
    _known_template(lib, template)
    user = _is_user(lib, template)
    batch = DraftBatch(template)
    prepared: list[_Prepared] = []
    profile = ws.profile()
    with ws.read() as s:
        by_contact = {
            b.contact.id: b.balance for b in balances.all_balances(ws, include_archived=True)
        }
        for recipient in wanted:
            try:
                prepared.append(
                    _prepare(
                        ws,
                        s,
                        recipient,
                        ask_reason=ask_reason,
                        balance_of=lambda cid: by_contact.get(cid, 0.0),
                    )
                )
            except (InvalidInput, NotFound) as error:
                row = s.get(ContactRow, recipient.contact_id)
                who = row.name if row else f"contact {recipient.contact_id}"
                batch.problems.append((who, str(error)))
    try:
        results = lib.render_many(template, [p.context for p in prepared])
    except TemplateProblem as problem:
        raise _template_error(problem, template, user=user) from None
    for item, result in zip(prepared, results, strict=True):
        if isinstance(result, TemplateProblem):
            error = _template_error(result, template, user=user)
            batch.problems.append((item.contact.name, str(error)))
            continue
        try:
            batch.drafts.append(_finish(ws, template, item, result, profile))
        except InvalidInput as error:
            batch.problems.append((item.contact.name, str(error)))
    return batch


def drafts_zip(
    ws: Workspace,
    template: str,
    recipients: Iterable[Recipient | int],
    *,
    ask_reason: str = "",
) -> DraftBatch:
    """:func:`render_drafts` with a zip of the .eml files in ``batch.zip``."""
    batch = render_drafts(ws, template, recipients, ask_reason=ask_reason)
    batch.zip = zip_drafts(((d.filename, d.eml) for d in batch.drafts), now=ws.now())
    return batch


# --- selections -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadyAsk:
    ask_id: int
    contact_id: int
    contact: str
    kind: str
    title: str
    target_date: date | None
    #: The readiness explanation (for me, with the points: never put it in a message).
    reason: str


def select_tier(ws: Workspace, tier: str) -> list[Recipient]:
    """Every active contact of a tier, by name."""
    try:
        tier = Tier(tier.strip().lower()).value
    except ValueError:
        raise InvalidInput(
            f"{tier!r} is not a tier (one of: {', '.join(t.value for t in Tier)})", field="tier"
        ) from None
    with ws.read() as s:
        ids = s.scalars(
            select(ContactRow.id)
            .where(ContactRow.tier == tier, ContactRow.archived.is_(False))
            .order_by(func.lower(ContactRow.name))
        )
        return [Recipient(i) for i in ids]


def ready_asks(ws: Workspace, *, as_of: date | None = None) -> list[ReadyAsk]:
    """Asks of contacts, not sent yet, that are ready: the balance covers them, after the
    asks queued before them, and trust is enough (the planning service's readiness)."""
    out = []
    for view in asks_service.assess(ws, as_of=as_of):
        ask = view.ask
        if ask.contact_id is None or ask.status not in _UNSENT_ASK_STATUSES or not view.ready:
            continue
        out.append(
            ReadyAsk(
                ask.id,
                ask.contact_id,
                view.contact,
                Kind(ask.kind).value,
                ask.title,
                ask.target_date,
                view.reason,
            )
        )
    return out


def select_ready_asks(ws: Workspace, *, as_of: date | None = None) -> list[Recipient]:
    """One message per ready ask, about that ask."""
    return [Recipient(a.contact_id, ask_id=a.ask_id) for a in ready_asks(ws, as_of=as_of)]


def select_featured_since(ws: Workspace, since: date) -> list[Recipient]:
    """The active contacts I featured, interviewed, mentioned or linked since ``since``;
    their messages show only those gives."""
    with ws.read() as s:
        ids = s.scalars(
            select(ContactRow.id)
            .join(InteractionRow, InteractionRow.contact_id == ContactRow.id)
            .where(
                InteractionRow.direction == Direction.GAVE.value,
                InteractionRow.kind.in_(list(FEATURE_KINDS)),
                InteractionRow.occurred_on >= since,
                ContactRow.archived.is_(False),
            )
            .group_by(ContactRow.id, ContactRow.name)
            .order_by(func.lower(ContactRow.name))
        )
        return [Recipient(i, give_kinds=FEATURE_KINDS) for i in ids]


def find_contact(ws: Workspace, name_or_id: str | int) -> int:
    """A contact's id from its id, name or alias.

    Raises:
        NotFound: no such contact.
    """
    with ws.read() as s:
        return resolve(s, name_or_id).id


def _labelled(rows: Iterable[Any], label: Callable[[Any], str]) -> list[tuple[int, str]]:
    return [(r.id, label(r)) for r in rows]


def asks_for(ws: Workspace, contact_id: int) -> list[tuple[int, str]]:
    """(id, label) of a contact's asks, newest target first, for a picker."""
    with ws.read() as s:
        rows = s.scalars(
            select(AskRow).where(AskRow.contact_id == contact_id).order_by(AskRow.id.desc())
        )
        return _labelled(rows, lambda r: f"#{r.id} {r.kind} ({r.status}): {r.title or 'no title'}")


def requests_for(ws: Workspace, contact_id: int) -> list[tuple[int, str]]:
    """(id, label) of a contact's requests of me."""
    with ws.read() as s:
        rows = s.scalars(
            select(RequestRow)
            .where(RequestRow.contact_id == contact_id)
            .order_by(RequestRow.received_on.desc(), RequestRow.id.desc())
        )
        return _labelled(rows, lambda r: f"#{r.id} {r.kind} ({r.status}): {r.title or 'no title'}")


def gives_for(ws: Workspace, contact_id: int) -> list[tuple[int, str]]:
    """(id, label) of the gives planned for a contact."""
    with ws.read() as s:
        rows = s.scalars(
            select(PlannedGiveRow)
            .where(PlannedGiveRow.contact_id == contact_id)
            .order_by(PlannedGiveRow.id.desc())
        )
        return _labelled(rows, lambda r: f"#{r.id} {r.kind} ({r.status}): {r.title or 'no title'}")


# --- CSV import and export, calendar ------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """What the Import page shows before anything is written."""

    #: The file's rows as read (valid rows only when the file has problems).
    rows: pd.DataFrame
    #: line, column, problem: every problem found.
    problems: pd.DataFrame
    #: The dry run: what an import would add, update and skip.
    result: imports.ImportResult

    @property
    def ok(self) -> bool:
        return self.result.ok


def preview_import(
    ws: Workspace,
    kind: Literal["contacts", "ledger"],
    data: bytes,
    *,
    on_duplicate: imports.OnDuplicate = "skip",
) -> ImportPreview:
    """Validate a CSV file and dry-run its import: nothing is written.

    Raises:
        InvalidInput: an unknown kind, or rows that clash with stored data.
    """
    if kind == "contacts":
        report: Any = parse_contacts_csv(data)
        result = imports.import_contacts(ws, data, dry_run=True, on_duplicate=on_duplicate)
        columns = ["line", "name", "aliases", "email", "domains", "handles", "tier", "reach"]
        columns += ["tags", "notes"]
    elif kind == "ledger":
        report = parse_ledger_csv(data, None)
        result = imports.import_ledger(ws, data, dry_run=True)
        columns = ["line", "contact", "direction", "kind", "date", "magnitude", "note"]
        columns += ["title", "link"]
    else:
        raise InvalidInput(f"cannot import {kind!r}: contacts or ledger", field="kind")
    rows = pd.DataFrame([_import_row(r) for r in report.rows], columns=columns)
    problems = pd.DataFrame(
        [{"line": p.line, "column": p.column, "problem": p.problem} for p in result.problems],
        columns=["line", "column", "problem"],
    )
    return ImportPreview(rows, problems, result)


def _import_row(row: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in row.__slots__:
        value = getattr(row, key)
        if key == "occurred_on":
            key, value = "date", value.isoformat()
        if isinstance(value, tuple):
            value = " | ".join(value)
        out[key] = str(value) if hasattr(value, "value") else value
    return out


def example_csv(kind: Literal["contacts", "ledger"]) -> bytes:
    """A small valid file of the import format, to download and fill in."""
    if kind == "contacts":
        return example_contacts_csv()
    if kind == "ledger":
        return example_ledger_csv()
    raise InvalidInput(f"no example for {kind!r}: contacts or ledger", field="kind")


def table_csv(ws: Workspace, table: str, *, bom: bool = False, **options: object) -> bytes:
    """A table of planner.services.exports as spreadsheet-safe CSV bytes."""
    return to_csv_bytes(exports.export_frame(ws, table, **options), bom=bom)


def calendar_file(ws: Workspace) -> tuple[str, bytes] | None:
    """(file name, .ics bytes) of the plan's calendar; None without a calendar service."""
    if importlib.util.find_spec("planner.services.calendar") is None:
        return None
    calendar = importlib.import_module("planner.services.calendar")
    return calendar.ics_file_name(ws), calendar.calendar_ics(ws)


# --- exports of the tables that had none ---------------------------------------------


def _iso(value: date | datetime | None) -> str:
    return value.isoformat() if value else ""


def _register_if_absent(name: str, fn: exports.Exporter) -> None:
    # Another service may own the table: its exporter wins whichever module is imported
    # first (the decorator overwrites; this only fills a gap).
    if name not in exports.TABLES:
        exports.exporter(name)(fn)


def templates_frame(ws: Workspace, **_: object) -> pd.DataFrame:
    """The user's templates (built-ins are files in templates/)."""
    builtin = set(_builtin_library().names())
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


def profile_frame(ws: Workspace, **_: object) -> pd.DataFrame:
    """My profile, one row (lists joined with |)."""
    with ws.read() as s:
        row = s.scalars(select(ProfileRow).limit(1)).first()
        rows = []
        if row is not None:
            rows.append(
                {
                    "name": row.name,
                    "brand": row.brand,
                    "email": row.email,
                    "domains": "|".join(map(str, row.domains or ())),
                    "handles": "|".join(map(str, row.handles or ())),
                    "aliases": "|".join(map(str, row.aliases or ())),
                    "reach": row.reach,
                }
            )
    columns = ["name", "brand", "email", "domains", "handles", "aliases", "reach"]
    return pd.DataFrame(rows, columns=columns).astype({"reach": "Int64"})


exports.exporter("templates")(templates_frame)
_register_if_absent("profile", profile_frame)
_register_if_absent("interactions", exports.ledger_frame)
