"""Where a show's guests appear, learned from its episodes: title slots and intro phrases.

A show that titles its episodes "#382 – {guest}: {topic}" names its guest in that slot
("first"; "last" when titles end with the guest, "MU Podcast – {guest}"): a slot counts
when at least :data:`SLOT_SHARE` of the titles hold different person-like names there. A
show's own intro phrases ("On this episode Bryan has …") are the words before different
guests in many episodes. :func:`has_guest_signal` says whether one episode names a guest.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence

from planner.domain.cue_patterns import CuePatterns
from planner.domain.entry import ParsedEntry
from planner.domain.names import GENERIC_WORDS, PARTICLES, clean_person_name, fold
from planner.domain.show_hosts import CONTRIBUTOR_ROLE
from planner.domain.show_text import guest_cue, name_runs, participants
from planner.domain.show_titles import (
    SLOT_FIRST,
    SLOT_LAST,
    segment_names,
    slot_of,
    title_segments,
)

#: A title slot holding different people in at least this share of titles is a guest slot.
SLOT_SHARE = 0.15
#: The show's own intro phrases: seen before different guests in this share of episodes.
INTRO_SHARE = 0.04
MAX_INTROS = 5
INTRO_EPISODES = 100

_CONTEXT = re.compile(r"((?:[^\W\d_][\w'’]*,?[ \t]+){2,5})$")


def learn_slots(
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
        for slot, keys in _guests_by_slot(title, show_names, cues, host_keys):
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


def _guests_by_slot(
    title: str, show_names: Sequence[str], cues: CuePatterns, host_keys: set[str]
) -> Iterator[tuple[str, set[str]]]:
    """Each slot of ``title`` holding person-like names other than the hosts', with them."""
    segments = title_segments(title, show_names)
    for index, segment in enumerate(segments):
        slot = slot_of(segments, index)
        if slot is None or (slot == SLOT_LAST and len(segments) < 2):
            continue
        names = segment_names(segment, cues)
        if not names:
            continue
        keys = {clean_person_name(n.name) for n in names} - host_keys
        if keys:
            yield slot, keys


def learn_intros(
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
        seen.update(_phrases_before_names(entry.text, host_keys, names))
    needed = max(3, INTRO_SHARE * len(entries))
    phrases = [
        p
        for p, n in seen.items()
        if n >= needed and len(names[p]) >= max(3, n * 0.6) and _may_introduce(p, cues)
    ]
    # the longest phrase of a family is the show's wording; shorter ones are its tail
    phrases.sort(key=lambda p: (-seen[p], -len(p)))
    kept: list[str] = []
    for phrase in phrases:
        if not any(k.endswith(" " + phrase) or phrase.endswith(" " + k) for k in kept):
            kept.append(phrase)
    return tuple(kept[:MAX_INTROS])


def _phrases_before_names(text: str, host_keys: set[str], names: dict[str, set[str]]) -> set[str]:
    """The two to five (folded) words before each person-like name in ``text`` that is not
    a host's; ``names`` gathers whom each phrase preceded."""
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
    return found


def _may_introduce(phrase: str, cues: CuePatterns) -> bool:
    """Could ``phrase`` be a show's own way to introduce a guest: not a known cue already,
    not only generic words or particles, not leading to a place or an organisation?"""
    return (
        not cues.before_cue_at_end(phrase + " ")
        and not all(w in GENERIC_WORDS or w in PARTICLES for w in phrase.split())
        and phrase.split()[-1] not in _ORGANISATION_LEADS
    )


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


def has_guest_signal(
    entry: ParsedEntry,
    show_names: Sequence[str],
    cues: CuePatterns,
    host_keys: set[str],
    slots: Sequence[str],
    intros: re.Pattern[str] | None = None,
) -> bool:
    """Does this episode name someone other than the hosts as its guest?"""
    return (
        _credits_a_guest(entry, host_keys)
        or _titles_a_guest(entry.title, show_names, cues, host_keys, slots)
        or _notes_introduce_a_guest(entry.text, cues, host_keys, intros)
    )


def _credits_a_guest(entry: ParsedEntry, host_keys: set[str]) -> bool:
    """A podcast:person guest, or a credit who is not a host."""
    for person in entry.people:
        if "guest" in person.role.lower():
            return True
        if person.role == CONTRIBUTOR_ROLE and clean_person_name(person.name) not in host_keys:
            return True
    return False


def _titles_a_guest(
    title: str,
    show_names: Sequence[str],
    cues: CuePatterns,
    host_keys: set[str],
    slots: Sequence[str],
) -> bool:
    """Someone not a host in a guest slot of the title, or behind a title marker."""
    segments = title_segments(title, show_names)
    for index, segment in enumerate(segments):
        if slot_of(segments, index) in slots:
            names = segment_names(segment, cues) or []
            if any(clean_person_name(n.name) not in host_keys for n in names):
                return True
    for run in name_runs(title):
        if clean_person_name(run.name) in host_keys:
            continue
        if cues.title_marker.search(title[: run.start]):
            return True
    return False


def _notes_introduce_a_guest(
    text: str, cues: CuePatterns, host_keys: set[str], intros: re.Pattern[str] | None
) -> bool:
    """Someone not a host in the notes' participant list or beside a strong cue."""
    if any(clean_person_name(r.name) not in host_keys for r in participants(text, cues)):
        return True
    for run in name_runs(text):
        if clean_person_name(run.name) in host_keys:
            continue
        if guest_cue(text, run.start, run.end, cues, intros=intros, strong_only=True):
            return True
    return False
