"""The appraisal of a partnership (issue 12, part 2): value for money, fiscal commitments and
contingent liabilities, stress tests, and the budget series of an organisation.

Every input here is the government side's (the PJPK's): the private party's figures stay in the
project-finance model (``models.FinanceModel``), which these inputs read through its selectors.
Series of yearly amounts are the computation core's own numbers (JSON numbers in ``amount_unit``
of ``currency``, as ``mitra vfm`` / ``mitra fiscal`` read them, like the risk register's base cash
flows); a budget is real money, a ``Decimal`` per year in whole currency units. Edits are audited
(simple-history) and versioned (``BaseModel.version``, stale edits refused by the services).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mitra.core.choices import Currency
from mitra.core.fields import FixedDecimalField
from mitra.core.models import BaseModel
from mitra.organisations.models import Organisation
from mitra.partnerships.models import Partnership, PartnershipMember

__all__ = [
    "BudgetKind",
    "BudgetSeries",
    "BudgetYear",
    "FiscalInputs",
    "GuaranteeKind",
    "LimitBasis",
    "PaymentsSource",
    "PublicGuarantee",
    "StressScenario",
    "VfmChecklist",
    "VfmInputs",
]

YEAR = [MinValueValidator(1900), MaxValueValidator(2200)]


class PaymentsSource(models.TextChoices):
    #: The government flows of the partnership's project-finance model (Finance tab).
    FINANCE_MODEL = "finance_model", _("From the project-finance model")
    #: Entered here by year.
    ENTERED = "entered", _("Entered here by year")


class VfmInputs(BaseModel):
    """The quantitative value-for-money inputs: the Pembanding Sektor Publik (PSC) and the KPBU
    option's government costs besides the payments. Present values in ``amount_unit`` of
    ``currency`` at ``discount_rate`` to ``base_year``."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="vfm_inputs"
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.IDR
    )
    amount_unit = models.DecimalField(
        _("amounts in units of"),
        max_digits=16,
        decimal_places=0,
        default=1_000_000_000,
        validators=[MinValueValidator(1)],
        help_text=_("E.g. 1000000000: amounts in billions of the currency."),
    )
    discount_rate = models.DecimalField(
        _("public discount rate"),
        max_digits=6,
        decimal_places=4,
        default="0.08",
        validators=[MinValueValidator(-0.99), MaxValueValidator(1)],
        help_text=_("A fraction per year: 0.08 = 8%."),
    )
    base_year = models.PositiveSmallIntegerField(_("base year"), validators=YEAR)
    psc_start_year = models.PositiveSmallIntegerField(
        _("first year of the PSC cash flows"), validators=YEAR
    )
    #: Raw PSC, nominal by year from ``psc_start_year``: capex, opex and third-party revenue.
    psc_capex = models.JSONField(_("PSC capex by year"), default=list, blank=True)
    psc_opex = models.JSONField(_("PSC opex by year"), default=list, blank=True)
    psc_revenue = models.JSONField(_("PSC revenue by year"), default=list, blank=True)
    competitive_neutrality = models.DecimalField(
        _("competitive neutrality (PV)"), max_digits=20, decimal_places=4, default=0
    )
    #: Risk-register parties (keys) whose risk costs are transferred by the KPBU (counted in the
    #: PSC only), and those the government keeps under either option. Empty: by sector.
    transferable_parties = models.JSONField(default=list, blank=True)
    retained_parties = models.JSONField(default=list, blank=True)
    #: Used when there is no risk simulation (present values).
    transferable_risk = models.DecimalField(
        _("transferable risk (PV, without a simulation)"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
    )
    retained_risk = models.DecimalField(
        _("retained risk (PV, without a simulation)"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
    )
    guarantee_calls = models.DecimalField(
        _("expected guarantee calls (PV)"), max_digits=20, decimal_places=4, default=0
    )
    other_costs = models.DecimalField(
        _("other costs of the KPBU option (PV)"),
        max_digits=20,
        decimal_places=4,
        default=0,
        help_text=_("Contract management, transaction advisers."),
    )
    payments_source = models.CharField(
        _("government payments"),
        max_length=20,
        choices=PaymentsSource.choices,
        default=PaymentsSource.FINANCE_MODEL,
    )
    #: ``{"start_year": 2026, "availability_payment": [...], "vgf": [...], "land": [...]}``
    payments = models.JSONField(_("government payments by year"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("value-for-money inputs")
        verbose_name_plural = _("value-for-money inputs")

    def __str__(self) -> str:
        return str(self.partnership)


class VfmChecklist(BaseModel):
    """The qualitative VfM checklist of the OBC: per question an answer and a note."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="vfm_checklist"
    )
    #: ``{question key: {"answer": "yes|partly|no|unknown", "note": "..."}}``
    answers = models.JSONField(_("answers"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("qualitative VfM checklist")
        verbose_name_plural = _("qualitative VfM checklists")

    def __str__(self) -> str:
        return str(self.partnership)


class BudgetKind(models.TextChoices):
    APBD = "APBD", _("Regional budget (APBD)")
    APBN = "APBN", _("State budget (APBN)")
    OTHER = "other", _("Other budget")


class BudgetSeries(BaseModel):
    """An organisation's own budget by year (a Pemda's APBD, a ministry's APBN allocation), with
    where the figures come from and the growth rate that projects the years without one."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="budget_series"
    )
    kind = models.CharField(
        _("budget"), max_length=10, choices=BudgetKind.choices, default=BudgetKind.APBD
    )
    label = models.CharField(
        _("what the figures are"),
        max_length=200,
        help_text=_("E.g. APBD Provinsi Jawa Timur, total belanja."),
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.IDR
    )
    growth_rate = models.DecimalField(
        _("growth per year for projected years"),
        max_digits=6,
        decimal_places=4,
        default="0.05",
        validators=[MinValueValidator(-0.5), MaxValueValidator(1)],
        help_text=_("A fraction: 0.05 = 5% a year. Years without a figure grow from the last one."),
    )
    source = models.TextField(
        _("source"),
        help_text=_("Where the figures come from, e.g. Perda APBD 2026, LKPD 2025."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget series")
        verbose_name_plural = _("budget series")

    def __str__(self) -> str:
        return self.label


class BudgetYear(models.Model):
    """One year of a budget series, in whole currency units."""

    series = models.ForeignKey(BudgetSeries, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR)
    amount = FixedDecimalField(_("amount"))
    source = models.CharField(_("source of this year"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = _("budget year")
        verbose_name_plural = _("budget years")
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="uniq_budget_year"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="budget_year_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"


class LimitBasis(models.TextChoices):
    DIRECT = "direct", _("Direct commitments")
    EXPECTED = "direct_plus_expected", _("Direct plus expected guarantee calls")
    P95 = "direct_plus_p95", _("Direct plus P95 guarantee calls")


class FiscalInputs(BaseModel):
    """What the partnership commits the PJPK's budget to: the direct commitments (from the
    finance model or entered), the affordability limit and the facts of the balance-sheet
    tests. Amounts in ``amount_unit`` of ``currency`` (the finance model's when it is used)."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="fiscal_inputs"
    )
    pjpk = models.ForeignKey(
        PartnershipMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("PJPK whose budget bears the commitments"),
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.IDR
    )
    amount_unit = models.DecimalField(
        _("amounts in units of"),
        max_digits=16,
        decimal_places=0,
        default=1_000_000_000,
        validators=[MinValueValidator(1)],
    )
    discount_rate = models.DecimalField(
        _("public discount rate"),
        max_digits=6,
        decimal_places=4,
        default="0.08",
        validators=[MinValueValidator(-0.99), MaxValueValidator(1)],
    )
    base_year = models.PositiveSmallIntegerField(_("base year"), validators=YEAR)
    commitments_source = models.CharField(
        _("direct commitments"),
        max_length=20,
        choices=PaymentsSource.choices,
        default=PaymentsSource.FINANCE_MODEL,
    )
    #: ``{"start_year": 2026, "availability_payment": [...], "vgf": [...], "land": [...]}``
    commitments = models.JSONField(_("direct commitments by year"), default=dict, blank=True)
    limit_share = models.DecimalField(
        _("affordability limit (share of the budget)"),
        max_digits=7,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    limit_basis = models.CharField(
        _("limit applies to"),
        max_length=30,
        choices=LimitBasis.choices,
        default=LimitBasis.EXPECTED,
    )
    limit_source = models.CharField(_("source of the limit"), max_length=300, blank=True)
    capital_cost = models.DecimalField(
        _("capital cost (nominal)"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    construction_share = models.DecimalField(
        _("government's share of construction risk"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    availability_share = models.DecimalField(
        _("government's share of availability risk"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    demand_share = models.DecimalField(
        _("government's share of demand risk"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )

    #: Facts of the IPSAS 32 / PSAP 16 control test (None: not known).
    control_services_and_prices = models.BooleanField(
        _("the government controls the services and their prices"), null=True, blank=True
    )
    control_residual_interest = models.BooleanField(
        _("the government controls the residual interest (hand-back)"), null=True, blank=True
    )
    control_whole_of_life = models.BooleanField(
        _("the asset is used for its whole useful life"), null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fiscal inputs")
        verbose_name_plural = _("fiscal inputs")

    def __str__(self) -> str:
        return str(self.partnership)


class GuaranteeKind(models.TextChoices):
    LOAN = "loan", _("Loan guarantee")
    MINIMUM_REVENUE = "minimum_revenue", _("Minimum revenue guarantee")
    DEMAND = "demand", _("Demand guarantee")
    TERMINATION = "termination", _("Termination payment")
    POLITICAL_RISK = "political_risk", _("Political risk (the PJPK's obligations)")
    OTHER = "other", _("Other")


class PublicGuarantee(BaseModel):
    """A government guarantee of the partnership: a contingent liability. Its calls are given
    (expected and P95 by year) or drawn from the latest risk simulation (``risk_codes``: the
    government parties' cost of those risks)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="public_guarantees"
    )
    code = models.SlugField(_("short id"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    provider = models.CharField(_("guarantor"), max_length=120, default="PT PII")
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=GuaranteeKind.choices,
        default=GuaranteeKind.POLITICAL_RISK,
    )
    covered_amount = models.DecimalField(
        _("amount covered"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    start_year = models.PositiveSmallIntegerField(
        _("first year of the calls"), null=True, blank=True, validators=YEAR
    )
    expected = models.JSONField(_("expected calls by year"), default=list, blank=True)
    p95 = models.JSONField(_("P95 calls by year"), default=list, blank=True)
    risk_codes = models.JSONField(_("risks whose cost is called"), default=list, blank=True)
    recourse = models.BooleanField(
        _("recovered from the PJPK (Perjanjian Regres)"),
        default=True,
        help_text=_(
            "PT PII pays the call and recovers it from the PJPK under the recourse agreement: "
            "the exposure lands on the PJPK's budget."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("government guarantee")
        verbose_name_plural = _("government guarantees")
        constraints = [
            models.UniqueConstraint(fields=["partnership", "code"], name="uniq_guarantee_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class StressScenario(BaseModel):
    """A named stress scenario of the partnership: shocks as the core's stress spec has them
    (``stress-scenarios.schema.json``), and the result of its last run."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="stress_scenarios"
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    template = models.CharField(max_length=30, blank=True)
    shocks = models.JSONField(_("shocks"), default=list)
    #: ``ScenarioResult.to_dict()["metrics"]`` of the last run, and what it ran on.
    result = models.JSONField(null=True, blank=True)
    result_hash = models.CharField(max_length=64, blank=True)
    run_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["result", "result_hash", "run_at"])

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("stress scenario")
        verbose_name_plural = _("stress scenarios")
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="uniq_stress_name"),
        ]

    def __str__(self) -> str:
        return self.name
