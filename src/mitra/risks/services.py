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
from django.utils.translation import gettext_lazy as _

from mitra.analysis import SpecIssue, validate_spec
from mitra.core.concurrency import save_versioned
from mitra.core.errors import PermissionDenied
from mitra.core.fields import plain_number_text
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


def audited(instance: models.Model, actor: Any) -> None:
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[attr-defined]


def deny_unless(allowed: bool, message: Any) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _members(partnership: Partnership) -> dict[int, PartnershipMember]:
    return {m.pk: m for m in partnership.members.all()}


# --------------------------------------------------------------------------- settings, parties


def party_key(name: str, taken: set[str]) -> str:
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
            key=party_key(organisation.short_name or organisation.name, taken),
            name=organisation.name,
            member=member,
            order=len(parties),
        )
        party.full_clean()
        audited(party, actor)
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
        audited(settings, actor)
        settings.save()
    return settings


@transaction.atomic
def register_start(*, actor: Any, partnership: Partnership) -> RiskSettings:
    """Open the register: its settings with defaults and a party for each partner."""
    deny_unless(
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
    deny_unless(
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
        deny_unless(
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


def current_rows(
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
                % {"total": plain_number_text(f"{total * 100:.2f}".rstrip("0").rstrip("."))}
            }
        )


# --------------------------------------------------------------------------- risks


def next_order(partnership: Partnership) -> int:
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
    deny_unless(
        can_edit_register(actor, partnership),
        _("Only the partners of this partnership can work on its risks."),
    )
    settings_get_or_create(partnership, actor)
    risk = Risk(partnership=partnership, order=next_order(partnership))
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
    deny_unless(
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
    if (
        "code" in fields
        and partnership.risks.filter(code=fields["code"]).exclude(pk=risk.pk).exists()
    ):
        raise ValidationError({"code": _("Another risk of this partnership has this id.")})
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
    audited(risk, actor)
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
            audited(row, actor)
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
        audited(row, actor)
        row.save()
    for row in existing.values():  # parties no longer given a share
        audited(row, actor)
        row.delete()


@transaction.atomic
def risk_delete(*, actor: Any, risk: Risk) -> None:
    deny_unless(
        can_manage_register(actor, risk.partnership),
        _("Only administrators of the lead partner may delete risks."),
    )
    for correlation in RiskCorrelation.objects.filter(models.Q(first=risk) | models.Q(second=risk)):
        audited(correlation, actor)
        correlation.delete()
    risk_delete_unchecked(actor, risk)


# --------------------------------------------------------------------------- mitigations


@transaction.atomic
def mitigation_create(*, actor: Any, risk: Risk, data: dict[str, Any]) -> Mitigation:
    deny_unless(
        can_edit_register(actor, risk.partnership),
        _("Only the partners of this partnership can work on its risks."),
    )
    mitigation = Mitigation(risk=risk, **{k: v for k, v in data.items() if k in MITIGATION_FIELDS})
    _check_owner(mitigation)
    mitigation.full_clean()
    audited(mitigation, actor)
    mitigation.save()
    return mitigation


@transaction.atomic
def mitigation_update(
    *, actor: Any, mitigation: Mitigation, data: dict[str, Any], expected_version: int | None
) -> Mitigation:
    deny_unless(
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
    deny_unless(
        can_edit_register(actor, mitigation.risk.partnership),
        _("Only the partners of this partnership can work on its risks."),
    )
    audited(mitigation, actor)
    mitigation.delete()


def risk_delete_unchecked(actor: Any, risk: Risk) -> None:
    for row in risk.allocations.all():
        audited(row, actor)
        row.delete()
    for row in risk.mitigations.all():
        audited(row, actor)
        row.delete()
    audited(risk, actor)
    risk.delete()


# --------------------------------------------------------------------------- correlations


@transaction.atomic
def correlation_create(
    *, actor: Any, partnership: Partnership, first: Risk, second: Risk, rho: Decimal
) -> RiskCorrelation:
    """Correlate the sizes of two risks (the spec's Gaussian copula); the whole set of
    correlations must stay a valid (positive-definite) matrix, as ``mitra simulate`` requires."""
    deny_unless(
        can_edit_register(actor, partnership),
        _("Only the partners of this partnership can work on its risks."),
    )
    if first.partnership_id != partnership.pk or second.partnership_id != partnership.pk:
        raise ValidationError({"first": _("Choose two risks of this partnership.")})
    if first.pk == second.pk:
        raise ValidationError({"second": _("Choose two different risks.")})
    pair = models.Q(first=first, second=second) | models.Q(first=second, second=first)
    if partnership.risk_correlations.filter(pair).exists():
        raise ValidationError({"second": _("These two risks are already correlated.")})
    if not first.quantity or not second.quantity:
        raise ValidationError({"first": _("Give both risks their figures first.")})
    correlation = RiskCorrelation(partnership=partnership, first=first, second=second, rho=rho)
    correlation.full_clean()
    _check_correlations(partnership, extra=correlation)
    audited(correlation, actor)
    correlation.save()
    return correlation


def _check_correlations(partnership: Partnership, extra: RiskCorrelation) -> None:
    settings, parties, risks, correlations = current_rows(partnership)
    if settings is None:
        return
    quantified = [r for r in risks if r.quantity]
    ids = {r.pk for r in quantified}
    kept = [c for c in [*correlations, extra] if c.first_id in ids and c.second_id in ids]
    spec = specs.register_spec(partnership, settings, parties, quantified, kept)
    problems = [i for i in validate_spec(spec) if i.path.startswith("$.correlations")]
    if problems:
        raise ValidationError({"rho": [i.message for i in problems]})


@transaction.atomic
def correlation_delete(*, actor: Any, correlation: RiskCorrelation) -> None:
    deny_unless(
        can_edit_register(actor, correlation.partnership),
        _("Only the partners of this partnership can work on its risks."),
    )
    audited(correlation, actor)
    correlation.delete()
