"""OCDS import: release packages and record packages → partnerships, organisations, partners.

Every contracting process (``ocid``) becomes one public partnership (``source="ocds"``,
``source_id`` = ``ocid`` = the ocid). A release package's releases of one ocid are compiled in
date order (OCDS merge: objects merged key by key, arrays of objects with ``id`` merged by id,
other arrays replaced by the newer one); a record uses its ``compiledRelease`` if present, else
its releases are compiled the same way.

The input is checked by structure first (package metadata, each release's ``ocid``/``id``/
``date``/``tag``, parties, values, dates), and any error refuses the whole import with the JSON
path of each one (``$.releases[2].parties[0].id``). What Mitra models is mapped (title, summary,
dates, stage, value + currency, parties → organisations and partner roles through
:data:`~.common.OCDS_ROLE_TO_MITRA`, equity shares); everything else of the compiled release is
kept in ``Partnership.other_data["ocds"]`` ("other published data"), documents' metadata in
``other_data["documents"]`` (the importer fetches no files).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from mitra.partnerships.models import PartnershipForm, Stage

from .common import (
    LEAD_ROLES,
    TITLE_MAX,
    PartnershipPlan,
    PartyPlan,
    Progress,
    choose_lead,
    country_code,
    country_from_scheme,
    mitra_roles,
    money,
    read_datetime,
    run_import,
    text_field,
    text_fields,
)
from .report import ImportReport

#: Keys of dates anywhere in a release, checked as ISO 8601 date-times.
DATE_KEYS = {
    "date",
    "startDate",
    "endDate",
    "maxExtentDate",
    "dateSigned",
    "datePublished",
    "dateModified",
    "dueDate",
    "dateMet",
}
#: Top-level release fields the importer maps (the rest goes to other data).
MAPPED = {"ocid", "id", "date", "tag", "title", "description", "language"}

#: COFOG (UN Classification of the Functions of Government) prefixes → development sector
#: (codes of mitra.partnerships.models.DevelopmentSector: Perpres 38/2015's infrastructure types
#: plus social sectors), checked in order: the longer prefix of a branch comes first.
COFOG_SECTORS: tuple[tuple[str, str], ...] = (
    ("03.4", "correctional"),  # prisons
    ("04.2", "agriculture"),
    ("04.3.2", "oil_gas_renewables"),  # petroleum and natural gas
    ("04.3.4", "oil_gas_renewables"),  # other fuels
    ("04.3.6", "oil_gas_renewables"),  # non-electric energy
    ("04.3", "electricity"),  # fuel and energy: electricity unless a finer code says otherwise
    ("04.5.1", "road_bridge"),
    ("04.5.2", "port"),
    ("04.5.3", "railway"),
    ("04.5.4", "airport"),
    ("04.5", "transport"),
    ("04.6", "ict"),
    ("04.7.3", "tourism"),
    ("05.1", "solid_waste"),
    ("05.2", "wastewater_central"),
    ("05", "environment"),
    ("06.1", "housing"),
    ("06.3", "water"),
    ("06.4", "urban_facilities"),  # street lighting
    ("07", "health"),
    ("08.1", "sports_arts"),
    ("08.2", "sports_arts"),
    ("09", "education"),
    ("10", "social_protection"),
)


def import_ocds(
    data: Any, *, source: str, actor: Any, dry_run: bool, progress: Progress | None
) -> ImportReport:
    """Import an OCDS release or record package (all or nothing). Raises ``ImportRefused``."""
    report = ImportReport(format="ocds", source=source)
    processes = read_package(data, report)
    plans: list[PartnershipPlan] = []
    if not report.errors:
        package = {k: data[k] for k in ("publisher", "license", "publicationPolicy") if k in data}
        for where, compiled in processes:
            plans.append(plan_process(where, compiled, package, report))
    return run_import(report, plans, actor=actor, dry_run=dry_run, progress=progress)


# --- reading and checking -------------------------------------------------------------------------


def read_package(data: Any, report: ImportReport) -> list[tuple[str, dict[str, Any]]]:
    """Check the package; return ``(json path, compiled release)`` per ocid, in input order."""
    if not isinstance(data, dict):
        report.error("$", _("An OCDS package must be a JSON object."), type(data).__name__)
        return []
    has_releases, has_records = "releases" in data, "records" in data
    if has_releases == has_records:
        report.error(
            "$",
            _(
                "An OCDS package has either “releases” (release package) or “records” "
                "(record package)."
            ),
        )
        return []
    _check_metadata(data, report)
    if has_releases:
        return _read_releases(data["releases"], report)
    return _read_records(data["records"], report)


def _check_metadata(data: dict[str, Any], report: ImportReport) -> None:
    if not isinstance(data.get("uri"), str) or not data.get("uri"):
        report.error("$.uri", _("The package needs its “uri” (a string)."), data.get("uri"))
    publisher = data.get("publisher")
    if not isinstance(publisher, dict) or not isinstance(publisher.get("name"), str):
        report.error("$.publisher.name", _("The package needs its publisher's name."))
    if "publishedDate" not in data:
        report.error("$.publishedDate", _("The package needs its “publishedDate”."))
    else:
        read_datetime(data["publishedDate"], "$.publishedDate", report, strict=True)


def _read_releases(releases: Any, report: ImportReport) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(releases, list) or not releases:
        report.error("$.releases", _("“releases” must be a non-empty list."))
        return []
    by_ocid: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for i, release in enumerate(releases):
        where = f"$.releases[{i}]"
        if check_release(release, where, report):
            by_ocid.setdefault(release["ocid"], []).append((where, release))
    seen_ids: dict[tuple[str, str], str] = {}
    for ocid, items in by_ocid.items():
        for where, release in items:
            key = (ocid, str(release["id"]))
            if key in seen_ids:
                report.error(
                    f"{where}.id",
                    _("Two releases of this ocid have the same id (also at %(other)s).")
                    % {"other": seen_ids[key]},
                    release["id"],
                )
            seen_ids[key] = where
    if report.errors:
        return []
    return [(items[-1][0], compile_releases([r for _w, r in items])) for items in by_ocid.values()]


def _read_records(records: Any, report: ImportReport) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(records, list) or not records:
        report.error("$.records", _("“records” must be a non-empty list."))
        return []
    out: list[tuple[str, dict[str, Any]]] = []
    seen: dict[str, str] = {}
    for i, record in enumerate(records):
        where = f"$.records[{i}]"
        if not isinstance(record, dict):
            report.error(where, _("A record must be a JSON object."))
            continue
        ocid = record.get("ocid")
        if not isinstance(ocid, str) or not ocid.strip():
            report.error(f"{where}.ocid", _("A record needs its “ocid” (a string)."), ocid)
            continue
        if ocid in seen:
            report.error(
                f"{where}.ocid",
                _("Two records have the same ocid (also at %(other)s).") % {"other": seen[ocid]},
                ocid,
            )
        seen[ocid] = where
        compiled = record.get("compiledRelease")
        if compiled is not None:
            if check_release(compiled, f"{where}.compiledRelease", report, compiled=True):
                if compiled["ocid"] != ocid:
                    report.error(
                        f"{where}.compiledRelease.ocid",
                        _("The compiled release's ocid differs from its record's."),
                        compiled["ocid"],
                    )
                out.append((f"{where}.compiledRelease", compiled))
            continue
        releases = record.get("releases")
        if not isinstance(releases, list) or not releases:
            report.error(
                f"{where}.releases",
                _("A record needs a “compiledRelease” or a non-empty list of “releases”."),
            )
            continue
        good = []
        for j, release in enumerate(releases):
            rwhere = f"{where}.releases[{j}]"
            if isinstance(release, dict) and "url" in release and "ocid" not in release:
                report.error(
                    rwhere,
                    _(
                        "A linked release (only a url) cannot be read: the importer fetches "
                        "nothing; publish the release itself or a compiledRelease."
                    ),
                    release.get("url"),
                )
                continue
            if check_release(release, rwhere, report):
                if release["ocid"] != ocid:
                    report.error(
                        f"{rwhere}.ocid",
                        _("This release belongs to another ocid."),
                        release["ocid"],
                    )
                good.append(release)
        if good:
            out.append((where, compile_releases(good)))
    return out if not report.errors else []


def check_release(
    release: Any, where: str, report: ImportReport, *, compiled: bool = False
) -> bool:
    """Structural checks of one release; errors go to ``report``. True when it can be read."""
    before = len(report.errors)
    if not isinstance(release, dict):
        report.error(where, _("A release must be a JSON object."))
        return False
    ocid = release.get("ocid")
    if not isinstance(ocid, str) or not ocid.strip():
        report.error(f"{where}.ocid", _("A release needs its “ocid” (a string)."), ocid)
    if not isinstance(release.get("id"), (str, int)) or isinstance(release.get("id"), bool):
        report.error(f"{where}.id", _("A release needs its “id” (a string)."), release.get("id"))
    if "date" not in release:
        report.error(f"{where}.date", _("A release needs its “date”."))
    tag = release.get("tag")
    if not compiled and (
        not isinstance(tag, list) or not tag or not all(isinstance(t, str) for t in tag)
    ):
        report.error(f"{where}.tag", _("A release needs its “tag” (a list of codes)."), tag)
    for key in ("title", "description", "language", "initiationType"):
        if key in release and not isinstance(release[key], str):
            report.error(f"{where}.{key}", _("This must be a string."), release[key])
    for key in ("planning", "tender", "buyer"):
        if key in release and not isinstance(release[key], dict):
            report.error(f"{where}.{key}", _("This must be a JSON object."))
    for key in ("parties", "awards", "contracts"):
        if key in release and not isinstance(release[key], list):
            report.error(f"{where}.{key}", _("This must be a list."))
    _check_parties(release.get("parties"), f"{where}.parties", report)
    _walk(release, where, report)
    return len(report.errors) == before


def _check_parties(parties: Any, where: str, report: ImportReport) -> None:
    if not isinstance(parties, list):
        return
    ids: dict[str, int] = {}
    for i, party in enumerate(parties):
        pwhere = f"{where}[{i}]"
        if not isinstance(party, dict):
            report.error(pwhere, _("A party must be a JSON object."))
            continue
        pid = party.get("id")
        if not isinstance(pid, (str, int)) or isinstance(pid, bool) or str(pid).strip() == "":
            report.error(f"{pwhere}.id", _("A party needs its “id” (a string)."), pid)
        elif str(pid) in ids:
            report.error(
                f"{pwhere}.id",
                _("Two parties have the same id (also at index %(i)d).") % {"i": ids[str(pid)]},
                pid,
            )
        else:
            ids[str(pid)] = i
        if "name" in party and not isinstance(party["name"], str):
            report.error(f"{pwhere}.name", _("This must be a string."), party["name"])
        roles = party.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            report.error(f"{pwhere}.roles", _("Roles must be a list of codes."), roles)
        identifier = party.get("identifier")
        if identifier is not None and not isinstance(identifier, dict):
            report.error(f"{pwhere}.identifier", _("This must be a JSON object."))


def _walk(node: Any, where: str, report: ImportReport) -> None:
    """Every Value (amount + currency) and every date, anywhere in the release."""
    if isinstance(node, dict):
        if "amount" in node and ("currency" in node or isinstance(node.get("amount"), str)):
            amount = node["amount"]
            if amount is not None and (
                isinstance(amount, bool) or not isinstance(amount, (int, float, Decimal))
            ):
                report.error(f"{where}.amount", _("An amount must be a number."), amount)
            currency = node.get("currency")
            if currency is not None and (
                not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha()
            ):
                report.error(f"{where}.currency", _("A currency is an ISO 4217 code."), currency)
        for key, value in node.items():
            path = f"{where}.{key}"
            if key in DATE_KEYS and not isinstance(value, (dict, list)):
                read_datetime(value, path, report, strict=True)
            else:
                _walk(value, path, report)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _walk(item, f"{where}[{i}]", report)


# --- compiling ----------------------------------------------------------------------------------


def compile_releases(releases: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge releases of one ocid in date order (stable for equal dates)."""
    ordered = sorted(releases, key=lambda r: str(r.get("date", "")))
    compiled: dict[str, Any] = {}
    for release in ordered:
        compiled = _merge(compiled, release)
    compiled["tag"] = ["compiled"]
    return compiled


def _merge(base: Any, new: Any) -> Any:
    if isinstance(base, dict) and isinstance(new, dict):
        out = dict(base)
        for key, value in new.items():
            if value is None:
                out.pop(key, None)
            elif key in out:
                out[key] = _merge(out[key], value)
            else:
                out[key] = copy.deepcopy(value)
        return out
    if isinstance(base, list) and isinstance(new, list) and _identified(base) and _identified(new):
        out_list = [copy.deepcopy(x) for x in base]
        index = {str(x["id"]): n for n, x in enumerate(out_list)}
        for item in new:
            key = str(item["id"])
            if key in index:
                out_list[index[key]] = _merge(out_list[index[key]], item)
            else:
                index[key] = len(out_list)
                out_list.append(copy.deepcopy(item))
        return out_list
    return copy.deepcopy(new)


def _identified(items: list[Any]) -> bool:
    return all(isinstance(x, dict) and "id" in x for x in items)


# --- mapping ------------------------------------------------------------------------------------


def plan_process(
    where: str, release: dict[str, Any], package: dict[str, Any], report: ImportReport
) -> PartnershipPlan:
    """What to write for one compiled release."""
    planning = release.get("planning") or {}
    project = planning.get("project") if isinstance(planning.get("project"), dict) else {}
    tender = release.get("tender") or {}
    awards = [a for a in release.get("awards") or [] if isinstance(a, dict)]
    contracts = [c for c in release.get("contracts") or [] if isinstance(c, dict)]
    ocid = release["ocid"].strip()

    title_path, title = _first(
        where,
        release,
        ("title",),
        ("planning", "project", "title"),
        ("tender", "title"),
    )
    if not title:
        report.warn(
            where, _("The process has no title; its ocid is used until one is published."), ocid
        )
        title_path, title = where, ocid
    title = text_field(title, title_path, report, limit=TITLE_MAX) or ocid
    summary_path, summary = _first(
        where,
        release,
        ("description",),
        ("planning", "project", "description"),
        ("tender", "description"),
        ("planning", "rationale"),
    )
    summary = text_field(summary, summary_path, report)
    fields = text_fields(title, summary, release.get("language"), where, report)

    other: dict[str, Any] = {"ocds": {k: v for k, v in release.items() if k not in MAPPED}}
    if package:
        other["package"] = package

    fields["form"] = PartnershipForm.PPP
    fields["development_sector"] = _sector(project, where, report)
    parties = [p for p in release.get("parties") or [] if isinstance(p, dict)]
    fields["country"] = _country(release, parties, where, report)
    fields["stage"] = _stage(release, tender, awards, contracts)
    fields["stage_since"] = _date(release.get("date"))
    start, end = _period(where, tender, awards, contracts)
    if start and end and end < start:
        report.warn(where, _("The period ends before it starts; its end was left out."), end)
        end = None
    fields["start_date"], fields["end_date"] = start, end

    value_path, value = _value(where, planning, project, tender, awards, contracts)
    fields["estimated_value"], fields["currency"] = None, "IDR"
    if value is not None:
        amount, currency, kept = money(
            value.get("amount"), value.get("currency"), value_path, report
        )
        if amount is not None:
            fields["estimated_value"], fields["currency"] = amount, currency
        elif kept:
            other["value_outside_currencies"] = kept

    documents = list(_documents(release, where))
    if documents:
        other["documents"] = documents
    fields["other_data"] = other

    plan = PartnershipPlan(
        where=where,
        source="ocds",
        source_id=ocid,
        ocid=ocid,
        fields=fields,
        documents=len(documents),
    )
    plan.parties = _parties(release, parties, where, fields["country"], report)
    return plan


def _first(where: str, release: dict[str, Any], *paths: tuple[str, ...]) -> tuple[str, str]:
    for path in paths:
        node: Any = release
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, str) and node.strip():
            return where + "".join(f".{k}" for k in path), node
    return where, ""


def _sector(project: dict[str, Any], where: str, report: ImportReport) -> str:
    sector = project.get("sector") if isinstance(project, dict) else None
    if isinstance(sector, dict) and str(sector.get("scheme", "")).upper() == "COFOG":
        code = str(sector.get("id", ""))
        for prefix, mitra in COFOG_SECTORS:
            if code == prefix or code.startswith(prefix + "."):
                return mitra
    report.warn(
        f"{where}.planning.project.sector",
        _("No development sector Mitra knows could be read (COFOG expected); “other” was used."),
        sector.get("id") if isinstance(sector, dict) else "",
    )
    return "other"


def _country(
    release: dict[str, Any], parties: list[dict[str, Any]], where: str, report: ImportReport
) -> str:
    buyer_id = str((release.get("buyer") or {}).get("id", ""))
    ordered = sorted(
        parties,
        key=lambda p: (
            str(p.get("id")) != buyer_id,
            not set(p.get("roles") or []) & set(LEAD_ROLES),
        ),
    )
    for party in ordered:
        address = party.get("address") if isinstance(party.get("address"), dict) else {}
        code = country_code(address.get("countryName")) or country_code(address.get("country"))
        if code:
            return code
    for party in ordered:
        identifier = party.get("identifier") if isinstance(party.get("identifier"), dict) else {}
        code = country_from_scheme(identifier.get("scheme"))
        if code:
            report.warn(
                where,
                _("The country was read from the buyer's identifier scheme."),
                identifier.get("scheme"),
            )
            return code
    report.warn(where, _("No country could be read from the parties; Indonesia (ID) was assumed."))
    return "ID"


def _stage(
    release: dict[str, Any],
    tender: dict[str, Any],
    awards: list[dict[str, Any]],
    contracts: list[dict[str, Any]],
) -> str:
    """Cancelled tender → cancelled; every contract terminated/cancelled → closed; a contract
    with implementation data → operation; an active contract → construction; awards or a tender
    → transaction; planning only → preparation."""
    if isinstance(tender, dict) and tender.get("status") in ("cancelled", "withdrawn"):
        return Stage.CANCELLED
    statuses = [c.get("status") for c in contracts if c.get("status")]
    if statuses and all(s in ("terminated", "cancelled") for s in statuses):
        return Stage.CLOSED
    if any(isinstance(c.get("implementation"), dict) and c["implementation"] for c in contracts):
        return Stage.OPERATION
    if contracts:
        return Stage.CONSTRUCTION
    if awards or tender:
        return Stage.TRANSACTION
    if release.get("planning"):
        return Stage.PREPARATION
    return Stage.PLANNING


def _date(value: Any) -> Any:
    if not isinstance(value, str):
        return None
    report = ImportReport(format="ocds", source="")
    moment = read_datetime(value, "", report, strict=False)
    return moment.date() if moment else None


def _period(
    where: str,
    tender: dict[str, Any],
    awards: list[dict[str, Any]],
    contracts: list[dict[str, Any]],
) -> tuple[Any, Any]:
    candidates = [c.get("period") for c in contracts]
    candidates += [a.get("contractPeriod") for a in awards]
    candidates.append(tender.get("contractPeriod") if isinstance(tender, dict) else None)
    for period in candidates:
        if isinstance(period, dict) and (period.get("startDate") or period.get("endDate")):
            return _date(period.get("startDate")), _date(period.get("endDate"))
    return None, None


def _value(
    where: str,
    planning: dict[str, Any],
    project: dict[str, Any],
    tender: dict[str, Any],
    awards: list[dict[str, Any]],
    contracts: list[dict[str, Any]],
) -> tuple[str, dict[str, Any] | None]:
    """The estimated value: project total, planning budget, tender value, contract, award."""
    candidates: list[tuple[str, Any]] = [
        (f"{where}.planning.project.totalValue", (project or {}).get("totalValue")),
        (f"{where}.planning.budget.amount", _object(planning.get("budget")).get("amount")),
        (f"{where}.tender.value", (tender or {}).get("value")),
    ]
    candidates += [
        (f"{where}.contracts[{i}].value", c.get("value")) for i, c in enumerate(contracts)
    ]
    candidates += [(f"{where}.awards[{i}].value", a.get("value")) for i, a in enumerate(awards)]
    for path, value in candidates:
        if isinstance(value, dict) and value.get("amount") is not None:
            return path, value
    return where, None


def _object(value: Any) -> dict[str, Any]:
    """The value if it is a JSON object, else an empty one (a malformed optional block is
    ignored, like any other field the importer does not map)."""
    return value if isinstance(value, dict) else {}


def _documents(release: dict[str, Any], where: str):  # type: ignore[no-untyped-def]
    """Metadata of every document anywhere in the release (title, type, url, where)."""

    def walk(node: Any, path: str):  # type: ignore[no-untyped-def]
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "documents" and isinstance(value, list):
                    for i, doc in enumerate(value):
                        if isinstance(doc, dict):
                            yield {
                                "title": doc.get("title") or "",
                                "documentType": doc.get("documentType") or "",
                                "url": doc.get("url") or "",
                                "datePublished": doc.get("datePublished") or "",
                                "format": doc.get("format") or "",
                                "language": doc.get("language") or "",
                                "path": f"{path}.documents[{i}]",
                            }
                else:
                    yield from walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, item in enumerate(node):
                yield from walk(item, f"{path}[{i}]")

    yield from walk(release, where)


def _parties(
    release: dict[str, Any],
    parties: list[dict[str, Any]],
    where: str,
    country: str,
    report: ImportReport,
) -> list[PartyPlan]:
    shares = _equity_shares(parties)
    plans: list[PartyPlan] = []
    for i, party in enumerate(parties):
        pwhere = f"{where}.parties[{i}]"
        codes = [r for r in party.get("roles") or [] if isinstance(r, str)]
        roles = mitra_roles(codes)
        name = party.get("name") or ""
        identifier = party.get("identifier") if isinstance(party.get("identifier"), dict) else {}
        if not name and isinstance(identifier.get("legalName"), str):
            name = identifier["legalName"]
        if not roles:
            report.warn(
                pwhere,
                _(
                    "This party has no role Mitra models as a partner; it is kept with the other "
                    "published data only."
                ),
                ", ".join(codes) or "-",
            )
            continue
        name = text_field(name, f"{pwhere}.name", report)
        if not name:
            report.error(f"{pwhere}.name", _("A partner needs a name."))
            continue
        address = party.get("address") if isinstance(party.get("address"), dict) else {}
        plans.append(
            PartyPlan(
                where=pwhere,
                name=name,
                roles=roles,
                source_roles=codes,
                identifier_scheme=str(identifier.get("scheme") or ""),
                identifier=str(identifier.get("id") or ""),
                country=country_code(address.get("countryName"))
                or country_from_scheme(identifier.get("scheme"))
                or country,
                equity_share=shares.get(str(party.get("id"))),
            )
        )
    choose_lead(
        plans,
        where,
        report,
        _("No buyer or public authority among the parties: the first partner was made lead."),
    )
    return plans


def _equity_shares(parties: list[dict[str, Any]]) -> dict[str, Decimal]:
    """Shareholders extension: ``parties[].shareholders[].shareholding`` (0–1) → percent."""
    from .common import to_decimal

    shares: dict[str, Decimal] = {}
    for party in parties:
        holders = party.get("shareholders")
        for holder in holders if isinstance(holders, list) else []:
            if not isinstance(holder, dict):
                continue
            who = holder.get("shareholder") if isinstance(holder.get("shareholder"), dict) else {}
            fraction = to_decimal(holder.get("shareholding"))
            if who.get("id") is not None and fraction is not None and 0 <= fraction <= 1:
                shares[str(who["id"])] = (fraction * 100).quantize(Decimal("0.01"))
    return shares
