"""The risk register of a partnership: who bears which risk, and what it may cost each of them.

Risks, allocations and mitigations have bilingual columns (``translation.py``); their history is
registered in ``RisksConfig.ready()``, after modeltranslation has added those columns, so that
both languages are audited. The register plus the base cash flows is exactly a risk-model spec (``risk-model.schema.json``,
the file ``mitra simulate`` reads): :mod:`.specs` turns one into the other. Quantitative inputs
are the spec's own numbers (probabilities, distribution parameters and cash flows in the model's
``amount_unit``, as the computation core takes them); the allocation shares are exact decimals.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from mitra.core.choices import Currency
from mitra.core.fields import FixedDecimalField
from mitra.core.models import BaseModel
from mitra.partnerships.models import Partnership, PartnershipMember


class RiskCategory(models.TextChoices):
    """The OCDS for PPPs risk categories (riskCategory codelist) plus Mitra's own."""

    LAND = "landAvailability", _("Land availability and acquisition")
    ENVIRONMENTAL = "environmental", _("Environmental")
    DESIGN = "design", _("Design")
    CONSTRUCTION = "construction", _("Construction")
    COMPLETION = "completion", _("Completion and commissioning")
    REVENUE = "revenue", _("Revenue and demand")
    INFLATION_FX = "inflationAndFx", _("Exchange rate, inflation and indexation")
    AVAILABILITY = "availabilityAndQuality", _("Availability and service quality")
    OTHER_REVENUE = "otherRevenue", _("Payment and counterparty")
    FINANCE = "financeAvailability", _("Availability of finance")
    REFINANCING = "refinancing", _("Refinancing and interest rates")
    CHANGE_IN_LAW = "changeInLaw", _("Change in law")
    FORCE_MAJEURE = "forceMajeure", _("Force majeure")
    EARLY_TERMINATION = "earlyTermination", _("Early termination")
    COMPLIANCE = "compliance", _("Regulatory compliance")
    SOCIAL = "social", _("Social")
    POLITICAL = "political", _("Political")
    COORDINATION = "coordination", _("Coordination between partners")
    OTHER = "other", _("Other")


#: Mitra category → the risk-model spec's category, used when a risk has no spec category of
#: its own (one typed in the web app); an imported spec keeps its own in ``spec_category``.
SPEC_CATEGORY: dict[str, str] = {
    RiskCategory.LAND: "land",
    RiskCategory.ENVIRONMENTAL: "environmental",
    RiskCategory.DESIGN: "design",
    RiskCategory.CONSTRUCTION: "construction",
    RiskCategory.COMPLETION: "delay",
    RiskCategory.REVENUE: "revenue",
    RiskCategory.INFLATION_FX: "inflation",
    RiskCategory.AVAILABILITY: "operation",
    RiskCategory.OTHER_REVENUE: "counterparty",
    RiskCategory.FINANCE: "financial",
    RiskCategory.REFINANCING: "interest_rate",
    RiskCategory.CHANGE_IN_LAW: "change_in_law",
    RiskCategory.FORCE_MAJEURE: "force_majeure",
    RiskCategory.EARLY_TERMINATION: "other",
    RiskCategory.COMPLIANCE: "regulatory",
    RiskCategory.SOCIAL: "social",
    RiskCategory.POLITICAL: "political",
    RiskCategory.COORDINATION: "other",
    RiskCategory.OTHER: "other",
}

#: The risk-model spec's category → Mitra's (for imported specs).
FROM_SPEC_CATEGORY: dict[str, str] = {
    "design": RiskCategory.DESIGN,
    "construction": RiskCategory.CONSTRUCTION,
    "delay": RiskCategory.COMPLETION,
    "land": RiskCategory.LAND,
    "environmental": RiskCategory.ENVIRONMENTAL,
    "demand": RiskCategory.REVENUE,
    "revenue": RiskCategory.REVENUE,
    "operation": RiskCategory.AVAILABILITY,
    "maintenance": RiskCategory.AVAILABILITY,
    "lifecycle": RiskCategory.AVAILABILITY,
    "handback": RiskCategory.AVAILABILITY,
    "financial": RiskCategory.FINANCE,
    "fx": RiskCategory.INFLATION_FX,
    "interest_rate": RiskCategory.REFINANCING,
    "inflation": RiskCategory.INFLATION_FX,
    "change_in_law": RiskCategory.CHANGE_IN_LAW,
    "regulatory": RiskCategory.COMPLIANCE,
    "political": RiskCategory.POLITICAL,
    "force_majeure": RiskCategory.FORCE_MAJEURE,
    "social": RiskCategory.SOCIAL,
    "counterparty": RiskCategory.OTHER_REVENUE,
    "other": RiskCategory.OTHER,
}


class Phase(models.TextChoices):
    PREPARATION = "preparation", _("Preparation and transaction")
    CONSTRUCTION = "construction", _("Construction")
    OPERATION = "operation", _("Operation")
    HANDBACK = "handback", _("Hand-back")
    ALL = "all", _("Whole life")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MITIGATED = "mitigated", _("Mitigated")
    OCCURRED = "occurred", _("Occurred")
    CLOSED = "closed", pgettext_lazy("risk status", "Closed")


class MitigationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class CashFlowMode(models.TextChoices):
    BY_YEAR = "by_year", _("Year by year")
    PARAMETRIC = "parametric", _("From a few parameters")


#: 1–5 scales of the heat map (likelihood × impact).
SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class RiskSettings(BaseModel):
    """The model around the register: currency and unit, discount rate, horizon, base cash flows
    and the simulation's defaults. One per partnership, created with the first risk."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="risk_settings"
    )
    name = models.CharField(_("model name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.IDR
    )
    amount_unit = models.DecimalField(
        _("amounts in"),
        max_digits=20,
        decimal_places=6,
        default=Decimal("1000000000"),
        help_text=_("Every amount of the model is in multiples of this, e.g. 1,000,000,000."),
    )
    discount_rate = models.DecimalField(
        _("discount rate"),
        max_digits=15,
        decimal_places=12,
        default=Decimal("0.08"),
        validators=[MinValueValidator(Decimal("-0.99")), MaxValueValidator(Decimal("1"))],
        help_text=_("Annual rate as a fraction: 0.08 is 8%."),
    )
    horizon_years = models.PositiveSmallIntegerField(
        _("horizon (years)"), default=20, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    start_year = models.PositiveSmallIntegerField(
        _("calendar year of year 1"), null=True, blank=True
    )
    cash_flow_mode = models.CharField(
        _("base cash flows"),
        max_length=12,
        choices=CashFlowMode.choices,
        default=CashFlowMode.BY_YEAR,
    )
    #: The spec's ``base_cash_flows`` without its ``mode``: capex/opex/revenue lists (by year) or
    #: the parametric fields, as numbers in ``amount_unit``.
    cash_flows = models.JSONField(_("base cash flows"), default=dict, blank=True)
    #: The spec's ``simulation`` block as given (iterations, seed, percentiles, var_confidence).
    simulation = models.JSONField(_("simulation defaults"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk model settings")
        verbose_name_plural = _("risk model settings")

    def __str__(self) -> str:
        return self.name or str(self.partnership)


class RiskParty(BaseModel):
    """A party that can bear risk: normally a partner (its member), keyed as in the spec."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="risk_parties"
    )
    key = models.SlugField(
        _("key"),
        max_length=40,
        help_text=_("Short id used in the risk-model file: lower-case letters, digits and _."),
    )
    name = models.CharField(_("name"), max_length=200)
    member = models.ForeignKey(
        PartnershipMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="risk_parties",
        verbose_name=_("partner"),
    )
    capacity = FixedDecimalField(
        _("capacity to bear risk"),
        null=True,
        blank=True,
        help_text=_("The present value of risk cost this party says it can carry, in model units."),
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "key"], name="uniq_risk_party_key")
        ]
        verbose_name = _("risk-bearing party")
        verbose_name_plural = _("risk-bearing parties")

    def __str__(self) -> str:
        return self.name


class Risk(BaseModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="risks")
    code = models.CharField(
        _("id"),
        max_length=40,
        help_text=_("Short id, e.g. R1; letters, digits, '.', '_' or '-', starting with a letter."),
    )
    order = models.PositiveIntegerField(default=0)
    category = models.CharField(
        _("category"), max_length=30, choices=RiskCategory.choices, default=RiskCategory.OTHER
    )
    #: The category of an imported spec, kept so that an export gives the same file back.
    spec_category = models.CharField(max_length=30, blank=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.ALL)
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood (1–5)"), default=3, validators=SCALE
    )
    impact_level = models.PositiveSmallIntegerField(_("impact (1–5)"), default=3, validators=SCALE)
    status = models.CharField(
        _("status"), max_length=12, choices=RiskStatus.choices, default=RiskStatus.OPEN
    )
    #: The spec's quantitative fields of this risk: probability, impact (a distribution),
    #: unit_value, basis, applies_to, years, year_weights (only those given).
    quantity = models.JSONField(_("quantification"), default=dict, blank=True)
    controlled_by = models.ForeignKey(
        RiskParty,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("best able to manage it"),
    )
    #: When set, the impact figures (distribution and unit value) are seen only by this
    #: partner's users: the simulation uses them, everyone sees its results.
    cost_confidential_to = models.ForeignKey(
        PartnershipMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cost figures confidential to"),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "code"], name="uniq_risk_code")
        ]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    @property
    def score(self) -> int:
        return self.likelihood * self.impact_level


class RiskAllocation(BaseModel):
    """The share of a risk a party bears (shares of a risk sum to 100%)."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="allocations")
    party = models.ForeignKey(RiskParty, on_delete=models.CASCADE, related_name="allocations")
    share = models.DecimalField(
        _("share"),
        max_digits=13,
        decimal_places=12,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    rationale = models.TextField(_("rationale"), blank=True)

    class Meta:
        ordering = ["party__order", "party_id"]
        constraints = [
            models.UniqueConstraint(fields=["risk", "party"], name="uniq_allocation_party")
        ]
        verbose_name = _("risk allocation")
        verbose_name_plural = _("risk allocations")

    def __str__(self) -> str:
        return f"{self.risk_id}/{self.party_id}: {self.share}"


class Mitigation(BaseModel):
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="mitigations")
    action = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(
        PartnershipMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MitigationStatus.choices,
        default=MitigationStatus.PLANNED,
    )

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("mitigation action")
        verbose_name_plural = _("mitigation actions")

    def __str__(self) -> str:
        return self.action


class RiskCorrelation(BaseModel):
    """Correlation of the impacts of two risks (Gaussian copula of the spec)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="risk_correlations"
    )
    first = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="+")
    rho = models.DecimalField(
        _("correlation"),
        max_digits=13,
        decimal_places=12,
        validators=[MinValueValidator(Decimal(-1)), MaxValueValidator(Decimal(1))],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("risk correlation")
        verbose_name_plural = _("risk correlations")

    def __str__(self) -> str:
        return f"{self.first_id}~{self.second_id}: {self.rho}"


class Simulation(models.Model):
    """One Monte Carlo run of the register as it was: the spec it used and its result."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="risk_simulations"
    )
    job = models.OneToOneField(
        "jobs.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="risk_simulation",
    )
    iterations = models.PositiveIntegerField(_("iterations"))
    seed = models.PositiveBigIntegerField(_("seed"), null=True, blank=True)
    #: SHA-256 of the canonical spec JSON: a result on other inputs than today's says so.
    inputs_hash = models.CharField(max_length=64)
    #: The whole spec, confidential inputs included: never shown, only simulated.
    spec = models.JSONField()
    #: The same JSON as ``mitra simulate --format json``.
    result = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("risk simulation")
        verbose_name_plural = _("risk simulations")

    def __str__(self) -> str:
        return f"{self.partnership_id} · {self.created_at:%Y-%m-%d %H:%M}"
