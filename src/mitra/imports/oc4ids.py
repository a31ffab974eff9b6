"""OC4IDS import: project packages, bare lists of projects, or one project → partnerships.

Real exports deviate from the schema (the Thai SEPO file has no package metadata, plain dates
for date-times, statuses outside the codelist, Thai text where a code belongs, sector objects
instead of codes, fields of its own). The importer accepts what it can interpret, normalises it,
and lists every deviation as a warning with its JSON path; it refuses (the whole import) only
what it cannot interpret: a project without an id, an unreadable date or amount, a party with no
name. Each project becomes one public partnership (``source="oc4ids"``, ``source_id`` = the
project id); fields Mitra does not model go to ``other_data["oc4ids"]``, documents' metadata to
``other_data["documents"]``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from mitra.partnerships.models import PartnershipForm, Stage

from .common import (
    ROLE_SYNONYMS,
    TITLE_MAX,
    PartnershipPlan,
    PartyPlan,
    Progress,
    choose_lead,
    country_code,
    country_from_scheme,
    known_role,
    mitra_roles,
    money,
    read_datetime,
    run_import,
    text_field,
    text_fields,
)
from .report import ImportReport

# Codelists of OC4IDS 0.9.5 (shared/data/oc4ids/schema/codelists), the ones the importer reads.
PROJECT_STATUS = {
    "identification",
    "preparation",
    "implementation",
    "completion",
    "maintenance",
    "decommissioning",
    "decommissioned",
    "cancelled",
}
PROJECT_TYPE = {"construction", "rehabilitation", "replacement", "expansion", "decommissioning"}
PROJECT_SECTOR = {
    "education", "health", "energy", "energy.solar", "energy.wind", "energy.hydropower",
    "energy.biomass", "energy.geothermal", "communications", "waterAndWaste", "governance",
    "economy", "cultureSportsAndRecreation", "transport", "transport.air", "transport.water",
    "transport.rail", "transport.road", "transport.urban", "transport.lowCarbon",
    "socialHousing", "naturalResources", "naturalResources.floodProtection",
}  # fmt: skip
PARTY_ROLE = {
    "buyer", "procuringEntity", "supplier", "tenderer", "funder", "enquirer", "payer", "payee",
    "reviewBody", "interestedParty", "publicAuthority", "administrativeEntity",
    "climateFinanceFocalPoint", "independentMonitor",
}  # fmt: skip
PROJECT_FIELDS = {
    "additionalClassifications", "assetLifetime", "benefits", "budget", "completion",
    "completionPeriod", "contractingProcesses", "costMeasurements", "decommissioningPeriod",
    "description", "documents", "environment", "forecasts", "id", "identificationPeriod",
    "identifiers", "implementationPeriod", "language", "lobbyingMeetings", "locations",
    "maintenancePeriod", "metrics", "milestones", "parties", "period", "policyAlignment",
    "preparationPeriod", "publicAuthority", "purpose", "relatedProjects", "sector", "social",
    "status", "title", "transactions", "type", "updated",
}  # fmt: skip
PACKAGE_REQUIRED = ("version", "uri", "publishedDate", "publisher")

#: projectStatus → stage. Completion is the hand-over of the built asset, after which a PPP runs it.
STATUS_STAGE = {
    "identification": Stage.PLANNING,
    "preparation": Stage.PREPARATION,
    "implementation": Stage.CONSTRUCTION,
    "completion": Stage.OPERATION,
    "maintenance": Stage.OPERATION,
    "decommissioning": Stage.CLOSED,
    "decommissioned": Stage.CLOSED,
    "cancelled": Stage.CANCELLED,
}
#: Statuses seen in real data outside the codelist, and the stage each is read as (warned).
STATUS_SYNONYMS = {
    "completed": Stage.CLOSED,  # SEPO: the concession has ended
    "closed": Stage.CLOSED,
    "active": Stage.OPERATION,  # SEPO: the concession is running
    "operation": Stage.OPERATION,
    "operational": Stage.OPERATION,
    "construction": Stage.CONSTRUCTION,
    "ongoing": Stage.CONSTRUCTION,
    "planned": Stage.PLANNING,
    "planning": Stage.PLANNING,
    "pipeline": Stage.PLANNING,
    "procurement": Stage.TRANSACTION,
    "tender": Stage.TRANSACTION,
    "canceled": Stage.CANCELLED,
}
#: OC4IDS projectSector codes → development sector (codes of DevelopmentSector); a finer code
#: is looked up before its parent.
SECTOR_MAP = {
    "transport": "transport",
    "transport.road": "road_bridge",
    "transport.rail": "railway",
    "transport.urban": "transport",  # buses, BRT and urban transit alike
    "transport.water": "port",
    "transport.air": "airport",
    "transport.lowCarbon": "transport",
    # Perpres 38/2015: power plants, geothermal ones included, are electricity
    # (ketenagalistrikan); bio-energy belongs with oil, gas and renewables.
    "energy": "electricity",
    "energy.solar": "electricity",
    "energy.wind": "electricity",
    "energy.hydropower": "electricity",
    "energy.geothermal": "electricity",
    "energy.biomass": "oil_gas_renewables",
    "communications": "ict",
    "waterAndWaste": "water",
    "health": "health",
    "education": "education_facility",
    "socialHousing": "housing",
    "naturalResources": "environment",
    "naturalResources.floodProtection": "water_resources",
    "cultureSportsAndRecreation": "sports_arts",
}
MAPPED = {"id", "title", "description", "language", "parties", "publicAuthority", "period"}
NON_ASCII = re.compile(r"[^\x00-\x7f]")


def import_oc4ids(
    data: Any, *, source: str, actor: Any, dry_run: bool, progress: Progress | None
) -> ImportReport:
    """Import OC4IDS projects (all or nothing). Raises ``ImportRefused``."""
    report = ImportReport(format="oc4ids", source=source)
    projects, package = read_projects(data, report)
    identifiers = _shared_identifiers(projects)
    plans = [
        plan
        for i, project in projects
        if (plan := plan_project(f"{i}", project, package, identifiers, report)) is not None
    ]
    seen: dict[str, str] = {}
    for plan in plans:
        if plan.source_id in seen:
            # Both would write the same partnership, the second silently over the first.
            report.error(
                f"{plan.where}.id",
                _("Two projects have the same id (also at %(other)s).")
                % {"other": seen[plan.source_id]},
                plan.source_id,
            )
        seen.setdefault(plan.source_id, plan.where)
    return run_import(report, plans, actor=actor, dry_run=dry_run, progress=progress)


def read_projects(data: Any, report: ImportReport) -> tuple[list[tuple[str, Any]], dict[str, Any]]:
    """``(json path, project)`` pairs and the package metadata worth keeping."""
    if isinstance(data, list):
        report.warn("$", _("A bare list of projects, without the project package around it."))
        return [(f"$[{i}]", p) for i, p in enumerate(data)], {}
    if not isinstance(data, dict):
        report.error("$", _("OC4IDS data must be a project package, a list or a project."))
        return [], {}
    if "projects" not in data:
        if "id" in data:
            report.warn("$", _("A single project, without the project package around it."))
            return [("$", data)], {}
        report.error("$.projects", _("No “projects” list was found."))
        return [], {}
    projects = data["projects"]
    if not isinstance(projects, list):
        report.error("$.projects", _("“projects” must be a list."))
        return [], {}
    for key in PACKAGE_REQUIRED:
        if key not in data:
            report.warn(
                f"$.{key}",
                _("The package metadata “%(key)s” is missing.") % {"key": key},
            )
    if "publishedDate" in data:
        read_datetime(data["publishedDate"], "$.publishedDate", report, strict=False)
    package = {k: data[k] for k in ("publisher", "license", "publicationPolicy") if k in data}
    return [(f"$.projects[{i}]", p) for i, p in enumerate(projects)], package


def _shared_identifiers(projects: list[tuple[str, Any]]) -> set[tuple[str, str]]:
    """Identifiers that name different organisations in this file: project-local party ids
    dressed as identifiers (the SEPO file numbers its parties org-1, org-2 in every project)."""
    names: dict[tuple[str, str], set[str]] = {}
    for _where, project in projects:
        if not isinstance(project, dict) or not isinstance(project.get("parties"), list):
            continue
        for party in project["parties"]:
            if not isinstance(party, dict) or not isinstance(party.get("identifier"), dict):
                continue
            ident = party["identifier"]
            key = (str(ident.get("scheme") or ""), str(ident.get("id") or ""))
            names.setdefault(key, set()).add(str(party.get("name") or ident.get("legalName")))
    return {key for key, seen in names.items() if len(seen) > 1}


def plan_project(
    where: str,
    project: Any,
    package: dict[str, Any],
    local_identifiers: set[tuple[str, str]],
    report: ImportReport,
) -> PartnershipPlan | None:
    if not isinstance(project, dict):
        report.error(where, _("A project must be a JSON object."))
        return None
    pid = project.get("id")
    if isinstance(pid, bool) or not isinstance(pid, (str, int)) or not str(pid).strip():
        report.error(
            f"{where}.id",
            _("A project needs its “id”; it cannot be imported again without one."),
            pid,
        )
        return None
    pid = str(pid).strip()
    for key in project:
        if key not in PROJECT_FIELDS:
            report.warn(
                f"{where}.{key}",
                _("“%(key)s” is not an OC4IDS field; kept with the other published data.")
                % {"key": key},
            )

    title = project.get("title")
    if not isinstance(title, str) or not title.strip():
        report.warn(f"{where}.title", _("The project has no title; its id is used."), pid)
        title = pid
    title = text_field(title, f"{where}.title", report, limit=TITLE_MAX) or pid
    summary = text_field(
        project.get("description") if isinstance(project.get("description"), str) else "",
        f"{where}.description",
        report,
    )
    fields = text_fields(title, summary, project.get("language"), where, report)
    fields["form"] = PartnershipForm.PPP
    fields["stage"] = _stage(project.get("status"), f"{where}.status", report)
    _check_type(project.get("type"), f"{where}.type", report)
    fields["development_sector"] = _sector(project.get("sector"), f"{where}.sector", report)

    moment = read_datetime(project.get("updated"), f"{where}.updated", report, strict=False)
    fields["stage_since"] = moment.date() if moment else None
    start = end = None
    for key in ("period", "implementationPeriod"):
        period = project.get(key)
        if period is None:
            continue
        if not isinstance(period, dict):
            report.error(f"{where}.{key}", _("A period must be a JSON object."))
            continue
        s = read_datetime(period.get("startDate"), f"{where}.{key}.startDate", report, strict=False)
        e = read_datetime(period.get("endDate"), f"{where}.{key}.endDate", report, strict=False)
        if key == "period":
            start, end = (s.date() if s else None), (e.date() if e else None)
    if start and end and end < start:
        report.warn(f"{where}.period", _("The period ends before it starts; its end was left out."))
        end = None
    fields["start_date"], fields["end_date"] = start, end

    other: dict[str, Any] = {"oc4ids": {k: v for k, v in project.items() if k not in MAPPED}}
    if package:
        other["package"] = package
    fields["estimated_value"], fields["currency"] = None, "IDR"
    budget = project.get("budget")
    if isinstance(budget, dict) and isinstance(budget.get("amount"), dict):
        path = f"{where}.budget.amount"
        value = budget["amount"]
        amount = _amount(value.get("amount"), f"{path}.amount", report)
        if amount is not None:
            number, currency, kept = money(amount, value.get("currency"), path, report)
            if number is not None:
                fields["estimated_value"], fields["currency"] = number, currency
            elif kept:
                other["value_outside_currencies"] = kept
    elif budget is not None and not isinstance(budget, dict):
        report.error(f"{where}.budget", _("The budget must be a JSON object."))
    documents = _documents(project.get("documents"), f"{where}.documents")
    if documents:
        other["documents"] = documents
    fields["other_data"] = other

    parties = _parties(project, where, local_identifiers, report)
    fields["country"] = _country(project, parties, where, report)
    for party in parties:
        party.country = party.country or fields["country"]
    return PartnershipPlan(
        where=where,
        source="oc4ids",
        source_id=pid,
        fields=fields,
        parties=parties,
        documents=len(documents),
    )


def _stage(status: Any, where: str, report: ImportReport) -> str:
    if status is None or status == "":
        report.warn(where, _("No status: the stage is left at planning."))
        return Stage.PLANNING
    code = str(status).strip()
    if code in STATUS_STAGE:
        return STATUS_STAGE[code]
    stage = STATUS_SYNONYMS.get(code.lower())
    if stage is not None:
        report.warn(
            where,
            _("The status is outside the projectStatus codelist; read as the stage “%(stage)s”.")
            % {"stage": Stage(stage).label},
            code,
        )
        return stage
    report.warn(
        where,
        _(
            "The status cannot be read (not in the projectStatus codelist); the stage is left at "
            "planning and the status kept with the other published data."
        ),
        code,
    )
    return Stage.PLANNING


def _check_type(value: Any, where: str, report: ImportReport) -> None:
    if value is None or value in PROJECT_TYPE:
        return
    if isinstance(value, str) and NON_ASCII.search(value):
        message = _("Text where a projectType code belongs; kept with the other published data.")
    else:
        message = _("Not a projectType code; kept with the other published data.")
    report.warn(where, message, value)


def _sector(value: Any, where: str, report: ImportReport) -> str:
    codes: list[str] = []
    if isinstance(value, str):
        report.warn(where, _("“sector” should be a list of codes; read as a list of one."), value)
        value = [value]
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                code = str(item.get("id") or "")
                report.warn(
                    f"{where}[{i}]",
                    _("A sector object where a sector code belongs; its id was read as the code."),
                    code,
                )
            else:
                code = str(item or "")
            if code not in PROJECT_SECTOR:
                report.warn(
                    f"{where}[{i}]",
                    _("Text where a projectSector code belongs")
                    if NON_ASCII.search(code)
                    else _("Not a projectSector code"),
                    code,
                )
                continue
            codes.append(code)
    for code in sorted(codes, key=lambda c: -c.count(".")):
        for key in (code, code.split(".")[0]):
            if key in SECTOR_MAP:
                return SECTOR_MAP[key]
    return "other"


def _amount(value: Any, where: str, report: ImportReport) -> Any:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            number = Decimal(value.replace(",", "").strip())
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite():
            report.warn(where, _("An amount written as text was read as a number."), value)
            return number
    if value is None:
        return None
    report.error(where, _("This amount cannot be read as a number."), value)
    return None


def _documents(value: Any, where: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, doc in enumerate(value if isinstance(value, list) else []):
        if isinstance(doc, dict):
            out.append(
                {
                    "title": doc.get("title") or "",
                    "documentType": doc.get("documentType") or "",
                    "url": doc.get("url") or "",
                    "datePublished": doc.get("datePublished") or "",
                    "format": doc.get("format") or "",
                    "language": doc.get("language") or "",
                    "path": f"{where}[{i}]",
                }
            )
    return out


def _parties(
    project: dict[str, Any],
    where: str,
    local_identifiers: set[tuple[str, str]],
    report: ImportReport,
) -> list[PartyPlan]:
    raw = project.get("parties") or []
    if not isinstance(raw, list):
        report.error(f"{where}.parties", _("“parties” must be a list."))
        return []
    plans: list[PartyPlan] = []
    ids = set()
    for i, party in enumerate(raw):
        pwhere = f"{where}.parties[{i}]"
        if not isinstance(party, dict):
            report.error(pwhere, _("A party must be a JSON object."))
            continue
        ids.add(str(party.get("id")))
        codes = []
        roles_in = party.get("roles") or []
        if not isinstance(roles_in, list):
            report.warn(f"{pwhere}.roles", _("Roles should be a list; read as one role."), roles_in)
            roles_in = [roles_in]
        for j, code in enumerate(roles_in):
            code = str(code)
            if code in PARTY_ROLE or known_role(code):
                codes.append(code)
            elif code in ROLE_SYNONYMS:
                report.warn(
                    f"{pwhere}.roles[{j}]",
                    _("A role outside the partyRole codelist, read as “%(code)s”.")
                    % {"code": ROLE_SYNONYMS[code]},
                    code,
                )
                codes.append(ROLE_SYNONYMS[code])
            else:
                report.warn(
                    f"{pwhere}.roles[{j}]",
                    _("A role outside the partyRole codelist; ignored."),
                    code,
                )
        plan = _party_plan(party, pwhere, codes, local_identifiers, report)
        if plan is not None:
            plans.append(plan)
    authority = project.get("publicAuthority")
    if (
        isinstance(authority, dict)
        and str(authority.get("id")) not in ids
        and authority.get("name")
    ):
        plan = _party_plan(
            authority, f"{where}.publicAuthority", ["publicAuthority"], local_identifiers, report
        )
        if plan is not None:
            plans.append(plan)
    elif isinstance(authority, dict):
        for plan in plans:
            if plan.where.endswith(f"[{_index(raw, authority.get('id'))}]") and (
                "publicAuthority" not in plan.source_roles
            ):
                plan.source_roles.append("publicAuthority")
                plan.roles = mitra_roles(plan.source_roles)
    choose_lead(
        plans,
        where,
        report,
        _("No public authority among the parties: the first partner was made lead."),
    )
    return plans


def _index(parties: list[Any], pid: Any) -> int:
    for i, party in enumerate(parties):
        if isinstance(party, dict) and str(party.get("id")) == str(pid):
            return i
    return -1


def _party_plan(
    party: dict[str, Any],
    where: str,
    codes: list[str],
    local_identifiers: set[tuple[str, str]],
    report: ImportReport,
) -> PartyPlan | None:
    roles = mitra_roles(codes)
    identifier = party.get("identifier") if isinstance(party.get("identifier"), dict) else {}
    name = party.get("name") or identifier.get("legalName") or ""
    if not roles:
        report.warn(
            where,
            _(
                "This party has no role Mitra models as a partner; it is kept with the other "
                "published data only."
            ),
            name,
        )
        return None
    name = text_field(str(name), f"{where}.name", report)
    if not name:
        report.error(f"{where}.name", _("A partner needs a name."))
        return None
    scheme = str(identifier.get("scheme") or "")
    ident = str(identifier.get("id") or "")
    if ident and (scheme, ident) in local_identifiers:
        report.warn(
            f"{where}.identifier",
            _(
                "This identifier names different organisations in this file, so it is not a "
                "register identifier; the organisation is matched by name."
            ),
            f"{scheme}/{ident}",
        )
        scheme, ident = "", ""
    address = party.get("address") if isinstance(party.get("address"), dict) else {}
    return PartyPlan(
        where=where,
        name=name,
        roles=roles,
        source_roles=list(codes),
        identifier_scheme=scheme,
        identifier=ident,
        country=country_code(address.get("countryName")) or country_from_scheme(scheme),
    )


def _country(
    project: dict[str, Any], parties: list[PartyPlan], where: str, report: ImportReport
) -> str:
    for location in _list(project.get("locations")):
        if isinstance(location, dict) and isinstance(location.get("address"), dict):
            address = location["address"]
            code = country_code(address.get("countryName")) or country_code(address.get("country"))
            if code:
                return code
    ordered = sorted(parties, key=lambda p: "lead" not in p.roles)
    for party in ordered:
        if party.country:
            return party.country
    schemes = [s.get("scheme") for s in _list(project.get("sector")) if isinstance(s, dict)]
    schemes += [
        c.get("scheme")
        for c in _list(project.get("additionalClassifications"))
        if isinstance(c, dict)
    ]
    raw_parties = project.get("parties") if isinstance(project.get("parties"), list) else []
    schemes += [
        (p.get("identifier") or {}).get("scheme")
        for p in raw_parties
        if isinstance(p, dict) and isinstance(p.get("identifier"), dict)
    ]
    for scheme in schemes:
        code = country_from_scheme(scheme)
        if code:
            report.warn(
                where,
                _("No address gives the country; it was read from the scheme %(scheme)s.")
                % {"scheme": scheme},
                code,
            )
            return code
    report.warn(where, _("No country could be read; Indonesia (ID) was assumed."))
    return "ID"


def _list(value: Any) -> list[Any]:
    """The value if it is a JSON list, else an empty one (a malformed optional field is kept with
    the other published data and not read)."""
    return value if isinstance(value, list) else []
