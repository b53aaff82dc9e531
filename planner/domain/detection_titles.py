"""Interview patterns in post and episode titles: who is the guest?

A name in a title is a *guest* when the title frames it as an interview, else the post
*features* the person. The interview frames are:

* a marker right before the name: "with X", "w/ X", "feat. X", "ft. X", "featuring X",
  "Interview: X", "Interview with X", "Q&A: X", "Q&A with X", "AMA with X",
  "a conversation with X", "chat with X", "talking to X", "sits down with X",
  "joined by X", "Guest: X", "[Interview] X"; also "… (with X)". Further names joined
  to a guest by "," "&" "+" or "and" are guests too ("with X and Y");
* "X interview" / "X: Q&A" anywhere;
* the name opening the title (after an optional episode number such as "#123:",
  "Ep 12 -", "Episode 12:", "S2E4", "123 –") followed by " on …", " talks …" or by a
  separator (":", "|", "—", "–", "-") or the end: "#123: X — …", "Ep 12 - X: …",
  "X on Pricing", "X | Show". In a podcast these are interviews; in a blog they are
  interviews only behind an episode number, because a blog post titled "Jane Doe on
  Pricing" or "Jane Doe: Lessons" is about her, not with her.

Titles like "What X Taught Us", "Lessons From X", "X's Take on …", "Why X Rethinks …"
name the person outside any frame: a feature.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planner.domain.names import (
    GENERIC_WORDS,
    PARTICLES,
    FoldedText,
    fold,
    fold_text,
    is_initial,
    is_title,
    looks_like_person_name,
)

_MARKER = r"""(?:
    \b(?:with|feat|ft|featuring|starring)\b\.?
  | \bw/
  | \bguests?\s*:
  | \binterview(?:s|ing|ed)?(?:\s+with)?
  | \bq\s*&\s*a(?:\s+with)?
  | \bama(?:\s+with|\s*[:\-–—])
  | \bconversations?\s+with
  | \bchat(?:s|ting)?\s+with
  | \btalk(?:s|ing)?\s+(?:with|to)
  | \bsit(?:s|ting)?\s+down\s+with
  | \bjoined\s+by
  | [\[(]\s*(?:interview|q\s*&\s*a|guest)\s*[\])]
)"""
#: An honorific may sit between the frame and the name: "Interview with Dr. Jane Doe".
_HONORIFIC = r"(?:(?:dr|prof|professor|mr|mrs|ms|mx|sir|dame|rev)\.?\s+)?"
_MARKER_TAIL = re.compile(
    _MARKER + r"\s*[:\-–—]?\s*" + _HONORIFIC + "$", re.IGNORECASE | re.VERBOSE
)
_MARKER_ANY = re.compile(_MARKER + r"\s*[:\-–—]?\s*", re.IGNORECASE | re.VERBOSE)
_JOINER_TAIL = re.compile(r"(?:,|&|\+|\band)\s*$", re.IGNORECASE)
_JOINER_HEAD = re.compile(r"\s*(?:,|&|\+|and)\s+", re.IGNORECASE)

#: A leading tag such as "[Replay]" or "(Bonus)", skipped before looking for the opening.
_LEADING_TAG = re.compile(r"\s*[\[(][^\])]{1,30}[\])]\s*")
_EPISODE_PREFIX = re.compile(
    r"""\s*
    (?:
        (?:\#|№|no\.?\s*|ep(?:isode)?\.?\s*|e(?=\d))\s*\d+[a-z]?
      | s\d+\s*[:.,]?\s*e(?:p(?:isode)?)?\.?\s*\d+
      | \d{1,4}(?=\s*[:.|\-–—])
    )
    \s*(?:[:.|\-–—]+\s*)?""",
    re.IGNORECASE | re.VERBOSE,
)
#: What may follow a guest's name before " on …": "(Acme)", ", CEO of Acme,".
_APPOSITION = r"(?:\s*\([^()]{1,40}\)|,[^,:|()]{1,50},)?"
_AFTER_ON = re.compile(
    "^"
    + _APPOSITION
    + r"\s+(?:on|talks?|discusses|explains|shares|reveals|returns|answers|breaks\s+down)\b",
    re.IGNORECASE,
)
_AFTER_SEPARATOR = re.compile("^" + _APPOSITION + r"\s*(?:[:|\-–—•·,]|$)")
#: Capitalised words joined by "," "&" "+" "and": the co-guests of an opening name.
_CAPITALISED_WORD = r"[^\W\d_a-z][\w'’.\-]*"
_CO_GUESTS = re.compile(
    rf"(?:\s*(?:,|&|\+|\band\b)\s*{_CAPITALISED_WORD}(?:\s+{_CAPITALISED_WORD}){{0,3}})*"
)
_AFTER_INTERVIEW = re.compile(
    r"^\s*(?:[:\-–—|,]\s*)?(?:interview|q\s*&\s*a|ama|in\s+conversation)\b", re.IGNORECASE
)
_POSSESSIVE = re.compile(r"['’]s?(?![\w'’])")
_POSSESSIVE_WORD = re.compile(r"\w['’]s?$")
_NAME_WORD = re.compile(r"[^\W\d_][\w'’\-]*\.?")

#: How sure a title frame makes the guest role (times the name's own confidence).
MARKER_FACTOR = 1.0
OPENING_FACTOR = 0.97


@dataclass(frozen=True, slots=True)
class TitleFrame:
    """A title with where a name opening it would begin (after an episode number)."""

    title: str
    is_podcast: bool
    opening: int
    has_episode_prefix: bool


@dataclass(frozen=True, slots=True)
class TitleCandidate:
    """A would-be guest name found in an interview frame (original words and span)."""

    name: str
    start: int
    end: int
    factor: float
    #: Only the weak "X: …" / "X | …" opening frame supports it: needs more evidence.
    weak: bool


def frame_title(title: str, is_podcast: bool) -> TitleFrame:
    """Where a name opening the title would start: after a leading tag ("[Replay]") and an
    episode number ("#123:", "Ep 12 -", "S2E4", "123 –"), if any."""
    tag = _LEADING_TAG.match(title)
    start = tag.end() if tag else 0
    prefix = _EPISODE_PREFIX.match(title, start)
    if prefix:
        return TitleFrame(title, is_podcast, prefix.end(), True)
    rest = title[start:]
    return TitleFrame(title, is_podcast, start + len(rest) - len(rest.lstrip()), False)


@dataclass(frozen=True, slots=True)
class EntryTitle:
    """An entry title folded once and framed once (episode prefix found)."""

    folded: FoldedText
    frame: TitleFrame

    @classmethod
    def of(cls, title: str, is_podcast: bool) -> EntryTitle | None:
        """The title folded and framed, or None for a blank title."""
        if not title.strip():
            return None
        return cls(fold_text(title), frame_title(title, is_podcast))


def _opening_factor(frame: TitleFrame, end: int) -> tuple[float, bool] | None:
    """For a name opening the title: (factor, weak) when what follows frames an interview.

    Further names joined to it are skipped first: "Jane Doe & John Roe on Pricing".
    """
    after = frame.title[end:]
    skipped = after[_CO_GUESTS.match(after).end() :]  # type: ignore[union-attr]
    for rest in dict.fromkeys((after, skipped)):
        if _AFTER_INTERVIEW.match(rest):
            return MARKER_FACTOR, False
        interview_like = frame.is_podcast or frame.has_episode_prefix
        if interview_like and _AFTER_ON.match(rest):
            return OPENING_FACTOR, False
        if interview_like and _AFTER_SEPARATOR.match(rest):
            return OPENING_FACTOR, not frame.has_episode_prefix
    return None


def guest_factor(frame: TitleFrame, start: int, end: int, guest_ends: list[int]) -> float | None:
    """How much the title frames ``title[start:end]`` as a guest, None if it does not.

    ``guest_ends`` holds the end offsets of names already found to be guests (earlier in
    the title), so that "with X and Y" makes Y a guest too.
    """
    before = frame.title[:start]
    if _POSSESSIVE.match(frame.title, end):
        return None  # "with Jane Doe's framework" is about her work, not an interview
    if _MARKER_TAIL.search(before):
        return MARKER_FACTOR
    joiner = _JOINER_TAIL.search(before)
    if joiner and guest_ends and len(before[: joiner.start()].rstrip()) in guest_ends:
        return MARKER_FACTOR
    if _AFTER_INTERVIEW.match(frame.title[end:]):
        return MARKER_FACTOR
    if start == frame.opening:
        opening = _opening_factor(frame, end)
        if opening:
            return opening[0]
    return None


def _read_name(title: str, pos: int) -> tuple[list[str], int, int] | None:
    """Capitalised words (particles and initials allowed inside) starting at ``pos``.

    Reading stops at a lower-case word, a generic title word ("About", "On", "Growth"),
    any punctuation other than a single space, a full stop, or after five words.
    """
    words: list[tuple[str, int, int]] = []
    while len(words) < 5:
        if words:
            if title[pos : pos + 1] != " ":
                break
            pos += 1
        match = _NAME_WORD.match(title, pos)
        if not match:
            break
        word = match.group()
        if not words and is_title(word):
            pos = match.end()  # "Dr." / "Prof." before the name is not part of it
            continue
        if not _name_word(word, inside=bool(words)):
            break
        if _POSSESSIVE_WORD.search(word):
            return None  # "with Jane Doe's framework": her work, not her
        if word.endswith(".") and not is_initial(word):
            words.append((word[:-1], match.start(), match.end() - 1))
            break  # a full stop ends the name
        words.append((word, match.start(), match.end()))
        pos = match.end()
    return _without_trailing_particles(words)


def _name_word(word: str, *, inside: bool) -> bool:
    """A capitalised word that is not a generic title word (an initial is fine), or a
    particle ("van", "de") once the name has begun."""
    folded = fold(word.rstrip("."))
    if word[0].isupper() and (folded not in GENERIC_WORDS or is_initial(word)):
        return True
    return folded in PARTICLES and inside


def _without_trailing_particles(
    words: list[tuple[str, int, int]],
) -> tuple[list[str], int, int] | None:
    """The name's words and span, without particles at its end ("Jane Doe de" → "Jane Doe")."""
    while words and fold(words[-1][0]) in PARTICLES:
        words.pop()
    if not words:
        return None
    return [w for w, _, _ in words], words[0][1], words[-1][2]


def guest_candidates(frame: TitleFrame) -> list[TitleCandidate]:
    """Person-like names the title frames as guests (known or not: the caller checks)."""
    found: list[TitleCandidate] = []
    for marker in _MARKER_ANY.finditer(frame.title):
        found.extend(_chain(frame, marker.end(), MARKER_FACTOR, weak=False))
    opened = _chain(frame, frame.opening, MARKER_FACTOR, weak=False)
    if opened:
        opening = _opening_factor(frame, opened[-1].end)
        if opening and not frame.title[frame.opening : opened[0].start].strip():
            factor, weak = opening
            starts = {c.start for c in found}
            found.extend(
                TitleCandidate(c.name, c.start, c.end, factor, weak)
                for c in opened
                if c.start not in starts
            )
    return found


def _chain(frame: TitleFrame, pos: int, factor: float, weak: bool) -> list[TitleCandidate]:
    """Names after a marker, following joiners: "with X, Y and Z"."""
    out: list[TitleCandidate] = []
    while True:
        read = _read_name(frame.title, pos)
        if not read:
            break
        words, start, end = read
        if looks_like_person_name(words):
            out.append(TitleCandidate(" ".join(words), start, end, factor, weak))
        joiner = _JOINER_HEAD.match(frame.title, end)
        if not joiner:
            break
        pos = joiner.end()
    return out
