"""The workspace switcher, spaces and collections."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from config.errors import InvalidInput
from config.pages.base import (
    EDIT,
    VIEW,
    add_errors,
    attempt,
    current_workspace,
    error_summary,
    page,
    remember_workspace,
    require,
    workspace_page,
)
from connectors import selectors
from connectors.forms import NamedForm
from tenancy import selectors as tenancy_selectors
from tenancy import services
from tenancy.filters import SpaceFilter
from tenancy.models import Collection
from tenancy.permissions import workspaces_for


@login_required
def home(request):
    workspace = current_workspace(request)
    if workspace is None:
        return page(request, "workspaces/none.html")
    return redirect("syncs:dashboard", workspace.slug)


@login_required
@require_POST
def switch(request):
    workspace = workspaces_for(request.user).filter(slug=request.POST.get("workspace", "")).first()
    if workspace is None:
        raise Http404("Workspace not found.")
    remember_workspace(request, workspace)
    return redirect("syncs:dashboard", workspace.slug)


def _collections_with_counts():
    return Collection.objects.annotate(connector_count=Count("associations")).order_by("name")


@workspace_page(VIEW)
def space_list(request):
    """Every space of the workspace with its collections; editors create spaces here."""
    form = NamedForm(request.POST or None, prefix="space")
    if request.method == "POST":
        require(request, EDIT)
        if form.is_valid():
            try:
                space = services.space_create(
                    actor=request.user,
                    workspace=request.workspace,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
            except InvalidInput as error:
                add_errors(error, form)
            else:
                messages.success(request, f"Space {space.name} created.")
                return redirect("connectors:space_detail", request.workspace.slug, space.pk)
    filterset = SpaceFilter(
        request.GET or None,
        queryset=tenancy_selectors.spaces_in(request.workspace)
        .prefetch_related(Prefetch("collections", queryset=_collections_with_counts()))
        .order_by("name"),
    )
    return page(
        request,
        "spaces/list.html",
        {
            "section": "spaces",
            "spaces": filterset.qs,
            "filter": filterset,
            "form": form,
            "errors": error_summary(form),
        },
    )


def _rename(request, form, call, success):
    """A rename form: the service call, its field errors onto the form."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except InvalidInput as error:
        add_errors(error, form)
        return False
    messages.success(request, success)
    return True


@workspace_page(VIEW)
def space_detail(request, space_id):
    space = tenancy_selectors.space_in(request.workspace, space_id)
    action = request.POST.get("form") if request.method == "POST" else None
    rename = NamedForm(
        request.POST if action == "rename" else None,
        prefix="rename",
        initial={"name": space.name, "description": space.description},
    )
    create = NamedForm(request.POST if action == "collection" else None, prefix="collection")
    if request.method == "POST":
        require(request, EDIT)
    if action == "rename" and _rename(
        request,
        rename,
        lambda data: services.space_update(
            actor=request.user, space=space, name=data["name"], description=data["description"]
        ),
        "Space saved.",
    ):
        return redirect("connectors:space_detail", request.workspace.slug, space.pk)
    if action == "collection" and create.is_valid():
        try:
            collection = services.collection_create(
                actor=request.user,
                space=space,
                name=create.cleaned_data["name"],
                description=create.cleaned_data["description"],
            )
        except InvalidInput as error:
            add_errors(error, create)
        else:
            messages.success(request, f"Collection {collection.name} created.")
            return redirect("connectors:space_detail", request.workspace.slug, space.pk)
    return page(
        request,
        "spaces/detail.html",
        {
            "section": "spaces",
            "space": space,
            "collections": _collections_with_counts().filter(space=space),
            "rename": rename,
            "create": create,
            "errors": error_summary(rename, create),
        },
    )


@workspace_page(EDIT)
def space_delete(request, space_id):
    space = tenancy_selectors.space_in(request.workspace, space_id)
    if request.method == "POST":
        if attempt(
            request,
            lambda: services.space_delete(actor=request.user, space=space),
            f"Space {space.name} deleted.",
        ):
            return redirect("connectors:space_list", request.workspace.slug)
        return redirect("connectors:space_detail", request.workspace.slug, space.pk)
    return page(
        request,
        "spaces/confirm_delete.html",
        {
            "section": "spaces",
            "object": space,
            "kind": "space",
            "blocked": space.collections.exists(),
        },
    )


@workspace_page(VIEW)
def collection_detail(request, collection_id):
    collection = tenancy_selectors.collection_in_workspace(request.workspace, collection_id)
    rename = NamedForm(
        request.POST if request.method == "POST" else None,
        prefix="rename",
        initial={"name": collection.name, "description": collection.description},
    )
    if request.method == "POST":
        require(request, EDIT)
        if _rename(
            request,
            rename,
            lambda data: services.collection_update(
                actor=request.user,
                collection=collection,
                name=data["name"],
                description=data["description"],
            ),
            "Collection saved.",
        ):
            return redirect("connectors:collection_detail", request.workspace.slug, collection.pk)
    connectors = (
        selectors.connectors_in(request.workspace)
        .filter(associations__collection=collection)
        .order_by("name")
    )
    return page(
        request,
        "spaces/collection.html",
        {
            "section": "spaces",
            "collection": collection,
            "connectors": connectors,
            "rename": rename,
            "errors": error_summary(rename),
        },
    )


@workspace_page(EDIT)
def collection_delete(request, collection_id):
    collection = tenancy_selectors.collection_in_workspace(request.workspace, collection_id)
    if request.method == "POST":
        attempt(
            request,
            lambda: services.collection_delete(actor=request.user, collection=collection),
            f"Collection {collection.name} deleted; its connectors stay in the workspace.",
        )
        return redirect("connectors:space_detail", request.workspace.slug, collection.space_id)
    return page(
        request,
        "spaces/confirm_delete.html",
        {
            "section": "spaces",
            "object": collection,
            "kind": "collection",
            "connector_count": collection.associations.count(),
        },
    )
