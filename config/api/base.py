"""The one place where an API request gets its workspace and its permission, and where every
queryset of the API families is scoped to that workspace.

A view declares where its workspace comes from (``workspace_from``):

- ``"actor"``: an API key's own workspace; for a session user the workspace named by the
  ``X-Workspace`` header (id or slug), else the one chosen in the pages' workspace switcher
  (stored in the session), else the user's only workspace.
- ``"path"``: the ``workspace_id`` URL parameter (id or slug). A workspace the caller does not
  belong to is a 403.
- ``"space"``: the workspace of the ``space_id`` URL parameter, and the ``collection_id`` inside
  that space when the URL has one. Spaces and collections of other workspaces do not exist (404).

Reading needs the VIEW permission, anything else EDIT (a viewer key writing gets a 403). The GETs
listed in ``state_changing_actions`` change state: they are honoured only with an API key, since a
browser session must use POST, where CSRF is checked.
"""

from django.db.models import Exists
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS

from config.api.auth import actor_of
from config.api.parsers import BoundedJSONParser
from config.errors import NotFound, PermissionDenied
from tenancy.models import ApiKey, Collection, Space, Workspace
from tenancy.permissions import (
    EDIT,
    VIEW,
    allows,
    role_in,
    workspace_and_role,
    workspaces_for,
)
from tenancy.selectors import CollectionPath, as_uuid

SESSION_WORKSPACE_KEY = "workspace_id"
WORKSPACE_HEADER = "X-Workspace"


def named_workspace_and_role(actor, id_or_slug) -> tuple[Workspace, str]:
    """A workspace named by a path or header, with the caller's role in it (one query, none for
    an API key naming its own): 404 when none has that id or slug, 403 when the caller does not
    belong to it."""
    pk = as_uuid(id_or_slug)
    workspace, role = (
        workspace_and_role(actor, pk=pk) if pk else workspace_and_role(actor, slug=str(id_or_slug))
    )
    if workspace is None or not allows(role, VIEW):
        named = (
            Workspace.objects.filter(pk=pk)
            if pk
            else Workspace.objects.filter(slug=str(id_or_slug))
        )
        if not named.exists():
            raise NotFound("Workspace not found.")
        raise PermissionDenied("You do not have access to this workspace.")
    return workspace, role


def named_workspace(actor, id_or_slug) -> Workspace:
    return named_workspace_and_role(actor, id_or_slug)[0]


def acting_workspace(request) -> Workspace:
    """The workspace of a request whose path names none."""
    return acting_workspace_and_role(request)[0]


def acting_workspace_and_role(request) -> tuple[Workspace, str | None]:
    """The workspace of a request whose path names none, and the caller's role there (``None``:
    not looked up)."""
    actor = actor_of(request)
    named = request.headers.get(WORKSPACE_HEADER)
    if isinstance(actor, ApiKey):
        workspace = actor.workspace
        if named and named not in (str(workspace.pk), workspace.slug):
            raise PermissionDenied("This API key does not belong to that workspace.")
        return workspace, actor.role
    chosen = named or request.session.get(SESSION_WORKSPACE_KEY)
    if chosen:
        return named_workspace_and_role(actor, chosen)
    candidates = list(workspaces_for(actor)[:2])
    if not candidates:
        raise PermissionDenied("You are not a member of any workspace.")
    if len(candidates) > 1:
        raise exceptions.ValidationError(
            {
                "workspace": [
                    f"Choose a workspace: send its id or slug in the {WORKSPACE_HEADER} header."
                ]
            }
        )
    return candidates[0], None


def space_of(actor, space_id) -> Space:
    pk = as_uuid(space_id)
    space = (
        # An API key's own workspace by its id: no join, no subquery.
        Space.objects.filter(
            pk=pk,
            **(
                {"workspace_id": actor.workspace_id}
                if isinstance(actor, ApiKey)
                else {"workspace__in": workspaces_for(actor)}
            ),
        )
        .select_related("workspace")
        .first()
        if pk
        else None
    )
    if space is None:
        raise NotFound("Space not found.")
    return space


def collection_of(actor, space_id, collection_id) -> Collection:
    """A collection of a space the actor may see, with its space and workspace (one query)."""
    space_pk, pk = as_uuid(space_id), as_uuid(collection_id)
    if not (space_pk and pk):
        collection = None
    elif isinstance(actor, ApiKey):  # the workspace is the key's, loaded with it
        collection = (
            Collection.objects.filter(
                pk=pk, space_id=space_pk, space__workspace_id=actor.workspace_id
            )
            .select_related("space")
            .first()
        )
        if collection is not None:
            collection.space.workspace = actor.workspace
    else:
        collection = (
            Collection.objects.filter(
                pk=pk, space_id=space_pk, space__workspace__in=workspaces_for(actor)
            )
            .select_related("space__workspace")
            .first()
        )
    if collection is None:
        space_of(actor, space_id)  # says which of the two is missing
        raise NotFound("Collection not found.")
    return collection


def scoped_to(queryset, workspace_field: str, workspace_id, path: CollectionPath | None):
    """``queryset`` restricted to a workspace (``workspace_field`` leads from its model there)
    and, for a path not looked up yet, to the existence of its collection."""
    queryset = queryset.filter(**{workspace_field: workspace_id})
    if path is not None:
        queryset = queryset.filter(Exists(path.collections()))
    return queryset


class WorkspaceScopedMixin:
    """Mixed into every viewset of the live-source, storage, collection and workspace APIs."""

    workspace_from = "actor"
    #: The path from the queryset's model to its workspace.
    workspace_field = "workspace"
    state_changing_actions: frozenset[str] = frozenset()
    parser_classes = [BoundedJSONParser]

    #: A permission every request needs on top of VIEW/EDIT (e.g. MANAGE for the audit trail).
    required_permission: str | None = None
    required_permission_message = "You may not do this in this workspace."

    #: GET actions whose reads carry the check of the path's space and collection (``scoped``
    #: filters by it, ``path_collection`` hands it to a selector). For a request by API key these
    #: actions skip the separate lookup of the path when a read finds a row through it; when none
    #: does, the path is looked up before the answer goes out, so that a missing space or
    #: collection still gets its own 404.
    path_checked_by_reads: frozenset[str] = frozenset()

    workspace: Workspace
    _space: Space | None = None
    _collection: Collection | None = None
    #: ``(space id, collection id)`` of a path not looked up yet.
    _unchecked_path: tuple | None = None
    _path_proven = False

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.actor = actor_of(request)
        self.workspace, self.role = self._resolve_workspace(request)
        if self.role is None:
            self.role = role_in(self.actor, self.workspace)
        self._check_permission(request)

    def _resolve_workspace(self, request) -> tuple[Workspace, str | None]:
        """The request's workspace, and the caller's role in it when that came with it."""
        if self.workspace_from == "path":
            return named_workspace_and_role(self.actor, self.kwargs["workspace_id"])
        if self.workspace_from == "space" and "space_id" in self.kwargs:
            if "collection_id" in self.kwargs:
                path = as_uuid(self.kwargs["space_id"]), as_uuid(self.kwargs["collection_id"])
                if (
                    isinstance(self.actor, ApiKey)
                    and request.method == "GET"
                    and getattr(self, "action", None) in self.path_checked_by_reads
                    and all(path)
                ):
                    self._unchecked_path = path
                    return self.actor.workspace, self.actor.role
                self._collection = collection_of(
                    self.actor, self.kwargs["space_id"], self.kwargs["collection_id"]
                )
                self._space = self._collection.space
            else:
                self._space = space_of(self.actor, self.kwargs["space_id"])
            return self._space.workspace, None
        return acting_workspace_and_role(request)

    def _look_up_path(self) -> None:
        self._unchecked_path = None
        self._collection = collection_of(
            self.actor, self.kwargs["space_id"], self.kwargs["collection_id"]
        )
        self._space = self._collection.space

    @property
    def collection(self) -> Collection | None:
        if self._unchecked_path is not None:
            self._look_up_path()
        return self._collection

    @property
    def space(self) -> Space | None:
        if self._unchecked_path is not None:
            self._look_up_path()
        return self._space

    def path_collection(self) -> Collection | CollectionPath:
        """The path's collection, or, while the path is unchecked, the path itself for a read
        to go through."""
        if self._unchecked_path is None:
            return self.collection
        return CollectionPath(self.workspace.pk, *self._unchecked_path)

    def found_through_path(self, found) -> None:
        """A read filtered by ``path_collection`` (or ``scoped``) found ``found``: when it found
        something, the path exists."""
        if found:
            self._path_proven = True

    def finalize_response(self, request, response, *args, **kwargs):
        if self._unchecked_path is not None and not self._path_proven:
            try:
                self._look_up_path()
            except NotFound as missing:
                response = self.handle_exception(missing)
        return super().finalize_response(request, response, *args, **kwargs)

    def _check_permission(self, request) -> None:
        action = getattr(self, "action", None)
        changes_state = action in self.state_changing_actions
        if changes_state and request.method == "GET" and not isinstance(request.auth, ApiKey):
            raise exceptions.MethodNotAllowed(
                "GET",
                detail="A state change by GET needs an API key; a browser session must POST "
                "(with its CSRF token).",
            )
        needed = VIEW if request.method in SAFE_METHODS and not changes_state else EDIT
        if not allows(self.role, needed):
            if needed == EDIT and allows(self.role, VIEW):
                raise PermissionDenied("This key or role may only read.")
            raise PermissionDenied("You do not have access to this workspace.")
        if self.required_permission and not allows(self.role, self.required_permission):
            raise PermissionDenied(self.required_permission_message)

    def scoped(self, queryset):
        """``queryset`` restricted to the request's workspace (and, while the path is unchecked,
        to the existence of its collection: see ``path_checked_by_reads``)."""
        if getattr(self, "swagger_fake_view", False):
            return queryset.none()
        path = self.path_collection() if self._unchecked_path is not None else None
        return scoped_to(queryset, self.workspace_field, self.workspace.pk, path)

    def scope_values(self, **values) -> dict:
        """``values`` and what a compiled read of the request's scope binds (the arguments of
        ``scoped_to``): the workspace's id and, while the path is unchecked, its space's and
        collection's."""
        values["workspace_id"] = self.workspace.pk
        if self._unchecked_path is not None:
            path = self.path_collection()
            values.update(space_id=path.space_id, collection_id=path.collection_id)
        return values

    def get_queryset(self):
        return self.scoped(super().get_queryset())
