"""Find known people (contacts, and me) in feed entries, and who they are to the entry.

Build a :class:`DetectionIndex` once per version of the contact list, then ask it about
each entry::

    index = DetectionIndex.build(contacts, profile)
    detections = index.detect(entry, FeedKind.PODCAST)   # contacts in the entry
    me = index.detect_me(entry)                           # the user in a contact's entry
    suggestions = index.suggest_guests(entry, FeedKind.PODCAST)

:meth:`DetectionIndex.analyse` does all three in one pass. The caller decides direction
(in my feeds a detection is a give, in a contact's feed a "me" detection is a give
received, in industry feeds it is context) and confirms a detection automatically when its
confidence reaches ``Settings.detection_auto_confirm`` (0.85); the rest go to review.

What is evidence
================

* **Names and aliases** anywhere in the title and text: case-insensitive, accents, quotes
  and whitespace folded (see :mod:`planner.domain.names`), so "JOSE ALVAREZ" matches
  "José Álvarez", "O’Brien" matches "O'Brien" and "Jane\\nDoe" (split by a line break)
  matches "Jane Doe". Possessives count: "Jane Doe's", "Jane Doe’s", "Jones'". Two-word
  names are also found written "Doe, Jane" (lower confidence), hyphenated names without
  the hyphen ("Mary Jane Watson"), German names without umlauts ("Mueller"), and a
  contact stored as "Dr. Jane A. Doe, PhD" as "Jane A. Doe" and "Jane Doe".
* **Handles** written in text: "@janedoe", whole handle only.
* **Links**: hrefs to a contact's website (any subdomain, "www." ignored) or to one of
  their profiles; see :mod:`planner.domain.detection_links` for the host and
  shared-platform rules. Links from a site to itself (same host as the entry's own link)
  are navigation, not evidence.
* **podcast:person** guests (name or href), and the entry's **authors**. Other
  podcast:person credits (host, producer…) repeat on every episode and are ignored.

Roles (one detection per entry and person, the strongest role wins, all evidence kept)
=====================================================================================

* ``guest`` — a podcast:person whose role contains "guest", or a title that frames the
  name as an interview (see :mod:`planner.domain.detection_titles`: "with X", "X on …",
  "Interview: X", "ft. X", "#123: X — …", "X | Show", "… (with X)", "X & Y on …"; a
  bare "X on …" or "X: …" is an interview in a podcast, a feature in a blog).
* ``feature`` — the name in the title outside an interview frame ("What X Taught Us",
  "Lessons From X"), the person is the entry's author, or the text is mainly about them
  (their name at least three times and nobody else's as often).
* ``link`` — an href to their site or profile.
* ``mention`` — name, alias, possessive or @handle in the text.

Ambiguity rules
===============

* A first name or a surname alone never matches; only full names and the aliases a user
  entered do. So two contacts sharing a surname never match each other's mentions
  ("Carol Warren" is not "Angela Warren").
* A name inside a longer word or name never matches: "Ann Lee" is not in "Joann Leeds",
  "Suzann Leeman" or "Mary-Ann Lee", "Zoë Kim" is not in "Zoë Kimball", "José Álvarez" is
  not in "José Álvarez-Ruiz". When matches overlap the longest wins, so "Mary Jane Smith"
  does not also count as "Jane Smith".
* Aliases are weaker than the full name: a two-word alias (0.88), an initial and a surname
  ("A. Lee", 0.72), a single word (0.55, and only when capitalised in the text). A single
  word that is also a common word ("Grace", "Will", "Mark") is weaker still (0.35, 0.25 at
  the start of a sentence). A full name written all in lower case drops to 0.72, or 0.4 if
  every word of it is a common word ("will price").
* A name inside a longer capitalised run on its line ("Ann Lee Bradshaw", "I met Mary
  Ann Lee") may be someone else's: its evidence is lowered (× 0.8) below auto-confirm.
  Honorifics, post-nominals, acronyms, common words and a sentence's first word do not
  count ("Dr. Ann Lee", "Ann Lee PhD", "CEO Ann Lee", "Yesterday Ann Lee").
* A key shared by several people (two contacts called "John Smith", an alias two people
  use) goes to the one with other evidence in the entry (a link, a handle); if none has,
  each gets the evidence at half confidence, for review.
* A different person with the same name: when an anchor whose text is their name points
  to a personal-looking site that is *not* theirs (its host contains their name:
  "janedoe.net" for a contact whose site is janedoe.com), or the text says "(no relation)",
  "not to be confused with", "the other Jane Doe", the detection is capped at 0.5 unless
  a link or handle of theirs is also present.
* Domain suffix traps ("notjanedoe.com", "janedoe.com.evil.net") and handle prefix traps
  ("@janedoe_fan", "@janedoehq", "me@janedoe") never match.

Confidence
==========

Each piece of evidence has a confidence in [0, 1]: clear full names 0.93 (0.97 in
podcast:person), links to a site or profile 0.95, handles in text 0.9, aliases as above.
A detection starts from its best evidence for the chosen role; every other *kind* of
evidence (name, handle, site, podcast:person) closes half of the remaining doubt in
proportion to its own confidence. The result is capped at 0.99.

Guests who are not contacts yet
===============================

podcast:person guests whose name is not known, and interview-framed title names that look
like a person (2–4 capitalised words, not a generic phrase such as "Building Habits"),
become :class:`GuestSuggestion` objects. When such a name closely resembles a known
person's (rapidfuzz ``token_sort_ratio`` ≥ 90 after removing titles such as "Dr."/"Prof."
and middle initials: "Dr. Jane Doe", "Jane A. Doe"), the suggestion names that contact
(``similar_contact_id``) as an alias to add instead of a new contact. When the names are
equal once titles and middle initials are removed, a guest detection for that contact is
added too, below the auto-confirm threshold, for review.

Speed
=====

Names, aliases and handles of everyone go into one Aho-Corasick automaton over folded
text, so finding them costs one pass over the text whatever the number of contacts;
word boundaries are checked per hit. Links are looked up by host and parent domains in a
dict. Each text is folded once per entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

import ahocorasick
from rapidfuzz import fuzz, process

from planner.domain.detection_links import (
    SHARED_PLATFORMS,
    SiteIndex,
    compact,
    parse_handle,
    split_url,
)
from planner.domain.detection_titles import (
    MARKER_FACTOR,
    TitleCandidate,
    TitleFrame,
    frame_title,
    guest_candidates,
    guest_factor,
)
from planner.domain.entry import ParsedEntry, Person
from planner.domain.guest_roles import (
    SLOT_FACTOR,
    author_names,
    blog_roles,
    cue_words,
    slotted_spans,
    text_roles,
)
from planner.domain.model import ROLE_STRENGTH, Contact, FeedKind, Profile, Role
from planner.domain.names import (
    COMMON_WORDS,
    FoldedText,
    clean_person_name,
    fold,
    fold_text,
    handle_boundary_ok,
    is_initial,
    is_title,
    name_boundary_ok,
    strip_titles,
)
from planner.domain.show_profile import (
    CONTRIBUTOR_ROLE,
    ShowKind,
    ShowProfile,
    plausible_guest,
)
from planner.domain.show_text import introduced, participants

FIELD_TITLE = "title"
FIELD_TEXT = "text"
FIELD_LINK = "link"
FIELD_PEOPLE = "people"
FIELD_AUTHOR = "author"

SNIPPET_CHARS = 200
MAX_EVIDENCE = 12
SIMILARITY_THRESHOLD = 90.0
SUGGEST_CACHE_SIZE = 10_000
#: Guests not yet contacts are looked for in this much of an episode's notes (the intro;
#: the rest is sponsors, links and timestamps).
SUGGEST_TEXT_CHARS = 3_000
MAINLY_ABOUT_MIN_MENTIONS = 3


# --- public records ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason to believe a person plays ``role`` in an entry."""

    role: Role
    field: str  # "title" | "text" | "link" | "people" | "author"
    matched: str  # the words (or URL) that matched, as written
    snippet: str  # plain text around the match, at most ~200 characters
    confidence: float


@dataclass(frozen=True, slots=True)
class Detection:
    """A person found in an entry, with the strongest role and all the evidence.

    ``contact_id`` is None (and ``is_me`` True) for a detection of the user.
    """

    contact_id: int | None
    role: Role
    confidence: float
    matched: str
    field: str
    snippet: str
    evidence: tuple[Evidence, ...] = ()
    is_me: bool = False


@dataclass(frozen=True, slots=True)
class GuestSuggestion:
    """A guest who is not a known contact: add as a contact, or as an alias of one."""

    name: str
    href: str
    evidence: str  # why: the podcast:person element or the title, as plain text
    entry_guid: str
    field: str = FIELD_PEOPLE
    similar_contact_id: int | None = None
    similarity: float = 0.0


@dataclass(frozen=True, slots=True)
class EntryAnalysis:
    """Everything :meth:`DetectionIndex.analyse` found in one entry."""

    detections: tuple[Detection, ...] = ()
    me: Detection | None = None
    suggestions: tuple[GuestSuggestion, ...] = ()


def highlight_spans(snippet: str, matched: str) -> list[tuple[str, bool]]:
    """Split ``snippet`` into (text, is_match) pieces for rendering as plain text.

    Occurrences of ``matched`` are found the way detection finds names: ignoring case,
    accents and how whitespace is written. Joining the pieces gives back ``snippet``.
    """
    if not snippet:
        return []
    needle = fold(matched)
    if not needle:
        return [(snippet, False)]
    folded = fold_text(snippet)
    boundary_ok = handle_boundary_ok if needle.startswith("@") else name_boundary_ok
    pieces: list[tuple[str, bool]] = []
    cursor = 0
    search_from = 0
    while True:
        at = folded.folded.find(needle, search_from)
        if at < 0:
            break
        search_from = at + len(needle)
        if not boundary_ok(folded.folded, at, at + len(needle)):
            continue  # "Ann Lee" is not highlighted inside "Joann Leeds"
        start, end = folded.original_span(at, at + len(needle))
        if start > cursor:
            pieces.append((snippet[cursor:start], False))
        pieces.append((snippet[start:end], True))
        cursor = end
    if cursor < len(snippet):
        pieces.append((snippet[cursor:], False))
    return pieces


# --- name patterns -----------------------------------------------------------------------


class FormKind(Enum):
    """How a key was derived from a person's record; decides its base confidence."""

    FULL = "full"  # the name itself, two or more words
    ALIAS = "alias"  # an alias of two or more full words ("Greg Montoya")
    INITIAL = "initial"  # an alias with initials ("A. Lee", "J.R. Smith")
    INVERTED = "inverted"  # "Doe, Jane"
    SINGLE = "single"  # one word: a mononym, nickname or brand
    HANDLE = "handle"  # "@janedoe"


BASE_CONFIDENCE: dict[FormKind, float] = {
    FormKind.FULL: 0.93,
    FormKind.ALIAS: 0.88,
    FormKind.INITIAL: 0.72,
    FormKind.INVERTED: 0.75,
    FormKind.SINGLE: 0.55,
    FormKind.HANDLE: 0.9,
}
#: podcast:person names are given explicitly, so an exact full name there is surer.
PEOPLE_FULL_CONFIDENCE = 0.97
LOWERCASE_NAME_CONFIDENCE = 0.72
LOWERCASE_COMMON_NAME_CONFIDENCE = 0.4
COMMON_SINGLE_CONFIDENCE = 0.35
COMMON_SINGLE_SENTENCE_START_CONFIDENCE = 0.25
SHORT_HANDLE_CONFIDENCE = 0.6
AMBIGUOUS_FACTOR = 0.5
NAMESAKE_CAP = 0.5
MAINLY_ABOUT_FACTOR = 0.95
HREF_ONLY_PEOPLE_CONFIDENCE = 0.8
#: A guest named like a contact once titles and middle initials are gone ("Dr. Jane Doe").
SAME_PERSON_CONFIDENCE = 0.8
MAX_CONFIDENCE = 0.99
#: "Ann Lee Smith", "Mary Ann Lee": a name inside a longer capitalised run may be someone
#: else's.
RUNS_ON_FACTOR = 0.8


@dataclass(frozen=True, slots=True)
class _Pattern:
    owner: int | None  # contact id, None for me
    kind: FormKind
    form: str  # as the user wrote it
    all_common: bool  # every word is a common English word


# Sources of evidence: corroboration counts distinct sources only.
_SOURCE_NAME = "name"
_SOURCE_HANDLE = "handle"
_SOURCE_SITE = "site"
_SOURCE_PEOPLE = "people"


@dataclass(slots=True)
class _Ev:
    owner: int | None
    role: Role
    field: str
    matched: str
    snippet: str
    confidence: float
    source: str
    ambiguous: frozenset[int | None] = frozenset()
    namesake: bool = False


@dataclass(slots=True)
class _Hit:
    """A boundary-checked key occurrence in a folded text."""

    start: int
    end: int
    patterns: tuple[_Pattern, ...]


_ME = None  # the owner value for the user


@dataclass(frozen=True, slots=True)
class _Title:
    """An entry title folded once and framed once (episode prefix found)."""

    folded: FoldedText
    frame: TitleFrame

    @classmethod
    def of(cls, title: str, is_podcast: bool) -> _Title | None:
        if not title.strip():
            return None
        return cls(fold_text(title), frame_title(title, is_podcast))


_NAMESAKE_AFTER = re.compile(
    r"""\s*(?:
        \(\s*(?:no\ relation|not\ the|not\ that|not\ our|unrelated)
      | [,;—–-]\s*(?:no\ relation|not\ to\ be\ confused|not\ the\ one)
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_NAMESAKE_BEFORE = re.compile(
    r"(?:\banother|\bthe other|\ba different|\bnot to be confused with)\s+$", re.IGNORECASE
)
_SENTENCE_END = '.!?\n:;"“”'


def _form_kind(tokens: list[str], is_name: bool) -> FormKind:
    if len(tokens) == 1:
        return FormKind.SINGLE
    if is_initial(tokens[0]):
        return FormKind.INITIAL  # "A. Lee": a middle initial ("Jane A. Doe") is no weaker
    return FormKind.FULL if is_name else FormKind.ALIAS


def _umlaut_variant(form: str) -> str:
    """German spelling without umlauts: "Müller" → "Mueller" (the fold gives "Muller")."""
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
    return form.translate(table)


def _name_keys(form: str) -> list[str]:
    """Folded keys a written name may appear as: itself, hyphens as spaces, no umlauts."""
    keys = [fold(form)]
    if "-" in keys[0]:
        keys.append(keys[0].replace("-", " "))
    umlaut = fold(_umlaut_variant(form))
    if umlaut not in keys:
        keys.append(umlaut)
    return [k for k in keys if k]


class DetectionIndex:
    """Everything needed to detect a fixed set of people; build once, use for many entries."""

    def __init__(self) -> None:
        self._automaton: ahocorasick.Automaton | None = None
        self._exact: dict[str, tuple[_Pattern, ...]] = {}
        self._sites = SiteIndex()
        self._site_keys: dict[int | None, list[str]] = {}
        self._names: dict[int | None, str] = {}
        self._clean_names: dict[str, set[int | None]] = {}
        self._token_buckets: dict[str, set[str]] = {}
        self._suggest_cache: dict[str, tuple[int | None, float] | None] = {}

    # -- building -------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        contacts: Sequence[Contact],
        profile: Profile | None = None,
        *,
        shared_platforms: frozenset[str] = SHARED_PLATFORMS,
        include_archived: bool = False,
    ) -> DetectionIndex:
        """Index every contact (archived ones only when asked) and the user's profile."""
        index = cls()
        index._sites = SiteIndex(shared_platforms)
        keys: dict[str, list[_Pattern]] = {}
        for contact in contacts:
            if contact.archived and not include_archived:
                continue
            index._add_person(
                keys, contact.id, contact.name, contact.aliases, contact.domains, contact.handles
            )
        if profile is not None and (profile.name or profile.domains or profile.handles):
            aliases = (*profile.aliases, profile.brand) if profile.brand else profile.aliases
            index._add_person(keys, _ME, profile.name, aliases, profile.domains, profile.handles)
        index._exact = {k: tuple(v) for k, v in keys.items()}
        if keys:
            automaton = ahocorasick.Automaton()
            for key, patterns in index._exact.items():
                automaton.add_word(key, (len(key), patterns))
            automaton.make_automaton()
            index._automaton = automaton
        return index

    def _add_person(
        self,
        keys: dict[str, list[_Pattern]],
        owner: int | None,
        name: str,
        aliases: Iterable[str],
        domains: Iterable[str],
        handles: Iterable[str],
    ) -> None:
        self._names[owner] = name
        forms = [(name, True)] + [(a, False) for a in aliases if a and a.strip()]
        for form, is_name in forms:
            self._add_name_form(keys, owner, form, is_name)
        for domain in domains:
            if self._sites.add(owner, domain):
                self._site_keys.setdefault(owner, []).append(domain)
        for raw in handles:
            parsed = parse_handle(raw)
            if parsed is None:
                continue
            if parsed.at_form:
                self._add_key(keys, parsed.at_form, _Pattern(owner, FormKind.HANDLE, raw, False))
            for url, confidence in parsed.profiles:
                if self._sites.add(owner, url, confidence):
                    self._site_keys.setdefault(owner, []).append(url)

    def _add_name_form(
        self, keys: dict[str, list[_Pattern]], owner: int | None, form: str, is_name: bool
    ) -> None:
        tokens = fold(form).split()
        if not tokens or (len(tokens) == 1 and len(tokens[0].strip(".'-")) < 3):
            return  # "A", "JD": too short to find in running text
        kind = _form_kind(tokens, is_name)
        all_common = all(t.strip(".'") in COMMON_WORDS for t in tokens)
        for key in _name_keys(form):
            self._add_key(keys, key, _Pattern(owner, kind, form, all_common))
        cleaned = clean_person_name(form)
        variants = dict.fromkeys((strip_titles(form), cleaned))  # ordered, unique
        for variant in (v for v in variants if v != fold(form)):
            # "Dr. Jane A. Doe, PhD" is written "Jane A. Doe" or "Jane Doe" in most posts.
            if len(variant.split()) >= 2:
                variant_kind = _form_kind(variant.split(), is_name)
                self._add_key(keys, variant, _Pattern(owner, variant_kind, form, all_common))
        if kind is FormKind.FULL and len(tokens) == 2:
            inverted = f"{tokens[1]}, {tokens[0]}"
            self._add_key(keys, inverted, _Pattern(owner, FormKind.INVERTED, form, all_common))
        if cleaned:
            self._clean_names.setdefault(cleaned, set()).add(owner)
            for token in cleaned.split():
                if len(token.strip(".")) > 1:
                    self._token_buckets.setdefault(token, set()).add(cleaned)

    @staticmethod
    def _add_key(keys: dict[str, list[_Pattern]], key: str, pattern: _Pattern) -> None:
        """Keep one pattern per owner and key: the strongest kind of form."""
        existing = keys.setdefault(key, [])
        for i, other in enumerate(existing):
            if other.owner == pattern.owner:
                if BASE_CONFIDENCE[pattern.kind] > BASE_CONFIDENCE[other.kind]:
                    existing[i] = pattern
                return
        existing.append(pattern)

    # -- public API -----------------------------------------------------------------------

    def detect(
        self, entry: ParsedEntry, feed_kind: FeedKind | str | None = None
    ) -> list[Detection]:
        """Contacts found in ``entry``, strongest confidence first."""
        return list(self.analyse(entry, feed_kind).detections)

    def detect_me(
        self, entry: ParsedEntry, feed_kind: FeedKind | str | None = None
    ) -> Detection | None:
        """The user (the profile) in ``entry``, e.g. an episode of a contact's podcast."""
        return self.analyse(entry, feed_kind).me

    def suggest_guests(
        self, entry: ParsedEntry, feed_kind: FeedKind | str | None = None
    ) -> list[GuestSuggestion]:
        """Guests of ``entry`` who are not known contacts (or look like one: alias)."""
        return list(self.analyse(entry, feed_kind).suggestions)

    def analyse(
        self,
        entry: ParsedEntry,
        feed_kind: FeedKind | str | None = None,
        *,
        show: ShowProfile | None = None,
        own_sites: Sequence[str] | None = None,
        suggest_from_text: bool = True,
    ) -> EntryAnalysis:
        """Detections of contacts, of me, and guest suggestions for one entry.

        ``show`` is what the feed's own episodes say about the show (hosts, where guests
        sit, whether it has guests): with it, guests are read from the show's conventions
        and cue phrases (see :mod:`planner.domain.show_profile`). ``own_sites`` are the
        feed's own sites (its channel link, its owner's domains): links there are
        navigation, and the entry's own link counts as a link when it points elsewhere
        (a link blog's post). Without it, links to the entry's own host are navigation.
        ``suggest_from_text`` off skips looking in the notes for guests who are not contacts
        (only my own shows' suggestions are kept).
        """
        is_podcast = _is_podcast(entry, feed_kind)
        evidence: list[_Ev] = []
        suggestions: list[GuestSuggestion] = []
        title = _Title.of(entry.title, is_podcast)
        text = entry.text
        slotted = slotted_spans(entry.title, show) if show is not None and title else []
        title_hits = self._scan_title(title, evidence, show, slotted)
        text_hits = self._scan_text(
            text, evidence, show if is_podcast else None, None if is_podcast else entry.title
        )
        self._scan_links(entry, text, evidence, own_sites)
        self._scan_people(entry, evidence, suggestions, show)
        self._scan_authors(entry, evidence, show if is_podcast else None)
        if show is None or show.has_guests:
            self._title_suggestions(
                entry, title, title_hits, text, evidence, suggestions, show, slotted
            )
            # an episode that credits its guests (podcast:person) has said who they are
            credited = any("guest" in p.role.lower() for p in entry.people)
            if show is not None and is_podcast and suggest_from_text and not credited:
                self._text_suggestions(entry, show, text, text_hits, evidence, suggestions)
        self._mainly_about(text_hits, evidence)
        if show is not None:
            _apply_show(evidence, show, self._names)
            # a podcast:person guest credit is the feed's own word: it stands as given
            suggestions = [
                s
                for s in suggestions
                if s.field == FIELD_PEOPLE or plausible_guest(s.name, entry, show)
            ]
        detections = _combine(evidence)
        me = next((d for d in detections if d.is_me), None)
        contacts = tuple(d for d in detections if not d.is_me)
        return EntryAnalysis(contacts, me, _dedupe_suggestions(suggestions))

    # -- finding keys in text -------------------------------------------------------------

    def _find(self, folded: str) -> list[_Hit]:
        """Boundary-checked key occurrences; overlapping ones resolved longest-first."""
        if self._automaton is None or not folded:
            return []
        hits: list[_Hit] = []
        for last, (length, patterns) in self._automaton.iter(folded):
            start, end = last - length + 1, last + 1
            is_handle = patterns[0].kind is FormKind.HANDLE
            ok = handle_boundary_ok if is_handle else name_boundary_ok
            if ok(folded, start, end):
                hits.append(_Hit(start, end, patterns))
        return _longest_first(hits)

    def _name_evidence(
        self,
        hit: _Hit,
        text: FoldedText,
        role: Role,
        field_name: str,
        factor: float = 1.0,
        snippet: str | None = None,
    ) -> list[_Ev]:
        """Evidence for each owner of a key occurrence (several when the key is shared)."""
        start, end = text.original_span(hit.start, hit.end)
        written = text.original[start:end]
        owners = frozenset(p.owner for p in hit.patterns)
        namesake = _namesake_context(text.original, start, end)
        is_name = hit.patterns[0].kind is not FormKind.HANDLE
        if field_name == FIELD_TEXT and is_name and _runs_on(text.original, start, end):
            factor *= RUNS_ON_FACTOR
        out: list[_Ev] = []
        for pattern in hit.patterns:
            confidence = _form_confidence(pattern, written, text.original, start)
            if confidence <= 0:
                continue
            is_handle = pattern.kind is FormKind.HANDLE
            out.append(
                _Ev(
                    owner=pattern.owner,
                    role=role,
                    field=field_name,
                    matched=" ".join(written.split()),
                    snippet=snippet
                    if snippet is not None
                    else make_snippet(text.original, start, end),
                    confidence=confidence * factor,
                    source=_SOURCE_HANDLE if is_handle else _SOURCE_NAME,
                    ambiguous=owners if len(owners) > 1 else frozenset(),
                    namesake=namesake,
                )
            )
        return out

    # -- scanning the parts of an entry ---------------------------------------------------

    def _scan_title(
        self,
        title: _Title | None,
        out: list[_Ev],
        show: ShowProfile | None = None,
        slotted: Sequence[tuple[int, int]] = (),
    ) -> list[_Hit]:
        """Names in the title: guests when framed as an interview, else features."""
        if title is None:
            return []
        hits = self._find(title.folded.folded)
        frame = title.frame
        guest_ends: list[int] = []
        snippet = _clip(" ".join(title.frame.title.split()))
        for hit in sorted(hits, key=lambda h: h.start):
            start, end = title.folded.original_span(hit.start, hit.end)
            factor = guest_factor(frame, start, end, guest_ends)
            why = snippet
            if show is not None and any(s <= start and end <= e for s, e in slotted):
                factor = max(factor or 0.0, SLOT_FACTOR)
                why = _clip(
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
                    self._name_evidence(hit, title.folded, Role.GUEST, FIELD_TITLE, factor, why)
                )
            else:
                out.extend(
                    self._name_evidence(hit, title.folded, Role.FEATURE, FIELD_TITLE, 1.0, snippet)
                )
        return hits

    def _scan_text(
        self,
        text: str,
        out: list[_Ev],
        show: ShowProfile | None = None,
        blog_title: str | None = None,
    ) -> list[tuple[_Hit, FoldedText]]:
        """Names in the text: mentions, or guests where the show's notes introduce them.

        In a blog post (``blog_title`` given), a name behind an interview phrase ("we asked
        Jane Doe") is a guest, and every full name in a round-up ("12 experts on
        pricing") is featured.
        """
        if not text:
            return []
        folded = fold_text(text)
        hits = self._find(folded.folded)
        roles: dict[int, tuple[Role, float, str]] = {}
        if hits and (show is not None or blog_title is not None):
            spans = [folded.original_span(h.start, h.end) for h in hits]
            full = [any(p.kind in _FULL_FORMS for p in h.patterns) for h in hits]
            if show is not None:
                roles = text_roles(text, spans, full, show)
            elif blog_title is not None:
                roles = blog_roles(text, spans, full, blog_title)
        for i, hit in enumerate(hits):
            role_factor = roles.get(i)
            if role_factor is None:
                out.extend(self._name_evidence(hit, folded, Role.MENTION, FIELD_TEXT))
                continue
            role, factor, why = role_factor
            start, end = folded.original_span(hit.start, hit.end)
            snippet = f"{role.value}: {why} — {make_snippet(text, start, end, SNIPPET_CHARS - 60)}"
            out.extend(self._name_evidence(hit, folded, role, FIELD_TEXT, factor, _clip(snippet)))
            # the plain mention stays as evidence: a guest spot is also a mention
            out.extend(self._name_evidence(hit, folded, Role.MENTION, FIELD_TEXT))
        return [(hit, folded) for hit in hits]

    def _scan_links(
        self,
        entry: ParsedEntry,
        text: str,
        out: list[_Ev],
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
            own_hosts = set(_hosts_of(tuple(own_sites)))
            if entry.link:
                hrefs = (entry.link, *hrefs)
        # on a shared platform, the same host is someone else's page
        own_hosts = {h for h in own_hosts if not self._sites.is_platform(h)}
        seen: set[str] = set()
        for href in hrefs:
            if href in seen:
                continue
            seen.add(href)
            host, segments = split_url(href)
            if host in own_hosts or any(host.endswith("." + h) for h in own_hosts):
                continue  # a site linking to itself (navigation, "read more") gives nothing
            for owner in self._sites.lookup_split(host, segments):
                label = anchor_text.get(href, "")
                out.append(
                    _Ev(
                        owner=owner.owner,
                        role=Role.LINK,
                        field=FIELD_LINK,
                        matched=href,
                        snippet=_link_snippet(text, label, href),
                        confidence=owner.confidence,
                        source=_SOURCE_SITE,
                    )
                )
        for label, href in entry.anchors:
            self._check_namesake_anchor(label, href, out)

    def _check_namesake_anchor(self, text: str, href: str, out: list[_Ev]) -> None:
        """An anchor whose text is X's name but whose host is another X-named site."""
        if not text:
            return
        folded = fold_text(text)
        hits = self._find(folded.folded)
        if not hits:
            return
        owners_of_href = {o.owner for o in self._sites.lookup(href)}
        host, _ = split_url(href)
        if not host or self._sites.is_platform(host):
            return
        host_compact = compact(host)
        for hit in hits:
            for pattern in hit.patterns:
                owner = pattern.owner
                if owner in owners_of_href or owner not in self._site_keys:
                    continue
                name_compact = compact(fold(self._names.get(owner, "")))
                if name_compact and name_compact in host_compact:
                    out.append(
                        _Ev(
                            owner,
                            Role.MENTION,
                            FIELD_LINK,
                            href,
                            text,
                            0.0,
                            _SOURCE_NAME,
                            namesake=True,
                        )
                    )

    def _scan_people(
        self,
        entry: ParsedEntry,
        out: list[_Ev],
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
            found = self._people_evidence(person, Role.GUEST)
            out.extend(found)
            named = any(e.source == _SOURCE_PEOPLE for e in found)
            if not named and person.name.strip():
                self._suggest(
                    person.name,
                    person.href,
                    _person_evidence(person),
                    entry.guid,
                    FIELD_PEOPLE,
                    found,
                    out,
                    suggestions,
                )

    def _people_evidence(self, person: Person, role: Role) -> list[_Ev]:
        evidence: list[_Ev] = []
        snippet = _person_evidence(person)
        patterns = self._exact.get(fold(person.name), ()) if person.name.strip() else ()
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
                _Ev(
                    pattern.owner,
                    role,
                    FIELD_PEOPLE,
                    person.name.strip(),
                    snippet,
                    base,
                    _SOURCE_PEOPLE,
                    ambiguous=owners if len(owners) > 1 else frozenset(),
                )
            )
        if person.href:
            for owner in self._sites.lookup(person.href):
                confidence = owner.confidence if patterns else HREF_ONLY_PEOPLE_CONFIDENCE
                evidence.append(
                    _Ev(
                        owner.owner,
                        role,
                        FIELD_PEOPLE,
                        person.href,
                        snippet,
                        confidence,
                        _SOURCE_SITE,
                    )
                )
        return evidence

    def _scan_authors(
        self, entry: ParsedEntry, out: list[_Ev], show: ShowProfile | None = None
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
                why = (
                    f"guest: named in the episode's credits ({_clip(', '.join(entry.authors), 80)})"
                )
            for pattern in self._exact.get(fold(author), ()):
                if pattern.kind in (FormKind.HANDLE, FormKind.SINGLE):
                    continue
                own_role, own_why = role, why
                if pattern.owner is _ME and role is Role.FEATURE:
                    # my post on someone else's site: they published my guest post
                    own_role, own_why = Role.GUEST_POST, f"guest post: by {author}"
                out.append(
                    _Ev(
                        pattern.owner,
                        own_role,
                        FIELD_AUTHOR,
                        author,
                        own_why,
                        BASE_CONFIDENCE[pattern.kind],
                        _SOURCE_NAME,
                    )
                )

    def _text_suggestions(
        self,
        entry: ParsedEntry,
        show: ShowProfile,
        text: str,
        text_hits: list[tuple[_Hit, FoldedText]],
        out: list[_Ev],
        suggestions: list[GuestSuggestion],
    ) -> None:
        """Guests the notes introduce ("my guest is …", a participant list) who are nobody
        we know yet."""
        if not text:
            return
        known = []
        for hit, folded in text_hits:
            known.append(folded.original_span(hit.start, hit.end))
        cues = show.cues
        found: list[tuple[str, str]] = [
            (run.name, "listed among the episode's participants")
            for run in participants(text, cues)
            if run.start < SUGGEST_TEXT_CHARS
        ]
        found += [
            (run.name, cue_words(cue))
            for run, cue in introduced(text, cues, show.intro_pattern, SUGGEST_TEXT_CHARS)
        ]
        for name, why in found:
            if any(fold(name) == fold(text[s:e]) for s, e in known):
                continue
            self._suggest(
                name,
                "",
                _clip(f"guest: {why} — {entry.title}"),
                entry.guid,
                FIELD_TEXT,
                [],
                out,
                suggestions,
            )

    def _title_suggestions(
        self,
        entry: ParsedEntry,
        title: _Title | None,
        title_hits: list[_Hit],
        text: str,
        out: list[_Ev],
        suggestions: list[GuestSuggestion],
        show: ShowProfile | None = None,
        slotted: Sequence[tuple[int, int]] = (),
    ) -> None:
        """Interview-framed title names that are nobody we know.

        With a show profile, only names in the show's guest slot or behind a title marker
        ("with", "con") count: a solo show's "Episode 118 - Imposter Syndrome" is a topic.
        """
        if title is None:
            return
        known = [title.folded.original_span(h.start, h.end) for h in title_hits]
        people_names = {fold(p.name) for p in entry.people}
        for candidate in guest_candidates(title.frame):
            if any(s < candidate.end and candidate.start < e for s, e in known):
                continue
            if show is not None and not (
                any(s <= candidate.start and candidate.end <= e for s, e in slotted)
                or show.cues.title_marker.search(title.frame.title[: candidate.start])
            ):
                continue
            if fold(candidate.name) in people_names:
                continue  # the podcast:person element already speaks for them
            if candidate.weak and not _capitalised_in(candidate.name, text):
                continue
            self._suggest(
                candidate.name,
                "",
                _clip(entry.title),
                entry.guid,
                FIELD_TITLE,
                [],
                out,
                suggestions,
                candidate,
            )

    def _suggest(
        self,
        name: str,
        href: str,
        why: str,
        guid: str,
        field_name: str,
        found: list[_Ev],
        out: list[_Ev],
        suggestions: list[GuestSuggestion],
        candidate: TitleCandidate | None = None,
    ) -> None:
        """A guest suggestion, or an alias suggestion when the name resembles someone known.

        When the names are the same once titles and middle initials are removed ("Dr. Jane
        Doe", "Jane A. Doe" for Jane Doe) the episode is almost surely theirs: a guest
        detection is added too, below auto-confirm, for review. A merely similar name
        ("Dan Browne" for Dan Brown) gets no detection: it may be someone else.
        """
        name = " ".join(name.split())
        if not name:
            return
        similar = self._similar(name)
        by_href = [e.owner for e in found if e.source == _SOURCE_SITE]
        if similar is None and by_href:
            similar = (by_href[0], 0.0)
        if similar is not None and similar[0] is _ME and similar[1] < 100.0:
            similar = None  # someone whose name resembles mine is not me
        if similar is None:
            suggestions.append(GuestSuggestion(name, href, why, guid, field_name))
            return
        owner, score = similar
        if owner is not _ME:
            suggestions.append(GuestSuggestion(name, href, why, guid, field_name, owner, score))
        if score >= 100.0:
            factor = candidate.factor if candidate is not None else 1.0
            out.append(
                _Ev(
                    owner,
                    Role.GUEST,
                    field_name,
                    name,
                    why,
                    SAME_PERSON_CONFIDENCE * factor,
                    _SOURCE_PEOPLE,
                )
            )

    def _similar(self, name: str) -> tuple[int | None, float] | None:
        """The known person whose name this closely resembles, and the score (0–100)."""
        cleaned = clean_person_name(name)
        if not cleaned:
            return None
        if cleaned in self._suggest_cache:
            return self._suggest_cache[cleaned]
        result: tuple[int | None, float] | None = None
        owners = self._clean_names.get(cleaned)
        if owners and len(owners) == 1:
            result = (next(iter(owners)), 100.0)
        else:
            # Compare only with names sharing a word: the cost depends on how common the
            # words are, not on how many contacts there are.
            pool: set[str] = set()
            for token in cleaned.split():
                pool |= self._token_buckets.get(token, set())
            best = (
                process.extractOne(
                    cleaned,
                    list(pool),
                    scorer=fuzz.token_sort_ratio,
                    score_cutoff=SIMILARITY_THRESHOLD,
                )
                if pool
                else None
            )
            if best is not None:
                matched_owners = self._clean_names[best[0]]
                if len(matched_owners) == 1:
                    result = (next(iter(matched_owners)), float(best[1]))
        if len(self._suggest_cache) >= SUGGEST_CACHE_SIZE:
            self._suggest_cache.clear()  # bounded: unknown names keep coming
        self._suggest_cache[cleaned] = result
        return result

    def _mainly_about(self, text_hits: list[tuple[_Hit, FoldedText]], out: list[_Ev]) -> None:
        """A text naming one person at least three times, more than anyone else: a feature."""
        counts: dict[int | None, list[tuple[_Hit, FoldedText]]] = {}
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
        for ev in self._name_evidence(hit, folded, Role.FEATURE, FIELD_TEXT, MAINLY_ABOUT_FACTOR):
            if ev.owner == owner:
                out.append(ev)


# --- the show's conventions --------------------------------------------------------------

_FULL_FORMS = frozenset({FormKind.FULL, FormKind.ALIAS, FormKind.INITIAL})


def _apply_show(evidence: list[_Ev], show: ShowProfile, names: dict[int | None, str]) -> None:
    """A host is never a guest; a show without guests has none.

    A guest the feed tags (podcast:person role="guest") stays one against anything
    learned, but not against the user's own word: a name they marked as a host, a show
    they set as solo.
    """
    said = show.corrections
    for ev in evidence:
        if ev.role is not Role.GUEST:
            continue
        name = names.get(ev.owner, "")
        credit = ev.snippet.split(":")[1] if ev.snippet.count(":") >= 2 else ""
        tagged = ev.field == FIELD_PEOPLE and "guest" in credit
        if tagged:
            marked = {clean_person_name(h) for h in said.hosts}
            user_host = clean_person_name(name) in marked or clean_person_name(ev.matched) in marked
            if not (user_host or said.kind is ShowKind.SOLO):
                continue
        host = (
            show.is_host(name)
            or show.is_host(ev.matched)
            or fold(ev.matched) in show.host_first_names
        )
        if host or not show.has_guests:
            ev.role = Role.FEATURE if ev.field == FIELD_TITLE else Role.MENTION


# --- helpers -----------------------------------------------------------------------------


@lru_cache(maxsize=64)  # one feed's own sites, for each of its entries
def _hosts_of(sites: tuple[str, ...]) -> frozenset[str]:
    return frozenset(
        host
        for site in sites
        if (host := split_url(site if "//" in site else f"https://{site}")[0])
    )


def _is_podcast(entry: ParsedEntry, feed_kind: FeedKind | str | None) -> bool:
    """The caller's feed kind, else a guess from the entry (enclosure, iTunes, people)."""
    if feed_kind is not None and str(feed_kind):
        return str(feed_kind) == FeedKind.PODCAST
    return bool(
        entry.enclosure or entry.itunes_episode or entry.itunes_duration_seconds or entry.people
    )


def _longest_first(hits: list[_Hit]) -> list[_Hit]:
    """Drop hits overlapping a longer hit; hits on the very same span are all kept.

    A name written "Surname, First" only counts where no name written plainly overlaps
    it: in "Lia Brenn, Colm Brenn" the span "Brenn, Colm" is longer than either name, but
    it is the comma of a list, not Colm Brenn inverted.
    """
    if len(hits) <= 1:
        return hits
    kept: list[_Hit] = []

    def order(hit: _Hit) -> tuple[bool, int, int]:
        inverted = all(p.kind is FormKind.INVERTED for p in hit.patterns)
        return (inverted, -(hit.end - hit.start), hit.start)

    for hit in sorted(hits, key=order):
        clash = False
        for other in kept:
            if hit.start < other.end and other.start < hit.end:
                if (other.start, other.end) == (hit.start, hit.end):
                    other.patterns = other.patterns + tuple(
                        p for p in hit.patterns if p not in other.patterns
                    )
                clash = True
                break
        if not clash:
            kept.append(hit)
    kept.sort(key=lambda h: h.start)
    return kept


def _casing_as_written(written: str, form: str) -> bool:
    """Is the match capitalised as the name is (or in capitals), not in lower case?"""
    words = written.split()
    form_words = form.split()
    if written.isupper():
        return True
    if len(words) != len(form_words):
        form_words = [form_words[0]] * len(words) if form_words else []
    for word, form_word in zip(words, form_words, strict=False):
        first = next((c for c in word if c.isalpha()), "")
        form_first = next((c for c in form_word if c.isalpha()), "")
        if first and form_first and form_first.isupper() and not first.isupper():
            return False
    return True


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in _SENTENCE_END


def _form_confidence(pattern: _Pattern, written: str, text: str, start: int) -> float:
    """Base confidence of a form, lowered for lower-case writing and common words."""
    kind = pattern.kind
    if kind is FormKind.HANDLE:
        return SHORT_HANDLE_CONFIDENCE if len(written) <= 4 else BASE_CONFIDENCE[kind]
    as_written = _casing_as_written(written, pattern.form)
    if kind is FormKind.SINGLE:
        if not as_written or written.islower():
            return 0.0  # "grace", "will": a single lower-case word is never a name
        if pattern.all_common:
            if _sentence_start(text, start):
                return COMMON_SINGLE_SENTENCE_START_CONFIDENCE
            return COMMON_SINGLE_CONFIDENCE
        return BASE_CONFIDENCE[kind]
    if not as_written:
        if pattern.all_common:
            return LOWERCASE_COMMON_NAME_CONFIDENCE
        return min(BASE_CONFIDENCE[kind], LOWERCASE_NAME_CONFIDENCE)
    return BASE_CONFIDENCE[kind]


def _namesake_context(text: str, start: int, end: int) -> bool:
    """ "Jane Doe (no relation)", "the other Jane Doe", "not to be confused with Jane Doe"."""
    return bool(
        _NAMESAKE_AFTER.match(text, end, min(len(text), end + 40))
        or _NAMESAKE_BEFORE.search(text, max(0, start - 30), start)
    )


_NEXT_WORD = re.compile(r"[ \t\u00a0]+([^\W\d_][\w'’-]*)")
_PREVIOUS_WORD = re.compile(r"([^\W\d_][\w'’-]*)[ \t\u00a0]+$")


def _name_like_word(word: str) -> bool:
    """A capitalised word that could be part of a longer name (not "I", "PhD", "CEO",
    "Thanks", "Founder" or another common word)."""
    if not word[0].isupper() or word == "I" or is_title(word):
        return False
    if len(word) > 1 and word.isupper():
        return False  # CEO, SEO: an acronym
    return fold(word) not in COMMON_WORDS


def _runs_on(text: str, start: int, end: int) -> bool:
    """Is the name part of a longer capitalised run on its line?

    "Ann Lee Bradshaw" or "Mary Ann Lee" may be someone else; "Ann Lee, PhD", "Ann Lee.
    She", "CEO Ann Lee", "Yesterday Ann Lee" (a sentence's first word) do not count.
    """
    after = _NEXT_WORD.match(text, end)
    if after and _name_like_word(after.group(1)):
        return True
    before = _PREVIOUS_WORD.search(text, max(0, start - 60), start)
    if not before or not _name_like_word(before.group(1)):
        return False
    return not _sentence_start(text, before.start(1))


def _clip(text: str, limit: int = SNIPPET_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def make_snippet(text: str, start: int, end: int, limit: int = SNIPPET_CHARS) -> str:
    """Plain text around ``text[start:end]``, cut at word boundaries, whitespace collapsed."""
    room = max(0, limit - (end - start)) // 2
    left = max(0, start - room)
    right = min(len(text), end + room)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space >= 0 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space >= 0 else right
    body = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + body + ("…" if right < len(text) else "")


def _link_snippet(text: str, label: str, href: str) -> str:
    """The anchor's surroundings in the text, then where it points."""
    target = _clip(href, 150)
    if label:
        at = text.find(label)
        context = (
            make_snippet(text, at, at + len(label), SNIPPET_CHARS - len(target) - 3)
            if at >= 0
            else label
        )
        return f"{context} → {target}"
    return target


def _person_evidence(person: Person) -> str:
    href = f" ({person.href})" if person.href else ""
    return _clip(f"podcast:person role={person.role}: {person.name.strip()}{href}")


def _capitalised_in(name: str, text: str) -> bool:
    """Does ``name`` appear in ``text`` as written (names keep their capitals in prose)?"""
    at = text.find(name)
    while at >= 0:
        if name_boundary_ok(text, at, at + len(name)):
            return True
        at = text.find(name, at + 1)
    return False


def _dedupe_suggestions(suggestions: list[GuestSuggestion]) -> tuple[GuestSuggestion, ...]:
    """One suggestion per name; podcast:person (it may carry an href) beats the title."""
    best: dict[str, GuestSuggestion] = {}
    for suggestion in suggestions:
        key = clean_person_name(suggestion.name)
        current = best.get(key)
        if current is None or (current.field != FIELD_PEOPLE and suggestion.field == FIELD_PEOPLE):
            best[key] = suggestion
    return tuple(best.values())


# --- turning evidence into detections ----------------------------------------------------


def _combine(evidence: list[_Ev]) -> list[Detection]:
    """One detection per owner: strongest role, corroborated confidence, all evidence."""
    evidence = _resolve_ambiguity(evidence)
    by_owner: dict[int | None, list[_Ev]] = {}
    for ev in evidence:
        by_owner.setdefault(ev.owner, []).append(ev)
    detections = [d for owner, evs in by_owner.items() if (d := _detection(owner, evs))]
    detections.sort(key=lambda d: (-d.confidence, -ROLE_STRENGTH[d.role]))
    return detections


def _resolve_ambiguity(evidence: list[_Ev]) -> list[_Ev]:
    """Shared keys go to the owner with unambiguous evidence; else each at half confidence."""
    solid = {ev.owner for ev in evidence if not ev.ambiguous and ev.confidence > 0}
    out: list[_Ev] = []
    for ev in evidence:
        if ev.ambiguous:
            claimants = ev.ambiguous & solid
            if claimants and ev.owner not in claimants:
                continue
            if not claimants:
                ev.confidence *= AMBIGUOUS_FACTOR
        out.append(ev)
    return out


def _detection(owner: int | None, evs: list[_Ev]) -> Detection | None:
    real = [e for e in evs if e.confidence > 0]
    if not real:
        return None
    role = max((e.role for e in real), key=lambda r: ROLE_STRENGTH[r])
    primary = max((e for e in real if e.role == role), key=lambda e: e.confidence)
    confidence = primary.confidence
    others: dict[str, float] = {}
    for ev in real:
        if ev.source != primary.source:
            others[ev.source] = max(others.get(ev.source, 0.0), ev.confidence)
    for support in others.values():
        confidence += (1.0 - confidence) * 0.5 * support
    confidence = min(confidence, MAX_CONFIDENCE)
    own_proof = any(e.source in (_SOURCE_SITE, _SOURCE_HANDLE) for e in real)
    if any(e.namesake for e in evs) and not own_proof:
        confidence = min(confidence, NAMESAKE_CAP)
    return Detection(
        contact_id=owner,
        role=role,
        confidence=round(confidence, 4),
        matched=primary.matched,
        field=primary.field,
        snippet=primary.snippet,
        evidence=_evidence_list(primary, real),
        is_me=owner is _ME,
    )


def _evidence_list(primary: _Ev, evs: list[_Ev]) -> tuple[Evidence, ...]:
    """Primary first, then the rest by strength; one per (role, field, matched form)."""
    if len(evs) == 1:  # the common case: nothing to order or fold
        return (
            Evidence(
                primary.role,
                primary.field,
                primary.matched,
                primary.snippet,
                round(primary.confidence, 4),
            ),
        )
    rest = sorted(
        (e for e in evs if e is not primary),
        key=lambda e: (-ROLE_STRENGTH[e.role], -e.confidence),
    )
    ordered = [primary, *rest]
    seen: set[tuple[Role, str, str]] = set()
    out: list[Evidence] = []
    for ev in ordered:
        key = (ev.role, ev.field, fold(ev.matched))
        if key in seen:
            continue
        seen.add(key)
        out.append(Evidence(ev.role, ev.field, ev.matched, ev.snippet, round(ev.confidence, 4)))
        if len(out) >= MAX_EVIDENCE:
            break
    return tuple(out)


__all__ = [
    "FIELD_AUTHOR",
    "FIELD_LINK",
    "FIELD_PEOPLE",
    "FIELD_TEXT",
    "FIELD_TITLE",
    "Detection",
    "DetectionIndex",
    "EntryAnalysis",
    "Evidence",
    "GuestSuggestion",
    "highlight_spans",
    "make_snippet",
]
