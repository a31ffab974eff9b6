"""THE mapping from Mitra's choices to OCDS for PPPs 1.0.0-beta3 and OC4IDS 0.9.5 codes.

Everything the exports translate into a code is in this one module, as tables: partner roles,
development sectors, stages, document types and risk allocation. Where no code of an open
codelist fits a Mitra role, the table uses a *custom* value (camelCase, as the codelists are),
listed in `CUSTOM_CODES` with its meaning; Mitra's own risk categories are custom riskCategory
values, listed in `CUSTOM_RISK_CATEGORIES`. The export validator reports each as a warning, and
docs/open-data.md lists them. Closed codelists (release tags, statuses, riskAllocation) always
get a code from the list.

Codelists: OCDS `ppp/codelist-patched/` (partyRole, documentType, releaseTag, tenderStatus,
awardStatus, contractStatus, financeCategory, riskCategory, riskAllocation) and OC4IDS
`schema/codelists/` (partyRole, projectSector, projectStatus, documentType,
contractingProcessStatus).

The importer (mitra.imports) reads the same table backwards with `mitra_roles_for_ocds`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from mitra.organisations.models import Sector
from mitra.partnerships.models import DevelopmentSector, DocumentType, Role, Stage
from mitra.risks.models import RiskCategory

# --- roles --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleCodes:
    #: OCDS for PPPs partyRole codes (open codelist; custom values listed in CUSTOM_CODES).
    ocds: tuple[str, ...]
    #: OC4IDS partyRole codes (open codelist).
    oc4ids: tuple[str, ...]


ROLES: dict[str, RoleCodes] = {
    # The organisation that leads the partnership in Mitra: no OCDS code says "lead".
    Role.LEAD: RoleCodes(("leadPartner",), ("leadPartner",)),
    # PJPK: manages the procurement and signs the PPP contract on the public side.
    Role.CONTRACTING_AGENCY: RoleCodes(
        ("buyer", "procuringEntity"), ("publicAuthority", "buyer", "procuringEntity")
    ),
    Role.REGULATOR: RoleCodes(("regulator",), ("regulator",)),
    # Simpul KPBU, Tim KPBU and the Badan Penyiapan prepare the project for the PJPK; the
    # Panitia Pengadaan runs the tender on its behalf (the procuring entity).
    Role.PPP_UNIT: RoleCodes(("pppUnit",), ("pppUnit",)),
    Role.PPP_TEAM: RoleCodes(("pppTeam",), ("pppTeam",)),
    Role.PREPARATION_AGENCY: RoleCodes(("preparationAgency",), ("preparationAgency",)),
    Role.PROCUREMENT_COMMITTEE: RoleCodes(("procuringEntity",), ("procuringEntity",)),
    # Kemenkeu (DJPPR) grants the Dukungan Kelayakan: a grantor of the PPP codelist.
    Role.VGF_PROVIDER: RoleCodes(("grantor",), ("funder",)),
    Role.INITIATOR: RoleCodes(("initiator",), ("initiator",)),
    Role.BIDDER: RoleCodes(("tenderer",), ("tenderer",)),
    Role.SPONSOR: RoleCodes(("equityInvestor",), ("funder",)),
    Role.EPC_CONTRACTOR: RoleCodes(("epcContractor",), ("supplier",)),
    Role.INDEPENDENT_ENGINEER: RoleCodes(("independentEngineer",), ("independentEngineer",)),
    Role.INDEPENDENT_MONITOR: RoleCodes(("independentMonitor",), ("independentMonitor",)),
    Role.COMMUNITY_REPRESENTATIVE: RoleCodes(
        ("communityRepresentative",), ("communityRepresentative",)
    ),
    # BUP/SPV: "the counter party of the procuring authority in the PPP contract".
    Role.PROJECT_COMPANY: RoleCodes(("privateParty",), ("supplier",)),
    Role.FINANCIER: RoleCodes(("lender",), ("funder",)),
    Role.OPERATOR: RoleCodes(("supplier",), ("supplier",)),
    Role.IMPLEMENTER: RoleCodes(("supplier",), ("supplier",)),
    Role.FUNDER: RoleCodes(("funder",), ("funder",)),
    Role.TECHNICAL_PARTNER: RoleCodes(("technicalPartner",), ("technicalPartner",)),
    # A university or research institute in a Triple Helix / Pentahelix.
    Role.RESEARCH_PARTNER: RoleCodes(("researchPartner",), ("researchPartner",)),
    # PT PII and other guarantors: the PPP codelist has lenders but no guarantor.
    Role.GUARANTOR: RoleCodes(("guarantor",), ("guarantor",)),
    Role.BENEFICIARY_REPRESENTATIVE: RoleCodes(
        ("beneficiaryRepresentative",), ("beneficiaryRepresentative",)
    ),
    # An NGO or community group that liaises with (and often monitors for) affected people.
    Role.COMMUNITY_LIAISON: RoleCodes(("communityLiaison",), ("communityLiaison",)),
    Role.MEDIA_PARTNER: RoleCodes(("mediaPartner",), ("mediaPartner",)),
}

#: Custom party-role values (used where no code of the open partyRole codelists fits).
CUSTOM_CODES: dict[str, object] = {
    "leadPartner": _("The organisation that coordinates the partnership (its lead partner)."),
    "pppUnit": _("The PPP unit (Simpul KPBU) of a ministry, agency or region."),
    "pppTeam": _("The team (Tim KPBU) the PJPK forms to prepare and tender the project."),
    "preparationAgency": _(
        "Prepares the project for the PJPK (Badan Penyiapan: a project development facility "
        "or a transaction adviser)."
    ),
    "initiator": _("The business that proposed an unsolicited KPBU (Pemrakarsa)."),
    "epcContractor": _("Designs and builds the project for the project company (EPC)."),
    "independentEngineer": _("Certifies design, construction and performance independently."),
    "independentMonitor": _("Monitors the partnership on behalf of the public or a funder."),
    "communityRepresentative": _("Represents affected or served communities."),
    "regulator": _("A government body that regulates or oversees the partnership."),
    "technicalPartner": _("Brings technology or technical expertise."),
    "researchPartner": _("A university or research institute doing research for the partnership."),
    "guarantor": _("Guarantees obligations of a party (e.g. a government guarantee by PT PII)."),
    "beneficiaryRepresentative": _("Represents the people the partnership serves."),
    "communityLiaison": _(
        "Liaises with affected communities; for example an NGO monitoring resettlement."
    ),
    "mediaPartner": _("A media outlet or community that informs the public."),
}


def ocds_roles(roles: list[str]) -> list[str]:
    """OCDS party roles for Mitra roles, in table order, without duplicates."""
    return _codes(roles, "ocds")


def oc4ids_roles(roles: list[str]) -> list[str]:
    return _codes(roles, "oc4ids")


def _codes(roles: list[str], standard: str) -> list[str]:
    out: list[str] = []
    for role in ROLES:
        if role in roles:
            for code in getattr(ROLES[role], standard):
                if code not in out:
                    out.append(code)
    return out


def mitra_roles_for_ocds(code: str) -> list[str]:
    """Mitra roles whose OCDS codes include `code` (for importers), in table order."""
    return [str(role) for role, codes in ROLES.items() if code in codes.ocds]


# --- development sectors ------------------------------------------------------------------------


@dataclass(frozen=True)
class SectorCodes:
    #: COFOG (UN Classification of the Functions of Government) id and its English label, the
    #: scheme the OCDS for PPPs worked example uses for `planning.project.sector`. Not exported
    #: (COFOG is outside the open itemClassificationScheme codelist); kept for importers.
    cofog: tuple[str, str] | None
    #: OC4IDS projectSector codes (open codelist).
    oc4ids: tuple[str, ...]
    #: Whether partnerships of this sector are infrastructure projects (exported as OC4IDS).
    infrastructure: bool


SECTORS: dict[str, SectorCodes] = {
    DevelopmentSector.AIRPORT: SectorCodes(("04.5.4", "Air transport"), ("transport.air",), True),
    DevelopmentSector.PORT: SectorCodes(("04.5.2", "Water transport"), ("transport.water",), True),
    DevelopmentSector.RAILWAY: SectorCodes(
        ("04.5.3", "Railway transport"), ("transport.rail",), True
    ),
    DevelopmentSector.TRANSPORT: SectorCodes(("04.5", "Transport"), ("transport",), True),
    DevelopmentSector.TOLL_ROAD: SectorCodes(
        ("04.5.1", "Road transport"), ("transport.road",), True
    ),
    DevelopmentSector.ROAD_BRIDGE: SectorCodes(
        ("04.5.1", "Road transport"), ("transport.road",), True
    ),
    DevelopmentSector.WATER_RESOURCES: SectorCodes(
        ("04.2.1", "Agriculture"), ("waterAndWaste",), True
    ),
    DevelopmentSector.WATER: SectorCodes(("06.3.0", "Water supply"), ("waterAndWaste",), True),
    DevelopmentSector.WASTEWATER_CENTRAL: SectorCodes(
        ("05.2.0", "Waste water management"), ("waterAndWaste",), True
    ),
    DevelopmentSector.WASTEWATER_LOCAL: SectorCodes(
        ("05.2.0", "Waste water management"), ("waterAndWaste",), True
    ),
    DevelopmentSector.SOLID_WASTE: SectorCodes(
        ("05.1.0", "Waste management"), ("waterAndWaste",), True
    ),
    DevelopmentSector.ICT: SectorCodes(("04.6.0", "Communication"), ("communications",), True),
    DevelopmentSector.ELECTRICITY: SectorCodes(("04.3.5", "Electricity"), ("energy",), True),
    DevelopmentSector.OIL_GAS_RENEWABLES: SectorCodes(
        ("04.3", "Fuel and energy"), ("energy",), True
    ),
    DevelopmentSector.ENERGY_CONSERVATION: SectorCodes(
        ("04.3", "Fuel and energy"), ("energy",), True
    ),
    DevelopmentSector.URBAN_FACILITIES: SectorCodes(
        ("06.2.0", "Community development"), ("cultureSportsAndRecreation",), True
    ),
    DevelopmentSector.EDUCATION_FACILITY: SectorCodes(("09", "Education"), ("education",), True),
    DevelopmentSector.SPORTS_ARTS: SectorCodes(
        ("08.1.0", "Recreational and sporting services"), ("cultureSportsAndRecreation",), True
    ),
    DevelopmentSector.ZONES: SectorCodes(("04.1", "General economic affairs"), ("economy",), True),
    DevelopmentSector.TOURISM: SectorCodes(("04.7.3", "Tourism"), ("economy",), True),
    DevelopmentSector.HEALTH: SectorCodes(("07.3", "Hospital services"), ("health",), True),
    DevelopmentSector.CORRECTIONAL: SectorCodes(("03.4.0", "Prisons"), ("governance",), True),
    DevelopmentSector.HOUSING: SectorCodes(
        ("06.1.0", "Housing development"), ("socialHousing",), True
    ),
    # Social sectors: programmes (teacher training, cash transfers, farming) rather than
    # assets, so not exported as OC4IDS infrastructure projects.
    DevelopmentSector.EDUCATION: SectorCodes(("09", "Education"), ("education",), False),
    DevelopmentSector.SOCIAL_PROTECTION: SectorCodes(("10", "Social protection"), (), False),
    DevelopmentSector.ENVIRONMENT: SectorCodes(
        ("05", "Environmental protection"), ("naturalResources",), False
    ),
    DevelopmentSector.AGRICULTURE: SectorCodes(("04.2.1", "Agriculture"), ("economy",), False),
    DevelopmentSector.OTHER: SectorCodes(None, (), False),
}

#: Development sectors whose partnerships are exported as OC4IDS projects.
INFRASTRUCTURE_SECTORS: frozenset[str] = frozenset(
    str(sector) for sector, codes in SECTORS.items() if codes.infrastructure
)

# --- stages -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageCodes:
    #: Release tag of the first release in this stage, and of later releases in the same stage.
    tag: str
    update_tag: str
    #: tender.status when a tender is exported (PPPs from the transaction stage on), else None.
    tender_status: str | None
    #: award/contract status when an award and a contract are exported, else None.
    contract_status: str | None
    #: OC4IDS projectStatus (closed codelist) and contractingProcessStatus.
    project_status: str
    process_status: str


STAGES: dict[str, StageCodes] = {
    Stage.PLANNING: StageCodes(
        "planning", "planningUpdate", None, None, "identification", "pre-award"
    ),
    Stage.PREPARATION: StageCodes(
        "planning", "planningUpdate", None, None, "preparation", "pre-award"
    ),
    Stage.TRANSACTION: StageCodes(
        "tender", "tenderUpdate", "active", None, "preparation", "pre-award"
    ),
    Stage.CONSTRUCTION: StageCodes(
        "contract", "contractUpdate", "complete", "active", "implementation", "active"
    ),
    Stage.OPERATION: StageCodes(
        "implementation", "implementationUpdate", "complete", "active", "maintenance", "active"
    ),
    # Hand-back done: "information at the end of a contracting process"; contract "terminated"
    # means "has now come to a close" (successful completion or early termination).
    Stage.CLOSED: StageCodes(
        "contractTermination",
        "implementationUpdate",
        "complete",
        "terminated",
        "decommissioned",
        "closed",
    ),
    Stage.CANCELLED: StageCodes(
        "tenderCancellation", "tenderUpdate", "cancelled", None, "cancelled", "closed"
    ),
}

#: Stages in which a signed agreement exists (award + contract are exported).
CONTRACT_STAGES = frozenset({Stage.CONSTRUCTION, Stage.OPERATION, Stage.CLOSED})

# --- documents ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentCodes:
    #: OCDS documentType (open codelist) or None to leave it out.
    ocds: str | None
    #: Where the document goes in a release: "planning", "tender", "contract" or "implementation"
    #: (a block that does not exist yet falls back to planning).
    section: str
    #: OC4IDS documentType.
    oc4ids: str | None


DOCUMENTS: dict[str, DocumentCodes] = {
    DocumentType.PRELIMINARY_STUDY: DocumentCodes("needsAssessment", "planning", "needsAssessment"),
    DocumentType.OBC: DocumentCodes("feasibilityStudy", "planning", "feasibilityStudy"),
    DocumentType.FBC: DocumentCodes("feasibilityStudy", "planning", "feasibilityStudy"),
    DocumentType.PUBLIC_CONSULTATION: DocumentCodes(
        "hearingNotice", "planning", "minutes.consultationMeeting"
    ),
    DocumentType.PQ_DOCUMENT: DocumentCodes("eligibilityCriteria", "tender", "eligibilityCriteria"),
    DocumentType.RFP_DOCUMENT: DocumentCodes("biddingDocuments", "tender", "biddingDocuments"),
    # Signed, binding agreements (BINDING_DOCUMENT_TYPES): published as contract documents.
    DocumentType.KPBU_AGREEMENT: DocumentCodes("contractSigned", "contract", "contractSigned"),
    DocumentType.GUARANTEE_AGREEMENT: DocumentCodes(
        "contractGuarantees", "contract", "contractGuarantees"
    ),
    DocumentType.RECOURSE_AGREEMENT: DocumentCodes(
        "contractGuarantees", "contract", "contractGuarantees"
    ),
    # financialAgreement is an OC4IDS code only; the PPP codelist has financeArrangements.
    DocumentType.LOAN_AGREEMENT: DocumentCodes(
        "financeArrangements", "contract", "financialAgreement"
    ),
    DocumentType.DIRECT_AGREEMENT: DocumentCodes(
        "financeArrangements", "contract", "financialAgreement"
    ),
    DocumentType.COOPERATION_AGREEMENT: DocumentCodes(
        "contractSigned", "contract", "contractSigned"
    ),
    DocumentType.GRANT_AGREEMENT: DocumentCodes("contractSigned", "contract", "contractSigned"),
    DocumentType.SWAKELOLA_CONTRACT: DocumentCodes("contractSigned", "contract", "contractSigned"),
    DocumentType.CONTRACT: DocumentCodes("contractSigned", "contract", "contractSigned"),
    # budgetApproval is an OC4IDS code only: in the PPP codelist the VGF is a capital subsidy
    # ("grants") and the DPRD approves the availability payments ("servicePayments").
    DocumentType.VGF_APPROVAL: DocumentCodes("grants", "planning", "budgetApproval"),
    DocumentType.DPRD_APPROVAL: DocumentCodes("servicePayments", "planning", "budgetApproval"),
    DocumentType.LOCATION_DECREE: DocumentCodes(None, "planning", None),
    DocumentType.ENVIRONMENTAL: DocumentCodes(
        "environmentalImpact", "planning", "environmentalImpact"
    ),
    DocumentType.HANDOVER: DocumentCodes(
        "completionCertificate", "implementation", "completionCertificate"
    ),
    # A Nota Kesepahaman is not binding: never a signed contract. Its documentType is left out
    # and it goes with the planning documents; so does any other agreement of unknown force.
    DocumentType.MOU: DocumentCodes(None, "planning", None),
    DocumentType.AGREEMENT: DocumentCodes(None, "planning", None),
    DocumentType.ACCOUNTABILITY_REPORT: DocumentCodes(
        "financialProgressReport", "implementation", "financialProgressReport"
    ),
    DocumentType.FEASIBILITY: DocumentCodes("feasibilityStudy", "planning", "feasibilityStudy"),
    DocumentType.MINUTES: DocumentCodes("minutes", "planning", "minutes"),
    DocumentType.REPORT: DocumentCodes("performanceReport", "implementation", "performanceReport"),
    DocumentType.EVIDENCE: DocumentCodes(
        "physicalProgressReport", "implementation", "physicalProgressReport"
    ),
    DocumentType.FINANCIAL_MODEL: DocumentCodes(
        "financeArrangements", "planning", "costBenefitAnalysis"
    ),
    # No code fits a permit and a guess would mislead: documentType is left out.
    DocumentType.PERMIT: DocumentCodes(None, "planning", None),
    DocumentType.OTHER: DocumentCodes(None, "planning", None),
}

# --- finance ------------------------------------------------------------------------------------

#: OCDS for PPPs financeCategory (closed) of a public cash commitment, by the committing partner's
#: first matching role; partners with none of these roles give "other".
FINANCE_CATEGORY_BY_ROLE: dict[str, str] = {
    Role.PROJECT_COMPANY: "equity",
    Role.SPONSOR: "equity",
    Role.FINANCIER: "seniorDebt",
    Role.VGF_PROVIDER: "grant",
    Role.GUARANTOR: "guarantee",
    Role.FUNDER: "grant",
    Role.CONTRACTING_AGENCY: "grant",
}

# --- risk allocation ----------------------------------------------------------------------------

#: Mitra's risk categories that are not codes of the open riskCategory codelist (the others are
#: its codes, stored as they are): exported as custom values, with these meanings.
CUSTOM_RISK_CATEGORIES: dict[str, object] = {
    RiskCategory.SOCIAL: _("Social: acceptance by and effects on communities and users."),
    RiskCategory.POLITICAL: _("Political: changes of government, policy or political support."),
    RiskCategory.COORDINATION: _("Coordination between the partners of a multi-party partnership."),
    RiskCategory.OTHER: _("Any other risk."),
}

#: The side of the closed riskAllocation codelist a party stands on, by its organisation's sector.
#: Social, academia and media organisations and parties linked to no partner stand on neither.
RISK_SIDE_BY_SECTOR: dict[str, str] = {
    Sector.PUBLIC: "publicAuthority",
    Sector.PRIVATE: "privateParty",
}
#: Risk.allocation when no side bears more than half of the risk.
RISK_SIDE_UNDEFINED = "undefined"
