"""A Jira REST API stand-in, Cloud (v3) and Data Center (v2) in one server.

Cloud (basic auth with ``EMAIL`` and ``API_TOKEN``): ``GET /rest/api/3/myself``, ``GET
/rest/api/3/search/jql`` (bounded JQL, ``fields``, ``maxResults``, ``nextPageToken``/``isLast``;
the removed ``GET /rest/api/3/search`` answers 410), ``POST /rest/api/3/issue/bulkfetch`` (at
most 100 ids), ``GET /rest/api/3/attachment/content/{id}`` (303 to a signed media URL).
Descriptions and comments are Atlassian Document Format.

Data Center (bearer ``PERSONAL_ACCESS_TOKEN``): ``GET /rest/api/2/myself``, ``GET
/rest/api/2/search`` (``startAt``/``maxResults``/``total``), ``GET
/secure/attachment/{id}/{name}``; descriptions and comments are wiki-markup strings.

JQL per ``query_language`` (fields project, key, id, parent, issuetype, status, labels, summary,
text, created, updated). Errors are ``{"errorMessages": [...], "errors": {}}`` as Jira sends them.
"""

import base64
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from tests.fakes.query_language import Query, QueryError, in_zone
from tests.fakes.service import FakeService, json_response

EMAIL = "reader@example.com"
API_TOKEN = "ATATT3xFfGF0-jira-cloud-token"
PERSONAL_ACCESS_TOKEN = "OTk4NzY1-jira-dc-token"


def adf(*paragraphs: str) -> dict:
    return {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": text}]}
            for text in paragraphs
        ],
    }


@dataclass
class Attachment:
    id: str
    filename: str
    mime_type: str
    data: bytes
    created: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class Issue:
    id: str
    key: str
    summary: str
    description: str = ""
    issuetype: str = "Task"
    status: str = "To Do"
    parent: str | None = None
    labels: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    attachments: list = field(default_factory=list)
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    updated: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def project(self) -> str:
        return self.key.split("-")[0]


def errors(status: int, *messages: str) -> Response:
    return json_response({"errorMessages": list(messages), "errors": {}}, status)


class MediaHost(FakeService):
    """Where Jira Cloud's attachment links redirect (another origin, as api.media.atlassian.com
    is): signed URLs, no Authorization header expected."""

    def __init__(self, jira: "FakeJira"):
        self.jira = jira
        super().__init__()

    def rules(self):
        return [Rule("/file/<attachment_id>", endpoint="media")]

    def media(self, request, attachment_id):
        if "Authorization" in request.headers:
            return errors(400, "Signed media URLs take no Authorization header.")
        if self.jira.media_tokens.get(request.args.get("token", "")) != attachment_id:
            return errors(401, "The media token is not valid.")
        attachment = self.jira.attachment(attachment_id)
        return Response(attachment.data, content_type=attachment.mime_type)


class FakeJira(FakeService):
    account_zone = in_zone(-5)

    def start(self):
        self.media_host = MediaHost(self).start()
        return super().start()

    def stop(self):
        super().stop()
        self.media_host.stop()

    def rules(self):
        return [
            Rule("/rest/api/<int:version>/myself", endpoint="myself"),
            Rule("/rest/api/3/search/jql", endpoint="search_jql"),
            Rule("/rest/api/3/search", endpoint="removed_search"),
            Rule("/rest/api/2/search", endpoint="search_v2"),
            Rule("/rest/api/3/issue/bulkfetch", endpoint="bulkfetch", methods=["POST"]),
            Rule("/rest/api/3/attachment/content/<attachment_id>", endpoint="content"),
            Rule("/secure/attachment/<attachment_id>/<name>", endpoint="secure_attachment"),
        ]

    def reset(self):
        super().reset()
        self.issues: dict[str, Issue] = {}
        self.media_tokens: dict[str, str] = {}

    # Test data
    def add(self, number: int, key: str, summary: str, **extra) -> Issue:
        issue = Issue(str(10000 + number), key, summary, **extra)
        self.issues[issue.key] = issue
        return issue

    def update(self, key: str, **changes) -> None:
        issue = self.issues[key]
        for name, value in changes.items():
            setattr(issue, name, value)
        issue.updated = datetime.now(UTC)

    def attach(self, key: str, number: int, filename: str, data: bytes, mime_type: str) -> None:
        self.issues[key].attachments.append(
            Attachment(str(20000 + number), filename, mime_type, data)
        )
        self.issues[key].updated = datetime.now(UTC)

    def delete(self, key: str) -> None:
        del self.issues[key]

    # Protocol
    def _cloud_ok(self, request) -> bool:
        expected = base64.b64encode(f"{EMAIL}:{API_TOKEN}".encode()).decode()
        return request.headers.get("Authorization") == f"Basic {expected}"

    def _dc_ok(self, request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {PERSONAL_ACCESS_TOKEN}"

    def _unauthorised(self):
        return errors(
            401, "You are not authenticated. Authentication required to perform this operation."
        )

    def _stamp(self, moment: datetime) -> str:
        local = moment.astimezone(self.account_zone)
        return (
            local.strftime("%Y-%m-%dT%H:%M:%S.")
            + f"{local.microsecond // 1000:03d}"
            + local.strftime("%z")
        )

    def _values(self, issue: Issue, name: str):
        parent = self.issues.get(issue.parent) if issue.parent else None
        return {
            "project": [issue.project],
            "key": [issue.key],
            "issuekey": [issue.key],
            "id": [issue.id],
            "parent": [parent.key, parent.id] if parent else [],
            "issuetype": [issue.issuetype],
            "status": [issue.status],
            "labels": issue.labels,
            "summary": [issue.summary],
            "text": [f"{issue.summary} {issue.description}"],
            "created": [issue.created],
            "updated": [issue.updated],
        }.get(name)

    def _select(self, jql: str) -> list[Issue]:
        return Query(jql, self._values, self.account_zone).select(
            sorted(self.issues.values(), key=lambda i: int(i.id))
        )

    def _render(self, issue: Issue, fields: set[str], cloud: bool) -> dict:
        text = (lambda value: adf(value) if value else None) if cloud else (lambda value: value)
        parent = self.issues.get(issue.parent) if issue.parent else None
        root = "/rest/api/3" if cloud else "/rest/api/2"
        every = {
            "summary": issue.summary,
            "description": text(issue.description),
            "comment": {
                "comments": [
                    {"id": str(n), "author": {"displayName": author}, "body": text(body)}
                    for n, (author, body) in enumerate(issue.comments, 1)
                ],
                "maxResults": len(issue.comments),
                "total": len(issue.comments),
                "startAt": 0,
            },
            "status": {"name": issue.status},
            "issuetype": {"name": issue.issuetype},
            "priority": {"name": "Medium"},
            "project": {"key": issue.project, "name": issue.project.title()},
            "labels": issue.labels,
            "assignee": None,
            "reporter": {"displayName": "Reporter"},
            "created": self._stamp(issue.created),
            "updated": self._stamp(issue.updated),
            "parent": {"id": parent.id, "key": parent.key, "fields": {"summary": parent.summary}}
            if parent
            else None,
            "attachment": [
                {
                    "id": a.id,
                    "filename": a.filename,
                    "mimeType": a.mime_type,
                    "size": len(a.data),
                    "created": self._stamp(a.created),
                    "content": f"{self.url}/rest/api/3/attachment/content/{a.id}"
                    if cloud
                    else f"{self.url}/secure/attachment/{a.id}/{a.filename}",
                }
                for a in issue.attachments
            ],
        }
        chosen = {k: v for k, v in every.items() if k in fields or "*all" in fields}
        if not every["parent"]:
            chosen.pop("parent", None)
        return {
            "expand": "renderedFields,names,schema,operations,editmeta,changelog",
            "id": issue.id,
            "self": f"{self.url}{root}/issue/{issue.id}",
            "key": issue.key,
            "fields": chosen,
        }

    def myself(self, request, version):
        if not (self._cloud_ok(request) if version == 3 else self._dc_ok(request)):
            return self._unauthorised()
        return json_response(
            {"accountId": "5b10a2844c20165700ede21g", "displayName": "Reader", "active": True}
        )

    def removed_search(self, request):
        return errors(
            410,
            "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.",
        )

    def search_jql(self, request):
        if not self._cloud_ok(request):
            return self._unauthorised()
        jql = request.args.get("jql", "").strip()
        if not jql:
            return errors(
                400,
                "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.",
            )
        try:
            found = self._select(jql)
        except QueryError as error:
            return errors(400, f"Error in the JQL Query: {error}.")
        token = request.args.get("nextPageToken")
        try:
            start = json.loads(base64.urlsafe_b64decode(token))["offset"] if token else 0
        except ValueError:
            return errors(400, "The provided next page token is invalid or expired.")
        limit = min(int(request.args.get("maxResults", 50)), 100)
        fields = set(request.args.get("fields", "id").split(","))
        page = found[start : start + limit]
        body = {
            "issues": [self._render(i, fields, True) for i in page],
            "isLast": start + limit >= len(found),
        }
        if not body["isLast"]:
            body["nextPageToken"] = base64.urlsafe_b64encode(
                json.dumps({"offset": start + limit}).encode()
            ).decode()
        return json_response(body)

    def search_v2(self, request):
        if not self._dc_ok(request):
            return self._unauthorised()
        try:
            found = self._select(request.args.get("jql", ""))
        except QueryError as error:
            return errors(400, f"Error in the JQL Query: {error}.")
        start = int(request.args.get("startAt", 0))
        limit = min(int(request.args.get("maxResults", 50)), 1000)
        fields = set(request.args.get("fields", "*all").split(","))
        page = found[start : start + limit]
        return json_response(
            {
                "expand": "schema,names",
                "startAt": start,
                "maxResults": limit,
                "total": len(found),
                "issues": [self._render(i, fields, False) for i in page],
            }
        )

    def bulkfetch(self, request):
        if not self._cloud_ok(request):
            return self._unauthorised()
        body = request.get_json(silent=True) or {}
        wanted = body.get("issueIdsOrKeys") or []
        if len(wanted) > 100:
            return errors(400, "The number of issues requested exceeds the maximum of 100.")
        fields = set(body.get("fields") or ["*all"])
        found = [
            i
            for i in sorted(self.issues.values(), key=lambda i: int(i.id))
            if i.id in wanted or i.key in wanted
        ]
        return json_response(
            {"issues": [self._render(i, fields, True) for i in found], "issueErrors": []}
        )

    def attachment(self, attachment_id):
        for issue in self.issues.values():
            for attachment in issue.attachments:
                if attachment.id == attachment_id:
                    return attachment
        return None

    def content(self, request, attachment_id):
        if not self._cloud_ok(request):
            return self._unauthorised()
        if self.attachment(attachment_id) is None:
            return errors(404, "The attachment does not exist.")
        token = secrets.token_urlsafe(8)
        self.media_tokens[token] = attachment_id
        return Response(
            status=303,
            headers={"Location": f"{self.media_host.url}/file/{attachment_id}?token={token}"},
        )

    def secure_attachment(self, request, attachment_id, name):
        if not self._dc_ok(request):
            return self._unauthorised()
        attachment = self.attachment(attachment_id)
        if attachment is None or attachment.filename != name:
            return errors(404, "The attachment does not exist.")
        return Response(attachment.data, content_type=attachment.mime_type)
