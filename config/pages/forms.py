"""What every app's page forms share."""

from django import forms


class PageForm(forms.Form):
    """Labels without a trailing colon, as every page shows them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
