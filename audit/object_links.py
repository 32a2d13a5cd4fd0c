"""The names and pages of the objects an audit page's entries are about: one query per kind of
object on the page, whatever the number of entries. Objects since deleted keep only their id."""

import uuid

from django.urls import reverse

from connectors.models import Connector
from tenancy.models import Collection, Space

# object_type -> (its objects in a workspace, the page of one)
LINKED = {
    "connector": (lambda ws: Connector.objects.filter(workspace=ws), "connectors:connector_detail"),
    "collection": (
        lambda ws: Collection.objects.filter(space__workspace=ws),
        "connectors:collection_detail",
    ),
    "space": (lambda ws: Space.objects.filter(workspace=ws), "connectors:space_detail"),
}


def _uuid(text: str):
    try:
        return uuid.UUID(text)
    except (TypeError, ValueError):
        return None


def link_objects(workspace, entries) -> None:
    """Set ``object_name`` and ``object_url`` on each entry (empty when not found)."""
    for entry in entries:
        entry.object_name = entry.object_url = ""
        if entry.object_type == "workspace" and _uuid(entry.object_id) == workspace.pk:
            entry.object_name = workspace.name
            entry.object_url = reverse("syncs:dashboard", args=[workspace.slug])
    for object_type, (objects_in, url_name) in LINKED.items():
        ids = {_uuid(e.object_id) for e in entries if e.object_type == object_type} - {None}
        if not ids:
            continue
        names = dict(objects_in(workspace).filter(pk__in=ids).values_list("pk", "name"))
        for entry in entries:
            key = _uuid(entry.object_id) if entry.object_type == object_type else None
            if key in names:
                entry.object_name = names[key]
                entry.object_url = reverse(url_name, args=[workspace.slug, key])
