"""Incremental windows: when a read started, and from when the next one looks for changes.

A reader that finds changes by modification time stores the start of its last complete pass
(minus ``OVERLAP``, for clock skew between us and the source and for writes that were in flight)
as ``since``; the next read returns what was modified after it.
"""

from datetime import UTC, datetime, timedelta

OVERLAP = timedelta(minutes=5)


def now() -> datetime:
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_iso(value: str | datetime | None) -> datetime | None:
    """An aware datetime from an ISO-8601 string (``Z`` or an offset; naive means UTC)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
        # Atlassian writes offsets without a colon (+0000), which fromisoformat accepts since 3.11.
        moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def next_since(started_at: str, overlap: timedelta = OVERLAP) -> str:
    return to_iso(parse_iso(started_at) - overlap)


def changed_since(modified: str | datetime | None, since: str | None) -> bool:
    """True on a full read (no ``since``), and for anything modified after ``since``; an item
    without a modification time counts as changed."""
    if not since:
        return True
    moment = parse_iso(modified)
    return moment is None or moment > parse_iso(since)
