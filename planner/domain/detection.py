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

Where each part lives
=====================

:mod:`~planner.domain.detection_keys` (the index of names, handles and sites),
:mod:`~planner.domain.detection_forms` (how sure a written name is),
:mod:`~planner.domain.detection_scan` (each part of an entry),
:mod:`~planner.domain.detection_suggest` (guests who are not contacts yet),
:mod:`~planner.domain.detection_evidence` (evidence into detections),
:mod:`~planner.domain.detection_records` and :mod:`~planner.domain.detection_snippets`
(what is reported). This module holds :class:`DetectionIndex`, the one entry point.
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.domain.detection_evidence import apply_show, combine
from planner.domain.detection_keys import Clue, PeopleIndex
from planner.domain.detection_links import SHARED_PLATFORMS
from planner.domain.detection_records import (
    FIELD_AUTHOR,
    FIELD_LINK,
    FIELD_PEOPLE,
    FIELD_TEXT,
    FIELD_TITLE,
    Detection,
    EntryAnalysis,
    Evidence,
    GuestSuggestion,
)
from planner.domain.detection_scan import (
    mainly_about,
    scan_authors,
    scan_links,
    scan_people,
    scan_text,
    scan_title,
)
from planner.domain.detection_snippets import highlight_spans, make_snippet
from planner.domain.detection_suggest import dedupe_suggestions, text_suggestions, title_suggestions
from planner.domain.detection_titles import EntryTitle
from planner.domain.entry import ParsedEntry
from planner.domain.guest_roles import slotted_spans
from planner.domain.model import Contact, FeedKind, Profile
from planner.domain.show_profile import ShowProfile, plausible_guest


class DetectionIndex:
    """Everything needed to detect a fixed set of people; build once, use for many entries."""

    def __init__(self, people: PeopleIndex | None = None) -> None:
        self._people = people if people is not None else PeopleIndex()

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
        people = PeopleIndex.build(
            contacts,
            profile,
            shared_platforms=shared_platforms,
            include_archived=include_archived,
        )
        return cls(people)

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
        people = self._people
        podcast = is_podcast(entry, feed_kind)
        podcast_show = show if podcast else None
        evidence: list[Clue] = []
        suggestions: list[GuestSuggestion] = []
        title = EntryTitle.of(entry.title, podcast)
        text = entry.text
        slotted = slotted_spans(entry.title, show) if show is not None and title else []
        title_hits = scan_title(people, title, evidence, show, slotted)
        blog_title = None if podcast else entry.title
        text_hits = scan_text(people, text, evidence, podcast_show, blog_title)
        scan_links(people, entry, text, evidence, own_sites)
        scan_people(people, entry, evidence, suggestions, show)
        scan_authors(people, entry, evidence, podcast_show)
        if show is None or show.has_guests:
            title_suggestions(
                people, entry, title, title_hits, text, evidence, suggestions, show, slotted
            )
            if podcast_show is not None and _reads_notes_for_guests(entry, suggest_from_text):
                text_suggestions(
                    people, entry, podcast_show, text, text_hits, evidence, suggestions
                )
        mainly_about(people, text_hits, evidence)
        if show is not None:
            apply_show(evidence, show, people.names)
            suggestions = _plausible_suggestions(suggestions, entry, show)
        detections = combine(evidence)
        me = next((d for d in detections if d.is_me), None)
        contacts = tuple(d for d in detections if not d.is_me)
        return EntryAnalysis(contacts, me, dedupe_suggestions(suggestions))


def is_podcast(entry: ParsedEntry, feed_kind: FeedKind | str | None) -> bool:
    """The caller's feed kind, else a guess from the entry (enclosure, iTunes, people)."""
    if feed_kind is not None and str(feed_kind):
        return str(feed_kind) == FeedKind.PODCAST
    return bool(
        entry.enclosure or entry.itunes_episode or entry.itunes_duration_seconds or entry.people
    )


def _reads_notes_for_guests(entry: ParsedEntry, suggest_from_text: bool) -> bool:
    """Look in an episode's notes for guests who are not contacts yet?"""
    if not suggest_from_text:
        return False
    # an episode that credits its guests (podcast:person) has said who they are
    return not any("guest" in p.role.lower() for p in entry.people)


def _plausible_suggestions(
    suggestions: list[GuestSuggestion], entry: ParsedEntry, show: ShowProfile
) -> list[GuestSuggestion]:
    """The suggestions the show's conventions allow as guests of this episode."""
    # a podcast:person guest credit is the feed's own word: it stands as given
    return [
        s for s in suggestions if s.field == FIELD_PEOPLE or plausible_guest(s.name, entry, show)
    ]


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
