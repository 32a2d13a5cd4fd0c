"""A Confluence REST API (v1) stand-in, Cloud and Data Center in one server.

- Cloud lives under ``/wiki``: basic auth with ``EMAIL`` and ``API_TOKEN``, search pages linked by
  an opaque ``cursor`` in ``_links.next``.
- Data Center lives at the root: bearer ``PERSONAL_ACCESS_TOKEN``, ``start``/``limit`` links.

Endpoints: ``GET rest/api/user/current`` (anonymous user without credentials, 401 with wrong
ones), ``GET rest/api/content/search`` (CQL per ``query_language``, ``expand`` of
``body.storage``, ``version``, ``space``, ``history``), ``GET
rest/api/content/{id}/child/attachment`` and ``GET download/attachments/{page}/{file}``. Error
bodies are ``{"statusCode", "message"}`` as Confluence sends them.
"""

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from tests.fakes.query_language import Query, QueryError, in_zone
from tests.fakes.service import FakeService, json_response

EMAIL = "reader@example.com"
API_TOKEN = "ATATT3xFfGF0-cloud-token"
PERSONAL_ACCESS_TOKEN = "NjQ5ODk0-dc-personal-token"


@dataclass
class Content:
    id: str
    type: str
    title: str
    space: str
    body: str = ""
    parent: str | None = None
    labels: list = field(default_factory=list)
    version: int = 1
    when: datetime = field(default_factory=lambda: datetime.now(UTC))
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    data: bytes = b""
    media_type: str = ""


def stamp(moment: datetime) -> str:
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


class FakeConfluence(FakeService):
    account_zone = in_zone(-5)

    def rules(self):
        rules = []
        for prefix, cloud in (("/wiki", True), ("", False)):
            defaults = {"cloud": cloud}
            rules += [
                Rule(f"{prefix}/rest/api/user/current", endpoint="current_user", defaults=defaults),
                Rule(f"{prefix}/rest/api/content/search", endpoint="search", defaults=defaults),
                Rule(
                    f"{prefix}/rest/api/content/<content_id>/child/attachment",
                    endpoint="attachments",
                    defaults=defaults,
                ),
                Rule(
                    f"{prefix}/download/attachments/<page_id>/<name>",
                    endpoint="download",
                    defaults=defaults,
                ),
            ]
        return rules

    def reset(self):
        super().reset()
        self.spaces: dict[str, str] = {}
        self.contents: dict[str, Content] = {}

    # Test data
    def add_space(self, key: str, name: str = "") -> None:
        self.spaces[key] = name or key

    def add(
        self, content_id, title, space, *, type="page", body="", parent=None, labels=(), when=None
    ) -> Content:
        content = Content(
            str(content_id), type, title, space, body, parent and str(parent), list(labels)
        )
        if when is not None:
            content.when = content.created = when
        self.contents[content.id] = content
        return content

    def add_attachment(self, page_id, attachment_id, name, data: bytes, media_type) -> Content:
        page = self.contents[str(page_id)]
        attachment = self.add(attachment_id, name, page.space, type="attachment", parent=page.id)
        attachment.data, attachment.media_type = data, media_type
        return attachment

    def update(self, content_id, **changes) -> None:
        content = self.contents[str(content_id)]
        for key, value in changes.items():
            setattr(content, key, value)
        content.version += 1
        content.when = datetime.now(UTC)

    def delete(self, content_id) -> None:
        del self.contents[str(content_id)]

    def ancestors(self, content: Content) -> list[str]:
        chain, parent = [], content.parent
        while parent and parent in self.contents:
            chain.append(parent)
            parent = self.contents[parent].parent
        return chain

    # Protocol
    def _authorised(self, request, cloud: bool) -> bool | None:
        header = request.headers.get("Authorization")
        if header is None:
            return None
        if cloud:
            expected = base64.b64encode(f"{EMAIL}:{API_TOKEN}".encode()).decode()
            return header == f"Basic {expected}"
        return header == f"Bearer {PERSONAL_ACCESS_TOKEN}"

    def _unauthorised(self):
        return json_response(
            {"statusCode": 401, "message": "Client must be authenticated to access this resource."},
            401,
        )

    def current_user(self, request, cloud):
        authorised = self._authorised(request, cloud)
        if authorised is None:
            return json_response({"type": "anonymous", "displayName": "Anonymous"})
        if not authorised:
            return self._unauthorised()
        return json_response(
            {"type": "known", "accountId": "5b10ac8d82e05b22cc7d4ef5", "displayName": "Reader"}
        )

    def _values(self, content: Content, name: str):
        return {
            "type": [content.type],
            "space": [content.space],
            "id": [content.id],
            "ancestor": self.ancestors(content),
            "parent": [content.parent] if content.parent else [],
            "label": content.labels,
            "title": [content.title],
            "text": [f"{content.title} {content.body}"],
            "lastmodified": [content.when],
            "created": [content.created],
        }.get(name)

    def _page_of(self, request, cloud, items, path, render):
        limit = min(int(request.args.get("limit", 25)), 100)
        if cloud and request.args.get("cursor"):
            start = json.loads(base64.urlsafe_b64decode(request.args["cursor"]))["offset"]
        else:
            start = int(request.args.get("start", 0))
        page = items[start : start + limit]
        links = {"base": self.url + ("/wiki" if cloud else ""), "context": "/wiki" if cloud else ""}
        if start + limit < len(items):
            args = {k: v for k, v in request.args.items() if k not in ("cursor", "start")}
            if cloud:
                offset = json.dumps({"offset": start + limit}).encode()
                args.update(next="true", cursor=base64.urlsafe_b64encode(offset).decode())
            else:
                args["start"] = start + limit
            links["next"] = f"{path}?{urlencode(args)}"
        body = {
            "results": [render(c) for c in page],
            "start": start,
            "limit": limit,
            "size": len(page),
            "_links": links,
        }
        return json_response(body)

    def _render(self, content: Content, expand: set[str], cloud: bool) -> dict:
        webui = f"/spaces/{content.space}/pages/{content.id}/{quote(content.title)}"
        rendered = {
            "id": content.id,
            "type": content.type,
            "status": "current",
            "title": content.title,
            "_links": {"webui": webui, "self": f"{self.url}/rest/api/content/{content.id}"},
            "_expandable": {},
        }
        version = {"number": content.version, "when": stamp(content.when)}
        for name, value in (
            ("space", {"key": content.space, "name": self.spaces.get(content.space, "")}),
            ("version", version),
            ("history", {"latest": True, "createdDate": stamp(content.created)}),
            ("body.storage", None),
        ):
            if name in expand and name == "body.storage":
                rendered["body"] = {"storage": {"value": content.body, "representation": "storage"}}
            elif name in expand:
                rendered[name] = value
            else:
                rendered["_expandable"][name.split(".")[0]] = ""
        if content.type == "attachment":
            download = f"/download/attachments/{content.parent}/{quote(content.title)}"
            rendered["metadata"] = {"mediaType": content.media_type}
            rendered["extensions"] = {
                "mediaType": content.media_type,
                "fileSize": len(content.data),
            }
            rendered["_links"]["download"] = f"{download}?version={content.version}&api=v2"
        return rendered

    def search(self, request, cloud):
        if not self._authorised(request, cloud):
            return self._unauthorised()
        cql = request.args.get("cql", "")
        try:
            query = Query(cql, self._values, self.account_zone)
            found = query.select(list(self.contents.values()))
        except QueryError as error:
            return json_response(
                {"statusCode": 400, "message": f"Could not parse cql : {cql} ({error})"}, 400
            )
        expand = set(filter(None, request.args.get("expand", "").split(",")))
        return self._page_of(
            request,
            cloud,
            found,
            "/rest/api/content/search",
            lambda c: self._render(c, expand, cloud),
        )

    def attachments(self, request, cloud, content_id):
        if not self._authorised(request, cloud):
            return self._unauthorised()
        if content_id not in self.contents:
            return json_response(
                {
                    "statusCode": 404,
                    "message": f"No content found with id: ContentId{{id={content_id}}}",
                },
                404,
            )
        found = [
            c for c in self.contents.values() if c.type == "attachment" and c.parent == content_id
        ]
        expand = set(filter(None, request.args.get("expand", "").split(",")))
        return self._page_of(
            request,
            cloud,
            found,
            f"/rest/api/content/{content_id}/child/attachment",
            lambda c: self._render(c, expand, cloud),
        )

    def download(self, request, cloud, page_id, name):
        if not self._authorised(request, cloud):
            return self._unauthorised()
        for content in self.contents.values():
            if content.type == "attachment" and content.parent == page_id and content.title == name:
                return Response(content.data, content_type=content.media_type)
        return json_response({"statusCode": 404, "message": "Attachment not found"}, 404)
