from __future__ import annotations

import os
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from mitra.core.choices import SDG, Confidentiality, Currency, Unit
from mitra.core.fields import FixedDecimalField
from mitra.core.models import BaseModel
from mitra.core.regions import subdivisions
from mitra.organisations.models import Organisation, ResourceType, Sector

#: Needs, pledges and deliveries are counted in positive amounts (a hundredth at least).
positive = MinValueValidator(Decimal("0.01"), message=_("Must be greater than zero."))


class PartnershipForm(models.TextChoices):
    PPP = "ppp", _("PPP (KPBU)")
    PSP = "psp", _("Public–Social Partnership")
    TRIPLE_HELIX = "triple_helix", _("Triple Helix")
    QUADRUPLE_HELIX = "quadruple_helix", _("Quadruple Helix")
    PENTAHELIX = "pentahelix", _("Pentahelix")
    PSPP = "pspp", _("Tri-sector Public–Social–Private Partnership")
    CSR = "csr", _("CSR programme partnership")


class Stage(models.TextChoices):
    PLANNING = "planning", _("Planning")
    PREPARATION = "preparation", _("Preparation")
    TRANSACTION = "transaction", _("Transaction")
    CONSTRUCTION = "construction", _("Construction")
    OPERATION = "operation", _("Operation")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


#: The stages in the order a partnership goes through them (cancelled stands apart).
STAGE_ORDER: tuple[str, ...] = (
    Stage.PLANNING,
    Stage.PREPARATION,
    Stage.TRANSACTION,
    Stage.CONSTRUCTION,
    Stage.OPERATION,
    Stage.CLOSED,
)

#: The sectors each form brings together (a Pentahelix has all five helices).
REQUIRED_SECTORS: dict[str, tuple[str, ...]] = {
    PartnershipForm.PPP: (Sector.PUBLIC, Sector.PRIVATE),
    PartnershipForm.PSP: (Sector.PUBLIC, Sector.SOCIAL),
    PartnershipForm.TRIPLE_HELIX: (Sector.PUBLIC, Sector.PRIVATE, Sector.ACADEMIA),
    PartnershipForm.QUADRUPLE_HELIX: (
        Sector.PUBLIC,
        Sector.PRIVATE,
        Sector.ACADEMIA,
        Sector.SOCIAL,
    ),
    PartnershipForm.PENTAHELIX: (
        Sector.PUBLIC,
        Sector.PRIVATE,
        Sector.ACADEMIA,
        Sector.SOCIAL,
        Sector.MEDIA,
    ),
    PartnershipForm.PSPP: (Sector.PUBLIC, Sector.SOCIAL, Sector.PRIVATE),
    PartnershipForm.CSR: (Sector.PRIVATE, Sector.SOCIAL),
}

#: From which stage each form needs each of its sectors among its current members. A KPBU has
#: its PJPK from preparation, but no Badan Usaha Pelaksana exists before the tender is awarded
#: and the KPBU agreement signed (Perpres 38/2015): the private side is required from
#: construction, the first stage after signing and financial close; in an unsolicited KPBU the
#: Pemrakarsa counts as the private side. Other forms agree their partners in a Nota
#: Kesepahaman or Perjanjian Kerja Sama before leaving planning.
SECTOR_FROM_STAGE: dict[str, dict[str, str]] = {
    form: dict.fromkeys(sectors, Stage.PREPARATION) for form, sectors in REQUIRED_SECTORS.items()
}
SECTOR_FROM_STAGE[PartnershipForm.PPP] = {
    Sector.PUBLIC: Stage.PREPARATION,
    Sector.PRIVATE: Stage.CONSTRUCTION,
}


def sectors_required_at(form: str, stage: str) -> list[tuple[str, str]]:
    """(sector, from stage) pairs a partnership of this form needs at this stage.

    A cancelled partnership needs nobody; an unknown stage or form needs nothing.
    """
    if stage not in STAGE_ORDER:
        return []
    position = STAGE_ORDER.index(stage)
    return [
        (sector, since)
        for sector, since in SECTOR_FROM_STAGE.get(form, {}).items()
        if STAGE_ORDER.index(since) <= position
    ]


#: Code prefix per form, for human-readable codes such as KPBU-2026-0001. The Public–Social
#: Partnership was once coded "KPS-", which reads as the old name of PPP (Kerja Sama
#: Pemerintah dan Swasta): its codes now start "KPSos-"; old codes stay valid (CODE_ALIASES).
CODE_PREFIX: dict[str, str] = {
    PartnershipForm.PPP: "KPBU",
    PartnershipForm.PSP: "KPSos",
    PartnershipForm.TRIPLE_HELIX: "TH",
    PartnershipForm.QUADRUPLE_HELIX: "QH",
    PartnershipForm.PENTAHELIX: "PH",
    PartnershipForm.PSPP: "KPSS",
    PartnershipForm.CSR: "CSR",
}

#: Retired code prefixes and the prefix that replaced them: a link or a search with an old
#: code still finds the partnership.
CODE_ALIASES: dict[str, str] = {"KPS": "KPSos"}


def canonical_code(code: str) -> str:
    """The current spelling of a partnership code (KPS-2026-0001 → KPSos-2026-0001)."""
    prefix, sep, rest = code.strip().partition("-")
    new = CODE_ALIASES.get(prefix.upper()) if sep else None
    return f"{new}-{rest}" if new else code


class DevelopmentSector(models.TextChoices):
    """Development sectors: the 19 infrastructure types of Perpres 38/2015 (Pasal 5 ayat 2),
    transport and roads split the way project lists report them, then the social sectors."""

    # a. transportasi
    AIRPORT = "airport", _("Transport: airport")
    PORT = "port", _("Transport: seaport or river port")
    RAILWAY = "railway", _("Transport: railway and urban transit")
    TRANSPORT = "transport", _("Transport: terminals and other transport")
    # b. jalan
    TOLL_ROAD = "toll_road", _("Roads: toll road")
    ROAD_BRIDGE = "road_bridge", _("Roads: non-toll roads and bridges")
    # c.-k.
    WATER_RESOURCES = "water_resources", _("Water resources and irrigation")
    WATER = "water", _("Drinking water (SPAM)")
    WASTEWATER_CENTRAL = "wastewater_central", _("Centralised wastewater (SPALD-T)")
    WASTEWATER_LOCAL = "wastewater_local", _("On-site wastewater (SPALD-S)")
    SOLID_WASTE = "solid_waste", _("Solid waste management")
    ICT = "ict", _("Telecommunications and informatics")
    ELECTRICITY = "electricity", _("Electricity")
    OIL_GAS_RENEWABLES = "oil_gas_renewables", _("Oil, gas and renewable energy")
    ENERGY_CONSERVATION = "energy_conservation", _("Energy conservation")
    # l.-s.
    URBAN_FACILITIES = "urban_facilities", _("Urban facilities")
    EDUCATION_FACILITY = "education_facility", _("Education facilities")
    SPORTS_ARTS = "sports_arts", _("Sports and arts facilities")
    ZONES = "zones", _("Zones (kawasan)")
    TOURISM = "tourism", _("Tourism")
    HEALTH = "health", _("Health")
    CORRECTIONAL = "correctional", _("Correctional facilities")
    HOUSING = "housing", _("Public housing")
    # social sectors
    EDUCATION = "education", _("Education")
    SOCIAL_PROTECTION = "social_protection", _("Social protection")
    AGRICULTURE = "agriculture", _("Agriculture and food")
    ENVIRONMENT = "environment", _("Environment")
    OTHER = "other", _("Other")


#: The infrastructure types of Perpres 38/2015; the rest are social sectors (and "other").
INFRASTRUCTURE_SECTORS = frozenset(
    {
        "airport",
        "port",
        "railway",
        "transport",
        "toll_road",
        "road_bridge",
        "water_resources",
        "water",
        "wastewater_central",
        "wastewater_local",
        "solid_waste",
        "ict",
        "electricity",
        "oil_gas_renewables",
        "energy_conservation",
        "urban_facilities",
        "education_facility",
        "sports_arts",
        "zones",
        "tourism",
        "health",
        "correctional",
        "housing",
    }
)

#: Codes of the sector list before Perpres 38/2015 was followed, and where their data went.
RETIRED_SECTORS: dict[str, str] = {
    "sanitation": "solid_waste",
    "energy": "electricity",
    "social_services": "social_protection",
    "poverty": "social_protection",
}


class Initiative(models.TextChoices):
    """Who proposed the project (prakarsa): the PJPK, or a business (unsolicited)."""

    SOLICITED = "solicited", _("Solicited (by the PJPK)")
    UNSOLICITED = "unsolicited", _("Unsolicited (by a Pemrakarsa)")


class ReturnMechanism(models.TextChoices):
    """How the Badan Usaha is repaid (pengembalian investasi)."""

    USER_CHARGE = "user_charge", _("User charges (tariff)")
    AVAILABILITY_PAYMENT = "availability_payment", _("Availability payment")
    MIXED = "mixed", _("User charges and availability payment")
    OTHER = "other", _("Other")


class GovernmentSupport(models.TextChoices):
    VGF = "vgf", _("Viability gap funding (Dukungan Kelayakan)")
    GUARANTEE = "guarantee", _("Infrastructure guarantee (PT PII)")
    LAND = "land", _("Land acquisition")
    FISCAL = "fiscal", _("Tax or other fiscal incentive")
    OTHER = "other", _("Other government support")


class ListingStatus(models.TextChoices):
    DRK = "drk", _("In the list of planned KPBU (DRK)")
    PPP_BOOK = "ppp_book", _("In the PPP Book (Bappenas)")


class AgreementType(models.TextChoices):
    """The instrument that binds the partners."""

    KPBU_AGREEMENT = "kpbu_agreement", _("KPBU agreement (Perjanjian KPBU)")
    CONCESSION = "concession", _("Concession agreement (e.g. PPJT)")
    MOU = "mou", _("Memorandum of understanding (Nota Kesepahaman, non-binding)")
    COOPERATION = "cooperation", _("Cooperation agreement (Perjanjian Kerja Sama, binding)")
    GRANT = "grant", _("Regional grant agreement (NPHD)")
    SWAKELOLA = "swakelola", _("Swakelola Tipe III contract")
    OTHER = "other", _("Other")


class Visibility(models.TextChoices):
    #: Being written: members only, never listed publicly.
    DRAFT = "draft", _("Draft")
    #: Users of member organisations only.
    PARTNERS = "partners", _("Partners only")
    #: Everyone, including anonymous visitors; only public fields are shown to them.
    PUBLIC = "public", _("Public")


class PartnershipQuerySet(models.QuerySet["Partnership"]):
    def published(self) -> PartnershipQuerySet:
        """What the public may see: the only door for anonymous readers."""
        return self.filter(visibility=Visibility.PUBLIC)

    def visible_to(self, user: object) -> PartnershipQuerySet:
        """Public partnerships plus those where the user's organisation is a member.

        Platform staff see every partnership (they support users and run the admin).
        """
        if not getattr(user, "is_authenticated", False):
            return self.published()
        if getattr(user, "is_staff", False):
            return self.all()
        member_of = PartnershipMember.objects.filter(
            organisation__memberships__user=user, left_on__isnull=True
        ).values("partnership_id")
        return self.filter(models.Q(visibility=Visibility.PUBLIC) | models.Q(pk__in=member_of))


class Partnership(BaseModel):
    code = models.CharField(_("code"), max_length=30, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=250)
    summary = models.TextField(_("summary"), blank=True)
    form = models.CharField(_("form"), max_length=20, choices=PartnershipForm.choices)
    development_sector = models.CharField(
        _("development sector"), max_length=30, choices=DevelopmentSector.choices
    )
    country = CountryField(_("country"), default="ID")
    province = models.CharField(_("province"), max_length=6, blank=True)
    regency = models.CharField(_("regency or city"), max_length=120, blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.PLANNING
    )
    stage_since = models.DateField(_("in this stage since"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    estimated_value = FixedDecimalField(_("estimated value"), null=True, blank=True)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.IDR
    )
    sdgs = models.JSONField(_("SDGs"), default=list, blank=True)
    # What a KPBU practitioner reads off a project sheet (blank when it does not apply).
    initiative = models.CharField(
        _("initiative (prakarsa)"), max_length=12, choices=Initiative.choices, blank=True
    )
    return_mechanism = models.CharField(
        _("return mechanism"), max_length=24, choices=ReturnMechanism.choices, blank=True
    )
    government_support = models.JSONField(
        _("government support and guarantees"), default=list, blank=True
    )
    concession_years = models.PositiveSmallIntegerField(
        _("concession period (years)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    listing_status = models.CharField(
        _("listing status"), max_length=10, choices=ListingStatus.choices, blank=True
    )
    agreement_type = models.CharField(
        _("agreement type"), max_length=20, choices=AgreementType.choices, blank=True
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    #: When the partnership first became public (the Atom feed's "newly published").
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    #: The open-contracting id of an imported contracting process; native partnerships get
    #: theirs from the configured prefix and their code (mitra.disclosure).
    ocid = models.CharField(_("OCID"), max_length=120, null=True, blank=True, unique=True)
    #: Where an imported partnership came from ("ocds", "oc4ids", "id-kpbu-kemenkeu-projects",
    #: ...) and its id there: re-importing the same record updates it instead of duplicating it.
    source = models.CharField(_("source"), max_length=60, blank=True)
    source_id = models.CharField(_("id in the source"), max_length=200, blank=True)
    #: Published fields Mitra does not model, kept as received ("other published data").
    other_data = models.JSONField(_("other published data"), default=dict, blank=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source=""),
                name="uniq_partnership_source_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.province:
            country = str(self.country)
            if self.province not in subdivisions(country):
                errors["province"] = _(
                    "Unknown province for this country (use its ISO 3166-2 code)."
                )
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date is before the start date.")
        if self.estimated_value is not None and self.estimated_value < 0:
            errors["estimated_value"] = _("The estimated value cannot be negative.")
        if not isinstance(self.sdgs, list) or not all(
            isinstance(g, int) and not isinstance(g, bool) and g in SDG.values for g in self.sdgs
        ):
            errors["sdgs"] = _("SDGs are numbers from 1 to 17.")
        elif len(set(self.sdgs)) != len(self.sdgs):
            errors["sdgs"] = _("Each SDG may be listed once.")
        support = self.government_support
        if not isinstance(support, list) or not all(s in GovernmentSupport.values for s in support):
            errors["government_support"] = _("Unknown kind of government support.")
        elif len(set(support)) != len(support):
            errors["government_support"] = _("Each kind of support may be listed once.")
        if self.initiative == Initiative.UNSOLICITED and self.form != PartnershipForm.PPP:
            errors["initiative"] = _("Only a KPBU can be unsolicited (prakarsa badan usaha).")
        if errors:
            raise ValidationError(errors)


class Role(models.TextChoices):
    """What a partner does in the partnership. "Lead" coordinates the partners (and manages the
    partnership in Mitra); it is not the PJPK, which is the contracting agency of a KPBU."""

    LEAD = "lead", _("Coordinator (lead partner)")
    # Government side of a KPBU (Perpres 38/2015, Permen PPN 7/2023)
    CONTRACTING_AGENCY = "contracting_agency", _("Contracting agency (PJPK)")
    PPP_UNIT = "ppp_unit", _("PPP unit (Simpul KPBU)")
    PPP_TEAM = "ppp_team", _("KPBU team (Tim KPBU)")
    PREPARATION_AGENCY = "preparation_agency", _("Preparation agency (Badan Penyiapan)")
    PROCUREMENT_COMMITTEE = "procurement_committee", _("Procurement committee (Panitia Pengadaan)")
    VGF_PROVIDER = "vgf_provider", _("Viability gap funder (Pemberi Dukungan Kelayakan)")
    GUARANTOR = "guarantor", _("Guarantor (e.g. PT PII)")
    REGULATOR = "regulator", _("Regulator")
    # Business side
    INITIATOR = "initiator", _("Initiator of an unsolicited proposal (Pemrakarsa)")
    BIDDER = "bidder", _("Bidder")
    PROJECT_COMPANY = "project_company", _("Project company (BUP)")
    SPONSOR = "sponsor", _("Sponsor (shareholder of the BUP)")
    EPC_CONTRACTOR = "epc_contractor", _("EPC contractor")
    OPERATOR = "operator", _("O&M contractor (operator)")
    FINANCIER = "financier", _("Lender")
    INDEPENDENT_ENGINEER = "independent_engineer", _("Independent engineer")
    INDEPENDENT_MONITOR = "independent_monitor", _("Independent monitor")
    # Social, academic and media partners
    IMPLEMENTER = "implementer", _("Programme implementer")
    FUNDER = "funder", _("Funder")
    TECHNICAL_PARTNER = "technical_partner", _("Technical partner")
    RESEARCH_PARTNER = "research_partner", _("Research partner")
    COMMUNITY_REPRESENTATIVE = "community_representative", _("Community representative")
    BENEFICIARY_REPRESENTATIVE = "beneficiary_representative", _("Beneficiary representative")
    COMMUNITY_LIAISON = "community_liaison", _("Community liaison")
    MEDIA_PARTNER = "media_partner", _("Media partner")


class PartnershipMember(BaseModel):
    """An organisation's membership of a partnership, with its roles."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="members", verbose_name=_("partnership")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="partnership_memberships",
        verbose_name=_("organisation"),
    )
    roles = models.JSONField(_("roles"), default=list)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    #: Share of the project company's equity, in percent (sponsors of a PPP), when known.
    equity_share = models.DecimalField(
        _("equity share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="uniq_partnership_organisation"
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def is_current(self) -> bool:
        return self.left_on is None

    @property
    def is_lead(self) -> bool:
        return Role.LEAD in self.roles

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if not isinstance(self.roles, list) or not self.roles:
            errors["roles"] = _("Choose at least one role.")
        elif not all(r in Role.values for r in self.roles):
            errors["roles"] = _("Unknown role.")
        elif len(set(self.roles)) != len(self.roles):
            errors["roles"] = _("Each role may be listed once.")
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            errors["left_on"] = _("The leaving date is before the joining date.")
        if errors:
            raise ValidationError(errors)


class MemberRole(models.Model):
    """One row per (member, role): lets lists filter by 'my role' on SQLite and PostgreSQL alike.

    Derived from PartnershipMember.roles by the service that writes the member (the audit trail
    lives on the member's own history, where roles are a field).
    """

    member = models.ForeignKey(
        PartnershipMember, on_delete=models.CASCADE, related_name="role_rows"
    )
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "role"], name="uniq_member_role")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.role}"


class Need(BaseModel):
    """What the partnership needs: cash (amount + currency) or another resource (quantity + unit)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="needs", verbose_name=_("partnership")
    )
    title = models.CharField(_("title"), max_length=200)
    resource_type = models.CharField(
        _("resource type"), max_length=20, choices=ResourceType.choices
    )
    description = models.TextField(_("description"), blank=True)
    quantity = FixedDecimalField(_("quantity or amount"), validators=[positive])
    unit = models.CharField(
        _("unit"),
        max_length=30,
        blank=True,
        choices=Unit.choices,
        help_text=_("For non-cash resources: the unit in which it is counted."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        choices=Currency.choices,
        help_text=_("For cash needs: the ISO 4217 currency."),
    )
    due_date = models.DateField(_("needed by"), null=True, blank=True)

    # history: registered in PartnershipsConfig.ready(), after the language columns exist

    class Meta:
        ordering = ["id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def __str__(self) -> str:
        return self.title

    @property
    def measure(self) -> str:
        """The unit in which the need, its commitments and deliveries are counted."""
        return self.currency if self.resource_type == ResourceType.CASH else self.unit

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.resource_type == ResourceType.CASH:
            if not self.currency:
                errors["currency"] = _("A cash need requires a currency.")
            if self.unit:
                errors["unit"] = _("A cash need is counted in its currency; leave the unit empty.")
        elif self.resource_type:
            if not self.unit:
                errors["unit"] = _("Give the unit in which this resource is counted.")
            if self.currency:
                errors["currency"] = _("Only cash needs have a currency.")
        if errors:
            raise ValidationError(errors)


class Commitment(BaseModel):
    """What one member pledges against a need."""

    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("need")
    )
    member = models.ForeignKey(
        PartnershipMember,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("partner"),
    )
    quantity = FixedDecimalField(_("pledged quantity or amount"), validators=[positive])
    due_date = models.DateField(_("due date"), null=True, blank=True)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=10,
        choices=Confidentiality.choices,
        default=Confidentiality.PARTNERS,
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self) -> str:
        return f"{self.need_id}/{self.member_id}: {self.quantity}"

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if (
            self.need_id
            and self.member_id
            and self.need.partnership_id != self.member.partnership_id
        ):
            errors["member"] = _("This organisation is not a partner of this partnership.")
        if errors:
            raise ValidationError(errors)


class Delivery(BaseModel):
    """What was actually delivered against a commitment."""

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("commitment"),
    )
    delivered_on = models.DateField(_("delivery date"))
    quantity = FixedDecimalField(_("delivered quantity or amount"), validators=[positive])
    evidence = models.ForeignKey(
        "Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evidence document"),
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["delivered_on", "id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.delivered_on}: {self.quantity}"

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if (
            self.evidence_id
            and self.commitment_id
            and self.evidence.partnership_id != self.commitment.need.partnership_id
        ):
            errors["evidence"] = _("The evidence must be a document of this partnership.")
        elif (
            self.evidence_id
            and self.commitment_id
            and OPENNESS[self.evidence.confidentiality] < OPENNESS[self.commitment.confidentiality]
        ):
            # Everyone who sees the delivery sees its evidence link: the document may not be
            # more confidential than the commitment it proves.
            errors["evidence"] = _(
                "This document is more confidential than the commitment: choose a document "
                "everyone who sees the commitment may see."
            )
        if errors:
            raise ValidationError(errors)


class Objective(BaseModel):
    """What a member wants from the partnership: the seed's 'different goals and interests'."""

    member = models.ForeignKey(
        PartnershipMember,
        on_delete=models.CASCADE,
        related_name="objectives",
        verbose_name=_("partner"),
    )
    text = models.CharField(_("objective"), max_length=500)
    sdg = models.PositiveSmallIntegerField(_("SDG"), choices=SDG.choices, null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Relative importance to this partner, 1–100."),
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=10,
        choices=Confidentiality.choices,
        default=Confidentiality.PARTNERS,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["member_id", "-weight", "id"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self) -> str:
        return self.text


class DocumentType(models.TextChoices):
    """Document types a KPBU, PSP or CSR partnership files. Codes of the first list (agreement,
    contract, ...) predate the KPBU types and stay for data filed under them."""

    # KPBU preparation and transaction (Permen PPN 7/2023)
    PRELIMINARY_STUDY = "preliminary_study", _("Preliminary study (Studi Pendahuluan)")
    OBC = "obc", _("Outline business case (OBC)")
    FBC = "fbc", _("Final business case (FBC)")
    PUBLIC_CONSULTATION = (
        "public_consultation",
        _("Public consultation minutes (BA Konsultasi Publik)"),
    )
    PQ_DOCUMENT = "pq_document", _("Prequalification document (PQ)")
    RFP_DOCUMENT = "rfp_document", _("Request for proposals (RFP)")
    KPBU_AGREEMENT = "kpbu_agreement", _("KPBU agreement (Perjanjian KPBU)")
    GUARANTEE_AGREEMENT = "guarantee_agreement", _("Guarantee agreement (Perjanjian Penjaminan)")
    RECOURSE_AGREEMENT = "recourse_agreement", _("Recourse agreement (Perjanjian Regres)")
    VGF_APPROVAL = "vgf_approval", _("VGF approval (Dukungan Kelayakan)")
    DPRD_APPROVAL = "dprd_approval", _("DPRD approval of availability payments")
    LOCATION_DECREE = "location_decree", _("Location decree (Penetapan Lokasi)")
    ENVIRONMENTAL = "environmental", _("Environmental and resettlement study (AMDAL/LARAP)")
    LOAN_AGREEMENT = "loan_agreement", _("Loan agreement")
    DIRECT_AGREEMENT = "direct_agreement", _("Direct agreement")
    HANDOVER = "handover", _("Hand-back minutes (BA Serah Terima)")
    # Public–social partnerships and CSR/TJSL
    MOU = "mou", _("Memorandum of understanding (Nota Kesepahaman, non-binding)")
    COOPERATION_AGREEMENT = (
        "cooperation_agreement",
        _("Cooperation agreement (Perjanjian Kerja Sama, binding)"),
    )
    GRANT_AGREEMENT = "grant_agreement", _("Regional grant agreement (NPHD)")
    SWAKELOLA_CONTRACT = "swakelola_contract", _("Swakelola Tipe III contract")
    ACCOUNTABILITY_REPORT = "accountability_report", _("Accountability report (LPJ)")
    # General
    AGREEMENT = "agreement", _("Other agreement")
    CONTRACT = "contract", _("Other contract")
    FEASIBILITY = "feasibility", _("Feasibility study")
    MINUTES = "minutes", _("Minutes")
    REPORT = "report", _("Report")
    EVIDENCE = "evidence", _("Evidence of delivery")
    FINANCIAL_MODEL = "financial_model", _("Financial model")
    PERMIT = "permit", _("Permit")
    OTHER = "other", _("Other")


#: Document types that are signed, binding contracts: the only ones OCDS may publish as a
#: signed contract's documents. A Nota Kesepahaman is never one of them.
BINDING_DOCUMENT_TYPES = frozenset(
    {
        "kpbu_agreement",
        "guarantee_agreement",
        "recourse_agreement",
        "loan_agreement",
        "direct_agreement",
        "cooperation_agreement",
        "grant_agreement",
        "swakelola_contract",
        "contract",
    }
)


ALLOWED_DOCUMENT_EXTENSIONS = {
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".odt",
    ".ods",
    ".csv",
    ".txt",
    ".png",
    ".jpg",
    ".jpeg",
    ".ppt",
    ".pptx",
    ".zip",
}


def document_upload_to(instance: Document, filename: str) -> str:
    """documents/<partnership>/<random>/<original name>: the random folder keeps paths
    unguessable (defence in depth; files are only ever served through a permission check)
    while the download keeps the name the partner gave the file."""
    stem, ext = os.path.splitext(os.path.basename(filename))
    return f"documents/{instance.partnership_id}/{uuid.uuid4().hex}/{stem[:80]}{ext.lower()}"


class Document(BaseModel):
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("partnership"),
    )
    owner = models.ForeignKey(
        PartnershipMember,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("owning partner"),
    )
    title = models.CharField(_("title"), max_length=200)
    doc_type = models.CharField(_("document type"), max_length=30, choices=DocumentType.choices)
    revision = models.CharField(_("document version"), max_length=20, default="1.0")
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0, editable=False)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=10,
        choices=Confidentiality.choices,
        default=Confidentiality.PARTNERS,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return f"{self.title} ({self.revision})"

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if (
            self.owner_id
            and self.partnership_id
            and self.owner.partnership_id != self.partnership_id
        ):
            errors["owner"] = _("The owner must be a partner of this partnership.")
        if self.file:
            ext = os.path.splitext(self.file.name)[1].lower()
            if ext not in ALLOWED_DOCUMENT_EXTENSIONS:
                errors["file"] = _("This file type is not accepted.")
        if errors:
            raise ValidationError(errors)


ZERO = Decimal("0.00")
#: How widely an item may be seen: a larger number reaches more people.
OPENNESS = {Confidentiality.OWNER: 0, Confidentiality.PARTNERS: 1, Confidentiality.PUBLIC: 2}
