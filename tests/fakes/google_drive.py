"""Google's OAuth token endpoint and a Drive API v3 stand-in.

``POST /token`` takes the service-account JWT bearer grant, verifies the assertion's RS256
signature with the registered account's public key, its audience (Google's token URI, which
google-auth always puts there) and its expiry, and for a
``sub`` (impersonation) requires domain-wide delegation for that account; errors are OAuth's
``{"error", "error_description"}``. Drive (``/drive/v3``): ``files.list`` (``q`` per
``query_language``, ``pageSize``, ``pageToken``, ``fields``, shared-drive items only with
``supportsAllDrives`` and ``includeItemsFromAllDrives``), ``files.get`` (metadata, or the content
with ``alt=media``) and ``files.export``. A caller sees the files shared with it, directly or
through a folder above; errors are Google's ``{"error": {"code", "message", "errors": [...]}}``.
"""

import base64
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

import google.auth.jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from tests.fakes.query_language import Query, QueryError
from tests.fakes.service import FakeService, json_response

AUDIENCE = "https://oauth2.googleapis.com/token"
FOLDER = "application/vnd.google-apps.folder"
DOC = "application/vnd.google-apps.document"
SHEET = "application/vnd.google-apps.spreadsheet"


def new_key() -> tuple[str, str]:
    """A fresh RSA key pair as (private PEM, public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def stamp(moment: datetime) -> str:
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def google_error(
    status: int, message: str, reason: str, domain: str = "global", **where
) -> Response:
    detail = {"message": message, "domain": domain, "reason": reason, **where}
    return json_response(
        {"error": {"code": status, "message": message, "errors": [detail]}}, status
    )


@dataclass
class DriveFile:
    id: str
    name: str
    mime_type: str
    parent: str | None
    content: bytes = b""
    shared_with: set = field(default_factory=set)
    drive_id: str | None = None
    trashed: bool = False
    modified: datetime = field(default_factory=lambda: datetime.now(UTC))
    created: datetime = field(default_factory=lambda: datetime.now(UTC))


class FakeGoogle(FakeService):
    def rules(self):
        return [
            Rule("/token", endpoint="token", methods=["POST"]),
            Rule("/drive/v3/files", endpoint="list_files"),
            Rule("/drive/v3/files/<file_id>", endpoint="get_file"),
            Rule("/drive/v3/files/<file_id>/export", endpoint="export_file"),
        ]

    def reset(self):
        super().reset()
        self.accounts: dict[str, str] = getattr(self, "accounts", {})  # email -> public PEM
        self.delegations: dict[str, set] = getattr(self, "delegations", {})
        self.tokens: dict[str, str] = {}  # access token -> principal
        self.files: dict[str, DriveFile] = {}

    # Accounts and files
    def service_account(self, email: str, *, delegate_to=()) -> dict:
        """A registered service account's JSON key file, pointed at this server."""
        private, public = new_key()
        self.accounts[email] = public
        self.delegations[email] = set(delegate_to)
        return {
            "type": "service_account",
            "project_id": "hub-tests",
            "private_key_id": secrets.token_hex(20),
            "private_key": private,
            "client_email": email,
            "client_id": str(secrets.randbelow(10**20)),
            "token_uri": f"{self.url}/token",
            "api_endpoint": f"{self.url}/drive/v3/",
        }

    def add(
        self,
        file_id,
        name,
        mime_type=FOLDER,
        parent=None,
        content=b"",
        *,
        shared_with=(),
        drive_id=None,
    ) -> DriveFile:
        item = DriveFile(file_id, name, mime_type, parent, content, set(shared_with), drive_id)
        self.files[file_id] = item
        return item

    def update(self, file_id, **changes) -> None:
        item = self.files[file_id]
        for name, value in changes.items():
            setattr(item, name, value)
        item.modified = datetime.now(UTC)

    def visible(self, item: DriveFile, principal: str) -> bool:
        while item is not None:
            if principal in item.shared_with:
                return True
            item = self.files.get(item.parent) if item.parent else None
        return False

    # OAuth
    def token(self, request):
        form = request.form
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return json_response(
                {"error": "unsupported_grant_type", "error_description": "Invalid grant_type."}, 400
            )
        assertion = form.get("assertion", "")
        try:
            claims = google.auth.jwt.decode(assertion, verify=False)
        except ValueError:
            return json_response(
                {"error": "invalid_request", "error_description": "Invalid JWT."}, 400
            )
        public = self.accounts.get(claims.get("iss"))
        if public is None:
            return json_response(
                {"error": "invalid_grant", "error_description": "Invalid grant: account not found"},
                400,
            )
        try:
            # Google's token endpoint checks its own address as audience, whatever URI was posted to.
            google.auth.jwt.decode(assertion, certs=public, audience=AUDIENCE)
        except ValueError:
            return json_response(
                {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}, 400
            )
        principal = claims["iss"]
        if claims.get("sub"):
            if claims["sub"] not in self.delegations.get(principal, set()):
                return json_response(
                    {
                        "error": "unauthorized_client",
                        "error_description": "Client is unauthorized to retrieve access tokens using "
                        "this method, or client not authorized for any of the scopes requested.",
                    },
                    401,
                )
            principal = claims["sub"]
        access = "ya29." + secrets.token_urlsafe(24)
        self.tokens[access] = principal
        return json_response({"access_token": access, "expires_in": 3599, "token_type": "Bearer"})

    # Drive
    def _principal(self, request) -> str | None:
        header = request.headers.get("Authorization", "")
        return self.tokens.get(header.removeprefix("Bearer "))

    def _unauthenticated(self):
        return google_error(
            401,
            "Request had invalid authentication credentials.",
            "authError",
            location="Authorization",
            locationType="header",
        )

    def _not_found(self, file_id):
        return google_error(
            404,
            f"File not found: {file_id}.",
            "notFound",
            location="fileId",
            locationType="parameter",
        )

    @staticmethod
    def _fields(spec: str, wrapper: str = "") -> set[str] | None:
        if wrapper:
            match = re.search(rf"{wrapper}\(([^)]*)\)", spec or "")
            spec = match[1] if match else ""
        names = {name.strip() for name in (spec or "").split(",") if name.strip()}
        return names or None

    def _render(self, item: DriveFile, fields: set[str] | None) -> dict:
        rendered = {
            "kind": "drive#file",
            "id": item.id,
            "name": item.name,
            "mimeType": item.mime_type,
            "parents": [item.parent] if item.parent else [],
            "trashed": item.trashed,
            "modifiedTime": stamp(item.modified),
            "createdTime": stamp(item.created),
            "webViewLink": f"https://drive.google.com/file/d/{item.id}/view",
        }
        if not item.mime_type.startswith("application/vnd.google-apps."):
            rendered["size"] = str(len(item.content))
            rendered["md5Checksum"] = base64.b16encode(item.content[:8]).decode().lower()
        if item.drive_id:
            rendered["driveId"] = item.drive_id
        return {k: v for k, v in rendered.items() if fields is None or k in fields}

    def _values(self, item: DriveFile, name: str):
        return {
            "parents": [item.parent] if item.parent else [],
            "trashed": [item.trashed],
            "mimetype": [item.mime_type],
            "name": [item.name],
            "modifiedtime": [item.modified],
            "createdtime": [item.created],
        }.get(name)

    def _all_drives(self, request) -> bool:
        return request.args.get("supportsAllDrives") == "true"

    def list_files(self, request):
        principal = self._principal(request)
        if principal is None:
            return self._unauthenticated()
        try:
            query = Query(request.args.get("q", ""), self._values)
            found = [
                f for f in query.select(list(self.files.values())) if self.visible(f, principal)
            ]
        except QueryError:
            return google_error(
                400, "Invalid Value", "invalid", location="q", locationType="parameter"
            )
        if not (
            self._all_drives(request) and request.args.get("includeItemsFromAllDrives") == "true"
        ):
            found = [f for f in found if f.drive_id is None]
        size = min(int(request.args.get("pageSize", 100)), 1000)
        token = request.args.get("pageToken")
        start = int(base64.urlsafe_b64decode(token)) if token else 0
        page = found[start : start + size]
        body = {
            "kind": "drive#fileList",
            "incompleteSearch": False,
            "files": [
                self._render(f, self._fields(request.args.get("fields", ""), "files")) for f in page
            ],
        }
        if start + size < len(found):
            body["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
        return json_response(body)

    def _file(self, request, file_id):
        principal = self._principal(request)
        if principal is None:
            return None, self._unauthenticated()
        item = self.files.get(file_id)
        if (
            item is None
            or not self.visible(item, principal)
            or (item.drive_id and not self._all_drives(request))
        ):
            return None, self._not_found(file_id)
        return item, None

    def get_file(self, request, file_id):
        item, error = self._file(request, file_id)
        if error:
            return error
        if request.args.get("alt") == "media":
            if item.mime_type.startswith("application/vnd.google-apps."):
                return google_error(
                    403,
                    "Only files with binary content can be downloaded. Use Export with Docs Editors files.",
                    "fileNotDownloadable",
                    location="alt",
                    locationType="parameter",
                )
            return Response(item.content, content_type=item.mime_type)
        return json_response(self._render(item, self._fields(request.args.get("fields", ""))))

    def export_file(self, request, file_id):
        item, error = self._file(request, file_id)
        if error:
            return error
        wanted = request.args.get("mimeType", "")
        allowed = {
            DOC: {"text/plain"},
            SHEET: {"text/csv"},
            "application/vnd.google-apps.presentation": {"text/plain"},
        }
        if wanted not in allowed.get(item.mime_type, set()):
            return google_error(
                400,
                "The requested conversion is not supported.",
                "badRequest",
                location="convertTo",
                locationType="parameter",
            )
        return Response(item.content, content_type=wanted)

    def tokens_for(self, principal: str) -> list[str]:
        return [t for t, p in self.tokens.items() if p == principal]


def key_text(info: dict) -> str:
    return json.dumps(info)
