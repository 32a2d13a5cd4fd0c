"""Documents of a collection or a connector (filtered, paged by id) and one document, escaped."""

import pytest
from django.urls import reverse

from connectors import services
from registry.sources.base import SourceDocument
from syncs.models import Document
from tests.documents import store_documents

pytestmark = pytest.mark.database


def make_documents(connector, count, **extra):
    return Document.objects.bulk_create(
        Document(
            connector=connector,
            external_id=f"{connector.name}-{extra.get('prefix', 'Doc')}-{index}",
            title=f"{extra.get('prefix', 'Doc')} {index}",
            content_hash="x" * 64,
            mime_type="text/plain",
        )
        for index in range(count)
    )


def test_pages_of_fifty_newest_first_with_older_and_newer_links(
    login, viewer, workspace, connector
):
    make_documents(connector, 60)
    client = login(viewer)
    listing = reverse("syncs:connector_documents", args=[workspace.slug, connector.pk])
    first = client.get(listing)
    titles = [d.title for d in first.context["documents"]]
    assert len(titles) == 50 and titles[0] == "Doc 59" and titles[-1] == "Doc 10"
    older = first.context["pager"]["older"]
    assert first.context["pager"]["newer"] is None
    second = client.get(listing, {"before": older})
    assert [d.title for d in second.context["documents"]] == [f"Doc {i}" for i in range(9, -1, -1)]
    assert second.context["pager"]["older"] is None
    back = client.get(listing, {"after": second.context["pager"]["newer"]})
    assert [d.title for d in back.context["documents"]] == titles
    assert 'rel="next"' in first.content.decode()


def test_filtering_by_title_and_type(login, viewer, workspace, connector):
    make_documents(connector, 3)
    make_documents(connector, 2, prefix="Report")
    Document.objects.filter(title="Report 1").update(mime_type="application/pdf")
    client = login(viewer)
    listing = reverse("syncs:connector_documents", args=[workspace.slug, connector.pk])
    assert len(client.get(listing, {"title": "report"}).context["documents"]) == 2
    found = client.get(listing, {"mime_type": "application/pdf"}).context["documents"]
    assert [d.title for d in found] == ["Report 1"]
    bad = client.get(listing, {"created_after": "yesterday"})
    assert bad.status_code == 200 and 'role="alert"' in bad.content.decode()


def test_a_collection_shows_the_documents_of_its_connectors_only(
    login, viewer, workspace, collection, associated, make_connector, owner
):
    make_documents(associated, 2, prefix="Mine")
    outside = make_connector(name="outside")
    make_documents(outside, 2, prefix="Outside")
    listing = reverse("syncs:collection_documents", args=[workspace.slug, collection.pk])
    response = login(viewer).get(listing)
    assert sorted(d.title for d in response.context["documents"]) == ["Mine 0", "Mine 1"]
    by_connector = login(viewer).get(listing, {"connector": str(associated.pk)})
    assert len(by_connector.context["documents"]) == 2
    services.connector_dissociate(actor=owner, connector=associated, collection=collection)
    assert not login(viewer).get(listing).context["documents"]


def test_a_document_page_escapes_what_the_source_wrote(login, viewer, workspace, connector):
    document = Document.objects.create(
        connector=connector,
        external_id="evil",
        title="<img src=x onerror=alert(1)>",
        url="javascript:alert(1)",
        content="<script>alert('text')</script> plain words",
        content_hash="y" * 64,
        metadata={"author": "<b>Eve</b>"},
    )
    html = (
        login(viewer)
        .get(reverse("syncs:document_detail", args=[workspace.slug, document.pk]))
        .content.decode()
    )
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#x27;text&#x27;)" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript:' not in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html


def test_a_document_page_links_its_source(login, viewer, workspace, documents):
    html = (
        login(viewer)
        .get(reverse("syncs:document_detail", args=[workspace.slug, documents[1].pk]))
        .content.decode()
    )
    assert 'href="https://example.com/doc/1"' in html
    assert "Text of document 1" in html
    assert "Document number 1" in html


def test_documents_of_other_workspaces_and_deleted_ones_are_not_found(
    login, viewer, workspace, documents, other_workspace
):
    stranger = other_workspace.memberships.get().user
    client = login(stranger)
    assert (
        client.get(
            reverse("syncs:document_detail", args=[other_workspace.slug, documents[0].pk])
        ).status_code
        == 404
    )
    Document.objects.filter(pk=documents[0].pk).update(deleted_at="2020-01-01T00:00:00Z")
    assert (
        login(viewer)
        .get(reverse("syncs:document_detail", args=[workspace.slug, documents[0].pk]))
        .status_code
        == 404
    )


def test_the_oldest_page_is_one_jump_away_and_the_total_comes_from_the_counters(
    login, viewer, workspace, connector
):
    store_documents(
        connector,
        [SourceDocument(external_id=f"row-{index}", title=f"Row {index}") for index in range(120)],
    )
    client = login(viewer)
    listing = reverse("syncs:connector_documents", args=[workspace.slug, connector.pk])
    first = client.get(listing)
    assert "120 documents" in first.content.decode()
    assert "Oldest »" in first.content.decode() and "« Newest" not in first.content.decode()
    oldest = client.get(listing, {"at": "oldest"})
    titles = [d.title for d in oldest.context["documents"]]
    assert titles == [f"Row {i}" for i in range(49, -1, -1)]  # the 50 oldest, newest first
    assert oldest.context["pager"]["older"] is None and oldest.context["pager"]["newer"]
    html = oldest.content.decode()
    assert "« Newest" in html and "Oldest »" not in html
    newer = client.get(listing, {"after": oldest.context["pager"]["newer"]})
    assert [d.title for d in newer.context["documents"]][-1] == "Row 50"


def test_a_table_row_reads_as_its_columns(login, viewer, workspace, connector):
    store_documents(
        connector,
        [
            SourceDocument(
                external_id="42",
                title="orders 42",
                mime_type="application/json",
                content='{"id": 42, "customer": "Ada <b>", "total": "12.50", "note": null}',
            )
        ],
    )
    row = Document.objects.get(connector=connector, external_id="42")
    page = (
        login(viewer)
        .get(reverse("syncs:document_detail", args=[workspace.slug, row.pk]))
        .content.decode()
    )
    assert 'aria-label="Columns of this row"' in page
    assert '<th scope="row" class="mono small">customer</th>' in page
    assert "Ada &lt;b&gt;" in page and '<span class="muted">null</span>' in page
    assert "Extracted text" not in page


def test_a_web_page_s_structure_shows_rendered_and_sanitised(login, viewer, workspace, connector):
    store_documents(
        connector,
        [
            SourceDocument(
                external_id="https://example.com/faq",
                title="FAQ",
                mime_type="text/html",
                content=(
                    "# Questions\n\n## How do I install it?\n\nRun **make run**.\n\n"
                    "- The guide\n- The API\n\n<script>alert(1)</script>\n\n"
                    "[click](javascript:alert(2)) [docs](https://example.com/docs)\n\n"
                    "| Plan | Price |\n| --- | --- |\n| Free | 0 |"
                ),
            )
        ],
    )
    row = Document.objects.get(connector=connector, external_id="https://example.com/faq")
    page = (
        login(viewer)
        .get(reverse("syncs:document_detail", args=[workspace.slug, row.pk]))
        .content.decode()
    )
    assert "<h2>How do I install it?</h2>" in page and "<strong>make run</strong>" in page
    assert "<li>The guide</li>" in page and "<td>Free</td>" in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert 'href="javascript:' not in page  # left as text, never a link
    assert (
        'href="https://example.com/docs"' in page and 'rel="noopener noreferrer nofollow"' in page
    )
