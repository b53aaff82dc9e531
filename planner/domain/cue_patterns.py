"""The guest cues compiled: regexes and Aho-Corasick automata built from the tables.

The tables (:mod:`planner.domain.guest_cues`) are data; this module turns one language's
tables (English included) into :class:`CuePatterns`, once per language (cached).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from planner.domain.guest_cues import tables_for
from planner.domain.guest_cues.table import merged
from planner.domain.names import FoldedText, fold, fold_text, is_word_char


@dataclass(frozen=True, slots=True, eq=False)  # one per language (cached): hash by identity
class CuePatterns:
    """The tables of one language, compiled. They run on the text as written: cue phrases
    ignore case, while the words between a cue and a name must be lower case (a
    capitalised word there is another name or an organisation)."""

    after: re.Pattern[str]  # a cue starting right after the name (after an apposition)
    speaks: re.Pattern[str]  # a weaker cue after the name
    title_marker: re.Pattern[str]  # a title marker ending where the name starts
    title_marker_any: re.Pattern[str]  # every title marker in a title, for candidates
    list_head: re.Pattern[str]
    host_word: re.Pattern[str]
    interview: re.Pattern[str]  # a blog's interview phrase ending where the name starts
    roundup: re.Pattern[str]  # a round-up title ("12 experts on …", "Expert roundup")
    about: re.Pattern[str]  # after a name in a title, the way to its topic ("on")
    before_phrases: ahocorasick.Automaton  # the "before" cues, folded: one pass finds all
    after_phrases: ahocorasick.Automaton  # the strong "after" cues, folded

    def before_ends(self, text: str) -> Iterator[int]:
        """Where in ``text`` a "before" cue phrase ends (whole words, any case or accent)."""
        return (end for _, end in _phrase_spans(self.before_phrases, fold_text(text)))

    def cue_positions(self, text: str) -> tuple[list[int], list[int]]:
        """Where "before" cues end and strong "after" cues ("joins us") start, in one fold
        of ``text``."""
        folded = fold_text(text)
        return (
            [end for _, end in _phrase_spans(self.before_phrases, folded)],
            [start for start, _ in _phrase_spans(self.after_phrases, folded)],
        )

    def before_cue_at_end(self, window: str) -> bool:
        """Does ``window`` end with a "before" cue and the words that may follow it ("my
        guest is the author ")?"""
        return any(_TO_NAME.fullmatch(window, end) for end in self.before_ends(window))

    def name_after_cue(self, text: str, end: int) -> int | None:
        """Where the name after a "before" cue ending at ``end`` starts, if one does."""
        match = _TO_NAME_AHEAD.match(text, end)
        return match.end() if match else None

    joiner_tail: re.Pattern[str]  # "and" (or "," "&") ending a text
    joiner_head: re.Pattern[str]  # "and" (or "," "&") starting a text


def _alternatives(phrases: Iterable[str]) -> str:
    """A case-insensitive regex alternative, longest phrase first (the longest cue wins);
    any apostrophe and any whitespace match."""
    ordered = sorted({p for p in phrases if p.strip()}, key=lambda p: (-len(p), p))
    escaped = (re.sub("['’]", "['’]", re.escape(p).replace(r"\ ", r"\s+")) for p in ordered)
    return "(?i:" + "|".join(escaped) + ")"


def _at_word_start(alternatives: str) -> str:
    """Phrases that start at a word start ("w/" and "&" have no word character)."""
    return rf"(?<![\w'’]){alternatives}"


#: Words that may sit between a cue and the name: "we talk to revolutionary musical artist
#: Seun Kuti", "we speak with attorney and former Acme adviser Jane Doe", "we talk to two
#: newly elected members: Jane Doe" — but not a word that starts another clause ("we talk
#: to Jane Doe about John Roe" does not make John Roe a guest).
_CLAUSE_WORDS = (
    "about|on|regarding|over|after|before|sobre|über|sur|om|over|following|while|because"
)
_DESCRIPTOR = (
    rf"(?:(?:(?!(?i:{_CLAUSE_WORDS})\b)[^\W\d_][\w'’.\-]*,?\s+){{0,6}}"
    r"|[^.!?\n:]{0,60}:\s+)"
)
_HONORIFIC = r"(?:(?i:dr|prof|professor|mr|mrs|ms|mx|sir|dame|rev|sen|senator|rep|gov)\.?\s+)?"
#: Upper-case letters of the Latin, Greek and Cyrillic scripts (re has no \p{Lu}).
UPPER = "".join(c for c in map(chr, range(0x0530)) if c.isupper())
_CAPITALISED = r"[^\W\d_a-z][\w'’.\-]*"
#: What may sit between the name and a cue after it: "(Acme)", ", the CEO of Acme,", "of
#: Electronic Intifada", "from the Android team", ", who".
_APPOSITION = (
    r"(?:\s*\([^()]{1,60}\)"
    r"|\s*,[^,.;:!?()]{1,80},"
    rf"|\s+(?:of|from|at|de|da|do|von|vom)\s+(?:[\w'’]+\s+){{0,2}}?{_CAPITALISED}"
    r"(?:\s+[\w'’.\-]+){0,4}?"
    r"|\s*,?\s+who(?=\s)"
    r"|\s*,(?=\s+[a-z]))"
)
#: Co-guests between the name and the cue: "Jane Doe and journalist John Roe of Acme
#: discuss", "Jane Doe, John Roe and The Intercept's Ann Lee join".
_HONORIFIC_WORD = r"(?:(?i:dr|prof|mr|mrs|ms|sen|sens|rep|reps|gov|col|gen)\.?\s+)"


#: From the end of a "before" cue to the name: "my guest is[: the author ]Jane Doe".
_TO_NAME = re.compile(r"\s*[:\-–—]?\s*" + _DESCRIPTOR + _HONORIFIC)
_TO_NAME_AHEAD = re.compile(
    r"\s*[:\-–—]?\s*" + _DESCRIPTOR.replace("{0,6}", "{0,6}?") + _HONORIFIC + rf"(?=[{UPPER}])"
)


def _phrase_spans(
    automaton: ahocorasick.Automaton, folded: FoldedText
) -> Iterator[tuple[int, int]]:
    """Spans of the original text holding one of the automaton's phrases as whole words."""
    f = folded.folded
    for last, length in automaton.iter(f):
        start, end = last - length + 1, last + 1
        if (start == 0 or not is_word_char(f[start - 1])) and (
            end == len(f) or not is_word_char(f[end])
        ):
            yield folded.original_span(start, end)


def _automaton(phrases: Iterable[str]) -> ahocorasick.Automaton:
    """Folded phrases in an Aho-Corasick automaton (value: the phrase's length)."""
    automaton = ahocorasick.Automaton()
    for phrase in phrases:
        key = fold(phrase)
        if key:
            automaton.add_word(key, len(key))
    automaton.make_automaton()
    return automaton


def _lead(joiner: str) -> str:
    """From the end of a name to a cue after it: appositions and co-guests."""
    co_name = (
        rf"\s*(?:{joiner})\s*(?:[a-z][\w'’\-]*\s+){{0,3}}{_HONORIFIC_WORD}?"
        rf"{_CAPITALISED}(?:\s+{_CAPITALISED}){{0,4}}"
    )
    return rf"^(?:{_APPOSITION}){{0,2}}(?:{co_name}(?:{_APPOSITION}){{0,2}}){{0,4}}\s+"


@lru_cache(maxsize=32)
def cue_patterns(language: str) -> CuePatterns:
    """The compiled cues for a show in ``language`` (English included)."""
    cues = merged(tables_for(language))
    roundups = set(cues.roundups)
    counted = {p for p in roundups if " " not in p and "-" not in p and p != "roundup"}
    words = set(cues.joiners) - {"&", "+"}
    joiner = _at_word_start(_alternatives(words)) + r"(?![\w])|&|\+|,"
    marker = _at_word_start(_alternatives(cues.title_markers))
    return CuePatterns(
        after=re.compile(_lead(joiner) + _alternatives(cues.after) + r"(?![\w])"),
        speaks=re.compile(_lead(joiner) + _alternatives(cues.speaks) + r"(?![\w])"),
        title_marker=re.compile(marker + r"\s*[:\-–—]?\s*" + _HONORIFIC + "$"),
        title_marker_any=re.compile(marker + r"(?![\w])\s*[:\-–—]?\s*" + _HONORIFIC),
        list_head=re.compile(_at_word_start(_alternatives(cues.list_heads)) + r"(?![\w])"),
        host_word=re.compile(_at_word_start(_alternatives(cues.host_words)) + r"(?![\w])"),
        interview=re.compile(
            _at_word_start(_alternatives(cues.interviews)) + r"\s*[:\-–—]?\s*" + _HONORIFIC + "$"
        ),
        about=re.compile(r"^\s+" + _alternatives(cues.about) + r"(?![\w])"),
        before_phrases=_automaton(cues.before),
        after_phrases=_automaton(cues.after),
        roundup=re.compile(
            rf"\b\d{{1,3}}\s+(?:[\w-]+\s+)?{_alternatives(counted)}\b"
            + "|"
            + _at_word_start(_alternatives(roundups - counted))
            + r"(?![\w])"
        ),
        joiner_tail=re.compile(rf"(?:{joiner})\s*$"),
        joiner_head=re.compile(rf"^\s*(?:{joiner})\s*"),
    )


__all__ = ["UPPER", "CuePatterns", "cue_patterns"]
