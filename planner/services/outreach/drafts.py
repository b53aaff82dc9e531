"""Drafts: a template rendered for one contact or many, as .eml files and mailto: links.

The render context comes from the ledger (what I gave the contact, what they gave me, the
ask, request or planned give the message is about, the balance; see
planner.outreach.context for every key). A header that cannot be written safely (a
contact name with a line break, say) is an InvalidInput naming the contact. Nothing here
writes a file; callers do.

A message quotes what the reader knows: a ledger row's title in the context is the title
of the post it is about (its feed entry), never the ledger's own description. A draft of
an ask not sent yet follows the app's first rule: it is refused (:class:`AskNotReady`,
with the readiness reason) unless the caller says ``anyway=True``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from planner.domain.model import AskStatus, Direction, Kind, Profile
from planner.errors import Conflict, InvalidInput, NotFound
from planner.outreach.context import build_context
from planner.outreach.eml import build_draft, draft_filename, mailto_link, zip_drafts
from planner.outreach.errors import DraftError, TemplateProblem
from planner.outreach.render import RenderedDraft, TemplateLibrary
from planner.outreach.samples import sample_context
from planner.services import asks as asks_service
from planner.services import balances
from planner.services.outreach.recipients import Recipient
from planner.services.outreach.templates import (
    check_template,
    clean_name,
    library,
    template_error,
    title_of,
)
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
    EntryRow,
    InteractionRow,
    PlannedGiveRow,
    RequestRow,
)

__all__ = [
    "MAILTO_MAX_CHARS",
    "AskNotReady",
    "Draft",
    "DraftBatch",
    "draft_eml",
    "drafts_zip",
    "mailto",
    "not_ready_reason",
    "preview_template",
    "render_draft",
    "render_drafts",
]

#: mailto: links longer than this are cut by some browsers and mail clients.
MAILTO_MAX_CHARS = 1_800
#: Ledger items per list in a message context (the newest).
MAX_ITEMS = 10
#: Asks not sent yet: a draft of one is the ask itself, so it follows the readiness rule.
_UNSENT = (AskStatus.IDEA.value, AskStatus.PLANNED.value)


class AskNotReady(Conflict):
    """A draft of an ask that is not ready (give first): ``reason`` says why, in the
    planner's words (for the user, never for the message)."""

    def __init__(self, ask_id: int, reason: str) -> None:
        self.ask_id = ask_id
        self.reason = reason
        super().__init__(
            f"ask {ask_id} is not ready: {reason}. Give first, or draft it anyway "
            '(--anyway on the command line, "Draft anyway" on the Outreach page)'
        )


def not_ready_reason(ws: Workspace, ask_id: int | None) -> str | None:
    """Why a message about this ask should wait (the readiness reason), or None when it
    may go: the ask is ready, already sent (a follow-up) or closed, or there is no ask.

    Raises:
        NotFound: no ask with that id.
    """
    if ask_id is None:
        return None
    view = asks_service.assess_one(ws, ask_id)
    if view.ask.status not in _UNSENT or view.ready:
        return None
    return view.reason or view.label


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
        """The contact has an address on file (else the .eml leaves To empty)."""
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
        """Names of the contacts whose draft has no address to send to."""
        return [d.contact_name for d in self.drafts if not d.has_email]

    def describe(self) -> str:
        """A plain-text summary: how many drafts, who lacks an address, who got none and why."""
        lines = [f"{len(self.drafts)} draft(s) from the template {title_of(self.template)}"]
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
    return [_as_published(session, r) for r in rows], int(total)


def _as_published(session: Session, row: InteractionRow) -> Any:
    """A ledger row as a message may quote it: the title is the post's own title (the
    feed entry it came from, an entry or a post of mine at the same link), never the
    ledger's description of it ("Mentioned in: …", "Lena shared my pricing thread");
    no such post, no title."""
    title, link = "", row.link or ""
    entry = session.get(EntryRow, row.entry_id) if row.entry_id is not None else None
    if entry is None and link:
        entry = session.scalars(
            select(EntryRow).where(EntryRow.link == link).order_by(EntryRow.id).limit(1)
        ).first()
    if entry is not None:
        title, link = entry.title or "", entry.link or link
    elif link:
        title = (
            session.scalars(
                select(InteractionRow.title)
                .where(
                    InteractionRow.link == link,
                    InteractionRow.contact_id.is_(None),
                    InteractionRow.kind == Kind.CONTENT.value,
                )
                .order_by(InteractionRow.id)
                .limit(1)
            ).first()
            or ""
        )
    return replace(interaction_from_row(row), title=title, link=link)


def _prepare(
    ws: Workspace,
    session: Session,
    recipient: Recipient,
    *,
    ask_reason: str,
    balance_of: Callable[[int], float],
) -> _Prepared:
    """The render context of one message, from the ledger and the profile."""
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
    return any(i.name == name and i.origin == "user" for i in lib.infos())


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
        raise template_error(problem, template, user=_is_user(lib, template)) from None
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
    anyway: bool = False,
) -> Draft:
    """Render ``template`` for one contact, with its .eml.

    Args:
        ask_id, request_id, give_id: the ask of mine, request of theirs or planned give
            the message is about; each must belong to the contact.
        ask_reason: why I am asking, in words for the contact (printed in ask messages).
        give_kinds: only these kinds of my gives appear (e.g. :data:`FEATURE_KINDS`).
        anyway: draft an ask that is not ready (see :func:`not_ready_reason`).

    Raises:
        AskNotReady: the ask is not sent yet and not ready, and ``anyway`` is False.
        NotFound: unknown contact, ask, request or give, or template.
        TemplateError: the template fails for this contact (part and line).
        InvalidInput: a header value cannot be written safely (e.g. a line break in the
            contact's name), or the ask/request/give belongs to someone else.
    """
    recipient = Recipient(contact_id, ask_id, request_id, give_id, tuple(give_kinds))
    lib = library(ws)
    _known_template(lib, template)
    if not anyway:
        reason = not_ready_reason(ws, ask_id)
        if reason is not None:
            raise AskNotReady(int(ask_id or 0), reason)
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
    name = clean_name(name)
    entries = check_template(name, subject, body, html)
    lib = library(ws, overrides=entries)
    if contact_id is None:
        try:
            return lib.render(name, sample_context(ws.today()))
        except TemplateProblem as problem:
            raise template_error(problem, name, user=True) from None
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
    anyway: bool = False,
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
        anyway=anyway,
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
    prepared = _prepare_all(ws, wanted, ask_reason=ask_reason, problems=batch.problems)
    try:
        results = lib.render_many(template, [p.context for p in prepared])
    except TemplateProblem as problem:
        raise template_error(problem, template, user=user) from None
    profile = ws.profile()
    for item, result in zip(prepared, results, strict=True):
        if isinstance(result, TemplateProblem):
            problem_text = str(template_error(result, template, user=user))
            batch.problems.append((item.contact.name, problem_text))
            continue
        try:
            batch.drafts.append(_finish(ws, template, item, result, profile))
        except InvalidInput as error:
            batch.problems.append((item.contact.name, str(error)))
    return batch


def _prepare_all(
    ws: Workspace,
    recipients: Sequence[Recipient],
    *,
    ask_reason: str,
    problems: list[tuple[str, str]],
) -> list[_Prepared]:
    """The render contexts of a batch in one read (balances computed once); a recipient
    that cannot be prepared (unknown, or an ask of someone else) goes to ``problems``."""
    prepared: list[_Prepared] = []
    with ws.read() as s:
        by_contact = {
            b.contact.id: b.balance for b in balances.all_balances(ws, include_archived=True)
        }
        for recipient in recipients:
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
                problems.append((who, str(error)))
    return prepared


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
