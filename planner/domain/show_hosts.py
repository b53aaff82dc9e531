"""Who hosts a show, learned from its feed and its episodes.

The hosts are podcast:person credits whose role is a host's, the feed's own credits
(channel-level contributors), the people in the feed's title ("Intercepted with Jeremy
Scahill") and its iTunes author, authors of most episodes, and names (or credits) that
recur in most episodes (at least :data:`HOST_SHARE` of them). A host is never a guest.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from planner.domain.cue_patterns import CuePatterns
from planner.domain.entry import ParsedEntry, Person
from planner.domain.names import COMMON_WORDS, clean_person_name, fold, looks_like_person_name
from planner.domain.show_text import name_runs, participants

#: A name (or credit) in at least this share of episodes is a host or a regular.
HOST_SHARE = 0.4
#: A name only written in the notes needs more: news shows name the same politician often.
MENTION_HOST_SHARE = 0.6
#: A first name the notes use with a conversation verb ("Chuck talks with …") this often.
ADDRESSED_HOST_SHARE = 0.2

_HOST_ROLES = ("host", "presenter", "moderator")
#: The role of an episode's (or the feed's) atom:contributor credit.
CONTRIBUTOR_ROLE = "contributor"

#: A lone capitalised word beside a conversation verb: how notes name their host.
_ADDRESSED = re.compile(
    r"(?<![\w'’.] )(?<![\w'’])([A-Z][a-zà-ÿ]{2,})(?= (?:talks?|speaks?|chats?|sits|has|and his|"
    r"and her|asks|tiene|habla|spricht|fala|parle|praat|pratar)\b)"
    r"|(?:joins?|talks? (?:with|to)|speaks? (?:with|to)) ([A-Z][a-zà-ÿ]{2,})\b(?! [A-Z])"
)


def split_people(text: str) -> list[str]:
    """ "Paris Marx, Jane Doe & John Roe" → person-like names; "NBC News" → []."""
    parts = re.split(r"\s*(?:,|&|/|\+|\band\b|\bund\b|\by\b|\be\b|\bet\b|\s[-–—]\s)\s*", text)
    out = []
    for part in parts:
        words = part.split()
        if words and looks_like_person_name(words):
            out.append(" ".join(words))
    return out


def is_host_role(role: str) -> bool:
    """Does a podcast:person role name a host ("host", "co-host", "presenter"…)?"""
    return any(r in role.lower() for r in _HOST_ROLES)


def learn_hosts(
    entries: Sequence[ParsedEntry],
    people: Sequence[Person],
    authors: Sequence[str],
    show_names: Sequence[str],
    cues: CuePatterns,
) -> list[str]:
    """The show's hosts, each written as first seen; ``people`` and ``authors`` are the
    feed's own credits and authors."""
    found = _FirstSpelling()
    found.add_all(_declared_hosts(people, authors, show_names))
    if not entries:
        return list(found.names.values())
    for entry in entries:
        found.add_all(p.name for p in entry.people if is_host_role(p.role))
    tally = _Tally()
    for entry in entries:
        tally.read(entry, cues)
    _add_recurring(found, tally, len(entries))
    shows = {clean_person_name(n) for n in show_names[:1]}
    return [name for key, name in found.names.items() if key not in shows]


def _declared_hosts(
    people: Sequence[Person], authors: Sequence[str], show_names: Sequence[str]
) -> Iterator[str]:
    """What the feed itself says: its host and contributor credits, the people in its
    title, its authors."""
    for person in people:
        if is_host_role(person.role) or person.role == CONTRIBUTOR_ROLE:
            yield person.name
    for title in show_names[:1]:
        yield from (run.name for run in name_runs(title))
    for author in authors:
        yield from split_people(author)


class _FirstSpelling:
    """Names by their cleaned key, each kept as first written."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def add(self, name: str) -> None:
        """Keep ``name`` unless someone with the same cleaned name is already kept."""
        name = " ".join(name.split())
        key = clean_person_name(name)
        if key and key not in self.names:
            self.names[key] = name

    def add_all(self, names: Iterable[str]) -> None:
        """Keep each of ``names`` in order."""
        for name in names:
            self.add(name)


@dataclass
class _Tally:
    """How many episodes credit, are written by, name, list as host or address each name."""

    credits: Counter[str] = field(default_factory=Counter)
    authors: Counter[str] = field(default_factory=Counter)
    mentioned: Counter[str] = field(default_factory=Counter)
    listed_hosts: Counter[str] = field(default_factory=Counter)
    addressed: Counter[str] = field(default_factory=Counter)  # "Chuck talks with …"
    spelled: dict[str, str] = field(default_factory=dict)  # cleaned name → as first written

    def read(self, entry: ParsedEntry, cues: CuePatterns) -> None:
        """Count one episode (each name once per episode)."""
        # each name once per episode, in the order written: the order of first counting
        # is the order of the hosts found, so it must not depend on set iteration
        self.credits.update(_once(p.name for p in entry.people if p.name.strip()))
        self.authors.update(_once(n for a in entry.authors for n in split_people(a)))
        self.mentioned.update(self._named(entry))
        self.addressed.update(_addressed_words(entry.text))
        self.listed_hosts.update(
            _once(clean_person_name(r.name) for r in participants(entry.text, cues, hosts=True))
        )

    def _named(self, entry: ParsedEntry) -> list[str]:
        """The cleaned names in the episode's title and notes (spellings remembered)."""
        seen: dict[str, None] = {}
        for run in (*name_runs(entry.title), *name_runs(entry.text)):
            key = clean_person_name(run.name)
            if key not in seen:
                seen[key] = None
                self.spelled.setdefault(key, run.name)
        return list(seen)

    def full_name_of(self, word: str) -> str:
        """The host by first name: their full name is the commonest name starting so."""
        mentioned = self.mentioned
        full = [k for k in mentioned if k.split()[0] == fold(word) and mentioned[k] >= 2]
        return self.spelled[max(full, key=lambda k: mentioned[k])] if full else word


def _once(items: Iterable[str]) -> list[str]:
    """Each item once, in the order first met."""
    return list(dict.fromkeys(items))


def _addressed_words(text: str) -> list[str]:
    """First names the notes use with a conversation verb ("Chuck talks with …")."""
    return _once(
        word
        for m in _ADDRESSED.finditer(text)
        if (word := m.group(1) or m.group(2)) and fold(word) not in COMMON_WORDS
    )


def _add_recurring(found: _FirstSpelling, tally: _Tally, count: int) -> None:
    """Names recurring in enough episodes: credits, authors, listed hosts, names in the
    notes, first names addressed."""
    threshold = max(3, HOST_SHARE * count)
    found.add_all(_at_least(tally.credits, threshold))
    found.add_all(_at_least(tally.authors, threshold))
    found.add_all(tally.spelled.get(k, k) for k in _at_least(tally.listed_hosts, threshold))
    mention_threshold = max(3, MENTION_HOST_SHARE * count)
    found.add_all(tally.spelled[k] for k in _at_least(tally.mentioned, mention_threshold))
    addressed_threshold = max(3, ADDRESSED_HOST_SHARE * count)
    found.add_all(tally.full_name_of(w) for w in _at_least(tally.addressed, addressed_threshold))


def _at_least(counts: Counter[str], needed: float) -> list[str]:
    """The keys counted at least ``needed`` times, in the order first counted."""
    return [key for key, n in counts.items() if n >= needed]
