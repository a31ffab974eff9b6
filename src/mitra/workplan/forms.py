"""Forms of the workplan and meetings: they only clean input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.partnerships.forms import version_field

from .models import DecisionRule, Position, TaskKind, TaskStatus


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


def _datetime(label: Any, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    )


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TaskKind.choices, initial="task")
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    member = forms.TypedChoiceField(
        label=_("Partner responsible"), coerce=int, required=False, empty_value=None
    )
    assignee = forms.TypedChoiceField(
        label=_("Person responsible"), coerce=int, required=False, empty_value=None
    )
    start_date = _date(_("Start date"))
    due_date = _date(_("Due date"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices, initial="not_started")
    depends_on = forms.TypedMultipleChoiceField(
        label=_("Depends on"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tasks that must end before this one starts."),
    )
    lifecycle_step = forms.ChoiceField(label=_("Lifecycle step"), required=False)
    version = version_field()

    def __init__(
        self,
        *args: Any,
        members: list[Any],
        people: list[tuple[int, str]],
        tasks: list[Any],
        steps: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "—")] + [(m.pk, str(m.organisation)) for m in members]
        self.fields["assignee"].choices = [("", "—"), *people]
        self.fields["depends_on"].choices = [(t.pk, t.title) for t in tasks]
        if not tasks:
            self.fields["depends_on"].widget = forms.MultipleHiddenInput()
        self.fields["lifecycle_step"].choices = [("", "—"), *steps]
        if not steps:
            self.fields["lifecycle_step"].widget = forms.HiddenInput()
        self.fields["due_date"].help_text = _("A milestone needs only its start date.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == TaskKind.MILESTONE and data.get("start_date"):
            data["due_date"] = data["start_date"]
        elif not data.get("due_date") and "due_date" not in self.errors:
            self.add_error("due_date", _("Enter the due date."))
        return data


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = _datetime(_("Starts at"))
    ends_at = _datetime(_("Ends at"), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_url = forms.URLField(
        label=_("Online meeting link"), max_length=500, required=False, assume_scheme="https"
    )
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    attending_members = forms.TypedMultipleChoiceField(
        label=_("Attending organisations"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attendees = forms.TypedMultipleChoiceField(
        label=_("Attending people"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    minutes = forms.CharField(
        label=_("Minutes (notulen)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was discussed and agreed, written down during the meeting."),
    )
    berita_acara = forms.TypedChoiceField(
        label=_("Berita acara"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_(
            "The signed official record of the meeting: upload it on the Documents tab, then "
            "choose it here."
        ),
    )
    version = version_field()

    def __init__(
        self,
        *args: Any,
        members: list[Any],
        people: list[tuple[int, str]],
        documents: list[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attending_members"].choices = [(m.pk, str(m.organisation)) for m in members]
        self.fields["attendees"].choices = people
        self.fields["berita_acara"].choices = [("", "—")] + [(d.pk, d.title) for d in documents]


class DecisionForm(forms.Form):
    """A decision with each current partner's position and, optionally, one action item."""

    title = forms.CharField(label=_("Decision"), max_length=300)
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    action_title = forms.CharField(label=_("Action item"), max_length=200, required=False)
    action_member = forms.TypedChoiceField(
        label=_("Partner responsible for the action"), coerce=int, required=False, empty_value=None
    )
    action_start = _date(_("Action starts"), required=False)
    action_due = _date(_("Action due"), required=False)

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for m in members:
            self.fields[f"position_{m.pk}"] = forms.ChoiceField(
                label=_("Position of %(partner)s") % {"partner": m.organisation},
                choices=[("", _("No position recorded")), *Position.choices],
                required=False,
            )
        self.fields["action_member"].choices = [("", "—")] + [
            (m.pk, str(m.organisation)) for m in members
        ]
        order = ["title", "description", *[f"position_{m.pk}" for m in members]]
        self.order_fields(order)

    def positions(self) -> dict[int, str]:
        data = self.cleaned_data
        return {
            m.pk: data[f"position_{m.pk}"] for m in self.members if data.get(f"position_{m.pk}")
        }

    def action_items(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        if not data.get("action_title"):
            return []
        return [
            {
                "title": data["action_title"],
                "member": data.get("action_member"),
                "start_date": data.get("action_start"),
                "due_date": data.get("action_due"),
            }
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action_title"):
            for name in ("action_start", "action_due"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("An action item needs its dates."))
        return data


class RuleForm(forms.Form):
    decision_rule = forms.ChoiceField(
        label=_("Decision rule"), choices=DecisionRule.choices, widget=forms.RadioSelect
    )
    version = version_field()
