"""The page form of a new webhook; the service checks the URL (egress rules) and the events."""

from django import forms

from config.pages.forms import PageForm
from webhooks.models import EventType


class WebhookForm(PageForm):
    url = forms.URLField(
        max_length=2000,
        assume_scheme="https",
        label="Receiver URL",
        help_text="Events are POSTed here as signed JSON. Addresses on private networks are "
        "refused.",
    )
    events = forms.MultipleChoiceField(
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Events",
        initial=[EventType.SYNC_FAILED],
    )
    description = forms.CharField(max_length=200, required=False, label="Description")
