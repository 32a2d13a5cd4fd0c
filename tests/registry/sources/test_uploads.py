"""Files given to upload connectors: the service, the endpoint and the reader."""

from functools import partial
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from config.api.auth import KeyPrincipal
from config.errors import InvalidInput
from registry.sources.installed import implementation
from syncs.models import Sync, SyncStatus, UploadedFile
from syncs.uploads import files_of, stored_files, upload_files, uploaded_file_delete
from tenancy import services
from tenancy.models import ApiKeyRole
from tests.reading import RecordingContext, documents_of, read_all
from tests.registry.sources.files import make_docx, make_pdf

pytestmark = pytest.mark.database


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CONNECTOR_HUB_UPLOAD_MAX_BYTES = 1024 * 1024
    return Path(settings.MEDIA_ROOT)


def a_file(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_files_are_stored_once_per_content_and_a_sync_is_queued(owner, inbox, media):
    result = upload_files(
        actor=owner,
        connector=inbox,
        files=[a_file("notes.txt", b"Meeting notes."), a_file("plan.md", b"# Plan")],
    )
    assert [(s.file.name, s.duplicate) for s in result.files] == [
        ("notes.txt", False),
        ("plan.md", False),
    ]
    stored = result.files[0].file
    assert stored.mime_type == "text/plain" and stored.size == 14
    assert (media / stored.file.name).read_bytes() == b"Meeting notes."
    assert stored.file.name.startswith(f"uploads/{inbox.pk}/")
    assert result.sync.status == SyncStatus.QUEUED

    Sync.objects.filter(pk=result.sync.pk).update(status=SyncStatus.SUCCEEDED)
    again = upload_files(
        actor=owner, connector=inbox, files=[a_file("copy-of-notes.txt", b"Meeting notes.")]
    )
    assert again.files[0].duplicate and again.files[0].file.pk == stored.pk
    assert again.sync is None  # nothing new to read
    assert files_of(inbox).count() == 2
    assert len(list((media / "uploads").rglob("*.*"))) == 2


def test_a_refused_file_stores_nothing_and_names_the_file(owner, inbox, media):
    with pytest.raises(InvalidInput) as caught:
        upload_files(
            actor=owner,
            connector=inbox,
            files=[
                a_file("fine.txt", b"ok"),
                a_file("tool.exe", b"MZ"),
                a_file("huge.txt", b"x" * (1024 * 1024 + 1)),
            ],
        )
    errors = caught.value.errors
    assert "tool.exe is not an accepted type" in errors["files.1"][0]
    assert "huge.txt is larger than the limit of 1 MB" in errors["files.2"][0]
    assert "files.0" not in errors
    assert not UploadedFile.objects.exists()
    assert not media.exists() or not any(media.rglob("*.*"))


def test_only_upload_connectors_take_files(owner, make_connector, inbox):
    other = make_connector()
    with pytest.raises(InvalidInput) as caught:
        upload_files(actor=owner, connector=other, files=[a_file("a.txt", b"a")])
    assert "connector" in caught.value.errors
    with pytest.raises(InvalidInput, match="one or more files"):
        upload_files(actor=owner, connector=inbox, files=[])


def test_the_reader_turns_each_file_into_a_document(owner, inbox):
    upload_files(
        actor=owner,
        connector=inbox,
        files=[
            a_file("report.pdf", make_pdf("Quarterly figures"), "application/pdf"),
            a_file("plan.docx", make_docx(["Step one"], title="The plan")),
            a_file("data.csv", b"a,b\n1,2\n", "text/csv"),
            a_file("page.html", b"<p>Hello <b>web</b></p>", "text/html"),
            a_file("broken.json", b"{nope", "application/json"),
        ],
    )
    context = RecordingContext(batch_size=2, stored_files=partial(stored_files, inbox.pk))
    source = implementation("upload")({}, context)
    source.check()
    batches, cursor = read_all(source)
    documents = {d.metadata["file_name"]: d for d in documents_of(batches)}
    assert set(documents) == {"report.pdf", "plan.docx", "data.csv", "page.html"}
    assert documents["report.pdf"].content == "Quarterly figures"
    assert documents["plan.docx"].title == "The plan"
    assert documents["data.csv"].content == "a\tb\n1\t2"
    assert documents["page.html"].content == "Hello web"
    assert any("broken.json" in line for _, line in context.lines)
    assert cursor == {"after": 0}  # the next read lists every file again
    assert [b.cursor for b in batches[:2]] != [{"after": 0}, {"after": 0}]


def test_a_removed_file_is_no_longer_listed(owner, inbox):
    result = upload_files(
        actor=owner, connector=inbox, files=[a_file("a.txt", b"A"), a_file("b.txt", b"B")]
    )
    Sync.objects.filter(pk=result.sync.pk).update(status=SyncStatus.SUCCEEDED)
    uploaded_file_delete(actor=owner, connector=inbox, file_id=result.files[0].file.pk)
    source = implementation("upload")(
        {}, RecordingContext(stored_files=partial(stored_files, inbox.pk))
    )
    assert [d.content for d in documents_of(read_all(source)[0])] == ["B"]


@pytest.fixture
def api(workspace, owner):
    """A client acting as an API key of a workspace (header parsing is the auth module's; here
    the key is the actor the endpoint scopes by)."""

    def client_with(role=ApiKeyRole.ADMIN, for_workspace=None):
        api_key, _ = services.api_key_create(
            actor=owner, workspace=for_workspace or workspace, name=f"key-{role}", role=role
        )
        client = APIClient()
        client.force_authenticate(user=KeyPrincipal(api_key), token=api_key)
        return client

    return client_with


def files_url(space, collection, connector):
    return f"/v1/spaces/{space.pk}/collections/{collection.pk}/connectors/{connector.pk}/files"


def test_the_endpoint_stores_files_and_reports_them(api, space, collection, inbox):
    response = api().post(
        files_url(space, collection, inbox),
        {"files": [a_file("a.txt", b"Alpha", "text/plain"), a_file("b.md", b"# Beta")]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [f["name"] for f in body["files"]] == ["a.txt", "b.md"]
    assert body["files"][1]["mime_type"] == "text/markdown"
    assert body["sync"]["status"] == "queued"
    assert Sync.objects.get(pk=body["sync"]["id"]).collection_id == collection.pk


def test_the_endpoint_refuses_bad_files_with_400(api, space, collection, inbox):
    url = files_url(space, collection, inbox)
    response = api().post(url, {"files": [a_file("x.exe", b"MZ")]}, format="multipart")
    assert response.status_code == 400
    assert "x.exe" in response.json()["errors"]["files.0"][0]
    assert api().post(url, {}, format="multipart").status_code == 400


def test_the_endpoint_is_scoped_and_needs_edit_rights(
    api, space, collection, inbox, other_workspace, owner
):
    url = files_url(space, collection, inbox)
    body = {"files": [a_file("a.txt", b"A")]}
    assert api(role=ApiKeyRole.VIEWER).post(url, body, format="multipart").status_code == 403
    outsider = api(for_workspace=other_workspace)
    assert outsider.post(url, body, format="multipart").status_code == 404
    assert APIClient().post(url, body, format="multipart").status_code in (401, 403)
    other = services.collection_create(actor=owner, space=space, name="Elsewhere")
    response = api().post(files_url(space, other, inbox), body, format="multipart")
    assert response.status_code == 404
    assert not UploadedFile.objects.exists()


def test_signed_in_members_upload_by_their_role(space, collection, inbox, editor, viewer):
    url = files_url(space, collection, inbox)
    client = APIClient()
    client.force_login(viewer)
    assert client.post(url, {"files": [a_file("a.txt", b"A")]}).status_code == 403
    client.force_login(editor)
    response = client.post(url, {"files": [a_file("a.txt", b"A")]})
    assert response.status_code == 201
    assert UploadedFile.objects.get().uploaded_by == "user:editor"
