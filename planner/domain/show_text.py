"""People in the running text of show notes: names, participant lists, guest cues.

The pieces :mod:`planner.domain.show_profile` learns a show from and detection reads an
episode with:

* :func:`name_runs` — capitalised runs shaped like a person's name ("Jane Doe", "Ludwig van
  Beethoven"), a role word or possessive in front set aside ("Comedian Jane Doe");
* :func:`participants` — the people of a participant list ("* Jane Doe, CTO at Acme"), and
  the ones it marks as the show's hosts;
* :func:`guest_cue` — whether the notes introduce a name as a guest (the cue tables of
  :mod:`planner.domain.guest_cues`, or the show's own learned words), and
  :func:`introduced` — every name they introduce so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from planner.domain.cue_patterns import UPPER, CuePatterns
from planner.domain.names import (
    PARTICLES,
    fold,
    is_initial,
    is_title,
    looks_like_person_name,
    word_set,
)

_WORD = re.compile(r"[^\W\d_][\w'’\-]*\.?")
#: Capitalised words that describe a person before their name ("Comedian Jane Doe").
ROLE_WORDS = word_set(
    """
    activist actor actress analyst analista artist author autor autora bassist chef
    columnist comedian comedienne commentator correspondent critic dj director doctor
    drummer economist editor engineer entrepreneur founder historian host investor
    journalist lawyer musician novelist physicist poet politician pollster producer
    professor rapper reporter researcher scholar scientist senator singer songwriter
    strategist writer
    """
)


@dataclass(frozen=True, slots=True)
class NameRun:
    """Capitalised words that look like a person's name, as written, and where."""

    name: str
    start: int
    end: int


_UPPER = UPPER
_CAPITALISED_RUN = re.compile(
    rf"(?<![\w'’\-])[{_UPPER}][\w'’\-]*\.?"
    rf"(?: (?:[{_UPPER}][\w'’\-]*\.?|(?:{'|'.join(sorted(PARTICLES, key=len, reverse=True))})"
    rf"(?= [{_UPPER}])))*"
)


@lru_cache(maxsize=2048)
def name_runs(text: str) -> tuple[NameRun, ...]:
    """Person-like runs of 2–4 capitalised words ("Jane Doe", "Ludwig van Beethoven").

    A run found by one regular expression is then trimmed: a full stop after a word (not
    an initial) ends it, and honorifics, a possessive or a role word before the name
    ("NBC's", "Comedian") and an article ("O Hipsters") are set aside.
    """
    runs: list[NameRun] = []
    for match in _CAPITALISED_RUN.finditer(text):
        if " " not in match.group():
            continue
        words: list[re.Match[str]] = []
        for word in _WORD.finditer(text, match.start(), match.end()):
            words.append(word)
            if word.group().endswith(".") and not is_initial(word.group()):
                _close_run(words, runs)
        _close_run(words, runs)
    return tuple(runs)


def _close_run(words: list[re.Match[str]], runs: list[NameRun]) -> None:
    while words and fold(words[-1].group().rstrip(".")) in PARTICLES:
        words.pop()
    core = [w.group().rstrip(".") if not is_initial(w.group()) else w.group() for w in words]
    while core and is_title(core[0]):
        core.pop(0)
        words.pop(0)
    while len(core) > 2 and (
        _POSSESSIVE_END.search(core[0]) or fold(core[0]).rstrip("s") in ROLE_WORDS
    ):
        core.pop(0)  # "NBC's Jane Doe", "Lawyer Jane Doe": the name is what follows
        words.pop(0)
    if core and len(core[0]) == 1:
        core.pop(0)  # "O Hipsters", "A Matera": an article, not an initial
        words.pop(0)
    if 2 <= len(core) <= 4 and looks_like_person_name(core):
        runs.append(NameRun(" ".join(core), words[0].start(), words[-1].end()))
    words.clear()


_BULLET = re.compile(r"^\s*(?:[*•·\-–—]|\d{1,2}[.)])\s+")


@lru_cache(maxsize=1024)
def participants(text: str, cues: CuePatterns, *, hosts: bool = False) -> tuple[NameRun, ...]:
    """The people of a participant list in ``text`` (offsets into ``text``).

    A list is consecutive bulleted lines ("* Jane Doe, CTO at Acme"; bullets may also run
    on in one line, as flattened HTML lists do), two or more of them opening with a name,
    headed by a list heading ("Guests:", "Vem ver quem acompanha a gente") or with a line
    marking this show's host ("* Paulo Silveira, o host …" — not "host of another
    podcast"). Returns the listed guests, or with ``hosts`` the people marked as hosts.
    """
    if not may_hold_a_list(text):
        return ()
    out: list[NameRun] = []
    block: list[tuple[NameRun, bool]] = []
    in_block = False
    heading = ""
    previous = ""

    def close() -> None:
        """End the current block of names: keep it when it is a participant list."""
        if len(block) >= 2 and (
            any(is_host for _, is_host in block) or cues.list_head.search(heading)
        ):
            out.extend(run for run, is_host in block if is_host == hosts)
        block.clear()

    for start, end in _line_spans(text):
        line = text[start:end]
        if not _BULLET.match(line):
            close()
            in_block = False
            previous = line
            continue
        if not in_block:
            heading = previous
            in_block = True
        listed = _listed_name(line)
        if listed is None:
            continue  # a bulleted line without a name ("* Links") does not end the list
        is_host = _marks_host(line[listed.end :], cues)
        block.append((NameRun(listed.name, start + listed.start, start + listed.end), is_host))
    close()
    return tuple(out)


_NUMBERED_LINE = re.compile(r"\n[ \t]*\d{1,2}[.)][ \t]")


def may_hold_a_list(text: str) -> bool:
    """Is there a bulleted line at all? (Plain substring tests: most notes have none.)"""
    return (
        "* " in text
        or "• " in text
        or "· " in text
        or "\n-" in text
        or "\n–" in text
        or "\n—" in text
        or text.lstrip()[:1] in ("-", "–", "—")
        or _NUMBERED_LINE.search(text) is not None
    )


_INLINE_BULLET = re.compile(r"[*•]\s")
#: A host word followed by these belongs to another show: "host do Bolha Dev Podcast".
_OTHER_SHOW = re.compile(
    r"\s+(?:do|da|dos|das|de|del|of|at|for|on|von|vom|bei|van|du|des)\s", re.IGNORECASE
)


def _line_spans(text: str) -> list[tuple[int, int]]:
    """Lines of ``text``, with inline bullets ("…Klabin* Jane Doe") starting new lines."""
    spans: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        cursor = start
        if "* " in line or "• " in line:
            for bullet in _INLINE_BULLET.finditer(text, start, end):
                at = bullet.start()
                if at > cursor and not text[at - 1].isspace():
                    spans.append((cursor, at))
                    cursor = at
        if end > cursor:
            spans.append((cursor, end))
        start = end + 1
    return spans


def _marks_host(rest: str, cues: CuePatterns) -> bool:
    """Does the rest of a listed line mark that person as this show's host?"""
    word = cues.host_word.search(rest, 0, 40)
    return word is not None and not _OTHER_SHOW.match(rest, word.end())


_QUOTED = re.compile(r"\s+[\"“”'‘’«][^\"“”«»]{1,30}[\"“”'‘’»]")


def _listed_name(line: str) -> NameRun | None:
    """The name opening a bulleted line ("* Jane Doe, CTO at Acme"), if it does.

    A nickname in quotes stays part of the span ("* Ana "Nana" Souza, …") but not of the
    name.
    """
    bullet = _BULLET.match(line)
    if not bullet:
        return None
    head = re.match(r"[^,:(\n]*?(?=\s*(?:[,:(]|\s[-–—]\s|$))", line[bullet.end() :])
    if head is None:
        return None
    span = head.group().rstrip()
    name = " ".join(_QUOTED.sub(" ", span).split())
    runs = name_runs(name)
    if len(runs) != 1 or runs[0].start != 0 or runs[0].end != len(name):
        return None
    return NameRun(runs[0].name, bullet.end(), bullet.end() + len(span))


@lru_cache(maxsize=256)
def intro_pattern(intros: tuple[str, ...]) -> re.Pattern[str] | None:
    """A show's intro phrases as a pattern ending where the name starts."""
    if not intros:
        return None
    alternatives = "|".join(
        r",?\s+".join(re.escape(w) for w in phrase.split()) for phrase in intros
    )
    return re.compile(rf"(?<![\w'’])(?:{alternatives}),?\s+$", re.IGNORECASE)


_POSSESSIVE_END = re.compile(r"['’]s?$")


def is_possessive(word: str) -> bool:
    """ "Jane Doe's", "Jones'": a name as the owner of something, not the person."""
    return _POSSESSIVE_END.search(word) is not None


def introduced(
    text: str, cues: CuePatterns, intros: re.Pattern[str] | None = None, limit: int = 3_000
) -> list[tuple[NameRun, str]]:
    """People ``text`` introduces as guests, found from the cues (not from every name):
    (the name, "before" | "intro" | "after"). Cheaper than asking :func:`guest_cue` about
    every capitalised run, for notes that name many people. Only the first ``limit``
    characters count: notes introduce their guests first."""
    found: list[tuple[NameRun, str]] = []
    before_ends, after_starts = cues.cue_positions(text)  # the whole text: folded once
    before_ends = [e for e in before_ends if e < limit]
    after_starts = [a for a in after_starts if a < limit]
    for end in before_ends:
        at = cues.name_after_cue(text, end)
        run = _run_at(text, at) if at is not None else None
        if run is not None:
            found.append((run, "before"))
    if intros is not None:
        for cue in _intro_scan(intros).finditer(text):
            run = _run_at(text, cue.end())
            if run is not None:
                found.append((run, "intro"))
    for cue_start in after_starts:
        window = max(0, cue_start - 200)
        for run in reversed(name_runs(text[window:cue_start])):
            start, end = run.start + window, run.end + window
            if guest_cue(text, start, end, cues, strong_only=True) == "after":
                found.append((NameRun(run.name, start, end), "after"))
                break
    return found


def _run_at(text: str, at: int) -> NameRun | None:
    """The name starting exactly at ``at``, if one does."""
    runs = name_runs(text[at : at + 80])
    if not runs or runs[0].start != 0:
        return None
    return NameRun(runs[0].name, at, at + runs[0].end)


@lru_cache(maxsize=256)
def _intro_scan(intros: re.Pattern[str]) -> re.Pattern[str]:
    """A show's intro pattern, found anywhere rather than at the end of a window."""
    return re.compile(intros.pattern.removesuffix(r",?\s+$") + rf",?\s+(?=[{_UPPER}])", re.I)


def guest_cue(
    text: str,
    start: int,
    end: int,
    cues: CuePatterns,
    *,
    intros: re.Pattern[str] | None = None,
    strong_only: bool = False,
) -> str | None:
    """The cue phrase that introduces ``text[start:end]`` as a guest, if any.

    Returns "before" ("my guest is Jane Doe"), "after" ("Jane Doe joins us"), "speaks"
    ("Jane Doe discusses …", weaker) or None. Only the sentence around the name is read.
    """
    window_start = max(0, start - 120)
    before = text[window_start:start]
    cut = max(before.rfind(". "), before.rfind("\n"), before.rfind("! "), before.rfind("? "))
    if cut >= 0:
        before = before[cut + 1 :]
    if cues.before_cue_at_end(before):
        return "before"
    if intros is not None and intros.search(fold(before) + " "):
        return "intro"
    line_start = text.rfind("\n", 0, start) + 1
    if cues.title_marker.fullmatch(text[line_start:start].strip() + " "):
        return "before"  # a line of its own that reads "With Jane Doe"
    after = text[end : end + 200].split("\n", 1)[0]
    if cues.after.match(after):
        return "after"
    if not strong_only and cues.speaks.match(after):
        return "speaks"
    return None


__all__ = [
    "ROLE_WORDS",
    "NameRun",
    "guest_cue",
    "intro_pattern",
    "introduced",
    "is_possessive",
    "may_hold_a_list",
    "name_runs",
    "participants",
]
