"""What the OCDS and OC4IDS importers share: plain plans of what to write, the one writer that
applies them in a transaction, and the small normalisers (text, amounts, dates, countries, roles).

An importer first reads its input into :class:`PartnershipPlan` objects, recording every error
and warning with its JSON path; only when there is no error does :func:`apply_plans` write them
(all in one transaction, rolled back on a dry run or on any error found while writing).
"""

from __future__ import annotations

import datetime
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django_countries import countries

from mitra.core.choices import Currency
from mitra.core.fields import MAX_VALUE
from mitra.core.text import strip_controls
from mitra.disclosure.services import releases_build
from mitra.organisations.models import Sector
from mitra.partnerships.models import (
    CODE_PREFIX,
    MemberRole,
    Partnership,
    PartnershipForm,
    PartnershipMember,
    Role,
    Visibility,
)
from mitra.partnerships.services import next_code

from .matching import match_or_create_organisation
from .report import ImportRefused, ImportReport

Progress = Callable[[int, int], None]
TITLE_MAX = 250

# --- party roles ---------------------------------------------------------------------------------

#: OCDS / OC4IDS party roles (both standards share the partyRole codelist, plus the PPP profile's
#: additions) → Mitra partner roles. The ONE reverse table of the importers. A role mapped to ``()``
#: is a party that takes no part in the partnership (bidders, enquirers, witnesses): it is kept in
#: the partnership's other published data but not added as a partner.
OCDS_ROLE_TO_MITRA: dict[str, tuple[str, ...]] = {
    "buyer": (Role.CONTRACTING_AGENCY,),
    "procuringEntity": (Role.CONTRACTING_AGENCY,),
    "publicAuthority": (Role.CONTRACTING_AGENCY,),
    "grantor": (Role.CONTRACTING_AGENCY,),
    "administrativeEntity": (Role.CONTRACTING_AGENCY,),
    "reviewBody": (Role.REGULATOR,),
    "privateParty": (Role.PROJECT_COMPANY,),
    "supplier": (Role.IMPLEMENTER,),
    "consortiaMember": (Role.IMPLEMENTER,),
    "equityInvestor": (Role.FINANCIER,),
    "lender": (Role.FINANCIER,),
    "leadBank": (Role.FINANCIER,),
    "funder": (Role.FUNDER,),
    "payer": (Role.FUNDER,),
    # Not in the beta3 codelist but in the profile's earlier examples: a public body that puts
    # assets (land, networks) into the project.
    "assetProvider": (Role.FUNDER,),
    "tenderer": (),
    "enquirer": (),
    "payee": (),
    "interestedParty": (),
    "socialWitness": (),
    "otherWitness": (),
    "notary": (),
    "independentMonitor": (),
    "climateFinanceFocalPoint": (),
    "preferredBidder": (),
}
#: Roles seen in real data outside the codelists, read as the code they stand for (with a warning).
ROLE_SYNONYMS = {"contractor": "supplier", "operator": "operator"}
#: Synonym targets that are not codes but map straight to a Mitra role.
EXTRA_ROLES = {"operator": (Role.OPERATOR,)}
#: Roles that make the party the partnership's lead, first match wins.
LEAD_ROLES = ("buyer", "publicAuthority", "procuringEntity", "grantor")

#: Sector and kind of an organisation created from a party, from its roles (first rule that
#: matches): public roles → public sector; banks and lenders → private/bank; the PPP's private
#: party → private/project company; a guarantor → private/insurer; equity investors, suppliers,
#: consortium members → private/company; anything else → private/other. A public body's kind is
#: refined from its name (ministry/kementerian → ministry; Pemerintah Provinsi/Kabupaten/Kota →
#: regional government; "(Persero)" → SOE), else "other".
PUBLIC_ROLES = {
    "buyer",
    "procuringEntity",
    "publicAuthority",
    "grantor",
    "administrativeEntity",
    "reviewBody",
    "assetProvider",
    "payer",
    "funder",
}
SECTOR_RULES: tuple[tuple[set[str], str, str], ...] = (
    (PUBLIC_ROLES, Sector.PUBLIC, "other"),
    ({"leadBank", "lender"}, Sector.PRIVATE, "bank"),
    ({"privateParty"}, Sector.PRIVATE, "project_company"),
    ({"guarantor"}, Sector.PRIVATE, "insurer"),
    ({"equityInvestor", "supplier", "consortiaMember", "tenderer"}, Sector.PRIVATE, "company"),
)
PUBLIC_KIND_BY_NAME: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(ministry|kementerian)\b|กระทรวง", re.I), "ministry"),
    (
        re.compile(r"\bpemerintah\s+(provinsi|kabupaten|kota)\b|\bpem(prov|kab|kot)\b", re.I),
        "regional_government",
    ),
    (re.compile(r"\(persero\)", re.I), "soe"),
)


def _exported_roles(code: str) -> tuple[str, ...]:
    """Mitra's own custom codes (``leadPartner``, ``regulator``, ``technicalPartner``...), read
    back through the export's forward table (``mitra.disclosure.codelists.ROLES``) so that an
    export imports again with its roles. Standard codes use :data:`OCDS_ROLE_TO_MITRA` first
    because the forward table maps some Mitra roles to one shared code (``supplier``)."""
    try:
        from mitra.disclosure.codelists import CUSTOM_CODES, mitra_roles_for_ocds
    except ImportError:  # pragma: no cover - the export ships with the importer
        return ()
    return tuple(mitra_roles_for_ocds(code)) if code in CUSTOM_CODES else ()


def known_role(code: str) -> bool:
    return code in OCDS_ROLE_TO_MITRA or code in EXTRA_ROLES or bool(_exported_roles(code))


def mitra_roles(codes: list[str]) -> list[str]:
    """Mitra roles for a party's (normalised) OCDS/OC4IDS roles, in a stable order, no repeats."""
    out: list[str] = []
    for code in codes:
        roles = OCDS_ROLE_TO_MITRA.get(code)
        if roles is None:
            roles = EXTRA_ROLES.get(code) or _exported_roles(code)
        for role in roles:
            if role not in out:
                out.append(role)
    return out


def infer_sector_kind(codes: list[str], name: str) -> tuple[str, str]:
    """The documented rule above: (sector, kind) of a new organisation."""
    roles = set(codes)
    for rule_roles, sector, kind in SECTOR_RULES:
        if roles & rule_roles:
            if sector == Sector.PUBLIC:
                for pattern, named_kind in PUBLIC_KIND_BY_NAME:
                    if pattern.search(name or ""):
                        return sector, named_kind
            return sector, kind
    return Sector.PRIVATE, "other"


# --- text ---------------------------------------------------------------------------------------


def clean_text(value: str) -> str:
    """Plain text with no HTML markup: tags are removed (the content of ``<script>`` and
    ``<style>`` with them), entities decoded. Repeated until stable, so an escaped tag
    (``&lt;script&gt;``) cannot come back as markup after decoding."""
    text = value
    for _i in range(5):
        cleaned = html.unescape(nh3.clean(text, tags=set()))
        if cleaned == text:
            break
        text = cleaned
    return strip_controls(text).strip()


def clean_tree(value: Any) -> Any:
    """:func:`clean_text` on every string of a JSON tree; Decimals become JSON numbers or strings
    exactly (an integral Decimal → int, else its exact decimal string)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_tree(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else str(Decimal(str(value)))
    return value


def text_field(value: Any, where: str, report: ImportReport, *, limit: int | None = None) -> str:
    """A person-readable string from the input: HTML removed (warned), shortened to ``limit``."""
    if value is None:
        return ""
    text = str(value)
    cleaned = clean_text(text)
    if cleaned != html.unescape(text).strip() and re.search(r"<[a-zA-Z/!]", html.unescape(text)):
        report.warn(where, _("HTML markup was removed from this text."), text)
    if limit and len(cleaned) > limit:
        report.warn(
            where,
            _("The text is longer than %(n)d characters and was shortened.") % {"n": limit},
            cleaned,
        )
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned


# --- numbers and dates ----------------------------------------------------------------------------


def to_decimal(value: Any) -> Decimal | None:
    """A JSON number as an exact Decimal (floats through their shortest repr), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def money(
    amount: Any, currency: Any, where: str, report: ImportReport
) -> tuple[Decimal | None, str | None, dict[str, Any] | None]:
    """(value, currency) for ``Partnership.estimated_value``; or (None, None, kept) with a warning
    when the currency is not one Mitra accepts (the amount is kept exactly in other data)."""
    number = to_decimal(amount)
    if number is None:
        return None, None, None
    code = str(currency or "").upper()
    if code not in Currency.values:
        report.warn(
            where,
            _(
                "The currency %(code)s is not one Mitra records amounts in; the amount is kept "
                "with the other published data."
            )
            % {"code": code or "?"},
            f"{number} {code}",
        )
        return None, None, {"amount": str(number), "currency": code, "path": where}
    if number < 0 or abs(number) > MAX_VALUE:
        report.warn(where, _("This amount cannot be recorded as an estimated value."), number)
        return None, None, {"amount": str(number), "currency": code, "path": where}
    rounded = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    if rounded != number:
        report.warn(where, _("The amount was rounded to two decimal places."), number)
    return rounded, code, None


DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def read_datetime(
    value: Any, where: str, report: ImportReport, *, strict: bool
) -> datetime.datetime | None:
    """An ISO 8601 date-time. When not ``strict`` (OC4IDS), a plain date or a date-time without
    offset is accepted as UTC with a warning; what cannot be read is an error either way."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        report.error(where, _("A date-time must be a string (ISO 8601)."), value)
        return None
    text = value.strip()
    if DATE_ONLY.match(text):
        day = parse_date(text) if _valid_date(text) else None
        if day is None:
            report.error(where, _("This is not a valid date."), value)
            return None
        if strict:
            report.error(where, _("A date-time needs a time and an offset (ISO 8601)."), value)
            return None
        report.warn(where, _("A plain date was read as midnight UTC of that day."), value)
        return datetime.datetime.combine(day, datetime.time(0), tzinfo=datetime.UTC)
    try:
        moment = parse_datetime(text.replace("z", "Z"))
    except ValueError:
        moment = None
    if moment is None:
        report.error(where, _("This is not a valid ISO 8601 date-time."), value)
        return None
    if moment.tzinfo is None:
        if strict:
            report.error(where, _("A date-time needs an offset, e.g. Z or +07:00."), value)
            return None
        report.warn(where, _("A date-time without an offset was read as UTC."), value)
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def _valid_date(text: str) -> bool:
    try:
        return parse_date(text) is not None
    except ValueError:
        return False


# --- countries -----------------------------------------------------------------------------------


def country_code(value: Any) -> str:
    """An ISO 3166-1 alpha-2 code for a code or an English country name, else ""."""
    if not isinstance(value, str) or not value.strip():
        return ""
    text = value.strip()
    if len(text) == 2 and text.upper() in dict(countries):
        return text.upper()
    return countries.by_name(text) or ""


def country_from_scheme(scheme: Any) -> str:
    """org-id.guide schemes start with the country (``ID-NIB``, ``TH-PPP``): that country."""
    if isinstance(scheme, str) and re.match(r"^[A-Z]{2}-", scheme):
        code = scheme[:2]
        return code if code in dict(countries) else ""
    return ""


# --- plans ---------------------------------------------------------------------------------------


@dataclass
class PartyPlan:
    """One organisation taking part, as read from the input."""

    where: str
    name: str
    roles: list[str]  # Mitra roles
    source_roles: list[str]  # normalised OCDS/OC4IDS role codes
    identifier_scheme: str = ""
    identifier: str = ""
    country: str = ""
    equity_share: Decimal | None = None


@dataclass
class PartnershipPlan:
    """One partnership to create or update, as read from the input (no database yet)."""

    where: str
    source: str
    source_id: str
    fields: dict[str, Any]
    parties: list[PartyPlan] = field(default_factory=list)
    ocid: str | None = None
    documents: int = 0


#: Fields compared to decide whether a re-imported partnership changed.
COMPARED = (
    "title_ind",
    "title_en",
    "summary_ind",
    "summary_en",
    "form",
    "development_sector",
    "country",
    "stage",
    "stage_since",
    "start_date",
    "end_date",
    "estimated_value",
    "currency",
    "other_data",
)


def json_ready(value: Any) -> Any:
    """The value as it comes back from a JSONField (so a re-import compares equal)."""
    return json.loads(json.dumps(clean_tree(value), ensure_ascii=False))


def run_import(
    report: ImportReport,
    plans: list[PartnershipPlan],
    *,
    actor: Any,
    dry_run: bool,
    progress: Progress | None,
) -> ImportReport:
    """Refuse if reading found errors; else write every plan in one transaction (rolled back on a
    dry run, or refused whole if writing finds an error)."""
    report.dry_run = dry_run
    report.rows = len(plans)
    if report.errors:
        raise ImportRefused(report)
    with transaction.atomic():
        cache: dict[Any, Any] = {}
        written = []
        for done, plan in enumerate(plans, start=1):
            partnership = _apply(plan, report, actor=actor, cache=cache)
            if partnership is not None:
                written.append(partnership.pk)
            if progress:
                progress(done, len(plans))
        if report.errors or dry_run:
            transaction.set_rollback(True)
        else:
            # Their open-data releases, made before the rows become visible (as the table import).
            releases_build(written)
    if report.errors:
        raise ImportRefused(report)
    return report


def _audited(instance: Any, actor: Any) -> None:
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None


def _validation_errors(exc: ValidationError, where: str, report: ImportReport) -> None:
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            for message in messages:
                report.error(f"{where} ({name})", message)
    else:
        for message in exc.messages:
            report.error(where, message)


def _apply(
    plan: PartnershipPlan, report: ImportReport, *, actor: Any, cache: dict
) -> Partnership | None:
    existing = Partnership.objects.filter(source=plan.source, source_id=plan.source_id).first()
    if existing is None and plan.ocid:
        holder = Partnership.objects.filter(ocid=plan.ocid).first()
        if holder is not None:
            report.warn(
                plan.where,
                _(
                    "This OCID already belongs to partnership %(code)s, which was not imported "
                    "from this source; it was left as it is."
                )
                % {"code": holder.code},
                plan.ocid,
            )
            report.unchanged["partnership"] += 1
            return
    fields = dict(plan.fields)
    fields["other_data"] = json_ready(fields.get("other_data", {}))
    if existing is None:
        partnership = Partnership(
            **fields,
            source=plan.source,
            source_id=plan.source_id,
            ocid=plan.ocid,
            visibility=Visibility.PUBLIC,
            published_at=timezone.now(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        form = partnership.form if partnership.form in CODE_PREFIX else PartnershipForm.PPP
        year = timezone.localdate().year
        partnership.code = next_code(form, year)
        try:
            partnership.full_clean()
        except ValidationError as exc:
            _validation_errors(exc, plan.where, report)
            return
        _audited(partnership, actor)
        for attempt in range(5):
            try:
                with transaction.atomic():
                    partnership.save()
                break
            except IntegrityError:
                # Another writer took the same code at the same moment: take the next one.
                if attempt == 4:
                    raise
                partnership.code = next_code(form, year)
        report.created["partnership"] += 1
        if plan.documents:
            report.created["document"] += plan.documents
    else:
        partnership = existing
        changes = {
            k: v
            for k, v in fields.items()
            if k in COMPARED and _comparable(getattr(partnership, k)) != _comparable(v)
        }
        if changes:
            for k, v in changes.items():
                setattr(partnership, k, v)
            partnership.version += 1
            try:
                partnership.full_clean()
            except ValidationError as exc:
                _validation_errors(exc, plan.where, report)
                return
            _audited(partnership, actor)
            partnership.save()
            report.updated["partnership"] += 1
            if plan.documents:
                report.updated["document"] += plan.documents
        else:
            report.unchanged["partnership"] += 1
            if plan.documents:
                report.unchanged["document"] += plan.documents
    _apply_members(partnership, plan, report, actor=actor, cache=cache)
    return partnership


def _comparable(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _apply_members(
    partnership: Partnership,
    plan: PartnershipPlan,
    report: ImportReport,
    *,
    actor: Any,
    cache: dict,
) -> None:
    seen: dict[int, PartnershipMember] = {}
    for party in plan.parties:
        sector, kind = infer_sector_kind(party.source_roles, party.name)
        org = match_or_create_organisation(
            party.name,
            identifier_scheme=party.identifier_scheme,
            identifier=party.identifier,
            sector=sector,
            kind=kind,
            country=party.country or str(partnership.country),
            report=report,
            where=party.where,
            actor=actor,
            cache=cache,
        )
        if org is None:
            continue
        if org.pk in seen:
            # Two parties of one process resolved to one organisation: one member, all roles.
            member = seen[org.pk]
            member.roles = [*member.roles, *[r for r in party.roles if r not in member.roles]]
            continue
        member = PartnershipMember.objects.filter(partnership=partnership, organisation=org).first()
        if member is None:
            member = PartnershipMember(
                partnership=partnership,
                organisation=org,
                roles=list(party.roles),
                joined_on=partnership.start_date,
                equity_share=party.equity_share,
            )
            member._import_status = "created"  # type: ignore[attr-defined]
        else:
            member._import_status = "existing"  # type: ignore[attr-defined]
            member._planned_roles = list(party.roles)  # type: ignore[attr-defined]
            member._planned_equity = party.equity_share  # type: ignore[attr-defined]
            member._where = party.where  # type: ignore[attr-defined]
        member._where = party.where  # type: ignore[attr-defined]
        if member._import_status == "existing":  # type: ignore[attr-defined]
            member.roles_before = list(member.roles)  # type: ignore[attr-defined]
            member.equity_before = member.equity_share  # type: ignore[attr-defined]
            member.roles = list(party.roles)
            if party.equity_share is not None:
                member.equity_share = party.equity_share
        seen[org.pk] = member
    for member in seen.values():
        where = member._where  # type: ignore[attr-defined]
        if member._import_status == "existing":  # type: ignore[attr-defined]
            unchanged = sorted(member.roles) == sorted(member.roles_before) and (  # type: ignore[attr-defined]
                member.equity_share == member.equity_before  # type: ignore[attr-defined]
            )
            if unchanged:
                report.unchanged["member"] += 1
                continue
            member.version += 1
        try:
            member.full_clean()
        except ValidationError as exc:
            _validation_errors(exc, where, report)
            continue
        _audited(member, actor)
        member.save()
        _sync_roles(member)
        if member._import_status == "created":  # type: ignore[attr-defined]
            report.created["member"] += 1
        else:
            report.updated["member"] += 1


def _sync_roles(member: PartnershipMember) -> None:
    """The derived (member, role) rows, as ``partnerships.services`` keeps them."""
    MemberRole.objects.filter(member=member).exclude(role__in=member.roles).delete()
    existing = set(MemberRole.objects.filter(member=member).values_list("role", flat=True))
    MemberRole.objects.bulk_create(
        [MemberRole(member=member, role=r) for r in member.roles if r not in existing]
    )


def text_fields(
    title: str, summary: str, language: Any, where: str, report: ImportReport
) -> dict[str, Any]:
    """The title and summary columns for text published in ``language`` (an ISO 639-1 code).

    English text fills both languages' columns (the Indonesian page shows it until someone
    translates it); Indonesian fills the Indonesian ones; any other language is kept as the
    Indonesian text, with a warning.
    """
    language = str(language or "en").lower()
    fields: dict[str, Any] = {"title_ind": title, "summary_ind": summary}
    if language.startswith("en"):
        fields.update(title_en=title, summary_en=summary)
        return fields
    fields.update(title_en="", summary_en="")
    if not language.startswith("id"):
        report.warn(
            f"{where}.language",
            _(
                "Mitra keeps Indonesian and English; text in this language is kept as the "
                "Indonesian text until translated."
            ),
            language,
        )
    return fields


def choose_lead(plans: list[PartyPlan], where: str, report: ImportReport, fallback: str) -> None:
    """Make one party the lead: the one exported as ``leadPartner`` if any, else the first in
    LEAD_ROLES order (buyer, public authority, ...), else the first party, with ``fallback`` as
    the warning."""
    if any("lead" in plan.roles for plan in plans):
        return
    for code in LEAD_ROLES:
        for plan in plans:
            if code in plan.source_roles:
                plan.roles.insert(0, "lead")
                return
    if plans:
        plans[0].roles.insert(0, "lead")
        report.warn(where, fallback, plans[0].name)
