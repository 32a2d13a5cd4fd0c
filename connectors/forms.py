"""Forms of the pages. They only read and check input; every write goes through the services.
A connector's config form is generated from its definition (``connectors.schema.forms``)."""

from django import forms
from django.conf import settings

from config.errors import DomainError
from config.pages.forms import PageForm
from connectors import services
from tenancy.models import Collection

NAME_MAX = 200


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
