"""The Microsoft identity platform and a Microsoft Graph drives stand-in, served over TLS (msal
accepts only https authorities).

Identity: ``GET /{tenant}/v2.0/.well-known/openid-configuration`` (400 ``invalid_tenant`` for an
unknown tenant) and ``POST /{tenant}/oauth2/v2.0/token`` (client credentials; ``invalid_client``
for a wrong secret, ``unauthorized_client`` for an unknown app, ``invalid_scope`` unless the scope
is ``<resource>/.default``), with AADSTS descriptions as Entra ID sends them.

Graph (``/v1.0``, bearer tokens from above): ``sites/{host}`` and ``sites/{host}:/{path}``,
``sites/{id}/drive(s)``, ``users/{upn}/drive``, ``drives/{id}/root:/{path}``,
``shares/{u!...}/driveItem``, ``drives/{id}/root/delta`` (``$top``, ``@odata.nextLink``,
``@odata.deltaLink``, items without ``parentReference.path``, tombstones with the ``deleted``
facet, 410 ``resyncChangesApplyDifferences`` with a ``Location`` for expired tokens) and
``drives/{id}/items/{id}/content`` (302 to a pre-authenticated URL on another origin).
Errors are Graph's ``{"error": {"code", "message"}}``.
"""

import base64
import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote, unquote, urlencode

from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from tests.fakes.service import FakeService, json_response

TENANT = "3f1d2c8e-5a7b-4c3d-9e8f-0a1b2c3d4e5f"
CLIENT_ID = "8c2e4f6a-1b3d-4e5f-a7b9-c1d3e5f7a9b1"
CLIENT_SECRET = "Qx8~pL2.secret-value-for-tests"


def graph_error(status: int, code: str, message: str, headers=None) -> Response:
    return json_response({"error": {"code": code, "message": message}}, status, headers)


def encode(state: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


def decode(token: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))


@dataclass
class Item:
    id: str
    name: str
    parent: str | None
    folder: bool
    content: bytes = b""
    mime_type: str = ""
    changed: int = 0
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    modified: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class Drive:
    id: str
    name: str
    web_url: str
    items: dict = field(default_factory=dict)
    tombstones: dict = field(default_factory=dict)  # item id -> change number
    sequence: int = 0
    expired_before: int = 0

    def tick(self) -> int:
        self.sequence += 1
        return self.sequence

    @property
    def root(self) -> Item:
        return next(i for i in self.items.values() if i.parent is None)

    def path_of(self, item: Item) -> str:
        names = []
        while item.parent is not None:
            names.append(item.name)
            item = self.items[item.parent]
        return "/".join(reversed(names))


class DownloadHost(FakeService):
    """Pre-authenticated download URLs, on another origin as Graph's are."""

    def __init__(self, graph: "FakeMicrosoft", ssl_context):
        self.graph = graph
        super().__init__(ssl_context)

    def rules(self):
        return [Rule("/download/<token>", endpoint="download")]

    def download(self, request, token):
        if "Authorization" in request.headers:
            return graph_error(400, "invalidRequest", "Pre-authenticated URLs take no token.")
        found = self.graph.downloads.get(token)
        if found is None:
            return graph_error(401, "unauthenticated", "The download URL expired.")
        return Response(found.content, content_type=found.mime_type or "application/octet-stream")


class FakeMicrosoft(FakeService):
    def start(self):
        self.download_host = DownloadHost(self, self.ssl_context).start()
        return super().start()

    def stop(self):
        super().stop()
        self.download_host.stop()

    def rules(self):
        return [
            Rule("/<tenant>/v2.0/.well-known/openid-configuration", endpoint="openid"),
            Rule("/<tenant>/oauth2/v2.0/token", endpoint="token", methods=["POST"]),
            Rule("/v1.0/sites/<path:reference>", endpoint="site_lookup"),
            Rule("/v1.0/users/<upn>/drive", endpoint="user_drive"),
            Rule("/v1.0/drives/<drive_id>/root:/<path:item_path>", endpoint="item_by_path"),
            Rule("/v1.0/drives/<drive_id>/root/delta", endpoint="delta"),
            Rule("/v1.0/drives/<drive_id>/items/<item_id>/content", endpoint="content"),
            Rule("/v1.0/shares/<share>/driveItem", endpoint="shared_item"),
        ]

    def reset(self):
        super().reset()
        self.tokens: set[str] = set()
        self.sites: dict[str, dict] = {}  # "host:/path" -> {"id", "drives": [drive ids]}
        self.drives: dict[str, Drive] = {}
        self.users: dict[str, str] = {}  # upn -> drive id
        self.downloads: dict[str, Item] = {}

    # Test data
    def add_site(self, host: str, path: str, *libraries: str) -> dict:
        """A site at https://host/path with document libraries (the first is its default)."""
        site = {
            "id": f"{host},{uuid.uuid4()},{uuid.uuid4()}",
            "host": host,
            "path": path,
            "drives": [],
        }
        for name in libraries or ("Shared Documents",):
            drive = Drive(
                f"b!{secrets.token_urlsafe(12)}",
                "Documents" if name == "Shared Documents" else name,
                f"https://{host}{path}/{quote(name)}",
            )
            root = Item(f"01ROOT{secrets.token_hex(6).upper()}", "root", None, True)
            drive.items[root.id] = root
            self.drives[drive.id] = drive
            site["drives"].append(drive.id)
        self.sites[f"{host}:{path}"] = site
        return site

    def add_user(self, upn: str, host: str, path: str) -> Drive:
        site = self.add_site(host, path, "Documents")
        self.users[upn.lower()] = site["drives"][0]
        return self.drives[site["drives"][0]]

    def add_item(
        self,
        drive: Drive,
        name: str,
        parent: Item | None = None,
        content: bytes | None = None,
        mime_type: str = "text/plain",
    ) -> Item:
        item = Item(
            f"01{secrets.token_hex(8).upper()}",
            name,
            (parent or drive.root).id,
            content is None,
            content or b"",
            mime_type if content is not None else "",
        )
        item.changed = drive.tick()
        drive.items[item.id] = item
        return item

    def change(self, drive: Drive, item: Item, **changes) -> None:
        for name, value in changes.items():
            setattr(item, name, value)
        item.modified = datetime.now(UTC)
        item.changed = drive.tick()

    def remove(self, drive: Drive, item: Item) -> None:
        for child in [i for i in drive.items.values() if i.parent == item.id]:
            self.remove(drive, child)
        del drive.items[item.id]
        drive.tombstones[item.id] = drive.tick()

    def expire_tokens(self, drive: Drive) -> None:
        drive.expired_before = drive.sequence + 1

    # Identity
    def openid(self, request, tenant):
        if tenant != TENANT:
            return json_response(
                {
                    "error": "invalid_tenant",
                    "error_description": f"AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.",
                },
                400,
            )
        base = f"{self.url}/{tenant}"
        return json_response(
            {
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
                "issuer": f"{base}/v2.0",
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "private_key_jwt",
                    "client_secret_basic",
                ],
            }
        )

    def token(self, request, tenant):
        form = request.form
        if form.get("grant_type") != "client_credentials":
            return json_response(
                {
                    "error": "unsupported_grant_type",
                    "error_description": "AADSTS70003: The app requested an unsupported grant type.",
                },
                400,
            )
        if form.get("client_id") != CLIENT_ID:
            return json_response(
                {
                    "error": "unauthorized_client",
                    "error_description": f"AADSTS700016: Application with identifier '{form.get('client_id')}' was not found in the directory '{tenant}'.",
                },
                400,
            )
        if form.get("client_secret") != CLIENT_SECRET:
            return json_response(
                {
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '"
                    + CLIENT_ID
                    + "'.",
                },
                401,
            )
        scopes = form.get("scope", "").split()
        if not scopes or not all(s.endswith("/.default") for s in scopes):
            return json_response(
                {
                    "error": "invalid_scope",
                    "error_description": "AADSTS1002012: The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).",
                },
                400,
            )
        access = "eyJ0eXAiOiJKV1Qi." + secrets.token_urlsafe(24)
        self.tokens.add(access)
        return json_response(
            {
                "token_type": "Bearer",
                "expires_in": 3599,
                "ext_expires_in": 3599,
                "access_token": access,
            }
        )

    # Graph
    def _authorised(self, request) -> bool:
        return request.headers.get("Authorization", "").removeprefix("Bearer ") in self.tokens

    def _unauthenticated(self):
        return graph_error(
            401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience."
        )

    def _not_found(self):
        return graph_error(404, "itemNotFound", "The resource could not be found.")

    def _render(self, drive: Drive, item: Item, with_path: bool = False) -> dict:
        rendered = {
            "id": item.id,
            "name": item.name,
            "eTag": f'"{{{item.id}}},{item.changed}"',
            "createdDateTime": item.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "lastModifiedDateTime": item.modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "webUrl": f"{drive.web_url}/{quote(drive.path_of(item))}",
            "parentReference": {"driveId": drive.id, "driveType": "documentLibrary"},
        }
        if item.parent is None:
            rendered["root"] = {}
        else:
            rendered["parentReference"]["id"] = item.parent
            if with_path:
                parent = drive.items[item.parent]
                rendered["parentReference"]["path"] = f"/drives/{drive.id}/root:" + (
                    f"/{drive.path_of(parent)}" if parent.parent else ""
                )
        if item.folder:
            rendered["folder"] = {
                "childCount": sum(1 for i in drive.items.values() if i.parent == item.id)
            }
        else:
            rendered["file"] = {
                "mimeType": item.mime_type,
                "hashes": {"quickXorHash": base64.b64encode(item.content[:20]).decode()},
            }
            rendered["size"] = len(item.content)
        return rendered

    def _select(self, request, rendered: dict) -> dict:
        wanted = request.args.get("$select")
        if not wanted:
            return rendered
        names = set(wanted.split(",")) | {"id"}
        return {k: v for k, v in rendered.items() if k in names}

    def _drive_json(self, drive: Drive) -> dict:
        return {
            "id": drive.id,
            "name": drive.name,
            "webUrl": drive.web_url,
            "driveType": "documentLibrary",
        }

    def site_lookup(self, request, reference):
        if not self._authorised(request):
            return self._unauthenticated()
        for suffix, single in (("/drives", False), ("/drive", True)):
            if reference.endswith(suffix):
                site = next(
                    (s for s in self.sites.values() if s["id"] == reference[: -len(suffix)]), None
                )
                if site is None:
                    return self._not_found()
                drives = [
                    self._select(request, self._drive_json(self.drives[d])) for d in site["drives"]
                ]
                return json_response(drives[0] if single else {"value": drives})
        host, _, path = reference.partition(":")
        site = self.sites.get(f"{host}:{unquote(path).rstrip('/')}")
        if site is None:
            return graph_error(404, "itemNotFound", "Requested site could not be found")
        return json_response(
            self._select(request, {"id": site["id"], "webUrl": f"https://{host}{site['path']}"})
        )

    def user_drive(self, request, upn):
        if not self._authorised(request):
            return self._unauthenticated()
        drive_id = self.users.get(upn.lower())
        if drive_id is None:
            return graph_error(404, "ResourceNotFound", "User not found")
        return json_response(self._select(request, self._drive_json(self.drives[drive_id])))

    def item_by_path(self, request, drive_id, item_path):
        if not self._authorised(request):
            return self._unauthenticated()
        drive = self.drives.get(drive_id)
        if drive is None:
            return self._not_found()
        wanted = unquote(item_path).strip("/")
        for item in drive.items.values():
            if item.parent is not None and drive.path_of(item) == wanted:
                return json_response(
                    self._select(request, self._render(drive, item, with_path=True))
                )
        return self._not_found()

    def shared_item(self, request, share):
        if not self._authorised(request):
            return self._unauthenticated()
        if not share.startswith("u!"):
            return graph_error(400, "invalidRequest", "Invalid sharing token.")
        link = base64.urlsafe_b64decode(share[2:] + "=" * (-len(share[2:]) % 4)).decode()
        for drive in self.drives.values():
            for item in drive.items.values():
                if link.rstrip("/").endswith(f"/:f:/s/{item.id}"):
                    return json_response(self._select(request, self._render(drive, item)))
        return self._not_found()

    def delta(self, request, drive_id):
        if not self._authorised(request):
            return self._unauthenticated()
        drive = self.drives.get(drive_id)
        if drive is None:
            return self._not_found()
        base = f"{self.url}/v1.0/drives/{drive_id}/root/delta"
        fresh_link = f"{base}?{urlencode({'$select': request.args.get('$select', ''), '$top': request.args.get('$top', 200)})}"
        if "$skiptoken" in request.args:
            state = decode(request.args["$skiptoken"])
        elif "token" in request.args:
            since = decode(request.args["token"])["seq"]
            if since < drive.expired_before:
                return graph_error(
                    410,
                    "resyncChangesApplyDifferences",
                    "Resync required. Replace any local items with the server's version (including deletes) if you're sure that the service was up to date with your local changes when you last sync'd. Upload any local changes that the server doesn't know about.",
                    headers={"Location": fresh_link},
                )
            state = {"since": since, "snapshot": drive.sequence, "offset": 0}
        else:
            state = {"since": None, "snapshot": drive.sequence, "offset": 0}
        entries = self._changes(drive, state["since"], state["snapshot"])
        top = min(int(request.args.get("$top", 200)), 1000)
        page = entries[state["offset"] : state["offset"] + top]
        body = {
            "@odata.context": f"{self.url}/v1.0/$metadata#Collection(driveItem)",
            "value": [self._select(request, entry) for entry in page],
        }
        following = state["offset"] + top
        keep = {"$select": request.args.get("$select", ""), "$top": top}
        if following < len(entries):
            body["@odata.nextLink"] = (
                f"{base}?{urlencode({**keep, '$skiptoken': encode({**state, 'offset': following})})}"
            )
        else:
            body["@odata.deltaLink"] = (
                f"{base}?{urlencode({**keep, 'token': encode({'seq': state['snapshot']})})}"
            )
        return json_response(body)

    def _changes(self, drive: Drive, since: int | None, snapshot: int) -> list[dict]:
        live = [i for i in drive.items.values() if since is None or since < i.changed <= snapshot]
        entries = [(i.changed if since is not None else 0, self._render(drive, i)) for i in live]
        if since is not None:
            entries += [
                (
                    seq,
                    {
                        "id": item_id,
                        "parentReference": {"driveId": drive.id},
                        "deleted": {"state": "deleted"},
                    },
                )
                for item_id, seq in drive.tombstones.items()
                if since < seq <= snapshot
            ]
        return [entry for _, entry in sorted(entries, key=lambda pair: pair[0])]

    def content(self, request, drive_id, item_id):
        if not self._authorised(request):
            return self._unauthenticated()
        drive = self.drives.get(drive_id)
        item = drive.items.get(item_id) if drive else None
        if item is None or item.folder:
            return self._not_found()
        token = secrets.token_urlsafe(12)
        self.downloads[token] = item
        return Response(
            status=302, headers={"Location": f"{self.download_host.url}/download/{token}"}
        )
