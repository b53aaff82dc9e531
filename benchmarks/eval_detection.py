"""Measure detection accuracy on a labelled dataset (see /work/shared/detection-dev/README.md).

Run: ``.venv/bin/python -m benchmarks.eval_detection [DATASET_DIR]``.

The feeds are turned into :class:`~planner.domain.entry.ParsedEntry` objects by
:func:`load_entries`, which uses ``planner.feeds.parse.parse_feed`` when the project has
it and otherwise a small local loader (feedparser on bytes, a stdlib HTML-to-text
reducer, podcast:person via defusedxml). The loader is a parameter of :func:`evaluate`
so either can be swapped in.
"""

from __future__ import annotations

import csv
import importlib
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import feedparser
from defusedxml import ElementTree as DefusedET

from planner.domain.detection import Detection, DetectionIndex
from planner.domain.entry import ParsedEntry, Person
from planner.domain.model import Contact, FeedKind, Profile, Role, Settings
from planner.domain.names import word_set
from planner.domain.show_profile import ShowFacts, learn_show

DEFAULT_DATASET = Path("/work/shared/detection-dev")
PODCAST_NS = "https://podcastindex.org/namespace/1.0"

#: Tags after which text flows on a new line (inline tags add no space).
BLOCK_TAGS = word_set(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 "
    "h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul"
)


class _TextAndAnchors(HTMLParser):
    """HTML to plain text plus (anchor text, href) pairs; scripts and styles dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.anchors: list[tuple[str, str]] = []
        self._href: str | None = None
        self._anchor_parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")
        elif tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._anchor_parts = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")
        elif tag == "a" and self._href is not None:
            self.anchors.append(("".join(self._anchor_parts).strip(), self._href))
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.parts.append(data)
        if self._href is not None:
            self._anchor_parts.append(data)


def html_to_text(html: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Plain text (block tags become newlines) and the (text, href) anchors of ``html``."""
    parser = _TextAndAnchors()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    text = "\n".join(line for line in lines if line)
    anchors = tuple((t, h) for t, h in parser.anchors if h.startswith(("http://", "https://")))
    return text, anchors


def _people_by_guid(data: bytes) -> dict[str, tuple[Person, ...]]:
    """podcast:person elements per item guid (feedparser keeps only one of them)."""
    root = DefusedET.fromstring(data)
    out: dict[str, tuple[Person, ...]] = {}
    for item in root.iter("item"):
        guid = (item.findtext("guid") or item.findtext("link") or "").strip()
        people = tuple(
            Person(
                name=(p.text or "").strip(),
                role=(p.get("role") or "host").strip().lower(),
                href=(p.get("href") or "").strip(),
            )
            for p in item.findall(f"{{{PODCAST_NS}}}person")
        )
        if people:
            out[guid] = people
    return out


def _entry_from_feedparser(raw: Any, people: dict[str, tuple[Person, ...]]) -> ParsedEntry:
    guid = raw.get("id") or raw.get("link") or ""
    summary_text, summary_anchors = html_to_text(raw.get("summary", ""))
    content_html = "".join(c.get("value", "") for c in raw.get("content", []))
    content_text, content_anchors = html_to_text(content_html)
    if content_text and summary_text and summary_text.strip() == content_text.strip():
        summary_text = ""
    anchors = summary_anchors + content_anchors
    title, _ = html_to_text(raw.get("title", ""))
    return ParsedEntry(
        guid=guid,
        title=" ".join(title.split()),
        link=raw.get("link", ""),
        authors=tuple(a.get("name", "") for a in raw.get("authors", []) if a.get("name")),
        summary_text=summary_text,
        content_text=content_text,
        links=tuple(h for _, h in anchors),
        anchors=anchors,
        people=people.get(guid, ()),
    )


def local_load_entries(path: Path) -> tuple[list[ParsedEntry], str]:
    """Entries of one feed file and its kind ("podcast" when it has enclosures)."""
    data = path.read_bytes()
    parsed = feedparser.parse(data)
    people = _people_by_guid(data) if b"<rss" in data[:500] else {}
    entries = [_entry_from_feedparser(e, people) for e in parsed.entries]
    is_podcast = any(e.get("enclosures") for e in parsed.entries)
    return entries, "podcast" if is_podcast else "blog"


def project_load_entries(path: Path) -> tuple[list[ParsedEntry], str] | None:
    """The project's own parser when it exists (``planner.feeds.parse.parse_feed``)."""
    try:
        module = importlib.import_module("planner.feeds.parse")
    except ImportError:
        return None
    parse_feed = getattr(module, "parse_feed", None)
    if parse_feed is None:
        return None
    feed = parse_feed(path.read_bytes())
    return list(feed.entries), feed.kind_guess


Loader = Callable[[Path], tuple[list[ParsedEntry], str]]


def default_loader(path: Path) -> tuple[list[ParsedEntry], str]:
    """Prefer the project's parser, fall back to the local loader (also when it refuses)."""
    try:
        loaded = project_load_entries(path)
    except Exception as exc:  # an evaluation should still run; say why it switched
        print(
            f"{path.name}: project parser failed ({exc}); using the local loader", file=sys.stderr
        )
        loaded = None
    return loaded or local_load_entries(path)


# --- the dataset -------------------------------------------------------------------------


#: contacts.csv columns that hold website domains, and those that hold handles (with the
#: network a handle column names, "" for a generic one).
DOMAIN_COLUMNS = ("domain", "domains", "website", "websites", "site", "url")
HANDLE_COLUMNS = {
    "twitter": "twitter",
    "x": "twitter",
    "handle": "",
    "handles": "",
    "instagram": "instagram",
    "linkedin": "linkedin",
    "youtube": "youtube",
    "tiktok": "tiktok",
    "github": "github",
    "mastodon": "",
}


def _split_cell(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split("|") if v.strip())


def _handle_value(network: str, value: str) -> str:
    """A handle cell as the Contact model takes it (URLs and @user@server kept as they are)."""
    if not network or "/" in value or value.count("@") > 1:
        return value
    return f"{network}:{value}"


class ContactIds:
    """The dataset's contact ids ("E00042") ↔ the integer ids detections carry."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def __call__(self, raw: str) -> int:
        return self._ids.setdefault(raw.strip(), len(self._ids) + 1)


def load_contacts(path: Path, ids: ContactIds | None = None) -> list[Contact]:
    """contacts.csv as Contact records: ``id,name,aliases`` plus domain and handle columns
    (``domain``/``website``…, ``twitter``/``instagram``/``linkedin``/``handle``…); several
    values in a cell are separated by "|"."""
    ids = ids or ContactIds()
    contacts: list[Contact] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            cells = {(k or "").strip().lower(): v for k, v in row.items()}
            handles: list[str] = []
            for column, network in HANDLE_COLUMNS.items():
                handles += [_handle_value(network, h) for h in _split_cell(cells.get(column))]
            contacts.append(
                Contact(
                    id=ids(cells.get("id") or cells.get("name") or ""),
                    name=(cells.get("name") or "").strip(),
                    aliases=_split_cell(cells.get("aliases") or cells.get("alias")),
                    domains=tuple(d for c in DOMAIN_COLUMNS for d in _split_cell(cells.get(c))),
                    handles=tuple(handles),
                )
            )
    return contacts


@dataclass
class RoleScore:
    detected: int = 0
    labelled: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.detected if self.detected else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.labelled if self.labelled else 1.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "detected": self.detected,
            "labelled": self.labelled,
            "correct": self.correct,
        }


SCORED_ROLES = (Role.GUEST, Role.LINK, Role.MENTION)


def scored_role(detection: Detection) -> Role:
    """The role the dataset can judge: it has no "feature", so a feature counts as the
    strongest of its other evidence (a link if it links them, else a mention)."""
    if detection.role not in (Role.FEATURE, Role.GUEST_POST):
        return detection.role
    if any(e.role is Role.LINK for e in detection.evidence):
        return Role.LINK
    return Role.MENTION


def _label_role(raw: str) -> Role:
    """A labelled role; "feature" (if a dataset has it) is scored as a mention."""
    role = Role(raw.strip().lower())
    return Role.MENTION if role is Role.FEATURE else role


def _score(
    found: Iterable[tuple[str, int, Role]], labels: set[tuple[str, int, Role]]
) -> dict[str, RoleScore]:
    scores = {role.value: RoleScore() for role in SCORED_ROLES}
    found_set = set(found)
    for guid, cid, role in found_set:
        scores[role.value].detected += 1
        if (guid, cid, role) in labels:
            scores[role.value].correct += 1
    for _, _, role in labels:
        scores[role.value].labelled += 1
    return scores


def evaluate(
    dataset_dir: Path | str = DEFAULT_DATASET,
    loader: Loader = default_loader,
    min_confidence: float = 0.0,
) -> dict[str, Any]:
    """Precision and recall per role (guest, link, mention) on a labelled dataset.

    Every detection counts (the review queue shows the doubtful ones); the ``auto`` block
    repeats the scores for detections at or above ``Settings.detection_auto_confirm``.
    """
    dataset = Path(dataset_dir)
    truth = json.loads((dataset / "truth.json").read_text(encoding="utf-8"))
    ids = ContactIds()
    contacts = load_contacts(dataset / "contacts.csv", ids)
    index = DetectionIndex.build(contacts, Profile())
    labels = {
        (lab["guid"], ids(lab["expert_id"]), _label_role(lab["role"])) for lab in truth["labels"]
    }
    files = [f["file"] for f in truth.get("files", [])] or sorted(
        p.name for p in dataset.glob("*.xml")
    )
    found: list[tuple[str, int, Role, float]] = []
    suggestions = 0
    entries_seen = 0
    for name in files:
        entries, kind = loader(dataset / name)
        # as ingest does: a podcast's show profile is learned from its own episodes
        show = learn_show(entries, ShowFacts()) if kind == FeedKind.PODCAST else None
        for entry in entries:
            entries_seen += 1
            analysis = index.analyse(entry, FeedKind(kind), show=show)
            suggestions += len(analysis.suggestions)
            for det in analysis.detections:
                if det.contact_id is not None and det.confidence >= min_confidence:
                    found.append((entry.guid, det.contact_id, scored_role(det), det.confidence))
    auto = Settings().detection_auto_confirm
    all_scores = _score(((g, c, r) for g, c, r, _ in found), labels)
    auto_scores = _score(((g, c, r) for g, c, r, conf in found if conf >= auto), labels)
    trapped = _trapped(truth.get("negatives", []), found, labels, ids)
    return {
        "dataset": str(dataset),
        "entries": entries_seen,
        "roles": {role: score.as_dict() for role, score in all_scores.items()},
        "auto": {role: score.as_dict() for role, score in auto_scores.items()},
        "negatives": len(truth.get("negatives", [])),
        "negatives_detected": trapped,
        "suggestions": suggestions,
    }


def _trapped(
    negatives: list[dict[str, str]],
    found: list[tuple[str, int, Role, float]],
    labels: set[tuple[str, int, Role]],
    ids: ContactIds,
) -> int:
    """Planted traps that led to a detection of the nearby contact that is not labelled."""
    labelled_pairs = {(g, c) for g, c, _ in labels}
    detected_pairs = {(g, c) for g, c, _, _ in found}
    count = 0
    for neg in negatives:
        pair = (neg["guid"], ids(neg["near_expert"]))
        if pair in detected_pairs and pair not in labelled_pairs:
            count += 1
    return count


def format_report(result: dict[str, Any]) -> str:
    lines = [f"dataset: {result['dataset']}  entries: {result['entries']}"]
    lines.append(f"{'role':<9}{'precision':>10}{'recall':>8}{'detected':>10}{'labelled':>10}")
    for block in ("roles", "auto"):
        if block == "auto":
            lines.append("auto-confirmed only (confidence >= detection_auto_confirm):")
        for role, s in result[block].items():
            lines.append(
                f"{role:<9}{s['precision']:>10.3f}{s['recall']:>8.3f}{s['detected']:>10}{s['labelled']:>10}"
            )
    lines.append(
        f"traps detected: {result['negatives_detected']}/{result['negatives']}  "
        f"guest suggestions: {result['suggestions']}"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    dataset = Path(args[0]) if args else DEFAULT_DATASET
    print(format_report(evaluate(dataset)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
