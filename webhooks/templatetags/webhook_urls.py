"""``shown_url``: a webhook's URL as the pages show it."""

from urllib.parse import urlsplit

from django import template

from webhooks.services import shown_url as without_query

register = template.Library()


@register.filter
def shown_url(url) -> str:
    """A webhook URL without its query, which may carry a token of the receiver."""
    try:
        return without_query(str(url)) + ("?…" if urlsplit(str(url)).query else "")
    except ValueError:
        return ""
