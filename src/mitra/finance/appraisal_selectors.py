"""Reads of the appraisal: value for money, fiscal commitments, stress tests and the portfolio,
with who-sees-what applied once for every caller (pages, API, profile section).

- **Government-side figures** (the PSC, the KPBU option's cost to government, VfM, commitments,
  guarantee calls, budget shares, the government's deltas of a stress test): every partner and
  platform staff; the public only when the finance model is published on a public partnership.
- **Private figures** (project and equity NPV/IRR, DSCR, LLCR of a stress test): only those the
  finance model's selectors allow (``selectors.can_see_model``).

Every computation is the core's (``mitra.analysis``: ``value_for_money``, ``fiscal_burden``,
``stress_test``) on a spec built here from the stored inputs, the finance model
(``selectors.internal_spec``: outputs are filtered before they are shown) and the partnership's
latest risk simulation (its stored spec, iterations and seed: the same draws as the simulation).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mitra.analysis import (
    SpecError,
    fiscal_burden,
    fiscal_schema,
    stress_test,
    value_for_money,
)
from mitra.core.errors import NotFound, PermissionDenied
from mitra.core.history import HistoryEntry, entries_from_records
from mitra.organisations.models import Organisation
from mitra.partnerships.models import Partnership, PartnershipMember, Role
from mitra.partnerships.permissions import can_view_internal
from mitra.partnerships.selectors import partnership_list, with_members
from mitra.risks import selectors as risk_selectors

from . import selectors as finance_selectors
from .appraisal_models import (
    BudgetSeries,
    FiscalInputs,
    PaymentsSource,
    PublicGuarantee,
    StressScenario,
    VfmChecklist,
    VfmInputs,
)
from .models import FinanceModel
from .permissions import can_see_government_figures, government_editor

#: Government payment series a user may enter by year (VfM and fiscal).
PAYMENT_FIELDS = ("availability_payment", "vgf", "land", "other")
#: Stress metrics that are the private party's (hidden from those who may not see the model).
PRIVATE_METRICS = (
    "project_npv",
    "equity_npv",
    "project_irr",
    "equity_irr",
    "min_dscr",
    "avg_dscr",
    "llcr",
)
GOVERNMENT_METRICS = (
    "government_npc",
    "vfm",
    "vfm_percent",
    "fiscal_pv_direct",
    "fiscal_peak_share_of_budget",
)

#: The qualitative VfM questions of the OBC (after the Bappenas KPBU guidance on the
#: Prastudi Kelayakan, Permen PPN 7/2023): key → question.
CHECKLIST = (
    (
        "output_spec",
        gettext_lazy(
            "Can the service be specified as outputs with measurable standards (output "
            "specification), rather than as inputs?"
        ),
    ),
    (
        "risk_transfer",
        gettext_lazy(
            "Can significant risks (design, construction, availability, demand) be transferred "
            "to the Badan Usaha that is best able to manage them?"
        ),
    ),
    (
        "whole_life",
        gettext_lazy(
            "Does joining design, construction, financing and maintenance in one contract lower "
            "the whole-life cost?"
        ),
    ),
    (
        "innovation",
        gettext_lazy(
            "Is there room for the Badan Usaha to innovate in design, technology or operation?"
        ),
    ),
    (
        "market",
        gettext_lazy(
            "Did market sounding show enough capable and interested bidders for real competition?"
        ),
    ),
    (
        "stable_need",
        gettext_lazy(
            "Is the need for the service stable over the concession period, so that a long "
            "contract does not lock in the wrong service?"
        ),
    ),
    (
        "size",
        gettext_lazy(
            "Is the project large enough to bear the transaction costs of a KPBU (advisers, "
            "procurement, contract management)?"
        ),
    ),
    (
        "pjpk_capacity",
        gettext_lazy(
            "Does the PJPK have the capacity to prepare, procure and manage the contract?"
        ),
    ),
    (
        "affordability",
        gettext_lazy(
            "Can the PJPK's budget (APBD/APBN) afford the long-term payments, with the DPRD's "
            "approval where needed?"
        ),
    ),
    (
        "legal",
        gettext_lazy(
            "Are the legal basis and the PJPK's authority clear (sector rules, land, permits)?"
        ),
    ),
    (
        "monitoring",
        gettext_lazy(
            "Can performance be measured and the payment deducted for poor service (payment "
            "mechanism with KPIs)?"
        ),
    ),
)
ANSWERS = (
    ("yes", gettext_lazy("Yes")),
    ("partly", gettext_lazy("Partly")),
    ("no", gettext_lazy("No")),
    ("unknown", gettext_lazy("Not assessed yet")),
)


# --------------------------------------------------------------------------- permissions


def can_see_appraisal(user: Any, partnership: Partnership) -> bool:
    """The government-side figures: partners and staff, the public once published."""
    model = finance_selectors.stored_model(partnership)
    if model is not None:
        return can_see_government_figures(user, partnership, model)
    return can_view_internal(user, partnership)


def require_appraisal(user: Any, partnership: Partnership) -> None:
    if not can_see_appraisal(user, partnership):
        raise PermissionDenied(_("Only the partners of this partnership can see its appraisal."))


def can_edit_appraisal(user: Any, partnership: Partnership) -> bool:
    """The PJPK side: administrators of the lead partner or of the PJPK."""
    return bool(getattr(user, "is_authenticated", False)) and government_editor(user, partnership)


def can_edit_stress(user: Any, partnership: Partnership) -> bool:
    """The PJPK side, and those who may see the whole finance model (e.g. the BUP)."""
    if can_edit_appraisal(user, partnership):
        return True
    return bool(getattr(user, "is_authenticated", False)) and finance_selectors.can_see_model(
        user=user, partnership=partnership
    )


def can_manage_budget(user: Any, organisation: Organisation) -> bool:
    from mitra.organisations.permissions import can_manage_organisation

    return bool(getattr(user, "is_authenticated", False)) and can_manage_organisation(
        user, organisation
    )


# --------------------------------------------------------------------------- shared helpers


def _f(value: Any) -> float:
    return float(value)


def unit_label(currency: str, amount_unit: float) -> str:
    """``IDR billion``: the unit every amount of a page is in."""
    names = {
        1.0: "",
        1e3: _("thousand"),
        1e6: _("million"),
        1e9: _("billion"),
        1e12: _("trillion"),
    }
    unit = float(amount_unit)
    return f"{currency} {names.get(unit, '× ' + format(unit, 'g'))}".strip()


def _pjpk_member(
    partnership: Partnership, inputs: FiscalInputs | None = None
) -> PartnershipMember | None:
    if inputs is not None and inputs.pjpk_id:
        found = next((m for m in partnership.members.all() if m.pk == inputs.pjpk_id), None)
        if found is not None:
            return found
    return next(
        (
            m
            for m in partnership.members.all()
            if m.left_on is None and Role.CONTRACTING_AGENCY in (m.roles or [])
        ),
        None,
    )


@dataclass
class RiskSource:
    """The partnership's latest risk simulation as the appraisal uses it."""

    simulation: Any | None
    stale: bool
    usable: bool
    message: str
    parties: list[tuple[str, str, str]] = field(default_factory=list)  # key, name, sector


def risk_source(partnership: Partnership, currency: str, amount_unit: float) -> RiskSource:
    """The latest simulation with a result, whether the register changed since, and whether its
    amounts are in the appraisal's unit (a risk model in another unit is not used)."""
    simulation = risk_selectors.latest_simulation(partnership)
    if simulation is None:
        return RiskSource(
            None,
            False,
            False,
            _(
                "This partnership has no risk simulation yet: the risk values below are the ones "
                "entered by hand. Run the simulation on the Risks tab to take them from the "
                "register."
            ),
        )
    stale = simulation.inputs_hash != risk_selectors.current_inputs_hash(partnership)
    spec = simulation.spec or {}
    parties = []
    rows = {p.key: p for p in partnership.risk_parties.select_related("member__organisation")}
    for key, name in (spec.get("parties") or {}).items():
        row = rows.get(key)
        sector = row.member.organisation.sector if row is not None and row.member else ""
        parties.append((key, str(name), sector))
    same_unit = spec.get("currency") == currency and math.isclose(
        float(spec.get("amount_unit", 0)), float(amount_unit)
    )
    if not same_unit:
        return RiskSource(
            simulation,
            stale,
            False,
            _(
                "The risk register's amounts are in %(theirs)s, the appraisal's in %(ours)s: its "
                "simulation is not used. Align the units, or enter the risk values by hand."
            )
            % {
                "theirs": unit_label(str(spec.get("currency")), float(spec.get("amount_unit", 1))),
                "ours": unit_label(currency, amount_unit),
            },
            parties,
        )
    message = (
        _(
            "The register has changed since its latest simulation: the risk values are those of "
            "the inputs as they were. Run the simulation again on the Risks tab."
        )
        if stale
        else _("Risk values from the latest simulation of the risk register.")
    )
    return RiskSource(simulation, stale, True, message, parties)


def _risk_reference(source: RiskSource, start_year: int) -> dict[str, Any]:
    """The VfM/fiscal spec's risk part: the simulation's own spec, iterations and seed."""
    sim = source.simulation
    spec = dict(sim.spec)
    out: dict[str, Any] = {
        "risk_model": spec,
        "simulation": {"iterations": int(sim.iterations), "seed": int(sim.seed or 0)},
    }
    if "start_year" not in spec:
        out["risk_start_year"] = start_year
    return out


def _inline_payments(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any] | None:
    series = {k: [float(v) for v in data.get(k) or []] for k in keys if data.get(k)}
    if not series or not data.get("start_year"):
        return None
    n = max(len(v) for v in series.values())
    return {
        "start_year": int(data["start_year"]),
        **{k: v + [0.0] * (n - len(v)) for k, v in series.items()},
    }


def _units(
    partnership: Partnership, source: str, currency: str, unit: Any
) -> tuple[str, float, dict | None]:
    """(currency, amount_unit, finance spec or None) of a VfM/fiscal computation."""
    if source == PaymentsSource.FINANCE_MODEL:
        spec = finance_selectors.internal_spec(partnership)
        if spec:
            return str(spec["currency"]), float(spec["amount_unit"]), spec
    return currency, float(unit), None


# --------------------------------------------------------------------------- value for money


@dataclass
class VfmView:
    partnership: Partnership
    inputs: VfmInputs | None
    checklist: list[dict[str, Any]]
    checklist_row: VfmChecklist | None
    can_edit: bool
    currency: str = "IDR"
    amount_unit: float = 1e9
    risk: RiskSource | None = None
    result: Any = None
    error: str = ""
    notes: list[str] = field(default_factory=list)
    using_finance_model: bool = False

    @property
    def unit(self) -> str:
        return unit_label(self.currency, self.amount_unit)


def default_party_split(parties: list[tuple[str, str, str]]) -> tuple[list[str], list[str]]:
    """(transferable, retained) risk parties by their partner's sector: the government's are
    retained, the private parties' are what the KPBU transfers."""
    retained = [k for k, _n, s in parties if s == "public"]
    transferable = [k for k, _n, s in parties if s == "private"]
    return transferable, retained


def vfm_spec(
    partnership: Partnership, inputs: VfmInputs
) -> tuple[dict[str, Any], RiskSource, bool]:
    """The VfM spec of the stored inputs (``vfm.schema.json``), the risk source it used and
    whether its payments come from the finance model."""
    currency, unit, finance = _units(
        partnership, inputs.payments_source, inputs.currency, inputs.amount_unit
    )
    source = risk_source(partnership, currency, unit)
    n = max(len(inputs.psc_capex or []), len(inputs.psc_opex or []), len(inputs.psc_revenue or []))
    raw: Any = 0.0
    if n:
        raw = {"start_year": int(inputs.psc_start_year)}
        for key, values in (
            ("capex", inputs.psc_capex),
            ("opex", inputs.psc_opex),
            ("revenue", inputs.psc_revenue),
        ):
            vals = [float(v) for v in values or []]
            raw[key] = vals + [0.0] * (n - len(vals))
    spec: dict[str, Any] = {
        "spec_version": "1.0",
        "name": partnership.code,
        "currency": currency,
        "amount_unit": unit,
        "discount_rate": _f(inputs.discount_rate),
        "base_year": int(inputs.base_year),
    }
    psc: dict[str, Any] = {
        "raw": raw,
        "competitive_neutrality": _f(inputs.competitive_neutrality),
    }
    ppp: dict[str, Any] = {}
    if source.usable:
        spec |= _risk_reference(source, int(inputs.psc_start_year))
        default_t, default_r = default_party_split(source.parties)
        known = {k for k, _n, _s in source.parties}
        transferable = [k for k in (inputs.transferable_parties or default_t) if k in known]
        retained = [
            k
            for k in (inputs.retained_parties or default_r)
            if k in known and k not in transferable
        ]
        psc["transferable_risk"] = {"parties": transferable} if transferable else 0.0
        psc["retained_risk"] = {"parties": retained} if retained else 0.0
        ppp["retained_risk"] = {"parties": retained} if retained else 0.0
    else:
        psc["transferable_risk"] = _f(inputs.transferable_risk or 0)
        psc["retained_risk"] = _f(inputs.retained_risk or 0)
        ppp["retained_risk"] = _f(inputs.retained_risk or 0)
    spec["psc"] = psc
    if finance is not None:
        payments: dict[str, Any] = {"finance_model": finance}
    else:
        by_year = _inline_payments(inputs.payments or {}, PAYMENT_FIELDS)
        payments = {"by_year": by_year or {"start_year": int(inputs.base_year), "other": [0.0]}}
    ppp["government_payments"] = payments
    ppp["guarantee_calls"] = _f(inputs.guarantee_calls)
    ppp["other_costs"] = _f(inputs.other_costs)
    spec["ppp"] = ppp
    return spec, source, finance is not None


def vfm_view(*, user: Any, partnership: Partnership) -> VfmView:
    require_appraisal(user, partnership)
    inputs = VfmInputs.objects.filter(partnership=partnership).first()
    checklist_row = VfmChecklist.objects.filter(partnership=partnership).first()
    answers = (checklist_row.answers if checklist_row else {}) or {}
    labels = dict(ANSWERS)
    checklist = [
        {
            "key": key,
            "question": question,
            "answer": (answers.get(key) or {}).get("answer", "unknown"),
            "answer_label": labels.get((answers.get(key) or {}).get("answer", "unknown")),
            "note": (answers.get(key) or {}).get("note", ""),
        }
        for key, question in CHECKLIST
    ]
    view = VfmView(
        partnership=partnership,
        inputs=inputs,
        checklist=checklist,
        checklist_row=checklist_row,
        can_edit=can_edit_appraisal(user, partnership),
    )
    if inputs is None:
        return view
    spec, source, from_model = vfm_spec(partnership, inputs)
    view.currency, view.amount_unit = spec["currency"], spec["amount_unit"]
    view.risk, view.using_finance_model = source, from_model
    if inputs.payments_source == PaymentsSource.FINANCE_MODEL and not from_model:
        view.notes.append(
            _(
                "There is no project-finance model yet: the KPBU option's payments are those "
                "entered here by year."
            )
        )
    try:
        view.result = value_for_money(spec)
    except SpecError as exc:
        view.error = "; ".join(str(i) for i in exc.issues[:5])
    return view


def vfm_completed(partnership: Partnership) -> bool:
    """Whether the partnership's value-for-money appraisal is complete, as the lifecycle's
    "a completed VfM" output asks (the OBC's quantitative and qualitative parts): inputs that
    compute and an answer to every question of the checklist."""
    inputs = VfmInputs.objects.filter(partnership=partnership).first()
    if inputs is None:
        return False
    row = VfmChecklist.objects.filter(partnership=partnership).first()
    answers = (row.answers if row else {}) or {}
    if any((answers.get(key) or {}).get("answer", "unknown") == "unknown" for key, _q in CHECKLIST):
        return False
    spec, _source, _from_model = vfm_spec(partnership, inputs)
    try:
        value_for_money(spec)
    except SpecError:
        return False
    return True


def vfm_verdict(view: VfmView) -> str:
    """The plain verdict in words."""
    result = view.result
    if result is None:
        return ""
    psc, ppp = result.psc_total.mean, result.ppp_total.mean
    gain = result.vfm.mean
    pct = result.vfm_percent.mean
    from mitra.core.templatetags.mitra import number

    if pct is not None:
        words = (
            _("The KPBU option costs the government %(x)s%% less than the PSC")
            if gain >= 0
            else _("The KPBU option costs the government %(x)s%% more than the PSC")
        ) % {"x": number(abs(pct) * 100, 1)}
        text = (
            words
            + " "
            + _("(%(ppp)s against %(psc)s %(unit)s in present value).")
            % {
                "ppp": number(ppp, 1),
                "psc": number(psc, 1),
                "unit": view.unit,
            }
        )
        text += " " + (
            _("On this measure the KPBU gives value for money.")
            if gain > 0
            else _("On this measure the KPBU does not give value for money.")
        )
    else:
        text = _(
            "The PSC is a net gain to the government (its revenue exceeds its costs), so the "
            "comparison is in money: the KPBU option costs the government %(x)s %(unit)s "
            "%(more)s than the PSC in present value."
        ) % {
            "x": number(abs(gain), 1),
            "unit": view.unit,
            "more": _("less") if gain >= 0 else _("more"),
        }
    if result.prob_vfm_positive is not None and result.vfm.p5 is not None:
        text += " " + _(
            "Over %(n)s simulated futures the saving lies between %(p5)s and %(p95)s %(unit)s "
            "(P5–P95); the KPBU is cheaper in %(p)s%% of them."
        ) % {
            "n": number(result.iterations, 0),
            "p5": number(result.vfm.p5, 1),
            "p95": number(result.vfm.p95, 1),
            "unit": view.unit,
            "p": number(100 * result.prob_vfm_positive, 0),
        }
    return text


# --------------------------------------------------------------------------- budgets


@dataclass
class Budget:
    """An organisation's budget by year: entered figures, and projected ones for the years
    asked for that have none (from the last entered year at the stated growth rate)."""

    series: BudgetSeries | None
    entered: dict[int, Decimal]
    sources: dict[int, str]
    projected: dict[int, Decimal] = field(default_factory=dict)

    def amount(self, year: int) -> Decimal | None:
        return self.entered.get(year, self.projected.get(year))

    def extend(self, years: list[int]) -> None:
        """Project every year in ``years`` that has no entered figure."""
        if self.series is None or not self.entered:
            return
        growth = Decimal(self.series.growth_rate)
        first, last = min(self.entered), max(self.entered)
        for year in sorted(years):
            if year in self.entered:
                continue
            if year > last:
                base, steps = self.entered[last], year - last
            elif year < first:
                base, steps = self.entered[first], year - first
            else:  # a gap: grow from the year before it that has a figure
                before = max(y for y in self.entered if y < year)
                base, steps = self.entered[before], year - before
            self.projected[year] = (base * (1 + growth) ** steps).quantize(Decimal("0.01"))


def budget_get(organisation: Organisation) -> Budget:
    series = (
        BudgetSeries.objects.filter(organisation=organisation).prefetch_related("years").first()
    )
    if series is None:
        return Budget(None, {}, {})
    rows = list(series.years.all())
    return Budget(
        series,
        {r.year: r.amount for r in rows},
        {r.year: r.source or series.source for r in rows},
    )


# --------------------------------------------------------------------------- fiscal


@dataclass
class FiscalView:
    partnership: Partnership
    inputs: FiscalInputs | None
    guarantees: list[PublicGuarantee]
    can_edit: bool
    pjpk: PartnershipMember | None = None
    budget: Budget | None = None
    currency: str = "IDR"
    amount_unit: float = 1e9
    risk: RiskSource | None = None
    result: Any = None
    error: str = ""
    notes: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    using_finance_model: bool = False

    @property
    def unit(self) -> str:
        return unit_label(self.currency, self.amount_unit)


def fiscal_spec(
    partnership: Partnership,
    inputs: FiscalInputs,
    guarantees: list[PublicGuarantee],
    budget: Budget | None,
) -> tuple[dict[str, Any], RiskSource, bool, list[int]]:
    """The fiscal spec (``fiscal.schema.json``) of the stored inputs, with the budget in the
    spec's unit (projected years included), the risk source and the years of the horizon."""
    currency, unit, finance = _units(
        partnership, inputs.commitments_source, inputs.currency, inputs.amount_unit
    )
    source = risk_source(partnership, currency, unit)
    spec: dict[str, Any] = {
        "spec_version": "1.0",
        "name": partnership.code,
        "currency": currency,
        "amount_unit": unit,
        "discount_rate": _f(inputs.discount_rate),
        "base_year": int(inputs.base_year),
    }
    years: set[int] = set()
    if finance is not None:
        spec["commitments"] = {"finance_model": finance}
        result = finance_selectors.run_spec(finance)
        years |= {int(y) for y in result.years.tolist()}
    else:
        by_year = _inline_payments(inputs.commitments or {}, PAYMENT_FIELDS)
        by_year = by_year or {"start_year": int(inputs.base_year), "other": [0.0]}
        spec["commitments"] = {"by_year": by_year}
        n = max(len(v) for k, v in by_year.items() if k != "start_year")
        years |= set(range(by_year["start_year"], by_year["start_year"] + n))
    items = []
    drawn = False
    for g in guarantees:
        item: dict[str, Any] = {"id": g.code, "name": g.name, "kind": g.kind}
        if g.covered_amount is not None:
            item["covered_amount"] = _f(g.covered_amount)
        if g.risk_codes and source.usable:
            public = [k for k, _n, s in source.parties if s == "public"] or [
                k for k, _n, _s in source.parties
            ][:1]
            known = {r.get("id") for r in source.simulation.spec.get("risks", [])}
            risks = [c for c in g.risk_codes if c in known]
            if not risks or not public:
                continue
            item["calls"] = {"parties": public, "risks": risks}
            drawn = True
        elif g.expected and g.start_year:
            item["calls"] = {
                "start_year": int(g.start_year),
                "expected": [float(v) for v in g.expected],
            }
            if g.p95 and len(g.p95) == len(g.expected):
                item["calls"]["p95"] = [float(v) for v in g.p95]
            years |= set(range(g.start_year, g.start_year + len(g.expected)))
        else:
            continue
        items.append(item)
    if items:
        spec["guarantees"] = items
    if drawn:
        start = int(inputs.base_year)
        spec |= _risk_reference(source, start)
        sim_spec = source.simulation.spec
        first = int(sim_spec.get("start_year") or start)
        years |= set(range(first, first + int(sim_spec.get("horizon_years", 0))))
    if inputs.capital_cost is not None and inputs.capital_cost > 0:
        spec["capital_cost"] = _f(inputs.capital_cost)
    elif finance is None:
        # Without a capital cost the Eurostat guarantee test cannot decide: the core then
        # needs no covered amounts (the page still shows them).
        for i in items:
            i.pop("covered_amount", None)
    year_list = sorted(years)
    if budget is not None and budget.series is not None:
        if year_list:
            budget.extend(list(range(year_list[0], year_list[-1] + 1)))
        scale = Decimal(str(unit))
        by_year = (
            {
                str(y): float(budget.amount(y) / scale)  # type: ignore[operator]
                for y in range(year_list[0], year_list[-1] + 1)
                if budget.amount(y) is not None
            }
            if year_list
            else {}
        )
        spec["budget"] = {
            "label": budget.series.label,
            "kind": budget.series.kind,
            "by_year": by_year,
        }
    bearing = {
        k: _f(v)
        for k, v in (
            ("construction", inputs.construction_share),
            ("availability", inputs.availability_share),
            ("demand", inputs.demand_share),
        )
        if v is not None
    }
    if bearing:
        spec["risk_bearing"] = bearing
    control = {
        k: v
        for k, v in (
            ("services_and_prices", inputs.control_services_and_prices),
            ("residual_interest", inputs.control_residual_interest),
            ("whole_of_life", inputs.control_whole_of_life),
        )
        if v is not None
    }
    if control and "control" in fiscal_schema().get("properties", {}):
        spec["control"] = control
    if inputs.limit_share is not None:
        spec["fiscal_limit"] = {
            "max_share_of_budget": _f(inputs.limit_share),
            "basis": inputs.limit_basis,
        }
        if inputs.limit_source:
            spec["fiscal_limit"]["source"] = inputs.limit_source
    return spec, source, finance is not None, year_list


def fiscal_compute(partnership: Partnership) -> tuple[FiscalInputs | None, dict[str, Any]]:
    """The fiscal result of a partnership, with NO permission check (the portfolio and the
    stress test filter what they show): ``{"result", "budget", "pjpk", "error", ...}``."""
    inputs = FiscalInputs.objects.filter(partnership=partnership).first()
    if inputs is None:
        return None, {}
    guarantees = list(PublicGuarantee.objects.filter(partnership=partnership))
    pjpk = _pjpk_member(partnership, inputs)
    budget = budget_get(pjpk.organisation) if pjpk is not None else None
    spec, source, from_model, _years = fiscal_spec(partnership, inputs, guarantees, budget)
    out: dict[str, Any] = {
        "spec": spec,
        "source": source,
        "from_model": from_model,
        "guarantees": guarantees,
        "pjpk": pjpk,
        "budget": budget,
        "result": None,
        "error": "",
    }
    try:
        out["result"] = fiscal_burden(spec)
    except SpecError as exc:
        out["error"] = "; ".join(str(i) for i in exc.issues[:5])
    return inputs, out


def fiscal_view(*, user: Any, partnership: Partnership) -> FiscalView:
    require_appraisal(user, partnership)
    inputs, data = fiscal_compute(partnership)
    guarantees = data.get("guarantees") or list(
        PublicGuarantee.objects.filter(partnership=partnership)
    )
    view = FiscalView(
        partnership=partnership,
        inputs=inputs,
        guarantees=guarantees,
        can_edit=can_edit_appraisal(user, partnership),
        pjpk=data.get("pjpk") or _pjpk_member(partnership),
    )
    if inputs is None:
        return view
    spec = data["spec"]
    view.currency, view.amount_unit = spec["currency"], spec["amount_unit"]
    view.budget, view.risk = data["budget"], data["source"]
    view.using_finance_model = data["from_model"]
    view.error = data["error"]
    view.result = data["result"]
    if inputs.commitments_source == PaymentsSource.FINANCE_MODEL and not view.using_finance_model:
        view.notes.append(
            _(
                "There is no project-finance model yet: the direct commitments are those entered "
                "here by year."
            )
        )
    if view.budget is None or view.budget.series is None:
        view.notes.append(
            _(
                "The PJPK has no budget series yet: enter its APBD or APBN on its organisation "
                "page to test affordability."
            )
        )
    if view.result is not None:
        view.rows = fiscal_rows(view)
    return view


def fiscal_rows(view: FiscalView) -> list[dict[str, Any]]:
    """One row per year: direct commitments by kind, expected and P95 calls, budget (entered
    or projected) and shares."""
    r = view.result
    budget = view.budget
    rows = []
    for i, year in enumerate(r.years):
        amount = budget.amount(year) if budget is not None else None
        rows.append(
            {
                "year": year,
                "direct": [v[i] for v in r.direct.values()],
                "direct_total": r.direct_total[i],
                "expected": r.contingent_expected[i],
                "p95": r.contingent_p95[i] if r.contingent_p95 is not None else None,
                "total": r.total_expected[i],
                "budget": (amount / Decimal(str(view.amount_unit))) if amount is not None else None,
                "projected": budget is not None and year in budget.projected,
                "share": r.share_total_expected[i],
                "share_direct": r.share_direct[i],
                "share_p95": r.share_total_p95[i] if r.share_total_p95 is not None else None,
            }
        )
    return rows


def guarantee_chain(view: FiscalView, guarantee: PublicGuarantee) -> str:
    """The chain of a guarantee call in words: who pays first and whose budget bears it."""
    pjpk = view.pjpk.organisation.name if view.pjpk is not None else _("the PJPK")
    budget = (
        view.budget.series.get_kind_display()
        if view.budget is not None and view.budget.series is not None
        else _("its budget")
    )
    if guarantee.recourse:
        return _(
            "If the guarantee is called, %(provider)s pays the Badan Usaha first and then "
            "recovers the amount from %(pjpk)s under the Perjanjian Regres: the exposure lands "
            "on %(budget)s of %(pjpk)s."
        ) % {"provider": guarantee.provider, "pjpk": pjpk, "budget": budget}
    return _(
        "If the guarantee is called, %(provider)s pays it without recourse to %(pjpk)s: the "
        "exposure stays with the guarantor, and is shown here as a contingent liability of the "
        "public side."
    ) % {"provider": guarantee.provider, "pjpk": pjpk}


# --------------------------------------------------------------------------- stress tests


@dataclass
class StressView:
    partnership: Partnership
    scenarios: list[StressScenario]
    can_edit: bool
    can_see_private: bool
    has_model: bool
    current_hash: str = ""
    currency: str = "IDR"
    amount_unit: float = 1e9

    @property
    def unit(self) -> str:
        return unit_label(self.currency, self.amount_unit)


def stress_inputs(partnership: Partnership) -> tuple[dict | None, dict | None, dict | None]:
    """(finance spec, VfM spec, fiscal spec) the stress test runs on (NO permission check)."""
    finance = finance_selectors.internal_spec(partnership)
    if not finance:
        return None, None, None
    vfm = None
    inputs = VfmInputs.objects.filter(partnership=partnership).first()
    if inputs is not None and inputs.payments_source == PaymentsSource.FINANCE_MODEL:
        vfm, _s, from_model = vfm_spec(partnership, inputs)
        vfm = vfm if from_model else None
    fiscal = None
    fiscal_inputs, data = fiscal_compute(partnership)
    if fiscal_inputs is not None and data.get("from_model") and data.get("result") is not None:
        fiscal = data["spec"]
    return finance, vfm, fiscal


def inputs_hash(finance: Any, vfm: Any, fiscal: Any, shocks: Any) -> str:
    text = json.dumps([finance, vfm, fiscal, shocks], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def scenario_hash(partnership: Partnership, scenario: StressScenario) -> str:
    finance, vfm, fiscal = stress_inputs(partnership)
    return inputs_hash(finance, vfm, fiscal, scenario.shocks)


def stress_run_all(partnership: Partnership, scenarios: list[StressScenario]) -> dict[int, Any]:
    """Run every scenario through the core's ``stress_test`` (one call: the same risk draws for
    all); ``{scenario pk: metrics dict}``. Raises ``SpecError``."""
    finance, vfm, fiscal = stress_inputs(partnership)
    if finance is None:
        raise SpecError([])
    doc = {
        "spec_version": "1.0",
        "scenarios": [{"name": s.name, "shocks": s.shocks} for s in scenarios],
    }
    result = stress_test(finance, doc, vfm=vfm, fiscal=fiscal)
    out = {}
    for scenario, item in zip(scenarios, result.scenarios, strict=True):
        out[scenario.pk] = {
            "metrics": {k: v.to_dict() for k, v in item.metrics.items()},
            "hash": inputs_hash(finance, vfm, fiscal, scenario.shocks),
            "currency": result.currency,
            "amount_unit": result.amount_unit,
        }
    return out


def stress_view(*, user: Any, partnership: Partnership) -> StressView:
    require_appraisal(user, partnership)
    scenarios = list(StressScenario.objects.filter(partnership=partnership))
    finance, vfm, fiscal = stress_inputs(partnership)
    view = StressView(
        partnership=partnership,
        scenarios=scenarios,
        can_edit=can_edit_stress(user, partnership),
        can_see_private=finance_selectors.can_see_model(user=user, partnership=partnership),
        has_model=finance is not None,
    )
    if finance is not None:
        view.currency, view.amount_unit = str(finance["currency"]), float(finance["amount_unit"])
    for s in scenarios:
        s.stale = bool(s.result) and s.result_hash != inputs_hash(  # type: ignore[attr-defined]
            finance, vfm, fiscal, s.shocks
        )
        s.shown = shown_metrics(s.result, view.can_see_private)  # type: ignore[attr-defined]
    return view


def shown_metrics(result: dict[str, Any] | None, private: bool) -> dict[str, Any]:
    """The metrics of a stored result this reader may see (private ones only to those who may
    see the model)."""
    if not result:
        return {}
    metrics = result.get("metrics", result)
    keep = (*(PRIVATE_METRICS if private else ()), *GOVERNMENT_METRICS)
    return {k: metrics[k] for k in keep if k in metrics}


def scenario_get(*, user: Any, partnership: Partnership, pk: Any) -> StressScenario:
    try:
        value = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Scenario not found.")) from None
    scenario = StressScenario.objects.filter(pk=value, partnership=partnership).first()
    if scenario is None:
        raise NotFound(_("Scenario not found."))
    require_appraisal(user, partnership)
    return scenario


def guarantee_get(*, user: Any, partnership: Partnership, pk: Any) -> PublicGuarantee:
    try:
        value = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Guarantee not found.")) from None
    guarantee = PublicGuarantee.objects.filter(pk=value, partnership=partnership).first()
    if guarantee is None:
        raise NotFound(_("Guarantee not found."))
    require_appraisal(user, partnership)
    return guarantee


# --------------------------------------------------------------------------- portfolio


@dataclass
class PortfolioItem:
    partnership: Partnership
    currency: str
    years: list[int]
    direct: list[Decimal]
    contingent: list[Decimal]
    pv_direct: Decimal
    pv_contingent: Decimal


@dataclass
class Portfolio:
    organisation: Organisation | None
    items: list[PortfolioItem]
    currency: str
    years: list[int]
    direct: list[Decimal]
    contingent: list[Decimal]
    budget: Budget | None
    can_edit_budget: bool = False
    other_currencies: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[dict[str, Any]]:
        out = []
        for i, year in enumerate(self.years):
            amount = self.budget.amount(year) if self.budget is not None else None
            total = self.direct[i] + self.contingent[i]
            out.append(
                {
                    "year": year,
                    "direct": self.direct[i],
                    "contingent": self.contingent[i],
                    "total": total,
                    "budget": amount,
                    "projected": self.budget is not None and year in self.budget.projected,
                    "share": (total / amount) if amount else None,
                }
            )
        return out


def _money(value: float, unit: float) -> Decimal:
    return (Decimal(repr(float(value))) * Decimal(repr(float(unit)))).quantize(Decimal("0.01"))


def portfolio_item(partnership: Partnership) -> PortfolioItem | None:
    """The partnership's commitments by year in whole currency units (NO permission check)."""
    inputs, data = fiscal_compute(partnership)
    result = data.get("result") if inputs is not None else None
    if result is None:
        return None
    unit = float(result.amount_unit)
    return PortfolioItem(
        partnership=partnership,
        currency=result.currency,
        years=list(result.years),
        direct=[_money(v, unit) for v in result.direct_total],
        contingent=[_money(v, unit) for v in result.contingent_expected],
        pv_direct=_money(result.pv_direct, unit),
        pv_contingent=_money(result.pv_contingent_expected, unit),
    )


def _total(
    organisation: Organisation | None, items: list[PortfolioItem], budget: Budget | None
) -> Portfolio:
    currencies: dict[str, int] = {}
    for item in items:
        currencies[item.currency] = currencies.get(item.currency, 0) + 1
    currency = (
        budget.series.currency
        if budget is not None and budget.series is not None
        else (max(currencies, key=lambda c: currencies[c]) if currencies else "IDR")
    )
    kept = [i for i in items if i.currency == currency]
    years = sorted({y for i in kept for y in i.years})
    direct = {y: Decimal("0") for y in years}
    contingent = {y: Decimal("0") for y in years}
    for item in kept:
        for k, y in enumerate(item.years):
            direct[y] += item.direct[k]
            contingent[y] += item.contingent[k]
    if budget is not None and years:
        budget.extend(years)
    return Portfolio(
        organisation=organisation,
        items=kept,
        currency=currency,
        years=years,
        direct=[direct[y] for y in years],
        contingent=[contingent[y] for y in years],
        budget=budget,
        other_currencies=sorted(c for c in currencies if c != currency),
    )


def _visible_with_fiscal(
    user: Any, partnerships: list[Partnership]
) -> list[tuple[Partnership, FiscalInputs | None]]:
    """The partnerships whose appraisal the user may see, with their fiscal inputs: a fixed
    number of queries whatever their number (the finance models and inputs in one query each)."""
    ids = [p.pk for p in partnerships]
    models = {m.partnership_id: m for m in FinanceModel.objects.filter(partnership_id__in=ids)}
    inputs = {i.partnership_id: i for i in FiscalInputs.objects.filter(partnership_id__in=ids)}
    out = []
    for partnership in partnerships:
        model = models.get(partnership.pk)
        visible = (
            can_see_government_figures(user, partnership, model)
            if model is not None
            else can_view_internal(user, partnership)
        )
        if visible:
            out.append((partnership, inputs.get(partnership.pk)))
    return out


def _with_fiscal_inputs(partnerships: Any) -> Any:
    """Only those with fiscal inputs (a portfolio has nothing of the others): a university in
    960 partnerships, none of them a KPBU, loads none of them with their partners."""
    return partnerships.filter(pk__in=FiscalInputs.objects.values("partnership_id"))


def pjpk_partnerships(*, user: Any, organisation: Organisation) -> list[Partnership]:
    """Partnerships the user may see the appraisal of whose PJPK is ``organisation`` and that
    have fiscal inputs."""
    visible = list(
        with_members(
            _with_fiscal_inputs(
                partnership_list(user=user, filters={"organisation": organisation.pk})
            )
        )
    )
    out = []
    for partnership, inputs in _visible_with_fiscal(user, visible):
        if inputs is None:
            continue
        pjpk = _pjpk_member(partnership, inputs)
        if pjpk is not None and pjpk.organisation_id == organisation.pk:
            out.append(partnership)
    return out


def organisation_portfolio(*, user: Any, organisation: Organisation) -> Portfolio:
    """Direct and contingent commitments by year across the partnerships whose PJPK the
    organisation is (those the user may see), against the organisation's budget."""
    items = [
        item
        for p in pjpk_partnerships(user=user, organisation=organisation)
        if (item := portfolio_item(p)) is not None
    ]
    portfolio = _total(organisation, items, budget_get(organisation))
    portfolio.can_edit_budget = can_manage_budget(user, organisation)
    return portfolio


def user_portfolio(*, user: Any) -> list[Portfolio]:
    """For an analyst (staff, Kemenkeu, Bappeda, a PJPK): one portfolio per PJPK across every
    partnership whose appraisal the user may see."""
    by_org: dict[int, tuple[Organisation, list[PortfolioItem]]] = {}
    visible = list(with_members(_with_fiscal_inputs(partnership_list(user=user))))
    for partnership, inputs in _visible_with_fiscal(user, visible):
        if inputs is None:
            continue
        pjpk = _pjpk_member(partnership, inputs)
        if pjpk is None:
            continue
        item = portfolio_item(partnership)
        if item is None:
            continue
        entry = by_org.setdefault(pjpk.organisation_id, (pjpk.organisation, []))
        entry[1].append(item)
    out = []
    for organisation, items in sorted(by_org.values(), key=lambda e: e[0].name):
        portfolio = _total(organisation, items, budget_get(organisation))
        portfolio.can_edit_budget = can_manage_budget(user, organisation)
        out.append(portfolio)
    return out


# --------------------------------------------------------------------------- scenario templates


def scenario_templates(partnership: Partnership) -> list[dict[str, Any]]:
    """The seven stress templates of the issue, dated on the partnership's finance model (its
    commercial operation year) or on today's year when there is none."""
    from django.utils import timezone

    spec = finance_selectors.internal_spec(partnership) or {}
    start = int(spec.get("start_year") or timezone.localdate().year)
    cod = start + int(spec.get("construction_years") or 2)
    return [
        {
            "key": "tariff_freeze",
            "name": _("Tariff freeze"),
            "description": _("The tariff is not indexed from the third year of operation."),
            "shocks": [{"type": "tariff_freeze", "from_year": cod + 2}],
        },
        {
            "key": "ap_cut",
            "name": _("Availability payment cut 15%"),
            "description": _("A new regional government renegotiates the availability payment."),
            "shocks": [{"type": "availability_cut", "fraction": 0.15, "from_year": cod + 2}],
        },
        {
            "key": "delay",
            "name": _("One-year delay"),
            "description": _("Land or permits come a year late; operation starts a year later."),
            "shocks": [{"type": "delay", "years": 1}],
        },
        {
            "key": "capex",
            "name": _("Capex overrun 20%"),
            "description": _("Construction costs 20% more than planned."),
            "shocks": [{"type": "capex", "change": 0.2}],
        },
        {
            "key": "demand",
            "name": _("Demand 20% below forecast"),
            "description": _("Fewer users than the traffic or demand study expected."),
            "shocks": [{"type": "demand", "change": -0.2}],
        },
        {
            "key": "interest",
            "name": _("Interest +150 bp"),
            "description": _("Interest rates rise by 1.5 percentage points."),
            "shocks": [{"type": "interest", "bp": 150}],
        },
        {
            "key": "change_in_law",
            "name": _("Change in law"),
            "description": _("A new regulation adds costs in one year (e.g. a new standard)."),
            "shocks": [{"type": "change_in_law", "costs": {str(cod + 4): 10.0}}],
        },
    ]


def _signed(value: float | None, places: int = 1) -> str:
    from mitra.core.templatetags.mitra import number

    if value is None:
        return "—"
    return ("+" if value > 0 else "") + number(value, places)


def scenario_explanation(scenario: StressScenario, shown: dict[str, Any], unit: str) -> str:
    """One sentence in plain words on what the scenario does and why the figures move."""
    kinds = {s.get("type") for s in scenario.shocks or []}
    parts: list[str] = []
    npc = (shown.get("government_npc") or {}).get("delta")
    equity = (shown.get("equity_npv") or {}).get("delta")
    project = (shown.get("project_npv") or {}).get("delta")
    if "interest" in kinds:
        text = _("Higher interest raises the debt service, so what is left for equity falls")
        if project is not None and project > 0:
            text += ", " + _(
                "while the project NPV rises: at a fixed discount rate it counts the cash flow "
                "after tax, and the larger interest lowers the tax paid (interest is deductible) "
                "and capitalised interest adds to depreciation"
            )
        parts.append(text + ".")
    if "availability_cut" in kinds:
        parts.append(
            _(
                "A lower availability payment saves the government money in the short run but "
                "leaves the project company less to serve its debt: the risk comes back to the "
                "PJPK as a default or a renegotiation."
            )
        )
    if "tariff_freeze" in kinds:
        parts.append(
            _(
                "A frozen tariff loses its indexation every year after the freeze, so revenue "
                "falls further behind costs as time passes."
            )
        )
    if "delay" in kinds:
        parts.append(
            _(
                "A delay pushes revenue (and payments) later while interest during construction "
                "grows, so every present value falls."
            )
        )
    if kinds & {"capex", "opex"}:
        parts.append(_("Higher costs are borne by the project company first: its returns fall."))
    if "demand" in kinds:
        parts.append(
            _(
                "Less demand means less user revenue; where the government guarantees demand or "
                "revenue, its contingent liability grows."
            )
        )
    if "change_in_law" in kinds:
        parts.append(
            _(
                "A change in law adds costs the contract usually lets the project company "
                "recover from the PJPK: check who bears it in the risk allocation."
            )
        )
    if npc is not None:
        parts.append(
            _("The government's net cost changes by %(x)s %(unit)s in present value.")
            % {"x": _signed(npc), "unit": unit}
        )
    if equity is not None:
        parts.append(
            _("The equity NPV changes by %(x)s %(unit)s.") % {"x": _signed(equity), "unit": unit}
        )
    return " ".join(parts)


# --------------------------------------------------------------------------- history


def appraisal_history(user: Any, partnership: Any) -> list[HistoryEntry]:
    if not can_view_internal(user, partnership):
        return []
    pk = partnership.pk
    entries = entries_from_records(
        VfmInputs.history.filter(partnership_id=pk).select_related("history_user"),
        object_type=_("Value-for-money inputs"),
        label=lambda r: _("PSC and KPBU option"),
    )
    entries += entries_from_records(
        VfmChecklist.history.filter(partnership_id=pk).select_related("history_user"),
        object_type=_("Qualitative VfM checklist"),
        label=lambda r: _("OBC checklist"),
    )
    entries += entries_from_records(
        FiscalInputs.history.filter(partnership_id=pk).select_related("history_user"),
        object_type=_("Fiscal inputs"),
        label=lambda r: _("Commitments and affordability"),
    )
    entries += entries_from_records(
        PublicGuarantee.history.filter(partnership_id=pk).select_related("history_user"),
        object_type=_("Government guarantee"),
        label=lambda r: f"{r.code} · {r.name}",
    )
    entries += entries_from_records(
        StressScenario.history.filter(partnership_id=pk).select_related("history_user"),
        object_type=_("Stress scenario"),
        label=lambda r: r.name,
    )
    return entries
