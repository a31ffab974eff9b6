"""Reads of the risk register, with who-sees-what applied once for every page and the API.

Partners and platform staff read the register; a risk's cost figures confidential to a partner
are replaced by ``None`` for everyone else (``risk.cost_hidden`` is then True), and the spec of
the register is only handed to a reader who may see every input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from mitra.core.errors import NotFound, PermissionDenied
from mitra.jobs.models import Job
from mitra.jobs.runner import fail_stranded
from mitra.partnerships.models import Partnership
from mitra.partnerships.selectors import partnership_get

from . import specs
from .models import (
    Mitigation,
    Risk,
    RiskAllocation,
    RiskCorrelation,
    RiskParty,
    RiskSettings,
    Simulation,
)
from .permissions import (
    can_edit_register,
    can_manage_register,
    can_see_cost,
    can_view_register,
)


def require_register(user: Any, partnership: Partnership) -> None:
    if not can_view_register(user, partnership):
        raise PermissionDenied(_("Only the partners of this partnership can see its risks."))


@dataclass
class Register:
    partnership: Partnership
    settings: RiskSettings | None
    parties: list[RiskParty]
    risks: list[Risk]
    correlations: list[RiskCorrelation]
    can_edit: bool
    can_manage: bool
    hidden_costs: int = 0
    party_keys: dict[int, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Every input visible to this reader (so the spec may be exported to them)."""
        return self.hidden_costs == 0


def _risks(partnership: Partnership) -> list[Risk]:
    allocations = RiskAllocation.objects.select_related("party").order_by(
        "party__order", "party_id"
    )
    return list(
        Risk.objects.filter(partnership=partnership)
        .select_related("controlled_by", "cost_confidential_to__organisation")
        .prefetch_related(
            Prefetch("allocations", queryset=allocations),
            Prefetch(
                "mitigations", queryset=Mitigation.objects.select_related("owner__organisation")
            ),
        )
    )


def register_get(*, user: Any, partnership: Partnership) -> Register:
    """The register as this reader may see it (cost figures of others' confidential risks
    removed)."""
    require_register(user, partnership)
    members = {m.pk: m for m in partnership.members.all()}
    risks = _risks(partnership)
    hidden = 0
    for risk in risks:
        risk.cost_hidden = not can_see_cost(user, risk, members)  # type: ignore[attr-defined]
        if risk.cost_hidden:  # type: ignore[attr-defined]
            hidden += 1
            risk.quantity = {
                k: v for k, v in risk.quantity.items() if k not in ("impact", "unit_value")
            }
    parties = list(
        RiskParty.objects.filter(partnership=partnership).select_related("member__organisation")
    )
    return Register(
        partnership=partnership,
        settings=RiskSettings.objects.filter(partnership=partnership).first(),
        parties=parties,
        risks=risks,
        correlations=list(partnership.risk_correlations.select_related("first", "second")),
        can_edit=can_edit_register(user, partnership),
        can_manage=can_manage_register(user, partnership),
        hidden_costs=hidden,
        party_keys={p.pk: p.key for p in parties},
    )


def register_spec_for(*, user: Any, partnership: Partnership) -> dict[str, Any]:
    """The register as a risk-model spec, for a reader who may see every input."""
    register = register_get(user=user, partnership=partnership)
    if register.settings is None:
        raise NotFound(_("This partnership has no risk register yet."))
    if not register.complete:
        raise PermissionDenied(
            _(
                "%(n)s risk(s) hold cost figures confidential to another partner: the register "
                "cannot be exported as a file by you. Its simulation results are on the page."
            )
            % {"n": register.hidden_costs}
        )
    return specs.register_spec(
        partnership, register.settings, register.parties, register.risks, register.correlations
    )


def _int(pk: Any) -> int:
    try:
        value = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Not found.")) from None
    if not 0 < value < 2**63:
        raise NotFound(_("Not found."))
    return value


def risk_get(*, user: Any, pk: Any, partnership: Partnership | None = None) -> Risk:
    risk = Risk.objects.select_related("partnership").filter(pk=_int(pk)).first()
    if risk is None or (partnership is not None and risk.partnership_id != partnership.pk):
        raise NotFound(_("Risk not found."))
    owner = partnership or partnership_get(user=user, pk=risk.partnership_id)
    require_register(user, owner)
    risk.partnership = owner
    members = {m.pk: m for m in owner.members.all()}
    risk.cost_hidden = not can_see_cost(user, risk, members)  # type: ignore[attr-defined]
    return risk


def mitigation_get(*, user: Any, pk: Any, partnership: Partnership) -> Mitigation:
    mitigation = (
        Mitigation.objects.select_related("risk")
        .filter(pk=_int(pk), risk__partnership=partnership)
        .first()
    )
    if mitigation is None:
        raise NotFound(_("Mitigation not found."))
    require_register(user, partnership)
    mitigation.risk.partnership = partnership
    return mitigation


def party_get(*, user: Any, pk: Any, partnership: Partnership) -> RiskParty:
    party = RiskParty.objects.filter(pk=_int(pk), partnership=partnership).first()
    if party is None:
        raise NotFound(_("Party not found."))
    require_register(user, partnership)
    party.partnership = partnership
    return party


def correlation_get(*, user: Any, pk: Any, partnership: Partnership) -> RiskCorrelation:
    correlation = RiskCorrelation.objects.filter(pk=_int(pk), partnership=partnership).first()
    if correlation is None:
        raise NotFound(_("Correlation not found."))
    require_register(user, partnership)
    correlation.partnership = partnership
    return correlation


def simulation_get(*, user: Any, pk: Any, partnership: Partnership | None = None) -> Simulation:
    fail_stranded(Job.objects.filter(risk_simulation__pk=_int(pk)))
    simulation = Simulation.objects.select_related("job").filter(pk=_int(pk)).first()
    if simulation is None or (
        partnership is not None and simulation.partnership_id != partnership.pk
    ):
        raise NotFound(_("Simulation not found."))
    owner = partnership or partnership_get(user=user, pk=simulation.partnership_id)
    require_register(user, owner)
    simulation.partnership = owner
    return simulation


def latest_simulation(partnership: Partnership) -> Simulation | None:
    return (
        Simulation.objects.filter(partnership=partnership, result__isnull=False)
        .select_related("job")
        .first()
    )


def current_inputs_hash(partnership: Partnership) -> str | None:
    """The fingerprint of the register as it is now (None without a register)."""
    settings = RiskSettings.objects.filter(partnership=partnership).first()
    if settings is None:
        return None
    parties = list(RiskParty.objects.filter(partnership=partnership))
    spec = specs.register_spec(
        partnership,
        settings,
        parties,
        list(Risk.objects.filter(partnership=partnership).prefetch_related("allocations")),
        list(partnership.risk_correlations.all()),
    )
    return specs.inputs_hash(spec)


def heatmap_cells(risks: list[Risk]) -> dict[tuple[int, int], list[Risk]]:
    """Risks by (likelihood, impact) cell of the 5×5 heat map."""
    cells: dict[tuple[int, int], list[Risk]] = {}
    for risk in risks:
        cells.setdefault((risk.likelihood, risk.impact_level), []).append(risk)
    return cells


# --------------------------------------------------------------------------- allocation review


@dataclass
class PartyReview:
    party: RiskParty
    expected: float
    p95: float | None
    capacity: Decimal | None
    over_capacity: bool


@dataclass
class ControlFlag:
    risk: Risk
    bearer: RiskParty
    share: Decimal
    controller: RiskParty


def control_flags(register: Register) -> list[ControlFlag]:
    """Risks most of which a party bears while the register says another controls them."""
    parties = {p.pk: p for p in register.parties}
    flags = []
    for risk in register.risks:
        if risk.controlled_by_id is None:
            continue
        top = max(risk.allocations.all(), key=lambda a: a.share, default=None)
        if top is not None and top.share > Decimal("0.5") and top.party_id != risk.controlled_by_id:
            flags.append(
                ControlFlag(risk, parties[top.party_id], top.share, parties[risk.controlled_by_id])
            )
    return flags


def party_reviews(register: Register, result: dict[str, Any]) -> list[PartyReview]:
    """Per party: expected and P95 PV cost from the simulation, against its stated capacity."""
    rows = []
    for party in register.parties:
        data = result.get("parties", {}).get(party.key)
        if data is None:
            continue
        p95 = data.get("percentiles", {}).get("P95")
        capacity = party.capacity
        rows.append(
            PartyReview(
                party=party,
                expected=data["mean"],
                p95=p95,
                capacity=capacity,
                over_capacity=capacity is not None and p95 is not None and p95 > float(capacity),
            )
        )
    return rows


def scenario_costs(
    register: Register, result: dict[str, Any], risk: Risk, party: RiskParty
) -> list[tuple[RiskParty, float, float, float]]:
    """Expected PV cost per party now, if ``party`` bore all of ``risk``, and the difference
    (from the mean cost
    of each risk in the simulation: E[L_p] = Σ_i a_ip · E[L_i], exact for expectations)."""
    mean_cost = {r["id"]: r["mean_cost"] for r in result.get("risks", [])}
    now: dict[int, float] = {p.pk: 0.0 for p in register.parties}
    then: dict[int, float] = dict(now)
    for r in register.risks:
        cost = mean_cost.get(r.code, 0.0)
        for a in r.allocations.all():
            now[a.party_id] = now.get(a.party_id, 0.0) + float(a.share) * cost
            if r.pk != risk.pk:
                then[a.party_id] = then.get(a.party_id, 0.0) + float(a.share) * cost
        if r.pk == risk.pk:
            then[party.pk] = then.get(party.pk, 0.0) + cost
    rows = [(p, now.get(p.pk, 0.0), then.get(p.pk, 0.0)) for p in register.parties]
    return [(p, a, b, b - a) for p, a, b in rows]


def flows_empty(settings: RiskSettings | None) -> bool:
    """Whether the base cash flows are still all zero (entered year by year): risks measured as
    shares of capex, opex or revenue then cost nothing."""
    if settings is None or settings.cash_flow_mode != "by_year":
        return False
    flows = settings.cash_flows or {}
    return not any(float(v) for key in ("capex", "opex", "revenue") for v in flows.get(key, []))
