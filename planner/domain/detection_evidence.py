"""Turning the pieces of evidence found in an entry into one detection per person.

The strongest role wins and all evidence is kept; other kinds of evidence corroborate
(each closes half of the remaining doubt in proportion to its confidence); a key shared by
several people goes to the one with other evidence; a namesake is capped. With a show
profile, hosts are never guests and a show without guests has none.
"""

from __future__ import annotations

from planner.domain.detection_keys import (
    AMBIGUOUS_FACTOR,
    MAX_CONFIDENCE,
    ME,
    NAMESAKE_CAP,
    SOURCE_HANDLE,
    SOURCE_SITE,
    Clue,
)
from planner.domain.detection_records import FIELD_PEOPLE, FIELD_TITLE, Detection, Evidence
from planner.domain.model import ROLE_STRENGTH, Role
from planner.domain.names import clean_person_name, fold
from planner.domain.show_profile import ShowKind, ShowProfile

#: At most this many pieces of evidence are kept per detection.
MAX_EVIDENCE = 12


def apply_show(evidence: list[Clue], show: ShowProfile, names: dict[int | None, str]) -> None:
    """A host is never a guest; a show without guests has none.

    A guest the feed tags (podcast:person role="guest") stays one against anything
    learned, but not against the user's own word: a name they marked as a host, a show
    they set as solo.
    """
    said = show.corrections
    for ev in evidence:
        if ev.role is not Role.GUEST:
            continue
        name = names.get(ev.owner, "")
        credit = ev.snippet.split(":")[1] if ev.snippet.count(":") >= 2 else ""
        tagged = ev.field == FIELD_PEOPLE and "guest" in credit
        if tagged:
            marked = {clean_person_name(h) for h in said.hosts}
            user_host = clean_person_name(name) in marked or clean_person_name(ev.matched) in marked
            if not (user_host or said.kind is ShowKind.SOLO):
                continue
        host = (
            show.is_host(name)
            or show.is_host(ev.matched)
            or fold(ev.matched) in show.host_first_names
        )
        if host or not show.has_guests:
            ev.role = Role.FEATURE if ev.field == FIELD_TITLE else Role.MENTION


def combine(evidence: list[Clue]) -> list[Detection]:
    """One detection per owner: strongest role, corroborated confidence, all evidence."""
    evidence = _resolve_ambiguity(evidence)
    by_owner: dict[int | None, list[Clue]] = {}
    for ev in evidence:
        by_owner.setdefault(ev.owner, []).append(ev)
    detections = [d for owner, evs in by_owner.items() if (d := _detection(owner, evs))]
    detections.sort(key=lambda d: (-d.confidence, -ROLE_STRENGTH[d.role]))
    return detections


def _resolve_ambiguity(evidence: list[Clue]) -> list[Clue]:
    """Shared keys go to the owner with unambiguous evidence; else each at half confidence."""
    solid = {ev.owner for ev in evidence if not ev.ambiguous and ev.confidence > 0}
    out: list[Clue] = []
    for ev in evidence:
        if ev.ambiguous:
            claimants = ev.ambiguous & solid
            if claimants and ev.owner not in claimants:
                continue
            if not claimants:
                ev.confidence *= AMBIGUOUS_FACTOR
        out.append(ev)
    return out


def _detection(owner: int | None, evs: list[Clue]) -> Detection | None:
    """The detection of one owner from their evidence (None when none of it counts)."""
    real = [e for e in evs if e.confidence > 0]
    if not real:
        return None
    role = max((e.role for e in real), key=lambda r: ROLE_STRENGTH[r])
    primary = max((e for e in real if e.role == role), key=lambda e: e.confidence)
    confidence = primary.confidence
    others: dict[str, float] = {}
    for ev in real:
        if ev.source != primary.source:
            others[ev.source] = max(others.get(ev.source, 0.0), ev.confidence)
    for support in others.values():
        confidence += (1.0 - confidence) * 0.5 * support
    confidence = min(confidence, MAX_CONFIDENCE)
    own_proof = any(e.source in (SOURCE_SITE, SOURCE_HANDLE) for e in real)
    if any(e.namesake for e in evs) and not own_proof:
        confidence = min(confidence, NAMESAKE_CAP)
    return Detection(
        contact_id=owner,
        role=role,
        confidence=round(confidence, 4),
        matched=primary.matched,
        field=primary.field,
        snippet=primary.snippet,
        evidence=_evidence_list(primary, real),
        is_me=owner is ME,
    )


def _evidence_list(primary: Clue, evs: list[Clue]) -> tuple[Evidence, ...]:
    """Primary first, then the rest by strength; one per (role, field, matched form)."""
    if len(evs) == 1:  # the common case: nothing to order or fold
        return (
            Evidence(
                primary.role,
                primary.field,
                primary.matched,
                primary.snippet,
                round(primary.confidence, 4),
            ),
        )
    rest = sorted(
        (e for e in evs if e is not primary),
        key=lambda e: (-ROLE_STRENGTH[e.role], -e.confidence),
    )
    ordered = [primary, *rest]
    seen: set[tuple[Role, str, str]] = set()
    out: list[Evidence] = []
    for ev in ordered:
        key = (ev.role, ev.field, fold(ev.matched))
        if key in seen:
            continue
        seen.add(key)
        out.append(Evidence(ev.role, ev.field, ev.matched, ev.snippet, round(ev.confidence, 4)))
        if len(out) >= MAX_EVIDENCE:
            break
    return tuple(out)
