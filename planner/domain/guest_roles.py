"""Who a name is to an episode or a post, read from how the show (or the post) speaks.

Detection finds the names; this module says which of them are guests by the show's
conventions (its title slot, its cue phrases, its participant lists — see
:mod:`planner.domain.show_profile`) and, for blog posts, which are interviewed or featured
in a round-up. Every reason comes with words a user can check ("the notes introduce them
as a guest").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from planner.domain.cue_patterns import CuePatterns, cue_patterns
from planner.domain.model import Role
from planner.domain.show_profile import ShowKind, ShowProfile
from planner.domain.show_text import guest_cue, participants
from planner.domain.show_titles import segment_names, slot_of, title_segments

#: How sure a show's own title slot makes the guest role (times the name's confidence).
SLOT_FACTOR = 1.0
#: A cue phrase right before or after the name ("my guest is", "joins us").
CUE_FACTOR = 1.0
#: A participant list or a name chained to a guest ("with X, CEO of Acme, and Y").
LIST_FACTOR = 1.0
#: A weaker cue ("X discusses …") or the name opening the notes: goes to review.
WEAK_CUE_FACTOR = 0.85


def slotted_spans(title: str, show: ShowProfile) -> list[tuple[int, int]]:
    """Spans of ``title`` that sit in one of the show's guest slots and hold only names."""
    if not show.slots or not show.has_guests:
        return []
    segments = title_segments(title, show.show_names)
    spans = []
    for index, segment in enumerate(segments):
        names = (
            segment_names(segment, show.cues) if slot_of(segments, index) in show.slots else None
        )
        if names:
            spans.append((names[0].start, names[-1].end))
    return spans


def cue_words(cue: str) -> str:
    """Why a cue makes someone a guest, as the evidence says it."""
    return {
        "before": "the notes introduce them as a guest",
        "intro": "the show's own words for its guests",
        "after": "the notes say they join the show",
        "speaks": "the notes say they speak on the show",
        "list": "listed among the episode's participants",
        "chain": "named with the episode's other guests",
        "opening": "the notes open with them",
    }[cue]


def blog_roles(
    text: str, spans: Sequence[tuple[int, int]], full: Sequence[bool], title: str
) -> dict[int, tuple[Role, float, str]]:
    """Names (by index into ``spans``) a blog post interviews ("we asked Jane Doe") or
    features in a round-up; ``full`` says which are full names (not one-word aliases)."""
    cues = cue_patterns("en")
    roundup = cues.roundup.search(title)
    roles: dict[int, tuple[Role, float, str]] = {}
    for i, (start, _) in enumerate(spans):
        line_start = text.rfind("\n", 0, start) + 1
        if cues.interview.search(text, max(line_start, start - 80), start):
            roles[i] = (Role.GUEST, CUE_FACTOR, "the post interviews them")
        elif roundup and full[i]:
            roles[i] = (Role.FEATURE, CUE_FACTOR, f"one of the experts of a round-up, '{title}'")
    return roles


def text_roles(
    text: str, spans: Sequence[tuple[int, int]], full: Sequence[bool], show: ShowProfile
) -> dict[int, tuple[Role, float, str]]:
    """Names (by index into ``spans``) that the show's notes introduce as guests: (role,
    factor, why). ``full`` says which are full names: one word ("Tim") is too weak for
    anything but a cue right beside it."""
    if not show.has_guests:
        return {}
    roles = _cued(text, spans, full, show)
    # "with Jane Doe, CEO of Acme, and John Roe": a name joined to a guest is one too
    for _ in range(2):
        _add_chained(text, spans, roles, show.cues)
    return {i: (Role.GUEST, factor, why) for i, (factor, why) in roles.items()}


def _cued(
    text: str, spans: Sequence[tuple[int, int]], full: Sequence[bool], show: ShowProfile
) -> dict[int, tuple[float, str]]:
    """Names in the episode's participant list, beside a cue, or opening an interview
    show's notes: (factor, why) by index into ``spans``."""
    cues = show.cues
    listed = [(r.start, r.end) for r in participants(text, cues)]
    roles: dict[int, tuple[float, str]] = {}
    for i, (start, end) in enumerate(spans):
        if any(s <= start and end <= e for s, e in listed):
            roles[i] = (LIST_FACTOR, cue_words("list"))
            continue
        full_name = full[i]
        cue = guest_cue(text, start, end, cues, intros=show.intro_pattern)
        if cue == "speaks":
            if full_name:
                roles[i] = (WEAK_CUE_FACTOR, cue_words(cue))
        elif cue is not None:
            roles[i] = (CUE_FACTOR, cue_words(cue))
        elif full_name and show.kind is ShowKind.INTERVIEW and _opens_paragraph(text, start, end):
            roles[i] = (WEAK_CUE_FACTOR, cue_words("opening"))
    return roles


def _add_chained(
    text: str,
    spans: Sequence[tuple[int, int]],
    roles: dict[int, tuple[float, str]],
    cues: CuePatterns,
) -> None:
    """Give each name joined to a guest in one sentence the guest's factor (one round)."""
    for i, (start, end) in enumerate(spans):
        if i in roles:
            continue
        for j in roles:
            other_start, other_end = spans[j]
            between = text[other_end:start] if other_end <= start else text[end:other_start]
            if 0 <= len(between) <= 120 and _chained(between, cues):
                roles[i] = (roles[j][0], cue_words("chain"))
                break


_PARENTHESES = re.compile(r"\([^()]{0,40}\)")
_LEAD_WORDS = re.compile(
    r"(?:\s+(?:[^\W\d_][\w'’.\-]*))*$"  # "Sen.", "Energy Secretary", "The Intercept's"
)


def _chained(between: str, cues: CuePatterns) -> bool:
    """Is the text between two names a join in one sentence: "and", ", ", " (D-Va.), Sen. ",
    ", CEO of Acme, and ", " and Energy Secretary "?"""
    if any(stop in between for stop in ("\n", "! ", "? ", "; ")):
        return False
    plain = _PARENTHESES.sub(" ", between)
    if ". " in plain.replace("Sen. ", "").replace("Rep. ", "").replace("Dr. ", ""):
        return False
    head = cues.joiner_head.match(plain)
    if head is None:
        return False
    rest = plain[head.end() :]
    if not rest.strip() or _LEAD_WORDS.fullmatch(" " + rest.strip()):
        return len(rest.split()) <= 3
    # ", CEO of Acme, and ": an apposition, then the join
    tail = cues.joiner_tail.search(plain)
    return tail is not None and len(plain) <= 100 and plain.lstrip().startswith(",")


def _opens_paragraph(text: str, start: int, end: int) -> bool:
    """A name opening the notes, or a paragraph followed by an apposition or "is": "Jane
    Doe, CEO of Acme, …", "Jane Doe is a …" (the bio of an interview show's guest)."""
    if start <= 2:
        return True
    if text[start - 1] != "\n":
        return False
    return bool(re.match(r"(?:,\s|\s(?:is|was|has|worked)\s)", text[end : end + 10]))


def author_names(author: str, split: bool) -> list[str]:
    """An author field as names: "Paris Marx, Jane Doe" is two people in a podcast."""
    author = " ".join(author.split())
    if not split or not any(sep in author for sep in (",", "&", " and ")):
        return [author] if author else []
    parts = [p.strip() for p in re.split(r"\s*(?:,|&|\band\b)\s*", author)]
    return [p for p in parts if p]
