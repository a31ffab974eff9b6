"""OCDS for PPPs (OCDS 1.1.5 + profile 1.0.0-beta3) releases of published partnerships.

Built like Akvo RSR's IATI export: one small function per block, run in the order of `BLOCKS`;
each takes the `Context` and returns a fragment that is merged into the release (or nothing).
The content depends only on what the public may see (selectors.PublicPartnership), so the same
data always gives the same content, and `services.release_sync` stores a new release only when
it changes. Amounts are `Decimal` throughout; `jsonio` writes them as exact JSON numbers.

Exported: ocid, initiationType, language, parties (current members with their roles mapped by
codelists.ROLES, identifier, address, website; project-company shareholders from equity shares),
buyer (the contracting agency), planning (project, budget with finance from PUBLIC cash
commitments, documents), tender (PPPs from the transaction stage on), awards and contracts (from
construction on, when a partner holds a supplier or private-party role) with the contract's
riskAllocation from the risk register (`risk_allocation`), its implementation (the agreement's
service-level KPIs with their approved values as metrics, missed thresholds as
performanceFailures: `implementation_results`) and amendments (`contract_amendments`),
documents (PUBLIC only, placed by type). Not exported (no such data in Mitra yet): bids,
tariffs, milestones, transactions.
"""

from __future__ import annotations

import datetime
import mimetypes
import os
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from mitra.core.exports import country_name
from mitra.core.regions import subdivisions
from mitra.organisations.models import Organisation
from mitra.partnerships.models import PartnershipForm, PartnershipMember

from . import conf
from .codelists import (
    CONTRACT_STAGES,
    DOCUMENTS,
    FINANCE_CATEGORY_BY_ROLE,
    RISK_SIDE_BY_SECTOR,
    RISK_SIDE_UNDEFINED,
    STAGES,
    StageCodes,
    ocds_roles,
)
from .selectors import PublicPartnership, PublicRisk

#: The profile extension every package declares.
PPP_EXTENSION = (
    "https://standard.open-contracting.org/profiles/ppp/extension/1__0__0__beta3/extension.json"
)
OCDS_VERSION = "1.1"
LICENSE = "http://opendatacommons.org/licenses/pddl/1.0/"
#: Roles that make a partner a supplier of the partnership's award and contract.
SUPPLIER_CODES = ("privateParty", "supplier")


def ocid_for(partnership: Any) -> str:
    """The imported `ocid` when set, else MITRA_OCID_PREFIX + "-" + code."""
    return partnership.ocid or f"{conf.ocid_prefix()}-{partnership.code}"


def rfc3339(value: datetime.date | datetime.datetime) -> str:
    """A date (midnight, local time) or an aware datetime as RFC 3339 with an offset, to seconds."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    if isinstance(value, datetime.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=tz)
    else:
        moment = datetime.datetime.combine(value, datetime.time(), tzinfo=tz)
    return moment.astimezone(tz).replace(microsecond=0).isoformat()


def party_id(organisation: Organisation) -> str:
    """A register identifier when the organisation has one, else a stable Mitra id."""
    if organisation.identifier:
        scheme = organisation.identifier_scheme or "MITRA"
        return f"{scheme}-{organisation.identifier}"
    return f"mitra-org-{organisation.pk}"


def absolute_url(path: str) -> str:
    return f"{conf.public_url()}{path}"


def _reverse(name: str, **kwargs: Any) -> str:
    # Links in open data carry no language prefix (the default language has none).
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(name, kwargs=kwargs)


def value(amount: Decimal, currency: str) -> dict[str, Any]:
    return {"amount": amount, "currency": currency}


@dataclass
class Context:
    bundle: PublicPartnership
    ocid: str
    stage: StageCodes
    party_ids: dict[int, str] = field(default_factory=dict)  # member pk -> party id
    party_roles: dict[int, list[str]] = field(default_factory=dict)  # member pk -> OCDS roles

    @property
    def partnership(self) -> Any:
        return self.bundle.partnership

    def ref(self, member: PartnershipMember) -> dict[str, str]:
        return {"id": self.party_ids[member.pk], "name": member.organisation.name}

    def members_with(self, *codes: str) -> list[PartnershipMember]:
        return [m for m in self.bundle.members if any(c in self.party_roles[m.pk] for c in codes)]

    @property
    def has_tender(self) -> bool:
        return self.partnership.form == PartnershipForm.PPP and self.stage.tender_status is not None

    @property
    def has_contract(self) -> bool:
        return self.partnership.stage in CONTRACT_STAGES and bool(
            self.members_with(*SUPPLIER_CODES)
        )

    def documents_for(self, section: str) -> list[dict[str, Any]]:
        """PUBLIC documents placed in `section`; a block that does not exist falls back to
        planning, so no public document is dropped."""
        available = {"planning"}
        if self.has_tender:
            available.add("tender")
        if self.has_contract:
            available |= {"contract", "implementation"}
        out = []
        for doc in self.bundle.documents:
            placed = DOCUMENTS[doc.doc_type].section
            if placed not in available:
                placed = "planning"
            if placed == section:
                out.append(document(doc, DOCUMENTS[doc.doc_type].ocds))
        return out


def document(doc: Any, code: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": f"doc-{doc.pk}"}
    if code:
        out["documentType"] = code
    out["title"] = doc.title
    out["url"] = absolute_url(
        _reverse("partnerships:document_download", pk=doc.partnership_id, document_pk=doc.pk)
    )
    out["datePublished"] = rfc3339(doc.created_at)
    out["dateModified"] = rfc3339(doc.updated_at)
    fmt = mimetypes.guess_type(os.path.basename(doc.file.name or ""))[0]
    if fmt:
        out["format"] = fmt
    return out


def context_for(bundle: PublicPartnership) -> Context:
    p = bundle.partnership
    ctx = Context(bundle=bundle, ocid=ocid_for(p), stage=STAGES[p.stage])
    for m in bundle.members:
        ctx.party_ids[m.pk] = party_id(m.organisation)
        ctx.party_roles[m.pk] = ocds_roles(list(m.roles))
    return ctx


# --- blocks, in release order ------------------------------------------------------------------


def block_header(ctx: Context) -> dict[str, Any]:
    return {"ocid": ctx.ocid, "initiationType": "tender", "language": "id"}


def block_parties(ctx: Context) -> dict[str, Any]:
    parties = []
    project_companies = {m.pk for m in ctx.members_with("privateParty")}
    shareholders = [m for m in ctx.bundle.members if m.equity_share is not None]
    for m in ctx.bundle.members:
        org = m.organisation
        party: dict[str, Any] = {"id": ctx.party_ids[m.pk], "name": org.name}
        if org.identifier:
            party["identifier"] = {
                "scheme": org.identifier_scheme or "MITRA",
                "id": org.identifier,
                "legalName": org.name,
            }
        address: dict[str, str] = {}
        if org.province:
            address["region"] = subdivisions(str(org.country)).get(org.province, org.province)
        if org.country:
            address["countryName"] = country_name(str(org.country), unknown="")
        if address:
            party["address"] = address
        if org.website:
            party["contactPoint"] = {"url": org.website}
        party["roles"] = ctx.party_roles[m.pk]
        if m.pk in project_companies and shareholders:
            holdings = [
                {
                    "id": ctx.party_ids[s.pk],
                    "shareholder": ctx.ref(s),
                    # The extension wants a fraction between 0 and 1; Mitra stores percent.
                    "shareholding": (s.equity_share / 100).normalize(),
                }
                for s in shareholders
                if s.pk != m.pk
            ]
            if holdings:
                party["shareholders"] = holdings
        parties.append(party)
    return {"parties": parties} if parties else {}


def block_buyer(ctx: Context) -> dict[str, Any]:
    buyers = ctx.members_with("buyer")
    return {"buyer": ctx.ref(buyers[0])} if buyers else {}


def block_planning(ctx: Context) -> dict[str, Any]:
    p = ctx.partnership
    project: dict[str, Any] = {"id": p.code, "title": p.title_ind or p.title}
    if p.title_en:
        project["title_en"] = p.title_en
    if p.summary_ind:
        project["description"] = p.summary_ind
    if p.summary_en:
        project["description_en"] = p.summary_en
    if p.estimated_value is not None:
        project["totalValue"] = value(p.estimated_value, p.currency)
    project["uri"] = absolute_url(_reverse("partnerships:detail", pk=p.pk))
    # project.sector is left out: its scheme must come from the open itemClassificationScheme
    # codelist (CPV, UNSPSC, ...), which has no sector classification; COFOG (codelists.SECTORS)
    # would be a custom value. The OC4IDS export carries the sector as projectSector codes.
    place = [p.regency] if p.regency else []
    if p.province:
        place.append(subdivisions(str(p.country)).get(p.province, p.province))
    place.append(country_name(str(p.country), unknown=""))
    project["locations"] = [{"description": ", ".join(x for x in place if x)}]
    planning: dict[str, Any] = {"project": project}
    budget: dict[str, Any] = {}
    if p.estimated_value is not None:
        budget = {
            "id": f"{p.code}-budget",
            "amount": value(p.estimated_value, p.currency),
            "project": p.title_ind or p.title,
            "projectID": p.code,
        }
    finance = block_finance(ctx)
    if finance:
        budget.setdefault("id", f"{p.code}-budget")
        budget["finance"] = finance
    if budget:
        planning["budget"] = budget
    documents = ctx.documents_for("planning")
    if documents:
        planning["documents"] = documents
    return {"planning": planning}


def block_finance(ctx: Context) -> list[dict[str, Any]]:
    """PUBLIC cash commitments as sources of finance (planning.budget.finance)."""
    out = []
    for c in ctx.bundle.cash_commitments:
        category = next(
            (FINANCE_CATEGORY_BY_ROLE[r] for r in c.member.roles if r in FINANCE_CATEGORY_BY_ROLE),
            "other",
        )
        out.append(
            {
                "id": f"commitment-{c.pk}",
                "title": c.need.title,
                "financingParty": ctx.ref(c.member),
                "financeCategory": category,
                "value": value(c.quantity, c.need.currency),
            }
        )
    return out


def block_tender(ctx: Context) -> dict[str, Any]:
    if not ctx.has_tender:
        return {}
    p = ctx.partnership
    tender: dict[str, Any] = {
        "id": f"{p.code}-tender",
        "title": p.title_ind or p.title,
        "status": ctx.stage.tender_status,
    }
    entities = ctx.members_with("procuringEntity")
    if entities:
        tender["procuringEntity"] = ctx.ref(entities[0])
    documents = ctx.documents_for("tender")
    if documents:
        tender["documents"] = documents
    return {"tender": tender}


def block_awards_contracts(ctx: Context) -> dict[str, Any]:
    if not ctx.has_contract:
        return {}
    p = ctx.partnership
    award_id = f"{p.code}-award"
    award: dict[str, Any] = {
        "id": award_id,
        "title": p.title_ind or p.title,
        "status": "active",
        "suppliers": [ctx.ref(m) for m in ctx.members_with(*SUPPLIER_CODES)],
    }
    contract: dict[str, Any] = {
        "id": f"{p.code}-contract",
        "awardID": award_id,
        "title": p.title_ind or p.title,
        "status": ctx.stage.contract_status,
    }
    period: dict[str, str] = {}
    if p.start_date:
        period["startDate"] = rfc3339(p.start_date)
    if p.end_date:
        period["endDate"] = rfc3339(p.end_date)
    if period:
        award["contractPeriod"] = period
        contract["period"] = period
    documents = ctx.documents_for("contract")
    if documents:
        contract["documents"] = documents
    implementation = ctx.documents_for("implementation")
    if implementation:
        contract["implementation"] = {"documents": implementation}
    performance = implementation_results(ctx)
    if performance:
        contract.setdefault("implementation", {}).update(performance)
    risks = [risk_allocation(r) for r in ctx.bundle.risks]
    if risks:
        contract["riskAllocation"] = risks
    amendments = contract_amendments(ctx)
    if amendments:
        contract["amendments"] = amendments
    return {"awards": [award], "contracts": [contract]}


def contract_amendments(ctx: Context) -> list[dict[str, Any]]:
    """contracts[].amendments: the public amendments recorded after a renegotiation
    (mitra.disputes)."""
    from mitra.disputes.selectors import public_amendments

    return [
        {
            "id": f"amendment-{a.pk}",
            "date": rfc3339(a.date),
            "rationale": a.rationale,
            "description": f"{a.amends}: {a.description}" if a.amends else a.description,
        }
        for a in public_amendments(ctx.partnership)
    ]


def implementation_results(ctx: Context) -> dict[str, Any]:
    """contracts[].implementation.metrics and .performanceFailures (OCDS for PPPs): the KPIs of
    the agreement (mitra.results service levels) with their verified (approved) values per
    period, and the periods that missed a KPI's threshold with the deduction of the agreement."""
    from mitra.results.selectors import public_kpis

    return public_kpis(ctx.partnership)


# --- riskAllocation -----------------------------------------------------------------------------
# As in the profile's worked example, the allocation is published with the contract: a release
# without a contract block (before construction, or no partner in a supplier role) carries none.
# Only qualitative fields exist in the extension's Risk (id, category, description, allocation,
# notes); the register's figures are never read here (see selectors.PublicRisk).

#: More than this share of a risk makes its side the one that bears it.
MAJORITY = Decimal("0.5")


def percent(share: Decimal) -> str:
    """0.3 -> "30%", 1/3 -> "33.33%" (two decimals at most, no trailing zeros)."""
    rounded = (share * 100).quantize(Decimal("0.01")).normalize()
    return f"{rounded:f}%"


def risk_side(risk: PublicRisk) -> str:
    """publicAuthority or privateParty when that side bears more than half of the risk (the
    shares of its parties added up), else undefined."""
    sides: dict[str, Decimal] = {}
    for s in risk.shares:
        side = RISK_SIDE_BY_SECTOR.get(s.sector or "")
        if side is not None:
            sides[side] = sides.get(side, Decimal(0)) + s.share
    return next((side for side, total in sides.items() if total > MAJORITY), RISK_SIDE_UNDEFINED)


def risk_notes(risk: PublicRisk) -> str:
    """The whole split in plain words (Indonesian, the release's language), so that an allocation
    among three or more parties survives the standard's single side:
    "Pemda 30%, PT X 60%, Yayasan Y 10% — alasan: Pemda: ...; PT X: ...". A rationale that every
    party's share gives (a template writes one per risk) is said once, without party names."""
    shares = [s for s in risk.shares if s.share > 0]
    text = ", ".join(f"{s.party} {percent(s.share)}" for s in shares)
    given = [s for s in shares if s.rationale]
    if not given:
        return text
    if len(given) == len(shares) and len({s.rationale for s in given}) == 1:
        reasons = given[0].rationale
    else:
        reasons = "; ".join(f"{s.party}: {s.rationale.rstrip(' .;')}" for s in given) + "."
    return f"{text} — alasan: {reasons}"


def risk_allocation(risk: PublicRisk) -> dict[str, Any]:
    """One Risk of contracts[].riskAllocation."""
    description = risk.title
    if risk.description:
        separator = " " if description[-1:] in ".!?:" else ". "
        description = f"{description}{separator}{risk.description}"
    out: dict[str, Any] = {"id": risk.code, "category": risk.category}
    if description:
        out["description"] = description
    out["allocation"] = risk_side(risk)
    notes = risk_notes(risk)
    if notes:
        out["notes"] = notes
    return out


#: The blocks of a release, in order. Add a block here and it is exported, compiled and validated
#: like the others (riskAllocation belongs to the contract: see block_awards_contracts).
BLOCKS: list[Callable[[Context], dict[str, Any]]] = [
    block_header,
    block_parties,
    block_buyer,
    block_planning,
    block_tender,
    block_awards_contracts,
]


def release_content(bundle: PublicPartnership) -> dict[str, Any]:
    """The release without its id, date and tag: what the content hash is taken over."""
    ctx = context_for(bundle)
    release: dict[str, Any] = {}
    for block in BLOCKS:
        release.update(block(ctx))
    return release


def release_package(
    releases: list[dict[str, Any]], *, uri: str, published: datetime.datetime
) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": [PPP_EXTENSION],
        "publishedDate": rfc3339(published),
        "publisher": {"name": conf.publisher_name(), "uri": conf.public_url() + "/"},
        "license": LICENSE,
        "releases": releases,
    }


__all__ = [
    "BLOCKS",
    "PPP_EXTENSION",
    "Context",
    "ocid_for",
    "release_content",
    "release_package",
    "rfc3339",
]
