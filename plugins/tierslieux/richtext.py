"""Contributor Markdown to safe HTML: rendered with markdown-it-py, then sanitised by nh3.

markdown-it-py already escapes raw HTML (html=False); nh3 is the second lock, so that a
description can never carry a script, an event handler or a javascript: link.
"""

from __future__ import annotations

from html import unescape

import nh3
from markdown_it import MarkdownIt

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "code", "blockquote"}
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.disable(["image", "heading", "lheading", "html_block", "html_inline"])


def markdown_to_html(text: str) -> str:
    html = _md.render(text)
    return nh3.clean(html, tags=_TAGS, attributes={"a": {"href"}},
                     url_schemes=SAFE_SCHEMES, link_rel="nofollow noopener noreferrer")


def safe_url(value: object) -> str:
    """The URL when its scheme is allowed, else an empty string (never a javascript: link)."""
    if not isinstance(value, str):
        return ""
    scheme, sep, _ = value.partition(":")
    return value if sep and scheme.lower() in SAFE_SCHEMES else ""


def markdown_to_text(text: str) -> str:
    """Plain text of a Markdown description, for summaries in other standards."""
    html = _md.render(text)
    plain = nh3.clean(html, tags=set())
    return " ".join(unescape(plain).split())
