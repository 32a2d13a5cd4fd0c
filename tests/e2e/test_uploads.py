"""``upload`` end to end: files posted to the collection endpoint are stored, the sync the
upload queues runs in a worker and turns them into documents; a repeated file is not read twice,
and a removed file's document is pruned by the next sync."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from config.api.auth import KeyPrincipal
from syncs.models import Sync, UploadedFile
from syncs.uploads import uploaded_file_delete
from tenancy import services
from tenancy.models import ApiKeyRole
from tests.e2e.conftest import counts
from tests.registry.sources.files import make_pdf

pytestmark = [pytest.mark.worker, pytest.mark.database]


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def worker_env(media_root):
    return {"CONNECTOR_HUB_MEDIA_ROOT": str(media_root)}


@pytest.fixture(autouse=True)
def shared_media(settings, media_root):
    """The web process stores the originals where the worker reads them."""
    settings.MEDIA_ROOT = str(media_root)


@pytest.fixture
def api(owner, workspace):
    api_key, _ = services.api_key_create(
        actor=owner, workspace=workspace, name="uploader", role=ApiKeyRole.ADMIN
    )
    client = APIClient()
    client.force_authenticate(user=KeyPrincipal(api_key), token=api_key)
    return client


def post(api, space, collection, connector, *files) -> Sync:
    response = api.post(
        f"/v1/spaces/{space.pk}/collections/{collection.pk}/connectors/{connector.pk}/files",
        {
            "files": [
                SimpleUploadedFile(name, body, content_type=kind) for name, body, kind in files
            ]
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return Sync.objects.get(pk=response.json()["sync"]["id"])


def test_uploaded_files_become_documents_through_the_worker(hub, api, space, collection):
    inbox = hub.running("upload", {}, collections=[collection])

    queued = post(
        api,
        space,
        collection,
        inbox,
        ("minutes.txt", b"Minutes of the board meeting.", "text/plain"),
        ("report.pdf", make_pdf("Quarterly report: revenue grew."), "application/pdf"),
    )
    # The upload's own sync: it may have ended already, so it is waited for by its id.
    first = hub.finished(queued)
    assert first.status == "succeeded", hub.log(first)
    documents = {d.title: d for d in hub.documents(inbox).values()}
    assert set(documents) == {"minutes.txt", "report.pdf"}
    assert "revenue grew" in documents["report.pdf"].content
    assert documents["minutes.txt"].metadata["file_name"] == "minutes.txt"

    second = post(
        api,
        space,
        collection,
        inbox,
        ("minutes-copy.txt", b"Minutes of the board meeting.", "text/plain"),  # same bytes
        ("agenda.md", b"# Agenda\n\n1. Budget", "text/markdown"),
    )
    second = hub.finished(second)
    assert second.status == "succeeded", hub.log(second)

    assert counts(second) == {"created": 1, "updated": 0, "unchanged": 2, "deleted": 0}
    assert UploadedFile.objects.filter(connector=inbox).count() == 3

    minutes = UploadedFile.objects.get(connector=inbox, name="minutes.txt")
    uploaded_file_delete(actor=hub.owner, connector=inbox, file_id=minutes.pk)
    third = hub.sync(inbox)

    assert third.documents_deleted == 1
    assert {d.title for d in hub.documents(inbox).values()} == {"report.pdf", "agenda.md"}
