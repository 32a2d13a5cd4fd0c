"""Microsoft Graph for the SharePoint and OneDrive readers.

An app-only token comes from msal's client-credentials flow against ``authority_host`` (msal's
HTTP goes through the egress guard too); Graph calls go through ``rest.JsonApi``. ``resolve``
turns what a user pastes (a site, library or folder link, a OneDrive link, a sharing link, or a
user's e-mail for their OneDrive) into a drive and, for a folder, the folder's item id.
"""

import base64
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlsplit

import httpx
import msal

from registry.sources.base import SourceContext, SourceError
from registry.sources.egress import check_url, http_client
from registry.sources.rest import JsonApi, tls_verify

DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com"
DEFAULT_GRAPH_BASE_URL = "https://graph.microsoft.com/v1.0"
SITE_PREFIXES = ("sites", "teams", "personal")


class MsalHttp:
    """msal's ``http_client`` (requests-style ``post``/``get``) over the guarded httpx client."""

    def __init__(self):
        self.client = http_client(verify=tls_verify(), follow_redirects=False)

    @staticmethod
    def _headers(headers):
        return {k: v for k, v in (headers or {}).items() if v is not None}

    def post(self, url, params=None, data=None, headers=None, **kwargs):
        return self.client.post(url, params=params, data=data, headers=self._headers(headers))

    def get(self, url, params=None, headers=None, **kwargs):
        return self.client.get(url, params=params, headers=self._headers(headers))

    def close(self):
        self.client.close()


class GraphAuth(httpx.Auth):
    def __init__(self, token):
        self.token = token

    def auth_flow(self, request):
        request.headers["Authorization"] = f"Bearer {self.token()}"
        yield request


@dataclass
class Target:
    """Where one configured link points: a drive, and a folder in it (None: the whole drive)."""

    drive_id: str
    folder_id: str | None
    label: str


class Graph:
    def __init__(self, config: dict, context: SourceContext):
        self.config = config
        self.context = context
        self.authority_host = (config.get("authority_host") or DEFAULT_AUTHORITY_HOST).rstrip("/")
        self.base_url = (config.get("graph_base_url") or DEFAULT_GRAPH_BASE_URL).rstrip("/")
        graph = urlsplit(self.base_url)
        self.scope = f"{graph.scheme}://{graph.netloc}/.default"
        self._app = None
        self._msal_http = None
        self.api = JsonApi(
            self.base_url,
            context=context,
            service="Microsoft Graph",
            auth=GraphAuth(self.token),
            secrets=[config.get("client_secret") or ""],
        )

    def close(self) -> None:
        self.api.close()
        if self._msal_http is not None:
            self._msal_http.close()

    def _application(self):
        if self._app is None:
            authority = f"{self.authority_host}/{self.config.get('tenant_id', '')}"
            check_url(authority, schemes=("https",))
            self._msal_http = MsalHttp()
            try:
                self._app = msal.ConfidentialClientApplication(
                    self.config.get("client_id", ""),
                    client_credential=self.config.get("client_secret", ""),
                    authority=authority,
                    http_client=self._msal_http,
                    instance_discovery=False,
                )
            except ValueError:
                raise SourceError(
                    f"The tenant {self.config.get('tenant_id')} is not known to "
                    f"{self.authority_host}.",
                    type="AuthenticationFailed",
                ) from None
            except httpx.HTTPError as error:
                raise SourceError(
                    f"Cannot reach the Microsoft sign-in service ({type(error).__name__}).",
                    retryable=True,
                ) from None
        return self._app

    def token(self) -> str:
        app = self._application()
        try:
            result = app.acquire_token_for_client(scopes=[self.scope])
        except httpx.HTTPError as error:
            raise SourceError(
                f"Cannot reach the Microsoft sign-in service ({type(error).__name__}).",
                retryable=True,
            ) from None
        if "access_token" in result:
            return result["access_token"]
        description = (result.get("error_description") or "").split("\n")[0].strip()
        raise SourceError(
            "Microsoft Entra ID refused the app credentials: "
            f"{result.get('error', 'error')}{' - ' + description if description else ''}",
            type="AuthenticationFailed",
        )

    # Resolving links
    def resolve(self, entry: str) -> Target:
        entry = entry.strip()
        if "://" not in entry and "@" in entry:
            drive = self.api.get_json(f"users/{quote(entry)}/drive", params={"$select": "id"})
            return Target(drive["id"], None, entry)
        parts = urlsplit(entry)
        path = unquote(parts.path)
        segments = [s for s in path.split("/") if s]
        if segments and segments[0].startswith(":") and segments[0].endswith(":"):
            return self._shared_link(entry)
        listed = parse_qs(parts.query).get("id") or parse_qs(parts.query).get("RootFolder")
        if listed:  # a library view (…/Forms/AllItems.aspx?id=/sites/x/Shared Documents/Folder)
            segments = [s for s in unquote(listed[0]).split("/") if s]
        if len(segments) >= 2 and segments[0].lower() in SITE_PREFIXES:
            site_path, rest = "/" + "/".join(segments[:2]), segments[2:]
            site = self.api.get_json(
                f"sites/{parts.hostname}:{quote(site_path)}", params={"$select": "id"}
            )
        else:
            rest = segments
            site = self.api.get_json(f"sites/{parts.hostname}", params={"$select": "id"})
        if "Forms" in rest:
            rest = rest[: rest.index("Forms")]
        if rest and (rest[0].lower() == "sitepages" or rest[-1].lower().endswith(".aspx")):
            rest = []
        if not rest:
            drive = self.api.get_json(f"sites/{site['id']}/drive", params={"$select": "id"})
            return Target(drive["id"], None, entry)
        drive = self._library(site["id"], rest[0], entry)
        if len(rest) == 1:
            return Target(drive, None, entry)
        item = self.api.get_json(
            f"drives/{drive}/root:/{quote('/'.join(rest[1:]))}", params={"$select": "id,folder"}
        )
        if "folder" not in item:
            raise SourceError(f"{entry} is a file; give the link of a folder, library or site.")
        return Target(drive, item["id"], entry)

    def _library(self, site_id: str, name: str, entry: str) -> str:
        link = f"sites/{site_id}/drives"
        params = {"$select": "id,name,webUrl"}
        while link:
            page = self.api.get_json(link, params=params)
            for drive in page.get("value", []):
                last = unquote(urlsplit(drive.get("webUrl", "")).path.rstrip("/").split("/")[-1])
                if name.lower() in (last.lower(), (drive.get("name") or "").lower()):
                    return drive["id"]
            link, params = page.get("@odata.nextLink"), None
        raise SourceError(
            f"The site of {entry} has no document library named {name}.", type="NotFound"
        )

    def _shared_link(self, entry: str) -> Target:
        encoded = base64.urlsafe_b64encode(entry.encode()).decode().rstrip("=")
        item = self.api.get_json(
            f"shares/u!{encoded}/driveItem", params={"$select": "id,folder,root,parentReference"}
        )
        drive = (item.get("parentReference") or {}).get("driveId")
        if "folder" not in item:
            raise SourceError(f"{entry} shares a file; share a folder instead.")
        return Target(drive, None if "root" in item else item["id"], entry)
