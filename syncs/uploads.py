"""Files given to ``upload`` connectors: validated, stored once per content, then synced.

``upload_files`` is the one write behind the API endpoint and the upload page. The originals go
to Django's default storage (``MEDIA_ROOT``); the connector's reader extracts their text.
"""

import hashlib
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from config.actors import actor_label
from config.errors import InvalidInput, NotFound, TransitionRefused
from config.events import emit
from connectors.models import Connector
from registry.sources.base import StoredFile
from registry.sources.extract import detect_type
from syncs import services as sync_services
from syncs.models import Sync, SyncTrigger, UploadedFile
from tenancy.models import Collection

UPLOAD_IMPLEMENTATION = "upload"
ALLOWED_SUFFIXES = "txt, md, html, pdf, docx, csv, json"


@dataclass
class StoredUpload:
    file: UploadedFile
    duplicate: bool


@dataclass
class UploadResult:
    files: list[StoredUpload] = field(default_factory=list)
    #: The sync that will read the new files; None when nothing was new, a sync was already
    #: active (it lists the files when it reads), or the connector is stopped or failed.
    sync: Sync | None = None


def accepts_uploads(connector: Connector) -> bool:
    return connector.definition.implementation == UPLOAD_IMPLEMENTATION


def files_of(connector: Connector) -> QuerySet[UploadedFile]:
    return UploadedFile.objects.filter(connector=connector).order_by("id")


def _digest(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):g} MB" if count >= 1024 * 1024 else f"{count} bytes"


def _validate(files: list) -> list[tuple[object, str]]:
    """Each file with its type; every refusal at once, naming the file, before anything is
    stored."""
    if not files:
        raise InvalidInput({"files": ["Send one or more files."]})
    limit = settings.CONNECTOR_HUB_UPLOAD_MAX_BYTES
    errors: dict[str, list[str]] = {}
    typed = []
    for position, upload in enumerate(files):
        name = (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:255]
        upload.name = name
        key = f"files.{position}"
        if not name:
            errors.setdefault(key, []).append("The file has no name.")
            continue
        if upload.size > limit:
            errors.setdefault(key, []).append(f"{name} is larger than the limit of {_size(limit)}.")
        mime_type = detect_type(name, getattr(upload, "content_type", "") or "")
        if mime_type is None:
            errors.setdefault(key, []).append(
                f"{name} is not an accepted type (accepted: {ALLOWED_SUFFIXES})."
            )
        typed.append((upload, mime_type))
    if errors:
        raise InvalidInput(errors)
    return typed


def upload_files(
    *,
    actor,
    connector: Connector,
    files: list,
    collection: Collection | None = None,
    trigger: str = SyncTrigger.API,
) -> UploadResult:
    """Store ``files`` (Django ``UploadedFile`` objects) on an upload connector and queue a sync.
    A file whose content the connector already holds is not stored again."""
    if not accepts_uploads(connector):
        raise InvalidInput({"connector": ["Only upload connectors accept files."]})
    typed = _validate(list(files))
    result = UploadResult()
    written: list[str] = []
    try:
        with transaction.atomic():
            for upload, mime_type in typed:
                result.files.append(_store(actor, connector, upload, mime_type, written))
            new = [stored.file for stored in result.files if not stored.duplicate]
            if new:
                result.sync = _trigger(actor, connector, collection, trigger)
                emit(
                    "connector.files_uploaded",
                    actor=actor,
                    obj=connector,
                    workspace_id=connector.workspace_id,
                    files=[file.name for file in new],
                )
    except BaseException:
        # The rows were rolled back: remove the originals written for them.
        for name in written:
            UploadedFile._meta.get_field("file").storage.delete(name)
        raise
    return result


def _store(actor, connector: Connector, upload, mime_type: str, written: list) -> StoredUpload:
    sha256 = _digest(upload)
    existing = UploadedFile.objects.filter(connector=connector, sha256=sha256).first()
    if existing is not None:
        return StoredUpload(existing, duplicate=True)
    row = UploadedFile(
        connector=connector,
        sha256=sha256,
        name=upload.name,
        size=upload.size,
        mime_type=mime_type,
        uploaded_by=actor_label(actor),
    )
    row.file.save(upload.name, upload, save=False)
    written.append(row.file.name)
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        # The same content arrived through a concurrent request.
        existing = UploadedFile.objects.filter(connector=connector, sha256=sha256).first()
        if existing is None:
            raise
        written.remove(row.file.name)
        row.file.storage.delete(row.file.name)
        return StoredUpload(existing, duplicate=True)
    return StoredUpload(row, duplicate=False)


def _trigger(actor, connector: Connector, collection, trigger: str) -> Sync | None:
    try:
        return sync_services.sync_trigger_unless_active(
            actor=actor, connector=connector, trigger=trigger, collection=collection
        )
    except TransitionRefused:
        return None  # stopped or failed: the files are read once the connector starts again


@transaction.atomic
def uploaded_file_delete(*, actor, connector: Connector, file_id: int) -> None:
    """Remove a file (its document goes with the next sync's pass) and queue that sync."""
    deleted, _ = UploadedFile.objects.filter(connector=connector, pk=file_id).delete()
    if not deleted:
        raise NotFound("File not found.")
    emit(
        "connector.file_deleted",
        actor=actor,
        obj=connector,
        workspace_id=connector.workspace_id,
        file=file_id,
    )
    _trigger(actor, connector, None, SyncTrigger.MANUAL)


def stored_files(connector_id, after: int, limit: int) -> list[StoredFile]:
    """Up to ``limit`` of the connector's stored files after the id ``after``, in id order: what
    the upload reader reads (through the engine's context)."""
    rows = UploadedFile.objects.filter(connector_id=connector_id, id__gt=after).order_by("id")
    return [
        StoredFile(
            id=row.pk,
            name=row.name,
            mime_type=row.mime_type,
            sha256=row.sha256,
            size=row.size,
            uploaded_by=row.uploaded_by,
            uploaded_at=row.uploaded_at,
            open=partial(row.file.open, "rb"),
        )
        for row in rows[:limit]
    ]
