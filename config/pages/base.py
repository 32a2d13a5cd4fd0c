"""What every page shares: the workspace named by the URL (a 404 outside the user's workspaces),
the role check, service calls whose domain errors become messages or form errors, and the context
the layout needs (workspace switcher, role flags).

The workspace a page shows is also remembered in the session under the API's
``SESSION_WORKSPACE_KEY``, so session requests to the API act on the workspace the user sees.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.http import Http404
from django.shortcuts import render

from config.api.base import SESSION_WORKSPACE_KEY
from config.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from tenancy.models import Workspace
from tenancy.permissions import EDIT, MANAGE, VIEW, can, can_write_registry, workspaces_for
from tenancy.selectors import as_uuid

__all__ = ["EDIT", "MANAGE", "VIEW", "attempt", "fragment", "page", "workspace_page"]

ROLE_REFUSED = {
    EDIT: "Your role in this workspace lets you look, not change things.",
    MANAGE: "Only the owners of this workspace can do this.",
}


def remember_workspace(request, workspace: Workspace) -> None:
    if request.session.get(SESSION_WORKSPACE_KEY) != str(workspace.pk):
        request.session[SESSION_WORKSPACE_KEY] = str(workspace.pk)


def current_workspace(request) -> Workspace | None:
    """The workspace the user last chose (or looked at), else their first one."""
    mine = workspaces_for(request.user)
    chosen = as_uuid(request.session.get(SESSION_WORKSPACE_KEY))
    found = mine.filter(pk=chosen).first() if chosen else None
    return found or mine.order_by("name").first()


def workspace_page(permission: str = VIEW):
    """A page inside ``/w/<workspace_slug>/``: login required, 404 outside the user's workspaces,
    403 when the role lacks ``permission``. Sets ``request.workspace``; domain NotFound and
    PermissionDenied raised by the view become 404 and 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, workspace_slug, *args, **kwargs):
            workspace = workspaces_for(request.user).filter(slug=workspace_slug).first()
            if workspace is None:
                raise Http404("Workspace not found.")
            if not can(request.user, permission, workspace):
                raise PageForbidden(ROLE_REFUSED.get(permission, "Not allowed."))
            request.workspace = workspace
            remember_workspace(request, workspace)
            try:
                return view(request, *args, **kwargs)
            except NotFound as error:
                raise Http404(error.message) from None
            except PermissionDenied as error:
                raise PageForbidden(error.message) from None

        return wrapper

    return decorator


def require(request, permission: str) -> None:
    """Inside a page that anyone in the workspace may see: refuse an action the role lacks."""
    if not can(request.user, permission, request.workspace):
        raise PageForbidden(ROLE_REFUSED.get(permission, "Not allowed."))


def layout_context(request) -> dict:
    workspace = getattr(request, "workspace", None) or current_workspace(request)
    user = request.user
    return {
        "workspace": workspace,
        "workspaces": list(workspaces_for(user).order_by("name")),
        "can_edit": bool(workspace) and can(user, EDIT, workspace),
        "can_manage": bool(workspace) and can(user, MANAGE, workspace),
        "can_write_registry": can_write_registry(user),
    }


def page(
    request,
    template: str,
    context: dict | None = None,
    *,
    status: int = 200,
    shows_secret: bool = False,
):
    """A workspace page with its layout. ``shows_secret``: the answer holds a value shown once
    (a new API key, a signing secret), which no cache may keep."""
    response = render(
        request, template, {**layout_context(request), **(context or {})}, status=status
    )
    if shows_secret:
        response["Cache-Control"] = "no-store"
    return response


def fragment(request, template: str, context: dict):
    """A part of a workspace page that the scripts swap in: what its template needs, no layout."""
    workspace = request.workspace
    return render(
        request,
        template,
        {
            "workspace": workspace,
            "can_edit": can(request.user, EDIT, workspace),
            **context,
        },
    )


def attempt(request, call, success: str | None = None) -> bool:
    """Run a service call; a domain error becomes an error message. True when it succeeded."""
    try:
        call()
    except DomainError as error:
        messages.error(request, error.message)
        return False
    if success:
        messages.success(request, success)
    return True


def add_errors(error: InvalidInput, *forms) -> None:
    """A service's field errors onto the first form that has the field, else onto the first form
    as a general error."""
    for key, texts in error.errors.items():
        target = next((form for form in forms if key in form.fields), None)
        for text in texts:
            if target is not None:
                target.add_error(key, text)
            else:
                forms[0].add_error(None, text)


def wants_fragment(request) -> bool:
    """A request from the enhancement scripts, which swap a server-rendered fragment in."""
    return request.headers.get("X-Fragment") == "1"


def error_summary(*forms) -> list[dict]:
    """Every error of the bound forms, each with the id of its control, for the summary at the
    top of a page (announced with role="alert"; each entry links to its field)."""
    found = []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        for message in form.non_field_errors():
            found.append({"id": "", "label": "", "message": message})
        for name, messages_ in form.errors.items():
            if name == "__all__" or name not in form.fields:
                continue
            bound = form[name]
            for message in messages_:
                found.append(
                    {
                        "id": bound.id_for_label or bound.auto_id,
                        "label": bound.label,
                        "message": message,
                    }
                )
    return found
