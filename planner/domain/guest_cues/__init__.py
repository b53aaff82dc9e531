"""The words shows use to introduce a guest, one table per language.

Detection reads guests from how a show speaks about them, not from a show's name: "my
guest today is …", "… joins us", "Mi invitado hoy es …", "zu Gast ist …", a list of
participants headed "convidados:". Every phrase lives in this package, as data (English in
:mod:`~planner.domain.guest_cues.english`, the other languages beside it); the patterns
that find them are built from these tables (see :mod:`planner.domain.cue_patterns`), so a
new language or a missed phrase is one line in one table, never a new regular expression.

Each :class:`GuestCues` table holds:

* ``before`` — phrases right before a guest's name ("my guest is", "we talk with");
* ``after`` — phrases right after it ("joins us", "ist zu Gast");
* ``speaks`` — weaker phrases after it ("discusses", "explains");
* ``title_markers`` — words that put a guest into a title ("with", "con", "mit");
* ``list_heads`` — the heading of a participant list ("guests", "participantes");
* ``host_words`` — how a list or credit marks the host, who is never a guest;
* ``joiners`` — the words for "and" that join several guests.

English cues apply to every show (international shows write English show notes); a
show's own language adds its table. A table's phrases are lower case, accents as written;
matching folds case and accents the way names are folded.
"""

from __future__ import annotations

import re

from planner.domain.guest_cues.english import ENGLISH
from planner.domain.guest_cues.germanic import DUTCH, GERMAN, SWEDISH
from planner.domain.guest_cues.romance import FRENCH, PORTUGUESE, SPANISH
from planner.domain.guest_cues.table import GuestCues

TABLES: dict[str, GuestCues] = {
    t.language: t for t in (ENGLISH, SPANISH, PORTUGUESE, GERMAN, FRENCH, DUTCH, SWEDISH)
}


def base_language(language: str) -> str:
    """ "pt-BR" → "pt", "de_DE" → "de", "" → "en"."""
    code = re.split(r"[-_]", (language or "").strip().lower(), maxsplit=1)[0]
    return code or "en"


def tables_for(language: str) -> tuple[GuestCues, ...]:
    """English, then the show's own language when there is a table for it."""
    own = TABLES.get(base_language(language))
    return (ENGLISH,) if own is None or own is ENGLISH else (ENGLISH, own)


__all__ = [
    "DUTCH",
    "ENGLISH",
    "FRENCH",
    "GERMAN",
    "PORTUGUESE",
    "SPANISH",
    "SWEDISH",
    "TABLES",
    "GuestCues",
    "base_language",
    "tables_for",
]
