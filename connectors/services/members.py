"""Workspace members who do not have an account yet: the account is created with the membership."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from config.events import emit
from connectors.errors import InvalidInput
from connectors.models import Membership, Workspace
from connectors.services.common import validated
from connectors.services.workspaces import membership_set


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
