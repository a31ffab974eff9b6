from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from mitra.core.models import BaseModel
from mitra.core.regions import subdivisions


class Sector(models.TextChoices):
    """The helices of a partnership (DESIGN.md: public, social, private, academia, media)."""

    PUBLIC = "public", _("Public (government)")
    SOCIAL = "social", _("Social (civil society)")
    PRIVATE = "private", _("Private (business)")
    ACADEMIA = "academia", _("Academia")
    MEDIA = "media", _("Media")


class OrganisationKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    NATIONAL_AGENCY = "national_agency", _("National agency")
    REGIONAL_GOVERNMENT = "regional_government", _("Regional government (Pemda)")
    REGIONAL_AGENCY = "regional_agency", _("Regional agency (Dinas/OPD)")
    VILLAGE_GOVERNMENT = "village_government", _("Village government")
    PPP_UNIT = "ppp_unit", _("PPP unit (Simpul KPBU)")
    DEVELOPMENT_PARTNER = (
        "development_partner",
        _("Development partner or MDB (ADB, World Bank, JICA)"),
    )
    SOE = "soe", _("State-owned enterprise (BUMN)")
    REGIONAL_SOE = "regional_soe", _("Regional state-owned enterprise (BUMD)")
    VILLAGE_SOE = "village_soe", _("Village-owned enterprise (BUMDes)")
    NGO = "ngo", _("NGO (LSM)")
    FOUNDATION = "foundation", _("Foundation (Yayasan)")
    COMMUNITY = "community", _("Community organisation")
    COOPERATIVE = "cooperative", _("Cooperative (Koperasi)")
    FAITH_BASED = "faith_based", _("Faith-based organisation")
    ZAKAT = "zakat", _("Zakat body (BAZNAS/LAZ)")
    COMPANY = "company", _("Company")
    SME = "sme", _("Small or medium enterprise (UMKM)")
    BANK = "bank", _("Bank or financier")
    PROJECT_COMPANY = "project_company", _("Project company (BUP/SPV)")
    INSURER = "insurer", _("Insurer or guarantor")
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    MEDIA_OUTLET = "media_outlet", _("Media outlet")
    MEDIA_COMMUNITY = "media_community", _("Media community or association")
    OTHER = "other", _("Other")


#: Which kinds belong to which sector; a kind outside its sector is refused. State, regional
#: and village enterprises (BUMN, BUMD, BUMDes) and cooperatives are badan usaha: they may be
#: registered on the private side (the business side of a KPBU, e.g. a BUMN-led BUP) as well as
#: on the public side (a BUMN acting as PJPK's agent) or, for cooperatives, the social side.
#: Development partners are public bodies; BAZNAS is a state body and LAZ are civil society.
KINDS_BY_SECTOR: dict[str, set[str]] = {
    Sector.PUBLIC: {
        "ministry",
        "national_agency",
        "regional_government",
        "regional_agency",
        "village_government",
        "ppp_unit",
        "development_partner",
        "soe",
        "regional_soe",
        "village_soe",
        "zakat",
        "other",
    },
    Sector.SOCIAL: {
        "ngo",
        "foundation",
        "community",
        "cooperative",
        "faith_based",
        "zakat",
        "other",
    },
    Sector.PRIVATE: {
        "company",
        "sme",
        "bank",
        "project_company",
        "insurer",
        "soe",
        "regional_soe",
        "village_soe",
        "cooperative",
        "other",
    },
    Sector.ACADEMIA: {"university", "research_institute", "other"},
    Sector.MEDIA: {"media_outlet", "media_community", "other"},
}


class ResourceType(models.TextChoices):
    CASH = "cash", _("Cash")
    LAND = "land", _("Land")
    FACILITIES = "facilities", _("Facilities")
    EQUIPMENT = "equipment", _("Equipment")
    EXPERTISE = "expertise", _("Expertise (person-days)")
    DATA_IP = "data_ip", _("Data or intellectual property")
    NETWORK = "network", _("Network or access")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def for_user(self, user: object) -> OrganisationQuerySet:
        """Organisations the user belongs to."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(memberships__user=user)


class Organisation(BaseModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    country = CountryField(_("country"), default="ID")
    province = models.CharField(
        _("province"), max_length=6, blank=True, help_text=_("ISO 3166-2 code, e.g. ID-JB.")
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    expertise = models.JSONField(
        _("expertise"),
        default=list,
        blank=True,
        help_text=_("Capability tags, e.g. 'hospital operation'."),
    )
    resource_types = models.JSONField(
        _("resource types offered"),
        default=list,
        blank=True,
        help_text=_("Kinds of resources this organisation can bring."),
    )
    #: An identifier from a register (org-id.guide scheme such as "ID-NIB", or "EU-PIC" for an
    #: EU participant code): imports match organisations on it before they match on names.
    identifier_scheme = models.CharField(_("identifier scheme"), max_length=40, blank=True)
    identifier = models.CharField(_("identifier"), max_length=100, blank=True)
    #: Other spellings of the name seen in imported data, matched to this organisation.
    aliases = models.JSONField(_("other names"), default=list, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["identifier_scheme", "identifier"],
                condition=~models.Q(identifier=""),
                name="uniq_organisation_identifier",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.sector and self.kind and self.kind not in KINDS_BY_SECTOR.get(self.sector, set()):
            errors["kind"] = _("This kind of organisation does not belong to the chosen sector.")
        if self.province:
            country = str(self.country)
            if not self.province.startswith(f"{country}-") or self.province not in subdivisions(
                country
            ):
                errors["province"] = _(
                    "Unknown province for this country (use its ISO 3166-2 code)."
                )
        if not isinstance(self.expertise, list) or not all(
            isinstance(t, str) and 0 < len(t) <= 60 for t in self.expertise
        ):
            errors["expertise"] = _("Give a list of short tags (at most 60 characters each).")
        elif len(self.expertise) > 30:
            errors["expertise"] = _("At most 30 tags.")
        valid = set(ResourceType.values)
        if not isinstance(self.resource_types, list) or not all(
            t in valid for t in self.resource_types
        ):
            errors["resource_types"] = _("Unknown resource type.")
        if errors:
            raise ValidationError(errors)


class OrganisationRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    STAFF = "staff", _("Staff")


class OrganisationMembership(BaseModel):
    """A user's place in an organisation: admins manage what the organisation leads."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="org_memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=10, choices=OrganisationRole.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation membership")
        verbose_name_plural = _("organisation memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="uniq_user_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"
