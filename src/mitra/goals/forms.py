"""Forms of the Goals tab. They only clean input; every rule (a range that holds the preferred
value, a walk-away point on the right side, who may do what) lives in the models and services,
whose messages land on the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mitra.core.choices import Confidentiality, Currency
from mitra.core.fields import LocalizedDecimalField
from mitra.partnerships.forms import version_field

from .models import UNIT_CHOICES, Direction, EntryKind

OTHER_TOPIC = "other"


def _language() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


class CatalogueLeverForm(forms.Form):
    catalogue_entry = forms.ChoiceField(label=_("Lever"))
    min_value = LocalizedDecimalField(
        label=_("Lowest possible value"),
        required=False,
        help_text=_("Leave empty to keep the catalogue's bounds."),
    )
    max_value = LocalizedDecimalField(label=_("Highest possible value"), required=False)

    def __init__(self, *args: Any, entries: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = _language()
        self.entries = {e["key"]: e for e in entries}
        self.fields["catalogue_entry"].choices = [(e["key"], e["name"][language]) for e in entries]

    def lever_data(self) -> dict[str, Any]:
        entry = self.entries[self.cleaned_data["catalogue_entry"]]
        lo, hi = entry["bounds"]
        return {
            "name_ind": entry["name"]["id"],
            "name_en": entry["name"]["en"],
            "description_ind": entry["description"]["id"],
            "description_en": entry["description"]["en"],
            "unit": entry["unit"],
            "currency": entry.get("currency", ""),
            "min_value": self.cleaned_data["min_value"]
            if self.cleaned_data["min_value"] is not None
            else lo,
            "max_value": self.cleaned_data["max_value"]
            if self.cleaned_data["max_value"] is not None
            else hi,
            "direction": entry["direction"],
        }


class LeverForm(forms.Form):
    name_ind = forms.CharField(label=_("Name (Indonesian)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    description_ind = forms.CharField(
        label=_("Description (Indonesian)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=UNIT_CHOICES)
    currency = forms.ChoiceField(
        label=_("Currency"),
        choices=[("", "—"), *Currency.choices],
        required=False,
        help_text=_("Only for a lever measured in money."),
    )
    min_value = LocalizedDecimalField(label=_("Lowest possible value"))
    max_value = LocalizedDecimalField(label=_("Highest possible value"))
    direction = forms.ChoiceField(label=_("Usual direction"), choices=Direction.choices)
    version = version_field()


class ObjectiveForm(forms.Form):
    member = forms.TypedChoiceField(label=_("On behalf of"), coerce=int)
    direction = forms.ChoiceField(label=_("What you want"), choices=Direction.choices)
    preferred = LocalizedDecimalField(label=_("Preferred value"))
    acceptable_min = LocalizedDecimalField(label=_("Acceptable from"))
    acceptable_max = LocalizedDecimalField(label=_("Acceptable up to"))
    walk_away = LocalizedDecimalField(
        label=_("Walk-away point"),
        required=False,
        help_text=_(
            "Beyond this you would rather leave than agree: below your range when higher is "
            "better, above it when lower is better."
        ),
    )
    weight = forms.IntegerField(
        label=_("Weight (1–100)"),
        min_value=1,
        max_value=100,
        initial=50,
        help_text=_("How much this lever matters to you compared with your other levers."),
    )
    confidentiality = forms.ChoiceField(
        label=_("Who may see it"),
        choices=[
            (Confidentiality.PARTNERS, _("All partners")),
            (Confidentiality.OWNER, _("My organisation only (a hidden constraint)")),
        ],
        initial=Confidentiality.PARTNERS,
        help_text=_(
            "A hidden objective still counts in the computation; the other partners see only "
            "that a hidden constraint exists."
        ),
    )
    note = forms.CharField(label=_("Why"), max_length=500, required=False)
    version = version_field()

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, str(m.organisation)) for m in members]
        if len(members) == 1:
            self.fields["member"].widget = forms.HiddenInput()
            self.fields["member"].initial = members[0].pk
            self.fields["member"].required = False


class ProposalForm(forms.Form):
    topic = forms.ChoiceField(label=_("On"))
    subject = forms.CharField(
        label=_("Topic"), max_length=200, required=False, help_text=_("When it is not a lever.")
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (EntryKind.PROPOSAL, EntryKind.PROPOSAL.label),
            (EntryKind.COUNTER, EntryKind.COUNTER.label),
        ],
    )
    value = LocalizedDecimalField(label=_("Value"), required=False)
    value_text = forms.CharField(
        label=_("Value (in words)"),
        max_length=300,
        required=False,
        help_text=_("When the topic is not a lever."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, levers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.levers = {str(lv.pk): lv for lv in levers}
        self.fields["topic"].choices = [
            *((str(lv.pk), lv.name) for lv in levers),
            (OTHER_TOPIC, _("Another topic")),
        ]

    def lever(self) -> Any:
        return self.levers.get(self.cleaned_data["topic"])


class AgreementForm(forms.Form):
    lever = forms.ChoiceField(label=_("Lever"))
    value = LocalizedDecimalField(label=_("Agreed value"))
    parties = forms.TypedMultipleChoiceField(
        label=_("Partners who agreed"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, levers: list[Any], members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.levers = {str(lv.pk): lv for lv in levers}
        self.members = {m.pk: m for m in members}
        self.fields["lever"].choices = [(str(lv.pk), lv.name) for lv in levers]
        self.fields["parties"].choices = [(m.pk, str(m.organisation)) for m in members]
        self.fields["parties"].initial = [m.pk for m in members]
