"""Reads of the tenancy app: a workspace's spaces and collections, looked up by what a request
names (an id from a path, a form or a command line)."""

import uuid
from dataclasses import dataclass

from django.db.models import QuerySet

from config.errors import NotFound
from tenancy.models import Collection, Space, Workspace


def as_uuid(value) -> uuid.UUID | None:
    """``value`` as a UUID, or None when it is not one (an id from a path, a header, a form)."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


@dataclass(frozen=True)
class CollectionPath:
    """A collection named by a request's path (its space, its id) in the request's workspace,
    read through before it is looked up: what is found through it proves it exists."""

    workspace_id: uuid.UUID
    space_id: uuid.UUID
    collection_id: uuid.UUID

    @property
    def pk(self) -> uuid.UUID:
        return self.collection_id

    def collections(self) -> QuerySet[Collection]:
        """The collection, if it exists there: at most one row."""
        return Collection.objects.filter(
            pk=self.collection_id, space_id=self.space_id, space__workspace_id=self.workspace_id
        )


def spaces_in(workspace: Workspace) -> QuerySet[Space]:
    return Space.objects.filter(workspace=workspace)


def space_in(workspace: Workspace, space_id) -> Space:
    pk = as_uuid(space_id)
    space = spaces_in(workspace).filter(pk=pk).first() if pk else None
    if space is None:
        raise NotFound("Space not found.")
    return space


def collection_in(space: Space, collection_id) -> Collection:
    pk = as_uuid(collection_id)
    collection = space.collections.filter(pk=pk).select_related("space").first() if pk else None
    if collection is None:
        raise NotFound("Collection not found.")
    return collection


def collection_in_workspace(workspace: Workspace, collection_id) -> Collection:
    pk = as_uuid(collection_id)
    collection = (
        Collection.objects.filter(pk=pk, space__workspace=workspace).select_related("space").first()
        if pk
        else None
    )
    if collection is None:
        raise NotFound("Collection not found.")
    return collection


def space_by_name_or_id(workspace: Workspace, name_or_id: str) -> Space:
    space = spaces_in(workspace).filter(name=name_or_id).first()
    if space is None and (pk := as_uuid(name_or_id)):
        space = spaces_in(workspace).filter(pk=pk).first()
    if space is None:
        raise NotFound(f"Space {name_or_id!r} not found.")
    return space
