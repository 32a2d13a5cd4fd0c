"""The registry page's upload form; the registration itself is the registry's service."""

from django import forms
from django.conf import settings

from config.errors import DomainError
from config.pages.forms import PageForm
from registry import services


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
