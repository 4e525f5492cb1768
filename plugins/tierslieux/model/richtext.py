"""Contributor Markdown to safe HTML: rendered with markdown-it-py, then sanitised by nh3.

markdown-it-py already escapes raw HTML (html=False); nh3 is the second lock, so that a
description can never carry a script, an event handler or a javascript: link.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import nh3
from markdown_it import MarkdownIt

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "code", "pre", "blockquote", "hr"}
# What may stay in a URL as is; anything else (" < > spaces...) is percent-encoded.
_URL_SAFE = "!#$%&'()*+,-./:;=?@[]_~"
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.disable(["image", "heading", "lheading", "html_block", "html_inline"])


_LINK_WITHOUT_HREF = re.compile(r'<a rel="[^"]*">(.*?)</a>', re.S)


def _absolute_links_only(element: str, attribute: str, value: str) -> str | None:
    """Links in descriptions point outside, with a safe scheme: no relative or //host URL."""
    if element == "a" and attribute == "href":
        return safe_url(value) or None
    return value


def markdown_to_html(text: str) -> str:
    html = _md.render(text)
    clean = nh3.clean(html, tags=_TAGS, attributes={"a": {"href"}},
                      url_schemes=SAFE_SCHEMES, link_rel="nofollow noopener noreferrer",
                      attribute_filter=_absolute_links_only)
    return _LINK_WITHOUT_HREF.sub(r"\1", clean)  # a refused link keeps its text only


def safe_url(value: object) -> str:
    """The URL, percent-encoded where needed, when its scheme is allowed; else "".

    Never a javascript: or data: link, and never a quote or bracket that would make the
    attribute invalid HTML.
    """
    if not isinstance(value, str):
        return ""
    scheme, sep, _ = value.partition(":")
    if not sep or scheme.lower() not in SAFE_SCHEMES:
        return ""
    return quote(re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", value), safe=_URL_SAFE)


def markdown_to_text(text: str) -> str:
    """Plain text of a Markdown description, for summaries in other standards."""
    html = _md.render(text)
    plain = nh3.clean(html, tags=set())
    return " ".join(unescape(plain).split())
