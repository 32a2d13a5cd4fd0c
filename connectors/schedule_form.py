"""The schedule section of the connector pages (the page form and the admin's): when a
connector syncs, as a ``schedules.Schedule`` for the services."""

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django import forms

from config.errors import InvalidInput
from config.pages.forms import PageForm
from connectors import schedules
from connectors.models import ScheduleType

SCHEDULE_CHOICES = [
    (ScheduleType.NONE, "No schedule: sync on demand"),
    (ScheduleType.IMMEDIATE, "When added to a collection, then on demand"),
    (ScheduleType.ONCE, "Once, each time the connector starts"),
    (ScheduleType.CRON, "Repeatedly, on a cron schedule"),
    (ScheduleType.WHEN, "Once, at a date and time"),
]
AT_FORMAT = "%Y-%m-%dT%H:%M"


def fold_schedule_fields(config_form) -> None:
    """Hide the config's fields that say when to sync (``schedules.SCHEDULE_FIELDS``): on the
    pages the schedule section is the one control, and saving writes them from it
    (``schedules.config_with_schedule``)."""
    for path in schedules.SCHEDULE_FIELDS:
        name = ".".join(path)
        if name in config_form.fields:
            config_form.fields[name].widget = forms.HiddenInput()


@cache
def timezone_names() -> tuple[str, ...]:
    """The IANA names the schedule accepts, for the time zone field's suggestions."""
    return tuple(sorted(available_timezones()))


class TimezoneInput(forms.TextInput):
    """A text field whose suggestions are every IANA time zone name: the browser filters them as
    one types (a ``<datalist>``, no script); the server still checks the name."""

    template_name = "connectors/widgets/timezone_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = context["widget"]["attrs"]["id"] + "-names"
        context["names"] = timezone_names()
        return context


class ScheduleForm(PageForm):
    """After ``is_valid()``, ``schedule`` is the ``schedules.Schedule`` to give the services."""

    type = forms.ChoiceField(
        choices=SCHEDULE_CHOICES,
        initial=ScheduleType.NONE,
        widget=forms.RadioSelect,
        label="When to sync",
    )
    cron = forms.CharField(
        required=False,
        max_length=120,
        label="Cron expression",
        help_text="Five fields: minute, hour, day of month, month, day of week. "
        "For example 0 6 * * 1-5 is 06:00 on weekdays.",
        widget=forms.TextInput(
            attrs={"placeholder": "0 6 * * 1-5", "spellcheck": "false", "autocomplete": "off"}
        ),
    )
    at = forms.CharField(
        required=False,
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    timezone = forms.CharField(
        required=False,
        initial="UTC",
        max_length=64,
        label="Time zone",
        help_text="Start typing a place (Berlin, New_York) or UTC and pick the IANA name.",
        widget=TimezoneInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )

    schedule: schedules.Schedule | None = None

    @classmethod
    def initial_for(cls, schedule: schedules.Schedule) -> dict:
        """The form's initial values for a stored schedule."""
        initial = {"type": schedule.type, "cron": schedule.cron, "timezone": schedule.timezone}
        if schedule.at:
            initial["at"] = schedule.at.astimezone(ZoneInfo(schedule.timezone)).strftime(AT_FORMAT)
        return initial

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("type")
        zone = (cleaned.get("timezone") or "UTC").strip()
        try:
            if kind == ScheduleType.CRON:
                self.schedule = schedules.cron(cleaned.get("cron") or "", zone, field="cron")
            elif kind == ScheduleType.WHEN:
                if not cleaned.get("at"):
                    raise InvalidInput({"at": ["Choose the date and time of the sync."]})
                self.schedule = schedules.when(cleaned["at"], zone, field="at")
            elif kind:
                self.schedule = schedules.Schedule(kind)
        except InvalidInput as error:
            self.schedule = None
            for key, texts in error.errors.items():
                for text in texts:
                    self.add_error(key if key in self.fields else None, text)
        return cleaned

    def preview(self, count: int = 5) -> dict | None:
        """The plain-language description and the next runs of a valid schedule."""
        if self.schedule is None:
            return None
        zone = ZoneInfo(self.schedule.timezone)
        runs: list[datetime] = schedules.next_runs(self.schedule, count)
        return {
            "description": schedules.describe(self.schedule),
            "runs": [run.astimezone(zone) for run in runs],
        }
