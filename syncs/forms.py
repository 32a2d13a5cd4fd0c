"""The form of the pages that upload files for a connector to sync (the schedule's form is
``connectors.schedule_form``)."""

from django import forms

from config.pages.forms import PageForm


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files; cleans to a list."""

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data] if data else [single(None, initial)]
        return [single(data, initial)]


class UploadFilesForm(PageForm):
    files = MultipleFileField(
        label="Files",
        help_text="txt, md, html, pdf, docx, csv or json; several at once.",
        widget=MultipleFileInput(attrs={"accept": ".txt,.md,.html,.htm,.pdf,.docx,.csv,.json"}),
    )
