"""Episode titles: the segments that may name a guest, and a title as a template.

"#382 – Chris Lattner: Future of AI" is, once its numbering is set aside, two segments:
"Chris Lattner" (the first) and "Future of AI" (the last). A show that puts different
people in the same segment episode after episode has a guest *slot* there (see
:mod:`planner.domain.show_profile`); :func:`segment_names` says whether a segment holds
only names (or names leading to a topic: "Jane Doe on Pricing").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from planner.domain.cue_patterns import CuePatterns
from planner.domain.names import fold
from planner.domain.show_text import NameRun, name_runs

SLOT_FIRST = "first"
SLOT_LAST = "last"

_SEPARATOR = re.compile(r"\s+[-–—|•·]\s+|\s*[|:]\s+|\s+[-–—]\s*$")
_EPISODE_PREFIX = re.compile(
    r"""\s*(?:
        (?:\#|№|no\.?\s*|ep(?:isode)?\.?\s*|e(?=\d)|[a-z]{1,4}(?=\d))\s*\d+(?:[.,]\d+)?[a-z]?
      | s\d+\s*[:.,]?\s*e(?:p(?:isode)?)?\.?\s*\d+
      | \d{1,4}(?:[.,]\d{1,4})?(?=\s*[:.|\-–—\s])
    )\s*(?:[:.|\-–—]+\s*)?""",
    re.IGNORECASE | re.VERBOSE,
)
_TRAILING_NUMBER = re.compile(r"\s*(?:#|ep(?:isode)?\.?\s*|no\.?\s*)\d+\s*$", re.IGNORECASE)
_LEADING_TAG = re.compile(r"^\s*[\[(][^\])]{1,30}[\])]\s*")


@dataclass(frozen=True, slots=True)
class TitleSegment:
    """A piece of a title between separators, numbering and show name set aside."""

    text: str
    start: int
    end: int


def title_segments(title: str, show_names: Iterable[str] = ()) -> list[TitleSegment]:
    """The segments of ``title`` that may hold a guest or a topic.

    A leading tag ("[Replay]"), an episode number ("#382 –", "Ep. 24", "23.21 –", "FS229")
    and any segment that is the show's own name ("Hipsters Ponto Tech #360") are dropped.
    """
    names = {fold(n) for n in show_names if n.strip()}
    start = 0
    tag = _LEADING_TAG.match(title)
    if tag:
        start = tag.end()
    prefix = _EPISODE_PREFIX.match(title, start)
    if prefix and prefix.end() > start:
        start = prefix.end()
    pieces: list[TitleSegment] = []
    cursor = start
    for sep in _SEPARATOR.finditer(title, start):
        pieces.append(TitleSegment(title[cursor : sep.start()], cursor, sep.start()))
        cursor = sep.end()
    pieces.append(TitleSegment(title[cursor:], cursor, len(title)))
    out: list[TitleSegment] = []
    for piece in pieces:
        text = _TRAILING_NUMBER.sub("", piece.text).strip()
        if not text:
            continue
        folded = fold(text)
        if folded in names or any(folded.startswith(n + " ") for n in names if len(n) > 3):
            continue  # the show's own name ("Tom Segura En Español", "MU Podcast")
        lead = len(piece.text) - len(piece.text.lstrip())
        out.append(TitleSegment(text, piece.start + lead, piece.start + lead + len(text)))
    return out


def segment_names(segment: TitleSegment, cues: CuePatterns) -> list[NameRun] | None:
    """The names when a segment is names joined by "and" words, alone or leading to its
    topic ("Jane Doe & John Roe on Pricing"); else None. Offsets are the title's."""
    runs = name_runs(segment.text)
    if not runs:
        return None
    taken: list[NameRun] = []
    cursor = 0
    for run in runs:
        gap = segment.text[cursor : run.start]
        if cursor == 0:
            if gap.strip():
                return None
        elif not cues.joiner_head.fullmatch(gap) and gap.strip() not in ("", ","):
            break
        taken.append(run)
        cursor = run.end
    rest = segment.text[cursor:]
    if rest.strip(" .!?") and not cues.about.match(rest):
        return None
    return [NameRun(r.name, r.start + segment.start, r.end + segment.start) for r in taken]


def slot_of(segments: Sequence[TitleSegment], index: int) -> str | None:
    """The slot (first or last) a title segment sits in, or None."""
    if len(segments) < 1:
        return None
    if index == 0:
        return SLOT_FIRST
    if index == len(segments) - 1:
        return SLOT_LAST
    return None


def title_template(example: str, show_names: Sequence[str], cues: CuePatterns) -> str:
    """A title as a template: "#382 – Chris Lattner: Future of AI" → "#N – {guest}: {topic}"."""
    segments = title_segments(example, show_names)
    pieces: list[tuple[int, int, str]] = []
    prefix_end = segments[0].start if segments else 0
    for index, segment in enumerate(segments):
        names = segment_names(segment, cues)
        if names and slot_of(segments, index) is not None:
            pieces.append((names[0].start, names[-1].end, "{guest}"))
            about = cues.about.match(example[names[-1].end : segment.end])
            topic_start = names[-1].end + (about.end() + 1 if about else 0)
            if about and topic_start < segment.end:
                pieces.append((topic_start, segment.end, "{topic}"))
        else:
            pieces.append((segment.start, segment.end, "{topic}"))
    out = re.sub(r"\d+", "N", example[:prefix_end])
    cursor = prefix_end
    for start, end, label in pieces:
        out += example[cursor:start] + label
        cursor = end
    out += re.sub(r"\d+", "N", example[cursor:])
    return " ".join(out.split())


__all__ = [
    "SLOT_FIRST",
    "SLOT_LAST",
    "TitleSegment",
    "segment_names",
    "slot_of",
    "title_segments",
    "title_template",
]
