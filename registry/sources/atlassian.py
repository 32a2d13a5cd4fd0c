"""What the Atlassian readers (Confluence, Jira) share.

Credentials decide the deployment: ``email`` + ``api_token`` is Atlassian Cloud (basic auth),
``personal_access_token`` is Data Center (bearer). CQL and JQL read dates in the time zone of the
account, which the reader does not know: a query window therefore starts a day early and results
are then kept by their exact ISO modification time.
"""

import re
from datetime import timedelta

import httpx

from config.errors import InvalidInput
from registry.sources.base import Source, SourceContext, SourceError
from registry.sources.changes import parse_iso
from registry.sources.rest import JsonApi

QUERY_DATE_MARGIN = timedelta(days=1)
_URL = re.compile(r"^https?://[^\s/]+(/[^\s]*)?$")


def clean_base_url(config: dict) -> dict:
    """A given ``base_url`` without its trailing slash; it must be an http(s) address (whether
    it is there at all is the schema's business)."""
    config = dict(config)
    if config.get("base_url") in (None, ""):
        return config
    base_url = str(config["base_url"]).strip().rstrip("/")
    if not _URL.match(base_url):
        raise InvalidInput({"base_url": ["Must be the http(s) address of the site."]})
    config["base_url"] = base_url
    return config


def check_credentials(config: dict) -> dict:
    """Strip the credential fields and refuse half a Cloud pair. Credentials may come later
    (004 creates connectors with ``credentials`` defaulting to ``{}``): ``check()`` then says
    that none are configured."""
    config = dict(config)
    for key in ("email", "api_token", "personal_access_token"):
        if isinstance(config.get(key), str):
            config[key] = config[key].strip()
    email, token = config.get("email"), config.get("api_token")
    if email and not token:
        raise InvalidInput({"api_token": ["Required with email (Atlassian Cloud)."]})
    if token and not email:
        raise InvalidInput({"email": ["Required with api_token (Atlassian Cloud)."]})
    return config


def is_cloud(config: dict) -> bool:
    return bool(config.get("email") and config.get("api_token"))


def api(config: dict, base_url: str, context: SourceContext, service: str) -> JsonApi:
    if is_cloud(config):
        auth, headers = httpx.BasicAuth(config["email"], config["api_token"]), {}
        secrets = [config["api_token"]]
    elif not config.get("personal_access_token"):
        raise SourceError(
            f"No {service} credentials are configured: give email and api_token (Atlassian "
            "Cloud), or personal_access_token (Data Center).",
            type="AuthenticationFailed",
        )
    else:
        auth, headers = None, {"Authorization": f"Bearer {config['personal_access_token']}"}
        secrets = [config["personal_access_token"]]
    return JsonApi(
        base_url, context=context, service=service, headers=headers, auth=auth, secrets=secrets
    )


def quoted(value: str) -> str:
    """A CQL/JQL string literal."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def query_date(since: str) -> str:
    """A CQL/JQL date a day before ``since`` (see the module docstring)."""
    return (parse_iso(since) - QUERY_DATE_MARGIN).strftime("%Y/%m/%d %H:%M")


def require_user(payload: dict, service: str) -> None:
    """``check()``'s verdict on a current-user answer: an anonymous user means the credentials
    were not recognised."""
    if not isinstance(payload, dict) or payload.get("type") == "anonymous":
        raise SourceError(
            f"{service} answered as an anonymous user: the credentials were not recognised.",
            type="AuthenticationFailed",
        )


class AtlassianSource(Source):
    """What the Confluence and Jira readers share: config rules and the API client."""

    incremental = True
    service = "Atlassian"

    @classmethod
    def prepare_config(cls, config: dict) -> dict:
        return check_credentials(clean_base_url(config))

    def __init__(self, config, context=None):
        super().__init__(config, context)
        self._api = None

    @property
    def api_base_url(self) -> str:
        return self.config["base_url"]

    @property
    def api(self) -> JsonApi:
        if self._api is None:
            self._api = api(self.config, self.api_base_url, self.context, self.service)
        return self._api

    def close(self) -> None:
        if self._api is not None:
            self._api.close()
            self._api = None
