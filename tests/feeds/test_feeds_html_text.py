"""HTML → plain text and anchors: what detection reads and what the page shows (X1)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.feeds.html_text import HtmlText, html_to_text

BASE = "https://blog.example/posts/1"

# THREATS §2.3, each reduced to text: never a tag, never a script body, never a bad href.
HOSTILE = [
    ("<p>hi</p><script>alert(1)</script>", "hi"),
    ('<img src="x" onerror="alert(1)">', ""),
    ('<a href="javascript:alert(1)">x</a>', "x"),
    ('<a href="jav&#x09;ascript:alert(1)">x</a>', "x"),
    ('<a href="java&#x0A;script:alert(1)">x</a>', "x"),
    ('<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>', "x"),
    ('<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">', ""),
    ('<img src="javascript:alert(1)">', ""),
    ('<iframe src="http://evil.example/"></iframe>', ""),
    ("<style>body{display:none}</style>ok", "ok"),
    (
        '<p style="background:url(javascript:alert(1));color:red;position:fixed;top:0">x</p>',
        "x",
    ),
    ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>', ""),
    ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', ""),
    (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
        "x",
    ),
    (
        '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi xlink:href="javascript:alert(1)">'
        "x</mi></math>",
        "x",
    ),
    ('<form action="http://evil.example/"><input name="p" type="password"></form>', ""),
    ('<meta http-equiv="refresh" content="0;url=http://evil.example/">', ""),
    ('<object data="x.swf"></object><embed src="x.swf">', ""),
    (
        '<base href="http://evil.example/"><link rel="stylesheet" href="http://evil.example/x.css">',
        "",
    ),
    ('<img src="http://tracker.example/pixel.gif?u=1" width="1" height="1">', ""),
    ('<img srcset="http://evil.example/a.png 1x">', ""),
    ('<button formaction="javascript:alert(1)">x</button>', "x"),
]


@pytest.mark.parametrize(("html", "text"), HOSTILE)
def test_hostile_html_comes_out_as_text(html: str, text: str) -> None:
    result = html_to_text(html, BASE)
    assert result.text == text
    assert not re.search(r"<[A-Za-z/!]", result.text)
    assert "alert(" not in result.text
    for _, href in result.anchors:
        assert href.startswith(("http://", "https://"))
        assert "javascript" not in href.lower()


def test_inline_tags_add_no_space() -> None:
    assert html_to_text("Jane <b>Doe</b>").text == "Jane Doe"
    assert html_to_text("Ja<span>ne</span> <i>D</i>oe").text == "Jane Doe"


def test_blocks_and_br_become_line_breaks_and_whitespace_collapses() -> None:
    html = (
        "<h1>Title</h1>\n\n<p>One   two\tthree</p><p>four<br>five<br/>six</p>"
        "<ul><li>a</li><li>b</li></ul>"
    )
    assert html_to_text(html).text == "Title\nOne two three\nfour\nfive\nsix\na\nb"


def test_entities_are_decoded() -> None:
    assert html_to_text("<p>Tom &amp; Jerry&nbsp;&lt;3 &#8212; &eacute;</p>").text == (
        "Tom & Jerry <3 — é"
    )
    assert html_to_text("plain &amp; simple").text == "plain & simple"


def test_script_and_style_content_is_dropped_even_when_unclosed() -> None:
    assert html_to_text("a<SCRIPT type='x'>var s = '</p>';</SCRIPT >b").text == "ab"
    assert html_to_text("before<script>never closed <p>text").text == "before"
    assert html_to_text("<title>unclosed title<p>kept").text == "unclosed title\nkept"


def test_comments_and_cdata_are_dropped() -> None:
    assert html_to_text("a<!-- <a href='https://x.example/'>x</a> -->b").text == "ab"
    assert html_to_text("a<!DOCTYPE html>b<?php echo 1 ?>c").text == "abc"


def test_anchors_resolve_relative_hrefs_and_keep_only_http() -> None:
    html = (
        '<a href="/about">About us</a> <a href="https://jane.example/">Jane <b>Doe</b></a> '
        "<a href=guest.html>Guest</a> <a href='mailto:x@y.example'>mail</a> "
        '<a href="#top">top</a> <a>no href</a> <a href="https://jane.example/">Jane <b>Doe</b></a>'
    )
    result = html_to_text(html, BASE)
    assert result.anchors == (
        ("About us", "https://blog.example/about"),
        ("Jane Doe", "https://jane.example/"),
        ("Guest", "https://blog.example/posts/guest.html"),
        ("top", "https://blog.example/posts/1#top"),
    )
    assert html_to_text('<a href="/about">x</a>').anchors == ()  # no base: relative dropped


def test_attribute_values_may_contain_angle_brackets() -> None:
    result = html_to_text('<a title="a > b" href="https://x.example/?q=1&amp;r=2">q</a> after')
    assert result == HtmlText("q after", (("q", "https://x.example/?q=1&r=2"),))


def test_unclosed_anchor_still_counts() -> None:
    result = html_to_text('<p>see <a href="https://u.example/">u</p>')
    assert result.anchors == (("u", "https://u.example/"),)


def test_stray_angle_brackets_are_text() -> None:
    assert html_to_text("a < b and <3 but <b>bold</b>").text == "a < b and <3 but bold"


@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abhrefscript:java&#x09;;\n")), max_size=80))
def test_never_raises_and_never_leaks_a_bad_href(html: str) -> None:
    result = html_to_text(html, BASE)
    assert isinstance(result.text, str)
    for _, href in result.anchors:
        assert href.lower().startswith(("http://", "https://"))


@given(st.text(max_size=200))
def test_text_without_tags_is_only_collapsed(text: str) -> None:
    result = html_to_text(text.replace("<", "").replace("&", ""))
    assert result.text == " ".join(result.text.split(" ")).strip()
    assert "  " not in result.text
