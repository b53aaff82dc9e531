"""Contacts: add, edit, archive, find and list the experts and partners."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import Session

from planner.domain.model import Contact, Tier
from planner.errors import Conflict, NotFound
from planner.services import validate
from planner.services.valuation import recompute
from planner.services.workspace import Workspace
from planner.storage.convert import contact_from_row
from planner.storage.schema import ContactRow


@dataclass(frozen=True, slots=True)
class ContactInput:
    """What a user types to create or edit a contact; validated by :func:`clean`."""

    name: str
    tier: str = Tier.NETWORK
    reach: int | str | None = None
    email: str = ""
    aliases: tuple[str, ...] | str = ()
    domains: tuple[str, ...] | str = ()
    handles: tuple[str, ...] | str = ()
    tags: tuple[str, ...] | str = ()
    notes: str = ""


def clean(data: ContactInput) -> dict[str, object]:
    """Validated column values, or InvalidInput naming the first bad field."""
    return {
        "name": validate.name(data.name),
        "tier": validate.choice(data.tier or Tier.NETWORK, Tier, "tier").value,
        "reach": validate.reach(data.reach),
        "email": validate.email(data.email),
        "aliases": [validate.name(a, "alias") for a in validate.many(data.aliases)],
        "domains": validate.many(data.domains, validate.domain),
        "handles": validate.many(data.handles, validate.handle),
        "tags": validate.many(data.tags),
        "notes": validate.text(data.notes, "notes", max_len=10_000),
    }


def add(
    ws: Workspace,
    data: ContactInput,
    *,
    session: Session | None = None,
    import_batch_id: int | None = None,
    source: str = "manual",
) -> Contact:
    """Create a contact. A second active contact with the same name is refused."""
    values = clean(data)
    if session is None:
        with ws.write() as s:
            return add(ws, data, session=s, import_batch_id=import_batch_id, source=source)
    if find_row(session, str(values["name"])) is not None:
        raise Conflict(f"a contact named {values['name']!r} already exists")
    now = ws.now()
    row = ContactRow(
        **values,
        archived=False,
        created_at=now,
        updated_at=now,
        import_batch_id=import_batch_id,
        source=source,
    )
    session.add(row)
    session.flush()
    return contact_from_row(row)


def update(ws: Workspace, contact_id: int, data: ContactInput) -> Contact:
    values = clean(data)
    with ws.write() as s:
        row = _get_row(s, contact_id)
        clash = find_row(s, str(values["name"]))
        if clash is not None and clash.id != contact_id:
            raise Conflict(f"a contact named {values['name']!r} already exists")
        reach_changed = row.reach != values["reach"]
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = ws.now()
        if reach_changed:
            s.flush()
            recompute(
                s, settings=ws.settings(s), my_reach=ws.profile(s).reach, contact_ids=[contact_id]
            )
        return contact_from_row(row)


def set_archived(ws: Workspace, contact_id: int, archived: bool = True) -> Contact:
    """Archive (or restore) a contact: hidden from lists and plans, its history kept."""
    with ws.write() as s:
        row = _get_row(s, contact_id)
        row.archived = archived
        row.updated_at = ws.now()
        return contact_from_row(row)


def get(ws: Workspace, contact_id: int) -> Contact:
    with ws.read() as s:
        return contact_from_row(_get_row(s, contact_id))


def _get_row(session: Session, contact_id: int) -> ContactRow:
    row = session.get(ContactRow, contact_id)
    if row is None:
        raise NotFound(f"no contact with id {contact_id}")
    return row


def find_row(session: Session, name: str, *, include_archived: bool = False) -> ContactRow | None:
    """The contact whose name matches ``name`` case-insensitively."""
    query = select(ContactRow).where(func.lower(ContactRow.name) == name.strip().lower())
    if not include_archived:
        query = query.where(ContactRow.archived.is_(False))
    return session.scalars(query.order_by(ContactRow.id)).first()


def resolve(session: Session, name_or_id: str | int) -> ContactRow:
    """A contact by id or name (name, then alias); NotFound names what was looked for."""
    if isinstance(name_or_id, int) or str(name_or_id).isdigit():
        row = session.get(ContactRow, int(name_or_id))
        if row is not None:
            return row
    text = str(name_or_id).strip()
    # the name: an index search (ix_contacts_name_lower), whatever the number of contacts
    row = find_row(session, text, include_archived=True)
    if row is not None:
        return row
    # an alias (aliases are a JSON list): the database walks the lists, no row is loaded
    lowered = text.lower()
    found = session.scalars(_by_alias(session, lowered)).first()
    if found is None and not text.isascii():
        # SQL lower() may fold ASCII letters only: "ÉMILE" for "émile" needs Python's
        found = next(
            (
                session.get(ContactRow, cid)
                for cid, aliases in session.execute(
                    select(ContactRow.id, ContactRow.aliases)
                    .where(ContactRow.archived.is_(False))
                    .order_by(ContactRow.id)
                )
                if any(str(a).lower() == lowered for a in aliases or ())
            ),
            None,
        )
    if found is not None:
        return found
    raise NotFound(f"no contact named {text!r}")


def _by_alias(session: Session, lowered: str) -> Select[ContactRow]:
    """The active contacts one of whose aliases is ``lowered`` (lower-cased), by id."""
    aliases = ContactRow.aliases
    if session.get_bind().dialect.name == "postgresql":
        # a JSON null or non-list is no list of aliases (json_array_elements_text refuses it)
        listed = case((func.json_typeof(aliases) == "array", aliases))
        each = func.json_array_elements_text(listed).table_valued("value")
    else:
        each = func.json_each(aliases).table_valued("value")
    named = exists(select(each.c.value).where(func.lower(each.c.value) == lowered))
    return (
        select(ContactRow)
        .where(ContactRow.archived.is_(False), named)
        .order_by(ContactRow.id)
        .limit(1)
    )


def _filtered(include_archived: bool, tiers: list[str]) -> Select[ContactRow]:
    """Contacts by name, without the archived ones unless asked, of ``tiers`` if any."""
    query = select(ContactRow).order_by(func.lower(ContactRow.name))
    if not include_archived:
        query = query.where(ContactRow.archived.is_(False))
    if tiers:
        query = query.where(ContactRow.tier.in_(tiers))
    return query


def _in_columns(query: Select[ContactRow], needle: str) -> Select[ContactRow]:
    """Where the name, email or notes hold ``needle`` (lower case), found by the database."""
    like = f"%{needle}%"
    return query.where(
        or_(
            func.lower(ContactRow.name).like(like),
            func.lower(ContactRow.email).like(like),
            func.lower(ContactRow.notes).like(like),
        )
    )


def _in_lists(row: ContactRow, needle: str) -> bool:
    """True when an alias, domain, handle or tag holds ``needle`` (stored as JSON lists,
    so searched here rather than by the database)."""
    hay = [*row.aliases, *row.domains, *row.handles, *row.tags]
    return any(needle in str(v).lower() for v in hay)


def list_contacts(
    ws: Workspace,
    *,
    search: str = "",
    tiers: Iterable[str] = (),
    tag: str = "",
    include_archived: bool = False,
) -> list[Contact]:
    """Contacts matching a free-text search (name, alias, email, domain, handle, tag)."""
    wanted_tiers = [t for t in tiers if t]
    needle = search.strip().lower()
    query = _filtered(include_archived, wanted_tiers)
    with ws.read() as s:
        if not needle:
            rows = [contact_from_row(r) for r in s.scalars(query)]
        else:
            found = {r.id: r for r in s.scalars(_in_columns(query, needle))}
            for r in s.scalars(query):
                if r.id not in found and _in_lists(r, needle):
                    found[r.id] = r
            rows = sorted((contact_from_row(r) for r in found.values()), key=_by_name)
    if tag:
        rows = [c for c in rows if tag.lower() in (t.lower() for t in c.tags)]
    return rows


def _by_name(contact: Contact) -> str:
    return contact.name.lower()


def contacts_by_id(ws: Workspace, *, include_archived: bool = True) -> Mapping[int, Contact]:
    with ws.read() as s:
        query = select(ContactRow)
        if not include_archived:
            query = query.where(ContactRow.archived.is_(False))
        return {r.id: contact_from_row(r) for r in s.scalars(query)}


def count(ws: Workspace) -> int:
    with ws.read() as s:
        return int(s.scalar(select(func.count()).select_from(ContactRow)) or 0)


# -- a picker's choices: found by the database, a page at a time ------------------------


@dataclass(frozen=True, slots=True)
class ContactChoice:
    """What a picker shows of a contact: its id and name."""

    id: int
    name: str


def find(
    ws: Workspace,
    text: str = "",
    *,
    limit: int = 50,
    include_archived: bool = False,
    exclude: Iterable[int] = (),
) -> list[ContactChoice]:
    """Up to ``limit`` contacts whose name holds ``text`` (any case), by name.

    The database does the search and the limit, so a picker never loads every contact.
    """
    query = select(ContactRow.id, ContactRow.name)
    needle = text.strip().lower()
    if needle:
        query = query.where(func.lower(ContactRow.name).like(f"%{_escape_like(needle)}%", "\\"))
    if not include_archived:
        query = query.where(ContactRow.archived.is_(False))
    skipped = [int(i) for i in exclude]
    if skipped:
        query = query.where(ContactRow.id.not_in(skipped))
    query = query.order_by(func.lower(ContactRow.name), ContactRow.id).limit(max(0, limit))
    with ws.read() as s:
        return [ContactChoice(int(i), str(n)) for i, n in s.execute(query)]


def _escape_like(text: str) -> str:
    """``text`` with LIKE's wildcards taken literally (escape character ``\\``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def choices_for_ids(ws: Workspace, ids: Iterable[int]) -> list[ContactChoice]:
    """The id and name of each of ``ids`` that exists (archived too), in the order given."""
    wanted = [int(i) for i in ids]
    if not wanted:
        return []
    with ws.read() as s:
        query = select(ContactRow.id, ContactRow.name).where(ContactRow.id.in_(wanted))
        names = {int(i): str(n) for i, n in s.execute(query)}
    return [ContactChoice(i, names[i]) for i in wanted if i in names]


def name_of(ws: Workspace, contact_id: int) -> str | None:
    """A contact's name, or None when there is no such contact."""
    found = choices_for_ids(ws, [contact_id])
    return found[0].name if found else None


def count_active(ws: Workspace, *, include_archived: bool = False) -> int:
    """How many contacts a picker could offer."""
    query = select(func.count()).select_from(ContactRow)
    if not include_archived:
        query = query.where(ContactRow.archived.is_(False))
    with ws.read() as s:
        return int(s.scalar(query) or 0)
