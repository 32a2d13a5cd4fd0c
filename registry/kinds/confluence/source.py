"""Confluence (Cloud or Data Center) through its REST API: the 004 ``confluence`` slots.

Every selection becomes a CQL query read through ``/rest/api/content/search`` and its
``_links.next`` pages: ``upload_all_data`` (every page and blog post), ``spaces``, ``pages``
(without children), ``pages_w_child`` (with all descendants), ``folders`` (their pages) and
``cql_query``, whose matched pages (``config.search_children``) and folders
(``config.search_folders``) are expanded to their descendants by a follow-up ``ancestor in (...)``
query. ``config.include_attachments`` adds each page's attachments as documents.

The cursor holds the queue of queries still to run and the next link of the current one. Later
reads add a ``lastmodified`` window (see ``registry.sources.atlassian``); deletions are not
listed by CQL, so a full read (no cursor) is what prunes deleted pages.
"""

import html
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

from registry.sources import atlassian
from registry.sources.base import Batch, SourceDocument, SourceError
from registry.sources.changes import OVERLAP, changed_since, next_since, now, parse_iso, to_iso
from registry.sources.extract import extract_text
from registry.sources.filetext import MAX_FILE_BYTES, file_document, worth_fetching
from registry.sources.rest import TooLarge

EXPAND = "body.storage,version,space,history"
CONTENT_TYPES = "type in (page, blogpost)"
_CONTENT_PATH = re.compile(r"/(?:pages|folder|folders)/(?:edit-v2/|edit/)?(\d+)(?:/|$)")
_BLOG_PATH = re.compile(r"/blog/\d{4}/\d{2}/\d{2}/(\d+)(?:/|$)")
_SPACE_PATH = re.compile(r"/(?:spaces|display)/([^/]+)")
_SPACE_KEY = re.compile(r"^~?[A-Za-z0-9_-]+$")


def content_id(value: str) -> str | None:
    """The content id of a page or folder given by id or by a link that holds it."""
    value = str(value).strip()
    if value.isdigit():
        return value
    if not value.startswith(("http://", "https://")):
        return None
    parts = urlsplit(value)
    page_ids = parse_qs(parts.query).get("pageId")
    if page_ids and page_ids[0].isdigit():
        return page_ids[0]
    match = _CONTENT_PATH.search(parts.path) or _BLOG_PATH.search(parts.path)
    return match[1] if match else None


def space_key(value: str) -> str | None:
    value = str(value).strip()
    if not value.startswith(("http://", "https://")):
        return value if _SPACE_KEY.match(value) else None
    parts = urlsplit(value)
    keys = parse_qs(parts.query).get("spaceKey")
    if keys:
        return keys[0]
    match = _SPACE_PATH.search(parts.path)
    return match[1] if match and _SPACE_KEY.match(match[1]) else None


class ConfluenceSource(atlassian.AtlassianSource):
    service = "Confluence"
    overlap = OVERLAP

    def selection_errors(self) -> list[str]:
        """What in the selection cannot be read (checked when the connector starts, since 004
        accepts any strings in these slots)."""
        config, errors = self.config, []
        for field, parse, what in (
            ("spaces", space_key, "a space key or a link to the space"),
            ("pages", content_id, "a page id or a link that contains it (…/pages/123456/…)"),
            ("pages_w_child", content_id, "a page id or a link that contains it"),
            ("folders", content_id, "a folder id or a link that contains it (…/folder/123456)"),
        ):
            for index, value in enumerate(config.get(field) or []):
                if not isinstance(value, str) or parse(value) is None:
                    errors.append(f"{field}.{index} must be {what}")
        selected = config.get("upload_all_data") or (config.get("cql_query") or "").strip()
        if not selected and not any(
            config.get(f) for f in ("spaces", "pages", "pages_w_child", "folders")
        ):
            errors.append(
                "nothing is selected: give a CQL query, spaces, pages or folders, or set "
                "upload_all_data"
            )
        return errors

    def _require_selection(self) -> None:
        errors = self.selection_errors()
        if errors:
            raise SourceError("Confluence selection: " + "; ".join(errors) + ".")

    def __init__(self, config, context=None):
        super().__init__(config, context)
        base = self.config["base_url"]
        if atlassian.is_cloud(self.config) and not base.endswith("/wiki"):
            base += "/wiki"
        self.site = base

    @property
    def api_base_url(self) -> str:
        return self.site

    def check(self) -> None:
        self._require_selection()
        atlassian.require_user(self.api.get_json("rest/api/user/current"), "Confluence")

    # The queries of a read.
    def _options(self) -> dict:
        return self.config.get("config") or {}

    def _queries(self) -> list[dict]:
        config, ids = self.config, lambda field: [content_id(v) for v in config.get(field) or []]
        if config.get("upload_all_data"):
            return [{"cql": CONTENT_TYPES, "window": True}]
        queries = []
        if (config.get("cql_query") or "").strip():
            options = self._options()
            expand = bool(options.get("search_children") or options.get("search_folders"))
            queries.append(
                {"cql": f"({config['cql_query'].strip()})", "window": not expand, "expand": expand}
            )
        if config.get("spaces"):
            keys = ", ".join(atlassian.quoted(space_key(v)) for v in config["spaces"])
            queries.append({"cql": f"space in ({keys}) and {CONTENT_TYPES}", "window": True})
        if config.get("pages"):
            queries.append({"cql": f"id in ({', '.join(ids('pages'))})", "window": True})
        if config.get("pages_w_child"):
            pages = ", ".join(ids("pages_w_child"))
            queries.append(
                {
                    "cql": f"(id in ({pages}) or ancestor in ({pages})) and {CONTENT_TYPES}",
                    "window": True,
                }
            )
        if config.get("folders"):
            folders = ", ".join(ids("folders"))
            queries.append({"cql": f"ancestor in ({folders}) and type = page", "window": True})
        return queries

    def _cql(self, query: dict, since: str | None) -> str:
        if since and query.get("window"):
            return f"{query['cql']} and lastmodified >= {atlassian.quoted(atlassian.query_date(since))}"
        return query["cql"]

    def read(self, cursor: dict | None) -> Iterator[Batch]:
        cursor = cursor or {}
        since = cursor.get("since")
        started = cursor.get("started_at") or to_iso(now())
        if "queue" not in cursor:
            self._require_selection()
        queue = cursor["queue"] if "queue" in cursor else self._queries()
        next_link = cursor.get("next")
        if "queue" not in cursor:
            self.context.log(
                f"Searching Confluence{' for pages changed since ' + since if since else ''}."
            )
        limit = max(1, min(int(self.context.batch_size), 50))
        final = {"since": next_since(started, self.overlap)}
        if not queue:
            yield Batch([], final)
            return
        while queue:
            query = queue[0]
            if next_link:
                page = self.api.get_json(self.api.url(next_link))
            else:
                page = self.api.get_json(
                    "rest/api/content/search",
                    params={"cql": self._cql(query, since), "limit": limit, "expand": EXPAND},
                )
            documents, expand_ids = self._documents(page.get("results", []), query, since)
            queue = list(queue)
            if expand_ids:
                queue.append(
                    {
                        "cql": f"ancestor in ({', '.join(expand_ids)}) and {CONTENT_TYPES}",
                        "window": True,
                    }
                )
            next_link = (page.get("_links") or {}).get("next")
            if not next_link:
                queue.pop(0)
            if not queue:
                yield Batch(documents, final)
                return
            yield Batch(
                documents,
                {"since": since, "started_at": started, "queue": queue, "next": next_link},
            )

    def _documents(self, results: list, query: dict, since: str | None):
        documents, expand_ids, seen = [], [], set()
        options = self._options()
        for content in results:
            self.context.heartbeat()
            kind = content.get("type")
            if query.get("expand") and (
                (kind == "page" and options.get("search_children"))
                or (kind == "folder" and options.get("search_folders"))
            ):
                expand_ids.append(str(content["id"]))
            if content["id"] in seen or not changed_since(
                (content.get("version") or {}).get("when"), since
            ):
                continue
            seen.add(content["id"])
            if kind in ("page", "blogpost"):
                documents.append(self._page_document(content))
                if options.get("include_attachments"):
                    documents.extend(self._attachments(content, since))
            elif kind == "attachment":
                document = self._attachment_document(content, content.get("container") or {})
                if document:
                    documents.append(document)
        return documents, expand_ids

    def _page_document(self, content: dict) -> SourceDocument:
        storage = ((content.get("body") or {}).get("storage") or {}).get("value") or ""
        title = content.get("title") or ""
        page = (
            f"<html><head><title>{html.escape(title)}</title></head><body>{storage}</body></html>"
        )
        text = extract_text(page.encode(), mime_type="text/html").text if storage else ""
        version = content.get("version") or {}
        space = content.get("space") or {}
        return SourceDocument(
            external_id=str(content["id"]),
            title=title,
            url=self.site + ((content.get("_links") or {}).get("webui") or ""),
            mime_type="text/html",
            content=text,
            metadata={
                "type": content.get("type"),
                "space": space.get("key"),
                "version": version.get("number"),
            },
            source_created_at=parse_iso((content.get("history") or {}).get("createdDate")),
            source_updated_at=parse_iso(version.get("when")),
        )

    def _attachments(self, page: dict, since: str | None) -> list[SourceDocument]:
        documents = []
        link = f"rest/api/content/{page['id']}/child/attachment"
        params = {"limit": 50, "expand": "version"}
        while link:
            listing = self.api.get_json(link, params=params)
            for attachment in listing.get("results", []):
                if changed_since((attachment.get("version") or {}).get("when"), since):
                    document = self._attachment_document(attachment, page)
                    if document:
                        documents.append(document)
            next_link = (listing.get("_links") or {}).get("next")
            link, params = (self.api.url(next_link), None) if next_link else (None, None)
        return documents

    def _attachment_document(self, attachment: dict, page: dict) -> SourceDocument | None:
        name = attachment.get("title") or ""
        extensions = attachment.get("extensions") or {}
        media_type = extensions.get("mediaType") or (attachment.get("metadata") or {}).get(
            "mediaType", ""
        )
        download = (attachment.get("_links") or {}).get("download")
        if not download or not worth_fetching(name, media_type, extensions.get("fileSize")):
            return None
        try:
            data, declared = self.api.download(self.api.url(download), MAX_FILE_BYTES)
        except TooLarge:
            self.context.log(f"Skipped attachment {name}: larger than 50 MB.", "warning")
            return None
        except SourceError as error:
            if getattr(error, "status", None) == 404:
                return None
            raise
        version = attachment.get("version") or {}
        return file_document(
            self.context,
            external_id=str(attachment["id"]),
            data=data,
            filename=name,
            mime_type=media_type or declared,
            title=name,
            url=self.site + ((attachment.get("_links") or {}).get("webui") or download),
            metadata={"type": "attachment", "page_id": str(page.get("id", ""))},
            updated=parse_iso(version.get("when")),
        )


Source = ConfluenceSource
