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

from mitra.core.choices import SDG, Confidentiality, Currency
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


#: The sectors each form needs among its current members before it may leave planning.
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

#: Code prefix per form, for human-readable codes such as KPBU-2026-0001.
CODE_PREFIX: dict[str, str] = {
    PartnershipForm.PPP: "KPBU",
    PartnershipForm.PSP: "KPS",
    PartnershipForm.TRIPLE_HELIX: "TH",
    PartnershipForm.QUADRUPLE_HELIX: "QH",
    PartnershipForm.PENTAHELIX: "PH",
    PartnershipForm.PSPP: "KPSS",
    PartnershipForm.CSR: "CSR",
}


class DevelopmentSector(models.TextChoices):
    TOLL_ROAD = "toll_road", _("Toll road")
    ROAD_BRIDGE = "road_bridge", _("Road and bridge")
    AIRPORT = "airport", _("Airport")
    PORT = "port", _("Port")
    RAILWAY = "railway", _("Railway and urban transit")
    WATER = "water", _("Drinking water")
    SANITATION = "sanitation", _("Sanitation and waste")
    ENERGY = "energy", _("Energy")
    HEALTH = "health", _("Health facility")
    EDUCATION = "education", _("School and education")
    SOCIAL_SERVICES = "social_services", _("Social services")
    POVERTY = "poverty", _("Poverty reduction")
    ENVIRONMENT = "environment", _("Environment")
    ICT = "ict", _("ICT and telecommunications")
    AGRICULTURE = "agriculture", _("Agriculture and food")
    TOURISM = "tourism", _("Tourism")
    HOUSING = "housing", _("Housing")
    OTHER = "other", _("Other")


class Stage(models.TextChoices):
    PLANNING = "planning", _("Planning")
    PREPARATION = "preparation", _("Preparation")
    TRANSACTION = "transaction", _("Transaction")
    CONSTRUCTION = "construction", _("Construction")
    OPERATION = "operation", _("Operation")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


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
        if errors:
            raise ValidationError(errors)


class Role(models.TextChoices):
    LEAD = "lead", _("Lead")
    CONTRACTING_AGENCY = "contracting_agency", _("Contracting agency (PJPK)")
    REGULATOR = "regulator", _("Regulator")
    PROJECT_COMPANY = "project_company", _("Project company (BUP)")
    FINANCIER = "financier", _("Financier")
    OPERATOR = "operator", _("Operator")
    IMPLEMENTER = "implementer", _("Implementer")
    FUNDER = "funder", _("Funder")
    TECHNICAL_PARTNER = "technical_partner", _("Technical partner")
    RESEARCH_PARTNER = "research_partner", _("Research partner")
    GUARANTOR = "guarantor", _("Guarantor")
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
        help_text=_("For non-cash resources, e.g. person-days, ha, m²."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        choices=Currency.choices,
        help_text=_("For cash needs: the ISO 4217 currency."),
    )
    due_date = models.DateField(_("needed by"), null=True, blank=True)

    history = HistoricalRecords()

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
    AGREEMENT = "agreement", _("Agreement (MoU/PKS)")
    CONTRACT = "contract", _("Contract")
    FEASIBILITY = "feasibility", _("Feasibility study")
    MINUTES = "minutes", _("Minutes")
    REPORT = "report", _("Report")
    EVIDENCE = "evidence", _("Evidence of delivery")
    FINANCIAL_MODEL = "financial_model", _("Financial model")
    PERMIT = "permit", _("Permit")
    OTHER = "other", _("Other")


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
    doc_type = models.CharField(_("document type"), max_length=20, choices=DocumentType.choices)
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
