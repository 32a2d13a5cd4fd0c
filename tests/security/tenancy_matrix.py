"""What each URL of the service answers to an outsider. ``test_tenancy_matrix`` walks the URL
configuration and fails for a URL without an entry here, so a new endpoint or page is covered
the day it is added: one line, e.g.
``"connectors:connector_edit": workspace_page("/w/{workspace}/connectors/{connector}/edit/", "edit")``.

Paths are formatted with the victim workspace's objects: ``{workspace}`` (slug), ``{space}``,
``{collection}``, ``{connector}``, ``{connector_name}``, ``{document}``, ``{sync}``,
``{webhook}``, ``{registry_id}``, ``{definition}`` (its pk), ``{key_prefix}`` (an API key of the
victim workspace), ``{member}`` (the victim owner's user id).

Outsiders: ``other_key`` (an admin key of another workspace), ``stranger`` (a logged-in user with
no membership), ``viewer`` (a viewer key of the victim workspace, writing), ``anonymous``; and for
the pages: ``other_member`` (a logged-in owner of another workspace) and ``viewer_member`` (a
logged-in viewer of the victim workspace, writing, or reading what needs more than viewing).
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
    #: a server-rendered page: a redirect must never lead into the victim's workspace
    page: bool = False
    #: form fields of its POSTs (formatted like the path), when what is posted matters
    form: dict | None = None


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


LOGIN = frozenset({302})  # sent to the login page: pages do not take API keys
PAGE_OUTSIDERS = ("anonymous", "other_key", "viewer", "stranger", "other_member")


def public(path: str, *, methods=("get",), status=OK) -> Entry:
    """A page anyone reaches (the login page, the API reference)."""
    everyone = {name: status for name in PAGE_OUTSIDERS}
    return Entry(path, reads=everyone, writes=everyone, methods=methods, page=True)


def workspace_page(path: str, permission: str = "view", *, methods=("get", "post")) -> Entry:
    """A page under ``/w/{workspace}/``: visitors without a session are sent to log in, a
    workspace the user does not belong to does not exist (404), and a viewer may look but not
    change (403) nor open what needs ``permission`` ("edit" or "manage")."""
    refused = {
        "anonymous": LOGIN,
        "other_key": LOGIN,
        "viewer": LOGIN,
        "stranger": NOT_FOUND,
        "other_member": NOT_FOUND,
    }
    reads = dict(refused)
    if permission != "view":
        reads["viewer_member"] = FORBIDDEN
    return Entry(
        path,
        reads=reads,
        writes={**refused, "viewer_member": FORBIDDEN},
        methods=methods,
        page=True,
    )


def user_page(path: str, *, methods=("get",), users=OK, writes_by_users=None) -> Entry:
    """A page outside any workspace that needs a login (the registry, the workspace switcher):
    any user of the service gets ``users``; writes that need more get ``writes_by_users``."""
    logged_out = {"anonymous": LOGIN, "other_key": LOGIN, "viewer": LOGIN}
    users_ = {"stranger": users, "other_member": users, "viewer_member": users}
    writes = {**logged_out, **users_}
    if writes_by_users is not None:
        writes.update({name: writes_by_users for name in users_})
    return Entry(path, reads={**logged_out, **users_}, writes=writes, methods=methods, page=True)


MATRIX: dict[str, Entry] = {
    # pages outside the workspaces
    "home": Entry(
        "/",
        reads={
            "anonymous": LOGIN,
            "other_key": LOGIN,
            "viewer": LOGIN,
            "stranger": OK,  # "you belong to no workspace yet"
            "other_member": REDIRECT,  # to its own workspace
        },
        methods=("get",),
        page=True,
    ),
    "login": public("/login/", methods=("get", "post")),
    "logout": public("/logout/", methods=("post",), status=REDIRECT),
    "schema": public("/api/schema/"),
    "swagger-ui": public("/api/docs/"),
    "redoc": public("/api/redoc/", status=frozenset({301})),
    "connectors:workspace_switch": Entry(
        "/workspaces/switch/",
        writes={
            "anonymous": LOGIN,
            "other_key": LOGIN,
            "stranger": NOT_FOUND,
            "other_member": NOT_FOUND,
        },
        methods=("post",),
        page=True,
        form={"workspace": "{workspace}"},
    ),
    "registry:registry": user_page("/registry/"),
    "registry:registry_upload": user_page(
        "/registry/upload/", methods=("post",), writes_by_users=FORBIDDEN
    ),
    "registry:definition_promote": user_page(
        "/registry/{definition}/publish/", methods=("post",), writes_by_users=FORBIDDEN
    ),
    "registry:definition_retire": user_page(
        "/registry/{definition}/retire/", methods=("post",), writes_by_users=FORBIDDEN
    ),
    "registry:definition_icon": user_page(
        "/registry/{definition}/icon/", users=frozenset({200, 404})
    ),
    # workspace pages (connectors:*)
    "syncs:dashboard": workspace_page("/w/{workspace}/", methods=("get",)),
    "connectors:space_list": workspace_page("/w/{workspace}/spaces/"),
    "connectors:space_detail": workspace_page("/w/{workspace}/spaces/{space}/"),
    "connectors:space_delete": workspace_page("/w/{workspace}/spaces/{space}/delete/", "edit"),
    "connectors:collection_detail": workspace_page("/w/{workspace}/collections/{collection}/"),
    "connectors:collection_delete": workspace_page(
        "/w/{workspace}/collections/{collection}/delete/", "edit"
    ),
    "syncs:collection_documents": workspace_page(
        "/w/{workspace}/collections/{collection}/documents/", methods=("get",)
    ),
    "registry:catalog": workspace_page("/w/{workspace}/catalog/", methods=("get",)),
    "connectors:connector_list": workspace_page("/w/{workspace}/connectors/", methods=("get",)),
    "connectors:connector_create": workspace_page(
        "/w/{workspace}/connectors/new/{registry_id}/", "edit"
    ),
    "connectors:schedule_preview": workspace_page(
        "/w/{workspace}/schedule-preview/", methods=("get",)
    ),
    "connectors:connector_detail": workspace_page(
        "/w/{workspace}/connectors/{connector}/", methods=("get",)
    ),
    "connectors:connector_edit": workspace_page(
        "/w/{workspace}/connectors/{connector}/edit/", "edit"
    ),
    "connectors:connector_delete": workspace_page(
        "/w/{workspace}/connectors/{connector}/delete/", "edit"
    ),
    "connectors:connector_state": workspace_page(
        "/w/{workspace}/connectors/{connector}/state/", "edit", methods=("post",)
    ),
    "connectors:connector_collection_add": workspace_page(
        "/w/{workspace}/connectors/{connector}/collections/", "edit", methods=("post",)
    ),
    "connectors:connector_collection_remove": workspace_page(
        "/w/{workspace}/connectors/{connector}/collections/{collection}/remove/",
        "edit",
        methods=("post",),
    ),
    "syncs:connector_upload": workspace_page(
        "/w/{workspace}/connectors/{connector}/files/", "edit", methods=("post",)
    ),
    "syncs:connector_documents": workspace_page(
        "/w/{workspace}/connectors/{connector}/documents/", methods=("get",)
    ),
    "syncs:document_detail": workspace_page(
        "/w/{workspace}/documents/{document}/", methods=("get",)
    ),
    "tenancy:key_list": workspace_page("/w/{workspace}/keys/", "manage"),
    "tenancy:key_revoke": workspace_page(
        "/w/{workspace}/keys/{key_prefix}/revoke/", "manage", methods=("post",)
    ),
    "tenancy:member_list": workspace_page("/w/{workspace}/members/", "manage"),
    "tenancy:member_role": workspace_page(
        "/w/{workspace}/members/{member}/role/", "manage", methods=("post",)
    ),
    "tenancy:member_remove": workspace_page(
        "/w/{workspace}/members/{member}/remove/", "manage", methods=("post",)
    ),
    # sync pages and live fragments (syncs:*)
    "syncs:connector_activity": workspace_page(
        "/w/{workspace}/connectors/{connector}/activity/", methods=("get",)
    ),
    "syncs:sync_now": workspace_page(
        "/w/{workspace}/connectors/{connector}/sync/", "edit", methods=("post",)
    ),
    "syncs:history": workspace_page("/w/{workspace}/syncs/", methods=("get",)),
    "syncs:running": workspace_page("/w/{workspace}/syncs/running/", methods=("get",)),
    "syncs:sync_detail": workspace_page("/w/{workspace}/syncs/{sync}/", methods=("get",)),
    "syncs:sync_live": workspace_page("/w/{workspace}/syncs/{sync}/live/", methods=("get",)),
    "syncs:sync_cancel": workspace_page(
        "/w/{workspace}/syncs/{sync}/cancel/", "edit", methods=("post",)
    ),
    # audit trail and webhook pages (owners only)
    "audit:entry_list": workspace_page("/w/{workspace}/audit/", "manage", methods=("get",)),
    "webhooks:list": workspace_page("/w/{workspace}/webhooks/", "manage"),
    "webhooks:detail": workspace_page(
        "/w/{workspace}/webhooks/{webhook}/", "manage", methods=("get",)
    ),
    "webhooks:delete": workspace_page("/w/{workspace}/webhooks/{webhook}/delete/", "manage"),
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
    "collection-document-changes": in_space(
        "/v1/spaces/{space}/collections/{collection}/documents/changes"
    ),
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
