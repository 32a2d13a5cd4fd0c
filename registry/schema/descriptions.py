"""Descriptions of a spec as safe HTML: specs written for other UIs put HTML links and Markdown
(links, emphasis, code) in their descriptions. Markdown is rendered inline, then nh3 keeps links,
emphasis, code and line breaks and strips everything else (scripts, styles, event handlers,
``javascript:`` URLs)."""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": True})
TAGS = {"a", "em", "strong", "b", "i", "code", "br", "kbd", "sup", "sub"}


def description_html(text) -> SafeString:
    """``text`` (plain, Markdown or HTML) as HTML safe to put in a page."""
    if not isinstance(text, str) or not text.strip():
        return mark_safe("")
    rendered = _MARKDOWN.renderInline(text.strip())
    cleaned = nh3.clean(
        rendered,
        tags=TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"a": {"target": "_blank"}},
    )
    return mark_safe(cleaned)  # noqa: S308 (sanitised by nh3 just above)
