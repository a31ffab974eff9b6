"""Forms of the appraisal pages. They turn what a person types into the services' data (numbers
by year, fractions from percentages); every rule lives in the services."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.choices import Currency
from mitra.core.fields import plain_number_text
from mitra.partnerships.forms import version_field
from mitra.risks.forms import NumberField, PercentField, _number_text

from . import appraisal_selectors as sel
from .appraisal_models import BudgetKind, GuaranteeKind, LimitBasis, PaymentsSource

UNITS = [
    ("1", _("units")),
    ("1000", _("thousands")),
    ("1000000", _("millions")),
    ("1000000000", _("billions (miliar)")),
    ("1000000000000", _("trillions (triliun)")),
]
SERIES_HELP = _("One amount per year, separated by semicolons or spaces, in the unit above.")


def series_text(values: Any) -> str:
    return "; ".join(plain_number_text(f"{float(v):g}") for v in values or [])


class SeriesField(forms.CharField):
    """Numbers by year typed as ``12; 13,5; 14`` → a list of floats."""

    widget = forms.Textarea(attrs={"rows": 2})
    default_error_messages = {
        "invalid": _("Write one number per year, separated by semicolons."),
        "long": _("At most 100 years."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", SERIES_HELP)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return series_text(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[float]:  # type: ignore[override]
        text = super().to_python(value) or ""
        try:
            values = [float(_number_text(v)) for v in re.split(r"[;\s]+", text.strip()) if v]
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if any(v != v or v in (float("inf"), float("-inf")) for v in values):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if len(values) > 100:
            raise forms.ValidationError(self.error_messages["long"], code="long")
        return values


class AmountField(forms.CharField):
    """A money amount typed with the reader's separators (``30.000.000.000.000`` or
    ``30,000,000,000,000.00``) → an exact Decimal."""

    default_error_messages = {"invalid": _("Enter an amount, e.g. 30.000.000.000.000.")}

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return plain_number_text(
                Decimal(value).normalize() if isinstance(value, Decimal) else value
            )
        return value

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            number = Decimal(_number_text(text))
        except InvalidOperation:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not number.is_finite() or abs(number) >= Decimal("1e16"):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


def _plain(value: Decimal | None) -> float | None:
    """A stored decimal as the number a person typed (14, not 14.0000)."""
    return None if value is None else float(value)


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(value))


class PaymentsMixin:
    """Four yearly series and their first year, kept as a ``payments`` dict."""

    def payments(self, prefix: str) -> dict[str, Any]:
        data = self.cleaned_data  # type: ignore[attr-defined]
        out: dict[str, Any] = {}
        if data.get(f"{prefix}_start_year"):
            out["start_year"] = data[f"{prefix}_start_year"]
        for key in sel.PAYMENT_FIELDS:
            if data.get(f"{prefix}_{key}"):
                out[key] = data[f"{prefix}_{key}"]
        return out


def payments_initial(prefix: str, payments: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {f"{prefix}_start_year": (payments or {}).get("start_year")}
    for key in sel.PAYMENT_FIELDS:
        out[f"{prefix}_{key}"] = (payments or {}).get(key, [])
    return out


class VfmInputsForm(PaymentsMixin, forms.Form):
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    amount_unit = forms.TypedChoiceField(label=_("Amounts in"), coerce=Decimal, choices=UNITS)
    discount_rate = PercentField(label=_("Public discount rate (% a year)"))
    base_year = forms.IntegerField(
        label=_("Base year of the present values"), min_value=1900, max_value=2200
    )
    psc_start_year = forms.IntegerField(
        label=_("First year of the PSC cash flows"), min_value=1900, max_value=2200
    )
    psc_capex = SeriesField(label=_("PSC: capital cost by year (incl. land)"))
    psc_opex = SeriesField(label=_("PSC: operation and maintenance by year"))
    psc_revenue = SeriesField(
        label=_("PSC: third-party revenue by year"),
        help_text=_("What the government would collect itself (e.g. tolls); left out if none."),
    )
    competitive_neutrality = NumberField(
        label=_("Competitive neutrality (present value)"),
        required=False,
        help_text=_(
            "Advantages of public ownership removed, e.g. taxes the government does not pay."
        ),
    )
    transferable_parties = forms.MultipleChoiceField(
        label=_("Risk parties whose risks the KPBU transfers"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty: the private partners' parties."),
    )
    retained_parties = forms.MultipleChoiceField(
        label=_("Risk parties of the government (retained risk)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty: the public partners' parties."),
    )
    transferable_risk = NumberField(
        label=_("Transferable risk (present value, used without a simulation)"), required=False
    )
    retained_risk = NumberField(
        label=_("Retained risk (present value, used without a simulation)"), required=False
    )
    payments_source = forms.ChoiceField(
        label=_("Government payments of the KPBU option"), choices=PaymentsSource.choices
    )
    pay_start_year = forms.IntegerField(
        label=_("First year of the payments entered here"),
        min_value=1900,
        max_value=2200,
        required=False,
    )
    pay_availability_payment = SeriesField(label=_("Availability payment by year"))
    pay_vgf = SeriesField(label=_("Viability gap funding (Dukungan Kelayakan) by year"))
    pay_land = SeriesField(label=_("Land acquisition by year"))
    pay_other = SeriesField(label=_("Other government payments by year"))
    guarantee_calls = NumberField(
        label=_("Expected guarantee calls (present value)"), required=False
    )
    other_costs = NumberField(
        label=_("Other costs of the KPBU option (present value)"),
        required=False,
        help_text=_("Contract management, transaction advisers."),
    )
    version = version_field()

    def __init__(self, *args: Any, parties: list[tuple[str, str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        choices = [(key, f"{name} ({key})") for key, name, _s in parties]
        self.fields["transferable_parties"].choices = choices
        self.fields["retained_parties"].choices = choices
        if not choices:
            del self.fields["transferable_parties"]
            del self.fields["retained_parties"]

    def data_for_service(self) -> dict[str, Any]:
        d = self.cleaned_data
        out = {
            "currency": d["currency"],
            "amount_unit": d["amount_unit"],
            "discount_rate": d["discount_rate"],
            "base_year": d["base_year"],
            "psc_start_year": d["psc_start_year"],
            "psc_capex": d["psc_capex"],
            "psc_opex": d["psc_opex"],
            "psc_revenue": d["psc_revenue"],
            "competitive_neutrality": _decimal(d.get("competitive_neutrality")) or Decimal(0),
            "transferable_risk": _decimal(d.get("transferable_risk")),
            "retained_risk": _decimal(d.get("retained_risk")),
            "guarantee_calls": _decimal(d.get("guarantee_calls")) or Decimal(0),
            "other_costs": _decimal(d.get("other_costs")) or Decimal(0),
            "payments_source": d["payments_source"],
            "payments": self.payments("pay"),
        }
        if "transferable_parties" in self.fields:
            out["transferable_parties"] = list(d.get("transferable_parties") or [])
            out["retained_parties"] = list(d.get("retained_parties") or [])
        return out


def vfm_initial(inputs: Any) -> dict[str, Any]:
    return {
        "currency": inputs.currency,
        "amount_unit": str(int(inputs.amount_unit)),
        "discount_rate": plain_number_text(f"{float(inputs.discount_rate) * 100:g}"),
        "base_year": inputs.base_year,
        "psc_start_year": inputs.psc_start_year,
        "psc_capex": inputs.psc_capex,
        "psc_opex": inputs.psc_opex,
        "psc_revenue": inputs.psc_revenue,
        "competitive_neutrality": _plain(inputs.competitive_neutrality),
        "transferable_parties": inputs.transferable_parties,
        "retained_parties": inputs.retained_parties,
        "transferable_risk": _plain(inputs.transferable_risk),
        "retained_risk": _plain(inputs.retained_risk),
        "payments_source": inputs.payments_source,
        "guarantee_calls": _plain(inputs.guarantee_calls),
        "other_costs": _plain(inputs.other_costs),
        "version": inputs.version,
        **payments_initial("pay", inputs.payments),
    }


class ChecklistForm(forms.Form):
    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, question in sel.CHECKLIST:
            self.fields[f"{key}_answer"] = forms.ChoiceField(
                label=question, choices=sel.ANSWERS, widget=forms.RadioSelect, initial="unknown"
            )
            self.fields[f"{key}_note"] = forms.CharField(
                label=_("Why"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 1}),
            )

    def answers(self) -> dict[str, Any]:
        return {
            key: {
                "answer": self.cleaned_data[f"{key}_answer"],
                "note": self.cleaned_data.get(f"{key}_note", ""),
            }
            for key, _q in sel.CHECKLIST
        }


def checklist_initial(row: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"version": row.version if row else None}
    for key, value in ((row.answers if row else {}) or {}).items():
        out[f"{key}_answer"] = value.get("answer", "unknown")
        out[f"{key}_note"] = value.get("note", "")
    return out


class BudgetSeriesForm(forms.Form):
    kind = forms.ChoiceField(label=_("Budget"), choices=BudgetKind.choices)
    label = forms.CharField(
        label=_("What the figures are"),
        max_length=200,
        help_text=_("E.g. APBD Provinsi Jawa Timur, total belanja."),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    growth_rate = PercentField(
        label=_("Growth for projected years (% a year)"),
        help_text=_("Years without a figure are projected from the nearest entered year."),
    )
    source = forms.CharField(
        label=_("Source"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where the figures come from, e.g. Perda APBD 2026, LKPD 2025."),
    )
    years = forms.CharField(
        label=_("Budget by year"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One year a line: year, amount in whole currency units, and optionally its source, "
            "e.g. 2026; 30.000.000.000.000; Perda 5/2025."
        ),
    )
    file = forms.FileField(
        label=_("…or import a CSV or XLSX file"),
        required=False,
        help_text=_("Columns: year, amount, source (optional). It replaces the years above."),
    )
    version = version_field()

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload

    def budget_years(self) -> dict[int, tuple[Decimal, str]]:
        """The years typed or imported (``ValidationError`` on ``years``/``file``)."""
        from django.core.exceptions import ValidationError

        from .appraisal_services import budget_table, parse_budget_rows

        upload = self.cleaned_data.get("file")
        if upload is not None:
            return budget_table(upload)
        rows = [
            [c.strip() for c in re.split(r"[;\t|]", line)]
            for line in (self.cleaned_data.get("years") or "").splitlines()
            if line.strip()
        ]
        try:
            return parse_budget_rows(rows)
        except ValidationError as exc:
            raise ValidationError({"years": exc.message_dict.get("file", exc.messages)}) from None


def budget_initial(series: Any) -> dict[str, Any]:
    if series is None:
        return {"kind": "APBD", "currency": "IDR", "growth_rate": "5"}
    lines = [
        "; ".join(
            [str(r.year), plain_number_text(format(r.amount.normalize(), "f")), r.source]
        ).rstrip("; ")
        for r in series.years.all()
    ]
    return {
        "kind": series.kind,
        "label": series.label,
        "currency": series.currency,
        "growth_rate": plain_number_text(f"{float(series.growth_rate) * 100:g}"),
        "source": series.source,
        "years": "\n".join(lines),
        "version": series.version,
    }


class FiscalInputsForm(PaymentsMixin, forms.Form):
    pjpk = forms.TypedChoiceField(
        label=_("PJPK whose budget bears the commitments"), coerce=int, required=False
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    amount_unit = forms.TypedChoiceField(label=_("Amounts in"), coerce=Decimal, choices=UNITS)
    discount_rate = PercentField(label=_("Public discount rate (% a year)"))
    base_year = forms.IntegerField(
        label=_("Base year of the present values"), min_value=1900, max_value=2200
    )
    commitments_source = forms.ChoiceField(
        label=_("Direct commitments"), choices=PaymentsSource.choices
    )
    com_start_year = forms.IntegerField(
        label=_("First year of the commitments entered here"),
        min_value=1900,
        max_value=2200,
        required=False,
    )
    com_availability_payment = SeriesField(label=_("Availability payment by year"))
    com_vgf = SeriesField(label=_("Viability gap funding (Dukungan Kelayakan) by year"))
    com_land = SeriesField(label=_("Land acquisition by year"))
    com_other = SeriesField(label=_("Other direct commitments by year"))
    limit_share = PercentField(
        label=_("Affordability limit (% of the budget)"),
        required=False,
        help_text=_("A policy threshold you set; no legal ceiling is implied."),
    )
    limit_basis = forms.ChoiceField(label=_("The limit applies to"), choices=LimitBasis.choices)
    limit_source = forms.CharField(label=_("Source of the limit"), max_length=300, required=False)
    capital_cost = NumberField(
        label=_("Capital cost (nominal)"),
        required=False,
        help_text=_("For the balance-sheet test when the commitments are entered here."),
    )
    construction_share = PercentField(
        label=_("Government's share of construction risk (%)"), required=False
    )
    availability_share = PercentField(
        label=_("Government's share of availability risk (%)"), required=False
    )
    demand_share = PercentField(label=_("Government's share of demand risk (%)"), required=False)
    control_services_and_prices = forms.NullBooleanField(
        label=_("IPSAS 32 / PSAP 16: the government controls the services and their prices"),
        required=False,
        widget=forms.NullBooleanSelect,
    )
    control_residual_interest = forms.NullBooleanField(
        label=_("…and the residual interest at the end (hand-back to the PJPK)"),
        required=False,
        widget=forms.NullBooleanSelect,
    )
    control_whole_of_life = forms.NullBooleanField(
        label=_("…or the asset is used for its whole useful life"),
        required=False,
        widget=forms.NullBooleanSelect,
    )
    version = version_field()

    def __init__(self, *args: Any, members: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.members = {m.pk: m for m in members}
        self.fields["pjpk"].choices = [("", _("The contracting agency (PJPK) role"))] + [
            (m.pk, m.organisation.name) for m in members
        ]

    def clean_pjpk(self) -> Any:
        value = self.cleaned_data.get("pjpk")
        if value in (None, ""):
            return None
        member = self.members.get(value)
        if member is None:
            raise forms.ValidationError(_("Choose a current partner of this partnership."))
        return member

    def data_for_service(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "pjpk": d.get("pjpk"),
            "currency": d["currency"],
            "amount_unit": d["amount_unit"],
            "discount_rate": d["discount_rate"],
            "base_year": d["base_year"],
            "commitments_source": d["commitments_source"],
            "commitments": self.payments("com"),
            "limit_share": d.get("limit_share"),
            "limit_basis": d["limit_basis"],
            "limit_source": d.get("limit_source", ""),
            "capital_cost": _decimal(d.get("capital_cost")),
            "construction_share": d.get("construction_share"),
            "availability_share": d.get("availability_share"),
            "demand_share": d.get("demand_share"),
            "control_services_and_prices": d.get("control_services_and_prices"),
            "control_residual_interest": d.get("control_residual_interest"),
            "control_whole_of_life": d.get("control_whole_of_life"),
        }


def _pct(value: Any) -> str:
    return "" if value is None else plain_number_text(f"{float(value) * 100:g}")


def fiscal_initial(inputs: Any) -> dict[str, Any]:
    return {
        "pjpk": inputs.pjpk_id,
        "currency": inputs.currency,
        "amount_unit": str(int(inputs.amount_unit)),
        "discount_rate": _pct(inputs.discount_rate),
        "base_year": inputs.base_year,
        "commitments_source": inputs.commitments_source,
        "limit_share": _pct(inputs.limit_share),
        "limit_basis": inputs.limit_basis,
        "limit_source": inputs.limit_source,
        "capital_cost": _plain(inputs.capital_cost),
        "construction_share": _pct(inputs.construction_share),
        "availability_share": _pct(inputs.availability_share),
        "demand_share": _pct(inputs.demand_share),
        "control_services_and_prices": inputs.control_services_and_prices,
        "control_residual_interest": inputs.control_residual_interest,
        "control_whole_of_life": inputs.control_whole_of_life,
        "version": inputs.version,
        **payments_initial("com", inputs.commitments),
    }


class GuaranteeForm(forms.Form):
    code = forms.SlugField(label=_("Short id"), max_length=40, help_text=_("E.g. PII-AP."))
    name = forms.CharField(label=_("Name"), max_length=200)
    provider = forms.CharField(label=_("Guarantor"), max_length=120, initial="PT PII")
    kind = forms.ChoiceField(label=_("Kind"), choices=GuaranteeKind.choices)
    covered_amount = NumberField(label=_("Amount covered"), required=False)
    recourse = forms.BooleanField(
        label=_("Recovered from the PJPK under a Perjanjian Regres"), required=False, initial=True
    )
    start_year = forms.IntegerField(
        label=_("First year of the calls"), min_value=1900, max_value=2200, required=False
    )
    expected = SeriesField(label=_("Expected calls by year"))
    p95 = SeriesField(label=_("P95 calls by year (optional)"))
    risk_codes = forms.CharField(
        label=_("…or the risks whose cost is called"),
        required=False,
        help_text=_(
            "Risk ids of the register, e.g. R05: the government's cost of them in the latest "
            "simulation is the call."
        ),
    )
    version = version_field()

    def clean_risk_codes(self) -> list[str]:
        text = self.cleaned_data.get("risk_codes") or ""
        return [c for c in re.split(r"[,;\s]+", text.strip()) if c]

    def data_for_service(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d.pop("version", None)
        d["covered_amount"] = _decimal(d.get("covered_amount"))
        return d


def guarantee_initial(g: Any) -> dict[str, Any]:
    return {
        "code": g.code,
        "name": g.name,
        "provider": g.provider,
        "kind": g.kind,
        "covered_amount": _plain(g.covered_amount),
        "recourse": g.recourse,
        "start_year": g.start_year,
        "expected": g.expected,
        "p95": g.p95,
        "risk_codes": ", ".join(g.risk_codes or []),
        "version": g.version,
    }


class ScenarioForm(forms.Form):
    """A scenario's shocks, one optional field per kind of shock."""

    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Why this scenario"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    tariff_freeze_from = forms.IntegerField(
        label=_("Tariff frozen from year"), min_value=1900, max_value=2200, required=False
    )
    ap_cut = PercentField(label=_("Availability payment cut (%)"), required=False)
    ap_cut_from = forms.IntegerField(
        label=_("…from year"), min_value=1900, max_value=2200, required=False
    )
    delay_years = forms.IntegerField(
        label=_("Completion delayed by (years)"), min_value=1, max_value=10, required=False
    )
    capex_change = forms.DecimalField(
        label=_("Capex change (%)"), required=False, help_text=_("E.g. 20 for an overrun of 20%.")
    )
    opex_change = forms.DecimalField(label=_("Opex change (%)"), required=False)
    demand_change = forms.DecimalField(
        label=_("Demand change (%)"), required=False, help_text=_("E.g. -20 for a shortfall.")
    )
    interest_bp = forms.DecimalField(
        label=_("Interest rate change (basis points)"), required=False, help_text=_("150 = +1.5%.")
    )
    change_in_law = forms.CharField(
        label=_("Change-in-law costs"),
        required=False,
        help_text=_("year: amount, one a line or separated by semicolons, e.g. 2032: 10."),
    )
    template = forms.CharField(widget=forms.HiddenInput, required=False)
    version = version_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        shocks: list[dict[str, Any]] = []
        if data.get("tariff_freeze_from"):
            shocks.append({"type": "tariff_freeze", "from_year": data["tariff_freeze_from"]})
        if data.get("ap_cut") is not None:
            if not data.get("ap_cut_from"):
                self.add_error("ap_cut_from", _("Give the year the cut starts."))
            else:
                shocks.append(
                    {
                        "type": "availability_cut",
                        "fraction": float(data["ap_cut"]),
                        "from_year": data["ap_cut_from"],
                    }
                )
        if data.get("delay_years"):
            shocks.append({"type": "delay", "years": data["delay_years"]})
        for name, kind in (
            ("capex_change", "capex"),
            ("opex_change", "opex"),
            ("demand_change", "demand"),
        ):
            value = data.get(name)
            if value is not None:
                if value <= -100:
                    self.add_error(name, _("A change must be above -100%."))
                else:
                    shocks.append({"type": kind, "change": float(value) / 100})
        if data.get("interest_bp") is not None:
            shocks.append({"type": "interest", "bp": float(data["interest_bp"])})
        costs = (data.get("change_in_law") or "").strip()
        if costs:
            parsed: dict[str, float] = {}
            for part in filter(None, (p.strip() for p in re.split(r"[;\n]", costs))):
                match = re.fullmatch(r"(\d{4})\s*[:=]\s*(-?[\d.,]+)", part)
                if not match:
                    self.add_error("change_in_law", _("Write year: amount, e.g. 2032: 10."))
                    break
                try:
                    parsed[match[1]] = float(_number_text(match[2]))
                except ValueError:
                    self.add_error("change_in_law", _("Write year: amount, e.g. 2032: 10."))
                    break
            if parsed:
                shocks.append({"type": "change_in_law", "costs": parsed})
        if not shocks and not self.errors:
            raise forms.ValidationError(_("Give at least one shock."))
        data["shocks"] = shocks
        return data

    def data_for_service(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "description": d.get("description", ""),
            "template": d.get("template", ""),
            "shocks": d["shocks"],
        }


def scenario_initial(
    name: str, description: str, template: str, shocks: list[dict[str, Any]]
) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "description": description, "template": template}
    for s in shocks:
        kind = s.get("type")
        if kind == "tariff_freeze":
            out["tariff_freeze_from"] = s["from_year"]
        elif kind == "availability_cut":
            out["ap_cut"] = plain_number_text(f"{s['fraction'] * 100:g}")
            out["ap_cut_from"] = s["from_year"]
        elif kind == "delay":
            out["delay_years"] = s["years"]
        elif kind in ("capex", "opex", "demand"):
            out[f"{kind}_change"] = Decimal(repr(round(s["change"] * 100, 6))).normalize()
        elif kind == "interest":
            out["interest_bp"] = Decimal(repr(s["bp"])).normalize()
        elif kind == "change_in_law":
            out["change_in_law"] = "; ".join(
                f"{y}: {plain_number_text(f'{float(c):g}')}" for y, c in s["costs"].items()
            )
    return out
