"""A document's extracted text as HTML for its page: HTML pages, Word files and Markdown files
are extracted as Markdown (``registry.sources.extract``), rendered here by markdown-it and
sanitised by nh3 (no raw HTML from the source, no scripts, styles or event handlers; links only
http(s) and mail, opening elsewhere). Other types show as plain text."""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from registry.sources.extract import DOCX

MARKDOWN_TYPES = frozenset({"text/html", "text/markdown", DOCX})
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
TAGS = {
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "br",
    "hr",
    "blockquote",
    "pre",
    "code",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


def rendered_text(document) -> SafeString | None:
    """The document's text as safe HTML, or None when it is shown as plain text."""
    if document.mime_type not in MARKDOWN_TYPES or not document.content:
        return None
    cleaned = nh3.clean(
        _MARKDOWN.render(document.content),
        tags=TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"a": {"target": "_blank"}},
    )
    return mark_safe(cleaned)  # noqa: S308 (sanitised by nh3 just above)
