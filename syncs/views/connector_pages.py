"""What syncs shows on the connector's pages (``connectors.extensions``, added when Django
starts): a connector's activity and uploaded files on its page, each listed connector's latest
sync, the documents a deletion removes, and what saving a schedule starts; and the upload of
files to a connector, which starts a sync."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from config.errors import InvalidInput
from config.pages.base import EDIT, workspace_page
from connectors import extensions, selectors
from syncs import selectors as sync_selectors
from syncs import start_rules
from syncs.forms import UploadFilesForm
from syncs.models import SyncTrigger
from syncs.uploads import accepts_uploads, files_of, upload_files
from syncs.views.syncs import activity_context

RECENT_UPLOADS = 20


@extensions.connector_page.add
def activity_and_uploads(connector) -> dict:
    context = activity_context(connector)
    if accepts_uploads(connector):
        context["upload_form"] = UploadFilesForm()
        context["uploaded_files"] = files_of(connector).order_by("-uploaded_at")[:RECENT_UPLOADS]
    return context


extensions.connector_list.add(sync_selectors.with_last_sync)


@extensions.connector_delete.add
def documents_removed(connector) -> dict:
    return {"document_count": sync_selectors.document_count(connector)}


extensions.schedule_saved.add(start_rules.on_save)


def _back(request, connector):
    return redirect("connectors:connector_detail", request.workspace.slug, connector.pk)


@workspace_page(EDIT)
@require_POST
def connector_upload(request, connector_id):
    connector = selectors.connector_in(request.workspace, connector_id)
    form = UploadFilesForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose one or more files to upload.")
        return _back(request, connector)
    try:
        result = upload_files(
            actor=request.user,
            connector=connector,
            files=form.cleaned_data["files"],
            trigger=SyncTrigger.MANUAL,
        )
    except InvalidInput as error:
        for texts in error.errors.values():
            for text in texts:
                messages.error(request, text)
        return _back(request, connector)
    new = sum(1 for stored in result.files if not stored.duplicate)
    held = len(result.files) - new
    summary = f"{new} file{'s' if new != 1 else ''} uploaded"
    if held:
        summary += f", {held} already held"
    summary += "; a sync reads them now." if result.sync else "."
    messages.success(request, summary)
    return _back(request, connector)
