"""Forms for partnership pages. They clean input only: every rule lives in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mitra.core.choices import SDG, Confidentiality, Currency, Unit
from mitra.core.fields import LocalizedDecimalField
from mitra.core.regions import province_choices
from mitra.core.widgets import ListSelect
from mitra.organisations.models import ResourceType, Sector

from .models import (
    AgreementType,
    DevelopmentSector,
    DocumentType,
    GovernmentSupport,
    Initiative,
    ListingStatus,
    PartnershipForm,
    ReturnMechanism,
    Role,
    Stage,
    Visibility,
)

AMOUNT = {"max_digits": 19, "decimal_places": 2}


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


def date_field(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


def version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, required=False)


class ActingOrganisationMixin:
    """Adds an 'on behalf of' choice when the user belongs to several partner organisations."""

    def setup_organisation(self, choices: list[tuple[int, str]]) -> None:
        fields = self.fields  # type: ignore[attr-defined]
        if len(choices) > 1:
            fields["organisation"] = forms.TypedChoiceField(
                label=_("On behalf of"), choices=choices, coerce=int
            )
            self.order_fields(["organisation"])  # type: ignore[attr-defined]


class PartnershipFilterForm(forms.Form):
    # ListSelect: the same HTML as forms.Select, without the template engine (core.widgets)
    q = forms.CharField(label=_("Search"), required=False)
    form = forms.ChoiceField(label=_("Form"), required=False, widget=ListSelect)
    stage = forms.ChoiceField(label=_("Stage"), required=False, widget=ListSelect)
    development_sector = forms.ChoiceField(
        label=pgettext_lazy("development sector", "Sector"), required=False, widget=ListSelect
    )
    province = forms.ChoiceField(label=_("Province"), required=False, widget=ListSelect)
    partner_sector = forms.ChoiceField(label=_("Partner from"), required=False, widget=ListSelect)
    my_role = forms.ChoiceField(label=_("My role"), required=False, widget=ListSelect)
    mine = forms.BooleanField(label=_("Only my partnerships"), required=False)
    #: Set by the "all partnerships" link of an organisation's profile.
    organisation = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, authenticated: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form"].choices = _blank(_("All forms")) + list(PartnershipForm.choices)
        self.fields["stage"].choices = _blank(_("All stages")) + list(Stage.choices)
        self.fields["development_sector"].choices = _blank(
            pgettext_lazy("development sector", "All sectors")
        ) + list(DevelopmentSector.choices)
        self.fields["province"].choices = _blank(_("All provinces")) + province_choices()
        self.fields["partner_sector"].choices = _blank(_("Any sector")) + list(Sector.choices)
        self.fields["my_role"].choices = _blank(_("Any role")) + list(Role.choices)
        if not authenticated:
            del self.fields["my_role"]
            del self.fields["mine"]


class PartnershipBaseForm(forms.Form):
    title_ind = forms.CharField(label=_("Title (Indonesian)"), max_length=250)
    title_en = forms.CharField(
        label=_("Title (English)"),
        max_length=250,
        required=False,
        help_text=_("Leave empty to show the Indonesian title in English pages."),
    )
    summary_ind = forms.CharField(
        label=_("Summary (Indonesian)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    summary_en = forms.CharField(
        label=_("Summary (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    form = forms.ChoiceField(
        label=_("Form of partnership"),
        choices=PartnershipForm.choices,
        help_text=_("The form decides which sectors must take part, and from which stage."),
    )
    development_sector = forms.ChoiceField(
        label=_("Development sector"), choices=DevelopmentSector.choices
    )
    province = forms.ChoiceField(label=_("Province"), required=False)
    regency = forms.CharField(label=_("Regency or city"), max_length=120, required=False)
    start_date = date_field(_("Start date"))
    end_date = date_field(_("End date"))
    estimated_value = LocalizedDecimalField(label=_("Estimated value"), required=False, **AMOUNT)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial="IDR")
    sdgs = forms.TypedMultipleChoiceField(
        label=_("SDGs"),
        choices=SDG.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    initiative = forms.ChoiceField(
        label=_("Initiative (prakarsa)"),
        required=False,
        choices=_blank("—") + list(Initiative.choices),
        help_text=_("KPBU only: proposed by the PJPK (solicited) or by a business (unsolicited)."),
    )
    return_mechanism = forms.ChoiceField(
        label=_("Return mechanism"),
        required=False,
        choices=_blank("—") + list(ReturnMechanism.choices),
    )
    government_support = forms.MultipleChoiceField(
        label=_("Government support and guarantees"),
        required=False,
        choices=GovernmentSupport.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    concession_years = forms.IntegerField(
        label=_("Concession period (years)"), required=False, min_value=1, max_value=99
    )
    listing_status = forms.ChoiceField(
        label=_("Listing status"),
        required=False,
        choices=_blank(_("Not listed")) + list(ListingStatus.choices),
    )
    agreement_type = forms.ChoiceField(
        label=_("Agreement type"),
        required=False,
        choices=_blank("—") + list(AgreementType.choices),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Visibility.choices,
        initial=Visibility.DRAFT,
        help_text=_("Draft and partners-only partnerships are seen by their partners only."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = _blank("—") + province_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("estimated_value") is not None and data["estimated_value"] < 0:
            self.add_error("estimated_value", _("The estimated value cannot be negative."))
        return data


class PartnershipCreateForm(PartnershipBaseForm):
    lead_organisation = forms.TypedChoiceField(
        label=_("Lead organisation"),
        coerce=int,
        help_text=_("Organisations you administer; the lead manages the partnership."),
    )
    lead_roles = forms.MultipleChoiceField(
        label=_("Roles of the lead organisation"),
        required=False,
        choices=[c for c in Role.choices if c[0] != Role.LEAD],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_organisation"].choices = organisations
        self.order_fields(["lead_organisation"])


class PartnershipEditForm(PartnershipBaseForm):
    #: Shown, not edited: the stage moves through the lifecycle's gate (coordination).
    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=Stage.choices,
        required=False,
        disabled=True,
        help_text=_("The stage moves on the Lifecycle tab (Tahapan), through its gate."),
    )
    version = version_field()

    field_order = [
        "title_ind",
        "title_en",
        "summary_ind",
        "summary_en",
        "form",
        "stage",
        "development_sector",
    ]


class MemberAddForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    joined_on = date_field(_("Joined on"))

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = _blank("—") + organisations


class MemberEditForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    joined_on = date_field(_("Joined on"))
    left_on = date_field(
        _("Left on"), help_text=_("Record the date a partner left instead of removing it.")
    )
    version = version_field()


class ConfirmForm(forms.Form):
    """An empty form: the POST itself is the confirmation (with its CSRF token)."""


class NeedForm(forms.Form):
    title_ind = forms.CharField(label=_("Title (Indonesian)"), max_length=200)
    title_en = forms.CharField(
        label=_("Title (English)"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to show the Indonesian title in English pages."),
    )
    resource_type = forms.ChoiceField(label=_("Resource type"), choices=ResourceType.choices)
    quantity = LocalizedDecimalField(label=_("Quantity or amount"), **AMOUNT)
    currency = forms.ChoiceField(
        label=_("Currency"),
        required=False,
        choices=_blank("—") + list(Currency.choices),
        help_text=_("For cash needs only."),
    )
    unit = forms.ChoiceField(
        label=_("Unit"),
        required=False,
        choices=_blank("—") + list(Unit.choices),
        help_text=_("For other resources: the unit in which it is counted."),
    )
    due_date = date_field(_("Needed by"))
    description_ind = forms.CharField(
        label=_("Description (Indonesian)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description_en = forms.CharField(
        label=_("Description (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = version_field()


class CommitmentForm(ActingOrganisationMixin, forms.Form):
    quantity = LocalizedDecimalField(label=_("Pledged quantity or amount"), **AMOUNT)
    due_date = date_field(_("Due date"))
    confidentiality = forms.ChoiceField(
        label=_("Who may see it"),
        choices=Confidentiality.choices,
        initial=Confidentiality.PARTNERS,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    #: Hidden until the service finds the pledge implausible (far above what the need still
    #: lacks); it then appears as a checkbox with the service's message (see add_error).
    confirm_over_pledge = forms.BooleanField(
        label=_("Yes, pledge this amount"), required=False, widget=forms.HiddenInput
    )
    version = version_field()

    def __init__(
        self, *args: Any, organisations: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.setup_organisation(organisations or [])
        if self.data.get(self.add_prefix("confirm_over_pledge")) == "on":
            self.fields["confirm_over_pledge"].widget = forms.CheckboxInput()

    def add_error(self, field: str | None, error: Any) -> None:
        if field == "confirm_over_pledge":
            self.fields[field].widget = forms.CheckboxInput()
        super().add_error(field, error)


class DeliveryForm(forms.Form):
    delivered_on = date_field(_("Delivery date"), required=True)
    quantity = LocalizedDecimalField(label=_("Delivered quantity or amount"), **AMOUNT)
    evidence = forms.TypedChoiceField(
        label=_("Evidence document"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("A document of this partnership that proves the delivery (optional)."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, documents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = _blank("—") + documents


class ObjectiveForm(ActingOrganisationMixin, forms.Form):
    text = forms.CharField(
        label=_("Objective"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    sdg = forms.TypedChoiceField(
        label=_("SDG"),
        choices=_blank("—") + list(SDG.choices),
        coerce=int,
        required=False,
        empty_value=None,
    )
    weight = forms.IntegerField(
        label=_("Weight"),
        min_value=1,
        max_value=100,
        initial=50,
        help_text=_("Relative importance to your organisation, 1–100."),
    )
    confidentiality = forms.ChoiceField(
        label=_("Who may see it"),
        choices=Confidentiality.choices,
        initial=Confidentiality.PARTNERS,
    )
    version = version_field()

    def __init__(
        self, *args: Any, organisations: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.setup_organisation(organisations or [])


class DocumentForm(ActingOrganisationMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    doc_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    revision = forms.CharField(label=_("Document version"), max_length=20, initial="1.0")
    confidentiality = forms.ChoiceField(
        label=_("Who may see it"),
        choices=Confidentiality.choices,
        initial=Confidentiality.PARTNERS,
    )
    file = forms.FileField(label=_("File"))

    def __init__(
        self, *args: Any, organisations: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.setup_organisation(organisations or [])
