"""The catalogue of funding sources a need may draw on, with their eligibility rules as data.

Each instrument names its legal basis or publisher (``sources``). The rules are a first screen,
never a decision: a need "could be funded" by an instrument when no rule rules it out, and the
page says which rules it passed and which it failed. Thresholds and conditions change with each
amended regulation: check the consolidated text (JDIH BPK, https://peraturan.bpk.go.id/) before
applying. See docs/matching.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from mitra.partnerships.models import INFRASTRUCTURE_SECTORS, PartnershipForm, Stage

INFRASTRUCTURE = "infrastructure"
SOCIAL = "social"

#: Development sectors where social-sector funders (zakat, CSR, grants) usually work.
SOCIAL_SECTORS = frozenset(
    {
        "education",
        "education_facility",
        "health",
        "social_protection",
        "agriculture",
        "environment",
        "water",
        "wastewater_local",
        "solid_waste",
        "tourism",
        "housing",
        "sports_arts",
        "other",
    }
)
ACTIVE_STAGES = (
    Stage.PLANNING,
    Stage.PREPARATION,
    Stage.TRANSACTION,
    Stage.CONSTRUCTION,
    Stage.OPERATION,
)
SOCIAL_FORMS = (
    PartnershipForm.PSP,
    PartnershipForm.PSPP,
    PartnershipForm.CSR,
    PartnershipForm.PENTAHELIX,
    PartnershipForm.QUADRUPLE_HELIX,
    PartnershipForm.TRIPLE_HELIX,
)


@dataclass(frozen=True)
class Source:
    #: As a practitioner cites it: the regulation's own (Indonesian) title is never translated;
    #: any words of ours around it are (lazy translations).
    citation: Any
    url: str = ""


@dataclass(frozen=True)
class Instrument:
    key: str
    name: Any  # lazy translation
    provider: str
    summary: Any  # lazy translation
    kind: Any  # lazy translation: grant, loan, guarantee, in-kind, ...
    forms: tuple[str, ...] = ()  # empty: any form
    sectors: str | tuple[str, ...] = ()  # INFRASTRUCTURE, SOCIAL, a tuple of codes, or any
    stages: tuple[str, ...] = ACTIVE_STAGES
    resource_types: tuple[str, ...] = ()  # empty: any
    #: The partnership's estimated value must be at least this (IDR), when it is known in IDR.
    min_project_value_idr: int | None = None
    #: Return mechanisms it requires (KPBU), when the partnership states one.
    return_mechanisms: tuple[str, ...] = ()
    sources: tuple[Source, ...] = field(default_factory=tuple)


CATALOGUE: tuple[Instrument, ...] = (
    Instrument(
        "pdf",
        _("Project Development Facility (PDF), Ministry of Finance"),
        "Kementerian Keuangan (DJPPR)",
        _(
            "Pays for the preparation studies (OBC, FBC) and transaction advice of a KPBU, "
            "for a PJPK that asks for it; the winning bidder may have to reimburse it."
        ),
        _("Preparation support"),
        forms=(PartnershipForm.PPP,),
        sectors=INFRASTRUCTURE,
        stages=(Stage.PLANNING, Stage.PREPARATION, Stage.TRANSACTION),
        resource_types=("expertise", "cash"),
        sources=(
            Source(
                _(
                    "PMK 265/PMK.08/2015 on facilities for the preparation and transaction of "
                    "KPBU projects, as amended"
                )
            ),
            Source("Perpres 38/2015"),
        ),
    ),
    Instrument(
        "vgf",
        _("Viability gap funding (Dukungan Kelayakan)"),
        "Kementerian Keuangan",
        _(
            "A capital contribution to part of the construction cost of a KPBU that is "
            "economically sound but not financially viable on tariffs alone; it may not be "
            "the larger part of the construction cost."
        ),
        _("Capital grant"),
        forms=(PartnershipForm.PPP,),
        sectors=INFRASTRUCTURE,
        stages=(Stage.PREPARATION, Stage.TRANSACTION, Stage.CONSTRUCTION),
        resource_types=("cash",),
        return_mechanisms=("user_charge", "mixed"),
        sources=(
            Source(
                _(
                    "PMK 223/PMK.011/2012 tentang Pemberian Dukungan Kelayakan atas Sebagian Biaya "
                    "Konstruksi pada Proyek KPBU, as amended"
                )
            ),
            Source("Perpres 38/2015"),
        ),
    ),
    Instrument(
        "pii",
        _("Infrastructure guarantee (PT PII)"),
        "PT Penjaminan Infrastruktur Indonesia (Persero)",
        _(
            "Guarantees the PJPK's financial obligations to the project company, which "
            "makes lenders and investors readier to finance the project; the PJPK signs a "
            "Perjanjian Regres."
        ),
        _("Guarantee"),
        forms=(PartnershipForm.PPP,),
        sectors=INFRASTRUCTURE,
        stages=(Stage.PREPARATION, Stage.TRANSACTION),
        resource_types=("cash",),
        sources=(
            Source("Perpres 78/2010"),
            Source(_("PMK 260/PMK.011/2010, as amended")),
        ),
    ),
    Instrument(
        "smi",
        _("Infrastructure financing (PT SMI, SDG Indonesia One)"),
        "PT Sarana Multi Infrastruktur (Persero)",
        _(
            "Loans, equity and blended finance for infrastructure and for social "
            "infrastructure such as hospitals and schools, for regional governments, "
            "BUMN/BUMD and project companies."
        ),
        _("Loan or blended finance"),
        sectors=INFRASTRUCTURE,
        stages=(Stage.TRANSACTION, Stage.CONSTRUCTION, Stage.OPERATION),
        resource_types=("cash",),
        sources=(Source("PT SMI: SDG Indonesia One", "https://www.ptsmi.co.id"),),
    ),
    Instrument(
        "csr_forum",
        _("Regional CSR forum (Forum CSR/TJSL daerah)"),
        _("Companies of the province, through the forum"),
        _(
            "Companies pool and coordinate their TJSL programmes with the regional "
            "government's priorities; a need that fits the forum's programme can be put to "
            "its members."
        ),
        _("Grant or in-kind"),
        forms=SOCIAL_FORMS,
        sectors=SOCIAL,
        resource_types=("cash", "equipment", "expertise", "facilities"),
        sources=(
            Source("UU 40/2007 Pasal 74"),
            Source("PP 47/2012"),
            Source(_("Regional regulations (Perda/Pergub) on TJSL that set up the forum")),
        ),
    ),
    Instrument(
        "tjsl_bumn",
        _("TJSL programmes of state-owned enterprises (BUMN)"),
        "BUMN",
        _(
            "Each BUMN runs a TJSL programme (social, environmental and small-business "
            "support) that funds community and public-service projects."
        ),
        _("Grant or in-kind"),
        forms=SOCIAL_FORMS,
        sectors=SOCIAL,
        resource_types=("cash", "equipment", "expertise"),
        sources=(Source("PER-1/MBU/03/2023"),),
    ),
    Instrument(
        "hibah",
        _("Regional grant (hibah daerah, NPHD)"),
        _("The regional government (Pemda)"),
        _(
            "The Pemda grants APBD funds to a foundation, NGO or community organisation "
            "under a grant agreement (NPHD), accounted for with an LPJ."
        ),
        _("Grant"),
        forms=(
            PartnershipForm.PSP,
            PartnershipForm.PSPP,
            PartnershipForm.CSR,
            PartnershipForm.PENTAHELIX,
            PartnershipForm.QUADRUPLE_HELIX,
        ),
        sectors=SOCIAL,
        resource_types=("cash", "equipment"),
        sources=(Source("Permendagri 77/2020"),),
    ),
    Instrument(
        "swakelola",
        _("Swakelola Tipe III contract"),
        _("A ministry, agency or Pemda"),
        _(
            "Work planned by a government body and carried out by a civil-society "
            "organisation, paid from the APBN or APBD: training, facilitation, monitoring."
        ),
        _("Government contract"),
        forms=(PartnershipForm.PSP, PartnershipForm.PSPP, PartnershipForm.PENTAHELIX),
        resource_types=("expertise", "network"),
        sources=(Source(_("Perpres 16/2018, as amended by Perpres 12/2021")),),
    ),
    Instrument(
        "mdb",
        _("Development partners and MDBs (ADB, World Bank, JICA)"),
        _("Multilateral and bilateral development partners"),
        _(
            "Loans and grants through the government, and technical assistance for project "
            "preparation; large infrastructure loans go through the national borrowing "
            "plan."
        ),
        _("Loan, grant or technical assistance"),
        resource_types=("cash", "expertise"),
        sources=(
            Source(
                "PP 10/2011 tentang Tata Cara Pengadaan Pinjaman Luar Negeri dan Penerimaan Hibah"
            ),
        ),
    ),
    Instrument(
        "zakat",
        _("Zakat, infaq and sadaqah (BAZNAS, LAZ)"),
        "BAZNAS, LAZ",
        _(
            "Zakat funds programmes whose beneficiaries are among the eight groups entitled "
            "to zakat (the poor first): education, health, livelihoods. Infaq and sadaqah are "
            "freer in purpose."
        ),
        _("Grant"),
        forms=SOCIAL_FORMS,
        sectors=("education", "health", "social_protection", "agriculture", "water", "housing"),
        resource_types=("cash",),
        sources=(Source("UU 23/2011 tentang Pengelolaan Zakat"),),
    ),
)


@dataclass(frozen=True)
class Check:
    ok: bool
    text: str


@dataclass(frozen=True)
class FundingFit:
    instrument: Instrument
    checks: tuple[Check, ...]

    @property
    def fits(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _sector_ok(rule: str | tuple[str, ...], sector: str) -> bool:
    if not rule:
        return True
    if rule == INFRASTRUCTURE:
        return sector in INFRASTRUCTURE_SECTORS
    if rule == SOCIAL:
        return sector in SOCIAL_SECTORS
    return sector in rule


def check_instrument(instrument: Instrument, *, need: Any, partnership: Any) -> FundingFit:
    """Every rule of ``instrument`` checked on the need and its partnership, in words."""
    from mitra.organisations.models import ResourceType
    from mitra.partnerships.models import DevelopmentSector, ReturnMechanism

    checks: list[Check] = []
    form = _label(PartnershipForm, partnership.form)
    if instrument.forms:
        ok = partnership.form in instrument.forms
        checks.append(
            Check(
                ok,
                str(_("form: %(form)s") if ok else _("not for a %(form)s")) % {"form": form},
            )
        )
    if instrument.sectors:
        sector = _label(DevelopmentSector, partnership.development_sector)
        ok = _sector_ok(instrument.sectors, partnership.development_sector)
        checks.append(
            Check(
                ok,
                str(_("sector: %(sector)s") if ok else _("not for the sector %(sector)s"))
                % {"sector": sector},
            )
        )
    stage = _label(Stage, partnership.stage)
    ok = partnership.stage in instrument.stages
    checks.append(
        Check(
            ok,
            str(_("stage: %(stage)s") if ok else _("not in the %(stage)s stage"))
            % {"stage": stage},
        )
    )
    if instrument.resource_types:
        resource = _label(ResourceType, need.resource_type)
        ok = need.resource_type in instrument.resource_types
        checks.append(
            Check(
                ok,
                str(_("resource: %(resource)s") if ok else _("does not provide %(resource)s"))
                % {"resource": resource},
            )
        )
    if instrument.return_mechanisms and partnership.return_mechanism:
        mechanism = _label(ReturnMechanism, partnership.return_mechanism)
        ok = partnership.return_mechanism in instrument.return_mechanisms
        checks.append(
            Check(
                ok,
                str(
                    _("return: %(mechanism)s")
                    if ok
                    else _("not for a project repaid by %(mechanism)s")
                )
                % {"mechanism": mechanism},
            )
        )
    minimum = instrument.min_project_value_idr
    if minimum and partnership.estimated_value is not None and partnership.currency == "IDR":
        ok = partnership.estimated_value >= minimum
        checks.append(Check(ok, str(_("project size") if ok else _("project too small"))))
    return FundingFit(instrument, tuple(checks))


def instruments_for(*, need: Any, partnership: Any) -> list[FundingFit]:
    """Every instrument checked on the need: those that could fund it first, then the others
    ordered by how few rules they fail."""
    fits = [check_instrument(i, need=need, partnership=partnership) for i in CATALOGUE]
    return sorted(fits, key=lambda f: (len(f.failed), CATALOGUE.index(f.instrument)))
