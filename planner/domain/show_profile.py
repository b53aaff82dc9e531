"""What a show is, learned from its own episodes: hosts, where guests sit, whether it has any.

A name in an episode means different things on different shows: the host named in every
episode is no guest; a show that titles its episodes "#382 – {guest}: {topic}" names its
guest in that slot; a solo show has no guests at all, whatever its titles look like.
:func:`learn_show` reads a feed's episodes and returns a :class:`ShowProfile`:

* **hosts** — podcast:person credits whose role is a host's, the feed's own credits
  (channel-level contributors), the people in the feed's title ("Intercepted with Jeremy
  Scahill") and its iTunes author, authors of most episodes, and names (or credits) that
  recur in most episodes (at least :data:`HOST_SHARE` of them);
* **title slots** — "first" when titles open with a guest's name once numbering, show
  name and separators are set aside ("#382 – {guest}: {topic}"), "last" when they end
  with it ("MU Podcast – {guest}"): a slot counts when at least :data:`SLOT_SHARE` of the
  titles hold different person-like names there;
* **kind** — an interview show when at least :data:`INTERVIEW_SHARE` of episodes have a
  guest signal (a podcast:person guest, a name in a title slot or behind a title marker, a
  name a cue phrase introduces, a credit who is not a host); solo when a feed of at least
  :data:`MIN_EPISODES_FOR_SOLO` episodes has none.

The user can correct it (:class:`ShowCorrections`: a name is a host, or is not; the show is
an interview show, or solo); :meth:`ShowProfile.corrected` applies that on top of what was
learned, so detection follows the correction at once. Profiles are plain data and go to
and from JSON for storage.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from planner.domain.cue_patterns import CuePatterns, cue_patterns
from planner.domain.entry import ParsedEntry, Person
from planner.domain.names import (
    COMMON_WORDS,
    GENERIC_WORDS,
    PARTICLES,
    clean_person_name,
    fold,
    looks_like_person_name,
)
from planner.domain.show_text import (
    guest_cue,
    intro_pattern,
    is_possessive,
    name_runs,
    participants,
)
from planner.domain.show_titles import (
    SLOT_FIRST,
    SLOT_LAST,
    segment_names,
    slot_of,
    title_segments,
    title_template,
)

#: A name (or credit) in at least this share of episodes is a host or a regular.
HOST_SHARE = 0.4
#: A name only written in the notes needs more: news shows name the same politician often.
MENTION_HOST_SHARE = 0.6
#: A first name the notes use with a conversation verb ("Chuck talks with …") this often.
ADDRESSED_HOST_SHARE = 0.2
#: A title slot holding different people in at least this share of titles is a guest slot.
SLOT_SHARE = 0.15
#: A show with guest signals in at least this share of episodes is an interview show.
INTERVIEW_SHARE = 0.05
#: … and a solo show when at most this share has one (a stray cue is no guest policy).
SOLO_SHARE = 0.02
MIN_EPISODES_FOR_SOLO = 6
#: The show's own intro phrases: seen before different guests in this share of episodes.
INTRO_SHARE = 0.04
MAX_INTROS = 5
INTRO_EPISODES = 100
#: Each learning pass reads at most this many episodes (the newest).
MAX_EPISODES = 200

_HOST_ROLES = ("host", "presenter", "moderator")
CONTRIBUTOR_ROLE = "contributor"


class ShowKind(StrEnum):
    INTERVIEW = "interview"
    SOLO = "solo"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ShowCorrections:
    """What the user said about a show; it wins over what was learned."""

    hosts: tuple[str, ...] = ()
    not_hosts: tuple[str, ...] = ()
    kind: ShowKind | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "hosts": list(self.hosts),
            "not_hosts": list(self.not_hosts),
            "kind": self.kind.value if self.kind else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ShowCorrections:
        if not isinstance(data, Mapping):
            return cls()
        kind = data.get("kind")
        return cls(
            hosts=_strings(data.get("hosts")),
            not_hosts=_strings(data.get("not_hosts")),
            kind=ShowKind(kind) if kind in ShowKind.__members__.values() else None,
        )

    def with_host(self, name: str, is_host: bool) -> ShowCorrections:
        """These corrections with ``name`` marked a host (or not a host)."""
        name = " ".join(name.split())
        key = fold(name)
        hosts = tuple(h for h in self.hosts if fold(h) != key)
        not_hosts = tuple(h for h in self.not_hosts if fold(h) != key)
        if is_host:
            return replace(self, hosts=(*hosts, name), not_hosts=not_hosts)
        return replace(self, hosts=hosts, not_hosts=(*not_hosts, name))


@dataclass(frozen=True, slots=True)
class ShowFacts:
    """What the feed says about itself (channel level)."""

    title: str = ""
    language: str = ""
    authors: tuple[str, ...] = ()  # the iTunes author / owner, the channel's authors
    people: tuple[Person, ...] = ()  # channel podcast:person and contributor credits
    is_podcast: bool = True


@dataclass(frozen=True, slots=True)
class ShowProfile:
    """A show as detection needs it. ``kind`` and ``hosts`` include the user's corrections."""

    kind: ShowKind = ShowKind.UNKNOWN
    hosts: tuple[str, ...] = ()
    slots: tuple[str, ...] = ()
    template: str = ""
    #: The show's own words before a guest's name, learned from its notes ("on this
    #: episode bryan has"), lower case.
    intros: tuple[str, ...] = ()
    language: str = ""
    show_names: tuple[str, ...] = ()
    episodes: int = 0
    guest_episodes: int = 0
    learned_kind: ShowKind = ShowKind.UNKNOWN
    learned_hosts: tuple[str, ...] = ()
    corrections: ShowCorrections = field(default_factory=ShowCorrections)

    @property
    def host_keys(self) -> frozenset[str]:
        """Hosts as folded, cleaned names ("Dr. Jane A. Doe" → "jane doe")."""
        return frozenset(k for h in self.hosts if (k := clean_person_name(h)))

    @property
    def host_first_names(self) -> frozenset[str]:
        """What the notes call the hosts ("Tim ist wieder zurück"): their first names."""
        return frozenset(k.split()[0] for k in self.host_keys)

    def is_host(self, name: str) -> bool:
        return clean_person_name(name) in self.host_keys

    @property
    def has_guests(self) -> bool:
        return self.kind is not ShowKind.SOLO

    @property
    def cues(self) -> CuePatterns:
        return cue_patterns(self.language)

    @property
    def intro_pattern(self) -> re.Pattern[str] | None:
        return intro_pattern(self.intros)

    def corrected(self, corrections: ShowCorrections) -> ShowProfile:
        """The learned profile with ``corrections`` applied on top."""
        removed = {fold(h) for h in corrections.not_hosts}
        hosts = [h for h in self.learned_hosts if fold(h) not in removed]
        known = {fold(h) for h in hosts}
        hosts += [h for h in corrections.hosts if fold(h) not in known]
        return replace(
            self,
            kind=corrections.kind or self.learned_kind,
            hosts=tuple(hosts),
            corrections=corrections,
        )

    def describe(self) -> str:
        """The profile in words, for the Feeds page."""
        if self.kind is ShowKind.SOLO:
            head = "Solo show — no guests"
        elif self.kind is ShowKind.INTERVIEW:
            head = "Interview show"
            if self.template:
                head += f" — guests appear as '{self.template}'"
            elif self.intros:
                head += f" — the notes introduce guests as '{self.intros[0]} {{guest}}'"
            else:
                head += " — guests are introduced in the episode notes"
        else:
            head = "Not enough episodes yet to tell whether this show has guests"
        if self.corrections.kind:
            head += " (as you set it)"
        hosts = ", ".join(self.hosts) if self.hosts else "none found"
        counts = (
            f"{self.guest_episodes} of {self.episodes} episodes name a guest"
            if self.episodes
            else "no episodes yet"
        )
        return f"{head}; hosts: {hosts}; {counts}."

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.learned_kind.value,
            "hosts": list(self.learned_hosts),
            "slots": list(self.slots),
            "template": self.template,
            "intros": list(self.intros),
            "language": self.language,
            "show_names": list(self.show_names),
            "episodes": self.episodes,
            "guest_episodes": self.guest_episodes,
        }

    @classmethod
    def from_json(
        cls, data: Mapping[str, Any] | None, corrections: ShowCorrections | None = None
    ) -> ShowProfile:
        """A stored profile (anything unreadable reads as an empty one), corrected."""
        if not isinstance(data, Mapping):
            data = {}
        kind = data.get("kind")
        learned = cls(
            learned_kind=ShowKind(kind)
            if kind in ShowKind.__members__.values()
            else ShowKind.UNKNOWN,
            learned_hosts=_strings(data.get("hosts")),
            slots=tuple(s for s in _strings(data.get("slots")) if s in (SLOT_FIRST, SLOT_LAST)),
            template=str(data.get("template") or "")[:300],
            intros=_strings(data.get("intros"))[:MAX_INTROS],
            language=str(data.get("language") or "")[:20],
            show_names=_strings(data.get("show_names")),
            episodes=_count(data.get("episodes")),
            guest_episodes=_count(data.get("guest_episodes")),
        )
        return learned.corrected(corrections or ShowCorrections())


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(" ".join(str(v).split())[:200] for v in value if str(v).strip())[:100]


def _count(value: object) -> int:
    return value if isinstance(value, int) and value >= 0 else 0


# --- learning ----------------------------------------------------------------------------


def _split_people(text: str) -> list[str]:
    """ "Paris Marx, Jane Doe & John Roe" → person-like names; "NBC News" → []."""
    parts = re.split(r"\s*(?:,|&|/|\+|\band\b|\bund\b|\by\b|\be\b|\bet\b|\s[-–—]\s)\s*", text)
    out = []
    for part in parts:
        words = part.split()
        if words and looks_like_person_name(words):
            out.append(" ".join(words))
    return out


def _show_names(facts: ShowFacts) -> tuple[str, ...]:
    """The show's title and its parts ("Hipsters Ponto Tech", "Intercepted")."""
    title = " ".join(facts.title.split())
    if not title:
        return ()
    names = {title}
    for part in re.split(r"\s*[:|–—]\s*|\s+-\s+|\s+(?:with|w/|con|com|mit|avec|met|med)\s+", title):
        if len(part.strip()) >= 4:
            names.add(part.strip())
    return tuple(sorted(names, key=len, reverse=True))


def _is_host_role(role: str) -> bool:
    return any(r in role.lower() for r in _HOST_ROLES)


def learn_show(
    entries: Sequence[ParsedEntry],
    facts: ShowFacts | None = None,
    corrections: ShowCorrections | None = None,
) -> ShowProfile:
    """The profile of a show from its episodes (the newest :data:`MAX_EPISODES`)."""
    facts = facts or ShowFacts()
    entries = list(entries)[:MAX_EPISODES]
    cues = cue_patterns(facts.language)
    show_names = _show_names(facts)
    hosts = _learn_hosts(entries, facts, show_names, cues)
    host_keys = {clean_person_name(h) for h in hosts}
    slots, example = _learn_slots(entries, show_names, cues, host_keys)
    intros = _learn_intros(entries, cues, host_keys)
    learned_intros = intro_pattern(intros)
    guest_episodes = sum(
        1
        for e in entries
        if _has_guest_signal(e, show_names, cues, host_keys, slots, learned_intros)
    )
    count = len(entries)
    if count and guest_episodes >= max(2, INTERVIEW_SHARE * count):
        kind = ShowKind.INTERVIEW
    elif count >= MIN_EPISODES_FOR_SOLO and guest_episodes <= SOLO_SHARE * count:
        kind = ShowKind.SOLO
    else:
        kind = ShowKind.UNKNOWN
    learned = ShowProfile(
        slots=slots,
        template=title_template(example, show_names, cues) if example and slots else "",
        intros=intros,
        language=facts.language,
        show_names=show_names,
        episodes=count,
        guest_episodes=guest_episodes,
        learned_kind=kind,
        learned_hosts=tuple(hosts),
    )
    return learned.corrected(corrections or ShowCorrections())


def _learn_hosts(
    entries: Sequence[ParsedEntry],
    facts: ShowFacts,
    show_names: Sequence[str],
    cues: CuePatterns,
) -> list[str]:
    found: dict[str, str] = {}

    def add(name: str) -> None:
        name = " ".join(name.split())
        key = clean_person_name(name)
        if key and key not in found:
            found[key] = name

    for person in facts.people:
        if _is_host_role(person.role) or person.role == CONTRIBUTOR_ROLE:
            add(person.name)
    for title in show_names[:1]:
        for run in name_runs(title):
            add(run.name)
    for author in facts.authors:
        for name in _split_people(author):
            add(name)
    count = len(entries)
    if not count:
        return list(found.values())
    threshold = max(3, HOST_SHARE * count)
    credits: Counter[str] = Counter()
    authors: Counter[str] = Counter()
    mentioned: Counter[str] = Counter()
    listed_hosts: Counter[str] = Counter()
    addressed: Counter[str] = Counter()  # "Chuck talks with …", "… joins Chuck"
    spelled: dict[str, str] = {}
    for entry in entries:
        for person in entry.people:
            if _is_host_role(person.role):
                add(person.name)
        credits.update({p.name for p in entry.people if p.name.strip()})
        authors.update({n for a in entry.authors for n in _split_people(a)})
        seen: set[str] = set()
        for run in (*name_runs(entry.title), *name_runs(entry.text)):
            key = clean_person_name(run.name)
            if key not in seen:
                seen.add(key)
                spelled.setdefault(key, run.name)
        mentioned.update(seen)
        addressed.update(
            {
                word
                for m in _ADDRESSED.finditer(entry.text)
                if (word := m.group(1) or m.group(2)) and fold(word) not in COMMON_WORDS
            }
        )
        listed_hosts.update(
            {clean_person_name(r.name) for r in participants(entry.text, cues, hosts=True)}
        )
    for name, n in credits.items():
        if n >= threshold:
            add(name)
    for name, n in authors.items():
        if n >= threshold:
            add(name)
    for key, n in listed_hosts.items():
        if n >= threshold:
            add(spelled.get(key, key))
    for key, n in mentioned.items():
        if n >= max(3, MENTION_HOST_SHARE * count):
            add(spelled[key])
    for word, n in addressed.items():
        if n >= max(3, ADDRESSED_HOST_SHARE * count):
            # the host by first name: their full name is the commonest name starting so
            full = [k for k in mentioned if k.split()[0] == fold(word) and mentioned[k] >= 2]
            add(spelled[max(full, key=lambda k: mentioned[k])] if full else word)
    shows = {clean_person_name(n) for n in show_names[:1]}
    return [name for key, name in found.items() if key not in shows]


#: A lone capitalised word beside a conversation verb: how notes name their host.
_ADDRESSED = re.compile(
    r"(?<![\w'’.] )(?<![\w'’])([A-Z][a-zà-ÿ]{2,})(?= (?:talks?|speaks?|chats?|sits|has|and his|"
    r"and her|asks|tiene|habla|spricht|fala|parle|praat|pratar)\b)"
    r"|(?:joins?|talks? (?:with|to)|speaks? (?:with|to)) ([A-Z][a-zà-ÿ]{2,})\b(?! [A-Z])"
)


def _learn_slots(
    entries: Sequence[ParsedEntry],
    show_names: Sequence[str],
    cues: CuePatterns,
    host_keys: set[str],
) -> tuple[tuple[str, ...], str]:
    """Title slots that hold different guests' names, and a title showing the main one."""
    titles = [e.title for e in entries if e.title.strip()]
    if not titles:
        return (), ""
    names_in: dict[str, set[str]] = {SLOT_FIRST: set(), SLOT_LAST: set()}
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for title in titles:
        segments = title_segments(title, show_names)
        if not segments:
            continue
        for index, segment in enumerate(segments):
            slot = slot_of(segments, index)
            if slot is None or (slot == SLOT_LAST and len(segments) < 2):
                continue
            names = segment_names(segment, cues)
            if not names:
                continue
            keys = {clean_person_name(n.name) for n in names} - host_keys
            if not keys:
                continue
            counts[slot] += 1
            names_in[slot] |= keys
            examples.setdefault(slot, title)
    needed = max(2, SLOT_SHARE * len(titles))
    slots = tuple(
        slot
        for slot in (SLOT_FIRST, SLOT_LAST)
        if counts[slot] >= needed and len(names_in[slot]) >= max(2, counts[slot] // 2)
    )
    main = max(slots, key=lambda s: counts[s]) if slots else ""
    return slots, examples.get(main, "")


_CONTEXT = re.compile(r"((?:[^\W\d_][\w'’]*,?[ \t]+){2,5})$")


def _learn_intros(
    entries: Sequence[ParsedEntry], cues: CuePatterns, host_keys: set[str]
) -> tuple[str, ...]:
    """The words this show writes before a different guest's name in many episodes.

    "On this episode Bryan has Jane Doe", "Tom tiene a Jane Doe": the two to five words
    before a person-like name, counted once per episode; a phrase counts when it precedes
    different people in at least :data:`INTRO_SHARE` of the episodes (credits such as
    "edited by" name the same person every time and are left out).
    """
    entries = entries[:INTRO_EPISODES]  # a show's wording changes: the newest count
    seen: Counter[str] = Counter()
    names: dict[str, set[str]] = {}
    for entry in entries:
        text = entry.text
        found: set[str] = set()
        for run in name_runs(text):
            key = clean_person_name(run.name)
            if key in host_keys:
                continue
            line_start = max(text.rfind("\n", 0, run.start), text.rfind(". ", 0, run.start))
            context = _CONTEXT.search(text, max(line_start + 1, run.start - 60), run.start)
            if context is None:
                continue
            words = fold(context.group(1).replace(",", " ")).split()
            for size in range(2, len(words) + 1):
                phrase = " ".join(words[-size:])
                found.add(phrase)
                names.setdefault(phrase, set()).add(key)
        seen.update(found)
    needed = max(3, INTRO_SHARE * len(entries))
    phrases = [
        p
        for p, n in seen.items()
        if n >= needed
        and len(names[p]) >= max(3, n * 0.6)
        and not cues.before_cue_at_end(p + " ")
        and not all(w in GENERIC_WORDS or w in PARTICLES for w in p.split())
        and p.split()[-1] not in _ORGANISATION_LEADS
    ]
    # the longest phrase of a family is the show's wording; shorter ones are its tail
    phrases.sort(key=lambda p: (-seen[p], -len(p)))
    kept: list[str] = []
    for phrase in phrases:
        if not any(k.endswith(" " + phrase) or phrase.endswith(" " + k) for k in kept):
            kept.append(phrase)
    return tuple(kept[:MAX_INTROS])


#: A phrase ending in one of these leads to a place or an organisation ("engineer at",
#: "desenvolvedor no", "the story of the"), not to a person.
_ORGANISATION_LEADS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "at",
        "on",
        "for",
        "from",
        "by",
        "o",
        "os",
        "as",
        "na",
        "no",
        "nas",
        "nos",
        "da",
        "do",
        "das",
        "dos",
        "de",
        "del",
        "la",
        "le",
        "les",
        "el",
        "los",
        "las",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "im",
        "am",
        "zum",
        "zur",
        "bei",
        "van",
        "het",
        "een",
        "en",
        "i",
        "på",
        "hos",
    ]
)


def _has_guest_signal(
    entry: ParsedEntry,
    show_names: Sequence[str],
    cues: CuePatterns,
    host_keys: set[str],
    slots: Sequence[str],
    intros: re.Pattern[str] | None = None,
) -> bool:
    """Does this episode name someone other than the hosts as its guest?"""
    for person in entry.people:
        if "guest" in person.role.lower():
            return True
        if person.role == CONTRIBUTOR_ROLE and clean_person_name(person.name) not in host_keys:
            return True
    segments = title_segments(entry.title, show_names)
    for index, segment in enumerate(segments):
        if slot_of(segments, index) in slots:
            names = segment_names(segment, cues) or []
            if any(clean_person_name(n.name) not in host_keys for n in names):
                return True
    for run in name_runs(entry.title):
        if clean_person_name(run.name) in host_keys:
            continue
        if cues.title_marker.search(entry.title[: run.start]):
            return True
    text = entry.text
    if any(clean_person_name(r.name) not in host_keys for r in participants(text, cues)):
        return True
    for run in name_runs(text):
        if clean_person_name(run.name) in host_keys:
            continue
        if guest_cue(text, run.start, run.end, cues, intros=intros, strong_only=True):
            return True
    return False


def plausible_guest(name: str, entry: ParsedEntry, show: ShowProfile) -> bool:
    """Could this suggested name be a guest of ``show``'s ``entry``?

    Not a host (nor a host's first name), not the show's own name, not a possessive
    ("Jane Doe's book" is about her work), and not a phrase the same episode also writes in
    lower case ("Imposter Syndrome" … "imposter syndrome"): a topic, not a person.
    """
    if is_possessive(name) or show.is_host(name):
        return False
    key = fold(name)
    if key in {fold(n) for n in show.show_names} or key in show.host_first_names:
        return False
    lowered = name.lower()
    return lowered not in entry.title and lowered not in entry.text


__all__ = [
    "CONTRIBUTOR_ROLE",
    "ShowCorrections",
    "ShowFacts",
    "ShowKind",
    "ShowProfile",
    "learn_show",
    "plausible_guest",
]
