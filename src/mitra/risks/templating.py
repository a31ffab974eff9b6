"""Start a register from a template of the catalogue (``catalogue/``), allocated to the partners that fit."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mitra.core.errors import ApplicationError
from mitra.partnerships.models import Partnership, PartnershipMember

from . import specs
from .models import (
    CashFlowMode,
    Mitigation,
    Risk,
    RiskAllocation,
    RiskParty,
    RiskSettings,
)
from .permissions import can_manage_register
from .services import (
    audited,
    deny_unless,
    next_order,
    parties_ensure,
    party_key,
    settings_get_or_create,
)


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

    deny_unless(
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
                key=party_key(tkey, taken),
                name=tparty["name"][language],
                order=len(parties),
            )
            party.full_clean(exclude=["partnership"], validate_unique=False)
            audited(party, actor)
            party.save()
            parties.append(party)
            taken.add(party.key)
        chosen[tkey] = party
    existing = set(partnership.risks.values_list("code", flat=True))
    order = next_order(partnership)
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
        audited(risk, actor)
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
            audited(allocation, actor)
            allocation.save()
        for m in item.get("mitigations", []):
            owner_party = chosen.get(m.get("owner", ""))
            mitigation = Mitigation(risk=risk, owner=owner_party.member if owner_party else None)
            mitigation.action_ind, mitigation.action_en = m["action"]["id"], m["action"]["en"]
            mitigation.full_clean()
            audited(mitigation, actor)
            mitigation.save()
        order += 1
        added.append(risk)
    return added
