"""A yearly project-finance model of a PPP / KPBU concession.

:func:`~mitra.analysis.finance.spec.load_model` reads a ``finance-model.schema.json``
spec; :func:`run_model` computes per-year CFADS, debt service, DSCR, equity and
government flows and the summary (IRRs, NPVs, DSCR, LLCR); :func:`with_adjustments`
turns the knobs of a stress test. Its solver,
:func:`~mitra.analysis.finance.solvers.solve`, finds the availability payment, VGF
or tariff that gives the private party a target equity IRR. Every formula is in
``docs/finance.md``.

Conventions: calendar years; every flow at the end of its year; the valuation
date is the start of ``start_year`` (year ``y`` discounted by
``(1 + r)^-(y - start_year + 1)``). Money in ``amount_unit`` of ``currency``.
Government flows: positive = paid BY government, negative = received by it.

Decimal policy: float64 throughout; the Django layer converts to ``Decimal``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from mitra.analysis.finance.cashflows import IrrError, irr, npv
from mitra.analysis.finance.spec import (
    Debt,
    Deduction,
    DiscountRates,
    FinanceModel,
    Tax,
    load_model,
)

__all__ = [
    "GOVERNMENT_FLOW_KEYS",
    "PER_YEAR_FIELDS",
    "FinanceResult",
    "run_model",
    "with_adjustments",
]

FloatArray: TypeAlias = NDArray[np.float64]
IntArray: TypeAlias = NDArray[np.int64]

#: Keys of :attr:`FinanceResult.government_flows`, in reporting order.
GOVERNMENT_FLOW_KEYS = (
    "availability_payment",
    "vgf",
    "land",
    "subsidy",
    "tax_receipts",
    "concession_fee",
)
#: Not a government flow: a guarantee fee (``guarantee_fee``) is paid by the private party to
#: the guarantor, PT PII, a state-owned enterprise with its own balance sheet; it is neither
#: APBN nor APBD income, so it never lowers the government's cost (issue 12).

#: Per-year arrays of a result, in reporting order.
PER_YEAR_FIELDS = (
    "revenue",
    "user_revenue",
    "opex",
    "capex",
    "vgf",
    "guarantee_fee",
    "concession_fee",
    "depreciation",
    "taxable_income",
    "tax",
    "cfads",
    "debt_drawdown",
    "interest",
    "principal",
    "debt_service",
    "debt_balance",
    "dscr",
    "equity_flows",
    "project_flows",
)

_SCULPT_MAX_PASSES = 200
_SCULPT_TOLERANCE = 1e-10


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class FinanceResult:
    """Per-year outputs (NumPy arrays aligned on :attr:`years`) and the summary.

    Money in ``amount_unit`` of ``currency``, nominal, by calendar year (end of
    year). ``equity_flows`` is the equity holders' view (negative = injection);
    ``project_flows`` the unlevered post-tax flows of the private party
    (``-(private capex)`` in construction, CFADS in operation).
    ``government_flows`` (keys :data:`GOVERNMENT_FLOW_KEYS`): positive = paid
    by government, negative = received. ``dscr`` is NaN where there is no debt
    service. Summary IRRs, DSCRs and LLCR are ``None`` where undefined. The guarantee fee
    (``guarantee_fee``) is a private cost paid to the guarantor (PT PII), not a government
    flow.
    """

    name: str
    currency: str
    amount_unit: float
    years: IntArray
    cod_year: int
    revenue: FloatArray
    user_revenue: FloatArray
    opex: FloatArray
    capex: FloatArray
    vgf: FloatArray
    guarantee_fee: FloatArray
    concession_fee: FloatArray
    depreciation: FloatArray
    taxable_income: FloatArray
    tax: FloatArray
    cfads: FloatArray
    debt_drawdown: FloatArray
    interest: FloatArray
    principal: FloatArray
    debt_service: FloatArray
    debt_balance: FloatArray
    dscr: FloatArray
    equity_flows: FloatArray
    project_flows: FloatArray
    government_flows: Mapping[str, FloatArray]
    government_net: FloatArray
    project_irr: float | None
    equity_irr: float | None
    project_npv: float
    equity_npv: float
    min_dscr: float | None
    avg_dscr: float | None
    llcr: float | None
    government_npc: float
    debt_amount: float
    equity_invested: float
    discount_rates: DiscountRates = field(repr=False)

    def summary(self) -> dict[str, float | None]:
        """The summary figures as a dict (amounts in amount_unit, rates as decimals)."""
        return {
            "project_irr": self.project_irr,
            "equity_irr": self.equity_irr,
            "project_npv": self.project_npv,
            "equity_npv": self.equity_npv,
            "min_dscr": self.min_dscr,
            "avg_dscr": self.avg_dscr,
            "llcr": self.llcr,
            "government_npc": self.government_npc,
            "debt_amount": self.debt_amount,
            "equity_invested": self.equity_invested,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN written as ``null``)."""

        def clean(a: FloatArray) -> list[float | None]:
            return [v if math.isfinite(v) else None for v in a.tolist()]

        return {
            "name": self.name,
            "currency": self.currency,
            "amount_unit": self.amount_unit,
            "cod_year": self.cod_year,
            "discount_rates": {
                "public": self.discount_rates.public,
                "equity": self.discount_rates.equity,
                "project": self.discount_rates.project,
            },
            "years": self.years.tolist(),
            "per_year": {name: clean(getattr(self, name)) for name in PER_YEAR_FIELDS},
            "government_flows": {k: clean(v) for k, v in self.government_flows.items()},
            "government_net": clean(self.government_net),
            "summary": {
                k: (v if v is None or math.isfinite(v) else None) for k, v in self.summary().items()
            },
        }


# --------------------------------------------------------------------------- the model


def _discount(rate: float, flows: FloatArray) -> float:
    return float(npv(rate, flows))


def _irr_or_none(flows: FloatArray) -> float | None:
    try:
        return irr(flows)
    except IrrError:
        return None


def _annuity_payment(balance: float, rate: float, n: int) -> float:
    if rate == 0.0:
        return balance / n
    # 1 - (1 + r)^-n computed without cancellation for tiny r
    return balance * rate / -math.expm1(-n * math.log1p(rate))


@dataclass
class _Lines:
    """The operating lines that do not depend on financing (amount_unit per year)."""

    years: IntArray
    construction: NDArray[np.bool_]
    operating: NDArray[np.bool_]
    capex: FloatArray
    private_capex: FloatArray
    vgf: FloatArray
    land: FloatArray
    user_revenue: FloatArray
    availability: FloatArray
    subsidy: FloatArray
    opex: FloatArray
    guarantee_fee: FloatArray
    concession_fee: FloatArray
    pre_tax: FloatArray  # revenue - costs before tax and financing, operating years


def _lines(model: FinanceModel) -> _Lines:
    years = np.arange(model.start_year, model.handback_year + 1, dtype=np.int64)
    n, c = years.size, model.construction_years
    construction = np.arange(n) < c
    operating = ~construction
    s = np.where(operating, np.arange(n) - c, 0).astype(np.float64)  # operating-year index
    since_base = (years - model.price_base_year).astype(np.float64)

    capex = np.zeros(n)
    capex[:c] = model.capex
    other = np.zeros(n)
    for year, amount in model.other_costs.items():
        other[year - model.start_year] += amount
    vgf = np.zeros(n)
    if model.vgf is not None and model.vgf.amount > 0:
        vgf[:c] = model.vgf.amount * np.asarray(model.capex) / math.fsum(model.capex)
    land = np.zeros(n)
    if model.land_acquisition:
        land[:c] = model.land_acquisition
    private_capex = np.where(construction, capex + other - vgf, 0.0)

    user_revenue = np.zeros(n)
    if (up := model.user_pays) is not None:
        exponent = since_base
        if up.tariff_frozen_from is not None:
            exponent = np.minimum(years, up.tariff_frozen_from - 1) - model.price_base_year
        tariff = up.tariff * (1.0 + up.tariff_indexation) ** exponent
        ramp = np.ones(n)
        for k, factor in enumerate(up.ramp_up):
            if c + k < n:
                ramp[c + k] = factor
        demand = up.demand * (1.0 + up.demand_growth) ** s * ramp
        user_revenue = np.where(operating, tariff * demand / model.amount_unit, 0.0)

    availability = np.zeros(n)
    if (ap := model.availability_payment) is not None:
        cut = np.ones(n)
        for d in ap.deductions:
            cut = np.where(years >= d.from_year, cut * (1.0 - d.fraction), cut)
        full = ap.annual * (1.0 + ap.indexation) ** since_base
        availability = np.where(operating, full * ap.performance_factor * cut, 0.0)

    subsidy = np.zeros(n)
    if (sub := model.subsidy) is not None:
        paid = operating if sub.years is None else operating & (s < sub.years)
        subsidy = np.where(paid, sub.annual * (1.0 + sub.indexation) ** since_base, 0.0)

    opex = np.where(
        operating,
        model.opex.annual * (1.0 + model.opex.indexation) ** since_base + other,
        0.0,
    )
    guarantee_fee = np.zeros(n)
    if (g := model.guarantee) is not None:
        guarantee_fee = np.where(operating, g.fee_rate * g.cap, 0.0)
    concession_fee = np.zeros(n)
    if (cf := model.concession_fee) is not None:
        concession_fee = np.where(operating, cf.fixed + cf.revenue_share * user_revenue, 0.0)

    pre_tax = user_revenue + availability + subsidy - opex - guarantee_fee - concession_fee
    return _Lines(
        years=years,
        construction=construction,
        operating=operating,
        capex=np.where(construction, capex + other, 0.0),
        private_capex=private_capex,
        vgf=vgf,
        land=land,
        user_revenue=user_revenue,
        availability=availability,
        subsidy=subsidy,
        opex=opex,
        guarantee_fee=guarantee_fee,
        concession_fee=concession_fee,
        pre_tax=np.where(operating, pre_tax, 0.0),
    )


def _tax(
    tax: Tax | None, pre_tax: FloatArray, interest: FloatArray, depreciation: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Tax paid and taxable income (before loss relief) per year."""
    taxable = pre_tax - interest - depreciation
    paid = np.zeros_like(taxable)
    if tax is None:
        return paid, taxable
    losses: list[list[float]] = []  # [year index, remaining loss], oldest first
    horizon = tax.loss_carry_forward_years
    for t, income in enumerate(taxable.tolist()):
        losses = [entry for entry in losses if t - entry[0] <= horizon]
        if income < 0:
            if horizon > 0:
                losses.append([t, -income])
            continue
        for entry in losses:
            if income <= 0:
                break
            used = min(entry[1], income)
            entry[1] -= used
            income -= used
        losses = [entry for entry in losses if entry[1] > 0]
        paid[t] = tax.rate * income
    return paid, taxable


def _debt_schedule(
    debt: Debt, lines: _Lines, cfads: FloatArray, share: float
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Drawdown, interest, principal, debt service and closing balance per year.

    ``share`` is scaled down when a sculpted debt is limited by the target DSCR.
    """
    n, c = lines.years.size, int(lines.construction.sum())
    r = debt.rate
    first, last = c + debt.grace_years, c + debt.tenor_years  # repayment years [first, last)
    m = last - first
    # Balance at cod with IDC capitalised: B_c = sum_i share * K_i * (1 + r)^(c - 1 - i).
    growth = (1.0 + r) ** (c - 1 - np.arange(c))
    per_share = float(np.dot(lines.private_capex[:c], growth))
    gearing_debt = share * per_share
    if debt.repayment == "sculpted" and debt.target_dscr is not None and per_share > 0:
        target = np.maximum(cfads[first:last], 0.0) / debt.target_dscr
        capacity = float(np.dot(target, (1.0 + r) ** -np.arange(1.0, m + 1)))
        if gearing_debt > capacity:
            share = capacity / per_share
    drawdown = np.zeros(n)
    drawdown[:c] = share * lines.private_capex[:c]
    interest = np.zeros(n)
    principal = np.zeros(n)
    service = np.zeros(n)
    balance = np.zeros(n)
    b = 0.0
    for t in range(c):
        interest[t] = r * b
        b += interest[t] + drawdown[t]
        balance[t] = b
    sculpt: FloatArray | None = None
    if debt.repayment == "sculpted" and debt.target_dscr is not None:
        target = np.maximum(cfads[first:last], 0.0) / debt.target_dscr
        pv = float(np.dot(target, (1.0 + r) ** -np.arange(1.0, m + 1)))
        sculpt = target * (b / pv) if pv > 0 else np.full(m, b / m)
    annuity = _annuity_payment(b, r, m) if m > 0 else 0.0
    for t in range(c, last):
        interest[t] = r * b
        if t < first:
            service[t] = interest[t]
        elif t == last - 1:
            service[t] = interest[t] + b  # the last payment clears rounding
        else:
            service[t] = annuity if sculpt is None else sculpt[t - first]
        principal[t] = service[t] - interest[t]
        b -= principal[t]
        balance[t] = b
    return drawdown, interest, principal, service, balance


def _depreciation(model: FinanceModel, lines: _Lines, idc: float) -> FloatArray:
    n, c = lines.years.size, model.construction_years
    out = np.zeros(n)
    if model.tax is None:
        return out
    base = float(lines.private_capex[:c].sum()) + idc
    life = min(model.tax.depreciation_years, n - c)
    out[c : c + life] = base / life
    return out


def run_model(model: FinanceModel) -> FinanceResult:
    """Run the project-finance model year by year.

    Parameters
    ----------
    model : FinanceModel
        A validated model (see :func:`load_model`).

    Returns
    -------
    FinanceResult
        Per-year arrays on calendar years ``start_year .. handback_year`` and the
        summary; amounts in ``amount_unit`` of ``currency``.

    Notes
    -----
    Per operating year ``y`` (construction years carry no operating lines):

    * ``revenue = user_revenue + availability_payment + subsidy``;
      ``opex`` includes ``other_costs`` of operating years.
    * ``taxable = revenue - opex - guarantee_fee - concession_fee - interest -
      depreciation``; ``tax = rate x max(0, taxable - losses brought forward)``,
      losses usable for ``loss_carry_forward_years`` years, oldest first.
    * ``CFADS = revenue - opex - guarantee_fee - concession_fee - tax``.
    * Debt drawn in construction year ``i`` as ``share x K_i`` with private capex
      ``K_i = capex_i + other_costs_i - vgf_i``; interest during construction
      capitalised: ``B_i = B_{i-1} (1 + r) + share K_i``. From ``cod``:
      ``grace_years`` interest-only, then annuity ``B r / (1 - (1 + r)^-m)`` or
      sculpted ``DS_y = B x CFADS_y / sum_j CFADS_j (1 + r)^-j``; when sculpted the
      debt is the lesser of the gearing amount and ``sum_j (CFADS_j / DSCR*) (1 +
      r)^-j``, with the gearing scaled down to match. Tax depends on interest and
      CFADS on tax, so the sculpted schedule is iterated to a fixed point.
    * ``equity_flows = -(1 - share) K_i`` in construction and ``CFADS - DS`` in
      operation; ``project_flows = -K_i`` and ``CFADS``.
    * ``DSCR = CFADS / DS`` where ``DS > 0``; ``LLCR = sum_{y=cod}^{maturity}
      CFADS_y (1 + r)^-(y - cod + 1) / B_cod``.
    * ``government_npc = sum_y government_net_y (1 + public)^-(y - start_year + 1)``.

    References
    ----------
    E. R. Yescombe, *Principles of Project Finance*, 2nd ed., Academic Press,
    2014, ch. 12-13 (cover ratios, debt sculpting, LLCR); docs/finance.md.

    Examples
    --------
    >>> m = load_model({"spec_version": "1.0", "name": "x", "currency": "EUR",
    ...     "amount_unit": 1, "start_year": 2026, "construction_years": 1,
    ...     "handback_year": 2027, "discount_rates": {"public": 0.05, "equity": 0.1},
    ...     "capex": [100], "opex": {"annual": 0},
    ...     "availability_payment": {"annual": 110}})
    >>> r = run_model(m)
    >>> r.equity_flows.tolist(), round(r.equity_irr, 12), r.government_net.tolist()
    ([-100.0, 110.0], 0.1, [0.0, 110.0])
    """
    lines = _lines(model)
    n, c = lines.years.size, model.construction_years
    zeros = np.zeros(n)
    interest, principal, service, balance, drawdown = zeros, zeros, zeros, zeros, zeros
    tax, taxable = _tax(model.tax, lines.pre_tax, zeros, _depreciation(model, lines, 0.0))
    cfads = np.where(lines.operating, lines.pre_tax - tax, 0.0)
    if model.debt is not None and model.debt.share > 0:
        previous: FloatArray | None = None
        for _ in range(_SCULPT_MAX_PASSES):
            drawdown, interest, principal, service, balance = _debt_schedule(
                model.debt, lines, cfads, model.debt.share
            )
            idc = float(interest[:c].sum())
            depreciation = _depreciation(model, lines, idc)
            interest_op = np.where(lines.operating, interest, 0.0)
            tax, taxable = _tax(model.tax, lines.pre_tax, interest_op, depreciation)
            cfads = np.where(lines.operating, lines.pre_tax - tax, 0.0)
            scale = max(1.0, float(np.abs(service).max()))
            if previous is not None and np.abs(service - previous).max() <= (
                _SCULPT_TOLERANCE * scale
            ):
                break
            previous = service
            if model.debt.repayment != "sculpted" and model.tax is None:
                break
    idc = float(interest[:c].sum())
    depreciation = _depreciation(model, lines, idc)
    operating_service = np.where(lines.operating, service, 0.0)
    dscr = np.full(n, np.nan)
    paying = operating_service > 0
    with np.errstate(over="ignore"):  # a vanishingly small debt has an infinite DSCR
        dscr[paying] = cfads[paying] / operating_service[paying]
    equity_flows = np.where(
        lines.construction, -(lines.private_capex - drawdown), cfads - operating_service
    )
    project_flows = np.where(lines.construction, -lines.private_capex, cfads)
    government = {
        "availability_payment": lines.availability,
        "vgf": lines.vgf,
        "land": lines.land,
        "subsidy": lines.subsidy,
        "tax_receipts": -tax,
        "concession_fee": -lines.concession_fee,
    }
    government_net = np.sum(list(government.values()), axis=0)
    rates = model.discount_rates
    debt_amount = float(balance[c - 1]) if c > 0 else 0.0
    llcr: float | None = None
    if model.debt is not None and debt_amount > 0:
        maturity = c + model.debt.tenor_years
        llcr = _discount(model.debt.rate, cfads[c:maturity]) / debt_amount
    for array in (*government.values(), government_net, dscr, equity_flows, project_flows):
        array.setflags(write=False)
    return FinanceResult(
        name=model.name,
        currency=model.currency,
        amount_unit=model.amount_unit,
        years=lines.years,
        cod_year=model.cod_year,
        revenue=lines.user_revenue + lines.availability + lines.subsidy,
        user_revenue=lines.user_revenue,
        opex=lines.opex,
        capex=lines.capex,
        vgf=lines.vgf,
        guarantee_fee=lines.guarantee_fee,
        concession_fee=lines.concession_fee,
        depreciation=depreciation,
        taxable_income=taxable,
        tax=tax,
        cfads=cfads,
        debt_drawdown=drawdown,
        interest=interest,
        principal=principal,
        debt_service=operating_service,
        debt_balance=balance,
        dscr=dscr,
        equity_flows=equity_flows,
        project_flows=project_flows,
        government_flows=government,
        government_net=government_net,
        project_irr=_irr_or_none(project_flows),
        equity_irr=_irr_or_none(equity_flows),
        project_npv=_discount(rates.project, project_flows),
        equity_npv=_discount(rates.equity, equity_flows),
        min_dscr=float(dscr[paying].min()) if paying.any() else None,
        avg_dscr=float(dscr[paying].mean()) if paying.any() else None,
        llcr=llcr,
        government_npc=_discount(rates.public, government_net),
        debt_amount=debt_amount,
        equity_invested=float(-equity_flows[lines.construction].sum()),
        discount_rates=rates,
    )


# --------------------------------------------------------------------------- stress knobs


def with_adjustments(
    model: FinanceModel,
    *,
    capex_factor: float = 1.0,
    opex_factor: float = 1.0,
    demand_factor: float = 1.0,
    tariff_frozen_from: int | None = None,
    availability_cut: tuple[float, int] | None = None,
    delay_years: int = 0,
    interest_bp: float = 0.0,
    extra_costs: Mapping[int, float] | None = None,
) -> FinanceModel:
    """A copy of ``model`` with the knobs of a stress test turned.

    Parameters
    ----------
    model : FinanceModel
        The base model.
    capex_factor, opex_factor, demand_factor : float
        Multipliers (>= 0) of the construction capex, the base opex and the
        first-year demand.
    tariff_frozen_from : int, optional
        Calendar year from which the tariff is no longer indexed (an earlier
        freeze already in the model wins).
    availability_cut : (float, int), optional
        ``(fraction, from_year)``: the availability payment is multiplied by
        ``1 - fraction`` from that calendar year on (added to any deductions).
    delay_years : int
        Construction finishes ``delay_years`` later: construction years grow by
        that much, with no extra capex in the added years (interest keeps
        capitalising), and revenue and payments start that much later; the
        hand-back year does not move, so operations are shorter. The loan keeps
        its tenor from the (new) COD unless it would then mature after the
        hand-back year; it is then shortened to end in the hand-back year (and its
        grace period to at most the tenor less one year).
    interest_bp : float
        Basis points added to the debt rate (construction and operation).
    extra_costs : mapping of int to float, optional
        Extra private costs by calendar year (amount_unit), e.g. a change in
        law, added to ``other_costs``.

    Returns
    -------
    FinanceModel
        A new, validated model; ``to_dict()`` shows every adjustment.

    Raises
    ------
    SpecError
        When the adjusted model is invalid (e.g. the delay leaves no operating
        year or pushes the loan's maturity past the hand-back year).
    ValueError
        For a negative factor or delay.
    """
    for name, value in (
        ("capex_factor", capex_factor),
        ("opex_factor", opex_factor),
        ("demand_factor", demand_factor),
        ("delay_years", delay_years),
    ):
        if value < 0 or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    changes: dict[str, Any] = {
        "capex": tuple(v * capex_factor for v in model.capex) + (0.0,) * delay_years,
        "construction_years": model.construction_years + delay_years,
        "opex": dataclasses.replace(model.opex, annual=model.opex.annual * opex_factor),
    }
    if model.land_acquisition:
        changes["land_acquisition"] = model.land_acquisition + (0.0,) * delay_years
    if (up := model.user_pays) is not None:
        frozen = up.tariff_frozen_from
        if tariff_frozen_from is not None:
            frozen = tariff_frozen_from if frozen is None else min(frozen, tariff_frozen_from)
        changes["user_pays"] = dataclasses.replace(
            up, demand=up.demand * demand_factor, tariff_frozen_from=frozen
        )
    if (ap := model.availability_payment) is not None and availability_cut is not None:
        fraction, year = availability_cut
        changes["availability_payment"] = dataclasses.replace(
            ap, deductions=(*ap.deductions, Deduction(int(year), float(fraction)))
        )
    if (debt := model.debt) is not None:
        # the loan cannot outlive the concession: a delay shortens its tenor if need be
        tenor = min(debt.tenor_years, model.handback_year - model.cod_year - delay_years + 1)
        tenor = max(tenor, 1)
        changes["debt"] = dataclasses.replace(
            debt,
            rate=debt.rate + interest_bp / 10_000.0,
            tenor_years=tenor,
            grace_years=min(debt.grace_years, tenor - 1),
        )
    if extra_costs:
        merged = dict(model.other_costs)
        for year, amount in extra_costs.items():
            merged[int(year)] = merged.get(int(year), 0.0) + float(amount)
        changes["other_costs"] = merged
    return load_model(dataclasses.replace(model, **changes).to_dict())
