"""Forms for the organisation directory: they clean input only; services do the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.regions import province_choices

from .models import OrganisationKind, ResourceType, Sector


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    resource_type = forms.ChoiceField(label=_("Resources offered"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = _blank(_("All sectors")) + list(Sector.choices)
        self.fields["kind"].choices = _blank(_("All kinds")) + list(OrganisationKind.choices)
        self.fields["province"].choices = _blank(_("All provinces")) + province_choices()
        self.fields["resource_type"].choices = _blank(_("All resources")) + list(
            ResourceType.choices
        )


class TagsField(forms.CharField):
    """Comma-separated tags ↔ a list of strings."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        return [tag.strip() for tag in text.split(",") if tag.strip()]


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=40, required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=OrganisationKind.choices,
        help_text=_("It must belong to the sector, e.g. a Pemda is in the public sector."),
    )
    province = forms.ChoiceField(label=_("Province"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    description_ind = forms.CharField(
        label=_("Description (Indonesian)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    expertise = TagsField(
        label=_("Expertise"),
        required=False,
        help_text=_("Comma-separated tags, e.g. hospital operation, water treatment."),
    )
    resource_types = forms.MultipleChoiceField(
        label=_("Resources offered"),
        required=False,
        choices=ResourceType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = _blank("—") + province_choices()
