"""The index of everyone's names, aliases, handles and sites, and finding them in text.

:class:`PeopleIndex` is built once per version of the contact list. Names, aliases and
handles of everyone go into one Aho-Corasick automaton over folded text, so finding them
costs one pass over the text whatever the number of contacts; word boundaries are checked
per hit. Links are looked up by host and parent domains (:class:`SiteIndex`).

The records here are the detection's working parts: a :class:`KeyPattern` says whose key
was found and how it was derived from their record (its :class:`FormKind` sets the base
confidence), a :class:`Hit` is one occurrence in a text, a :class:`Clue` one piece of
evidence before the pieces are combined into a detection.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

import ahocorasick
from rapidfuzz import fuzz, process

from planner.domain.detection_links import SHARED_PLATFORMS, SiteIndex, parse_handle
from planner.domain.model import Contact, Profile, Role
from planner.domain.names import (
    COMMON_WORDS,
    clean_person_name,
    fold,
    handle_boundary_ok,
    is_initial,
    name_boundary_ok,
    strip_titles,
)

SIMILARITY_THRESHOLD = 90.0
SUGGEST_CACHE_SIZE = 10_000


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
class KeyPattern:
    """One key of one person: whose it is and how it was derived from their record."""

    owner: int | None  # contact id, None for me
    kind: FormKind
    form: str  # as the user wrote it
    all_common: bool  # every word is a common English word


# Sources of evidence: corroboration counts distinct sources only.
SOURCE_NAME = "name"
SOURCE_HANDLE = "handle"
SOURCE_SITE = "site"
SOURCE_PEOPLE = "people"


@dataclass(slots=True)
class Clue:
    """One piece of evidence, before the pieces are combined into a detection."""

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
class Hit:
    """A boundary-checked key occurrence in a folded text."""

    start: int
    end: int
    patterns: tuple[KeyPattern, ...]


ME = None  # the owner value for the user


def _form_kind(tokens: list[str], is_name: bool) -> FormKind:
    """What kind of form a written name is, from its folded words."""
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


class PeopleIndex:
    """Every person's keys and sites; build once, ask many times."""

    def __init__(self) -> None:
        self._automaton: ahocorasick.Automaton | None = None
        self.exact: dict[str, tuple[KeyPattern, ...]] = {}
        self.sites = SiteIndex()
        self.site_keys: dict[int | None, list[str]] = {}
        self.names: dict[int | None, str] = {}
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
    ) -> PeopleIndex:
        """Index every contact (archived ones only when asked) and the user's profile."""
        index = cls()
        index.sites = SiteIndex(shared_platforms)
        keys: dict[str, list[KeyPattern]] = {}
        for contact in contacts:
            if contact.archived and not include_archived:
                continue
            index._add_person(
                keys, contact.id, contact.name, contact.aliases, contact.domains, contact.handles
            )
        if profile is not None and (profile.name or profile.domains or profile.handles):
            aliases = (*profile.aliases, profile.brand) if profile.brand else profile.aliases
            index._add_person(keys, ME, profile.name, aliases, profile.domains, profile.handles)
        index.exact = {k: tuple(v) for k, v in keys.items()}
        if keys:
            automaton = ahocorasick.Automaton()
            for key, patterns in index.exact.items():
                automaton.add_word(key, (len(key), patterns))
            automaton.make_automaton()
            index._automaton = automaton
        return index

    def _add_person(
        self,
        keys: dict[str, list[KeyPattern]],
        owner: int | None,
        name: str,
        aliases: Iterable[str],
        domains: Iterable[str],
        handles: Iterable[str],
    ) -> None:
        self.names[owner] = name
        forms = [(name, True)] + [(a, False) for a in aliases if a and a.strip()]
        for form, is_name in forms:
            self._add_name_form(keys, owner, form, is_name)
        for domain in domains:
            if self.sites.add(owner, domain):
                self.site_keys.setdefault(owner, []).append(domain)
        for raw in handles:
            parsed = parse_handle(raw)
            if parsed is None:
                continue
            if parsed.at_form:
                self._add_key(keys, parsed.at_form, KeyPattern(owner, FormKind.HANDLE, raw, False))
            for url, confidence in parsed.profiles:
                if self.sites.add(owner, url, confidence):
                    self.site_keys.setdefault(owner, []).append(url)

    def _add_name_form(
        self, keys: dict[str, list[KeyPattern]], owner: int | None, form: str, is_name: bool
    ) -> None:
        tokens = fold(form).split()
        if not tokens or (len(tokens) == 1 and len(tokens[0].strip(".'-")) < 3):
            return  # "A", "JD": too short to find in running text
        kind = _form_kind(tokens, is_name)
        all_common = all(t.strip(".'") in COMMON_WORDS for t in tokens)
        for key in _name_keys(form):
            self._add_key(keys, key, KeyPattern(owner, kind, form, all_common))
        cleaned = clean_person_name(form)
        variants = dict.fromkeys((strip_titles(form), cleaned))  # ordered, unique
        for variant in (v for v in variants if v != fold(form)):
            # "Dr. Jane A. Doe, PhD" is written "Jane A. Doe" or "Jane Doe" in most posts.
            if len(variant.split()) >= 2:
                variant_kind = _form_kind(variant.split(), is_name)
                self._add_key(keys, variant, KeyPattern(owner, variant_kind, form, all_common))
        if kind is FormKind.FULL and len(tokens) == 2:
            inverted = f"{tokens[1]}, {tokens[0]}"
            self._add_key(keys, inverted, KeyPattern(owner, FormKind.INVERTED, form, all_common))
        if cleaned:
            self._clean_names.setdefault(cleaned, set()).add(owner)
            for token in cleaned.split():
                if len(token.strip(".")) > 1:
                    self._token_buckets.setdefault(token, set()).add(cleaned)

    @staticmethod
    def _add_key(keys: dict[str, list[KeyPattern]], key: str, pattern: KeyPattern) -> None:
        """Keep one pattern per owner and key: the strongest kind of form."""
        existing = keys.setdefault(key, [])
        for i, other in enumerate(existing):
            if other.owner == pattern.owner:
                if BASE_CONFIDENCE[pattern.kind] > BASE_CONFIDENCE[other.kind]:
                    existing[i] = pattern
                return
        existing.append(pattern)

    # -- asking ---------------------------------------------------------------------------

    def find(self, folded: str) -> list[Hit]:
        """Boundary-checked key occurrences; overlapping ones resolved longest-first."""
        if self._automaton is None or not folded:
            return []
        hits: list[Hit] = []
        for last, (length, patterns) in self._automaton.iter(folded):
            start, end = last - length + 1, last + 1
            is_handle = patterns[0].kind is FormKind.HANDLE
            ok = handle_boundary_ok if is_handle else name_boundary_ok
            if ok(folded, start, end):
                hits.append(Hit(start, end, patterns))
        return longest_first(hits)

    def similar(self, name: str) -> tuple[int | None, float] | None:
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


def longest_first(hits: list[Hit]) -> list[Hit]:
    """Drop hits overlapping a longer hit; hits on the very same span are all kept.

    A name written "Surname, First" only counts where no name written plainly overlaps
    it: in "Lia Brenn, Colm Brenn" the span "Brenn, Colm" is longer than either name, but
    it is the comma of a list, not Colm Brenn inverted.
    """
    if len(hits) <= 1:
        return hits
    kept: list[Hit] = []

    def order(hit: Hit) -> tuple[bool, int, int]:
        """Plain names before inverted ones, longer first, then by position."""
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
