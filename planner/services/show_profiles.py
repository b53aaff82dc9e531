"""Reading a podcast feed's show profile: learned from its own episodes, with the user's
corrections applied on top (see :mod:`planner.services.shows` for making corrections).

A feed's :class:`~planner.domain.show_profile.ShowProfile` says who hosts the show, where
its titles put the guest and whether it has guests at all (see
:mod:`planner.domain.show_profile`). It is stored on the feed in two parts: what was
learned (``FeedRow.show_profile``, :meth:`ShowProfile.to_json`), relearned by detection
whenever the feed brings new or changed episodes (:func:`relearn`), and what the user said
(``FeedRow.show_corrections``), applied on top whenever the profile is read
(:func:`profile_for`). Detection reads these; it never corrects a profile.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from planner.domain.entry import ParsedEntry
from planner.domain.model import FeedKind, FeedOwner
from planner.domain.show_profile import (
    MAX_EPISODES,
    ShowCorrections,
    ShowFacts,
    ShowProfile,
    learn_show,
)
from planner.services.workspace import Workspace
from planner.storage.convert import people_from_json
from planner.storage.schema import ContactRow, EntryRow, FeedRow

#: Parts of a learned profile that only describe it: a change there (one more episode, a
#: newer example title for the template) does not change what detection makes of the
#: older episodes.
DESCRIPTIVE_KEYS = frozenset({"episodes", "guest_episodes", "template"})


def is_podcast(feed: FeedRow) -> bool:
    """Whether show profiles apply to the feed (podcast feeds only)."""
    return feed.kind == FeedKind.PODCAST.value


def corrections_of(feed: FeedRow) -> ShowCorrections:
    """What the user said about the feed's show (empty when nothing)."""
    data = feed.show_corrections
    return ShowCorrections.from_json(data if isinstance(data, Mapping) else None)


def profile_for(session: Session, feed: FeedRow) -> ShowProfile:
    """The feed's stored profile with the user's corrections (empty when none is stored)."""
    data = feed.show_profile
    return ShowProfile.from_json(data if isinstance(data, Mapping) else None, corrections_of(feed))


def facts_of(feed: FeedRow) -> ShowFacts:
    """What the feed says about itself, as ingest stored it."""
    author = (feed.itunes_author or "").strip()
    people = tuple(p for p in people_from_json(feed.feed_people) if p.name.strip())
    return ShowFacts(
        title=feed.title or "",
        language=feed.language or "",
        authors=(author,) if author else (),
        people=people,
        is_podcast=is_podcast(feed),
    )


def episodes(session: Session, feed_id: int, limit: int = MAX_EPISODES) -> list[ParsedEntry]:
    """The feed's stored, non-duplicate entries, newest first, with only what learning
    reads (title, text, authors, credits): lighter than a full ``parsed_entry``."""
    c = EntryRow.__table__.c
    rows = session.execute(
        select(c.guid, c.title, c.summary_text, c.content_text, c.authors, c.people)
        .where(c.feed_id == feed_id, c.duplicate_of_id.is_(None))
        .order_by(func.coalesce(c.published, c.first_seen_at).desc(), c.id.desc())
        .limit(limit)
    ).all()
    return [
        ParsedEntry(
            guid=guid,
            title=title or "",
            summary_text=summary or "",
            content_text=content or "",
            authors=tuple(str(a) for a in authors or () if a),
            people=people_from_json(people),
        )
        for guid, title, summary, content, authors, people in rows
    ]


def relearn(ws: Workspace, session: Session, feed: FeedRow) -> tuple[ShowProfile, bool]:
    """Learn the feed's profile again from its newest stored episodes and store it.

    Returns the (corrected) profile and whether the learned part changed.
    """
    learned = learn_show(episodes(session, feed.id), facts_of(feed), corrections_of(feed))
    data = learned.to_json()
    changed = feed.show_profile != data
    if changed:
        feed.show_profile = data
    return learned, changed


def reads_differently(old: object, new: object) -> bool:
    """Would detection read the feed's episodes differently under ``new`` than ``old``
    (two stored, learned profiles)? Counts of episodes alone change nothing."""

    def meaning(data: object) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            return {}
        return {
            # lists are sets to detection (hosts, slots, show names): order is no change
            k: sorted(map(str, v)) if isinstance(v, list) else v
            for k, v in data.items()
            if k not in DESCRIPTIVE_KEYS
        }

    return meaning(old) != meaning(new)


def own_sites(session: Session, feed: FeedRow, my_domains: Sequence[str]) -> tuple[str, ...]:
    """The feed's own sites: its channel link, and its owner's domains (a contact's, or
    mine for my own feeds). Links there are navigation, not evidence."""
    sites: list[str] = []
    if feed.site_link:
        sites.append(feed.site_link)
    if feed.owner == FeedOwner.ME.value:
        sites.extend(my_domains)
    elif feed.owner == FeedOwner.CONTACT.value and feed.contact_id is not None:
        domains = session.scalar(select(ContactRow.domains).where(ContactRow.id == feed.contact_id))
        sites.extend(str(d) for d in domains or () if d)
    return tuple(dict.fromkeys(s for s in sites if s.strip()))
