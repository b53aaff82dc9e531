"""Guest detection on real podcasts: recall and precision per show, and guest suggestions.

Run: ``.venv/bin/python -m benchmarks.eval_real [DATASET_DIR] [--misses]``.

The set is ../shared/detection-dev/real/ (read in place, never copied): 15 real feeds and
``guests.json``, the hand labels (its README gives the rules). It is measured the way the
app meets it: every labelled guest (and possible guest) is a contact, each feed is one of
my podcasts, its show profile is learned from all its episodes, and each labelled episode
is analysed. Episodes marked uncertain are not scored; possible guests are never counted
against precision. A guest counts as found when their detection has the role guest.

Suggestions (guests who are not contacts yet) are measured with an empty contact list:
a suggestion is right when it names one of the episode's labelled guests.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.eval_detection import DEFAULT_DATASET as SYNTHETIC_DATASET
from planner.domain.detection import DetectionIndex
from planner.domain.entry import ParsedFeed
from planner.domain.model import Contact, FeedKind, Role
from planner.domain.names import clean_person_name
from planner.domain.show_profile import ShowFacts, ShowProfile, learn_show
from planner.feeds.parse import parse_feed

#: Beside the synthetic set (benchmarks.eval_detection reads ../shared/detection-dev too).
DEFAULT_DATASET = SYNTHETIC_DATASET / "real"


@dataclass
class ShowScore:
    labelled: int = 0
    found: int = 0
    detected: int = 0
    correct: int = 0
    suggested: int = 0
    suggested_right: int = 0
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.detected if self.detected else 1.0


def facts_of(feed: ParsedFeed) -> ShowFacts:
    """What the feed says about itself, as ingest stores it."""
    author = feed.extra.get("itunes_author", "")
    return ShowFacts(
        title=feed.title,
        language=feed.extra.get("language", ""),
        authors=(author,) if author else (),
        people=feed.people,
        is_podcast=feed.kind_guess == "podcast",
    )


def _contacts(labels: dict[str, list[dict[str, Any]]]) -> tuple[list[Contact], dict[str, int]]:
    ids: dict[str, int] = {}
    aliases: dict[str, set[str]] = {}
    for items in labels.values():
        for item in items:
            for name in (*item["guests"], *item.get("possible_guests", [])):
                key = clean_person_name(name)
                ids.setdefault(key, len(ids) + 1)
                aliases.setdefault(key, set()).update(item.get("aliases", {}).get(name, []))
    names = {}
    for items in labels.values():
        for item in items:
            for name in (*item["guests"], *item.get("possible_guests", [])):
                names.setdefault(clean_person_name(name), name)
    contacts = [Contact(id=ids[k], name=names[k], aliases=tuple(sorted(aliases[k]))) for k in ids]
    return contacts, ids


def evaluate(dataset: Path = DEFAULT_DATASET) -> dict[str, Any]:
    labels: dict[str, list[dict[str, Any]]] = json.loads(
        (dataset / "guests.json").read_text(encoding="utf-8")
    )
    contacts, ids = _contacts(labels)
    index = DetectionIndex.build(contacts)
    empty = DetectionIndex.build([])
    shows: dict[str, ShowScore] = {}
    profiles: dict[str, ShowProfile] = {}
    for name, items in labels.items():
        feed = parse_feed((dataset / "feeds" / name).read_bytes())
        profile = learn_show(feed.entries, facts_of(feed))
        profiles[name] = profile
        by_guid = {e.guid: e for e in feed.entries}
        score = shows[name] = ShowScore()
        for item in items:
            if item.get("uncertain"):
                continue
            entry = by_guid[item["guid"]]
            guests = {ids[clean_person_name(g)] for g in item["guests"]}
            possible = {ids[clean_person_name(g)] for g in item.get("possible_guests", [])}
            analysis = index.analyse(entry, FeedKind.PODCAST, show=profile)
            found = {d.contact_id for d in analysis.detections if d.role is Role.GUEST}
            score.labelled += len(guests)
            score.found += len(guests & found)
            counted = found - possible
            score.detected += len(counted)
            score.correct += len(counted & guests)
            for cid in guests - found:
                role = next(
                    (d.role.value for d in analysis.detections if d.contact_id == cid), "none"
                )
                score.misses.append(f"{_name(contacts, cid)} ({role}) in {entry.title!r}")
            for cid in counted - guests:
                score.wrong.append(f"{_name(contacts, cid)} in {entry.title!r}")
            labelled_names = {clean_person_name(g) for g in item["guests"]}
            labelled_names |= {
                clean_person_name(a) for g in item["guests"] for a in item["aliases"].get(g, [])
            }
            possible_names = {clean_person_name(g) for g in item.get("possible_guests", [])}
            for suggestion in empty.analyse(entry, FeedKind.PODCAST, show=profile).suggestions:
                key = clean_person_name(suggestion.name)
                if key in possible_names:
                    continue
                score.suggested += 1
                score.suggested_right += key in labelled_names
                if key not in labelled_names:
                    score.wrong.append(f"suggested {suggestion.name!r} in {entry.title!r}")
    return {"shows": shows, "profiles": profiles}


def _name(contacts: Sequence[Contact], cid: int) -> str:
    return next(c.name for c in contacts if c.id == cid)


def format_report(result: dict[str, Any], details: bool = False) -> str:
    shows: dict[str, ShowScore] = result["shows"]
    lines = [
        f"{'show':<28}{'guests':>7}{'recall':>8}{'precision':>10}{'detected':>9}"
        f"{'suggested':>10}{'right':>6}"
    ]
    total = ShowScore()
    for name, s in shows.items():
        lines.append(
            f"{name:<28}{s.labelled:>7}{s.recall:>8.2f}{s.precision:>10.2f}{s.detected:>9}"
            f"{s.suggested:>10}{s.suggested_right:>6}"
        )
        for attr in ("labelled", "found", "detected", "correct", "suggested", "suggested_right"):
            setattr(total, attr, getattr(total, attr) + getattr(s, attr))
    suggestion_precision = total.suggested_right / total.suggested if total.suggested else 1.0
    lines.append(
        f"{'all':<28}{total.labelled:>7}{total.recall:>8.3f}{total.precision:>10.3f}"
        f"{total.detected:>9}{total.suggested:>10}{total.suggested_right:>6}"
    )
    lines.append(f"guest suggestions: precision {suggestion_precision:.3f}")
    if details:
        for name, s in shows.items():
            profile: ShowProfile = result["profiles"][name]
            lines.append(f"\n## {name}: {profile.describe()}")
            lines.extend(f"  miss: {m}" for m in s.misses)
            lines.extend(f"  wrong: {w}" for w in s.wrong)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    details = "--misses" in args
    paths = [a for a in args if not a.startswith("--")]
    dataset = Path(paths[0]) if paths else DEFAULT_DATASET
    if not (dataset / "guests.json").exists():
        print(f"no labelled real feeds at {dataset}: skipped")
        return 0
    print(format_report(evaluate(dataset), details))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
