"""Page fixtures: a client logged in as each persona, a populated workspace and HTML helpers."""

import re
from html.parser import HTMLParser

import pytest

from connectors import services
from registry.sources.base import SourceDocument
from syncs.models import Document, Sync, SyncLogLine, SyncStatus, SyncTrigger
from tests.documents import store_documents


@pytest.fixture
def connector(make_connector):
    return make_connector()


@pytest.fixture
def finished_sync(connector):
    """A failed sync with counters, an error and log lines, and a succeeded one with documents."""
    sync = Sync.objects.create(
        connector=connector,
        trigger=SyncTrigger.MANUAL,
        status=SyncStatus.FAILED,
        documents_seen=40,
        documents_created=30,
        progress_done=40,
        progress_total=100,
        error_origin="source",
        error_type="AuthError",
        error_message="The server refused the user name or password.",
        error_retryable=False,
    )
    SyncLogLine.objects.create(sync=sync, message="Read 40 rows.")
    SyncLogLine.objects.create(sync=sync, level="error", message="Failed: refused.")
    return sync


@pytest.fixture
def documents(connector):
    """Three documents stored through the engine's write path (so the counters know them)."""
    store_documents(
        connector,
        [
            SourceDocument(
                external_id=f"doc-{index}",
                title=f"Document number {index}",
                url=f"https://example.com/doc/{index}",
                mime_type="text/plain",
                content=f"Text of document {index}",
                metadata={"index": index},
                size=20,
            )
            for index in range(3)
        ],
    )
    return list(Document.objects.filter(connector=connector).order_by("id"))


@pytest.fixture
def associated(connector, collection, owner):
    services.connector_associate(actor=owner, connector=connector, collection=collection)
    return connector


class PageParser(HTMLParser):
    """Collects what the page tests look at: forms, inline scripts, styles and handlers."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.inline_scripts = 0
        self.inline_styles: list[str] = []
        self.handlers: list[str] = []
        self.external: list[str] = []
        self.ids: list[str] = []
        self.labels_for: set[str] = set()
        self.controls: list[dict] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        for name in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
        if "style" in attrs:
            self.inline_styles.append(f"<{tag} style={attrs['style']!r}>")
        if tag == "style":
            self.inline_styles.append("<style>")
        if tag == "script":
            if not attrs.get("src"):
                self.inline_scripts += 1
            elif re.match(r"^(https?:)?//", attrs["src"]):
                self.external.append(attrs["src"])
        if tag == "link" and re.match(r"^(https?:)?//", attrs.get("href") or ""):
            self.external.append(attrs["href"])
        if tag == "form":
            self.forms.append({"method": (attrs.get("method") or "get").lower(), "csrf": False})
        if tag == "input" and attrs.get("name") == "csrfmiddlewaretoken" and self.forms:
            self.forms[-1]["csrf"] = True
        if tag == "label" and attrs.get("for"):
            self.labels_for.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in (
            "hidden",
            "submit",
        ):
            self.controls.append(attrs)


def parse(response) -> PageParser:
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser
