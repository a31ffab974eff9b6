"""OC4IDS 0.9.5 projects of published infrastructure partnerships.

Which partnerships count as infrastructure: those whose development sector is marked
`infrastructure` in codelists.SECTORS (transport, water, sanitation, energy, health facilities,
ICT, housing); see `codelists.INFRASTRUCTURE_SECTORS`. Each becomes one project whose single
contracting process is the partnership's OCDS contracting process (same ocid), linked to its
stored OCDS releases. Like the OCDS export, only published partnerships, current members and
PUBLIC documents are used.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from mitra.core.regions import subdivisions

from . import conf
from .codelists import DOCUMENTS, SECTORS, STAGES, oc4ids_roles
from .models import Release
from .ocds import absolute_url, context_for, document, party_id, rfc3339, value
from .selectors import PublicPartnership

OC4IDS_VERSION = "0.9"
LICENSE = "http://opendatacommons.org/licenses/pddl/1.0/"


def project_id(partnership: Any) -> str:
    return f"{conf.oc4ids_prefix()}-{partnership.code}"


def project(bundle: PublicPartnership, releases: list[Release]) -> dict[str, Any]:
    """One OC4IDS project; `releases` are the partnership's stored OCDS releases (date order)."""
    ctx = context_for(bundle)  # the OCDS context: parties, supplier roles, contract state
    p = bundle.partnership
    codes = STAGES[p.stage]
    out: dict[str, Any] = {"id": project_id(p)}
    if releases:
        out["updated"] = rfc3339(releases[-1].date)
    out["language"] = "id"
    out["title"] = p.title_ind or p.title
    if p.summary_ind:
        out["description"] = p.summary_ind
    out["status"] = codes.project_status
    sectors = SECTORS[p.development_sector].oc4ids
    if sectors:
        out["sector"] = list(sectors)
    if p.estimated_value is not None:
        out["budget"] = {"amount": value(p.estimated_value, p.currency)}
    period: dict[str, str] = {}
    if p.start_date:
        period["startDate"] = rfc3339(p.start_date)
    if p.end_date:
        period["endDate"] = rfc3339(p.end_date)
    if period:
        out["period"] = period
    place = [p.regency] if p.regency else []
    if p.province:
        place.append(subdivisions(str(p.country)).get(p.province, p.province))
    out["locations"] = [{"id": "1", "description": ", ".join(place) or str(p.country)}]
    parties = []
    authority = None
    for m in bundle.members:
        org = m.organisation
        party: dict[str, Any] = {"id": party_id(org), "name": org.name}
        if org.identifier:
            party["identifier"] = {
                "scheme": org.identifier_scheme or "MITRA",
                "id": org.identifier,
                "legalName": org.name,
            }
        if org.province:
            party["address"] = {
                "region": subdivisions(str(org.country)).get(org.province, org.province)
            }
        if org.website:
            party["contactPoint"] = {"url": org.website}
        party["roles"] = oc4ids_roles(list(m.roles))
        if authority is None and "publicAuthority" in party["roles"]:
            authority = {"id": party["id"], "name": org.name}
        parties.append(party)
    if parties:
        out["parties"] = parties
    if authority:
        out["publicAuthority"] = authority
    documents = []
    for doc in bundle.documents:
        documents.append(document(doc, DOCUMENTS[doc.doc_type].oc4ids))
    if documents:
        out["documents"] = documents
    summary: dict[str, Any] = {
        "ocid": ctx.ocid,
        "title": p.title_ind or p.title,
        "status": codes.process_status,
    }
    if ctx.has_contract:
        summary["suppliers"] = [ctx.ref(m) for m in ctx.members_with("privateParty", "supplier")]
        if period:
            summary["contractPeriod"] = period
    process: dict[str, Any] = {"id": ctx.ocid, "summary": summary}
    if releases:
        package = absolute_url(f"/api/v1/partnerships/{p.code}/ocds/record-package")
        process["releases"] = [
            {
                "id": r.release_id,
                "tag": list(r.tags),
                "date": rfc3339(r.date),
                "url": f"{package}#{r.release_id}",
            }
            for r in releases
        ]
    out["contractingProcesses"] = [process]
    return out


def project_package(
    projects: list[dict[str, Any]], *, uri: str, published: datetime.datetime
) -> dict[str, Any]:
    return {
        "version": OC4IDS_VERSION,
        "uri": uri,
        "publishedDate": rfc3339(published),
        "publisher": {"name": conf.publisher_name(), "uri": conf.public_url() + "/"},
        "license": LICENSE,
        "projects": projects,
    }


NOT_INFRASTRUCTURE = _("This partnership is not an infrastructure project (see its sector).")
