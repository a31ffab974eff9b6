"""Results: data and constraints (issue 15).

A partnership's *results framework*: results (output, outcome, impact) → indicators → reporting
periods with targets → updates (actual values) that a reporting partner submits and a verifying
partner approves or returns. Learnt from Akvo RSR (``akvo/rsr/models/result``: indicator,
indicator_period, indicator_period_data with draft/pending/approved/returned, disaggregations) and
DHIS2 (numerator / denominator × factor indicators); unlike RSR, a disaggregation may never add up
to more than its total and carries its own target; unlike DHIS2, every period has a target and
every change is in the audit trail shown on the History tab.

*Service levels* turn an indicator into a KPI of an availability-payment KPBU: a threshold and the
deduction rule of the agreement. *Health surveys* ask every partner how the partnership works.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mitra.core.choices import Unit
from mitra.core.models import BaseModel
from mitra.partnerships.models import Document, Partnership, PartnershipMember

VALUE = {"max_digits": 20, "decimal_places": 4}


class Level(models.TextChoices):
    OUTPUT = "output", _("Output")
    OUTCOME = "outcome", _("Outcome")
    IMPACT = "impact", _("Impact")


class Measure(models.TextChoices):
    QUANTITATIVE = "quantitative", _("Quantitative")
    QUALITATIVE = "qualitative", _("Qualitative")


class Direction(models.TextChoices):
    INCREASE = "increase", _("higher is better")
    DECREASE = "decrease", _("lower is better")


class IndicatorUnit(models.TextChoices):
    PERCENT = "percent", _("percent (%)")
    COUNT = "count", _("number")
    RATE = "rate", _("rate (per factor)")


#: An indicator's unit: its own kinds, then the shared code list.
UNIT_CHOICES = [*IndicatorUnit.choices, *Unit.choices]


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class Dimension(models.TextChoices):
    SEX = "sex", _("Sex")
    AGE = "age", _("Age group")
    DISABILITY = "disability", _("Disability")
    REGION = "region", _("Region")


#: The fixed categories of each dimension (region: a Kemendagri area code, see ``AREA_CODE``).
CATEGORIES: dict[str, list[tuple[str, object]]] = {
    Dimension.SEX: [("female", _("female")), ("male", _("male"))],
    Dimension.AGE: [
        ("0-5", _("0–5 years")),
        ("6-12", _("6–12 years")),
        ("13-17", _("13–17 years")),
        ("18-24", _("18–24 years")),
        ("25-59", _("25–59 years")),
        ("60+", _("60 years and over")),
    ],
    Dimension.DISABILITY: [
        ("with", _("with a disability")),
        ("without", _("without a disability")),
    ],
}

#: Kemendagri area code (Permendagri 72/2019 on kode wilayah): province "32", regency "32.03",
#: district (kecamatan) "32.03.05", village (desa/kelurahan) "32.03.05.2001".
AREA_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


def category_label(dimension: str, category: str) -> str:
    return _category_label(dimension, category, get_language() or "")


@lru_cache(maxsize=512)
def _category_label(dimension: str, category: str, language: str) -> str:
    """(a scorecard labels hundreds of breakdown rows: each looked up once per language)"""
    for code, label in CATEGORIES.get(dimension, []):
        if code == category:
            return str(label)
    return category


class Result(BaseModel):
    """A result the partners pursue together, at one level of the results chain."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="results", verbose_name=_("partnership")
    )
    title = models.CharField(_("title"), max_length=250)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["partnership_id", "id"]
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self) -> str:
        return self.title


class Indicator(BaseModel):
    """How a result is measured, who reports it and who verifies it."""

    result = models.ForeignKey(
        Result, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("result")
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="result_indicators",
        verbose_name=_("partnership"),
        editable=False,
    )
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("definition"), blank=True)
    measure = models.CharField(
        _("measure"), max_length=12, choices=Measure.choices, default=Measure.QUANTITATIVE
    )
    unit = models.CharField(_("unit"), max_length=20, choices=UNIT_CHOICES, blank=True)
    numerator_label = models.CharField(_("numerator"), max_length=200, blank=True)
    denominator_label = models.CharField(
        _("denominator"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty for a count; with a denominator the value is a ratio."),
    )
    factor = models.DecimalField(
        _("factor"),
        max_digits=12,
        decimal_places=4,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.0001"))],
        help_text=_("value = numerator ÷ denominator × factor (100 for a percentage)."),
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    cumulative = models.BooleanField(
        _("cumulative"),
        default=False,
        help_text=_(
            "Each period reports the total to date (the latest counts), not what is new in it."
        ),
    )
    baseline_value = models.DecimalField(_("baseline"), null=True, blank=True, **VALUE)
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    baseline_source = models.CharField(_("baseline source"), max_length=300, blank=True)
    reporter = models.ForeignKey(
        PartnershipMember,
        on_delete=models.PROTECT,
        related_name="reported_indicators",
        verbose_name=_("reporting partner"),
    )
    verifier = models.ForeignKey(
        PartnershipMember,
        on_delete=models.PROTECT,
        related_name="verified_indicators",
        verbose_name=_("verifying partner"),
    )
    counts_beneficiaries = models.BooleanField(
        _("counts the beneficiaries"),
        default=False,
        help_text=_(
            "Its approved values are the programme's beneficiaries (people or households) in "
            "the TJSL portfolio and its cost per beneficiary."
        ),
    )
    lever = models.ForeignKey(
        "goals.Lever",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("lever it measures"),
    )
    shared_with = models.ManyToManyField(
        Partnership,
        blank=True,
        related_name="linked_indicators",
        verbose_name=_("also shown in"),
        help_text=_("Other partnerships (e.g. other funders) that see this indicator's values."),
    )

    class Meta:
        ordering = ["partnership_id", "result_id", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.title

    @property
    def is_ratio(self) -> bool:
        return bool(self.denominator_label)

    @property
    def is_quantitative(self) -> bool:
        return self.measure == Measure.QUANTITATIVE

    def compute(self, numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
        """DHIS2's formula: numerator ÷ denominator × factor (a count: numerator × factor)."""
        if numerator is None:
            return None
        if self.is_ratio:
            if not denominator:
                return None
            return (numerator / denominator * self.factor).quantize(Decimal("0.0001"))
        return (numerator * self.factor).quantize(Decimal("0.0001"))

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.result_id and self.partnership_id is None:
            self.partnership_id = self.result.partnership_id
        if self.reporter_id and self.verifier_id:
            if self.reporter_id == self.verifier_id or (
                self.reporter.organisation_id == self.verifier.organisation_id
            ):
                errors["verifier"] = _(
                    "The verifying partner must be another organisation than the reporting one."
                )
            for name in ("reporter", "verifier"):
                member = getattr(self, name)
                if self.partnership_id and member.partnership_id != self.partnership_id:
                    errors[name] = _("Choose a partner of this partnership.")
        if self.is_quantitative and not self.unit:
            errors["unit"] = _("A quantitative indicator needs its unit.")
        if not self.is_quantitative and self.denominator_label:
            errors["denominator_label"] = _("A qualitative indicator has no denominator.")
        if self.baseline_value is not None and not self.is_quantitative:
            errors["baseline_value"] = _("A qualitative indicator has no baseline value.")
        if errors:
            raise ValidationError(errors)


class IndicatorLight(models.Model):
    """An indicator's traffic light as its latest value leaves it, and the first day a report
    due after that value is overdue (which turns it red with no write): derived data, kept up to
    date by ``results.lights`` on every write to the indicator, its periods, updates and service
    level, for the dashboard. No history (nothing a person wrote) and no foreign-key constraint:
    an indicator's deletion drops its light itself (lights.py), so a cascade that refreshes it
    on the way cannot block the deletion."""

    indicator = models.OneToOneField(
        Indicator,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="stored_light",
    )
    light = models.CharField(max_length=5)
    late_from = models.DateField(null=True)

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.light} (late from {self.late_from})"


class Period(BaseModel):
    """A reporting period of an indicator, with its target."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="periods", verbose_name=_("indicator")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    target_value = models.DecimalField(_("target"), null=True, blank=True, **VALUE)
    target_text = models.CharField(_("target (in words)"), max_length=500, blank=True)
    due_date = models.DateField(
        _("report due"), null=True, blank=True, help_text=_("Default: 30 days after the end.")
    )
    reminded_on = models.DateField(_("reminder sent on"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["indicator_id", "start", "id"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")

    def __str__(self) -> str:
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("The period must end after it starts.")
        if self.indicator_id and self.start and self.end:
            overlap = Period.objects.filter(
                indicator_id=self.indicator_id, start__lte=self.end, end__gte=self.start
            ).exclude(pk=self.pk)
            if overlap.exists():
                errors["start"] = _("This period overlaps another period of the indicator.")
        if errors:
            raise ValidationError(errors)


class DisaggregationTarget(models.Model):
    """A period's target for one category (e.g. 60 of the 120 teachers trained are women)."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="disaggregation_targets"
    )
    dimension = models.CharField(_("dimension"), max_length=12, choices=Dimension.choices)
    category = models.CharField(_("category"), max_length=40)
    label = models.CharField(_("name"), max_length=200, blank=True)
    value = models.DecimalField(_("target"), **VALUE)

    class Meta:
        ordering = ["period_id", "dimension", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "dimension", "category"], name="uniq_results_disagg_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.category}"

    @property
    def display(self) -> str:
        return self.label or category_label(self.dimension, self.category)


class Update(BaseModel):
    """An actual value reported for a period: draft → submitted → approved or returned.

    Approved values are locked; a correction is a new update that names the one it corrects
    (``corrects``) and replaces it once approved.
    """

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="updates", verbose_name=_("period")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    numerator = models.DecimalField(_("value"), null=True, blank=True, **VALUE)
    denominator = models.DecimalField(_("denominator"), null=True, blank=True, **VALUE)
    value = models.DecimalField(_("computed value"), null=True, blank=True, editable=False, **VALUE)
    narrative = models.TextField(_("narrative"), blank=True)
    evidence = models.ForeignKey(
        Document,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evidence document"),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)

    class Meta:
        ordering = ["period_id", "created_at", "id"]
        verbose_name = _("update")
        verbose_name_plural = _("updates")

    def __str__(self) -> str:
        return f"{self.period} · {self.get_status_display()}"


class UpdateDisaggregation(models.Model):
    """One category's share of an update's value (e.g. 70 of the 120 teachers are women)."""

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="disaggregations")
    dimension = models.CharField(_("dimension"), max_length=12, choices=Dimension.choices)
    category = models.CharField(_("category"), max_length=40)
    label = models.CharField(_("name"), max_length=200, blank=True)
    numerator = models.DecimalField(_("value"), **VALUE)
    denominator = models.DecimalField(_("denominator"), null=True, blank=True, **VALUE)

    class Meta:
        ordering = ["update_id", "dimension", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["update", "dimension", "category"], name="uniq_results_disagg_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.category}"

    @property
    def display(self) -> str:
        return self.label or category_label(self.dimension, self.category)


class UpdateComment(BaseModel):
    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"))

    class Meta:
        ordering = ["update_id", "created_at", "id"]


class ServiceLevel(BaseModel):
    """A KPI of an availability-payment KPBU: the threshold of an indicator and the deduction
    rule of the agreement (each failing period deducts ``deduction_percent`` of that period's
    availability payment, at most ``cap_percent`` of a year's)."""

    indicator = models.OneToOneField(
        Indicator, on_delete=models.CASCADE, related_name="service_level"
    )
    threshold = models.DecimalField(
        _("threshold"),
        help_text=_("The least (higher is better) or most (lower is better) acceptable value."),
        **VALUE,
    )
    deduction_percent = models.DecimalField(
        _("deduction per failure (%)"),
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    cap_percent = models.DecimalField(
        _("cap per year (%)"),
        max_digits=6,
        decimal_places=3,
        default=Decimal(100),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    clause = models.CharField(
        _("clause of the agreement"), max_length=200, blank=True, help_text=_("e.g. Lampiran 5")
    )

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")


class HealthItem(models.TextChoices):
    """The partnership health instrument (six items, 1–5), adapted from the Partnership
    Self-Assessment Tool (Center for the Advancement of Collaborative Strategies in Health, 2002)
    and the Wilder Collaboration Factors Inventory (Mattessich & Monsey, 2001)."""

    TRUST = "trust", _("Partners trust each other.")
    COMMUNICATION = "communication", _("Communication among partners is open and timely.")
    FAIRNESS = "fairness", _("What each partner contributes and receives is fair.")
    DECISIONS = "decisions", _("Decisions are made together and transparently.")
    VALUE = "value", _("The partnership is worth what it costs my organisation.")
    BENEFIT = "benefit", _("Each partner gains something it could not gain alone.")


class HealthResponse(BaseModel):
    """One partner's answers in one survey round (``round`` is the date it opened)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="health_responses"
    )
    member = models.ForeignKey(
        PartnershipMember, on_delete=models.CASCADE, related_name="health_responses"
    )
    round = models.DateField(_("survey round"))
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    scores = models.JSONField(_("scores"), default=dict)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["partnership_id", "round", "member_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "member", "round"], name="uniq_results_health_response"
            )
        ]

    @property
    def index(self) -> Decimal:
        """0–100: the mean score mapped from 1–5."""
        values = [Decimal(v) for v in self.scores.values()]
        mean = sum(values, Decimal(0)) / len(values) if values else Decimal(1)
        return ((mean - 1) / 4 * 100).quantize(Decimal("0.1"))

    def clean(self) -> None:
        keys = set(HealthItem.values)
        if set(self.scores) != keys or not all(
            isinstance(v, int) and 1 <= v <= 5 for v in self.scores.values()
        ):
            raise ValidationError({"scores": _("Answer every statement with a score from 1 to 5.")})
