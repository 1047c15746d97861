"""The directory app's forms: the public search, sign-up and registration; the business unit's editors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeguard.core.clock import UK
from safeguard.core.fields import TimeOfDayField
from safeguard.core.forms import GovukDateField, TextField

from . import needs as need_list
from .models import Channel, EventKind, NewsCategory, ServiceStatus

TIME_HELP = _("Use the 24-hour clock, for example 09:30 or 14:00 (UK time)")


class ServiceSearchForm(forms.Form):
    """Search the directory: words, a child's age, what they need help with, where they live."""

    q = forms.CharField(label=_("Search for a service"), required=False, max_length=100)
    age = forms.IntegerField(
        label=_("Age of the child or young person"),
        required=False,
        min_value=0,
        max_value=25,
        help_text=_("In years, for example 14"),
        error_messages={
            "invalid": _("Enter the age as a number, like 14"),
            "min_value": _("Enter an age of 0 or more"),
            "max_value": _("Enter an age of 25 or less"),
        },
    )
    need = forms.ChoiceField(
        label=_("What do they need help with?"),
        required=False,
        choices=[("", _("Anything")), *need_list.CHOICES],
    )
    area = forms.ChoiceField(label=_("Area"), required=False, choices=[("", _("Any area"))])

    def __init__(self, *args: Any, areas: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        field.choices = [("", _("Any area")), *[(a, a) for a in areas or []]]


class SignUpForm(forms.Form):
    """Ask for the newsletter."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )


class InterestForm(forms.Form):
    """Register an interest in an event."""

    name = TextField(
        label=_("Your name"), max_length=200, error_messages={"required": _("Enter your name")}
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )
    organisation = TextField(label=_("Organisation (optional)"), max_length=200, required=False)


# Business unit ---------------------------------------------------------------------------


def _age(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=120,
        error_messages={
            "invalid": f"{label} must be a whole number of years",
            "min_value": f"{label} must be 0 or more",
            "max_value": f"{label} must be 120 or less",
        },
    )


class ServiceForm(forms.Form):
    """Add or change a service in the directory."""

    organisation_name = TextField(
        label="Organisation that runs it",
        max_length=200,
        error_messages={"required": "Enter the organisation that runs the service"},
    )
    name = TextField(
        label="Name of the service",
        max_length=200,
        error_messages={"required": "Enter the name of the service"},
    )
    description = forms.CharField(
        label="What the service does",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what the service does"},
    )
    status = forms.ChoiceField(label="Status", choices=ServiceStatus.choices)
    minimum_age = _age("Youngest age")
    maximum_age = _age("Oldest age")
    maximum_age_with_disability = _age("Oldest age for a disabled young person (optional)")
    needs = forms.MultipleChoiceField(
        label="What it helps with",
        choices=need_list.CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one thing the service helps with"},
    )
    areas = forms.CharField(
        label="Areas it covers",
        help_text="One area on each line, for example City of York",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter at least one area the service covers"},
    )
    application_process = forms.CharField(
        label="How to refer or get help",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter how to refer to the service or get help from it"},
    )
    eligibility_description = forms.CharField(
        label="Who it is for (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    url = forms.URLField(
        label="Website (optional)",
        required=False,
        assume_scheme="https",
        max_length=500,
        error_messages={"invalid": "Enter a web address, like https://www.example.org"},
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format"},
    )
    phone = TextField(label="Phone number (optional)", max_length=40, required=False)

    def clean(self) -> dict[str, Any]:
        """The youngest age must not be above the oldest."""
        data = super().clean() or {}
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error(
                "maximum_age", "Oldest age must be the same as or more than youngest age"
            )
        return data


class ImportForm(forms.Form):
    """Upload an Open Referral UK file."""

    file = forms.FileField(
        label="Open Referral UK file",
        help_text="A JavaScript Object Notation (JSON) file of services, as exported by this or another directory",
        error_messages={"required": "Select an Open Referral UK file to import"},
    )


class NewsItemForm(forms.Form):
    """Write or change a news item."""

    title = TextField(label="Title", max_length=200, error_messages={"required": "Enter a title"})
    summary = TextField(
        label="Summary", max_length=300, error_messages={"required": "Enter a one-line summary"}
    )
    body = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": "Enter the text of the news item"},
    )
    category = forms.ChoiceField(label="Category", choices=NewsCategory.choices)
    published_on = GovukDateField(label="Publish date")


class EventForm(forms.Form):
    """Add or change an event or briefing session."""

    title = TextField(label="Title", max_length=200, error_messages={"required": "Enter a title"})
    kind = forms.ChoiceField(label="Kind of event", choices=EventKind.choices)
    description = forms.CharField(
        label="What it is about",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what the event is about"},
    )
    date = GovukDateField(label="Date")
    start = TimeOfDayField(
        label="Start time", help_text=TIME_HELP, error_messages={"required": "Enter a start time"}
    )
    end = TimeOfDayField(
        label="End time", help_text=TIME_HELP, error_messages={"required": "Enter an end time"}
    )
    location = TextField(
        label="Where",
        max_length=200,
        help_text="A place, or Online",
        error_messages={"required": "Enter where it is"},
    )
    audience = TextField(label="Who it is for (optional)", max_length=300, required=False)
    places = forms.IntegerField(
        label="Number of places (optional)", required=False, min_value=1, max_value=2000
    )

    def clean(self) -> dict[str, Any]:
        """Turn the date and times into the start and end (UK time)."""
        data = super().clean() or {}
        date = data.get("date")
        if date and data.get("start") and data.get("end"):
            data["starts_at"] = dt.datetime.combine(date, data["start"], tzinfo=UK)
            data["ends_at"] = dt.datetime.combine(date, data["end"], tzinfo=UK)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end", "End time must be after the start time")
        return data


class AwarenessDayForm(forms.Form):
    """Add a day or week to the awareness calendar."""

    name = TextField(label="Name", max_length=200, error_messages={"required": "Enter a name"})
    starts_on = GovukDateField(label="First day")
    ends_on = GovukDateField(label="Last day")
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    url = forms.URLField(
        label="Website (optional)", required=False, max_length=500, assume_scheme="https"
    )


class CampaignForm(forms.Form):
    """Add or change a campaign and its evaluation."""

    title = TextField(label="Title", max_length=200, error_messages={"required": "Enter a title"})
    subgroup = TextField(
        label="Subgroup it is for",
        max_length=200,
        help_text="For example Child exploitation subgroup",
        error_messages={"required": "Enter the subgroup the campaign is for"},
    )
    aims = forms.CharField(
        label="Aims",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the campaign's aims"},
    )
    starts_on = GovukDateField(label="Start date")
    ends_on = GovukDateField(label="End date")
    channels = forms.MultipleChoiceField(
        label="Channels",
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one channel"},
    )
    evaluation_report = forms.CharField(
        label="Evaluation report (optional until the campaign ends)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ComposeForm(forms.Form):
    """Start a month's newsletter issue."""

    month = GovukDateField(label="Any day in the month the issue is for")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("month", timezone.localdate())


class IssueForm(forms.Form):
    """Edit a draft issue before it is sent."""

    subject = TextField(
        label="Subject", max_length=200, error_messages={"required": "Enter a subject"}
    )
    body = forms.CharField(
        label="Text of the newsletter",
        widget=forms.Textarea(attrs={"rows": 20}),
        error_messages={"required": "Enter the text of the newsletter"},
    )
