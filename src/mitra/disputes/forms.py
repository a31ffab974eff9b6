"""Forms of the disputes pages. They only clean input; the rules live in the services."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from mitra.partnerships.forms import version_field

from . import ladders
from .models import Dependence, DisputeType, EventKind

#: A grievance form sent sooner than this after it was shown is a robot's.
MIN_FILL_SECONDS = 3
_SALT = "mitra.disputes.grievance-form"


class DisputeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    dispute_type = forms.ChoiceField(label=_("Type"), choices=DisputeType.choices)
    description = forms.CharField(
        label=_("What is disputed"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    parties = forms.TypedMultipleChoiceField(
        label=_("Partners involved"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_parties = forms.CharField(
        label=_("Others involved"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Communities or people who are not partners, one per line."),
    )
    documents = forms.TypedMultipleChoiceField(
        label=_("Documents"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    confidential = forms.BooleanField(
        label=_("Confidential: only the partners involved see it"), required=False
    )

    def __init__(self, *args: Any, members: list[Any], documents: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parties"].choices = [(m.pk, m.organisation.name) for m in members]
        self.fields["documents"].choices = [(d.pk, d.title) for d in documents]
        if not documents:
            del self.fields["documents"]


class DisputeEditForm(DisputeForm):
    """The raise form, prefilled, with the version it was opened on. A resolved dispute shows
    only what may still change (lessons learned and documents); an open one has no lessons
    learned yet (they are given when resolving)."""

    lessons = forms.CharField(
        label=_("Lessons learned"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = version_field()

    LOCKED_WHEN_RESOLVED = (
        "title",
        "dispute_type",
        "description",
        "parties",
        "other_parties",
        "confidential",
    )

    def __init__(self, *args: Any, resolved: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.LOCKED_WHEN_RESOLVED if resolved else ("lessons",):
            del self.fields[name]


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why go up a step?"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    version = version_field()


class ResolveForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}))
    lessons = forms.CharField(
        label=_("Lessons learned"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = version_field()


class SettingsForm(forms.Form):
    ladder_template = forms.ChoiceField(label=_("Escalation ladder of the agreement"))
    days = forms.CharField(
        label=_("Deadlines in days, one per step"),
        required=False,
        help_text=_("E.g. 30, 30, 60, 180. Leave empty for the template's deadlines."),
    )
    designated_member = forms.TypedChoiceField(
        label=_("Partner that answers grievances"), coerce=int
    )
    acknowledge_days = forms.IntegerField(
        label=_("Days to acknowledge a grievance"), min_value=1, max_value=90
    )
    official_dependence = forms.ChoiceField(
        label=_("Does the partnership depend on one official's support?"),
        choices=Dependence.choices,
    )
    multi_year_budget = forms.BooleanField(
        label=_("Multi-year budget commitment (kontrak tahun jamak)"), required=False
    )
    dprd_approval = forms.BooleanField(label=_("Approved by the DPRD"), required=False)
    change_in_law_clause = forms.BooleanField(
        label=_("The agreement has a change-in-law clause"), required=False
    )
    version = version_field()

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ladder_template"].choices = [
            (k, v["label"]) for k, v in ladders.LADDERS.items()
        ]
        self.fields["designated_member"].choices = [(m.pk, m.organisation.name) for m in members]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key = data.get("ladder_template")
        if key:
            ladder = ladders.ladder_of(key)
            text = (data.get("days") or "").replace(";", ",")
            if text.strip():
                try:
                    days = [int(x) for x in text.split(",") if x.strip()]
                except ValueError:
                    days = []
                if len(days) != len(ladder) or any(not 1 <= d <= 730 for d in days):
                    self.add_error(
                        "days",
                        _("Give %(n)s whole numbers from 1 to 730, one per step.")
                        % {"n": len(ladder)},
                    )
                else:
                    for step, d in zip(ladder, days, strict=True):
                        step["days"] = d
            data["ladder"] = ladder
        return data


class GrievanceForm(forms.Form):
    description = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )
    desa = forms.CharField(
        label=_("Village (desa or kelurahan), if you wish"), max_length=120, required=False
    )
    name = forms.CharField(label=_("Your name, if you wish"), max_length=120, required=False)
    contact = forms.CharField(
        label=_("Phone or e-mail, if you want an answer"),
        max_length=200,
        required=False,
        help_text=_("Never shown publicly: only the partner that answers grievances reads it."),
    )
    #: Honeypot: hidden from people, filled in by robots.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
    )
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = signing.dumps(time.time(), salt=_SALT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError(_("This form could not be sent. Try again."), code="spam")
        try:
            started = float(signing.loads(data.get("started") or "", salt=_SALT, max_age=86400))
        except (signing.BadSignature, TypeError, ValueError):
            raise forms.ValidationError(
                _("This form has expired: reload the page and try again."), code="expired"
            ) from None
        if time.time() - started < MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("This form was sent too quickly. Wait a moment and send it again."), code="fast"
            )
        return data


class GrievanceLookupForm(forms.Form):
    reference = forms.CharField(label=_("Reference number"), max_length=30)


class AcknowledgeForm(forms.Form):
    public_response = forms.CharField(
        label=_("Public response"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Shown on the public status page of the grievance."),
    )
    close = forms.BooleanField(label=_("Close the grievance"), required=False)
    version = version_field()


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    region = forms.CharField(
        label=_("Region"),
        max_length=120,
        required=False,
        help_text=_("Empty for a national event."),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    source = forms.URLField(label=_("Source"), required=False, assume_scheme="https")
    partnerships = forms.TypedMultipleChoiceField(
        label=_("Partnerships affected"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, partnerships: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partnerships"].choices = [(p.pk, p.title) for p in partnerships]


class LinkEventForm(forms.Form):
    event = forms.TypedChoiceField(label=_("Event"), coerce=int)
    note = forms.CharField(
        label=_("How it affects the partnership"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args: Any, events: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [(e.pk, f"{e.date:%Y-%m-%d} · {e.title}") for e in events]


class AmendmentForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    amends = forms.CharField(
        label=_("Amends"), max_length=200, help_text=_("The agreement or clause it changes.")
    )
    document = forms.TypedChoiceField(
        label=_("Amended document"), coerce=int, required=False, empty_value=None
    )
    rationale = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(label=_("What changes"), widget=forms.Textarea(attrs={"rows": 2}))
    event = forms.TypedChoiceField(
        label=_("Following the event"), coerce=int, required=False, empty_value=None
    )
    public = forms.BooleanField(
        label=_("Publish with the open contracting data"), required=False, initial=True
    )

    def __init__(self, *args: Any, documents: list[Any], events: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = [("", "—"), *((d.pk, d.title) for d in documents)]
        self.fields["event"].choices = [("", "—"), *((e.pk, e.title) for e in events)]
