"""The connector registry: every definition by status; staff upload distribution files, promote
drafts and retire versions (``can_write_registry``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from config.pages.base import attempt, error_summary, page
from registry import selectors, services
from registry.filters import DefinitionFilter
from registry.forms import DistributionForm
from registry.models import ConnectorDefinition, DefinitionStatus
from registry.sources.installed import is_installed
from tenancy.permissions import can_write_registry

STATUS_ORDER = [
    DefinitionStatus.LIVE,
    DefinitionStatus.DRAFT,
    DefinitionStatus.IN_VALIDATION,
    DefinitionStatus.RETIRED,
]


def _registry_page(request, form=None, status=200):
    filterset = DefinitionFilter(request.GET or None, queryset=selectors.definitions())
    definitions = list(filterset.qs.order_by("name", "version"))
    for definition in definitions:
        definition.installed = is_installed(definition.implementation)
    groups = [
        {
            "status": status_value,
            "label": status_value.label,
            "definitions": [d for d in definitions if d.status == status_value],
        }
        for status_value in STATUS_ORDER
    ]
    writer = can_write_registry(request.user)
    return page(
        request,
        "registry/list.html",
        {
            "section": "registry",
            "groups": groups,
            "filter": filterset,
            "form": (form or DistributionForm()) if writer else None,
            "errors": error_summary(form),
            "total": len(definitions),
        },
        status=status,
    )


@login_required
def registry(request):
    return _registry_page(request)


def _require_writer(request):
    if not can_write_registry(request.user):
        raise PageForbidden("Only staff can change the connector registry.")


@login_required
@require_POST
def registry_upload(request):
    _require_writer(request)
    form = DistributionForm(request.POST, request.FILES)
    if form.is_valid() and (registered := form.register(request.user)):
        messages.success(request, registered)
        return redirect("registry:registry")
    return _registry_page(request, form, status=400)


@login_required
@require_POST
def definition_promote(request, pk: int):
    _require_writer(request)
    definition = get_object_or_404(ConnectorDefinition, pk=pk)
    attempt(
        request,
        lambda: services.definition_promote(actor=request.user, definition=definition),
        f"{definition.registry_id} is Live.",
    )
    return redirect("registry:registry")


@login_required
@require_POST
def definition_retire(request, pk: int):
    _require_writer(request)
    definition = get_object_or_404(ConnectorDefinition, pk=pk)
    attempt(
        request,
        lambda: services.definition_retire(actor=request.user, definition=definition),
        f"{definition.registry_id} is retired; its connectors keep running.",
    )
    return redirect("registry:registry")
