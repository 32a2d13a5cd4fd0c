"""Upload connectors with media in an S3 bucket (django-storages against moto): the originals go
to the bucket, the reader reads them back from it, and removing a file removes its object."""

import itertools
from functools import partial

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from config.media import media_storage
from registry.sources.installed import implementation
from syncs.models import Sync, SyncStatus
from syncs.uploads import stored_files, upload_files, uploaded_file_delete
from tests.reading import RecordingContext, documents_of, read_all
from tests.servers.moto_s3 import REGION

pytestmark = pytest.mark.database

_buckets = itertools.count(1)


@pytest.fixture
def bucket(settings, moto):
    name = f"hub-media-test-{next(_buckets)}"
    moto.client().create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": media_storage(
            f"s3://{name}/media?endpoint_url={moto.url}&region={REGION}&addressing_style=path",
            access_key_id=moto.writer.access_key_id,
            secret_access_key=moto.writer.secret_access_key,
        ),
    }

    def keys():
        listing = moto.client().list_objects_v2(Bucket=name)
        return sorted(entry["Key"] for entry in listing.get("Contents", []))

    return name, keys


def test_uploads_are_stored_in_the_bucket_and_read_back(owner, inbox, bucket):
    name, keys = bucket
    result = upload_files(
        actor=owner,
        connector=inbox,
        files=[
            SimpleUploadedFile("notes.txt", b"Meeting notes.", content_type="text/plain"),
            SimpleUploadedFile("again.txt", b"Meeting notes.", content_type="text/plain"),
            SimpleUploadedFile("plan.md", b"# Plan", content_type="text/markdown"),
        ],
    )

    stored = {s.file.name: s.file.file.name for s in result.files if not s.duplicate}
    assert keys() == sorted(f"media/{key}" for key in stored.values())  # the copy stored once
    context = RecordingContext(stored_files=partial(stored_files, inbox.pk))
    documents = documents_of(read_all(implementation("upload")({}, context))[0])
    assert sorted(d.content for d in documents) == ["# Plan", "Meeting notes."]


def test_a_removed_file_takes_its_object_with_it(
    owner, inbox, bucket, django_capture_on_commit_callbacks
):
    name, keys = bucket
    result = upload_files(
        actor=owner,
        connector=inbox,
        files=[SimpleUploadedFile("a.txt", b"A"), SimpleUploadedFile("b.txt", b"B")],
    )
    Sync.objects.filter(pk=result.sync.pk).update(status=SyncStatus.SUCCEEDED)
    removed = result.files[0].file

    with django_capture_on_commit_callbacks(execute=True):
        uploaded_file_delete(actor=owner, connector=inbox, file_id=removed.pk)

    assert keys() == [f"media/{result.files[1].file.file.name}"]


def test_an_object_gone_from_the_bucket_is_reported_not_fatal(owner, inbox, bucket, moto):
    name, keys = bucket
    result = upload_files(
        actor=owner,
        connector=inbox,
        files=[SimpleUploadedFile("a.txt", b"A"), SimpleUploadedFile("b.txt", b"B")],
    )
    moto.client().delete_object(Bucket=name, Key=f"media/{result.files[0].file.file.name}")

    context = RecordingContext(stored_files=partial(stored_files, inbox.pk))
    documents = documents_of(read_all(implementation("upload")({}, context))[0])

    assert [d.content for d in documents] == ["B"]
    assert ("error", "a.txt: the stored file cannot be read.") in context.lines
