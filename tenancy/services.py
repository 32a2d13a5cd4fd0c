"""Every write of the tenancy app: workspaces, spaces, collections, memberships (and members
who have no account yet) and API keys. Entry points call these and never write the ORM
themselves."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.actors import actor_label
from config.errors import Conflict, InvalidInput, validated
from config.events import emit
from tenancy.models import ApiKey, ApiKeyRole, Collection, Membership, Role, Space, Workspace

_UNSET = object()


def _set_fields(instance, **values) -> list[str]:
    changed = []
    for field, value in values.items():
        if value is not _UNSET and getattr(instance, field) != value:
            setattr(instance, field, value)
            changed.append(field)
    return changed


def _save_unique(instance, field: str, message: str, **save_options):
    try:
        with transaction.atomic():
            instance.save(**save_options)
    except IntegrityError:
        raise InvalidInput({field: [message]}) from None


@transaction.atomic
def workspace_create(*, actor, name: str, slug: str) -> Workspace:
    if Workspace.objects.filter(slug=slug).exists():
        raise InvalidInput({"slug": ["A workspace with this slug already exists."]})
    workspace = validated(Workspace(name=name, slug=slug))
    _save_unique(workspace, "slug", "A workspace with this slug already exists.")
    if getattr(actor, "is_authenticated", False) and not isinstance(actor, ApiKey):
        Membership.objects.create(user=actor, workspace=workspace, role=Role.OWNER)
    emit("workspace.created", actor=actor, obj=workspace, workspace_id=workspace.pk)
    return workspace


@transaction.atomic
def workspace_update(*, actor, workspace: Workspace, name=_UNSET) -> Workspace:
    changed = _set_fields(workspace, name=name)
    if changed:
        validated(workspace)
        workspace.save(update_fields=changed)
        emit(
            "workspace.updated",
            actor=actor,
            obj=workspace,
            workspace_id=workspace.pk,
            fields=changed,
        )
    return workspace


@transaction.atomic
def workspace_delete(*, actor, workspace: Workspace) -> None:
    if workspace.connectors.exists():  # the connectors app's visible connectors
        raise Conflict("The workspace still has connectors; delete them first.")
    emit("workspace.deleted", actor=actor, obj=workspace, workspace_id=workspace.pk)
    Collection.objects.filter(space__workspace=workspace).delete()
    workspace.delete()


SPACE_NAME_TAKEN = "A space with this name already exists in this workspace."
COLLECTION_NAME_TAKEN = "A collection with this name already exists in this space."


def _create_named(instance, siblings, *, actor, event: str, workspace_id, taken: str):
    """Save a new space or collection whose name is unique among ``siblings``."""
    if siblings.filter(name=instance.name).exists():
        raise InvalidInput({"name": [taken]})
    validated(instance)
    _save_unique(instance, "name", taken)
    emit(event, actor=actor, obj=instance, workspace_id=workspace_id)
    return instance


def _update_named(instance, siblings, *, actor, event: str, workspace_id, taken: str, **values):
    """Change a space's or collection's name and description; the name stays unique among
    ``siblings``."""
    changed = _set_fields(instance, **values)
    if changed:
        if (
            "name" in changed
            and siblings.filter(name=instance.name).exclude(pk=instance.pk).exists()
        ):
            raise InvalidInput({"name": [taken]})
        validated(instance)
        _save_unique(instance, "name", taken, update_fields=[*changed, "updated_at"])
        emit(event, actor=actor, obj=instance, workspace_id=workspace_id, fields=changed)
    return instance


@transaction.atomic
def space_create(*, actor, workspace: Workspace, name: str, description: str = "") -> Space:
    return _create_named(
        Space(workspace=workspace, name=name, description=description),
        Space.objects.filter(workspace=workspace),
        actor=actor,
        event="space.created",
        workspace_id=workspace.pk,
        taken=SPACE_NAME_TAKEN,
    )


@transaction.atomic
def space_update(*, actor, space: Space, name=_UNSET, description=_UNSET) -> Space:
    return _update_named(
        space,
        Space.objects.filter(workspace=space.workspace_id),
        actor=actor,
        event="space.updated",
        workspace_id=space.workspace_id,
        taken=SPACE_NAME_TAKEN,
        name=name,
        description=description,
    )


@transaction.atomic
def space_delete(*, actor, space: Space) -> None:
    if space.collections.exists():
        raise Conflict("The space still has collections; delete them first.")
    emit("space.deleted", actor=actor, obj=space, workspace_id=space.workspace_id)
    space.delete()


@transaction.atomic
def collection_create(*, actor, space: Space, name: str, description: str = "") -> Collection:
    return _create_named(
        Collection(space=space, name=name, description=description),
        Collection.objects.filter(space=space),
        actor=actor,
        event="collection.created",
        workspace_id=space.workspace_id,
        taken=COLLECTION_NAME_TAKEN,
    )


@transaction.atomic
def collection_update(
    *, actor, collection: Collection, name=_UNSET, description=_UNSET
) -> Collection:
    return _update_named(
        collection,
        Collection.objects.filter(space=collection.space_id),
        actor=actor,
        event="collection.updated",
        workspace_id=collection.space.workspace_id,
        taken=COLLECTION_NAME_TAKEN,
        name=name,
        description=description,
    )


@transaction.atomic
def collection_delete(*, actor, collection: Collection) -> None:
    """Deleting a collection dissociates its connectors; they stay in the workspace."""
    workspace_id = collection.space.workspace_id
    collection.associations.all().delete()
    emit("collection.deleted", actor=actor, obj=collection, workspace_id=workspace_id)
    collection.delete()


def _owner_count(workspace: Workspace) -> int:
    return Membership.objects.filter(workspace=workspace, role=Role.OWNER).count()


@transaction.atomic
def membership_set(*, actor, workspace: Workspace, user, role: str) -> Membership:
    if role not in Role.values:
        raise InvalidInput({"role": [f"Must be one of: {', '.join(Role.values)}."]})
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user, workspace=workspace, defaults={"role": role}
    )
    if not created and membership.role != role:
        if membership.role == Role.OWNER and _owner_count(workspace) == 1:
            raise Conflict("A workspace keeps at least one owner.")
        membership.role = role
        membership.save(update_fields=["role"])
    emit(
        "membership.set",
        actor=actor,
        obj=membership,
        workspace_id=workspace.pk,
        user=user.get_username(),
        role=role,
    )
    return membership


@transaction.atomic
def membership_remove(*, actor, workspace: Workspace, user) -> None:
    membership = (
        Membership.objects.select_for_update().filter(user=user, workspace=workspace).first()
    )
    if membership is None:
        return
    if membership.role == Role.OWNER and _owner_count(workspace) == 1:
        raise Conflict("A workspace keeps at least one owner.")
    emit(
        "membership.removed",
        actor=actor,
        obj=membership,
        workspace_id=workspace.pk,
        user=user.get_username(),
    )
    membership.delete()


@transaction.atomic
def api_key_create(
    *, actor, workspace: Workspace, name: str, role: str = ApiKeyRole.ADMIN, registry: bool = False
) -> tuple[ApiKey, str]:
    """A new key and its clear value, which is shown once and never stored."""
    if role not in ApiKeyRole.values:
        raise InvalidInput({"role": [f"Must be one of: {', '.join(ApiKeyRole.values)}."]})
    if not name or len(name) > 50:
        raise InvalidInput({"name": ["Must be 1 to 50 characters long."]})
    api_key, raw_key = ApiKey.objects.create_key(
        workspace=workspace,
        name=name,
        role=role,
        registry=registry,
        created_by=actor_label(actor),
    )
    emit(
        "api_key.created",
        actor=actor,
        obj=api_key,
        workspace_id=workspace.pk,
        prefix=api_key.prefix,
    )
    return api_key, raw_key


@transaction.atomic
def api_key_revoke(*, actor, api_key: ApiKey) -> ApiKey:
    if not api_key.revoked:
        api_key.revoked = True
        api_key.save(update_fields=["revoked"])
        emit(
            "api_key.revoked",
            actor=actor,
            obj=api_key,
            workspace_id=api_key.workspace_id,
            prefix=api_key.prefix,
        )
    return api_key


LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_key_touch(api_key: ApiKey) -> None:
    """Record use, at most once a minute per key so reads stay reads."""
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now


@transaction.atomic
def member_create(
    *, actor, workspace: Workspace, username: str, password: str, role: str, email: str = ""
) -> Membership:
    """Create a user account (Django's username and password rules apply) and make it a member
    of ``workspace`` with ``role``. Nothing is stored when any of it is refused."""
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput({"username": ["An account with this username already exists."]})
    user = User(username=username, email=email or "")
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput({"password": list(error.messages)}) from None
    user.set_password(password)
    validated(user)
    user.save()
    emit("user.created", actor=actor, obj=user, workspace_id=workspace.pk, user=username)
    return membership_set(actor=actor, workspace=workspace, user=user, role=role)
