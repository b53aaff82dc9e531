"""Goodwill received from a link blog: a post whose own link is my site is a link to me.

Link blogs (Daring Fireball's "linked list", Kottke, most newsletters) publish a post per
link: the entry's <link> is the page it points to, the permalink on the blog itself is
only in the post body (the "★"), and the channel links to the blog's home page. The feed
below is written the way such a feed is, in Atom: a contact owns it, my profile's domain is
``samwrites.example``, and three of its five posts point at my site.
"""

from __future__ import annotations

from sqlalchemy import select

from planner.domain.model import Direction, Kind
from planner.services import Workspace, contacts, feeds, ingest, settings
from planner.services.contacts import ContactInput
from planner.storage.schema import InteractionRow
from tests.services.test_ingest import Loopback, _servers, net  # noqa: F401 (the fixtures)

BLOG = "https://linkedlist.example"


def _post(n: int, target: str, title: str) -> str:
    return f"""
  <entry>
    <title>{title}</title>
    <link rel="alternate" type="text/html" href="{target}"/>
    <link rel="shorturl" href="{BLOG}/s/{n}"/>
    <id>tag:linkedlist.example,2026:/linked//6.{40000 + n}</id>
    <published>2026-11-{10 + n:02d}T18:00:00Z</published>
    <updated>2026-11-{10 + n:02d}T18:00:00Z</updated>
    <author><name>Noor Castellanos</name></author>
    <content type="html" xml:base="{BLOG}/"><![CDATA[
<p>Good piece, worth your time.</p>
<div><a href="{BLOG}/linked/2026/11/{10 + n:02d}/post-{n}" title="Permanent link">&#9733;</a></div>
    ]]></content>
  </entry>"""


def link_blog() -> bytes:
    posts = [
        _post(1, "https://samwrites.example/2026/pricing-in-public", "Pricing in Public"),
        _post(2, "https://elsewhere.example/essay", "An essay elsewhere"),
        _post(3, "https://www.samwrites.example/notes/slow-launches", "On Slow Launches"),
        _post(4, f"{BLOG}/2026/11/membership-drive", "Membership drive"),
        _post(5, "https://samwrites.example/2026/first-course", "Sam's first course"),
    ]
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Linked List</title>
  <subtitle>By Noor Castellanos</subtitle>
  <link rel="alternate" type="text/html" href="{BLOG}/"/>
  <link rel="self" type="application/atom+xml" href="{BLOG}/feeds/main"/>
  <id>{BLOG}/feeds/main</id>
  <updated>2026-11-15T18:00:00Z</updated>
  {"".join(posts)}
</feed>""".encode()


def test_every_post_of_a_link_blog_pointing_at_my_site_is_a_link_received(
    ws: Workspace,
    net: Loopback,  # noqa: F811 (the fixture imported above)
) -> None:
    settings.save_profile(ws, name="Sam Okafor", domains=["samwrites.example"])
    noor = contacts.add(ws, ContactInput(name="Noor Castellanos", domains=("linkedlist.example",)))
    url = net.serve("linked.atom", link_blog(), headers={"Content-Type": "application/atom+xml"})
    feeds.add_feed(ws, url, kind="blog", owner="Noor Castellanos")
    summary = ingest.refresh(ws, options=net.options())
    assert not summary.failures
    with ws.read() as s:
        rows = s.scalars(
            select(InteractionRow)
            .where(InteractionRow.source == "feed")
            .order_by(InteractionRow.link)
        ).all()
        got = [(r.contact_id, r.direction, r.kind, r.link) for r in rows]
    assert got == [
        (noor.id, Direction.RECEIVED.value, Kind.LINK.value, link)
        for link in sorted(
            [
                "https://samwrites.example/2026/first-course",
                "https://samwrites.example/2026/pricing-in-public",
                "https://www.samwrites.example/notes/slow-launches",
            ]
        )
    ]
