"""Drives through Microsoft Graph's delta query: the reader of the ``sharepoint`` and ``onedrive``
kinds (each kind folder says which links it takes).

Each link in ``urls`` is resolved to a drive (and a folder, if it points into one). A drive is
read with ``/drives/{id}/root/delta``: the first read enumerates it through ``@odata.nextLink``
pages and keeps the final ``@odata.deltaLink`` in the cursor; later reads follow that link and
get only changes, deletions included (``Batch.deleted_external_ids``). A folder link filters the
drive's delta by folder ids (Graph's delta of a non-root folder is not available on SharePoint,
and delta items carry no path). When Graph answers 410 (the change token expired), every link
is read again in full and the first batch after it says so (``Batch.starts_full_pass``): the
engine then prunes, at the end of the read, the items deleted while the token was lost.
"""

import copy
from collections.abc import Iterator
from urllib.parse import urlsplit

from config.errors import InvalidInput
from registry.sources.base import Batch, Source, SourceDocument, SourceError
from registry.sources.changes import parse_iso
from registry.sources.filetext import MAX_FILE_BYTES, file_document, worth_fetching
from registry.sources.microsoft_graph import Graph
from registry.sources.rest import ApiError, TooLarge

SELECT = "id,name,file,folder,root,deleted,parentReference,size,webUrl,eTag,createdDateTime,lastModifiedDateTime"


class DriveDeltaSource(Source):
    incremental = True

    @classmethod
    def check_link(cls, value: str) -> bool:
        parts = urlsplit(value)
        return parts.scheme == "https" and bool(parts.hostname)

    link_rule = "Must be an https link into a drive."

    @classmethod
    def prepare_config(cls, config: dict) -> dict:
        config, errors = dict(config), {}
        for key in ("tenant_id", "client_id", "client_secret", "authority_host", "graph_base_url"):
            if isinstance(config.get(key), str):
                config[key] = config[key].strip()
        for key in ("authority_host", "graph_base_url"):
            if config.get(key):
                config[key] = config[key].rstrip("/")
                if urlsplit(config[key]).scheme != "https":
                    errors[key] = ["Must be an https address."]
        if isinstance(config.get("urls"), list):
            config["urls"] = [u.strip() if isinstance(u, str) else u for u in config["urls"]]
        if errors:
            raise InvalidInput(errors)
        return config

    def __init__(self, config, context=None):
        super().__init__(config, context)
        self._graph = None

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            self._graph = Graph(self.config, self.context)
        return self._graph

    def close(self) -> None:
        if self._graph is not None:
            self._graph.close()
            self._graph = None

    def _require_links(self) -> list[str]:
        """The configured links; 004 accepts any strings, so the rule is applied here."""
        urls = self.config.get("urls") or []
        bad = [
            f"urls.{index}"
            for index, value in enumerate(urls)
            if not isinstance(value, str) or not self.check_link(value)
        ]
        if bad:
            raise SourceError(f"{', '.join(bad)}: {self.link_rule}")
        return urls

    def check(self) -> None:
        urls = self._require_links()
        if not urls:
            raise SourceError("No links are configured.")
        self.graph.token()
        for url in urls:
            self.graph.resolve(url)

    def _target(self, url: str) -> dict:
        target = self.graph.resolve(url)
        state = {"drive_id": target.drive_id, "folder_id": target.folder_id, "delta": None}
        if target.folder_id:
            state["folders"] = [target.folder_id]
        return state

    def read(self, cursor: dict | None) -> Iterator[Batch]:
        urls = list(self._require_links())
        cursor = copy.deepcopy(cursor or {})
        targets = cursor.get("targets") or {}
        current = cursor.get("current")
        position = urls.index(current) if current in urls else 0
        link = cursor.get("next") if current in urls else None
        restarted = False
        if not urls:
            yield Batch([], {"targets": {}})
            return
        while position < len(urls):
            url = urls[position]
            if url not in targets:
                self.context.log(f"Resolving {url}.")
                targets[url] = self._target(url)
            target = targets[url]
            params = None  # links from Graph carry their own query (httpx would replace it)
            if link is None and target.get("delta"):
                target["changes"], link = True, target["delta"]
            elif link is None:
                target["changes"], link = False, f"drives/{target['drive_id']}/root/delta"
                params = {
                    "$select": SELECT,
                    "$top": max(1, min(int(self.context.batch_size), 1000)),
                }
            try:
                page = self.graph.api.get_json(link, params=params)
            except ApiError as error:
                if error.status != 410:
                    raise
                if restarted:
                    raise SourceError(
                        "Microsoft Graph asks for a full read again although one just started.",
                        retryable=True,
                    ) from None
                self._resync(url, targets, error)
                position, link, restarted = 0, None, True
                continue
            documents, deleted = self._apply(target, page.get("value", []))
            link = page.get("@odata.nextLink")
            if link is None:
                target["delta"] = page.get("@odata.deltaLink")
                target.pop("changes", None)
                position += 1
            done = position >= len(urls)
            state = {
                "targets": {u: targets[u] for u in urls if u in targets},
                "current": None if done else urls[position],
                "next": link,
            }
            yield Batch(
                documents,
                copy.deepcopy(state),
                deleted_external_ids=deleted,
                starts_full_pass=restarted,
            )
            restarted = False

    def _resync(self, url: str, targets: dict, error: ApiError) -> None:
        """Forget every change token: the links are all read again in full, from the first, so
        that the engine can prune what was deleted while the token was lost."""
        self.context.log(
            f"The change token of {url} expired ({error.code or 'resync required'}); reading "
            "every link again in full.",
            "warning",
        )
        for target in targets.values():
            target["delta"] = None
            target.pop("changes", None)
            if target.get("folder_id"):
                target["folders"] = [target["folder_id"]]

    def _apply(self, target: dict, items: list) -> tuple[list[SourceDocument], list[str]]:
        documents, deleted = [], []
        drive = target["drive_id"]
        folders = set(target.get("folders") or [])
        scoped = bool(target.get("folder_id"))
        for item in items:
            self.context.heartbeat()
            key = f"{drive}:{item['id']}"
            if "deleted" in item:
                deleted.append(key)
                folders.discard(item["id"])
                continue
            if "root" in item:
                continue
            parent = (item.get("parentReference") or {}).get("id")
            in_scope = not scoped or parent in folders
            if "folder" in item:
                if scoped and in_scope:
                    folders.add(item["id"])
                elif scoped and item["id"] != target["folder_id"]:
                    folders.discard(item["id"])
                continue
            if not in_scope:
                if target.get("changes"):
                    deleted.append(key)  # moved out of the folder read
                continue
            if "file" in item:
                document = self._document(drive, item)
                if document is not None:
                    documents.append(document)
        if scoped:
            target["folders"] = sorted(folders)
        return documents, deleted

    def _document(self, drive: str, item: dict) -> SourceDocument | None:
        name = item.get("name") or ""
        mime = (item.get("file") or {}).get("mimeType", "")
        if not worth_fetching(name, mime, item.get("size")):
            return None
        try:
            data, declared = self.graph.api.download(
                f"drives/{drive}/items/{item['id']}/content", MAX_FILE_BYTES
            )
        except TooLarge:
            self.context.log(f"Skipped {name}: larger than 50 MB.", "warning")
            return None
        except ApiError as error:
            if error.status == 404:
                return None
            raise
        return file_document(
            self.context,
            external_id=f"{drive}:{item['id']}",
            data=data,
            filename=name,
            mime_type=mime or declared,
            title=name,
            url=item.get("webUrl", ""),
            metadata={"drive_id": drive, "item_id": item["id"], "etag": item.get("eTag")},
            created=parse_iso(item.get("createdDateTime")),
            updated=parse_iso(item.get("lastModifiedDateTime")),
        )
