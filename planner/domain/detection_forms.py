"""How sure a name found in text is, from how it is written and what surrounds it.

A lower-case or common-word name is weaker; a name inside a longer capitalised run may be
someone else's; "(no relation)" or "the other Jane Doe" marks a namesake.
"""

from __future__ import annotations

import re

from planner.domain.detection_keys import (
    BASE_CONFIDENCE,
    COMMON_SINGLE_CONFIDENCE,
    COMMON_SINGLE_SENTENCE_START_CONFIDENCE,
    LOWERCASE_COMMON_NAME_CONFIDENCE,
    LOWERCASE_NAME_CONFIDENCE,
    SHORT_HANDLE_CONFIDENCE,
    FormKind,
    KeyPattern,
)
from planner.domain.names import COMMON_WORDS, fold, is_title

_NAMESAKE_AFTER = re.compile(
    r"""\s*(?:
        \(\s*(?:no\ relation|not\ the|not\ that|not\ our|unrelated)
      | [,;—–-]\s*(?:no\ relation|not\ to\ be\ confused|not\ the\ one)
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_NAMESAKE_BEFORE = re.compile(
    r"(?:\banother|\bthe other|\ba different|\bnot to be confused with)\s+$", re.IGNORECASE
)
_SENTENCE_END = '.!?\n:;"“”'


def _casing_as_written(written: str, form: str) -> bool:
    """Is the match capitalised as the name is (or in capitals), not in lower case?"""
    words = written.split()
    form_words = form.split()
    if written.isupper():
        return True
    if len(words) != len(form_words):
        form_words = [form_words[0]] * len(words) if form_words else []
    for word, form_word in zip(words, form_words, strict=False):
        first = next((c for c in word if c.isalpha()), "")
        form_first = next((c for c in form_word if c.isalpha()), "")
        if first and form_first and form_first.isupper() and not first.isupper():
            return False
    return True


def sentence_start(text: str, start: int) -> bool:
    """Does a sentence begin at ``start`` (only spaces after its end, or the text's start)?"""
    before = text[:start].rstrip()
    return not before or before[-1] in _SENTENCE_END


def form_confidence(pattern: KeyPattern, written: str, text: str, start: int) -> float:
    """Base confidence of a form, lowered for lower-case writing and common words."""
    kind = pattern.kind
    if kind is FormKind.HANDLE:
        return SHORT_HANDLE_CONFIDENCE if len(written) <= 4 else BASE_CONFIDENCE[kind]
    as_written = _casing_as_written(written, pattern.form)
    if kind is FormKind.SINGLE:
        if not as_written or written.islower():
            return 0.0  # "grace", "will": a single lower-case word is never a name
        if pattern.all_common:
            if sentence_start(text, start):
                return COMMON_SINGLE_SENTENCE_START_CONFIDENCE
            return COMMON_SINGLE_CONFIDENCE
        return BASE_CONFIDENCE[kind]
    if not as_written:
        if pattern.all_common:
            return LOWERCASE_COMMON_NAME_CONFIDENCE
        return min(BASE_CONFIDENCE[kind], LOWERCASE_NAME_CONFIDENCE)
    return BASE_CONFIDENCE[kind]


def namesake_context(text: str, start: int, end: int) -> bool:
    """ "Jane Doe (no relation)", "the other Jane Doe", "not to be confused with Jane Doe"."""
    return bool(
        _NAMESAKE_AFTER.match(text, end, min(len(text), end + 40))
        or _NAMESAKE_BEFORE.search(text, max(0, start - 30), start)
    )


_NEXT_WORD = re.compile(r"[ \t\u00a0]+([^\W\d_][\w'’-]*)")


_PREVIOUS_WORD = re.compile(r"([^\W\d_][\w'’-]*)[ \t\u00a0]+$")


def _name_like_word(word: str) -> bool:
    """A capitalised word that could be part of a longer name (not "I", "PhD", "CEO",
    "Thanks", "Founder" or another common word)."""
    if not word[0].isupper() or word == "I" or is_title(word):
        return False
    if len(word) > 1 and word.isupper():
        return False  # CEO, SEO: an acronym
    return fold(word) not in COMMON_WORDS


def runs_on(text: str, start: int, end: int) -> bool:
    """Is the name part of a longer capitalised run on its line?

    "Ann Lee Bradshaw" or "Mary Ann Lee" may be someone else; "Ann Lee, PhD", "Ann Lee.
    She", "CEO Ann Lee", "Yesterday Ann Lee" (a sentence's first word) do not count.
    """
    after = _NEXT_WORD.match(text, end)
    if after and _name_like_word(after.group(1)):
        return True
    before = _PREVIOUS_WORD.search(text, max(0, start - 60), start)
    if not before or not _name_like_word(before.group(1)):
        return False
    return not sentence_start(text, before.start(1))
