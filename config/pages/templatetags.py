"""Small presentation helpers of the page templates: durations, safe links, states in words."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()
register.filter("intcomma", intcomma)

STATE_TONES = {
    "running": "ok",
    "succeeded": "ok",
    "starting": "info",
    "queued": "info",
    "cancelling": "warn",
    "stopped": "muted",
    "cancelled": "muted",
    "failed": "bad",
    "Live": "ok",
    "Draft": "info",
    "InValidation": "warn",
    "Retired": "muted",
    "pending": "info",
    "retrying": "warn",
}

ERROR_ORIGINS = {
    "source": "The source reported a problem",
    "config": "The configuration does not work",
    "worker": "The worker running the sync stopped",
    "system": "Connector Hub hit an internal problem",
}


@register.filter
def tone(value) -> str:
    """The colour family of a state or status badge."""
    return STATE_TONES.get(str(value), "muted")


SYNC_TONES = {
    "queued": "info",
    "running": "info",
    "cancelling": "warn",
    "succeeded": "ok",
    "failed": "bad",
    "cancelled": "muted",
}


@register.filter
def sync_tone(status) -> str:
    """The colour family of a sync status (a running sync is in progress, not "healthy")."""
    return SYNC_TONES.get(str(status), "muted")


@register.filter
def duration(value) -> str:
    """A timedelta (or seconds) as "2 h 05 min", "3 min 07 s" or "12 s"."""
    if value is None or value == "":
        return ""
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else float(value))
    seconds = max(0, seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {seconds:02d} s"
    return f"{seconds} s"


@register.filter
def elapsed(sync) -> str:
    """How long a sync has run (or ran): from its start to its end or now."""
    start = sync.started_at or (sync.queued_at if sync.finished_at else None)
    if start is None:
        return ""
    return duration((sync.finished_at or timezone.now()) - start)


@register.filter
def json_columns(document) -> list[tuple[str, str | None]]:
    """A JSON document holding one object (a table row): its columns and values as text (None
    for null), in order; empty for anything else."""
    if document.mime_type != "application/json" or not (document.content or "").startswith("{"):
        return []
    try:
        row = json.loads(document.content)
    except ValueError:
        return []
    if not isinstance(row, dict):
        return []
    return [
        (str(name), value if value is None or isinstance(value, str) else _json_text(value))
        for name, value in row.items()
    ]


def _json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False)


@register.filter
def filter_problems(filterset) -> list[str]:
    """A list page's filter errors, each naming its field ("Title contains: ...")."""
    fields = filterset.form.fields
    return [
        f"{fields[name].label if name in fields else name}: {' '.join(texts)}"
        for name, texts in filterset.errors.items()
    ]


@register.filter
def rate(sync) -> str:
    """Documents processed per second, from the sync's start to its end or now ("1,250")."""
    start = sync.started_at
    if start is None or not sync.progress_done:
        return ""
    seconds = ((sync.finished_at or timezone.now()) - start).total_seconds()
    if seconds < 1:
        return ""
    per_second = sync.progress_done / seconds
    return intcomma(round(per_second)) if per_second >= 10 else f"{per_second:.1f}"


@register.filter
def error_in_words(sync) -> str:
    """Why a sync failed (or was cancelled), as a sentence."""
    message = (sync.error_message or "").strip()
    if sync.status == "failed":
        origin = ERROR_ORIGINS.get(sync.error_origin, "The sync failed")
        text = f"{origin}: {message}" if message else f"{origin}."
        if sync.error_retryable:
            text += " This is usually temporary: the next sync may succeed."
        return text
    if sync.status in ("cancelled", "cancelling"):
        return message or "Cancelled by request."
    return ""


@register.filter
def safe_link(url) -> str:
    """The URL when it is an http(s) address, else an empty string (never a script URL)."""
    try:
        scheme = urlsplit(str(url or "")).scheme.lower()
    except ValueError:
        return ""
    return str(url) if scheme in ("http", "https") else ""


@register.filter
def pretty_json(value) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)


@register.filter
def filesize(value) -> str:
    size = float(value or 0)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


@register.filter
def initial_letters(value) -> str:
    """Up to two letters standing for a name, for icons a definition does not have."""
    words = [w for w in str(value or "").replace("-", " ").replace("_", " ").split() if w]
    return "".join(w[0] for w in words[:2]).upper() or "?"


@register.filter
def ago(moment) -> str:
    """ "just now" under a minute, else "5 minutes ago" (largest unit first, as ``timesince``)."""
    if not moment:
        return ""
    if timezone.now() - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment)} ago"
