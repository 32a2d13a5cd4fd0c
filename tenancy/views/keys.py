"""API keys of a workspace (owners): create (the key is shown once, in that response only),
list by prefix and last use, revoke."""

from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from config.errors import InvalidInput
from config.pages.base import MANAGE, add_errors, attempt, error_summary, page, workspace_page
from tenancy import services
from tenancy.forms import ApiKeyForm
from tenancy.models import ApiKey
from tenancy.permissions import can_write_registry


@workspace_page(MANAGE)
def key_list(request):
    allow_registry = can_write_registry(request.user)
    form = ApiKeyForm(request.POST or None, allow_registry=allow_registry)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            api_key, raw_key = services.api_key_create(
                actor=request.user,
                workspace=request.workspace,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                registry=form.cleaned_data.get("registry", False),
            )
        except InvalidInput as error:
            add_errors(error, form)
        else:
            created = {"key": api_key, "raw": raw_key}
            form = ApiKeyForm(allow_registry=allow_registry)
    keys = ApiKey.objects.filter(workspace=request.workspace).order_by("revoked", "-created")
    return page(
        request,
        "keys/list.html",
        {
            "section": "keys",
            "keys": keys,
            "form": form,
            "created": created,
            "errors": error_summary(form),
        },
        status=400 if form.errors else 200,
        shows_secret=created is not None,
    )


@workspace_page(MANAGE)
@require_POST
def key_revoke(request, prefix: str):
    api_key = ApiKey.objects.filter(workspace=request.workspace, prefix=prefix).first()
    if api_key is None:
        raise Http404("API key not found.")
    attempt(
        request,
        lambda: services.api_key_revoke(actor=request.user, api_key=api_key),
        f"The key {api_key.prefix}… ({api_key.name}) is revoked.",
    )
    return redirect("tenancy:key_list", request.workspace.slug)
