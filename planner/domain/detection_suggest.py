"""Guests who are not contacts yet: suggestions to add them (or an alias to someone known).

podcast:person guests whose name is not known, interview-framed title names that look like
a person, and (in my own shows) guests the notes introduce become
:class:`~planner.domain.detection_records.GuestSuggestion` objects. When such a name
closely resembles a known person's, the suggestion names that contact as an alias to add;
when the names are equal once titles and middle initials are removed, a guest detection
for that contact is added too, below auto-confirm, for review.
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.domain.detection_keys import (
    ME,
    SAME_PERSON_CONFIDENCE,
    SOURCE_PEOPLE,
    SOURCE_SITE,
    Clue,
    Hit,
    PeopleIndex,
)
from planner.domain.detection_records import (
    FIELD_PEOPLE,
    FIELD_TEXT,
    FIELD_TITLE,
    GuestSuggestion,
)
from planner.domain.detection_snippets import clip
from planner.domain.detection_titles import EntryTitle, TitleCandidate, guest_candidates
from planner.domain.entry import ParsedEntry
from planner.domain.guest_roles import cue_words
from planner.domain.model import Role
from planner.domain.names import FoldedText, clean_person_name, fold, name_boundary_ok
from planner.domain.show_profile import ShowProfile
from planner.domain.show_text import introduced, participants

#: Guests not yet contacts are looked for in this much of an episode's notes (the intro;
#: the rest is sponsors, links and timestamps).
SUGGEST_TEXT_CHARS = 3_000


def text_suggestions(
    people: PeopleIndex,
    entry: ParsedEntry,
    show: ShowProfile,
    text: str,
    text_hits: list[tuple[Hit, FoldedText]],
    out: list[Clue],
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
        suggest(
            people,
            name,
            "",
            clip(f"guest: {why} — {entry.title}"),
            entry.guid,
            FIELD_TEXT,
            [],
            out,
            suggestions,
        )


def title_suggestions(
    people: PeopleIndex,
    entry: ParsedEntry,
    title: EntryTitle | None,
    title_hits: list[Hit],
    text: str,
    out: list[Clue],
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
        if _covered(candidate, known) or not _in_guest_place(candidate, title, show, slotted):
            continue
        if fold(candidate.name) in people_names:
            continue  # the podcast:person element already speaks for them
        if candidate.weak and not capitalised_in(candidate.name, text):
            continue
        suggest(
            people,
            candidate.name,
            "",
            clip(entry.title),
            entry.guid,
            FIELD_TITLE,
            [],
            out,
            suggestions,
            candidate,
        )


def _in_guest_place(
    candidate: TitleCandidate,
    title: EntryTitle,
    show: ShowProfile | None,
    slotted: Sequence[tuple[int, int]],
) -> bool:
    """Without a show profile every frame counts; with one, its guest slot or a marker."""
    if show is None:
        return True
    in_slot = any(s <= candidate.start and candidate.end <= e for s, e in slotted)
    return in_slot or bool(show.cues.title_marker.search(title.frame.title[: candidate.start]))


def _covered(candidate: TitleCandidate, known: list[tuple[int, int]]) -> bool:
    """Does the candidate overlap a name already found in the title (someone known)?"""
    return any(s < candidate.end and candidate.start < e for s, e in known)


def suggest(
    people: PeopleIndex,
    name: str,
    href: str,
    why: str,
    guid: str,
    field_name: str,
    found: list[Clue],
    out: list[Clue],
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
    similar = people.similar(name)
    by_href = [e.owner for e in found if e.source == SOURCE_SITE]
    if similar is None and by_href:
        similar = (by_href[0], 0.0)
    if similar is not None and similar[0] is ME and similar[1] < 100.0:
        similar = None  # someone whose name resembles mine is not me
    if similar is None:
        suggestions.append(GuestSuggestion(name, href, why, guid, field_name))
        return
    owner, score = similar
    if owner is not ME:
        suggestions.append(GuestSuggestion(name, href, why, guid, field_name, owner, score))
    if score >= 100.0:
        factor = candidate.factor if candidate is not None else 1.0
        out.append(
            Clue(
                owner,
                Role.GUEST,
                field_name,
                name,
                why,
                SAME_PERSON_CONFIDENCE * factor,
                SOURCE_PEOPLE,
            )
        )


def capitalised_in(name: str, text: str) -> bool:
    """Does ``name`` appear in ``text`` as written (names keep their capitals in prose)?"""
    at = text.find(name)
    while at >= 0:
        if name_boundary_ok(text, at, at + len(name)):
            return True
        at = text.find(name, at + 1)
    return False


def dedupe_suggestions(suggestions: list[GuestSuggestion]) -> tuple[GuestSuggestion, ...]:
    """One suggestion per name; podcast:person (it may carry an href) beats the title."""
    best: dict[str, GuestSuggestion] = {}
    for suggestion in suggestions:
        key = clean_person_name(suggestion.name)
        current = best.get(key)
        if current is None or (current.field != FIELD_PEOPLE and suggestion.field == FIELD_PEOPLE):
            best[key] = suggestion
    return tuple(best.values())
