"""Finding the known people in each part of an entry: title, text, links, credits, authors.

Each scanner appends :class:`~planner.domain.detection_keys.Clue` objects (one piece of
evidence each) with the role the part gives: a guest when the title frames the name as an
interview or the show's notes introduce them, a feature in a title outside a frame or as
the author, a link for an href to their site or profile, a mention in the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from planner.domain.detection_forms import form_confidence, namesake_context, runs_on
from planner.domain.detection_keys import (
    BASE_CONFIDENCE,
    HREF_ONLY_PEOPLE_CONFIDENCE,
    MAINLY_ABOUT_FACTOR,
    ME,
    PEOPLE_FULL_CONFIDENCE,
    RUNS_ON_FACTOR,
    SOURCE_HANDLE,
    SOURCE_NAME,
    SOURCE_PEOPLE,
    SOURCE_SITE,
    Clue,
    FormKind,
    Hit,
    PeopleIndex,
)
from planner.domain.detection_links import compact, split_url
from planner.domain.detection_records import (
    FIELD_AUTHOR,
    FIELD_LINK,
    FIELD_PEOPLE,
    FIELD_TEXT,
    FIELD_TITLE,
    GuestSuggestion,
)
from planner.domain.detection_snippets import (
    SNIPPET_CHARS,
    clip,
    link_snippet,
    make_snippet,
    person_evidence,
)
from planner.domain.detection_suggest import suggest
from planner.domain.detection_titles import MARKER_FACTOR, EntryTitle, guest_factor
from planner.domain.entry import ParsedEntry, Person
from planner.domain.guest_roles import SLOT_FACTOR, author_names, blog_roles, text_roles
from planner.domain.model import Role
from planner.domain.names import FoldedText, fold, fold_text
from planner.domain.show_hosts import CONTRIBUTOR_ROLE
from planner.domain.show_profile import ShowProfile

#: A text naming one person at least this often, more than anyone else, is about them.
MAINLY_ABOUT_MIN_MENTIONS = 3
#: Forms that name a person in full (not a single word, a handle or "Doe, Jane").
FULL_FORMS = frozenset({FormKind.FULL, FormKind.ALIAS, FormKind.INITIAL})


def name_evidence(
    people: PeopleIndex,
    hit: Hit,
    text: FoldedText,
    role: Role,
    field_name: str,
    factor: float = 1.0,
    snippet: str | None = None,
) -> list[Clue]:
    """Evidence for each owner of a key occurrence (several when the key is shared)."""
    start, end = text.original_span(hit.start, hit.end)
    written = text.original[start:end]
    owners = frozenset(p.owner for p in hit.patterns)
    namesake = namesake_context(text.original, start, end)
    is_name = hit.patterns[0].kind is not FormKind.HANDLE
    if field_name == FIELD_TEXT and is_name and runs_on(text.original, start, end):
        factor *= RUNS_ON_FACTOR
    out: list[Clue] = []
    for pattern in hit.patterns:
        confidence = form_confidence(pattern, written, text.original, start)
        if confidence <= 0:
            continue
        is_handle = pattern.kind is FormKind.HANDLE
        out.append(
            Clue(
                owner=pattern.owner,
                role=role,
                field=field_name,
                matched=" ".join(written.split()),
                snippet=snippet if snippet is not None else make_snippet(text.original, start, end),
                confidence=confidence * factor,
                source=SOURCE_HANDLE if is_handle else SOURCE_NAME,
                ambiguous=owners if len(owners) > 1 else frozenset(),
                namesake=namesake,
            )
        )
    return out


def scan_title(
    people: PeopleIndex,
    title: EntryTitle | None,
    out: list[Clue],
    show: ShowProfile | None = None,
    slotted: Sequence[tuple[int, int]] = (),
) -> list[Hit]:
    """Names in the title: guests when framed as an interview, else features."""
    if title is None:
        return []
    hits = people.find(title.folded.folded)
    frame = title.frame
    guest_ends: list[int] = []
    snippet = clip(" ".join(title.frame.title.split()))
    for hit in sorted(hits, key=lambda h: h.start):
        start, end = title.folded.original_span(hit.start, hit.end)
        factor = guest_factor(frame, start, end, guest_ends)
        why = snippet
        if show is not None and any(s <= start and end <= e for s, e in slotted):
            factor = max(factor or 0.0, SLOT_FACTOR)
            why = clip(
                f"guest: the guest slot of this show's titles, '{show.template}' — {snippet}"
            )
        elif (
            factor is None
            and show is not None
            and show.cues.title_marker.search(frame.title[:start])
        ):
            factor = MARKER_FACTOR
        if factor is not None:
            guest_ends.append(end)
            out.extend(
                name_evidence(people, hit, title.folded, Role.GUEST, FIELD_TITLE, factor, why)
            )
        else:
            out.extend(
                name_evidence(people, hit, title.folded, Role.FEATURE, FIELD_TITLE, 1.0, snippet)
            )
    return hits


def scan_text(
    people: PeopleIndex,
    text: str,
    out: list[Clue],
    show: ShowProfile | None = None,
    blog_title: str | None = None,
) -> list[tuple[Hit, FoldedText]]:
    """Names in the text: mentions, or guests where the show's notes introduce them.

    In a blog post (``blog_title`` given), a name behind an interview phrase ("we asked
    Jane Doe") is a guest, and every full name in a round-up ("12 experts on
    pricing") is featured.
    """
    if not text:
        return []
    folded = fold_text(text)
    hits = people.find(folded.folded)
    roles: dict[int, tuple[Role, float, str]] = {}
    if hits and (show is not None or blog_title is not None):
        spans = [folded.original_span(h.start, h.end) for h in hits]
        full = [any(p.kind in FULL_FORMS for p in h.patterns) for h in hits]
        if show is not None:
            roles = text_roles(text, spans, full, show)
        elif blog_title is not None:
            roles = blog_roles(text, spans, full, blog_title)
    for i, hit in enumerate(hits):
        role_factor = roles.get(i)
        if role_factor is None:
            out.extend(name_evidence(people, hit, folded, Role.MENTION, FIELD_TEXT))
            continue
        role, factor, why = role_factor
        start, end = folded.original_span(hit.start, hit.end)
        snippet = f"{role.value}: {why} — {make_snippet(text, start, end, SNIPPET_CHARS - 60)}"
        out.extend(name_evidence(people, hit, folded, role, FIELD_TEXT, factor, clip(snippet)))
        # the plain mention stays as evidence: a guest spot is also a mention
        out.extend(name_evidence(people, hit, folded, Role.MENTION, FIELD_TEXT))
    return [(hit, folded) for hit in hits]


def scan_links(
    people: PeopleIndex,
    entry: ParsedEntry,
    text: str,
    out: list[Clue],
    own_sites: Sequence[str] | None = None,
) -> None:
    """Hrefs to someone's site or profile; anchors naming someone but going elsewhere.

    Links to the feed's own site are navigation ("read more", the archive). Which site
    that is: ``own_sites`` when the caller knows the feed (its channel link and its
    owner's domains); then the entry's own link is evidence too when it points away, as
    a link blog's post points at what it links to. Otherwise the entry link's host.
    """
    anchor_text: dict[str, str] = {}
    for label, href in entry.anchors:
        anchor_text.setdefault(href, label)
    hrefs: tuple[str, ...] = (*entry.links, *(h for _, h in entry.anchors))
    if own_sites is None:
        own_host, _ = split_url(entry.link)
        own_hosts = {own_host} - {""}
    else:
        own_hosts = set(hosts_of(tuple(own_sites)))
        if entry.link:
            hrefs = (entry.link, *hrefs)
    # on a shared platform, the same host is someone else's page
    own_hosts = {h for h in own_hosts if not people.sites.is_platform(h)}
    seen: set[str] = set()
    for href in hrefs:
        if href in seen:
            continue
        seen.add(href)
        host, segments = split_url(href)
        if host in own_hosts or any(host.endswith("." + h) for h in own_hosts):
            continue  # a site linking to itself (navigation, "read more") gives nothing
        for owner in people.sites.lookup_split(host, segments):
            label = anchor_text.get(href, "")
            out.append(
                Clue(
                    owner=owner.owner,
                    role=Role.LINK,
                    field=FIELD_LINK,
                    matched=href,
                    snippet=link_snippet(text, label, href),
                    confidence=owner.confidence,
                    source=SOURCE_SITE,
                )
            )
    for label, href in entry.anchors:
        check_namesake_anchor(people, label, href, out)


def check_namesake_anchor(people: PeopleIndex, text: str, href: str, out: list[Clue]) -> None:
    """An anchor whose text is X's name but whose host is another X-named site."""
    if not text:
        return
    folded = fold_text(text)
    hits = people.find(folded.folded)
    if not hits:
        return
    owners_of_href = {o.owner for o in people.sites.lookup(href)}
    host, _ = split_url(href)
    if not host or people.sites.is_platform(host):
        return
    host_compact = compact(host)
    for hit in hits:
        for pattern in hit.patterns:
            owner = pattern.owner
            if owner in owners_of_href or owner not in people.site_keys:
                continue
            name_compact = compact(fold(people.names.get(owner, "")))
            if name_compact and name_compact in host_compact:
                out.append(
                    Clue(
                        owner,
                        Role.MENTION,
                        FIELD_LINK,
                        href,
                        text,
                        0.0,
                        SOURCE_NAME,
                        namesake=True,
                    )
                )


def scan_people(
    people: PeopleIndex,
    entry: ParsedEntry,
    out: list[Clue],
    suggestions: list[GuestSuggestion],
    show: ShowProfile | None = None,
) -> None:
    """podcast:person guests (any role containing "guest"), and with a show profile the
    episode's credits (atom:contributor) who are not the show's hosts.

    Other credits (host, co-host, producer, editor…) are not evidence: they repeat on
    every episode (parsers even copy the channel's hosts onto each item) and say
    nothing about what this episode gave anyone.
    """
    for person in entry.people:
        credited = (
            show is not None
            and show.has_guests
            and person.role == CONTRIBUTOR_ROLE
            and not show.is_host(person.name)
        )
        if "guest" not in person.role.lower() and not credited:
            continue
        if not person.name.strip() and not person.href:
            continue
        found = people_evidence(people, person, Role.GUEST)
        out.extend(found)
        named = any(e.source == SOURCE_PEOPLE for e in found)
        if not named and person.name.strip():
            suggest(
                people,
                person.name,
                person.href,
                person_evidence(person),
                entry.guid,
                FIELD_PEOPLE,
                found,
                out,
                suggestions,
            )


def people_evidence(people: PeopleIndex, person: Person, role: Role) -> list[Clue]:
    """Evidence from one podcast:person credit: its name (exact key) and its href."""
    evidence: list[Clue] = []
    snippet = person_evidence(person)
    patterns = people.exact.get(fold(person.name), ()) if person.name.strip() else ()
    owners = frozenset(p.owner for p in patterns)
    for pattern in patterns:
        if pattern.kind is FormKind.HANDLE:
            continue
        base = (
            PEOPLE_FULL_CONFIDENCE
            if pattern.kind is FormKind.FULL
            else BASE_CONFIDENCE[pattern.kind]
        )
        evidence.append(
            Clue(
                pattern.owner,
                role,
                FIELD_PEOPLE,
                person.name.strip(),
                snippet,
                base,
                SOURCE_PEOPLE,
                ambiguous=owners if len(owners) > 1 else frozenset(),
            )
        )
    if person.href:
        for owner in people.sites.lookup(person.href):
            confidence = owner.confidence if patterns else HREF_ONLY_PEOPLE_CONFIDENCE
            evidence.append(
                Clue(
                    owner.owner,
                    role,
                    FIELD_PEOPLE,
                    person.href,
                    snippet,
                    confidence,
                    SOURCE_SITE,
                )
            )
    return evidence


def scan_authors(
    people: PeopleIndex, entry: ParsedEntry, out: list[Clue], show: ShowProfile | None = None
) -> None:
    """A known person as the entry's author: their piece on this site features them.

    In a podcast with guests, an episode author who is not a host is the guest: shows
    credit "Host, Guest" in the episode's author field.
    """
    names = [n for a in entry.authors for n in author_names(a, show is not None)]
    for author in names:
        role = Role.FEATURE
        why = f"By {author}"
        if show is not None and show.has_guests and not show.is_host(author):
            role = Role.GUEST
            why = f"guest: named in the episode's credits ({clip(', '.join(entry.authors), 80)})"
        for pattern in people.exact.get(fold(author), ()):
            if pattern.kind in (FormKind.HANDLE, FormKind.SINGLE):
                continue
            own_role, own_why = role, why
            if pattern.owner is ME and role is Role.FEATURE:
                # my post on someone else's site: they published my guest post
                own_role, own_why = Role.GUEST_POST, f"guest post: by {author}"
            out.append(
                Clue(
                    pattern.owner,
                    own_role,
                    FIELD_AUTHOR,
                    author,
                    own_why,
                    BASE_CONFIDENCE[pattern.kind],
                    SOURCE_NAME,
                )
            )


def mainly_about(
    people: PeopleIndex, text_hits: list[tuple[Hit, FoldedText]], out: list[Clue]
) -> None:
    """A text naming one person at least three times, more than anyone else: a feature."""
    counts: dict[int | None, list[tuple[Hit, FoldedText]]] = {}
    for hit, folded in text_hits:
        owners = {p.owner for p in hit.patterns if p.kind in (FormKind.FULL, FormKind.ALIAS)}
        if len(owners) == 1:
            counts.setdefault(next(iter(owners)), []).append((hit, folded))
    if not counts:
        return
    ranked = sorted(counts.items(), key=lambda kv: len(kv[1]), reverse=True)
    owner, hits = ranked[0]
    if len(hits) < MAINLY_ABOUT_MIN_MENTIONS:
        return
    if len(ranked) > 1 and len(ranked[1][1]) == len(hits):
        return
    hit, folded = hits[0]
    for ev in name_evidence(people, hit, folded, Role.FEATURE, FIELD_TEXT, MAINLY_ABOUT_FACTOR):
        if ev.owner == owner:
            out.append(ev)


@lru_cache(maxsize=64)  # one feed's own sites, for each of its entries
def hosts_of(sites: tuple[str, ...]) -> frozenset[str]:
    """The hosts of a feed's own sites (a bare domain is read as https)."""
    return frozenset(
        host
        for site in sites
        if (host := split_url(site if "//" in site else f"https://{site}")[0])
    )
