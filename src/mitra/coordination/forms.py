"""Forms of the Lifecycle tab and the invitations page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.partnerships.models import Role, Stage

from .models import Decision


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Move to stage"), choices=Stage.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to go back a stage or to cancel; recorded in the history."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SignOffForm(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput, max_length=80)
    organisation = forms.IntegerField(widget=forms.HiddenInput, required=False)
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to reject: say what must change."),
    )


class InviteForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=[c for c in Role.choices if c[0] != Role.LEAD],
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label=_("Message to its administrators"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "—"), *organisations]


class AnswerForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the lead partner"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LeaveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does this partner leave?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ApprovalPolicyForm(forms.Form):
    """How an organisation signs off: approvals required and its designated approvers."""

    required_approvals = forms.IntegerField(
        label=_("Approvals required"),
        min_value=1,
        max_value=10,
        help_text=_("How many of the organisation's approvers must approve a step (1 to 10)."),
    )
    approvers = forms.TypedMultipleChoiceField(
        label=_("Designated approvers"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Leave all unticked: the organisation's administrators approve. Otherwise tick at "
            "least as many people as approvals required."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # The rules across fields (enough approvers, no more approvals than administrators) are the
    # service's (`services.approval_policy_set`, shared with the API); its errors land on the
    # fields here.
    def __init__(self, *args: Any, users: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approvers"].choices = users


class ExtendDeadlineForm(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput, max_length=80)
    due = forms.DateField(widget=forms.HiddenInput, required=False)
    to_date = forms.DateField(
        label=_("New due date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Why is the deadline extended?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
