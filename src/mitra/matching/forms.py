"""Forms of the matching pages. They clean input only: every rule lives in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mitra.core.choices import SDG, Confidentiality, Currency
from mitra.core.fields import LocalizedDecimalField
from mitra.core.regions import province_choices
from mitra.organisations.models import ResourceType
from mitra.partnerships.models import DevelopmentSector, PartnershipForm

AMOUNT = {"max_digits": 19, "decimal_places": 2}


def _blank(label: Any) -> list[tuple[Any, Any]]:
    return [("", label)]


def _version() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, required=False)


class BoardFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    resource_type = forms.ChoiceField(label=_("Resource type"), required=False)
    development_sector = forms.ChoiceField(
        label=pgettext_lazy("development sector", "Sector"), required=False
    )
    province = forms.ChoiceField(label=_("Province"), required=False)
    sdg = forms.TypedChoiceField(label=_("SDG"), required=False, coerce=int, empty_value=None)
    form = forms.ChoiceField(label=_("Form"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource_type"].choices = _blank(_("All resource types")) + list(
            ResourceType.choices
        )
        self.fields["development_sector"].choices = _blank(_("All sectors")) + list(
            DevelopmentSector.choices
        )
        self.fields["province"].choices = _blank(_("All provinces")) + province_choices()
        self.fields["sdg"].choices = _blank(_("All SDGs")) + list(SDG.choices)
        self.fields["form"].choices = _blank(_("All forms")) + list(PartnershipForm.choices)


class OfferForm(forms.Form):
    quantity = LocalizedDecimalField(label=_("Offered quantity or amount"), **AMOUNT)
    terms = forms.CharField(
        label=_("Terms"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Conditions of your offer: timing, in-kind details, reporting you expect."),
    )
    message = forms.CharField(
        label=_("Message to the coordinator"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = _version()

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[int, str]] | None = None,
        measure: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if measure:
            self.fields["quantity"].help_text = _("In %(measure)s, the need's own measure.") % {
                "measure": measure
            }
        if organisations and len(organisations) > 1:
            self.fields["organisation"] = forms.TypedChoiceField(
                label=_("On behalf of"), choices=organisations, coerce=int
            )
            self.order_fields(["organisation"])


class AcceptForm(forms.Form):
    confidentiality = forms.ChoiceField(
        label=_("Who may see the commitment"),
        choices=Confidentiality.choices,
        initial=Confidentiality.PARTNERS,
    )
    version = _version()


class DeclineForm(forms.Form):
    decline_reason = forms.CharField(
        label=_("Reason"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The offering organisation reads it."),
    )
    version = _version()


class WithdrawForm(forms.Form):
    version = _version()


class ProfileForm(forms.Form):
    capabilities_ind = forms.CharField(
        label=_("Capabilities (Indonesian)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What your organisation can do for a partnership, in a few sentences."),
    )
    capabilities_en = forms.CharField(
        label=_("Capabilities (English)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    regions = forms.MultipleChoiceField(
        label=_("Provinces served"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    nationwide = forms.BooleanField(label=_("Works nationwide"), required=False)
    development_sectors = forms.MultipleChoiceField(
        label=_("Sectors of work"),
        required=False,
        choices=DevelopmentSector.choices,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    known_forms = forms.MultipleChoiceField(
        label=_("Partnership forms it knows"),
        required=False,
        choices=PartnershipForm.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    annual_capacity = LocalizedDecimalField(
        label=_("Cash it can pledge in a year"),
        required=False,
        help_text=_("Optional. Used only to rank, never shown to other organisations."),
        **AMOUNT,
    )
    capacity_currency = forms.ChoiceField(
        label=_("Currency of that amount"),
        required=False,
        choices=_blank("—") + list(Currency.choices),
    )
    open_to_offers = forms.BooleanField(label=_("Suggest us for open needs"), required=False)
    version = _version()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = province_choices()
