"""Detection speed: does the cost grow with the text, not with the number of contacts?

The same 5,000 generated entries (blog posts and episodes with names, aliases, @handles,
links, podcast:person credits and interview titles) are run against 100 and against
10,000 generated contacts. The 100 are the first 100 of the 10,000, and every person the
entries name or link is among those 100 or nobody's, so both runs find the same things
and the only difference is the size of the index. Reported, in the same run:

* ``build_s``: building the :class:`~planner.domain.detection.DetectionIndex`;
* ``detect_s``: ``analyse()`` on every entry (best of ``repeat`` runs);
* ``ratio``: detect time with 10,000 contacts / with 100 (the goal is ≤ 1.5).

Run: ``.venv/bin/python -m benchmarks.bench_detection [ENTRIES]``.
"""

from __future__ import annotations

import gc
import random
import sys
import time
from collections.abc import Sequence

from planner.domain.detection import DetectionIndex
from planner.domain.entry import ParsedEntry, Person
from planner.domain.model import Contact, FeedKind, Profile
from planner.domain.names import word_set

SEED = 20261125
_SYLLABLES = sorted(
    word_set(
        "ka ri mo ta le na so vi de lu ba re ko mi sa to ne ga li po ha ze ru fe da yo ki "
        "ma ro be ni su"
    )
)
_WORDS = sorted(
    word_set(
        "audience growth newsletter podcast pricing launch content strategy trust community "
        "brand story lesson experiment funnel partner guest episode interview referral "
        "we you they it the a an and or but with for from about into over under after before"
    )
)
_TOPICS = ("Pricing", "Launch Playbooks", "Audience Trust", "Newsletter Growth", "SEO")


def _name_part(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables)).capitalize()


def make_contacts(n: int, seed: int = SEED) -> list[Contact]:
    """``n`` distinct generated contacts, each with an alias, a domain and a handle."""
    rng = random.Random(seed)
    contacts: list[Contact] = []
    seen: set[str] = set()
    while len(contacts) < n:
        first, last = _name_part(rng, 2), _name_part(rng, 3)
        name = f"{first} {last}"
        if name in seen:
            continue
        seen.add(name)
        slug = (first + last).lower()
        contacts.append(
            Contact(
                id=len(contacts) + 1,
                name=name,
                aliases=(f"{first[0]}. {last}",),
                domains=(f"{slug}.com",),
                handles=(f"@{slug}",),
            )
        )
    return contacts


def _filler(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."


def make_entries(n: int, known: Sequence[Contact], seed: int = SEED + 1) -> list[ParsedEntry]:
    """``n`` entries naming and linking people from ``known`` and people nobody knows."""
    rng = random.Random(seed)
    entries: list[ParsedEntry] = []
    for i in range(n):
        people = rng.sample(list(known), 4)
        stranger = f"{_name_part(rng, 2)} {_name_part(rng, 2)}x"
        paragraphs = [
            _filler(rng, 60),
            f"{people[0].name} argued that {_filler(rng, 12).lower()}",
            _filler(rng, 60),
            f"As {people[1].aliases[0]}'s team found, {_filler(rng, 10).lower()}",
            f"Thanks, {people[2].handles[0]}! And {stranger} too.",
            _filler(rng, 80),
        ]
        links = (
            f"https://www.{people[3].domains[0]}/post-{i}",
            f"https://x.com/{people[0].handles[0][1:]}",
            f"https://unrelated-{i % 50}.example/",
        )
        podcast = i % 2 == 1
        title = (
            f"#{i} {people[3].name} on {rng.choice(_TOPICS)}"
            if podcast
            else f"{rng.choice(_TOPICS)}: notes {i}"
        )
        entries.append(
            ParsedEntry(
                guid=f"bench-{i}",
                title=title,
                content_text="\n".join(paragraphs),
                links=links,
                anchors=tuple(("read more", h) for h in links),
                people=(Person(people[3].name, "guest"), Person(stranger, "guest"))
                if podcast
                else (),
            )
        )
    return entries


def _time_detect(index: DetectionIndex, entries: Sequence[ParsedEntry], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        for i, entry in enumerate(entries):
            index.analyse(entry, FeedKind.PODCAST if i % 2 else FeedKind.BLOG)
        best = min(best, time.perf_counter() - started)
    return best


def run(entries: int = 5_000, small: int = 100, large: int = 10_000, repeat: int = 3) -> dict:
    """Build and detect times against ``small`` and ``large`` contact lists, and the ratio."""
    contacts = make_contacts(large)
    sample = make_entries(entries, contacts[:small])
    profile = Profile(name="Casey Host", domains=("caseyhost.com",), handles=("@caseyhost",))
    result: dict[str, object] = {"entries": entries}
    detect_times: dict[int, float] = {}
    found: dict[int, int] = {}
    for size in (small, large):
        started = time.perf_counter()
        index = DetectionIndex.build(contacts[:size], profile)
        build = time.perf_counter() - started
        detect_times[size] = _time_detect(index, sample, repeat)
        found[size] = sum(len(index.analyse(e).detections) for e in sample[:200])
        result[f"contacts_{size}"] = {
            "build_s": round(build, 4),
            "detect_s": round(detect_times[size], 4),
            "per_entry_ms": round(1000 * detect_times[size] / entries, 4),
            "detections_in_first_200": found[size],
        }
    result["ratio"] = round(detect_times[large] / detect_times[small], 3)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    result = run(entries=int(args[0])) if args else run()
    for key, value in result.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
