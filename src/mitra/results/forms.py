"""Forms of the Results tab. They only clean input; the rules (who reports, who verifies, a
disaggregation that may not exceed its total) live in the models and services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.fields import LocalizedDecimalField
from mitra.partnerships.forms import version_field

from .models import CATEGORIES, UNIT_CHOICES, Dimension, Direction, HealthItem, Level, Measure

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ResultForm(forms.Form):
    title = forms.CharField(label=_("Result"), max_length=250)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class IndicatorForm(forms.Form):
    result = forms.TypedChoiceField(label=_("Result"), coerce=int)
    title = forms.CharField(label=_("Indicator"), max_length=250)
    description = forms.CharField(
        label=_("Definition"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    measure = forms.ChoiceField(label=_("Measure"), choices=Measure.choices)
    unit = forms.ChoiceField(label=_("Unit"), choices=[("", "—"), *UNIT_CHOICES], required=False)
    numerator_label = forms.CharField(label=_("Numerator"), max_length=200, required=False)
    denominator_label = forms.CharField(
        label=_("Denominator"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for a count; with a denominator the value is a ratio."),
    )
    factor = LocalizedDecimalField(
        label=_("Factor"),
        initial=1,
        help_text=_("value = numerator ÷ denominator × factor (100 for a percentage)."),
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    cumulative = forms.BooleanField(
        label=_("Cumulative (each period reports the total to date)"), required=False
    )
    baseline_value = LocalizedDecimalField(label=_("Baseline"), required=False)
    baseline_date = forms.DateField(label=_("Baseline date"), required=False, widget=DATE)
    baseline_source = forms.CharField(label=_("Baseline source"), max_length=300, required=False)
    reporter = forms.TypedChoiceField(label=_("Reporting partner"), coerce=int)
    verifier = forms.TypedChoiceField(
        label=_("Verifying partner"),
        coerce=int,
        help_text=_("Another organisation than the reporting one approves the values."),
    )

    def __init__(self, *args: Any, results: list[Any], members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [(r.pk, r.title) for r in results]
        partners = [(m.pk, str(m.organisation)) for m in members if m.left_on is None]
        self.fields["reporter"].choices = partners
        self.fields["verifier"].choices = partners


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)
    target_value = LocalizedDecimalField(label=_("Target"), required=False)
    target_text = forms.CharField(label=_("Target (in words)"), max_length=500, required=False)
    target_female = LocalizedDecimalField(label=_("Target: female"), required=False)
    target_with = LocalizedDecimalField(label=_("Target: with a disability"), required=False)

    def targets(self) -> list[dict[str, Any]]:
        out = []
        for name, dim, cat in (
            ("target_female", Dimension.SEX, "female"),
            ("target_with", Dimension.DISABILITY, "with"),
        ):
            if self.cleaned_data.get(name) is not None:
                out.append({"dimension": dim, "category": cat, "value": self.cleaned_data[name]})
        return out


class ResultEditForm(ResultForm):
    version = version_field()


class IndicatorEditForm(IndicatorForm):
    version = version_field()


class PeriodEditForm(PeriodForm):
    version = version_field()


class ShareForm(forms.Form):
    """The other partnerships (the ones the user's organisation leads) that see an indicator."""

    partnerships = forms.TypedMultipleChoiceField(
        label=_("Also show this indicator in"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Their partners (e.g. other funders) see its approved values there; the reporting "
            "partner reports once, here."
        ),
    )

    def __init__(self, *args: Any, partnerships: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partnerships"].choices = [(p.pk, str(p)) for p in partnerships]


REGION_ROWS = 3


class UpdateForm(forms.Form):
    """The value and its breakdown: one field per category of sex, age group and disability,
    and a few rows of regions by Kemendagri area code (down to the village)."""

    version = version_field()
    numerator = LocalizedDecimalField(label=_("Value"), required=False)
    denominator = LocalizedDecimalField(label=_("Denominator"), required=False)
    narrative = forms.CharField(
        label=_("Narrative"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.TypedChoiceField(
        label=_("Evidence document"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, indicator: Any, documents: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["evidence"].choices = [("", "—"), *((d.pk, d.title) for d in documents)]
        if indicator.numerator_label:
            self.fields["numerator"].label = indicator.numerator_label
        if not indicator.is_ratio:
            del self.fields["denominator"]
        else:
            self.fields["denominator"].label = indicator.denominator_label
        if indicator.is_quantitative:
            for dim, cats in CATEGORIES.items():
                for code, label in cats:
                    self.fields[f"d_{dim}_{code}"] = LocalizedDecimalField(
                        label=f"{Dimension(dim).label}: {label}", required=False
                    )
            for i in range(REGION_ROWS):
                self.fields[f"region_code_{i}"] = forms.CharField(
                    label=_("Region %(n)s: Kemendagri area code") % {"n": i + 1},
                    required=False,
                    max_length=13,
                    help_text=_("e.g. 32.03 (regency) or 32.03.05.2001 (village)")
                    if i == 0
                    else "",
                )
                self.fields[f"region_name_{i}"] = forms.CharField(
                    label=_("Region %(n)s: name") % {"n": i + 1}, required=False, max_length=200
                )
                self.fields[f"region_value_{i}"] = LocalizedDecimalField(
                    label=_("Region %(n)s: value") % {"n": i + 1}, required=False
                )

    def sections(self) -> list[tuple[Any, list[list[Any]]]]:
        """The breakdown's fields grouped for the page: (legend, rows of bound fields)."""
        if not self.indicator.is_quantitative:
            return []
        out: list[tuple[Any, list[list[Any]]]] = []
        for dim, cats in CATEGORIES.items():
            fields = [self[f"d_{dim}_{code}"] for code, _label in cats]
            for field, (_code, label) in zip(fields, cats, strict=True):
                field.label = label
            out.append((Dimension(dim).label, [fields]))
        rows = []
        for i in range(REGION_ROWS):
            row = [self[f"region_{part}_{i}"] for part in ("code", "name", "value")]
            row[0].label = _("Kemendagri area code")
            row[1].label = _("Name (e.g. the village)")
            row[2].label = _("Value")
            rows.append(row)
        out.append((_("Region (down to the village)"), rows))
        return out

    def main_fields(self) -> list[Any]:
        return [
            self[name]
            for name in ("numerator", "denominator", "narrative", "evidence")
            if name in self.fields
        ]

    def disaggregations(self) -> list[dict[str, Any]]:
        data, out = self.cleaned_data, []
        for dim, cats in CATEGORIES.items():
            for code, _label in cats:
                value = data.get(f"d_{dim}_{code}")
                if value is not None:
                    out.append({"dimension": dim, "category": code, "numerator": value})
        for i in range(REGION_ROWS):
            code, value = data.get(f"region_code_{i}"), data.get(f"region_value_{i}")
            if code and value is not None:
                out.append(
                    {
                        "dimension": Dimension.REGION,
                        "category": code.strip(),
                        "label": data.get(f"region_name_{i}", ""),
                        "numerator": value,
                    }
                )
        return out

    def values(self) -> dict[str, Any]:
        return {
            k: self.cleaned_data.get(k)
            for k in ("numerator", "denominator", "narrative")
            if k in self.cleaned_data
        } | {"narrative": self.cleaned_data.get("narrative") or ""}


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you return the value: say what should change."),
    )


class ServiceLevelForm(forms.Form):
    threshold = LocalizedDecimalField(label=_("Threshold"))
    deduction_percent = LocalizedDecimalField(label=_("Deduction per failure (%)"))
    cap_percent = LocalizedDecimalField(label=_("Cap per year (%)"), initial=100)
    clause = forms.CharField(label=_("Clause of the agreement"), max_length=200, required=False)


SCORES = [(i, str(i)) for i in range(1, 6)]


class HealthForm(forms.Form):
    """The partnership health survey: six statements, 1 (strongly disagree) to 5 (strongly
    agree)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in HealthItem.choices:
            self.fields[key] = forms.TypedChoiceField(
                label=label, choices=SCORES, coerce=int, widget=forms.RadioSelect
            )
        self.fields["comment"] = forms.CharField(
            label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
        )

    def scores(self) -> dict[str, int]:
        return {k: self.cleaned_data[k] for k in HealthItem.values}
