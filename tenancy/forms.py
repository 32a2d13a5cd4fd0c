"""Forms of the workspace's members and API keys pages. They only read and check input; every
write goes through the services."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from config.pages.forms import PageForm
from tenancy.models import ApiKeyRole, Role


class ApiKeyForm(PageForm):
    name = forms.CharField(max_length=50, label="Name", help_text="What or who uses this key.")
    role = forms.ChoiceField(
        choices=ApiKeyRole.choices,
        initial=ApiKeyRole.VIEWER,
        label="Role",
        help_text="Admin keys change and manage the workspace; viewer keys only read.",
    )
    registry = forms.BooleanField(
        required=False,
        label="May also write the connector registry",
        help_text="Only staff can create such keys.",
    )

    def __init__(self, *args, allow_registry: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_registry:
            del self.fields["registry"]


def find_user(identifier: str):
    """An existing user by exact username or (unique) e-mail address, else None."""
    User = get_user_model()
    identifier = identifier.strip()
    if not identifier:
        return None
    found = list(
        User.objects.filter(Q(username=identifier) | Q(email__iexact=identifier), is_active=True)[
            :2
        ]
    )
    by_name = [user for user in found if user.username == identifier]
    if by_name:
        return by_name[0]
    return found[0] if len(found) == 1 else None


class InviteForm(PageForm):
    user = forms.CharField(
        max_length=254,
        label="Username or e-mail",
        help_text="Someone who already has an account.",
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER, label="Role")

    def clean_user(self):
        user = find_user(self.cleaned_data["user"])
        if user is None:
            raise forms.ValidationError(
                "No active account has this username or e-mail. Create the account below instead."
            )
        return user


class NewMemberForm(PageForm):
    username = forms.CharField(max_length=150, label="Username")
    email = forms.EmailField(required=False, label="E-mail")
    password = forms.CharField(
        label="Initial password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Give it to the person safely; they can change it later.",
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER, label="Role")


class RoleForm(PageForm):
    role = forms.ChoiceField(choices=Role.choices, label="Role")
