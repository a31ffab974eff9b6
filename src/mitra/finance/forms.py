"""Forms of the project-finance model. They turn what a person types into the spec's numbers and
back; every rule lives in the core's validator (``validate_model``), whose JSON paths become the
fields' errors here (:func:`field_for_path`). The most common problems are also checked here
first, with messages in the reader's language.

One table, :data:`FIELDS`, names every input of the spec once: its JSON path, the form field,
the group it is entered in, its kind and label. The form, the XLSX template
(``spec_files``) and the path → field mapping are built from it.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.analysis import validate_model
from mitra.core.choices import Currency
from mitra.core.fields import plain_number_text
from mitra.partnerships.forms import version_field
from mitra.partnerships.models import PartnershipMember
from mitra.risks.forms import NumberField

SPEC_VERSION = "1.0"

GROUPS: list[tuple[str, Any, Any]] = [
    ("general", _("The project"), _("Name, currency, years and discount rates.")),
    (
        "capex",
        _("Capital expenditure by year"),
        _("Construction cost and land, per construction year."),
    ),
    ("opex", _("Operating cost"), _("Operation and maintenance cost of the private party.")),
    (
        "revenue_user",
        _("Revenue: tariff × demand"),
        _("User charges (tariff times demand); leave empty for a project without user charges."),
    ),
    (
        "revenue_ap",
        _("Revenue: availability payment"),
        _("Paid by the PJPK for an available, well-performing asset, with its deductions."),
    ),
    (
        "support",
        _("Government support and payments to the government"),
        _("Viability gap funding (Dukungan Kelayakan), subsidy, guarantee and concession fee."),
    ),
    ("debt", _("Debt"), _("Senior debt of the project company (BUP).")),
    ("tax", _("Tax"), _("Corporate income tax and depreciation.")),
    (
        "handback",
        _("Hand-back and other costs"),
        _("End of the concession and extra costs by year (lifecycle renewals, hand-back works)."),
    ),
]


@dataclass(frozen=True)
class Field:
    path: tuple[str, ...]  # JSON path of the spec
    name: str  # form field name
    group: str
    kind: str  # str text int num rate list ramp deductions other_costs currency unit repayment
    label: Any
    help: Any = ""
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None

    @property
    def key(self) -> str:
        """The dotted path, e.g. ``debt.rate`` (the XLSX template's key)."""
        return ".".join(self.path)


RATE_HELP = _("In percent a year: 8 means 8%.")
PCT_HELP = _("In percent: 70 means 70%.")
LIST_HELP = _("One amount per construction year, separated by semicolons, in model units.")

FIELDS: tuple[Field, ...] = (
    # the project
    Field(("name",), "name", "general", "str", _("Model name"), required=True),
    Field(("description",), "description", "general", "text", _("Description")),
    Field(("currency",), "currency", "general", "currency", _("Currency"), required=True),
    Field(
        ("amount_unit",),
        "amount_unit",
        "general",
        "unit",
        _("Amounts in"),
        _("Every amount of the model (except the tariff) is in multiples of this."),
        required=True,
    ),
    Field(
        ("start_year",),
        "start_year",
        "general",
        "int",
        _("First construction year"),
        _("Calendar year of financial close and the first construction year."),
        required=True,
        minimum=1900,
        maximum=2200,
    ),
    Field(
        ("construction_years",),
        "construction_years",
        "general",
        "int",
        _("Construction years"),
        _("Operations start the year after the last construction year."),
        required=True,
        minimum=1,
        maximum=20,
    ),
    Field(
        ("price_base_year",),
        "price_base_year",
        "general",
        "int",
        _("Price base year"),
        _(
            "Year whose prices the tariff, opex and payments are stated in (default: the first construction year)."
        ),
        minimum=1900,
        maximum=2300,
    ),
    Field(
        ("discount_rates", "public"),
        "rate_public",
        "general",
        "rate",
        _("Public discount rate"),
        _("For the government's net present cost, in percent a year."),
        required=True,
        minimum=-100,
        maximum=100,
    ),
    Field(
        ("discount_rates", "equity"),
        "rate_equity",
        "general",
        "rate",
        _("Required return on equity"),
        _("The investors' required return, in percent a year."),
        required=True,
        minimum=-100,
        maximum=100,
    ),
    Field(
        ("discount_rates", "project"),
        "rate_project",
        "general",
        "rate",
        _("Project discount rate (WACC)"),
        _("In percent a year; empty: the return on equity."),
        minimum=-100,
        maximum=100,
    ),
    # capex
    Field(
        ("capex",),
        "capex",
        "capex",
        "list",
        _("Construction capex by year"),
        LIST_HELP,
        required=True,
    ),
    Field(
        ("land_acquisition",),
        "land_acquisition",
        "capex",
        "list",
        _("Land acquisition by year (paid by the government)"),
        LIST_HELP,
    ),
    # opex
    Field(
        ("opex", "annual"),
        "opex_annual",
        "opex",
        "num",
        _("Operating cost a year"),
        _("At base-year prices, in model units."),
        required=True,
        minimum=0,
    ),
    Field(
        ("opex", "indexation"),
        "opex_indexation",
        "opex",
        "rate",
        _("Opex indexation"),
        RATE_HELP,
        minimum=-100,
        maximum=100,
    ),
    # user pays
    Field(
        ("user_pays", "tariff"),
        "up_tariff",
        "revenue_user",
        "num",
        _("Tariff per unit"),
        _("In plain currency units (not model units), at base-year prices."),
        minimum=0,
    ),
    Field(
        ("user_pays", "demand"),
        "up_demand",
        "revenue_user",
        "num",
        _("Demand in the first operating year"),
        _("Units a year, before ramp-up."),
        minimum=0,
    ),
    Field(
        ("user_pays", "demand_unit"),
        "up_demand_unit",
        "revenue_user",
        "str",
        _("Demand unit"),
        _("e.g. vehicle trips"),
    ),
    Field(
        ("user_pays", "tariff_indexation"),
        "up_tariff_indexation",
        "revenue_user",
        "rate",
        _("Tariff indexation"),
        RATE_HELP,
        minimum=-100,
        maximum=100,
    ),
    Field(
        ("user_pays", "demand_growth"),
        "up_demand_growth",
        "revenue_user",
        "rate",
        _("Demand growth"),
        RATE_HELP,
        minimum=-100,
        maximum=100,
    ),
    Field(
        ("user_pays", "ramp_up"),
        "up_ramp_up",
        "revenue_user",
        "ramp",
        _("Ramp-up of the first operating years"),
        _("Demand multipliers separated by semicolons, e.g. 0,7; 0,85."),
    ),
    Field(
        ("user_pays", "tariff_frozen_from"),
        "up_tariff_frozen_from",
        "revenue_user",
        "int",
        _("Tariff frozen from (year)"),
        _("First calendar year without indexation; empty: indexed throughout."),
        minimum=1900,
        maximum=2300,
    ),
    # availability payment
    Field(
        ("availability_payment", "annual"),
        "ap_annual",
        "revenue_ap",
        "num",
        _("Availability payment a year"),
        _("The full payment at base-year prices, in model units."),
        minimum=0,
    ),
    Field(
        ("availability_payment", "indexation"),
        "ap_indexation",
        "revenue_ap",
        "rate",
        _("Payment indexation"),
        RATE_HELP,
        minimum=-100,
        maximum=100,
    ),
    Field(
        ("availability_payment", "performance_factor"),
        "ap_performance_factor",
        "revenue_ap",
        "rate",
        _("Share paid after performance deductions"),
        _("In percent: 98 means 2% is deducted for unavailability on average."),
        minimum=0,
        maximum=100,
    ),
    Field(
        ("availability_payment", "deductions"),
        "ap_deductions",
        "revenue_ap",
        "deductions",
        _("Permanent cuts"),
        _("Year: percent cut from that year on, separated by semicolons, e.g. 2035: 10."),
    ),
    # government support and payments to government
    Field(
        ("vgf", "amount"),
        "vgf_amount",
        "support",
        "num",
        _("Viability gap funding (VGF)"),
        _("Dukungan Kelayakan, in model units, paid during construction."),
        minimum=0,
    ),
    Field(
        ("vgf", "max_share"),
        "vgf_max_share",
        "support",
        "rate",
        _("VGF cap (share of construction cost)"),
        PCT_HELP,
        minimum=0,
        maximum=100,
    ),
    Field(
        ("subsidy", "annual"),
        "subsidy_annual",
        "support",
        "num",
        _("Operating subsidy a year"),
        _("At base-year prices, in model units."),
        minimum=0,
    ),
    Field(
        ("subsidy", "indexation"),
        "subsidy_indexation",
        "support",
        "rate",
        _("Subsidy indexation"),
        RATE_HELP,
        minimum=-100,
        maximum=100,
    ),
    Field(
        ("subsidy", "years"),
        "subsidy_years",
        "support",
        "int",
        _("Subsidy paid for (operating years)"),
        _("Empty: every operating year."),
        minimum=0,
    ),
    Field(
        ("guarantee", "provider"),
        "guarantee_provider",
        "support",
        "str",
        _("Guarantor"),
        _("e.g. PT PII"),
    ),
    Field(
        ("guarantee", "obligation"),
        "guarantee_obligation",
        "support",
        "str",
        _("Guaranteed obligation"),
    ),
    Field(
        ("guarantee", "beneficiary"),
        "guarantee_beneficiary",
        "support",
        "str",
        _("Beneficiary of the guarantee"),
    ),
    Field(
        ("guarantee", "cap"),
        "guarantee_cap",
        "support",
        "num",
        _("Guarantee cap"),
        _("In model units: the contingent liability."),
        minimum=0,
    ),
    Field(
        ("guarantee", "fee_rate"),
        "guarantee_fee_rate",
        "support",
        "rate",
        _("Guarantee fee a year"),
        _("In percent of the cap a year."),
        minimum=0,
        maximum=100,
    ),
    Field(
        ("concession_fee", "fixed"),
        "fee_fixed",
        "support",
        "num",
        _("Concession fee a year (fixed)"),
        _("Paid to the government, in model units."),
        minimum=0,
    ),
    Field(
        ("concession_fee", "revenue_share"),
        "fee_revenue_share",
        "support",
        "rate",
        _("Concession fee (share of user revenue)"),
        PCT_HELP,
        minimum=0,
        maximum=100,
    ),
    # debt
    Field(
        ("debt", "share"),
        "debt_share",
        "debt",
        "rate",
        _("Debt share of the private capex"),
        PCT_HELP,
        minimum=0,
        maximum=95,
    ),
    Field(
        ("debt", "rate"),
        "debt_rate",
        "debt",
        "rate",
        _("Interest rate"),
        RATE_HELP,
        minimum=0,
        maximum=100,
    ),
    Field(
        ("debt", "tenor_years"),
        "debt_tenor_years",
        "debt",
        "int",
        _("Tenor (years from the start of operations)"),
        minimum=1,
        maximum=60,
    ),
    Field(("debt", "grace_years"), "debt_grace_years", "debt", "int", _("Grace years"), minimum=0),
    Field(("debt", "repayment"), "debt_repayment", "debt", "repayment", _("Repayment")),
    Field(
        ("debt", "target_dscr"),
        "debt_target_dscr",
        "debt",
        "num",
        _("Target DSCR (sculpted repayment)"),
        _("e.g. 1,30: repayments sized so that CFADS covers debt service 1.30 times."),
        minimum=0,
    ),
    # tax
    Field(
        ("tax", "rate"),
        "tax_rate",
        "tax",
        "rate",
        _("Corporate income tax rate"),
        _("In percent: 22 means 22%."),
        minimum=0,
        maximum=100,
    ),
    Field(
        ("tax", "depreciation_years"),
        "tax_depreciation_years",
        "tax",
        "int",
        _("Depreciation life (years)"),
        minimum=1,
        maximum=100,
    ),
    Field(
        ("tax", "loss_carry_forward_years"),
        "tax_loss_carry_forward_years",
        "tax",
        "int",
        _("Loss carry-forward (years)"),
        minimum=0,
        maximum=100,
    ),
    # hand-back
    Field(
        ("handback_year",),
        "handback_year",
        "handback",
        "int",
        _("Hand-back year"),
        _("Last year of the concession: the asset is handed back at its end."),
        required=True,
        minimum=1900,
        maximum=2300,
    ),
    Field(
        ("other_costs",),
        "other_costs",
        "handback",
        "other_costs",
        _("Other costs by year"),
        _("Year: amount, separated by semicolons, e.g. 2035: 30; 2042: 15 (hand-back works)."),
    ),
)

BY_NAME = {f.name: f for f in FIELDS}
BY_PATH = {f.path: f for f in FIELDS}
#: Optional blocks of the spec and the field that decides whether the block is there.
BLOCKS: dict[str, tuple[str, ...]] = {
    "user_pays": ("tariff", "demand"),
    "availability_payment": ("annual",),
    "vgf": ("amount",),
    "subsidy": ("annual",),
    "concession_fee": (),
    "debt": ("share", "rate", "tenor_years"),
    "tax": ("rate", "depreciation_years"),
    "guarantee": ("provider", "obligation", "cap"),
}
UNITS = [
    ("1", _("units")),
    ("1000", _("thousands")),
    ("1000000", _("millions")),
    ("1000000000", _("billions (miliar)")),
    ("1000000000000", _("trillions (triliun)")),
]
REPAYMENTS = [
    ("", "—"),
    ("annuity", _("Annuity (equal debt service)")),
    ("sculpted", _("Sculpted to a target DSCR")),
]


# --------------------------------------------------------------------------- parsing helpers


def number_text(value: Any) -> str:
    """A spec number as typed in a box (the reader's decimal separator, no exponent)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return plain_number_text(value)
    return str(value)


def _number(text: str) -> float:
    field = NumberField()
    value = field.to_python(text)
    if value is None:
        raise forms.ValidationError(_("Enter a number, e.g. 0,25 or 0.25."))
    return value


def _plain(value: float) -> float | int:
    """An integral float as an int (200.0 → 200), so that entered specs read as written."""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def parse_list(text: str) -> list[float | int]:
    parts = [p.strip() for p in re.split(r"[;\n\t]+", text or "") if p.strip()]
    out = []
    for part in parts:
        try:
            out.append(_plain(_number(part)))
        except forms.ValidationError:
            raise forms.ValidationError(
                _("“%(value)s” is not a number; separate amounts with semicolons.")
                % {"value": part}
            ) from None
    return out


def list_text(values: list[Any]) -> str:
    return "; ".join(number_text(v) for v in values)


def parse_year_values(text: str, *, percent: bool) -> list[tuple[int, float | int]]:
    """'2035: 30; 2042: 15' → [(2035, 30), (2042, 15)] (percent: the values / 100)."""
    out: list[tuple[int, float | int]] = []
    for part in (p.strip() for p in re.split(r"[;\n]+", text or "")):
        if not part:
            continue
        match = re.fullmatch(r"(\d{4})\s*[:=]\s*(.+)", part)
        if not match:
            raise forms.ValidationError(
                _("Write “year: value”, e.g. 2035: 30; “%(value)s” is not.") % {"value": part}
            )
        try:
            value = _number(match[2].rstrip("% "))
        except forms.ValidationError:
            raise forms.ValidationError(
                _("“%(value)s” is not a number.") % {"value": match[2]}
            ) from None
        out.append((int(match[1]), _fraction(value) if percent else _plain(value)))
    years = [y for y, _v in out]
    if len(set(years)) != len(years):
        raise forms.ValidationError(_("Each year may appear once."))
    return out


def _fraction(percent: float) -> float:
    """8 → 0.08 exactly as typed (through Decimal, so 7 → 0.07, not 0.07000000000000001)."""
    return float(Decimal(repr(percent)) / 100)


def _percent_text(fraction: float | int) -> str:
    value = (Decimal(repr(float(fraction))) * 100).normalize()
    return plain_number_text(format(value, "f"))


class RateField(NumberField):
    """A rate typed in percent (8 or 8,5); cleaned to the spec's fraction (0.08)."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, float | int) and not isinstance(value, bool):
            return _percent_text(value)
        return value

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().rstrip("%").strip()
        number = super().to_python(value)
        return None if number is None else _fraction(number)


def _make_field(spec: Field) -> forms.Field:
    common = {"label": spec.label, "help_text": spec.help, "required": False}
    if spec.kind == "str":
        return forms.CharField(max_length=500, **common)
    if spec.kind == "text":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, **common)
    if spec.kind == "int":
        return forms.IntegerField(
            min_value=None if spec.minimum is None else int(spec.minimum),
            max_value=None if spec.maximum is None else int(spec.maximum),
            **common,
        )
    if spec.kind == "num":
        return NumberField(**common)
    if spec.kind == "rate":
        return RateField(**common)
    if spec.kind in ("list", "ramp", "deductions", "other_costs"):
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=20000, **common)
    if spec.kind == "currency":
        return forms.ChoiceField(choices=Currency.choices, **common)
    if spec.kind == "unit":
        return forms.ChoiceField(choices=UNITS, **common)
    if spec.kind == "repayment":
        return forms.ChoiceField(choices=REPAYMENTS, **common)
    raise ValueError(spec.kind)


# --------------------------------------------------------------------------- spec ↔ form


def _get(spec: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = spec
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def initial_from_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The form's initial values for a stored spec."""
    out: dict[str, Any] = {}
    for f in FIELDS:
        value = _get(spec, f.path)
        if value is None:
            continue
        if f.kind in ("list", "ramp"):
            out[f.name] = list_text(value)
        elif f.kind == "deductions":
            out[f.name] = "; ".join(
                f"{d['from_year']}: {_percent_text(d['fraction'])}" for d in value
            )
        elif f.kind == "other_costs":
            out[f.name] = "; ".join(f"{y}: {number_text(v)}" for y, v in sorted(value.items()))
        elif f.kind == "unit":
            out[f.name] = str(int(value)) if float(value).is_integer() else str(value)
        else:
            out[f.name] = value
    return out


def field_for_path(path: str) -> str | None:
    """The form field a core JSON path belongs to (``$.debt.tenor_years`` → ``debt_tenor_years``;
    ``$.capex[1]`` → ``capex``); None for the whole model."""
    parts = [p for p in re.split(r"\.|\[[^\]]*\]", path.removeprefix("$")) if p]
    for n in range(len(parts), 0, -1):
        f = BY_PATH.get(tuple(parts[:n]))
        if f is not None:
            return f.name
    if parts and parts[0] in BLOCKS:  # a block's own problem: its first field
        block = parts[0]
        first = next((f for f in FIELDS if f.path[0] == block), None)
        return first.name if first else None
    if parts and parts[0] == "discount_rates":
        return "rate_public"
    return None


class FinanceModelForm(forms.Form):
    """The whole model in one form, grouped as :data:`GROUPS`, plus who sees it."""

    owner = forms.TypedChoiceField(
        label=_("Whose model"),
        coerce=int,
        required=False,
        empty_value=0,
        help_text=_(
            "A private party's model is seen only by that party and the partners it shares it with; "
            "the government-side figures are seen by every partner."
        ),
    )
    shared_with = forms.TypedMultipleChoiceField(
        label=_("Shared with"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Partners who may see the whole model besides its owner."),
    )
    published = forms.BooleanField(
        label=_("Published"),
        required=False,
        help_text=_("Show the model and its results to the public (on a public partnership)."),
    )
    lender_min_dscr = NumberField(
        label=_("Lenders' minimum DSCR"),
        required=False,
        help_text=_("The debt service cover ratio the lenders require every year, e.g. 1,20."),
    )
    version = version_field()

    def __init__(
        self,
        *args: Any,
        members: list[PartnershipMember],
        owners: list[PartnershipMember],
        government_allowed: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for f in FIELDS:
            self.fields[f.name] = _make_field(f)
        choices: list[tuple[int, Any]] = []
        if government_allowed:
            choices.append((0, _("The government (PJPK)")))
        choices += [(m.pk, str(m.organisation)) for m in owners]
        self.fields["owner"].choices = choices
        self.fields["shared_with"].choices = [(m.pk, str(m.organisation)) for m in members]
        self.members = {m.pk: m for m in members}
        self.spec: dict[str, Any] | None = None
        unit = self.initial.get("amount_unit")
        if unit and unit not in dict(UNITS):
            self.fields["amount_unit"].choices = [*UNITS, (unit, unit)]

    def groups(self) -> list[dict[str, Any]]:
        """The fields by group, for the template."""
        return [
            {
                "key": key,
                "title": title,
                "intro": intro,
                "fields": [self[f.name] for f in FIELDS if f.group == key],
            }
            for key, title, intro in GROUPS
        ]

    def sharing_fields(self) -> list[Any]:
        return [self[n] for n in ("owner", "shared_with", "published", "lender_min_dscr")]

    def clean_lender_min_dscr(self) -> Decimal | None:
        value = self.cleaned_data.get("lender_min_dscr")
        if value is None:
            return None
        try:
            number = Decimal(repr(value)).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise forms.ValidationError(_("Enter a number, e.g. 0,25 or 0.25.")) from None
        if not Decimal("0.5") <= number <= Decimal("10"):
            raise forms.ValidationError(_("Enter a ratio between 0,5 and 10."))
        return number

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        spec = self._build(data)
        if self.errors:
            return data
        self._check(spec)
        if self.errors:
            return data
        for issue in validate_model(spec):
            field = field_for_path(issue.path)
            message = issue.message if field else f"{issue.path}: {issue.message}"
            self.add_error(field if field in self.fields else None, message)
        if not self.errors:
            self.spec = spec
        return data

    # building the spec -------------------------------------------------------------------------

    def _build(self, data: dict[str, Any]) -> dict[str, Any]:
        spec: dict[str, Any] = {"spec_version": SPEC_VERSION}
        for f in FIELDS:
            if f.name in self.errors:
                continue
            raw = data.get(f.name)
            if raw in (None, "", []):
                if f.required:
                    self.add_error(f.name, _("This field is required."))
                continue
            try:
                value = self._value(f, raw)
            except forms.ValidationError as exc:
                self.add_error(f.name, exc)
                continue
            if value is None:
                continue
            if f.kind in ("num", "rate") and f.minimum is not None:
                bound = f.minimum / 100 if f.kind == "rate" else f.minimum
                if value < bound:
                    self.add_error(
                        f.name, _("Must be at least %(n)s.") % {"n": number_text(f.minimum)}
                    )
                    continue
            if f.kind == "rate" and f.maximum is not None and value > f.maximum / 100:
                self.add_error(
                    f.name, _("Must be at most %(n)s%%.") % {"n": number_text(f.maximum)}
                )
                continue
            node = spec
            for part in f.path[:-1]:
                node = node.setdefault(part, {})
            node[f.path[-1]] = value
        return spec

    def _value(self, f: Field, raw: Any) -> Any:
        if f.kind in ("list", "ramp"):
            return parse_list(raw) or None
        if f.kind == "deductions":
            pairs = parse_year_values(raw, percent=True)
            return [{"from_year": y, "fraction": v} for y, v in pairs] or None
        if f.kind == "other_costs":
            pairs = parse_year_values(raw, percent=False)
            return {str(y): v for y, v in pairs} or None
        if f.kind == "unit":
            return _plain(float(raw))
        if f.kind == "num":
            return _plain(raw)
        return raw

    def _check(self, spec: dict[str, Any]) -> None:
        """The common problems, with messages in the reader's language (the core's validator
        then catches the rest)."""
        for block, required in BLOCKS.items():
            if block not in spec:
                continue
            for key in required:
                if key not in spec[block]:
                    self.add_error(
                        BY_PATH[(block, key)].name,
                        _("Required when any other field of this part is filled."),
                    )
        start, years = spec.get("start_year"), spec.get("construction_years")
        handback = spec.get("handback_year")
        if isinstance(start, int) and isinstance(years, int):
            cod = start + years
            for name in ("capex", "land_acquisition"):
                values = spec.get(name)
                if values is not None and len(values) != years:
                    self.add_error(
                        name,
                        _("Give one amount per construction year (%(n)s), not %(got)s.")
                        % {"n": years, "got": len(values)},
                    )
            if isinstance(handback, int) and handback < cod:
                self.add_error(
                    "handback_year",
                    _("Must be %(cod)s or later, so that the project operates for a year at least.")
                    % {"cod": cod},
                )
            debt = spec.get("debt") or {}
            tenor = debt.get("tenor_years")
            if isinstance(tenor, int) and isinstance(handback, int) and cod + tenor - 1 > handback:
                self.add_error(
                    "debt_tenor_years",
                    _(
                        "The loan would end in %(end)s, after the hand-back year; %(n)s years at most."
                    )
                    % {"end": cod + tenor - 1, "n": max(handback - cod + 1, 0)},
                )
            if isinstance(tenor, int) and debt.get("grace_years", 0) >= tenor:
                self.add_error("debt_grace_years", _("Must be shorter than the tenor."))
            if debt.get("repayment") == "sculpted" and "target_dscr" not in debt:
                self.add_error("debt_target_dscr", _("Required for a sculpted repayment."))
        if "user_pays" not in spec and "availability_payment" not in spec:
            self.add_error(
                "ap_annual",
                _("The project needs revenue: a tariff × demand, an availability payment or both."),
            )
        capex = spec.get("capex")
        vgf = spec.get("vgf")
        if vgf and capex and "amount" in vgf:
            cap = vgf.get("max_share", 0.49) * math.fsum(capex)
            if vgf["amount"] > cap * (1 + 1e-12):
                self.add_error(
                    "vgf_amount",
                    _("At most %(cap)s (the cap times the construction capex).")
                    % {"cap": number_text(round(cap, 6))},
                )

    def chosen_owner(self) -> PartnershipMember | None:
        return self.members.get(self.cleaned_data.get("owner") or 0)

    def chosen_shared(self) -> list[PartnershipMember]:
        return [
            self.members[pk]
            for pk in self.cleaned_data.get("shared_with", [])
            if pk in self.members
        ]


# --------------------------------------------------------------------------- other forms


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Finance-model file (JSON or XLSX)"),
        help_text=_(
            "The JSON file mitra finance reads, or Mitra's XLSX template filled in. It replaces "
            "the model, all or nothing."
        ),
    )
    version = version_field()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


def parse_json_bytes(data: bytes) -> Any:
    """A JSON document as ``mitra finance`` reads it (NaN and Infinity refused)."""

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not a number")

    return json.loads(data.decode("utf-8"), parse_constant=refuse)


class SolveForm(forms.Form):
    unknown = forms.ChoiceField(
        label=_("Solve for"),
        choices=[
            ("availability_payment", _("Availability payment")),
            ("vgf", _("Viability gap funding (VGF)")),
            ("tariff", _("Tariff")),
        ],
    )
    target_equity_irr = RateField(
        label=_("Target equity IRR"),
        help_text=_("In percent a year, e.g. 14."),
    )

    def clean_target_equity_irr(self) -> float:
        value = self.cleaned_data.get("target_equity_irr")
        if value is None:
            raise forms.ValidationError(_("This field is required."))
        if not -0.99 < value < 1:
            raise forms.ValidationError(_("Enter a rate between -99 and 100 percent."))
        return value
