"""Forms of the pages. They only read and check input; every write goes through the services.
A connector's config form is generated from its definition (``registry.schema.forms``)."""

from django import forms

from config.pages.forms import PageForm
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
