"""Forms of the pages. They only read and check input; every write goes through the services.
A connector's config form is generated from its definition (``connectors.schema.forms``)."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q

from config.errors import DomainError
from connectors import services
from tenancy.models import ApiKeyRole, Collection, Role

NAME_MAX = 200


class PageForm(forms.Form):
    """Labels without a trailing colon, as every page shows them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class NamedForm(PageForm):
    """Spaces and collections: a name and a description."""

    name = forms.CharField(max_length=NAME_MAX, label="Name")
    description = forms.CharField(
        required=False, label="Description", widget=forms.Textarea(attrs={"rows": 2})
    )


class CollectionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.space.name} / {obj.name}"


def workspace_collections(workspace):
    return (
        Collection.objects.filter(space__workspace=workspace)
        .select_related("space")
        .order_by("space__name", "name")
    )


class ConnectorForm(PageForm):
    """A connector's own fields next to its generated config form."""

    name = forms.CharField(max_length=NAME_MAX, label="Name")
    description = forms.CharField(
        required=False, label="Description", widget=forms.Textarea(attrs={"rows": 2})
    )
    collections = CollectionChoiceField(
        queryset=Collection.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Show its documents in",
        help_text="A collection shows the documents of the connectors added to it.",
    )

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collections"].queryset = workspace_collections(workspace)


class AddCollectionForm(PageForm):
    collection = forms.ModelChoiceField(
        queryset=Collection.objects.none(),
        label="Add to a collection",
        empty_label="Choose a collection",
    )

    def __init__(self, *args, workspace, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["collection"]
        field.queryset = workspace_collections(workspace).exclude(pk__in=[c.pk for c in exclude])
        field.label_from_instance = lambda obj: f"{obj.space.name} / {obj.name}"


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


class DistributionForm(PageForm):
    file = forms.FileField(
        label="Distribution file",
        help_text="A .zip, .tar, .tar.gz or .tgz holding metadata.json and ui-config.json.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,.tar,.gz,.tgz"}),
    )
    draft = forms.BooleanField(
        required=False,
        label="Register as a draft",
        help_text="Without this, the version is published at once (Live) and replaces the "
        "current Live version of the same connector.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.CONNECTOR_HUB_DISTRIBUTION_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(f"The file is larger than the limit of {limit} bytes.")
        return upload

    def register(self, actor) -> str | None:
        """Register the valid upload through the registry service: a line naming what was
        registered, or None with the refusal added to the file field."""
        upload = self.cleaned_data["file"]
        try:
            registered = services.definition_register(
                actor=actor,
                data=upload.read(),
                filename=upload.name,
                draft=self.cleaned_data["draft"],
            )
        except DomainError as error:
            self.add_error("file", error.message)
            return None
        return "Registered " + ", ".join(f"{d.registry_id} ({d.status})" for d in registered) + "."
