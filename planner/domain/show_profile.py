"""What a show is, learned from its own episodes: hosts, where guests sit, whether it has any.

A name in an episode means different things on different shows: the host named in every
episode is no guest; a show that titles its episodes "#382 – {guest}: {topic}" names its
guest in that slot; a solo show has no guests at all, whatever its titles look like.
:func:`learn_show` reads a feed's episodes and returns a :class:`ShowProfile`:

* **hosts** — podcast:person credits whose role is a host's, the feed's own credits
  (channel-level contributors), the people in the feed's title ("Intercepted with Jeremy
  Scahill") and its iTunes author, authors of most episodes, and names (or credits) that
  recur in most episodes (at least :data:`~planner.domain.show_hosts.HOST_SHARE` of them);
* **title slots** — "first" when titles open with a guest's name once numbering, show
  name and separators are set aside ("#382 – {guest}: {topic}"), "last" when they end
  with it ("MU Podcast – {guest}"): a slot counts when at least
  :data:`~planner.domain.show_guests.SLOT_SHARE` of the titles hold different person-like
  names there;
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from planner.domain.cue_patterns import CuePatterns, cue_patterns
from planner.domain.entry import ParsedEntry, Person
from planner.domain.names import (
    clean_person_name,
    fold,
)
from planner.domain.show_guests import MAX_INTROS, has_guest_signal, learn_intros, learn_slots
from planner.domain.show_hosts import CONTRIBUTOR_ROLE, learn_hosts
from planner.domain.show_text import (
    intro_pattern,
    is_possessive,
)
from planner.domain.show_titles import SLOT_FIRST, SLOT_LAST, title_template

#: A show with guest signals in at least this share of episodes is an interview show.
INTERVIEW_SHARE = 0.05
#: … and a solo show when at most this share has one (a stray cue is no guest policy).
SOLO_SHARE = 0.02
MIN_EPISODES_FOR_SOLO = 6
#: Each learning pass reads at most this many episodes (the newest).
MAX_EPISODES = 200


class ShowKind(StrEnum):
    """Whether a show has guests: an interview show, a solo show, or not known yet."""

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
        """A JSON-ready dict (see ``from_json``)."""
        return {
            "hosts": list(self.hosts),
            "not_hosts": list(self.not_hosts),
            "kind": self.kind.value if self.kind else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ShowCorrections:
        """Stored corrections (anything unreadable reads as none)."""
        if not isinstance(data, Mapping):
            return cls()
        return cls(
            hosts=_strings(data.get("hosts")),
            not_hosts=_strings(data.get("not_hosts")),
            kind=_show_kind(data.get("kind")),
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
        """Is ``name`` one of the show's hosts (titles and middle initials aside)?"""
        return clean_person_name(name) in self.host_keys

    @property
    def has_guests(self) -> bool:
        """Can an episode of this show have a guest (anything but a solo show)?"""
        return self.kind is not ShowKind.SOLO

    @property
    def cues(self) -> CuePatterns:
        """The compiled guest cues for the show's language."""
        return cue_patterns(self.language)

    @property
    def intro_pattern(self) -> re.Pattern[str] | None:
        """The show's own intro phrases as one pattern (None when it has none)."""
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
        """A JSON-ready dict (see ``from_json``)."""
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
        learned = cls(
            learned_kind=_show_kind(data.get("kind")) or ShowKind.UNKNOWN,
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


def _show_kind(value: object) -> ShowKind | None:
    """The show kind a stored value names, or None."""
    if isinstance(value, str) and value in ShowKind.__members__.values():
        return ShowKind(value)
    return None


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(" ".join(str(v).split())[:200] for v in value if str(v).strip())[:100]


def _count(value: object) -> int:
    return value if isinstance(value, int) and value >= 0 else 0


# --- learning ----------------------------------------------------------------------------


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
    hosts = learn_hosts(entries, facts.people, facts.authors, show_names, cues)
    host_keys = {clean_person_name(h) for h in hosts}
    slots, example = learn_slots(entries, show_names, cues, host_keys)
    intros = learn_intros(entries, cues, host_keys)
    learned_intros = intro_pattern(intros)
    guest_episodes = sum(
        1
        for e in entries
        if has_guest_signal(e, show_names, cues, host_keys, slots, learned_intros)
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
