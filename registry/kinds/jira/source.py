"""Jira (Cloud or Data Center) through its REST API: the 004 ``jira`` slots.

Cloud: ``GET /rest/api/3/search/jql`` pages through the issue ids of ``jql_query`` by
``nextPageToken``, then ``POST /rest/api/3/issue/bulkfetch`` fetches their details, up to 100 at
a time. Data Center: ``GET /rest/api/2/search`` by ``startAt``. ``config.search_children_issues``
adds the children of the matched issues (``parent in (...)``), ``config.search_parent_issues``
their parents (``key in (...)``) and ``config.include_attachments`` the issues' attachments.

Later reads add an ``updated`` window (see ``registry.sources.atlassian``); JQL does not list
deleted issues, so a full read (no cursor) is what prunes them.
"""

import re
from collections.abc import Iterator

from config.errors import InvalidInput
from registry.kinds.jira.adf import adf_text
from registry.sources import atlassian
from registry.sources.base import Batch, SourceDocument, SourceError
from registry.sources.changes import OVERLAP, changed_since, next_since, now, parse_iso, to_iso
from registry.sources.filetext import MAX_FILE_BYTES, file_document, worth_fetching
from registry.sources.rest import TooLarge

FIELDS = [
    "summary",
    "description",
    "comment",
    "status",
    "issuetype",
    "priority",
    "project",
    "labels",
    "assignee",
    "reporter",
    "created",
    "updated",
    "parent",
    "attachment",
]
BULK_LIMIT = 100
_ORDER_BY = re.compile(r"\border\s+by\b.*$", re.IGNORECASE | re.DOTALL)


def split_order(jql: str) -> tuple[str, str]:
    """``(filter, order clause)`` of a JQL query."""
    match = _ORDER_BY.search(jql)
    if not match:
        return jql.strip(), ""
    return jql[: match.start()].strip(), match[0].strip()


class JiraSource(atlassian.AtlassianSource):
    service = "Jira"
    overlap = OVERLAP

    @classmethod
    def prepare_config(cls, config: dict) -> dict:
        config = super().prepare_config(config)
        if isinstance(config.get("jql_query"), str):
            config["jql_query"] = config["jql_query"].strip()
            if config["jql_query"] and not split_order(config["jql_query"])[0]:
                raise InvalidInput({"jql_query": ["Give a JQL query that selects the issues."]})
        return config

    def __init__(self, config, context=None):
        super().__init__(config, context)
        self.cloud = atlassian.is_cloud(self.config)
        self.root = "rest/api/3" if self.cloud else "rest/api/2"

    def check(self) -> None:
        self._queries()
        atlassian.require_user(self.api.get_json(f"{self.root}/myself"), "Jira")

    def _options(self) -> dict:
        return self.config.get("config") or {}

    def _queries(self) -> list[dict]:
        jql, order = split_order(self.config.get("jql_query") or "")
        if not jql:
            raise SourceError("No JQL query is configured: give one that selects the issues.")
        options = self._options()
        expand = bool(options.get("search_children_issues") or options.get("search_parent_issues"))
        # With expansion, every match is listed (cheaply, ids only) so that the children and
        # parents of unchanged matches are still looked at; only changed issues are fetched.
        return [{"jql": jql, "order": order, "window": not expand, "expand": expand}]

    def _jql(self, query: dict, since: str | None) -> str:
        jql = f"({query['jql']})"
        if since and query.get("window"):
            jql += f" AND updated >= {atlassian.quoted(atlassian.query_date(since))}"
        return f"{jql} {query['order']}".strip() if query.get("order") else jql

    def read(self, cursor: dict | None) -> Iterator[Batch]:
        cursor = cursor or {}
        since = cursor.get("since")
        started = cursor.get("started_at") or to_iso(now())
        queue = cursor["queue"] if "queue" in cursor else self._queries()
        token = cursor.get("token")
        if "queue" not in cursor:
            self.context.log(
                f"Searching Jira{' for issues updated since ' + since if since else ''}."
            )
        final = {"since": next_since(started, self.overlap)}
        limit = max(1, min(int(self.context.batch_size), BULK_LIMIT))
        while queue:
            query = queue[0]
            issues, token = self._search(self._jql(query, since), token, limit)
            changed = [
                i for i in issues if changed_since((i.get("fields") or {}).get("updated"), since)
            ]
            documents = []
            for issue in self._details(changed):
                documents.append(self._issue_document(issue))
                if self._options().get("include_attachments"):
                    documents.extend(self._attachments(issue, since))
            queue = list(queue) + self._expansions(query, issues)
            if token is None:
                queue.pop(0)
            if not queue:
                yield Batch(documents, final)
                return
            yield Batch(
                documents, {"since": since, "started_at": started, "queue": queue, "token": token}
            )
        yield Batch([], final)

    def _search(self, jql: str, token: str | None, limit: int) -> tuple[list, str | None]:
        if self.cloud:
            params = {"jql": jql, "maxResults": limit, "fields": "updated,parent"}
            if token:
                params["nextPageToken"] = token
            page = self.api.get_json(f"{self.root}/search/jql", params=params)
            # The last page has isLast and (despite the reference) no nextPageToken at all.
            following = None if page.get("isLast") else page.get("nextPageToken")
            return page.get("issues", []), following
        start = int(token or 0)
        params = {"jql": jql, "startAt": start, "maxResults": limit, "fields": ",".join(FIELDS)}
        page = self.api.get_json(f"{self.root}/search", params=params)
        issues = page.get("issues", [])
        end = start + len(issues)
        return issues, str(end) if issues and end < int(page.get("total", 0)) else None

    def _details(self, issues: list) -> list:
        if not issues or not self.cloud:
            return issues
        found = []
        for start in range(0, len(issues), BULK_LIMIT):
            ids = [i["id"] for i in issues[start : start + BULK_LIMIT]]
            answer = self.api.post_json(
                f"{self.root}/issue/bulkfetch", {"issueIdsOrKeys": ids, "fields": FIELDS}
            )
            if answer.get("issueErrors"):
                self.context.log(
                    f"Jira could not return {len(answer['issueErrors'])} issues; they are "
                    "read again by the next sync.",
                    "warning",
                )
            found.extend(answer.get("issues", []))
        return found

    def _expansions(self, query: dict, issues: list) -> list[dict]:
        if not query.get("expand") or not issues:
            return []
        options, expansions = self._options(), []
        if options.get("search_children_issues"):
            keys = ", ".join(atlassian.quoted(i["key"]) for i in issues)
            expansions.append({"jql": f"parent in ({keys})", "order": "", "window": True})
        if options.get("search_parent_issues"):
            parents = sorted(
                {p["key"] for i in issues if (p := (i.get("fields") or {}).get("parent"))}
            )
            if parents:
                keys = ", ".join(atlassian.quoted(k) for k in parents)
                expansions.append({"jql": f"key in ({keys})", "order": "", "window": True})
        return expansions

    def _issue_document(self, issue: dict) -> SourceDocument:
        fields = issue.get("fields") or {}
        key = issue.get("key", "")
        name = lambda value, attr="name": (value or {}).get(attr)  # noqa: E731
        comments = [
            f"{name(c.get('author'), 'displayName') or 'Someone'}: {adf_text(c.get('body'))}"
            for c in (fields.get("comment") or {}).get("comments", [])
        ]
        content = "\n\n".join(
            part
            for part in (
                fields.get("summary") or "",
                adf_text(fields.get("description")),
                "\n".join(comments),
            )
            if part
        )
        return SourceDocument(
            external_id=str(issue["id"]),
            title=f"{key}: {fields.get('summary') or ''}".strip(),
            url=f"{self.config['base_url']}/browse/{key}",
            content=content,
            metadata={
                "key": key,
                "project": name(fields.get("project"), "key"),
                "issue_type": name(fields.get("issuetype")),
                "status": name(fields.get("status")),
                "priority": name(fields.get("priority")),
                "labels": fields.get("labels") or [],
                "assignee": name(fields.get("assignee"), "displayName"),
                "reporter": name(fields.get("reporter"), "displayName"),
                "parent": name(fields.get("parent"), "key"),
            },
            source_created_at=parse_iso(fields.get("created")),
            source_updated_at=parse_iso(fields.get("updated")),
        )

    def _attachments(self, issue: dict, since: str | None) -> list[SourceDocument]:
        documents = []
        for attachment in (issue.get("fields") or {}).get("attachment") or []:
            filename = attachment.get("filename") or ""
            if not changed_since(attachment.get("created"), since) or not worth_fetching(
                filename, attachment.get("mimeType", ""), attachment.get("size")
            ):
                continue
            link = (
                f"{self.root}/attachment/content/{attachment['id']}"
                if self.cloud
                else attachment.get("content", "")
            )
            try:
                data, declared = self.api.download(link, MAX_FILE_BYTES)
            except TooLarge:
                self.context.log(f"Skipped attachment {filename}: larger than 50 MB.", "warning")
                continue
            except SourceError as error:
                if getattr(error, "status", None) == 404:
                    continue
                raise
            document = file_document(
                self.context,
                external_id=f"attachment:{attachment['id']}",
                data=data,
                filename=filename,
                mime_type=attachment.get("mimeType") or declared,
                title=filename,
                url=f"{self.config['base_url']}/browse/{issue.get('key', '')}",
                metadata={"type": "attachment", "issue": issue.get("key")},
                created=parse_iso(attachment.get("created")),
                updated=parse_iso(attachment.get("created")),
            )
            if document:
                documents.append(document)
        return documents


Source = JiraSource
