"""Writes on the risk register: permission, validation (by the risk-model spec's own rules, so
the page, the API and ``mitra simulate`` refuse the same things), version check, audit.

The quantitative part of every risk is checked by ``mitra.analysis.validate_spec`` on the spec the
register would become; its JSON paths become field errors (``risks[3].impact.mode`` → the risk
form's ``impact_mode``). A simulation is a background job that runs ``mitra.analysis.simulate``
on the spec exactly as ``mitra simulate`` would on the exported file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mitra.analysis import SpecIssue, simulate, validate_spec
from mitra.core.concurrency import save_versioned
from mitra.core.errors import ApplicationError, PermissionDenied
from mitra.jobs.models import Job
from mitra.jobs.services import job_enqueue
from mitra.partnerships.models import Partnership, PartnershipMember

from . import specs
from .models import (
    CashFlowMode,
    Mitigation,
    Risk,
    RiskAllocation,
    RiskCorrelation,
    RiskParty,
    RiskSettings,
    Simulation,
)
from .permissions import can_edit_register, can_manage_register, can_see_cost

SETTINGS_FIELDS = (
    "name",
    "description",
    "currency",
    "amount_unit",
    "discount_rate",
    "horizon_years",
    "start_year",
    "cash_flow_mode",
    "cash_flows",
    "simulation",
)
RISK_FIELDS = (
    "code",
    "category",
    "title_ind",
    "title_en",
    "description_ind",
    "description_en",
    "phase",
    "likelihood",
    "impact_level",
    "status",
    "controlled_by",
    "cost_confidential_to",
    "notes",
)
PARTY_FIELDS = ("name", "member", "capacity")
MITIGATION_FIELDS = ("action_ind", "action_en", "owner", "due_date", "status")
#: The most iterations a page or the API may ask for (about 40 MB of samples per 40 risks).
MAX_ITERATIONS = 1_000_000
SHARE_TOLERANCE = Decimal("1e-9")


def _audited(instance: models.Model, actor: Any) -> None:
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[attr-defined]


def _deny_unless(allowed: bool, message: Any) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _members(partnership: Partnership) -> dict[int, PartnershipMember]:
    return {m.pk: m for m in partnership.members.all()}


# --------------------------------------------------------------------------- settings, parties


def _party_key(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9_]", "_", slugify(name).replace("-", "_"))[:30].strip("_") or "party"
    if not base[0].isalpha():
        base = f"p_{base}"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def parties_ensure(partnership: Partnership, actor: Any) -> list[RiskParty]:
    """A risk-bearing party for each current partner that has none yet (named after it)."""
    parties = list(partnership.risk_parties.all())
    linked = {p.member_id for p in parties}
    taken = {p.key for p in parties}
    for member in partnership.members.filter(left_on__isnull=True).select_related("organisation"):
        if member.pk in linked:
            continue
        organisation = member.organisation
        party = RiskParty(
            partnership=partnership,
            key=_party_key(organisation.short_name or organisation.name, taken),
            name=organisation.name,
            member=member,
            order=len(parties),
        )
        party.full_clean()
        _audited(party, actor)
        party.save()
        taken.add(party.key)
        parties.append(party)
    return parties


def settings_get_or_create(partnership: Partnership, actor: Any) -> RiskSettings:
    settings = RiskSettings.objects.filter(partnership=partnership).first()
    if settings is None:
        settings = RiskSettings(
            partnership=partnership,
            currency=partnership.currency or "IDR",
            cash_flow_mode=CashFlowMode.BY_YEAR,
        )
        horizon = settings.horizon_years
        settings.cash_flows = {
            "capex": [0] * horizon,
            "opex": [0] * horizon,
            "revenue": [0] * horizon,
        }
        _audited(settings, actor)
        settings.save()
    return settings


@transaction.atomic
def register_start(*, actor: Any, partnership: Partnership) -> RiskSettings:
    """Open the register: its settings with defaults and a party for each partner."""
    _deny_unless(
        can_edit_register(actor, partnership),
        _("Only the partners of this partnership can work on its risks."),
    )
    settings = settings_get_or_create(partnership, actor)
    parties_ensure(partnership, actor)
    return settings


@transaction.atomic
def settings_update(
    *,
    actor: Any,
    partnership: Partnership,
    data: dict[str, Any],
    expected_version: int | None,
) -> RiskSettings:
    _deny_unless(
        can_manage_register(actor, partnership),
        _("Only administrators of the lead partner may change the risk model's settings."),
    )
    settings = settings_get_or_create(partnership, actor)
    fields = {k: v for k, v in data.items() if k in SETTINGS_FIELDS}
    candidate = RiskSettings(**{**_settings_values(settings), **fields})
    _check_settings(partnership, candidate)
    return save_versioned(settings, expected_version=expected_version, actor=actor, fields=fields)


@transaction.atomic
def party_update(
    *, actor: Any, party: RiskParty, data: dict[str, Any], expected_version: int | None
) -> RiskParty:
    partnership = party.partnership
    fields = {k: v for k, v in data.items() if k in PARTY_FIELDS}
    own = party.member is not None and party.member in _acting_members(actor, partnership)
    if not can_manage_register(actor, partnership):
        # a partner states its own capacity; nothing else
        _deny_unless(
            own and set(fields) <= {"capacity"},
            _("Only administrators of the lead partner may change the parties."),
        )
    member = fields.get("member")
    if member is not None and member.partnership_id != partnership.pk:
        raise ValidationError(
            {"member": _("This organisation is not a partner of this partnership.")}
        )
    return save_versioned(party, expected_version=expected_version, actor=actor, fields=fields)


def _acting_members(actor: Any, partnership: Partnership) -> list[PartnershipMember]:
    from mitra.organisations.permissions import user_organisation_ids

    orgs = user_organisation_ids(actor)
    return [m for m in partnership.members.all() if m.left_on is None and m.organisation_id in orgs]


# --------------------------------------------------------------------------- validation

#: Field of the risk form for the first segment of a spec path under ``risks[i]``.
_RISK_FIELD = {
    "id": "code",
    "name": "title_ind",
    "probability": "probability",
    "unit_value": "unit_value",
    "basis": "basis",
    "applies_to": "applies_to",
    "years": "years",
    "year_weights": "year_weights",
    "allocation": "allocation",
}
_SETTINGS_FIELD = {
    "currency": "currency",
    "amount_unit": "amount_unit",
    "discount_rate": "discount_rate",
    "horizon_years": "horizon_years",
    "start_year": "start_year",
    "base_cash_flows": "cash_flows",
    "simulation": "simulation",
    "name": "name",
}


def _field_for(issue: SpecIssue, risk_index: int | None) -> str:
    path = issue.path.removeprefix("$").lstrip(".")
    if risk_index is not None:
        prefix = f"risks[{risk_index}]"
        if path.startswith(prefix):
            rest = path[len(prefix) :].lstrip(".")
            head = re.split(r"[.\[]", rest, maxsplit=1)[0]
            if head == "impact":
                parts = rest.split(".")
                return (
                    f"impact_{parts[1]}" if len(parts) > 1 and parts[1] != "type" else "impact_type"
                )
            return _RISK_FIELD.get(head, "__all__")
    head = re.split(r"[.\[]", path, maxsplit=1)[0]
    return _SETTINGS_FIELD.get(head, "__all__")


def _raise_issues(issues: list[SpecIssue], risk_index: int | None = None) -> None:
    errors: dict[str, list[str]] = {}
    for issue in issues:
        field = _field_for(issue, risk_index)
        message = issue.message if field != "__all__" else f"{issue.path}: {issue.message}"
        errors.setdefault(field, []).append(message)
    raise ValidationError(errors)


def _current_rows(
    partnership: Partnership,
) -> tuple[RiskSettings | None, list[RiskParty], list[Risk], list[RiskCorrelation]]:
    settings = RiskSettings.objects.filter(partnership=partnership).first()
    parties = list(partnership.risk_parties.all())
    risks = list(partnership.risks.prefetch_related("allocations"))
    correlations = list(partnership.risk_correlations.all())
    return settings, parties, risks, correlations


def _base_spec(partnership: Partnership, settings: RiskSettings) -> dict[str, Any]:
    parties = list(partnership.risk_parties.all())
    return specs.register_spec(partnership, settings, parties, [])


def _check_risk(partnership: Partnership, risk: Risk, shares: Mapping[str, Decimal]) -> None:
    """Refuse, with field errors, figures or shares the risk-model spec would refuse."""
    _check_shares(shares)
    settings = RiskSettings.objects.filter(partnership=partnership).first()
    if settings is None or not risk.quantity:
        return  # a risk without figures yet is a qualitative entry; the simulation asks for them
    spec = _base_spec(partnership, settings)
    spec["risks"] = [specs.risk_item(risk, {}, shares)]
    spec.pop("correlations", None)
    issues = validate_spec(spec)
    if issues:
        _raise_issues(issues, 0)


def _check_settings(partnership: Partnership, settings: RiskSettings) -> None:
    """Refuse settings under which the register's figures would no longer be a valid spec."""
    spec = _base_spec(partnership, settings)
    parties = {p.pk: p.key for p in partnership.risk_parties.all()}
    risks = [r for r in partnership.risks.prefetch_related("allocations") if r.quantity]
    spec["risks"] = [specs.risk_item(r, parties) for r in risks] or [
        _placeholder_risk(list(partnership.risk_parties.all()))
    ]
    issues = validate_spec(spec)
    if issues:
        _raise_issues(issues)


def _placeholder_risk(parties: list[RiskParty]) -> dict[str, Any]:
    """A risk with no effect, so that settings can be checked before any risk has figures."""
    key = parties[0].key if parties else "public"
    return {
        "id": "R0",
        "name": "-",
        "probability": 0,
        "impact": {"type": "uniform", "min": 0, "max": 1},
        "applies_to": "capex",
        "years": [1],
        "allocation": {key: 1},
    }


def _settings_values(settings: RiskSettings) -> dict[str, Any]:
    return {f: getattr(settings, f) for f in SETTINGS_FIELDS} | {
        "partnership": settings.partnership
    }


def _check_shares(allocation: Mapping[str, Decimal]) -> None:
    total = sum(allocation.values(), Decimal(0))
    if abs(total - 1) > SHARE_TOLERANCE:
        raise ValidationError(
            {
                "allocation": _(
                    "The shares add up to %(total)s%%; they must add up to exactly 100%%."
                )
                % {"total": f"{total * 100:.2f}".rstrip("0").rstrip(".")}
            }
        )


# --------------------------------------------------------------------------- risks


def _next_order(partnership: Partnership) -> int:
    last = partnership.risks.aggregate(models.Max("order"))["order__max"]
    return 0 if last is None else last + 1


@transaction.atomic
def risk_create(
    *,
    actor: Any,
    partnership: Partnership,
    data: dict[str, Any],
    quantity: dict[str, Any] | None,
    allocation: Mapping[RiskParty, tuple[Decimal, str]],
) -> Risk:
    """A new risk with its allocation: ``{party: (share 0..1, rationale)}``."""
    _deny_unless(
        can_edit_register(actor, partnership),
        _("Only the partners of this partnership can work on its risks."),
    )
    settings_get_or_create(partnership, actor)
    risk = Risk(partnership=partnership, order=_next_order(partnership))
    for name, value in data.items():
        if name in RISK_FIELDS:
            setattr(risk, name, value)
    risk.quantity = dict(quantity or {})
    return _save_risk(actor, risk, allocation, new=True)


@transaction.atomic
def risk_update(
    *,
    actor: Any,
    risk: Risk,
    data: dict[str, Any],
    quantity: dict[str, Any] | None,
    allocation: Mapping[RiskParty, tuple[Decimal, str]] | None,
    expected_version: int | None,
) -> Risk:
    """Change a risk; ``quantity=None`` keeps its figures (a reader who may not see them)."""
    partnership = risk.partnership
    _deny_unless(
        can_edit_register(actor, partnership),
        _("Only the partners of this partnership can work on its risks."),
    )
    members = _members(partnership)
    may_see_cost = can_see_cost(actor, risk, members)
    confidential_change = "cost_confidential_to" in data and (
        (data["cost_confidential_to"].pk if data["cost_confidential_to"] else None)
        != risk.cost_confidential_to_id
    )
    if not may_see_cost and (quantity is not None or confidential_change):
        raise PermissionDenied(
            _("The cost figures of this risk are confidential to another partner.")
        )
    fields = {k: v for k, v in data.items() if k in RISK_FIELDS}
    owner = fields.get("cost_confidential_to")
    if owner is not None and owner not in _acting_members(actor, partnership):
        raise ValidationError(
            {"cost_confidential_to": _("Only your own organisation can keep figures confidential.")}
        )
    if quantity is not None:
        fields["quantity"] = dict(quantity)
    candidate = Risk(**{f.attname: getattr(risk, f.attname) for f in Risk._meta.concrete_fields})
    for name, value in fields.items():
        setattr(candidate, name, value)
    shares = _shares(allocation) if allocation is not None else _stored_shares(risk)
    _check_risk(partnership, candidate, shares)
    saved = save_versioned(risk, expected_version=expected_version, actor=actor, fields=fields)
    if allocation is not None:
        _write_allocation(actor, saved, allocation)
    return saved


def _shares(allocation: Mapping[RiskParty, tuple[Decimal, str]]) -> dict[str, Decimal]:
    return {party.key: share for party, (share, _rationale) in allocation.items()}


def _stored_shares(risk: Risk) -> dict[str, Decimal]:
    return {a.party.key: a.share for a in risk.allocations.select_related("party")}


def _save_risk(
    actor: Any,
    risk: Risk,
    allocation: Mapping[RiskParty, tuple[Decimal, str]],
    *,
    new: bool,
) -> Risk:
    partnership = risk.partnership
    if risk.cost_confidential_to is not None and risk.cost_confidential_to not in _acting_members(
        actor, partnership
    ):
        raise ValidationError(
            {"cost_confidential_to": _("Only your own organisation can keep figures confidential.")}
        )
    risk.full_clean(exclude=["partnership"], validate_unique=False)
    if partnership.risks.filter(code=risk.code).exclude(pk=risk.pk).exists():
        raise ValidationError({"code": _("Another risk of this partnership has this id.")})
    _check_risk(partnership, risk, _shares(allocation))
    _audited(risk, actor)
    risk.save()
    _write_allocation(actor, risk, allocation)
    return risk


def _write_allocation(
    actor: Any, risk: Risk, allocation: Mapping[RiskParty, tuple[Decimal, str]]
) -> None:
    existing = {a.party_id: a for a in risk.allocations.all()}
    for party, (share, rationale) in allocation.items():
        if party.partnership_id != risk.partnership_id:
            raise ValidationError({"allocation": _("That party is not in this partnership.")})
        row = existing.pop(party.pk, None)
        if not share and row is None:
            continue
        if not share and row is not None:
            _audited(row, actor)
            row.delete()
            continue
        if row is None:
            row = RiskAllocation(risk=risk, party=party)
        elif row.share == share and row.rationale == rationale:
            continue
        else:
            row.version += 1
        row.share = share
        row.rationale = rationale
        row.full_clean()
        _audited(row, actor)
        row.save()
    for row in existing.values():  # parties no longer given a share
        _audited(row, actor)
        row.delete()


@transaction.atomic
def risk_delete(*, actor: Any, risk: Risk) -> None:
    _deny_unless(
        can_manage_register(actor, risk.partnership),
        _("Only administrators of the lead partner may delete risks."),
    )
    RiskCorrelation.objects.filter(models.Q(first=risk) | models.Q(second=risk)).delete()
    for row in risk.allocations.all():
        _audited(row, actor)
        row.delete()
    _audited(risk, actor)
    risk.delete()


# --------------------------------------------------------------------------- mitigations


@transaction.atomic
def mitigation_create(*, actor: Any, risk: Risk, data: dict[str, Any]) -> Mitigation:
    _deny_unless(
        can_edit_register(actor, risk.partnership),
        _("Only the partners of this partnership can work on its risks."),
    )
    mitigation = Mitigation(risk=risk, **{k: v for k, v in data.items() if k in MITIGATION_FIELDS})
    _check_owner(mitigation)
    mitigation.full_clean()
    _audited(mitigation, actor)
    mitigation.save()
    return mitigation


@transaction.atomic
def mitigation_update(
    *, actor: Any, mitigation: Mitigation, data: dict[str, Any], expected_version: int | None
) -> Mitigation:
    _deny_unless(
        can_edit_register(actor, mitigation.risk.partnership),
        _("Only the partners of this partnership can work on its risks."),
    )
    fields = {k: v for k, v in data.items() if k in MITIGATION_FIELDS}
    owner = fields.get("owner")
    if owner is not None and owner.partnership_id != mitigation.risk.partnership_id:
        raise ValidationError(
            {"owner": _("This organisation is not a partner of this partnership.")}
        )
    return save_versioned(mitigation, expected_version=expected_version, actor=actor, fields=fields)


def _check_owner(mitigation: Mitigation) -> None:
    if (
        mitigation.owner is not None
        and mitigation.owner.partnership_id != mitigation.risk.partnership_id
    ):
        raise ValidationError(
            {"owner": _("This organisation is not a partner of this partnership.")}
        )


@transaction.atomic
def mitigation_delete(*, actor: Any, mitigation: Mitigation) -> None:
    _deny_unless(
        can_edit_register(actor, mitigation.risk.partnership),
        _("Only the partners of this partnership can work on its risks."),
    )
    _audited(mitigation, actor)
    mitigation.delete()


# --------------------------------------------------------------------------- import, templates


def validate_register_spec(spec: Any) -> None:
    """Raise ``ApplicationError`` (with every problem and its JSON path) on an invalid spec."""
    issues = validate_spec(spec)
    if issues:
        raise ApplicationError(
            _("The risk-model file has %(n)s problem(s); nothing was changed.")
            % {"n": len(issues)},
            {"issues": [{"path": i.path, "message": i.message} for i in issues]},
        )


@transaction.atomic
def register_replace(*, actor: Any, partnership: Partnership, spec: Any) -> RiskSettings:
    """Replace the register and the base cash flows with a risk-model spec (all or nothing).

    Parties keep their link to a partner when the spec uses the same key."""
    _deny_unless(
        can_manage_register(actor, partnership),
        _("Only administrators of the lead partner may replace the risk register."),
    )
    validate_register_spec(spec)
    rows = specs.spec_rows(spec)
    settings = settings_get_or_create(partnership, actor)
    for name, value in rows.settings.items():
        setattr(settings, name, value)
    settings.version += 1
    settings.full_clean(exclude=["partnership"])
    _audited(settings, actor)
    settings.save()
    # the old register goes (audited), the spec's comes in
    partnership.risk_correlations.all().delete()
    for risk in partnership.risks.all():
        risk_delete_unchecked(actor, risk)
    old_parties = {p.key: p for p in partnership.risk_parties.all()}
    parties: dict[str, RiskParty] = {}
    for order, (key, name) in enumerate(rows.parties):
        party = old_parties.pop(key, None) or RiskParty(partnership=partnership, key=key)
        party.name, party.order = name, order
        party.full_clean(exclude=["partnership"], validate_unique=False)
        _audited(party, actor)
        party.save()
        parties[key] = party
    for party in old_parties.values():
        _audited(party, actor)
        party.delete()
    language = get_language() or "id"
    created: dict[str, Risk] = {}
    for order, row in enumerate(rows.risks):
        risk = Risk(
            partnership=partnership,
            code=row.code,
            order=order,
            category=row.category,
            spec_category=row.spec_category,
            quantity=row.quantity,
            notes=row.notes,
        )
        risk.title_ind = risk.title_en = row.title
        risk.full_clean(exclude=["partnership"], validate_unique=False)
        _audited(risk, actor)
        risk.save()
        created[row.code] = risk
        for key, share in row.allocation.items():
            allocation = RiskAllocation(risk=risk, party=parties[key], share=share)
            allocation.full_clean()
            _audited(allocation, actor)
            allocation.save()
    del language
    for first, second, rho in rows.correlations:
        correlation = RiskCorrelation(
            partnership=partnership, first=created[first], second=created[second], rho=rho
        )
        _audited(correlation, actor)
        correlation.save()
    return settings


def risk_delete_unchecked(actor: Any, risk: Risk) -> None:
    for row in risk.allocations.all():
        _audited(row, actor)
        row.delete()
    for row in risk.mitigations.all():
        _audited(row, actor)
        row.delete()
    _audited(risk, actor)
    risk.delete()


def _resolve_years(kind: str, settings: RiskSettings) -> list[int]:
    """Years of a template risk from the phase it names and the base cash flows."""
    horizon = settings.horizon_years
    years = list(range(1, horizon + 1))
    flows = settings.cash_flows or {}
    if settings.cash_flow_mode == CashFlowMode.PARAMETRIC:
        c = int(flows.get("construction_years", 0))
        construction, operation = years[:c], years[c:]
    else:
        capex = list(flows.get("capex", []))
        running = [
            (float(o) if t < len(flows.get("opex", [])) else 0)
            + (float(r) if t < len(flows.get("revenue", [])) else 0)
            for t, (o, r) in enumerate(
                zip(
                    flows.get("opex", [0] * horizon) + [0] * horizon,
                    flows.get("revenue", [0] * horizon) + [0] * horizon,
                    strict=False,
                )
            )
        ][:horizon]
        construction = [t for t in years if t <= len(capex) and float(capex[t - 1]) > 0]
        operation = [t for t in years if running[t - 1] > 0]
    if not construction:
        construction = years[: min(2, horizon)]
    if not operation:
        operation = [t for t in years if t not in construction] or [horizon]
    return {
        "construction": construction,
        "operation": operation,
        "first_operation_year": operation[:1],
        "last_year": [horizon],
        "all": years,
    }[kind]


def _match_party(
    spec: Mapping[str, Any], parties: list[RiskParty], members: dict[int, PartnershipMember]
) -> RiskParty | None:
    roles = set(spec.get("match", {}).get("roles", []))
    sector = spec.get("match", {}).get("sector")
    candidates = [
        p for p in parties if p.member_id in members and members[p.member_id].left_on is None
    ]

    def sector_of(p: RiskParty) -> str:
        return members[p.member_id].organisation.sector  # type: ignore[index]

    for test in (
        lambda p: (
            roles & set(members[p.member_id].roles) and (not sector or sector_of(p) == sector)
        ),
        lambda p: roles & set(members[p.member_id].roles),
        lambda p: sector and sector_of(p) == sector,
    ):
        found = [p for p in candidates if test(p)]
        if found:
            return found[0]
    return None


@transaction.atomic
def template_apply(*, actor: Any, partnership: Partnership, key: str) -> list[Risk]:
    """Add a template's risks (those whose id is not taken yet), allocated to the partners that
    fit each template party (by role, then sector); a party no partner fits is added by name."""
    from .catalogue import load_template

    _deny_unless(
        can_manage_register(actor, partnership),
        _("Only administrators of the lead partner may start the register from a template."),
    )
    try:
        template = load_template(key)
    except LookupError:
        raise ApplicationError(_("There is no such template."), {"field": "template"}) from None
    settings = settings_get_or_create(partnership, actor)
    parties = parties_ensure(partnership, actor)
    members = {m.pk: m for m in partnership.members.select_related("organisation")}
    language = "en" if (get_language() or "id").startswith("en") else "id"
    chosen: dict[str, RiskParty] = {}
    taken = {p.key for p in parties}
    for tkey, tparty in template["parties"].items():
        party = _match_party(tparty, parties, members)
        if party is None:
            party = RiskParty(
                partnership=partnership,
                key=_party_key(tkey, taken),
                name=tparty["name"][language],
                order=len(parties),
            )
            party.full_clean(exclude=["partnership"], validate_unique=False)
            _audited(party, actor)
            party.save()
            parties.append(party)
            taken.add(party.key)
        chosen[tkey] = party
    existing = set(partnership.risks.values_list("code", flat=True))
    order = _next_order(partnership)
    added = []
    for item in template["risks"]:
        if item["id"] in existing:
            continue
        q = item["quantitative"]
        quantity = {
            "probability": q["probability"],
            "impact": q["impact"],
            **({"unit_value": q["unit_value"]} if "unit_value" in q else {}),
            "basis": q.get("basis", "relative"),
            "applies_to": q["applies_to"],
            "years": _resolve_years(q["years"], settings),
        }
        risk = Risk(
            partnership=partnership,
            code=item["id"],
            order=order,
            category=item["category"],
            phase=item["phase"],
            likelihood=item["likelihood"],
            impact_level=item["impact"],
            quantity=quantity,
            controlled_by=chosen.get(item.get("controlled_by", "")),
            notes=", ".join(item.get("references", [])),
        )
        risk.title_ind, risk.title_en = item["title"]["id"], item["title"]["en"]
        risk.description_ind = item["description"]["id"]
        risk.description_en = item["description"]["en"]
        risk.full_clean(exclude=["partnership"], validate_unique=False)
        _audited(risk, actor)
        risk.save()
        shares: dict[RiskParty, Decimal] = {}
        for tkey, share in item["allocation"].items():
            party = chosen[tkey]
            shares[party] = shares.get(party, Decimal(0)) + specs.decimal(share)
        for party, share in shares.items():
            allocation = RiskAllocation(risk=risk, party=party, share=share)
            allocation.rationale_ind = item["rationale"]["id"]
            allocation.rationale_en = item["rationale"]["en"]
            allocation.full_clean()
            _audited(allocation, actor)
            allocation.save()
        for m in item.get("mitigations", []):
            owner_party = chosen.get(m.get("owner", ""))
            mitigation = Mitigation(risk=risk, owner=owner_party.member if owner_party else None)
            mitigation.action_ind, mitigation.action_en = m["action"]["id"], m["action"]["en"]
            mitigation.full_clean()
            _audited(mitigation, actor)
            mitigation.save()
        order += 1
        added.append(risk)
    return added


# --------------------------------------------------------------------------- simulation


def full_spec(partnership: Partnership) -> dict[str, Any]:
    """The register as a spec with every input (only for the simulation and the export to a
    reader who may see every input)."""
    settings, parties, risks, correlations = _current_rows(partnership)
    if settings is None:
        raise ApplicationError(_("This partnership has no risk register yet."))
    return specs.register_spec(partnership, settings, parties, risks, correlations)


@transaction.atomic
def simulation_start(
    *, actor: Any, partnership: Partnership, iterations: int | None, seed: int | None
) -> Simulation:
    _deny_unless(
        can_edit_register(actor, partnership),
        _("Only the partners of this partnership can run its simulation."),
    )
    if iterations is not None and not 1 <= iterations <= MAX_ITERATIONS:
        raise ValidationError(
            {
                "iterations": _("Choose between 1 and %(max)s iterations.")
                % {"max": f"{MAX_ITERATIONS:,}"}
            }
        )
    if seed is not None and seed < 0:
        raise ValidationError({"seed": _("A seed is a whole number of zero or more.")})
    unquantified = [r.code for r in partnership.risks.only("code", "quantity") if not r.quantity]
    if unquantified:
        raise ApplicationError(
            _(
                "These risks have no figures yet: %(codes)s. Give each its probability and "
                "impact, or delete it, before running the simulation."
            )
            % {"codes": ", ".join(unquantified)}
        )
    spec = full_spec(partnership)
    issues = validate_spec(spec)
    if issues:
        raise ApplicationError(
            _("The register cannot be simulated yet: %(problems)s")
            % {"problems": "; ".join(f"{i.path}: {i.message}" for i in issues[:5])},
            {"issues": [{"path": i.path, "message": i.message} for i in issues]},
        )
    n = iterations or int(spec.get("simulation", {}).get("iterations", 10_000))
    simulation = Simulation.objects.create(
        partnership=partnership,
        iterations=n,
        seed=seed,
        inputs_hash=specs.inputs_hash(spec),
        spec=spec,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    job = job_enqueue(
        actor=actor,
        kind="risks.simulate",
        title=str(_("Risk simulation: %(code)s") % {"code": partnership.code}),
        params={"simulation": simulation.pk},
    )
    simulation.job = job
    simulation.save(update_fields=["job"])
    return simulation


def simulation_job(job: Job, progress: Any) -> dict[str, Any]:
    """The job handler: run the stored spec exactly as ``mitra simulate`` would."""
    simulation = Simulation.objects.get(pk=job.params["simulation"])
    result = simulate(
        simulation.spec,
        iterations=simulation.iterations,
        seed=simulation.seed,
        progress=progress,
    )
    data = result.to_dict()
    Simulation.objects.filter(pk=simulation.pk).update(result=data, seed=result.seed)
    return {"simulation": simulation.pk}
