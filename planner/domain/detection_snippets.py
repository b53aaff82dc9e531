"""The plain text shown beside a detection: snippets around a match, and highlighting.

Snippets are cut at word boundaries with whitespace collapsed; highlighting finds a match
the way detection does (case, accents and whitespace folded, whole names only).
"""

from __future__ import annotations

from planner.domain.entry import Person
from planner.domain.names import fold, fold_text, handle_boundary_ok, name_boundary_ok

#: The longest snippet kept as evidence.
SNIPPET_CHARS = 200


def highlight_spans(snippet: str, matched: str) -> list[tuple[str, bool]]:
    """Split ``snippet`` into (text, is_match) pieces for rendering as plain text.

    Occurrences of ``matched`` are found the way detection finds names: ignoring case,
    accents and how whitespace is written. Joining the pieces gives back ``snippet``.
    """
    if not snippet:
        return []
    needle = fold(matched)
    if not needle:
        return [(snippet, False)]
    folded = fold_text(snippet)
    boundary_ok = handle_boundary_ok if needle.startswith("@") else name_boundary_ok
    pieces: list[tuple[str, bool]] = []
    cursor = 0
    search_from = 0
    while True:
        at = folded.folded.find(needle, search_from)
        if at < 0:
            break
        search_from = at + len(needle)
        if not boundary_ok(folded.folded, at, at + len(needle)):
            continue  # "Ann Lee" is not highlighted inside "Joann Leeds"
        start, end = folded.original_span(at, at + len(needle))
        if start > cursor:
            pieces.append((snippet[cursor:start], False))
        pieces.append((snippet[start:end], True))
        cursor = end
    if cursor < len(snippet):
        pieces.append((snippet[cursor:], False))
    return pieces


def clip(text: str, limit: int = SNIPPET_CHARS) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def make_snippet(text: str, start: int, end: int, limit: int = SNIPPET_CHARS) -> str:
    """Plain text around ``text[start:end]``, cut at word boundaries, whitespace collapsed."""
    room = max(0, limit - (end - start)) // 2
    left = max(0, start - room)
    right = min(len(text), end + room)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space >= 0 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space >= 0 else right
    body = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + body + ("…" if right < len(text) else "")


def link_snippet(text: str, label: str, href: str) -> str:
    """The anchor's surroundings in the text, then where it points."""
    target = clip(href, 150)
    if label:
        at = text.find(label)
        context = (
            make_snippet(text, at, at + len(label), SNIPPET_CHARS - len(target) - 3)
            if at >= 0
            else label
        )
        return f"{context} → {target}"
    return target


def person_evidence(person: Person) -> str:
    """A podcast:person element as plain text: its role, name and link."""
    href = f" ({person.href})" if person.href else ""
    return clip(f"podcast:person role={person.role}: {person.name.strip()}{href}")
