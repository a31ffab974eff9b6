"""Forms of the risk register. They turn what a person types into the spec's numbers; every rule
(shares add up to 100%, figures the spec refuses, who may do what) lives in the services."""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.choices import Currency
from mitra.core.fields import plain_number_text
from mitra.partnerships.forms import date_field, version_field

from .models import MitigationStatus, Phase, RiskCategory, RiskStatus

DISTRIBUTIONS = [
    ("pert", _("PERT (minimum, most likely, maximum)")),
    ("triangular", _("Triangular (minimum, most likely, maximum)")),
    ("uniform", _("Uniform (minimum, maximum)")),
    ("normal", _("Normal (mean, standard deviation)")),
    ("lognormal", _("Lognormal (mean, standard deviation)")),
]
PARAMETERS = {
    "pert": ("min", "mode", "max"),
    "triangular": ("min", "mode", "max"),
    "uniform": ("min", "max"),
    "normal": ("mean", "sd"),
    "lognormal": ("mean", "sd"),
}
SCALE = [(n, str(n)) for n in range(1, 6)]
#: The fields of a risk's figures, hidden from a reader for whom they are confidential.
QUANTITY_FIELDS = (
    "probability",
    "impact_type",
    "impact_min",
    "impact_mode",
    "impact_max",
    "impact_mean",
    "impact_sd",
    "basis",
    "applies_to",
    "unit_value",
    "years",
    "year_weights",
    "cost_confidential_to",
)


def _number_text(value: str) -> str:
    """'0,05' or '0.05' → '0.05'; '1.234,5' → '1234.5' (the reader's decimal comma or point)."""
    text = value.strip().replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    return text


class NumberField(forms.CharField):
    """A number typed with a decimal comma or point; cleaned to a float (the spec's numbers)."""

    default_error_messages = {"invalid": _("Enter a number, e.g. 0,25 or 0.25.")}

    def prepare_value(self, value: Any) -> Any:
        """A stored number shown with the reader's decimal separator (0,25 / 0.25)."""
        if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
            return plain_number_text(value)
        return value

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            number = float(_number_text(text))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class PercentField(forms.CharField):
    """A percentage typed with a decimal comma or point; cleaned to an exact fraction 0..1."""

    default_error_messages = {
        "invalid": _("Enter a percentage between 0 and 100, e.g. 33,5."),
    }

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            number = Decimal(_number_text(text.rstrip("%")))
        except InvalidOperation:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not number.is_finite() or not 0 <= number <= 100:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number / 100


def parse_years(text: str, message: Any) -> list[int]:
    """'3-5, 8' → [3, 4, 5, 8]."""
    years: list[int] = []
    for part in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        match = re.fullmatch(r"(\d{1,3})\s*(?:-|–|s\.?d\.?|to)\s*(\d{1,3})", part)
        if match:
            first, last = int(match[1]), int(match[2])
            if last < first or last - first > 100:
                raise forms.ValidationError(message)
            years.extend(range(first, last + 1))
        elif part.isdigit() and len(part) <= 3:
            years.append(int(part))
        else:
            raise forms.ValidationError(message)
    if len(set(years)) != len(years):
        raise forms.ValidationError(_("Each year may appear once."))
    return years


def years_text(years: list[int]) -> str:
    """[3, 4, 5, 8] → '3-5, 8'."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


class RiskForm(forms.Form):
    code = forms.CharField(label=_("Id"), max_length=40, help_text=_("Short, e.g. R1."))
    title_ind = forms.CharField(label=_("Title (Indonesian)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    description_ind = forms.CharField(
        label=_("Description (Indonesian)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    category = forms.ChoiceField(label=_("Category"), choices=RiskCategory.choices)
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    likelihood = forms.TypedChoiceField(
        label=_("Likelihood (1 rare – 5 almost certain)"), choices=SCALE, coerce=int, initial=3
    )
    impact_level = forms.TypedChoiceField(
        label=_("Impact (1 minor – 5 severe)"), choices=SCALE, coerce=int, initial=3
    )
    status = forms.ChoiceField(label=_("Status"), choices=RiskStatus.choices)
    probability = PercentField(
        label=_("Probability that it happens (%)"),
        required=False,
        help_text=_("For the simulation; leave the figures empty to record the risk first."),
    )
    impact_type = forms.ChoiceField(
        label=_("Size if it happens: distribution"),
        choices=[("", "—"), *DISTRIBUTIONS],
        required=False,
    )
    impact_min = NumberField(label=_("Minimum"), required=False)
    impact_mode = NumberField(label=_("Most likely"), required=False)
    impact_max = NumberField(label=_("Maximum"), required=False)
    impact_mean = NumberField(label=_("Mean"), required=False)
    impact_sd = NumberField(label=_("Standard deviation"), required=False)
    basis = forms.ChoiceField(
        label=_("The size is"),
        choices=[
            ("relative", _("a share of the cash-flow item in each year (0,1 = 10%)")),
            ("absolute", _("an amount in model units, spread over the years")),
        ],
        required=False,
    )
    applies_to = forms.ChoiceField(
        label=_("It hits"),
        choices=[
            ("capex", _("capital expenditure")),
            ("opex", _("operating cost")),
            ("revenue", _("revenue")),
        ],
        required=False,
    )
    unit_value = NumberField(
        label=_("Money per unit of size"),
        required=False,
        help_text=_("Only when the size is counted in something else, e.g. months of delay."),
    )
    years = forms.CharField(
        label=_("Years it falls in"),
        required=False,
        help_text=_("Model years, e.g. 1-3, 5."),
    )
    year_weights = forms.CharField(
        label=_("Weights by year"),
        required=False,
        help_text=_("Optional, one per year, e.g. 1, 2, 1 (amounts only)."),
    )
    controlled_by = forms.TypedChoiceField(
        label=_("Best able to manage it"), required=False, coerce=int, empty_value=None
    )
    cost_confidential_to = forms.TypedChoiceField(
        label=_("Keep the size figures confidential to"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("The simulation still uses them; the other partners see only its results."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = version_field()

    def __init__(
        self,
        *args: Any,
        parties: list[Any],
        own_members: list[Any],
        cost_visible: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.parties = parties
        self.cost_visible = cost_visible
        self.fields["controlled_by"].choices = [("", "—")] + [(p.pk, p.name) for p in parties]
        self.fields["cost_confidential_to"].choices = [("", _("nobody: all partners see them"))] + [
            (m.pk, m.organisation.name) for m in own_members
        ]
        for party in parties:
            self.fields[f"share_{party.pk}"] = PercentField(
                label=_("Share of %(party)s (%%)") % {"party": party.name}, required=False
            )
            self.fields[f"rationale_{party.pk}"] = forms.CharField(
                label=_("Why %(party)s") % {"party": party.name}, required=False, max_length=1000
            )
        if not cost_visible:  # another partner's confidential figures: neither shown nor changed
            for name in QUANTITY_FIELDS:
                del self.fields[name]

    def share_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"share_{p.pk}"], self[f"rationale_{p.pk}"]) for p in self.parties]

    def add_error(self, field: str | None, error: Any) -> None:
        # the services name the allocation as a whole; show it at the first share
        if field == "allocation" and self.parties:
            field = f"share_{self.parties[0].pk}"
        super().add_error(field, error)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["quantity"] = (
            self._quantity(data) if self.cost_visible else self._probability_only(data)
        )
        return data

    def _probability_only(self, data: dict[str, Any]) -> None:
        return None  # the service keeps the stored figures

    def _quantity(self, data: dict[str, Any]) -> dict[str, Any] | None:
        given = [
            data.get("probability") is not None,
            bool(data.get("impact_type")),
            bool(data.get("years")),
        ]
        if not any(given):
            return {}
        missing = _("Needed for the simulation once any figure is given.")
        for name, present in zip(("probability", "impact_type", "years"), given, strict=True):
            if not present:
                self.add_error(name, missing)
        if not all(given):
            return None
        kind = data["impact_type"]
        impact: dict[str, Any] = {"type": kind}
        for name in PARAMETERS[kind]:
            value = data.get(f"impact_{name}")
            if value is None:
                self.add_error(f"impact_{name}", _("Needed for this distribution."))
            impact[name] = value
        try:
            years = parse_years(data["years"], _("Write years as numbers or ranges, e.g. 1-3, 5."))
        except forms.ValidationError as exc:
            self.add_error("years", exc)
            return None
        quantity: dict[str, Any] = {
            "probability": float(data["probability"]),
            "impact": impact,
        }
        if data.get("unit_value") is not None:
            quantity["unit_value"] = data["unit_value"]
        quantity["basis"] = data.get("basis") or "relative"
        quantity["applies_to"] = data.get("applies_to") or "capex"
        quantity["years"] = years
        if data.get("year_weights"):
            try:
                quantity["year_weights"] = [
                    float(_number_text(w))
                    for w in re.split(r"[;\s]+|,\s+", data["year_weights"])
                    if w
                ]
            except ValueError:
                self.add_error("year_weights", _("Write one number per year, e.g. 1; 2; 1."))
                return None
        return quantity

    def allocation(self) -> dict[Any, tuple[Decimal, str]]:
        data = self.cleaned_data
        return {
            party: (
                data.get(f"share_{party.pk}") or Decimal(0),
                data.get(f"rationale_{party.pk}") or "",
            )
            for party in self.parties
        }


def risk_initial(risk: Any) -> dict[str, Any]:
    quantity = risk.quantity or {}
    impact = quantity.get("impact", {})
    initial = {
        "code": risk.code,
        "title_ind": risk.title_ind,
        "title_en": risk.title_en,
        "description_ind": risk.description_ind,
        "description_en": risk.description_en,
        "category": risk.category,
        "phase": risk.phase,
        "likelihood": risk.likelihood,
        "impact_level": risk.impact_level,
        "status": risk.status,
        "probability": _percent(quantity.get("probability")),
        "impact_type": impact.get("type", ""),
        "basis": quantity.get("basis", "absolute" if quantity else "relative"),
        "applies_to": quantity.get("applies_to", "capex"),
        "unit_value": quantity.get("unit_value"),
        "years": years_text(quantity.get("years", [])),
        "year_weights": "; ".join(
            plain_number_text(f"{w:g}") for w in quantity.get("year_weights", [])
        ),
        "controlled_by": risk.controlled_by_id,
        "cost_confidential_to": risk.cost_confidential_to_id,
        "notes": risk.notes,
        "version": risk.version,
    }
    for name in ("min", "mode", "max", "mean", "sd"):
        initial[f"impact_{name}"] = impact.get(name)
    for allocation in risk.allocations.all():
        initial[f"share_{allocation.party_id}"] = _percent(float(allocation.share))
        initial[f"rationale_{allocation.party_id}"] = allocation.rationale
    return initial


def _percent(value: float | None) -> str:
    return "" if value is None else plain_number_text(f"{value * 100:.10g}")


class MitigationForm(forms.Form):
    action_ind = forms.CharField(label=_("Action (Indonesian)"), max_length=500)
    action_en = forms.CharField(label=_("Action (English)"), max_length=500, required=False)
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    due_date = date_field(_("Due date"))
    status = forms.ChoiceField(label=_("Status"), choices=MitigationStatus.choices)
    version = version_field()

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—")] + [(m.pk, m.organisation.name) for m in members]


class SettingsForm(forms.Form):
    name = forms.CharField(label=_("Model name"), max_length=200, required=False)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    amount_unit = forms.TypedChoiceField(
        label=_("Amounts in"),
        coerce=Decimal,
        choices=[
            ("1", _("units")),
            ("1000", _("thousands")),
            ("1000000", _("millions")),
            ("1000000000", _("billions (miliar)")),
            ("1000000000000", _("trillions (triliun)")),
        ],
    )
    discount_rate = PercentField(label=_("Discount rate (% a year)"))
    horizon_years = forms.IntegerField(label=_("Horizon (years)"), min_value=1, max_value=100)
    start_year = forms.IntegerField(
        label=_("Calendar year of year 1"), min_value=1900, max_value=2200, required=False
    )
    capex = forms.CharField(
        label=_("Capital expenditure by year"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One amount per year, separated by semicolons or spaces, in model units."),
    )
    opex = forms.CharField(
        label=_("Operating cost by year"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    revenue = forms.CharField(
        label=_("Revenue by year"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Tariffs, availability payments, grants: what the project receives."),
    )
    iterations = forms.IntegerField(
        label=_("Default iterations"), min_value=100, max_value=1_000_000, required=False
    )
    seed = forms.IntegerField(label=_("Default seed"), min_value=0, required=False)
    version = version_field()

    def __init__(self, *args: Any, parametric: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parametric = parametric
        if parametric:
            for name in ("capex", "opex", "revenue"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Generated from parameters in the imported file; import a new file to change."
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        horizon = data.get("horizon_years")
        flows: dict[str, list[float]] = {}
        if not self.parametric and horizon:
            for name in ("capex", "opex", "revenue"):
                text = data.get(name) or ""
                try:
                    values = [
                        float(_number_text(v)) for v in re.split(r"[;\s]+", text.strip()) if v
                    ]
                except ValueError:
                    self.add_error(name, _("Write one number per year, separated by semicolons."))
                    continue
                values = values or [0.0] * horizon
                if len(values) != horizon:
                    self.add_error(
                        name,
                        _("Give %(n)s amounts, one per year of the horizon; you gave %(m)s.")
                        % {"n": horizon, "m": len(values)},
                    )
                flows[name] = values
        data["cash_flows"] = flows
        return data


def flows_text(values: list[Any]) -> str:
    return "; ".join(plain_number_text(f"{float(v):g}") for v in values)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Risk-model file (JSON)"),
        help_text=_(
            "The file mitra simulate reads (risk-model.schema.json). It replaces the register."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        try:
            return json.loads(upload.read().decode("utf-8"), parse_constant=_refuse)
        except (UnicodeDecodeError, ValueError) as exc:
            raise forms.ValidationError(
                _("This is not a JSON file: %(error)s") % {"error": exc}
            ) from None


def _refuse(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


class TemplateForm(forms.Form):
    template = forms.ChoiceField(label=_("Template"))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = choices


class SimulationForm(forms.Form):
    iterations = forms.IntegerField(
        label=_("Iterations"), min_value=100, max_value=1_000_000, initial=10_000
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        min_value=0,
        required=False,
        help_text=_("The same seed gives the same numbers; leave empty for a new draw."),
    )


class PartyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    member = forms.TypedChoiceField(
        label=_("Partner"), required=False, coerce=int, empty_value=None
    )
    capacity = NumberField(
        label=_("Capacity to bear risk (present value, model units)"), required=False
    )
    version = version_field()

    def __init__(
        self, *args: Any, members: list[Any], own_only: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "—")] + [(m.pk, m.organisation.name) for m in members]
        if own_only:
            self.fields["name"].disabled = True
            self.fields["member"].disabled = True


class CorrelationForm(forms.Form):
    first = forms.TypedChoiceField(label=_("Risk"), coerce=int)
    second = forms.TypedChoiceField(label=_("moves together with"), coerce=int)
    rho = NumberField(
        label=_("Correlation (−1 to 1)"),
        help_text=_("0,5: when one turns out large, the other tends to be large too."),
    )

    def __init__(self, *args: Any, risks: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(r.pk, f"{r.code} · {r.title}") for r in risks if r.quantity]
        self.fields["first"].choices = choices
        self.fields["second"].choices = choices

    def clean_rho(self) -> Decimal:
        value = self.cleaned_data["rho"]
        if value is None or not -1 < value < 1:
            raise forms.ValidationError(_("A correlation lies strictly between −1 and 1."))
        return Decimal(repr(value))
