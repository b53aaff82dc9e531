"""The blog side of detection: guest posts, interview posts and round-ups get their kinds."""

from __future__ import annotations

from planner.domain.detection import DetectionIndex
from planner.domain.entry import ParsedEntry
from planner.domain.model import ROLE_TO_KIND, Contact, FeedKind, Kind, Profile, Role

ME = Profile(name="Sam Okafor", domains=("samwrites.example",))


def _index() -> DetectionIndex:
    return DetectionIndex.build(
        [Contact(id=1, name="Wen Halvorsen"), Contact(id=2, name="Teodora Blaz")], ME
    )


def test_a_contact_writing_on_my_blog_is_featured_by_me() -> None:
    post = ParsedEntry(guid="g", title="Notes on pricing", authors=("Wen Halvorsen",))
    detection = _index().analyse(post, FeedKind.BLOG).detections[0]
    assert (detection.contact_id, detection.role, detection.field) == (1, Role.FEATURE, "author")
    assert ROLE_TO_KIND[detection.role] is Kind.FEATURE


def test_my_post_on_a_contacts_blog_is_a_guest_post_they_published() -> None:
    post = ParsedEntry(guid="g", title="What I learned", authors=("Sam Okafor",))
    me = _index().analyse(post, FeedKind.BLOG).me
    assert me is not None and me.role is Role.GUEST_POST
    assert ROLE_TO_KIND[me.role] is Kind.GUEST_POST
    assert me.snippet == "guest post: by Sam Okafor"


def test_an_interview_post_makes_a_guest_and_a_passing_name_a_mention() -> None:
    post = ParsedEntry(
        guid="i",
        title="Pricing for small shops",
        summary_text=(
            "This month we asked Wen Halvorsen how she prices her courses. "
            "She recommends a book by Teodora Blaz."
        ),
    )
    roles = {d.contact_id: d.role for d in _index().analyse(post, FeedKind.BLOG).detections}
    assert roles == {1: Role.GUEST, 2: Role.MENTION}


def test_everyone_named_in_a_round_up_is_featured() -> None:
    post = ParsedEntry(
        guid="r",
        title="12 experts on pricing your first course",
        summary_text="Wen Halvorsen: charge more.\nTeodora Blaz: start with a pilot.",
    )
    detections = _index().analyse(post, FeedKind.BLOG).detections
    assert {d.contact_id: d.role for d in detections} == {1: Role.FEATURE, 2: Role.FEATURE}
    assert detections[0].snippet.startswith(
        "feature: one of the experts of a round-up, '12 experts on pricing your first course'"
    )


def test_an_ordinary_list_post_is_not_a_round_up() -> None:
    post = ParsedEntry(
        guid="l", title="3 ways to price a course", summary_text="Wen Halvorsen said it best."
    )
    detection = _index().analyse(post, FeedKind.BLOG).detections[0]
    assert detection.role is Role.MENTION
