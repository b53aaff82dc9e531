"""The shape of one language's guest cues, and how a table's phrases are written."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GuestCues:
    """The phrases one language uses around a guest's name, in lower case."""

    language: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    title_markers: tuple[str, ...]
    list_heads: tuple[str, ...]
    host_words: tuple[str, ...]
    joiners: tuple[str, ...]
    #: Weaker than ``after``: a named person who "discusses" or "explains" is most often a
    #: guest, but a news show's notes also say what a politician "reveals".
    speaks: tuple[str, ...] = ()
    #: In a blog post: phrases right before the name of someone the post interviews ("I
    #: asked Jane Doe where to start" quotes one answer: not an interview).
    interviews: tuple[str, ...] = ()
    #: In a blog post's title: the words of a round-up ("12 experts on pricing").
    roundups: tuple[str, ...] = ()
    #: After a guest's name in a title, what leads to the topic ("Jane Doe on Pricing").
    about: tuple[str, ...] = ()


def phrases(text: str) -> tuple[str, ...]:
    """One phrase per line, blank lines ignored."""
    return tuple(" ".join(line.split()) for line in text.strip().splitlines() if line.strip())


def merged(tables: Sequence[GuestCues]) -> GuestCues:
    """One table holding every phrase of ``tables`` (a show's language and English)."""
    return GuestCues(
        language="+".join(t.language for t in tables),
        before=_union(t.before for t in tables),
        after=_union(t.after for t in tables),
        title_markers=_union(t.title_markers for t in tables),
        list_heads=_union(t.list_heads for t in tables),
        host_words=_union(t.host_words for t in tables),
        joiners=_union(t.joiners for t in tables),
        speaks=_union(t.speaks for t in tables),
        interviews=_union(t.interviews for t in tables),
        roundups=_union(t.roundups for t in tables),
        about=_union(t.about for t in tables),
    )


def _union(parts: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    """The phrases of every part, each once, in first-seen order."""
    return tuple(dict.fromkeys(phrase for part in parts for phrase in part))
