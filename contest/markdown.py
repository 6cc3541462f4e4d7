"""Markdown written by people (idea descriptions, contest rules) rendered to safe HTML.

Rendered with ``markdown``, then sanitised with ``nh3`` (ammonia): no script, no event
handlers, no ``javascript:`` links, links open safely, and images only from our own uploads.
"""

from __future__ import annotations

import markdown as md
import nh3
from markupsafe import Markup

UPLOAD_PREFIX = "/files/"
TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
}


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if value.startswith(UPLOAD_PREFIX) and ".." not in value else None
    return value


def render(text: str | None) -> Markup:
    """Safe HTML for a Markdown text (headings start at h2: the page owns h1)."""
    if not text:
        return Markup("")
    html = md.markdown(text, extensions=["sane_lists", "tables"], output_format="html")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
        attribute_filter=_filter,
        strip_comments=True,
    )
    return Markup(clean)  # noqa: S704 — sanitised by nh3 just above
