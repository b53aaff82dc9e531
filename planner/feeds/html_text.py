"""Feed HTML reduced to plain text plus its links. Nothing here is ever rendered as HTML.

We parse feeds with ``sanitize_html=False`` (the sanitizer is slow and we never show
HTML, THREATS X1) and reduce every HTML field here instead:

* ``script``/``style``/``template`` content is dropped; every other tag disappears;
* block elements and ``<br>`` become line breaks; inline tags add nothing, so
  ``Jane <b>Doe</b>`` stays ``Jane Doe`` (detection matches names across tags);
* entities are decoded and whitespace collapsed;
* ``(anchor text, href)`` pairs are collected with only absolute http(s) hrefs kept;
  relative hrefs are resolved against ``base`` (the entry link or xml:base), and
  ``javascript:``/``data:``/tab-split schemes are dropped.

Why a tokenizer regex rather than :class:`html.parser.HTMLParser`: this runs on every
summary and content of every entry, and one compiled regex over the tags is about
twice as fast as HTMLParser's per-tag method calls. The output is only ever plain text,
so a tag the regex reads differently from a browser can at worst leave some markup in
the text; it cannot let a URL through, since every href is checked on its own.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass

from planner.feeds.urls import http_url_or_empty

__all__ = ["HtmlText", "html_to_text", "plain_text"]

# fmt: off
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd",
    "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
    "footer", "form", "frame", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
    "html", "legend", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul",
})
# fmt: on
# Elements whose content is not text: skipped up to their end tag. The raw-text ones
# run to the end of the input when unclosed (as in a browser); the others do not.
_DROP = frozenset({"script", "style", "template", "noembed", "noframes", "head", "title"})
_RAW_TEXT = frozenset({"script", "style", "template", "noembed", "noframes"})
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_MAX_ANCHOR_TEXT = 300

# A tag: name, then attributes where quoted values may contain ">"; or a comment,
# a declaration (<!DOCTYPE>, <![CDATA[ ]]>) or a processing instruction.
_TOKEN = re.compile(
    r"""<(?:
        (?P<end>/?)(?P<name>[A-Za-z][A-Za-z0-9:_-]*)
            (?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*)>
      | !--.*?(?:--!?>|\Z)
      | ![^>]*>
      | \?[^>]*>
    )""",
    re.S | re.X,
)
_HREF = re.compile(r"""(?:^|\s)href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>`]+))""", re.I)


@dataclass(frozen=True, slots=True)
class HtmlText:
    """Plain text of an HTML fragment and its links, in document order."""

    text: str
    #: (anchor text, absolute http(s) href)
    anchors: tuple[tuple[str, str], ...] = ()


def _collapse(text: str) -> str:
    """One space inside lines, one newline between non-empty lines, no edges."""
    text = _SPACES.sub(" ", text)
    return _NEWLINES.sub("\n", text).strip()


def plain_text(text: str) -> str:
    """Collapse whitespace in a field that is text already (markup in it stays literal)."""
    return _collapse(text) if text else ""


def _unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def _href(attrs: str, base: str) -> str:
    match = _HREF.search(attrs)
    if match is None:
        return ""
    value = match.group(1) if match.group(1) is not None else match.group(2) or match.group(3)
    return http_url_or_empty(_unescape(value or ""), base)


def html_to_text(fragment: str, base: str = "") -> HtmlText:
    """Reduce an HTML fragment to plain text and its http(s) anchors.

    Args:
        fragment: untrusted HTML (a feed summary or content).
        base: absolute URL that relative hrefs resolve against ("" keeps only absolute).
    """
    if not fragment:
        return HtmlText("")
    # In HTML a line break in the source is just a space; only blocks and <br> break lines.
    if "\n" in fragment or "\r" in fragment:
        fragment = fragment.replace("\r", " ").replace("\n", " ")
    if "<" not in fragment:  # the common plain-text case: no tokenizing at all
        return HtmlText(_collapse(_unescape(fragment)))
    return _tokenized(fragment, base)


def _tokenized(fragment: str, base: str) -> HtmlText:
    """Walk the tags of a fragment with markup: keep text, drop non-text elements, break
    lines at blocks, and note each anchor's text and href."""
    out: list[str] = []
    anchors: list[tuple[str, str]] = []
    href = ""  # the open anchor's href ("" when none, or not http(s))
    anchor_start = 0  # index in ``out`` where the open anchor's text begins
    pos = 0
    search = _TOKEN.search
    while True:
        match = search(fragment, pos)
        if match is None:
            out.append(fragment[pos:])
            break
        if match.start() > pos:
            out.append(fragment[pos : match.start()])
        pos = match.end()
        name = match.group("name")
        if name is None:
            continue  # comment, declaration, processing instruction
        name = name.lower()
        closing = bool(match.group("end"))
        if name in _DROP and not closing:
            pos = _after_dropped(fragment, match, name, pos)
            continue
        if name == "a":
            if href:
                anchors.append((_anchor_text(out, anchor_start), href))
            href = "" if closing else _href(match.group("attrs"), base)
            anchor_start = len(out)
        elif name in _BLOCK:
            out.append("\n")
    if href:
        anchors.append((_anchor_text(out, anchor_start), href))
    return HtmlText(_collapse(_unescape("".join(out))), _unique(anchors))


def _after_dropped(fragment: str, match: re.Match[str], name: str, pos: int) -> int:
    """Where reading resumes after the start tag of an element whose content is not text."""
    if match.group("attrs").rstrip().endswith("/"):
        return pos
    end = _end_tag(name).search(fragment, pos)
    if end is not None:
        return end.end()
    if name in _RAW_TEXT:
        return len(fragment)
    return pos


@functools.lru_cache(maxsize=16)
def _end_tag(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{name}\s*>", re.I)


def _anchor_text(out: list[str], start: int) -> str:
    text = _collapse(_unescape("".join(out[start:])).replace("\n", " "))
    return text[:_MAX_ANCHOR_TEXT]


def _unique(pairs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    if len(pairs) < 2:
        return tuple(pairs)
    return tuple(dict.fromkeys(pairs))
