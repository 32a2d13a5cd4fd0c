"""Members of a workspace (owners only): invite an existing user or create an account, change a
role, remove a member. A workspace always keeps an owner (the services refuse otherwise)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from config.errors import DomainError, InvalidInput
from config.pages.base import MANAGE, add_errors, attempt, error_summary, page, workspace_page
from tenancy import services
from tenancy.forms import InviteForm, NewMemberForm, RoleForm
from tenancy.models import Membership
from tenancy.permissions import VIEW, can


def _membership(request, user_id) -> Membership:
    membership = (
        Membership.objects.filter(workspace=request.workspace, user_id=user_id)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise Http404("Member not found.")
    return membership


@workspace_page(MANAGE)
def member_list(request):
    which = request.POST.get("form") if request.method == "POST" else None
    invite = InviteForm(request.POST if which == "invite" else None, prefix="invite")
    create = NewMemberForm(request.POST if which == "create" else None, prefix="new")
    if which == "invite" and invite.is_valid():
        user = invite.cleaned_data["user"]
        already = Membership.objects.filter(workspace=request.workspace, user=user).exists()
        try:
            services.membership_set(
                actor=request.user,
                workspace=request.workspace,
                user=user,
                role=invite.cleaned_data["role"],
            )
        except DomainError as error:
            invite.add_error(None, error.message)
        else:
            verb = "is now" if already else "joined as"
            messages.success(
                request, f"{user.get_username()} {verb} {invite.cleaned_data['role']}."
            )
            return redirect("tenancy:member_list", request.workspace.slug)
    if which == "create" and create.is_valid():
        try:
            services.member_create(
                actor=request.user,
                workspace=request.workspace,
                username=create.cleaned_data["username"],
                email=create.cleaned_data["email"],
                password=create.cleaned_data["password"],
                role=create.cleaned_data["role"],
            )
        except InvalidInput as error:
            add_errors(error, create)
        else:
            messages.success(
                request,
                f"Account {create.cleaned_data['username']} created and added as "
                f"{create.cleaned_data['role']}.",
            )
            return redirect("tenancy:member_list", request.workspace.slug)
    memberships = (
        Membership.objects.filter(workspace=request.workspace)
        .select_related("user")
        .order_by("user__username")
    )
    return page(
        request,
        "members/list.html",
        {
            "section": "members",
            "memberships": memberships,
            "roles": RoleForm.base_fields["role"].choices,
            "invite": invite,
            "create": create,
            "errors": error_summary(invite, create),
        },
        status=400 if which and (invite.errors or create.errors) else 200,
    )


@workspace_page(MANAGE)
@require_POST
def member_role(request, user_id: int):
    membership = _membership(request, user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role: owner, editor or viewer.")
    else:
        attempt(
            request,
            lambda: services.membership_set(
                actor=request.user,
                workspace=request.workspace,
                user=membership.user,
                role=form.cleaned_data["role"],
            ),
            f"{membership.user.get_username()} is now {form.cleaned_data['role']}.",
        )
    return _after_change(request)


@workspace_page(MANAGE)
@require_POST
def member_remove(request, user_id: int):
    membership = _membership(request, user_id)
    attempt(
        request,
        lambda: services.membership_remove(
            actor=request.user, workspace=request.workspace, user=membership.user
        ),
        f"{membership.user.get_username()} was removed from {request.workspace.name}.",
    )
    return _after_change(request)


def _after_change(request):
    """Back to the members, or home when the user just gave up their own access."""
    user = get_user_model().objects.get(pk=request.user.pk)
    if not can(user, MANAGE, request.workspace):
        if can(user, VIEW, request.workspace):
            return redirect("syncs:dashboard", request.workspace.slug)
        return redirect("home")
    return redirect("tenancy:member_list", request.workspace.slug)
