"""The connector catalog (cards of Live definitions) and the definitions' icons."""

import base64
import binascii

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from config.pages.base import VIEW, page, workspace_page
from registry import selectors
from registry.distribution.package import ICON_TYPES
from registry.filters import DefinitionFilter
from registry.models import ConnectorDefinition, DefinitionStatus

# An icon comes from a distribution file anyone with registry rights may upload: it is served as
# an image that can run nothing, even when opened on its own.
ICON_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@workspace_page(VIEW)
def catalog(request):
    live = selectors.definitions(statuses=[DefinitionStatus.LIVE]).order_by("name", "version")
    filterset = DefinitionFilter(request.GET or None, queryset=live)
    del filterset.filters["status"]
    return page(
        request,
        "catalog/list.html",
        {"section": "catalog", "definitions": filterset.qs, "filter": filterset},
    )


@login_required
@require_GET
def definition_icon(request, pk: int):
    definition = get_object_or_404(ConnectorDefinition, pk=pk)
    header, _, data = definition.icon.partition(",")
    mime = header.removeprefix("data:").removesuffix(";base64")
    if not header.startswith("data:") or not header.endswith(";base64"):
        raise Http404("This definition has no packaged icon.")
    if mime not in set(ICON_TYPES.values()):
        raise Http404("Not an image.")
    try:
        content = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise Http404("Unreadable icon.") from None
    response = HttpResponse(content, content_type=mime)
    response["Content-Security-Policy"] = ICON_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
