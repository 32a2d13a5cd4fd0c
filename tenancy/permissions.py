"""Who may do what in a workspace: the one policy every entry point asks.

Users act through their membership role; API keys through their own role (an admin key edits and
manages, a viewer key only reads). Staff users may write the registry, as may keys created with
the registry permission.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from tenancy.models import ApiKey, ApiKeyRole, Membership, Role, Workspace

VIEW, EDIT, MANAGE = "view", "edit", "manage"

_ROLE_GRANTS = {
    Role.VIEWER: {VIEW},
    Role.EDITOR: {VIEW, EDIT},
    Role.OWNER: {VIEW, EDIT, MANAGE},
    ApiKeyRole.VIEWER: {VIEW},
    ApiKeyRole.ADMIN: {VIEW, EDIT, MANAGE},
}


def role_in(actor, workspace: Workspace) -> str | None:
    if isinstance(actor, ApiKey):
        return actor.role if actor.workspace_id == workspace.pk else None
    if isinstance(actor, AbstractBaseUser) and actor.is_authenticated:
        if actor.is_superuser:
            return Role.OWNER
        return (
            Membership.objects.filter(user=actor, workspace=workspace)
            .values_list("role", flat=True)
            .first()
        )
    return None


def can(actor, permission: str, workspace: Workspace) -> bool:
    return allows(role_in(actor, workspace), permission)


def allows(role: str | None, permission: str) -> bool:
    """Whether ``role`` (from ``role_in``, ``None`` for an outsider) grants ``permission``."""
    return role is not None and permission in _ROLE_GRANTS[role]


def workspace_and_role(actor, *, pk=None, slug: str | None = None):
    """``(workspace, role)`` of the workspace with this id (else slug) that the actor belongs
    to, in one query (none for an API key's own workspace); ``(None, None)`` when the actor has
    no such workspace."""
    match = {"pk": pk} if pk is not None else {"slug": slug}
    if isinstance(actor, ApiKey):
        own = actor.workspace
        found = own.pk == pk if pk is not None else own.slug == slug
        return (own, actor.role) if found else (None, None)
    if not (isinstance(actor, AbstractBaseUser) and actor.is_authenticated):
        return None, None
    if actor.is_superuser:
        return Workspace.objects.filter(**match).first(), Role.OWNER
    membership = (
        Membership.objects.filter(user=actor, **{f"workspace__{k}": v for k, v in match.items()})
        .select_related("workspace")
        .first()
    )
    if membership is None:
        return None, None
    return membership.workspace, membership.role


def can_write_registry(actor) -> bool:
    if isinstance(actor, ApiKey):
        return actor.registry and actor.role == ApiKeyRole.ADMIN
    return isinstance(actor, AbstractBaseUser) and actor.is_active and actor.is_staff


def workspaces_for(actor) -> QuerySet[Workspace]:
    if isinstance(actor, ApiKey):
        return Workspace.objects.filter(pk=actor.workspace_id)
    if isinstance(actor, AbstractBaseUser) and actor.is_authenticated:
        if actor.is_superuser:
            return Workspace.objects.all()
        return Workspace.objects.filter(memberships__user=actor)
    return Workspace.objects.none()
