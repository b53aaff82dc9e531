"""Show profiles of podcast feeds: learned from the feed's own episodes, corrected by the user.

How a profile is learned and read lives in :mod:`planner.services.show_profiles`; this
module shows it and takes the user's corrections. A correction (:func:`mark_host`,
:func:`set_kind`) re-reads the feed's episodes in the same transaction, so detection
follows it at once.

Show profiles are for podcast feeds: detection passes them only for those.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.domain.show_profile import ShowCorrections, ShowKind, ShowProfile
from planner.errors import Conflict, NotFound
from planner.services import detections, validate
from planner.services.show_profiles import corrections_of, is_podcast, profile_for
from planner.services.workspace import Workspace
from planner.storage.schema import EntryRow, FeedRow

KIND_WORDS = {
    ShowKind.INTERVIEW: "an interview show",
    ShowKind.SOLO: "a solo show (no guests)",
    ShowKind.UNKNOWN: "not known yet",
}


# --- corrections -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShowChange:
    """A correction made: what it was, the profile now, and how many episodes were re-read."""

    what: str
    profile: ShowProfile
    entries: int

    def describe(self) -> str:
        """The correction in words, with how many episodes were read again."""
        return f"{self.what}; its {self.entries} episode(s) were read again."


def _podcast_feed(session: Session, feed_id: int) -> FeedRow:
    feed = session.get(FeedRow, feed_id)
    if feed is None:
        raise NotFound(f"no feed with id {feed_id}")
    if not is_podcast(feed):
        raise Conflict(
            f"feed {feed_id} is a {feed.kind or 'feed of unknown kind'}: show profiles are "
            "for podcast feeds (change its kind to podcast first)"
        )
    return feed


def _correct(ws: Workspace, feed_id: int, change: Any, what: str) -> ShowChange:
    """Store a correction and re-read every episode of the feed, in one transaction."""
    with ws.write() as s:
        feed = _podcast_feed(s, feed_id)
        feed.show_corrections = change(corrections_of(feed)).to_json()
        ids = list(
            s.scalars(
                select(EntryRow.id)
                .where(EntryRow.feed_id == feed_id, EntryRow.duplicate_of_id.is_(None))
                .order_by(EntryRow.id)
            )
        )
        stats = detections.detect_entries(ws, s, feed, ids)
        return ShowChange(what, profile_for(s, feed), stats.entries)


def mark_host(ws: Workspace, feed_id: int, name: str, is_host: bool) -> ShowChange:
    """Say that ``name`` is (or is not) a host of the feed's show; detection follows."""
    name = " ".join(validate.name(name, "host name").split())
    what = f"{name} is marked as {'a host' if is_host else 'not a host'}"
    return _correct(ws, feed_id, lambda c: c.with_host(name, is_host), what)


def set_kind(ws: Workspace, feed_id: int, kind: ShowKind | None) -> ShowChange:
    """Say the show is an interview show or a solo show (None: learn it again)."""
    wanted = None if kind in (None, ShowKind.UNKNOWN) else ShowKind(kind)

    def change(c: ShowCorrections) -> ShowCorrections:
        return ShowCorrections(hosts=c.hosts, not_hosts=c.not_hosts, kind=wanted)

    what = (
        f"This show is set as {KIND_WORDS[wanted]}"
        if wanted
        else "This show's kind is learned from its episodes again"
    )
    return _correct(ws, feed_id, change, what)


# --- views -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShowView:
    """A feed's show profile, for the Feeds page."""

    feed_id: int
    is_podcast: bool
    profile: ShowProfile
    text: str

    @property
    def hosts(self) -> tuple[str, ...]:
        """The show's hosts, learned and corrected."""
        return self.profile.hosts

    @property
    def learned_kind(self) -> ShowKind:
        """Interview show, solo show, or not known, as learned from the episodes."""
        return self.profile.learned_kind

    @property
    def kind_correction(self) -> ShowKind | None:
        """The kind the user set, or None when it is learned."""
        return self.profile.corrections.kind


def _describe(feed: FeedRow, profile: ShowProfile) -> str:
    if not is_podcast(feed):
        return "Not a podcast feed: show profiles are learned for podcast feeds."
    if feed.show_profile is None:
        return (
            "Not learned yet: the show profile is learned when the feed brings new episodes, "
            "or at a rescan ('planner detect --rescan')."
        )
    return profile.describe()


def show(ws: Workspace, feed_id: int) -> ShowView:
    """The feed's show profile and what it says, for the Feeds page."""
    with ws.read() as s:
        feed = s.get(FeedRow, feed_id)
        if feed is None:
            raise NotFound(f"no feed with id {feed_id}")
        profile = profile_for(s, feed)
        return ShowView(feed_id, is_podcast(feed), profile, _describe(feed, profile))


def describe(ws: Workspace, feed_id: int) -> str:
    """The feed's show profile in words."""
    return show(ws, feed_id).text
