"""What each URL of the service answers to an outsider. ``test_tenancy_matrix`` walks the URL
configuration and fails for a URL without an entry here, so a new endpoint or page is covered
the day it is added: one line, e.g. ``"connector-page": page("/connectors/{connector}/")``.

Paths are formatted with the victim workspace's objects: ``{workspace}`` (slug), ``{space}``,
``{collection}``, ``{connector}``, ``{connector_name}``, ``{document}``, ``{sync}``,
``{webhook}``, ``{registry_id}``.

Outsiders: ``other_key`` (an admin key of another workspace), ``stranger`` (a logged-in user with
no membership), ``viewer`` (a viewer key of the victim workspace, writing), ``anonymous``.
"""

from dataclasses import dataclass, field

ANY_OWN = frozenset({200, 201, 202, 204, 400, 404, 405, 409, 415})  # acting on its own workspace
NOT_FOUND = frozenset({404})
FORBIDDEN = frozenset({403})
UNAUTHENTICATED = frozenset({401})
OK = frozenset({200})
REDIRECT = frozenset({302})


@dataclass(frozen=True)
class Entry:
    path: str
    #: outsider -> statuses allowed for reads (GET) and for writes (anything else)
    reads: dict = field(default_factory=dict)
    writes: dict = field(default_factory=dict)
    #: GETs of this URL change state (start/stop/fail): the viewer may not send them either
    state_changing_get: bool = False
    #: even reading needs the MANAGE permission (owners, admin keys): a viewer reading is a 403
    manage_only: bool = False
    #: methods to call instead of those the view handles (pages whose GET and POST differ)
    methods: tuple[str, ...] | None = None


def in_space(path: str) -> Entry:
    """Under /v1/spaces/{space}: other workspaces' spaces do not exist."""
    denied = {"other_key": NOT_FOUND, "stranger": NOT_FOUND, "anonymous": UNAUTHENTICATED}
    return Entry(path, reads=denied, writes={**denied, "viewer": FORBIDDEN})


def in_path_workspace(path: str) -> Entry:
    """The path names the victim workspace: a caller who does not belong to it gets a 403."""
    denied = {"other_key": FORBIDDEN, "stranger": FORBIDDEN, "anonymous": UNAUTHENTICATED}
    return Entry(path, reads=denied, writes={**denied, "viewer": FORBIDDEN})


def acting_object(path: str, *, creates_own=False, **flags) -> Entry:
    """An object of the caller's own workspace: the victim's do not exist for another key; a
    user without a workspace is refused."""
    reads = {"other_key": NOT_FOUND, "stranger": FORBIDDEN, "anonymous": UNAUTHENTICATED}
    writes = {**reads, "viewer": FORBIDDEN}
    if creates_own:  # POST /connectors/{name} creates that name in the caller's own workspace
        writes["other_key"] = ANY_OWN
    return Entry(path, reads=reads, writes=writes, **flags)


def acting_list(path: str, **flags) -> Entry:
    """A list of the caller's own workspace: another key sees (and adds to) only its own."""
    reads = {"other_key": ANY_OWN, "stranger": FORBIDDEN, "anonymous": UNAUTHENTICATED}
    return Entry(path, reads=reads, writes={**reads, "viewer": FORBIDDEN}, **flags)


def registry(path: str, *, write=False, read_by_post=False) -> Entry:
    """The registry is global: any valid key or user reads it; writing needs the registry
    permission."""
    readers = {
        "other_key": frozenset({200, 400, 404}),
        "stranger": frozenset({200, 400, 404}),
        "anonymous": UNAUTHENTICATED,
    }
    if read_by_post:
        return Entry(path, reads=readers, writes={**readers, "viewer": frozenset({200, 400})})
    if write:
        denied = {"other_key": FORBIDDEN, "stranger": FORBIDDEN, "anonymous": UNAUTHENTICATED}
        return Entry(path, reads=denied, writes={**denied, "viewer": FORBIDDEN})
    return Entry(path, reads=readers, writes=readers)


def page(path: str, *, public=False, methods=None) -> Entry:
    """A server-rendered page: anonymous visitors are sent to log in (unless public); a logged-in
    outsider sees a page of its own (or a 403/404), never the victim's data."""
    seen = {"stranger": frozenset({200, 302, 403, 404}), "other_key": frozenset({200, 302})}
    anonymous = OK if public else REDIRECT
    return Entry(
        path,
        reads={**seen, "anonymous": anonymous},
        writes={**seen, "anonymous": frozenset({200, 302, 403})},
        methods=methods,
    )


MATRIX: dict[str, Entry] = {
    # pages
    "home": page("/"),
    "login": page("/login/", public=True),
    "logout": page("/logout/", public=True, methods=("post",)),
    "schema": page("/api/schema/", public=True),
    "swagger-ui": page("/api/docs/", public=True),
    "redoc": page("/api/redoc/", public=True),
    # registry (002)
    "registry-read": registry("/v2/connectors/read/{registry_id}"),
    "registry-list": registry("/v2/connectors/list", read_by_post=True),
    "registry-register": registry("/v2/connector/register", write=True),
    # live sources (000)
    "live-source-list": acting_list("/layar/liveSource"),
    "live-source-detail": acting_object("/layar/liveSource/{connector}"),
    "live-source-job-status": acting_object("/layar/liveSource/{connector}/jobStatus"),
    "live-source-documents": acting_object("/layar/liveSource/{connector}/sourceDocuments"),
    # named storage (001)
    "storage-connector-list": acting_list("/connectors"),
    "storage-connector-detail": acting_object("/connectors/{connector_name}", creates_own=True),
    "storage-connector-start": acting_object(
        "/connectors/{connector_name}/start", state_changing_get=True
    ),
    "storage-connector-stop": acting_object(
        "/connectors/{connector_name}/stop", state_changing_get=True
    ),
    "storage-connector-fail": acting_object(
        "/connectors/{connector_name}/fail", state_changing_get=True
    ),
    # collections (003)
    "space-list": acting_list("/v1/spaces"),
    "space-detail": in_space("/v1/spaces/{space}"),
    "collection-list": in_space("/v1/spaces/{space}/collections"),
    "collection-detail": in_space("/v1/spaces/{space}/collections/{collection}"),
    "collection-connector-list": in_space("/v1/spaces/{space}/collections/{collection}/connectors"),
    "collection-connector-detail": in_space(
        "/v1/spaces/{space}/collections/{collection}/connectors/{connector}"
    ),
    "connector-files": in_space(
        "/v1/spaces/{space}/collections/{collection}/connectors/{connector}/files"
    ),
    "connector-sync-list": in_space(
        "/v1/spaces/{space}/collections/{collection}/connectors/{connector}/sync"
    ),
    "connector-sync-cancel": in_space(
        "/v1/spaces/{space}/collections/{collection}/connectors/{connector}/sync/cancel"
    ),
    "connector-sync-detail": in_space(
        "/v1/spaces/{space}/collections/{collection}/connectors/{connector}/sync/{sync}"
    ),
    "collection-document-list": in_space("/v1/spaces/{space}/collections/{collection}/documents"),
    "collection-document-detail": in_space(
        "/v1/spaces/{space}/collections/{collection}/documents/{document}"
    ),
    # workspaces (004)
    "workspace-connector-create": in_path_workspace("/v1/connector/create_connector/{workspace}"),
    "workspace-connector-associate": in_path_workspace(
        "/v1/connector/create_connector_collection_association/{workspace}"
    ),
    "workspace-connector-list": in_path_workspace("/v1/connector/list_connectors/{workspace}"),
    "workspace-connector-detail": in_path_workspace(
        "/v1/connector/get_connector/{workspace}/{connector}"
    ),
    # audit trail and webhooks
    "audit-entry-list": acting_list("/v1/audit", manage_only=True),
    "webhook-list": acting_list("/v1/webhooks", manage_only=True),
    "webhook-detail": acting_object("/v1/webhooks/{webhook}", manage_only=True),
    "webhook-deliveries": acting_object("/v1/webhooks/{webhook}/deliveries", manage_only=True),
}

#: Every URL of the admin (``admin:`` names and its unnamed routes) is covered by
#: ``test_the_admin_shows_outsiders_nothing``.
ADMIN_NAMESPACE = "admin"
ADMIN_ROUTE_PREFIX = "admin/"
