"""Google Drive through google-api-python-client with a service account: the 004
``google_drive`` slots (``impersonated_google_drive`` adds a user to act as).

``root_file_id`` and ``root_item_ids`` name files or folders (ids or Drive links); folders are
walked recursively with ``files.list`` (``'<id>' in parents``, shared drives included). Google
Docs and Slides are exported as text, Sheets as CSV, other files downloaded and extracted.

The cursor holds the roots not yet visited, the folders still to list and the page token of the
current one. Later reads list the folder tree again but only files modified after the previous
pass (a ``modifiedTime`` window); removals are not listed, so a full read (no cursor) prunes.
The service account key file may carry ``api_endpoint`` (the Drive API base URL, by default
``https://www.googleapis.com/drive/v3/``) next to its ``token_uri`` to point the client at
another endpoint.
"""

import json
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import google_auth_httplib2
import httplib2
from google.auth.exceptions import GoogleAuthError, RefreshError, TransportError
from google.oauth2 import service_account
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from config.errors import InvalidInput
from registry.kinds.google_drive.guarded_http import GuardedHttp
from registry.sources.base import Batch, Source, SourceDocument, SourceError
from registry.sources.changes import OVERLAP, changed_since, next_since, now, parse_iso, to_iso
from registry.sources.egress import check_url
from registry.sources.filetext import file_document, worth_fetching
from registry.sources.throttling import RateLimited, call_with_retries, retry_after_seconds

SCOPES = ["https://www.googleapis.com/auth/drive.readonly"]
DEFAULT_ENDPOINT = "https://www.googleapis.com/drive/v3/"
FOLDER = "application/vnd.google-apps.folder"
EXPORTS = {
    "application/vnd.google-apps.document": ("text/plain", ".txt"),
    "application/vnd.google-apps.presentation": ("text/plain", ".txt"),
    "application/vnd.google-apps.spreadsheet": ("text/csv", ".csv"),
}
FILE_FIELDS = (
    "id, name, mimeType, modifiedTime, createdTime, size, webViewLink, parents, md5Checksum"
)
THROTTLED = {"rateLimitExceeded", "userRateLimitExceeded"}
DAILY_LIMIT = {"dailyLimitExceeded", "quotaExceeded"}
SKIPPED = {"exportSizeLimitExceeded", "cannotDownloadFile", "fileNotDownloadable"}
_ID = re.compile(r"^[A-Za-z0-9_-]{10,}$")
_ID_IN_PATH = re.compile(r"/(?:d|folders)/([A-Za-z0-9_-]{10,})")


def drive_id(value) -> str | None:
    """The file or folder id in an id or a Drive / Docs link."""
    value = str(value or "").strip()
    if _ID.match(value):
        return value
    if not value.startswith(("http://", "https://")):
        return None
    parts = urlsplit(value)
    match = _ID_IN_PATH.search(parts.path)
    if match:
        return match[1]
    ids = parse_qs(parts.query).get("id")
    return ids[0] if ids and _ID.match(ids[0]) else None


def service_account_info(value) -> dict | None:
    try:
        info = json.loads(value) if isinstance(value, str) else value
    except json.JSONDecodeError:
        return None
    required = ("client_email", "private_key", "token_uri")
    if not isinstance(info, dict) or info.get("type") != "service_account":
        return None
    return info if all(isinstance(info.get(k), str) and info[k] for k in required) else None


class GoogleDriveSource(Source):
    incremental = True
    overlap = OVERLAP
    #: The config field naming the user the service account acts as (domain-wide delegation).
    subject_field: str | None = None

    @classmethod
    def prepare_config(cls, config: dict) -> dict:
        """Drive links become ids ("the route will extract the id", as 004 says); other values
        are kept as given, and ``check()`` reports what Drive does not know."""
        config, errors = dict(config), {}

        def normalised(value, path):
            text = str(value).strip() if isinstance(value, str) else value
            if isinstance(text, str) and text.startswith(("http://", "https://")):
                found = drive_id(text)
                if found is None:
                    errors[path] = ["Must be a Drive file or folder id, or its link."]
                return found or text
            return text

        if config.get("root_file_id") not in (None, ""):
            config["root_file_id"] = normalised(config["root_file_id"], "root_file_id")
        if isinstance(config.get("root_item_ids"), list):
            config["root_item_ids"] = [
                normalised(value, f"root_item_ids.{index}")
                for index, value in enumerate(config["root_item_ids"])
            ]
        if isinstance(config.get("service_account_json"), dict):
            config["service_account_json"] = json.dumps(config["service_account_json"])
        if cls.subject_field and isinstance(config.get(cls.subject_field), str):
            config[cls.subject_field] = config[cls.subject_field].strip()
        if errors:
            raise InvalidInput(errors)
        return config

    def __init__(self, config, context=None):
        super().__init__(config, context)
        self._drive = None

    @property
    def info(self) -> dict:
        key = self.config.get("service_account_json")
        info = service_account_info(key)
        if info is None:
            raise SourceError(
                "The service account key is not the JSON key file of a service account (type, "
                "client_email, private_key, token_uri)."
                if key
                else "No service account key is configured.",
                type="AuthenticationFailed",
            )
        return info

    @property
    def drive(self):
        if self._drive is None:
            info = self.info
            endpoint = info.get("api_endpoint") or DEFAULT_ENDPOINT
            check_url(endpoint)
            check_url(info["token_uri"])
            credentials = service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
            if self.subject_field:
                credentials = credentials.with_subject(self.config[self.subject_field])
            # Every connection, token refreshes and redirects included, passes the egress guard.
            http = google_auth_httplib2.AuthorizedHttp(credentials, http=GuardedHttp(timeout=60))
            self._drive = build(
                "drive",
                "v3",
                http=http,
                static_discovery=True,
                cache_discovery=False,
                client_options={"api_endpoint": endpoint},
            )
        return self._drive

    def close(self) -> None:
        if self._drive is not None:
            self._drive.close()
            self._drive = None

    # Calls
    def _who(self) -> str:
        email = self.info.get("client_email", "the service account")
        if self.subject_field:
            return f"{self.config[self.subject_field]} (through {email})"
        return email

    def _error(self, error: Exception, file_id: str = "") -> SourceError:
        if isinstance(error, RefreshError):
            reason = str(error.args[0]) if error.args else "refused"
            if self.subject_field and "unauthorized_client" in reason:
                return SourceError(
                    f"Google refused to let the service account act as "
                    f"{self.config[self.subject_field]} ({reason}); check its domain-wide "
                    "delegation for the drive.readonly scope.",
                    type="AuthenticationFailed",
                )
            return SourceError(
                f"Google refused the service account key ({reason}).", type="AuthenticationFailed"
            )
        if isinstance(error, TransportError | httplib2.HttpLib2Error | OSError):
            return SourceError("Cannot reach Google Drive.", retryable=True)
        if isinstance(error, GoogleAuthError):
            return SourceError(
                f"The service account key cannot be used ({error}).", type="AuthenticationFailed"
            )
        status = int(error.resp.status)
        reasons = {d.get("reason") for d in (error.error_details or []) if isinstance(d, dict)}
        message = error.reason or f"HTTP {status}"
        if status == 429 or (status == 403 and reasons & THROTTLED) or status == 503:
            return RateLimited(
                f"Google Drive is limiting the request rate ({message}).",
                retry_after=retry_after_seconds(error.resp.get("retry-after")),
            )
        if status == 403 and reasons & DAILY_LIMIT:
            return RateLimited(f"Google Drive quota exhausted ({message}).", retry_after=3600.0)
        if status == 401:
            return SourceError(
                f"Google Drive refused the credentials ({message}).", type="AuthenticationFailed"
            )
        if status == 404:
            return SourceError(
                f"Google Drive has no file or folder {file_id} that {self._who()} can see; share "
                "it with that account.",
                type="NotFound",
            )
        if status == 403 and reasons & SKIPPED:
            return SourceError(
                f"Google Drive cannot give this file's content ({message}).", type="NotDownloadable"
            )
        error_type = "PermissionDenied" if status == 403 else None
        return SourceError(
            f"Google Drive answered HTTP {status}: {message}",
            retryable=status >= 500,
            type=error_type,
        )

    def _execute(self, request, file_id: str = ""):
        def run():
            self.context.heartbeat()
            try:
                return request.execute(num_retries=0)
            except (HttpError, GoogleAuthError, httplib2.HttpLib2Error, OSError) as error:
                raise self._error(error, file_id) from None

        return call_with_retries(run, self.context, service="Google Drive")

    def _get(self, file_id: str) -> dict:
        return self._execute(
            self.drive.files().get(fileId=file_id, fields=FILE_FIELDS, supportsAllDrives=True),
            file_id,
        )

    def _roots(self) -> list[str]:
        roots = [self.config.get("root_file_id"), *(self.config.get("root_item_ids") or [])]
        return list(dict.fromkeys(r for r in roots if r))

    def check(self) -> None:
        for root in self._roots():
            self._get(root)

    # Reading
    def _children_query(self, folder: str, since: str | None) -> str:
        query = f"'{folder}' in parents and trashed = false"
        if since:
            moment = parse_iso(since).strftime("%Y-%m-%dT%H:%M:%S")
            query += f" and (mimeType = '{FOLDER}' or modifiedTime > '{moment}')"
        return query

    def read(self, cursor: dict | None) -> Iterator[Batch]:
        cursor = cursor or {}
        since = cursor.get("since")
        started = cursor.get("started_at") or to_iso(now())
        roots = list(cursor["roots"]) if "roots" in cursor else self._roots()
        folders, token = list(cursor.get("folders", [])), cursor.get("token")
        if "roots" not in cursor:
            self.context.log(
                f"Reading Google Drive as {self._who()}"
                f"{', files modified since ' + since if since else ''}."
            )
        limit = max(1, min(int(self.context.batch_size), 1000))
        while roots or folders:
            documents = []
            if folders:
                page = self._execute(
                    self.drive.files().list(
                        q=self._children_query(folders[0], since),
                        pageSize=limit,
                        pageToken=token,
                        fields=f"nextPageToken, files({FILE_FIELDS})",
                        supportsAllDrives=True,
                        includeItemsFromAllDrives=True,
                    ),
                    folders[0],
                )
                for item in page.get("files", []):
                    if item.get("mimeType") == FOLDER:
                        folders.append(item["id"])
                    elif changed_since(item.get("modifiedTime"), since):
                        documents.extend(self._document(item))
                token = page.get("nextPageToken")
                if not token:
                    folders.pop(0)
            else:
                item = self._get(roots.pop(0))
                if item.get("mimeType") == FOLDER:
                    folders.append(item["id"])
                elif changed_since(item.get("modifiedTime"), since):
                    documents.extend(self._document(item))
            if roots or folders:
                yield Batch(
                    documents,
                    {
                        "since": since,
                        "started_at": started,
                        "roots": list(roots),
                        "folders": list(folders),
                        "token": token,
                    },
                )
            else:
                yield Batch(documents, {"since": next_since(started, self.overlap)})
                return
        yield Batch([], {"since": next_since(started, self.overlap)})

    def _document(self, item: dict) -> list[SourceDocument]:
        mime, name = item.get("mimeType", ""), item.get("name", "")
        size = int(item["size"]) if str(item.get("size", "")).isdigit() else None
        try:
            if mime in EXPORTS:
                declared, suffix = EXPORTS[mime]
                data = self._execute(
                    self.drive.files().export(fileId=item["id"], mimeType=declared), item["id"]
                )
                filename = name + suffix
            elif mime.startswith("application/vnd.google-apps.") or not worth_fetching(
                name, mime, size
            ):
                return []
            else:
                declared, filename = mime, name
                data = self._execute(
                    self.drive.files().get_media(fileId=item["id"], supportsAllDrives=True),
                    item["id"],
                )
        except SourceError as error:
            if error.type == "NotDownloadable":
                self.context.log(f"Skipped {name}: {error.message}", "warning")
            if error.type in ("NotFound", "NotDownloadable"):
                return []
            raise
        document = file_document(
            self.context,
            external_id=item["id"],
            data=data if isinstance(data, bytes) else str(data).encode(),
            filename=filename,
            mime_type=declared,
            title=name,
            url=item.get("webViewLink", ""),
            metadata={
                "mime_type": mime,
                "md5": item.get("md5Checksum"),
                "parents": item.get("parents", []),
            },
            created=parse_iso(item.get("createdTime")),
            updated=parse_iso(item.get("modifiedTime")),
        )
        return [document] if document else []


Source = GoogleDriveSource
